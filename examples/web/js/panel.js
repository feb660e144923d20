// The moderator panel: a form per control type of the export; Publish
// checks the item against its schema (publishers MUST validate, wire format
// section 6) and hands it to send() (js/send.js).  The panel follows the
// control node too, so the room's state is shown as clients get it, with a
// Retract button per key and Purge all.
import { buildForm, readForm } from './forms.js';
import { $, startPage } from './page.js';
import { send } from './send.js';

let session;
let room;
let registry;
const state = new Map(); // item id -> item, as the clients have it

function report(text, isError) {
  const li = document.createElement('li');
  li.textContent = text;
  if (isError) li.className = 'error';
  $('results').prepend(li);
}

async function request(what, req) {
  try {
    report(await send(session, room, req));
  } catch (e) {
    report(`${what}: ${e.message}`, true);
  }
}

// Field values for the table: bytes by size, the rest as JSON.
const shown = (fields) => Object.entries(fields)
  .map(([k, v]) => `${k}=${v instanceof Uint8Array ? `(${v.length} bytes)` : JSON.stringify(v)}`).join(' ');

function showState() {
  const rows = [...state.values()].sort((a, b) => a.id.localeCompare(b.id)).map((item) => {
    const row = document.createElement('tr');
    row.dataset.id = item.id;
    const retract = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Retract' });
    retract.addEventListener('click', () => request(item.id, { op: 'retract', id: item.id }));
    for (const content of [item.id, shown(item.fields), retract]) row.insertCell().append(content);
    return row;
  });
  $('state-items').replaceChildren(...rows);
  $('state-empty').hidden = rows.length > 0;
}

const follow = {
  item: (element, live) => {
    const result = registry.validateItem(element);
    if (result.error) return report(`on the node, dropped by clients: ${result.error}`, true);
    if (result.item.kind === 'state') state.set(result.item.id, result.item);
    else if (live) report(`on the node: ${result.item.type} ${shown(result.item.fields)}`);
    showState();
  },
  retract: (id) => {
    state.delete(id);
    showState();
  },
  purge: () => {
    state.clear();
    showState();
  },
  synced: (ids) => {
    for (const id of [...state.keys()]) if (!ids.includes(id)) state.delete(id);
    showState();
  },
};

async function publish(event, schema) {
  event.preventDefault();
  const button = event.target.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const tree = await readForm(event.target, schema);
    const result = registry.validate(tree); // its messages name the type already
    if (result.error) return report(result.error, true);
    const item = result.item;
    if (item.kind === 'event') item.id = crypto.randomUUID();
    await request(schema.type, { op: 'publish', item, control: tree });
  } catch (e) {
    report(`${schema.type}: ${e.message}`, true); // a file that cannot be read
  } finally {
    button.disabled = false;
  }
}

async function openPanel(newSession, newRoom, newRegistry) {
  [session, room, registry] = [newSession, newRoom, newRegistry];
  for (const schema of registry.latest()) {
    const form = buildForm(schema);
    form.addEventListener('submit', (event) => publish(event, schema));
    $('forms').append(form);
  }
  $('purge').addEventListener('click', () => request('purge', { op: 'purge' }));
  $('panel').hidden = false;
  window.addEventListener('beforeunload', () => session.leave([room]));
  await session.watchControl(room, follow);
  document.body.dataset.panel = 'true';
}

startPage(openPanel);

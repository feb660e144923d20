// The moderator panel: a form per control type of the export; Publish
// checks the item against its schema (publishers MUST validate, wire format
// section 6) and hands it to send() (js/send.js): through the room's gate
// when the page is told one, with the clients' acknowledgements shown live
// under the request.  The panel follows the room too (js/follow.js), so the
// room's state is shown as clients get it, with a Retract button per key
// and Purge all.
import { buildForm, readForm } from './forms.js';
import { $, setStatus, startPage, stayConnected } from './page.js';
import { send } from './send.js';
import { RoomFollower } from './follow.js';

let session;
let room;
let registry;
let gate = '';
let follower;

// A line of the log, newest first: what was done (.done) and, through a
// gate, what the clients made of it (.acks, updated as they answer).
// Lines about what the panel saw on the room's nodes have class "seen".
function report(text, isError) {
  const li = document.createElement('li');
  const done = Object.assign(document.createElement('span'), { className: 'done', textContent: text });
  li.append(done);
  if (isError) li.classList.add('error');
  $('results').prepend(li);
  return li;
}

async function request(what, req) {
  const li = report(`${what}: sending…`);
  const acks = Object.assign(document.createElement('span'), { className: 'acks' });
  const onProgress = (counts, line, done) => {
    acks.textContent = line;
    li.dataset.acks = done ? (counts && counts.applied === counts.total ? 'all' : 'some') : 'waiting';
  };
  try {
    li.firstChild.textContent = await send(session, room, gate, req, onProgress);
    if (acks.textContent) li.append(' — ', acks);
    else if (gate) li.dataset.acks = 'untracked';
  } catch (e) {
    li.firstChild.textContent = `${what}: ${e.message}`;
    li.classList.add('error');
  }
}

// Field values for the table: bytes by size, the rest as JSON.
const shown = (fields) => Object.entries(fields)
  .map(([k, v]) => `${k}=${v instanceof Uint8Array ? `(${v.length} bytes)` : JSON.stringify(v)}`).join(' ');

function showState() {
  const rows = follower.items().sort((a, b) => a.id.localeCompare(b.id)).map((item) => {
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

async function publish(event, schema) {
  event.preventDefault();
  const button = event.target.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const tree = await readForm(event.target, schema);
    const result = registry.validate(tree); // its messages name the type already
    if (result.error) return report(result.error, true);
    await request(schema.type, { op: 'publish', item: result.item, control: tree });
  } catch (e) {
    report(`${schema.type}: ${e.message}`, true); // a file that cannot be read
  } finally {
    button.disabled = false;
  }
}

async function openPanel(newSession, newRoom, newRegistry, config) {
  [session, room, registry, gate] = [newSession, newRoom, newRegistry, config.gate || ''];
  follower = new RoomFollower(registry, gate, {
    apply: showState,
    reset: showState,
    event: (item) => { report(`on the node: ${item.type} ${shown(item.fields)}`).classList.add('seen'); },
    dropped: (id, reason) => { report(`on the node, dropped by clients: ${reason}`, true).classList.add('seen'); },
  });
  for (const schema of registry.latest()) {
    const form = buildForm(schema);
    form.addEventListener('submit', (event) => publish(event, schema));
    $('forms').append(form);
  }
  $('purge').addEventListener('click', () => request('purge', { op: 'purge' }));
  $('panel').hidden = false;
  window.addEventListener('beforeunload', () => session.leave([room]));
  stayConnected(session, enter, () => { document.body.dataset.synced = 'false'; });
  await enter(session);
  document.body.dataset.panel = 'true';
}

// Enter the room with @newSession (again after a lost connection): into
// the chat room when there is a gate, since the gate checks, at each
// request, the role of the requester's occupant (section 11.1) — under a
// nickname of its own, as `roomctl --gate` does — then follow the nodes.
async function enter(newSession) {
  session = newSession;
  if (gate) {
    const nick = `${session.jid.split('@')[0]}-panel-${Math.random().toString(16).slice(2, 6)}`;
    const role = await session.joinChat(room, nick, () => {}, { history: false });
    setStatus(`online as ${session.jid}, in ${room} as ${role || 'an occupant'}; requests go through ${gate}`, 'online');
    $('panel').dataset.role = role || '';
  } else {
    setStatus(`online as ${session.jid}, following ${room}`, 'online');
  }
  await session.watchControl(room, follower.handlers());
  document.body.dataset.synced = 'true';
}

startPage(openPanel);

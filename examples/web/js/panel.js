// The moderator panel: a form per control type of the export; Publish
// checks the item against its schema (publishers MUST validate, wire format
// section 6) and hands it to sendItem() (js/send.js).
import { buildForm, readForm } from './forms.js';
import { $, startPage } from './page.js';
import { sendItem } from './send.js';

function report(text, isError) {
  const li = document.createElement('li');
  li.textContent = text;
  if (isError) li.className = 'error';
  $('results').prepend(li);
}

async function publish(event, session, room, registry, schema) {
  event.preventDefault();
  const form = event.target;
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    const tree = await readForm(form, schema);
    const result = registry.validate(tree); // its messages name the type already
    if (result.error) return report(result.error, true);
    const item = result.item;
    if (item.kind === 'event') item.id = crypto.randomUUID();
    report(await sendItem(session, room, item, tree));
  } catch (e) {
    report(`${schema.type}: ${e.message}`, true);
  } finally {
    button.disabled = false;
  }
}

async function openPanel(session, room, registry) {
  for (const schema of registry.latest()) {
    const form = buildForm(schema);
    form.addEventListener('submit', (event) => publish(event, session, room, registry, schema));
    $('forms').append(form);
  }
  $('panel').hidden = false;
  document.body.dataset.panel = 'true';
}

startPage(openPanel);

// What the pages hold of a room (js/follow.js), fed the elements the server
// would send: the state rule of docs/wire-format.md 5.1 (an item the page
// cannot apply resets its key; the same item is not applied twice), the
// events node (live only, never state, section 2), the fetch of a join or
// rejoin (section 7), and under a gate only the gate's items and
// retractions (11.5).
// Usage: node test/follow-test.mjs ROOMCTL SCHEMA_DIR   (no npm package needed)
import { execFileSync } from 'node:child_process';
import { Registry, NS } from '../js/schemas.js';
import { RoomFollower } from '../js/follow.js';

const [roomctl, schemaDir] = process.argv.slice(2);
const registry = new Registry(JSON.parse(execFileSync(roomctl, ['schema', 'export', '--schemas', schemaDir],
                                                     { encoding: 'utf8' })));
const failures = [];
const warnings = [];
console.warn = (text) => warnings.push(text);

// The few DOM calls follow.js and schemas.js make, on plain objects.
function el(name, ns, attrs, ...kids) {
  const nodes = kids.map((k) => (typeof k === 'string' ? { nodeType: 3, nodeValue: k } : k));
  return {
    nodeType: 1, localName: name, namespaceURI: ns, childNodes: nodes,
    children: nodes.filter((k) => k.nodeType === 1),
    attributes: Object.entries(attrs).map(([n, value]) => ({ name: n, value })),
    getAttribute: (n) => (n in attrs ? attrs[n] : null),
  };
}
// <item id=ID [publisher=P]><control type=TYPE version=V>fields</control></item>
function item(id, type, fields, { publisher, version = '1' } = {}) {
  const attrs = publisher ? { id, publisher } : { id };
  return el('item', '', attrs, el('control', NS, { type, version },
    ...Object.entries(fields).map(([k, v]) => el(k, NS, {}, v))));
}
const retract = (id, publisher) => el('retract', '', publisher ? { id, publisher } : { id });
const send = (enabled, opts) => item('ui.button:send', 'ui.button', { button: 'send', enabled }, opts);
const live = { live: true, events: false };
const fetched = { live: false, events: false };
const events = { live: true, events: true };

// A follower that writes down what it was told, as "apply ID enabled=…",
// "reset ID", "event TYPE", "drop ID: REASON".
function follower(gate = '') {
  const log = [];
  const f = new RoomFollower(registry, gate, {
    apply: (i) => log.push(`apply ${i.id}${'enabled' in i.fields ? ` enabled=${i.fields.enabled}` : ''}`),
    reset: (i) => log.push(`reset ${i.id}`),
    event: (i) => log.push(`event ${i.type}`),
    dropped: (id, reason) => log.push(`drop ${id}: ${reason}`),
    synced: () => log.push('synced'),
  });
  return { f, log, take: () => log.splice(0).join(' | ') };
}
function expect(what, got, want) {
  if (got !== want) failures.push(`${what}:\n    got:  ${got}\n    want: ${want}`);
}

{
  const { f, take } = follower();
  f.item(send('false'), live);
  expect('a valid state item is applied', take(), 'apply ui.button:send enabled=false');
  f.item(send('false'), live);
  expect('the same item again is not applied again', take(), '');
  f.item(send('true'), live);
  expect('a changed item is applied', take(), 'apply ui.button:send enabled=true');
  f.item(send('maybe'), live);
  expect('an invalid item resets the key it replaces (5.1)', take(),
         "drop ui.button:send: ui.button: field 'enabled': expected true or false, got 'maybe' | reset ui.button:send");
  f.item(send('false'), live);
  f.item(send('false', { version: '9' }), live);
  expect('an unknown version resets the key too', take(),
         'apply ui.button:send enabled=false | drop ui.button:send: ui.button: unknown version 9 (known up to 1) | reset ui.button:send');
  f.item(item('ui.button:attach', 'ui.button', { button: 'send', enabled: 'false' }), live);
  expect('an id that does not match the key is dropped', take(),
         "drop ui.button:attach: ui.button: item id 'ui.button:attach' does not match the item's key (expected 'ui.button:send')");
  f.item(el('item', '', { id: 'x' }), live);
  expect('an item without a payload is dropped', take(), "drop x: item 'x' must carry exactly one <control/>");
}

{
  const { f, take } = follower();
  f.item(send('false'), live);
  take();
  f.item(item('e1', 'room.notice', { text: 'Hello' }), events);
  expect('an event of the events node is shown', take(), 'event room.notice');
  f.item(item('e2', 'ui.button', { button: 'send', enabled: 'true' }), events);
  expect('a state item on the events node is dropped and changes no key', take(),
         "drop e2: ui.button is state, published to the room's events node");
  f.item(item('e3', 'room.notice', { text: 'x'.repeat(501) }), events);
  expect('an invalid event is dropped, no key reset', take(),
         "drop e3: room.notice: field 'text': too long: 501 characters, at most 500");
  f.item(item('e4', 'room.notice', { text: 'Old' }), fetched);
  expect("an event in the state node's history is not shown", take(), '');
  f.item(item('e5', 'room.notice', { text: 'Now' }), live);
  expect("a live event on the state node (an older publisher's) is shown", take(), 'event room.notice');
  if (f.items().map((i) => i.id).join() !== 'ui.button:send') failures.push(`held: ${f.items().map((i) => i.id)}`);
}

{
  const { f, take } = follower();
  const chat = (enabled) => item('chat.power', 'chat.power', { enabled });
  f.synced([send('false'), chat('false')]);
  expect('a join applies the fetched state', take(), 'apply ui.button:send enabled=false | apply chat.power enabled=false | synced');
  f.synced([send('false'), item('chat.power', 'chat.power', { enabled: 'off' })]);
  expect('a rejoin applies nothing twice, and an item now invalid resets its key', take(),
         "drop chat.power: chat.power: field 'enabled': expected true or false, got 'off' | reset chat.power | synced");
  f.item(chat('true'), live);
  f.synced([chat('true')]);
  expect('a rejoin resets the keys retracted while away', take(), 'apply chat.power enabled=true | reset ui.button:send | synced');
  f.retract(retract('chat.power'));
  f.retract(retract('chat.power'));
  expect('a retraction resets the key once', take(), 'reset chat.power');
  f.item(send('false'), live);
  f.item(chat('false'), live);
  take();
  f.purge();
  expect('a purge resets every key', take(), 'reset ui.button:send | reset chat.power');
}

{
  const { f, take } = follower('Gate.Localhost');
  f.item(send('false', { publisher: 'gate.localhost' }), live);
  expect("the gate's item is applied", take(), 'apply ui.button:send enabled=false');
  f.item(send('true', { publisher: 'owner@localhost/laptop' }), live);
  expect("another publisher's item is dropped and resets the key (5.1)", take(),
         'drop ui.button:send: publisher owner@localhost is not the gate gate.localhost | reset ui.button:send');
  f.item(send('false', { publisher: 'GATE.localhost' }), live);
  f.retract(retract('ui.button:send', 'owner@localhost'));
  expect("another account's retraction resets nothing", take(),
         'apply ui.button:send enabled=false | drop ui.button:send: retraction by owner@localhost, who is not the gate gate.localhost');
  f.item(item('e1', 'room.notice', { text: 'Hi' }, { publisher: 'eve@localhost' }), events);
  expect("another publisher's event is dropped", take(), 'drop e1: publisher eve@localhost is not the gate gate.localhost');
  f.retract(retract('ui.button:send', 'gate.localhost'));
  expect("the gate's retraction resets the key", take(), 'reset ui.button:send');
  warnings.length = 0;
  f.item(send('false'), live);
  f.item(send('true'), live);
  expect('without publishers named, items are applied', take(), 'apply ui.button:send enabled=false | apply ui.button:send enabled=true');
  if (warnings.length !== 1 || !warnings[0].includes('does not name the publishers'))
    failures.push(`without publishers named: said once: ${JSON.stringify(warnings)}`);
}

{
  // What the chat page acknowledges to the gate follows from these.
  const whys = [];
  let purged = 0;
  const resets = [];
  const f = new RoomFollower(registry, 'gate.localhost', {
    apply: () => {},
    reset: (i, byPurge) => resets.push(`${i.id}${byPurge ? ' by purge' : ''}`),
    purged: () => purged++,
    dropped: (id, reason, why) => whys.push(why),
  });
  f.item(send('false', { publisher: 'owner@localhost' }), live);
  f.item(send('false', { publisher: 'gate.localhost', version: '2' }), live);
  f.item(send('maybe', { publisher: 'gate.localhost' }), live);
  f.item(item('e1', 'ui.button', { button: 'send', enabled: 'true' }, { publisher: 'gate.localhost' }), events);
  f.item(item('e2', 'poll.never', { q: 'x' }, { publisher: 'gate.localhost' }), events);
  expect('why items are dropped', whys.join(), 'forged,unknown,invalid,invalid,unknown');
  f.item(send('false', { publisher: 'gate.localhost' }), live);
  f.retract(retract('ui.button:send', 'gate.localhost'));
  f.item(send('false', { publisher: 'gate.localhost' }), live);
  f.purge();
  expect('a purge resets each key as a purge, then says so once', `${resets.join()} / ${purged}`,
         'ui.button:send,ui.button:send by purge / 1');
}

if (failures.length) {
  console.log(failures.map((f) => `FAIL ${f}`).join('\n'));
  process.exit(1);
}
console.log('follow: every case as the wire format says');

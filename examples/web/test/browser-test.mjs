// The chat page in a real browser (Debian's chromium, driven by
// playwright-core) against the harness's Prosody, in a room whose nodes
// roomctl-gate owns: `roomctl publish` through the gate disables Send,
// shows a slide, posts a notice (the events node) and turns the chat off and
// on in the page; a page joining late shows the room's current state.
// Screenshots go to OUT_DIR.
//
// Then the moderator panel: its forms go through the gate, the pages and a
// roomctl-agent (gate: in its config) apply, and the panel shows the
// agent's acknowledgement; a non-moderator's panel is refused with the
// gate's reason.  Last, in a room without a gate, what the page refuses.
//
// Usage: node test/browser-test.mjs ROOMCTL ROOMCTL_AGENT ROOMCTL_GATE PLUGIN_DIR
//                                   RC_TEST_PROSODY SCHEMA_DIR SLIDE_PNG OUT_DIR
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, startAgent, stopAll, roomctl, launchChromium } from './harness.mjs';

const [roomctlBin, agentBin, gateBin, pluginDir, prosodyBin, schemaDir, slidePng, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const room = 'talk@conference.localhost';     // its gate owns its nodes
const openRoom = 'open@conference.localhost'; // no gate: the owner publishes to the nodes
const accounts = { owner: 'pw-owner', carol: 'pw-carol', dave: 'pw-dave', eve: 'pw-eve', agent: 'pw-agent' };
const WAIT = { timeout: 15000 };
let passed = 0;
const started = Date.now();

function step(what) {
  console.log(`# ${what}`);
}
function ok(what) {
  passed++;
  console.log(`ok ${passed} - ${what}`);
}

// Open @file as @user, log in and wait for @ready.  @file may carry more
// of the query (chat.html?room=…&gate=).
async function open(context, url, file, user, ready) {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') console.log(`  [${user}] ${m.text()}`); });
  page.on('pageerror', (e) => console.log(`  [${user}] page error: ${e.message}`));
  await page.goto(`${url}${file}${file.includes('?') ? '&' : '?'}jid=${user}@localhost`);
  await page.waitForSelector('body[data-ready="true"]', WAIT);
  await page.fill('#login-password', accounts[user]);
  await page.click('#login-join');
  await page.waitForSelector(ready, WAIT);
  return page;
}
const openChat = (context, url, user, query = '') => open(context, url, `chat.html${query}`, user, 'body[data-synced="true"]');
const openPanel = (context, url, user, query = '') => open(context, url, `panel.html${query}`, user, 'body[data-panel="true"]');

// Fill the panel's form of @type with @values (field -> text) and publish;
// resolves with what the panel reports it did (the line's .done).
async function panelPublish(panel, type, values) {
  const form = `form[data-type="${type}"]`;
  for (const [name, value] of Object.entries(values)) {
    const input = panel.locator(`${form} [name="${name}"]`);
    const tag = await input.evaluate((el) => el.tagName + (el.type === 'file' ? ':file' : ''));
    if (tag === 'SELECT') await input.selectOption(value);
    else if (tag === 'INPUT:file') await input.setInputFiles(value);
    else await input.fill(value);
  }
  const before = await panel.locator('#results li:not(.seen)').count();
  await panel.click(`${form} button[type="submit"]`);
  await panel.waitForFunction((n) => document.querySelectorAll('#results li:not(.seen)').length > n, before, WAIT);
  await panel.waitForFunction(() => !document.querySelector('#results li:not(.seen)').textContent.includes('sending…'), null, WAIT);
  return panel.locator('#results li:not(.seen) .done').first().textContent();
}

// Wait until the panel's newest line has the clients' summary; returns it.
async function panelAcks(panel) {
  const newest = panel.locator('#results li:not(.seen)').first();
  await newest.and(panel.locator('[data-acks="all"], [data-acks="some"]')).waitFor(WAIT);
  return newest.locator('.acks').textContent();
}

// Wait until the agent's ui.json says @check.
async function waitForAgent(file, check) {
  for (const deadline = Date.now() + WAIT.timeout; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    try {
      if (check(JSON.parse(readFileSync(file, 'utf8')))) return;
    } catch { /* not written yet */ }
  }
  throw new Error(`the agent's ${file} did not change in time`);
}

let browser;
let status = 1;
try {
  const { env, directEnv, gate, stopGate, url, strictUrl, port } =
    await startStack({ roomctlBin, gateBin, prosodyBin, schemaDir, outDir, accounts, room, openRoom });
  const agentUi = await startAgent({ agentBin, pluginDir, schemaDir, outDir, port, room, gate, password: accounts.agent });
  const publish = (...args) => roomctl(roomctlBin, env, 'publish', room, ...args); // through the gate
  browser = await launchChromium();
  const carol = await openChat(browser.context, url, 'carol');
  if (!(await carol.textContent('#status')).endsWith(`in sync with ${room}, items from ${gate} only`))
    throw new Error(`carol's status: ${await carol.textContent('#status')}`);
  ok('carol joined the room and is in sync with its nodes, taking items from the gate only');
  if (await carol.isDisabled('#send')) throw new Error('Send is disabled before any item');
  await carol.fill('#message', 'Good morning! Is the talk starting?');
  await carol.click('#send');
  await carol.waitForSelector('#messages li:has-text("Good morning")', WAIT);

  step('roomctl publish ui.button button=send enabled=false (through the gate)');
  await publish('ui.button', 'button=send', 'enabled=false');
  await carol.waitForSelector('#send:disabled', WAIT);
  ok('Send is disabled in the page');

  step('roomctl publish slideshow.slide … image=@slide.png (inline image)');
  await publish('slideshow.slide', 'deck=welcome', 'index=2', 'total=5', 'caption=Today\'s plan', `image=@${slidePng}`);
  await carol.waitForSelector('#slide-image[src^="blob:"]', WAIT);
  await carol.waitForFunction(() => document.getElementById('slide-image').naturalWidth > 0, null, WAIT);
  if ((await carol.textContent('#slide-caption')) !== "Today's plan") throw new Error('slide caption');
  if ((await carol.textContent('#slide-position')) !== 'welcome: slide 2 of 5') throw new Error('slide position');
  ok('the slide shows the inline image, its caption and position');
  await carol.screenshot({ path: join(outDir, 'chat-send-disabled-slide.png') });

  step('roomctl publish room.notice (an event: the events node)');
  await publish('room.notice', 'text=Questions after the talk, please', 'level=warning');
  await carol.waitForSelector('#notice:not([hidden])[data-level="warning"]', WAIT);
  if ((await carol.textContent('#notice-text')) !== 'Questions after the talk, please') throw new Error('notice text');
  ok('the notice banner shows');

  step('roomctl publish chat.power enabled=false');
  await publish('chat.power', 'enabled=false', 'reason=Talk in progress');
  await carol.waitForSelector('#composer', { ...WAIT, state: 'hidden' });
  if ((await carol.textContent('#chat-off')) !== 'The chat is off: Talk in progress') throw new Error('chat-off text');
  ok('chat off hides the input and says why');
  await carol.screenshot({ path: join(outDir, 'chat-off.png') });

  step('dave joins late');
  const dave = await openChat(browser.context, url, 'dave');
  if (!(await dave.isDisabled('#send'))) throw new Error('late joiner: Send is not disabled');
  if (!(await dave.isVisible('#slide-image'))) throw new Error('late joiner: no slide');
  if (await dave.isVisible('#composer')) throw new Error('late joiner: the input shows while the chat is off');
  if (await dave.isVisible('#notice')) throw new Error('late joiner: a past notice (an event) was applied');
  ok('a late joiner shows the current state: Send disabled, the slide, chat off, no past notice');
  await dave.screenshot({ path: join(outDir, 'late-joiner.png') });

  step('chat on, Send enabled again (retract), a message');
  await publish('chat.power', 'enabled=true');
  await roomctl(roomctlBin, env, 'retract', room, 'ui.button:send');
  for (const page of [carol, dave]) {
    await page.waitForSelector('#composer', { ...WAIT, state: 'visible' });
    await page.waitForSelector('#send:enabled', WAIT);
  }
  ok('chat on shows the input again and a retraction resets Send, on both pages');
  await carol.fill('#message', 'Hello from carol');
  await carol.click('#send');
  await dave.waitForSelector('#messages li:has-text("Hello from carol")', WAIT);
  ok('a message sent with Send reaches the other page');

  step('roomctl purge');
  await roomctl(roomctlBin, env, 'purge', room, '--yes');
  await dave.waitForSelector('#slide', { ...WAIT, state: 'hidden' });
  ok('a purge resets the slide');

  step('the moderator panel (owner@localhost), through the gate');
  const panel = await openPanel(browser.context, url, 'owner');
  if ((await panel.getAttribute('#panel', 'data-role')) !== 'moderator')
    throw new Error(`the panel's occupant: ${await panel.textContent('#status')}`);
  const types = await panel.$$eval('form[data-type]', (forms) => forms.map((f) => f.dataset.type));
  if (types.join() !== 'chat.power,room.notice,slideshow.slide,ui.button,ui.feature') throw new Error(`panel forms: ${types}`);
  ok('the panel is in the room as a moderator and has a form per exported type');
  let line = await panelPublish(panel, 'ui.button', { button: 'attach', enabled: 'false' });
  if (line !== `published ui.button:attach to ${room}`) throw new Error(`panel: ${line}`);
  for (const page of [carol, dave]) await page.waitForSelector('#attach:disabled', WAIT);
  await waitForAgent(agentUi, (ui) => ui[room]?.buttons?.attach?.enabled === false);
  await panel.waitForSelector('#state-items tr[data-id="ui.button:attach"]', WAIT);
  ok('the panel publishes ui.button through the gate: both pages and the roomctl-agent apply it, the panel lists it');
  // The clients: the agent and the two chat pages, which announce themselves
  // to the gate as well.
  line = await panelAcks(panel);
  if (line !== 'applied on 3 of 3 clients') throw new Error(`panel acknowledgements: ${line}`);
  ok('the panel shows the acknowledgements of the agent and both pages: "applied on 3 of 3 clients"');
  const statusText = await roomctl(roomctlBin, env, 'status', room);
  for (const who of ['agent@localhost/screen', 'carol@localhost/', 'dave@localhost/'])
    if (!statusText.includes(who)) throw new Error(`roomctl status does not list ${who}:\n${statusText}`);
  ok('`roomctl status` lists the pages among the room\'s clients');
  line = await panelPublish(panel, 'slideshow.slide', { deck: 'panel', index: '0' });
  if (line !== "slideshow.slide: field 'index': 0 is below the minimum 1") throw new Error(`panel: ${line}`);
  ok('the panel checks an item against its schema before sending it');
  line = await panelPublish(panel, 'slideshow.slide', { deck: 'panel', index: '3', caption: 'From the panel', image: slidePng });
  if (line !== `published slideshow.slide:panel to ${room}`) throw new Error(`panel: ${line}`);
  await carol.waitForSelector('#slide-caption:has-text("From the panel")', WAIT);
  // The agent has the ui-state plugin only: it says so.
  if ((line = await panelAcks(panel)) !== 'applied on 2 of 3 clients; unsupported on 1: agent@localhost/screen: no plugin of this client handles slideshow.slide')
    throw new Error(`panel acknowledgements: ${line}`);
  ok('a slide with an inline image from the panel shows in the pages; the panel says the agent has no plugin for it');
  await panel.waitForSelector('#state-items tr[data-id="slideshow.slide:panel"]', WAIT);
  await panel.screenshot({ path: join(outDir, 'panel.png'), fullPage: true });
  // docs/web-panel.png: the header, the log and the state, down to the forms.
  const bottom = await panel.evaluate(() => document.getElementById('state').getBoundingClientRect().bottom + window.scrollY);
  await panel.screenshot({ path: join(outDir, 'panel-top.png'), fullPage: true, clip: { x: 0, y: 0, width: 900, height: Math.ceil(bottom + 16) } });
  await panel.click('#state-items tr[data-id="slideshow.slide:panel"] button');
  await carol.waitForSelector('#slide', { ...WAIT, state: 'hidden' });
  await panel.waitForSelector('#state-items tr[data-id="slideshow.slide:panel"]', { ...WAIT, state: 'detached' });
  await panel.waitForFunction(() => !document.querySelector('#results li:not(.seen)').textContent.includes('sending…'), null, WAIT);
  if ((line = await panel.locator('#results li:not(.seen) .done').first().textContent()) !== `retracted slideshow.slide:panel from ${room}`)
    throw new Error(`panel retract: ${line}`);
  ok("the panel's Retract removes the slide from the page and from its list");
  line = await panelPublish(panel, 'room.notice', { text: 'Five minutes left' });
  if (!/^published [0-9a-f-]{36} to /.test(line)) throw new Error(`panel notice: ${line}`);
  await carol.waitForSelector('#notice-text:has-text("Five minutes left")', WAIT);
  ok('an event from the panel (room.notice) shows in the page');

  step("eve's panel (not a moderator)");
  const evePanel = await openPanel(browser.context, url, 'eve');
  line = await panelPublish(evePanel, 'chat.power', { enabled: 'false' });
  if (!new RegExp(`^chat.power: eve@localhost/\\S+ is not a moderator of ${room} \\(role participant`).test(line))
    throw new Error(`eve's panel: ${line}`);
  await evePanel.click('#purge');
  await evePanel.waitForSelector(`#results li:has-text("purge: eve@localhost/")`, WAIT);
  if (!(line = await evePanel.textContent('#results li:has-text("purge: eve@localhost/")')).includes(`is not a moderator of ${room}`))
    throw new Error(`eve's purge: ${line}`);
  await publish('ui.feature', 'feature=reactions', 'enabled=true'); // after eve's: the page is in step
  await carol.waitForSelector('#features:has-text("reactions on")', WAIT);
  if (await carol.isHidden('#composer')) throw new Error("eve's chat.power reached the page");
  if (await carol.isEnabled('#attach')) throw new Error("eve's purge reached the page");
  ok("a non-moderator's panel is refused with the gate's reason, and the page does not change");
  await evePanel.screenshot({ path: join(outDir, 'panel-refused.png') });
  await evePanel.close();

  step('the network goes away and comes back');
  await browser.context.setOffline(true);
  await carol.waitForSelector('body[data-synced="false"]', WAIT);
  await roomctl(roomctlBin, env, 'retract', room, 'ui.button:attach');
  await publish('ui.button', 'button=send', 'visible=false');
  await browser.context.setOffline(false);
  await carol.waitForSelector('body[data-synced="true"]', { timeout: 30000 });
  if (await carol.isDisabled('#attach')) throw new Error('after reconnecting: Attach, retracted meanwhile, is still disabled');
  if (await carol.isVisible('#send')) throw new Error('after reconnecting: Send, hidden meanwhile, still shows');
  const greetings = await carol.locator('#messages li:has-text("Good morning")').count();
  if (greetings !== 1) throw new Error(`after reconnecting: the room's history shows ${greetings} times`);
  ok('the page reconnects, resets what was retracted meanwhile and applies what changed');

  step('the gate stops');
  await panel.waitForSelector('body[data-synced="true"]', { timeout: 30000 }); // the panel is back too
  await stopGate();
  line = await panelPublish(panel, 'chat.power', { enabled: 'false' });
  if (line !== `chat.power: the gate ${gate} is not available`) throw new Error(`panel without its gate: ${line}`);
  if (await carol.isHidden('#composer')) throw new Error('a request without the gate reached the page');
  ok('a request while the gate is down is refused at once, and the panel says the gate is not available');
  await Promise.all([carol.close(), dave.close(), panel.close()]);

  step(`what the page refuses, in ${openRoom} (no gate: the owner publishes to its nodes)`);
  const plain = await openChat(browser.context, url, 'carol', `?room=${openRoom}&gate=`);
  const gated = await openChat(browser.context, url, 'dave', `?room=${openRoom}&gate=${gate}`);
  // Sent with the pages' own modules, around the validation that roomctl
  // and the panel do before publishing.
  const direct = (items) => plain.evaluate(async ({ room, password, items }) => {
    const { Session, eventsNode } = await import('./js/xmpp.js');
    const config = await (await fetch('config.json')).json();
    const owner = new Session({ websocket: config.websocket, pubsub: config.pubsub, jid: 'owner@localhost', password });
    await owner.connect();
    const NS = 'urn:roomctl:0';
    for (const { id, enabled, button = 'send', events = false } of items) {
      const field = (name, text) => ({ name, ns: NS, attrs: {}, children: [text] });
      const control = { name: 'control', ns: NS, attrs: { type: 'ui.button', version: '1' },
                        children: [field('button', button), field('enabled', enabled)] };
      await owner.publish(room, id, control, events ? eventsNode(room) : undefined);
    }
    owner.disconnect();
  }, { room: openRoom, password: accounts.owner, items });
  const dropped = (page) => page.evaluate(() => Number(document.body.dataset.dropped || 0));
  await direct([{ id: 'ui.button:send', enabled: 'false' }]);
  await plain.waitForSelector('#send:disabled', WAIT);
  await gated.waitForFunction(() => Number(document.body.dataset.dropped || 0) >= 1, null, WAIT);
  if (await gated.isDisabled('#send')) throw new Error("a page told the gate applied the owner's own item");
  ok('a page told the room\'s gate drops an item the gate did not publish');
  await direct([{ id: 'ui.button:send', enabled: 'maybe' }]);
  await plain.waitForSelector('#send:enabled', WAIT);
  if ((await dropped(plain)) !== 1) throw new Error(`dropped: ${await dropped(plain)}`);
  ok('an invalid item is dropped whole and resets the key it replaces (wire format 5.1)');
  await direct([{ id: 'ui.button:attach', enabled: 'false' }]);
  await plain.waitForFunction(() => Number(document.body.dataset.dropped || 0) >= 2, null, WAIT);
  await direct([{ id: 'f0a4c3e2-0000-4000-8000-000000000001', button: 'attach', enabled: 'false', events: true }]);
  await plain.waitForFunction(() => Number(document.body.dataset.dropped || 0) >= 3, null, WAIT);
  if ((line = await plain.getAttribute('body', 'data-last-dropped')) !== "ui.button is state, published to the room's events node")
    throw new Error(`a state item on the events node: ${line}`);
  if (await plain.isDisabled('#attach')) throw new Error('an item with a wrong id, or state on the events node, was applied');
  ok('an item whose id does not match its key, and a state item on the events node, are dropped');
  const plainJid = (await plain.textContent('#status')).match(/online as (\S+),/)[1];
  await plain.evaluate(async ({ room, password, to }) => {
    const { Session } = await import('./js/xmpp.js');
    const { $msg, $iq } = await import('./vendor/strophe.esm.js');
    const config = await (await fetch('config.json')).json();
    const eve = new Session({ websocket: config.websocket, pubsub: config.pubsub, jid: 'eve@localhost', password });
    await eve.connect();
    eve.conn.send($msg({ to }).c('event', { xmlns: 'http://jabber.org/protocol/pubsub#event' })
      .c('items', { node: `roomctl/${room}` }).c('item', { id: 'chat.power' })
      .c('control', { xmlns: 'urn:roomctl:0', type: 'chat.power', version: '1' }).c('enabled').t('false'));
    await eve.iq($iq({ type: 'get', to: 'localhost' }).c('ping', { xmlns: 'urn:xmpp:ping' }), 'ping'); // the server has routed it
    eve.disconnect();
  }, { room: openRoom, password: accounts.eve, to: plainJid });
  await roomctl(roomctlBin, directEnv, 'publish', openRoom, 'ui.feature', 'feature=reactions', 'enabled=true');
  await plain.waitForSelector('#features:has-text("reactions on")', WAIT);
  if (await plain.isHidden('#composer')) throw new Error('a forged chat.power event turned the chat off');
  ok('an event that does not come from the PubSub service is ignored');

  step(`the panel without a gate, in ${openRoom}: straight to the nodes`);
  const directPanel = await openPanel(browser.context, url, 'owner', `?room=${openRoom}&gate=`);
  line = await panelPublish(directPanel, 'ui.button', { button: 'attach', enabled: 'false' });
  if (line !== `published ui.button:attach to ${openRoom}`) throw new Error(`panel without a gate: ${line}`);
  await plain.waitForSelector('#attach:disabled', WAIT);
  line = await panelPublish(directPanel, 'room.notice', { text: 'Straight to the events node' });
  if (!line.startsWith('published ')) throw new Error(`panel without a gate: ${line}`);
  await plain.waitForSelector('#notice-text:has-text("Straight to the events node")', WAIT);
  const evePlain = await openPanel(browser.context, url, 'eve', `?room=${openRoom}&gate=`);
  line = await panelPublish(evePlain, 'chat.power', { enabled: 'false' });
  if (line !== `chat.power: account eve@localhost may not publish to room ${openRoom}`) throw new Error(`eve's panel without a gate: ${line}`);
  await Promise.all([directPanel.close(), evePlain.close()]);
  ok('without a gate the panel publishes state and events to their nodes, and the server refuses a non-publisher');

  step('a chat room that does not exist');
  const lost = await browser.context.newPage();
  await lost.goto(`${strictUrl}chat.html?jid=eve@localhost&room=nowhere@conference.localhost`);
  await lost.waitForSelector('body[data-ready="true"]', WAIT);
  await lost.fill('#login-password', 'not-the-password');
  await lost.click('#login-join');
  await lost.waitForSelector('#login-error:not([hidden])', WAIT);
  if ((await lost.textContent('#login-error')) !== 'eve@localhost: wrong user name or password')
    throw new Error(`wrong password: ${await lost.textContent('#login-error')}`);
  ok('a wrong password is said so under the form');
  await lost.fill('#login-password', accounts.eve);
  await lost.click('#login-join');
  await lost.waitForSelector('#login-error:has-text("does not exist")', WAIT);
  if ((await lost.textContent('#login-error')) !== 'chat room nowhere@conference.localhost does not exist')
    throw new Error(`missing room: ${await lost.textContent('#login-error')}`);
  await lost.close();
  ok('a page does not create a chat room (and own it) unless its server says so');
  status = 0;
} catch (e) {
  console.log(`not ok - ${e.message}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  stopAll();
}
console.log(`${passed} checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s${status ? ', then one failed' : ''}`);
process.exit(status);

// The chat page in a real browser (Debian's chromium, driven by
// playwright-core) against the harness's Prosody: `roomctl publish`
// disables Send, shows a slide, posts a notice and turns the chat off and on
// in the page; a page joining late shows the room's current state.
// Screenshots go to OUT_DIR.
//
// Then the moderator panel: its forms publish, the page and a roomctl-agent
// apply; a non-moderator's panel is refused.
//
// Usage: node test/browser-test.mjs ROOMCTL ROOMCTL_AGENT PLUGIN_DIR RC_TEST_PROSODY
//                                   SCHEMA_DIR SLIDE_PNG OUT_DIR
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, startAgent, stopAll, roomctl, launchChromium } from './harness.mjs';

const [roomctlBin, agentBin, pluginDir, prosodyBin, schemaDir, slidePng, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const room = 'talk@conference.localhost';
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

// Open @file as @user, log in and wait for @ready.
async function open(context, url, file, user, ready) {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') console.log(`  [${user}] ${m.text()}`); });
  page.on('pageerror', (e) => console.log(`  [${user}] page error: ${e.message}`));
  await page.goto(`${url}${file}?jid=${user}@localhost`);
  await page.waitForSelector('body[data-ready="true"]', WAIT);
  await page.fill('#login-password', accounts[user]);
  await page.click('#login-join');
  await page.waitForSelector(ready, WAIT);
  return page;
}
const openChat = (context, url, user) => open(context, url, 'chat.html', user, 'body[data-synced="true"]');
const openPanel = (context, url, user) => open(context, url, 'panel.html', user, 'body[data-panel="true"]');

// Fill the panel's form of @type with @values (field -> text) and publish;
// resolves with the line the panel reports.
async function panelPublish(panel, type, values) {
  const form = `form[data-type="${type}"]`;
  for (const [name, value] of Object.entries(values)) {
    const input = panel.locator(`${form} [name="${name}"]`);
    const tag = await input.evaluate((el) => el.tagName + (el.type === 'file' ? ':file' : ''));
    if (tag === 'SELECT') await input.selectOption(value);
    else if (tag === 'INPUT:file') await input.setInputFiles(value);
    else await input.fill(value);
  }
  const before = await panel.locator('#results li').count();
  await panel.click(`${form} button[type="submit"]`);
  await panel.waitForFunction((n) => document.querySelectorAll('#results li').length > n, before, WAIT);
  return panel.textContent('#results li:first-child');
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
  const { env, url, strictUrl, port } = await startStack({ roomctlBin, prosodyBin, schemaDir, outDir, accounts, room });
  const agentUi = await startAgent({ agentBin, pluginDir, schemaDir, outDir, port, room, password: accounts.agent });
  const publish = (...args) => roomctl(roomctlBin, env, 'publish', room, ...args);
  browser = await launchChromium();
  const carol = await openChat(browser.context, url, 'carol');
  ok('carol joined the room and is in sync with its control node');
  if (await carol.isDisabled('#send')) throw new Error('Send is disabled before any item');
  await carol.fill('#message', 'Good morning! Is the talk starting?');
  await carol.click('#send');
  await carol.waitForSelector('#messages li:has-text("Good morning")', WAIT);

  step('roomctl publish ui.button button=send enabled=false');
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

  step('roomctl publish room.notice');
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
  await roomctl(roomctlBin, env, 'purge', room);
  await dave.waitForSelector('#slide', { ...WAIT, state: 'hidden' });
  ok('a purge resets the slide');

  step('the moderator panel (owner@localhost)');
  const panel = await openPanel(browser.context, url, 'owner');
  const types = await panel.$$eval('form[data-type]', (forms) => forms.map((f) => f.dataset.type));
  if (types.join() !== 'chat.power,room.notice,slideshow.slide,ui.button,ui.feature') throw new Error(`panel forms: ${types}`);
  ok('the panel has a form per exported type');
  let line = await panelPublish(panel, 'ui.button', { button: 'attach', enabled: 'false' });
  if (line !== `published ui.button:attach to ${room}`) throw new Error(`panel: ${line}`);
  for (const page of [carol, dave]) await page.waitForSelector('#attach:disabled', WAIT);
  await waitForAgent(agentUi, (ui) => ui[room]?.buttons?.attach?.enabled === false);
  await panel.waitForSelector('#state-items tr[data-id="ui.button:attach"]', WAIT);
  ok('the panel publishes ui.button: both pages and the roomctl-agent apply it, the panel lists it');
  line = await panelPublish(panel, 'slideshow.slide', { deck: 'panel', index: '0' });
  if (line !== "slideshow.slide: field 'index': 0 is below the minimum 1") throw new Error(`panel: ${line}`);
  ok('the panel checks an item against its schema before sending it');
  line = await panelPublish(panel, 'slideshow.slide', { deck: 'panel', index: '3', caption: 'From the panel', image: slidePng });
  if (line !== `published slideshow.slide:panel to ${room}`) throw new Error(`panel: ${line}`);
  await carol.waitForSelector('#slide-caption:has-text("From the panel")', WAIT);
  ok('a slide with an inline image from the panel shows in the page');
  await panel.waitForSelector('#state-items tr[data-id="slideshow.slide:panel"]', WAIT);
  await panel.screenshot({ path: join(outDir, 'panel.png'), fullPage: true });
  await panel.click('#state-items tr[data-id="slideshow.slide:panel"] button');
  await carol.waitForSelector('#slide', { ...WAIT, state: 'hidden' });
  await panel.waitForSelector('#state-items tr[data-id="slideshow.slide:panel"]', { ...WAIT, state: 'detached' });
  if ((await panel.textContent('#results li:first-child')) !== `retracted slideshow.slide:panel from ${room}`)
    throw new Error(`panel retract: ${await panel.textContent('#results li:first-child')}`);
  ok("the panel's Retract removes the slide from the page and from its list");

  step('what the page refuses: an invalid item, a forged event');
  // Sent from the panel's origin with the pages' own modules, around the
  // validation that roomctl and the panel do before publishing.
  await panel.evaluate(async ({ room, password }) => {
    const { Session } = await import('./js/xmpp.js');
    const config = await (await fetch('config.json')).json();
    const owner = new Session({ websocket: config.websocket, pubsub: config.pubsub, jid: 'owner@localhost', password });
    await owner.connect();
    const NS = 'urn:roomctl:0';
    const field = (name, text) => ({ name, ns: NS, attrs: {}, children: [text] });
    const button = (...children) => ({ name: 'control', ns: NS, attrs: { type: 'ui.button', version: '1' }, children });
    await owner.publish(room, 'ui.button:send', button(field('button', 'send'), field('enabled', 'maybe')));
    await owner.publish(room, 'ui.button:attach', button(field('button', 'send'), field('enabled', 'false')));
    owner.disconnect();
  }, { room, password: accounts.owner });
  await carol.waitForFunction(() => Number(document.body.dataset.dropped || 0) >= 2, null, WAIT);
  if (await carol.isDisabled('#send')) throw new Error('an invalid item disabled Send');
  ok('an invalid item and one whose id does not match its key are dropped whole');
  const carolJid = (await carol.textContent('#status')).match(/online as (\S+),/)[1];
  await panel.evaluate(async ({ room, password, to }) => {
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
  }, { room, password: accounts.eve, to: carolJid });
  await roomctl(roomctlBin, env, 'publish', room, 'ui.feature', 'feature=reactions', 'enabled=true');
  await carol.waitForSelector('#features:has-text("reactions on")', WAIT);
  if (await carol.isHidden('#composer')) throw new Error('a forged chat.power event turned the chat off');
  ok('an event that does not come from the PubSub service is ignored');

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

  step("eve's panel (not a moderator)");
  const evePanel = await openPanel(browser.context, url, 'eve');
  line = await panelPublish(evePanel, 'chat.power', { enabled: 'false' });
  if (line !== `chat.power: account eve@localhost may not publish to room ${room}`) throw new Error(`eve's panel: ${line}`);
  if (await carol.isHidden('#composer')) throw new Error("eve's chat.power reached the page");
  await evePanel.click('#purge');
  await evePanel.waitForSelector(`#results li:has-text("account eve@localhost may not purge room ${room}")`, WAIT);
  if (await carol.isEnabled('#attach')) throw new Error("eve's purge reached the page");
  ok("a non-moderator's panel is refused, and the page does not change");

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
  status = 0;
} catch (e) {
  console.log(`not ok - ${e.message}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  stopAll();
}
console.log(`${passed} checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s${status ? ', then one failed' : ''}`);
process.exit(status);

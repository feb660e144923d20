// The chat page in a real browser (Debian's chromium, driven by
// playwright-core) against the harness's Prosody: `roomctl publish`
// disables Send, shows a slide, posts a notice and turns the chat off and on
// in the page; a page joining late shows the room's current state.
// Screenshots go to OUT_DIR.
//
// Usage: node test/browser-test.mjs ROOMCTL RC_TEST_PROSODY SCHEMA_DIR SLIDE_PNG OUT_DIR
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, stopAll, roomctl, launchChromium } from './harness.mjs';

const [roomctlBin, prosodyBin, schemaDir, slidePng, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const room = 'talk@conference.localhost';
const accounts = { owner: 'pw-owner', carol: 'pw-carol', dave: 'pw-dave' };
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

async function openChat(context, url, user) {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') console.log(`  [${user}] ${m.text()}`); });
  page.on('pageerror', (e) => console.log(`  [${user}] page error: ${e.message}`));
  await page.goto(`${url}?jid=${user}@localhost`);
  await page.waitForSelector('body[data-ready="true"]', WAIT);
  await page.fill('#login-password', accounts[user]);
  await page.click('#login-join');
  await page.waitForSelector('body[data-synced="true"]', WAIT);
  return page;
}

let browser;
let status = 1;
try {
  const { env, url } = await startStack({ roomctlBin, prosodyBin, schemaDir, outDir, accounts, room });
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
  status = 0;
} catch (e) {
  console.log(`not ok - ${e.message}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  stopAll();
}
console.log(`${passed} checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s${status ? ', then one failed' : ''}`);
process.exit(status);

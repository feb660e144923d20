// What the browser test starts and stops: the harness's Prosody (with its
// WebSocket endpoint and roomctl-gate as its component), the page server,
// `roomctl` as a moderator, a roomctl-agent, and Debian's chromium driven by
// playwright-core.
import { spawn, execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const children = [];

// Start @argv and resolve with the first stdout line matching @pattern.
export function startUntil(argv, pattern, what, timeoutMs = 30000) {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in ${timeoutMs} ms`)), timeoutMs);
    child.on('exit', (code) => reject(new Error(`${what} exited with ${code} while starting`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = pattern.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
  });
}

// Stop what startUntil started: end of stdin, then SIGTERM.
export function stopAll() {
  for (const child of children) {
    child.stdin.end();
    child.kill('SIGTERM');
  }
}

// `roomctl ARGS` with @env; resolves with stdout, rejects with stderr.
export function roomctl(bin, env, ...args) {
  return new Promise((resolve, reject) =>
    execFile(bin, args, { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      error ? reject(new Error(`roomctl ${args.join(' ')}: exit ${error.code}: ${stderr}`)) : resolve(stdout)));
}

// chromium with a fresh profile; returns {context, close}.
export async function launchChromium() {
  const profile = mkdtempSync(join(tmpdir(), 'rc-web-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 900, height: 600 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 30000,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Start @argv and resolve with the child once a line of its stderr contains @text.
function startUntilLogged(argv, text, what, env = {}, timeoutMs = 20000) {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'inherit', 'pipe'], env: { ...process.env, ...env } });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no '${text}' in ${timeoutMs} ms`)), timeoutMs);
    child.on('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (process.env.RC_WEB_DEBUG) console.log(`  [${what}] ${line}`);
      if (line.includes(text)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

// The server with the gate as its component, @room created with the gate
// (the gate owns its nodes), @openRoom created without (the owner publishes
// there directly), roomctl-gate serving @room, and two page servers: @url
// tells the pages the gate and lets the first visitor create a chat room,
// @strictUrl does neither.  @accounts: user -> password.
export async function startStack({ roomctlBin, gateBin, prosodyBin, schemaDir, outDir, accounts, room, openRoom }) {
  const secret = randomBytes(12).toString('hex');
  const args = [prosodyBin, '--websocket', '--admin', 'owner', '--gate-secret', secret];
  for (const [user, password] of Object.entries(accounts)) args.push('--account', `${user}:${password}`);
  const [, port, gate, componentPort, websocket] =
    await startUntil(args, /port=(\d+) .* gate=(\S+) component_port=(\d+) websocket=(\S+)/, 'rc-test-prosody');
  const env = {
    ROOMCTL_HOST: '127.0.0.1', ROOMCTL_PORT: port, ROOMCTL_ALLOW_PLAINTEXT: '1',
    ROOMCTL_PUBSUB: 'pubsub.localhost', ROOMCTL_SCHEMA_PATH: schemaDir,
    ROOMCTL_JID: 'owner@localhost', ROOMCTL_PASSWORD: accounts.owner,
  };
  const schemas = join(outDir, 'schemas.json');
  writeFileSync(schemas, await roomctl(roomctlBin, env, 'schema', 'export', '--schemas', schemaDir));
  await roomctl(roomctlBin, env, 'room', 'create', room, '--gate', gate);
  await roomctl(roomctlBin, env, 'room', 'create', openRoom);
  const secretFile = join(outDir, 'gate.secret');
  writeFileSync(secretFile, secret);
  chmodSync(secretFile, 0o600);
  const gateConfig = join(outDir, 'gate.yaml');
  writeFileSync(gateConfig, [
    `account: {jid: ${gate}, password_file: ${secretFile}}`,
    `server: {host: 127.0.0.1, port: ${componentPort}, pubsub_service: pubsub.localhost, local_test_server: true}`,
    `rooms: [${room}]`,
    `schema_dirs: [${schemaDir}]`,
    '',
  ].join('\n'));
  const gateChild = await startUntilLogged([gateBin, '--config', gateConfig], 'serving requests', 'roomctl-gate');
  gateChild.removeAllListeners('exit'); // from now on, stopGate() may end it
  const stopGate = () => new Promise((resolve) => {
    gateChild.once('exit', resolve);
    gateChild.kill('SIGTERM');
  });
  const serve = (...more) => startUntil(['node', join(here, '..', 'serve.mjs'), '--schemas', schemas,
    '--websocket', websocket, '--room', room, '--keepalive-ms', '1000', ...more], /url=(\S+)/, 'serve.mjs');
  const [, url] = await serve('--create-rooms', '--gate', gate);
  const [, strictUrl] = await serve();
  return { env: { ...env, ROOMCTL_GATE: gate }, directEnv: env, gate, stopGate, url, strictUrl, port, websocket };
}

// A roomctl-agent with the ui-state plugin following @room as
// agent@localhost/screen, taking items from @gate only; resolves with the
// path of its ui.json once it has joined.
export async function startAgent({ agentBin, pluginDir, schemaDir, outDir, port, room, gate, password }) {
  const ui = join(outDir, 'agent-ui.json');
  const config = join(outDir, 'agent.yaml');
  writeFileSync(config, [
    'account: {jid: agent@localhost/screen, password_env: RC_WEB_AGENT_PASSWORD}',
    `server: {host: 127.0.0.1, port: ${port}, pubsub_service: pubsub.localhost, allow_plaintext: true}`,
    `rooms: [${room}]`,
    `gate: ${gate}`,
    `schema_dirs: [${schemaDir}]`,
    `plugin_dirs: [${pluginDir}]`,
    'plugins:',
    `  - {name: ui-state, config: {file: ${ui}}}`,
    '',
  ].join('\n'));
  await startUntilLogged([agentBin, '--config', config], `${room}: joined`, 'roomctl-agent',
                         { RC_WEB_AGENT_PASSWORD: password });
  return ui;
}

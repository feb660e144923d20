// What the browser test starts and stops: the harness's Prosody (with its
// WebSocket endpoint), the page server, `roomctl` as a moderator, and
// Debian's chromium driven by playwright-core.
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

// The server, the room and two page servers: @url lets the first visitor
// create the chat room, @strictUrl does not.  @accounts: user -> password.
export async function startStack({ roomctlBin, prosodyBin, schemaDir, outDir, accounts, room }) {
  const args = [prosodyBin, '--websocket', '--admin', 'owner'];
  for (const [user, password] of Object.entries(accounts)) args.push('--account', `${user}:${password}`);
  const [, port, websocket] = await startUntil(args, /port=(\d+) .* websocket=(\S+)/, 'rc-test-prosody');
  const env = {
    ROOMCTL_HOST: '127.0.0.1', ROOMCTL_PORT: port, ROOMCTL_ALLOW_PLAINTEXT: '1',
    ROOMCTL_PUBSUB: 'pubsub.localhost', ROOMCTL_SCHEMA_PATH: schemaDir,
    ROOMCTL_JID: 'owner@localhost', ROOMCTL_PASSWORD: accounts.owner,
  };
  const schemas = join(outDir, 'schemas.json');
  writeFileSync(schemas, await roomctl(roomctlBin, env, 'schema', 'export', '--schemas', schemaDir));
  await roomctl(roomctlBin, env, 'room', 'create', room);
  const serve = (...more) => startUntil(['node', join(here, '..', 'serve.mjs'), '--schemas', schemas,
    '--websocket', websocket, '--room', room, '--keepalive-ms', '1000', ...more], /url=(\S+)/, 'serve.mjs');
  const [, url] = await serve('--create-rooms');
  const [, strictUrl] = await serve();
  return { env, url, strictUrl, port, websocket };
}

// A roomctl-agent with the ui-state plugin following @room as agent@localhost;
// resolves with the path of its ui.json once it has joined.
export async function startAgent({ agentBin, pluginDir, schemaDir, outDir, port, room, password }) {
  const ui = join(outDir, 'agent-ui.json');
  const config = join(outDir, 'agent.yaml');
  writeFileSync(config, [
    'account: {jid: agent@localhost/screen, password_env: RC_WEB_AGENT_PASSWORD}',
    `server: {host: 127.0.0.1, port: ${port}, pubsub_service: pubsub.localhost, allow_plaintext: true}`,
    `rooms: [${room}]`,
    `schema_dirs: [${schemaDir}]`,
    `plugin_dirs: [${pluginDir}]`,
    'plugins:',
    `  - {name: ui-state, config: {file: ${ui}}}`,
    '',
  ].join('\n'));
  const child = spawn(agentBin, ['--config', config], {
    stdio: ['pipe', 'inherit', 'pipe'], env: { ...process.env, RC_WEB_AGENT_PASSWORD: password },
  });
  children.push(child);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('roomctl-agent did not join in 20 s')), 20000);
    child.on('exit', (code) => reject(new Error(`roomctl-agent exited with ${code}`)));
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (line.includes(`${room}: joined`)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return ui;
}

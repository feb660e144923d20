// Serves the pages of examples/web on 127.0.0.1 only, with the two files
// they read: schemas.json (what `roomctl schema export` wrote) and
// config.json (where the server is).  Node's standard library only.
//
//   node serve.mjs --schemas FILE --websocket ws://127.0.0.1:5280/xmpp-websocket
//                  [--pubsub pubsub.localhost] [--room ROOM] [--gate JID] [--port N]
//                  [--keepalive-ms MS] [--create-rooms]
//
// --gate names the room's roomctl-gate: the pages then take only the items
// it published, and the panel sends its requests through it.
// --create-rooms lets the chat page create a chat room that does not exist
// (its first visitor becomes its owner): for throwaway test servers only.
//
// Prints "url=http://127.0.0.1:PORT/" once it listens (port 0 or none: a
// free port), then serves until SIGTERM/SIGINT or end of a piped stdin.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { fstatSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values: opt } = parseArgs({
  options: {
    schemas: { type: 'string' },
    websocket: { type: 'string' },
    pubsub: { type: 'string', default: 'pubsub.localhost' },
    room: { type: 'string', default: '' },
    gate: { type: 'string', default: '' },
    port: { type: 'string', default: '0' },
    'keepalive-ms': { type: 'string', default: '30000' },
    'create-rooms': { type: 'boolean', default: false },
  },
});
if (!opt.schemas || !opt.websocket) {
  console.error('usage: node serve.mjs --schemas FILE --websocket URL [--pubsub JID] [--room ROOM] [--gate JID] [--port N] [--keepalive-ms MS] [--create-rooms]');
  process.exit(2);
}
const config = JSON.stringify({ websocket: opt.websocket, pubsub: opt.pubsub, room: opt.room, gate: opt.gate,
                                keepalive_ms: Number(opt['keepalive-ms']), create_rooms: opt['create-rooms'] });
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
                '.json': 'application/json', '.png': 'image/png' };
// The only files served: the pages, their scripts, and Strophe.js.
const routes = {
  '/': 'chat.html',
  '/schemas.json': opt.schemas,
  '/vendor/strophe.esm.js': join(here, 'node_modules/strophe.js/dist/strophe.esm.js'),
};

// The file of @path (absolute, or relative to this folder), or null.
function fileFor(path) {
  if (routes[path]) return routes[path];
  const file = normalize(path).replace(/^\/+/, '');
  if (!/^(chat\.html|panel\.html|style\.css|js\/[a-z-]+\.js)$/.test(file)) return null;
  return file;
}

const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://127.0.0.1').pathname;
  if (path === '/config.json') {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    return res.end(config);
  }
  const file = fileFor(path);
  try {
    if (!file || !(await stat(resolve(here, file))).isFile()) throw new Error('not found');
    const body = await readFile(resolve(here, file));
    res.writeHead(200, { 'content-type': types[extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  }
});

server.listen(Number(opt.port), '127.0.0.1', () => {
  console.log(`url=http://127.0.0.1:${server.address().port}/`);
});
const stop = () => server.close(() => process.exit(0)) && server.closeAllConnections();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// A piped stdin that ends means the caller went away (as rc-test-prosody).
const stdin = fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) {
  process.stdin.resume();
  process.stdin.on('end', stop);
}

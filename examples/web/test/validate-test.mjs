// The page's validator (js/schemas.js, js/values.js) against the schemas
// roomctl exports: good items pass with defaults applied, broken items are
// refused with roomctl's messages (docs/wire-format.md, section 6); and,
// for every field type, the validator and `roomctl publish --dry-run`
// accept and refuse the same values with the same words.
// Usage: node test/validate-test.mjs ROOMCTL SCHEMA_DIR   (no npm package needed)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry, NS } from '../js/schemas.js';

const [roomctl, schemaDir] = process.argv.slice(2);
// The shipped schemas, and two test types with every field type.
const extra = mkdtempSync(join(tmpdir(), 'rc-web-schemas-'));
process.on('exit', () => rmSync(extra, { recursive: true, force: true }));
writeFileSync(join(extra, 'test.all.yaml'), `type: test.all
version: 1
kind: event
unknown_fields: ignore
fields:
  n: {type: number, min: -1.5, max: 1e3}
  t: {type: timestamp}
  j: {type: jid}
  tags: {type: list, items: {type: string, max_length: 3, pattern: '^[a-z]+$'}, min_items: 2, max_items: 3}
  u: {type: url, schemes: [ftp]}
  w: {type: url, max_length: 30}
  b: {type: bytes, max_bytes: 4}
  p: {type: string, pattern: '^[\\w-]+$'}
  q: {type: string, pattern: '(?<=a)b'}
`);
writeFileSync(join(extra, 'test.pair.yaml'), `type: test.pair
version: 1
kind: state
key: [a, n]
fields:
  a: {type: string, required: true}
  n: {type: int, required: true}
`);
const path = `${schemaDir}:${extra}`;
const exported = execFileSync(roomctl, ['schema', 'export', '--schemas', path], { encoding: 'utf8' });
const registry = new Registry(JSON.parse(exported));
const failures = [];

// <control type=TYPE version=1> with [name, text] children.
function control(type, children, { version = '1', ns = NS, name = 'control' } = {}) {
  return {
    name, ns, attrs: { type, version },
    children: children.map(([field, text, fieldNs = NS]) => ({ name: field, ns: fieldNs, attrs: {}, children: [text] })),
  };
}

function expectOk(what, tree, id, fields) {
  const r = registry.validate(tree, id);
  if (r.error) return failures.push(`${what}: refused: ${r.error}`);
  for (const [k, v] of Object.entries(fields))
    if (JSON.stringify(r.item.fields[k]) !== JSON.stringify(v))
      failures.push(`${what}: field ${k} = ${JSON.stringify(r.item.fields[k])}, expected ${JSON.stringify(v)}`);
  return r.item;
}

function expectError(what, tree, id, message) {
  const r = registry.validate(tree, id);
  if (!r.error) failures.push(`${what}: accepted`);
  else if (r.error !== message) failures.push(`${what}: got '${r.error}', expected '${message}'`);
}

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==';

// Good items: defaults applied, ids checked, values typed.
let item = expectOk('button', control('ui.button', [['button', 'send'], ['enabled', 'false']]), 'ui.button:send',
  { button: 'send', enabled: false, visible: true });
if (item && item.kind !== 'state') failures.push('button: kind ' + item.kind);
expectOk('chat.power', control('chat.power', [['enabled', 'false'], ['reason', 'Q&A <live> — «questions»']]), 'chat.power',
  { enabled: false, reason: 'Q&A <live> — «questions»' });
expectOk('notice default level', control('room.notice', [['text', 'Break']]), '6f1c-anything', { level: 'info' });
item = expectOk('slide', control('slideshow.slide', [['index', '4'], ['deck', 'keynote'], ['image', ` ${PNG.slice(0, 20)}\n${PNG.slice(20)} `]]),
  'slideshow.slide:keynote', { index: 4, deck: 'keynote' });
if (item && !(item.fields.image instanceof Uint8Array && item.fields.image.length === 70))
  failures.push('slide: image not decoded to 70 bytes');
expectOk('whitespace between fields', { ...control('ui.button', [['button', 'send']]), children: ['\n  ', { name: 'button', ns: NS, attrs: {}, children: ['send'] }, '\n'] },
  'ui.button:send', { button: 'send' });

// Broken items, one per check of section 6.
expectError('other namespace', control('ui.button', [['button', 'send']], { ns: 'urn:other' }), 'ui.button:send',
  "expected <control xmlns='urn:roomctl:0'>, got <control xmlns='urn:other'>");
expectError('unknown type', control('ui.slider', [['a', 'b']]), 'x', "unknown control type 'ui.slider'");
expectError('unknown version', control('ui.button', [['button', 'send']], { version: '2' }), 'ui.button:send',
  'ui.button: unknown version 2 (known up to 1)');
expectError('bad version', control('ui.button', [['button', 'send']], { version: '1x' }), 'ui.button:send',
  "ui.button: bad version '1x'");
expectError('no type', { name: 'control', ns: NS, attrs: { version: '1' }, children: [] }, 'x', "<control> has no 'type' attribute");
expectError('unknown field', control('ui.button', [['button', 'send'], ['colour', 'red']]), 'ui.button:send',
  "ui.button: unknown field 'colour'");
expectError('field in another namespace', control('ui.button', [['button', 'send'], ['enabled', 'false', 'urn:x']]), 'ui.button:send',
  "ui.button: unknown field 'enabled'");
expectError('twice', control('ui.button', [['button', 'send'], ['enabled', 'true'], ['enabled', 'false']]), 'ui.button:send',
  "ui.button: field 'enabled' is given more than once");
expectError('missing required', control('slideshow.slide', [['index', '1']]), 'slideshow.slide:x',
  "slideshow.slide: missing required field 'deck'");
expectError('int', control('slideshow.slide', [['deck', 'k'], ['index', 'three']]), 'slideshow.slide:k',
  "slideshow.slide: field 'index': expected int, got 'three'");
expectError('int over 64 bits', control('slideshow.slide', [['deck', 'k'], ['index', '9223372036854775808']]), 'slideshow.slide:k',
  "slideshow.slide: field 'index': expected int, got '9223372036854775808'");
expectError('minimum', control('slideshow.slide', [['deck', 'k'], ['index', '0']]), 'slideshow.slide:k',
  "slideshow.slide: field 'index': 0 is below the minimum 1");
expectError('too long', control('room.notice', [['text', 'x'.repeat(501)]]), 'n',
  "room.notice: field 'text': too long: 501 characters, at most 500");
expectError('length counts code points', control('room.notice', [['text', '😀'.repeat(501)]]), 'n',
  "room.notice: field 'text': too long: 501 characters, at most 500");
expectError('enum', control('room.notice', [['text', 'x'], ['level', 'panic']]), 'n',
  "room.notice: field 'level': 'panic' is not one of: info, warning, alert");
expectError('pattern', control('ui.button', [['button', 'Send!']]), 'ui.button:Send!',
  "ui.button: field 'button': 'Send!' does not match the pattern '^[a-z][a-z0-9_-]{0,31}$'");
expectError('pattern $ is the very end', control('ui.button', [['button', 'send\n']]), 'ui.button:send%0A',
  "ui.button: field 'button': 'send\n' does not match the pattern '^[a-z][a-z0-9_-]{0,31}$'");
expectError('bool', control('ui.button', [['button', 'send'], ['enabled', 'no']]), 'ui.button:send',
  "ui.button: field 'enabled': expected true or false, got 'no'");
expectError('control character', control('chat.power', [['enabled', 'true'], ['reason', 'a\u0007b']]), 'chat.power',
  "chat.power: field 'reason': control character U+0007 is not allowed");
expectError('base64', control('slideshow.slide', [['deck', 'k'], ['index', '1'], ['image', 'abc!']]), 'slideshow.slide:k',
  "slideshow.slide: field 'image': expected base64, got 'abc!'");
expectError('media type', control('slideshow.slide', [['deck', 'k'], ['index', '1'], ['image', btoa('GIF90a----')]]), 'slideshow.slide:k',
  "slideshow.slide: field 'image': data is not of an allowed media type (image/png, image/jpeg, image/gif, image/webp)");
expectError('too large', control('slideshow.slide', [['deck', 'k'], ['index', '1'], ['image', 'A'.repeat(218456)]]), 'slideshow.slide:k',
  "slideshow.slide: field 'image': too large: 163842 bytes, at most 163840");
expectError('url scheme', control('slideshow.slide', [['deck', 'k'], ['index', '1'], ['image_url', 'javascript:alert(1)']]), 'slideshow.slide:k',
  "slideshow.slide: field 'image_url': URL scheme 'javascript' is not allowed (allowed: https, http)");
expectError('url character', control('slideshow.slide', [['deck', 'k'], ['index', '1'], ['image_url', 'https://e.org/a b']]), 'slideshow.slide:k',
  "slideshow.slide: field 'image_url': ' ' is not allowed in a URL");
expectError('not a url', control('slideshow.slide', [['deck', 'k'], ['index', '1'], ['image_url', 'slide.png']]), 'slideshow.slide:k',
  "slideshow.slide: field 'image_url': expected a URL, got 'slide.png'");
expectError('child element', { ...control('ui.button', []), children: [{ name: 'button', ns: NS, attrs: {}, children: [{ name: 'b', ns: NS, attrs: {}, children: [] }] }] },
  'ui.button:send', "ui.button: field 'button': expected text, got <b>");
expectError('stray text', { ...control('ui.button', [['button', 'send']]), children: ['hello'] }, 'ui.button:send',
  'ui.button: unexpected text in <control>');
expectError('id mismatch', control('ui.button', [['button', 'send']]), 'ui.button:attach',
  "ui.button: item id 'ui.button:attach' does not match the item's key (expected 'ui.button:send')");
expectError('escaped key', control('slideshow.slide', [['deck', 'a'], ['index', '1']]), 'slideshow.slide:b',
  "slideshow.slide: item id 'slideshow.slide:b' does not match the item's key (expected 'slideshow.slide:a')");
if (registry.stateId({ type: 't.p', key: ['a', 'n'], fields: [{ name: 'a', type: 'string' }, { name: 'n', type: 'int' }] }, { a: 'a:b%\n', n: -0 }) !== 't.p:a%3Ab%25%0A:0')
  failures.push('stateId escaping');

// The same values through the page's validator and through roomctl.
const differential = [
  ['test.all', [['n', '2e2'], ['t', '2024-05-01t12:00:00.123456789z'], ['j', 'a@b/c@d'], ['tags', 'ab'], ['tags', 'cd'], ['u', 'ftp://e.org/x']]],
  ['test.all', [['n', '1.']]],
  ['test.all', [['n', '-2']]],
  ['test.all', [['n', '1001']]],
  ['test.all', [['n', '0x10']]],
  ['test.all', [['t', '2024-05-01T12:00:00+24:00']]],
  ['test.all', [['t', '2024-02-30T12:00:00Z']]],
  ['test.all', [['t', '2024-05-01 12:00:00Z']]],
  ['test.all', [['j', 'a b@c']]],
  ['test.all', [['j', '@c']]],
  ['test.all', [['j', 'a:b@c']]],
  ['test.all', [['tags', 'ab']]],
  ['test.all', [['tags', 'a'], ['tags', 'b'], ['tags', 'c'], ['tags', 'd']]],
  ['test.all', [['tags', 'abcd'], ['tags', 'b']]],
  ['test.all', [['tags', 'A1'], ['tags', 'b']]],
  ['test.all', [['u', 'http://e.org/']]],
  ['test.all', [['w', 'https://example.org/a/very/long/path']]],
  ['test.all', [['w', 'https:///nohost']]],
  ['test.all', [['w', 'https:/nohost']]],
  ['test.all', [['w', 'https://user@:80/']]],
  ['test.all', [['w', 'https://e.org/{x}']]],
  ['test.all', [['b', 'AAAAAA==']]],
  ['test.all', [['b', 'AAAA AA==']]],
  ['test.all', [['b', 'AAA=A===']]],
  ['test.all', [['n', '1e400']]],
  ['test.all', [['n', '-0.0']]],
  ['test.all', [['t', '2024-05-01T12:00:00.Z']]],
  ['test.all', [['t', '2024-05-01T24:00:00Z']]],
  ['test.all', [['t', '2024-05-01T12:00:60Z']]],
  ['test.all', [['t', '2024-05-01T12:00:00-00:60']]],
  ['test.all', [['j', 'a@b@c']]],
  ['test.all', [['j', 'a@b/']]],
  ['test.all', [['j', 'b/r e']]],
  ['test.all', [['u', 'FTP://e.org/%41']]],
  ['test.all', [['u', 'ftp:']]],
  ['test.all', [['u', 'ftp://e.org/%zz']]],
  ['test.all', [['u', 'ftp://e.org/%4']]],
  ['test.all', [['u', 'ftp://e.org:65536/']]],
  ['test.all', [['u', 'ftp://e.org:65535/']]],
  ['test.all', [['u', 'ftp://e.org:x/']]],
  ['test.all', [['u', 'ftp://e.org:/']]],
  ['test.all', [['u', 'ftp://[::1/']]],
  ['test.all', [['u', 'ftp://a@b@c/é']]],
  ['test.all', [['u', 'ftp://e.org/a\tb']]],
  ['test.all', [['w', 'https://e.org:8080/x?y=1#z']]],
  ['test.all', [['w', 'https://[::1]/']]],
  ['test.all', [['w', 'https://e.org/a|b']]],
  ['test.all', [['b', 'A===']]],
  ['test.all', [['b', 'AA=A']]],
  ['test.all', [['b', '']]],
  ['test.all', [['b', 'AAAAAAA=']]],
  ['test.all', [['p', 'a_b-c']]],
  ['test.all', [['p', 'a b']]],
  ['test.all', [['q', 'ab']]],
  ['test.all', [['q', 'cb']]],
  ['test.pair', [['a', 'x:y%z'], ['n', '-007']]],
  ['test.pair', [['a', 'tab\there'], ['n', '-0']]],
  ['test.pair', [['a', 'x'], ['n', '9223372036854775807']]],
  ['test.pair', [['a', 'x'], ['n', '-9223372036854775809']]],
  ['room.notice', [['text', 'é\u{1F600}']]],
  ['room.notice', [['text', 'a\uFFFEb']]],
  ['room.notice', [['text', 'a\u0085b']]],
  ['room.notice', [['text', 'a\rb']]],
  ['test.pair', [['a', 'x'], ['n', '1.5']]],
  ['ui.button', [['button', 'send'], ['visible', 'False']]],
  ['chat.power', [['enabled', 'true'], ['reason', 'x'.repeat(201)]]],
  ['room.notice', [['text', '']]],
];
for (const [type, fields] of differential) {
  const what = `${type} ${fields.map(([k, v]) => `${k}=${v}`).join(' ')}`;
  const mine = registry.validate(control(type, fields));
  const theirs = spawnSync(roomctl, ['publish', '--dry-run', '--schemas', path, 'x@conference.localhost', type,
    ...fields.map(([k, v]) => `${k}=${v}`)], { encoding: 'utf8' });
  const theirError = theirs.status === 0 ? undefined : theirs.stderr.trim().replace(/^roomctl publish: /, '');
  if (theirs.status !== 0 && theirs.status !== 3) failures.push(`${what}: roomctl exit ${theirs.status}: ${theirs.stderr}`);
  else if (mine.error !== theirError) failures.push(`${what}: page says ${mine.error ?? 'ok'}, roomctl says ${theirError ?? 'ok'}`);
  else if (!mine.error && mine.item.kind === 'state' && !theirs.stdout.includes(`item id ${mine.item.id} `))
    failures.push(`${what}: page's id ${mine.item.id}, roomctl: ${theirs.stdout.split('\n')[0]}`);
}
expectOk('unknown field ignored', control('test.all', [['n', '1'], ['colour', 'red']]), 'e', { n: 1 });

let refused = false;
try { new Registry({ format: 'other' }); } catch { refused = true; }
if (!refused) failures.push('a document that is not an export was accepted');

for (const f of failures) console.log('FAIL:', f);
console.log(failures.length ? `${failures.length} failed` : 'ok');
process.exit(failures.length ? 1 : 0);

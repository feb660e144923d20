// The page's validator (js/schemas.js, js/values.js) against the schemas
// roomctl exports: good items pass with defaults applied, broken items are
// refused with roomctl's messages (docs/wire-format.md, section 6).
// Usage: node test/validate-test.mjs ROOMCTL SCHEMA_DIR   (no npm package needed)
import { execFileSync } from 'node:child_process';
import { Registry, NS } from '../js/schemas.js';

const [roomctl, schemaDir] = process.argv.slice(2);
const exported = execFileSync(roomctl, ['schema', 'export', '--schemas', schemaDir], { encoding: 'utf8' });
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
expectError('too large', control('slideshow.slide', [['deck', 'k'], ['index', '1'], ['image', 'A'.repeat(699052)]]), 'slideshow.slide:k',
  "slideshow.slide: field 'image': too large: 524289 bytes, at most 524288");
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

let refused = false;
try { new Registry({ format: 'other' }); } catch { refused = true; }
if (!refused) failures.push('a document that is not an export was accepted');

for (const f of failures) console.log('FAIL:', f);
console.log(failures.length ? `${failures.length} failed` : 'ok');
process.exit(failures.length ? 1 : 0);

// One field value against its field of the schema export: the checks of
// docs/wire-format.md sections 4 and 6 (step 4), with roomctl's wording.
// parseValue(field, text) returns {value} or {problem}.

const QUOTE_CHARS = 40;

function quote(text) {
  const chars = [...text];
  return chars.length <= QUOTE_CHARS ? text : chars.slice(0, QUOTE_CHARS).join('') + '…';
}

const got = (expected, text) => ({ problem: `expected ${expected}, got '${quote(text)}'` });
const hex4 = (c) => c.toString(16).toUpperCase().padStart(4, '0');

// Characters XML cannot carry and control characters but tab and line feed.
function checkText(text) {
  for (const ch of text) {
    const c = ch.codePointAt(0);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f))
      return { problem: `control character U+${hex4(c)} is not allowed` };
    if (c === 0xfffe || c === 0xffff) return { problem: `character U+${hex4(c)} is not allowed` };
  }
  return { chars: [...text].length };
}

function checkLength(field, chars) {
  if (field.min_length !== undefined && chars < field.min_length)
    return `too short: ${chars} characters, at least ${field.min_length}`;
  if (field.max_length !== undefined && chars > field.max_length)
    return `too long: ${chars} characters, at most ${field.max_length}`;
  return null;
}

// Patterns are compiled once per field; the export's PCRE text is read as a
// JavaScript RegExp (docs/schemas.md, "Exporting schemas"): with the u flag
// (code points, as PCRE over UTF-8), else without it for a pattern the u
// flag refuses (`[\w-]`); null when neither reads it, and then every value
// is refused rather than let through unchecked.
const patterns = new WeakMap();
function pattern(field) {
  if (!patterns.has(field)) {
    let re = null;
    for (const flags of ['u', '']) {
      try {
        re = new RegExp(field.pattern, flags);
        break;
      } catch { /* try the next flags */ }
    }
    patterns.set(field, re);
  }
  return patterns.get(field);
}

function checkString(field, text) {
  const t = checkText(text);
  if (t.problem) return t;
  const length = checkLength(field, t.chars);
  if (length) return { problem: length };
  if (field.pattern !== undefined && !pattern(field))
    return { problem: `the pattern '${field.pattern}' cannot be read as a JavaScript RegExp` };
  if (field.pattern !== undefined && !pattern(field).test(text))
    return { problem: `'${quote(text)}' does not match the pattern '${field.pattern}'` };
  if (field.enum && !field.enum.includes(text))
    return { problem: `'${quote(text)}' is not one of: ${field.enum.join(', ')}` };
  return { value: text };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function parseInt64(field, text) {
  if (!/^-?[0-9]+$/.test(text)) return got('int', text);
  const n = BigInt(text);
  if (n < INT64_MIN || n > INT64_MAX) return got('int', text);
  if (field.min !== undefined && n < BigInt(field.min))
    return { problem: `${n} is below the minimum ${field.min}` };
  if (field.max !== undefined && n > BigInt(field.max))
    return { problem: `${n} is above the maximum ${field.max}` };
  // A Number when exact; larger values stay BigInt rather than lose digits.
  return { value: Number.isSafeInteger(Number(n)) ? Number(n) : n };
}

function parseNumber(field, text) {
  if (!/^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(text)) return got('number', text);
  const d = Number(text);
  if (!Number.isFinite(d)) return got('number', text);
  if (field.min !== undefined && d < field.min) return { problem: `${text} is below the minimum ${field.min}` };
  if (field.max !== undefined && d > field.max) return { problem: `${text} is above the maximum ${field.max}` };
  return { value: d };
}

function parseUrl(field, text) {
  const t = checkText(text);
  if (t.problem) return t;
  const length = checkLength(field, t.chars);
  if (length) return { problem: length };
  // RFC 3986 syntax as GLib's GUri (libroomctl) reads it, not the URL
  // class of browsers, which invents a host for 'https:/x' and refuses
  // 'ftp:': scheme ':' ['//' authority] rest, valid %XX escapes, a port of
  // digits up to 65535, a closed [IPv6] literal.
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(\/\/([^/?#]*))?/.exec(text);
  if (!m || /%(?![0-9A-Fa-f]{2})/.test(text)) return got('a URL', text);
  const hostPort = (m[3] ?? '').replace(/^.*@/, '');
  const literal = hostPort.startsWith('[') ? hostPort.indexOf(']') : -1;
  if (hostPort.startsWith('[') && literal < 0) return got('a URL', text);
  const portAt = hostPort.indexOf(':', literal + 1);
  const host = portAt < 0 ? hostPort : hostPort.slice(0, portAt);
  const port = portAt < 0 ? '' : hostPort.slice(portAt + 1);
  if (!/^[0-9]*$/.test(port) || Number(port) > 65535) return got('a URL', text);
  const name = m[1].toLowerCase();
  if ((name === 'http' || name === 'https') && !host) return got('a URL with a host', text);
  const schemes = field.schemes || ['http', 'https'];
  if (!schemes.some((s) => s.toLowerCase() === name))
    return { problem: `URL scheme '${m[1]}' is not allowed (allowed: ${schemes.join(', ')})` };
  for (const ch of text) {
    const c = ch.codePointAt(0);
    if (c === 0x20) return { problem: "' ' is not allowed in a URL" };
    if (c < 0x20 || c === 0x7f) return { problem: `U+${hex4(c)} is not allowed in a URL` };
    if ('"<>\\^`{|}'.includes(ch)) return { problem: `'${ch}' is not allowed in a URL` };
  }
  return { value: text };
}

function parseJid(text) {
  const t = checkText(text);
  if (t.problem) return t;
  const slash = text.indexOf('/');
  const bare = slash < 0 ? text : text.slice(0, slash);
  const at = bare.indexOf('@');
  const domain = at < 0 ? bare : bare.slice(at + 1);
  const resource = slash < 0 ? null : text.slice(slash + 1);
  // The resource may hold '@', ':' and '/'; the local part no ':'.
  const ok =
    domain.length > 0 && domain.length <= 1023 && at !== 0 && at <= 1023 &&
    (resource === null || (resource.length > 0 && resource.length <= 1023)) &&
    !/[ \t\n\v\f\r"&'<>]/.test(text) && !domain.includes('@') &&
    !bare.slice(0, Math.max(at, 0)).includes(':');
  return ok ? { value: text } : got('a JID like user@example.org', text);
}

function parseTimestamp(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/.exec(text);
  if (!m || (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)))
    return got('an RFC 3339 timestamp like 2024-05-01T12:00:00Z', text);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Second 60 is a leap second (RFC 3339), as GLib takes it.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 60)
    return got('an RFC 3339 timestamp like 2024-05-01T12:00:00Z', text);
  return { value: text };
}

// The signatures of docs/wire-format.md's media types (as libroomctl's table).
const SIGNATURES = [
  ['image/png', 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['image/jpeg', 0, [0xff, 0xd8, 0xff]],
  ['image/gif', 0, [...'GIF87a'].map((c) => c.charCodeAt(0))],
  ['image/gif', 0, [...'GIF89a'].map((c) => c.charCodeAt(0))],
  ['image/webp', 8, [...'WEBP'].map((c) => c.charCodeAt(0)), [...'RIFF'].map((c) => c.charCodeAt(0))],
  ['application/pdf', 0, [...'%PDF-'].map((c) => c.charCodeAt(0))],
];

// The media type @bytes (a Uint8Array) starts with, or null.
export function sniffMediaType(bytes) {
  const at = (offset, magic) => magic.every((b, i) => bytes[offset + i] === b);
  for (const [name, offset, magic, riff] of SIGNATURES)
    if (bytes.length >= offset + magic.length && at(offset, magic) && (!riff || at(0, riff))) return name;
  return null;
}

function parseBytes(field, text) {
  const compact = text.replace(/[ \t\n\r\f\v]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4) return got('base64', text);
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  const size = (compact.length / 4) * 3 - padding;
  if (field.max_bytes !== undefined && size > field.max_bytes)
    return { problem: `too large: ${size} bytes, at most ${field.max_bytes}` };
  const binary = atob(compact);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  if (field.media_types && !field.media_types.includes(sniffMediaType(bytes)))
    return { problem: `data is not of an allowed media type (${field.media_types.join(', ')})` };
  return { value: bytes };
}

// @field: a field (or a list's `items`) of the export; @text: the element's text.
export function parseValue(field, text) {
  switch (field.type) {
    case 'string': return checkString(field, text);
    case 'int': return parseInt64(field, text);
    case 'number': return parseNumber(field, text);
    case 'bool': return text === 'true' ? { value: true } : text === 'false' ? { value: false } : got('true or false', text);
    case 'url': return parseUrl(field, text);
    case 'jid': return parseJid(text);
    case 'timestamp': return parseTimestamp(text);
    case 'bytes': return parseBytes(field, text);
    default: return { problem: `unknown field type '${field.type}'` };
  }
}

export function checkItems(field, count) {
  if (field.min_items !== undefined && count < field.min_items)
    return `too few items: ${count}, at least ${field.min_items}`;
  if (field.max_items !== undefined && count > field.max_items)
    return `too many items: ${count}, at most ${field.max_items}`;
  return null;
}

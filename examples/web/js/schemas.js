// The control types of `roomctl schema export` (docs/schemas.md, "Exporting
// schemas") as a registry: validate a received <control/> as
// docs/wire-format.md section 6 says, build state item ids (section 5), and
// write the <control/> of a new item for the moderator panel.
import { parseValue, checkItems } from './values.js';

export const NS = 'urn:roomctl:0';

// A DOM element as the plain tree validate() reads: elements are
// {name, ns, attrs, children}, text is a string.  Plain trees let the
// validator run without a DOM (its tests run in Node).
export function plainTree(node) {
  if (node.nodeType !== 1) return node.nodeValue;
  const attrs = {};
  for (const a of node.attributes) attrs[a.name] = a.value;
  return {
    name: node.localName,
    ns: node.namespaceURI || '',
    attrs,
    children: [...node.childNodes].filter((c) => c.nodeType === 1 || c.nodeType === 3 || c.nodeType === 4).map(plainTree),
  };
}

// Key values in ids: '%', ':' and characters below U+0020 as %XX.
function keyText(field, value) {
  if (field.type === 'int') return String(value);
  if (field.type === 'bool') return value ? 'true' : 'false';
  return String(value).replace(/[%:\u0000-\u001f]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

export class Registry {
  // @doc: the parsed export.  Throws on a document that is not one.
  constructor(doc) {
    if (!doc || doc.format !== 'roomctl-schemas' || doc.format_version !== 1 || !Array.isArray(doc.types))
      throw new Error('not a roomctl schema export (format roomctl-schemas, format_version 1)');
    this.byType = new Map();
    for (const schema of doc.types) {
      if (!this.byType.has(schema.type)) this.byType.set(schema.type, []);
      this.byType.get(schema.type).push(schema);
    }
    for (const versions of this.byType.values()) versions.sort((a, b) => a.version - b.version);
  }

  static async load(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return new Registry(await response.json());
  }

  // The schema of @type at @version; the highest version when @version is 0.
  lookup(type, version = 0) {
    const versions = this.byType.get(type) || [];
    return version ? versions.find((s) => s.version === version) : versions[versions.length - 1];
  }

  // The newest version of every type, sorted by type.
  latest() {
    return [...this.byType.keys()].sort().map((t) => this.lookup(t));
  }

  // The state id of @values (field name -> value) for a state schema.
  stateId(schema, values) {
    const parts = [schema.type];
    for (const name of schema.key) parts.push(keyText(schema.fields.find((f) => f.name === name), values[name]));
    return parts.join(':');
  }

  // validate() for a received PubSub <item/> (a DOM element), which
  // carries exactly one <control/>.  @checkId false: its id is not a state
  // key (an item of the events node, whose kind is checked after).
  validateItem(element, checkId = true) {
    const [control, ...more] = element.children;
    if (!control || more.length) return { error: `item '${element.getAttribute('id')}' must carry exactly one <control/>` };
    return this.validate(plainTree(control), checkId ? element.getAttribute('id') : undefined);
  }

  // A received <control/> (plain tree) and its item id.  Returns
  // {item: {id, type, version, kind, fields}} with defaults applied, or
  // {error, unknown} where unknown is true for a type/version this client
  // has no schema for.
  validate(control, itemId) {
    if (!control || control.name !== 'control' || control.ns !== NS)
      return { error: `expected <control xmlns='${NS}'>, got <${control?.name ?? '?'} xmlns='${control?.ns ?? ''}'>` };
    const type = control.attrs.type;
    const versionText = control.attrs.version;
    if (type === undefined) return { error: "<control> has no 'type' attribute" };
    if (versionText === undefined) return { error: `${type}: <control> has no 'version' attribute` };
    if (!/^[0-9]+$/.test(versionText) || Number(versionText) < 1 || Number(versionText) > 2147483647)
      return { error: `${type}: bad version '${versionText}'` };
    const schema = this.lookup(type, Number(versionText));
    if (!schema) {
      const latest = this.lookup(type);
      return {
        unknown: true,
        error: latest ? `${type}: unknown version ${Number(versionText)} (known up to ${latest.version})`
                      : `unknown control type '${type}'`,
      };
    }
    const fail = (problem) => ({ error: `${type}: ${problem}` });
    const values = {};
    for (const child of control.children) {
      if (typeof child === 'string') {
        if (child.trim() !== '') return fail('unexpected text in <control>');
        continue;
      }
      const field = child.ns === NS || child.ns === '' ? schema.fields.find((f) => f.name === child.name) : undefined;
      if (!field) {
        if (schema.unknown_fields === 'ignore') continue;
        return fail(`unknown field '${child.name}'`);
      }
      const element = child.children.find((c) => typeof c !== 'string');
      if (element) return fail(`field '${field.name}': expected text, got <${element.name}>`);
      const text = child.children.join('');
      const spec = field.type === 'list' ? field.items : field;
      const parsed = parseValue(spec, text);
      if (parsed.problem) return fail(`field '${field.name}': ${parsed.problem}`);
      if (field.type === 'list') {
        (values[field.name] ||= []).push(parsed.value);
      } else {
        if (field.name in values) return fail(`field '${field.name}' is given more than once`);
        values[field.name] = parsed.value;
      }
    }
    for (const field of schema.fields) {
      if (field.type === 'list' && field.name in values) {
        const problem = checkItems(field, values[field.name].length);
        if (problem) return fail(`field '${field.name}': ${problem}`);
      }
      if (!(field.name in values) && field.required) return fail(`missing required field '${field.name}'`);
    }
    if (schema.kind === 'state') {
      const expected = this.stateId(schema, values);
      if (itemId !== undefined && itemId !== expected)
        return fail(`item id '${itemId}' does not match the item's key (expected '${expected}')`);
      itemId = expected;
    }
    const fields = {};
    for (const field of schema.fields) {
      if (field.name in values) fields[field.name] = values[field.name];
      else if ('default' in field) fields[field.name] = field.default;
    }
    return { item: { id: itemId, type, version: schema.version, kind: schema.kind, fields } };
  }
}

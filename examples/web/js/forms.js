// Forms generated from the schema export, one per control type, as the
// gate's ad-hoc command forms are: an input per field chosen by its type and
// constraints, and back from a filled form to a <control/> plain tree that
// Registry.validate() checks and Session.publish() sends.
import { NS } from './schemas.js';

function element(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

// A select of @values; '' (the schema's default, or nothing) first unless required.
function select(field, values) {
  const options = field.required ? [] : [element('option', { value: '' }, 'default' in field ? `(default: ${field.default})` : '(not set)')];
  for (const v of values) options.push(element('option', { value: v }, v));
  return element('select', {}, ...options);
}

function input(field) {
  switch (field.type) {
    case 'bool': return select(field, ['true', 'false']);
    case 'int':
    case 'number': return element('input', { type: 'number', min: field.min, max: field.max, step: field.type === 'int' ? 1 : 'any' });
    case 'url': return element('input', { type: 'url', maxlength: field.max_length, placeholder: (field.schemes || ['https']).join(' or ') + '://…' });
    case 'bytes': return element('input', { type: 'file', accept: field.media_types?.join(',') });
    case 'list': return element('textarea', { rows: 3, placeholder: 'one value per line' });
    default:
      if (field.enum) return select(field, field.enum);
      return element('input', { maxlength: field.max_length, placeholder: field.type === 'timestamp' ? '2024-05-01T12:00:00Z' : null });
  }
}

// A form for @schema: data-type/data-version, an input named after each field.
export function buildForm(schema) {
  const form = element('form', { class: 'type', 'data-type': schema.type, 'data-version': schema.version },
    element('h2', {}, `${schema.type} `, element('small', {}, `v${schema.version}, ${schema.kind}`)),
    element('p', {}, schema.description || ''),
    element('p', {}, `item id: ${schema.item_id}`));
  for (const field of schema.fields) {
    const control = input(field);
    control.name = field.name;
    if (field.required) control.required = true;
    form.append(element('label', {}, `${field.name}${field.required ? ' *' : ''} (${field.type})`, control,
      element('span', { class: 'field-help' }, field.description || '')));
  }
  form.append(element('button', { type: 'submit' }, 'Publish'));
  form.noValidate = true; // the schema's checks speak, with roomctl's messages
  return form;
}

const base64 = (file) => new Promise((resolve, reject) => {
  const reader = new FileReader();
  reader.onload = () => resolve(reader.result.slice(reader.result.indexOf(',') + 1));
  reader.onerror = () => reject(reader.error);
  reader.readAsDataURL(file);
});

// The filled @form as a <control/> plain tree: one child per given value
// (a list: one per line), nothing for an empty input.
export async function readForm(form, schema) {
  const children = [];
  for (const field of schema.fields) {
    const control = form.elements[field.name];
    let texts;
    if (field.type === 'bytes') texts = control.files[0] ? [await base64(control.files[0])] : [];
    else if (field.type === 'list') texts = control.value.split('\n').filter((l) => l !== '');
    else texts = control.value === '' ? [] : [control.value];
    for (const text of texts) children.push({ name: field.name, ns: NS, attrs: {}, children: [text] });
  }
  return { name: 'control', ns: NS, attrs: { type: schema.type, version: String(schema.version) }, children };
}

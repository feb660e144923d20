// The chat page: log in, join the room, and apply the room's control items
// to the page (one handler per type, as plugins/ui_state.c does).
import { sniffMediaType } from './values.js';
import { $, setStatus, startPage } from './page.js';

const state = new Map(); // item id -> the applied state item
let registry;
let session;
let room;
let slideUrl = null; // the object URL of an inline slide, revoked when replaced

function addLine(nick, text, cls) {
  const li = document.createElement('li');
  if (cls) li.className = cls;
  if (nick) {
    const who = document.createElement('span');
    who.className = 'nick';
    who.textContent = nick;
    li.append(who);
  }
  li.append(text);
  $('messages').append(li);
  li.scrollIntoView({ block: 'nearest' });
}

// ---- What each type does to the page: apply(item), reset(old item) ----------

function showSlide(f) {
  const img = $('slide-image');
  if (slideUrl) URL.revokeObjectURL(slideUrl);
  slideUrl = f.image ? URL.createObjectURL(new Blob([f.image], { type: sniffMediaType(f.image) })) : null;
  const src = slideUrl || f.image_url || '';
  img.hidden = !src;
  if (src) img.src = src;
  else img.removeAttribute('src');
  img.alt = f.caption || `Slide ${f.index}`;
  $('slide-caption').textContent = f.caption || '';
  $('slide-position').textContent = `${f.deck}: slide ${f.index}${f.total ? ' of ' + f.total : ''}`;
  $('slide').dataset.deck = f.deck;
  $('slide').hidden = false;
}

function setChat(on, reason) {
  $('composer').hidden = !on;
  $('chat-off').hidden = on;
  $('chat-off-reason').textContent = reason ? `: ${reason}` : '';
  $('chat').dataset.power = on ? 'on' : 'off';
}

function setButton(name, enabled, visible) {
  const button = document.querySelector(`[data-button="${CSS.escape(name)}"]`);
  if (!button) return; // a button this page does not have
  button.disabled = !enabled;
  button.hidden = !visible;
}

function showFeatures() {
  const features = [...state.values()].filter((i) => i.type === 'ui.feature');
  $('features').textContent = features.length
    ? 'Features: ' + features.map((i) => `${i.fields.feature} ${i.fields.enabled ? 'on' : 'off'}`).join(', ') : '';
}

const handlers = {
  'ui.button': {
    apply: (f) => setButton(f.button, f.enabled, f.visible),
    reset: (f) => setButton(f.button, true, true),
  },
  'ui.feature': { apply: showFeatures, reset: showFeatures },
  'slideshow.slide': {
    apply: showSlide,
    reset: (f) => {
      if ($('slide').dataset.deck === f.deck) $('slide').hidden = true;
    },
  },
  'chat.power': {
    apply: (f) => setChat(f.enabled, f.reason),
    reset: () => setChat(true, ''),
  },
  'room.notice': {
    apply: (f) => {
      $('notice-text').textContent = f.text;
      $('notice').dataset.level = f.level;
      $('notice').hidden = false;
    },
  },
};

// ---- Control items as they arrive (docs/wire-format.md, section 7) --------

function countDrop(reason) {
  document.body.dataset.dropped = Number(document.body.dataset.dropped || 0) + 1;
  console.warn(`roomctl: dropped an item: ${reason}`);
}

function onItem(element, live) {
  const result = registry.validateItem(element);
  if (result.error) return countDrop(result.error);
  const item = result.item;
  // Events fetched with the node's history are not live: not applied.
  if (item.kind === 'event' && !live) return;
  if (item.kind === 'state') state.set(item.id, item);
  handlers[item.type]?.apply(item.fields);
}

function onRetract(id) {
  const old = state.get(id);
  if (!old) return;
  state.delete(id);
  handlers[old.type]?.reset?.(old.fields);
}

const controlHandlers = {
  item: onItem,
  retract: onRetract,
  purge: () => [...state.keys()].forEach(onRetract),
  // Keys retracted while we were away are reset.
  synced: (ids) => {
    [...state.keys()].filter((id) => !ids.includes(id)).forEach(onRetract);
    document.body.dataset.synced = 'true';
    setStatus(`online as ${session.jid}, in sync with ${room}`, 'online');
  },
};

// ---- Login, chat ---------------------------------------------------------

let createRooms = false; // config.json's create_rooms (serve.mjs --create-rooms)

async function follow(history = true) {
  await session.joinChat(room, session.jid.split('@')[0], (nick, text) => addLine(nick, text),
                         { create: createRooms, history });
  $('room').hidden = false;
  await session.watchControl(room, controlHandlers);
}

// After a lost connection, a new session joins, subscribes and fetches
// again (wire-format.md section 7, step 5): synced() resets the keys
// retracted meanwhile.  Retries back off from 1 s to 30 s.
let retryMs = 1000;
function reconnectLater() {
  document.body.dataset.synced = 'false';
  setStatus(`offline: connection lost, reconnecting in ${retryMs / 1000} s`, 'error');
  setTimeout(async () => {
    session = session.renewed();
    try {
      await session.connect();
      await follow(false);
      retryMs = 1000;
    } catch {
      retryMs = Math.min(retryMs * 2, 30000);
      reconnectLater();
    }
  }, retryMs);
}

async function joinRoom(newSession, newRoom, newRegistry, config) {
  [session, room, registry, createRooms] = [newSession, newRoom, newRegistry, config.create_rooms === true];
  session.onDisconnect = reconnectLater;
  await follow();
}

function send(event) {
  event.preventDefault();
  const text = $('message').value.trim();
  if (!text || $('send').disabled || $('send').hidden || $('composer').hidden) return;
  session.sendChat(room, text);
  $('message').value = '';
}

$('composer').addEventListener('submit', send);
$('attach').addEventListener('click', () => $('attach-file').click());
$('attach-file').addEventListener('change', () => {
  const file = $('attach-file').files[0];
  if (file) session.sendChat(room, `📎 ${file.name} (${file.size} bytes)`);
});
$('notice-close').addEventListener('click', () => { $('notice').hidden = true; });
window.addEventListener('beforeunload', () => session?.leave([room]));
startPage(joinRoom);

// The chat page: log in, join the room, and apply the room's control items
// to the page (one handler per type, as plugins/ui_state.c does).
import { sniffMediaType } from './values.js';
import { $, setStatus, startPage, stayConnected } from './page.js';
import { RoomFollower } from './follow.js';
import { Reporter } from './acks.js';

let follower; // what the page holds of the room (js/follow.js)
let reporter; // under a gate: what the page tells it (js/acks.js), else null
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
  const features = follower.items().filter((i) => i.type === 'ui.feature');
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

// Each change goes to the type's handler and, under a gate, is
// acknowledged to it (a retraction's reset as op retract, a purge once).
function followerOf(registry, gate) {
  const apply = (item) => {
    handlers[item.type]?.apply(item.fields);
    reporter?.applied(item);
  };
  return new RoomFollower(registry, gate, {
    apply,
    event: apply,
    reset: (item, byPurge) => {
      handlers[item.type]?.reset?.(item.fields);
      if (!byPurge) reporter?.retracted(item.id);
    },
    purged: () => reporter?.purged(),
    dropped: (id, reason, why) => {
      document.body.dataset.dropped = Number(document.body.dataset.dropped || 0) + 1;
      document.body.dataset.lastDropped = reason;
      reporter?.dropped(id, reason, why);
    },
    synced: () => {
      reporter?.setSynced(true);
      document.body.dataset.synced = 'true';
      setStatus(`online as ${session.jid}, in sync with ${room}${follower.gate ? `, items from ${follower.gate} only` : ''}`, 'online');
    },
  });
}

// ---- Login, chat ---------------------------------------------------------

let createRooms = false; // config.json's create_rooms (serve.mjs --create-rooms)

async function follow(history = true) {
  if (reporter) {
    reporter.synced = false;
    reporter.attach(session); // a new session: the gate learns it anew
  }
  await session.joinChat(room, session.jid.split('@')[0], (nick, text) => addLine(nick, text),
                         { create: createRooms, history });
  $('room').hidden = false;
  await session.watchControl(room, follower.handlers());
}

// After a lost connection, a new session joins, subscribes and fetches
// again: synced() resets the keys retracted meanwhile.
function rejoin(newSession) {
  session = newSession;
  return follow(false);
}

async function joinRoom(newSession, newRoom, registry, config) {
  [session, room, createRooms] = [newSession, newRoom, config.create_rooms === true];
  follower = followerOf(registry, config.gate);
  reporter = config.gate ? new Reporter(config.gate, room, registry, Object.keys(handlers),
                                        { name: 'roomctl-web-chat', version: '1' }) : null;
  stayConnected(session, rejoin, () => { document.body.dataset.synced = 'false'; });
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

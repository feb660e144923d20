// What both pages do the same way: load the schema export and config.json,
// fill the login form from the address (?jid=…&room=…), log in, say the
// connection's state, and show errors under the form.
import { Registry } from './schemas.js';
import { Session } from './xmpp.js';

export const $ = (id) => document.getElementById(id);

export function setStatus(text, kind) {
  $('status').textContent = text;
  $('status').dataset.state = kind;
}

function showError(message) {
  $('login-error').textContent = message;
  $('login-error').hidden = false;
}

// Prepare the page; on submit, log in and call @onLogin(session, room,
// registry, config), which joins what the page needs.  Sets body[data-ready] once
// the form can be used.
export async function startPage(onLogin) {
  const params = new URLSearchParams(location.search);
  let config;
  let registry;
  try {
    config = await (await fetch('config.json')).json();
    registry = await Registry.load('schemas.json');
  } catch (e) {
    $('login-join').disabled = true;
    return showError(`cannot load the control types: ${e.message}`);
  }
  // The room's gate (wire-format.md section 11): the pages take only its
  // items, and the panel sends through it.  serve.mjs --gate, or ?gate=.
  config.gate = (params.get('gate') ?? config.gate ?? '').trim().toLowerCase();
  $('login-jid').value = params.get('jid') || '';
  $('login-room').value = params.get('room') || config.room || '';
  $('login').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('login-error').hidden = true;
    $('login-join').disabled = true;
    const room = $('login-room').value.trim().toLowerCase();
    const session = new Session({ websocket: config.websocket, pubsub: config.pubsub, keepaliveMs: config.keepalive_ms,
                                  jid: $('login-jid').value.trim(), password: $('login-password').value });
    session.onDisconnect = () => setStatus('offline: connection lost', 'error');
    try {
      setStatus('connecting…', 'offline');
      await session.connect();
      setStatus(`online as ${session.jid}`, 'online');
      $('login').hidden = true;
      await onLogin(session, room, registry, config);
    } catch (e) {
      setStatus('offline', 'error');
      $('login').hidden = false;
      showError(e.message);
      $('login-join').disabled = false;
    }
  });
  document.body.dataset.ready = 'true';
}

// Keep a page logged in: after a lost connection, a new session logs in
// again and @rejoin(session) joins what the page needs (wire-format.md
// section 7, step 5: subscribe and fetch again); @onLost() is told first.
// Retries back off from 1 s to 30 s.
export function stayConnected(session, rejoin, onLost = () => {}) {
  let retryMs = 1000;
  const lost = (current) => {
    onLost();
    setStatus(`offline: connection lost, reconnecting in ${retryMs / 1000} s`, 'error');
    setTimeout(async () => {
      const next = current.renewed();
      next.onDisconnect = () => lost(next);
      try {
        await next.connect();
        await rejoin(next);
        retryMs = 1000;
      } catch {
        retryMs = Math.min(retryMs * 2, 30000);
        lost(next);
      }
    }, retryMs);
  };
  session.onDisconnect = () => lost(session);
}

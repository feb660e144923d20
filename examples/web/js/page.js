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

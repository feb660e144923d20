// The XMPP side of the pages, on Strophe.js over WebSocket (RFC 7395): log
// in, join the chat room (XEP-0045), follow the room's control node
// (XEP-0060) as docs/wire-format.md section 7 says, and publish to it.
import { Strophe, $build, $iq, $pres, $msg } from '../vendor/strophe.esm.js';

export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
export const NS_PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';
const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
const IQ_TIMEOUT_MS = 10000;
const NS_PING = 'urn:xmpp:ping';

// The control node of a chat room (wire-format.md, section 2).
export const controlNode = (room) => 'roomctl/' + room.toLowerCase();

// The first child element of @el named @name in @ns, or null.
export function child(el, name, ns) {
  for (const c of el?.children || []) if (c.localName === name && (!ns || c.namespaceURI === ns)) return c;
  return null;
}

// An Error for an error answer, with its condition ("forbidden", …) in
// .condition, or for no answer (@stanza null: "timeout").
function iqError(stanza, what) {
  const error = stanza ? child(stanza, 'error') : null;
  const condition = error ? [...error.children].find((c) => c.localName !== 'text') : null;
  const err = new Error(`${what}: ${condition ? condition.localName : 'no answer in time'}`);
  err.condition = condition ? condition.localName : 'timeout';
  return err;
}

export class Session {
  // @options: {websocket, jid, password, pubsub, keepaliveMs}: keepaliveMs
  // (default 30000) is how often the server is pinged (XEP-0199); no answer
  // within as long counts as a lost connection, which a browser does not
  // report by itself when the network goes away.
  constructor(options) {
    this.options = options;
    this.conn = new Strophe.Connection(options.websocket);
    this.connected = false; // logged in once: a later loss calls onDisconnect
    this.closing = false;   // disconnect() was called: not a loss
  }

  // A new session with the same account and callbacks, after a loss.
  renewed() {
    const session = new Session(this.options);
    session.onDisconnect = this.onDisconnect;
    return session;
  }

  get jid() {
    return this.conn.jid;
  }

  // Resolves once logged in; rejects with the reason otherwise.
  connect() {
    const S = Strophe.Status;
    return new Promise((resolve, reject) => {
      this.conn.connect(this.options.jid, this.options.password, (status, condition) => {
        if (status === S.CONNECTED) {
          this.connected = true;
          this.conn.send($pres());
          this.keepAlive(this.options.keepaliveMs || 30000);
          resolve();
        } else if (status === S.AUTHFAIL) {
          reject(new Error(`${this.options.jid}: wrong user name or password`));
        } else if (status === S.CONNFAIL || status === S.DISCONNECTED) {
          if (!this.connected)
            reject(new Error(`cannot connect to ${this.options.websocket}${condition ? ': ' + condition : ''}`));
          else if (!this.closing && this.onDisconnect)
            this.onDisconnect(condition);
          this.connected = false;
        }
      });
    });
  }

  // Unsubscribe from the rooms' control nodes (wire-format.md section 7,
  // step 6), then log out; nothing is waited for: the page is going away.
  leave(rooms) {
    for (const room of rooms)
      this.conn.send($iq({ type: 'set', to: this.options.pubsub }).c('pubsub', { xmlns: NS_PUBSUB })
        .c('unsubscribe', { node: controlNode(room), jid: this.jid }));
    this.conn.flush();
    this.disconnect();
  }

  disconnect() {
    this.closing = true;
    this.conn.disconnect();
  }

  keepAlive(periodMs) {
    this.conn.addTimedHandler(periodMs, () => {
      if (!this.connected) return false;
      this.conn.sendIQ($iq({ type: 'get', to: this.conn.domain }).c('ping', { xmlns: NS_PING }), null, (answer) => {
        // An error answer is an answer; only silence means the link is gone.
        if (answer || !this.connected || this.closing) return;
        this.connected = false;
        this.closing = true;
        this.conn.disconnect();
        if (this.onDisconnect) this.onDisconnect('no answer to a ping');
      }, periodMs);
      return true;
    });
  }

  iq(stanza, what) {
    return new Promise((resolve, reject) =>
      this.conn.sendIQ(stanza, resolve, (s) => reject(iqError(s, what)), IQ_TIMEOUT_MS));
  }

  // Join the chat room as @nick; @onMessage(nick, text, delayed) gets its
  // messages.  @options: {create, history}.  A room that does not exist yet
  // is created as an instant room only with create, since its creator
  // becomes the room's owner, which `roomctl room sync` makes a moderator;
  // otherwise the page leaves it and says so.  history: false asks for no
  // past messages (a rejoin already shows them).
  joinChat(room, nick, onMessage, { create = false, history = true } = {}) {
    this.conn.addHandler((m) => {
      const body = child(m, 'body');
      const from = m.getAttribute('from') || '';
      if (body && from.startsWith(room + '/'))
        onMessage(from.slice(room.length + 1), body.textContent, !!child(m, 'delay', 'urn:xmpp:delay'));
      return true;
    }, null, 'message', 'groupchat');
    return new Promise((resolve, reject) => {
      const me = `${room}/${nick}`;
      this.conn.addHandler((p) => {
        if (p.getAttribute('from') !== me) return true;
        if (p.getAttribute('type') === 'error') {
          reject(iqError(p, `cannot join ${room}`));
          return false;
        }
        const x = child(p, 'x', NS_MUC_USER);
        const codes = [...(x?.children || [])].filter((c) => c.localName === 'status').map((c) => c.getAttribute('code'));
        if (codes.includes('201') && !create) {
          this.conn.send($pres({ to: me, type: 'unavailable' }));
          reject(new Error(`chat room ${room} does not exist`));
          return false;
        }
        if (codes.includes('201'))
          this.iq($iq({ type: 'set', to: room }).c('query', { xmlns: NS_MUC_OWNER }).c('x', { xmlns: 'jabber:x:data', type: 'submit' }),
            `configure ${room}`).catch(() => {});
        resolve();
        return false;
      }, null, 'presence');
      const join = $pres({ to: me }).c('x', { xmlns: NS_MUC });
      if (!history) join.c('history', { maxstanzas: '0' });
      this.conn.send(join);
    });
  }

  sendChat(room, text) {
    this.conn.send($msg({ to: room, type: 'groupchat' }).c('body').t(text));
  }

  // Follow the room's control node, as wire-format.md section 7 says:
  // subscribe this full JID, then fetch the items; events are handed over
  // as they arrive.  @on: {item(itemElement, live), retract(id), purge(),
  // synced(ids)}: item gets the <item/>; synced gets the ids fetched, so
  // that keys retracted while away can be reset.
  async watchControl(room, on) {
    const node = controlNode(room);
    const service = this.options.pubsub;
    this.conn.addHandler((m) => {
      // Only the PubSub service sends events: anything else is forged.
      if (m.getAttribute('from') !== service) return true;
      const event = child(m, 'event', NS_PUBSUB_EVENT);
      for (const e of event?.children || []) {
        if (e.getAttribute('node') !== node) continue;
        if (e.localName === 'purge' || e.localName === 'delete') on.purge();
        if (e.localName !== 'items') continue;
        for (const i of e.children) {
          if (i.localName === 'item') on.item(i, true);
          else if (i.localName === 'retract') on.retract(i.getAttribute('id'));
        }
      }
      return true;
    }, NS_PUBSUB_EVENT, 'message');
    const what = `follow ${room}`;
    await this.iq($iq({ type: 'set', to: service }).c('pubsub', { xmlns: NS_PUBSUB })
      .c('subscribe', { node, jid: this.jid }), what);
    const answer = await this.iq($iq({ type: 'get', to: service }).c('pubsub', { xmlns: NS_PUBSUB })
      .c('items', { node }), what);
    const items = child(child(answer, 'pubsub', NS_PUBSUB), 'items');
    const fetched = [...(items?.children || [])].filter((i) => i.localName === 'item');
    for (const i of fetched) on.item(i, false);
    on.synced(fetched.map((i) => i.getAttribute('id')));
  }

  // Retract item @id of the room's node: subscribers reset that key.
  retract(room, id) {
    return this.iq($iq({ type: 'set', to: this.options.pubsub }).c('pubsub', { xmlns: NS_PUBSUB })
      .c('retract', { node: controlNode(room), notify: 'true' }).c('item', { id }),
    `retract ${id} of ${room}`);
  }

  // Remove every item of the room's node (the node's owner only).
  purge(room) {
    return this.iq($iq({ type: 'set', to: this.options.pubsub }).c('pubsub', { xmlns: NS_PUBSUB + '#owner' })
      .c('purge', { node: controlNode(room) }), `purge ${room}`);
  }

  // Publish @control (a plain tree, js/schemas.js) as item @id of the room's node.
  publish(room, id, control) {
    const payload = $build(control.name, { xmlns: control.ns, ...control.attrs });
    for (const c of control.children) payload.c(c.name).t(c.children.join('')).up();
    return this.iq($iq({ type: 'set', to: this.options.pubsub }).c('pubsub', { xmlns: NS_PUBSUB })
      .c('publish', { node: controlNode(room) }).c('item', { id }).cnode(payload.tree()),
    `publish to ${room}`);
  }
}

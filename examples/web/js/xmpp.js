// The XMPP side of the pages, on Strophe.js over WebSocket (RFC 7395): log
// in, join the chat room (XEP-0045), subscribe to the room's two nodes and
// fetch its state (XEP-0060, docs/wire-format.md sections 2 and 7), and
// publish to them.  What the items mean is js/follow.js's business.
import { Strophe, $build, $iq, $pres, $msg } from '../vendor/strophe.esm.js';

export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
export const NS_PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';
const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
const IQ_TIMEOUT_MS = 10000;
const NS_PING = 'urn:xmpp:ping';

// The nodes of a chat room (wire-format.md, section 2): the state node,
// fetched on joining, and the transient events node, never fetched.
export const controlNode = (room) => 'roomctl/' + room.toLowerCase();
export const eventsNode = (room) => 'roomctl-events/' + room.toLowerCase();

// The first child element of @el named @name in @ns, or null.
export function child(el, name, ns) {
  for (const c of el?.children || []) if (c.localName === name && (!ns || c.namespaceURI === ns)) return c;
  return null;
}

// An Error for an error answer, with its condition ("forbidden", …) in
// .condition, or for no answer (@stanza null: "timeout"); .text is the
// error's <text/> and .element the <error/> itself (where the gate puts its
// <failure code=…/>, wire-format.md section 11.3), when there are.
function iqError(stanza, what) {
  const error = stanza ? child(stanza, 'error') : null;
  const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
  const condition = error ? [...error.children].find((c) => c.namespaceURI === NS_STANZAS && c.localName !== 'text') : null;
  const err = new Error(`${what}: ${condition ? condition.localName : 'no answer in time'}`);
  err.condition = condition ? condition.localName : 'timeout';
  err.text = error ? child(error, 'text', NS_STANZAS)?.textContent : undefined;
  err.element = error;
  return err;
}

// The <control/> element of a plain tree (js/schemas.js).
export function buildControl(control) {
  const payload = $build(control.name, { xmlns: control.ns, ...control.attrs });
  for (const c of control.children) payload.c(c.name).t(c.children.join('')).up();
  return payload.tree();
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

  // Unsubscribe from the rooms' nodes (wire-format.md section 7, step 6),
  // then log out; nothing is waited for: the page is going away.
  leave(rooms) {
    for (const room of rooms)
      for (const node of [controlNode(room), eventsNode(room)])
        this.conn.send($iq({ type: 'set', to: this.options.pubsub }).c('pubsub', { xmlns: NS_PUBSUB })
          .c('unsubscribe', { node, jid: this.jid }));
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

  // Join the chat room as @nick; resolves with this occupant's role
  // ("moderator", "participant", …).  @onMessage(nick, text, delayed) gets its
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
        resolve(child(x, 'item')?.getAttribute('role') || '');
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

  // Follow the room's nodes, as wire-format.md section 7 says: subscribe
  // this full JID to both, then fetch the state node; the events node is
  // never fetched (Prosody refuses to: it keeps nothing).  @on gets what
  // arrives, as DOM elements, with which node it came from (events: true
  // for the events node): item(<item/>, {live, events}), retract(<retract/>),
  // purge() for a purge or deletion of the state node, and synced(fetched
  // <item/>s) once the fetch answered.  Notifications of the events node
  // other than items say nothing about the state and are not handed on.
  async watchControl(room, on) {
    const node = controlNode(room);
    const events = eventsNode(room);
    const service = this.options.pubsub;
    this.conn.addHandler((m) => {
      // Only the PubSub service sends events: anything else is forged.
      if (m.getAttribute('from') !== service) return true;
      const event = child(m, 'event', NS_PUBSUB_EVENT);
      for (const e of event?.children || []) {
        const from = e.getAttribute('node');
        if (from === events) {
          if (e.localName === 'items')
            for (const i of e.children) if (i.localName === 'item') on.item(i, { live: true, events: true });
          continue;
        }
        if (from !== node) continue;
        if (e.localName === 'purge' || e.localName === 'delete') on.purge();
        if (e.localName !== 'items') continue;
        for (const i of e.children) {
          if (i.localName === 'item') on.item(i, { live: true, events: false });
          else if (i.localName === 'retract') on.retract(i);
        }
      }
      return true;
    }, NS_PUBSUB_EVENT, 'message');
    const what = `follow ${room}`;
    const subscribe = (n) => $iq({ type: 'set', to: service }).c('pubsub', { xmlns: NS_PUBSUB }).c('subscribe', { node: n, jid: this.jid });
    await this.iq(subscribe(node), what);
    await this.iq(subscribe(events), what).catch((e) => {
      if (e.condition !== 'item-not-found') throw e;
      console.warn(`roomctl: ${room} has no events node (made by an older roomctl): events are not shown until \`roomctl room create ${room}\` adds it`);
    });
    const answer = await this.iq($iq({ type: 'get', to: service }).c('pubsub', { xmlns: NS_PUBSUB })
      .c('items', { node }), what);
    const items = child(child(answer, 'pubsub', NS_PUBSUB), 'items');
    on.synced([...(items?.children || [])].filter((i) => i.localName === 'item'));
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

  // Publish @control (a plain tree, js/schemas.js) as item @id of the
  // room's @node (default: the state node; events go to eventsNode(room)).
  publish(room, id, control, node = controlNode(room)) {
    return this.iq($iq({ type: 'set', to: this.options.pubsub }).c('pubsub', { xmlns: NS_PUBSUB })
      .c('publish', { node }).c('item', { id }).cnode(buildControl(control)),
    `publish to ${room}`);
  }
}

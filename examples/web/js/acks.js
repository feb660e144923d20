// A page's reports to the room's gate (docs/wire-format.md section 12), as
// roomctl-agent makes them: who it is and what it handles (12.1, a directed
// presence, so the server tells the gate when the page goes away) and what
// it did with each item (12.2), so that moderators count browsers in their
// summaries and see them in `roomctl status`.
import { $msg, $pres } from '../vendor/strophe.esm.js';

const NS_ACK = 'urn:roomctl:ack:0';
const REANNOUNCE_MS = 10 * 60 * 1000; // so that a restarted gate learns the page
const MAX_DROPS = 4096;

export class Reporter {
  // @gate: the gate's JID; @room: the room's bare JID; @registry: the
  // export; @handled: the types the page has a handler for; @client:
  // {name, version} announced as the page's one "plugin".
  constructor(gate, room, registry, handled, client) {
    Object.assign(this, { gate: gate.toLowerCase(), room, registry, handled: new Set(handled), client });
    this.synced = false;
    this.drops = new Map(); // item id -> the reason reported: a rejoin drops it again
    this.pending = [];
    this.timer = null;
  }

  // Report through @session (a new one after a reconnection): listen for the
  // gate's <announce/> (it restarted) and announce now.
  attach(session) {
    this.session = session;
    session.conn.addHandler((m) => {
      if ((m.getAttribute('from') || '').toLowerCase() === this.gate &&
          [...m.children].some((c) => c.localName === 'announce' && c.namespaceURI === NS_ACK))
        this.announce();
      return true;
    }, NS_ACK, 'message');
    session.conn.addTimedHandler(REANNOUNCE_MS, () => {
      this.announce();
      return true;
    });
    this.announce();
  }

  // The presence of 12.1: the room (in sync or not), the types the page
  // handles with the versions it has schemas for.
  announce() {
    if (!this.session?.connected) return;
    const client = $pres({ to: this.gate }).c('client', { xmlns: NS_ACK })
      .c('room', { jid: this.room, synced: String(this.synced) }).up();
    for (const type of [...this.handled].sort()) {
      const versions = this.registry.byType.get(type)?.map((s) => s.version) || [];
      if (versions.length) client.c('handles', { type, versions: versions.join(' ') }).up();
    }
    client.c('plugin', { name: this.client.name, version: this.client.version });
    this.session.conn.send(client);
  }

  setSynced(synced) {
    if (this.synced === synced) return;
    this.synced = synced;
    this.announce();
  }

  // Acknowledgements made while the page handles one stanza leave in one
  // message: a join that applies the whole state sends one stanza.
  queue(attrs, text) {
    this.pending.push([{ room: this.room, ...attrs }, text]);
    if (!this.timer) this.timer = setTimeout(() => this.flush(), 0);
  }

  flush() {
    this.timer = null;
    const acks = this.pending.splice(0);
    if (!acks.length || !this.session?.connected) return;
    const message = $msg({ to: this.gate });
    for (const [attrs, text] of acks) {
      message.c('ack', { xmlns: NS_ACK, ...attrs });
      if (text) message.t(text);
      message.up();
    }
    this.session.conn.send(message);
  }

  // An item the page applied: 'applied' when it has a handler for its type,
  // else 'unsupported'.
  applied(item) {
    if (this.handled.has(item.type)) this.queue({ item: item.id, result: 'applied' });
    else this.queue({ item: item.id, result: 'unsupported' }, `this page does not handle ${item.type}`);
  }

  // An item the page dropped (js/follow.js's dropped()): a forgery is not
  // the gate's item and is not reported; the same drop again (a rejoin
  // fetches it again) neither.
  dropped(id, reason, why) {
    if (why === 'forged' || !id || this.drops.get(id) === reason) return;
    if (this.drops.size >= MAX_DROPS) this.drops.clear();
    this.drops.set(id, reason);
    this.queue({ item: id, result: why === 'unknown' ? 'unsupported' : 'dropped' }, reason);
  }

  retracted(id) {
    this.queue({ op: 'retract', item: id, result: 'applied' });
  }

  // A purge or deletion: what was dropped is gone, an item of the same id is new.
  purged() {
    this.drops.clear();
    this.queue({ op: 'purge', result: 'applied' });
  }
}

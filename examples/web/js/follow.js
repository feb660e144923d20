// What a page holds of a room's control items, by docs/wire-format.md's
// rules: the state node's items by key (section 7), one rule for a key
// whatever the path (5.1: an item this page cannot apply resets the key),
// the events node live only and never state (2), and under a gate only the
// gate's items (11.5).  Both pages follow a room through it.  It reads
// elements through the few DOM calls Node's tests can fake (no XMPP here).
import { plainTree } from './schemas.js';

export class RoomFollower {
  // @registry: js/schemas.js's Registry; @gate: the room's gate JID (its
  // items only), or '' for none; @on: {apply(item), reset(item, byPurge),
  // purged(), event(item), dropped(id, reason, why), synced()} — apply gets
  // a state item that changed a key, reset the item a key held before it was
  // reset (byPurge: by a purge or deletion, after which purged() is
  // called), event a live event item; dropped's @why is 'invalid',
  // 'unknown' (a type or version without a schema here) or 'forged' (not
  // from the gate).  All but apply are optional.
  constructor(registry, gate, on) {
    this.registry = registry;
    this.gate = (gate || '').toLowerCase();
    this.on = on;
    this.state = new Map(); // item id -> {item, xml}: what the page holds
    this.toldNoPublisher = false;
  }

  // Why an <item/> or <retract/> from @element's publisher is not taken, or
  // null.  Without a publisher attribute nothing can be checked (the server
  // does not name publishers): said once, and the node's affiliations alone
  // protect the page, as for roomctl-agent.
  refusedPublisher(element, what) {
    if (!this.gate) return null;
    const publisher = element.getAttribute('publisher');
    if (!publisher) {
      if (!this.toldNoPublisher)
        console.warn(`roomctl: the server does not name the publishers of items (Prosody: expose_publisher = true): cannot check that they come from the gate ${this.gate}`);
      this.toldNoPublisher = true;
      return null;
    }
    const who = publisher.split('/')[0].toLowerCase();
    if (who === this.gate) return null;
    return what === 'item' ? `publisher ${who} is not the gate ${this.gate}` : `${what} by ${who}, who is not the gate ${this.gate}`;
  }

  drop(id, reason, why) {
    console.warn(`roomctl: ignored item ${id || '(no id)'}: ${reason}`);
    this.on.dropped?.(id, reason, why);
  }

  // The item of @element when this page may apply it; else null, dropped.
  // @events: it came from the events node, where ids are not state keys.
  check(element, events) {
    const id = element.getAttribute('id');
    const refused = this.refusedPublisher(element, 'item');
    if (refused) return this.drop(id, refused, 'forged'), null;
    const result = this.registry.validateItem(element, !events);
    if (result.error) return this.drop(id, result.error, result.unknown ? 'unknown' : 'invalid'), null;
    if (events && result.item.kind === 'state')
      return this.drop(id, `${result.item.type} is state, published to the room's events node`, 'invalid'), null;
    return result.item;
  }

  // An <item/> of either node (xmpp.js Session.watchControl's item()).
  item(element, { live, events }) {
    const id = element.getAttribute('id');
    const item = this.check(element, events);
    if (events) {
      // Live, never state: the events node holds no key to reset.
      if (item) this.on.event?.(item);
      return;
    }
    if (!item) return this.reset(id); // the rule of 5.1
    if (item.kind === 'event') {
      // An older publisher's event on the state node: live only, never
      // from the node's history.
      if (live) this.on.event?.(item);
      return;
    }
    const xml = JSON.stringify(plainTree(element.children[0])); // its one <control/>
    if (this.state.get(id)?.xml === xml) return; // the same item, already applied
    this.state.set(id, { item, xml });
    this.on.apply(item);
  }

  // The key @id holds nothing any more.
  reset(id, byPurge = false) {
    const held = this.state.get(id);
    if (!held) return;
    this.state.delete(id);
    this.on.reset?.(held.item, byPurge);
  }

  // A <retract/> of the state node: under a gate, only the gate's.
  retract(element) {
    const id = element.getAttribute('id');
    const refused = this.refusedPublisher(element, 'retraction');
    if (refused) return this.drop(id, refused, 'forged');
    this.reset(id);
  }

  purge() {
    for (const id of [...this.state.keys()]) this.reset(id, true);
    this.on.purged?.();
  }

  // The fetch of a join or rejoin answered with @items: each is taken by
  // the same rule as a live one, and a key the node no longer has (retracted
  // while the page was away) is reset (section 7, step 5).
  synced(items) {
    const ids = new Set(items.map((i) => i.getAttribute('id')));
    for (const element of items) this.item(element, { live: false, events: false });
    for (const id of [...this.state.keys()]) if (!ids.has(id)) this.reset(id);
    this.on.synced?.();
  }

  // The items held, as the registry validated them.
  items() {
    return [...this.state.values()].map((held) => held.item);
  }

  // What Session.watchControl() calls.
  handlers() {
    return {
      item: (element, where) => this.item(element, where),
      retract: (element) => this.retract(element),
      purge: () => this.purge(),
      synced: (items) => this.synced(items),
    };
  }
}

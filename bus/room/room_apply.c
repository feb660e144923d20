/* Applying items to a room client: decoding and checking each item, the
 * state rule (docs/wire-format.md 5.1), retractions, purges, a deleted
 * node, and the room's events node.  room.c feeds it, live or from a join. */
#include "room_private.h"

#include <string.h>

#include "ack_client.h"
#include "codec.h"
#include "log.h"
#include "room_acl.h"

/* ---- Applying items ------------------------------------------------------------ */

void rc_room_drop(roomctl_room *room, const char *item_id, const GError *why)
{
    room->stats.dropped++;
    rc_warn("room", "%s: ignored item %s: %s", room->jid, item_id ? item_id : "(no id)",
            why->message);
    rc_ack_dropped(room->bus, room->jid, item_id, why);
    if (room->cb.dropped)
        room->cb.dropped(room, item_id, why, room->user_data);
}

/* Decode a PubSub <item/>; NULL (after rc_room_drop()) when it is not a valid item. */
roomctl_item *rc_room_decode(roomctl_room *room, xmpp_stanza_t *it, gboolean replay)
{
    const char *id = xmpp_stanza_get_id(it);
    xmpp_stanza_t *control = xmpp_stanza_get_child_by_name_and_ns(it, "control", ROOMCTL_NS);
    g_autoptr(GError) why = NULL;
    roomctl_item *item = NULL;
    if (!control)
        why = g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_INVALID_ITEM,
                          "no <control xmlns='%s'/> payload", ROOMCTL_NS);
    else if (!(why = rc_acl_check_item(room->bus, room->jid, it))) /* size, publisher: room_acl.c */
        item = rc_item_decode_stanza(room->bus->registry, control, id, &why);
    if (!item) {
        rc_room_drop(room, id, why);
        return NULL;
    }
    const char *by = xmpp_stanza_get_attribute(it, "publisher");
    g_autofree char *publisher = by ? g_strndup(by, strcspn(by, "/")) : NULL;
    rc_item_set_origin(item, room->jid, publisher, replay);
    return item;
}

void rc_room_deliver(roomctl_room *room, roomctl_item *item)
{
    if (roomctl_item_is_replay(item))
        room->stats.replayed++;
    else
        room->stats.applied++;
    if (room->cb.item)
        room->cb.item(room, item, room->user_data);
}

/* Apply a state item unless the same item is already applied.  Takes @item. */
void rc_room_apply_state(roomctl_room *room, roomctl_item *item)
{
    const char *id = roomctl_item_id(item);
    roomctl_item *current = g_hash_table_lookup(room->state, id);
    if (current && rc_item_equal(current, item)) {
        room->stats.unchanged++;
        roomctl_item_unref(item);
        return;
    }
    g_hash_table_replace(room->state, g_strdup(id), item);
    rc_room_deliver(room, item);
}

/* The one rule for a key, live, on join, on reconnect and after a restart
 * (docs/wire-format.md, 5.1): a key holds the node's current item for it
 * when that item is valid here, else nothing.  So an item that cannot be
 * applied (invalid, unknown version) resets the key it replaces. */
void rc_room_apply_item(roomctl_room *room, xmpp_stanza_t *it, gboolean replay)
{
    roomctl_item *item = rc_room_decode(room, it, replay);
    if (!item) {
        rc_room_reset_key(room, xmpp_stanza_get_id(it));
        return;
    }
    if (roomctl_item_is_state(item)) {
        rc_room_apply_state(room, item);
    } else if (!replay) {
        rc_room_deliver(room, item);
        roomctl_item_unref(item);
    } else {
        /* A past event is not state: a joiner does not see it again. */
        roomctl_item_unref(item);
    }
}

void rc_room_reset_key(roomctl_room *room, const char *item_id)
{
    roomctl_item *current = item_id ? g_hash_table_lookup(room->state, item_id) : NULL;
    if (!current)
        return;
    g_autofree char *type = g_strdup(roomctl_item_type(current));
    g_autofree char *id = g_strdup(item_id);
    g_hash_table_remove(room->state, item_id);
    room->stats.resets++;
    if (room->cb.reset)
        room->cb.reset(room, type, id, room->user_data);
    if (joined(room))
        rc_ack_op(room->bus, room->jid, RC_GATE_RETRACT, id);
}

static void purge_all(roomctl_room *room)
{
    g_hash_table_remove_all(room->state);
    room->stats.purges++;
    if (room->cb.purge)
        room->cb.purge(room, room->user_data);
    if (joined(room))
        rc_ack_op(room->bus, room->jid, RC_GATE_PURGE, NULL);
}

void rc_room_node_deleted(roomctl_room *room)
{
    g_hash_table_remove_all(room->state);
    room->phase = RC_ROOM_GONE;
    rc_warn("room", "%s: the room's roomctl node was deleted", room->jid);
    if (room->cb.deleted)
        room->cb.deleted(room, room->user_data);
    if (joined(room))
        rc_ack_op(room->bus, room->jid, RC_GATE_PURGE, NULL);
}

/* A retraction goes through the same publisher check as an item: a
 * non-moderator who may not publish may not reset a key either. */
static void retract_checked(roomctl_room *room, xmpp_stanza_t *retract)
{
    g_autoptr(GError) why = rc_acl_check_retract(room->bus, room->jid, retract);
    if (why)
        rc_room_drop(room, xmpp_stanza_get_id(retract), why);
    else
        rc_room_reset_key(room, xmpp_stanza_get_id(retract));
}

/* Whether @c (a child of <event/>) is about the room's events node. */
gboolean rc_room_on_events_node(const roomctl_room *room, xmpp_stanza_t *c)
{
    const char *node = xmpp_stanza_get_attribute(c, "node");
    return node && g_str_equal(node, room->events_node);
}

/* Items of the events node: delivered live, never state.  Its retractions,
 * purge and deletion say nothing about the room's state. */
void rc_room_deliver_events(roomctl_room *room, xmpp_stanza_t *items)
{
    for (xmpp_stanza_t *it = xmpp_stanza_get_children(items); it && joined(room);
         it = xmpp_stanza_get_next(it)) {
        const char *kind = xmpp_stanza_get_name(it);
        roomctl_item *item = kind && g_str_equal(kind, "item") ? rc_room_decode(room, it, FALSE) : NULL;
        if (item && roomctl_item_is_state(item)) {
            g_autoptr(GError) why = g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_INVALID_ITEM,
                                                "%s is state, published to the room's events "
                                                "node", roomctl_item_type(item));
            rc_room_drop(room, roomctl_item_id(item), why);
        } else if (item) {
            rc_room_deliver(room, item);
        }
        if (item)
            roomctl_item_unref(item);
    }
}

/* A live <event/> of this room's nodes. */
void rc_room_apply_event(roomctl_room *room, xmpp_stanza_t *event)
{
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(event); c && joined(room);
         c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_get_name(c);
        if (!name)
            continue;
        if (rc_room_on_events_node(room, c)) {
            if (g_str_equal(name, "items"))
                rc_room_deliver_events(room, c);
        } else if (g_str_equal(name, "items")) {
            for (xmpp_stanza_t *it = xmpp_stanza_get_children(c); it && joined(room);
                 it = xmpp_stanza_get_next(it)) {
                const char *kind = xmpp_stanza_get_name(it);
                if (kind && g_str_equal(kind, "item"))
                    rc_room_apply_item(room, it, FALSE);
                else if (kind && g_str_equal(kind, "retract"))
                    retract_checked(room, it);
            }
        } else if (g_str_equal(name, "purge")) {
            purge_all(room);
        } else if (g_str_equal(name, "delete")) {
            rc_room_node_deleted(room);
        }
    }
}


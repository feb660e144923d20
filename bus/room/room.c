/* Room clients: join (subscribe, fetch, apply state), live events, leave.
 *
 * While the fetch of a join is under way, live events are kept and looked
 * at once the fetched state is applied.  A server sends a subscriber's
 * events and the answer to its fetch in one stream, in order, so the fetched
 * state already holds every buffered state change: buffered state items are
 * applied only when they differ from it (a server that reorders), buffered
 * retractions and purges are already in it, and buffered event items are
 * delivered as live. */
#include "room_private.h"

#include <string.h>

#include "ack_client.h"
#include "codec.h"
#include "log.h"
#include "room_acl.h"

static void release_stanza(gpointer stanza)
{
    xmpp_stanza_release(stanza);
}

static roomctl_room *room_ref(roomctl_room *room)
{
    g_atomic_int_inc(&room->ref);
    return room;
}

static void room_unref(roomctl_room *room)
{
    if (!g_atomic_int_dec_and_test(&room->ref))
        return;
    g_hash_table_unref(room->state);
    g_ptr_array_unref(room->buffer);
    g_free(room->jid);
    g_free(room->node);
    g_free(room->events_node);
    g_free(room);
}

const char *roomctl_room_jid(const roomctl_room *room) { return room->jid; }
gboolean roomctl_room_is_synced(const roomctl_room *room) { return room->phase == RC_ROOM_SYNCED; }
void roomctl_room_get_stats(const roomctl_room *room, roomctl_room_stats *out) { *out = room->stats; }

GPtrArray *roomctl_room_state(const roomctl_room *room)
{
    GPtrArray *out = g_ptr_array_new_full(g_hash_table_size(room->state),
                                          (GDestroyNotify)roomctl_item_unref);
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, room->state);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(out, (gpointer)roomctl_item_ref(value));
    return out;
}

/* ---- Joining ------------------------------------------------------------------- */

typedef struct {
    roomctl_room *room;
    guint attempt;
} rc_join;

static rc_join *join_new(roomctl_room *room)
{
    rc_join *j = g_new(rc_join, 1);
    j->room = room_ref(room);
    j->attempt = room->attempt;
    return j;
}

/* The room, or NULL when it was left or rejoined since @j was sent. */
static roomctl_room *join_end(rc_join *j)
{
    roomctl_room *room = j->room;
    gboolean current = joined(room) && room->attempt == j->attempt && room->phase == RC_ROOM_JOINING;
    room_unref(room); /* the bus's list still holds it when current */
    g_free(j);
    return current ? room : NULL;
}

/* Tell the client a join's outcome begins or ends (roomctl_room_callbacks). */
static void batch(roomctl_room *room, gboolean begins)
{
    if (room->cb.batch && (begins || joined(room) || !room->free_user_data))
        room->cb.batch(room, begins, room->user_data);
}

static void sync_failed(roomctl_room *room, const GError *error)
{
    if (room->reconciling) {
        /* The state is as good as before the attempt; the next one retries. */
        room->reconciling = FALSE;
        room->phase = RC_ROOM_SYNCED;
        rc_warn("room", "%s: cannot reconcile with the node: %s", room->jid, error->message);
        return;
    }
    room->phase = RC_ROOM_IDLE;
    g_ptr_array_set_size(room->buffer, 0);
    /* A synced() callback gets the error and says it: said once, not twice. */
    rc_log(room->cb.synced ? ROOMCTL_LOG_DEBUG : ROOMCTL_LOG_WARNING, "room",
           "%s: cannot join: %s", room->jid, error->message);
    if (!room->cb.synced)
        return;
    room_ref(room);
    batch(room, TRUE); /* synced() may reset every key */
    room->cb.synced(room, error, room->user_data);
    batch(room, FALSE);
    room_unref(room);
}

/* Look at what arrived during the fetch (see the top of this file). */
static void apply_buffer(roomctl_room *room)
{
    g_autoptr(GPtrArray) buffer = room->buffer;
    room->buffer = g_ptr_array_new_with_free_func(release_stanza);
    g_autoptr(GHashTable) last = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) order = g_ptr_array_new();
    for (guint i = 0; i < buffer->len && joined(room); i++) {
        xmpp_stanza_t *event = g_ptr_array_index(buffer, i);
        for (xmpp_stanza_t *c = xmpp_stanza_get_children(event); c && joined(room);
             c = xmpp_stanza_get_next(c)) {
            const char *name = xmpp_stanza_get_name(c);
            if (rc_room_on_events_node(room, c)) {
                if (name && g_str_equal(name, "items"))
                    rc_room_deliver_events(room, c);
                continue;
            }
            if (name && g_str_equal(name, "delete")) {
                rc_room_node_deleted(room);
                return;
            }
            if (!name || !g_str_equal(name, "items"))
                continue;
            for (xmpp_stanza_t *it = xmpp_stanza_get_children(c); it; it = xmpp_stanza_get_next(it)) {
                const char *kind = xmpp_stanza_get_name(it);
                const char *id = xmpp_stanza_get_id(it);
                if (!kind || !g_str_equal(kind, "item") || !id)
                    continue;
                if (!g_hash_table_contains(last, id))
                    g_ptr_array_add(order, (gpointer)id);
                g_hash_table_insert(last, (gpointer)id, it);
            }
        }
    }
    for (guint i = 0; i < order->len && joined(room); i++) {
        xmpp_stanza_t *it = g_hash_table_lookup(last, g_ptr_array_index(order, i));
        roomctl_item *item = rc_room_decode(room, it, FALSE);
        if (!item) {
            rc_room_reset_key(room, xmpp_stanza_get_id(it)); /* the rule of rc_room_apply_item() */
            continue;
        }
        if (roomctl_item_is_state(item))
            rc_room_apply_state(room, item);
        else {
            rc_room_deliver(room, item);
            roomctl_item_unref(item);
        }
    }
}

static void on_fetched(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error, void *data)
{
    roomctl_room *room = join_end(data);
    if (!room)
        return;
    if (!reply) {
        sync_failed(room, error);
        return;
    }
    rc_room_apply_fetch(room, reply);
}

void rc_room_apply_fetch(roomctl_room *room, xmpp_stanza_t *reply)
{
    room_ref(room); /* callbacks may leave the room */
    batch(room, TRUE);
    guint64 changes_before = room->stats.replayed + room->stats.resets;
    xmpp_stanza_t *items = rc_pubsub_answer(reply, RC_NS_PUBSUB, "items");
    g_autoptr(GHashTable) fetched = g_hash_table_new(g_str_hash, g_str_equal);
    for (xmpp_stanza_t *it = items ? xmpp_stanza_get_children(items) : NULL; it && joined(room);
         it = xmpp_stanza_get_next(it)) {
        const char *name = xmpp_stanza_get_name(it);
        if (!name || !g_str_equal(name, "item"))
            continue;
        if (xmpp_stanza_get_id(it))
            g_hash_table_add(fetched, (gpointer)xmpp_stanza_get_id(it));
        rc_room_apply_item(room, it, TRUE);
    }
    /* After a reconnect: keys retracted while we were away. */
    GList *known = g_hash_table_get_keys(room->state);
    for (GList *l = known; l && joined(room); l = l->next)
        if (!g_hash_table_contains(fetched, l->data))
            rc_room_reset_key(room, l->data);
    g_list_free(known);
    if (joined(room))
        apply_buffer(room);
    if (joined(room) && room->phase == RC_ROOM_JOINING && room->reconciling) {
        room->reconciling = FALSE;
        room->phase = RC_ROOM_SYNCED;
        guint64 changes = room->stats.replayed + room->stats.resets - changes_before;
        if (changes)
            rc_info("room", "%s: reconciled with the node: %" G_GUINT64_FORMAT
                    " items changed or reset (events missed)", room->jid, changes);
    } else if (joined(room) && room->phase == RC_ROOM_JOINING) {
        room->phase = RC_ROOM_SYNCED;
        room->stats.syncs++;
        room->stats.last_sync = g_get_real_time();
        rc_info("room", "%s: joined, %u state items", room->jid, g_hash_table_size(room->state));
        rc_ack_announce_soon(room->bus);
        if (room->cb.synced)
            room->cb.synced(room, NULL, room->user_data);
    }
    batch(room, FALSE);
    room_unref(room);
}

/* The events node is subscribed, never fetched: what it delivers is live. */
static void on_events_subscribed(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error,
                                 void *data)
{
    roomctl_room *room = join_end(data);
    if (!room)
        return;
    if (!reply && !g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND)) {
        sync_failed(room, error);
        return;
    }
    if (!reply)
        rc_warn("room", "%s: the room has no events node (made by an older roomctl): "
                "events are not delivered until `roomctl room create %s` adds it",
                room->jid, room->jid);
    rc_bus_request(bus, rc_pubsub_items(rc_bus_ctx(bus), bus->pubsub_service, room->node),
                   RC_OP_FETCH, room->jid, NULL, on_fetched, join_new(room));
}

static void on_subscribed(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error,
                          void *data)
{
    roomctl_room *room = join_end(data);
    if (!room)
        return;
    if (!reply) {
        sync_failed(room, error);
        return;
    }
    rc_bus_request(bus, rc_pubsub_subscribe(rc_bus_ctx(bus), bus->pubsub_service,
                                            room->events_node, roomctl_bus_jid(bus)),
                   RC_OP_SUBSCRIBE, room->jid, NULL, on_events_subscribed, join_new(room));
}

gboolean roomctl_room_reconcile(roomctl_room *room)
{
    roomctl_bus *bus = room->bus;
    if (!bus || room->phase != RC_ROOM_SYNCED || !roomctl_bus_is_connected(bus))
        return FALSE;
    /* A join without the subscribe: live events meanwhile are buffered and
     * looked at after the fetch, exactly as for a join. */
    room->phase = RC_ROOM_JOINING;
    room->reconciling = TRUE;
    room->attempt++;
    g_ptr_array_set_size(room->buffer, 0);
    rc_bus_request(bus, rc_pubsub_items(rc_bus_ctx(bus), bus->pubsub_service, room->node),
                   RC_OP_FETCH, room->jid, NULL, on_fetched, join_new(room));
    return TRUE;
}

void rc_room_begin_join(roomctl_room *room)
{
    room->reconciling = FALSE;
    room->phase = RC_ROOM_JOINING;
    room->attempt++;
    g_ptr_array_set_size(room->buffer, 0);
}

void rc_room_start(roomctl_room *room)
{
    roomctl_bus *bus = room->bus;
    if (!bus || !roomctl_bus_is_connected(bus))
        return;
    rc_room_begin_join(room);
    rc_ack_announce_soon(bus);
    /* The full JID: a client without presence still gets events. */
    rc_bus_request(bus, rc_pubsub_subscribe(rc_bus_ctx(bus), bus->pubsub_service, room->node,
                                            roomctl_bus_jid(bus)),
                   RC_OP_SUBSCRIBE, room->jid, NULL, on_subscribed, join_new(room));
}

void rc_room_connection_lost(roomctl_room *room)
{
    room->reconciling = FALSE;
    if (room->phase == RC_ROOM_SYNCED)
        room->phase = RC_ROOM_STALE;
    else if (room->phase != RC_ROOM_GONE && room->phase != RC_ROOM_STALE)
        room->phase = RC_ROOM_IDLE;
    room->attempt++;
    g_ptr_array_set_size(room->buffer, 0);
}

void rc_room_resume(roomctl_room *room)
{
    if (room->phase != RC_ROOM_STALE) {
        rc_room_start(room);
        return;
    }
    room->phase = RC_ROOM_SYNCED;
    rc_info("room", "%s: session resumed, %u state items kept", room->jid,
            g_hash_table_size(room->state));
}

/* ---- Events --------------------------------------------------------------------- */

static gboolean same_jid(const char *a, const char *b)
{
    return a && b && g_ascii_strcasecmp(a, b) == 0;
}

void rc_room_handle_event(roomctl_bus *bus, xmpp_stanza_t *message)
{
    const char *type = xmpp_stanza_get_type(message);
    xmpp_stanza_t *event = xmpp_stanza_get_child_by_name_and_ns(message, "event", RC_NS_PUBSUB_EVENT);
    if (!event || (type && g_str_equal(type, "error")))
        return;
    xmpp_stanza_t *first = xmpp_stanza_get_children(event);
    const char *node = first ? xmpp_stanza_get_attribute(first, "node") : NULL;
    if (!node)
        return;
    const char *from = xmpp_stanza_get_from(message);
    gboolean trusted = same_jid(from, bus->pubsub_service);
    /* Copy the matching rooms (callbacks may leave rooms): nearly always
     * one, so on the stack, with no allocation per event. */
    roomctl_room *local[4], **rooms = local;
    guint n = 0;
    for (guint i = 0; i < bus->rooms->len; i++) {
        roomctl_room *room = g_ptr_array_index(bus->rooms, i);
        if (!g_str_equal(room->node, node) && !g_str_equal(room->events_node, node))
            continue;
        if (n == G_N_ELEMENTS(local) && rooms == local)
            rooms = g_memdup2(local, sizeof local);
        if (n >= G_N_ELEMENTS(local))
            rooms = g_renew(roomctl_room *, rooms, n + 1);
        rooms[n++] = room_ref(room);
    }
    for (guint i = 0; i < n; i++) {
        roomctl_room *room = rooms[i];
        if (!joined(room)) /* left by a callback for an earlier room */
            continue;
        if (!trusted) {
            g_autoptr(GError) why = g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_FORGED,
                                                "event from %s, not from the PubSub service %s",
                                                from ? from : "(no sender)", bus->pubsub_service);
            rc_room_drop(room, NULL, why);
        } else if (room->phase == RC_ROOM_JOINING) {
            g_ptr_array_add(room->buffer, xmpp_stanza_copy(event));
        } else if (room->phase == RC_ROOM_SYNCED || room->phase == RC_ROOM_STALE) {
            rc_room_apply_event(room, event);
        }
    }
    for (guint i = 0; i < n; i++)
        room_unref(rooms[i]);
    if (rooms != local)
        g_free(rooms);
}

/* ---- Join and leave ---------------------------------------------------------------- */

/* What the bus calls on its rooms (bus_private.h): handed over by the first join. */
static const rc_room_ops room_ops = {
    .start = rc_room_start,
    .connection_lost = rc_room_connection_lost,
    .resume = rc_room_resume,
    .handle_event = rc_room_handle_event,
    .detach = rc_room_detach,
    .reconcile = roomctl_room_reconcile,
    .jid = roomctl_room_jid,
    .is_synced = roomctl_room_is_synced,
};

roomctl_room *roomctl_bus_join(roomctl_bus *bus, const char *room_jid,
                               const roomctl_room_callbacks *callbacks,
                               void *user_data, GDestroyNotify free_user_data)
{
    roomctl_room *room = g_new0(roomctl_room, 1);
    room->ref = 1;
    room->bus = bus;
    room->jid = g_strndup(room_jid, strcspn(room_jid, "/"));
    room->node = roomctl_room_node_name(room_jid);
    room->events_node = roomctl_room_events_node_name(room_jid);
    if (callbacks)
        room->cb = *callbacks;
    room->user_data = user_data;
    room->free_user_data = free_user_data;
    room->state = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify)roomctl_item_unref);
    room->buffer = g_ptr_array_new_with_free_func(release_stanza);
    g_ptr_array_add(bus->rooms, room);
    bus->room_ops = &room_ops;
    rc_room_start(room);
    return room;
}

void rc_room_detach(roomctl_room *room)
{
    roomctl_bus *bus = room->bus;
    if (!bus)
        return;
    room->bus = NULL;
    room->phase = RC_ROOM_GONE;
    g_ptr_array_remove(bus->rooms, room);
    if (room->free_user_data)
        room->free_user_data(room->user_data);
    room->free_user_data = NULL;
    room_unref(room);
}

void roomctl_room_leave(roomctl_room *room)
{
    roomctl_bus *bus = room->bus;
    if (!bus)
        return;
    if (roomctl_bus_is_connected(bus)) {
        rc_bus_send(bus, rc_pubsub_unsubscribe(rc_bus_ctx(bus), bus->pubsub_service, room->node,
                                               roomctl_bus_jid(bus)));
        rc_bus_send(bus, rc_pubsub_unsubscribe(rc_bus_ctx(bus), bus->pubsub_service,
                                               room->events_node, roomctl_bus_jid(bus)));
    }
    rc_room_detach(room);
}

roomctl_bus *rc_room_bus(const roomctl_room *room) { return room->bus; }

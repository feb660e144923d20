/* A receiver's acknowledgements and announcements to its gate
 * (docs/wire-format.md sections 12.1, 11.2, 11.5).  Acknowledgements made
 * during one turn of the main loop leave in one message: a join that replays
 * the whole state sends one stanza, not one per item. */
#include "ack_client.h"
#include "bus_private.h"
#include "log.h"

#include <string.h>

/* Announce again this often, so that a restarted gate learns us. */
#define REFRESH_S (10 * 60)
/* Dropped items remembered so that a rejoin, which fetches them again, does
 * not report them again; past this many the memory starts afresh. */
#define MAX_DROPS 4096

struct rc_reporter {
    roomctl_bus *bus;
    char *gate;
    roomctl_host *host;        /* not owned; may be NULL */
    GPtrArray *pending;        /* rc_ack * to send */
    GSource *flush;            /* sends @pending */
    GSource *announce;         /* sends the announcement */
    GSource *refresh;
    /* "ROOM\nITEM_ID" -> the reason reported: a dropped item is not part of
     * the room's state, so every rejoin drops it again. */
    GHashTable *drops;
};

static GSource *attach(roomctl_bus *bus, GSource *source, GSourceFunc fn, void *data)
{
    g_source_set_callback(source, fn, data, NULL);
    g_source_attach(source, bus->context);
    return source;
}

static void clear_source(GSource **source)
{
    if (!*source)
        return;
    g_source_destroy(*source);
    g_clear_pointer(source, g_source_unref);
}

static void reporter_free(rc_reporter *reporter)
{
    if (!reporter)
        return;
    clear_source(&reporter->flush);
    clear_source(&reporter->announce);
    clear_source(&reporter->refresh);
    g_ptr_array_unref(reporter->pending);
    g_hash_table_unref(reporter->drops);
    g_free(reporter->gate);
    g_free(reporter);
}

/* ---- Announcements -------------------------------------------------------------- */

static void announce_now(rc_reporter *reporter)
{
    roomctl_bus *bus = reporter->bus;
    if (!roomctl_bus_is_connected(bus))
        return;
    rc_announce *announce = rc_announce_new();
    for (guint i = 0; i < bus->rooms->len; i++) {
        roomctl_room *room = g_ptr_array_index(bus->rooms, i);
        rc_announce_add_room(announce, bus->room_ops->jid(room), bus->room_ops->is_synced(room));
    }
    rc_host_announce_caps(reporter->host, bus->registry, announce);
    rc_bus_send(bus, rc_announce_presence_new(rc_bus_ctx(bus), reporter->gate, announce));
    rc_debug("ack", "announced %u rooms and %u types to %s", announce->rooms->len,
             announce->handles->len, reporter->gate);
    rc_announce_free(announce);
}

static gboolean on_announce(gpointer data)
{
    rc_reporter *reporter = data;
    g_clear_pointer(&reporter->announce, g_source_unref);
    announce_now(reporter);
    return G_SOURCE_REMOVE;
}

static gboolean on_refresh(gpointer data)
{
    announce_now(data);
    return G_SOURCE_CONTINUE;
}

void rc_ack_announce_soon(roomctl_bus *bus)
{
    rc_reporter *reporter = bus->reporter;
    if (!reporter || reporter->announce)
        return;
    reporter->announce = attach(bus, g_idle_source_new(), on_announce, reporter);
}

/* The gate asks us to announce again (it restarted). */
static gboolean on_message(roomctl_bus *bus, xmpp_stanza_t *message, void *data)
{
    rc_reporter *reporter = data;
    if (!rc_announce_request_is(message))
        return FALSE;
    const char *from = xmpp_stanza_get_from(message);
    if (from && !g_ascii_strcasecmp(from, reporter->gate))
        rc_ack_announce_soon(bus);
    return TRUE;
}

/* ---- Acknowledgements ------------------------------------------------------------- */

static gboolean on_flush(gpointer data)
{
    rc_reporter *reporter = data;
    g_clear_pointer(&reporter->flush, g_source_unref);
    if (roomctl_bus_is_connected(reporter->bus) && reporter->pending->len)
        rc_bus_send(reporter->bus, rc_ack_message_new(rc_bus_ctx(reporter->bus), reporter->gate,
                                                      reporter->pending));
    g_ptr_array_set_size(reporter->pending, 0);
    return G_SOURCE_REMOVE;
}

static void queue(roomctl_bus *bus, rc_ack *ack)
{
    rc_reporter *reporter = bus->reporter;
    g_ptr_array_add(reporter->pending, ack);
    if (!reporter->flush)
        reporter->flush = attach(bus, g_idle_source_new(), on_flush, reporter);
}

void rc_ack_dropped(roomctl_bus *bus, const char *room, const char *item_id,
                    const GError *why)
{
    if (!bus->reporter || !item_id || why->domain != ROOMCTL_ERROR)
        return;
    rc_ack_result result;
    switch (why->code) {
    case ROOMCTL_ERR_UNKNOWN_TYPE: result = RC_ACK_UNSUPPORTED; break;
    case ROOMCTL_ERR_INVALID_ITEM: case ROOMCTL_ERR_TOO_LARGE: result = RC_ACK_DROPPED; break;
    default: return; /* a forgery (not from the service or the gate): not the gate's item */
    }
    rc_reporter *reporter = bus->reporter;
    char *key = g_strconcat(room, "\n", item_id, NULL);
    const char *reported = g_hash_table_lookup(reporter->drops, key);
    if (reported && !strcmp(reported, why->message)) {
        g_free(key);
        return; /* the same item dropped again by a rejoin */
    }
    if (g_hash_table_size(reporter->drops) >= MAX_DROPS)
        g_hash_table_remove_all(reporter->drops);
    g_hash_table_replace(reporter->drops, key, g_strdup(why->message));
    queue(bus, rc_ack_new(room, RC_GATE_PUBLISH, item_id, result, NULL, why->message));
}

void rc_ack_op(roomctl_bus *bus, const char *room, rc_gate_op op, const char *item_id)
{
    if (!bus->reporter)
        return;
    /* What was dropped in the room is gone: an item of the same id is new. */
    if (op == RC_GATE_PURGE) {
        g_autofree char *prefix = g_strconcat(room, "\n", NULL);
        GHashTableIter iter;
        gpointer key;
        g_hash_table_iter_init(&iter, bus->reporter->drops);
        while (g_hash_table_iter_next(&iter, &key, NULL))
            if (g_str_has_prefix(key, prefix))
                g_hash_table_iter_remove(&iter);
    }
    queue(bus, rc_ack_new(room, op, item_id, RC_ACK_APPLIED, NULL, NULL));
}

void rc_ack_results(roomctl_bus *bus, const char *room_jid, const roomctl_item *item,
                    GPtrArray *results)
{
    const roomctl_handler_result *first_failure = NULL;
    for (guint i = 0; i < results->len && !first_failure; i++) {
        const roomctl_handler_result *r = g_ptr_array_index(results, i);
        if (!r->ok)
            first_failure = r;
    }
    const char *id = roomctl_item_id(item);
    if (first_failure) {
        queue(bus, rc_ack_new(room_jid, RC_GATE_PUBLISH, id, RC_ACK_FAILED,
                              first_failure->plugin, first_failure->reason));
    } else if (results->len == 0) {
        g_autofree char *why = g_strdup_printf("no plugin of this client handles %s",
                                               roomctl_item_type(item));
        queue(bus, rc_ack_new(room_jid, RC_GATE_PUBLISH, id, RC_ACK_UNSUPPORTED, NULL, why));
    } else {
        queue(bus, rc_ack_new(room_jid, RC_GATE_PUBLISH, id, RC_ACK_APPLIED, NULL, NULL));
    }
}

/* ---- Setting the gate -------------------------------------------------------------- */

void roomctl_bus_set_gate(roomctl_bus *bus, const char *gate_jid, roomctl_host *host)
{
    g_return_if_fail(bus);
    g_clear_pointer(&bus->reporter, reporter_free);
    rc_bus_set_message_hook(bus, NULL, NULL);
    if (!gate_jid)
        return;
    rc_reporter *reporter = g_new0(rc_reporter, 1);
    reporter->bus = bus;
    reporter->gate = g_strdup(gate_jid);
    reporter->host = host;
    reporter->pending = g_ptr_array_new_with_free_func(rc_ack_free);
    reporter->drops = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    reporter->refresh = attach(bus, g_timeout_source_new_seconds(REFRESH_S), on_refresh,
                               reporter);
    bus->reporter = reporter;
    bus->free_reporter = reporter_free;
    rc_bus_set_message_hook(bus, on_message, reporter);
    rc_ack_announce_soon(bus);
}

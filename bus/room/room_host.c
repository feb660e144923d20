/* The plugin host as a room client (roomctl_bus_join_host()): items, resets,
 * purges, the reconcile after a join, and a join's items as one batch. */
#include "bus_private.h"
#include "ack_client.h"

/* ---- The plugin host as a room client ----------------------------------------------- */

guint roomctl_room_dispatch(roomctl_room *room, roomctl_host *host, const roomctl_item *item)
{
    g_return_val_if_fail(room && host && item, 0);
    roomctl_bus *bus = rc_room_bus(room);
    if (!bus || !bus->reporter)
        return roomctl_host_dispatch(host, item, NULL);
    roomctl_host_stats before, after;
    roomctl_host_get_stats(host, &before);
    GPtrArray *results = NULL;
    guint failed = roomctl_host_dispatch(host, item, &results);
    roomctl_host_get_stats(host, &after);
    /* Applied before a restart: acknowledged then. */
    if (after.journal_skipped <= before.journal_skipped || results->len > 0)
        rc_ack_results(bus, roomctl_room_jid(room), item, results);
    g_ptr_array_unref(results);
    return failed;
}

static void host_item(roomctl_room *room, const roomctl_item *item, void *host)
{
    roomctl_room_dispatch(room, host, item);
}

static void host_reset(roomctl_room *room, const char *type, const char *item_id, void *host)
{
    roomctl_host_reset(host, roomctl_room_jid(room), type, item_id);
}

static void host_purge(roomctl_room *room, void *host)
{
    roomctl_host_purge(host, roomctl_room_jid(room));
}

void roomctl_room_reconcile_host(roomctl_room *room, const GError *error, roomctl_host *host)
{
    /* No node, no state: what the plugins kept from before goes.  Any other
     * failure says nothing about the state. */
    if (error && !g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND))
        return;
    GPtrArray *state = error ? g_ptr_array_new() : roomctl_room_state(room);
    roomctl_host_reconcile(host, roomctl_room_jid(room), state);
    g_ptr_array_unref(state);
}

static void host_synced(roomctl_room *room, const GError *error, void *host)
{
    roomctl_room_reconcile_host(room, error, host);
}

static void host_batch(roomctl_room *room, gboolean begins, void *host)
{
    if (begins)
        roomctl_host_begin_batch(host);
    else
        roomctl_host_end_batch(host);
}

const roomctl_room_callbacks rc_room_host_callbacks = {
    .item = host_item, .reset = host_reset, .synced = host_synced, .batch = host_batch,
    /* A deleted node leaves no state: the plugins hear a purge. */
    .purge = host_purge, .deleted = host_purge,
};

roomctl_room *roomctl_bus_join_host(roomctl_bus *bus, const char *room_jid, roomctl_host *host)
{
    return roomctl_bus_join(bus, room_jid, &rc_room_host_callbacks, host, NULL);
}

/* The bus: one XMPP connection, its rooms, reconnection. */
#include "bus_private.h"
#include "ack_client.h"

#include <string.h>

#include "log.h"

#define DEFAULT_TIMEOUT_MS 10000
#define RECONNECT_FIRST_MS 1000
#define RECONNECT_MAX_MS 30000
#define KEEPALIVE_MS 30000
#define RECONCILE_MS 60000

static gpointer init_strophe(gpointer unused)
{
    xmpp_initialize();
    return NULL;
}

static char *node_name(const char *prefix, const char *room_jid)
{
    g_autofree char *bare = g_strndup(room_jid, strcspn(room_jid, "/"));
    g_autofree char *lower = g_utf8_strdown(bare, -1);
    return g_strconcat(prefix, lower, NULL);
}

char *roomctl_room_node_name(const char *room_jid)
{
    return node_name("roomctl/", room_jid);
}

char *roomctl_room_events_node_name(const char *room_jid)
{
    return node_name("roomctl-events/", room_jid);
}

/* ---- Connection events ------------------------------------------------------ */

static void finish_connect(roomctl_bus *bus, const GError *error)
{
    if (bus->connect_guard) {
        g_source_destroy(bus->connect_guard);
        g_clear_pointer(&bus->connect_guard, g_source_unref);
    }
    if (!bus->connecting)
        return;
    bus->connecting = FALSE;
    roomctl_done_fn done = bus->connect_done;
    bus->connect_done = NULL;
    if (done)
        done(bus, error, bus->connect_data);
}

static void schedule_reconnect(roomctl_bus *bus);
static gboolean reconnect_now(gpointer data);

static gboolean reconnect_timed_out(gpointer data)
{
    roomctl_bus *bus = data;
    g_clear_pointer(&bus->connect_guard, g_source_unref);
    rc_warn("bus", "no XMPP session as %s within %u ms: trying again", bus->jid,
            bus->timeout_ms);
    /* The failure event schedules the next attempt. */
    rc_conn_abort(bus->conn);
    return G_SOURCE_REMOVE;
}

static void guard_attempt(roomctl_bus *bus, GSourceFunc on_timeout)
{
    if (bus->connect_guard) {
        g_source_destroy(bus->connect_guard);
        g_source_unref(bus->connect_guard);
    }
    bus->connect_guard = g_timeout_source_new(bus->timeout_ms);
    g_source_set_callback(bus->connect_guard, on_timeout, bus, NULL);
    g_source_attach(bus->connect_guard, bus->context);
}

static gboolean reconnect_now(gpointer data)
{
    roomctl_bus *bus = data;
    g_clear_pointer(&bus->reconnect, g_source_unref);
    g_autoptr(GError) error = NULL;
    rc_info("bus", "reconnecting as %s", bus->jid);
    if (!rc_conn_connect(bus->conn, &error)) {
        rc_warn("bus", "%s", error->message);
        schedule_reconnect(bus);
        return G_SOURCE_REMOVE;
    }
    /* A server that accepts the TCP connection and then says nothing would
     * otherwise hold the bus forever. */
    guard_attempt(bus, reconnect_timed_out);
    return G_SOURCE_REMOVE;
}

/* Exponential back-off with jitter: @fn after a delay drawn from [d/2, d],
 * d doubling from reconnect_min_ms to reconnect_max_ms. */
static void schedule(roomctl_bus *bus, GSourceFunc fn)
{
    if (bus->reconnect)
        return;
    guint half = bus->reconnect_ms / 2;
    guint delay = half + (guint)g_random_int_range(0, (gint32)MIN(half, G_MAXINT32 - 1) + 1);
    rc_info("bus", "%s in %u ms", fn == reconnect_now ? "reconnecting" : "connecting again",
            delay);
    bus->reconnect = g_timeout_source_new(delay);
    g_source_set_callback(bus->reconnect, fn, bus, NULL);
    g_source_attach(bus->reconnect, bus->context);
    bus->reconnect_ms = bus->reconnect_ms > bus->reconnect_max_ms / 2 ? bus->reconnect_max_ms
                                                                      : bus->reconnect_ms * 2;
}

static void schedule_reconnect(roomctl_bus *bus)
{
    schedule(bus, reconnect_now);
}

static gboolean connect_later_now(gpointer data)
{
    roomctl_bus *bus = data;
    g_clear_pointer(&bus->reconnect, g_source_unref);
    roomctl_bus_connect(bus, bus->later_done, bus->later_data);
    return G_SOURCE_REMOVE;
}

void rc_bus_connect_later(roomctl_bus *bus, roomctl_done_fn done, void *user_data)
{
    bus->later_done = done;
    bus->later_data = user_data;
    schedule(bus, connect_later_now);
}

static void on_connected(roomctl_bus *bus)
{
    gboolean resumed = rc_conn_is_resumed(bus->conn);
    bus->reconnect_ms = bus->reconnect_min_ms;
    if (bus->stats.connects++ > 0)
        bus->stats.reconnects++;
    bus->stats.resumed += resumed;
    bus->stats.last_connected = g_get_real_time();
    bus->stay_connected = TRUE;
    bus->was_up = TRUE;
    finish_connect(bus, NULL);
    /* Join first, then tell: a status callback may leave rooms.  The list
     * is copied: a room callback may leave rooms too. */
    g_autoptr(GPtrArray) rooms = g_ptr_array_copy(bus->rooms, NULL, NULL);
    for (guint i = 0; i < rooms->len; i++) {
        roomctl_room *room = g_ptr_array_index(rooms, i);
        if (!g_ptr_array_find(bus->rooms, room, NULL))
            continue;
        if (resumed)
            bus->room_ops->resume(room);
        else
            bus->room_ops->start(room);
    }
    if (bus->status_fn)
        bus->status_fn(bus, TRUE, NULL, bus->status_data);
}

static void on_status(rc_conn *conn, gboolean connected, const GError *error, void *data)
{
    roomctl_bus *bus = data;
    if (connected) {
        on_connected(bus);
        return;
    }
    for (guint i = 0; i < bus->rooms->len; i++)
        bus->room_ops->connection_lost(g_ptr_array_index(bus->rooms, i));
    if (bus->connecting) {
        /* The first connection failed: the caller decides what next. */
        bus->stay_connected = FALSE;
        finish_connect(bus, error);
        return;
    }
    if (bus->connect_guard) {
        g_source_destroy(bus->connect_guard);
        g_clear_pointer(&bus->connect_guard, g_source_unref);
    }
    /* Another client took over this full JID: taking it back would only
     * start a replace-each-other loop. */
    if (g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONFLICT))
        bus->stay_connected = FALSE;
    /* Told once per lost session, not once per failed attempt. */
    if (bus->was_up) {
        bus->was_up = FALSE;
        bus->stats.lost++;
        bus->stats.last_lost = g_get_real_time();
        if (bus->status_fn)
            bus->status_fn(bus, FALSE, error, bus->status_data);
    }
    if (bus->stay_connected)
        schedule_reconnect(bus);
}

static void on_message(rc_conn *conn, xmpp_stanza_t *message, void *data)
{
    roomctl_bus *bus = data;
    if (bus->message_hook && bus->message_hook(bus, message, bus->message_hook_data))
        return;
    if (bus->room_ops) /* no room joined yet: no event is for us */
        bus->room_ops->handle_event(bus, message);
}

void rc_bus_set_message_hook(roomctl_bus *bus, rc_bus_message_fn fn, void *user_data)
{
    bus->message_hook = fn;
    bus->message_hook_data = user_data;
}

/* ---- Lifecycle -------------------------------------------------------------- */

/* ---- Anti-entropy: every synced room refetches its node now and then ------ */

static void schedule_reconcile(roomctl_bus *bus);

static gboolean on_reconcile(gpointer data)
{
    roomctl_bus *bus = data;
    g_clear_pointer(&bus->reconcile, g_source_unref);
    /* Copied: nothing here leaves rooms, but a callback of one might. */
    g_autoptr(GPtrArray) rooms = g_ptr_array_copy(bus->rooms, NULL, NULL);
    for (guint i = 0; i < rooms->len; i++)
        if (g_ptr_array_find(bus->rooms, rooms->pdata[i], NULL))
            bus->room_ops->reconcile(rooms->pdata[i]);
    schedule_reconcile(bus);
    return G_SOURCE_REMOVE;
}

/* The next tick in [3/4, 1] of the interval: many agents started together
 * do not all ask the server at once. */
static void schedule_reconcile(roomctl_bus *bus)
{
    if (bus->reconcile_ms == G_MAXUINT)
        return;
    guint quarter = MIN(bus->reconcile_ms / 4, (guint)G_MAXINT32);
    guint delay = bus->reconcile_ms - (quarter ? g_random_int_range(0, (gint32)quarter) : 0);
    bus->reconcile = g_timeout_source_new(delay);
    g_source_set_callback(bus->reconcile, on_reconcile, bus, NULL);
    g_source_attach(bus->reconcile, bus->context);
}

roomctl_bus *roomctl_bus_new(const roomctl_bus_options *options,
                             const roomctl_registry *registry, GMainContext *context)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, init_strophe, NULL);
    g_return_val_if_fail(options && options->jid && registry, NULL);

    roomctl_bus *bus = g_new0(roomctl_bus, 1);
    bus->jid = g_strdup(options->jid);
    bus->bare_jid = g_strndup(options->jid, strcspn(options->jid, "/"));
    const char *at = strchr(bus->bare_jid, '@');
    const char *domain = at ? at + 1 : bus->bare_jid;
    bus->pubsub_service = options->pubsub_service ? g_strdup(options->pubsub_service)
                                                  : g_strconcat("pubsub.", domain, NULL);
    bus->timeout_ms = options->request_timeout_ms ? options->request_timeout_ms
                                                  : DEFAULT_TIMEOUT_MS;
    bus->registry = registry;
    bus->context = context ? g_main_context_ref(context) : g_main_context_ref_thread_default();
    bus->rooms = g_ptr_array_new();
    bus->retrying = g_hash_table_new(NULL, NULL);
    bus->reconnect_min_ms = options->reconnect_min_ms ? options->reconnect_min_ms
                                                      : RECONNECT_FIRST_MS;
    bus->reconnect_max_ms = MAX(bus->reconnect_min_ms, options->reconnect_max_ms
                                                       ? options->reconnect_max_ms
                                                       : RECONNECT_MAX_MS);
    bus->reconnect_ms = bus->reconnect_min_ms;
    /* One resource for the bus's life: the rooms' subscriptions (of the full
     * JID) then outlive a reconnection instead of piling up, one per
     * session.  An anonymous login gets a new JID each time anyway. */
    g_autofree char *resource = at ? g_strdup_printf("roomctl-%08x", g_random_int()) : NULL;
    rc_conn_options conn_options = {
        .jid = options->jid, .resource = resource, .password = options->password,
        .host = options->host, .port = options->port,
        .allow_plaintext = options->allow_plaintext, .trust_tls = options->trust_tls,
        .disable_sm = options->disable_stream_management, .ca_file = options->tls_ca_file,
        .keepalive_ms = options->keepalive_ms ? options->keepalive_ms : KEEPALIVE_MS,
        .ping_timeout_ms = bus->timeout_ms,
    };
    bus->conn = rc_conn_new(&conn_options, bus->context, on_status, on_message, bus);
    bus->reconcile_ms = options->reconcile_ms ? options->reconcile_ms : RECONCILE_MS;
    schedule_reconcile(bus);
    return bus;
}

void roomctl_bus_free(roomctl_bus *bus)
{
    if (!bus)
        return;
    if (bus->reconcile) {
        g_source_destroy(bus->reconcile);
        g_clear_pointer(&bus->reconcile, g_source_unref);
    }
    bus->stay_connected = FALSE;
    while (bus->rooms->len)
        bus->room_ops->detach(g_ptr_array_index(bus->rooms, bus->rooms->len - 1));
    if (bus->reporter)
        bus->free_reporter(bus->reporter); /* room_ack.c (issue 13) */
    if (bus->reconnect) {
        g_source_destroy(bus->reconnect);
        g_clear_pointer(&bus->reconnect, g_source_unref);
    }
    /* Pending requests fail now, while the bus is still whole. */
    bus->status_fn = NULL;
    rc_bus_requests_cancel(bus, "the connection was closed");
    rc_conn_free(bus->conn);
    if (bus->acl)
        bus->free_acl(bus->acl); /* room_acl.c (issue 5) */
    bus->conn = NULL;
    if (bus->connect_guard) {
        g_source_destroy(bus->connect_guard);
        g_clear_pointer(&bus->connect_guard, g_source_unref);
    }
    g_ptr_array_unref(bus->rooms);
    g_hash_table_unref(bus->retrying);
    g_main_context_unref(bus->context);
    g_free(bus->jid);
    g_free(bus->bare_jid);
    g_free(bus->pubsub_service);
    g_free(bus);
}

const char *roomctl_bus_jid(const roomctl_bus *bus) { return rc_conn_bound_jid(bus->conn); }
const char *roomctl_bus_pubsub_service(const roomctl_bus *bus) { return bus->pubsub_service; }
gboolean roomctl_bus_is_connected(const roomctl_bus *bus) { return rc_conn_is_connected(bus->conn); }
gboolean roomctl_bus_is_resumed(const roomctl_bus *bus) { return rc_conn_is_resumed(bus->conn); }

void roomctl_bus_get_stats(const roomctl_bus *bus, roomctl_bus_stats *out)
{
    *out = bus->stats;
    out->keepalive_timeouts = rc_conn_keepalive_timeouts(bus->conn);
}

void roomctl_bus_set_status_callback(roomctl_bus *bus, roomctl_status_fn fn, void *user_data)
{
    bus->status_fn = fn;
    bus->status_data = user_data;
}

/* ---- Connecting ----------------------------------------------------------------- */

static gboolean connect_timed_out(gpointer data)
{
    roomctl_bus *bus = data;
    g_clear_pointer(&bus->connect_guard, g_source_unref);
    g_autoptr(GError) error = g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_TIMEOUT,
                                          "no XMPP session as %s within %u ms", bus->jid,
                                          bus->timeout_ms);
    rc_conn_disconnect(bus->conn);
    finish_connect(bus, error);
    return G_SOURCE_REMOVE;
}

void roomctl_bus_connect(roomctl_bus *bus, roomctl_done_fn done, void *user_data)
{
    g_autoptr(GError) error = NULL;
    if (rc_conn_is_connected(bus->conn)) {
        if (done)
            done(bus, NULL, user_data);
        return;
    }
    if (bus->connecting) {
        error = g_error_new_literal(ROOMCTL_ERROR, ROOMCTL_ERR_CONNECTION,
                                    "a connection attempt is already running");
        if (done)
            done(bus, error, user_data);
        return;
    }
    bus->connecting = TRUE;
    bus->connect_done = done;
    bus->connect_data = user_data;
    if (!rc_conn_connect(bus->conn, &error)) {
        finish_connect(bus, error);
        return;
    }
    guard_attempt(bus, connect_timed_out);
}

gboolean roomctl_bus_connect_sync(roomctl_bus *bus, GError **error)
{
    rc_wait *wait = rc_wait_new();
    roomctl_bus_connect(bus, rc_wait_done, wait);
    return rc_wait_ok(wait, bus, error);
}

void roomctl_bus_disconnect(roomctl_bus *bus)
{
    bus->stay_connected = FALSE;
    if (bus->reconnect) {
        g_source_destroy(bus->reconnect);
        g_clear_pointer(&bus->reconnect, g_source_unref);
    }
    if (bus->connect_guard && !bus->connecting) {
        g_source_destroy(bus->connect_guard);
        g_clear_pointer(&bus->connect_guard, g_source_unref);
    }
    rc_conn_disconnect(bus->conn);
}

xmpp_ctx_t *rc_bus_ctx(const roomctl_bus *bus) { return rc_conn_ctx(bus->conn); }

void rc_bus_send(roomctl_bus *bus, xmpp_stanza_t *stanza)
{
    rc_conn_send(bus->conn, stanza);
    xmpp_stanza_release(stanza);
}

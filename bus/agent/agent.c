/* roomctl-agent at run time: loads schemas and plugins, joins its rooms on one
 * bus and hands what arrives to the plugin host. */
#include <string.h>

#include "agent.h"
#include "bus_private.h"
#include "agent_acl.h"
#include "agent_log.h"
#include "chat_power.h"

/* Back-off between connection attempts, doubled each time up to the max. */

struct rc_agent {
    const rc_agent_config *config; /* the caller's */
    roomctl_registry *registry;
    roomctl_host *host;
    roomctl_bus *bus;
    rc_agent_acl *acl;         /* moderator lists, size limit, drops by reason */
    GPtrArray *rooms;          /* roomctl_room *, owned by the bus */
    rc_agent_fatal_fn fatal;
    void *fatal_data;
    guint connects;            /* successful logins so far */
    guint64 applied, replayed, dropped, reconnects;
    guint slow_ms;             /* what counts as a slow handler; 0: none does */
};

static gboolean load_schemas(rc_agent *agent, GError **error)
{
    /* No schema_dirs: $ROOMCTL_SCHEMA_PATH, else the installed schemas. */
    if (agent->config->schema_dirs->len == 0 &&
        !roomctl_registry_load_path(agent->registry, NULL, error))
        return FALSE;
    for (guint i = 0; i < agent->config->schema_dirs->len; i++) {
        const char *dir = agent->config->schema_dirs->pdata[i];
        if (!roomctl_registry_load_dir(agent->registry, dir, error))
            return FALSE;
        rc_agent_log(ROOMCTL_LOG_DEBUG, "schemas loaded from %s", dir);
    }
    GPtrArray *types = roomctl_registry_list(agent->registry);
    guint count = types->len;
    g_ptr_array_unref(types);
    if (count == 0) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONFIG,
                    "%s: error: no schema found in schema_dirs; expected *.yaml control types",
                    agent->config->file);
        return FALSE;
    }
    rc_agent_log(ROOMCTL_LOG_INFO, "%u control types loaded", count);
    return TRUE;
}

/* @check_only: check each plugin without running its init (see
 * rc_agent_check()). */
static gboolean load_plugins(rc_agent *agent, gboolean check_only, GError **error)
{
    const rc_agent_config *config = agent->config;
    roomctl_host_set_chat_power_hook(agent->host, rc_agent_chat_power,
                                     config->chat_state_file, NULL);
    for (guint i = 0; i < config->plugin_dirs->len; i++)
        if (!roomctl_host_add_plugin_dir(agent->host, config->plugin_dirs->pdata[i], error))
            return FALSE;
    for (guint i = 0; i < config->plugins->len; i++) {
        const rc_agent_plugin_conf *p = &g_array_index(config->plugins, rc_agent_plugin_conf, i);
        if (check_only ? !roomctl_host_check_config(agent->host, p->name, p->section, error)
                       : !roomctl_host_load(agent->host, p->name, p->section, error))
            return FALSE;
        rc_agent_log(ROOMCTL_LOG_INFO, "plugin %s %s", p->name, check_only ? "checked" : "loaded");
    }
    if (config->plugins->len == 0)
        rc_agent_log(ROOMCTL_LOG_WARNING, "no plugins configured: items are only logged");
    if (check_only)
        return TRUE;
    if (!config->state_file) {
        rc_agent_log(ROOMCTL_LOG_INFO, "no state_file: after a restart, every current item "
                     "is handed to the plugins again");
        return TRUE;
    }
    if (!roomctl_host_open_journal(agent->host, config->state_file, error)) {
        g_prefix_error(error, "%s: state_file: ", config->file);
        return FALSE;
    }
    rc_agent_log(ROOMCTL_LOG_INFO, "applied state kept in %s", config->state_file);
    return TRUE;
}

/* ---- Room callbacks ------------------------------------------------------ */

static void on_item(roomctl_room *room, const roomctl_item *item, void *user_data)
{
    rc_agent *agent = user_data;
    gboolean replay = roomctl_item_is_replay(item);
    roomctl_host_stats before, after;
    roomctl_host_get_stats(agent->host, &before);
    /* The host logs each failing or slow handler with its plugin's name. */
    guint failed = roomctl_room_dispatch(room, agent->host, item);
    roomctl_host_get_stats(agent->host, &after);
    gboolean skipped = after.journal_skipped > before.journal_skipped;
    if (replay)
        agent->replayed++;
    else
        agent->applied++;
    const char *publisher = roomctl_item_publisher(item);
    rc_agent_log(replay ? ROOMCTL_LOG_DEBUG : ROOMCTL_LOG_INFO, "%s: %s %s%s%s%s",
                 roomctl_room_jid(room),
                 skipped ? "already applied before a restart:" : replay ? "replayed" : "applied",
                 roomctl_item_id(item),
                 publisher ? " from " : "", publisher ? publisher : "",
                 failed ? " (a handler failed)" : "");
}

static void on_reset(roomctl_room *room, const char *type, const char *item_id, void *user_data)
{
    rc_agent *agent = user_data;
    rc_agent_log(ROOMCTL_LOG_INFO, "%s: %s retracted", roomctl_room_jid(room), item_id);
    rc_room_host_callbacks.reset(room, type, item_id, agent->host);
}

static void on_purge(roomctl_room *room, void *user_data)
{
    rc_agent *agent = user_data;
    rc_agent_log(ROOMCTL_LOG_INFO, "%s: all state purged", roomctl_room_jid(room));
    rc_room_host_callbacks.purge(room, agent->host);
}

static void on_deleted(roomctl_room *room, void *user_data)
{
    rc_agent *agent = user_data;
    rc_agent_log(ROOMCTL_LOG_WARNING, "%s: the room's roomctl node was deleted; state purged",
                 roomctl_room_jid(room));
    rc_room_host_callbacks.deleted(room, agent->host);
}

static void on_dropped(roomctl_room *room, const char *item_id, const GError *why,
                       void *user_data)
{
    rc_agent *agent = user_data;
    agent->dropped++;
    rc_agent_acl_dropped(agent->acl, roomctl_room_jid(room), item_id, why);
}

static void on_synced(roomctl_room *room, const GError *error, void *user_data)
{
    rc_agent *agent = user_data;
    if (g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED)) {
        /* A members-only room's node refuses whoever is not on its list. */
        const char *jid = agent->config->jid;
        rc_agent_log(ROOMCTL_LOG_ERROR, "%s: cannot join: account %.*s is not a member of "
                     "room %s: %s", roomctl_room_jid(room), (int)strcspn(jid, "/"), jid,
                     roomctl_room_jid(room), error->message);
        return;
    }
    if (error) {
        rc_agent_log(ROOMCTL_LOG_ERROR, "%s: cannot join: %s", roomctl_room_jid(room),
                     error->message);
        rc_room_host_callbacks.synced(room, error, agent->host);
        return;
    }
    /* Keys retracted while this process was not running: reset them. */
    rc_room_host_callbacks.synced(room, NULL, agent->host);
    GPtrArray *state = roomctl_room_state(room);
    rc_agent_log(ROOMCTL_LOG_INFO, "%s: joined, %u state items", roomctl_room_jid(room),
                 state->len);
    g_ptr_array_unref(state);
}

/* A join's items, resets and reconcile reach the plugins as one batch. */
static void on_batch(roomctl_room *room, gboolean begins, void *user_data)
{
    rc_agent *agent = user_data;
    rc_room_host_callbacks.batch(room, begins, agent->host);
}

static const roomctl_room_callbacks room_callbacks = {
    .item = on_item, .reset = on_reset, .purge = on_purge, .deleted = on_deleted,
    .dropped = on_dropped, .synced = on_synced, .batch = on_batch,
};

/* ---- Connection ----------------------------------------------------------
 * A first connection that fails (the server may not be up yet) is tried
 * again with the bus's own back-off (rc_bus_connect_later()); after that the
 * bus reconnects on its own. */

static void on_connected(roomctl_bus *bus, const GError *error, void *user_data)
{
    rc_agent *agent = user_data;
    if (!error)
        return; /* on_status reports it */
    if (g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_AUTH)) {
        if (agent->fatal)
            agent->fatal(error, agent->fatal_data);
        return;
    }
    rc_agent_log(ROOMCTL_LOG_WARNING, "cannot connect: %s", error->message);
    rc_bus_connect_later(bus, on_connected, agent);
}

static void on_status(roomctl_bus *bus, gboolean connected, const GError *error,
                      void *user_data)
{
    rc_agent *agent = user_data;
    if (connected) {
        if (agent->connects++ > 0)
            agent->reconnects++;
        rc_agent_log(ROOMCTL_LOG_INFO, "connected as %s (PubSub service %s)",
                     roomctl_bus_jid(bus), roomctl_bus_pubsub_service(bus));
        rc_agent_acl_connected(agent->acl);
        return;
    }
    if (g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONFLICT)) {
        /* The bus does not reconnect: stop, naming the conflict. */
        g_autoptr(GError) stop = g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_CONFLICT,
            "%s; stopping rather than taking the session back (give each agent its own "
            "resource: account.jid ACCOUNT/NAME)", error->message);
        if (agent->fatal)
            agent->fatal(stop, agent->fatal_data);
        return;
    }
    /* Once it has been connected, the bus reconnects and rejoins by itself. */
    rc_agent_log(ROOMCTL_LOG_WARNING, "connection lost: %s; reconnecting",
                 error ? error->message : "disconnected");
}

static void connect_now(rc_agent *agent)
{
    if (roomctl_bus_is_connected(agent->bus))
        return;
    rc_agent_log(ROOMCTL_LOG_INFO, "connecting to %s as %s",
                 agent->config->host ? agent->config->host : "the JID's domain",
                 agent->config->jid);
    roomctl_bus_connect(agent->bus, on_connected, agent);
}

/* ---- Life cycle ---------------------------------------------------------- */

rc_agent *rc_agent_new(const rc_agent_config *config, rc_agent_fatal_fn fatal,
                       void *user_data, GError **error)
{
    rc_agent *agent = g_new0(rc_agent, 1);
    agent->config = config;
    agent->fatal = fatal;
    agent->fatal_data = user_data;
    agent->rooms = g_ptr_array_new();
    agent->registry = roomctl_registry_new();
    agent->host = roomctl_host_new(agent->registry);
    agent->slow_ms = config->slow_handler_ms < 0 ? 1000 : (guint)config->slow_handler_ms;
    roomctl_host_set_slow_handler_ms(agent->host, agent->slow_ms);
    if (!load_schemas(agent, error) || !load_plugins(agent, FALSE, error)) {
        rc_agent_free(agent);
        return NULL;
    }
    roomctl_bus_options options = {
        .jid = config->jid,
        .password = config->password,
        .host = config->host,
        .port = config->port,
        .pubsub_service = config->pubsub_service,
        .allow_plaintext = config->allow_plaintext,
        .tls_ca_file = config->tls_ca_file,
        .reconnect_min_ms = (guint)config->reconnect_min_ms,
        .reconnect_max_ms = (guint)config->reconnect_max_ms,
        .keepalive_ms = (guint)config->keepalive_ms,
        .reconcile_ms = (guint)config->reconcile_ms,
    };
    agent->bus = roomctl_bus_new(&options, agent->registry, NULL);
    roomctl_bus_set_status_callback(agent->bus, on_status, agent);
    if (config->gate) /* acknowledgements and announcements (issue 13) */
        roomctl_bus_set_gate(agent->bus, config->gate, agent->host);
    agent->acl = rc_agent_acl_new(agent->bus, config);
    return agent;
}

gboolean rc_agent_check(const rc_agent_config *config, GError **error)
{
    rc_agent agent = { .config = config, .registry = roomctl_registry_new() };
    agent.host = roomctl_host_new(agent.registry);
    gboolean ok = load_schemas(&agent, error) && load_plugins(&agent, TRUE, error);
    roomctl_host_free(agent.host);
    roomctl_registry_free(agent.registry);
    return ok;
}

static void join_room(const char *room_jid, void *user_data)
{
    rc_agent *agent = user_data;
    g_ptr_array_add(agent->rooms, roomctl_bus_join(agent->bus, room_jid, &room_callbacks,
                                                   agent, NULL));
}

void rc_agent_start(rc_agent *agent)
{
    /* A room whose moderators the configuration does not give is joined
     * once the server was asked about them. */
    for (guint i = 0; i < agent->config->rooms->len; i++)
        rc_agent_acl_when_ready(agent->acl, agent->config->rooms->pdata[i], join_room, agent);
    connect_now(agent);
}

void rc_agent_free(rc_agent *agent)
{
    if (!agent)
        return;
    /* The bus goes first: no item may reach a plugin being shut down. */
    if (agent->acl)
        rc_agent_acl_stop(agent->acl);
    if (agent->bus)
        roomctl_bus_free(agent->bus);
    rc_agent_acl_free(agent->acl);
    g_ptr_array_unref(agent->rooms);
    roomctl_host_free(agent->host);
    roomctl_registry_free(agent->registry);
    g_free(agent);
}

/* "12:00:01 (3 s ago)" for a g_get_real_time() stamp; "never" for 0. */
static char *describe_time(gint64 when)
{
    if (!when)
        return g_strdup("never");
    GDateTime *t = g_date_time_new_from_unix_local(when / G_USEC_PER_SEC);
    char *clock = g_date_time_format(t, "%Y-%m-%d %H:%M:%S");
    char *text = g_strdup_printf("%s (%" G_GINT64_FORMAT " s ago)", clock,
                                 (g_get_real_time() - when) / G_USEC_PER_SEC);
    g_free(clock);
    g_date_time_unref(t);
    return text;
}

char *rc_agent_describe(const rc_agent *agent)
{
    GString *out = g_string_new(NULL);
    roomctl_bus_stats bus;
    roomctl_bus_get_stats(agent->bus, &bus);
    if (roomctl_bus_is_connected(agent->bus))
        g_string_append_printf(out, "connected as %s, PubSub service %s%s\n",
                               roomctl_bus_jid(agent->bus),
                               roomctl_bus_pubsub_service(agent->bus),
                               roomctl_bus_is_resumed(agent->bus) ? " (session resumed)" : "");
    else
        g_string_append_printf(out, "not connected (account %s)\n", agent->config->jid);
    char *connected = describe_time(bus.last_connected);
    char *lost = describe_time(bus.last_lost);
    g_string_append_printf(out, "connection: %u sessions, %u reconnects (%u resumed), "
                           "lost %u times, %u keepalive timeouts; last connected %s, "
                           "last lost %s\n", bus.connects, bus.reconnects, bus.resumed,
                           bus.lost, bus.keepalive_timeouts, connected, lost);
    g_free(connected);
    g_free(lost);
    for (guint i = 0; i < agent->rooms->len; i++) {
        const roomctl_room *room = agent->rooms->pdata[i];
        roomctl_room_stats st;
        roomctl_room_get_stats(room, &st);
        GPtrArray *state = roomctl_room_state(room);
        char *synced = describe_time(st.last_sync);
        g_string_append_printf(out, "room %s: %s, %u state items, last sync %s\n"
                               "  applied %" G_GUINT64_FORMAT ", replayed %" G_GUINT64_FORMAT
                               ", skipped unchanged %" G_GUINT64_FORMAT ", resets %"
                               G_GUINT64_FORMAT ", purges %" G_GUINT64_FORMAT ", dropped %"
                               G_GUINT64_FORMAT ", syncs %u\n",
                               roomctl_room_jid(room),
                               roomctl_room_is_synced(room) ? "in sync" : "NOT in sync",
                               state->len, synced, st.applied, st.replayed, st.unchanged,
                               st.resets, st.purges, st.dropped, st.syncs);
        g_free(synced);
        for (guint j = 0; j < state->len; j++)
            g_string_append_printf(out, "  %s\n", roomctl_item_id(state->pdata[j]));
        g_ptr_array_unref(state);
    }
    GPtrArray *plugins = roomctl_host_plugins(agent->host);
    g_string_append(out, "plugins:");
    for (guint i = 0; i < plugins->len; i++)
        g_string_append_printf(out, " %s", (const char *)plugins->pdata[i]);
    roomctl_host_stats host;
    roomctl_host_get_stats(agent->host, &host);
    g_string_append_printf(out, "\nitems applied %" G_GUINT64_FORMAT ", replayed %"
                           G_GUINT64_FORMAT ", dropped %" G_GUINT64_FORMAT
                           ", handler failures %" G_GUINT64_FORMAT ", slow handlers %"
                           G_GUINT64_FORMAT " (over %u ms), reconnects %" G_GUINT64_FORMAT
                           ", plugin calls skipped as already applied before a restart %"
                           G_GUINT64_FORMAT "\n",
                           agent->applied, agent->replayed, agent->dropped,
                           host.handler_failures, host.slow_handlers, agent->slow_ms,
                           agent->reconnects, host.journal_skipped);
    rc_agent_acl_describe(agent->acl, out);
    return g_string_free(out, FALSE);
}

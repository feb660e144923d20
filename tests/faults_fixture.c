/* The fault tests' fixture (see faults_fixture.h). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "faults_fixture.h"
#include "codec.h"
#include "wait.h"

faults_fixture ff;

/* ---- Server and proxy ---------------------------------------------------- */

void faults_start(const char *const *accounts)
{
    memset(&ff, 0, sizeof ff);
    /* On-disk storage syncs every publish: in memory (/dev/shm) when there
     * is one, it still survives SIGKILL and costs no disk latency. */
    g_autofree char *shm_dir = g_strdup("/dev/shm/rc-faults-prosody-XXXXXX");
    if (!g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) || !g_mkdtemp(shm_dir))
        g_clear_pointer(&shm_dir, g_free);
    rc_server_options options = { .dir = shm_dir,
                                  .keep = g_getenv("RC_TEST_KEEP") != NULL };
    prog_server *server = prog_server_start_with(&options, accounts);
    GError *error = NULL;
    ff.server = server;
    if (!(ff.proxy = rc_tcp_proxy_new(server->port, &error)))
        fail_msg("%s", error->message);
    ff.registry = roomctl_registry_new();
    if (!roomctl_registry_load_dir(ff.registry, g_getenv("RC_SCHEMA_DIR"), &error))
        fail_msg("schemas: %s", error->message);
}

void faults_stop(void)
{
    rc_tcp_proxy_free(ff.proxy);
    prog_server_stop(ff.server);
    roomctl_registry_free(ff.registry);
    memset(&ff, 0, sizeof ff);
}

guint16 faults_server_port(void) { return rc_server_port(ff.server->xmpp); }
guint16 faults_proxy_port(void) { return rc_tcp_proxy_port(ff.proxy); }

void faults_kill_server(void)
{
    rc_server_kill(ff.server->xmpp);
}

void faults_restart_server(void)
{
    GError *error = NULL;
    if (!rc_server_restart(ff.server->xmpp, &error))
        fail_msg("Prosody did not come back: %s", error->message);
    ff.restarts++;
}

/* ---- Buses, rooms, items ----------------------------------------------------- */

void faults_settle(guint ms)
{
    gboolean never = FALSE;
    WAIT_UNTIL(never, ms);
}

roomctl_bus *faults_bus(const char *user, guint16 port)
{
    return faults_bus_timeout(user, port, 3000);
}

static roomctl_bus *bus_with(const char *user, guint16 port, guint timeout_ms, gboolean no_sm)
{
    g_autofree char *jid = rc_server_jid(user);
    g_autofree char *password = g_strconcat("pw-", user, NULL);
    roomctl_bus_options options = {
        .jid = jid, .password = password, .host = "127.0.0.1", .port = port,
        .allow_plaintext = TRUE, .request_timeout_ms = timeout_ms,
        .reconnect_min_ms = 100, .reconnect_max_ms = 1000, .keepalive_ms = 1000,
        .disable_stream_management = no_sm,
    };
    roomctl_bus *bus = roomctl_bus_new(&options, ff.registry, NULL);
    g_autoptr(GError) error = NULL;
    if (!roomctl_bus_connect_sync(bus, &error))
        fail_msg("cannot connect as %s: %s", user, error->message);
    return bus;
}

roomctl_bus *faults_bus_timeout(const char *user, guint16 port, guint timeout_ms)
{
    return bus_with(user, port, timeout_ms, FALSE);
}

roomctl_bus *faults_bus_no_sm(const char *user, guint16 port)
{
    return bus_with(user, port, 5000, TRUE);
}

char *faults_room(const char *what)
{
    char *room = g_strdup_printf("%s-%u@" RC_SERVER_MUC, what, ++ff.rooms);
    roomctl_bus *owner = faults_bus(FAULTS_OWNER, faults_server_port());
    g_autoptr(GError) error = NULL;
    roomctl_room_info *info = roomctl_bus_room_create_sync(owner, room, ROOMCTL_ACCESS_OPEN,
                                                           &error);
    if (!info)
        fail_msg("room create %s: %s", room, error->message);
    roomctl_room_info_free(info);
    if (!roomctl_bus_room_grant_sync(owner, room, FAULTS_MODERATOR "@" RC_SERVER_DOMAIN,
                                     ROOMCTL_AFFILIATION_MODERATOR, &error))
        fail_msg("grant: %s", error->message);
    roomctl_bus_free(owner);
    return room;
}

roomctl_item *faults_button(guint key, gboolean enabled, gboolean visible)
{
    g_autofree char *button = g_strdup_printf("button=k%u", key);
    const char *assignments[] = { button, enabled ? "enabled=true" : "enabled=false",
                                  visible ? "visible=true" : "visible=false", NULL };
    g_autoptr(GError) error = NULL;
    roomctl_item *item = roomctl_item_new_from_assignments(ff.registry, "ui.button",
                                                           assignments, &error);
    if (!item)
        fail_msg("ui.button: %s", error->message);
    return item;
}

GPtrArray *faults_node_state(roomctl_bus *bus, const char *room)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        WAIT_UNTIL(roomctl_bus_is_connected(bus), 20000);
        g_autoptr(GError) error = NULL;
        GPtrArray *items = roomctl_bus_fetch_items_sync(bus, room, NULL, &error);
        if (items) {
            for (guint i = items->len; i-- > 0;)
                if (!roomctl_item_is_state(items->pdata[i]))
                    g_ptr_array_remove_index(items, i);
            return items;
        }
        faults_settle(200);
    }
    fail_msg("cannot fetch the items of %s", room);
    return NULL;
}

/* ---- Mirror --------------------------------------------------------------------- */

static void m_item(roomctl_room *room, const roomctl_item *item, void *data)
{
    mirror *m = data;
    m->delivered++;
    const roomctl_item *current = g_hash_table_lookup(m->state, roomctl_item_id(item));
    if (current && rc_item_equal(current, item))
        m->reapplied++;
    if (roomctl_item_is_state(item))
        g_hash_table_replace(m->state, g_strdup(roomctl_item_id(item)),
                             (gpointer)roomctl_item_ref(item));
}

static void m_reset(roomctl_room *room, const char *type, const char *id, void *data)
{
    mirror *m = data;
    m->resets++;
    g_hash_table_remove(m->state, id);
}

static void m_purge(roomctl_room *room, void *data)
{
    mirror *m = data;
    m->purges++;
    g_hash_table_remove_all(m->state);
}

static void m_synced(roomctl_room *room, const GError *error, void *data)
{
    if (!error)
        ((mirror *)data)->syncs++;
}

const roomctl_room_callbacks mirror_callbacks = {
    .item = m_item, .reset = m_reset, .purge = m_purge, .deleted = m_purge, .synced = m_synced,
};

mirror *mirror_new(void)
{
    mirror *m = g_new0(mirror, 1);
    m->state = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify)roomctl_item_unref);
    return m;
}

void mirror_free(gpointer data)
{
    mirror *m = data;
    g_hash_table_unref(m->state);
    g_free(m);
}

guint mirror_wrong(const mirror *m, GPtrArray *node, guint *checked)
{
    guint wrong = 0;
    for (guint i = 0; i < node->len; i++) {
        const roomctl_item *want = node->pdata[i];
        const roomctl_item *got = g_hash_table_lookup(m->state, roomctl_item_id(want));
        if (!got || !rc_item_equal(got, want)) {
            wrong++;
            if (g_getenv("RC_TEST_VERBOSE")) {
                g_autofree char *w = roomctl_item_encode_xml(want);
                g_autofree char *g = got ? roomctl_item_encode_xml(got) : g_strdup("(none)");
                fprintf(stderr, "mirror %p: %s\n  node: %s\n  got:  %s\n", (void *)m,
                        roomctl_item_id(want), w, g);
            }
        }
    }
    guint extra = g_hash_table_size(m->state) > node->len
                      ? g_hash_table_size(m->state) - node->len : 0;
    if (checked)
        *checked += node->len + extra;
    return wrong + extra;
}

/* ---- Agent processes ------------------------------------------------------------ */

gboolean faults_ui_file_matches(const char *path, GPtrArray *node)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return FALSE;
    guint buttons = 0;
    for (const char *at = text; (at = strstr(at, "\"enabled\":")); at++)
        buttons++;
    if (buttons != node->len)
        return FALSE;
    for (guint i = 0; i < node->len; i++) {
        const roomctl_item *item = node->pdata[i];
        int enabled = 1, visible = 1;
        roomctl_item_get_bool(item, "enabled", &enabled);
        roomctl_item_get_bool(item, "visible", &visible);
        const char *key = strchr(roomctl_item_id(item), ':') + 1;
        g_autofree char *entry = g_strdup_printf("\"%s\": {\"enabled\":%s,\"visible\":%s}", key,
                                                 enabled ? "true" : "false",
                                                 visible ? "true" : "false");
        if (!strstr(text, entry))
            return FALSE;
    }
    return TRUE;
}

prog_agent *faults_agent_start(const char *name, guint16 port, const char *room,
                             const char *extra_plugins, const char *extra_yaml)
{
    static guint runs;
    prog_server *server = ff.server;
    prog_agent *agent = g_new0(prog_agent, 1);
    agent->server = server;
    agent->name = g_strdup(name);
    agent->config = g_strdup_printf("%s/%s.yaml", server->dir, name);
    agent->log = g_strdup_printf("%s/%s.%u.log", server->dir, name, ++runs);
    agent->ui_file = g_strdup_printf("%s/%s.ui.json", server->dir, name);
    agent->audit_file = g_strdup_printf("%s/%s.audit.jsonl", server->dir, name);
    agent->chat_file = g_strdup_printf("%s/%s.chat.json", server->dir, name);
    g_autofree char *password_file = prog_password_file(server, name);
    g_autofree char *yaml = g_strdup_printf(
        "# written by tests/faults_fixture.c\n"
        "account:\n  jid: %s@%s/agent\n  password_file: %s\n"
        "server:\n  host: 127.0.0.1\n  port: %u\n  pubsub_service: %s\n"
        "  allow_plaintext: true\n  reconnect_min_ms: 100\n  reconnect_max_ms: 1000\n"
        "  keepalive_ms: 1000\n"
        "room: %s\nschema_dirs: [%s]\nplugin_dirs: [%s]\n"
        "plugins:\n"
        "  - name: ui-state\n    config: {file: %s}\n"
        "  - name: audit\n    config: {file: %s}\n"
        "%s"
        "chat_state_file: %s\nstate_file: %s/%s.journal\nlog_level: debug\n%s",
        name, server->domain, password_file, port, server->pubsub, room,
        g_getenv("RC_SCHEMA_DIR"), g_getenv("RC_PLUGIN_DIR"), agent->ui_file,
        agent->audit_file, extra_plugins ? extra_plugins : "", agent->chat_file,
        server->dir, name, extra_yaml ? extra_yaml : "");
    assert_true(g_file_set_contents(agent->config, yaml, -1, NULL));
    const char *argv[] = { g_getenv("ROOMCTL_AGENT_BIN"), "--config", agent->config, NULL };
    agent->pid = prog_spawn(server, name, agent->log, argv);
    g_ptr_array_add(server->agents, agent);
    g_autofree char *joined = g_strdup_printf("%s: joined", room);
    if (!prog_wait_for(agent->log, joined, 20)) {
        g_autofree char *message = g_strdup_printf("agent %s did not join %s within 20 s",
                                                   name, room);
        prog_fail(server, message);
    }
    return agent;
}

void faults_agent_kill(prog_agent *agent)
{
    g_ptr_array_remove(agent->server->agents, agent);
    kill(agent->pid, SIGKILL);
    waitpid(agent->pid, NULL, 0);
    g_spawn_close_pid(agent->pid);
    prog_agent_free(agent);
}

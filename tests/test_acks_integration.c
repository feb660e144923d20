/* Acknowledgements against a real Prosody, roomctl-gate its component
 * (issue 13): three agents (one applies, one has a plugin that fails on
 * purpose, one has no slideshow plugin) answer `publish --wait` with 1
 * applied, 1 failed with the plugin's reason, 1 unsupported and exit 8; an
 * agent killed mid-run shows as gone in `status`; a version-2 item is warned
 * about (and refused with --require-all) while version-1 clients are there. */
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include <roomctl/roomctl.h>

#include "prog_fixture.h"
#include "gate_client.h"

#define WAIT 15.0
#define SECRET "gate-secret-for-tests"
#define GATE RC_SERVER_GATE

static const char *const accounts[] = { "screen1", "screen2", "screen3", "screen4", NULL };

typedef struct {
    prog_server *server;
    char *room;
    char *v2_dir;         /* a slideshow.slide version 2 the agents do not have */
    GPid gate;
    char *gate_log;
    GPid agents[3];
    char *agent_logs[3];
} fixture;

/* slideshow.slide version 2: version 1 with an optional 'transition'. */
static const char v2_schema[] =
    "type: slideshow.slide\nversion: 2\ndescription: A slide with a transition.\n"
    "kind: state\nkey: [deck]\nfields:\n"
    "  deck: {type: string, required: true}\n"
    "  index: {type: int, required: true, min: 1}\n"
    "  transition: {type: string}\n";

static void start_gate(fixture *f)
{
    g_autofree char *rooms = g_strdup_printf("[%s]", f->room);
    g_autofree char *schemas = g_strdup_printf("[%s, %s]", g_getenv("RC_SCHEMA_DIR"), f->v2_dir);
    g_autofree char *config = rc_server_write_gate_config(f->server->xmpp, SECRET, rooms,
                                                           schemas, "debug");
    const char *argv[] = { g_getenv("ROOMCTL_GATE_BIN"), "--config", config, NULL };
    f->gate = prog_spawn(f->server, PROG_OWNER, f->gate_log, argv);
    if (!prog_wait_for(f->gate_log, "serving requests", WAIT))
        prog_fail(f->server, "the gate did not enter the room");
}

/* Agent @i: screen1 shows slides, screen2 too but a probe plugin fails every
 * slide, screen3 has only ui-state (no slideshow plugin). */
static void start_agent(fixture *f, int i)
{
    static const char *const names[] = { "screen1", "screen2", "screen3" };
    const char *name = names[i];
    char *dir = f->server->dir;
    g_autofree char *password_file = prog_password_file(f->server, name);
    g_autofree char *plugins = NULL;
    if (i < 2)
        plugins = g_strdup_printf(
            "  - name: slideshow\n    config: {cache_dir: %s/%s-cache, file: %s/%s-slides.json}\n"
            "%s", dir, name, dir, name,
            i == 1 ? "  - name: probe-b\n    config: {types: 'slideshow.*', fail: true}\n" : "");
    else
        plugins = g_strdup_printf("  - name: ui-state\n    config: {file: %s/%s-ui.json}\n",
                                  dir, name);
    g_autofree char *yaml = g_strdup_printf(
        "account: {jid: %s@%s/agent, password_file: %s}\n"
        "server: {host: 127.0.0.1, port: %d, pubsub_service: %s, allow_plaintext: true}\n"
        "rooms: [%s]\nschema_dirs: [%s]\nplugin_dirs: [%s, %s]\nplugins:\n%s"
        "gate: " GATE "\nlog_level: debug\n",
        name, f->server->domain, password_file, f->server->port, f->server->pubsub, f->room,
        g_getenv("RC_SCHEMA_DIR"), g_getenv("RC_PLUGIN_DIR"), g_getenv("RC_TEST_PLUGIN_DIR"),
        plugins);
    g_autofree char *config = g_strdup_printf("%s/%s.yaml", dir, name);
    assert_true(g_file_set_contents(config, yaml, -1, NULL));
    g_free(f->agent_logs[i]);
    f->agent_logs[i] = g_strdup_printf("%s/%s.log", dir, name);
    const char *argv[] = { g_getenv("ROOMCTL_AGENT_BIN"), "--config", config, NULL };
    g_autofree char *here = g_strdup_printf("client %s@localhost/agent is here", name);
    guint before = prog_count(f->gate_log, here); /* an earlier agent of the same name */
    f->agents[i] = prog_spawn(f->server, name, f->agent_logs[i], argv);
    gint64 end = g_get_monotonic_time() + (gint64)(WAIT * G_USEC_PER_SEC);
    while (prog_count(f->gate_log, here) == before && g_get_monotonic_time() < end)
        g_usleep(20000);
    if (prog_count(f->gate_log, here) == before)
        prog_fail(f->server, "an agent did not announce itself to the gate");
}

static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    rc_server_options options = { .component_secret = SECRET };
    f->server = prog_server_start_with(&options, accounts);
    f->room = prog_room(f->server, "acks");
    f->gate_log = g_build_filename(f->server->dir, "gate.log", NULL);
    f->v2_dir = g_build_filename(f->server->dir, "schemas-v2", NULL);
    g_mkdir(f->v2_dir, 0700);
    g_autofree char *v2 = g_build_filename(f->v2_dir, "slideshow.slide.v2.yaml", NULL);
    assert_true(g_file_set_contents(v2, v2_schema, -1, NULL));
    char *out = NULL, *err = NULL;
    int status = prog_roomctl(f->server, PROG_OWNER, &out, &err, "room", "create", f->room,
                            "--gate", GATE, NULL);
    if (status != 0)
        fail_msg("room create --gate: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
    start_gate(f);
    for (int i = 0; i < 3; i++)
        start_agent(f, i);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (!f)
        return 0; /* setup failed, and said why */
    /* Each exits cleanly (under ASan: without leaks). */
    int agents_status = 0, gate_status = 0;
    for (int i = 0; i < 3; i++) {
        if (f->agents[i] && prog_interrupt(f->agents[i]) != 0) {
            fprintf(stderr, "---- %s ----\n", f->agent_logs[i]);
            g_autofree char *log = NULL;
            if (g_file_get_contents(f->agent_logs[i], &log, NULL, NULL))
                fputs(log, stderr);
            agents_status = 1;
        }
        g_free(f->agent_logs[i]);
    }
    if (f->gate && (gate_status = prog_interrupt(f->gate)) != 0) {
        g_autofree char *log = NULL;
        if (g_file_get_contents(f->gate_log, &log, NULL, NULL))
            fprintf(stderr, "---- gate.log ----\n%s", log);
    }
    prog_server_stop(f->server);
    g_free(f->room);
    g_free(f->gate_log);
    g_free(f->v2_dir);
    g_free(f);
    assert_int_equal(agents_status, 0);
    assert_int_equal(gate_status, 0);
    return 0;
}

static int roomctl(fixture *f, char **out, char **err, const char *const *args)
{
    return prog_roomctlv(f->server, PROG_OWNER, out, err, args);
}

static void test_wait_reports_every_client(void **state)
{
    fixture *f = *state;
    char *out = NULL, *err = NULL;
    const char *args[] = { "publish", f->room, "slideshow.slide", "deck=main", "index=1",
                           "--gate", GATE, "--wait=10", NULL };
    int status = roomctl(f, &out, &err, args);
    if (status != 8 ||
        !strstr(out, "applied on 1 of 3 clients; failed on 1: screen2@localhost/agent: "
                     "probe-b: probe-b told to fail; unsupported on 1: "
                     "screen3@localhost/agent: no plugin of this client handles "
                     "slideshow.slide\n"))
        fail_msg("publish --wait: exit %d\n%s%s", status, out, err);
    assert_non_null(strstr(out, "published slideshow.slide:main to "));
    g_free(out);
    g_free(err);
    /* --json: every client with its result. */
    const char *json_args[] = { "publish", f->room, "slideshow.slide", "deck=main", "index=2",
                                "--gate", GATE, "--wait", "--json", NULL };
    status = roomctl(f, &out, &err, json_args);
    assert_int_equal(status, 8);
    if (!strstr(out, "\"total\":3,\"applied\":1,\"failed\":1,\"unsupported\":1,\"dropped\":0,"
                     "\"gone\":0,\"waiting\":0") ||
        !strstr(out, "{\"jid\":\"screen1@localhost/agent\",\"result\":\"applied\",\"plugin\":"
                     "null,\"reason\":null}") ||
        !strstr(out, "\"reason\":\"probe-b told to fail\""))
        fail_msg("publish --wait --json:\n%s%s", out, err);
    g_free(out);
    g_free(err);
    /* A retraction every client applies: exit 0. */
    const char *retract[] = { "retract", f->room, "slideshow.slide:main", "--gate", GATE,
                              "--wait=10", NULL };
    status = roomctl(f, &out, &err, retract);
    if (status != 0 || !strstr(out, "applied on 3 of 3 clients\n"))
        fail_msg("retract --wait: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
}

static void test_wait_needs_a_gate(void **state)
{
    fixture *f = *state;
    char *out = NULL, *err = NULL;
    const char *args[] = { "publish", f->room, "ui.button", "button=send", "--wait", NULL };
    int status = roomctl(f, &out, &err, args);
    if (status != 2 || !strstr(err, "--wait needs a gate: only roomctl-gate collects the "
                                    "clients' acknowledgements"))
        fail_msg("publish --wait without a gate: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
}

static void test_status_shows_a_stopped_agent_gone(void **state)
{
    fixture *f = *state;
    char *out = NULL, *err = NULL;
    const char *args[] = { "status", f->room, "--gate", GATE, "--json", NULL };
    int status = roomctl(f, &out, &err, args);
    if (status != 0 || !strstr(out, "{\"jid\":\"screen3@localhost/agent\",\"present\":true,"
                                    "\"synced\":true"))
        fail_msg("status: exit %d\n%s%s", status, out, err);
    assert_non_null(strstr(out, "\"handles\":{\"slideshow.slide\":[1]}"));
    g_free(out);
    g_free(err);
    /* Stopped: the agent sends no goodbye to the gate; its server does.  (A
     * killed one shows as gone when the server ends its session: with
     * stream management, after the resumption timeout.) */
    prog_interrupt(f->agents[2]);
    f->agents[2] = 0;
    if (!prog_wait_for(f->gate_log, "client screen3@localhost/agent went away", WAIT))
        prog_fail(f->server, "the gate did not learn that a stopped agent went away");
    status = roomctl(f, &out, &err, args);
    if (status != 0 || !strstr(out, "{\"jid\":\"screen3@localhost/agent\",\"present\":false"))
        fail_msg("status after the stop: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
    const char *text[] = { "status", f->room, "--gate", GATE, NULL };
    status = roomctl(f, &out, &err, text);
    if (status != 0 || !strstr(out, "2 clients connected, 1 gone") ||
        !strstr(out, "screen3@localhost/agent  gone since"))
        fail_msg("status (text): exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
    start_agent(f, 2);
}

static void test_version_2_warned_about(void **state)
{
    fixture *f = *state;
    g_autofree char *schemas = g_strdup_printf("%s:%s", g_getenv("RC_SCHEMA_DIR"), f->v2_dir);
    char *out = NULL, *err = NULL;
    const char *args[] = { "publish", f->room, "slideshow.slide", "deck=v2", "index=1",
                           "transition=fade", "--schemas", schemas, "--gate", GATE,
                           "--require-all", NULL };
    int status = roomctl(f, &out, &err, args);
    if (status != 8 ||
        !strstr(err, "refused (--require-all): 3 of 3 connected clients cannot handle "
                     "slideshow.slide version 2: screen1@localhost/agent (handles versions 1)") ||
        !strstr(err, "; version 1 refuses the fields: "))
        fail_msg("publish v2 --require-all: exit %d\n%s%s", status, out, err);
    assert_null(strstr(out, "published"));
    g_free(out);
    g_free(err);
    args[G_N_ELEMENTS(args) - 2] = NULL; /* without --require-all: a warning, then published */
    status = roomctl(f, &out, &err, args);
    if (status != 0 || !strstr(err, "warning: 3 of 3 connected clients cannot handle "
                                    "slideshow.slide version 2") ||
        !strstr(err, "screen3@localhost/agent (no plugin for the type)") ||
        !strstr(out, "published slideshow.slide:v2"))
        fail_msg("publish v2: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
    /* Fields version 1 takes too, no version asked for: sent as version 1,
     * which every connected client handles, and applied (issue 17's default). */
    const char *auto_args[] = { "publish", f->room, "slideshow.slide", "deck=auto", "index=1",
                                "--schemas", schemas, "--gate", GATE, "--require-all",
                                "--wait=10", NULL };
    status = roomctl(f, &out, &err, auto_args);
    /* screen3 has no slideshow plugin: no version helps, --require-all refuses. */
    if (status != 8 ||
        !strstr(err, "sending slideshow.slide version 1, the highest the connected clients "
                     "handle (3 of 3 cannot handle version 2:") ||
        !strstr(err, "refused (--require-all): 1 of 3 connected clients cannot handle "
                     "slideshow.slide version 1: screen3@localhost/agent (no plugin for the "
                     "type)") || strstr(out, "published"))
        fail_msg("publish without a version, --require-all: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
    auto_args[G_N_ELEMENTS(auto_args) - 3] = "--wait=10"; /* without --require-all */
    auto_args[G_N_ELEMENTS(auto_args) - 2] = NULL;
    status = roomctl(f, &out, &err, auto_args);
    if (status != 8 || !strstr(err, "sending slideshow.slide version 1") ||
        !strstr(out, "published slideshow.slide:auto") ||
        !strstr(out, "applied on 1 of 3 clients; failed on 1: screen2@localhost/agent"))
        fail_msg("publish without a version: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
    /* `status --type` asks the same. */
    const char *st[] = { "status", f->room, "--gate", GATE, "--type", "slideshow.slide@1",
                         NULL };
    status = roomctl(f, &out, &err, st);
    if (status != 0 || !strstr(out, "1 connected clients cannot handle slideshow.slide@1"))
        fail_msg("status --type: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
}

/* The same status as an ad-hoc command: what a moderator sees in Gajim. */
static void test_status_as_adhoc_command(void **state)
{
    fixture *f = *state;
    g_autofree char *jid = prog_jid(f->server, PROG_OWNER);
    roomctl_registry *registry = roomctl_registry_new();
    roomctl_bus_options options = {
        .jid = jid, .password = "pw-" PROG_OWNER, .host = "127.0.0.1",
        .port = (guint16)f->server->port, .pubsub_service = f->server->pubsub,
        .allow_plaintext = TRUE,
    };
    roomctl_bus *bus = roomctl_bus_new(&options, registry, NULL);
    GError *error = NULL;
    if (!roomctl_bus_connect_sync(bus, &error) ||
        !rc_muc_join_sync(bus, f->room, "owner-adhoc", NULL, NULL, &error))
        fail_msg("owner: %s", error->message);
    g_autofree char *xml = g_strdup_printf(
        "<iq type='set' to='" GATE "'><command xmlns='http://jabber.org/protocol/commands' "
        "node='status/%s' action='execute'/></iq>", f->room);
    xmpp_stanza_t *iq = xmpp_stanza_new_from_string(rc_bus_ctx(bus), xml);
    rc_gate_answer *answer = rc_gate_call_sync(bus, GATE, iq, &error);
    xmpp_stanza_release(iq);
    if (!answer)
        fail_msg("status command: %s", error->message);
    xmpp_stanza_t *note = xmpp_stanza_get_child_by_path(answer->reply, "iq", "command", "note",
                                                       NULL);
    assert_non_null(note);
    char *text = xmpp_stanza_get_text(note);
    if (!strstr(text, "3 clients connected") ||
        !strstr(text, "screen2@localhost/agent: connected since") ||
        !strstr(text, "screen1@localhost/agent: connected since") ||
        /* the version-2 item of the test before */
        !strstr(text, "last failure: unsupported slideshow.slide:v2: slideshow.slide: unknown "
                      "version 2 (known up to 1)"))
        fail_msg("the status command's note:\n%s", text);
    xmpp_free(rc_bus_ctx(bus), text);
    rc_gate_answer_free(answer);
    rc_muc_leave(bus, f->room, "owner-adhoc");
    roomctl_bus_free(bus);
    roomctl_registry_free(registry);
}

/* A restarted gate knows no clients; their next acknowledgement makes it
 * ask them to announce themselves again (wire-format 12.5). */
static void test_restarted_gate_learns_clients_again(void **state)
{
    fixture *f = *state;
    assert_int_equal(prog_interrupt(f->gate), 0);
    start_gate(f);
    char *out = NULL, *err = NULL;
    const char *status_args[] = { "status", f->room, "--gate", GATE, "--json", NULL };
    int status = roomctl(f, &out, &err, status_args);
    if (status != 0 || !strstr(out, "\"clients\":[]"))
        fail_msg("status after a gate restart: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
    const char *publish[] = { "publish", f->room, "ui.button", "button=again", "--gate", GATE,
                              NULL };
    status = roomctl(f, &out, &err, publish);
    if (status != 0)
        fail_msg("publish after a gate restart: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
    for (int i = 1; i <= 3; i++) {
        g_autofree char *here = g_strdup_printf("client screen%d@localhost/agent is here", i);
        if (!prog_wait_for(f->gate_log, here, WAIT))
            prog_fail(f->server, "a client did not announce itself to the restarted gate");
    }
    status = roomctl(f, &out, &err, status_args);
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, "{\"jid\":\"screen3@localhost/agent\",\"present\":true"));
    g_free(out);
    g_free(err);
}

/* Lines of the gate's log where it received an acknowledgement from @who. */
static guint acks_from(fixture *f, const char *who)
{
    g_autofree char *log = NULL;
    if (!g_file_get_contents(f->gate_log, &log, NULL, NULL))
        return 0;
    guint n = 0;
    g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
    for (guint i = 0; lines[i]; i++)
        n += strstr(lines[i], "RECV: ") && strstr(lines[i], "<ack ") && strstr(lines[i], who);
    return n;
}

static gboolean room_synced(gpointer room) { return roomctl_room_is_synced(room); }

/* Iterate until @done(@data) or @seconds passed; then as long again as
 * @settle_ms, so that what would follow has time to. */
static gboolean iterate(gboolean (*done)(gpointer), gpointer data, double seconds,
                        guint settle_ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);
    while (!(done && done(data)) && g_get_monotonic_time() < end)
        if (!g_main_context_iteration(NULL, FALSE))
            g_usleep(2000);
    gint64 settle = g_get_monotonic_time() + settle_ms * 1000;
    while (g_get_monotonic_time() < settle)
        if (!g_main_context_iteration(NULL, FALSE))
            g_usleep(2000);
    return !done || done(data);
}

typedef struct { fixture *f; const char *who; guint want; } ack_wait;
static gboolean acks_reached(gpointer data)
{
    ack_wait *w = data;
    return acks_from(w->f, w->who) >= w->want;
}

/* A receiver that loses its connection (no stream management: a new
 * session, the room joined again and its items fetched anew) does not
 * acknowledge again what it acknowledged before; a changed item it does. */
static void test_reconnect_reports_nothing_twice(void **state)
{
    fixture *f = *state;
    g_autofree char *jid = prog_jid(f->server, "screen4");
    roomctl_registry *registry = roomctl_registry_new();
    assert_true(roomctl_registry_load_path(registry, g_getenv("RC_SCHEMA_DIR"), NULL));
    roomctl_host *host = roomctl_host_new(registry);
    GError *error = NULL;
    if (!roomctl_host_add_plugin_dir(host, g_getenv("RC_TEST_PLUGIN_DIR"), &error))
        fail_msg("%s", error->message);
    roomctl_config *section = roomctl_config_load_string("probe", "types: 'ui.*'", -1, &error);
    if (!section || !roomctl_host_load(host, "probe-a", section, &error))
        fail_msg("probe-a: %s", error->message);
    roomctl_bus_options options = {
        .jid = jid, .password = "pw-screen4", .host = "127.0.0.1",
        .port = (guint16)f->server->port, .pubsub_service = f->server->pubsub,
        .allow_plaintext = TRUE, .disable_stream_management = TRUE,
        .reconnect_min_ms = 100, .reconnect_max_ms = 200,
    };
    roomctl_bus *bus = roomctl_bus_new(&options, registry, NULL);
    roomctl_bus_set_gate(bus, GATE, host);
    if (!roomctl_bus_connect_sync(bus, &error))
        fail_msg("screen4: %s", error->message);
    roomctl_room *room = roomctl_bus_join_host(bus, f->room, host);
    assert_true(iterate(room_synced, room, WAIT, 300));
    /* The state it joined with (ui.button:again of an earlier test) is
     * acknowledged once. */
    ack_wait w = { f, "from=\"screen4@localhost/", 1 };
    if (!iterate(acks_reached, &w, WAIT, 300))
        prog_fail(f->server, "screen4 acknowledged nothing");
    guint before = acks_from(f, w.who);
    roomctl_bus_stats stats;
    roomctl_bus_get_stats(bus, &stats);
    rc_conn_abort(bus->conn);
    roomctl_bus_stats now = stats;
    gint64 end = g_get_monotonic_time() + (gint64)(WAIT * G_USEC_PER_SEC);
    while ((now.connects == stats.connects || !roomctl_room_is_synced(room)) &&
           g_get_monotonic_time() < end) {
        iterate(NULL, NULL, 0, 20);
        roomctl_bus_get_stats(bus, &now);
    }
    assert_true(now.connects > stats.connects && roomctl_room_is_synced(room));
    iterate(NULL, NULL, 0, 500);
    if (acks_from(f, w.who) != before) {
        g_autofree char *log = NULL;
        g_file_get_contents(f->gate_log, &log, NULL, NULL);
        g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
        for (guint i = 0; lines[i]; i++)
            if (strstr(lines[i], "<ack ") && strstr(lines[i], w.who))
                fprintf(stderr, "%s\n", lines[i]);
        fail_msg("screen4 acknowledged again after reconnecting");
    }
    /* A changed item is acknowledged: the count can move. */
    const char *args[] = { "publish", f->room, "ui.button", "button=again", "enabled=false",
                           "--gate", GATE, NULL };
    char *out = NULL, *err = NULL;
    int status = roomctl(f, &out, &err, args);
    if (status != 0)
        fail_msg("publish: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
    w.want = before + 1;
    if (!iterate(acks_reached, &w, WAIT, 300))
        prog_fail(f->server, "screen4 did not acknowledge a changed item");
    assert_int_equal(acks_from(f, w.who), before + 1);
    roomctl_bus_free(bus);
    roomctl_host_free(host);
    roomctl_config_free(section);
    roomctl_registry_free(registry);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wait_reports_every_client),
        cmocka_unit_test(test_wait_needs_a_gate),
        cmocka_unit_test(test_status_shows_a_stopped_agent_gone),
        cmocka_unit_test(test_version_2_warned_about),
        cmocka_unit_test(test_status_as_adhoc_command),
        cmocka_unit_test(test_restarted_gate_learns_clients_again),
        cmocka_unit_test(test_reconnect_reports_nothing_twice),
    };
    return cmocka_run_group_tests_name("acks_integration", tests, setup, teardown);
}

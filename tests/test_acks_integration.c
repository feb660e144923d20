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

#include "c2_fixture.h"
#include "gate_client.h"

#define WAIT 15.0
#define SECRET "gate-secret-for-tests"
#define GATE RC_PROSODY_GATE

static const char *const accounts[] = { "screen1", "screen2", "screen3", NULL };

typedef struct {
    c2_server *server;
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
    g_autofree char *config = rc_prosody_write_gate_config(f->server->prosody, SECRET, rooms,
                                                           schemas, "debug");
    const char *argv[] = { g_getenv("ROOMCTL_GATE_BIN"), "--config", config, NULL };
    f->gate = c2_spawn(f->server, C2_OWNER, f->gate_log, argv);
    if (!c2_wait_for(f->gate_log, "serving requests", WAIT))
        c2_fail(f->server, "the gate did not enter the room");
}

/* Agent @i: screen1 shows slides, screen2 too but a probe plugin fails every
 * slide, screen3 has only ui-state (no slideshow plugin). */
static void start_agent(fixture *f, int i)
{
    static const char *const names[] = { "screen1", "screen2", "screen3" };
    const char *name = names[i];
    char *dir = f->server->dir;
    g_autofree char *password_file = c2_password_file(f->server, name);
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
    guint before = c2_count(f->gate_log, here); /* an earlier agent of the same name */
    f->agents[i] = c2_spawn(f->server, name, f->agent_logs[i], argv);
    gint64 end = g_get_monotonic_time() + (gint64)(WAIT * G_USEC_PER_SEC);
    while (c2_count(f->gate_log, here) == before && g_get_monotonic_time() < end)
        g_usleep(20000);
    if (c2_count(f->gate_log, here) == before)
        c2_fail(f->server, "an agent did not announce itself to the gate");
}

static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    rc_prosody_options options = { .gate_secret = SECRET };
    f->server = c2_server_start_with(&options, accounts);
    f->room = c2_room(f->server, "acks");
    f->gate_log = g_build_filename(f->server->dir, "gate.log", NULL);
    f->v2_dir = g_build_filename(f->server->dir, "schemas-v2", NULL);
    g_mkdir(f->v2_dir, 0700);
    g_autofree char *v2 = g_build_filename(f->v2_dir, "slideshow.slide.v2.yaml", NULL);
    assert_true(g_file_set_contents(v2, v2_schema, -1, NULL));
    char *out = NULL, *err = NULL;
    int status = c2_roomctl(f->server, C2_OWNER, &out, &err, "room", "create", f->room,
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
        if (f->agents[i] && c2_interrupt(f->agents[i]) != 0) {
            fprintf(stderr, "---- %s ----\n", f->agent_logs[i]);
            g_autofree char *log = NULL;
            if (g_file_get_contents(f->agent_logs[i], &log, NULL, NULL))
                fputs(log, stderr);
            agents_status = 1;
        }
        g_free(f->agent_logs[i]);
    }
    if (f->gate && (gate_status = c2_interrupt(f->gate)) != 0) {
        g_autofree char *log = NULL;
        if (g_file_get_contents(f->gate_log, &log, NULL, NULL))
            fprintf(stderr, "---- gate.log ----\n%s", log);
    }
    c2_server_stop(f->server);
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
    return c2_roomctlv(f->server, C2_OWNER, out, err, args);
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
    c2_interrupt(f->agents[2]);
    f->agents[2] = 0;
    if (!c2_wait_for(f->gate_log, "client screen3@localhost/agent went away", WAIT))
        c2_fail(f->server, "the gate did not learn that a stopped agent went away");
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
    g_autofree char *jid = c2_jid(f->server, C2_OWNER);
    roomctl_registry *registry = roomctl_registry_new();
    roomctl_bus_options options = {
        .jid = jid, .password = "pw-" C2_OWNER, .host = "127.0.0.1",
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
 * ask them to announce themselves again (wire-format 11.5). */
static void test_restarted_gate_learns_clients_again(void **state)
{
    fixture *f = *state;
    assert_int_equal(c2_interrupt(f->gate), 0);
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
        if (!c2_wait_for(f->gate_log, here, WAIT))
            c2_fail(f->server, "a client did not announce itself to the restarted gate");
    }
    status = roomctl(f, &out, &err, status_args);
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, "{\"jid\":\"screen3@localhost/agent\",\"present\":true"));
    g_free(out);
    g_free(err);
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
    };
    return cmocka_run_group_tests_name("acks_integration", tests, setup, teardown);
}

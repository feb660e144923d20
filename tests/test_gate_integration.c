/* roomctl-gate against a real Prosody, the gate a component of it: a
 * moderator's publish reaches three agents; a participant is refused; a
 * role granted or revoked mid-session counts on the next request; a
 * malformed item never reaches the node; nobody but the gate may publish to
 * the node; a request during an outage fails at once; a restarted gate reads
 * the roles again before serving. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "prog_fixture.h"
#include "raw_xmpp.h"
#include "codec.h"
#include "gate_client.h"

#define WAIT 10.0
#define SECRET "gate-secret-for-tests"
#define GATE RC_SERVER_GATE

static const char *const accounts[] = { "screen1", "screen2", "screen3", "pat", NULL };

typedef struct {
    prog_server *server;
    char *room;
    GPid gate;
    char *gate_log;
    roomctl_registry *registry;
    roomctl_bus *owner;   /* in the room: a moderator (room owner) */
    roomctl_bus *pat;     /* in the room: a participant */
} fixture;

static roomctl_bus *login(fixture *f, const char *name)
{
    g_autofree char *jid = prog_jid(f->server, name);
    g_autofree char *password = g_strdup_printf("pw-%s", name);
    roomctl_bus_options options = {
        .jid = jid, .password = password, .host = "127.0.0.1", .port = (guint16)f->server->port,
        .pubsub_service = f->server->pubsub, .allow_plaintext = TRUE,
    };
    roomctl_bus *bus = roomctl_bus_new(&options, f->registry, NULL);
    GError *error = NULL;
    if (!roomctl_bus_connect_sync(bus, &error))
        fail_msg("%s cannot log in: %s", name, error->message);
    return bus;
}

static void enter(fixture *f, roomctl_bus *bus, const char *nick, const char *want_role)
{
    GError *error = NULL;
    g_autofree char *role = NULL;
    if (!rc_muc_join_sync(bus, f->room, nick, &role, NULL, &error))
        fail_msg("%s cannot enter %s: %s", nick, f->room, error->message);
    assert_string_equal(role, want_role);
}

static void start_gate(fixture *f)
{
    g_autofree char *secret = g_build_filename(f->server->dir, "gate.secret", NULL);
    g_autofree char *config = g_build_filename(f->server->dir, "gate.yaml", NULL);
    assert_true(g_file_set_contents(secret, SECRET, -1, NULL));
    g_chmod(secret, 0600);
    g_autofree char *yaml = g_strdup_printf(
        "account: {jid: %s, password_file: %s}\n"
        "server: {host: 127.0.0.1, port: %u, pubsub_service: %s, local_test_server: true,\n"
        "         reconnect_min_ms: 200, reconnect_max_ms: 1000}\n"
        "rooms: [%s, 'auto-*@%s']\nschema_dirs: [%s]\nlog_level: debug\n"
        "component: {rescan_ms: 300}\n",
        GATE, secret, rc_server_component_port(f->server->xmpp), f->server->pubsub, f->room,
        f->server->muc, g_getenv("RC_SCHEMA_DIR"));
    assert_true(g_file_set_contents(config, yaml, -1, NULL));
    g_remove(f->gate_log);
    const char *argv[] = { g_getenv("ROOMCTL_GATE_BIN"), "--config", config, NULL };
    f->gate = prog_spawn(f->server, PROG_OWNER, f->gate_log, argv);
    if (!prog_wait_for(f->gate_log, "serving requests", 15))
        prog_fail(f->server, "the gate did not enter the room within 15 s");
}

static void stop_gate(fixture *f)
{
    assert_int_equal(prog_interrupt(f->gate), 0);
    f->gate = 0;
}

static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    /* Public rooms (Prosody 0.12 hides new rooms by default): the MUC service
     * lists them, so that the gate's room pattern can match them.  Written
     * right after the harness's MUC component line: its option. */
    rc_server_options options = { .component_secret = SECRET, .public_rooms = TRUE };
    f->server = prog_server_start_with(&options, accounts);
    f->room = prog_room(f->server, "gated");
    f->gate_log = g_build_filename(f->server->dir, "gate.log", NULL);
    f->registry = roomctl_registry_new();
    assert_true(roomctl_registry_load_path(f->registry, g_getenv("RC_SCHEMA_DIR"), NULL));
    /* A node made before the gate, with the moderator account a publisher:
     * the gate takes it over and is then its only publisher. */
    char *out = NULL, *err = NULL;
    g_autofree char *moderator = prog_jid(f->server, PROG_MODERATOR);
    int status = prog_roomctl(f->server, PROG_OWNER, &out, &err, "room", "create", f->room, NULL);
    g_free(out);
    g_free(err);
    assert_int_equal(status, 0);
    status = prog_roomctl(f->server, PROG_OWNER, &out, &err, "room", "grant", f->room, moderator,
                        "moderator", NULL);
    g_free(out);
    g_free(err);
    assert_int_equal(status, 0);
    /* The owner makes the gate an admin of the room and an owner of the
     * node it already has. */
    status = prog_roomctl(f->server, PROG_OWNER, &out, &err, "room", "create", f->room,
                        "--gate", GATE, NULL);
    if (status != 0)
        fail_msg("room create --gate: exit %d\n%s%s", status, out, err);
    assert_non_null(strstr(out, GATE " is now an admin of"));
    assert_non_null(strstr(out, GATE " is now an owner of the room's existing control node"));
    g_free(out);
    g_free(err);
    start_gate(f);
    assert_true(prog_contains(f->gate_log, "moderator@localhost is now none of the node"));
    f->owner = login(f, PROG_OWNER);
    enter(f, f->owner, "owner", "moderator");
    f->pat = login(f, "pat");
    enter(f, f->pat, "pat", "participant");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (!f) /* the setup failed and said why */
        return 0;
    roomctl_bus_free(f->pat);
    roomctl_bus_free(f->owner);
    if (f->gate)
        stop_gate(f);
    roomctl_registry_free(f->registry);
    prog_server_stop(f->server);
    g_free(f->room);
    g_free(f->gate_log);
    g_free(f);
    return 0;
}

/* The request @control_xml (publish) from @bus: TRUE, or FALSE with @error. */
static gboolean request(fixture *f, roomctl_bus *bus, const char *control_xml, char **item_id,
                        GError **error)
{
    xmpp_stanza_t *control = xmpp_stanza_new_from_string(rc_bus_ctx(bus), control_xml);
    assert_non_null(control);
    gboolean ok = rc_gate_send_sync(bus, GATE, RC_GATE_PUBLISH, f->room, control, NULL,
                                    item_id, error);
    xmpp_stanza_release(control);
    return ok;
}

static void button(char *out, gsize size, const char *name, gboolean enabled)
{
    g_snprintf(out, size, "<control xmlns='urn:roomctl:0' type='ui.button' version='1'>"
               "<button>%s</button><enabled>%s</enabled></control>", name,
               enabled ? "true" : "false");
}

static void on_role_set(rc_conn *conn, xmpp_stanza_t *reply, const GError *error, void *wait)
{
    if (reply && g_strcmp0(xmpp_stanza_get_type(reply), "result"))
        fail_msg("the MUC service refused the role change");
    rc_wait_finish(wait, error, NULL, NULL);
}

/* The owner gives @nick @role (XEP-0045 9.6/9.7).  The service tells every
 * occupant, the gate included, before it answers: once the answer is here,
 * the gate knows. */
static void set_role(fixture *f, const char *nick, const char *role)
{
    xmpp_ctx_t *ctx = rc_bus_ctx(f->owner);
    g_autofree char *xml = g_strdup_printf(
        "<iq type='set' to='%s'><query xmlns='http://jabber.org/protocol/muc#admin'>"
        "<item nick='%s' role='%s'/></query></iq>", f->room, nick, role);
    xmpp_stanza_t *iq = xmpp_stanza_new_from_string(ctx, xml);
    rc_wait *wait = rc_wait_new();
    rc_conn_send_iq(f->owner->conn, iq, 10000, on_role_set, wait);
    xmpp_stanza_release(iq);
    GError *error = NULL;
    rc_wait_run(wait, f->owner, 11000, &error);
    if (error)
        fail_msg("setting the role of %s: %s", nick, error->message);
}

static void test_moderator_publish_reaches_three_agents(void **state)
{
    fixture *f = *state;
    const char *rooms[] = { f->room, NULL };
    prog_agent *agents[3] = {
        prog_agent_start(f->server, "screen1", rooms),
        prog_agent_start(f->server, "screen2", rooms),
        prog_agent_start(f->server, "screen3", rooms),
    };
    char xml[512];
    button(xml, sizeof xml, "send", FALSE);
    GError *error = NULL;
    g_autofree char *id = NULL;
    if (!request(f, f->owner, xml, &id, &error))
        fail_msg("the owner's publish was refused: %s", error->message);
    assert_string_equal(id, "ui.button:send");
    for (int i = 0; i < 3; i++) {
        if (!prog_wait_for(agents[i]->ui_file, "\"send\": {\"enabled\":false", WAIT))
            prog_fail(f->server, "an agent did not apply the gate's item");
        /* The node's publisher is the gate, whoever asked. */
        assert_true(prog_wait_for(agents[i]->audit_file, "\"publisher\":\"" GATE "\"", WAIT));
    }
    for (int i = 0; i < 3; i++)
        prog_agent_stop(agents[i]);
}

/* An agent with `gate:` applies the gate's items and nobody else's, and no
 * retraction by anyone else either (the owner administers the PubSub
 * service here, so the server lets it publish and retract directly). */
static void test_agent_with_gate_ignores_others(void **state)
{
    fixture *f = *state;
    const char *rooms[] = { f->room, NULL };
    prog_agent *agent = prog_agent_start_with(f->server, "screen1", rooms, "gate: " GATE "\n");
    char xml[512];
    button(xml, sizeof xml, "mute", FALSE);
    GError *error = NULL;
    if (!request(f, f->owner, xml, NULL, &error))
        fail_msg("publish through the gate: %s", error->message);
    if (!prog_wait_for(agent->ui_file, "\"mute\": {\"enabled\":false", WAIT))
        prog_fail(f->server, "the agent did not apply the gate's item");

    g_autofree char *node = roomctl_room_node_name(f->room);
    g_autofree char *owner = prog_jid(f->server, PROG_OWNER);
    button(xml, sizeof xml, "mute", TRUE);
    char *why = NULL;
    if (rc_server_get_kind(f->server->xmpp) == RC_SERVER_EJABBERD) {
        /* Only where the owner administers the PubSub service (the Prosody
         * harness) can anyone but the gate still publish: on ejabberd the
         * gate's takeover left the account that made the node no right. */
        assert_false(raw_xmpp_publish(f->server->port, owner, "pw-" PROG_OWNER, f->server->pubsub,
                                    node, "ui.button:mute", xml, &why));
        g_free(why);
        prog_agent_stop(agent);
        return;
    }
    assert_true(raw_xmpp_publish(f->server->port, owner, "pw-" PROG_OWNER, f->server->pubsub, node,
                               "ui.button:mute", xml, &why));
    if (!prog_wait_for(agent->log, "ignored item ui.button:mute: publisher owner@localhost is "
                     "not a moderator", WAIT))
        prog_fail(f->server, "the agent did not drop a direct publish");
    char *out = NULL, *err = NULL;
    assert_int_equal(prog_roomctl(f->server, PROG_OWNER, &out, &err, "retract", f->room,
                                "ui.button:mute", NULL), 0);
    g_free(out);
    g_free(err);
    if (!prog_wait_for(agent->log, "ignored item ui.button:mute: retraction by owner@localhost, "
                     "who is not a moderator", WAIT))
        prog_fail(f->server, "the agent did not drop a direct retraction");
    /* The node's current item for the key is one this agent may not apply,
     * so the agent holds nothing for it (wire-format 5.1), as a late joiner
     * would: not the gate's earlier value, not the owner's. */
    assert_false(prog_contains(agent->ui_file, "\"mute\": {\"enabled\":false"));
    prog_agent_stop(agent);
}

/* An independent client (slixmpp) lists the gate's commands, fills the
 * ui.button form, and an agent applies the item; a bad value comes back in
 * the form's note, naming the field (tests/gate_adhoc_client.py). */
static void test_adhoc_commands_from_another_client(void **state)
{
    fixture *f = *state;
    const char *rooms[] = { f->room, NULL };
    prog_agent *agent = prog_agent_start(f->server, "screen2", rooms);
    g_autofree char *owner = prog_jid(f->server, PROG_OWNER);
    g_autofree char *port = g_strdup_printf("%d", f->server->port);
    const char *argv[] = { "/usr/bin/python3", g_getenv("RC_GATE_ADHOC_CLIENT"),
                           "--jid", owner, "--password", "pw-" PROG_OWNER, "--host", "127.0.0.1",
                           "--port", port, "--room", f->room, "--gate", GATE,
                           "--button", "raise_hand", NULL };
    g_autofree char *out = NULL, *err = NULL;
    int status = -1;
    GError *error = NULL;
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                      &status, &error))
        fail_msg("cannot run the slixmpp client: %s", error->message);
    if (!g_spawn_check_wait_status(status, NULL))
        fail_msg("the slixmpp client failed:\n%s%s", out, err);
    assert_non_null(strstr(out, "\"publish_button\": \""));
    assert_non_null(strstr(out, "\"enabled\": \"boolean\""));
    assert_non_null(strstr(out, "field 'button'"));
    if (!prog_wait_for(agent->ui_file, "\"raise_hand\": {\"enabled\":false", WAIT))
        prog_fail(f->server, "the agent did not apply the item made with the ad-hoc command");
    prog_agent_stop(agent);
}

static void test_participant_refused_then_granted_then_revoked(void **state)
{
    fixture *f = *state;
    char xml[512];
    button(xml, sizeof xml, "raise-hand", TRUE);
    GError *error = NULL;
    assert_false(request(f, f->pat, xml, NULL, &error));
    assert_true(g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED));
    g_autofree char *expected = g_strdup_printf("is not a moderator of %s (role participant",
                                                f->room);
    if (!strstr(error->message, expected))
        fail_msg("unexpected refusal: %s", error->message);
    g_clear_error(&error);

    set_role(f, "pat", "moderator");
    if (!request(f, f->pat, xml, NULL, &error))
        fail_msg("pat, made moderator, was refused: %s", error->message);

    set_role(f, "pat", "participant");
    assert_false(request(f, f->pat, xml, NULL, &error));
    assert_true(g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED));
    g_clear_error(&error);
}

static void test_malformed_item_never_reaches_node(void **state)
{
    fixture *f = *state;
    GError *error = NULL;
    guint before = 0;
    GPtrArray *items = roomctl_bus_fetch_items_sync(f->owner, f->room, NULL, &error);
    assert_non_null(items);
    before = items->len;
    g_ptr_array_unref(items);

    assert_false(request(f, f->owner,
                         "<control xmlns='urn:roomctl:0' type='slideshow.slide' version='1'>"
                         "<deck>talk</deck><index>three</index></control>", NULL, &error));
    assert_true(g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_INVALID_ITEM));
    assert_string_equal(error->message,
                        "slideshow.slide: field 'index': expected int, got 'three'");
    g_clear_error(&error);
    assert_false(request(f, f->owner,
                         "<control xmlns='urn:roomctl:0' type='ui.slider' version='1'/>", NULL,
                         &error));
    assert_true(g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_UNKNOWN_TYPE));
    g_clear_error(&error);

    items = roomctl_bus_fetch_items_sync(f->owner, f->room, NULL, &error);
    assert_non_null(items);
    assert_int_equal(items->len, before);
    g_ptr_array_unref(items);
}

static void test_direct_publish_refused_by_server(void **state)
{
    fixture *f = *state;
    /* The moderator account was a publisher of the node before the gate
     * took it over (setup), pat never was. */
    g_autofree char *node = roomctl_room_node_name(f->room);
    g_autofree char *moderator = prog_jid(f->server, PROG_MODERATOR);
    char *why = NULL;
    char xml[512];
    button(xml, sizeof xml, "send", TRUE);
    assert_false(raw_xmpp_publish(f->server->port, moderator, "pw-" PROG_MODERATOR,
                                f->server->pubsub, node, "ui.button:send", xml, &why));
    assert_non_null(why);
    g_free(why);
    g_autofree char *pat = prog_jid(f->server, "pat");
    assert_false(raw_xmpp_publish(f->server->port, pat, "pw-pat", f->server->pubsub, node,
                                "ui.button:send", xml, &why));
    g_free(why);
}

static void test_outage_fails_at_once_and_restart_reads_roles(void **state)
{
    fixture *f = *state;
    stop_gate(f);
    char xml[512];
    button(xml, sizeof xml, "send", TRUE);
    GError *error = NULL;
    gint64 start = g_get_monotonic_time();
    assert_false(request(f, f->owner, xml, NULL, &error));
    gint64 took_ms = (g_get_monotonic_time() - start) / 1000;
    assert_true(g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONNECTION));
    g_autofree char *expected = g_strdup_printf("the gate %s is not available", GATE);
    if (!strstr(error->message, expected))
        fail_msg("unexpected error: %s", error->message);
    assert_true(took_ms < 2000);
    g_clear_error(&error);

    /* Restarted, it knows the owner is a moderator and pat is not. */
    start_gate(f);
    if (!request(f, f->owner, xml, NULL, &error))
        fail_msg("the owner was refused after the gate's restart: %s", error->message);
    assert_false(request(f, f->pat, xml, NULL, &error));
    assert_true(g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED));
    g_clear_error(&error);
}

static gboolean tick(gpointer unused) { return G_SOURCE_CONTINUE; }

/* Until @bus has a new session after @before, or @end (monotonic µs). */
static void wait_reconnected(roomctl_bus *bus, const roomctl_bus_stats *before, gint64 end)
{
    guint timer = g_timeout_add(50, tick, NULL);
    roomctl_bus_stats now;
    do {
        g_main_context_iteration(NULL, TRUE);
        roomctl_bus_get_stats(bus, &now);
    } while ((now.connects == before->connects || !roomctl_bus_is_connected(bus)) &&
             g_get_monotonic_time() < end);
    g_source_remove(timer);
    assert_true(now.connects > before->connects && roomctl_bus_is_connected(bus));
}

/* The server goes away and comes back: the gate reconnects by itself (the
 * bus's back-off), sets the room up again and serves only once it has read
 * the occupants anew: the owner, back in the room, may publish; pat, who is
 * not back, may not. */
static void test_gate_reconnects_and_reads_roles_again(void **state)
{
    fixture *f = *state;
    guint before = prog_count(f->gate_log, "serving requests");
    roomctl_bus_stats owner_stats, pat_stats;
    roomctl_bus_get_stats(f->owner, &owner_stats);
    roomctl_bus_get_stats(f->pat, &pat_stats);
    rc_server_stop(f->server->xmpp);
    GError *error = NULL;
    if (!rc_server_restart(f->server->xmpp, &error))
        fail_msg("cannot restart Prosody: %s", error->message);
    gint64 end = g_get_monotonic_time() + 20 * G_TIME_SPAN_SECOND;
    while (prog_count(f->gate_log, "serving requests") == before && g_get_monotonic_time() < end)
        if (!g_main_context_iteration(NULL, FALSE))
            g_usleep(20000);
    if (prog_count(f->gate_log, "serving requests") == before)
        prog_fail(f->server, "the gate did not come back within 20 s");
    assert_true(prog_contains(f->gate_log, "lost the server"));
    /* The owner's bus reconnects by itself too; it enters the room again. */
    wait_reconnected(f->owner, &owner_stats, end);
    enter(f, f->owner, "owner", "moderator");
    char xml[512];
    button(xml, sizeof xml, "send", TRUE);
    if (!request(f, f->owner, xml, NULL, &error))
        fail_msg("the owner was refused after the reconnection: %s", error->message);
    wait_reconnected(f->pat, &pat_stats, end);
    assert_false(request(f, f->pat, xml, NULL, &error));
    assert_true(g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED));
    assert_non_null(strstr(error->message, "not in the room"));
    g_clear_error(&error);
    enter(f, f->pat, "pat", "participant");
}

/* `rooms: ['auto-*@MUC']`: a room made later that matches is managed too. */
static void test_room_pattern(void **state)
{
    fixture *f = *state;
    g_autofree char *room = prog_room(f->server, "auto-1");
    char *out = NULL, *err = NULL;
    int status = prog_roomctl(f->server, PROG_OWNER, &out, &err, "room", "create", room, "--gate",
                            GATE, NULL);
    g_free(out);
    g_free(err);
    assert_int_equal(status, 0);
    g_autofree char *serving = g_strdup_printf("%s: in the room as", room);
    if (!prog_wait_for(f->gate_log, serving, 15))
        prog_fail(f->server, "the gate did not take the room its pattern matches");
    status = prog_roomctl(f->server, PROG_OWNER, &out, &err, "publish", room, "ui.button",
                        "button=send", "enabled=false", "--gate", GATE, NULL);
    if (status != 0)
        fail_msg("publish to the matched room: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
}

static void test_cli_through_gate(void **state)
{
    fixture *f = *state;
    char *out = NULL, *err = NULL;
    int status = prog_roomctl(f->server, PROG_OWNER, &out, &err, "publish", f->room, "ui.button",
                            "button=attach", "enabled=false", "--gate", GATE, NULL);
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, "published ui.button:attach to"));
    g_free(out);
    g_free(err);
    /* A participant: exit 4 and the gate's words. */
    status = prog_roomctl(f->server, "pat", &out, &err, "publish", f->room, "ui.button",
                        "button=attach", "enabled=true", "--gate", GATE, NULL);
    assert_int_equal(status, 4);
    assert_non_null(strstr(err, "is not a moderator of"));
    g_free(out);
    g_free(err);
    status = prog_roomctl(f->server, PROG_OWNER, &out, &err, "retract", f->room, "ui.button:attach",
                        "--gate", GATE, NULL);
    assert_int_equal(status, 0);
    g_free(out);
    g_free(err);
    /* doctor asks the gate too; a JID that is no gate fails it (exit 6). */
    status = prog_roomctl(f->server, PROG_OWNER, &out, &err, "doctor", "--gate", GATE, NULL);
    assert_non_null(strstr(out, "\u2713 gate: " GATE " answers as roomctl-gate"));
    g_free(out);
    g_free(err);
    status = prog_roomctl(f->server, PROG_OWNER, &out, &err, "doctor", "--gate", "conference.localhost",
                        NULL);
    assert_int_equal(status, 6);
    assert_non_null(strstr(out, "\u2717 gate: conference.localhost answers, but is not a "
                                "roomctl-gate"));
    g_free(out);
    g_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moderator_publish_reaches_three_agents),
        cmocka_unit_test(test_agent_with_gate_ignores_others),
        cmocka_unit_test(test_adhoc_commands_from_another_client),
        cmocka_unit_test(test_participant_refused_then_granted_then_revoked),
        cmocka_unit_test(test_malformed_item_never_reaches_node),
        cmocka_unit_test(test_direct_publish_refused_by_server),
        cmocka_unit_test(test_cli_through_gate),
        cmocka_unit_test(test_room_pattern),
        cmocka_unit_test(test_outage_fails_at_once_and_restart_reads_roles),
        cmocka_unit_test(test_gate_reconnects_and_reads_roles_again),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

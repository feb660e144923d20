/* roomctl-agent and `roomctl` against a real Prosody: what a moderator
 * publishes reaches every agent's plugins with the right typed values, late
 * joiners get the state, retract and purge reach the plugins, invalid items
 * are refused or ignored with a reason, and rooms stay apart. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <cmocka.h>

#include "prog_fixture.h"
#include "raw_xmpp.h"

#define WAIT 10.0 /* seconds any change may take to reach a plugin */

static const char *const accounts[] = { "screen1", "screen2", "screen3", "late", "outsider",
                                        NULL };

static int group_setup(void **state)
{
    *state = prog_server_start(accounts);
    return 0;
}

static int group_teardown(void **state)
{
    prog_server_stop(*state);
    return 0;
}

/* A room with a fresh control node: the owner creates it and makes the
 * moderator a publisher. */
static char *make_room(prog_server *server, const char *name)
{
    char *room = prog_room(server, name);
    char *moderator = prog_jid(server, PROG_MODERATOR);
    char *out = NULL, *err = NULL;
    int status = prog_roomctl(server, PROG_OWNER, &out, &err, "room", "create", room, NULL);
    if (status == 0) {
        g_free(out);
        g_free(err);
        status = prog_roomctl(server, PROG_OWNER, &out, &err, "room", "grant", room, moderator,
                            "moderator", NULL);
    }
    if (status != 0)
        fail_msg("making room %s: exit %d\n%s%s", room, status, out, err);
    g_free(out);
    g_free(err);
    g_free(moderator);
    return room;
}

/* roomctl publish ROOM ARGS… (NULL-terminated) must succeed. */
static void publish_ok(prog_server *server, const char *room, ...)
{
    GPtrArray *args = g_ptr_array_new();
    g_ptr_array_add(args, "publish");
    g_ptr_array_add(args, (gpointer)room);
    va_list ap;
    va_start(ap, room);
    for (const char *arg; (arg = va_arg(ap, const char *));)
        g_ptr_array_add(args, (gpointer)arg);
    va_end(ap);
    g_ptr_array_add(args, NULL);
    char *out = NULL, *err = NULL;
    int status = prog_roomctlv(server, PROG_MODERATOR, &out, &err,
                             (const char *const *)args->pdata);
    if (status != 0)
        fail_msg("roomctl publish %s %s: exit %d\n%s%s", room, (char *)args->pdata[2], status,
                 out, err);
    g_ptr_array_unref(args);
    g_free(out);
    g_free(err);
}

/* Wait until @path holds @needle, else fail showing the file and the logs. */
static void expect_in(const prog_server *server, const char *path, const char *needle)
{
    if (!prog_wait_for(path, needle, WAIT)) {
        char *text = NULL;
        g_file_get_contents(path, &text, NULL, NULL);
        char *message = g_strdup_printf("expected within %.0f s in %s:\n  %s\nit holds:\n%s",
                                        WAIT, path, needle, text ? text : "(no file)");
        prog_fail(server, message);
    }
}

/* ---- tests ---------------------------------------------------------------- */

static void test_publish_reaches_three_agents(void **state)
{
    prog_server *server = *state;
    char *room = make_room(server, "publish");
    const char *rooms[] = { room, NULL };
    prog_agent *agents[3] = {
        prog_agent_start(server, "screen1", rooms),
        prog_agent_start(server, "screen2", rooms),
        prog_agent_start(server, "screen3", rooms),
    };
    publish_ok(server, room, "ui.button", "button=send", "enabled=false", NULL);
    publish_ok(server, room, "slideshow.slide", "deck=intro", "index=2", "total=5",
               "caption=Hello & <welcome>", "image_url=https://example.org/2.png", NULL);
    for (int i = 0; i < 3; i++) {
        expect_in(server, agents[i]->ui_file, "\"send\": {\"enabled\":false,\"visible\":true}");
        expect_in(server, agents[i]->audit_file,
                  "\"id\":\"ui.button:send\",\"publisher\":\"moderator@localhost\","
                  "\"replay\":false,\"fields\":{\"button\":\"send\",\"enabled\":false,"
                  "\"visible\":true}");
        /* Typed: the int is a JSON number, the text round-trips XML specials. */
        expect_in(server, agents[i]->audit_file, "\"index\":2,");
        expect_in(server, agents[i]->audit_file, "\"total\":5");
        expect_in(server, agents[i]->audit_file, "\"caption\":\"Hello & <welcome>\"");
    }
    /* Applied once each, and SIGUSR1 reports the counters. */
    assert_int_equal(prog_count(agents[0]->audit_file, "\"id\":\"ui.button:send\""), 1);
    kill(agents[0]->pid, SIGUSR1);
    expect_in(server, agents[0]->log, "items applied 2, replayed 0, dropped 0");
    for (int i = 0; i < 3; i++)
        prog_agent_stop(agents[i]);
    g_free(room);
}

static void test_late_joiner_gets_full_state(void **state)
{
    prog_server *server = *state;
    char *room = make_room(server, "late");
    publish_ok(server, room, "ui.button", "button=send", "enabled=false", NULL);
    publish_ok(server, room, "ui.button", "button=raise-hand", "visible=false", NULL);
    /* The same key again replaces the old state on the server. */
    publish_ok(server, room, "ui.button", "button=send", "enabled=true", "visible=false", NULL);
    const char *rooms[] = { room, NULL };
    prog_agent *agent = prog_agent_start(server, "late", rooms);
    expect_in(server, agent->ui_file, "\"send\": {\"enabled\":true,\"visible\":false}");
    expect_in(server, agent->ui_file, "\"raise-hand\": {\"enabled\":true,\"visible\":false}");
    expect_in(server, agent->audit_file, "\"replay\":true");
    assert_int_equal(prog_count(agent->audit_file, "\"id\":\"ui.button:send\""), 1);
    /* Live items still arrive after the replay. */
    publish_ok(server, room, "ui.button", "button=mic", "enabled=false", NULL);
    expect_in(server, agent->ui_file, "\"mic\": {\"enabled\":false,\"visible\":true}");
    prog_agent_stop(agent);
    g_free(room);
}

static void test_retract_and_purge_reach_plugins(void **state)
{
    prog_server *server = *state;
    char *room = make_room(server, "retract");
    const char *rooms[] = { room, NULL };
    prog_agent *agent = prog_agent_start(server, "screen1", rooms);
    publish_ok(server, room, "ui.button", "button=send", "enabled=false", NULL);
    publish_ok(server, room, "ui.button", "button=mic", "enabled=false", NULL);
    expect_in(server, agent->ui_file, "\"mic\": {");

    char *out = NULL;
    assert_int_equal(prog_roomctl(server, PROG_MODERATOR, &out, NULL, "retract", room,
                                "ui.button:send", NULL), 0);
    g_free(out);
    expect_in(server, agent->audit_file, "\"event\":\"reset\"");
    expect_in(server, agent->audit_file, "\"id\":\"ui.button:send\"");
    assert_false(prog_contains(agent->ui_file, "\"send\""));
    assert_true(prog_contains(agent->ui_file, "\"mic\""));

    /* XEP-0060 lets only owners purge; Prosody lets publishers too. */
    const char *purger = PROG_MODERATOR;
    if (rc_server_get_kind(server->xmpp) == RC_SERVER_EJABBERD) {
        char *err = NULL;
        assert_int_equal(prog_roomctl(server, PROG_MODERATOR, NULL, &err, "purge", "--yes", room, NULL), 4);
        assert_non_null(strstr(err, "only a node's owners purge it"));
        g_free(err);
        purger = PROG_OWNER;
    }
    assert_int_equal(prog_roomctl(server, purger, &out, NULL, "purge", "--yes", room, NULL), 0);
    g_free(out);
    expect_in(server, agent->audit_file, "\"event\":\"purge\"");
    assert_false(prog_contains(agent->ui_file, "\"mic\""));
    prog_agent_stop(agent);

    /* After the purge, the room's state is empty for a new client too. */
    assert_int_equal(prog_roomctl(server, PROG_MODERATOR, &out, NULL, "state", room, NULL), 0);
    assert_non_null(strstr(out, "0 items"));
    g_free(out);
    g_free(room);
}

static void test_invalid_items(void **state)
{
    prog_server *server = *state;
    char *room = make_room(server, "invalid");
    const char *rooms[] = { room, NULL };
    prog_agent *agent = prog_agent_start(server, "screen2", rooms);

    /* roomctl refuses it before sending: exit 3 and the field's problem. */
    char *out = NULL, *err = NULL;
    assert_int_equal(prog_roomctl(server, PROG_MODERATOR, &out, &err, "publish", room,
                                "slideshow.slide", "deck=intro", "index=three", NULL), 3);
    if (!strstr(err, "field 'index'") || !strstr(err, "three"))
        fail_msg("roomctl publish's message should name the field and value:\n%s", err);
    g_free(out);
    g_free(err);
    assert_int_equal(prog_roomctl(server, PROG_MODERATOR, NULL, &err, "publish", room,
                                "no.such.type", "a=b", NULL), 3);
    assert_non_null(strstr(err, "no.such.type"));
    g_free(err);

    /* Published raw by another client, agents ignore it with the reason. */
    char *jid = prog_jid(server, PROG_MODERATOR);
    char *node = g_strdup_printf("roomctl/%s", room);
    char *why = NULL;
    if (!raw_xmpp_publish(server->port, jid, "pw-" PROG_MODERATOR, server->pubsub, node,
                        "slideshow.slide:intro",
                        "<control xmlns='urn:roomctl:0' type='slideshow.slide' version='1'>"
                        "<deck>intro</deck><index>three</index></control>", &why))
        fail_msg("raw publish failed: %s", why);
    expect_in(server, agent->log, "ignored item slideshow.slide:intro: ");
    expect_in(server, agent->log, "three");
    /* A valid item after it still goes through; the invalid one never did. */
    publish_ok(server, room, "ui.button", "button=send", "enabled=false", NULL);
    expect_in(server, agent->audit_file, "\"id\":\"ui.button:send\"");
    assert_false(prog_contains(agent->audit_file, "slideshow.slide"));
    kill(agent->pid, SIGUSR1);
    expect_in(server, agent->log, "dropped 1");
    prog_agent_stop(agent);
    g_free(jid);
    g_free(node);
    g_free(room);
}

static void test_rooms_are_apart(void **state)
{
    prog_server *server = *state;
    char *room_a = make_room(server, "apart-a");
    char *room_b = make_room(server, "apart-b");
    const char *rooms_a[] = { room_a, NULL };
    const char *rooms_b[] = { room_b, NULL };
    const char *rooms_both[] = { room_a, room_b, NULL };
    prog_agent *a = prog_agent_start(server, "screen1", rooms_a);
    prog_agent *b = prog_agent_start(server, "screen2", rooms_b);
    prog_agent *both = prog_agent_start(server, "screen3", rooms_both);
    publish_ok(server, room_a, "ui.button", "button=only-a", "enabled=false", NULL);
    publish_ok(server, room_b, "ui.button", "button=only-b", "enabled=false", NULL);
    expect_in(server, a->ui_file, "\"only-a\"");
    expect_in(server, b->ui_file, "\"only-b\"");
    expect_in(server, both->ui_file, "\"only-a\"");
    expect_in(server, both->ui_file, "\"only-b\"");
    /* Each room's items were delivered before the other's marker arrived. */
    assert_false(prog_contains(a->ui_file, "only-b"));
    assert_false(prog_contains(b->ui_file, "only-a"));
    prog_agent_stop(a);
    prog_agent_stop(b);
    prog_agent_stop(both);
    g_free(room_a);
    g_free(room_b);
}

static void test_watch_and_embed(void **state)
{
    prog_server *server = *state;
    char *room = make_room(server, "watch");
    char *watch_log = g_build_filename(server->dir, "watch.out", NULL);
    char *embed_log = g_build_filename(server->dir, "embed.out", NULL);
    char *port = g_strdup_printf("%d", server->port);
    const char *watch_argv[] = { g_getenv("ROOMCTL_BIN"), "watch", room, "--json", NULL };
    const char *embed_argv[] = { g_getenv("RC_EMBED_BIN"), "--jid", "screen1@localhost",
                                 "--room", room, "--host", "127.0.0.1", "--port", port,
                                 "--allow-plaintext", NULL };
    GPid watch = prog_spawn(server, PROG_MODERATOR, watch_log, watch_argv);
    GPid embed = prog_spawn(server, "screen1", embed_log, embed_argv);
    char *joined = g_strdup_printf("joined  %s with 0 state items", room);
    expect_in(server, watch_log, "{\"event\": \"joined\"");
    expect_in(server, embed_log, joined);

    publish_ok(server, room, "ui.button", "button=send", "enabled=false", NULL);
    expect_in(server, watch_log, "{\"id\": \"ui.button:send\", \"type\": \"ui.button\"");
    expect_in(server, embed_log, "set     ui.button:send: button=send enabled=false visible=true");
    publish_ok(server, room, "ui.button", "button=send", NULL);
    expect_in(server, embed_log, "changed ui.button:send: button=send enabled=true visible=true");
    publish_ok(server, room, "room.notice", "text=Break in five minutes", NULL);
    expect_in(server, watch_log, "\"text\":\"Break in five minutes\"");
    expect_in(server, embed_log, "event   room.notice: text=Break in five minutes level=info");
    assert_int_equal(prog_roomctl(server, PROG_MODERATOR, NULL, NULL, "retract", room,
                                "ui.button:send", NULL), 0);
    expect_in(server, watch_log, "{\"event\": \"retracted\", \"room\": ");
    expect_in(server, embed_log, "reset   ui.button:send");

    /* Ctrl-C ends both cleanly. */
    assert_int_equal(prog_interrupt(watch), 0);
    assert_int_equal(prog_interrupt(embed), 0);
    g_free(joined);
    g_free(port);
    g_free(watch_log);
    g_free(embed_log);
    g_free(room);
}

static void test_cli_commands_and_exit_codes(void **state)
{
    prog_server *server = *state;
    char *room = make_room(server, "cli");
    char *out = NULL, *err = NULL;

    /* Idempotent create (by the owner only); show and state as JSON. */
    assert_int_equal(prog_roomctl(server, PROG_OWNER, &out, NULL, "room", "create", room, NULL), 0);
    g_free(out);
    assert_int_equal(prog_roomctl(server, PROG_MODERATOR, NULL, &err, "room", "create", room,
                                NULL), 4);
    assert_non_null(strstr(err, "account moderator@localhost may not"));
    g_free(err);
    publish_ok(server, room, "ui.button", "button=send", "enabled=false", NULL);
    assert_int_equal(prog_roomctl(server, PROG_OWNER, &out, NULL, "room", "show", room, "--json",
                                NULL), 0);
    assert_non_null(strstr(out, "\"items\": 1"));
    assert_non_null(strstr(out, "\"owner@localhost\": \"owner\""));
    assert_non_null(strstr(out, "\"moderator@localhost\": \"moderator\""));
    g_free(out);
    assert_int_equal(prog_roomctl(server, PROG_MODERATOR, &out, NULL, "state", room, "--json",
                                NULL), 0);
    assert_non_null(strstr(out, "\"fields\": {\"button\":\"send\",\"enabled\":false"));
    g_free(out);

    /* --dry-run prints the XML and sends nothing. */
    assert_int_equal(prog_roomctl(server, PROG_MODERATOR, &out, NULL, "publish", "--dry-run",
                                room, "ui.button", "button=mic", NULL), 0);
    assert_non_null(strstr(out, "<control xmlns=\"urn:roomctl:0\""));
    g_free(out);
    assert_int_equal(prog_roomctl(server, PROG_MODERATOR, &out, NULL, "state", room, NULL), 0);
    assert_null(strstr(out, "ui.button:mic"));
    g_free(out);

    /* Not allowed: exit 4, until granted. */
    assert_int_equal(prog_roomctl(server, "outsider", NULL, &err, "publish", room, "ui.button",
                                "button=send", NULL), 4);
    assert_non_null(strstr(err, "may not publish"));
    g_free(err);
    char *outsider = prog_jid(server, "outsider");
    assert_int_equal(prog_roomctl(server, PROG_OWNER, &out, NULL, "room", "grant", room,
                                outsider, "moderator", NULL), 0);
    g_free(out);
    /* A key of its own: on ejabberd only an item's publisher (or an owner)
     * may replace it. */
    assert_int_equal(prog_roomctl(server, "outsider", &out, NULL, "publish", room, "ui.button",
                                "button=share", NULL), 0);
    g_free(out);
    g_free(outsider);

    /* No node: exit 7 with the fix in the message. */
    char *nowhere = prog_room(server, "nowhere");
    assert_int_equal(prog_roomctl(server, PROG_MODERATOR, NULL, &err, "state", nowhere, NULL), 7);
    assert_non_null(strstr(err, "roomctl room create"));
    g_free(err);
    g_free(nowhere);

    /* Usage errors: exit 2. */
    assert_int_equal(prog_roomctl(server, PROG_MODERATOR, NULL, &err, "retract", room, NULL), 2);
    assert_non_null(strstr(err, "missing arguments"));
    g_free(err);
    assert_int_equal(prog_roomctl(server, PROG_MODERATOR, NULL, &err, "room", "grant", room,
                                "x@localhost", "boss", NULL), 2);
    assert_non_null(strstr(err, "unknown role 'boss'; expected moderator, member or none"));
    g_free(err);
    g_free(room);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_publish_reaches_three_agents),
        cmocka_unit_test(test_late_joiner_gets_full_state),
        cmocka_unit_test(test_retract_and_purge_reach_plugins),
        cmocka_unit_test(test_invalid_items),
        cmocka_unit_test(test_rooms_are_apart),
        cmocka_unit_test(test_watch_and_embed),
        cmocka_unit_test(test_cli_commands_and_exit_codes),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

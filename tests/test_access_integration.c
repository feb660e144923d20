/* Access control against a real Prosody (tests/harness): only moderators
 * publish, members-only rooms refuse outsiders, forged events and items of
 * publishers who are not moderators are dropped and counted by roomctl-agent,
 * oversize items are dropped, and `roomctl room sync` makes the node's
 * affiliations follow the MUC room's.
 *
 * Accounts (password "pw-" + name): owner (owns the MUC rooms and, as the
 * PubSub service's admin, the nodes), moderator, alice, bob, eve (a PubSub
 * publisher where a test makes her one, never a MUC owner or admin). */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "bus_private.h" /* rc_bus_send(), rc_conn_send_iq(): MUC set-up, forged stanzas */
#include "muc_admin.h"
#include "prog_fixture.h"
#include "raw_xmpp.h"
#include "wait.h"

#define F_WAIT_S 15.0
#define F_MODERATORS "moderators: [moderator@localhost]\n"

static const char *const f_accounts[] = { "alice", "bob", "eve", NULL };
static roomctl_registry *f_registry;

/* ---- Helpers ------------------------------------------------------------------ */

/* A bus logged in as @user (plain: a local test server). */
static roomctl_bus *f_bus(const prog_server *server, const char *user)
{
    g_autofree char *jid = prog_jid(server, user);
    g_autofree char *password = g_strconcat("pw-", user, NULL);
    roomctl_bus_options options = {
        .jid = jid, .password = password, .host = "127.0.0.1", .port = (guint16)server->port,
        .pubsub_service = server->pubsub, .allow_plaintext = TRUE, .request_timeout_ms = 5000,
    };
    roomctl_bus *bus = roomctl_bus_new(&options, f_registry, NULL);
    g_autoptr(GError) error = NULL;
    if (!roomctl_bus_connect_sync(bus, &error))
        fail_msg("cannot connect as %s: %s", user, error->message);
    return bus;
}

typedef struct {
    gboolean done;
    char *problem;  /* NULL: a result */
} f_answer;

static void on_answer(rc_conn *conn, xmpp_stanza_t *reply, const GError *error, void *data)
{
    f_answer *a = data;
    a->done = TRUE;
    const char *type = reply ? xmpp_stanza_get_type(reply) : NULL;
    if (type && g_str_equal(type, "result"))
        return;
    if (reply) {
        char *text = NULL;
        size_t len = 0;
        xmpp_stanza_to_text(reply, &text, &len);
        a->problem = g_strdup(text);
        xmpp_free(xmpp_stanza_get_context(reply), text);
    } else {
        a->problem = g_strdup(error->message);
    }
}

/* Send the IQ @xml and fail the test unless the answer is a result. */
static void f_iq(roomctl_bus *bus, const char *xml)
{
    xmpp_stanza_t *iq = xmpp_stanza_new_from_string(rc_bus_ctx(bus), xml);
    assert_non_null(iq);
    f_answer answer = { FALSE, NULL };
    rc_conn_send_iq(bus->conn, iq, 5000, on_answer, &answer);
    xmpp_stanza_release(iq);
    WAIT_UNTIL(answer.done, 6000);
    if (!answer.done || answer.problem)
        fail_msg("%s\nanswered: %s", xml, answer.done ? answer.problem : "nothing");
}

/* The MUC room @name, made by @owner (who stays in it): persistent, real JIDs
 * shown to everyone, members-only or not. */
static char *f_muc_room(const prog_server *server, roomctl_bus *owner, const char *name,
                        gboolean members_only)
{
    char *room = prog_room(server, name);
    g_autofree char *presence = g_strdup_printf(
        "<presence to='%s/owner'><x xmlns='http://jabber.org/protocol/muc'/></presence>", room);
    rc_bus_send(owner, xmpp_stanza_new_from_string(rc_bus_ctx(owner), presence));
    /* The server takes the presence first: the room exists for the form. */
    g_autofree char *form = g_strdup_printf(
        "<iq type='set' to='%s' id='f-config-%s'>"
        "<query xmlns='http://jabber.org/protocol/muc#owner'>"
        "<x xmlns='jabber:x:data' type='submit'>"
        "<field var='FORM_TYPE'><value>http://jabber.org/protocol/muc#roomconfig</value></field>"
        "<field var='muc#roomconfig_persistentroom'><value>1</value></field>"
        "<field var='muc#roomconfig_membersonly'><value>%d</value></field>"
        "<field var='muc#roomconfig_whois'><value>anyone</value></field>"
        "</x></query></iq>", room, name, members_only ? 1 : 0);
    f_iq(owner, form);
    return room;
}

static void f_muc_set(roomctl_bus *owner, const char *room, const prog_server *server,
                      const char *user, rc_muc_affiliation affiliation)
{
    g_autofree char *jid = prog_jid(server, user);
    g_autoptr(GError) error = NULL;
    if (!rc_muc_set_affiliation_sync(owner, room, jid, affiliation, &error))
        fail_msg("MUC %s of %s: %s", rc_muc_affiliation_name(affiliation), jid, error->message);
}

/* `roomctl ARGS…` as @account must exit 0; its stdout (g_free). */
static char *f_roomctl_ok(const prog_server *server, const char *account, ...)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    va_list ap;
    va_start(ap, account);
    for (const char *arg; (arg = va_arg(ap, const char *));)
        g_ptr_array_add(args, (gpointer)arg);
    va_end(ap);
    g_ptr_array_add(args, NULL);
    char *out = NULL;
    g_autofree char *err = NULL;
    int status = prog_roomctlv(server, account, &out, &err, (const char *const *)args->pdata);
    if (status != 0)
        fail_msg("roomctl %s %s as %s: exit %d\n%s%s", (char *)args->pdata[0],
                 (char *)args->pdata[1], account, status, out, err);
    return out;
}

/* A control node for @room (`roomctl room create --access ACCESS`). */
static void f_node(const prog_server *server, const char *room, const char *access)
{
    g_free(f_roomctl_ok(server, PROG_OWNER, "room", "create", room, "--access", access, NULL));
}

static void f_grant(const prog_server *server, const char *room, const char *user,
                    const char *role)
{
    g_autofree char *jid = prog_jid(server, user);
    g_free(f_roomctl_ok(server, PROG_OWNER, "room", "grant", room, jid, role, NULL));
}

/* The MUC room @name's bare JID, with a control node of @access whose
 * publisher is the moderator; g_free(). */
static char *f_room(const prog_server *server, const char *name, const char *access)
{
    char *room = prog_room(server, name);
    f_node(server, room, access);
    f_grant(server, room, PROG_MODERATOR, "moderator");
    return room;
}

/* Wait until @path holds @needle, else fail showing the logs. */
static void f_expect(const prog_server *server, const char *path, const char *needle)
{
    if (prog_wait_for(path, needle, F_WAIT_S))
        return;
    g_autofree char *text = NULL;
    g_file_get_contents(path, &text, NULL, NULL);
    g_autofree char *message = g_strdup_printf("expected within %.0f s in %s:\n  %s\n"
                                               "it holds:\n%s", F_WAIT_S, path, needle,
                                               text ? text : "(no file)");
    prog_fail(server, message);
}

/* ---- roomctl-agent with access settings --------------------------------------------- */

typedef struct {
    GPid pid;
    char *config, *log, *audit;
} f_agent;

/* roomctl-agent as @name following @room with the audit plugin, @extra
 * YAML appended to its configuration (may be NULL); waits until @ready is
 * in its log (NULL: "ROOM: joined"). */
static f_agent *f_agent_start(const prog_server *server, const char *name, const char *room,
                              const char *room_entry, const char *extra, const char *ready)
{
    f_agent *agent = g_new0(f_agent, 1);
    agent->config = g_strdup_printf("%s/f-%s.yaml", server->dir, name);
    agent->log = g_strdup_printf("%s/f-%s.log", server->dir, name);
    agent->audit = g_strdup_printf("%s/f-%s.audit.jsonl", server->dir, name);
    g_remove(agent->audit);
    g_autofree char *password_file = prog_password_file(server, name);
    g_autofree char *yaml = g_strdup_printf(
        "account: {jid: %s@%s/agent, password_file: %s}\n"
        "server: {host: 127.0.0.1, port: %d, pubsub_service: %s, local_test_server: true}\n"
        "rooms:\n  - %s\n"
        "schema_dirs: [%s]\nplugin_dirs: [%s]\n"
        "plugins:\n  - name: audit\n    config: {file: %s}\n"
        "log_level: debug\n%s",
        name, server->domain, password_file, server->port, server->pubsub,
        room_entry ? room_entry : room, g_getenv("RC_SCHEMA_DIR"), g_getenv("RC_PLUGIN_DIR"),
        agent->audit, extra ? extra : "");
    assert_true(g_file_set_contents(agent->config, yaml, -1, NULL));
    const char *argv[] = { g_getenv("ROOMCTL_AGENT_BIN"), "--config", agent->config, NULL };
    agent->pid = prog_spawn(server, name, agent->log, argv);
    g_autofree char *joined = g_strdup_printf("%s: joined", room);
    f_expect(server, agent->log, ready ? ready : joined);
    return agent;
}

/* Ask for the counters (SIGUSR1) and wait for @needle among them. */
static void f_expect_counters(const prog_server *server, f_agent *agent, const char *needle)
{
    guint before = prog_count(agent->log, "---- roomctl-agent[");
    kill(agent->pid, SIGUSR1);
    gint64 end = g_get_monotonic_time() + (gint64)(F_WAIT_S * G_USEC_PER_SEC);
    while (prog_count(agent->log, "\n----\n") <= before && g_get_monotonic_time() < end)
        g_usleep(20000);
    f_expect(server, agent->log, needle);
}

static void f_agent_stop(f_agent *agent)
{
    int status = prog_interrupt(agent->pid);
    g_autofree char *log = NULL;
    g_file_get_contents(agent->log, &log, NULL, NULL);
    if (status != 0)
        fail_msg("agent did not stop cleanly (%d):\n%s", status, log ? log : "");
    g_free(agent->config);
    g_free(agent->log);
    g_free(agent->audit);
    g_free(agent);
}

/* ---- Tests --------------------------------------------------------------------------- */

/* The moderator's publish is accepted by the server and applied by an agent
 * that checks publishers; anyone else is refused with a plain message and
 * exit status 4. */
static void test_moderator_publish_and_refusal(void **state)
{
    prog_server *server = *state;
    g_autofree char *room = f_room(server, "f-publish", "open");
    f_agent *bob = f_agent_start(server, "bob", room, NULL,
                                 F_MODERATORS, NULL);

    g_free(f_roomctl_ok(server, PROG_MODERATOR, "publish", room, "ui.button", "button=send",
                        "enabled=false", NULL));
    f_expect(server, bob->audit, "\"id\":\"ui.button:send\",\"publisher\":\"moderator@localhost\"");

    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = prog_roomctl(server, "alice", &out, &err, "publish", room, "ui.button",
                            "button=send", "enabled=true", NULL);
    assert_int_equal(status, 4);
    g_autofree char *expected = g_strdup_printf(
        "roomctl publish: account alice@localhost may not publish to room %s; a room owner "
        "can run `roomctl room grant ROOM JID moderator`\n", room);
    assert_string_equal(err, expected);
    assert_string_equal(out, "");
    f_expect_counters(server, bob, "drops by reason: not-from-service 0, not-a-moderator 0");
    f_agent_stop(bob);
}

/* A members-only room: an outsider's agent cannot subscribe and says why. */
static void test_members_only_subscribe_refused(void **state)
{
    prog_server *server = *state;
    g_autofree char *room = f_room(server, "f-members", "members");
    g_autofree char *refused = g_strdup_printf(
        "%s: cannot join: account bob@localhost is not a member of room %s: account "
        "bob@localhost may not subscribe to room %s", room, room, room);
    f_agent *bob = f_agent_start(server, "bob", room, NULL,
                                 F_MODERATORS, refused);
    assert_false(prog_contains(bob->log, "joined, "));
    f_agent_stop(bob);

    /* A member may. */
    f_grant(server, room, "alice", "member");
    f_agent *alice = f_agent_start(server, "alice", room, NULL,
                                   F_MODERATORS, NULL);
    f_agent_stop(alice);
}

/* A user sends a message dressed as a PubSub event: ignored and counted. */
static void test_forged_event_counted(void **state)
{
    prog_server *server = *state;
    g_autofree char *room = f_room(server, "f-forged", "open");
    f_agent *alice = f_agent_start(server, "alice", room, NULL,
                                   F_MODERATORS, NULL);

    roomctl_bus *eve = f_bus(server, "eve");
    g_autofree char *node = roomctl_room_node_name(room);
    g_autofree char *xml = g_markup_printf_escaped(
        "<message to='alice@localhost/agent' type='headline'>"
        "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='%s'>"
        "<item id='ui.button:send' publisher='moderator@localhost'>"
        "<control xmlns='urn:roomctl:0' type='ui.button' version='1'>"
        "<button>send</button><enabled>false</enabled></control>"
        "</item></items></event></message>", node);
    rc_bus_send(eve, xmpp_stanza_new_from_string(rc_bus_ctx(eve), xml));
    /* A round trip after it: the message has left once the answer is in. */
    f_iq(eve, "<iq type='get' to='localhost' id='f-ping'><ping xmlns='urn:xmpp:ping'/></iq>");
    g_autofree char *dropped = g_strdup_printf(
        "%s: ignored item (no id) (not-from-service): event from eve@localhost/", room);
    f_expect(server, alice->log, dropped);
    f_expect_counters(server, alice, "drops by reason: not-from-service 1, not-a-moderator 0");
    assert_false(prog_contains(alice->audit, "ui.button:send"));

    /* The real thing still gets through. */
    g_free(f_roomctl_ok(server, PROG_MODERATOR, "publish", room, "ui.button", "button=send",
                        "enabled=false", NULL));
    f_expect(server, alice->audit, "\"id\":\"ui.button:send\"");
    roomctl_bus_free(eve);
    f_agent_stop(alice);
}

/* Eve may publish to the node (a PubSub publisher) but is not a moderator of
 * the room: the server takes her item, agents with a moderator list drop
 * it; an agent with no list and no readable affiliations says once that its
 * publisher checks are off and applies it. */
static void test_non_moderator_publisher_dropped(void **state)
{
    prog_server *server = *state;
    g_autofree char *room = f_room(server, "f-stray", "open");
    f_grant(server, room, "eve", "moderator");
    g_autofree char *entry = g_strdup_printf("{jid: %s, moderators: [moderator@localhost]}",
                                             room);
    f_agent *alice = f_agent_start(server, "alice", room, entry, NULL, NULL);
    g_autofree char *off = g_strdup_printf("%s: publisher checks are off", room);
    f_agent *bob = f_agent_start(server, "bob", room, NULL, NULL, off);

    g_free(f_roomctl_ok(server, "eve", "publish", room, "ui.button", "button=attach",
                        "visible=false", NULL));
    g_autofree char *dropped = g_strdup_printf(
        "%s: ignored item ui.button:attach (not-a-moderator): publisher eve@localhost is not "
        "a moderator of room %s", room, room);
    f_expect(server, alice->log, dropped);
    f_expect(server, bob->audit, "\"id\":\"ui.button:attach\",\"publisher\":\"eve@localhost\"");
    assert_int_equal(prog_count(bob->log, "publisher checks are off"), 1);

    g_free(f_roomctl_ok(server, PROG_MODERATOR, "publish", room, "ui.button", "button=send",
                        "enabled=false", NULL));
    f_expect(server, alice->audit, "\"id\":\"ui.button:send\",\"publisher\":\"moderator@localhost\"");
    assert_false(prog_contains(alice->audit, "ui.button:attach"));
    f_expect_counters(server, alice, "drops by reason: not-from-service 0, not-a-moderator 1");
    f_agent_stop(bob);
    f_agent_stop(alice);

    /* A late joiner drops the stored item of hers too. */
    f_agent *late = f_agent_start(server, "alice", room, entry, NULL, NULL);
    f_expect(server, late->log, dropped);
    f_expect(server, late->audit, "\"id\":\"ui.button:send\"");
    assert_false(prog_contains(late->audit, "ui.button:attach"));
    f_agent_stop(late);
}

/* No list in the configuration: a member of a members-only room that shows
 * real JIDs reads the MUC room's owner and admin lists and checks by them. */
static void test_moderators_from_muc_lists(void **state)
{
    prog_server *server = *state;
    roomctl_bus *owner = f_bus(server, PROG_OWNER);
    g_autofree char *room = f_muc_room(server, owner, "f-learn", TRUE);
    f_muc_set(owner, room, server, PROG_MODERATOR, RC_MUC_ADMIN);
    f_muc_set(owner, room, server, "alice", RC_MUC_MEMBER);
    f_node(server, room, "open");
    f_grant(server, room, PROG_MODERATOR, "moderator");
    f_grant(server, room, "eve", "moderator");

    g_autofree char *learnt = g_strdup_printf("%s: moderators learnt from the server", room);
    f_agent *alice = f_agent_start(server, "alice", room, NULL, NULL, learnt);
    g_autofree char *joined = g_strdup_printf("%s: joined", room);
    f_expect(server, alice->log, joined);
    g_free(f_roomctl_ok(server, "eve", "publish", room, "ui.button", "button=attach",
                        "visible=false", NULL));
    g_autofree char *dropped = g_strdup_printf(
        "(not-a-moderator): publisher eve@localhost is not a moderator of room %s", room);
    f_expect(server, alice->log, dropped);
    g_free(f_roomctl_ok(server, PROG_MODERATOR, "publish", room, "ui.button", "button=send",
                        "enabled=false", NULL));
    f_expect(server, alice->audit, "\"id\":\"ui.button:send\"");
    assert_false(prog_contains(alice->audit, "ui.button:attach"));
    f_agent_stop(alice);

    /* The library call: the owner reads the node's affiliations too; bob,
     * neither member nor admin, can read nothing. */
    g_autoptr(GError) error = NULL;
    assert_true(roomctl_bus_learn_moderators_sync(owner, room, &error));
    assert_true(roomctl_bus_has_moderators(owner, room));
    roomctl_bus *bob = f_bus(server, "bob");
    assert_false(roomctl_bus_learn_moderators_sync(bob, room, &error));
    assert_int_equal(error->code, ROOMCTL_ERR_NOT_ALLOWED);
    assert_non_null(strstr(error->message, "cannot learn the moderators of room"));
    assert_false(roomctl_bus_has_moderators(bob, room));
    roomctl_bus_free(bob);
    roomctl_bus_free(owner);
}

/* Items over the agent's max_item_size are dropped. */
static void test_oversize_item_dropped(void **state)
{
    prog_server *server = *state;
    g_autofree char *room = f_room(server, "f-size", "open");
    f_agent *alice = f_agent_start(server, "alice", room, NULL,
                                   F_MODERATORS "max_item_size: 1024\n",
                                   NULL);
    g_autofree char *path = g_strnfill(1500, 'a');
    g_autofree char *url = g_strdup_printf("image_url=https://example.org/%s", path);
    g_free(f_roomctl_ok(server, PROG_MODERATOR, "publish", room, "slideshow.slide", "deck=big",
                        "index=1", url, NULL));
    f_expect(server, alice->log, "ignored item slideshow.slide:big (too-large): item of ");
    f_expect(server, alice->log, "bytes, over the limit of 1024 bytes");
    g_free(f_roomctl_ok(server, PROG_MODERATOR, "publish", room, "slideshow.slide", "deck=small",
                        "index=1", NULL));
    f_expect(server, alice->audit, "\"id\":\"slideshow.slide:small\"");
    assert_false(prog_contains(alice->audit, "slideshow.slide:big"));
    f_expect_counters(server, alice, "too-large 1");
    f_agent_stop(alice);
}

/* Items around roomctl's own checks (a foreign client of a moderator): an
 * invalid payload and an unknown type, each dropped and counted by reason. */
static void test_bad_items_counted_by_reason(void **state)
{
    prog_server *server = *state;
    g_autofree char *room = f_room(server, "f-bad", "open");
    f_agent *alice = f_agent_start(server, "alice", room, NULL, F_MODERATORS, NULL);
    g_autofree char *node = roomctl_room_node_name(room);
    static const struct { const char *id, *payload; } bad[] = {
        { "ui.button:send", "<control xmlns='urn:roomctl:0' type='ui.button' version='1'>"
                            "<button>send</button><enabled>maybe</enabled></control>" },
        { "no.such:x", "<control xmlns='urn:roomctl:0' type='no.such' version='1'/>" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *why = NULL;
        if (!raw_xmpp_publish(server->port, "moderator@localhost", "pw-moderator", server->pubsub,
                            node, bad[i].id, bad[i].payload, &why))
            fail_msg("raw publish: %s", why);
    }
    f_expect(server, alice->log, "ignored item ui.button:send (invalid): ");
    f_expect(server, alice->log, "ignored item no.such:x (unknown-type): ");
    f_expect_counters(server, alice, "drops by reason: not-from-service 0, not-a-moderator 0, "
                                     "too-large 0, invalid 1, unknown-type 1, other 0");
    f_agent_stop(alice);
}

/* `roomctl room sync`: the node follows the MUC room, and a second run
 * changes nothing. */
static void test_room_sync(void **state)
{
    prog_server *server = *state;
    roomctl_bus *owner = f_bus(server, PROG_OWNER);
    g_autofree char *room = f_muc_room(server, owner, "f-sync", FALSE);
    f_muc_set(owner, room, server, PROG_MODERATOR, RC_MUC_ADMIN);
    f_muc_set(owner, room, server, "alice", RC_MUC_MEMBER);
    f_node(server, room, "members");
    /* Left over from before: a stray publisher and a member the room lost. */
    f_grant(server, room, "eve", "moderator");
    f_grant(server, room, "bob", "member");

    g_autofree char *out = f_roomctl_ok(server, PROG_OWNER, "room", "sync", room, NULL);
    assert_string_equal(out, "alice@localhost: none \u2192 member\n"
                             "bob@localhost: member \u2192 none\n"
                             "eve@localhost: moderator \u2192 none\n"
                             "moderator@localhost: none \u2192 moderator\n");
    g_autofree char *again = f_roomctl_ok(server, PROG_OWNER, "room", "sync", room, NULL);
    g_autofree char *nothing = g_strdup_printf("%s: nothing to change\n", room);
    assert_string_equal(again, nothing);

    /* What the node holds now, as the server tells it. */
    g_autoptr(GError) error = NULL;
    roomctl_room_info *info = roomctl_bus_room_show_sync(owner, room, &error);
    assert_non_null(info);
    assert_int_equal(GPOINTER_TO_INT(g_hash_table_lookup(info->affiliations,
                                                         "moderator@localhost")),
                     ROOMCTL_AFFILIATION_MODERATOR);
    assert_int_equal(GPOINTER_TO_INT(g_hash_table_lookup(info->affiliations, "alice@localhost")),
                     ROOMCTL_AFFILIATION_MEMBER);
    assert_int_equal(GPOINTER_TO_INT(g_hash_table_lookup(info->affiliations, "owner@localhost")),
                     ROOMCTL_AFFILIATION_OWNER);
    assert_false(g_hash_table_contains(info->affiliations, "eve@localhost"));
    assert_false(g_hash_table_contains(info->affiliations, "bob@localhost"));
    roomctl_room_info_free(info);

    /* The room changes: the next sync follows, as JSON for a script. */
    f_muc_set(owner, room, server, "alice", RC_MUC_NONE);
    f_muc_set(owner, room, server, "bob", RC_MUC_ADMIN);
    g_autofree char *json = f_roomctl_ok(server, PROG_OWNER, "room", "sync", room, "--json", NULL);
    g_autofree char *expected = g_strdup_printf(
        "{\"room\": \"%s\", \"changes\": ["
        "{\"jid\": \"alice@localhost\", \"before\": \"member\", \"after\": \"none\"}, "
        "{\"jid\": \"bob@localhost\", \"before\": \"none\", \"after\": \"moderator\"}]}\n", room);
    assert_string_equal(json, expected);

    /* The effect: bob publishes now, eve may not. */
    g_free(f_roomctl_ok(server, "bob", "publish", room, "ui.button", "button=send",
                        "enabled=false", NULL));
    assert_int_equal(prog_roomctl(server, "eve", NULL, NULL, "publish", room, "ui.button",
                                "button=send", "enabled=true", NULL), 4);

    /* Only the room's owner reads the owner list: an admin is told so. */
    g_autofree char *err = NULL;
    assert_int_equal(prog_roomctl(server, PROG_MODERATOR, NULL, &err, "room", "sync", room, NULL),
                     4);
    /* ejabberd refuses the node's configuration first, Prosody the MUC's
     * owner list. */
    g_autofree char *refused = g_strdup_printf(
        rc_server_get_kind(server->xmpp) == RC_SERVER_EJABBERD
            ? "roomctl room sync: account moderator@localhost may not see the configuration of "
              "room %s"
            : "roomctl room sync: account moderator@localhost may not read the owner list of MUC "
              "room %s", room);
    if (!strstr(err, refused))
        fail_msg("got: %s", err);

    /* No such chat room. */
    g_autofree char *missing = prog_room(server, "f-no-such-room");
    g_clear_pointer(&err, g_free);
    assert_int_equal(prog_roomctl(server, PROG_OWNER, NULL, &err, "room", "sync", missing, NULL), 7);
    g_autofree char *absent = g_strdup_printf("there is no MUC room %s", missing);
    if (!strstr(err, absent))
        fail_msg("got: %s", err);
    roomctl_bus_free(owner);
}

/* ---- Fixture ------------------------------------------------------------------------ */

static int group_setup(void **state)
{
    f_registry = roomctl_registry_new();
    g_autoptr(GError) error = NULL;
    if (!roomctl_registry_load_dir(f_registry, g_getenv("RC_SCHEMA_DIR"), &error)) {
        fprintf(stderr, "schemas: %s\n", error->message);
        return -1;
    }
    roomctl_set_log_level(g_getenv("RC_TEST_DEBUG") ? ROOMCTL_LOG_DEBUG : ROOMCTL_LOG_WARNING);
    /* Plain: these tests write their own agent configs and buses. */
    rc_server_options plain = { 0 };
    *state = prog_server_start_with(&plain, f_accounts);
    return 0;
}

static int group_teardown(void **state)
{
    prog_server_stop(*state);
    roomctl_registry_free(f_registry);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moderator_publish_and_refusal),
        cmocka_unit_test(test_members_only_subscribe_refused),
        cmocka_unit_test(test_forged_event_counted),
        cmocka_unit_test(test_non_moderator_publisher_dropped),
        cmocka_unit_test(test_moderators_from_muc_lists),
        cmocka_unit_test(test_oversize_item_dropped),
        cmocka_unit_test(test_bad_items_counted_by_reason),
        cmocka_unit_test(test_room_sync),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

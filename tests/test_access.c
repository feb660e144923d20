/* Access control without a server: the receiver-side item checks, drop
 * reasons, schema folders others could change, and the agent
 * configuration's access keys (moderators, max_item_size, local_test_server),
 * each with the message a user reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "bus_private.h"
#include "room_acl.h"
#include "agent/config.h"

#define ROOM "lobby@conference.localhost"
#define ITEM "<item id='ui.button:send' publisher='%s'>" \
             "<control xmlns='urn:roomctl:0' type='ui.button' version='1'>" \
             "<button>send</button></control></item>"

static roomctl_registry *registry;

static roomctl_bus *offline_bus(void)
{
    roomctl_bus_options options = { .jid = "screen@localhost", .allow_plaintext = TRUE };
    return roomctl_bus_new(&options, registry, NULL);
}

/* rc_acl_check_item() on @xml: NULL or the error (g_error_free). */
static GError *check(roomctl_bus *bus, const char *xml)
{
    xmpp_stanza_t *it = xmpp_stanza_new_from_string(rc_bus_ctx(bus), xml);
    assert_non_null(it);
    GError *why = rc_acl_check_item(bus, ROOM, it);
    xmpp_stanza_release(it);
    return why;
}

static void assert_message(GError *error, int code, const char *expected)
{
    assert_non_null(error);
    assert_int_equal(error->code, code);
    assert_string_equal(error->message, expected);
    g_error_free(error);
}

/* ---- Receiver-side checks ------------------------------------------------- */

static void test_publisher_checks(void **state)
{
    roomctl_bus *bus = offline_bus();
    g_autofree char *by_mod = g_strdup_printf(ITEM, "Mod@Localhost/laptop");
    g_autofree char *by_eve = g_strdup_printf(ITEM, "eve@localhost");
    const char *anonymous = "<item id='x'><control xmlns='urn:roomctl:0'/></item>";

    /* No list: everyone the server let publish. */
    assert_false(roomctl_bus_has_moderators(bus, ROOM));
    assert_null(check(bus, by_eve));

    /* The list for every room; case and resource do not matter. */
    const char *everywhere[] = { "mod@localhost", NULL };
    roomctl_bus_set_moderators(bus, NULL, everywhere);
    assert_true(roomctl_bus_has_moderators(bus, ROOM));
    assert_null(check(bus, by_mod));
    assert_message(check(bus, by_eve), ROOMCTL_ERR_NOT_MODERATOR,
                   "publisher eve@localhost is not a moderator of room " ROOM);
    /* A server that does not name publishers cannot be checked. */
    assert_null(check(bus, anonymous));

    /* A room's own list wins over the one for every room. */
    const char *own[] = { "eve@localhost/phone", NULL };
    roomctl_bus_set_moderators(bus, "LOBBY@conference.localhost", own);
    assert_null(check(bus, by_eve));
    assert_message(check(bus, by_mod), ROOMCTL_ERR_NOT_MODERATOR,
                   "publisher mod@localhost is not a moderator of room " ROOM);
    roomctl_bus_set_moderators(bus, ROOM, NULL);
    assert_null(check(bus, by_mod));
    roomctl_bus_set_moderators(bus, NULL, NULL);
    assert_false(roomctl_bus_has_moderators(bus, ROOM));
    roomctl_bus_free(bus);
}

/* A retraction is checked like an item: the account whose items are
 * dropped cannot reset keys either (issue 12). */
static void test_retract_checks(void **state)
{
    roomctl_bus *bus = offline_bus();
    const char *gate_only[] = { "gate.localhost", NULL };
    roomctl_bus_set_moderators(bus, NULL, gate_only);
    static const struct { const char *xml; const char *refusal; } cases[] = {
        { "<retract id='ui.button:send' publisher='gate.localhost'/>", NULL },
        { "<retract id='ui.button:send' publisher='Eve@localhost/phone'/>",
          "retraction by eve@localhost, who is not a moderator of room " ROOM },
        /* A server that names nobody: only its own rules hold. */
        { "<retract id='ui.button:send'/>", NULL },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        xmpp_stanza_t *retract = xmpp_stanza_new_from_string(rc_bus_ctx(bus), cases[i].xml);
        GError *why = rc_acl_check_retract(bus, ROOM, retract);
        xmpp_stanza_release(retract);
        if (cases[i].refusal)
            assert_message(why, ROOMCTL_ERR_NOT_MODERATOR, cases[i].refusal);
        else
            assert_null(why);
    }
    /* Items from the gate pass, items from anyone else do not. */
    g_autofree char *by_gate = g_strdup_printf(ITEM, "gate.localhost");
    g_autofree char *by_mod = g_strdup_printf(ITEM, "mod@localhost");
    assert_null(check(bus, by_gate));
    assert_message(check(bus, by_mod), ROOMCTL_ERR_NOT_MODERATOR,
                   "publisher mod@localhost is not a moderator of room " ROOM);
    roomctl_bus_free(bus);
}

static void test_size_limit(void **state)
{
    roomctl_bus *bus = offline_bus();
    g_autofree char *filler = g_strnfill(2000, 'x');
    g_autofree char *big = g_strdup_printf("<item id='n'><control xmlns='urn:roomctl:0'>"
                                           "<text>%s</text></control></item>", filler);
    assert_null(check(bus, big)); /* well under the default 1 MiB */
    roomctl_bus_set_max_item_size(bus, 1024);
    GError *why = check(bus, big);
    assert_non_null(why);
    assert_int_equal(why->code, ROOMCTL_ERR_TOO_LARGE);
    assert_non_null(strstr(why->message, "bytes, over the limit of 1024 bytes"));
    assert_string_equal(roomctl_drop_reason(why), "too-large");
    g_error_free(why);
    roomctl_bus_set_max_item_size(bus, 0); /* back to the default */
    assert_null(check(bus, big));
    roomctl_bus_free(bus);
}

static void test_drop_reasons(void **state)
{
    static const struct { int code; const char *reason; } cases[] = {
        { ROOMCTL_ERR_NOT_ALLOWED, "not-from-service" },
        { ROOMCTL_ERR_NOT_MODERATOR, "not-a-moderator" },
        { ROOMCTL_ERR_TOO_LARGE, "too-large" },
        { ROOMCTL_ERR_INVALID_ITEM, "invalid" },
        { ROOMCTL_ERR_UNKNOWN_TYPE, "unknown-type" },
        { ROOMCTL_ERR_SERVER, "other" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) e = g_error_new_literal(ROOMCTL_ERROR, cases[i].code, "x");
        assert_string_equal(roomctl_drop_reason(e), cases[i].reason);
    }
    g_autoptr(GError) foreign = g_error_new_literal(G_FILE_ERROR, G_FILE_ERROR_NOENT, "x");
    assert_string_equal(roomctl_drop_reason(foreign), "other");
    assert_string_equal(roomctl_drop_reason(NULL), "other");
    assert_string_equal(roomctl_strerror(ROOMCTL_ERR_NOT_MODERATOR),
                        "publisher is not a moderator");
}

/* ---- Schema folders others could change ------------------------------------- */

static void test_schema_dir_permissions(void **state)
{
    g_autofree char *dir = g_dir_make_tmp("rc-access-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "ui.button.yaml", NULL);
    g_autofree char *source = g_build_filename(g_getenv("ROOMCTL_TEST_SCHEMAS"),
                                               "ui.button.yaml", NULL);
    g_autofree char *yaml = NULL;
    assert_true(g_file_get_contents(source, &yaml, NULL, NULL));
    assert_true(g_file_set_contents(file, yaml, -1, NULL));
    assert_int_equal(g_chmod(file, 0644), 0);

    roomctl_registry *r = roomctl_registry_new();
    GError *error = NULL;
    assert_true(roomctl_registry_load_dir(r, dir, &error));
    roomctl_registry_free(r);

    assert_int_equal(g_chmod(dir, 0777), 0);
    r = roomctl_registry_new();
    assert_false(roomctl_registry_load_dir(r, dir, &error));
    g_autofree char *expected = g_strdup_printf(
        "%s: refusing schema directory: mode 0777 lets others than its owner write it "
        "(chmod go-w)", dir);
    assert_message(error, ROOMCTL_ERR_INSECURE, expected);
    error = NULL;
    /* Through a search path, as the agent and the CLI load them. */
    assert_false(roomctl_registry_load_path(r, dir, &error));
    assert_int_equal(error->code, ROOMCTL_ERR_INSECURE);
    g_clear_error(&error);
    roomctl_registry_free(r);

    assert_int_equal(g_chmod(dir, 0755), 0);
    assert_int_equal(g_chmod(file, 0666), 0);
    r = roomctl_registry_new();
    assert_false(roomctl_registry_load_dir(r, dir, &error));
    g_autofree char *file_expected = g_strdup_printf(
        "%s: refusing schema file: mode 0666 lets others than its owner write it (chmod go-w)",
        file);
    assert_message(error, ROOMCTL_ERR_INSECURE, file_expected);
    assert_null(roomctl_registry_lookup(r, "ui.button", 0));
    roomctl_registry_free(r);
    g_remove(file);
    g_rmdir(dir);
}

/* ---- The agent configuration's access keys ------------------------------------ */

#define ACCOUNT "account: {jid: screen@localhost/kiosk, password_env: F_TEST_PASSWORD}\n"

static rc_agent_config *load(const char *yaml, GError **error)
{
    return rc_agent_config_load_string("/etc/agent.yaml", yaml, NULL, NULL, error);
}

/* The load fails and its message holds @expected. */
static void expect_error(const char *yaml, const char *expected)
{
    GError *error = NULL;
    assert_null(load(yaml, &error));
    assert_non_null(error);
    if (!strstr(error->message, expected))
        fail_msg("expected \"%s\" in:\n%s", expected, error->message);
    g_error_free(error);
}

static void test_config_moderators(void **state)
{
    GError *error = NULL;
    rc_agent_config *c = load(ACCOUNT
        "moderators: [mod@localhost, Boss@Localhost]\n"
        "max_item_size: 65536\n"
        "rooms:\n"
        "  - plain@conference.localhost\n"
        "  - {jid: own@conference.localhost, moderators: [alice@localhost]}\n"
        "  - jid: other@conference.localhost\n", &error);
    if (!c)
        fail_msg("%s", error->message);
    assert_int_equal(c->rooms->len, 3);
    assert_string_equal(c->rooms->pdata[0], "plain@conference.localhost");
    assert_string_equal(c->rooms->pdata[1], "own@conference.localhost");
    assert_string_equal(c->rooms->pdata[2], "other@conference.localhost");
    assert_int_equal(c->moderators->len, 2);
    assert_string_equal(c->moderators->pdata[1], "Boss@Localhost");
    GPtrArray *own = g_hash_table_lookup(c->room_moderators, "own@conference.localhost");
    assert_non_null(own);
    assert_int_equal(own->len, 1);
    assert_string_equal(own->pdata[0], "alice@localhost");
    assert_null(g_hash_table_lookup(c->room_moderators, "other@conference.localhost"));
    assert_int_equal(c->max_item_size, 65536);
    assert_false(c->allow_plaintext);
    rc_agent_config_free(c);

    c = load(ACCOUNT "room: r@conference.localhost\n", &error);
    assert_non_null(c);
    assert_null(c->moderators);
    assert_int_equal(c->max_item_size, 0);
    rc_agent_config_free(c);
}

static void test_config_access_errors(void **state)
{
    expect_error(ACCOUNT "room: r@c.localhost\nmoderators: [not a jid]\n",
                 "/etc/agent.yaml:3:14: error: 'not a jid' is not an account address; "
                 "expected a bare JID, e.g. alice@example.org");
    expect_error(ACCOUNT "room: r@c.localhost\nmoderators: []\n",
                 "/etc/agent.yaml:3:13: error: 'moderators' is an empty list; expected at "
                 "least one account JID");
    expect_error(ACCOUNT "rooms:\n  - {jid: r@c.localhost, moderator: [a@localhost]}\n",
                 "unknown key 'moderator' in a room entry (did you mean 'moderators'?); "
                 "expected one of: jid, moderators");
    expect_error(ACCOUNT "rooms:\n  - {moderators: [a@localhost]}\n",
                 "/etc/agent.yaml:3:5: error: missing 'jid' in room entry; expected the "
                 "room's bare JID");
    expect_error(ACCOUNT "rooms:\n  - {jid: nodomain}\n",
                 "'nodomain' is not a room address");
    expect_error(ACCOUNT "room: r@c.localhost\nmax_item_size: 10\n",
                 "/etc/agent.yaml:3:16: error: 'max_item_size' must be a number of bytes from "
                 "1024 to 2147483647 (default 1048576, 1 MiB)");
    expect_error(ACCOUNT "room: r@c.localhost\nmax_item_size: big\n",
                 "'max_item_size' must be a number of bytes");
}

static void test_config_local_test_server(void **state)
{
    GError *error = NULL;
    rc_agent_config *c = load(ACCOUNT "room: r@c.localhost\n"
                              "server: {host: 127.0.0.1, local_test_server: true}\n", &error);
    assert_non_null(c);
    assert_true(c->allow_plaintext);
    rc_agent_config_free(c);
    /* No host: the JID's domain, localhost here. */
    c = load(ACCOUNT "room: r@c.localhost\nserver: {allow_plaintext: true}\n", &error);
    assert_non_null(c);
    assert_true(c->allow_plaintext);
    rc_agent_config_free(c);

    expect_error(ACCOUNT "room: r@c.localhost\n"
                 "server: {host: xmpp.example.org, local_test_server: true}\n",
                 "/etc/agent.yaml:3:53: error: 'local_test_server: true' turns TLS off, which "
                 "is for a test server on this machine only; the server is 'xmpp.example.org', "
                 "not 127.0.0.1 or localhost");
    expect_error("account: {jid: screen@example.org, password_env: F_TEST_PASSWORD}\n"
                 "room: r@c.example.org\nserver: {allow_plaintext: true}\n",
                 "'allow_plaintext: true' turns TLS off, which is for a test server on this "
                 "machine only; the server is 'example.org'");
    expect_error(ACCOUNT "room: r@c.localhost\nserver: {local_test_server: maybe}\n",
                 "'local_test_server' must be true or false");
}

static int setup(void **state)
{
    g_setenv("F_TEST_PASSWORD", "secret", TRUE);
    registry = roomctl_registry_new();
    return 0;
}

static int teardown(void **state)
{
    roomctl_registry_free(registry);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_publisher_checks),
        cmocka_unit_test(test_retract_checks),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_drop_reasons),
        cmocka_unit_test(test_schema_dir_permissions),
        cmocka_unit_test(test_config_moderators),
        cmocka_unit_test(test_config_access_errors),
        cmocka_unit_test(test_config_local_test_server),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

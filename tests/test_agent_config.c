/* roomctl-agent's configuration loader: good files, and the message a user
 * reads for each kind of broken one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "agent/config.h"

typedef struct fixture {
    char *dir;   /* a fresh temporary folder */
    char *name;  /* DIR/agent.yaml: the name the YAML is loaded under */
} fixture;

static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    f->dir = g_dir_make_tmp("rc-agent-config-XXXXXX", NULL);
    assert_non_null(f->dir);
    f->name = g_build_filename(f->dir, "agent.yaml", NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    GDir *dir = g_dir_open(f->dir, 0, NULL);
    for (const char *entry; dir && (entry = g_dir_read_name(dir));) {
        char *path = g_build_filename(f->dir, entry, NULL);
        g_remove(path);
        g_free(path);
    }
    if (dir)
        g_dir_close(dir);
    g_rmdir(f->dir);
    g_free(f->dir);
    g_free(f->name);
    g_free(f);
    return 0;
}

static void write_file(fixture *f, const char *name, const char *text, int mode)
{
    char *path = g_build_filename(f->dir, name, NULL);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    assert_int_equal(chmod(path, mode), 0);
    g_free(path);
}

static rc_agent_config *load(fixture *f, const char *yaml, GError **error)
{
    return rc_agent_config_load_string(f->name, yaml, "/default/schemas", "/default/plugins",
                                       error);
}

/* Load @yaml, expect failure, and check that the message holds @expected at
 * "agent.yaml:LINE:COL: error: " when @line is not 0. */
static void expect_error(fixture *f, const char *yaml, guint line, guint column,
                         const char *expected)
{
    GError *error = NULL;
    rc_agent_config *config = load(f, yaml, &error);
    assert_null(config);
    assert_non_null(error);
    if (!strstr(error->message, expected))
        fail_msg("expected '%s' in:\n%s", expected, error->message);
    if (line) {
        char *where = g_strdup_printf("%s:%u:%u: error: ", f->name, line, column);
        if (!strstr(error->message, where))
            fail_msg("expected '%s' in:\n%s", where, error->message);
        g_free(where);
    }
    g_error_free(error);
}

#define ACCOUNT "account:\n  jid: screen1@localhost/lobby\n  password_file: pw\n"

static void test_full_config(void **state)
{
    fixture *f = *state;
    write_file(f, "pw", "s3cret\n", 0600);
    GError *error = NULL;
    rc_agent_config *c = load(f,
        ACCOUNT
        "server:\n  host: 127.0.0.1\n  port: 5299\n  pubsub_service: pubsub.localhost\n"
        "  allow_plaintext: true\n  tls_ca_file: certs/server.crt\n"
        "  reconcile_ms: 30000\n"
        "rooms: [lobby@conference.localhost, stage@conference.localhost]\n"
        "schema_dirs: [schemas, /abs/schemas]\n"
        "plugin_dirs: /abs/plugins\n"
        "plugins:\n"
        "  - name: ui-state\n    config:\n      file: ui.json\n"
        "  - audit\n"
        "log_level: debug\n"
        "chat_state_file: chat.json\n", &error);
    assert_null(error);
    assert_non_null(c);
    assert_string_equal(c->jid, "screen1@localhost/lobby");
    assert_string_equal(c->password, "s3cret");
    assert_string_equal(c->host, "127.0.0.1");
    assert_int_equal(c->port, 5299);
    assert_string_equal(c->pubsub_service, "pubsub.localhost");
    assert_true(c->allow_plaintext);
    /* Relative to the configuration file's folder. */
    g_autofree char *ca = g_build_filename(f->dir, "certs", "server.crt", NULL);
    assert_string_equal(c->tls_ca_file, ca);
    assert_int_equal(c->reconcile_ms, 30000);
    assert_int_equal(c->rooms->len, 2);
    assert_string_equal(c->rooms->pdata[1], "stage@conference.localhost");
    char *schemas = g_build_filename(f->dir, "schemas", NULL);
    assert_string_equal(c->schema_dirs->pdata[0], schemas);
    g_free(schemas);
    assert_string_equal(c->schema_dirs->pdata[1], "/abs/schemas");
    assert_int_equal(c->plugin_dirs->len, 1);
    assert_string_equal(c->plugin_dirs->pdata[0], "/abs/plugins");
    assert_int_equal(c->plugins->len, 2);
    rc_agent_plugin_conf *ui = &g_array_index(c->plugins, rc_agent_plugin_conf, 0);
    rc_agent_plugin_conf *audit = &g_array_index(c->plugins, rc_agent_plugin_conf, 1);
    assert_string_equal(ui->name, "ui-state");
    assert_string_equal(roomctl_config_get_string(ui->section, "file", NULL), "ui.json");
    assert_string_equal(audit->name, "audit");
    assert_null(audit->section);
    assert_int_equal(c->log_level, ROOMCTL_LOG_DEBUG);
    char *chat = g_build_filename(f->dir, "chat.json", NULL);
    assert_string_equal(c->chat_state_file, chat);
    g_free(chat);
    rc_agent_config_free(c);
}

static void test_defaults(void **state)
{
    fixture *f = *state;
    g_setenv("RC_TEST_AGENT_PASSWORD", "from-env", TRUE);
    GError *error = NULL;
    rc_agent_config *c = load(f,
        "account: {jid: a@localhost, password_env: RC_TEST_AGENT_PASSWORD}\n"
        "room: lobby@conference.localhost\n", &error);
    assert_null(error);
    assert_string_equal(c->password, "from-env");
    assert_null(c->host);
    assert_int_equal(c->port, 0);
    assert_false(c->allow_plaintext);
    assert_null(c->tls_ca_file);
    assert_int_equal(c->reconcile_ms, 0);
    assert_int_equal(c->rooms->len, 1);
    assert_string_equal(c->schema_dirs->pdata[0], "/default/schemas");
    assert_string_equal(c->plugin_dirs->pdata[0], "/default/plugins");
    assert_int_equal(c->plugins->len, 0);
    assert_int_equal(c->log_level, ROOMCTL_LOG_INFO);
    assert_null(c->chat_state_file);
    rc_agent_config_free(c);
}

static void test_unknown_keys(void **state)
{
    fixture *f = *state;
    write_file(f, "pw", "x", 0600);
    expect_error(f, ACCOUNT "rom: lobby@conference.localhost\n", 4, 6,
                 "unknown key 'rom' in the agent configuration (did you mean 'room'?); "
                 "expected one of: account, server, room, rooms");
    expect_error(f, "account:\n  jid: a@localhost\n  password: hunter2\n"
                    "room: r@conference.localhost\n", 3, 13,
                 "'password' is not accepted here: keep the password out of configurations "
                 "and command lines; use password_file");
    expect_error(f, ACCOUNT "room: r@c.localhost\nserver: {hots: x}\n", 5, 16,
                 "unknown key 'hots' in server (did you mean 'host'?)");
    expect_error(f, ACCOUNT "room: r@c.localhost\nfrobnicate: 1\n", 5, 13,
                 "unknown key 'frobnicate' in the agent configuration; expected one of:");
    expect_error(f, ACCOUNT "room: r@c.localhost\nplugins:\n  - {name: audit, conf: {}}\n",
                 6, 25, "unknown key 'conf' in a plugin entry (did you mean 'config'?)");
}

static void test_account_errors(void **state)
{
    fixture *f = *state;
    expect_error(f, "room: r@c.localhost\n", 1, 1, "missing 'account'");
    expect_error(f, "account: a@localhost\nroom: r@c.localhost\n", 1, 10,
                 "'account' must be a mapping, got a text value");
    expect_error(f, "account: {password_env: X}\nroom: r@c.localhost\n", 1, 10,
                 "missing 'jid' in account");
    expect_error(f, "account: {jid: 'a@@b', password_env: X}\nroom: r@c.localhost\n", 1, 16,
                 "'a@@b' is not a valid JID; expected user@domain");
    expect_error(f, "account: {jid: a@localhost}\nroom: r@c.localhost\n", 1, 10,
                 "missing password_file or password_env in account; the password is never "
                 "given on the command line");
    g_setenv("RC_TEST_AGENT_PASSWORD", "x", TRUE);
    write_file(f, "pw", "x", 0600);
    expect_error(f, "account: {jid: a@localhost, password_file: pw, "
                    "password_env: RC_TEST_AGENT_PASSWORD}\nroom: r@c.localhost\n", 1, 44,
                 "give password_file or password_env, not both");
}

static void test_password_errors(void **state)
{
    fixture *f = *state;
    char *pw = g_build_filename(f->dir, "pw", NULL);
    write_file(f, "pw", "secret\n", 0644);
    char *mode = g_strdup_printf("password file %s has mode 0644: the group or others may "
                                 "read it; expected mode 0600 or 0400 (chmod 600 %s)", pw, pw);
    expect_error(f, ACCOUNT "room: r@c.localhost\n", 3, 18, mode);
    g_free(mode);
    write_file(f, "pw", "secret\n", 0640);
    expect_error(f, ACCOUNT "room: r@c.localhost\n", 3, 18, "has mode 0640");
    write_file(f, "pw", "\n", 0600);
    expect_error(f, ACCOUNT "room: r@c.localhost\n", 3, 18, "is empty");
    g_remove(pw);
    char *missing = g_strdup_printf("cannot open password file %s: No such file", pw);
    expect_error(f, ACCOUNT "room: r@c.localhost\n", 3, 18, missing);
    g_free(missing);
    g_free(pw);
    g_unsetenv("RC_TEST_AGENT_UNSET");
    expect_error(f, "account: {jid: a@localhost, password_env: RC_TEST_AGENT_UNSET}\n"
                    "room: r@c.localhost\n", 1, 43,
                 "environment variable RC_TEST_AGENT_UNSET is not set");
}

static void test_server_errors(void **state)
{
    fixture *f = *state;
    write_file(f, "pw", "x", 0600);
    expect_error(f, ACCOUNT "room: r@c.localhost\nserver: {port: 70000}\n", 5, 16,
                 "'port' must be a number from 1 to 65535");
    expect_error(f, ACCOUNT "room: r@c.localhost\nserver: {port: five}\n", 5, 16,
                 "'port' must be a number from 1 to 65535");
    expect_error(f, ACCOUNT "room: r@c.localhost\nserver: {allow_plaintext: maybe}\n", 5, 27,
                 "'allow_plaintext' must be true or false");
    expect_error(f, ACCOUNT "room: r@c.localhost\nserver: {pubsub_service: 'a@b'}\n", 5, 26,
                 "'a@b' is not a service address");
    expect_error(f, ACCOUNT "room: r@c.localhost\nserver: [x]\n", 5, 9,
                 "'server' must be a mapping, got a list");
    expect_error(f, ACCOUNT "room: r@c.localhost\nserver: {host: [a]}\n", 5, 16,
                 "'host' must be a text value, got a list");
}

static void test_room_errors(void **state)
{
    fixture *f = *state;
    write_file(f, "pw", "x", 0600);
    expect_error(f, ACCOUNT, 1, 1, "missing 'room' (or 'rooms')");
    expect_error(f, ACCOUNT "room: lobby\n", 4, 7,
                 "'lobby' is not a room address; expected the room's bare JID");
    expect_error(f, ACCOUNT "room: r@c.localhost/nick\n", 4, 7, "is not a room address");
    expect_error(f, ACCOUNT "room: a@c.localhost\nrooms: [b@c.localhost]\n", 5, 8,
                 "give 'room' or 'rooms', not both");
    expect_error(f, ACCOUNT "rooms: []\n", 4, 8,
                 "'rooms' is an empty list; expected at least one room address");
    expect_error(f, ACCOUNT "room: [a@c.localhost]\n", 4, 7,
                 "'room' must be one room address, got a list; use 'rooms' for a list");
    expect_error(f, ACCOUNT "rooms: {a: b}\n", 4, 8, "'rooms' must be a list of room address");
}

static void test_plugin_errors(void **state)
{
    fixture *f = *state;
    write_file(f, "pw", "x", 0600);
    expect_error(f, ACCOUNT "room: r@c.localhost\nplugins: audit\n", 5, 10,
                 "'plugins' must be a list of {name, config} entries, got a text value");
    expect_error(f, ACCOUNT "room: r@c.localhost\nplugins:\n  - config: {}\n", 6, 5,
                 "missing 'name' in plugin entry");
    expect_error(f, ACCOUNT "room: r@c.localhost\nplugins:\n  - {name: audit, config: x}\n",
                 6, 27, "'config' must be a mapping (the plugin's settings), got a text value");
    expect_error(f, ACCOUNT "room: r@c.localhost\nplugins: [audit, audit]\n", 5, 18,
                 "plugin 'audit' is listed twice");
    expect_error(f, ACCOUNT "room: r@c.localhost\nplugins: [[audit]]\n", 5, 11,
                 "expected a plugin: a name or a mapping with name and config, got a list");
    expect_error(f, ACCOUNT "room: r@c.localhost\nschema_dirs: [{a: b}]\n", 5, 15,
                 "expected folder in 'schema_dirs', got a mapping");
}

static void test_misc_errors(void **state)
{
    fixture *f = *state;
    write_file(f, "pw", "x", 0600);
    expect_error(f, ACCOUNT "room: r@c.localhost\nlog_level: verbose\n", 5, 12,
                 "unknown log_level 'verbose'; expected error, warning, info or debug");
    expect_error(f, "- a\n- b\n", 1, 1, "expected a mapping with account, server, room");
    /* Every error of the file, not just the first. */
    GError *error = NULL;
    assert_null(load(f, "account: {jid: a@localhost}\nroom: x\nlog_level: loud\n", &error));
    char **lines = g_strsplit(error->message, "\n", -1);
    assert_int_equal(g_strv_length(lines), 3);
    g_strfreev(lines);
    g_error_free(error);
}

/* `gate: JID` (issue 12): only the gate publishes. */
static void test_gate(void **state)
{
    fixture *f = *state;
    write_file(f, "pw", "x", 0600);
    GError *error = NULL;
    rc_agent_config *config = load(f, ACCOUNT "room: r@c.localhost\ngate: gate.localhost\n",
                                   &error);
    assert_non_null(config);
    assert_string_equal(config->gate, "gate.localhost");
    rc_agent_config_free(config);
    expect_error(f, ACCOUNT "room: r@c.localhost\ngate: g@localhost\n", 5, 7,
                 "'g@localhost' is not a component address; expected the gate's domain");
    expect_error(f, ACCOUNT "room: r@c.localhost\ngate: gate.localhost\nmoderators: [a@b]\n",
                 5, 7, "give 'gate' or 'moderators', not both");
    expect_error(f, ACCOUNT "rooms: [{jid: r@c.localhost, moderators: [a@b]}]\n"
                 "gate: gate.localhost\n", 5, 7,
                 "give 'gate' or rooms with their own 'moderators', not both");
}

static void test_yaml_errors(void **state)
{
    fixture *f = *state;
    /* Syntax errors and duplicate keys come from the YAML tree with positions. */
    expect_error(f, "account: {jid: a@localhost\nroom: [\n", 0, 0, f->name);
    expect_error(f, "room: a@c.localhost\nroom: b@c.localhost\n", 2, 1,
                 "duplicate key 'room'");
    GError *error = NULL;
    char *missing = g_build_filename(f->dir, "nope.yaml", NULL);
    assert_null(rc_agent_config_load(missing, NULL, NULL, &error));
    assert_non_null(strstr(error->message, missing));
    /* Not readable: a bad configuration for the agent and the gate (exit 3). */
    assert_int_equal(error->code, ROOMCTL_ERR_CONFIG);
    g_error_free(error);
    g_free(missing);
}

/* ---- Access keys: moderators, max_item_size, local_test_server ------------- */

#define ACCESS_ACCOUNT "account: {jid: screen@localhost/kiosk, password_env: F_TEST_PASSWORD}\n"

static void test_config_moderators(void **state)
{
    fixture *f = *state;
    GError *error = NULL;
    rc_agent_config *c = load(f, ACCESS_ACCOUNT
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

    c = load(f, ACCESS_ACCOUNT "room: r@conference.localhost\n", &error);
    assert_non_null(c);
    assert_null(c->moderators);
    assert_int_equal(c->max_item_size, 0);
    rc_agent_config_free(c);
}

static void test_config_access_errors(void **state)
{
    fixture *f = *state;
    expect_error(f, ACCESS_ACCOUNT "room: r@c.localhost\nmoderators: [not a jid]\n",
                 3, 14, "'not a jid' is not an account address; "
                 "expected a bare JID, e.g. alice@example.org");
    expect_error(f, ACCESS_ACCOUNT "room: r@c.localhost\nmoderators: []\n",
                 3, 13, "'moderators' is an empty list; expected at "
                 "least one account JID");
    expect_error(f, ACCESS_ACCOUNT "rooms:\n  - {jid: r@c.localhost, moderator: [a@localhost]}\n",
                 0, 0, "unknown key 'moderator' in a room entry (did you mean 'moderators'?); "
                 "expected one of: jid, moderators");
    expect_error(f, ACCESS_ACCOUNT "rooms:\n  - {moderators: [a@localhost]}\n",
                 3, 5, "missing 'jid' in room entry; expected the "
                 "room's bare JID");
    expect_error(f, ACCESS_ACCOUNT "rooms:\n  - {jid: nodomain}\n",
                 0, 0, "'nodomain' is not a room address");
    expect_error(f, ACCESS_ACCOUNT "room: r@c.localhost\nmax_item_size: 10\n",
                 3, 16, "'max_item_size' must be a number of bytes from "
                 "1024 to 2147483647 (default 1048576, 1 MiB)");
    expect_error(f, ACCESS_ACCOUNT "room: r@c.localhost\nmax_item_size: big\n",
                 0, 0, "'max_item_size' must be a number of bytes");
}

static void test_config_local_test_server(void **state)
{
    fixture *f = *state;
    GError *error = NULL;
    rc_agent_config *c = load(f, ACCESS_ACCOUNT "room: r@c.localhost\n"
                              "server: {host: 127.0.0.1, local_test_server: true}\n", &error);
    assert_non_null(c);
    assert_true(c->allow_plaintext);
    rc_agent_config_free(c);
    /* No host: the JID's domain, localhost here. */
    c = load(f, ACCESS_ACCOUNT "room: r@c.localhost\nserver: {allow_plaintext: true}\n", &error);
    assert_non_null(c);
    assert_true(c->allow_plaintext);
    rc_agent_config_free(c);

    expect_error(f, ACCESS_ACCOUNT "room: r@c.localhost\n"
                 "server: {host: xmpp.example.org, local_test_server: true}\n",
                 3, 53, "'local_test_server: true' turns TLS off, which "
                 "is for a test server on this machine only; the server is 'xmpp.example.org', "
                 "not 127.0.0.1 or localhost");
    expect_error(f, "account: {jid: screen@example.org, password_env: F_TEST_PASSWORD}\n"
                 "room: r@c.example.org\nserver: {allow_plaintext: true}\n",
                 0, 0, "'allow_plaintext: true' turns TLS off, which is for a test server on this "
                 "machine only; the server is 'example.org'");
    expect_error(f, ACCESS_ACCOUNT "room: r@c.localhost\nserver: {local_test_server: maybe}\n",
                 0, 0, "'local_test_server' must be true or false");
}

int main(void)
{
    g_setenv("F_TEST_PASSWORD", "secret", TRUE); /* the access keys' account */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_account_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_password_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_room_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plugin_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misc_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_yaml_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_moderators, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_access_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_local_test_server, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

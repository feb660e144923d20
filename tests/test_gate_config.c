/* roomctl-gate's configuration (bus/gate/gate_config.c): a good file, and
 * broken ones, each named at FILE:LINE:COL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "gate/gate_config.h"

#define BASE "account: {jid: gate.example.org, password_env: RC_TEST_GATE_SECRET}\n" \
             "server: {host: 127.0.0.1, port: 5347}\n" \
             "rooms: [lobby@conference.example.org]\n"

static char *load_error(const char *yaml)
{
    GError *error = NULL;
    rc_gate_config *config = rc_gate_config_load_string("gate.yaml", yaml, "/schemas", &error);
    assert_null(config);
    assert_int_equal(error->code, ROOMCTL_ERR_CONFIG);
    char *message = g_strdup(error->message);
    g_error_free(error);
    return message;
}

static void test_good(void **state)
{
    GError *error = NULL;
    rc_gate_config *config = rc_gate_config_load_string("gate.yaml", BASE, "/schemas", &error);
    assert_non_null(config);
    assert_string_equal(config->base->jid, "gate.example.org");
    assert_string_equal(config->base->password, "s3cret");
    assert_string_equal(config->nick, "roomctl-gate");
    assert_int_equal(config->allow, RC_ALLOW_ROLE_MODERATOR);
    rc_gate_config_free(config);
    config = rc_gate_config_load_string("gate.yaml", BASE
        "component: {nick: referee, allow: {affiliation: admin}}\n", "/schemas", &error);
    assert_non_null(config);
    assert_string_equal(config->nick, "referee");
    assert_int_equal(config->allow, RC_ALLOW_AFFILIATION_ADMIN);
    rc_gate_config_free(config);
    config = rc_gate_config_load_string("gate.yaml", BASE
        "component: {allow: {affiliation: owner}}\n", "/schemas", &error);
    assert_int_equal(config->allow, RC_ALLOW_AFFILIATION_OWNER);
    assert_int_equal(config->rescan_ms, 0);
    rc_gate_config_free(config);
    /* A room pattern is a room address with * or ?: the agent's reader takes it. */
    config = rc_gate_config_load_string("gate.yaml",
        "account: {jid: gate.example.org, password_env: RC_TEST_GATE_SECRET}\n"
        "rooms: [lobby@conference.example.org, 'standup-*@conference.example.org']\n"
        "component: {rescan_ms: 500}\n", "/schemas", &error);
    assert_non_null(config);
    assert_int_equal(config->rescan_ms, 500);
    assert_string_equal(g_ptr_array_index(config->base->rooms, 1), "standup-*@conference.example.org");
    rc_gate_config_free(config);
}

static void test_broken(void **state)
{
    static const struct { const char *yaml, *message; } cases[] = {
        { "account: {jid: gate@example.org, password_env: RC_TEST_GATE_SECRET}\n"
          "rooms: [lobby@conference.example.org]\n",
          "gate.yaml:1:16: error: 'gate@example.org' is not a component address; expected a "
          "domain such as gate.example.org (the server's Component line)" },
        { "account: {jid: gate.example.org}\nrooms: [lobby@conference.example.org]\n",
          "gate.yaml:1:10: error: missing password_file or password_env in account: the "
          "component secret the server's configuration gives" },
        { BASE "component: {nick: a/b}\n",
          "gate.yaml:4:19: error: 'nick' must be a nickname (text without '/')" },
        { BASE "component: {nik: x}\n",
          "gate.yaml:4:18: error: unknown key 'nik' in component; expected nick, allow or "
          "rescan_ms" },
        { BASE "component: {rescan_ms: 5}\n",
          "gate.yaml:4:24: error: 'rescan_ms' must be a number of milliseconds from 100 to "
          "3600000" },
        { BASE "component: {allow: {role: participant}}\n",
          "gate.yaml:4:27: error: unknown role 'participant' in allow; expected moderator" },
        { BASE "component: {allow: {affiliation: member}}\n",
          "gate.yaml:4:34: error: unknown affiliation 'member' in allow; expected owner or "
          "admin (admin includes owners)" },
        { BASE "component: {allow: moderator}\n",
          "gate.yaml:4:20: error: 'allow' must be {role: moderator} or {affiliation: owner} or "
          "{affiliation: admin}" },
        { BASE "component: [nick]\n",
          "gate.yaml:4:12: error: 'component' must be a mapping with nick and allow" },
        { BASE "plugins: [ui-state]\n",
          "gate.yaml:4:10: error: the gate runs no plugins; 'plugins' belongs in an agent's "
          "configuration" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *message = load_error(cases[i].yaml);
        if (strcmp(message, cases[i].message))
            fail_msg("case %zu:\n  got      %s\n  expected %s", i, message, cases[i].message);
    }
    /* The agent's reader finds its own mistakes, in the same words. */
    g_autofree char *message = load_error("account: {jid: gate.example.org, password_env: "
                                          "RC_TEST_GATE_SECRET}\n");
    assert_non_null(strstr(message, "missing 'room' (or 'rooms')"));
}

int main(void)
{
    g_setenv("RC_TEST_GATE_SECRET", "s3cret", TRUE);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_broken),
    };
    return cmocka_run_group_tests_name("gate_config", tests, NULL, NULL);
}

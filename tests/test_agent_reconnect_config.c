/* The agent's reconnection, keepalive and slow-handler keys (an anonymous
 * account: no password file needed): defaults,
 * values, and the error a user reads for a broken one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "agent/config.h"

#define HEAD "account: {jid: example.org}\nroom: lobby@conference.example.org\n"

static rc_agent_config *load(const char *yaml, GError **error)
{
    return rc_agent_config_load_string("/tmp/agent.yaml", yaml, NULL, NULL, error);
}

static void test_defaults(void **state)
{
    GError *error = NULL;
    rc_agent_config *config = load(HEAD, &error);
    assert_non_null(config);
    assert_int_equal(config->reconnect_min_ms, 0);
    assert_int_equal(config->reconnect_max_ms, 0);
    assert_int_equal(config->keepalive_ms, 0);
    assert_int_equal(config->slow_handler_ms, -1);
    rc_agent_config_free(config);
}

static void test_values(void **state)
{
    GError *error = NULL;
    rc_agent_config *config = load(HEAD "server: {reconnect_min_ms: 200, reconnect_max_ms: 5000,"
                                   " keepalive_ms: 15000}\nslow_handler_ms: 0\n", &error);
    assert_non_null(config);
    assert_int_equal(config->reconnect_min_ms, 200);
    assert_int_equal(config->reconnect_max_ms, 5000);
    assert_int_equal(config->keepalive_ms, 15000);
    assert_int_equal(config->slow_handler_ms, 0);
    rc_agent_config_free(config);
}

static void expect_error(const char *yaml, const char *text)
{
    GError *error = NULL;
    rc_agent_config *config = load(yaml, &error);
    assert_null(config);
    if (!strstr(error->message, text))
        fail_msg("expected \"%s\" in:\n%s", text, error->message);
    g_error_free(error);
}

static void test_broken(void **state)
{
    expect_error(HEAD "server: {reconnect_min_ms: soon}\n",
                 "/tmp/agent.yaml:3:28: error: 'reconnect_min_ms' must be a number of "
                 "milliseconds from 10 to 3600000");
    expect_error(HEAD "server: {keepalive_ms: 5}\n",
                 "'keepalive_ms' must be a number of milliseconds from 100 to 3600000");
    expect_error(HEAD "server: {reconnect_min_ms: 5000, reconnect_max_ms: 1000}\n",
                 "'reconnect_max_ms' (1000) is less than 'reconnect_min_ms' (5000)");
    expect_error(HEAD "slow_handler_ms: -3\n",
                 "'slow_handler_ms' must be a number of milliseconds from 0 to 3600000");
    expect_error(HEAD "server: {reconect_min_ms: 100}\n",
                 "unknown key 'reconect_min_ms' in server (did you mean 'reconnect_min_ms'?)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_broken),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

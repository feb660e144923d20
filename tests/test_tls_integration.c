/* TLS with a test or private server's own certificate, on every test
 * server: the bus, `roomctl --cafile` and ROOMCTL_CAFILE trust the
 * certificate file the harness made, still verifying it; another file, or
 * none, is refused with a message that names the way out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "bus_fixture.h"
#include "harness_util.h"

static roomctl_bus *bus_with_ca(const char *ca_file, GError **error)
{
    roomctl_bus_options options = {
        .jid = "alice@" RC_SERVER_DOMAIN, .password = "pw-alice", .host = "127.0.0.1",
        .port = rc_server_port(fx->server), .request_timeout_ms = 5000 * slow,
        .tls_ca_file = ca_file,
    };
    roomctl_bus *bus = roomctl_bus_new(&options, fx->registry, NULL);
    if (!roomctl_bus_connect_sync(bus, error)) {
        roomctl_bus_free(bus);
        return NULL;
    }
    return bus;
}

static void test_bus_trusts_ca_file(void **state)
{
    g_autoptr(GError) error = NULL;
    roomctl_bus *bus = bus_with_ca(rc_server_cafile(fx->server), &error);
    if (!bus)
        fail_msg("with the server's certificate: %s", error->message);
    assert_non_null(roomctl_bus_jid(bus));
    roomctl_bus_free(bus);

    /* Without it: refused, and told how to trust it. */
    assert_null(bus_with_ca(NULL, &error));
    assert_error(error, ROOMCTL_ERR_CONNECTION,
                 "the server's TLS certificate could not be verified (a test or private "
                 "server's own certificate can be trusted with --cafile / tls_ca_file)");
    g_clear_error(&error);

    /* Another certificate does not vouch for this server. */
    g_autofree char *dir = g_dir_make_tmp("rc-tls-XXXXXX", NULL);
    g_autofree char *crt = g_build_filename(dir, "other.crt", NULL);
    g_autofree char *key = g_build_filename(dir, "other.key", NULL);
    if (!rc_harness_make_certificate(crt, key, &error))
        fail_msg("openssl: %s", error->message);
    assert_null(bus_with_ca(crt, &error));
    assert_error(error, ROOMCTL_ERR_CONNECTION, "(not even with the given CA file)");
    g_remove(crt);
    g_remove(key);
    g_rmdir(dir);
    fx->passed = TRUE;
}

/* `roomctl ARGS…` as the owner over TLS; its exit status, stderr in @err. */
static int roomctl_as_owner(const char *ca_env, char **err, const char *const *args)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)g_getenv("ROOMCTL_BIN"));
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, NULL);
    g_auto(GStrv) env = g_get_environ();
    g_autofree char *port = g_strdup_printf("%u", rc_server_port(fx->server));
    env = g_environ_setenv(env, "ROOMCTL_JID", "owner@" RC_SERVER_DOMAIN, TRUE);
    env = g_environ_setenv(env, "ROOMCTL_PASSWORD", "pw-owner", TRUE);
    env = g_environ_setenv(env, "ROOMCTL_HOST", "127.0.0.1", TRUE);
    env = g_environ_setenv(env, "ROOMCTL_PORT", port, TRUE);
    env = g_environ_unsetenv(env, "ROOMCTL_ALLOW_PLAINTEXT");
    env = ca_env ? g_environ_setenv(env, "ROOMCTL_CAFILE", ca_env, TRUE)
                 : g_environ_unsetenv(env, "ROOMCTL_CAFILE");
    int status = -1;
    g_autoptr(GError) error = NULL;
    if (!g_spawn_sync(NULL, (char **)argv->pdata, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                      NULL, err, &status, &error))
        fail_msg("cannot run roomctl: %s", error->message);
    g_ptr_array_unref(argv);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_cli_cafile(void **state)
{
    g_autofree char *room = new_room("tls");
    const char *with_option[] = { "room", "create", room, "--cafile",
                                  rc_server_cafile(fx->server), NULL };
    g_autofree char *err = NULL;
    if (roomctl_as_owner(NULL, &err, with_option) != 0)
        fail_msg("roomctl room create --cafile: %s", err);
    g_clear_pointer(&err, g_free);

    const char *show[] = { "room", "show", room, NULL };
    if (roomctl_as_owner(rc_server_cafile(fx->server), &err, show) != 0)
        fail_msg("ROOMCTL_CAFILE=… roomctl room show: %s", err);
    g_clear_pointer(&err, g_free);

    assert_int_equal(roomctl_as_owner(NULL, &err, show), 5);
    assert_non_null(strstr(err, "can be trusted with --cafile"));
    fx->passed = TRUE;
}

static int group_setup(void **state) { return start_group(TRUE); }

int main(void)
{
    g_log_set_always_fatal(G_LOG_LEVEL_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bus_trusts_ca_file, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_cli_cafile, test_setup, test_teardown),
    };
    return cmocka_run_group_tests_name("TLS with a given certificate", tests, group_setup,
                                       group_teardown);
}

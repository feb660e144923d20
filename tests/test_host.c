/* The plugin host (bus/host/: host.c, handler.c, dispatch.c, plugin_api.c): loading, refusals
 * with the message a user reads, dispatch order, results and lifecycle.
 * Plugins come from the build tree: tests/plugins/ and plugins/. */
#include "host_fixture.h"

#include <glib/gstdio.h>
#include <string.h>

#define BUTTON_XML "<control xmlns='urn:roomctl:0' type='ui.button' version='1'>" \
                   "<button>send</button><enabled>false</enabled></control>"
#define NOTICE_XML "<control xmlns='urn:roomctl:0' type='room.notice' version='1'>" \
                   "<text>Break until 11:00</text></control>"

/* A test plugin's path in the build tree (g_free). */
static char *test_plugin(const char *name)
{
    char *file = g_strconcat(name, ".so", NULL);
    char *path = g_build_filename(fixture_test_plugin_dir(), file, NULL);
    g_free(file);
    return path;
}

static void add_test_dir(fixture *f)
{
    GError *error = NULL;
    if (!roomctl_host_add_plugin_dir(f->host, fixture_test_plugin_dir(), &error))
        fail_msg("%s", error->message);
}

static void assert_message(char *message, const char *expected)
{
    assert_string_equal(message, expected);
    g_free(message);
}

/* Copy a file byte for byte; the copy gets @mode. */
static void copy_file(const char *from, const char *to, int mode)
{
    char *data = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(from, &data, &len, NULL));
    assert_true(g_file_set_contents(to, data, (gssize)len, NULL));
    g_free(data);
    assert_int_equal(g_chmod(to, mode), 0);
}

/* ---- Loading ---------------------------------------------------------------- */

static void test_load_by_name(void **state)
{
    fixture *f = *state;
    add_test_dir(f);
    fixture_load(f, "probe-a", NULL);
    fixture_load(f, "probe-b", NULL);
    GPtrArray *names = roomctl_host_plugins(f->host);
    assert_int_equal(names->len, 2);
    assert_string_equal(g_ptr_array_index(names, 0), "probe-a");
    assert_string_equal(g_ptr_array_index(names, 1), "probe-b");
    char *path = test_plugin("probe-a");
    char *expected = g_strdup_printf("INFO host: loaded plugin 'probe-a' 1.0 from %s", path);
    fixture_assert_logged(f, expected);
    g_free(expected);
    g_free(path);
    /* init learns the host's minor (SDK 1.3). */
    expected = g_strdup_printf("INFO plugin:probe-a: host ABI %d.%d\n", ROOMCTL_PLUGIN_ABI_MAJOR,
                               ROOMCTL_PLUGIN_ABI_MINOR);
    fixture_assert_logged(f, expected);
    g_free(expected);
}

static void test_load_by_path(void **state)
{
    fixture *f = *state;
    char *path = test_plugin("probe-a");
    fixture_load(f, path, NULL);
    assert_string_equal(g_ptr_array_index(roomctl_host_plugins(f->host), 0), "probe-a");
    g_free(path);
}

static void test_not_found(void **state)
{
    fixture *f = *state;
    assert_message(fixture_load_error(f, "nope", NULL, ROOMCTL_ERR_PLUGIN),
                   "plugin 'nope' not found: no nope.so in any plugin directory "
                   "(none configured)");
    add_test_dir(f);
    char *expected = g_strdup_printf("plugin 'nope' not found: no nope.so in %s",
                                     fixture_test_plugin_dir());
    assert_message(fixture_load_error(f, "nope", NULL, ROOMCTL_ERR_PLUGIN), expected);
    g_free(expected);
}

static void test_wrong_abi_major(void **state)
{
    fixture *f = *state;
    char *path = test_plugin("abi-major");
    char *expected = g_strdup_printf("%s: plugin needs ABI %d.0, this host has %d.%d",
                                     path, ROOMCTL_PLUGIN_ABI_MAJOR + 1,
                                     ROOMCTL_PLUGIN_ABI_MAJOR, ROOMCTL_PLUGIN_ABI_MINOR);
    assert_message(fixture_load_error(f, path, NULL, ROOMCTL_ERR_PLUGIN), expected);
    assert_int_equal(roomctl_host_plugins(f->host)->len, 0);
    g_free(expected);
    g_free(path);
}

static void test_newer_abi_minor(void **state)
{
    fixture *f = *state;
    add_test_dir(f);
    char *path = test_plugin("abi-minor");
    char *expected = g_strdup_printf("%s: plugin needs ABI %d.%d, this host has %d.%d",
                                     path, ROOMCTL_PLUGIN_ABI_MAJOR,
                                     ROOMCTL_PLUGIN_ABI_MINOR + 1, ROOMCTL_PLUGIN_ABI_MAJOR,
                                     ROOMCTL_PLUGIN_ABI_MINOR);
    assert_message(fixture_load_error(f, "abi-minor", NULL, ROOMCTL_ERR_PLUGIN), expected);
    g_free(expected);
    g_free(path);
}

/* A plugin for a newer minor that calls a function this host lacks is
 * refused by its descriptor, before any symbol is bound: the message names
 * both versions and the file, not the missing symbol. */
static void test_newer_abi_minor_calling_newer_function(void **state)
{
    fixture *f = *state;
    add_test_dir(f);
    char *path = test_plugin("abi-newer-call");
    char *expected = g_strdup_printf("%s: plugin needs ABI %d.%d, this host has %d.%d",
                                     path, ROOMCTL_PLUGIN_ABI_MAJOR,
                                     ROOMCTL_PLUGIN_ABI_MINOR + 1, ROOMCTL_PLUGIN_ABI_MAJOR,
                                     ROOMCTL_PLUGIN_ABI_MINOR);
    assert_message(fixture_load_error(f, "abi-newer-call", NULL, ROOMCTL_ERR_PLUGIN), expected);
    assert_int_equal(roomctl_host_plugins(f->host)->len, 0);
    g_free(expected);
    g_free(path);
}

/* ROOMCTL_PLUGIN_MIN_MINOR: the descriptor claims the older minor, and the
 * plugin's weak newer call does not stop it binding. */
static void test_plugin_claiming_older_minor(void **state)
{
    fixture *f = *state;
    add_test_dir(f);
    fixture_load(f, "min-minor", NULL);
    char *expected = g_strdup_printf("INFO plugin:min-minor: claims 1.1, host has 1.%d: "
                                     "newer call skipped\n", ROOMCTL_PLUGIN_ABI_MINOR);
    fixture_assert_logged(f, expected);
    g_free(expected);
}

static void test_missing_descriptor(void **state)
{
    fixture *f = *state;
    char *path = test_plugin("no-descriptor");
    char *expected = g_strdup_printf("%s: not a roomctl plugin: no descriptor symbol "
                                     "'roomctl_plugin_entry' (write one with "
                                     "ROOMCTL_PLUGIN_DEFINE())", path);
    assert_message(fixture_load_error(f, path, NULL, ROOMCTL_ERR_PLUGIN), expected);
    g_free(expected);
    g_free(path);
}

static void test_not_an_elf(void **state)
{
    fixture *f = *state;
    char *path = fixture_path(f, "bogus.so");
    const char *text = "This is a text file that someone named bogus.so by mistake, "
                       "long enough for the loader to read its header.\n";
    assert_true(g_file_set_contents(path, text, -1, NULL));
    assert_int_equal(g_chmod(path, 0644), 0);
    char *message = fixture_load_error(f, path, NULL, ROOMCTL_ERR_PLUGIN);
    /* dlerror()'s own words follow our prefix. */
    char *expected = g_strdup_printf("%s: cannot load plugin: invalid ELF header", path);
    assert_string_equal(message, expected);
    g_free(expected);
    g_free(message);
    g_free(path);
}

static void test_failing_init(void **state)
{
    fixture *f = *state;
    char *path = test_plugin("fail-init");
    char *expected = g_strdup_printf("%s: plugin 'fail-init' failed to start: "
                                     "cannot reach the frobnicator at 10.0.0.1", path);
    assert_message(fixture_load_error(f, path, "address: 10.0.0.1\n", ROOMCTL_ERR_PLUGIN),
                   expected);
    assert_int_equal(roomctl_host_plugins(f->host)->len, 0);
    fixture_free_host(f);
    /* Unloaded without shutdown; its handler and data freed (valgrind checks). */
    assert_null(strstr(f->log->str, "shutdown after a failed init"));
    g_free(expected);
    g_free(path);
}

/* roomctl_host_check(): everything roomctl_host_load() checks before init,
 * and no init: a plugin's init may write files a running agent owns. */
static void test_check_without_init(void **state)
{
    fixture *f = *state;
    GError *error = NULL;
    char *file = fixture_path(f, "ui.json");
    assert_true(g_file_set_contents(file, "{\"live\": true}\n", -1, NULL));
    assert_true(roomctl_host_add_plugin_dir(f->host, fixture_plugin_dir(), &error));
    assert_true(roomctl_host_check(f->host, "ui-state", &error));
    char *contents = NULL;
    assert_true(g_file_get_contents(file, &contents, NULL, NULL));
    assert_string_equal(contents, "{\"live\": true}\n");
    g_free(contents);
    assert_int_equal(roomctl_host_plugins(f->host)->len, 0);
    /* A failing init is not run either. */
    char *path = test_plugin("fail-init");
    assert_true(roomctl_host_check(f->host, path, &error));
    g_free(path);

    /* The refusals are those of roomctl_host_load(). */
    path = test_plugin("abi-major");
    assert_false(roomctl_host_check(f->host, path, &error));
    char *expected = g_strdup_printf("%s: plugin needs ABI %d.0, this host has %d.%d",
                                     path, ROOMCTL_PLUGIN_ABI_MAJOR + 1,
                                     ROOMCTL_PLUGIN_ABI_MAJOR, ROOMCTL_PLUGIN_ABI_MINOR);
    assert_int_equal(error->code, ROOMCTL_ERR_PLUGIN);
    assert_string_equal(error->message, expected);
    g_clear_error(&error);
    g_free(expected);
    g_free(path);
    assert_false(roomctl_host_check(f->host, "nope", &error));
    expected = g_strdup_printf("plugin 'nope' not found: no nope.so in %s", fixture_plugin_dir());
    assert_string_equal(error->message, expected);
    g_clear_error(&error);
    g_free(expected);
    g_free(file);
}

static void test_duplicate_name(void **state)
{
    fixture *f = *state;
    add_test_dir(f);
    fixture_load(f, "probe-a", NULL);
    char *path = test_plugin("probe-a");
    char *expected = g_strdup_printf("%s: a plugin named 'probe-a' is already loaded (from %s)",
                                     path, path);
    assert_message(fixture_load_error(f, path, NULL, ROOMCTL_ERR_PLUGIN), expected);
    g_free(expected);
    g_free(path);
}

/* ---- Permissions ------------------------------------------------------------- */

static void test_group_writable_file(void **state)
{
    fixture *f = *state;
    char *source = test_plugin("probe-a");
    char *path = fixture_path(f, "probe-a.so");
    copy_file(source, path, 0664);
    char *expected = g_strdup_printf("%s: refusing plugin: mode 0664 lets others than its "
                                     "owner write it (chmod go-w)", path);
    assert_message(fixture_load_error(f, path, NULL, ROOMCTL_ERR_INSECURE), expected);
    g_free(expected);

    /* The same file, once private, loads. */
    assert_int_equal(g_chmod(path, 0644), 0);
    fixture_load(f, path, NULL);
    g_free(path);
    g_free(source);
}

static void test_group_writable_dir(void **state)
{
    fixture *f = *state;
    char *source = test_plugin("probe-a");
    char *path = fixture_path(f, "probe-a.so");
    copy_file(source, path, 0644);
    assert_int_equal(g_chmod(f->tmpdir, 0775), 0);

    GError *error = NULL;
    assert_false(roomctl_host_add_plugin_dir(f->host, f->tmpdir, &error));
    assert_true(g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_INSECURE));
    char *expected = g_strdup_printf("%s: refusing plugin directory: mode 0775 lets others "
                                     "than its owner write it (chmod go-w)", f->tmpdir);
    assert_string_equal(error->message, expected);
    g_clear_error(&error);
    /* Loading a file from it by path is refused for the same reason. */
    assert_message(fixture_load_error(f, path, NULL, ROOMCTL_ERR_INSECURE), expected);
    g_free(expected);
    g_free(path);
    g_free(source);
}

/* Write rights for others only, not the group (0646, 0757): refused too. */
static void test_other_writable_paths(void **state)
{
    fixture *f = *state;
    char *source = test_plugin("probe-a");
    char *path = fixture_path(f, "probe-a.so");
    copy_file(source, path, 0646);
    char *expected = g_strdup_printf("%s: refusing plugin: mode 0646 lets others than its "
                                     "owner write it (chmod go-w)", path);
    assert_message(fixture_load_error(f, path, NULL, ROOMCTL_ERR_INSECURE), expected);
    g_free(expected);

    assert_int_equal(g_chmod(path, 0644), 0);
    assert_int_equal(g_chmod(f->tmpdir, 0757), 0);
    GError *error = NULL;
    assert_false(roomctl_host_add_plugin_dir(f->host, f->tmpdir, &error));
    expected = g_strdup_printf("%s: refusing plugin directory: mode 0757 lets others "
                               "than its owner write it (chmod go-w)", f->tmpdir);
    assert_string_equal(error->message, expected);
    g_clear_error(&error);
    assert_message(fixture_load_error(f, path, NULL, ROOMCTL_ERR_INSECURE), expected);
    g_free(expected);
    g_free(path);
    g_free(source);
}

static void test_not_a_directory(void **state)
{
    fixture *f = *state;
    char *missing = fixture_path(f, "missing");
    GError *error = NULL;
    assert_false(roomctl_host_add_plugin_dir(f->host, missing, &error));
    char *expected = g_strdup_printf("%s: cannot load plugins from it: No such file or directory",
                                     missing);
    assert_string_equal(error->message, expected);
    g_clear_error(&error);
    g_free(expected);
    g_free(missing);
}

/* ---- Dispatch ------------------------------------------------------------------ */

static void test_failing_handler_others_run(void **state)
{
    fixture *f = *state;
    add_test_dir(f);
    fixture_load(f, "probe-a", "fail: true\n");
    fixture_load(f, "probe-b", NULL);
    roomctl_item *item = fixture_item(f, BUTTON_XML);
    GPtrArray *results = NULL;
    assert_int_equal(roomctl_host_dispatch(f->host, item, &results), 1);
    assert_int_equal(results->len, 2);
    const roomctl_handler_result *a = g_ptr_array_index(results, 0);
    const roomctl_handler_result *b = g_ptr_array_index(results, 1);
    assert_string_equal(a->plugin, "probe-a");
    assert_false(a->ok);
    assert_string_equal(a->reason, "probe-a told to fail");
    assert_string_equal(b->plugin, "probe-b");
    assert_true(b->ok);
    assert_null(b->reason);
    fixture_assert_logged(f, "WARNING host: plugin 'probe-a' failed to handle ui.button:send: "
                             "probe-a told to fail\n");
    fixture_assert_logged(f, "INFO plugin:probe-b: handled ui.button ui.button:send\n");
    g_ptr_array_unref(results);
    roomctl_item_unref(item);
}

static void test_matching(void **state)
{
    fixture *f = *state;
    add_test_dir(f);
    fixture_load(f, "probe-a", "types: ui.*\n");
    fixture_load(f, "probe-b", "types: room.notice\n");
    roomctl_item *button = fixture_item(f, BUTTON_XML);
    roomctl_item *notice = fixture_item(f, NOTICE_XML);
    GPtrArray *results = NULL;

    assert_int_equal(roomctl_host_dispatch(f->host, button, &results), 0);
    assert_int_equal(results->len, 1);
    assert_string_equal(((roomctl_handler_result *)results->pdata[0])->plugin, "probe-a");
    g_ptr_array_unref(results);

    assert_int_equal(roomctl_host_dispatch(f->host, notice, &results), 0);
    assert_int_equal(results->len, 1);
    assert_string_equal(((roomctl_handler_result *)results->pdata[0])->plugin, "probe-b");
    g_ptr_array_unref(results);

    assert_int_equal(roomctl_host_dispatch(f->host, notice, NULL), 0);
    roomctl_item_unref(button);
    roomctl_item_unref(notice);
}

static void test_results_and_slow_handler(void **state)
{
    fixture *f = *state;
    add_test_dir(f);
    roomctl_host_set_slow_handler_ms(f->host, 10);
    fixture_load(f, "probe-a", "sleep_ms: 30\n");
    roomctl_item *item = fixture_item(f, BUTTON_XML);
    GPtrArray *results = NULL;
    assert_int_equal(roomctl_host_dispatch(f->host, item, &results), 0);
    const roomctl_handler_result *r = g_ptr_array_index(results, 0);
    assert_true(r->ok);
    assert_true(r->duration_us >= 30000);
    fixture_assert_logged(f, "WARNING host: plugin 'probe-a' took ");
    fixture_assert_logged(f, " ms to handle ui.button:send (more than 10 ms)\n");
    g_ptr_array_unref(results);
    roomctl_item_unref(item);
}

static void test_reset_and_purge(void **state)
{
    fixture *f = *state;
    add_test_dir(f);
    fixture_load(f, "probe-a", "types: ui.*\n");
    fixture_load(f, "probe-b", "types: room.notice\n");
    roomctl_host_reset(f->host, "r@conference.localhost", "ui.button", "ui.button:send");
    fixture_assert_logged(f, "INFO plugin:probe-a: reset ui.button ui.button:send in "
                             "r@conference.localhost\n");
    assert_null(strstr(f->log->str, "plugin:probe-b: reset"));
    roomctl_host_purge(f->host, "r@conference.localhost");
    fixture_assert_logged(f, "INFO plugin:probe-a: purge r@conference.localhost\n");
    fixture_assert_logged(f, "INFO plugin:probe-b: purge r@conference.localhost\n");
}

/* ---- Registration ---------------------------------------------------------------- */

static void test_unknown_type_warning(void **state)
{
    fixture *f = *state;
    add_test_dir(f);
    fixture_load(f, "probe-a", "types: ui.buton\n");
    fixture_assert_logged(f, "WARNING host: plugin 'probe-a' handles 'ui.buton', but no loaded "
                             "schema defines that type\n");
    fixture_load(f, "probe-b", "types: nosuch.*\n");
    fixture_assert_logged(f, "WARNING host: plugin 'probe-b' handles 'nosuch.*', but no loaded "
                             "schema defines a type it matches\n");
}

static void test_bad_pattern(void **state)
{
    fixture *f = *state;
    add_test_dir(f);
    char *path = test_plugin("probe-a");
    char *expected = g_strdup_printf("%s: plugin 'probe-a' failed to start: cannot handle "
                                     "'ui*'", path);
    assert_message(fixture_load_error(f, "probe-a", "types: ui*\n", ROOMCTL_ERR_PLUGIN),
                   expected);
    fixture_assert_logged(f, "WARNING plugin:probe-a: handler refused: bad types 'ui*': "
                             "expected a type such as 'ui.button', a prefix such as 'ui.*', "
                             "or '*'\n");
    g_free(expected);
    g_free(path);
}

static void test_add_handler_only_in_init(void **state)
{
    fixture *f = *state;
    add_test_dir(f);
    fixture_load(f, "probe-a", "late_register: true\n");
    roomctl_item *item = fixture_item(f, BUTTON_XML);
    assert_int_equal(roomctl_host_dispatch(f->host, item, NULL), 0);
    fixture_assert_logged(f, "WARNING plugin:probe-a: roomctl_plugin_add_handler() outside "
                             "init: handler for '*' ignored\n");
    fixture_assert_logged(f, "INFO plugin:probe-a: late add_handler: -3\n");
    roomctl_item_unref(item);
}

static void test_shutdown_in_reverse_order(void **state)
{
    fixture *f = *state;
    add_test_dir(f);
    fixture_load(f, "probe-a", NULL);
    fixture_load(f, "probe-b", NULL);
    roomctl_item *item = fixture_item(f, BUTTON_XML);
    roomctl_host_dispatch(f->host, item, NULL);
    roomctl_item_unref(item);
    fixture_free_host(f);
    const char *b = strstr(f->log->str, "INFO plugin:probe-b: shutdown after 1 items\n");
    const char *a = strstr(f->log->str, "INFO plugin:probe-a: shutdown after 1 items\n");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(b < a);
}

/* ---- The chat power hook --------------------------------------------------------- */

static gboolean refuse_chat(gboolean enabled, const char *reason, void *user_data,
                            GError **error)
{
    g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_IO, "the chat widget is gone");
    return FALSE;
}

static void test_chat_power_hook_failure(void **state)
{
    fixture *f = *state;
    char *path = g_build_filename(fixture_plugin_dir(), "chat-power.so", NULL);
    fixture_load(f, path, NULL);
    roomctl_host_set_chat_power_hook(f->host, refuse_chat, NULL, NULL);
    roomctl_item *item = fixture_item(f, "<control xmlns='urn:roomctl:0' type='chat.power' "
                                         "version='1'><enabled>false</enabled></control>");
    GPtrArray *results = NULL;
    assert_int_equal(roomctl_host_dispatch(f->host, item, &results), 1);
    const roomctl_handler_result *r = g_ptr_array_index(results, 0);
    assert_string_equal(r->reason, "the host failed to turn its chat off");
    fixture_assert_logged(f, "WARNING host: plugin 'chat-power': cannot turn the chat off: "
                             "the chat widget is gone\n");
    g_ptr_array_unref(results);
    roomctl_item_unref(item);
    g_free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_load_by_name, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_load_by_path, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_not_found, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_wrong_abi_major, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_newer_abi_minor, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_newer_abi_minor_calling_newer_function,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_plugin_claiming_older_minor, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_missing_descriptor, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_not_an_elf, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_failing_init, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_check_without_init, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_name, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_group_writable_file, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_group_writable_dir, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_not_a_directory, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_other_writable_paths, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_not_a_directory, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_failing_handler_others_run, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_matching, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_results_and_slow_handler, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_reset_and_purge, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_unknown_type_warning, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_bad_pattern, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_add_handler_only_in_init, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_in_reverse_order, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_chat_power_hook_failure, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests_name("host", tests, NULL, NULL);
}

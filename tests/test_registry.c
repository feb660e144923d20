/* The registry (bus/schema/registry.c): directories, versions, duplicates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include <roomctl/roomctl.h>

#define SCHEMA(type, version) \
    "type: " type "\nversion: " version "\nkind: event\nfields:\n  a: {type: string}\n"

static char *make_dir(void)
{
    char *dir = g_dir_make_tmp("rc-test-registry-XXXXXX", NULL);
    assert_non_null(dir);
    return dir;
}

static char *put(const char *dir, const char *name, const char *text)
{
    char *path = g_build_filename(dir, name, NULL);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    return path;
}

static void remove_dir(char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    for (const char *name; (name = g_dir_read_name(d));) {
        char *path = g_build_filename(dir, name, NULL);
        g_unlink(path);
        g_free(path);
    }
    g_dir_close(d);
    g_rmdir(dir);
    g_free(dir);
}

static void test_shipped_dir(void **state)
{
    roomctl_registry *registry = roomctl_registry_new();
    GError *error = NULL;
    assert_true(roomctl_registry_load_dir(registry, g_getenv("ROOMCTL_TEST_SCHEMAS"), &error));
    GPtrArray *all = roomctl_registry_list(registry);
    assert_int_equal(all->len, 5);
    static const char *const sorted[] = { "chat.power", "room.notice", "slideshow.slide",
                                          "ui.button", "ui.feature" };
    for (guint i = 0; i < all->len; i++)
        assert_string_equal(roomctl_schema_type(g_ptr_array_index(all, i)), sorted[i]);
    g_ptr_array_unref(all);
    const roomctl_schema *button = roomctl_registry_lookup(registry, "ui.button", 0);
    assert_non_null(button);
    assert_ptr_equal(roomctl_registry_lookup(registry, "ui.button", 1), button);
    assert_null(roomctl_registry_lookup(registry, "ui.button", 2));
    assert_null(roomctl_registry_lookup(registry, "ui.slider", 0));
    roomctl_registry_free(registry);
}

static void test_versions(void **state)
{
    roomctl_registry *registry = roomctl_registry_new();
    GError *error = NULL;
    const char *texts[] = { SCHEMA("x.y", "2"), SCHEMA("x.y", "1"), SCHEMA("x.y", "3") };
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++)
        assert_true(roomctl_registry_add(registry, roomctl_schema_load_string("m.yaml", texts[i], -1, NULL), &error));
    assert_int_equal(roomctl_schema_version(roomctl_registry_lookup(registry, "x.y", 0)), 3);
    assert_int_equal(roomctl_schema_version(roomctl_registry_lookup(registry, "x.y", 2)), 2);
    GPtrArray *all = roomctl_registry_list(registry);
    assert_int_equal(all->len, 3);
    assert_int_equal(roomctl_schema_version(g_ptr_array_index(all, 0)), 1);
    assert_int_equal(roomctl_schema_version(g_ptr_array_index(all, 2)), 3);
    g_ptr_array_unref(all);

    /* The same type and version twice: refused, the registry keeps the first. */
    roomctl_schema *again = roomctl_schema_load_string("again.yaml", SCHEMA("x.y", "2"), -1, NULL);
    assert_false(roomctl_registry_add(registry, again, &error));
    assert_string_equal(error->message, "again.yaml:1:7: error: x.y version 2 is already defined in m.yaml");
    g_clear_error(&error);
    roomctl_registry_free(registry);
}

static void test_dir_with_broken_and_duplicate_files(void **state)
{
    char *dir = make_dir();
    char *a = put(dir, "a.yaml", SCHEMA("x.one", "1"));
    char *b = put(dir, "b.yml", SCHEMA("x.one", "1"));
    char *c = put(dir, "c.yaml", "type: x.two\nversion: 0\nkind: event\nfields:\n  a: {type: strng}\n");
    char *d = put(dir, "d.yaml", SCHEMA("x.three", "1"));
    g_free(put(dir, "notes.txt", "not a schema"));

    roomctl_registry *registry = roomctl_registry_new();
    GError *error = NULL;
    assert_false(roomctl_registry_load_dir(registry, dir, &error));
    assert_int_equal(error->code, ROOMCTL_ERR_SCHEMA);
    char *expected = g_strdup_printf(
        "%s:1:7: error: x.one version 1 is already defined in %s\n"
        "%s:2:10: error: 'version' must be an integer >= 1, got 0\n"
        "%s:5:13: error: field 'a': unknown type 'strng' (did you mean 'string'?)", b, a, c, c);
    assert_string_equal(error->message, expected);
    g_free(expected);
    g_clear_error(&error);
    /* The good files are in. */
    assert_non_null(roomctl_registry_lookup(registry, "x.one", 1));
    assert_non_null(roomctl_registry_lookup(registry, "x.three", 1));
    assert_null(roomctl_registry_lookup(registry, "x.two", 0));
    roomctl_registry_free(registry);
    g_free(a);
    g_free(b);
    g_free(c);
    g_free(d);
    remove_dir(dir);
}

static void test_path(void **state)
{
    char *one = make_dir(), *two = make_dir();
    g_free(put(one, "a.yaml", SCHEMA("x.a", "1")));
    g_free(put(two, "b.yaml", SCHEMA("x.b", "1")));
    char *path = g_strjoin(":", one, "", two, NULL);

    roomctl_registry *registry = roomctl_registry_new();
    GError *error = NULL;
    assert_true(roomctl_registry_load_path(registry, path, &error));
    assert_non_null(roomctl_registry_lookup(registry, "x.a", 0));
    assert_non_null(roomctl_registry_lookup(registry, "x.b", 0));
    roomctl_registry_free(registry);

    g_setenv("ROOMCTL_SCHEMA_PATH", path, TRUE);
    assert_string_equal(roomctl_registry_default_path(), path);
    registry = roomctl_registry_new();
    assert_true(roomctl_registry_load_path(registry, NULL, &error));
    assert_non_null(roomctl_registry_lookup(registry, "x.b", 0));
    roomctl_registry_free(registry);

    registry = roomctl_registry_new();
    assert_false(roomctl_registry_load_path(registry, "/nonexistent/schemas", &error));
    assert_int_equal(error->code, ROOMCTL_ERR_IO);
    assert_true(g_str_has_prefix(error->message, "/nonexistent/schemas: error: "));
    g_clear_error(&error);
    roomctl_registry_free(registry);

    g_free(path);
    remove_dir(one);
    remove_dir(two);
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
    assert_int_equal(error->code, ROOMCTL_ERR_INSECURE);
    assert_string_equal(error->message, expected);
    g_clear_error(&error);
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
    assert_int_equal(error->code, ROOMCTL_ERR_INSECURE);
    assert_string_equal(error->message, file_expected);
    g_clear_error(&error);
    assert_null(roomctl_registry_lookup(r, "ui.button", 0));
    roomctl_registry_free(r);

    /* Write rights for others only, not the group: refused too. */
    assert_int_equal(g_chmod(file, 0646), 0);
    r = roomctl_registry_new();
    assert_false(roomctl_registry_load_dir(r, dir, &error));
    assert_int_equal(error->code, ROOMCTL_ERR_INSECURE);
    assert_non_null(strstr(error->message, "mode 0646 lets others"));
    g_clear_error(&error);
    roomctl_registry_free(r);
    assert_int_equal(g_chmod(file, 0644), 0);
    assert_int_equal(g_chmod(dir, 0757), 0);
    r = roomctl_registry_new();
    assert_false(roomctl_registry_load_dir(r, dir, &error));
    assert_int_equal(error->code, ROOMCTL_ERR_INSECURE);
    assert_non_null(strstr(error->message, "mode 0757 lets others"));
    g_clear_error(&error);
    roomctl_registry_free(r);
    assert_int_equal(g_chmod(dir, 0755), 0);
    g_remove(file);
    g_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_dir),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_dir_with_broken_and_duplicate_files),
        cmocka_unit_test(test_path),
        cmocka_unit_test(test_schema_dir_permissions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

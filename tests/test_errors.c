/* Errors as data (bus/base/error.c): where a schema, configuration or item
 * error is (file, line, column, field) read with roomctl_error_get_position()
 * instead of from the message; distinct codes for distinct kinds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib/gstdio.h>
#include <string.h>

#include <roomctl/roomctl.h>

static void assert_position(const GError *error, const char *file, unsigned line,
                            unsigned column, const char *field)
{
    roomctl_error_position at;
    assert_non_null(error);
    assert_true(roomctl_error_get_position(error, &at));
    if (file)
        assert_string_equal(at.file, file);
    else
        assert_null(at.file);
    assert_int_equal(at.line, line);
    assert_int_equal(at.column, column);
    if (field)
        assert_string_equal(at.field, field);
    else
        assert_null(at.field);
}

/* The first problem of a schema (they are sorted by position). */
static void test_schema_error(void **state)
{
    GError *error = NULL;
    roomctl_schema *schema = roomctl_schema_load_string(
        "s.yaml",
        "type: t.x\nversion: 1\nkind: state\nkey: []\nfields:\n"
        "  a: {type: int, min: 5, max: 1}\n"
        "  b: {type: string, colour: red}\n",
        -1, &error);
    assert_null(schema);
    assert_int_equal(error->code, ROOMCTL_ERR_SCHEMA);
    assert_position(error, "s.yaml", 6, 31, "a");
    /* A copy keeps it. */
    GError *copy = g_error_copy(error);
    assert_position(copy, "s.yaml", 6, 31, "a");
    g_error_free(copy);
    g_error_free(error);
}

/* Broken YAML: a position, no field. */
static void test_config_error(void **state)
{
    GError *error = NULL;
    roomctl_config *config = roomctl_config_load_string("c.yaml", "a: 1\nb: [\n", -1, &error);
    assert_null(config);
    assert_int_equal(error->code, ROOMCTL_ERR_CONFIG);
    roomctl_error_position at;
    assert_true(roomctl_error_get_position(error, &at));
    assert_string_equal(at.file, "c.yaml");
    assert_true(at.line >= 2);
    assert_null(at.field);
    g_error_free(error);
}

static roomctl_registry *registry(void)
{
    roomctl_registry *r = roomctl_registry_new();
    GError *error = NULL;
    roomctl_schema *schema = roomctl_schema_load_string(
        "t.yaml",
        "type: t.x\nversion: 1\nkind: event\nfields:\n"
        "  n: {type: int, max: 3}\n  s: {type: string, required: true}\n",
        -1, &error);
    assert_non_null(schema);
    assert_true(roomctl_registry_add(r, schema, &error));
    return r;
}

/* An item: the field, no file. */
static void test_item_error(void **state)
{
    roomctl_registry *r = registry();
    GError *error = NULL;
    const char *bad[] = { "s=x", "n=7", NULL };
    assert_null(roomctl_item_new_from_assignments(r, "t.x", bad, &error));
    assert_int_equal(error->code, ROOMCTL_ERR_INVALID_ITEM);
    assert_position(error, NULL, 0, 0, "n");
    g_clear_error(&error);
    const char *missing[] = { "n=1", NULL };
    assert_null(roomctl_item_new_from_assignments(r, "t.x", missing, &error));
    assert_position(error, NULL, 0, 0, "s");
    g_clear_error(&error);
    assert_null(roomctl_item_decode_xml(
        r, "<control xmlns='urn:roomctl:0' type='t.x' version='1'><s>a</s><q>1</q></control>",
        NULL, &error));
    assert_position(error, NULL, 0, 0, "q");
    g_clear_error(&error);
    roomctl_registry_free(r);
}

/* An item from a YAML file: file, line, column and field. */
static void test_item_file_error(void **state)
{
    roomctl_registry *r = registry();
    char *dir = g_dir_make_tmp("rc-errors-XXXXXX", NULL);
    char *path = g_build_filename(dir, "item.yaml", NULL);
    assert_true(g_file_set_contents(path, "type: t.x\ns: a\nn: 9\n", -1, NULL));
    GError *error = NULL;
    assert_null(roomctl_item_load_yaml(r, path, &error));
    assert_position(error, path, 3, 4, "n");
    g_error_free(error);
    g_unlink(path);
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
    roomctl_registry_free(r);
}

/* Errors without a position, and of other domains, say so. */
static void test_no_position(void **state)
{
    roomctl_error_position at = { "x", 1, 1, "y" };
    GError *plain = g_error_new_literal(ROOMCTL_ERROR, ROOMCTL_ERR_TIMEOUT, "late");
    assert_false(roomctl_error_get_position(plain, &at));
    assert_null(at.file);
    assert_null(at.field);
    g_error_free(plain);
    GError *foreign = g_error_new_literal(G_FILE_ERROR, G_FILE_ERROR_NOENT, "x");
    assert_false(roomctl_error_get_position(foreign, &at));
    g_error_free(foreign);
    assert_false(roomctl_error_get_position(NULL, &at));
}

/* A forged event has its own code and text, apart from "not allowed". */
static void test_forged_code(void **state)
{
    assert_int_not_equal(ROOMCTL_ERR_FORGED, ROOMCTL_ERR_NOT_ALLOWED);
    assert_string_equal(roomctl_strerror(ROOMCTL_ERR_FORGED), "event not from the PubSub service");
    GError *forged = g_error_new_literal(ROOMCTL_ERROR, ROOMCTL_ERR_FORGED, "x");
    assert_string_equal(roomctl_drop_reason(forged), "not-from-service");
    g_error_free(forged);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_error),
        cmocka_unit_test(test_config_error),
        cmocka_unit_test(test_item_error),
        cmocka_unit_test(test_item_file_error),
        cmocka_unit_test(test_no_position),
        cmocka_unit_test(test_forged_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

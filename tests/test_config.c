/* The strict YAML tree (bus/schema/config_tree.c): accessors, and every refusal with
 * the text a user reads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include <roomctl/roomctl.h>

static roomctl_config *load(const char *yaml)
{
    GError *error = NULL;
    roomctl_config *root = roomctl_config_load_string("t.yaml", yaml, -1, &error);
    if (!root)
        fail_msg("unexpected error: %s", error->message);
    return root;
}

/* Load @yaml expecting failure; returns the message (free with g_free). */
static char *load_error(const char *yaml, gssize len)
{
    GError *error = NULL;
    roomctl_config *root = roomctl_config_load_string("t.yaml", yaml, len, &error);
    assert_null(root);
    assert_non_null(error);
    assert_int_equal(error->code, ROOMCTL_ERR_CONFIG);
    char *message = g_strdup(error->message);
    g_error_free(error);
    return message;
}

static void assert_load_error(const char *yaml, const char *expected)
{
    char *message = load_error(yaml, -1);
    assert_string_equal(message, expected);
    g_free(message);
}

static void test_tree_and_accessors(void **state)
{
    roomctl_config *root = load("name: audit\n"
                                "port: 5222\n"
                                "verbose: true\n"
                                "quiet: no\n"
                                "rooms:\n"
                                "  - a@conference.localhost\n"
                                "  - 'b@conference.localhost'\n"
                                "nested: {x: 1, y: \"two\"}\n");
    assert_int_equal(roomctl_config_kind_of(root), ROOMCTL_CONFIG_MAPPING);
    assert_int_equal(roomctl_config_length(root), 6);
    assert_string_equal(roomctl_config_get_string(root, "name", "x"), "audit");
    assert_string_equal(roomctl_config_get_string(root, "missing", "fb"), "fb");

    int64_t port = 0;
    assert_int_equal(roomctl_config_get_int(root, "port", &port), ROOMCTL_PLUGIN_OK);
    assert_int_equal(port, 5222);
    assert_int_equal(roomctl_config_get_int(root, "name", &port), ROOMCTL_PLUGIN_ETYPE);
    assert_int_equal(roomctl_config_get_int(root, "nope", &port), ROOMCTL_PLUGIN_ENOFIELD);
    assert_int_equal(port, 5222);

    int flag = -1;
    assert_int_equal(roomctl_config_get_bool(root, "verbose", &flag), ROOMCTL_PLUGIN_OK);
    assert_int_equal(flag, 1);
    assert_int_equal(roomctl_config_get_bool(root, "quiet", &flag), ROOMCTL_PLUGIN_ETYPE);
    assert_int_equal(roomctl_config_get_bool(root, "nope", &flag), ROOMCTL_PLUGIN_ENOFIELD);

    const roomctl_config *rooms = roomctl_config_child(root, "rooms");
    assert_int_equal(roomctl_config_kind_of(rooms), ROOMCTL_CONFIG_LIST);
    assert_null(roomctl_config_scalar(rooms));
    assert_int_equal(roomctl_config_length(rooms), 2);
    const char *key = "not null";
    const roomctl_config *second = roomctl_config_at(rooms, 1, &key);
    assert_null(key);
    assert_string_equal(roomctl_config_scalar(second), "b@conference.localhost");
    assert_string_equal(roomctl_config_location(second), "t.yaml:7:5");
    assert_int_equal(roomctl_config_line(second), 7);
    assert_int_equal(roomctl_config_column(second), 5);
    assert_null(roomctl_config_at(rooms, 2, &key));

    const roomctl_config *first = roomctl_config_at(root, 0, &key);
    assert_string_equal(key, "name");
    assert_string_equal(roomctl_config_scalar(first), "audit");

    const roomctl_config *nested = roomctl_config_child(root, "nested");
    assert_string_equal(roomctl_config_get_string(nested, "y", NULL), "two");
    assert_null(roomctl_config_child(rooms, "x"));
    roomctl_config_free(root);
}

static void test_big_mapping_lookup(void **state)
{
    GString *yaml = g_string_new(NULL);
    for (int i = 0; i < 100; i++)
        g_string_append_printf(yaml, "k%d: %d\n", i, i * 2);
    roomctl_config *root = load(yaml->str);
    int64_t v = 0;
    assert_int_equal(roomctl_config_get_int(root, "k77", &v), ROOMCTL_PLUGIN_OK);
    assert_int_equal(v, 154);
    roomctl_config_free(root);

    g_string_append(yaml, "k42: again\n");
    char *message = load_error(yaml->str, -1);
    assert_string_equal(message, "t.yaml:101:1: error: duplicate key 'k42' (first defined at line 43)");
    g_free(message);
    g_string_free(yaml, TRUE);
}

static void test_empty_document(void **state)
{
    roomctl_config *root = load("");
    assert_int_equal(roomctl_config_kind_of(root), ROOMCTL_CONFIG_MAPPING);
    assert_int_equal(roomctl_config_length(root), 0);
    roomctl_config_free(root);

    root = roomctl_config_new_empty();
    assert_int_equal(roomctl_config_kind_of(root), ROOMCTL_CONFIG_MAPPING);
    assert_null(roomctl_config_child(root, "x"));
    roomctl_config_free(root);
}

static void test_duplicate_keys(void **state)
{
    assert_load_error("a: 1\nb: 2\na: 3\n",
                      "t.yaml:3:1: error: duplicate key 'a' (first defined at line 1)");
    /* Every duplicate is reported, also inside a dropped duplicate. */
    assert_load_error("m:\n  x: 1\n  x: 2\nm:\n  y: 1\n  y: 2\n",
                      "t.yaml:3:3: error: duplicate key 'x' (first defined at line 2)\n"
                      "t.yaml:4:1: error: duplicate key 'm' (first defined at line 1)\n"
                      "t.yaml:6:3: error: duplicate key 'y' (first defined at line 5)");
}

static void test_anchors_aliases_tags(void **state)
{
    assert_load_error("a: &x [1, 2]\nb: *x\n",
                      "t.yaml:1:4: error: anchors ('&x') are not allowed\n"
                      "t.yaml:2:4: error: aliases ('*x') are not allowed");
    assert_load_error("a: !!str 12\n",
                      "t.yaml:1:4: error: tags ('tag:yaml.org,2002:str') are not allowed");
}

static void test_depth_limit(void **state)
{
    GString *deep = g_string_new(NULL);
    for (int i = 0; i < 64; i++)
        g_string_append_c(deep, '[');
    for (int i = 0; i < 64; i++)
        g_string_append_c(deep, ']');
    roomctl_config *root = load(deep->str);
    roomctl_config_free(root);

    g_string_prepend_c(deep, '[');
    g_string_append_c(deep, ']');
    char *message = load_error(deep->str, -1);
    assert_string_equal(message, "t.yaml:1:65: error: nesting deeper than 64 levels");
    g_free(message);
    g_string_free(deep, TRUE);
}

static void test_size_limit(void **state)
{
    gsize len = 1024 * 1024 + 1;
    char *big = g_malloc(len + 1);
    memset(big, '#', len);
    big[len] = '\0';
    char *message = load_error(big, len);
    assert_string_equal(message,
                        "t.yaml:1:1: error: file is too large (1048577 bytes; the limit is 1 MiB)");
    g_free(message);

    char *path = g_build_filename(g_get_tmp_dir(), "rc-test-config-big.yaml", NULL);
    assert_true(g_file_set_contents(path, big, len, NULL));
    GError *error = NULL;
    assert_null(roomctl_config_load_file(path, &error));
    char *expected = g_strdup_printf(
        "%s:1:1: error: file is too large (1048577 bytes; the limit is 1 MiB)", path);
    assert_string_equal(error->message, expected);
    g_clear_error(&error);
    g_unlink(path);
    g_free(expected);
    g_free(path);
    g_free(big);
}

/* A device or a FIFO has no size to check first: the reading stops at the
 * limit instead of going on without end. */
static void test_size_limit_unbounded_files(void **state)
{
    GError *error = NULL;
    assert_null(roomctl_config_load_file("/dev/zero", &error));
    assert_int_equal(error->code, ROOMCTL_ERR_CONFIG);
    assert_string_equal(error->message,
                        "/dev/zero:1:1: error: file is too large (more than 1 MiB; the limit is 1 MiB)");
    g_clear_error(&error);
    /* A small one is read to its end. */
    roomctl_config *root = roomctl_config_load_file("/dev/null", &error);
    assert_non_null(root);
    assert_int_equal(roomctl_config_length(root), 0);
    roomctl_config_free(root);
    assert_null(roomctl_config_load_file("/", &error));
    assert_int_equal(error->code, ROOMCTL_ERR_IO);
    assert_string_equal(error->message, "/: error: Failed to read from file “/”: Is a directory");
    g_clear_error(&error);
}

static void test_invalid_utf8(void **state)
{
    assert_load_error("a: ok\nb: caf\xc3\xa9 \xff\n",
                      "t.yaml:2:9: error: invalid UTF-8");
    char *message = load_error("a: 1\n\0b: 2\n", 11);
    assert_string_equal(message, "t.yaml:2:1: error: NUL bytes are not allowed");
    g_free(message);
}

static void test_syntax_errors(void **state)
{
    assert_load_error("a: [1, 2\nb: 3\n",
                      "t.yaml:2:2: error: did not find expected ',' or ']' while parsing a flow sequence");
    assert_load_error("a: 1\n  b: 2\n",
                      "t.yaml:2:4: error: mapping values are not allowed in this context");
    assert_load_error("a: 1\n---\nb: 2\n",
                      "t.yaml:2:1: error: only one YAML document per file is allowed");
    assert_load_error("? [a]\n: 1\n", "t.yaml:1:3: error: mapping keys must be plain scalars");
}

static void test_load_file(void **state)
{
    GError *error = NULL;
    assert_null(roomctl_config_load_file("/nonexistent/agent.yaml", &error));
    assert_int_equal(error->code, ROOMCTL_ERR_IO);
    assert_string_equal(error->message, "/nonexistent/agent.yaml: error: Failed to open file "
                                        "“/nonexistent/agent.yaml”: No such file or directory");
    g_clear_error(&error);

    char *path = g_build_filename(g_get_tmp_dir(), "rc-test-config.yaml", NULL);
    assert_true(g_file_set_contents(path, "x:\n  y: 1\n", -1, NULL));
    roomctl_config *root = roomctl_config_load_file(path, &error);
    assert_non_null(root);
    const roomctl_config *y = roomctl_config_child(roomctl_config_child(root, "x"), "y");
    char *expected = g_strdup_printf("%s:2:6", path);
    assert_string_equal(roomctl_config_location(y), expected);
    roomctl_config_free(root);
    g_unlink(path);
    g_free(expected);
    g_free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_and_accessors),
        cmocka_unit_test(test_big_mapping_lookup),
        cmocka_unit_test(test_empty_document),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_anchors_aliases_tags),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_size_limit_unbounded_files),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_load_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

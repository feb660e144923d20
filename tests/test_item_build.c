/* Building items (bus/schema/item_build.c): assignments, bytes from files,
 * YAML item files, and the builder's errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include <roomctl/roomctl.h>
#include "codec.h"
#include "codec_fixture.h"

/* ---- Builder, assignments, YAML -------------------------------------------------- */

static void test_builder_errors(void **state)
{
    GError *error = NULL;
    assert_null(roomctl_item_builder_new(codec_registry, "ui.slider", 0, &error));
    assert_string_equal(error->message, "unknown control type 'ui.slider'");
    assert_int_equal(error->code, ROOMCTL_ERR_UNKNOWN_TYPE);
    g_clear_error(&error);

    roomctl_item_builder *b = roomctl_item_builder_new(codec_registry, "ui.button", 1, &error);
    assert_false(roomctl_item_builder_set(b, "colour", "red", &error));
    assert_string_equal(error->message, "ui.button: unknown field 'colour'");
    g_clear_error(&error);
    assert_true(roomctl_item_builder_set(b, "enabled", "true", &error));
    assert_false(roomctl_item_builder_set(b, "enabled", "false", &error));
    assert_string_equal(error->message, "ui.button: field 'enabled' is given more than once");
    g_clear_error(&error);
    assert_false(roomctl_item_builder_set_bytes(b, "button", (const guint8 *)"x", 1, &error));
    assert_string_equal(error->message, "ui.button: field 'button': expected string, got bytes");
    g_clear_error(&error);
    assert_false(roomctl_item_builder_set(b, "button", "a\001b", &error));
    assert_string_equal(error->message, "ui.button: field 'button': control character U+0001 is not allowed");
    g_clear_error(&error);
    assert_null(roomctl_item_builder_finish(b, &error));
    assert_string_equal(error->message, "ui.button: missing required field 'button'");
    g_clear_error(&error);

    b = roomctl_item_builder_new(codec_registry, "test.all", 0, &error);
    assert_true(roomctl_item_builder_set_bytes(b, "blob", (const guint8 *)"\0\1", 2, &error));
    roomctl_item_builder_free(b);

    codec_assert_build_error("ui.button", "enabled", "ui.button: expected field=value, got 'enabled'");
    codec_assert_build_error("room.notice", "text=a\rb", "room.notice: field 'text': control character U+000D is not allowed");
    codec_assert_build_error("room.notice", "text=\xff", "room.notice: field 'text': invalid UTF-8");
}

static void test_bytes_from_file(void **state)
{
    char *path = g_build_filename(g_get_tmp_dir(), "rc-test-slide.gif", NULL);
    assert_true(g_file_set_contents(path, "GIF89a-fake", -1, NULL));
    char *assignment = g_strconcat("image=@", path, NULL);
    roomctl_item *item = codec_build("slideshow.slide", "deck=d", "index=1", assignment, NULL);
    const uint8_t *data;
    size_t len;
    assert_int_equal(roomctl_item_get_bytes(item, "image", &data, &len), ROOMCTL_PLUGIN_OK);
    assert_int_equal(len, 11);
    roomctl_item_unref(item);
    g_free(assignment);

    /* Too large: refused from the file's size, before it is read... */
    gsize size = 160 * 1024 + 1;
    char *big = g_malloc0(size);
    memcpy(big, "GIF89a", 6);
    assert_true(g_file_set_contents(path, big, size, NULL));
    g_free(big);
    assignment = g_strconcat("image=@", path, NULL);
    char *expected = g_strdup_printf("slideshow.slide: field 'image': %s: too large: 163841 bytes, "
                                     "at most 163840", path);
    codec_assert_build_error("slideshow.slide", assignment, expected);
    g_free(expected);
    g_free(assignment);
    /* ...and a file without a size is read no further than the limit. */
    codec_assert_build_error("slideshow.slide", "image=@/dev/zero",
                       "slideshow.slide: field 'image': /dev/zero: too large: more than 163840 "
                       "bytes, at most 163840");
    codec_assert_build_error("slideshow.slide", "image=@/nonexistent/slide.png",
                       "slideshow.slide: field 'image': Failed to open file "
                       "“/nonexistent/slide.png”: No such file or directory");
    g_unlink(path);
    g_free(path);
}

static void test_load_yaml(void **state)
{
    char *path = g_build_filename(g_get_tmp_dir(), "rc-test-item.yaml", NULL);
    assert_true(g_file_set_contents(path, "type: test.all\nname: z\nn: 3\n"
                                          "numbers: [1, 2]\nflag: true\n", -1, NULL));
    GError *error = NULL;
    roomctl_item *item = roomctl_item_load_yaml(codec_registry, path, &error);
    assert_non_null(item);
    assert_string_equal(roomctl_item_id(item), "test.all:z:3");
    assert_int_equal(roomctl_value_list_length(roomctl_item_get(item, "numbers")), 2);
    roomctl_item_unref(item);

    assert_true(g_file_set_contents(path, "type: ui.button\nversion: 1\nbutton: send\nenabled: yes\n", -1, NULL));
    assert_null(roomctl_item_load_yaml(codec_registry, path, &error));
    char *expected = g_strdup_printf("%s:4:10: error: ui.button: field 'enabled': expected true "
                                     "or false, got 'yes'", path);
    assert_string_equal(error->message, expected);
    g_free(expected);
    g_clear_error(&error);

    assert_true(g_file_set_contents(path, "type: ui.buton\nbutton: send\n", -1, NULL));
    assert_null(roomctl_item_load_yaml(codec_registry, path, &error));
    expected = g_strdup_printf("%s:1:7: error: unknown control type 'ui.buton' (did you mean "
                               "'ui.button'?)", path);
    assert_string_equal(error->message, expected);
    g_free(expected);
    g_clear_error(&error);

    assert_true(g_file_set_contents(path, "type: ui.button\nenabled: false\n", -1, NULL));
    assert_null(roomctl_item_load_yaml(codec_registry, path, &error));
    expected = g_strdup_printf("%s:1:1: error: ui.button: missing required field 'button'", path);
    assert_string_equal(error->message, expected);
    g_free(expected);
    g_clear_error(&error);
    g_unlink(path);
    g_free(path);
}

/* Without `schemes:`, a url field allows http and https only (docs/schemas.md). */
static void test_url_default_schemes(void **state)
{
    roomctl_item_unref(codec_decode(CONTROL("test.web", "<u>http://a.example/x</u>"), NULL));
    roomctl_item_unref(codec_decode(CONTROL("test.web", "<u>HTTPS://a.example/x?y=1</u>"), NULL));
    static const char *const refused[] = { "ftp", "mailto", "javascript", "xmpp", "file" };
    static const char *const urls[] = { "ftp://a.example/x", "mailto:a@b.example",
                                        "javascript:alert(1)", "xmpp:a@b.example",
                                        "file:///etc/passwd" };
    for (gsize i = 0; i < G_N_ELEMENTS(urls); i++) {
        char *xml = g_strdup_printf(CONTROL("test.web", "<u>%s</u>"), urls[i]);
        char *expected = g_strdup_printf("test.web: field 'u': URL scheme '%s' is not allowed "
                                         "(allowed: http, https)", refused[i]);
        assert_invalid(xml, expected);
        g_free(expected);
        g_free(xml);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builder_errors),
        cmocka_unit_test(test_bytes_from_file),
        cmocka_unit_test(test_load_yaml),
        cmocka_unit_test(test_url_default_schemes),
    };
    return cmocka_run_group_tests(tests, codec_setup, codec_teardown);
}

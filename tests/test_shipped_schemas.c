/* Every shipped schema loads, and a typical item of each survives the wire
 * both ways with the values a plugin would read. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <roomctl/roomctl.h>
#include "codec.h"

static roomctl_registry *registry;

static int setup(void **state)
{
    GError *error = NULL;
    registry = roomctl_registry_new();
    if (!roomctl_registry_load_dir(registry, g_getenv("ROOMCTL_TEST_SCHEMAS"), &error))
        fail_msg("%s", error->message);
    return 0;
}

static int teardown(void **state)
{
    roomctl_registry_free(registry);
    return 0;
}

/* Build from assignments, encode, decode, compare; returns the decoded item. */
static roomctl_item *round_trip(const char *type, const char *const *assignments)
{
    GError *error = NULL;
    roomctl_item *item = roomctl_item_new_from_assignments(registry, type, assignments, &error);
    if (!item)
        fail_msg("%s", error->message);
    char *xml = roomctl_item_encode_xml(item);
    roomctl_item *back = roomctl_item_decode_xml(registry, xml, roomctl_item_id(item), &error);
    if (!back)
        fail_msg("%s: %s", xml, error->message);
    assert_true(rc_item_equal(item, back));
    char *again = roomctl_item_encode_xml(back);
    assert_string_equal(xml, again);
    g_free(again);
    g_free(xml);
    roomctl_item_unref(item);
    return back;
}

static void test_every_schema_has_a_round_trip(void **state)
{
    GPtrArray *all = roomctl_registry_list(registry);
    assert_int_equal(all->len, 5);
    for (guint i = 0; i < all->len; i++) {
        const roomctl_schema *s = g_ptr_array_index(all, i);
        char *text = roomctl_schema_describe(s, FALSE);
        assert_non_null(strstr(text, roomctl_schema_type(s)));
        g_free(text);
    }
    g_ptr_array_unref(all);
}

static void test_ui_button(void **state)
{
    const char *a[] = { "button=raise_hand", "visible=false", NULL };
    roomctl_item *item = round_trip("ui.button", a);
    assert_string_equal(roomctl_item_id(item), "ui.button:raise_hand");
    int enabled, visible;
    roomctl_item_get_bool(item, "enabled", &enabled);
    roomctl_item_get_bool(item, "visible", &visible);
    assert_int_equal(enabled, 1);
    assert_int_equal(visible, 0);
    roomctl_item_unref(item);
}

static void test_ui_feature(void **state)
{
    const char *a[] = { "feature=file_upload", "enabled=false", NULL };
    roomctl_item *item = round_trip("ui.feature", a);
    assert_string_equal(roomctl_item_id(item), "ui.feature:file_upload");
    roomctl_item_unref(item);
}

static void test_slideshow_slide(void **state)
{
    const char *by_url[] = { "deck=keynote", "index=4", "total=20", "caption=Q&A <live>",
                             "image_url=https://example.org/s/4.png", NULL };
    roomctl_item *item = round_trip("slideshow.slide", by_url);
    assert_string_equal(roomctl_item_id(item), "slideshow.slide:keynote");
    int64_t index;
    roomctl_item_get_int(item, "index", &index);
    assert_int_equal(index, 4);
    roomctl_item_unref(item);

    guint8 jpeg[64] = { 0xff, 0xd8, 0xff, 0xe0 };
    char *b64 = g_base64_encode(jpeg, sizeof jpeg);
    char *image = g_strconcat("image=", b64, NULL);
    const char *inline_image[] = { "deck=keynote", "index=5", image, NULL };
    item = round_trip("slideshow.slide", inline_image);
    const uint8_t *data;
    size_t len;
    assert_int_equal(roomctl_item_get_bytes(item, "image", &data, &len), ROOMCTL_PLUGIN_OK);
    assert_int_equal(len, sizeof jpeg);
    assert_false(roomctl_item_has(item, "image_url"));
    roomctl_item_unref(item);
    g_free(image);
    g_free(b64);
}

/* ejabberd refuses a payload over its default pubsub#max_payload_size
 * (250,000 bytes); Prosody closes the stream on a stanza over 256 KiB.
 * The largest slide the schema allows (every field at its limit, with the
 * characters that XML escaping grows the most) fits both, with room for
 * the stanza around it. */
#define SMALLEST_SERVER_LIMIT 250000
#define STANZA_WRAPPING 1024

static void test_largest_slide_fits_the_servers(void **state)
{
    gsize image_len = 160 * 1024;
    guint8 *png = g_malloc0(image_len);
    memcpy(png, "\x89PNG\r\n\x1a\n", 8);
    g_autofree char *b64 = g_base64_encode(png, image_len);
    g_free(png);
    g_autofree char *image = g_strconcat("image=", b64, NULL);
    GString *caption = g_string_new("caption=");
    for (int i = 0; i < 280; i++)
        g_string_append_c(caption, '&');
    GString *url = g_string_new("image_url=https://example.org/?");
    while (url->len < strlen("image_url=") + 2048)
        g_string_append_c(url, '&');
    /* The deck id pattern allows 64 characters. */
    char deck[5 + 64 + 1] = "deck=";
    memset(deck + 5, 'a', 64);
    deck[5 + 64] = 0;
    const char *fields[] = { deck, "index=2147483647", "total=2147483647", caption->str,
                             url->str, image, NULL };
    GError *error = NULL;
    roomctl_item *item = roomctl_item_new_from_assignments(registry, "slideshow.slide", fields,
                                                           &error);
    if (!item)
        fail_msg("%s", error->message);
    g_autofree char *xml = roomctl_item_encode_xml(item);
    if (strlen(xml) + STANZA_WRAPPING > SMALLEST_SERVER_LIMIT)
        fail_msg("the largest slide encodes to %zu bytes, over %d with the stanza around it",
                 strlen(xml), SMALLEST_SERVER_LIMIT);
    roomctl_item_unref(item);
    g_string_free(caption, TRUE);
    g_string_free(url, TRUE);
}

static void test_chat_power(void **state)
{
    const char *a[] = { "enabled=false", "reason=Quiet, please: the talk starts", NULL };
    roomctl_item *item = round_trip("chat.power", a);
    assert_string_equal(roomctl_item_id(item), "chat.power");
    const char *reason;
    assert_int_equal(roomctl_item_get_string(item, "reason", &reason), ROOMCTL_PLUGIN_OK);
    assert_string_equal(reason, "Quiet, please: the talk starts");
    roomctl_item_unref(item);
}

static void test_room_notice(void **state)
{
    const char *a[] = { "text=Break: back in 10 minutes ☕", NULL };
    roomctl_item *item = round_trip("room.notice", a);
    assert_false(roomctl_item_is_state(item));
    const char *level;
    roomctl_item_get_string(item, "level", &level);
    assert_string_equal(level, "info");
    roomctl_item_unref(item);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_schema_has_a_round_trip),
        cmocka_unit_test(test_ui_button),
        cmocka_unit_test(test_ui_feature),
        cmocka_unit_test(test_slideshow_slide),
        cmocka_unit_test(test_largest_slide_fits_the_servers),
        cmocka_unit_test(test_chat_power),
        cmocka_unit_test(test_room_notice),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

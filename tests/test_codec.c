/* The wire codec (bus/schema/codec.c): decoding with every class of broken
 * item and the exact error text, encoding, round trips. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include <roomctl/roomctl.h>
#include "codec.h"
#include "codec_fixture.h"

/* ---- Decoding -------------------------------------------------------------------- */

static void test_decode_button(void **state)
{
    roomctl_item *item = codec_decode(CONTROL("ui.button", "<button>send</button><enabled>false</enabled>"),
                                "ui.button:send");
    assert_string_equal(roomctl_item_type(item), "ui.button");
    assert_int_equal(roomctl_item_schema_version(item), 1);
    assert_string_equal(roomctl_item_id(item), "ui.button:send");
    assert_true(roomctl_item_is_state(item));
    assert_false(roomctl_item_is_replay(item));
    assert_null(roomctl_item_room(item));
    assert_null(roomctl_item_publisher(item));
    assert_int_equal(roomctl_item_field_count(item), 3);
    assert_string_equal(roomctl_item_field_name(item, 2), "visible");
    assert_null(roomctl_item_field_name(item, 3));

    const char *button;
    assert_int_equal(roomctl_item_get_string(item, "button", &button), ROOMCTL_PLUGIN_OK);
    assert_string_equal(button, "send");
    int enabled = -1, visible = -1;
    assert_int_equal(roomctl_item_get_bool(item, "enabled", &enabled), ROOMCTL_PLUGIN_OK);
    assert_int_equal(enabled, 0);
    assert_int_equal(roomctl_item_get_bool(item, "visible", &visible), ROOMCTL_PLUGIN_OK);
    assert_int_equal(visible, 1); /* the default */
    assert_true(roomctl_item_has(item, "visible"));
    assert_string_equal(roomctl_value_text(roomctl_item_field_at(item, 1)), "false");

    int64_t n;
    assert_int_equal(roomctl_item_get_int(item, "button", &n), ROOMCTL_PLUGIN_ETYPE);
    assert_int_equal(roomctl_item_get_int(item, "colour", &n), ROOMCTL_PLUGIN_ENOFIELD);
    assert_null(roomctl_item_get(item, "colour"));

    /* Without an id the decoder derives it. */
    roomctl_item *derived = codec_decode(CONTROL("ui.button", "<button>send</button><enabled>false</enabled>"), NULL);
    assert_true(rc_item_equal(item, derived));
    roomctl_item_unref(derived);

    assert_ptr_equal(roomctl_item_ref(item), item);
    roomctl_item_unref(item);
    rc_item_set_origin(item, "room@conference.localhost", "mod@localhost", TRUE);
    rc_item_set_origin(item, "room@conference.localhost", "mod@localhost", TRUE);
    assert_string_equal(roomctl_item_room(item), "room@conference.localhost");
    assert_string_equal(roomctl_item_publisher(item), "mod@localhost");
    assert_true(roomctl_item_is_replay(item));
    roomctl_item_unref(item);
}

static void test_wrong_type_of_value(void **state)
{
    assert_invalid(CONTROL("slideshow.slide", "<deck>intro</deck><index>three</index>"),
                   "slideshow.slide: field 'index': expected int, got 'three'");
    assert_invalid(CONTROL("ui.button", "<button>send</button><enabled>yes</enabled>"),
                   "ui.button: field 'enabled': expected true or false, got 'yes'");
    assert_invalid(CONTROL("test.all", "<name>a</name><n>1</n><ratio>0x1</ratio>"),
                   "test.all: field 'ratio': expected number, got '0x1'");
    assert_invalid(CONTROL("test.all", "<name>a</name><n>1</n><who>not a jid</who>"),
                   "test.all: field 'who': expected a JID like user@example.org, got 'not a jid'");
    assert_invalid(CONTROL("test.all", "<name>a</name><n>1</n><when>2024-13-01T00:00:00Z</when>"),
                   "test.all: field 'when': expected an RFC 3339 timestamp like "
                   "2024-05-01T12:00:00Z, got '2024-13-01T00:00:00Z'");
    assert_invalid(CONTROL("test.all", "<name>a</name><n>1</n><when>2024-01-01 10:00</when>"),
                   "test.all: field 'when': expected an RFC 3339 timestamp like "
                   "2024-05-01T12:00:00Z, got '2024-01-01 10:00'");
    assert_invalid(CONTROL("slideshow.slide", "<deck>d</deck><index>1</index><image_url>ftp://x/y</image_url>"),
                   "slideshow.slide: field 'image_url': URL scheme 'ftp' is not allowed (allowed: https, http)");
    assert_invalid(CONTROL("slideshow.slide", "<deck>d</deck><index>1</index><image_url>no url</image_url>"),
                   "slideshow.slide: field 'image_url': expected a URL, got 'no url'");
    assert_invalid(CONTROL("test.all", "<name>a</name><n>99999999999999999999</n>"),
                   "test.all: field 'n': expected int, got '99999999999999999999'");
}

static void test_missing_required(void **state)
{
    assert_invalid(CONTROL("slideshow.slide", "<index>2</index>"),
                   "slideshow.slide: missing required field 'deck'");
    assert_invalid(CONTROL("test.all", "<name>a</name><n>1</n>"),
                   "test.all: missing required field 'numbers'");
    assert_invalid(CONTROL("test.all", "<name>a</name><n>1</n><numbers>1</numbers><pair>1</pair>"),
                   "test.all: field 'pair': too few items: 1, at least 2");
}

static void test_out_of_range(void **state)
{
    assert_invalid(CONTROL("slideshow.slide", "<deck>d</deck><index>0</index>"),
                   "slideshow.slide: field 'index': 0 is below the minimum 1");
    assert_invalid(CONTROL("test.all", "<name>a</name><n>1001</n>"),
                   "test.all: field 'n': 1001 is above the maximum 1000");
    assert_invalid(CONTROL("test.all", "<name>a</name><n>1</n><ratio>1.5</ratio>"),
                   "test.all: field 'ratio': 1.5 is above the maximum 1");
    assert_invalid(CONTROL("room.notice", "<text>hi</text><level>loud</level>"),
                   "room.notice: field 'level': 'loud' is not one of: info, warning, alert");
    assert_invalid(CONTROL("ui.button", "<button>Send!</button>"),
                   "ui.button: field 'button': 'Send!' does not match the pattern '^[a-z][a-z0-9_-]{0,31}$'");
    assert_invalid(CONTROL("test.all", "<name>a</name><n>1</n><numbers>1</numbers>"
                           "<tags>a</tags><tags>b</tags><tags>c</tags><tags>d</tags>"),
                   "test.all: field 'tags': too many items: 4, at most 3");
}

static void test_too_long(void **state)
{
    GString *text = g_string_new(NULL);
    for (int i = 0; i < 500; i++)
        g_string_append(text, "é"); /* lengths count characters, not bytes */
    char *xml = g_strdup_printf(CONTROL("room.notice", "<text>%s</text>"), text->str);
    roomctl_item *item = codec_decode(xml, "n1");
    roomctl_item_unref(item);
    g_free(xml);
    g_string_append_c(text, 'x');
    xml = g_strdup_printf(CONTROL("room.notice", "<text>%s</text>"), text->str);
    assert_invalid(xml, "room.notice: field 'text': too long: 501 characters, at most 500");
    g_free(xml);
    g_string_free(text, TRUE);
    assert_invalid(CONTROL("room.notice", "<text></text>"),
                   "room.notice: field 'text': too short: 0 characters, at least 1");
}

static void test_bytes(void **state)
{
    assert_invalid(CONTROL("slideshow.slide", "<deck>d</deck><index>1</index><image>abc!</image>"),
                   "slideshow.slide: field 'image': expected base64, got 'abc!'");
    assert_invalid(CONTROL("slideshow.slide", "<deck>d</deck><index>1</index><image>QUJD=</image>"),
                   "slideshow.slide: field 'image': expected base64, got 'QUJD='");
    assert_invalid(CONTROL("slideshow.slide", "<deck>d</deck><index>1</index><image>aGVsbG8=</image>"),
                   "slideshow.slide: field 'image': data is not of an allowed media type "
                   "(image/png, image/jpeg, image/gif, image/webp)");
    /* "GIF8" alone is not a GIF: the slideshow plugin would not call it one. */
    assert_invalid(CONTROL("slideshow.slide", "<deck>d</deck><index>1</index><image>R0lGOHh5eg==</image>"),
                   "slideshow.slide: field 'image': data is not of an allowed media type "
                   "(image/png, image/jpeg, image/gif, image/webp)");
    roomctl_item *gif = codec_decode(CONTROL("slideshow.slide", "<deck>d</deck><index>1</index>"
                                       "<image>R0lGODdheHl6</image>"), NULL); /* GIF87axyz */
    roomctl_item_unref(gif);
    assert_invalid(CONTROL("test.all", "<name>a</name><n>1</n><blob>AAAAAAAAAAAAAAAAAAAAAAAA</blob>"),
                   "test.all: field 'blob': too large: 18 bytes, at most 16");

    /* The largest image allowed passes, one byte more does not. */
    gsize size = 160 * 1024;
    guint8 *png = g_malloc0(size + 1);
    memcpy(png, "\x89PNG\r\n\x1a\n", 8);
    char *b64 = g_base64_encode(png, size);
    char *xml = g_strdup_printf(CONTROL("slideshow.slide", "<deck>d</deck><index>1</index><image>%s</image>"), b64);
    roomctl_item *item = codec_decode(xml, NULL);
    const uint8_t *data;
    size_t len;
    assert_int_equal(roomctl_item_get_bytes(item, "image", &data, &len), ROOMCTL_PLUGIN_OK);
    assert_int_equal(len, size);
    assert_memory_equal(data, png, size);
    roomctl_item_unref(item);
    g_free(xml);
    g_free(b64);
    b64 = g_base64_encode(png, size + 1);
    xml = g_strdup_printf(CONTROL("slideshow.slide", "<deck>d</deck><index>1</index><image>%s</image>"), b64);
    assert_invalid(xml, "slideshow.slide: field 'image': too large: 163841 bytes, at most 163840");
    g_free(xml);
    g_free(b64);
    g_free(png);
}

/* Base64 is checked and decoded in one pass: every length up to the field's
 * maximum round-trips, with white space anywhere, and broken text is refused. */
static void test_bytes_round_trip(void **state)
{
    for (gsize n = 1; n <= 16; n++) {
        guint8 raw[16];
        for (gsize i = 0; i < n; i++)
            raw[i] = (guint8)(n * 37 + i * 101);
        g_autofree char *b64 = g_base64_encode(raw, n);
        /* a line break and a space inside, as a wrapping encoder writes */
        g_autofree char *spaced = g_strdup_printf("%.2s\n %s", b64, b64 + 2);
        g_autofree char *body = g_strdup_printf("<name>a</name><n>1</n><numbers>1</numbers>"
                                               "<blob>%s</blob>", spaced);
        g_autofree char *xml = g_strdup_printf(CONTROL("test.all", "%s"), body);
        roomctl_item *item = codec_decode(xml, NULL);
        const uint8_t *data = NULL;
        size_t len = 0;
        assert_int_equal(roomctl_item_get_bytes(item, "blob", &data, &len), ROOMCTL_PLUGIN_OK);
        assert_int_equal(len, n);
        assert_memory_equal(data, raw, n);
        roomctl_item_unref(item);
    }
    static const char *const broken[] = { "QUJD=", "QU=JD", "Q", "QUJ", "QUJD====",
                                          "QUJD!", "QU JD=" };
    for (gsize i = 0; i < G_N_ELEMENTS(broken); i++) {
        g_autofree char *body = g_strdup_printf("<name>a</name><n>1</n><numbers>1</numbers>"
                                                "<blob>%s</blob>", broken[i]);
        g_autofree char *xml = g_strdup_printf(CONTROL("test.all", "%s"), body);
        g_autofree char *want = g_strdup_printf("test.all: field 'blob': expected base64, got '%s'",
                                                broken[i]);
        assert_invalid(xml, want);
    }
}

/* Empty bytes are bytes of length 0, not "no bytes": both accessors give a
 * pointer a plugin may pass to memcpy() or fwrite(). */
static void test_empty_bytes(void **state)
{
    roomctl_item *item = codec_decode(CONTROL("test.all", "<name>a</name><n>1</n><numbers>1</numbers>"
                                        "<blob></blob>"), NULL);
    const uint8_t *data = NULL;
    size_t len = 99;
    assert_int_equal(roomctl_item_get_bytes(item, "blob", &data, &len), ROOMCTL_PLUGIN_OK);
    assert_non_null(data);
    assert_int_equal(len, 0);
    len = 99;
    const uint8_t *same = roomctl_value_bytes(roomctl_item_get(item, "blob"), &len);
    assert_non_null(same);
    assert_int_equal(len, 0);
    roomctl_item_unref(item);
}

static void test_unknown_field(void **state)
{
    assert_invalid(CONTROL("ui.button", "<button>send</button><colour>red</colour>"),
                   "ui.button: unknown field 'colour'");
    /* A field element of another namespace is not our field. */
    assert_invalid(CONTROL("ui.button", "<button>send</button><enabled xmlns='urn:x'>true</enabled>"),
                   "ui.button: unknown field 'enabled'");
    roomctl_item *item = codec_decode(CONTROL("test.lenient", "<a>x</a><future>1</future>"), "e1");
    assert_string_equal(roomctl_value_string(roomctl_item_get(item, "a")), "x");
    assert_int_equal(roomctl_item_field_count(item), 1);
    roomctl_item_unref(item);
}

static void test_wrong_envelope(void **state)
{
    assert_invalid("<control xmlns='urn:other' type='ui.button' version='1'/>",
                   "expected <control xmlns='urn:roomctl:0'>, got <control xmlns='urn:other'>");
    assert_invalid("<ctrl xmlns='urn:roomctl:0' type='ui.button' version='1'/>",
                   "expected <control xmlns='urn:roomctl:0'>, got <ctrl xmlns='urn:roomctl:0'>");
    assert_invalid("<control xmlns='urn:roomctl:0' version='1'/>", "<control> has no 'type' attribute");
    assert_invalid("<control xmlns='urn:roomctl:0' type='ui.button'/>",
                   "ui.button: <control> has no 'version' attribute");
    assert_invalid("<control xmlns='urn:roomctl:0' type='ui.button' version='one'/>",
                   "ui.button: bad version 'one'");
    codec_assert_decode_error("<control xmlns='urn:roomctl:0' type='ui.slider' version='1'/>", NULL,
                        ROOMCTL_ERR_UNKNOWN_TYPE, "unknown control type 'ui.slider'");
    codec_assert_decode_error("<control xmlns='urn:roomctl:0' type='ui.button' version='2'/>", NULL,
                        ROOMCTL_ERR_UNKNOWN_TYPE, "ui.button: unknown version 2 (known up to 1)");
    assert_invalid("<control xmlns='urn:roomctl:0' type='ui.button' version='1'><button>a</button>",
                   "not well-formed XML");
    assert_invalid(CONTROL("ui.button", "<button>a<b>x</b></button>"),
                   "ui.button: field 'button': expected text, got <b>");
    assert_invalid(CONTROL("ui.button", "stray<button>a</button>"),
                   "ui.button: unexpected text in <control>");
}

static void test_duplicate_field(void **state)
{
    assert_invalid(CONTROL("ui.button", "<button>send</button><enabled>true</enabled><enabled>false</enabled>"),
                   "ui.button: field 'enabled' is given more than once");
}

static void test_item_ids(void **state)
{
    codec_assert_decode_error(CONTROL("ui.button", "<button>send</button>"), "ui.button:attach",
                        ROOMCTL_ERR_INVALID_ITEM,
                        "ui.button: item id 'ui.button:attach' does not match the item's key "
                        "(expected 'ui.button:send')");
    roomctl_item *item = codec_build("chat.power", "enabled=false", NULL);
    assert_string_equal(roomctl_item_id(item), "chat.power");
    roomctl_item_unref(item);
    /* Key values are escaped, ints are written canonically. */
    item = codec_build("test.all", "name=a:b%c", "n=007", "numbers=1", NULL);
    assert_string_equal(roomctl_item_id(item), "test.all:a%3Ab%25c:7");
    codec_assert_round_trip(item);
    roomctl_item_unref(item);
    /* Events: the given id, else a fresh one each time. */
    roomctl_item *a = codec_build("room.notice", "text=hi", NULL);
    roomctl_item *b = codec_build("room.notice", "text=hi", NULL);
    assert_false(roomctl_item_is_state(a));
    assert_string_not_equal(roomctl_item_id(a), roomctl_item_id(b));
    assert_int_equal(strlen(roomctl_item_id(a)), 36);
    roomctl_item_unref(a);
    roomctl_item_unref(b);
    item = codec_decode(CONTROL("room.notice", "<text>hi</text>"), "ev-42");
    assert_string_equal(roomctl_item_id(item), "ev-42");
    roomctl_item_unref(item);
}

/* A key value with a tab or line feed: an XML attribute turns both into a
 * space, so the id escapes them and survives the trip through the server. */
static void test_key_control_characters(void **state)
{
    roomctl_item *item = codec_build("test.all", "name=a\tb\nc", "n=1", "numbers=1", NULL);
    assert_string_equal(roomctl_item_id(item), "test.all:a%09b%0Ac:1");

    xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);
    xmpp_stanza_t *wire = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(wire, "item");
    xmpp_stanza_set_id(wire, roomctl_item_id(item));
    char *text;
    size_t len;
    assert_int_equal(xmpp_stanza_to_text(wire, &text, &len), XMPP_EOK);
    xmpp_stanza_t *received = xmpp_stanza_new_from_string(ctx, text);
    assert_string_equal(xmpp_stanza_get_id(received), "test.all:a%09b%0Ac:1");
    char *xml = roomctl_item_encode_xml(item);
    roomctl_item *back = codec_decode(xml, xmpp_stanza_get_id(received));
    assert_true(rc_item_equal(item, back));
    roomctl_item_unref(back);
    g_free(xml);
    xmpp_free(ctx, text);
    xmpp_stanza_release(received);
    xmpp_stanza_release(wire);
    xmpp_ctx_free(ctx);
    roomctl_item_unref(item);

    /* '$' in a pattern is the end of the value, not the end before a final LF. */
    codec_assert_build_error("ui.button", "button=send\n",
                       "ui.button: field 'button': 'send\n' does not match the pattern "
                       "'^[a-z][a-z0-9_-]{0,31}$'");
}

/* Characters XML 1.0 cannot carry, or that the docs call control characters,
 * are refused before an item reaches the wire. */
static void test_forbidden_characters(void **state)
{
    codec_assert_build_error("room.notice", "text=a\xef\xbf\xbe" "b",
                       "room.notice: field 'text': character U+FFFE is not allowed");
    codec_assert_build_error("room.notice", "text=a\xef\xbf\xbf",
                       "room.notice: field 'text': character U+FFFF is not allowed");
    codec_assert_build_error("room.notice", "text=a\x7f",
                       "room.notice: field 'text': control character U+007F is not allowed");
    codec_assert_build_error("room.notice", "text=\xc2\x85next line",
                       "room.notice: field 'text': control character U+0085 is not allowed");
    codec_assert_build_error("room.notice", "text=\xc2\x9f",
                       "room.notice: field 'text': control character U+009F is not allowed");
    codec_assert_build_error("test.all", "who=mod@localhost/a\xef\xbf\xbe",
                       "test.all: field 'who': character U+FFFE is not allowed");
    /* The neighbours are fine. */
    roomctl_item *item = codec_build("room.notice", "text=\xc2\xa0~\xef\xbf\xbd\xf0\x9f\x8e\x89", NULL);
    assert_string_equal(roomctl_value_string(roomctl_item_get(item, "text")),
                        "\xc2\xa0~\xef\xbf\xbd\xf0\x9f\x8e\x89");
    roomctl_item_unref(item);
    assert_invalid(CONTROL("room.notice", "<text>&#x85;</text>"),
                   "room.notice: field 'text': control character U+0085 is not allowed");
}

/* URLs and JIDs are held to what the docs promise, not to what GUri takes. */
static void test_url_and_jid_characters(void **state)
{
    codec_assert_build_error("test.all", "link=https://exa mple.org/",
                       "test.all: field 'link': ' ' is not allowed in a URL");
    codec_assert_build_error("test.all", "link=https://example.org/\n",
                       "test.all: field 'link': U+000A is not allowed in a URL");
    codec_assert_build_error("test.all", "link=https://example.org/\tx",
                       "test.all: field 'link': U+0009 is not allowed in a URL");
    const char *const bad[] = { "\"", "<", ">", "\\", "^", "`", "{", "|", "}" };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        char *assignment = g_strdup_printf("link=https://example.org/a%sb", bad[i]);
        char *expected = g_strdup_printf("test.all: field 'link': '%s' is not allowed in a URL",
                                         bad[i]);
        codec_assert_build_error("test.all", assignment, expected);
        g_free(expected);
        g_free(assignment);
    }
    roomctl_item *item = codec_build("test.all", "name=a", "n=1", "numbers=1",
                               "link=https://example.org/a%20b?q=1&r=%7B#frag", NULL);
    roomctl_item_unref(item);

    codec_assert_build_error("test.all", "who=mod@localhost/pho ne",
                       "test.all: field 'who': expected a JID like user@example.org, "
                       "got 'mod@localhost/pho ne'");
    codec_assert_build_error("test.all", "who=mod@localhost/a<b",
                       "test.all: field 'who': expected a JID like user@example.org, "
                       "got 'mod@localhost/a<b'");
    codec_assert_build_error("test.all", "who=mod@localhost/x\ny",
                       "test.all: field 'who': expected a JID like user@example.org, "
                       "got 'mod@localhost/x\ny'");
    /* '@', ':' and '/' are fine in a resource. */
    item = codec_build("test.all", "name=a", "n=1", "numbers=1", "who=mod@localhost/a@b:c/d", NULL);
    roomctl_item_unref(item);
}

/* RFC 3339 date-times that GLib's parser alone gets wrong. */
static void test_timestamp_edges(void **state)
{
    roomctl_item *item = codec_build("test.all", "name=a", "n=1", "numbers=1",
                               "when=2024-05-01t12:00:00z", NULL);
    assert_int_equal(roomctl_value_timestamp(roomctl_item_get(item, "when")),
                     G_GINT64_CONSTANT(1714564800000000));
    assert_string_equal(roomctl_value_text(roomctl_item_get(item, "when")), "2024-05-01t12:00:00z");
    codec_assert_round_trip(item);
    roomctl_item_unref(item);
    /* Any number of fraction digits; microseconds are kept. */
    item = codec_build("test.all", "name=a", "n=1", "numbers=1",
                 "when=2024-05-01T12:00:00.1234567890123456789012345678901234567890Z", NULL);
    assert_int_equal(roomctl_value_timestamp(roomctl_item_get(item, "when")),
                     G_GINT64_CONSTANT(1714564800123456));
    roomctl_item_unref(item);
    item = codec_build("test.all", "name=a", "n=1", "numbers=1",
                 "when=2024-05-01T12:00:00.999999999-23:59", NULL);
    assert_int_equal(roomctl_value_timestamp(roomctl_item_get(item, "when")),
                     G_GINT64_CONSTANT(1714564800999999) + G_GINT64_CONSTANT(86340000000));
    roomctl_item_unref(item);
    const char *const bad[] = { "2024-05-01T12:00:00+24:00", "2024-05-01T12:00:00-23:60",
                                "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00.5",
                                "2024-05-01x12:00:00Z" };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        char *assignment = g_strconcat("when=", bad[i], NULL);
        char *expected = g_strdup_printf("test.all: field 'when': expected an RFC 3339 timestamp "
                                         "like 2024-05-01T12:00:00Z, got '%s'", bad[i]);
        codec_assert_build_error("test.all", assignment, expected);
        g_free(expected);
        g_free(assignment);
    }
}

/* ---- Encoding and round trips ------------------------------------------------ */

static void test_special_characters_round_trip(void **state)
{
    const char *caption = "a & b < c > d ' \" é 日本 🎉\ttab\nline ]]>";
    char *assignment = g_strconcat("caption=", caption, NULL);
    roomctl_item *item = codec_build("slideshow.slide", "deck=intro", "index=2", assignment, NULL);
    g_free(assignment);
    char *xml = roomctl_item_encode_xml(item);
    roomctl_item *back = codec_decode(xml, NULL);
    const char *text;
    assert_int_equal(roomctl_item_get_string(back, "caption", &text), ROOMCTL_PLUGIN_OK);
    assert_string_equal(text, caption);
    assert_true(rc_item_equal(item, back));
    g_free(xml);
    roomctl_item_unref(back);
    roomctl_item_unref(item);

    /* Entities and character references written by another encoder. */
    item = codec_decode(CONTROL("slideshow.slide", "<deck>intro</deck><index>2</index>"
                          "<caption>&lt;&amp;&gt;&apos;&quot;&#233;&#x65E5;</caption>"), NULL);
    assert_string_equal(roomctl_value_string(roomctl_item_get(item, "caption")), "<&>'\"é日");
    roomctl_item_unref(item);
}

static void test_encode_exact(void **state)
{
    roomctl_item *item = codec_build("ui.button", "button=send", "enabled=false", NULL);
    char *xml = roomctl_item_encode_xml(item);
    /* Defaulted fields are not written. */
    assert_string_equal(xml, "<control xmlns=\"urn:roomctl:0\" type=\"ui.button\" version=\"1\">"
                             "<button>send</button><enabled>false</enabled></control>");
    g_free(xml);

    xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);
    xmpp_stanza_t *control = rc_item_encode_stanza(item, ctx);
    assert_string_equal(xmpp_stanza_get_ns(control), ROOMCTL_NS);
    roomctl_item *back = rc_item_decode_stanza(codec_registry, control, "ui.button:send", NULL);
    assert_non_null(back);
    assert_true(rc_item_equal(item, back));
    roomctl_item_unref(back);
    xmpp_stanza_release(control);
    xmpp_ctx_free(ctx);
    roomctl_item_unref(item);
}

static void test_all_types_round_trip(void **state)
{
    roomctl_item *item = codec_build("test.all", "name=x", "n=-5", "ratio=0.25", "flag=true",
                               "link=xmpp:room@conference.localhost?join", "who=mod@localhost/phone",
                               "blob=AAEC/w==", "when=2024-05-01T12:00:00.5+02:00",
                               "tags=a", "tags=b<&", "numbers=3", "numbers=-1", NULL);
    codec_assert_round_trip(item);

    double ratio;
    assert_int_equal(roomctl_item_get_number(item, "ratio", &ratio), ROOMCTL_PLUGIN_OK);
    assert_true(ratio == 0.25);
    assert_int_equal(roomctl_item_get_number(item, "n", &ratio), ROOMCTL_PLUGIN_OK);
    assert_true(ratio == -5.0);
    int64_t when;
    assert_int_equal(roomctl_item_get_timestamp(item, "when", &when), ROOMCTL_PLUGIN_OK);
    assert_int_equal(when, G_GINT64_CONSTANT(1714557600500000));
    const char *text;
    assert_int_equal(roomctl_item_get_string(item, "when", &text), ROOMCTL_PLUGIN_OK);
    assert_string_equal(text, "2024-05-01T12:00:00.5+02:00");
    assert_int_equal(roomctl_item_get_string(item, "who", &text), ROOMCTL_PLUGIN_OK);
    assert_int_equal(roomctl_item_get_string(item, "n", &text), ROOMCTL_PLUGIN_ETYPE);
    const uint8_t *data;
    size_t len;
    assert_int_equal(roomctl_item_get_bytes(item, "blob", &data, &len), ROOMCTL_PLUGIN_OK);
    assert_int_equal(len, 4);
    assert_memory_equal(data, "\x00\x01\x02\xff", 4);

    const roomctl_value *tags = roomctl_item_get(item, "tags");
    assert_int_equal(roomctl_value_type(tags), ROOMCTL_FIELD_LIST);
    assert_null(roomctl_value_text(tags));
    assert_int_equal(roomctl_value_list_length(tags), 2);
    assert_string_equal(roomctl_value_string(roomctl_value_list_at(tags, 1)), "b<&");
    assert_null(roomctl_value_list_at(tags, 2));
    const roomctl_value *numbers = roomctl_item_get(item, "numbers");
    assert_int_equal(roomctl_value_int(roomctl_value_list_at(numbers, 1)), -1);

    const roomctl_value *blob = roomctl_item_get(item, "blob");
    assert_string_equal(roomctl_value_text(blob), "AAEC/w==");
    assert_non_null(roomctl_value_bytes(blob, &len));
    assert_null(roomctl_value_bytes(tags, &len));
    assert_int_equal(len, 0);
    assert_int_equal(roomctl_value_timestamp(roomctl_item_get(item, "when")), when);
    assert_int_equal(roomctl_value_bool(roomctl_item_get(item, "flag")), 1);
    assert_true(roomctl_value_number(roomctl_item_get(item, "ratio")) == 0.25);
    roomctl_item_unref(item);

    /* List defaults apply when no element is given; unset optional fields are unset. */
    item = codec_build("test.all", "name=y", "n=1", "numbers=5", NULL);
    tags = roomctl_item_get(item, "tags");
    assert_int_equal(roomctl_value_list_length(tags), 1);
    assert_string_equal(roomctl_value_text(roomctl_value_list_at(tags, 0)), "x");
    assert_false(roomctl_item_has(item, "ratio"));
    assert_null(roomctl_item_field_at(item, 2));
    assert_int_equal(roomctl_item_get_number(item, "ratio", &ratio), ROOMCTL_PLUGIN_ENOFIELD);
    codec_assert_round_trip(item);
    roomctl_item_unref(item);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_button),
        cmocka_unit_test(test_wrong_type_of_value),
        cmocka_unit_test(test_missing_required),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_bytes),
        cmocka_unit_test(test_bytes_round_trip),
        cmocka_unit_test(test_empty_bytes),
        cmocka_unit_test(test_unknown_field),
        cmocka_unit_test(test_wrong_envelope),
        cmocka_unit_test(test_duplicate_field),
        cmocka_unit_test(test_item_ids),
        cmocka_unit_test(test_key_control_characters),
        cmocka_unit_test(test_forbidden_characters),
        cmocka_unit_test(test_url_and_jid_characters),
        cmocka_unit_test(test_timestamp_edges),
        cmocka_unit_test(test_special_characters_round_trip),
        cmocka_unit_test(test_encode_exact),
        cmocka_unit_test(test_all_types_round_trip),
    };
    return cmocka_run_group_tests(tests, codec_setup, codec_teardown);
}

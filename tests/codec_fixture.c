/* What the codec and item-builder tests share: a codec_registry of the shipped
 * schemas plus test types with every field type, and decoding, building
 * and round-trip assertions with the exact error text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "codec_fixture.h"
#include "codec.h"

/* A type with every field type, for round trips. */
static const char *const all_types =
    "type: test.all\n"
    "version: 1\n"
    "kind: state\n"
    "key: [name, n]\n"
    "fields:\n"
    "  name: {type: string, required: true}\n"
    "  n: {type: int, required: true, min: -5, max: 1000}\n"
    "  ratio: {type: number, min: 0, max: 1}\n"
    "  flag: {type: bool, default: false}\n"
    "  link: {type: url, schemes: [https, xmpp]}\n"
    "  who: {type: jid}\n"
    "  blob: {type: bytes, max_bytes: 16}\n"
    "  when: {type: timestamp}\n"
    "  tags: {type: list, items: {type: string, max_length: 5}, max_items: 3, default: [x]}\n"
    "  numbers: {type: list, items: {type: int}, required: true}\n"
    "  pair: {type: list, items: {type: int}, min_items: 2}\n";

static const char *const lenient =
    "type: test.lenient\nversion: 1\nkind: event\nunknown_fields: ignore\n"
    "fields:\n  a: {type: string}\n";

/* A url field without `schemes:`. */
static const char *const web =
    "type: test.web\nversion: 1\nkind: event\nfields:\n  u: {type: url}\n";

roomctl_registry *codec_registry;

int codec_setup(void **state)
{
    GError *error = NULL;
    codec_registry = roomctl_registry_new();
    if (!roomctl_registry_load_dir(codec_registry, g_getenv("ROOMCTL_TEST_SCHEMAS"), &error))
        fail_msg("%s", error->message);
    roomctl_schema *schema = roomctl_schema_load_string("all.yaml", all_types, -1, &error);
    assert_non_null(schema);
    assert_true(roomctl_registry_add(codec_registry, schema, &error));
    schema = roomctl_schema_load_string("lenient.yaml", lenient, -1, &error);
    assert_true(roomctl_registry_add(codec_registry, schema, &error));
    schema = roomctl_schema_load_string("web.yaml", web, -1, &error);
    assert_true(roomctl_registry_add(codec_registry, schema, &error));
    return 0;
}

int codec_teardown(void **state)
{
    roomctl_registry_free(codec_registry);
    return 0;
}

roomctl_item *codec_decode(const char *xml, const char *id)
{
    GError *error = NULL;
    roomctl_item *item = roomctl_item_decode_xml(codec_registry, xml, id, &error);
    if (!item)
        fail_msg("unexpected error: %s", error->message);
    return item;
}

void codec_assert_decode_error(const char *xml, const char *id, int code, const char *expected)
{
    GError *error = NULL;
    roomctl_item *item = roomctl_item_decode_xml(codec_registry, xml, id, &error);
    assert_null(item);
    assert_non_null(error);
    assert_string_equal(error->message, expected);
    assert_int_equal(error->code, code);
    g_error_free(error);
}


roomctl_item *codec_build(const char *type, ...)
{
    GPtrArray *args = g_ptr_array_new();
    va_list ap;
    va_start(ap, type);
    for (const char *a; (a = va_arg(ap, const char *));)
        g_ptr_array_add(args, (gpointer)a);
    va_end(ap);
    g_ptr_array_add(args, NULL);
    GError *error = NULL;
    roomctl_item *item = roomctl_item_new_from_assignments(codec_registry, type,
                                                           (const char *const *)args->pdata, &error);
    g_ptr_array_free(args, TRUE);
    if (!item)
        fail_msg("unexpected error: %s", error->message);
    return item;
}

/* The first line of the error is the assignment's own problem; the lines
 * after it name the required fields the one assignment left out (issue 17:
 * every mistake is reported; tested in test_cli_types.sh). */
void codec_assert_build_error(const char *type, const char *assignment, const char *expected)
{
    const char *args[] = { assignment, NULL };
    GError *error = NULL;
    assert_null(roomctl_item_new_from_assignments(codec_registry, type, args, &error));
    assert_non_null(error);
    gsize len = strlen(expected);
    if (strncmp(error->message, expected, len) ||
        (error->message[len] && error->message[len] != '\n'))
        assert_string_equal(error->message, expected);
    g_error_free(error);
}

/* Encode, decode again, and check the result equals @item. */
void codec_assert_round_trip(const roomctl_item *item)
{
    char *xml = roomctl_item_encode_xml(item);
    assert_non_null(xml);
    roomctl_item *back = codec_decode(xml, roomctl_item_id(item));
    assert_true(rc_item_equal(item, back));
    char *again = roomctl_item_encode_xml(back);
    assert_string_equal(xml, again);
    g_free(again);
    g_free(xml);
    roomctl_item_unref(back);
}

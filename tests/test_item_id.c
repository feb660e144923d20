/* Item ids (bus/schema/item_id.c): state ids built from the key fields, with
 * the escaping that keeps them unique, at any length; and taken apart again
 * as the host and the plugins do, including ids that are not state ids. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <roomctl/roomctl.h>

#include "schema/item_id.h"

/* Two keys, a string without a pattern and an int, so that any text fits. */
static const char *const SCHEMA =
    "type: test.cell\n"
    "version: 1\n"
    "kind: state\n"
    "key: [sheet, row]\n"
    "fields:\n"
    "  sheet: {type: string, required: true, max_length: 100000}\n"
    "  row: {type: int, required: true}\n";

static int setup(void **state)
{
    roomctl_registry *registry = roomctl_registry_new();
    GError *error = NULL;
    roomctl_schema *schema = roomctl_schema_load_string("test.cell.yaml", SCHEMA, -1, &error);
    assert_non_null(schema);
    assert_true(roomctl_registry_add(registry, schema, &error));
    *state = registry;
    return 0;
}

static int teardown(void **state)
{
    roomctl_registry_free(*state);
    return 0;
}

/* The id of a test.cell item; a new string. */
static char *cell_id(const roomctl_registry *registry, const char *sheet, const char *row)
{
    char *a = g_strconcat("sheet=", sheet, NULL), *b = g_strconcat("row=", row, NULL);
    const char *args[] = { a, b, NULL };
    GError *error = NULL;
    roomctl_item *item = roomctl_item_new_from_assignments(registry, "test.cell", args, &error);
    if (!item)
        fail_msg("%s", error->message);
    char *id = g_strdup(roomctl_item_id(item));
    roomctl_item_unref(item);
    g_free(a);
    g_free(b);
    return id;
}

static void test_plain_keys(void **state)
{
    char *id = cell_id(*state, "budget", "7");
    assert_string_equal(id, "test.cell:budget:7");
    g_free(id);
}

/* '%', ':' and control bytes are escaped, so "a:b" + 1 and "a" + ... differ. */
static void test_escaped_keys(void **state)
{
    char *id = cell_id(*state, "a:b%c\td", "-1");
    assert_string_equal(id, "test.cell:a%3Ab%25c%09d:-1");
    g_free(id);
}

/* Far past any stack buffer: 5,000 ':' grow to 15,000 bytes of key. */
static void test_long_key(void **state)
{
    char *sheet = g_strnfill(5000, ':');
    char *id = cell_id(*state, sheet, "1");
    GString *want = g_string_new("test.cell:");
    for (int i = 0; i < 5000; i++)
        g_string_append(want, "%3A");
    g_string_append(want, ":1");
    assert_string_equal(id, want->str);
    g_string_free(want, TRUE);
    g_free(sheet);
    g_free(id);
}

static void test_parse(void **state)
{
    char *type = rc_item_id_type("ui.button:send");
    assert_string_equal(type, "ui.button");
    g_free(type);
    type = rc_item_id_type("no-colon");
    assert_string_equal(type, "no-colon");
    g_free(type);
    type = rc_item_id_type("");
    assert_string_equal(type, "");
    g_free(type);
    assert_string_equal(rc_item_id_key("ui.button", "ui.button:send"), "send");
    assert_string_equal(rc_item_id_key("ui.button", "ui.button:a%3Ab"), "a%3Ab");
    assert_string_equal(rc_item_id_key("chat.power", "chat.power:"), "");
    /* Not a state id of that type: the whole id. */
    assert_string_equal(rc_item_id_key("ui.button", "ui.buttons:send"), "ui.buttons:send");
    assert_string_equal(rc_item_id_key("ui.button", "ui.button"), "ui.button");
    assert_string_equal(rc_item_id_key("ui.button", "4f0c-uuid"), "4f0c-uuid");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plain_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escaped_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_key, setup, teardown),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

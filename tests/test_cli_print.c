/* How `roomctl state` and `roomctl watch` show items (bus/cli/cli_print.c):
 * whatever a publisher sent, one line per field, and nothing that reaches
 * the terminal as a control sequence. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <roomctl/roomctl.h>
#include "cli/cli_print.h"

#define CONTROL(type, body) \
    "<control xmlns='urn:roomctl:0' type='" type "' version='1'>" body "</control>"

/* *state: the registry of the source tree's schemas. */
static int setup(void **state)
{
    roomctl_registry *registry = roomctl_registry_new();
    GError *error = NULL;
    *state = registry;
    if (roomctl_registry_load_path(registry, g_getenv("ROOMCTL_TEST_SCHEMAS"), &error))
        return 0;
    fprintf(stderr, "%s\n", error->message);
    g_error_free(error);
    return -1;
}

static int teardown(void **state)
{
    roomctl_registry_free(*state);
    return 0;
}

/* What rc_cli_print_item() writes for @xml; g_free() it. */
static char *printed(void **state, const char *xml, const char *id, gboolean json)
{
    roomctl_registry *registry = *state;
    GError *error = NULL;
    roomctl_item *item = roomctl_item_decode_xml(registry, xml, id, &error);
    if (!item)
        fail_msg("%s", error->message);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    rc_cli_print_item(out, item, json);
    fclose(out);
    roomctl_item_unref(item);
    char *copy = g_strdup(text);
    free(text);
    return copy;
}

static void test_text_values_one_line_each(void **state)
{
    /* A caption with a line feed may not add a field line of its own. */
    char *text = printed(state, CONTROL("slideshow.slide", "<deck>intro</deck><index>2</index>"
                                 "<caption>Agenda&#10;    image_url = https://evil.example/"
                                 "&#9;\"quoted\" \\ é</caption>"), NULL, FALSE);
    assert_string_equal(text,
        "slideshow.slide:intro  (slideshow.slide v1)\n"
        "    deck = \"intro\"\n"
        "    index = 2\n"
        "    caption = \"Agenda\\n    image_url = https://evil.example/\\t\\\"quoted\\\" \\\\ é\"\n");
    g_free(text);

    /* An event's id is whatever the publisher chose, escapes included. */
    text = printed(state, CONTROL("room.notice", "<text>hi</text><level>alert</level>"),
                   "x\n    level = info\x1b[2J", FALSE);
    assert_string_equal(text,
        "x\\n    level = info\\x1B[2J  (room.notice v1)\n"
        "    text = \"hi\"\n"
        "    level = \"alert\"\n");
    g_free(text);

    /* Other types are shown as they are. */
    text = printed(state, CONTROL("ui.button", "<button>send</button><enabled>false</enabled>"), NULL,
                   FALSE);
    assert_string_equal(text,
        "ui.button:send  (ui.button v1)\n"
        "    button = \"send\"\n"
        "    enabled = false\n"
        "    visible = true\n");
    g_free(text);
}

static void test_json_unchanged(void **state)
{
    char *text = printed(state, CONTROL("room.notice", "<text>a&#10;b</text>"), "ev-1", TRUE);
    assert_string_equal(text, "{\"id\": \"ev-1\", \"type\": \"room.notice\", \"version\": 1, "
                              "\"publisher\": null, \"room\": null, \"replay\": false, "
                              "\"fields\": {\"text\":\"a\\nb\",\"level\":\"info\"}}\n");
    g_free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_values_one_line_each),
        cmocka_unit_test(test_json_unchanged),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

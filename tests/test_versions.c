/* Receivers that know several versions of a type (issue 17): the registry
 * keeps each, an item decodes against the version it names, and a plugin
 * is handed items of both versions, each read by its own schema. */
#include <string.h>
#include <glib.h>

#include "host_fixture.h"

#define ROOM "lobby@conference.localhost"

static const char v2_schema[] =
    "type: ui.button\nversion: 2\nkind: state\nkey: [button]\nfields:\n"
    "  button: {type: string, required: true}\n"
    "  enabled: {type: bool, default: true}\n"
    "  colour: {type: string, enum: [red, green], default: green}\n";

static void add_version_2(fixture *f)
{
    GError *error = NULL;
    roomctl_schema *v2 = roomctl_schema_load_string("ui.button.v2.yaml", v2_schema, -1, &error);
    if (!v2 || !roomctl_registry_add(f->registry, v2, &error))
        fail_msg("%s", error->message);
}

static void test_registry_keeps_both(void **state)
{
    fixture *f = *state;
    add_version_2(f);
    assert_int_equal(roomctl_schema_version(roomctl_registry_lookup(f->registry, "ui.button", 0)), 2);
    assert_int_equal(roomctl_schema_version(roomctl_registry_lookup(f->registry, "ui.button", 1)), 1);
    char *all = roomctl_registry_version_list(f->registry, "ui.button", 0);
    char *older = roomctl_registry_version_list(f->registry, "ui.button", 2);
    assert_string_equal(all, "1, 2");
    assert_string_equal(older, "1");
    g_free(all);
    g_free(older);
    /* A field of version 2 is unknown to an item that says version 1. */
    GError *error = NULL;
    assert_null(roomctl_item_decode_xml(f->registry,
        "<control xmlns='urn:roomctl:0' type='ui.button' version='1'><button>a</button>"
        "<colour>red</colour></control>", NULL, &error));
    assert_string_equal(error->message, "ui.button: unknown field 'colour'");
    g_error_free(error);
}

static void test_plugin_handles_each_version(void **state)
{
    fixture *f = *state;
    add_version_2(f);
    char *file = fixture_path(f, "audit.jsonl");
    char *yaml = g_strdup_printf("file: %s\n", file);
    GError *error = NULL;
    if (!roomctl_host_add_plugin_dir(f->host, fixture_plugin_dir(), &error))
        fail_msg("%s", error->message);
    fixture_load(f, "audit", yaml);
    const char *xml[] = {
        "<control xmlns='urn:roomctl:0' type='ui.button' version='1'><button>a</button></control>",
        "<control xmlns='urn:roomctl:0' type='ui.button' version='2'><button>b</button>"
        "<colour>red</colour></control>",
    };
    for (int i = 0; i < 2; i++) {
        roomctl_item *item = fixture_item(f, xml[i]);
        assert_int_equal(roomctl_item_schema_version(item), i + 1);
        GPtrArray *results = NULL;
        assert_int_equal(roomctl_host_dispatch(f->host, item, &results), 0);
        assert_int_equal(results->len, 1);
        g_ptr_array_unref(results);
        roomctl_item_unref(item);
    }
    fixture_free_host(f);
    char *contents = fixture_read(file);
    if (!strstr(contents, "\"type\":\"ui.button\",\"version\":1,\"id\":\"ui.button:a\"") ||
        !strstr(contents, "\"fields\":{\"button\":\"a\",\"enabled\":true,\"visible\":true}") ||
        !strstr(contents, "\"type\":\"ui.button\",\"version\":2,\"id\":\"ui.button:b\"") ||
        !strstr(contents, "\"fields\":{\"button\":\"b\",\"enabled\":true,\"colour\":\"red\"}"))
        fail_msg("the audit trail of both versions:\n%s", contents);
    g_free(contents);
    g_free(yaml);
    g_free(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_registry_keeps_both, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_plugin_handles_each_version, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

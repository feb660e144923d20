/* What a host announces to the gate (bus/host_caps.c): a type counts when a
 * handler's pattern matches it and the registry has its schema, with every
 * version the registry has; the plugins with their versions. */
#include <string.h>

#include "host_fixture.h"
#include "ack_client.h"

static const char *versions_of(const rc_announce *a, const char *type)
{
    for (guint i = 0; i < a->handles->len; i++) {
        const rc_announce_entry *e = g_ptr_array_index(a->handles, i);
        if (!strcmp(e->name, type))
            return e->version;
    }
    return NULL;
}

static int setup(void **state)
{
    fixture_setup(state);
    fixture *f = *state;
    assert_true(roomctl_host_add_plugin_dir(f->host, fixture_test_plugin_dir(), NULL));
    return 0;
}

static void test_patterns_and_versions(void **state)
{
    fixture *f = *state;
    fixture_load(f, "probe-a", "types: 'ui.*'");
    fixture_load(f, "probe-b", "types: slideshow.slide");
    /* A second version of slideshow.slide: announced with both. */
    GError *error = NULL;
    roomctl_schema *v2 = roomctl_schema_load_string("v2.yaml",
        "type: slideshow.slide\nversion: 2\nkind: state\nkey: [deck]\n"
        "fields:\n  deck: {type: string, required: true}\n", -1, &error);
    assert_non_null(v2);
    assert_true(roomctl_registry_add(f->registry, v2, &error));
    rc_announce *a = rc_announce_new();
    rc_host_announce_caps(f->host, f->registry, a);
    assert_string_equal(versions_of(a, "ui.button"), "1");
    assert_string_equal(versions_of(a, "ui.feature"), "1");
    assert_string_equal(versions_of(a, "slideshow.slide"), "1 2");
    assert_null(versions_of(a, "chat.power"));
    assert_null(versions_of(a, "room.notice"));
    assert_true(rc_announce_handles(a, "slideshow.slide", 2));
    assert_int_equal(a->plugins->len, 2);
    const rc_announce_entry *p = a->plugins->pdata[0];
    assert_string_equal(p->name, "probe-a");
    assert_string_equal(p->version, "1.0");
    rc_announce_free(a);
}

static void test_nothing_handled(void **state)
{
    fixture *f = *state;
    rc_announce *a = rc_announce_new();
    rc_host_announce_caps(f->host, f->registry, a);   /* no plugins */
    assert_int_equal(a->handles->len, 0);
    rc_host_announce_caps(NULL, f->registry, a);      /* no host */
    assert_int_equal(a->handles->len, 0);
    fixture_load(f, "probe-a", "types: 'no.such.*'");
    rc_host_announce_caps(f->host, f->registry, a);   /* a pattern no schema matches */
    assert_int_equal(a->handles->len, 0);
    assert_int_equal(a->plugins->len, 1);
    rc_announce_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_patterns_and_versions, setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_nothing_handled, setup, fixture_teardown),
    };
    return cmocka_run_group_tests_name("host_caps", tests, NULL, NULL);
}

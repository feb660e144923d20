/* roomctl doctor against every test server: what it finds on a good setup,
 * a misconfigured PubSub service, a room whose node is missing or was
 * configured otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <roomctl/doctor.h>

#include "bus_fixture.h"

static const roomctl_probe *probe(const GPtrArray *probes, const char *name)
{
    for (guint i = 0; i < probes->len; i++) {
        const roomctl_probe *p = g_ptr_array_index(probes, i);
        if (g_str_equal(p->name, name))
            return p;
    }
    fail_msg("no probe '%s'", name);
    return NULL;
}

static void test_good_setup(void **state)
{
    roomctl_bus *owner = bus_as("owner");
    g_autofree char *room = room_ready(owner, "doctor");
    publish(owner, room, "ui.button", "button=send", "enabled=false", NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *service = NULL;
    g_autoptr(GPtrArray) probes = roomctl_bus_doctor_sync(owner, room, &service, &error);
    if (!probes)
        fail_msg("doctor: %s", error->message);
    for (guint i = 0; i < probes->len; i++) {
        const roomctl_probe *p = g_ptr_array_index(probes, i);
        if (p->needed && !p->ok)
            fail_msg("%s: %s", p->name, p->meaning);
    }
    assert_true(roomctl_probes_ok(probes));
    assert_string_equal(service, RC_SERVER_PUBSUB);
    assert_true(probe(probes, "persistent items")->ok);
    assert_true(probe(probes, "room node configuration")->ok);
    assert_true(probe(probes, "publishers named")->ok);
    roomctl_bus_free(owner);
    fx->passed = TRUE;
}

static void test_wrong_service_and_missing_node(void **state)
{
    roomctl_bus_options options = {
        .jid = "alice@" RC_SERVER_DOMAIN, .password = "pw-alice", .host = "127.0.0.1",
        .port = rc_server_port(fx->server), .allow_plaintext = TRUE,
        .pubsub_service = "pubsub.nowhere", .request_timeout_ms = 5000 * slow,
    };
    roomctl_bus *bus = roomctl_bus_new(&options, fx->registry, NULL);
    g_autoptr(GError) error = NULL;
    assert_true(roomctl_bus_connect_sync(bus, &error));
    g_autoptr(GPtrArray) probes = roomctl_bus_doctor_sync(bus, NULL, NULL, &error);
    assert_non_null(probes);
    assert_false(roomctl_probes_ok(probes));
    const roomctl_probe *p = probe(probes, "PubSub service");
    assert_false(p->ok);
    assert_non_null(strstr(p->meaning, "pass --pubsub " RC_SERVER_PUBSUB));
    roomctl_bus_free(bus);

    /* A room without a node: needed, and says how to make one. */
    roomctl_bus *alice = bus_as("alice");
    g_autofree char *room = new_room("nonode");
    g_autoptr(GPtrArray) more = roomctl_bus_doctor_sync(alice, room, NULL, &error);
    assert_non_null(more);
    assert_false(roomctl_probes_ok(more));
    assert_non_null(strstr(probe(more, "room node")->meaning, "roomctl room create"));
    roomctl_bus_free(alice);
    fx->passed = TRUE;
}

static int group_setup(void **state) { return start_group(FALSE); }

int main(void)
{
    g_log_set_always_fatal(G_LOG_LEVEL_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_setup, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_wrong_service_and_missing_node, test_setup,
                                        test_teardown),
    };
    return cmocka_run_group_tests_name("roomctl doctor", tests, group_setup, group_teardown);
}

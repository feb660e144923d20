/* Anti-entropy against every test server: a TCP proxy between a client and
 * the server silently drops one event, as a server under load may (see
 * docs/wire-format.md and SERVERS.md on ejabberd clusters).  With
 * reconcile_ms set, the client converges within one interval; without it,
 * it does not, which shows that the drop happened and that the timer is
 * what repairs it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "bus_fixture.h"
#include "tcp_proxy.h"

#define INTERVAL_MS 1500

static roomctl_bus *alice_through(rc_tcp_proxy *proxy, guint reconcile_ms)
{
    roomctl_bus_options options = {
        .jid = "alice@" RC_SERVER_DOMAIN, .password = "pw-alice", .host = "127.0.0.1",
        .port = rc_tcp_proxy_port(proxy), .allow_plaintext = TRUE,
        .request_timeout_ms = 5000 * slow, .reconcile_ms = reconcile_ms,
    };
    roomctl_bus *bus = roomctl_bus_new(&options, fx->registry, NULL);
    g_autoptr(GError) error = NULL;
    if (!roomctl_bus_connect_sync(bus, &error))
        fail_msg("alice through the proxy: %s", error->message);
    return bus;
}

static gboolean state_has(roomctl_room *room, const char *id, int enabled)
{
    g_autoptr(GPtrArray) state = roomctl_room_state(room);
    for (guint i = 0; i < state->len; i++) {
        const roomctl_item *item = g_ptr_array_index(state, i);
        if (g_str_equal(roomctl_item_id(item), id))
            return get_bool(item, "enabled") == enabled;
    }
    return FALSE;
}

/* One dropped event (a key changed), then a dropped retraction. */
static void run(guint reconcile_ms, gboolean expect_converged)
{
    g_autoptr(GError) error = NULL;
    rc_tcp_proxy *proxy = rc_tcp_proxy_new(rc_server_port(fx->server), &error);
    if (!proxy)
        fail_msg("%s", error->message);
    roomctl_bus *owner = bus_as("owner");
    g_autofree char *room_jid = room_ready(owner, "entropy");
    roomctl_bus *mod = bus_as("mod");
    publish(mod, room_jid, "ui.button", "button=mic", "enabled=true", NULL);
    roomctl_bus *alice = alice_through(proxy, reconcile_ms);
    roomctl_room *room = NULL;
    watcher *w = join(alice, room_jid, &room);
    assert_true(state_has(room, "ui.button:mic", 1));

    rc_tcp_proxy_drop_message(proxy, "ui.button:mic");
    publish(mod, room_jid, "ui.button", "button=mic", "enabled=false", NULL);
    publish(mod, room_jid, "ui.button", "button=send", "enabled=false", NULL); /* a marker */
    WAIT_UNTIL(state_has(room, "ui.button:send", 0), WAIT_MS);
    assert_int_equal(rc_tcp_proxy_dropped(proxy), 1);
    assert_true(state_has(room, "ui.button:mic", 1)); /* missed */

    gint64 start = g_get_monotonic_time();
    WAIT_UNTIL(state_has(room, "ui.button:mic", 0), INTERVAL_MS + 1000 * slow);
    gint64 took_ms = (g_get_monotonic_time() - start) / 1000;
    if (!expect_converged) {
        assert_false(state_has(room, "ui.button:mic", 0));
    } else {
        if (!state_has(room, "ui.button:mic", 0))
            fail_msg("no convergence within %u ms", INTERVAL_MS + 1000 * slow);
        printf("converged %" G_GINT64_FORMAT " ms after the drop was noticed\n", took_ms);
        /* Applied as a catch-up, not as live. */
        assert_int_equal(roomctl_item_is_replay(last_item(w)), 1);

        /* A dropped retraction: the key is reset within the interval. */
        guint resets = w->resets->len;
        rc_tcp_proxy_drop_message(proxy, "ui.button:send");
        if (!roomctl_bus_retract_sync(mod, room_jid, "ui.button:send", &error))
            fail_msg("retract: %s", error->message);
        publish(mod, room_jid, "ui.button", "button=attach", "enabled=false", NULL);
        WAIT_UNTIL(state_has(room, "ui.button:attach", 0), WAIT_MS);
        assert_int_equal(rc_tcp_proxy_dropped(proxy), 2);
        WAIT_UNTIL(w->resets->len > resets, INTERVAL_MS + 1000 * slow);
        assert_int_equal(w->resets->len, resets + 1);
        assert_string_equal(g_ptr_array_index(w->resets, resets), "ui.button ui.button:send");
    }
    roomctl_bus_free(alice);
    roomctl_bus_free(mod);
    roomctl_bus_free(owner);
    rc_tcp_proxy_free(proxy);
}

static void test_dropped_event_converges(void **state)
{
    run(INTERVAL_MS, TRUE);
    fx->passed = TRUE;
}

static void test_without_reconcile_it_stays_wrong(void **state)
{
    run(G_MAXUINT, FALSE);
    fx->passed = TRUE;
}

static int group_setup(void **state) { return start_group(FALSE); }

int main(void)
{
    g_log_set_always_fatal(G_LOG_LEVEL_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dropped_event_converges, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_without_reconcile_it_stays_wrong, test_setup,
                                        test_teardown),
    };
    return cmocka_run_group_tests_name("anti-entropy", tests, group_setup, group_teardown);
}

/* One rule for what a client holds for each key (docs/wire-format.md 5.1),
 * checked on every path by which a client learns the state: one sequence
 * of items (valid, unknown version, invalid, retracted, a foreign payload)
 * is published once, and a client that saw it live, one that joined after
 * it, one that was cut off during it and rejoined, and an agent that was
 * stopped before it and restarted after it all end with the node's valid
 * state, key for key.  Prosody with on-disk storage, as deployed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "raw_xmpp.h"
#include "faults_fixture.h"
#include "wait.h"

static const char *const accounts[] = { "alice", "carol", "dave", "screen", NULL };

#define BUTTON_XML(key, version, enabled)                                           \
    "<control xmlns='urn:roomctl:0' type='ui.button' version='" version "'>"       \
    "<button>" key "</button><enabled>" enabled "</enabled></control>"

/* Publish @payload as @id around every check of libroomctl, as a foreign
 * or newer client would. */
static void raw_publish(const char *room, const char *id, const char *payload)
{
    g_autofree char *node = roomctl_room_node_name(room);
    g_autofree char *jid = g_strdup_printf("%s@%s", FAULTS_MODERATOR, ff.server->domain);
    g_autofree char *why = NULL;
    if (!raw_xmpp_publish(faults_server_port(), jid, "pw-" FAULTS_MODERATOR, ff.server->pubsub,
                        node, id, payload, &why))
        fail_msg("raw publish of %s: %s", id, why);
}

/* A bus through the proxy without stream management: after a cut it
 * cannot resume, so it rejoins and learns the state from the fetch. */
static roomctl_bus *rejoining_bus(const char *user)
{
    g_autofree char *jid = rc_server_jid(user);
    g_autofree char *password = g_strconcat("pw-", user, NULL);
    roomctl_bus_options options = {
        .jid = jid, .password = password, .host = "127.0.0.1", .port = faults_proxy_port(),
        .allow_plaintext = TRUE, .request_timeout_ms = 3000, .reconnect_min_ms = 100,
        .reconnect_max_ms = 500, .keepalive_ms = 1000, .disable_stream_management = TRUE,
    };
    roomctl_bus *bus = roomctl_bus_new(&options, ff.registry, NULL);
    g_autoptr(GError) error = NULL;
    if (!roomctl_bus_connect_sync(bus, &error))
        fail_msg("cannot connect as %s: %s", user, error->message);
    return bus;
}

static mirror *join_mirror(roomctl_bus *bus, const char *room, roomctl_room **out)
{
    mirror *m = mirror_new();
    roomctl_room *r = roomctl_bus_join(bus, room, &mirror_callbacks, m, mirror_free);
    WAIT_UNTIL(roomctl_room_is_synced(r), 10000);
    assert_true(roomctl_room_is_synced(r));
    if (out)
        *out = r;
    return m;
}

static void assert_mirror(const char *who, const mirror *m, GPtrArray *node)
{
    guint wrong = mirror_wrong(m, node, NULL);
    if (wrong) {
        GString *held = g_string_new(NULL);
        GHashTableIter iter;
        gpointer id;
        g_hash_table_iter_init(&iter, m->state);
        while (g_hash_table_iter_next(&iter, &id, NULL))
            g_string_append_printf(held, " %s", (const char *)id);
        fail_msg("%s holds %u keys wrong (node: %u valid keys; held:%s)", who, wrong, node->len,
                 held->str);
    }
}

static void test_same_state_on_every_path(void **state)
{
    g_autofree char *room = faults_room("rule");
    roomctl_bus *mod = faults_bus(FAULTS_MODERATOR, faults_server_port());
    for (guint k = 1; k <= 4; k++) {
        roomctl_item *item = faults_button(k, FALSE, TRUE);
        g_autoptr(GError) error = NULL;
        if (!roomctl_bus_publish_sync(mod, room, item, &error))
            fail_msg("publish k%u: %s", k, error->message);
        roomctl_item_unref(item);
    }

    /* Live: alice.  Reconnect: carol, cut off during the sequence.
     * Restart: an agent that keeps a journal, stopped during it. */
    roomctl_bus *alice = faults_bus("alice", faults_server_port());
    mirror *live = join_mirror(alice, room, NULL);
    roomctl_bus *carol = rejoining_bus("carol");
    roomctl_room *carol_room = NULL;
    mirror *rejoined = join_mirror(carol, room, &carol_room);
    prog_agent *agent = faults_agent_start("screen", faults_server_port(), room, NULL, NULL);
    g_autoptr(GPtrArray) before = faults_node_state(mod, room);
    gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!faults_ui_file_matches(agent->ui_file, before) && g_get_monotonic_time() < end)
        g_usleep(50000);
    assert_true(faults_ui_file_matches(agent->ui_file, before));
    faults_agent_kill(agent);
    rc_tcp_proxy_refuse(ff.proxy, TRUE);
    rc_tcp_proxy_cut(ff.proxy);
    WAIT_UNTIL(!roomctl_room_is_synced(carol_room), 5000);
    assert_false(roomctl_room_is_synced(carol_room));

    /* The sequence: k1 in a version this client does not know, k2 invalid,
     * k3 retracted, k4 replaced by a valid item, k5 new, then a foreign
     * payload and an item whose id is not its key. */
    raw_publish(room, "ui.button:k1", BUTTON_XML("k1", "99", "true"));
    raw_publish(room, "ui.button:k2", BUTTON_XML("k2", "1", "maybe"));
    g_autoptr(GError) error = NULL;
    assert_true(roomctl_bus_retract_sync(mod, room, "ui.button:k3", &error));
    raw_publish(room, "ui.button:k4", BUTTON_XML("k4", "1", "true"));
    raw_publish(room, "ui.button:k5", BUTTON_XML("k5", "1", "true"));
    raw_publish(room, "junk", "<junk xmlns='urn:other'/>");
    raw_publish(room, "ui.button:k6", BUTTON_XML("k7", "1", "true"));

    g_autoptr(GPtrArray) node = faults_node_state(mod, room);
    assert_int_equal(node->len, 2); /* k4 and k5 */

    /* Live. */
    WAIT_UNTIL(mirror_wrong(live, node, NULL) == 0, 5000);
    assert_mirror("the live client", live, node);
    /* Join. */
    roomctl_bus *dave = faults_bus("dave", faults_server_port());
    mirror *joined = join_mirror(dave, room, NULL);
    assert_mirror("the late joiner", joined, node);
    /* Reconnect: a new session, a new fetch over the state it held. */
    guint syncs = rejoined->syncs;
    rc_tcp_proxy_refuse(ff.proxy, FALSE);
    WAIT_UNTIL(roomctl_room_is_synced(carol_room) && rejoined->syncs > syncs, 10000);
    assert_true(rejoined->syncs > syncs);
    assert_mirror("the rejoined client", rejoined, node);
    /* Restart: the agent's plugin file and journal from before. */
    agent = faults_agent_start("screen", faults_server_port(), room, NULL, NULL);
    end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!faults_ui_file_matches(agent->ui_file, node) && g_get_monotonic_time() < end)
        g_usleep(50000);
    if (!faults_ui_file_matches(agent->ui_file, node)) {
        g_autofree char *text = NULL;
        g_file_get_contents(agent->ui_file, &text, NULL, NULL);
        fail_msg("the restarted agent's ui-state file is not the node's state:\n%s", text);
    }
    /* And it says why it reset keys without claiming what it cannot know. */
    g_autofree char *log = NULL;
    assert_true(g_file_get_contents(agent->log, &log, NULL, NULL));
    assert_null(strstr(log, "was retracted while the host was away"));
    assert_non_null(strstr(log, "ui.button:k1 is no longer in the room's state"));
    faults_agent_kill(agent);

    roomctl_bus_free(dave);
    roomctl_bus_free(carol);
    roomctl_bus_free(alice);
    roomctl_bus_free(mod);
}

FAULTS_GROUP_FUNCTIONS(accounts)

int main(void)
{
    g_log_set_always_fatal(G_LOG_LEVEL_ERROR);
    roomctl_set_log_level(g_getenv("RC_TEST_VERBOSE") ? ROOMCTL_LOG_INFO : ROOMCTL_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_state_on_every_path),
    };
    return cmocka_run_group_tests_name("state rule", tests, group_setup, group_teardown);
}

/* Fault tests (meson suite `faults`): whatever the network and the server
 * do, every client ends in the state the moderator set, publishing during
 * an outage fails loudly, and plugin faults are reported without stopping
 * the others.  Everything on 127.0.0.1, bounded, self-stopping.
 *
 * The soak's size comes from ROOMCTL_SOAK_AGENTS (default 50),
 * ROOMCTL_SOAK_ITEMS (2000) and ROOMCTL_SOAK_SECONDS (120, a cap on the
 * publishing phase); see tests/README-faults.md for a longer hand run. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "faults_fixture.h"
#include "wait.h"

static const char *const accounts[] = { "screen1", "screen2", "screen3", "screen4", "screen5",
                                        "soak", NULL };

/* Wait until every mirror equals the node's state; the number of wrong keys
 * at the end (0 when converged), @checked counting the keys compared. */
static guint converge(roomctl_bus *reader, const char *room, mirror **mirrors, guint n,
                      guint seconds, guint *checked)
{
    gint64 end = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;
    for (;;) {
        g_autoptr(GPtrArray) node = faults_node_state(reader, room);
        guint wrong = 0, compared = 0;
        for (guint i = 0; i < n; i++)
            wrong += mirror_wrong(mirrors[i], node, &compared);
        if (wrong == 0 || g_get_monotonic_time() > end) {
            if (checked)
                *checked += compared;
            return wrong;
        }
        faults_settle(200);
    }
}

/* Publish a random change (a ui.button key, now and then a retraction);
 * TRUE when the server took it. */
static gboolean random_change(roomctl_bus *mod, const char *room, GRand *rng, guint keys,
                              guint *retracts)
{
    guint key = (guint)g_rand_int_range(rng, 0, (gint32)keys);
    g_autoptr(GError) error = NULL;
    if (g_rand_int_range(rng, 0, 10) == 0) {
        g_autofree char *id = g_strdup_printf("ui.button:k%u", key);
        gboolean ok = roomctl_bus_retract_sync(mod, room, id, &error) ||
                      g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND);
        *retracts += ok;
        return ok;
    }
    roomctl_item *item = faults_button(key, g_rand_boolean(rng), g_rand_boolean(rng));
    gboolean ok = roomctl_bus_publish_sync(mod, room, item, &error);
    roomctl_item_unref(item);
    return ok;
}

/* ---- Publishing during an outage --------------------------------------------- */

typedef struct {
    gboolean done;
    GError *error;
} outcome;

static void on_done(roomctl_bus *bus, const GError *error, void *data)
{
    outcome *o = data;
    o->done = TRUE;
    o->error = error ? g_error_copy(error) : NULL;
}

/* Publish without waiting in a *_sync call, and wait for the outcome. */
static void publish_outcome(roomctl_bus *bus, const char *room, guint key, outcome *o)
{
    roomctl_item *item = faults_button(key, FALSE, TRUE);
    memset(o, 0, sizeof *o);
    roomctl_bus_publish(bus, room, item, on_done, o);
    roomctl_item_unref(item);
    WAIT_UNTIL(o->done, 15000);
    assert_true(o->done);
}

static void test_publish_during_outage(void **state)
{
    g_autofree char *room = faults_room("outage");
    roomctl_bus *mod = faults_bus(FAULTS_MODERATOR, faults_proxy_port());
    outcome o;

    /* The server is unreachable: the library says so at once. */
    rc_tcp_proxy_refuse(ff.proxy, TRUE);
    rc_tcp_proxy_cut(ff.proxy);
    WAIT_UNTIL(!roomctl_bus_is_connected(mod), 5000);
    assert_false(roomctl_bus_is_connected(mod));
    publish_outcome(mod, room, 1, &o);
    assert_non_null(o.error);
    assert_true(g_error_matches(o.error, ROOMCTL_ERROR, ROOMCTL_ERR_CONNECTION));
    assert_non_null(strstr(o.error->message, "not connected"));
    g_clear_error(&o.error);

    /* roomctl publish: a clear connection error and exit status 5. */
    int server_port = ff.server->port;
    ff.server->port = faults_proxy_port();
    g_autofree char *out = NULL, *err = NULL;
    int status = prog_roomctl(ff.server, FAULTS_MODERATOR, &out, &err, "publish", room,
                            "ui.button", "button=k1", "enabled=false", NULL);
    ff.server->port = server_port;
    if (status != 5 || !strstr(err, "roomctl publish: cannot connect to 127.0.0.1:"))
        fail_msg("roomctl publish during an outage: exit %d (expected 5)\n%s", status, err);

    /* Cut while the answer is awaited: the item is reported, not lost. */
    rc_tcp_proxy_refuse(ff.proxy, FALSE);
    WAIT_UNTIL(roomctl_bus_is_connected(mod), 10000);
    assert_true(roomctl_bus_is_connected(mod));
    rc_tcp_proxy_stall(ff.proxy, TRUE);
    roomctl_item *item = faults_button(2, FALSE, FALSE);
    memset(&o, 0, sizeof o);
    roomctl_bus_publish(mod, room, item, on_done, &o);
    roomctl_item_unref(item);
    faults_settle(100);
    assert_false(o.done);
    rc_tcp_proxy_cut(ff.proxy);
    rc_tcp_proxy_stall(ff.proxy, FALSE);
    WAIT_UNTIL(o.done, 10000);
    assert_true(o.done);
    assert_true(g_error_matches(o.error, ROOMCTL_ERROR, ROOMCTL_ERR_CONNECTION));
    assert_non_null(strstr(o.error->message, "lost"));
    g_clear_error(&o.error);

    /* A link that goes silent: the publish times out (or the keepalive
     * drops the link first); either way the caller hears of it. */
    WAIT_UNTIL(roomctl_bus_is_connected(mod), 10000);
    rc_tcp_proxy_stall(ff.proxy, TRUE);
    publish_outcome(mod, room, 3, &o);
    rc_tcp_proxy_stall(ff.proxy, FALSE);
    assert_non_null(o.error);
    if (!g_error_matches(o.error, ROOMCTL_ERROR, ROOMCTL_ERR_TIMEOUT) &&
        !g_error_matches(o.error, ROOMCTL_ERROR, ROOMCTL_ERR_CONNECTION))
        fail_msg("expected a timeout or connection error, got: %s", o.error->message);
    g_clear_error(&o.error);

    /* And it works again once the link is back. */
    WAIT_UNTIL(roomctl_bus_is_connected(mod), 10000);
    publish_outcome(mod, room, 4, &o);
    assert_null(o.error);
    roomctl_bus_free(mod);
}

/* ---- Cuts and stalls, in-process clients ---------------------------------------- */

#define CLIENTS 4

static void test_cut_and_stall(void **state)
{
    g_autofree char *room = faults_room("cut");
    roomctl_bus *mod = faults_bus(FAULTS_MODERATOR, faults_server_port());
    roomctl_bus *bus[CLIENTS];
    mirror *m[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
        bus[i] = faults_bus("screen1", faults_proxy_port());
        m[i] = mirror_new();
        roomctl_bus_join(bus[i], room, &mirror_callbacks, m[i], mirror_free);
    }
    g_autoptr(GRand) rng = g_rand_new_with_seed(6);
    guint retracts = 0;
    for (guint k = 0; k < 20; k++) {
        roomctl_item *item = faults_button(k, TRUE, k % 2);
        g_autoptr(GError) error = NULL;
        assert_true(roomctl_bus_publish_sync(mod, room, item, &error));
        roomctl_item_unref(item);
    }
    assert_int_equal(converge(mod, room, m, CLIENTS, 15, NULL), 0);

    /* An idle cut: nothing changed, nothing is applied again. */
    guint before[CLIENTS];
    for (int i = 0; i < CLIENTS; i++)
        before[i] = m[i]->delivered;
    assert_int_equal(rc_tcp_proxy_cut(ff.proxy), CLIENTS);
    for (int i = 0; i < CLIENTS; i++) {
        roomctl_bus_stats st;
        WAIT_UNTIL((roomctl_bus_get_stats(bus[i], &st), st.reconnects >= 1) &&
                   roomctl_bus_is_connected(bus[i]), 10000);
        assert_true(roomctl_bus_is_connected(bus[i]));
    }
    faults_settle(300);
    for (int i = 0; i < CLIENTS; i++)
        assert_int_equal(m[i]->delivered, before[i]);

    /* Changes while the clients are cut off reach them once, retractions
     * included. */
    rc_tcp_proxy_refuse(ff.proxy, TRUE);
    rc_tcp_proxy_cut(ff.proxy);
    for (int n = 0; n < 40; n++)
        assert_true(random_change(mod, room, rng, 25, &retracts));
    rc_tcp_proxy_refuse(ff.proxy, FALSE);
    assert_int_equal(converge(mod, room, m, CLIENTS, 15, NULL), 0);

    /* A silent link: the keepalive notices, the clients catch up. */
    rc_tcp_proxy_stall(ff.proxy, TRUE);
    for (int n = 0; n < 20; n++)
        assert_true(random_change(mod, room, rng, 25, &retracts));
    faults_settle(4500);
    rc_tcp_proxy_stall(ff.proxy, FALSE);
    assert_int_equal(converge(mod, room, m, CLIENTS, 15, NULL), 0);

    for (int i = 0; i < CLIENTS; i++) {
        roomctl_bus_stats st;
        roomctl_bus_get_stats(bus[i], &st);
        fprintf(stderr, "client %d: reconnects %u (resumed %u), keepalive timeouts %u, "
                        "delivered %u, re-applied %u\n", i, st.reconnects, st.resumed,
                st.keepalive_timeouts, m[i]->delivered, m[i]->reapplied);
        assert_true(st.keepalive_timeouts >= 1);
        assert_true(st.reconnects >= 3);
        assert_int_equal(m[i]->reapplied, 0);
        roomctl_bus_free(bus[i]);
    }
    roomctl_bus_free(mod);
}

/* ---- Prosody killed while a moderator publishes --------------------------------- */

static void test_server_killed_while_publishing(void **state)
{
    g_autofree char *room = faults_room("kill");
    const char *names[] = { "screen1", "screen2", "screen3" };
    prog_agent *agents[3];
    for (int i = 0; i < 3; i++)
        agents[i] = faults_agent_start(names[i], faults_proxy_port(), room, NULL, NULL);
    roomctl_bus *mod = faults_bus(FAULTS_MODERATOR, faults_server_port());
    g_autoptr(GRand) rng = g_rand_new_with_seed(7);
    guint published = 0, failed = 0, retracts = 0;
    for (int round = 0; round < 2; round++) {
        gint64 until = g_get_monotonic_time() + 1500 * G_TIME_SPAN_MILLISECOND;
        while (g_get_monotonic_time() < until)
            random_change(mod, room, rng, 30, &retracts) ? published++ : failed++;
        faults_kill_server();
        /* Publishing into the dead server fails, and says so. */
        for (int n = 0; n < 5; n++)
            random_change(mod, room, rng, 30, &retracts) ? published++ : failed++;
        faults_settle(300);
        faults_restart_server();
        WAIT_UNTIL(roomctl_bus_is_connected(mod), 10000);
        until = g_get_monotonic_time() + 1000 * G_TIME_SPAN_MILLISECOND;
        while (g_get_monotonic_time() < until)
            random_change(mod, room, rng, 30, &retracts) ? published++ : failed++;
    }
    assert_true(failed >= 5);
    g_autoptr(GPtrArray) node = faults_node_state(mod, room);
    for (int i = 0; i < 3; i++) {
        gint64 end = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
        while (!faults_ui_file_matches(agents[i]->ui_file, node) &&
               g_get_monotonic_time() < end)
            g_usleep(100000);
        if (!faults_ui_file_matches(agents[i]->ui_file, node)) {
            g_autofree char *message = g_strdup_printf(
                "agent %s did not converge to the node's %u keys", names[i], node->len);
            prog_fail(ff.server, message);
        }
    }
    fprintf(stderr, "server killed twice: %u changes taken, %u refused, %u keys, 3 agents "
                    "in sync\n", published, failed, node->len);
    for (int i = 0; i < 3; i++)
        prog_agent_stop(agents[i]);
    roomctl_bus_free(mod);
}

/* ---- An agent killed and restarted ---------------------------------------------- */

static guint lines_for(const char *text, const char *id)
{
    g_autofree char *needle = g_strdup_printf("\"id\":\"%s\"", id);
    guint n = 0;
    for (const char *at = text; (at = strstr(at, needle)); at += strlen(needle))
        n++;
    return n;
}

static void publish_key(roomctl_bus *mod, const char *room, guint key, gboolean enabled)
{
    roomctl_item *item = faults_button(key, enabled, TRUE);
    g_autoptr(GError) error = NULL;
    if (!roomctl_bus_publish_sync(mod, room, item, &error))
        fail_msg("publish: %s", error->message);
    roomctl_item_unref(item);
}

static char *audit_since(const prog_agent *agent, gsize offset)
{
    g_autofree char *text = NULL;
    gsize len = 0;
    if (!g_file_get_contents(agent->audit_file, &text, &len, NULL) || len < offset)
        return g_strdup("");
    return g_strdup(text + offset);
}

/* Wait until the audit trail after @offset names @id (audit writes after
 * ui-state), then a little more for anything that should not come. */
static char *audit_wait(const prog_agent *agent, gsize offset, const char *id)
{
    gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    char *text = audit_since(agent, offset);
    while (lines_for(text, id) == 0 && g_get_monotonic_time() < end) {
        g_usleep(50000);
        g_free(text);
        text = audit_since(agent, offset);
    }
    g_usleep(300000);
    g_free(text);
    return audit_since(agent, offset);
}

static void test_agent_restart(void **state)
{
    g_autofree char *room = faults_room("restart");
    roomctl_bus *mod = faults_bus(FAULTS_MODERATOR, faults_server_port());
    for (guint k = 0; k < 5; k++)
        publish_key(mod, room, k, TRUE);
    prog_agent *agent = faults_agent_start("screen4", faults_proxy_port(), room, NULL, NULL);
    g_autoptr(GPtrArray) node = faults_node_state(mod, room);
    gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!faults_ui_file_matches(agent->ui_file, node) && g_get_monotonic_time() < end)
        g_usleep(50000);
    assert_true(faults_ui_file_matches(agent->ui_file, node));
    g_free(audit_wait(agent, 0, "ui.button:k0"));
    g_free(audit_wait(agent, 0, "ui.button:k4"));
    g_autofree char *first = audit_since(agent, 0);
    gsize offset = strlen(first);

    /* Killed; meanwhile k1 changes, k2 goes, k5 comes; k0, k3, k4 stay. */
    faults_agent_kill(agent);
    publish_key(mod, room, 1, FALSE);
    g_autoptr(GError) error = NULL;
    assert_true(roomctl_bus_retract_sync(mod, room, "ui.button:k2", &error));
    publish_key(mod, room, 5, TRUE);
    agent = faults_agent_start("screen4", faults_proxy_port(), room, NULL, NULL);
    g_ptr_array_unref(node);
    node = faults_node_state(mod, room);
    end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!faults_ui_file_matches(agent->ui_file, node) && g_get_monotonic_time() < end)
        g_usleep(50000);
    assert_true(faults_ui_file_matches(agent->ui_file, node));
    /* The plugins keep their state (ui-state its file, audit its trail) and
     * the agent its journal: only what changed while it was away reaches
     * them, once; the retracted key is reset; unchanged keys are not
     * applied again. */
    g_autofree char *second = audit_wait(agent, offset, "ui.button:k5");
    const char *once[] = { "ui.button:k1", "ui.button:k2", "ui.button:k5" };
    const char *never[] = { "ui.button:k0", "ui.button:k3", "ui.button:k4" };
    for (gsize i = 0; i < G_N_ELEMENTS(once); i++)
        if (lines_for(second, once[i]) != 1)
            fail_msg("after the restart, %s reached the plugins %u times (expected once):\n%s",
                     once[i], lines_for(second, once[i]), second);
    for (gsize i = 0; i < G_N_ELEMENTS(never); i++)
        if (lines_for(second, never[i]) != 0)
            fail_msg("after the restart, the unchanged %s was applied again:\n%s", never[i],
                     second);
    assert_non_null(strstr(second, "\"id\":\"ui.button:k1\",\"publisher\":"
                                   "\"moderator@localhost\",\"replay\":true,\"fields\":"
                                   "{\"button\":\"k1\",\"enabled\":false"));
    assert_non_null(strstr(second, "\"type\":\"ui.button\",\"id\":\"ui.button:k2\"}"));
    offset += strlen(second);

    /* Its connection cut: nothing unchanged is applied again; a change made
     * meanwhile is, once. */
    rc_tcp_proxy_refuse(ff.proxy, TRUE);
    rc_tcp_proxy_cut(ff.proxy);
    publish_key(mod, room, 3, FALSE);
    rc_tcp_proxy_refuse(ff.proxy, FALSE);
    g_ptr_array_unref(node);
    node = faults_node_state(mod, room);
    end = g_get_monotonic_time() + 15 * G_USEC_PER_SEC;
    while (!faults_ui_file_matches(agent->ui_file, node) && g_get_monotonic_time() < end)
        g_usleep(50000);
    assert_true(faults_ui_file_matches(agent->ui_file, node));
    g_autofree char *third = audit_wait(agent, offset, "ui.button:k3");
    if (lines_for(third, "ui.button:k3") != 1 || lines_for(third, "ui.button:k0") != 0 ||
        lines_for(third, "ui.button:k1") != 0 || lines_for(third, "ui.button:k5") != 0)
        fail_msg("after a reconnection only k3 should reach the plugins, once:\n%s", third);

    /* SIGUSR1: the operator sees the room in sync and what it went through:
     * a resumed session got k3 live; a new one fetched and skipped the 4
     * unchanged keys.  After the restart, the 3 unchanged keys were skipped
     * in both plugins. */
    kill(agent->pid, SIGUSR1);
    if (!prog_wait_for(agent->log, "in sync, 5 state items, last sync ", 5) ||
        !prog_contains(agent->log, "connection: 2 sessions, 1 reconnects") ||
        !prog_contains(agent->log, "skipped as already applied before a restart 6") ||
        !(prog_contains(agent->log, "(1 resumed)") ? prog_contains(agent->log, "applied 1, replayed 5")
                                                 : prog_contains(agent->log, "skipped unchanged 4,")))
        prog_fail(ff.server, "SIGUSR1 should show the room in sync and its counters");
    prog_agent_stop(agent);
    roomctl_bus_free(mod);
}

/* ---- Plugin faults --------------------------------------------------------------- */

static void test_plugin_faults(void **state)
{
    g_autofree char *room = faults_room("plugins");
    const char *probes = g_getenv("RC_TEST_PLUGIN_DIR");
    /* probe-a fails every item, probe-b takes 250 ms over each. */
    g_autofree char *plugins = g_strdup_printf(
        "  - name: %s/probe-a.so\n    config: {fail: true}\n"
        "  - name: %s/probe-b.so\n    config: {sleep_ms: 250}\n", probes, probes);
    prog_agent *agent = faults_agent_start("screen5", faults_server_port(), room, plugins,
                                         "slow_handler_ms: 100\n");
    roomctl_bus *mod = faults_bus(FAULTS_MODERATOR, faults_server_port());
    publish_key(mod, room, 1, FALSE);
    publish_key(mod, room, 2, TRUE);
    /* The other plugins still get both items. */
    g_autoptr(GPtrArray) node = faults_node_state(mod, room);
    gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!faults_ui_file_matches(agent->ui_file, node) && g_get_monotonic_time() < end)
        g_usleep(50000);
    assert_true(faults_ui_file_matches(agent->ui_file, node));
    assert_true(prog_wait_for(agent->audit_file, "\"id\":\"ui.button:k2\"", 5));
    assert_int_equal(prog_count(agent->audit_file, "\"id\":\"ui.button:k2\""), 1);
    /* Each fault is reported with the plugin's name (and time)... */
    if (!prog_wait_for(agent->log, "plugin 'probe-a' failed to handle ui.button:k2: "
                                 "probe-a told to fail", 5) ||
        !prog_wait_for(agent->log, " ms to handle ui.button:k2 (more than 100 ms)", 5) ||
        !prog_contains(agent->log, "plugin 'probe-b' took 2"))
        prog_fail(ff.server, "the failing and the slow plugin should be reported by name");
    /* ...and counted where an operator looks. */
    kill(agent->pid, SIGUSR1);
    if (!prog_wait_for(agent->log, "handler failures 2, slow handlers 2 (over 100 ms)", 5))
        prog_fail(ff.server, "SIGUSR1 should count 2 handler failures and 2 slow handlers");
    prog_agent_stop(agent);
    roomctl_bus_free(mod);
}

/* ---- The soak --------------------------------------------------------------------- */

static guint env_uint(const char *name, guint fallback)
{
    const char *text = g_getenv(name);
    guint64 value = 0;
    if (!text || !*text || !g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT, &value, NULL))
        return fallback;
    return (guint)value;
}

/* Publishes in flight (a moderator does not wait for each answer). */
#define WINDOW 32

typedef struct {
    guint in_flight, taken, refused, retracts;
} pipeline;

static void on_published(roomctl_bus *bus, const GError *error, void *data)
{
    pipeline *p = data;
    p->in_flight--;
    if (error)
        p->refused++;
    else
        p->taken++;
}

/* One random change, waiting only when the window is full. */
static void soak_change(pipeline *p, roomctl_bus *mod, const char *room, GRand *rng,
                        guint keys)
{
    WAIT_UNTIL(roomctl_bus_is_connected(mod), 20000);
    if (g_rand_int_range(rng, 0, 10) == 0) {
        guint taken = 0;
        if (random_change(mod, room, rng, keys, &taken))
            p->taken++;
        p->retracts += taken;
        return;
    }
    guint key = (guint)g_rand_int_range(rng, 0, (gint32)keys);
    roomctl_item *item = faults_button(key, g_rand_boolean(rng), g_rand_boolean(rng));
    p->in_flight++;
    roomctl_bus_publish(mod, room, item, on_published, p);
    roomctl_item_unref(item);
    WAIT_UNTIL(p->in_flight < WINDOW, 20000);
}

static void soak_restart(pipeline *p, roomctl_bus *mod)
{
    WAIT_UNTIL(p->in_flight == 0, 20000);
    faults_kill_server();
    faults_settle(200);
    faults_restart_server();
    WAIT_UNTIL(roomctl_bus_is_connected(mod), 20000);
}

static void test_soak(void **state)
{
    guint agents = env_uint("ROOMCTL_SOAK_AGENTS", 50);
    guint items = env_uint("ROOMCTL_SOAK_ITEMS", 2000);
    guint seconds = env_uint("ROOMCTL_SOAK_SECONDS", 120);
    guint restarts_wanted = env_uint("ROOMCTL_SOAK_RESTARTS", 1);
    /* Under the node's 256 items.  Prosody rewrites a persistent node's
     * items on each publish: more keys make the server the bottleneck. */
    guint keys = MIN(env_uint("ROOMCTL_SOAK_KEYS", 40), 200);
    gint64 start = g_get_monotonic_time();
    g_autofree char *room = faults_room("soak");
    roomctl_bus *mod = faults_bus(FAULTS_MODERATOR, faults_server_port());
    roomctl_bus **bus = g_new0(roomctl_bus *, agents);
    mirror **m = g_new0(mirror *, agents);
    for (guint i = 0; i < agents; i++) {
        /* One thread logs all of them in again after a cut (SCRAM's key
         * stretching, some 20 ms each): give the logins time. */
        bus[i] = faults_bus_timeout("soak", faults_proxy_port(), 15000);
        m[i] = mirror_new();
        roomctl_bus_join(bus[i], room, &mirror_callbacks, m[i], mirror_free);
    }
    g_autoptr(GRand) rng = g_rand_new_with_seed(env_uint("ROOMCTL_SOAK_SEED", 42));
    pipeline p = { 0 };
    guint cuts = 0, cut_links = 0, stalls = 0, restarts = 0;
    /* ROOMCTL_SOAK_FAULTS=0: no cuts or stalls, to measure the rest. */
    guint fault_every = env_uint("ROOMCTL_SOAK_FAULTS", 1) ? MAX(items / 12, 20) : G_MAXUINT;
    guint next_fault = fault_every;
    gint64 publish_end = start + (gint64)seconds * G_USEC_PER_SEC;
    while (p.taken + p.in_flight < items && g_get_monotonic_time() < publish_end) {
        soak_change(&p, mod, room, rng, keys);
        if (p.taken < next_fault)
            continue;
        next_fault = p.taken + fault_every;
        guint what = (guint)g_rand_int_range(rng, 0, 10);
        if (what == 0 && restarts < restarts_wanted) {
            soak_restart(&p, mod);
            restarts++;
        } else if (what < 3) {
            /* Shorter than these clients' keepalive and ping timeout: the
             * link freezes and thaws under them (test_cut_and_stall has
             * stalls that the keepalive notices). */
            rc_tcp_proxy_stall(ff.proxy, TRUE);
            gint64 until = g_get_monotonic_time() + 2000 * G_TIME_SPAN_MILLISECOND;
            while (g_get_monotonic_time() < until)
                soak_change(&p, mod, room, rng, keys);
            rc_tcp_proxy_stall(ff.proxy, FALSE);
            stalls++;
        } else {
            cut_links += rc_tcp_proxy_cut(ff.proxy);
            cuts++;
        }
    }
    /* At least the wanted restarts, even in a short run. */
    for (; restarts < restarts_wanted; restarts++) {
        soak_restart(&p, mod);
        for (int n = 0; n < 20; n++)
            soak_change(&p, mod, room, rng, keys);
    }
    WAIT_UNTIL(p.in_flight == 0, 20000);
    gint64 publish_done = g_get_monotonic_time();
    guint checked = 0;
    guint wrong = converge(mod, room, m, agents, 90, &checked);
    guint reapplied = 0, reconnects = 0, resumed = 0, keepalive = 0;
    for (guint i = 0; i < agents; i++) {
        roomctl_bus_stats st;
        roomctl_bus_get_stats(bus[i], &st);
        reapplied += m[i]->reapplied;
        reconnects += st.reconnects;
        resumed += st.resumed;
        keepalive += st.keepalive_timeouts;
    }
    g_autoptr(GPtrArray) node = faults_node_state(mod, room);
    gint64 end = g_get_monotonic_time();
    printf("soak: agents %u, items %u (%u retractions; %u refused during outages), "
           "cuts %u (%u links), stalls %u, restarts %u, reconnects %u (%u resumed, "
           "%u after a keepalive timeout), node keys %u, keys checked %u, keys wrong %u, "
           "re-applied unchanged %u; publishing %.1f s, converged %.1f s later, "
           "total %.1f s\n",
           agents, p.taken, p.retracts, p.refused, cuts, cut_links, stalls, restarts,
           reconnects, resumed, keepalive, node->len, checked, wrong, reapplied,
           (publish_done - start) / 1e6, (end - publish_done) / 1e6, (end - start) / 1e6);
    fflush(stdout);
    for (guint i = 0; i < agents; i++)
        roomctl_bus_free(bus[i]);
    g_free(bus);
    g_free(m);
    roomctl_bus_free(mod);
    assert_int_equal(wrong, 0);
    assert_int_equal(reapplied, 0);
}

FAULTS_GROUP_FUNCTIONS(accounts)

int main(int argc, char **argv)
{
    g_log_set_always_fatal(G_LOG_LEVEL_ERROR);
    roomctl_set_log_level(g_getenv("RC_TEST_DEBUG") ? ROOMCTL_LOG_DEBUG : g_getenv("RC_TEST_VERBOSE") ? ROOMCTL_LOG_INFO : ROOMCTL_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_publish_during_outage),
        cmocka_unit_test(test_cut_and_stall),
        cmocka_unit_test(test_server_killed_while_publishing),
        cmocka_unit_test(test_agent_restart),
        cmocka_unit_test(test_plugin_faults),
        cmocka_unit_test(test_soak),
    };
    /* `test_faults NAME` runs one test (cmocka's filter). */
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("faults", tests, group_setup, group_teardown);
}

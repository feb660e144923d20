/* rc-bench-roomctl: the fan-out workload through libroomctl.  N buses (one
 * XMPP connection each) in one GMainContext join the room with
 * roomctl_bus_join_host(): every item is decoded, validated against the
 * schema registry and dispatched to the bench-record plugin, which times its
 * arrival (rc_bench_record below).  Same protocol and figures as
 * rc-bench-baseline (see baseline.c, bench_stats.h).
 *
 *   rc-bench-roomctl --jid DOMAIN|JID [--password PW] --room ROOM -n N
 *                    --plugin-dir DIR --schemas DIR [--host H] [--port P]
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <roomctl/roomctl.h>

#include "bench_opts.h"
#include "bench_stats.h"

typedef struct bench {
    rc_bench_opts opts;
    GMainLoop *loop;
    rc_bench_stats stats;
    int64_t start_ns;
    int64_t expect_ns;      /* when "expect" came; 0 between phases */
    GPtrArray *buses;       /* roomctl_bus*, owned */
    GPtrArray *rooms;       /* roomctl_room*, owned by their bus */
    gboolean ready;
    gboolean stopping;      /* the buses are being freed: losses are ours */
    guint failed;
    GString *line;
} bench;

/* The plugin's view of this process: one benchmark per process. */
static bench *the_bench;

static void end_phase(bench *b)
{
    rc_bench_stats_end(&b->stats);
    rc_bench_stats_print(&b->stats, stdout, "roomctl", b->opts.subscribers);
    rc_bench_stats_next(&b->stats);
    b->expect_ns = 0;
}

/* Called by the bench-record plugin with each item's text. */
void rc_bench_record(const char *payload);
void rc_bench_record(const char *payload)
{
    bench *b = the_bench;
    rc_bench_stats_event(&b->stats, payload);
    if (b->expect_ns && rc_bench_stats_done(&b->stats))
        end_phase(b);
}

static void fail(bench *b, const char *what, const GError *error)
{
    fprintf(stderr, "rc-bench-roomctl: %s: %s\n", what, error ? error->message : "?");
    b->failed++;
    g_main_loop_quit(b->loop);
}

static void on_connected(roomctl_bus *bus, const GError *error, void *data)
{
    if (error)
        fail(data, "connect", error);
}

static void on_status(roomctl_bus *bus, gboolean connected, const GError *error, void *data)
{
    bench *b = data;
    if (!connected && !b->stopping)
        fail(b, "connection lost", error);
}

static gboolean on_stdin(gint fd, GIOCondition condition, gpointer data)
{
    bench *b = data;
    char buf[256];
    ssize_t got = read(fd, buf, sizeof buf);
    if (got <= 0) {
        g_main_loop_quit(b->loop);
        return G_SOURCE_REMOVE;
    }
    for (ssize_t i = 0; i < got; i++) {
        if (buf[i] != '\n') {
            g_string_append_c(b->line, buf[i]);
            continue;
        }
        long k = rc_bench_parse_expect(b->line->str);
        if (k >= 0) {
            b->stats.expected = (uint64_t)k * b->opts.subscribers;
            b->expect_ns = rc_bench_now_ns();
            if (rc_bench_stats_done(&b->stats))
                end_phase(b);
        }
        g_string_truncate(b->line, 0);
    }
    return G_SOURCE_CONTINUE;
}

/* Every 100 ms: are all rooms synced yet; has the phase gone quiet.  Not
 * more often: each wakeup of the context walks all its sources (two per
 * bus), which at 1,000 buses would be the harness's cost, not the bus's. */
static gboolean on_tick(gpointer data)
{
    bench *b = data;
    int64_t now = rc_bench_now_ns();
    if (!b->ready) {
        guint synced = 0;
        for (guint i = 0; i < b->rooms->len; i++)
            synced += roomctl_room_is_synced(g_ptr_array_index(b->rooms, i));
        if (synced == b->rooms->len) {
            b->ready = TRUE;
            rc_bench_stats_ready(&b->stats, b->start_ns);
            printf("ready\n");
            fflush(stdout);
        }
    }
    int64_t quiet_since = MAX(b->stats.last_rx_ns, b->expect_ns);
    if (b->expect_ns && now - quiet_since > (int64_t)(b->opts.idle * 1e9))
        end_phase(b);
    if (now - b->start_ns > (int64_t)(b->opts.timeout * 1e9)) {
        fprintf(stderr, "rc-bench-roomctl: time limit reached\n");
        g_main_loop_quit(b->loop);
    }
    return G_SOURCE_CONTINUE;
}

static roomctl_host *make_host(const rc_bench_opts *opts, const roomctl_registry *registry)
{
    GError *error = NULL;
    roomctl_host *host = roomctl_host_new(registry);
    if (!roomctl_host_add_plugin_dir(host, opts->plugin_dir, &error) ||
        !roomctl_host_load(host, "bench-record", NULL, &error))
        g_error("rc-bench-roomctl: %s", error->message);
    return host;
}

int main(int argc, char **argv)
{
    bench b = { 0 };
    the_bench = &b;
    rc_bench_opts_parse(&b.opts, argc, argv,
                        "--jid DOMAIN|JID [--password PW] --room ROOM [-n N] --plugin-dir DIR "
                        "--schemas DIR [--host H] [--port P] [--pubsub SERVICE] [--idle S]");
    if (!b.opts.room || !b.opts.plugin_dir || !b.opts.schemas) {
        fprintf(stderr, "rc-bench-roomctl: --room, --plugin-dir and --schemas are required\n");
        return 2;
    }
    rc_bench_stats_init(&b.stats);
    b.start_ns = rc_bench_now_ns();
    b.line = g_string_new(NULL);
    b.loop = g_main_loop_new(NULL, FALSE);

    GError *error = NULL;
    roomctl_registry *registry = roomctl_registry_new();
    if (!roomctl_registry_load_dir(registry, b.opts.schemas, &error))
        g_error("rc-bench-roomctl: %s", error->message);
    roomctl_host *host = make_host(&b.opts, registry);

    roomctl_bus_options options = {
        .jid = b.opts.jid, .password = b.opts.password, .host = b.opts.host,
        .port = b.opts.port, .pubsub_service = b.opts.pubsub, .allow_plaintext = TRUE,
        /* 1,000 buses logging in at once on a loaded machine take longer than
         * a client's usual bound: the driver's --connect-timeout decides. */
        .request_timeout_ms = 600000,
        /* Under callgrind time runs some 50 times slower: the anti-entropy
         * timer (60 s) would fire in every load phase at 1,000 buses, an
         * items fetch per bus that the bare client never makes.  The
         * driver switches it off there, to count the per-event path. */
        .reconcile_ms = g_getenv("RC_BENCH_NO_RECONCILE") ? G_MAXUINT : 0,
    };
    b.buses = g_ptr_array_new_with_free_func((GDestroyNotify)roomctl_bus_free);
    b.rooms = g_ptr_array_new();
    for (unsigned i = 0; i < b.opts.subscribers; i++) {
        roomctl_bus *bus = roomctl_bus_new(&options, registry, NULL);
        g_ptr_array_add(b.buses, bus);
        roomctl_bus_set_status_callback(bus, on_status, &b);
        g_ptr_array_add(b.rooms, roomctl_bus_join_host(bus, b.opts.room, host));
        roomctl_bus_connect(bus, on_connected, &b);
    }
    g_unix_fd_add(STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, &b);
    g_timeout_add(100, on_tick, &b);
    g_main_loop_run(b.loop);

    /* Leave as a client would: disconnect every bus, unload the plugin. */
    b.stopping = TRUE;
    g_ptr_array_unref(b.rooms);
    g_ptr_array_unref(b.buses);
    roomctl_host_free(host);
    roomctl_registry_free(registry);
    g_main_loop_unref(b.loop);
    g_string_free(b.line, TRUE);
    return b.failed ? 1 : 0;
}

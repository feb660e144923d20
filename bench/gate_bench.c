/* rc-bench-gate: what the gate costs (issue 12).  One Prosody (the test
 * harness, memory PubSub, roomctl-gate as its component), N subscriber buses
 * (SASL ANONYMOUS) in one GMainContext following two rooms: "direct", whose
 * node the owner publishes to, and "gated", whose node only the gate
 * publishes to.  For each N:
 *   - paced latency: one publish in flight, from the send to each
 *     subscriber's item callback, direct and through the gate (p50, p99);
 *   - throughput: requests/s one gate answers with 32 requests in flight,
 *     and publishes/s direct with 32 in flight, for the same time.
 *
 *   rc-bench-gate --gate-bin PATH --schemas DIR --extra-config FILE
 *                 [--ns 10,100] [--samples 200] [--seconds 3]
 * Prints a table, then one JSON line per N.  Not a test: figures only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "bus_private.h"
#include "codec.h"
#include "gate_client.h"
#include "muc_admin.h"
#include "prosody.h"

#define SECRET "bench-gate-secret"
#define WINDOW 32

typedef struct {
    GArray *direct, *gated; /* gint64 ns, per room, of the phase being measured */
    guint64 delivered;
    gboolean timing;        /* the paced phase: deliveries are timed */
} sink;

/* The gate dies with the benchmark, however it ends. */
static void die_with_parent(gpointer unused) { prctl(PR_SET_PDEATHSIG, SIGTERM); }

static gint64 now_ns(void) { return g_get_monotonic_time() * 1000; }

static void on_item(roomctl_room *room, const roomctl_item *item, void *data)
{
    sink *s = data;
    const char *text = NULL;
    if (roomctl_item_is_replay(item) || !s->timing ||
        roomctl_item_get_string(item, "text", &text) != ROOMCTL_PLUGIN_OK)
        return;
    gint64 sent = g_ascii_strtoll(text, NULL, 10);
    gint64 latency = now_ns() - sent;
    g_array_append_val(g_str_has_prefix(roomctl_room_jid(room), "gated@") ? s->gated : s->direct,
                       latency);
    s->delivered++;
}

static int by_value(gconstpointer a, gconstpointer b)
{
    gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
    return (x > y) - (x < y);
}

static double percentile_ms(GArray *values, double p)
{
    if (!values->len)
        return -1;
    g_array_sort(values, by_value);
    guint i = (guint)(p * (values->len - 1) + 0.5);
    return g_array_index(values, gint64, i) / 1e6;
}

static void die(const char *what, const GError *error)
{
    fprintf(stderr, "rc-bench-gate: %s: %s\n", what, error ? error->message : "failed");
    exit(1);
}

static roomctl_bus *connect_bus(const char *jid, const char *password, guint16 port,
                                const roomctl_registry *registry)
{
    roomctl_bus_options options = {
        .jid = jid, .password = password, .host = "127.0.0.1", .port = port,
        .pubsub_service = RC_PROSODY_PUBSUB, .allow_plaintext = TRUE,
        .request_timeout_ms = 30000,
    };
    roomctl_bus *bus = roomctl_bus_new(&options, registry, NULL);
    GError *error = NULL;
    if (!roomctl_bus_connect_sync(bus, &error))
        die(jid, error);
    return bus;
}

static roomctl_item *notice(const roomctl_registry *registry)
{
    g_autofree char *text = g_strdup_printf("%" G_GINT64_FORMAT, now_ns());
    const char *assignments[] = { NULL, NULL };
    g_autofree char *a = g_strconcat("text=", text, NULL);
    assignments[0] = a;
    GError *error = NULL;
    roomctl_item *item = roomctl_item_new_from_assignments(registry, "room.notice",
                                                           assignments, &error);
    if (!item)
        die("room.notice", error);
    return item;
}

/* Iterate until @s has @count deliveries or @ms passed. */
static void wait_delivered(sink *s, guint64 count, guint ms)
{
    gint64 end = g_get_monotonic_time() + ms * 1000;
    while (s->delivered < count && g_get_monotonic_time() < end)
        g_main_context_iteration(NULL, FALSE) || (g_usleep(100), TRUE);
}

typedef struct {
    roomctl_bus *bus;
    const roomctl_registry *registry;
    const char *room;
    gboolean gated;
    guint in_flight;
    guint64 answered, failed;
    gint64 end;
} load;

static void send_one(load *l);

static void answered(load *l, gboolean ok)
{
    l->in_flight--;
    if (ok)
        l->answered++;
    else
        l->failed++;
    if (g_get_monotonic_time() < l->end)
        send_one(l);
}

static void on_answer(rc_conn *conn, xmpp_stanza_t *reply, const GError *error, void *data)
{
    answered(data, reply && !g_strcmp0(xmpp_stanza_get_type(reply), "result"));
}

static void on_published(roomctl_bus *bus, const GError *error, void *data)
{
    answered(data, error == NULL);
}

static void send_one(load *l)
{
    roomctl_item *item = notice(l->registry);
    l->in_flight++;
    if (!l->gated) {
        roomctl_bus_publish(l->bus, l->room, item, on_published, l);
    } else {
        xmpp_ctx_t *ctx = rc_bus_ctx(l->bus);
        xmpp_stanza_t *control = rc_item_encode_stanza(item, ctx);
        xmpp_stanza_t *iq = rc_gate_request_new(ctx, RC_PROSODY_GATE, RC_GATE_PUBLISH, l->room,
                                                NULL, control);
        xmpp_stanza_release(control);
        rc_conn_send_iq(l->bus->conn, iq, 30000, on_answer, l);
        xmpp_stanza_release(iq);
    }
    roomctl_item_unref(item);
}

/* Requests (or publishes) answered per second with WINDOW in flight. */
static double throughput(roomctl_bus *bus, const roomctl_registry *registry, const char *room,
                         gboolean gated, double seconds, guint64 *failed)
{
    load l = { bus, registry, room, gated, 0, 0, 0,
               g_get_monotonic_time() + (gint64)(seconds * 1e6) };
    gint64 start = g_get_monotonic_time();
    for (int i = 0; i < WINDOW; i++)
        send_one(&l);
    while (l.in_flight)
        g_main_context_iteration(NULL, TRUE);
    *failed = l.failed;
    return l.answered / ((g_get_monotonic_time() - start) / 1e6);
}

/* One paced publish to @room (direct or through the gate), then wait until
 * its @n deliveries came. */
static void paced_one(roomctl_bus *bus, const roomctl_registry *registry, const char *room,
                      gboolean gated, sink *s, guint n)
{
    guint64 want = s->delivered + n;
    roomctl_item *item = notice(registry);
    GError *error = NULL;
    gboolean ok;
    if (gated) {
        xmpp_stanza_t *control = rc_item_encode_stanza(item, rc_bus_ctx(bus));
        ok = rc_gate_send_sync(bus, RC_PROSODY_GATE, RC_GATE_PUBLISH, room, control, NULL,
                               NULL, &error);
        xmpp_stanza_release(control);
    } else {
        ok = roomctl_bus_publish_sync(bus, room, item, &error);
    }
    roomctl_item_unref(item);
    if (!ok)
        die(gated ? "publish through the gate" : "publish", error);
    wait_delivered(s, want, 10000);
    if (s->delivered < want) {
        fprintf(stderr, "rc-bench-gate: a publish to %s reached %" G_GUINT64_FORMAT " of %u "
                "subscribers within 10 s\n", room, n - (want - s->delivered), n);
        exit(1);
    }
}

/* CPU seconds @pid has used (user + system), from /proc. */
static double cpu_seconds(GPid pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    const char *after = strrchr(text, ')');
    g_auto(GStrv) f = g_strsplit(after ? after + 2 : text, " ", -1);
    if (g_strv_length(f) < 13)
        return 0;
    /* utime and stime: fields 14 and 15 of stat, 12 and 13 after the name. */
    return (g_ascii_strtod(f[11], NULL) + g_ascii_strtod(f[12], NULL)) / sysconf(_SC_CLK_TCK);
}

int main(int argc, char **argv)
{
    g_autofree char *gate_bin = NULL, *schemas = NULL, *extra_file = NULL, *ns_text = NULL;
    gint samples = 200;
    gdouble seconds = 3;
    GOptionEntry entries[] = {
        { "gate-bin", 0, 0, G_OPTION_ARG_FILENAME, &gate_bin, "roomctl-gate", "PATH" },
        { "schemas", 0, 0, G_OPTION_ARG_FILENAME, &schemas, "Schema folder", "DIR" },
        { "extra-config", 0, 0, G_OPTION_ARG_FILENAME, &extra_file,
          "bench/prosody-extra.cfg.lua", "FILE" },
        { "ns", 0, 0, G_OPTION_ARG_STRING, &ns_text, "Subscriber counts (10,100)", "N,N" },
        { "samples", 0, 0, G_OPTION_ARG_INT, &samples, "Paced publishes per path", "K" },
        { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Each throughput phase", "S" },
        { NULL }
    };
    GOptionContext *context = g_option_context_new("- the gate's latency and throughput");
    g_option_context_add_main_entries(context, entries, NULL);
    GError *error = NULL;
    if (!g_option_context_parse(context, &argc, &argv, &error) || !gate_bin || !schemas ||
        !extra_file) {
        fprintf(stderr, "rc-bench-gate: --gate-bin, --schemas and --extra-config are needed\n");
        return 2;
    }
    g_option_context_free(context);
    roomctl_set_log_level(ROOMCTL_LOG_WARNING);
    g_autofree char *extra = NULL;
    if (!g_file_get_contents(extra_file, &extra, NULL, &error))
        die(extra_file, error);
    roomctl_registry *registry = roomctl_registry_new();
    if (!roomctl_registry_load_dir(registry, schemas, &error))
        die(schemas, error);

    /* The server, the owner, the two rooms, the gate. */
    static const char *const admins[] = { "owner", NULL };
    rc_prosody_options options = { .gate_secret = SECRET, .pubsub_admins = admins,
                                   .pubsub_max_items = 1000, .extra_config = extra };
    rc_prosody *server = rc_prosody_start(&options, &error);
    if (!server || !rc_prosody_add_account(server, "owner", "pw-owner", &error))
        die("prosody", error);
    guint16 port = rc_prosody_port(server);
    roomctl_bus *owner = connect_bus("owner@" RC_PROSODY_DOMAIN, "pw-owner", port, registry);
    const char *direct = "direct@" RC_PROSODY_MUC, *gated = "gated@" RC_PROSODY_MUC;
    roomctl_room_info *info = roomctl_bus_room_create_sync(owner, direct, ROOMCTL_ACCESS_OPEN,
                                                           &error);
    if (!info)
        die("node of the direct room", error);
    roomctl_room_info_free(info);
    gboolean created = FALSE;
    if (!rc_muc_join_sync(owner, gated, "owner", NULL, &created, &error) ||
        (created && !rc_muc_configure_instant_sync(owner, gated, &error)) ||
        !rc_muc_set_affiliation_sync(owner, gated, RC_PROSODY_GATE, RC_MUC_ADMIN, &error))
        die("the gated room", error);
    g_autofree char *dir = g_strdup(rc_prosody_dir(server));
    g_autofree char *secret = g_build_filename(dir, "gate.secret", NULL);
    g_autofree char *config = g_build_filename(dir, "gate.yaml", NULL);
    g_autofree char *log = g_build_filename(dir, "gate.log", NULL);
    g_autofree char *schemas_abs = g_canonicalize_filename(schemas, NULL);
    g_file_set_contents(secret, SECRET, -1, NULL);
    g_chmod(secret, 0600);
    g_autofree char *yaml = g_strdup_printf(
        "account: {jid: %s, password_file: %s}\n"
        "server: {host: 127.0.0.1, port: %u, pubsub_service: %s, local_test_server: true}\n"
        "rooms: [%s]\nschema_dirs: [%s]\nlog_level: warning\n",
        RC_PROSODY_GATE, secret, rc_prosody_component_port(server), RC_PROSODY_PUBSUB, gated,
        schemas_abs);
    g_file_set_contents(config, yaml, -1, NULL);
    g_autofree char *cmd = g_strdup_printf("exec '%s' --config '%s' 2>'%s'", gate_bin, config,
                                           log);
    const char *gate_argv[] = { "/bin/sh", "-c", cmd, NULL };
    GPid gate_pid;
    if (!g_spawn_async(NULL, (char **)gate_argv, NULL, G_SPAWN_DEFAULT, die_with_parent, NULL,
                       &gate_pid,
                       &error))
        die("roomctl-gate", error);
    fprintf(stderr, "rc-bench-gate: server on %u, gate starting\n", port);
    /* Ready when a request of the owner is served. */
    gint64 end = g_get_monotonic_time() + 20 * G_TIME_SPAN_SECOND;
    for (;;) {
        roomctl_item *item = notice(registry);
        xmpp_stanza_t *control = rc_item_encode_stanza(item, rc_bus_ctx(owner));
        g_clear_error(&error);
        gboolean ok = rc_gate_send_sync(owner, RC_PROSODY_GATE, RC_GATE_PUBLISH, gated, control,
                                        NULL, NULL, &error);
        xmpp_stanza_release(control);
        roomctl_item_unref(item);
        if (ok)
            break;
        if (g_get_monotonic_time() > end) {
            g_autofree char *text = NULL;
            g_file_get_contents(log, &text, NULL, NULL);
            fprintf(stderr, "roomctl-gate's log:\n%s\n", text ? text : "(none)");
            die("the gate never served", error);
        }
        g_usleep(200000);
    }

    printf("%-5s %-9s %9s %9s %12s\n", "N", "path", "p50 ms", "p99 ms", "per second");
    g_auto(GStrv) ns = g_strsplit(ns_text ? ns_text : "10,100", ",", -1);
    GPtrArray *subscribers = g_ptr_array_new();
    sink s = { g_array_new(FALSE, FALSE, sizeof(gint64)),
               g_array_new(FALSE, FALSE, sizeof(gint64)), 0, FALSE };
    roomctl_room_callbacks callbacks = { .item = on_item };
    for (char **n_text = ns; *n_text; n_text++) {
        guint n = (guint)atoi(*n_text);
        fprintf(stderr, "rc-bench-gate: gate ready; connecting %u subscribers\n", n);
        while (subscribers->len < n) {
            roomctl_bus *bus = connect_bus("anon.localhost", NULL, port, registry);
            roomctl_bus_join(bus, direct, &callbacks, &s, NULL);
            roomctl_bus_join(bus, gated, &callbacks, &s, NULL);
            g_ptr_array_add(subscribers, bus);
        }
        /* Every room of every bus synced. */
        for (guint i = 0; i < 100; i++)
            g_main_context_iteration(NULL, FALSE);
        g_usleep(500000);
        while (g_main_context_iteration(NULL, FALSE))
            ;
        fprintf(stderr, "rc-bench-gate: %u subscribers joined\n", n);
        /* Paced, alternating direct and gated so that both see the same load. */
        g_array_set_size(s.direct, 0);
        g_array_set_size(s.gated, 0);
        s.timing = TRUE;
        for (gint i = 0; i < samples; i++) {
            paced_one(owner, registry, direct, FALSE, &s, n);
            paced_one(owner, registry, gated, TRUE, &s, n);
        }
        s.timing = FALSE; /* throughput phases: deliveries are not timed */
        double d50 = percentile_ms(s.direct, 0.50), d99 = percentile_ms(s.direct, 0.99);
        double g50 = percentile_ms(s.gated, 0.50), g99 = percentile_ms(s.gated, 0.99);
        guint64 direct_failed = 0, gate_failed = 0;
        double direct_rate = throughput(owner, registry, direct, FALSE, seconds, &direct_failed);
        double gate_cpu = cpu_seconds(gate_pid);
        gint64 gate_t0 = g_get_monotonic_time();
        double gate_rate = throughput(owner, registry, gated, TRUE, seconds, &gate_failed);
        double gate_requests = gate_rate * (g_get_monotonic_time() - gate_t0) / 1e6;
        double gate_us_per_request = gate_requests > 0
            ? (cpu_seconds(gate_pid) - gate_cpu) * 1e6 / gate_requests : -1;
        /* Let the fan-out of the load drain before the next N. */
        gint64 drain = g_get_monotonic_time() + 3 * G_TIME_SPAN_SECOND;
        while (g_get_monotonic_time() < drain)
            g_main_context_iteration(NULL, FALSE) || (g_usleep(1000), TRUE);
        printf("%-5u %-9s %9.2f %9.2f %12.0f\n", n, "direct", d50, d99, direct_rate);
        printf("%-5u %-9s %9.2f %9.2f %12.0f   gate CPU %.0f us/request\n", n, "gate", g50, g99,
               gate_rate, gate_us_per_request);
        printf("{\"n\":%u,\"direct_p50_ms\":%.3f,\"direct_p99_ms\":%.3f,\"gate_p50_ms\":%.3f,"
               "\"gate_p99_ms\":%.3f,\"gate_p99_over_direct_ms\":%.3f,"
               "\"direct_publishes_per_s\":%.0f,\"gate_requests_per_s\":%.0f,"
               "\"gate_cpu_us_per_request\":%.1f,"
               "\"direct_failed\":%" G_GUINT64_FORMAT ",\"gate_failed\":%" G_GUINT64_FORMAT
               ",\"samples\":%d}\n",
               n, d50, d99, g50, g99, g99 - d99, direct_rate, gate_rate, gate_us_per_request,
               direct_failed,
               gate_failed, samples);
        fflush(stdout);
    }
    for (guint i = 0; i < subscribers->len; i++)
        roomctl_bus_free(g_ptr_array_index(subscribers, i));
    g_ptr_array_free(subscribers, TRUE);
    roomctl_bus_free(owner);
    kill(gate_pid, SIGTERM);
    g_spawn_close_pid(gate_pid);
    rc_prosody_free(server);
    roomctl_registry_free(registry);
    g_array_free(s.direct, TRUE);
    g_array_free(s.gated, TRUE);
    return 0;
}

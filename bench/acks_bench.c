/* rc-bench-acks: acknowledgements at scale (issue 13).  One Prosody (the test
 * harness's) with roomctl-gate as its component; N receivers (anonymous
 * libroomctl buses in this process, each with the gate set and the
 * bench-record plugin, which applies every item) follow one room; a
 * moderator publishes through the gate with <track/> and waits for the
 * summary.  Prints, for N = 10, 100, 1000: the time from the request to the
 * complete summary, the stanzas the moderator received per item, and the
 * gate's CPU per acknowledgement.  Not a timed test: figures, no verdict.
 *
 *   rc-bench-acks GATE_BIN SCHEMA_DIR PLUGIN_DIR [N...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/resource.h>

#include <glib/gstdio.h>
#include <roomctl/roomctl.h>

#include "ack_proto.h"
#include "codec.h"
#include "gate_client.h"
#include "muc_admin.h"
#include "prosody.h"

#define SECRET "bench-gate-secret"
#define GATE RC_PROSODY_GATE
#define BATCH 50            /* receivers connecting at once */

/* Prosody's sockets use Nagle's algorithm by default: the gate's component
 * link then holds each small stanza until the last one is acknowledged,
 * about 40 ms (delayed ACK).  RC_BENCH_NAGLE=1 keeps the default. */
static const char extra_config_nagle[] =
    "Host \"*\"\n"
    "  network_settings = { tcp_backlog = 1024 }\n"
    "  modules_disabled = { \"s2s\"; \"smacks\" }\n"
    "VirtualHost \"anon.localhost\"\n"
    "  authentication = \"anonymous\"\n";
static const char extra_config[] =
    "Host \"*\"\n"
    "  network_settings = { tcp_backlog = 1024; nagle = false }\n"
    "  modules_disabled = { \"s2s\"; \"smacks\" }\n"
    "VirtualHost \"anon.localhost\"\n"
    "  authentication = \"anonymous\"\n";

typedef struct {
    rc_prosody *server;
    roomctl_registry *registry;
    roomctl_host *host;
    roomctl_bus *owner;
    char *room;
    GPid gate;
    char *gate_log;
    GPtrArray *receivers;     /* roomctl_bus * */
    GPtrArray *rooms;         /* roomctl_room * */
    /* The round in flight. */
    guint stanzas;            /* progress and summaries for the moderator */
    gint64 summary_at;
    rc_ack_report *summary;
} bench;

static void die(const char *what, const GError *error)
{
    fprintf(stderr, "rc-bench-acks: %s: %s\n", what, error ? error->message : "failed");
    exit(1);
}

static void iterate_until(gboolean (*done)(bench *), bench *b, double seconds, const char *what)
{
    gint64 end = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);
    while (!done(b)) {
        if (g_get_monotonic_time() > end)
            die(what, NULL);
        if (!g_main_context_iteration(NULL, FALSE))
            g_usleep(500);
    }
}

/* ---- The gate ------------------------------------------------------------------- */

static gboolean gate_serving(bench *b)
{
    g_autofree char *log = NULL;
    return g_file_get_contents(b->gate_log, &log, NULL, NULL) &&
           strstr(log, "serving requests") != NULL;
}

static void start_gate(bench *b, const char *gate_bin, const char *schemas)
{
    const char *dir = rc_prosody_dir(b->server);
    g_autofree char *rooms = g_strdup_printf("[%s]", b->room);
    g_autofree char *schema_dirs = g_strdup_printf("[%s]", schemas);
    g_autofree char *config = rc_prosody_write_gate_config(b->server, SECRET, rooms,
                                                           schema_dirs, "info");
    b->gate_log = g_build_filename(dir, "gate.log", NULL);
    g_autofree char *cmd = g_strdup_printf("exec '%s' --config '%s' >'%s' 2>&1", gate_bin,
                                           config, b->gate_log);
    const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
    GError *error = NULL;
    if (!g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                       &b->gate, &error))
        die("starting roomctl-gate", error);
    gint64 end = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    while (!gate_serving(b) && g_get_monotonic_time() < end)
        g_usleep(50000);
    if (!gate_serving(b)) {
        g_autofree char *log = NULL;
        g_file_get_contents(b->gate_log, &log, NULL, NULL);
        fprintf(stderr, "%s\n", log ? log : "(no gate log)");
        die("the gate did not enter the room", NULL);
    }
}

/* The gate's CPU time so far, in ns: /proc/PID/schedstat's first field
 * (nanoseconds on a CPU; /proc/PID/stat counts in 10 ms ticks). */
static gint64 gate_cpu_ns(const bench *b)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/schedstat", b->gate);
    g_autofree char *text = NULL;
    return g_file_get_contents(path, &text, NULL, NULL) ? g_ascii_strtoll(text, NULL, 10) : 0;
}

/* ---- Receivers ------------------------------------------------------------------- */

static guint synced_count(const bench *b)
{
    guint n = 0;
    for (guint i = 0; i < b->rooms->len; i++)
        n += roomctl_room_is_synced(b->rooms->pdata[i]);
    return n;
}

static gboolean all_synced(bench *b) { return synced_count(b) == b->rooms->len; }

static void add_receivers(bench *b, guint n)
{
    roomctl_bus_options options = {
        .jid = "anon.localhost", .host = "127.0.0.1", .port = rc_prosody_port(b->server),
        .pubsub_service = "pubsub.localhost", .allow_plaintext = TRUE,
        .request_timeout_ms = 30000,
    };
    while (b->receivers->len < n) {
        guint batch = MIN(BATCH, n - b->receivers->len);
        for (guint i = 0; i < batch; i++) {
            roomctl_bus *bus = roomctl_bus_new(&options, b->registry, NULL);
            roomctl_bus_set_gate(bus, GATE, b->host);
            roomctl_bus_connect(bus, NULL, NULL);
            g_ptr_array_add(b->receivers, bus);
            g_ptr_array_add(b->rooms, roomctl_bus_join_host(bus, b->room, b->host));
        }
        iterate_until(all_synced, b, 60, "receivers did not join");
    }
}

/* How many clients the gate sees in the room now. */
static guint gate_knows(bench *b)
{
    GError *error = NULL;
    xmpp_stanza_t *iq = rc_status_request_new(rc_bus_ctx(b->owner), GATE, b->room, NULL, 0);
    rc_gate_answer *answer = rc_gate_call_sync(b->owner, GATE, iq, &error);
    xmpp_stanza_release(iq);
    if (!answer)
        die("status", error);
    GPtrArray *clients = rc_status_result_parse(answer->reply, &error);
    rc_gate_answer_free(answer);
    if (!clients)
        die("status", error);
    guint present = 0;
    for (guint i = 0; i < clients->len; i++)
        present += ((rc_client_status *)clients->pdata[i])->present;
    g_ptr_array_unref(clients);
    return present;
}

/* ---- Rounds ------------------------------------------------------------------------ */

static gboolean on_report(roomctl_bus *bus, xmpp_stanza_t *message, void *data)
{
    bench *b = data;
    rc_ack_report *r = rc_ack_report_parse(message, NULL);
    if (!r)
        return FALSE;
    b->stanzas++;
    if (r->final && !b->summary) {
        b->summary = r;
        b->summary_at = g_get_monotonic_time();
    } else {
        rc_ack_report_free(r);
    }
    return TRUE;
}

static gboolean have_summary(bench *b) { return b->summary != NULL; }

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void rounds(bench *b, guint n, guint count)
{
    double *ms = g_new0(double, count);
    guint max_stanzas = 0, all_stanzas = 0, complete = 0;
    gint64 cpu_before = gate_cpu_ns(b);
    double result_ms = 0;
    for (guint r = 0; r < count; r++) {
        g_autofree char *text = g_strdup_printf("round %u of %u clients", r, n);
        const char *fields[] = { g_strdup_printf("text=%s", text), NULL };
        GError *error = NULL;
        roomctl_item *item = roomctl_item_new_from_assignments(b->registry, "room.notice",
                                                               fields, &error);
        g_free((char *)fields[0]);
        if (!item)
            die("item", error);
        xmpp_ctx_t *ctx = rc_bus_ctx(b->owner);
        xmpp_stanza_t *control = rc_item_encode_stanza(item, ctx);
        xmpp_stanza_t *iq = rc_gate_request_new(ctx, GATE, RC_GATE_PUBLISH, b->room, NULL,
                                                control);
        xmpp_stanza_release(control);
        roomctl_item_unref(item);
        rc_track_add(iq, 60, FALSE);
        b->stanzas = 0;
        b->summary = NULL;
        gint64 start = g_get_monotonic_time();
        rc_gate_answer *answer = rc_gate_call_sync(b->owner, GATE, iq, &error);
        xmpp_stanza_release(iq);
        if (!answer || !answer->tracking)
            die("tracked publish", error);
        rc_gate_answer_free(answer);
        result_ms += (g_get_monotonic_time() - start) / 1000.0;
        iterate_until(have_summary, b, 70, "no summary");
        ms[r] = (b->summary_at - start) / 1000.0;
        guint stanzas = b->stanzas + 1; /* and the IQ result */
        all_stanzas += stanzas;
        max_stanzas = MAX(max_stanzas, stanzas);
        complete += b->summary->count[RC_ACK_APPLIED] == n && b->summary->total == n;
        rc_ack_report_free(b->summary);
        b->summary = NULL;
    }
    gint64 cpu = gate_cpu_ns(b) - cpu_before;
    qsort(ms, count, sizeof *ms, cmp_double);
    /* The baseline, measured in the same round: the request's own result
     * (the gate published; PubSub accepted it). */
    printf("%5u  %6u  %11.1f  %9.1f  %9.1f  %9.2fx  %12.1f  %11u  %17.1f  %5u/%u\n", n,
           count, result_ms / count, ms[count / 2], ms[count - 1],
           ms[count / 2] / (result_ms / count), (double)all_stanzas / count, max_stanzas,
           (double)cpu / 1000.0 / ((double)n * count), complete, count);
    fflush(stdout);
    g_free(ms);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: rc-bench-acks GATE_BIN SCHEMA_DIR PLUGIN_DIR [N...]\n");
        return 2;
    }
    struct rlimit nofile;
    if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
        nofile.rlim_cur = nofile.rlim_max;
        setrlimit(RLIMIT_NOFILE, &nofile);
    }
    roomctl_set_log_level(ROOMCTL_LOG_WARNING);
    bench b = { .receivers = g_ptr_array_new(), .rooms = g_ptr_array_new() };
    const char *admins[] = { "owner", NULL };
    rc_prosody_options options = { .gate_secret = SECRET, .pubsub_admins = admins,
                                   .extra_config = g_getenv("RC_BENCH_NAGLE")
                                                       ? extra_config_nagle : extra_config };
    GError *error = NULL;
    if (!(b.server = rc_prosody_start(&options, &error)) ||
        !rc_prosody_add_account(b.server, "owner", "pw-owner", &error))
        die("starting Prosody", error);
    b.registry = roomctl_registry_new();
    if (!roomctl_registry_load_dir(b.registry, argv[2], &error))
        die("schemas", error);
    b.host = roomctl_host_new(b.registry);
    if (!roomctl_host_add_plugin_dir(b.host, argv[3], &error) ||
        !roomctl_host_load(b.host, "bench-record", NULL, &error))
        die("plugin", error);
    b.room = g_strdup("bench@conference.localhost");
    roomctl_bus_options owner = {
        .jid = "owner@localhost", .password = "pw-owner", .host = "127.0.0.1",
        .port = rc_prosody_port(b.server), .pubsub_service = "pubsub.localhost",
        .allow_plaintext = TRUE, .request_timeout_ms = 30000,
    };
    b.owner = roomctl_bus_new(&owner, b.registry, NULL);
    gboolean created = FALSE;
    if (!roomctl_bus_connect_sync(b.owner, &error) ||
        !rc_muc_join_sync(b.owner, b.room, "owner", NULL, &created, &error) ||
        (created && !rc_muc_configure_instant_sync(b.owner, b.room, &error)) ||
        !rc_muc_set_affiliation_sync(b.owner, b.room, GATE, RC_MUC_ADMIN, &error))
        die("making the room", error);
    start_gate(&b, argv[1], argv[2]);
    rc_bus_set_message_hook(b.owner, on_report, &b);

    printf("# publish -> complete summary through roomctl-gate (Prosody, loopback, one "
           "process for all receivers; Prosody nagle = %s)\n",
           g_getenv("RC_BENCH_NAGLE") ? "true (default)" : "false");
    printf("#    N  rounds  result (ms)  p50 (ms)  max (ms)  p50/result  stanzas/item  "
           "max stanzas  gate CPU/ack (us)  complete\n");
    static const guint default_ns[] = { 10, 100, 1000 };
    guint count = argc > 4 ? (guint)(argc - 4) : G_N_ELEMENTS(default_ns);
    for (guint i = 0; i < count; i++) {
        guint n = argc > 4 ? (guint)atoi(argv[4 + i]) : default_ns[i];
        add_receivers(&b, n);
        gint64 end = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
        while (gate_knows(&b) < n && g_get_monotonic_time() < end)
            g_usleep(100000);
        rounds(&b, n, n >= 1000 ? 5 : 10);
    }
    rc_bus_set_message_hook(b.owner, NULL, NULL);
    for (guint i = 0; i < b.receivers->len; i++)
        roomctl_bus_free(b.receivers->pdata[i]);
    roomctl_bus_free(b.owner);
    kill(b.gate, SIGTERM);
    g_spawn_close_pid(b.gate);
    roomctl_host_free(b.host);
    roomctl_registry_free(b.registry);
    rc_prosody_free(b.server);
    return 0;
}

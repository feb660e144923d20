/* rc-bench-latejoin: how long a client joining late takes to have a room's
 * state when the room has many state keys.  A moderator creates the room's
 * node and publishes --max-items (default 1,000) ui.button items with
 * distinct keys; then, several times, a fresh bus connects and we time
 * roomctl_bus_join() until its synced callback, checking that every key was
 * replayed.  Prints "filled" once the room is full (so that a driver can
 * read the server's CPU from then on), then one JSON line, with this
 * process's CPU per join.  Needs a server whose pubsub_max_items allows
 * that many items (rc-test-prosody/rc-test-server --pubsub-max-items).
 *
 *   rc-bench-latejoin --jid MODERATOR --password PW --room ROOM --schemas DIR
 *                     [--max-items KEYS] [--host H] [--port P] [--pubsub S]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <roomctl/roomctl.h>

#include "bench_opts.h"
#include "bench_stats.h"

#define RUNS 7
#define WINDOW 32

typedef struct publishing {
    roomctl_bus *bus;
    const char *room;
    GPtrArray *items;   /* roomctl_item*, to publish in order */
    guint next;
    guint in_flight;
    guint done;
    GError *error;
} publishing;

static void publish_next(publishing *p);

static void on_published(roomctl_bus *bus, const GError *error, void *data)
{
    publishing *p = data;
    p->in_flight--;
    p->done++;
    if (error && !p->error)
        p->error = g_error_copy(error);
    publish_next(p);
}

static void publish_next(publishing *p)
{
    while (p->in_flight < WINDOW && p->next < p->items->len && !p->error) {
        p->in_flight++;
        roomctl_bus_publish(p->bus, p->room, g_ptr_array_index(p->items, p->next++),
                            on_published, p);
    }
}

/* The room's node with @keys ui.button items "b0000", "b0001"… */
static void fill_room(const rc_bench_opts *opts, const roomctl_registry *registry,
                      const roomctl_bus_options *options, guint keys)
{
    GError *error = NULL;
    roomctl_bus *bus = roomctl_bus_new(options, registry, NULL);
    if (!roomctl_bus_connect_sync(bus, &error))
        g_error("rc-bench-latejoin: %s", error->message);
    roomctl_room_info *info = roomctl_bus_room_create_sync(bus, opts->room, ROOMCTL_ACCESS_OPEN,
                                                           &error);
    if (!info)
        g_error("rc-bench-latejoin: %s", error->message);
    roomctl_room_info_free(info);

    publishing p = { .bus = bus, .room = opts->room };
    p.items = g_ptr_array_new_with_free_func((GDestroyNotify)roomctl_item_unref);
    for (guint i = 0; i < keys; i++) {
        g_autofree char *button = g_strdup_printf("button=b%04u", i);
        const char *fields[] = { button, i % 2 ? "enabled=false" : "visible=false", NULL };
        roomctl_item *item = roomctl_item_new_from_assignments(registry, "ui.button", fields,
                                                               &error);
        if (!item)
            g_error("rc-bench-latejoin: %s", error->message);
        g_ptr_array_add(p.items, item);
    }
    publish_next(&p);
    while (p.done < keys && !p.error)
        g_main_context_iteration(NULL, TRUE);
    if (p.error)
        g_error("rc-bench-latejoin: publishing: %s", p.error->message);
    g_ptr_array_unref(p.items);
    roomctl_bus_free(bus);
}

typedef struct joining {
    guint items;
    gboolean synced;
    int64_t synced_ns;
    GError *error;
} joining;

static void on_item(roomctl_room *room, const roomctl_item *item, void *data)
{
    ((joining *)data)->items++;
}

static void on_synced(roomctl_room *room, const GError *error, void *data)
{
    joining *j = data;
    j->synced = TRUE;
    j->synced_ns = rc_bench_now_ns();
    if (error)
        j->error = g_error_copy(error);
}

/* This process's CPU time so far (user and system), in seconds. */
static double cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec +
           (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    rc_bench_opts opts;
    rc_bench_opts_parse(&opts, argc, argv,
                        "--jid JID --password PW --room ROOM --schemas DIR [--max-items KEYS] "
                        "[--host H] [--port P] [--pubsub SERVICE]");
    guint keys = opts.max_items ? opts.max_items : 1000;
    if (!opts.room || !opts.schemas) {
        fprintf(stderr, "rc-bench-latejoin: --room and --schemas are required\n");
        return 2;
    }
    GError *error = NULL;
    roomctl_registry *registry = roomctl_registry_new();
    if (!roomctl_registry_load_dir(registry, opts.schemas, &error))
        g_error("rc-bench-latejoin: %s", error->message);
    roomctl_bus_options options = {
        .jid = opts.jid, .password = opts.password, .host = opts.host, .port = opts.port,
        .pubsub_service = opts.pubsub, .allow_plaintext = TRUE, .request_timeout_ms = 60000,
    };
    fill_room(&opts, registry, &options, keys);
    printf("filled\n");
    fflush(stdout);
    double cpu_start = cpu_seconds();

    double join_ms[RUNS], total_ms[RUNS];
    for (int run = 0; run < RUNS; run++) {
        int64_t start = rc_bench_now_ns();
        roomctl_bus *bus = roomctl_bus_new(&options, registry, NULL);
        if (!roomctl_bus_connect_sync(bus, &error))
            g_error("rc-bench-latejoin: %s", error->message);
        joining j = { 0 };
        roomctl_room_callbacks callbacks = { .item = on_item, .synced = on_synced };
        int64_t join_start = rc_bench_now_ns();
        roomctl_bus_join(bus, opts.room, &callbacks, &j, NULL);
        while (!j.synced)
            g_main_context_iteration(NULL, TRUE);
        if (j.error)
            g_error("rc-bench-latejoin: join: %s", j.error->message);
        if (j.items != keys)
            g_error("rc-bench-latejoin: join replayed %u items, expected %u", j.items, keys);
        join_ms[run] = (j.synced_ns - join_start) / 1e6;
        total_ms[run] = (j.synced_ns - start) / 1e6;
        roomctl_bus_free(bus);
    }
    double cpu_per_join_ms = (cpu_seconds() - cpu_start) * 1000 / RUNS;
    qsort(join_ms, RUNS, sizeof join_ms[0], by_value);
    qsort(total_ms, RUNS, sizeof total_ms[0], by_value);
    printf("{\"keys\": %u, \"runs\": %d, \"join_ms_median\": %.2f, \"join_ms_min\": %.2f, "
           "\"join_ms_max\": %.2f, \"connect_join_ms_median\": %.2f, "
           "\"client_cpu_ms_per_join\": %.1f}\n",
           keys, RUNS, join_ms[RUNS / 2], join_ms[0], join_ms[RUNS - 1], total_ms[RUNS / 2],
           cpu_per_join_ms);
    roomctl_registry_free(registry);
    return 0;
}

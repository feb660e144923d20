/* rc-bench-dispatch: what libroomctl does with each PubSub item a bus
 * receives, in-process and without a server: decode and validate the
 * <control/> element (rc_item_decode_stanza, the codec path of
 * tests/bench_codec.c), record its origin, and dispatch it through
 * roomctl_host_dispatch() to a no-op plugin (bench-record with nobody to
 * record for).  One typical item per shipped schema, from bench/items/.
 * Prints one JSON line per type: items/s of wall time and of this thread's
 * CPU time (= per core).  Never fails on speed.
 *
 *   rc-bench-dispatch --schemas DIR --plugin-dir DIR [--items DIR] [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <roomctl/roomctl.h>
#include "codec.h"

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* What the bus does per item: decode+validate, origin, dispatch, release. */
static void run(const roomctl_registry *registry, roomctl_host *host, xmpp_stanza_t *control,
                const char *item_id, guint rounds)
{
    for (guint i = 0; i < rounds; i++) {
        roomctl_item *item = rc_item_decode_stanza(registry, control, item_id, NULL);
        if (!item)
            g_error("rc-bench-dispatch: a valid item did not decode");
        rc_item_set_origin(item, "room@conference.localhost", "moderator@localhost", FALSE);
        roomctl_host_dispatch(host, item, NULL);
        roomctl_item_unref(item);
    }
}

static void measure(const roomctl_registry *registry, roomctl_host *host, xmpp_ctx_t *ctx,
                    const char *path, guint rounds)
{
    GError *error = NULL;
    roomctl_item *item = roomctl_item_load_yaml(registry, path, &error);
    if (!item)
        g_error("rc-bench-dispatch: %s", error->message);
    /* Parsed as the bus's XML parser would have it. */
    char *xml = roomctl_item_encode_xml(item);
    xmpp_stanza_t *control = xmpp_stanza_new_from_string(ctx, xml);
    const char *id = roomctl_item_is_state(item) ? roomctl_item_id(item) : "event-id-1";
    run(registry, host, control, id, rounds / 10 + 1); /* warm up */
    gint64 start = g_get_monotonic_time();
    double cpu_start = thread_cpu_s();
    run(registry, host, control, id, rounds);
    double cpu = thread_cpu_s() - cpu_start;
    double wall = (g_get_monotonic_time() - start) / (double)G_USEC_PER_SEC;
    printf("{\"type\": \"%s\", \"rounds\": %u, \"items_per_s\": %.0f, "
           "\"items_per_cpu_s\": %.0f, \"ns_per_item\": %.0f, \"bytes\": %zu}\n",
           roomctl_item_type(item), rounds, rounds / wall, rounds / cpu, cpu * 1e9 / rounds,
           strlen(xml));
    xmpp_stanza_release(control);
    g_free(xml);
    roomctl_item_unref(item);
}

int main(int argc, char **argv)
{
    const char *schemas = NULL, *plugin_dir = NULL, *items = NULL;
    guint rounds = 1000000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--schemas") && i + 1 < argc)
            schemas = argv[++i];
        else if (!strcmp(argv[i], "--plugin-dir") && i + 1 < argc)
            plugin_dir = argv[++i];
        else if (!strcmp(argv[i], "--items") && i + 1 < argc)
            items = argv[++i];
        else
            rounds = (guint)g_ascii_strtoull(argv[i], NULL, 10);
    }
    if (!schemas || !plugin_dir || rounds == 0) {
        fprintf(stderr, "usage: %s --schemas DIR --plugin-dir DIR [--items DIR] [ROUNDS]\n",
                argv[0]);
        return 2;
    }
    if (!items)
        items = RC_BENCH_ITEMS; /* the source tree's bench/items */

    GError *error = NULL;
    roomctl_registry *registry = roomctl_registry_new();
    if (!roomctl_registry_load_dir(registry, schemas, &error))
        g_error("rc-bench-dispatch: %s", error->message);
    roomctl_host *host = roomctl_host_new(registry);
    if (!roomctl_host_add_plugin_dir(host, plugin_dir, &error) ||
        !roomctl_host_load(host, "bench-record", NULL, &error))
        g_error("rc-bench-dispatch: %s", error->message);

    xmpp_initialize();
    xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);
    /* Every shipped type, so that a new schema without a sample is noticed. */
    GPtrArray *types = roomctl_registry_list(registry);
    for (guint i = 0; i < types->len; i++) {
        const char *type = roomctl_schema_type(g_ptr_array_index(types, i));
        g_autofree char *name = g_strconcat(type, ".yaml", NULL);
        g_autofree char *path = g_build_filename(items, name, NULL);
        if (g_file_test(path, G_FILE_TEST_EXISTS))
            measure(registry, host, ctx, path, rounds);
        else
            fprintf(stderr, "rc-bench-dispatch: no sample item %s for type %s\n", path, type);
    }
    g_ptr_array_unref(types);
    xmpp_ctx_free(ctx);
    roomctl_host_free(host);
    roomctl_registry_free(registry);
    return 0;
}

/* The bus against a real Prosody: publish-to-delivery latency over plain
 * and TLS connections, and fan-out cost (CPU per delivered event, RSS) with
 * one publisher and ten subscribers in one process.  Prints figures; never
 * fails on speed.  Baseline from docs (bare libstrophe loop): ~15 µs CPU per
 * delivered event, 6.4 MB RSS for 11 connections. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <roomctl/roomctl.h>

#include "prosody.h"
#include "wait.h"

#define LATENCY_ROUNDS 200
#define FANOUT_SUBSCRIBERS 10
#define FANOUT_ITEMS 2000

static rc_prosody *server;
static roomctl_registry *registry;
static gboolean tls;


static roomctl_bus *bus_as(const char *user)
{
    g_autofree char *jid = rc_prosody_jid(user);
    g_autofree char *password = g_strconcat("pw-", user, NULL);
    roomctl_bus_options options = {
        .jid = jid, .password = password, .host = "127.0.0.1",
        .port = rc_prosody_port(server), .allow_plaintext = !tls, .trust_tls = tls,
    };
    roomctl_bus *bus = roomctl_bus_new(&options, registry, NULL);
    g_autoptr(GError) error = NULL;
    if (!roomctl_bus_connect_sync(bus, &error))
        g_error("connect as %s: %s", user, error->message);
    return bus;
}

static roomctl_item *notice(guint i)
{
    g_autofree char *text = g_strdup_printf("text=notice %u", i);
    const char *assignments[] = { text, NULL };
    g_autoptr(GError) error = NULL;
    roomctl_item *item = roomctl_item_new_from_assignments(registry, "room.notice", assignments,
                                                           &error);
    if (!item)
        g_error("notice: %s", error->message);
    return item;
}

static void count_item(roomctl_room *room, const roomctl_item *item, void *counter)
{
    (*(guint *)counter)++;
}

static void check_synced(roomctl_room *room, const GError *error, void *unused)
{
    if (error)
        g_error("join: %s", error->message);
}

static guint sum(const guint *counts, guint n)
{
    guint total = 0;
    for (guint i = 0; i < n; i++)
        total += counts[i];
    return total;
}

static gint64 cpu_us(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (gint64)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec +
           ru.ru_stime.tv_usec;
}

static long rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int compare(const void *a, const void *b)
{
    gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
    return (x > y) - (x < y);
}

static char *make_room(roomctl_bus *owner, const char *name)
{
    char *room = g_strdup_printf("%s@" RC_PROSODY_MUC, name);
    g_autoptr(GError) error = NULL;
    roomctl_room_info *info = roomctl_bus_room_create_sync(owner, room, ROOMCTL_ACCESS_OPEN, &error);
    if (!info)
        g_error("create: %s", error->message);
    roomctl_room_info_free(info);
    return room;
}

static void latency(roomctl_bus *owner, const char *label)
{
    g_autofree char *room = make_room(owner, label);
    roomctl_bus *sub = bus_as("sub0");
    guint received = 0;
    roomctl_room_callbacks cb = { .item = count_item, .synced = check_synced };
    roomctl_room *r = roomctl_bus_join(sub, room, &cb, &received, NULL);
    WAIT_UNTIL(roomctl_room_is_synced(r), 5000);
    gint64 samples[LATENCY_ROUNDS];
    for (guint i = 0; i < LATENCY_ROUNDS; i++) {
        roomctl_item *item = notice(i);
        gint64 start = g_get_monotonic_time();
        roomctl_bus_publish(owner, room, item, NULL, NULL);
        WAIT_UNTIL(received == i + 1, 5000);
        samples[i] = g_get_monotonic_time() - start;
        roomctl_item_unref(item);
    }
    qsort(samples, LATENCY_ROUNDS, sizeof samples[0], compare);
    printf("%-6s publish -> delivery latency: median %" G_GINT64_FORMAT " us, p95 %"
           G_GINT64_FORMAT " us, max %" G_GINT64_FORMAT " us (%u rounds)\n",
           label, samples[LATENCY_ROUNDS / 2], samples[LATENCY_ROUNDS * 95 / 100],
           samples[LATENCY_ROUNDS - 1], LATENCY_ROUNDS);
    roomctl_bus_free(sub);
}

static void fanout(roomctl_bus *owner, const char *label)
{
    g_autofree char *name = g_strconcat(label, "-fanout", NULL);
    g_autofree char *room = make_room(owner, name);
    roomctl_bus *subs[FANOUT_SUBSCRIBERS];
    guint received[FANOUT_SUBSCRIBERS] = { 0 };
    roomctl_room *rooms[FANOUT_SUBSCRIBERS];
    roomctl_room_callbacks cb = { .item = count_item, .synced = check_synced };
    for (guint i = 0; i < FANOUT_SUBSCRIBERS; i++) {
        g_autofree char *user = g_strdup_printf("sub%u", i);
        subs[i] = bus_as(user);
        rooms[i] = roomctl_bus_join(subs[i], room, &cb, &received[i], NULL);
    }
    for (guint i = 0; i < FANOUT_SUBSCRIBERS; i++)
        WAIT_UNTIL(roomctl_room_is_synced(rooms[i]), 5000);
    gint64 cpu0 = cpu_us(), t0 = g_get_monotonic_time();
    for (guint i = 0; i < FANOUT_ITEMS; i++) {
        roomctl_item *item = notice(i);
        roomctl_bus_publish(owner, room, item, NULL, NULL);
        roomctl_item_unref(item);
    }
    WAIT_UNTIL(sum(received, FANOUT_SUBSCRIBERS) == FANOUT_ITEMS * FANOUT_SUBSCRIBERS, 60000);
    guint total = sum(received, FANOUT_SUBSCRIBERS);
    gint64 wall = g_get_monotonic_time() - t0, cpu = cpu_us() - cpu0;
    printf("%-6s fan-out: %u items to %u subscribers: %u delivered in %.2f s "
           "(%.0f events/s), %.1f us CPU per delivered event (publisher + subscribers), "
           "max RSS %.1f MB\n",
           label, FANOUT_ITEMS, FANOUT_SUBSCRIBERS, total, wall / 1e6, total / (wall / 1e6),
           (double)cpu / total, rss_kb() / 1024.0);
    for (guint i = 0; i < FANOUT_SUBSCRIBERS; i++)
        roomctl_bus_free(subs[i]);
}

int main(void)
{
    static const char *const admins[] = { "owner", NULL };
    roomctl_set_log_level(ROOMCTL_LOG_WARNING);
    registry = roomctl_registry_new();
    g_autoptr(GError) error = NULL;
    if (!roomctl_registry_load_dir(registry, g_getenv("ROOMCTL_TEST_SCHEMAS"), &error))
        g_error("schemas: %s", error->message);
    for (int pass = 0; pass < 2; pass++) {
        tls = pass == 1;
        rc_prosody_options options = { .pubsub_admins = admins, .tls = tls };
        server = rc_prosody_start(&options, &error);
        if (!server)
            g_error("prosody: %s", error->message);
        rc_prosody_add_account(server, "owner", "pw-owner", NULL);
        for (guint i = 0; i < FANOUT_SUBSCRIBERS; i++) {
            g_autofree char *user = g_strdup_printf("sub%u", i);
            g_autofree char *password = g_strdup_printf("pw-sub%u", i);
            rc_prosody_add_account(server, user, password, NULL);
        }
        roomctl_bus *owner = bus_as("owner");
        latency(owner, tls ? "tls" : "plain");
        fanout(owner, tls ? "tls" : "plain");
        roomctl_bus_free(owner);
        rc_prosody_free(server);
    }
    roomctl_registry_free(registry);
    return 0;
}

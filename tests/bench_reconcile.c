/* What anti-entropy costs an idle agent: CPU and wall time of one reconcile
 * (an items request for a room of KEYS state keys, nothing changed), against
 * a rejoin of the same room measured in the same run, on the test server
 * ROOMCTL_TEST_SERVER names.  Prints figures; never fails on speed. */
#include <stdio.h>
#include <sys/resource.h>

#include <roomctl/roomctl.h>

#include "server.h"
#include "wait.h"

#define KEYS 50
#define ROUNDS 200

static gint64 cpu_us(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (gint64)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
           (gint64)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
}

static roomctl_bus *bus_as(rc_server *server, roomctl_registry *registry, const char *user)
{
    g_autofree char *jid = rc_server_jid(user);
    g_autofree char *password = g_strconcat("pw-", user, NULL);
    roomctl_bus_options options = {
        .jid = jid, .password = password, .host = "127.0.0.1",
        .port = rc_server_port(server), .allow_plaintext = TRUE, .reconcile_ms = G_MAXUINT,
    };
    roomctl_bus *bus = roomctl_bus_new(&options, registry, NULL);
    g_autoptr(GError) error = NULL;
    if (!roomctl_bus_connect_sync(bus, &error))
        g_error("connect as %s: %s", user, error->message);
    return bus;
}

int main(void)
{
    static const char *const admins[] = { "owner", NULL };
    static const char *const accounts[] = { "owner:pw-owner", "alice:pw-alice", NULL };
    g_autoptr(GError) error = NULL;
    rc_server_options options = { .pubsub_admins = admins };
    rc_server *server = rc_server_start(&options, &error);
    if (!server || !rc_server_add_accounts(server, accounts, &error))
        g_error("server: %s", error->message);
    roomctl_registry *registry = roomctl_registry_new();
    if (!roomctl_registry_load_dir(registry, g_getenv("ROOMCTL_TEST_SCHEMAS"), &error))
        g_error("schemas: %s", error->message);
    roomctl_bus *owner = bus_as(server, registry, "owner");
    const char *room = "bench@" RC_SERVER_MUC;
    roomctl_room_info *info = roomctl_bus_room_create_sync(owner, room, ROOMCTL_ACCESS_OPEN,
                                                           &error);
    if (!info)
        g_error("room create: %s", error->message);
    roomctl_room_info_free(info);
    for (guint i = 0; i < KEYS; i++) {
        g_autofree char *button = g_strdup_printf("button=b%u", i);
        const char *fields[] = { button, "enabled=false", NULL };
        roomctl_item *item = roomctl_item_new_from_assignments(registry, "ui.button", fields,
                                                               &error);
        if (!item || !roomctl_bus_publish_sync(owner, room, item, &error))
            g_error("publish: %s", error->message);
        roomctl_item_unref(item);
    }
    roomctl_bus *alice = bus_as(server, registry, "alice");
    roomctl_room *r = roomctl_bus_join(alice, room, NULL, NULL, NULL);
    WAIT_UNTIL(roomctl_room_is_synced(r), 10000);

    /* Baseline: rejoins (subscribe + fetch), as after a reconnect. */
    gint64 cpu0 = cpu_us(), wall0 = g_get_monotonic_time();
    for (guint i = 0; i < ROUNDS / 4; i++) {
        roomctl_room_leave(r);
        r = roomctl_bus_join(alice, room, NULL, NULL, NULL);
        WAIT_UNTIL(roomctl_room_is_synced(r), 10000);
    }
    double join_cpu = (double)(cpu_us() - cpu0) / (ROUNDS / 4);
    double join_wall = (double)(g_get_monotonic_time() - wall0) / (ROUNDS / 4);

    cpu0 = cpu_us();
    wall0 = g_get_monotonic_time();
    for (guint i = 0; i < ROUNDS; i++) {
        if (!roomctl_room_reconcile(r))
            g_error("room not synced");
        WAIT_UNTIL(roomctl_room_is_synced(r), 10000);
    }
    double rec_cpu = (double)(cpu_us() - cpu0) / ROUNDS;
    double rec_wall = (double)(g_get_monotonic_time() - wall0) / ROUNDS;
    roomctl_room_stats stats;
    roomctl_room_get_stats(r, &stats);

    printf("server: %s, room of %u state keys, %u reconciles, nothing changed\n",
           rc_server_name(server), KEYS, ROUNDS);
    printf("reconcile: %.0f us CPU (client), %.2f ms wall each\n", rec_cpu, rec_wall / 1000);
    printf("rejoin (baseline): %.0f us CPU, %.2f ms wall each; reconcile/rejoin CPU ratio %.2f\n",
           join_cpu, join_wall / 1000, rec_cpu / join_cpu);
    printf("idle cost per agent at the default 60 s: %.1f us CPU per minute per room "
           "(%.5f%% of one core); items re-delivered: %" G_GUINT64_FORMAT "\n",
           rec_cpu, rec_cpu / 60e6 * 100, stats.replayed - KEYS);
    roomctl_bus_free(alice);
    roomctl_bus_free(owner);
    roomctl_registry_free(registry);
    rc_server_free(server);
    return 0;
}

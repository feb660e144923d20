/* The fixture of the bus integration tests: one test server (Prosody or ejabberd) per group, buses
 * logged in as its accounts, rooms, and a watcher of what a room client saw
 * (see bus_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "bus_fixture.h"

guint slow = 1;
fixture *fx;


/* ---- Helpers ------------------------------------------------------------------ */



/* Let the loop run for @ms (to show that nothing arrives). */
void settle(guint ms)
{
    gboolean never = FALSE;
    WAIT_UNTIL(never, ms);
}

char *new_room(const char *what)
{
    return g_strdup_printf("%s-%u@" RC_SERVER_MUC, what, ++fx->rooms);
}

roomctl_bus *bus_as_full(const char *user, const char *password, gboolean plaintext,
                                GError **error)
{
    g_autofree char *jid = rc_server_jid(user);
    roomctl_bus_options options = {
        .jid = jid, .password = password, .host = "127.0.0.1",
        .port = rc_server_port(fx->server), .allow_plaintext = plaintext,
        .tls_ca_file = rc_server_cafile(fx->server), .request_timeout_ms = 5000 * slow,
    };
    roomctl_bus *bus = roomctl_bus_new(&options, fx->registry, NULL);
    if (!roomctl_bus_connect_sync(bus, error)) {
        roomctl_bus_free(bus);
        return NULL;
    }
    return bus;
}

roomctl_bus *bus_as(const char *user)
{
    g_autofree char *password = g_strconcat("pw-", user, NULL);
    g_autoptr(GError) error = NULL;
    roomctl_bus *bus = bus_as_full(user, password, !fx->tls, &error);
    if (!bus)
        fail_msg("cannot connect as %s: %s", user, error->message);
    assert_non_null(roomctl_bus_jid(bus));
    return bus;
}

roomctl_item *item_new(const char *type, ...)
{
    g_autoptr(GPtrArray) assignments = g_ptr_array_new();
    va_list ap;
    va_start(ap, type);
    for (const char *a = va_arg(ap, const char *); a; a = va_arg(ap, const char *))
        g_ptr_array_add(assignments, (gpointer)a);
    va_end(ap);
    g_ptr_array_add(assignments, NULL);
    g_autoptr(GError) error = NULL;
    roomctl_item *item = roomctl_item_new_from_assignments(
        fx->registry, type, (const char *const *)assignments->pdata, &error);
    if (!item)
        fail_msg("cannot build %s: %s", type, error->message);
    return item;
}

void publish(roomctl_bus *bus, const char *room, const char *type, ...)
{
    const char *a[8] = { NULL };
    va_list ap;
    va_start(ap, type);
    for (int i = 0; i < 7 && (a[i] = va_arg(ap, const char *)); i++)
        ;
    va_end(ap);
    roomctl_item *item = item_new(type, a[0], a[1], a[2], a[3], a[4], a[5], a[6], NULL);
    g_autoptr(GError) error = NULL;
    if (!roomctl_bus_publish_sync(bus, room, item, &error))
        fail_msg("publish %s to %s: %s", type, room, error->message);
    roomctl_item_unref(item);
}

/* A room created by the service admin, with "mod" as its moderator. */
char *room_ready(roomctl_bus *owner, const char *what)
{
    char *room = new_room(what);
    g_autoptr(GError) error = NULL;
    roomctl_room_info *info = roomctl_bus_room_create_sync(owner, room, ROOMCTL_ACCESS_OPEN, &error);
    if (!info)
        fail_msg("room create %s: %s", room, error->message);
    roomctl_room_info_free(info);
    if (!roomctl_bus_room_grant_sync(owner, room, "mod@" RC_SERVER_DOMAIN,
                                     ROOMCTL_AFFILIATION_MODERATOR, &error))
        fail_msg("grant: %s", error->message);
    return room;
}

void assert_error_at(const GError *error, int code, const char *text, const char *file,
                            int line)
{
    if (!error)
        fail_msg("%s:%d: expected an error containing \"%s\", got none", file, line, text);
    if (!g_error_matches(error, ROOMCTL_ERROR, code) || !strstr(error->message, text))
        fail_msg("%s:%d: expected code %d with \"%s\", got code %d: \"%s\"", file, line, code,
                 text, error->code, error->message);
}

/* ---- What a room client saw ---------------------------------------------------- */

static void on_item(roomctl_room *room, const roomctl_item *item, void *w)
{
    g_ptr_array_add(((watcher *)w)->items, (gpointer)roomctl_item_ref(item));
}

static void on_reset(roomctl_room *room, const char *type, const char *id, void *w)
{
    g_ptr_array_add(((watcher *)w)->resets, g_strdup_printf("%s %s", type, id));
}

static void on_purge(roomctl_room *room, void *w) { ((watcher *)w)->purges++; }
static void on_deleted(roomctl_room *room, void *w) { ((watcher *)w)->deleted++; }

static void on_dropped(roomctl_room *room, const char *id, const GError *why, void *w)
{
    g_ptr_array_add(((watcher *)w)->dropped, g_strdup_printf("%s: %s", id ? id : "-", why->message));
}

static void on_synced(roomctl_room *room, const GError *error, void *data)
{
    watcher *w = data;
    w->synced = TRUE;
    if (error)
        w->sync_error = g_strdup(error->message);
}

void watcher_free(gpointer data)
{
    watcher *w = data;
    g_ptr_array_unref(w->items);
    g_ptr_array_unref(w->resets);
    g_ptr_array_unref(w->dropped);
    g_free(w->sync_error);
    g_free(w);
}

const roomctl_room_callbacks watch_callbacks = {
    .item = on_item, .reset = on_reset, .purge = on_purge, .deleted = on_deleted,
    .dropped = on_dropped, .synced = on_synced,
};


const roomctl_item *last_item(watcher *w)
{
    return w->items->len ? g_ptr_array_index(w->items, w->items->len - 1) : NULL;
}

int get_bool(const roomctl_item *item, const char *field)
{
    int value = -1;
    assert_int_equal(roomctl_item_get_bool(item, field, &value), ROOMCTL_PLUGIN_OK);
    return value;
}

const char *get_string(const roomctl_item *item, const char *field)
{
    const char *value = NULL;
    assert_int_equal(roomctl_item_get_string(item, field, &value), ROOMCTL_PLUGIN_OK);
    return value;
}

void scene_start(scene *sc, const char *what)
{
    sc->owner = bus_as("owner");
    sc->room = room_ready(sc->owner, what);
    sc->alice = bus_as("alice");
    sc->mod = bus_as("mod");
    sc->w = join(sc->alice, sc->room, NULL);
}

void scene_end(scene *sc)
{
    roomctl_bus_free(sc->mod);
    roomctl_bus_free(sc->alice);
    roomctl_bus_free(sc->owner);
    g_free(sc->room);
}

watcher *join_no_wait(roomctl_bus *bus, const char *room, roomctl_room **out)
{
    watcher *w = g_new0(watcher, 1);
    w->items = g_ptr_array_new_with_free_func((GDestroyNotify)roomctl_item_unref);
    w->resets = g_ptr_array_new_with_free_func(g_free);
    w->dropped = g_ptr_array_new_with_free_func(g_free);
    *out = roomctl_bus_join(bus, room, &watch_callbacks, w, watcher_free);
    WAIT_UNTIL(w->synced, WAIT_MS);
    assert_true(w->synced);
    return w;
}

watcher *join(roomctl_bus *bus, const char *room, roomctl_room **out)
{
    roomctl_room *r = NULL;
    watcher *w = join_no_wait(bus, room, &r);
    if (w->sync_error)
        fail_msg("join %s: %s", room, w->sync_error);
    assert_true(roomctl_room_is_synced(r));
    if (out)
        *out = r;
    return w;
}

/* ---- Fixture ---------------------------------------------------------------------- */

int start_group(gboolean tls)
{
    static const char *const admins[] = { "owner", NULL };
    static const char *const accounts[] = {
        "owner:pw-owner", "mod:pw-mod", "alice:pw-alice", "bob:pw-bob", NULL
    };
    fx = g_new0(fixture, 1);
    fx->tls = tls;
    g_autoptr(GError) error = NULL;
    /* Nodes are kept on disk, as deployed (and for the crash test). */
    rc_server_options options = { .pubsub_admins = admins, .tls = tls };
    fx->server = rc_server_start(&options, &error);
    if (!fx->server || !rc_server_add_accounts(fx->server, accounts, &error)) {
        fprintf(stderr, "cannot start the test server: %s\n", error->message);
        return -1;
    }
    const char *schemas = g_getenv("ROOMCTL_TEST_SCHEMAS");
    fx->registry = roomctl_registry_new();
    if (!schemas || !roomctl_registry_load_dir(fx->registry, schemas, &error)) {
        fprintf(stderr, "cannot load the schemas of %s: %s\n", schemas ? schemas : "(unset)",
                error ? error->message : "ROOMCTL_TEST_SCHEMAS not set");
        return -1;
    }
    roomctl_set_log_level(g_getenv("RC_TEST_DEBUG") ? ROOMCTL_LOG_DEBUG : ROOMCTL_LOG_WARNING);
    /* Under valgrind everything is ten times slower. */
    if (strstr(g_getenv("LD_PRELOAD") ? g_getenv("LD_PRELOAD") : "", "vgpreload"))
        slow = 10;
    return 0;
}


int group_teardown(void **state)
{
    if (!fx)
        return 0;
    rc_server_free(fx->server);
    roomctl_registry_free(fx->registry);
    g_free(fx);
    fx = NULL;
    return 0;
}

int test_setup(void **state)
{
    fx->passed = FALSE;
    return 0;
}

/* A failed test shows what the server saw. */
int test_teardown(void **state)
{
    if (!fx->passed)
        rc_server_dump_log(fx->server, "the test failed", 60);
    return 0;
}


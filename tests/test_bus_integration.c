/* libroomctl's bus against a real Prosody (tests/harness): connect, rooms,
 * publish, join, retract, purge, refusals, invalid items, isolation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <roomctl/roomctl.h>

#include "c2_raw_xmpp.h"
#include "prosody.h"

#define WAIT_MS 5000

typedef struct {
    rc_prosody *server;
    roomctl_registry *registry;
    gboolean passed;       /* set by the last line of each test */
    guint rooms;           /* for unique room names */
} fixture;

static fixture *fx;

/* ---- Helpers ------------------------------------------------------------------ */

static gboolean keep_ticking(gpointer unused) { return G_SOURCE_CONTINUE; }

/* Iterate the default context until @cond holds or @ms passed. */
#define WAIT_UNTIL(cond, ms)                                                   \
    do {                                                                       \
        gint64 end_ = g_get_monotonic_time() + (gint64)(ms) * 1000;            \
        guint tick_ = g_timeout_add(10, keep_ticking, NULL);                   \
        while (!(cond) && g_get_monotonic_time() < end_)                       \
            g_main_context_iteration(NULL, TRUE);                              \
        g_source_remove(tick_);                                                \
    } while (0)

/* Let the loop run for @ms (to show that nothing arrives). */
static void settle(guint ms)
{
    gboolean never = FALSE;
    WAIT_UNTIL(never, ms);
}

static char *new_room(const char *what)
{
    return g_strdup_printf("%s-%u@" RC_PROSODY_MUC, what, ++fx->rooms);
}

static roomctl_bus *bus_as_full(const char *user, const char *password, gboolean plaintext,
                                GError **error)
{
    g_autofree char *jid = rc_prosody_jid(user);
    roomctl_bus_options options = {
        .jid = jid, .password = password, .host = "127.0.0.1",
        .port = rc_prosody_port(fx->server), .allow_plaintext = plaintext,
        .request_timeout_ms = 5000,
    };
    roomctl_bus *bus = roomctl_bus_new(&options, fx->registry, NULL);
    if (!roomctl_bus_connect_sync(bus, error)) {
        roomctl_bus_free(bus);
        return NULL;
    }
    return bus;
}

static roomctl_bus *bus_as(const char *user)
{
    g_autofree char *password = g_strconcat("pw-", user, NULL);
    g_autoptr(GError) error = NULL;
    roomctl_bus *bus = bus_as_full(user, password, TRUE, &error);
    if (!bus)
        fail_msg("cannot connect as %s: %s", user, error->message);
    assert_non_null(roomctl_bus_jid(bus));
    return bus;
}

static roomctl_item *item_new(const char *type, ...) G_GNUC_NULL_TERMINATED;
static roomctl_item *item_new(const char *type, ...)
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

static void publish(roomctl_bus *bus, const char *room, const char *type, ...) G_GNUC_NULL_TERMINATED;
static void publish(roomctl_bus *bus, const char *room, const char *type, ...)
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
static char *room_ready(roomctl_bus *owner, const char *what)
{
    char *room = new_room(what);
    g_autoptr(GError) error = NULL;
    roomctl_room_info *info = roomctl_bus_room_create_sync(owner, room, ROOMCTL_ACCESS_OPEN, &error);
    if (!info)
        fail_msg("room create %s: %s", room, error->message);
    roomctl_room_info_free(info);
    if (!roomctl_bus_room_grant_sync(owner, room, "mod@" RC_PROSODY_DOMAIN,
                                     ROOMCTL_AFFILIATION_MODERATOR, &error))
        fail_msg("grant: %s", error->message);
    return room;
}

/* @error has @code and its message contains @text; says what it got if not. */
#define assert_error(error, code, text) assert_error_at((error), (code), (text), __FILE__, __LINE__)
static void assert_error_at(const GError *error, int code, const char *text, const char *file,
                            int line)
{
    if (!error)
        fail_msg("%s:%d: expected an error containing \"%s\", got none", file, line, text);
    if (!g_error_matches(error, ROOMCTL_ERROR, code) || !strstr(error->message, text))
        fail_msg("%s:%d: expected code %d with \"%s\", got code %d: \"%s\"", file, line, code,
                 text, error->code, error->message);
}

/* ---- What a room client saw ---------------------------------------------------- */

typedef struct {
    GPtrArray *items;    /* roomctl_item refs, in arrival order */
    GPtrArray *resets;   /* "type id" */
    GPtrArray *dropped;  /* "id: reason" */
    guint purges;
    guint deleted;
    gboolean synced;
    char *sync_error;
} watcher;

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

static void watcher_free(gpointer data)
{
    watcher *w = data;
    g_ptr_array_unref(w->items);
    g_ptr_array_unref(w->resets);
    g_ptr_array_unref(w->dropped);
    g_free(w->sync_error);
    g_free(w);
}

static const roomctl_room_callbacks watch_callbacks = {
    on_item, on_reset, on_purge, on_deleted, on_dropped, on_synced,
};

/* Join @room and wait for the initial sync; the watcher belongs to the room. */
static watcher *join(roomctl_bus *bus, const char *room, roomctl_room **out)
{
    watcher *w = g_new0(watcher, 1);
    w->items = g_ptr_array_new_with_free_func((GDestroyNotify)roomctl_item_unref);
    w->resets = g_ptr_array_new_with_free_func(g_free);
    w->dropped = g_ptr_array_new_with_free_func(g_free);
    roomctl_room *r = roomctl_bus_join(bus, room, &watch_callbacks, w, watcher_free);
    WAIT_UNTIL(w->synced, WAIT_MS);
    assert_true(w->synced);
    if (w->sync_error)
        fail_msg("join %s: %s", room, w->sync_error);
    assert_true(roomctl_room_is_synced(r));
    if (out)
        *out = r;
    return w;
}

static const roomctl_item *last_item(watcher *w)
{
    return w->items->len ? g_ptr_array_index(w->items, w->items->len - 1) : NULL;
}

static int get_bool(const roomctl_item *item, const char *field)
{
    int value = -1;
    assert_int_equal(roomctl_item_get_bool(item, field, &value), ROOMCTL_PLUGIN_OK);
    return value;
}

static const char *get_string(const roomctl_item *item, const char *field)
{
    const char *value = NULL;
    assert_int_equal(roomctl_item_get_string(item, field, &value), ROOMCTL_PLUGIN_OK);
    return value;
}

/* ---- Tests --------------------------------------------------------------------- */

static void test_connect_errors(void **state)
{
    g_autoptr(GError) error = NULL;
    assert_null(bus_as_full("alice", "wrong", TRUE, &error));
    assert_error(error, ROOMCTL_ERR_AUTH, "refused the password of account alice@localhost");
    g_clear_error(&error);

    /* TLS is required unless plain connections are allowed; this server has
     * no certificate. */
    assert_null(bus_as_full("alice", "pw-alice", FALSE, &error));
    assert_error(error, ROOMCTL_ERR_CONNECTION, "cannot connect to 127.0.0.1:");
    g_clear_error(&error);

    /* Nobody listens there. */
    roomctl_bus_options options = {
        .jid = "alice@localhost", .password = "pw-alice", .host = "127.0.0.1", .port = 1,
        .allow_plaintext = TRUE, .request_timeout_ms = 3000,
    };
    roomctl_bus *bus = roomctl_bus_new(&options, fx->registry, NULL);
    assert_false(roomctl_bus_connect_sync(bus, &error));
    assert_error(error, ROOMCTL_ERR_CONNECTION, "cannot connect to 127.0.0.1:1 as alice@localhost");
    assert_false(roomctl_bus_is_connected(bus));
    roomctl_bus_free(bus);
    fx->passed = TRUE;
}

static gboolean has_config(const roomctl_room_info *info, const char *entry)
{
    for (guint i = 0; i < info->config->len; i++)
        if (g_str_equal(g_ptr_array_index(info->config, i), entry))
            return TRUE;
    return FALSE;
}

static void test_room_create_show(void **state)
{
    roomctl_bus *owner = bus_as("owner");
    g_autofree char *room = new_room("create");
    g_autoptr(GError) error = NULL;

    /* Not there yet: show says how to make it. */
    assert_null(roomctl_bus_room_show_sync(owner, room, &error));
    g_autofree char *expected = g_strdup_printf(
        "room %s has no roomctl node; run `roomctl room create %s`", room, room);
    assert_error(error, ROOMCTL_ERR_NOT_FOUND, expected);
    g_clear_error(&error);

    for (int round = 0; round < 2; round++) { /* idempotent */
        roomctl_room_info *info = roomctl_bus_room_create_sync(owner, room, ROOMCTL_ACCESS_OPEN,
                                                               &error);
        if (!info)
            fail_msg("create (round %d): %s", round, error->message);
        g_autofree char *node = roomctl_room_node_name(room);
        assert_string_equal(info->node, node);
        assert_true(has_config(info, "pubsub#publish_model=publishers"));
        assert_true(has_config(info, "pubsub#persist_items=1") ||
                    has_config(info, "pubsub#persist_items=true"));
        assert_true(has_config(info, "pubsub#notify_retract=1") ||
                    has_config(info, "pubsub#notify_retract=true"));
        assert_true(has_config(info, "pubsub#access_model=open"));
        assert_int_equal(info->item_count, 0);
        roomctl_room_info_free(info);
    }

    assert_true(roomctl_bus_room_grant_sync(owner, room, "mod@localhost/any",
                                            ROOMCTL_AFFILIATION_MODERATOR, &error));
    roomctl_room_info *info = roomctl_bus_room_show_sync(owner, room, &error);
    assert_non_null(info);
    assert_int_equal(GPOINTER_TO_INT(g_hash_table_lookup(info->affiliations, "mod@localhost")),
                     ROOMCTL_AFFILIATION_MODERATOR);
    roomctl_room_info_free(info);

    /* Only the service's admins create nodes. */
    roomctl_bus *alice = bus_as("alice");
    g_autofree char *other = new_room("create");
    assert_null(roomctl_bus_room_create_sync(alice, other, ROOMCTL_ACCESS_OPEN, &error));
    g_autofree char *refused = g_strdup_printf(
        "account alice@localhost may not create the roomctl node of room %s", other);
    assert_error(error, ROOMCTL_ERR_NOT_ALLOWED, refused);
    roomctl_bus_free(alice);
    roomctl_bus_free(owner);
    fx->passed = TRUE;
}

static void test_publish_live(void **state)
{
    roomctl_bus *owner = bus_as("owner");
    g_autofree char *room = room_ready(owner, "live");
    roomctl_bus *alice = bus_as("alice");
    roomctl_bus *mod = bus_as("mod");
    watcher *w = join(alice, room, NULL);
    assert_int_equal(w->items->len, 0);

    publish(mod, room, "ui.button", "button=send", "enabled=false", NULL);
    WAIT_UNTIL(w->items->len == 1, WAIT_MS);
    assert_int_equal(w->items->len, 1);
    const roomctl_item *item = last_item(w);
    assert_string_equal(roomctl_item_type(item), "ui.button");
    assert_string_equal(get_string(item, "button"), "send");
    assert_int_equal(get_bool(item, "enabled"), 0);
    assert_int_equal(get_bool(item, "visible"), 1); /* the default */
    assert_int_equal(roomctl_item_is_replay(item), 0);
    assert_string_equal(roomctl_item_room(item), room);
    assert_string_equal(roomctl_item_publisher(item), "mod@localhost");

    /* The same item again changes nothing and is not applied twice. */
    publish(mod, room, "ui.button", "button=send", "enabled=false", NULL);
    publish(mod, room, "ui.button", "button=send", "enabled=true", NULL);
    WAIT_UNTIL(w->items->len == 2, WAIT_MS);
    settle(200);
    assert_int_equal(w->items->len, 2);
    assert_int_equal(get_bool(last_item(w), "enabled"), 1);
    assert_int_equal(w->dropped->len, 0);

    roomctl_bus_free(mod);
    roomctl_bus_free(alice);
    roomctl_bus_free(owner);
    fx->passed = TRUE;
}

static void test_late_joiner_and_events(void **state)
{
    roomctl_bus *owner = bus_as("owner");
    g_autofree char *room = room_ready(owner, "late");
    roomctl_bus *mod = bus_as("mod");
    publish(mod, room, "ui.button", "button=send", "enabled=false", NULL);
    publish(mod, room, "ui.button", "button=attach", "visible=false", NULL);
    publish(mod, room, "ui.button", "button=send", "enabled=true", NULL); /* replaces */
    publish(mod, room, "room.notice", "text=hello everyone", NULL);       /* an event */

    roomctl_bus *bob = bus_as("bob");
    roomctl_room *r = NULL;
    watcher *w = join(bob, room, &r);
    assert_int_equal(w->items->len, 2); /* the state, not the past notice */
    for (guint i = 0; i < w->items->len; i++) {
        const roomctl_item *item = g_ptr_array_index(w->items, i);
        assert_string_equal(roomctl_item_type(item), "ui.button");
        assert_int_equal(roomctl_item_is_replay(item), 1);
        if (g_str_equal(get_string(item, "button"), "send"))
            assert_int_equal(get_bool(item, "enabled"), 1);
        else
            assert_int_equal(get_bool(item, "visible"), 0);
    }
    g_autoptr(GPtrArray) state_items = roomctl_room_state(r);
    assert_int_equal(state_items->len, 2);

    /* A live event is delivered but is not state. */
    publish(mod, room, "room.notice", "text=break in 5 minutes", "level=warning", NULL);
    WAIT_UNTIL(w->items->len == 3, WAIT_MS);
    assert_int_equal(w->items->len, 3);
    assert_string_equal(roomctl_item_type(last_item(w)), "room.notice");
    assert_string_equal(get_string(last_item(w), "text"), "break in 5 minutes");
    assert_int_equal(roomctl_item_is_replay(last_item(w)), 0);
    g_autoptr(GPtrArray) state_after = roomctl_room_state(r);
    assert_int_equal(state_after->len, 2);

    /* The moderator's view of the node holds both kinds. */
    guint dropped = 99;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) fetched = roomctl_bus_fetch_items_sync(mod, room, &dropped, &error);
    assert_non_null(fetched);
    assert_int_equal(dropped, 0);
    assert_int_equal(fetched->len, 4);

    roomctl_bus_free(bob);
    roomctl_bus_free(mod);
    roomctl_bus_free(owner);
    fx->passed = TRUE;
}

static void test_retract_and_purge(void **state)
{
    roomctl_bus *owner = bus_as("owner");
    g_autofree char *room = room_ready(owner, "retract");
    roomctl_bus *mod = bus_as("mod");
    publish(mod, room, "ui.button", "button=send", "enabled=false", NULL);
    publish(mod, room, "ui.button", "button=attach", "enabled=false", NULL);
    roomctl_bus *alice = bus_as("alice");
    roomctl_room *r = NULL;
    watcher *w = join(alice, room, &r);
    assert_int_equal(w->items->len, 2);

    g_autoptr(GError) error = NULL;
    assert_true(roomctl_bus_retract_sync(mod, room, "ui.button:send", &error));
    WAIT_UNTIL(w->resets->len == 1, WAIT_MS);
    assert_int_equal(w->resets->len, 1);
    assert_string_equal(g_ptr_array_index(w->resets, 0), "ui.button ui.button:send");
    g_autoptr(GPtrArray) left = roomctl_room_state(r);
    assert_int_equal(left->len, 1);
    assert_string_equal(roomctl_item_id(g_ptr_array_index(left, 0)), "ui.button:attach");

    /* Retracting what is not there says so. */
    assert_false(roomctl_bus_retract_sync(mod, room, "ui.button:nope", &error));
    assert_error(error, ROOMCTL_ERR_NOT_FOUND, "has no item 'ui.button:nope'");
    g_clear_error(&error);

    assert_true(roomctl_bus_purge_sync(owner, room, &error));
    WAIT_UNTIL(w->purges == 1, WAIT_MS);
    assert_int_equal(w->purges, 1);
    g_autoptr(GPtrArray) none = roomctl_room_state(r);
    assert_int_equal(none->len, 0);

    roomctl_bus_free(alice);
    roomctl_bus_free(mod);
    roomctl_bus_free(owner);
    fx->passed = TRUE;
}

static void test_refusals(void **state)
{
    roomctl_bus *owner = bus_as("owner");
    g_autofree char *room = room_ready(owner, "refuse");
    roomctl_bus *alice = bus_as("alice");
    roomctl_item *item = item_new("ui.button", "button=send", "enabled=false", NULL);
    g_autoptr(GError) error = NULL;

    assert_false(roomctl_bus_publish_sync(alice, room, item, &error));
    g_autofree char *expected = g_strdup_printf("account alice@localhost may not publish to room %s",
                                                room);
    assert_error(error, ROOMCTL_ERR_NOT_ALLOWED, expected);
    g_clear_error(&error);

    g_autofree char *missing = new_room("missing");
    roomctl_bus *mod = bus_as("mod");
    assert_false(roomctl_bus_publish_sync(mod, missing, item, &error));
    g_autofree char *hint = g_strdup_printf("run `roomctl room create %s`", missing);
    assert_error(error, ROOMCTL_ERR_NOT_FOUND, hint);
    g_clear_error(&error);

    /* A room client of a missing room hears why at sync. */
    watcher *w = g_new0(watcher, 1);
    w->items = g_ptr_array_new_with_free_func((GDestroyNotify)roomctl_item_unref);
    w->resets = g_ptr_array_new_with_free_func(g_free);
    w->dropped = g_ptr_array_new_with_free_func(g_free);
    roomctl_room *r = roomctl_bus_join(alice, missing, &watch_callbacks, w, watcher_free);
    WAIT_UNTIL(w->synced, WAIT_MS);
    assert_non_null(w->sync_error);
    assert_non_null(strstr(w->sync_error, "has no roomctl node"));
    assert_false(roomctl_room_is_synced(r));
    roomctl_room_leave(r);

    roomctl_item_unref(item);
    roomctl_bus_free(mod);
    roomctl_bus_free(alice);
    roomctl_bus_free(owner);
    fx->passed = TRUE;
}

static void test_invalid_raw_item(void **state)
{
    roomctl_bus *owner = bus_as("owner");
    g_autofree char *room = room_ready(owner, "raw");
    roomctl_bus *alice = bus_as("alice");
    watcher *w = join(alice, room, NULL);
    g_autofree char *node = roomctl_room_node_name(room);
    g_autofree char *why = NULL;

    /* Published around every check of libroomctl, as a foreign client would. */
    gboolean ok = c2_raw_publish(rc_prosody_port(fx->server), "mod@localhost", "pw-mod",
                                 RC_PROSODY_PUBSUB, node, "ui.button:send",
                                 "<control xmlns='" ROOMCTL_NS "' type='ui.button' version='1'>"
                                 "<button>send</button><enabled>maybe</enabled></control>",
                                 &why);
    if (!ok)
        fail_msg("raw publish: %s", why);
    ok = c2_raw_publish(rc_prosody_port(fx->server), "mod@localhost", "pw-mod",
                        RC_PROSODY_PUBSUB, node, "junk", "<junk xmlns='urn:other'/>", &why);
    if (!ok)
        fail_msg("raw publish: %s", why);
    WAIT_UNTIL(w->dropped->len == 2, WAIT_MS);
    assert_int_equal(w->dropped->len, 2);
    const char *first = g_ptr_array_index(w->dropped, 0);
    assert_non_null(strstr(first, "ui.button:send: "));
    assert_non_null(strstr(first, "enabled"));
    assert_string_equal(g_ptr_array_index(w->dropped, 1),
                        "junk: no <control xmlns='urn:roomctl:0'/> payload");
    assert_int_equal(w->items->len, 0);

    /* A valid item still gets through afterwards. */
    roomctl_bus *mod = bus_as("mod");
    publish(mod, room, "ui.button", "button=send", "enabled=false", NULL);
    WAIT_UNTIL(w->items->len == 1, WAIT_MS);
    assert_int_equal(w->items->len, 1);

    /* A late joiner drops the stored bad one too, with the reason. */
    roomctl_bus *bob = bus_as("bob");
    watcher *late = join(bob, room, NULL);
    assert_int_equal(late->items->len, 1);
    assert_int_equal(late->dropped->len, 1);
    assert_non_null(strstr(g_ptr_array_index(late->dropped, 0), "junk: "));

    roomctl_bus_free(bob);
    roomctl_bus_free(mod);
    roomctl_bus_free(alice);
    roomctl_bus_free(owner);
    fx->passed = TRUE;
}

static void test_rooms_isolated(void **state)
{
    roomctl_bus *owner = bus_as("owner");
    g_autofree char *one = room_ready(owner, "one");
    g_autofree char *two = room_ready(owner, "two");
    roomctl_bus *alice = bus_as("alice");
    roomctl_bus *bob = bus_as("bob");
    watcher *w1 = join(alice, one, NULL);
    watcher *w2 = join(bob, two, NULL);
    /* Alice is in both rooms on one connection. */
    watcher *w12 = join(alice, two, NULL);
    roomctl_bus *mod = bus_as("mod");

    publish(mod, one, "ui.button", "button=send", "enabled=false", NULL);
    publish(mod, two, "ui.button", "button=attach", "enabled=false", NULL);
    WAIT_UNTIL(w1->items->len == 1 && w2->items->len == 1 && w12->items->len == 1, WAIT_MS);
    settle(200);
    assert_int_equal(w1->items->len, 1);
    assert_int_equal(w2->items->len, 1);
    assert_int_equal(w12->items->len, 1);
    assert_string_equal(get_string(last_item(w1), "button"), "send");
    assert_string_equal(roomctl_item_room(last_item(w1)), one);
    assert_string_equal(get_string(last_item(w2), "button"), "attach");
    assert_string_equal(get_string(last_item(w12), "button"), "attach");
    assert_string_equal(roomctl_item_room(last_item(w12)), two);

    roomctl_bus_free(mod);
    roomctl_bus_free(bob);
    roomctl_bus_free(alice);
    roomctl_bus_free(owner);
    fx->passed = TRUE;
}

/* ---- Fixture ---------------------------------------------------------------------- */

static int group_setup(void **state)
{
    static const char *const admins[] = { "owner", NULL };
    static const char *const accounts[] = {
        "owner:pw-owner", "mod:pw-mod", "alice:pw-alice", "bob:pw-bob", NULL
    };
    fx = g_new0(fixture, 1);
    g_autoptr(GError) error = NULL;
    rc_prosody_options options = { .pubsub_admins = admins };
    fx->server = rc_prosody_start(&options, &error);
    if (!fx->server || !rc_prosody_add_accounts(fx->server, accounts, &error)) {
        fprintf(stderr, "cannot start Prosody: %s\n", error->message);
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
    *state = fx;
    return 0;
}

static int group_teardown(void **state)
{
    if (!fx)
        return 0;
    rc_prosody_free(fx->server);
    roomctl_registry_free(fx->registry);
    g_free(fx);
    fx = NULL;
    return 0;
}

static int test_setup(void **state)
{
    fx->passed = FALSE;
    return 0;
}

/* A failed test shows what the server saw. */
static int test_teardown(void **state)
{
    if (!fx->passed)
        rc_prosody_dump_log(fx->server, "the test failed", 60);
    return 0;
}

int main(void)
{
    /* Warnings are part of what the tests provoke; they must not abort. */
    g_log_set_always_fatal(G_LOG_LEVEL_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_connect_errors, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_room_create_show, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_publish_live, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_late_joiner_and_events, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_retract_and_purge, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_refusals, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_invalid_raw_item, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_rooms_isolated, test_setup, test_teardown),
    };
    return cmocka_run_group_tests_name("bus integration", tests, group_setup, group_teardown);
}

/* A room's event handling without a server (bus/room/room.c): stanzas fed
 * straight into the join's two halves (rc_room_begin_join(),
 * rc_room_apply_fetch()) and into rc_room_handle_event(), as the bus would
 * hand them over: joins, events buffered while the fetch is out, retract,
 * purge, deletion, forged events, and a client that leaves the room inside
 * a callback (run this file under ASan: -Db_sanitize=address). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "bus_private.h"

#define ROOM "lobby@conference.localhost"
#define SERVICE "pubsub.localhost"
#define NODE "roomctl/" ROOM
#define EVENTS_NODE "roomctl-events/" ROOM
#define BUTTON(key, enabled)                                                            \
    "<item id='ui.button:" key "' publisher='mod@localhost'>"                           \
    "<control xmlns='urn:roomctl:0' type='ui.button' version='1'><button>" key "</button>" \
    "<enabled>" enabled "</enabled></control></item>"
#define NOTICE(id, text)                                                                \
    "<item id='" id "' publisher='mod@localhost'>"                                      \
    "<control xmlns='urn:roomctl:0' type='room.notice' version='1'><text>" text "</text>" \
    "</control></item>"

typedef struct {
    roomctl_registry *registry;
    roomctl_bus *bus;
    roomctl_room *room;
    GString *log;          /* one line per callback */
    int leave_on_item;     /* leave the room inside the item callback number N */
    guint items;
} fixture;

static void on_item(roomctl_room *room, const roomctl_item *item, void *data)
{
    fixture *f = data;
    g_string_append_printf(f->log, "item %s %s\n", roomctl_item_id(item),
                           roomctl_item_is_replay(item) ? "replay" : "live");
    if (++f->items == (guint)f->leave_on_item)
        roomctl_room_leave(room);
}

static void on_reset(roomctl_room *room, const char *type, const char *item_id, void *data)
{
    g_string_append_printf(((fixture *)data)->log, "reset %s\n", item_id);
}

static void on_purge(roomctl_room *room, void *data)
{
    g_string_append(((fixture *)data)->log, "purge\n");
}

static void on_deleted(roomctl_room *room, void *data)
{
    g_string_append(((fixture *)data)->log, "deleted\n");
}

static void on_dropped(roomctl_room *room, const char *item_id, const GError *why, void *data)
{
    g_string_append_printf(((fixture *)data)->log, "dropped %s %s\n",
                           item_id ? item_id : "-", roomctl_drop_reason(why));
}

static void on_synced(roomctl_room *room, const GError *error, void *data)
{
    g_string_append_printf(((fixture *)data)->log, "synced %s\n", error ? error->message : "ok");
}

static const roomctl_room_callbacks callbacks = {
    .item = on_item, .reset = on_reset, .purge = on_purge, .deleted = on_deleted,
    .dropped = on_dropped, .synced = on_synced,
};

static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    GError *error = NULL;
    f->registry = roomctl_registry_new();
    if (!roomctl_registry_load_dir(f->registry, g_getenv("ROOMCTL_TEST_SCHEMAS"), &error))
        fail_msg("%s", error->message);
    roomctl_bus_options options = { .jid = "screen@localhost", .allow_plaintext = TRUE };
    f->bus = roomctl_bus_new(&options, f->registry, NULL);
    f->room = roomctl_bus_join(f->bus, ROOM, &callbacks, f, NULL); /* offline: idle */
    f->log = g_string_new(NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    roomctl_bus_free(f->bus);
    roomctl_registry_free(f->registry);
    g_string_free(f->log, TRUE);
    g_free(f);
    return 0;
}

static xmpp_stanza_t *stanza(fixture *f, const char *xml)
{
    xmpp_stanza_t *s = xmpp_stanza_new_from_string(rc_bus_ctx(f->bus), xml);
    if (!s)
        fail_msg("not XML: %s", xml);
    return s;
}

/* A PubSub event from @from with @body inside <event/>. */
static void event_from(fixture *f, const char *from, const char *body)
{
    char *xml = g_strdup_printf("<message from='%s' to='screen@localhost'>"
                                "<event xmlns='http://jabber.org/protocol/pubsub#event'>%s"
                                "</event></message>", from, body);
    xmpp_stanza_t *s = stanza(f, xml);
    rc_room_handle_event(f->bus, s);
    xmpp_stanza_release(s);
    g_free(xml);
}

static void event(fixture *f, const char *body)
{
    event_from(f, SERVICE, body);
}

/* The answer to the join's fetch: the node's items. */
static void fetched(fixture *f, const char *items)
{
    char *xml = g_strdup_printf("<iq type='result' from='" SERVICE "'>"
                                "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                                "<items node='" NODE "'>%s</items></pubsub></iq>", items);
    xmpp_stanza_t *s = stanza(f, xml);
    rc_room_apply_fetch(f->room, s);
    xmpp_stanza_release(s);
    g_free(xml);
}

static void join(fixture *f, const char *items)
{
    rc_room_begin_join(f->room);
    fetched(f, items);
}

static void assert_log(fixture *f, const char *expected)
{
    assert_string_equal(f->log->str, expected);
    g_string_truncate(f->log, 0);
}

/* A join: the node's state items as replays, a past event skipped, a broken
 * item dropped; then synced. */
static void test_join(void **state)
{
    fixture *f = *state;
    join(f, BUTTON("send", "false") NOTICE("n1", "old news") BUTTON("attach", "true")
            "<item id='ui.button:bad'><control xmlns='urn:roomctl:0' type='ui.button' "
            "version='1'><button>bad</button><enabled>maybe</enabled></control></item>");
    assert_log(f, "item ui.button:send replay\n"
                  "item ui.button:attach replay\n"
                  "dropped ui.button:bad invalid\n"
                  "synced ok\n");
    assert_true(roomctl_room_is_synced(f->room));
    g_autoptr(GPtrArray) now = roomctl_room_state(f->room);
    assert_int_equal(now->len, 2);
}

/* Events that arrive while the fetch is out are kept and looked at after
 * it: the last item per key wins and is live; an event of the events node
 * is delivered once, live; nothing is delivered twice. */
static void test_buffered_during_fetch(void **state)
{
    fixture *f = *state;
    rc_room_begin_join(f->room);
    event(f, "<items node='" NODE "'>" BUTTON("send", "true") "</items>");
    event(f, "<items node='" EVENTS_NODE "'>" NOTICE("n2", "hello") "</items>");
    event(f, "<items node='" NODE "'>" BUTTON("send", "false") "</items>");
    assert_log(f, ""); /* nothing before the fetch's answer */
    fetched(f, BUTTON("send", "true") BUTTON("attach", "true"));
    assert_log(f, "item ui.button:send replay\n"
                  "item ui.button:attach replay\n"
                  "item n2 live\n"
                  "item ui.button:send live\n"
                  "synced ok\n");
    /* The same item once more, live: unchanged, not delivered again. */
    event(f, "<items node='" NODE "'>" BUTTON("send", "false") "</items>");
    assert_log(f, "");
}

/* A node deletion while the fetch is out: heard once, after the fetch. */
static void test_deleted_during_fetch(void **state)
{
    fixture *f = *state;
    rc_room_begin_join(f->room);
    event(f, "<delete node='" NODE "'/>");
    fetched(f, BUTTON("send", "true"));
    assert_log(f, "item ui.button:send replay\ndeleted\n");
    g_autoptr(GPtrArray) now = roomctl_room_state(f->room);
    assert_int_equal(now->len, 0);
    assert_false(roomctl_room_is_synced(f->room));
}

/* Live: retract resets a key; purge empties the state; the same item
 * published again after the purge is delivered again. */
static void test_retract_and_purge(void **state)
{
    fixture *f = *state;
    join(f, BUTTON("send", "false") BUTTON("attach", "true"));
    g_string_truncate(f->log, 0);
    event(f, "<items node='" NODE "'><retract id='ui.button:send'/></items>");
    event(f, "<items node='" NODE "'><retract id='ui.button:nope'/></items>");
    assert_log(f, "reset ui.button:send\n");
    event(f, "<purge node='" NODE "'/>");
    assert_log(f, "purge\n");
    g_autoptr(GPtrArray) none = roomctl_room_state(f->room);
    assert_int_equal(none->len, 0);
    event(f, "<items node='" NODE "'>" BUTTON("attach", "true") "</items>");
    assert_log(f, "item ui.button:attach live\n");
}

/* An event that does not come from the PubSub service is dropped as forged. */
static void test_forged_event(void **state)
{
    fixture *f = *state;
    join(f, "");
    g_string_truncate(f->log, 0);
    event_from(f, "eve@localhost/x", "<items node='" NODE "'>" BUTTON("send", "true") "</items>");
    assert_log(f, "dropped - not-from-service\n");
}

/* The client leaves the room inside an item callback, in the middle of an
 * event with two items and in the middle of a join: nothing more is
 * delivered, and nothing is touched after the room is gone (ASan). */
static void test_leave_inside_callback(void **state)
{
    fixture *f = *state;
    join(f, "");
    g_string_truncate(f->log, 0);
    f->leave_on_item = 1;
    event(f, "<items node='" NODE "'>" BUTTON("send", "true") BUTTON("attach", "true")
             "</items>");
    assert_log(f, "item ui.button:send live\n");
    event(f, "<items node='" NODE "'>" BUTTON("other", "true") "</items>");
    assert_log(f, "");
}

static void test_leave_inside_join(void **state)
{
    fixture *f = *state;
    f->leave_on_item = 1;
    rc_room_begin_join(f->room);
    event(f, "<items node='" NODE "'>" BUTTON("attach", "false") "</items>");
    fetched(f, BUTTON("send", "true") BUTTON("attach", "true"));
    /* Left at the first item: no second item, no buffered event, no synced. */
    assert_log(f, "item ui.button:send replay\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_join, setup, teardown),
        cmocka_unit_test_setup_teardown(test_buffered_during_fetch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_during_fetch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retract_and_purge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forged_event, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leave_inside_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leave_inside_join, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

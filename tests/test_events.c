/* Events are not state (docs/wire-format.md section 2): items of kind
 * "event" go to the room's transient events node, reach every joined client
 * live, are not fetched by late joiners or listed as state, and do not
 * accumulate on the server.  Prosody with on-disk storage, as deployed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "bus_private.h" /* rc_bus_request(): a raw fetch of the events node */
#include "bus_fixture.h"

#define NOTICES 20

typedef struct {
    gboolean done;
    guint items;
    char *error;
} raw_fetch;

static void on_raw_items(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error, void *data)
{
    raw_fetch *f = data;
    f->done = TRUE;
    if (!reply) {
        f->error = g_strdup(error->message);
        return;
    }
    xmpp_stanza_t *items = rc_pubsub_answer(reply, RC_NS_PUBSUB, "items");
    for (xmpp_stanza_t *it = items ? xmpp_stanza_get_children(items) : NULL; it;
         it = xmpp_stanza_get_next(it))
        f->items += xmpp_stanza_get_name(it) && g_str_equal(xmpp_stanza_get_name(it), "item");
}

/* What the server keeps on @room's events node: items, or why it has none. */
static void fetch_events_node(roomctl_bus *bus, const char *room, raw_fetch *f)
{
    g_autofree char *node = roomctl_room_events_node_name(room);
    rc_bus_request(bus, rc_pubsub_items(rc_bus_ctx(bus), bus->pubsub_service, node),
                   RC_OP_FETCH, room, NULL, on_raw_items, f);
    WAIT_UNTIL(f->done, WAIT_MS);
    assert_true(f->done);
}

static void test_events_are_not_state(void **state)
{
    scene sc;
    scene_start(&sc, "events");
    publish(sc.mod, sc.room, "ui.button", "button=send", "enabled=false", NULL);
    for (guint i = 0; i < NOTICES; i++) {
        g_autofree char *text = g_strdup_printf("text=notice %u", i);
        publish(sc.mod, sc.room, "room.notice", text, NULL);
    }
    /* Live: alice gets every notice, in order, not as replay. */
    WAIT_UNTIL(sc.w->items->len == NOTICES + 1, WAIT_MS);
    assert_int_equal(sc.w->items->len, NOTICES + 1);
    guint notices = 0;
    for (guint i = 0; i < sc.w->items->len; i++) {
        const roomctl_item *item = g_ptr_array_index(sc.w->items, i);
        if (!g_str_equal(roomctl_item_type(item), "room.notice"))
            continue;
        g_autofree char *want = g_strdup_printf("notice %u", notices++);
        assert_string_equal(get_string(item, "text"), want);
        assert_int_equal(roomctl_item_is_replay(item), 0);
    }
    assert_int_equal(notices, NOTICES);
    assert_int_equal(sc.w->dropped->len, 0);

    /* A late joiner gets the state only; nothing to skip. */
    roomctl_bus *bob = bus_as("bob");
    roomctl_room *r = NULL;
    watcher *late = join(bob, sc.room, &r);
    assert_int_equal(late->items->len, 1);
    assert_string_equal(roomctl_item_type(last_item(late)), "ui.button");
    assert_int_equal(late->dropped->len, 0);
    g_autoptr(GPtrArray) held = roomctl_room_state(r);
    assert_int_equal(held->len, 1);

    /* `roomctl state` lists the state node: no notice there. */
    guint dropped = 99;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) fetched = roomctl_bus_fetch_items_sync(sc.mod, sc.room, &dropped, &error);
    assert_non_null(fetched);
    assert_int_equal(fetched->len, 1);
    roomctl_room_info *info = roomctl_bus_room_show_sync(sc.owner, sc.room, &error);
    assert_non_null(info);
    assert_int_equal(info->item_count, 1);
    roomctl_room_info_free(info);

    /* The events node keeps nothing: the server answers with no items or
     * says it keeps none. */
    raw_fetch f = { 0 };
    fetch_events_node(sc.mod, sc.room, &f);
    assert_int_equal(f.items, 0);
    g_free(f.error);

    /* And it is live for the late joiner too. */
    publish(sc.mod, sc.room, "room.notice", "text=after", NULL);
    WAIT_UNTIL(late->items->len == 2, WAIT_MS);
    assert_int_equal(late->items->len, 2);
    assert_string_equal(get_string(last_item(late), "text"), "after");

    /* Only the room's moderators publish events. */
    roomctl_item *item = item_new("room.notice", "text=not mine", NULL);
    assert_false(roomctl_bus_publish_sync(sc.alice, sc.room, item, &error));
    assert_error(error, ROOMCTL_ERR_NOT_ALLOWED, "may not publish");
    roomctl_item_unref(item);

    roomctl_bus_free(bob);
    scene_end(&sc);
    fx->passed = TRUE;
}

static int group_setup(void **state) { return start_group(TRUE); }

int main(void)
{
    g_log_set_always_fatal(G_LOG_LEVEL_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_events_are_not_state, test_setup, test_teardown),
    };
    return cmocka_run_group_tests_name("events", tests, group_setup, group_teardown);
}

/* Storage as deployed: after a sequence that once broke Prosody's memory
 * store (publish a key several times with other items between, republish
 * another, retract the first), a late joiner's state equals what a live
 * client applied, and the node holds each key once.  Runs on every test
 * server (ROOMCTL_TEST_SERVER); Prosody keeps its file store here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "bus_fixture.h"

/* id -> encoded item, after applying what @w saw in order: every item,
 * then the resets (the sequence below ends with its only retraction). */
static GHashTable *state_of(const watcher *w)
{
    GHashTable *state = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (guint i = 0; i < w->items->len; i++) {
        const roomctl_item *item = g_ptr_array_index(w->items, i);
        g_hash_table_insert(state, g_strdup(roomctl_item_id(item)),
                            roomctl_item_encode_xml(item));
    }
    for (guint i = 0; i < w->resets->len; i++) {
        const char *reset = g_ptr_array_index(w->resets, i); /* "type id" */
        g_hash_table_remove(state, strchr(reset, ' ') + 1);
    }
    return state;
}

static void assert_same_state(GHashTable *live, GHashTable *late)
{
    GHashTableIter it;
    gpointer id, xml;
    g_hash_table_iter_init(&it, live);
    while (g_hash_table_iter_next(&it, &id, &xml)) {
        const char *other = g_hash_table_lookup(late, id);
        if (!other)
            fail_msg("the late joiner lacks %s (live: %s)", (char *)id, (char *)xml);
        if (strcmp(other, xml) != 0)
            fail_msg("%s differs: live %s, late joiner %s", (char *)id, (char *)xml, other);
    }
    g_hash_table_iter_init(&it, late);
    while (g_hash_table_iter_next(&it, &id, &xml))
        if (!g_hash_table_contains(live, id))
            fail_msg("the late joiner has %s, retracted or never live: %s", (char *)id,
                     (char *)xml);
}

static void test_republish_retract_late_joiner(void **state)
{
    scene sc;
    scene_start(&sc, "storage");
    publish(sc.mod, sc.room, "ui.button", "button=send", "enabled=false", NULL);
    publish(sc.mod, sc.room, "ui.button", "button=mic", "enabled=false", NULL);
    publish(sc.mod, sc.room, "slideshow.slide", "deck=talk", "index=1", "total=3",
            "image_url=https://example.org/1.png", NULL);
    publish(sc.mod, sc.room, "ui.button", "button=send", "enabled=true", NULL);
    publish(sc.mod, sc.room, "ui.feature", "feature=chat", "enabled=false", NULL);
    publish(sc.mod, sc.room, "ui.button", "button=send", "visible=false", NULL);
    publish(sc.mod, sc.room, "slideshow.slide", "deck=talk", "index=2", "total=3",
            "image_url=https://example.org/2.png", NULL);
    publish(sc.mod, sc.room, "ui.button", "button=attach", "enabled=false", NULL);
    g_autoptr(GError) error = NULL;
    if (!roomctl_bus_retract_sync(sc.mod, sc.room, "ui.button:send", &error))
        fail_msg("retract: %s", error->message);
    WAIT_UNTIL(sc.w->resets->len == 1, WAIT_MS);
    assert_int_equal(sc.w->resets->len, 1);
    assert_int_equal(sc.w->dropped->len, 0);

    g_autoptr(GHashTable) live = state_of(sc.w);
    assert_int_equal(g_hash_table_size(live), 4); /* mic, attach, chat, talk */
    assert_false(g_hash_table_contains(live, "ui.button:send"));

    roomctl_bus *bob = bus_as("bob");
    watcher *late = join(bob, sc.room, NULL);
    g_autoptr(GHashTable) joined = state_of(late);
    assert_same_state(live, joined);

    /* The node itself holds every key once. */
    guint dropped = 0;
    g_autoptr(GPtrArray) items = roomctl_bus_fetch_items_sync(sc.mod, sc.room, &dropped, &error);
    if (!items)
        fail_msg("fetch: %s", error->message);
    assert_int_equal(dropped, 0);
    assert_int_equal(items->len, 4);
    roomctl_bus_free(bob);
    scene_end(&sc);
    fx->passed = TRUE;
}

static int group_setup(void **state) { return start_group(FALSE); }

int main(void)
{
    g_log_set_always_fatal(G_LOG_LEVEL_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_republish_retract_late_joiner, test_setup,
                                        test_teardown),
    };
    return cmocka_run_group_tests_name("storage as deployed", tests, group_setup,
                                       group_teardown);
}

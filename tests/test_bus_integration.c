/* libroomctl's bus against a real Prosody (tests/harness): connect, rooms,
 * publish, join, retract, purge, refusals, invalid items, isolation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "bus_private.h" /* rc_bus_send(): stanzas no well-behaved client sends */
#include "bus_fixture.h"
#include "raw_xmpp.h"

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
    assert_error(error, ROOMCTL_ERR_CONNECTION,
                 "as alice@localhost: the server does not offer TLS, and plain connections "
                 "are not allowed");
    g_clear_error(&error);

    /* Nobody listens there. */
    roomctl_bus_options options = {
        .jid = "alice@localhost", .password = "pw-alice", .host = "127.0.0.1", .port = 1,
        .allow_plaintext = TRUE, .request_timeout_ms = 3000 * slow,
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
    scene sc;
    scene_start(&sc, "live");
    roomctl_bus *mod = sc.mod;
    const char *room = sc.room;
    watcher *w = sc.w;
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
    settle(200 * slow);
    assert_int_equal(w->items->len, 2);
    assert_int_equal(get_bool(last_item(w), "enabled"), 1);
    assert_int_equal(w->dropped->len, 0);
    scene_end(&sc);
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

    /* The node holds the state only: events went to the room's transient
     * events node, which keeps nothing (tests/test_events.c). */
    guint dropped = 99;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) fetched = roomctl_bus_fetch_items_sync(mod, room, &dropped, &error);
    assert_non_null(fetched);
    assert_int_equal(dropped, 0);
    assert_int_equal(fetched->len, 2);

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
    /* The same item published again after the purge reaches the room again. */
    guint seen = w->items->len;
    publish(mod, room, "ui.button", "button=attach", "enabled=false", NULL);
    WAIT_UNTIL(w->items->len == seen + 1, WAIT_MS);
    assert_int_equal(w->items->len, seen + 1);
    g_autoptr(GPtrArray) again = roomctl_room_state(r);
    assert_int_equal(again->len, 1);
    assert_string_equal(roomctl_item_id(g_ptr_array_index(again, 0)), "ui.button:attach");

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
    roomctl_room *r = NULL;
    watcher *w = join_no_wait(alice, missing, &r);
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
    gboolean ok = raw_xmpp_publish(rc_server_port(fx->server), "mod@localhost", "pw-mod",
                                 RC_SERVER_PUBSUB, node, "ui.button:send",
                                 "<control xmlns='" ROOMCTL_NS "' type='ui.button' version='1'>"
                                 "<button>send</button><enabled>maybe</enabled></control>",
                                 &why);
    if (!ok)
        fail_msg("raw publish: %s", why);
    ok = raw_xmpp_publish(rc_server_port(fx->server), "mod@localhost", "pw-mod",
                        RC_SERVER_PUBSUB, node, "junk", "<junk xmlns='urn:other'/>", &why);
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
    settle(200 * slow);
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


static gboolean file_has(const char *path, const char *needle)
{
    g_autofree char *text = NULL;
    return g_file_get_contents(path, &text, NULL, NULL) && strstr(text, needle);
}

/* roomctl_bus_join_host(): the plugins see items, resets and purges. */
static void test_join_host(void **state)
{
    scene sc;
    scene_start(&sc, "host");
    const char *plugins = g_getenv("RC_PLUGIN_DIR");
    assert_non_null(plugins);
    g_autofree char *audit = g_build_filename(rc_server_dir(fx->server), "audit.jsonl", NULL);
    g_autofree char *yaml = g_strdup_printf("file: '%s'\n", audit);
    g_autoptr(GError) error = NULL;
    roomctl_config *config = roomctl_config_load_string("audit section", yaml, -1, &error);
    assert_non_null(config);
    roomctl_host *host = roomctl_host_new(fx->registry);
    if (!roomctl_host_add_plugin_dir(host, plugins, &error) ||
        !roomctl_host_load(host, "audit", config, &error))
        fail_msg("audit plugin: %s", error->message);

    publish(sc.mod, sc.room, "ui.button", "button=send", "enabled=false", NULL);
    roomctl_bus *bob = bus_as("bob");
    roomctl_room *r = roomctl_bus_join_host(bob, sc.room, host);
    WAIT_UNTIL(roomctl_room_is_synced(r), WAIT_MS);
    assert_true(roomctl_room_is_synced(r));
    assert_true(file_has(audit, "\"id\":\"ui.button:send\",\"publisher\":\"mod@localhost\","
                                "\"replay\":true"));

    publish(sc.mod, sc.room, "ui.button", "button=attach", "visible=false", NULL);
    WAIT_UNTIL(file_has(audit, "\"id\":\"ui.button:attach\""), WAIT_MS);
    assert_true(file_has(audit, "\"id\":\"ui.button:attach\",\"publisher\":\"mod@localhost\","
                                "\"replay\":false"));
    assert_true(roomctl_bus_retract_sync(sc.mod, sc.room, "ui.button:attach", &error));
    WAIT_UNTIL(file_has(audit, "\"event\":\"reset\""), WAIT_MS);
    assert_true(file_has(audit, "\"type\":\"ui.button\",\"id\":\"ui.button:attach\""));
    assert_true(roomctl_bus_purge_sync(sc.owner, sc.room, &error));
    WAIT_UNTIL(file_has(audit, "\"event\":\"purge\""), WAIT_MS);
    assert_true(file_has(audit, "\"event\":\"purge\""));

    roomctl_bus_free(bob);
    roomctl_host_free(host);
    roomctl_config_free(config);
    scene_end(&sc);
    fx->passed = TRUE;
}


/* A members-only room: outsiders are told who can let them in. */
static void test_members_only(void **state)
{
    roomctl_bus *owner = bus_as("owner");
    g_autofree char *room = new_room("members");
    g_autoptr(GError) error = NULL;
    roomctl_room_info *info = roomctl_bus_room_create_sync(owner, room, ROOMCTL_ACCESS_MEMBERS,
                                                           &error);
    assert_non_null(info);
    assert_true(has_config(info, "pubsub#access_model=whitelist"));
    roomctl_room_info_free(info);
    assert_true(roomctl_bus_room_grant_sync(owner, room, "mod@localhost",
                                            ROOMCTL_AFFILIATION_MODERATOR, &error));
    roomctl_bus *mod = bus_as("mod");
    publish(mod, room, "ui.button", "button=send", "enabled=false", NULL);

    roomctl_bus *bob = bus_as("bob");
    roomctl_room *r = NULL;
    watcher *w = join_no_wait(bob, room, &r);
    assert_non_null(w->sync_error);
    g_autofree char *expected = g_strdup_printf(
        "account bob@localhost may not subscribe to room %s; a room owner can run "
        "`roomctl room grant ROOM JID member`", room);
    if (!strstr(w->sync_error, expected))
        fail_msg("got \"%s\"", w->sync_error);
    roomctl_room_leave(r);

    assert_true(roomctl_bus_room_grant_sync(owner, room, "bob@localhost",
                                            ROOMCTL_AFFILIATION_MEMBER, &error));
    w = join(bob, room, NULL);
    assert_int_equal(w->items->len, 1);

    roomctl_bus_free(bob);
    roomctl_bus_free(mod);
    roomctl_bus_free(owner);
    fx->passed = TRUE;
}

/* Events are taken from the PubSub service only, whatever they hold. */
static void test_spoofed_event(void **state)
{
    scene sc;
    scene_start(&sc, "spoof");
    g_autofree char *node = roomctl_room_node_name(sc.room);
    g_autofree char *xml = g_markup_printf_escaped(
        "<message to='%s' type='headline'>"
        "<event xmlns='http://jabber.org/protocol/pubsub#event'><items node='%s'>"
        "<item id='ui.button:send' publisher='mod@localhost'>"
        "<control xmlns='urn:roomctl:0' type='ui.button' version='1'>"
        "<button>send</button><enabled>false</enabled></control>"
        "</item></items></event></message>",
        roomctl_bus_jid(sc.alice), node);
    rc_bus_send(sc.mod, xmpp_stanza_new_from_string(rc_bus_ctx(sc.mod), xml));
    WAIT_UNTIL(sc.w->dropped->len == 1, WAIT_MS);
    assert_int_equal(sc.w->dropped->len, 1);
    g_autofree char *expected = g_strdup_printf(
        "-: event from %s, not from the PubSub service pubsub.localhost", roomctl_bus_jid(sc.mod));
    assert_string_equal(g_ptr_array_index(sc.w->dropped, 0), expected);
    assert_int_equal(sc.w->items->len, 0);
    scene_end(&sc);
    fx->passed = TRUE;
}

/* The owner deletes the node: clients hear it and drop the state. */
static void test_node_deleted(void **state)
{
    scene sc;
    scene_start(&sc, "delete");
    roomctl_room *r = NULL;
    publish(sc.mod, sc.room, "ui.button", "button=send", "enabled=false", NULL);
    WAIT_UNTIL(sc.w->items->len == 1, WAIT_MS);
    roomctl_bus *bob = bus_as("bob");
    watcher *w = join(bob, sc.room, &r);
    assert_int_equal(w->items->len, 1);

    g_autofree char *node = roomctl_room_node_name(sc.room);
    g_autofree char *xml = g_markup_printf_escaped(
        "<iq type='set' to='pubsub.localhost' id='c1-delete'>"
        "<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><delete node='%s'/></pubsub>"
        "</iq>", node);
    rc_bus_send(sc.owner, xmpp_stanza_new_from_string(rc_bus_ctx(sc.owner), xml));
    WAIT_UNTIL(w->deleted == 1 && sc.w->deleted == 1, WAIT_MS);
    assert_int_equal(w->deleted, 1);
    assert_int_equal(sc.w->deleted, 1);
    assert_false(roomctl_room_is_synced(r));
    g_autoptr(GPtrArray) none = roomctl_room_state(r);
    assert_int_equal(none->len, 0);

    roomctl_bus_free(bob);
    scene_end(&sc);
    fx->passed = TRUE;
}

static int group_setup(void **state) { return start_group(FALSE); }

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
        cmocka_unit_test_setup_teardown(test_join_host, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_members_only, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_spoofed_event, test_setup, test_teardown),
        cmocka_unit_test_setup_teardown(test_node_deleted, test_setup, test_teardown),
    };
    return cmocka_run_group_tests_name("bus integration", tests, group_setup, group_teardown);
}

/* The receiver-side item checks without a server (bus/room/room_acl.c):
 * publisher, retraction and size checks and the drop reasons, each with the
 * message a user reads.  (Schema folder rights: test_registry.c; the agent's
 * access keys: test_agent_config.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "bus_private.h"
#include "room_acl.h"

#define ROOM "lobby@conference.localhost"
#define ITEM "<item id='ui.button:send' publisher='%s'>" \
             "<control xmlns='urn:roomctl:0' type='ui.button' version='1'>" \
             "<button>send</button></control></item>"

static roomctl_registry *registry;

static roomctl_bus *offline_bus(void)
{
    roomctl_bus_options options = { .jid = "screen@localhost", .allow_plaintext = TRUE };
    return roomctl_bus_new(&options, registry, NULL);
}

/* rc_acl_check_item() on @xml: NULL or the error (g_error_free). */
static GError *check(roomctl_bus *bus, const char *xml)
{
    xmpp_stanza_t *it = xmpp_stanza_new_from_string(rc_bus_ctx(bus), xml);
    assert_non_null(it);
    GError *why = rc_acl_check_item(bus, ROOM, it);
    xmpp_stanza_release(it);
    return why;
}

static void assert_message(GError *error, int code, const char *expected)
{
    assert_non_null(error);
    assert_int_equal(error->code, code);
    assert_string_equal(error->message, expected);
    g_error_free(error);
}

/* ---- Receiver-side checks ------------------------------------------------- */

static void test_publisher_checks(void **state)
{
    roomctl_bus *bus = offline_bus();
    g_autofree char *by_mod = g_strdup_printf(ITEM, "Mod@Localhost/laptop");
    g_autofree char *by_eve = g_strdup_printf(ITEM, "eve@localhost");
    const char *anonymous = "<item id='x'><control xmlns='urn:roomctl:0'/></item>";

    /* No list: everyone the server let publish. */
    assert_false(roomctl_bus_has_moderators(bus, ROOM));
    assert_null(check(bus, by_eve));

    /* The list for every room; case and resource do not matter. */
    const char *everywhere[] = { "mod@localhost", NULL };
    roomctl_bus_set_moderators(bus, NULL, everywhere);
    assert_true(roomctl_bus_has_moderators(bus, ROOM));
    assert_null(check(bus, by_mod));
    assert_message(check(bus, by_eve), ROOMCTL_ERR_NOT_MODERATOR,
                   "publisher eve@localhost is not a moderator of room " ROOM);
    /* A server that does not name publishers cannot be checked. */
    assert_null(check(bus, anonymous));

    /* A room's own list wins over the one for every room. */
    const char *own[] = { "eve@localhost/phone", NULL };
    roomctl_bus_set_moderators(bus, "LOBBY@conference.localhost", own);
    assert_null(check(bus, by_eve));
    assert_message(check(bus, by_mod), ROOMCTL_ERR_NOT_MODERATOR,
                   "publisher mod@localhost is not a moderator of room " ROOM);
    roomctl_bus_set_moderators(bus, ROOM, NULL);
    assert_null(check(bus, by_mod));
    roomctl_bus_set_moderators(bus, NULL, NULL);
    assert_false(roomctl_bus_has_moderators(bus, ROOM));
    roomctl_bus_free(bus);
}

/* A retraction is checked like an item: the account whose items are
 * dropped cannot reset keys either (issue 12). */
static void test_retract_checks(void **state)
{
    roomctl_bus *bus = offline_bus();
    const char *gate_only[] = { "gate.localhost", NULL };
    roomctl_bus_set_moderators(bus, NULL, gate_only);
    static const struct { const char *xml; const char *refusal; } cases[] = {
        { "<retract id='ui.button:send' publisher='gate.localhost'/>", NULL },
        { "<retract id='ui.button:send' publisher='Eve@localhost/phone'/>",
          "retraction by eve@localhost, who is not a moderator of room " ROOM },
        /* A server that names nobody: only its own rules hold. */
        { "<retract id='ui.button:send'/>", NULL },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        xmpp_stanza_t *retract = xmpp_stanza_new_from_string(rc_bus_ctx(bus), cases[i].xml);
        GError *why = rc_acl_check_retract(bus, ROOM, retract);
        xmpp_stanza_release(retract);
        if (cases[i].refusal)
            assert_message(why, ROOMCTL_ERR_NOT_MODERATOR, cases[i].refusal);
        else
            assert_null(why);
    }
    /* Items from the gate pass, items from anyone else do not. */
    g_autofree char *by_gate = g_strdup_printf(ITEM, "gate.localhost");
    g_autofree char *by_mod = g_strdup_printf(ITEM, "mod@localhost");
    assert_null(check(bus, by_gate));
    assert_message(check(bus, by_mod), ROOMCTL_ERR_NOT_MODERATOR,
                   "publisher mod@localhost is not a moderator of room " ROOM);
    roomctl_bus_free(bus);
}

static void test_size_limit(void **state)
{
    roomctl_bus *bus = offline_bus();
    g_autofree char *filler = g_strnfill(2000, 'x');
    g_autofree char *big = g_strdup_printf("<item id='n'><control xmlns='urn:roomctl:0'>"
                                           "<text>%s</text></control></item>", filler);
    assert_null(check(bus, big)); /* well under the default 1 MiB */
    roomctl_bus_set_max_item_size(bus, 1024);
    GError *why = check(bus, big);
    assert_non_null(why);
    assert_int_equal(why->code, ROOMCTL_ERR_TOO_LARGE);
    assert_non_null(strstr(why->message, "bytes, over the limit of 1024 bytes"));
    assert_string_equal(roomctl_drop_reason(why), "too-large");
    g_error_free(why);
    roomctl_bus_set_max_item_size(bus, 0); /* back to the default */
    assert_null(check(bus, big));
    roomctl_bus_free(bus);
}

static void test_drop_reasons(void **state)
{
    static const struct { int code; const char *reason; } cases[] = {
        { ROOMCTL_ERR_FORGED, "not-from-service" },
        { ROOMCTL_ERR_NOT_ALLOWED, "other" }, /* no longer doubles for a forged event */
        { ROOMCTL_ERR_NOT_MODERATOR, "not-a-moderator" },
        { ROOMCTL_ERR_TOO_LARGE, "too-large" },
        { ROOMCTL_ERR_INVALID_ITEM, "invalid" },
        { ROOMCTL_ERR_UNKNOWN_TYPE, "unknown-type" },
        { ROOMCTL_ERR_SERVER, "other" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) e = g_error_new_literal(ROOMCTL_ERROR, cases[i].code, "x");
        assert_string_equal(roomctl_drop_reason(e), cases[i].reason);
    }
    g_autoptr(GError) foreign = g_error_new_literal(G_FILE_ERROR, G_FILE_ERROR_NOENT, "x");
    assert_string_equal(roomctl_drop_reason(foreign), "other");
    assert_string_equal(roomctl_drop_reason(NULL), "other");
    assert_string_equal(roomctl_strerror(ROOMCTL_ERR_NOT_MODERATOR),
                        "publisher is not a moderator");
}

static int setup(void **state)
{
    registry = roomctl_registry_new();
    return 0;
}

static int teardown(void **state)
{
    roomctl_registry_free(registry);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_publisher_checks),
        cmocka_unit_test(test_retract_checks),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_drop_reasons),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/* A server that answers "retry later" (an error of type "wait", RFC 6120
 * 8.3.2), as an ejabberd cluster before 25.10 does when Mnesia aborts a
 * transaction over a lock cycle ("Database failure"): the bus sends the
 * request again, a bounded number of times, and a request the server keeps
 * refusing fails with the server's words.  The fault proxy stands in for
 * the busy server on chosen requests; everything else is a real Prosody. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "faults_fixture.h"

static const char *const accounts[] = { NULL };

static roomctl_room_info *create_through_proxy(const char *room, GError **error)
{
    roomctl_bus *owner = faults_bus_no_sm(FAULTS_OWNER, faults_proxy_port());
    roomctl_room_info *info = roomctl_bus_room_create_sync(owner, room, ROOMCTL_ACCESS_OPEN,
                                                           error);
    roomctl_bus_free(owner);
    return info;
}

static void test_create_retried(void **state)
{
    guint before = rc_tcp_proxy_answered_wait(ff.proxy);
    rc_tcp_proxy_answer_wait(ff.proxy, "<create", 2);
    g_autoptr(GError) error = NULL;
    roomctl_room_info *info = create_through_proxy("retry-1@" RC_SERVER_MUC, &error);
    if (!info)
        fail_msg("room create: %s", error->message);
    roomctl_room_info_free(info);
    assert_int_equal(rc_tcp_proxy_answered_wait(ff.proxy) - before, 2);

    /* The node is really there: a second bus sees it directly. */
    roomctl_bus *owner = faults_bus(FAULTS_OWNER, faults_server_port());
    info = roomctl_bus_room_show_sync(owner, "retry-1@" RC_SERVER_MUC, &error);
    if (!info)
        fail_msg("room show: %s", error->message);
    roomctl_room_info_free(info);
    roomctl_bus_free(owner);
}

static void test_gives_up_with_the_servers_words(void **state)
{
    guint before = rc_tcp_proxy_answered_wait(ff.proxy);
    rc_tcp_proxy_answer_wait(ff.proxy, "<create", 100);
    g_autoptr(GError) error = NULL;
    roomctl_room_info *info = create_through_proxy("retry-2@" RC_SERVER_MUC, &error);
    rc_tcp_proxy_answer_wait(ff.proxy, NULL, 0);
    assert_null(info);
    assert_non_null(error);
    assert_non_null(strstr(error->message, "Database failure"));
    /* Three attempts in all, then the error. */
    assert_int_equal(rc_tcp_proxy_answered_wait(ff.proxy) - before, 3);
}

static void test_publish_retried(void **state)
{
    g_autofree char *room = faults_room("retry-publish");
    roomctl_bus *mod = faults_bus_no_sm(FAULTS_MODERATOR, faults_proxy_port());
    guint before = rc_tcp_proxy_answered_wait(ff.proxy);
    rc_tcp_proxy_answer_wait(ff.proxy, "<publish", 1);
    roomctl_item *item = faults_button(7, FALSE, TRUE);
    g_autoptr(GError) error = NULL;
    if (!roomctl_bus_publish_sync(mod, room, item, &error))
        fail_msg("publish: %s", error->message);
    roomctl_item_unref(item);
    assert_int_equal(rc_tcp_proxy_answered_wait(ff.proxy) - before, 1);
    g_autoptr(GPtrArray) node = faults_node_state(mod, room);
    assert_int_equal(node->len, 1);
    assert_string_equal(roomctl_item_id(node->pdata[0]), "ui.button:k7");
    roomctl_bus_free(mod);
}

FAULTS_GROUP_FUNCTIONS(accounts)

int main(void)
{
    g_log_set_always_fatal(G_LOG_LEVEL_ERROR);
    roomctl_set_log_level(g_getenv("RC_TEST_VERBOSE") ? ROOMCTL_LOG_INFO : ROOMCTL_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_retried),
        cmocka_unit_test(test_gives_up_with_the_servers_words),
        cmocka_unit_test(test_publish_retried),
    };
    return cmocka_run_group_tests_name("retry later", tests, group_setup, group_teardown);
}

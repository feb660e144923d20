/* XEP-0030 service discovery (bus/disco.c): the requests, and answers as
 * servers send them, odd and broken ones included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "disco.h"

static xmpp_ctx_t *ctx;

static xmpp_stanza_t *parse(const char *xml)
{
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml);
    assert_non_null(stanza);
    return stanza;
}

static void test_requests(void **state)
{
    xmpp_stanza_t *iq = rc_disco_info_request(ctx, "pubsub.example");
    assert_string_equal(xmpp_stanza_get_type(iq), "get");
    assert_string_equal(xmpp_stanza_get_to(iq), "pubsub.example");
    assert_non_null(xmpp_stanza_get_child_by_name_and_ns(iq, "query", RC_NS_DISCO_INFO));
    xmpp_stanza_release(iq);
    iq = rc_disco_items_request(ctx, "example");
    assert_non_null(xmpp_stanza_get_child_by_name_and_ns(iq, "query", RC_NS_DISCO_ITEMS));
    xmpp_stanza_release(iq);
}

static void test_info(void **state)
{
    xmpp_stanza_t *reply = parse(
        "<iq type='result' id='1'><query xmlns='http://jabber.org/protocol/disco#info'>"
        "<identity category='conference' type='text'/>"
        "<identity category='pubsub' type='service' name='PubSub'/>"
        "<feature var='http://jabber.org/protocol/pubsub#persistent-items'/>"
        "<feature/><x xmlns='jabber:x:data'/></query></iq>");
    assert_true(rc_disco_has_identity(reply, "pubsub", "service"));
    assert_false(rc_disco_has_identity(reply, "pubsub", "pep"));
    assert_true(rc_disco_has_feature(reply, "http://jabber.org/protocol/pubsub#persistent-items"));
    assert_false(rc_disco_has_feature(reply, "http://jabber.org/protocol/pubsub#purge-nodes"));
    xmpp_stanza_release(reply);

    /* Features outside the disco#info query do not count. */
    reply = parse("<iq type='result' id='1'><query xmlns='urn:other'>"
                  "<identity category='pubsub' type='service'/>"
                  "<feature var='x'/></query></iq>");
    assert_false(rc_disco_has_identity(reply, "pubsub", "service"));
    assert_false(rc_disco_has_feature(reply, "x"));
    xmpp_stanza_release(reply);
    assert_false(rc_disco_has_feature(NULL, "x"));
}

static void test_items(void **state)
{
    xmpp_stanza_t *reply = parse(
        "<iq type='result' id='1'><query xmlns='http://jabber.org/protocol/disco#items'>"
        "<item jid='conference.example'/><item name='no jid'/><other jid='x'/>"
        "<item jid='pubsub.example' node='n'/></query></iq>");
    GPtrArray *jids = rc_disco_item_jids(reply);
    assert_int_equal(jids->len, 2);
    assert_string_equal(jids->pdata[0], "conference.example");
    assert_string_equal(jids->pdata[1], "pubsub.example");
    g_ptr_array_unref(jids);
    xmpp_stanza_release(reply);

    /* An error answer, or none, lists nothing. */
    reply = parse("<iq type='error' id='1'><error type='cancel'/></iq>");
    jids = rc_disco_item_jids(reply);
    assert_int_equal(jids->len, 0);
    g_ptr_array_unref(jids);
    xmpp_stanza_release(reply);
    jids = rc_disco_item_jids(NULL);
    assert_int_equal(jids->len, 0);
    g_ptr_array_unref(jids);
}

int main(void)
{
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests),
        cmocka_unit_test(test_info),
        cmocka_unit_test(test_items),
    };
    int failed = cmocka_run_group_tests_name("service discovery", tests, NULL, NULL);
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return failed;
}

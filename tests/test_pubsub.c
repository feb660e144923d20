/* XEP-0060 requests and the server's errors in a moderator's words
 * (bus/xmpp/pubsub.c), from stanzas as a server might send them, broken ones
 * included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "pubsub.h"

static xmpp_ctx_t *ctx;

static xmpp_stanza_t *parse(const char *xml)
{
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml);
    assert_non_null(stanza);
    return stanza;
}

/* The message rc_pubsub_check() gives for @xml, with its code. */
static char *check(const char *xml, rc_pubsub_op op, const char *detail, int *code)
{
    xmpp_stanza_t *reply = parse(xml);
    GError *error = NULL;
    gboolean ok = rc_pubsub_check(reply, op, "r@muc.example", "a@example", detail, &error);
    xmpp_stanza_release(reply);
    if (ok) {
        *code = 0;
        return NULL;
    }
    *code = error->code;
    char *message = g_strdup(error->message);
    g_error_free(error);
    return message;
}

#define ERROR_IQ(cond, extra) \
    "<iq type='error' from='pubsub.example' id='x'><error type='auth'><" cond \
    " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>" extra "</error></iq>"

static void test_result_is_ok(void **state)
{
    int code = -1;
    assert_null(check("<iq type='result' from='pubsub.example' id='x'/>", RC_OP_PUBLISH, NULL,
                      &code));
    assert_int_equal(code, 0);
}

static void test_refusals_in_words(void **state)
{
    int code;
    g_autofree char *forbidden = check(ERROR_IQ("forbidden", ""), RC_OP_PUBLISH, NULL, &code);
    assert_int_equal(code, ROOMCTL_ERR_NOT_ALLOWED);
    assert_string_equal(forbidden, "account a@example may not publish to room r@muc.example; a "
                                   "room owner can run `roomctl room grant ROOM JID moderator`");

    g_autofree char *create = check(ERROR_IQ("forbidden", ""), RC_OP_CREATE, NULL, &code);
    assert_string_equal(create, "account a@example may not create the roomctl node of room "
                                "r@muc.example; the server must let the account create PubSub "
                                "nodes (Prosody: an admin of the PubSub service; ejabberd: "
                                "mod_pubsub's access_createnode rule)");

    g_autofree char *closed = check(ERROR_IQ("not-authorized", ""), RC_OP_SUBSCRIBE, NULL, &code);
    assert_int_equal(code, ROOMCTL_ERR_NOT_ALLOWED);
    assert_string_equal(closed, "account a@example may not subscribe to room r@muc.example; a "
                                "room owner can run `roomctl room grant ROOM JID member`");

    g_autofree char *missing = check(ERROR_IQ("item-not-found", ""), RC_OP_PUBLISH, NULL, &code);
    assert_int_equal(code, ROOMCTL_ERR_NOT_FOUND);
    assert_string_equal(missing, "room r@muc.example has no roomctl node; run `roomctl room "
                                 "create r@muc.example`");

    g_autofree char *item = check(ERROR_IQ("item-not-found", ""), RC_OP_RETRACT, "ui.button:x",
                                  &code);
    assert_int_equal(code, ROOMCTL_ERR_NOT_FOUND);
    assert_string_equal(item, "room r@muc.example has no item 'ui.button:x'");

    /* ejabberd's bare refusal of a payload over its limit. */
    g_autofree char *big = check(ERROR_IQ("not-acceptable", ""), RC_OP_PUBLISH, "260000 bytes",
                                 &code);
    assert_int_equal(code, ROOMCTL_ERR_SERVER);
    assert_string_equal(big, "the server refused the item for room r@muc.example as too large "
                             "(260000 bytes encoded; ejabberd takes at most "
                             "pubsub#max_payload_size, 250,000 bytes by default; `roomctl "
                             "doctor ROOM` shows the node's limit)");
}

static void test_other_errors(void **state)
{
    int code;
    g_autofree char *gone = check(ERROR_IQ("service-unavailable", ""), RC_OP_FETCH, NULL, &code);
    assert_int_equal(code, ROOMCTL_ERR_SERVER);
    assert_string_equal(gone, "the PubSub service pubsub.example cannot read room r@muc.example: "
                              "service-unavailable");

    g_autofree char *big = check(
        ERROR_IQ("not-acceptable", "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>"
                                   "payload too big</text>"),
        RC_OP_PUBLISH, NULL, &code);
    assert_int_equal(code, ROOMCTL_ERR_SERVER);
    assert_string_equal(big, "the server refused the item for room r@muc.example as too large "
                             "(size unknown; ejabberd takes at most pubsub#max_payload_size, "
                             "250,000 bytes by default; `roomctl doctor ROOM` shows the node's "
                             "limit) (server: payload too big)");
    g_autofree char *other = check(ERROR_IQ("not-acceptable", ""), RC_OP_SUBSCRIBE, NULL, &code);
    assert_string_equal(other, "the server refused to subscribe to room r@muc.example: "
                               "not-acceptable");
}

/* Error stanzas without a condition, or without <error/> at all. */
static void test_broken_errors(void **state)
{
    int code;
    g_autofree char *bare = check("<iq type='error' id='x'/>", RC_OP_PURGE, NULL, &code);
    assert_int_equal(code, ROOMCTL_ERR_SERVER);
    assert_string_equal(bare, "the server refused to purge room r@muc.example: "
                              "undefined-condition");

    g_autofree char *text_only = check(
        "<iq type='error' id='x'><error><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>"
        "odd</text><foo xmlns='urn:other'/></error></iq>",
        RC_OP_GRANT, NULL, &code);
    assert_string_equal(text_only, "the server refused to change affiliations of room "
                                   "r@muc.example: undefined-condition (server: odd)");

    g_autofree char *no_type = check("<iq id='x'/>", RC_OP_SHOW, NULL, &code);
    assert_int_equal(code, ROOMCTL_ERR_SERVER);
}

static void test_answers(void **state)
{
    xmpp_stanza_t *reply = parse(
        "<iq type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
        "<items node='n'><item id='1'/></items></pubsub></iq>");
    assert_non_null(rc_pubsub_answer(reply, RC_NS_PUBSUB, "items"));
    assert_null(rc_pubsub_answer(reply, RC_NS_PUBSUB_OWNER, "items"));
    assert_null(rc_pubsub_answer(reply, RC_NS_PUBSUB, "affiliations"));
    xmpp_stanza_release(reply);
    reply = parse("<iq type='result'/>");
    assert_null(rc_pubsub_answer(reply, RC_NS_PUBSUB, "items"));
    xmpp_stanza_release(reply);
}

static char *text_of(xmpp_stanza_t *stanza)
{
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(xmpp_stanza_to_text(stanza, &buf, &len), XMPP_EOK);
    char *copy = g_strdup(buf);
    xmpp_free(ctx, buf);
    xmpp_stanza_release(stanza);
    return copy;
}

static void test_requests(void **state)
{
    g_autofree char *create = text_of(rc_pubsub_create(ctx, "ps.example", "roomctl/r@m",
                                                       ROOMCTL_ACCESS_MEMBERS));
    assert_non_null(strstr(create, "to=\"ps.example\""));
    assert_non_null(strstr(create, "<create node=\"roomctl/r@m\"/><configure>"));
    assert_non_null(strstr(create, "<field var=\"pubsub#publish_model\"><value>publishers</value>"));
    assert_non_null(strstr(create, "<field var=\"pubsub#access_model\"><value>whitelist</value>"));
    assert_non_null(strstr(create, "<field var=\"pubsub#max_items\"><value>max</value>"));
    assert_non_null(strstr(create, "<field var=\"pubsub#send_last_published_item\"><value>never"));

    g_autofree char *retract = text_of(rc_pubsub_retract(ctx, "ps.example", "n", "ui.button:x"));
    assert_non_null(strstr(retract, "notify=\"true\""));
    assert_non_null(strstr(retract, "<item id=\"ui.button:x\"/></retract>"));

    g_autofree char *grant = text_of(rc_pubsub_set_affiliation(ctx, "ps.example", "n", "b@example",
                                                               ROOMCTL_AFFILIATION_MODERATOR));
    assert_non_null(strstr(grant, "http://jabber.org/protocol/pubsub#owner"));
    assert_non_null(strstr(grant, "jid=\"b@example\""));
    assert_non_null(strstr(grant, "affiliation=\"publisher\""));

    /* One field only: what the gate sends where the server has itemreply. */
    g_autofree char *one = text_of(rc_pubsub_configure_one(ctx, "ps.example", "n",
                                                           "pubsub#itemreply", "publisher"));
    assert_non_null(strstr(one, "<configure node=\"n\">"));
    assert_non_null(strstr(one, "<field var=\"pubsub#itemreply\"><value>publisher</value>"));
    assert_null(strstr(one, "pubsub#publish_model"));
}

static void test_names(void **state)
{
    for (int a = ROOMCTL_AFFILIATION_NONE; a <= ROOMCTL_AFFILIATION_OWNER; a++)
        assert_int_equal(rc_affiliation_from_name(rc_affiliation_name(a)), a);
    assert_int_equal(rc_affiliation_from_name("outcast"), ROOMCTL_AFFILIATION_NONE);
    assert_int_equal(rc_affiliation_from_name(NULL), ROOMCTL_AFFILIATION_NONE);
    assert_string_equal(rc_affiliation_name((roomctl_affiliation)99), "none");

    g_autofree char *node = roomctl_room_node_name("Team@Conference.Example/nick");
    assert_string_equal(node, "roomctl/team@conference.example");
}

int main(void)
{
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_result_is_ok),
        cmocka_unit_test(test_refusals_in_words),
        cmocka_unit_test(test_other_errors),
        cmocka_unit_test(test_broken_errors),
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_requests),
        cmocka_unit_test(test_names),
    };
    int failed = cmocka_run_group_tests_name("pubsub", tests, NULL, NULL);
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return failed;
}

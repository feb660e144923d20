/* The gate's request/answer protocol (bus/gate_proto.c), without a server:
 * requests round-trip, broken requests are named, every error code comes
 * back as the same code with the gate's words, and a server's bounce for an
 * absent gate reads as "not available". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "gate_proto.h"

static xmpp_ctx_t *ctx;

static xmpp_stanza_t *parse(const char *xml)
{
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml);
    assert_non_null(stanza);
    return stanza;
}

static void test_publish_round_trip(void **state)
{
    xmpp_stanza_t *control = parse("<control xmlns='urn:roomctl:0' type='ui.button' "
                                   "version='1'><button>send</button></control>");
    xmpp_stanza_t *iq = rc_gate_request_new(ctx, "gate.example", RC_GATE_PUBLISH,
                                            "Lobby@muc.example", NULL, control);
    xmpp_stanza_release(control);
    xmpp_stanza_set_id(iq, "g1"); /* rc_conn_send_iq() gives one */
    /* As it travels: through text. */
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(xmpp_stanza_to_text(iq, &text, &len), 0);
    if (!strstr(text, "<publish room=\"Lobby@muc.example\" xmlns=\"urn:roomctl:gate:0\">"))
        fail_msg("unexpected request: %s", text);
    xmpp_stanza_t *back = parse(text);
    xmpp_free(ctx, text);
    xmpp_stanza_set_from(back, "alice@example/phone");
    rc_gate_request req;
    GError *error = NULL;
    assert_true(rc_gate_request_parse(back, &req, &error));
    assert_null(error);
    assert_int_equal(req.op, RC_GATE_PUBLISH);
    assert_string_equal(req.room, "Lobby@muc.example");
    assert_null(req.item_id);
    assert_string_equal(xmpp_stanza_get_attribute(req.control, "type"), "ui.button");

    xmpp_stanza_t *result = rc_gate_result(ctx, back, RC_GATE_PUBLISH, "lobby@muc.example",
                                           "ui.button:send");
    assert_string_equal(xmpp_stanza_get_to(result), "alice@example/phone");
    assert_string_equal(xmpp_stanza_get_id(result), xmpp_stanza_get_id(iq));
    char *id = NULL;
    assert_true(rc_gate_check_reply(result, "gate.example", &id, &error));
    assert_string_equal(id, "ui.button:send");
    g_free(id);
    xmpp_stanza_release(result);
    xmpp_stanza_release(back);
    xmpp_stanza_release(iq);
}

static void test_retract_and_purge(void **state)
{
    xmpp_stanza_t *iq = rc_gate_request_new(ctx, "gate.example", RC_GATE_RETRACT,
                                            "r@muc.example", "ui.button:send", NULL);
    xmpp_stanza_set_from(iq, "a@example/x"); /* the server always says who asks */
    rc_gate_request req;
    assert_true(rc_gate_request_parse(iq, &req, NULL));
    assert_int_equal(req.op, RC_GATE_RETRACT);
    assert_string_equal(req.item_id, "ui.button:send");
    xmpp_stanza_release(iq);
    iq = rc_gate_request_new(ctx, "gate.example", RC_GATE_PURGE, "r@muc.example", NULL, NULL);
    xmpp_stanza_set_from(iq, "a@example/x");
    assert_true(rc_gate_request_parse(iq, &req, NULL));
    assert_int_equal(req.op, RC_GATE_PURGE);
    xmpp_stanza_t *result = rc_gate_result(ctx, iq, RC_GATE_PURGE, "r@muc.example", NULL);
    char *id = (char *)"unset";
    assert_true(rc_gate_check_reply(result, "gate.example", &id, NULL));
    assert_null(id);
    xmpp_stanza_release(result);
    xmpp_stanza_release(iq);
}

/* The message rc_gate_request_parse() gives for @xml, or NULL when it is not
 * a gate request at all. */
static char *parse_error(const char *xml)
{
    xmpp_stanza_t *iq = parse(xml);
    rc_gate_request req;
    GError *error = NULL;
    gboolean ok = rc_gate_request_parse(iq, &req, &error);
    xmpp_stanza_release(iq);
    assert_false(ok);
    if (!error)
        return NULL;
    assert_int_equal(error->code, ROOMCTL_ERR_CONFIG);
    char *message = g_strdup(error->message);
    g_error_free(error);
    return message;
}

static void test_broken_requests(void **state)
{
    /* Not for the gate: other namespaces, gets, results. */
    assert_null(parse_error("<iq type='set' id='1'><query xmlns='jabber:iq:version'/></iq>"));
    assert_null(parse_error("<iq type='get' id='1'><publish xmlns='urn:roomctl:gate:0' "
                            "room='r@m'/></iq>"));
    assert_null(parse_error("<message><publish xmlns='urn:roomctl:gate:0' room='r@m'/></message>"));
    assert_null(parse_error("<iq type='set' id='1'/>"));
    static const struct { const char *xml, *message; } cases[] = {
        { "<iq type='set' id='1'><publish xmlns='urn:roomctl:gate:0'><control/></publish></iq>",
          "the <publish/> request names no room (attribute 'room')" },
        { "<iq type='set' id='1'><publish xmlns='urn:roomctl:gate:0' room=''><control/>"
          "</publish></iq>", "the <publish/> request names no room (attribute 'room')" },
        { "<iq type='set' id='1'><publish xmlns='urn:roomctl:gate:0' room='r@m'/></iq>",
          "the <publish/> request must carry exactly one <control/> element, got 0" },
        { "<iq type='set' id='1'><publish xmlns='urn:roomctl:gate:0' room='r@m'><control/>"
          "<control/></publish></iq>",
          "the <publish/> request must carry exactly one <control/> element, got 2" },
        { "<iq type='set' id='1'><retract xmlns='urn:roomctl:gate:0' room='r@m'/></iq>",
          "the <retract/> request names no item (attribute 'item')" },
        { "<iq type='set' id='1'><delete xmlns='urn:roomctl:gate:0' room='r@m'/></iq>",
          "unknown gate request <delete/>; expected publish, retract or purge" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *message = parse_error(cases[i].xml);
        assert_non_null(message);
        assert_string_equal(message, cases[i].message);
    }
}

static void test_errors_round_trip(void **state)
{
    static const int codes[] = {
        ROOMCTL_ERR_NOT_ALLOWED, ROOMCTL_ERR_INVALID_ITEM, ROOMCTL_ERR_UNKNOWN_TYPE,
        ROOMCTL_ERR_CONFIG, ROOMCTL_ERR_NOT_FOUND, ROOMCTL_ERR_TIMEOUT,
        ROOMCTL_ERR_CONNECTION, ROOMCTL_ERR_SERVER,
    };
    xmpp_stanza_t *iq = parse("<iq type='set' id='r1' from='a@example/x' to='gate.example'>"
                              "<purge xmlns='urn:roomctl:gate:0' room='r@m'/></iq>");
    for (gsize i = 0; i < G_N_ELEMENTS(codes); i++) {
        GError *why = g_error_new(ROOMCTL_ERROR, codes[i], "words for %d & <co>", codes[i]);
        xmpp_stanza_t *reply = rc_gate_error(ctx, iq, why);
        assert_string_equal(xmpp_stanza_get_type(reply), "error");
        assert_string_equal(xmpp_stanza_get_to(reply), "a@example/x");
        GError *back = NULL;
        assert_false(rc_gate_check_reply(reply, "gate.example", NULL, &back));
        assert_int_equal(back->code, codes[i]);
        assert_string_equal(back->message, why->message);
        g_error_free(back);
        g_error_free(why);
        xmpp_stanza_release(reply);
    }
    /* An item error names the field as data too. */
    GError *why = g_error_new_literal(ROOMCTL_ERROR, ROOMCTL_ERR_INVALID_ITEM,
                                      "slideshow.slide: field 'index': expected int, got 'three'");
    xmpp_stanza_t *reply = rc_gate_error(ctx, iq, why);
    xmpp_stanza_t *failure = xmpp_stanza_get_child_by_path(reply, "iq", "error", "failure", NULL);
    assert_non_null(failure);
    assert_string_equal(xmpp_stanza_get_attribute(failure, "code"), "invalid-item");
    assert_string_equal(xmpp_stanza_get_attribute(failure, "field"), "index");
    xmpp_stanza_release(reply);
    g_error_free(why);
    xmpp_stanza_release(iq);
}

static int check_code(const char *xml, char **message)
{
    xmpp_stanza_t *reply = parse(xml);
    GError *error = NULL;
    assert_false(rc_gate_check_reply(reply, "gate.example", NULL, &error));
    xmpp_stanza_release(reply);
    int code = error->code;
    *message = g_strdup(error->message);
    g_error_free(error);
    return code;
}

static void test_server_answers_for_absent_gate(void **state)
{
    g_autofree char *m1 = NULL, *m2 = NULL, *m3 = NULL, *m4 = NULL;
    /* Prosody, the component not connected. */
    assert_int_equal(check_code("<iq type='error' from='gate.example' id='1'><error type='wait'>"
                                "<remote-server-timeout xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                                "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Component "
                                "unavailable</text></error></iq>", &m1),
                     ROOMCTL_ERR_CONNECTION);
    assert_string_equal(m1, "the gate gate.example is not available (not connected to the server)");
    assert_int_equal(check_code("<iq type='error' id='1'><error type='cancel'>"
                                "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                                "</error></iq>", &m2), ROOMCTL_ERR_CONNECTION);
    /* Something else that is not the gate's own answer. */
    assert_int_equal(check_code("<iq type='error' id='1'><error type='cancel'>"
                                "<bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                                "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>odd</text>"
                                "</error></iq>", &m3), ROOMCTL_ERR_SERVER);
    assert_string_equal(m3, "the gate gate.example answered: odd");
    /* Broken: no error element, an unknown failure code. */
    assert_int_equal(check_code("<iq type='error' id='1'/>", &m4), ROOMCTL_ERR_SERVER);
    g_free(m4);
    assert_int_equal(check_code("<iq type='error' id='1'><error type='cancel'>"
                                "<failure xmlns='urn:roomctl:gate:0' code='from-the-future'/>"
                                "</error></iq>", &m4), ROOMCTL_ERR_SERVER);
}

static void test_error_field(void **state)
{
    g_autofree char *a = rc_gate_error_field("ui.button: field 'enabled' is given more than once");
    assert_string_equal(a, "enabled");
    g_autofree char *b = rc_gate_error_field("ui.button: unknown field 'colour'");
    assert_string_equal(b, "colour");
    assert_null(rc_gate_error_field("unknown control type 'ui.slider'"));
    assert_null(rc_gate_error_field("field ''"));
    assert_null(rc_gate_error_field("field 'unterminated"));
    assert_null(rc_gate_error_field(NULL));
}

int main(void)
{
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_publish_round_trip),
        cmocka_unit_test(test_retract_and_purge),
        cmocka_unit_test(test_broken_requests),
        cmocka_unit_test(test_errors_round_trip),
        cmocka_unit_test(test_server_answers_for_absent_gate),
        cmocka_unit_test(test_error_field),
    };
    int failed = cmocka_run_group_tests_name("gate_proto", tests, NULL, NULL);
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return failed;
}

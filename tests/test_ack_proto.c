/* Acknowledgements, announcements, tracking and status (bus/ack_proto.c,
 * bus/ack_report.c), without a server: each message round-trips through
 * text, and broken ones are refused naming what is wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "ack_proto.h"

static xmpp_ctx_t *ctx;

static xmpp_stanza_t *parse(const char *xml)
{
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml);
    assert_non_null(stanza);
    return stanza;
}

/* @stanza as it travels: to text and back (released). */
static xmpp_stanza_t *travel(xmpp_stanza_t *stanza)
{
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(xmpp_stanza_to_text(stanza, &text, &len), 0);
    xmpp_stanza_release(stanza);
    xmpp_stanza_t *back = parse(text);
    xmpp_free(ctx, text);
    return back;
}

static void test_ack_round_trip(void **state)
{
    GPtrArray *acks = g_ptr_array_new_with_free_func(rc_ack_free);
    g_ptr_array_add(acks, rc_ack_new("lobby@muc.example", RC_GATE_PUBLISH,
                                     "slideshow.slide:main", RC_ACK_FAILED, "slideshow",
                                     "image is not a PNG or JPEG"));
    g_ptr_array_add(acks, rc_ack_new("lobby@muc.example", RC_GATE_RETRACT, "ui.button:send",
                                     RC_ACK_APPLIED, NULL, NULL));
    g_ptr_array_add(acks, rc_ack_new("lobby@muc.example", RC_GATE_PURGE, NULL, RC_ACK_APPLIED,
                                     NULL, NULL));
    xmpp_stanza_t *msg = travel(rc_ack_message_new(ctx, "gate.example", acks));
    assert_string_equal(xmpp_stanza_get_to(msg), "gate.example");
    GError *error = NULL;
    g_autoptr(GPtrArray) back = rc_ack_message_parse(msg, &error);
    assert_null(error);
    assert_non_null(back);
    assert_int_equal(back->len, 3);
    const rc_ack *a = back->pdata[0], *b = back->pdata[1], *c = back->pdata[2];
    assert_int_equal(a->op, RC_GATE_PUBLISH);
    assert_int_equal(a->result, RC_ACK_FAILED);
    assert_string_equal(a->item, "slideshow.slide:main");
    assert_string_equal(a->plugin, "slideshow");
    assert_string_equal(a->reason, "image is not a PNG or JPEG");
    assert_int_equal(b->op, RC_GATE_RETRACT);
    assert_string_equal(b->item, "ui.button:send");
    assert_null(b->reason);
    assert_int_equal(c->op, RC_GATE_PURGE);
    assert_null(c->item);
    xmpp_stanza_release(msg);
    g_ptr_array_unref(acks);
}

static void test_broken_acks(void **state)
{
    static const struct { const char *xml, *expect; } cases[] = {
        { "<message><ack xmlns='urn:roomctl:ack:0' item='a:b' result='applied'/></message>",
          "names no room" },
        { "<message><ack xmlns='urn:roomctl:ack:0' room='r@m' result='applied'/></message>",
          "names no item" },
        { "<message><ack xmlns='urn:roomctl:ack:0' room='r@m' item='x' result='fine'/></message>",
          "expected applied, failed, unsupported or dropped, got 'fine'" },
        { "<message><ack xmlns='urn:roomctl:ack:0' room='r@m' item='x'/></message>",
          "got '(none)'" },
        /* gone and waiting exist only in reports */
        { "<message><ack xmlns='urn:roomctl:ack:0' room='r@m' item='x' result='gone'/></message>",
          "got 'gone'" },
        { "<message><ack xmlns='urn:roomctl:ack:0' room='r@m' item='x' op='delete' "
          "result='applied'/></message>", "attribute 'op'" },
        /* one bad <ack/> spoils the message */
        { "<message><ack xmlns='urn:roomctl:ack:0' room='r@m' item='x' result='applied'/>"
          "<ack xmlns='urn:roomctl:ack:0' room='r@m' result='applied'/></message>",
          "names no item" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        xmpp_stanza_t *msg = parse(cases[i].xml);
        GError *error = NULL;
        GPtrArray *acks = rc_ack_message_parse(msg, &error);
        assert_null(acks);
        assert_non_null(error);
        if (!strstr(error->message, cases[i].expect))
            fail_msg("case %u: '%s' does not say '%s'", i, error->message, cases[i].expect);
        g_error_free(error);
        xmpp_stanza_release(msg);
    }
    /* Not acknowledgements at all: nothing, no error. */
    const char *none[] = {
        "<message><body>hello</body></message>",
        "<message type='error'><ack xmlns='urn:roomctl:ack:0' room='r' item='x' "
        "result='applied'/></message>",
        "<message><ack xmlns='urn:other' room='r' item='x' result='applied'/></message>",
        "<presence/>",
    };
    for (guint i = 0; i < G_N_ELEMENTS(none); i++) {
        xmpp_stanza_t *msg = parse(none[i]);
        GError *error = NULL;
        assert_null(rc_ack_message_parse(msg, &error));
        assert_null(error);
        xmpp_stanza_release(msg);
    }
}

static void test_announce_round_trip(void **state)
{
    rc_announce *a = rc_announce_new();
    rc_announce_add_room(a, "Lobby@muc.example", TRUE);
    rc_announce_add_room(a, "hall@muc.example", FALSE);
    rc_announce_add_type(a, "slideshow.slide", "1 2");
    rc_announce_add_type(a, "ui.button", "1");
    rc_announce_add_plugin(a, "slideshow", "1.0");
    xmpp_stanza_t *p = travel(rc_announce_presence_new(ctx, "gate.example", a));
    rc_announce_free(a);
    assert_string_equal(xmpp_stanza_get_to(p), "gate.example");
    gboolean ignored = TRUE;
    GError *error = NULL;
    rc_announce *back = rc_announce_parse(p, &ignored, &error);
    assert_null(error);
    assert_false(ignored);
    assert_non_null(back);
    assert_int_equal(back->rooms->len, 2);
    assert_int_equal(rc_announce_room_synced(back, "lobby@muc.example"), 1);
    assert_int_equal(rc_announce_room_synced(back, "HALL@muc.example"), 0);
    assert_int_equal(rc_announce_room_synced(back, "other@muc.example"), -1);
    assert_true(rc_announce_handles(back, "slideshow.slide", 2));
    assert_true(rc_announce_handles(back, "slideshow.slide", 0));
    assert_false(rc_announce_handles(back, "slideshow.slide", 3));
    assert_false(rc_announce_handles(back, "ui.button", 2));
    assert_false(rc_announce_handles(back, "chat.power", 1));
    assert_int_equal(back->plugins->len, 1);
    const rc_announce_entry *plugin = back->plugins->pdata[0];
    assert_string_equal(plugin->name, "slideshow");
    assert_string_equal(plugin->version, "1.0");
    rc_announce_free(back);
    xmpp_stanza_release(p);
}

static void test_announce_gone_and_broken(void **state)
{
    gboolean ignored;
    GError *error = NULL;
    /* Gone: unavailable (the server's, after a lost session), or no <client/>. */
    const char *gone[] = { "<presence type='unavailable' from='k@e/s'/>", "<presence/>" };
    for (guint i = 0; i < G_N_ELEMENTS(gone); i++) {
        xmpp_stanza_t *p = parse(gone[i]);
        assert_null(rc_announce_parse(p, &ignored, &error));
        assert_null(error);
        assert_false(ignored);
        xmpp_stanza_release(p);
    }
    xmpp_stanza_t *probe = parse("<presence type='error'><client xmlns='urn:roomctl:ack:0'/>"
                                 "</presence>");
    assert_null(rc_announce_parse(probe, &ignored, &error));
    assert_true(ignored);
    xmpp_stanza_release(probe);
    static const struct { const char *xml, *expect; } cases[] = {
        { "<presence><client xmlns='urn:roomctl:ack:0'><room/></client></presence>",
          "a <room/> names no jid" },
        { "<presence><client xmlns='urn:roomctl:ack:0'><handles versions='1'/></client></presence>",
          "a <handles/> names no type" },
        { "<presence><client xmlns='urn:roomctl:ack:0'><handles type='a.b'/></client></presence>",
          "got '(none)'" },
        { "<presence><client xmlns='urn:roomctl:ack:0'><handles type='a.b' versions='1 two'/>"
          "</client></presence>", "got '1 two'" },
        { "<presence><client xmlns='urn:roomctl:ack:0'><handles type='a.b' versions='0'/>"
          "</client></presence>", "expected numbers separated by spaces" },
        { "<presence><client xmlns='urn:roomctl:ack:0'><plugin version='1'/></client></presence>",
          "a <plugin/> has no name" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        xmpp_stanza_t *p = parse(cases[i].xml);
        assert_null(rc_announce_parse(p, &ignored, &error));
        assert_non_null(error);
        if (!strstr(error->message, cases[i].expect))
            fail_msg("case %u: '%s' does not say '%s'", i, error->message, cases[i].expect);
        g_clear_error(&error);
        xmpp_stanza_release(p);
    }
    /* Unknown children are room for later versions. */
    xmpp_stanza_t *later = parse("<presence><client xmlns='urn:roomctl:ack:0'><colour/>"
                                 "</client></presence>");
    rc_announce *a = rc_announce_parse(later, &ignored, &error);
    assert_non_null(a);
    rc_announce_free(a);
    xmpp_stanza_release(later);
    xmpp_stanza_t *req = travel(rc_announce_request_new(ctx, "k@e/s"));
    assert_true(rc_announce_request_is(req));
    xmpp_stanza_release(req);
}

static void test_tracking(void **state)
{
    xmpp_stanza_t *iq = rc_gate_request_new(ctx, "gate.example", RC_GATE_RETRACT, "r@m", "a:b",
                                            NULL);
    rc_track_add(iq, 12, TRUE);
    iq = travel(iq);
    guint seconds = 0;
    gboolean all = FALSE;
    assert_true(rc_track_parse(iq, &seconds, &all));
    assert_int_equal(seconds, 12);
    assert_true(all);
    /* The gate still reads the request: <track/> is not a second <control/>. */
    xmpp_stanza_t *control = parse("<control xmlns='urn:roomctl:0' type='ui.button' version='1'>"
                                   "<button>send</button></control>");
    xmpp_stanza_t *publish = rc_gate_request_new(ctx, "gate.example", RC_GATE_PUBLISH, "r@m",
                                                 NULL, control);
    xmpp_stanza_release(control);
    xmpp_stanza_set_type(publish, "set");
    rc_track_add(publish, 5, FALSE);
    publish = travel(publish);
    rc_gate_request req;
    GError *error = NULL;
    assert_true(rc_gate_request_parse(publish, &req, &error));
    assert_string_equal(xmpp_stanza_get_name(req.control), "control");
    assert_true(rc_track_parse(publish, &seconds, &all));
    assert_int_equal(seconds, 5);
    xmpp_stanza_release(publish);
    xmpp_stanza_release(iq);
    /* Out of range or unreadable: clamped or the default. */
#define TRACK(attrs) "<iq><purge xmlns='urn:roomctl:gate:0'><track xmlns='urn:roomctl:ack:0'" \
                     attrs "/></purge></iq>"
    const struct { const char *xml; guint seconds; } clamp[] = {
        { TRACK(" seconds='100000'"), RC_TRACK_MAX_S },
        { TRACK(" seconds='0'"), RC_TRACK_DEFAULT_S },
        { TRACK(" seconds='-3'"), RC_TRACK_DEFAULT_S },
        { TRACK(""), RC_TRACK_DEFAULT_S },
    };
#undef TRACK
    for (guint i = 0; i < G_N_ELEMENTS(clamp); i++) {
        xmpp_stanza_t *s = parse(clamp[i].xml);
        assert_true(rc_track_parse(s, &seconds, &all));
        assert_int_equal(seconds, clamp[i].seconds);
        assert_false(all);
        xmpp_stanza_release(s);
    }
    xmpp_stanza_t *plain = parse("<iq><publish xmlns='urn:roomctl:gate:0'/></iq>");
    assert_false(rc_track_parse(plain, &seconds, &all));
    guint clients = 99;
    assert_null(rc_tracking_parse(plain, &clients));
    xmpp_stanza_release(plain);
    xmpp_stanza_t *result = parse("<iq type='result'><published xmlns='urn:roomctl:gate:0' "
                                  "room='r@m' item='a:b'/></iq>");
    rc_tracking_add(result, "t7", 25);
    result = travel(result);
    g_autofree char *id = rc_tracking_parse(result, &clients);
    assert_string_equal(id, "t7");
    assert_int_equal(clients, 25);
    xmpp_stanza_release(result);
}

static void test_reports(void **state)
{
    rc_ack_report *r = rc_ack_report_new("t7", "lobby@muc.example", "slideshow.slide:main");
    r->total = 25;
    r->count[RC_ACK_APPLIED] = 23;
    r->count[RC_ACK_FAILED] = 1;
    r->count[RC_ACK_WAITING] = 1;
    rc_ack_report_add_client(r, "kiosk3@example.org/screen", RC_ACK_FAILED, "slideshow",
                             "image is not a PNG or JPEG");
    rc_ack_report_add_client(r, "lobby-tv@example.org/tv", RC_ACK_WAITING, NULL, NULL);
    /* A progress message carries counts only. */
    xmpp_stanza_t *m = travel(rc_ack_report_message_new(ctx, "alice@example/laptop", r));
    GError *error = NULL;
    rc_ack_report *back = rc_ack_report_parse(m, &error);
    assert_non_null(back);
    assert_false(back->final);
    assert_int_equal(back->total, 25);
    assert_int_equal(back->count[RC_ACK_APPLIED], 23);
    assert_int_equal(back->clients->len, 0);
    rc_ack_report_free(back);
    xmpp_stanza_release(m);
    r->final = TRUE;
    m = travel(rc_ack_report_message_new(ctx, "alice@example/laptop", r));
    back = rc_ack_report_parse(m, &error);
    assert_non_null(back);
    assert_true(back->final);
    assert_string_equal(back->id, "t7");
    assert_string_equal(back->item, "slideshow.slide:main");
    assert_int_equal(back->count[RC_ACK_WAITING], 1);
    assert_int_equal(back->clients->len, 2);
    const rc_ack_client *c = back->clients->pdata[0];
    assert_string_equal(c->jid, "kiosk3@example.org/screen");
    assert_int_equal(c->result, RC_ACK_FAILED);
    assert_string_equal(c->reason, "image is not a PNG or JPEG");
    rc_ack_report_free(back);
    xmpp_stanza_release(m);
    rc_ack_report_free(r);

    static const struct { const char *xml, *expect; } broken[] = {
        { "<message><progress xmlns='urn:roomctl:ack:0'/></message>", "has no id" },
        { "<message><progress xmlns='urn:roomctl:ack:0' id='t' total='x'/></message>",
          "attribute 'total': expected a count, got 'x'" },
        { "<message><summary xmlns='urn:roomctl:ack:0' id='t' total='1' applied='1' failed='0' "
          "unsupported='0' dropped='0' gone='0'/></message>", "attribute 'waiting'" },
        { "<message><summary xmlns='urn:roomctl:ack:0' id='t' total='1' applied='1' failed='0' "
          "unsupported='0' dropped='0' gone='0' waiting='0'><client result='applied'/>"
          "</summary></message>", "names no jid" },
        { "<message><summary xmlns='urn:roomctl:ack:0' id='t' total='1' applied='1' failed='0' "
          "unsupported='0' dropped='0' gone='0' waiting='0'><client jid='a@b' result='meh'/>"
          "</summary></message>", "got 'meh'" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(broken); i++) {
        xmpp_stanza_t *s = parse(broken[i].xml);
        assert_null(rc_ack_report_parse(s, &error));
        assert_non_null(error);
        if (!strstr(error->message, broken[i].expect))
            fail_msg("case %u: '%s' does not say '%s'", i, error->message, broken[i].expect);
        g_clear_error(&error);
        xmpp_stanza_release(s);
    }
}

static void test_status(void **state)
{
    xmpp_stanza_t *iq = rc_status_request_new(ctx, "gate.example", "lobby@muc.example",
                                              "slideshow.slide", 2);
    xmpp_stanza_set_id(iq, "s1");
    iq = travel(iq);
    xmpp_stanza_set_from(iq, "alice@example/laptop");
    const char *room, *type;
    int version;
    GError *error = NULL;
    assert_true(rc_status_request_parse(iq, &room, &type, &version, &error));
    assert_string_equal(room, "lobby@muc.example");
    assert_string_equal(type, "slideshow.slide");
    assert_int_equal(version, 2);

    g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func(rc_client_status_free);
    rc_client_status *k = rc_client_status_new("kiosk3@example.org/screen");
    k->present = TRUE;
    k->synced = TRUE;
    k->since = (gint64)1700000000 * G_USEC_PER_SEC;
    k->last = g_strdup("ui.button:send");
    k->last_result = g_strdup("failed");
    k->can = 0;
    rc_announce_add_type(k->caps, "slideshow.slide", "1");
    rc_announce_add_plugin(k->caps, "slideshow", "1.0");
    rc_ack *f = rc_ack_new(NULL, RC_GATE_PUBLISH, "slideshow.slide:main", RC_ACK_FAILED,
                           "slideshow", "image is not a PNG or JPEG");
    f->at = (gint64)1700000060 * G_USEC_PER_SEC;
    g_ptr_array_add(k->failures, f);
    g_ptr_array_add(clients, k);
    g_ptr_array_add(clients, rc_client_status_new("tv@example.org/tv"));
    xmpp_stanza_t *result = travel(rc_status_result_new(ctx, iq, "lobby@muc.example", clients));
    assert_string_equal(xmpp_stanza_get_to(result), "alice@example/laptop");
    g_autoptr(GPtrArray) back = rc_status_result_parse(result, &error);
    assert_null(error);
    assert_int_equal(back->len, 2);
    const rc_client_status *b = back->pdata[0];
    assert_string_equal(b->jid, "kiosk3@example.org/screen");
    assert_true(b->present);
    assert_true(b->synced);
    assert_true(b->since == k->since);
    assert_string_equal(b->last, "ui.button:send");
    assert_int_equal(b->can, 0);
    assert_true(rc_announce_handles(b->caps, "slideshow.slide", 1));
    assert_int_equal(b->failures->len, 1);
    const rc_ack *bf = b->failures->pdata[0];
    assert_string_equal(bf->reason, "image is not a PNG or JPEG");
    assert_true(bf->at == f->at);
    const rc_client_status *tv = back->pdata[1];
    assert_false(tv->present);
    assert_int_equal(tv->can, -1);
    assert_null(tv->last);
    xmpp_stanza_release(result);
    xmpp_stanza_release(iq);

    static const struct { const char *xml, *expect; } broken[] = {
        { "<iq type='get'><status xmlns='urn:roomctl:ack:0'/></iq>", "names no room" },
        { "<iq type='get'><status xmlns='urn:roomctl:ack:0' room='r@m' version='zero'/></iq>",
          "'version' must be a positive number" },
        { "<iq type='get'><status xmlns='urn:roomctl:ack:0' room='r@m' version='0'/></iq>",
          "'version' must be a positive number" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(broken); i++) {
        xmpp_stanza_t *s = parse(broken[i].xml);
        assert_false(rc_status_request_parse(s, &room, &type, &version, &error));
        assert_non_null(error);
        if (!strstr(error->message, broken[i].expect))
            fail_msg("case %u: '%s' does not say '%s'", i, error->message, broken[i].expect);
        g_clear_error(&error);
        xmpp_stanza_release(s);
    }
    xmpp_stanza_t *set = parse("<iq type='set'><status xmlns='urn:roomctl:ack:0' room='r'/></iq>");
    assert_false(rc_status_request_parse(set, &room, &type, &version, &error));
    assert_null(error);
    xmpp_stanza_release(set);
    xmpp_stanza_t *empty = parse("<iq type='result'/>");
    assert_null(rc_status_result_parse(empty, &error));
    assert_non_null(error);
    g_clear_error(&error);
    xmpp_stanza_release(empty);
    xmpp_stanza_t *nojid = parse("<iq type='result'><status xmlns='urn:roomctl:ack:0'>"
                                 "<client/></status></iq>");
    assert_null(rc_status_result_parse(nojid, &error));
    assert_non_null(error);
    g_clear_error(&error);
    xmpp_stanza_release(nojid);
}

int main(void)
{
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ack_round_trip),
        cmocka_unit_test(test_broken_acks),
        cmocka_unit_test(test_announce_round_trip),
        cmocka_unit_test(test_announce_gone_and_broken),
        cmocka_unit_test(test_tracking),
        cmocka_unit_test(test_reports),
        cmocka_unit_test(test_status),
    };
    int failed = cmocka_run_group_tests_name("ack_proto", tests, NULL, NULL);
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return failed;
}

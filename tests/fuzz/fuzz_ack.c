/* Fuzzes what roomctl-gate reads from any client and what `roomctl` reads
 * from the gate (bus/ack_proto.c, bus/ack_report.c): acknowledgements,
 * announcements, progress and summaries, status requests and answers.  An
 * input is one stanza as XML.  What parses must build back into a stanza
 * that parses to the same; what is refused is refused with a message. */
#include "fuzz.h"
#include "ack_proto.h"

static xmpp_ctx_t *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_quiet();
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    return 0;
}

static void check_acks(xmpp_stanza_t *stanza)
{
    GError *error = NULL;
    GPtrArray *acks = rc_ack_message_parse(stanza, &error);
    if (!acks) {
        if (error) {
            fuzz_check_refusal(error, NULL);
            g_error_free(error);
        }
        return;
    }
    xmpp_stanza_t *again = rc_ack_message_new(ctx, "gate.example", acks);
    GPtrArray *back = rc_ack_message_parse(again, &error);
    FUZZ_CHECK(back && back->len == acks->len, "acknowledgements do not round-trip: %s",
               error ? error->message : "count differs");
    for (guint i = 0; i < acks->len; i++) {
        const rc_ack *a = acks->pdata[i], *b = back->pdata[i];
        FUZZ_CHECK(a->result == b->result && a->op == b->op && !g_strcmp0(a->item, b->item) &&
                   !g_strcmp0(a->room, b->room), "acknowledgement %u changed", i);
    }
    g_ptr_array_unref(back);
    xmpp_stanza_release(again);
    g_ptr_array_unref(acks);
}

static void check_announce(xmpp_stanza_t *stanza)
{
    GError *error = NULL;
    gboolean ignored = FALSE;
    rc_announce *a = rc_announce_parse(stanza, &ignored, &error);
    if (!a) {
        if (error) {
            fuzz_check_refusal(error, NULL);
            g_error_free(error);
        }
        return;
    }
    xmpp_stanza_t *again = rc_announce_presence_new(ctx, "gate.example", a);
    rc_announce *b = rc_announce_parse(again, &ignored, &error);
    FUZZ_CHECK(b && b->rooms->len == a->rooms->len && b->handles->len == a->handles->len &&
               b->plugins->len == a->plugins->len, "announcement does not round-trip: %s",
               error ? error->message : "counts differ");
    rc_announce_free(b);
    xmpp_stanza_release(again);
    rc_announce_free(a);
}

static void check_reports(xmpp_stanza_t *stanza)
{
    GError *error = NULL;
    rc_ack_report *r = rc_ack_report_parse(stanza, &error);
    if (!r) {
        if (error) {
            fuzz_check_refusal(error, NULL);
            g_error_free(error);
        }
        return;
    }
    xmpp_stanza_t *again = rc_ack_report_message_new(ctx, "alice@example/laptop", r);
    rc_ack_report *b = rc_ack_report_parse(again, &error);
    FUZZ_CHECK(b && b->final == r->final && b->total == r->total &&
               b->clients->len == (r->final ? r->clients->len : 0),
               "report does not round-trip: %s", error ? error->message : "fields differ");
    rc_ack_report_free(b);
    xmpp_stanza_release(again);
    rc_ack_report_free(r);
}

static void check_status(xmpp_stanza_t *stanza)
{
    GError *error = NULL;
    const char *room, *type;
    int version;
    if (!rc_status_request_parse(stanza, &room, &type, &version, &error) && error) {
        fuzz_check_refusal(error, NULL);
        g_clear_error(&error);
    }
    GPtrArray *clients = rc_status_result_parse(stanza, &error);
    if (!clients) {
        fuzz_check_refusal(error, NULL);
        g_error_free(error);
        return;
    }
    xmpp_stanza_t *request = xmpp_iq_new(ctx, "get", "s1");
    xmpp_stanza_set_from(request, "alice@example/laptop"); /* the server always sets it */
    xmpp_stanza_t *again = rc_status_result_new(ctx, request, "r@m", clients);
    GPtrArray *back = rc_status_result_parse(again, &error);
    FUZZ_CHECK(back && back->len == clients->len, "status does not round-trip: %s",
               error ? error->message : "count differs");
    g_ptr_array_unref(back);
    xmpp_stanza_release(again);
    xmpp_stanza_release(request);
    g_ptr_array_unref(clients);
    guint seconds, count;
    gboolean all;
    if (rc_track_parse(stanza, &seconds, &all))
        FUZZ_CHECK(seconds >= 1 && seconds <= RC_TRACK_MAX_S, "seconds %u", seconds);
    g_free(rc_tracking_parse(stanza, &count));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *xml = fuzz_string(data, size);
    xmpp_stanza_t *stanza = *xml ? xmpp_stanza_new_from_string(ctx, xml) : NULL;
    if (stanza) {
        check_acks(stanza);
        check_announce(stanza);
        check_reports(stanza);
        check_status(stanza);
        xmpp_stanza_release(stanza);
    }
    g_free(xml);
    return 0;
}

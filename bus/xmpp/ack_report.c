/* What the gate tells moderators (docs/wire-format.md sections 12.3 and
 * 11.4): tracking, progress, summaries and status.  Pure functions, tested
 * with ack_proto.c by tests/test_ack_proto.c. */
#include "ack_proto.h"
#include "stanza_build.h"

#include <string.h>

/* Counts in reports, in result order; "total" comes first. */
static const char *const count_names[RC_ACK_N] = {
    "applied", "failed", "unsupported", "dropped", "gone", "waiting"
};

static void set_uint(xmpp_stanza_t *e, const char *name, guint value)
{
    char text[16];
    g_snprintf(text, sizeof text, "%u", value);
    xmpp_stanza_set_attribute(e, name, text);
}


/* ---- Tracking ----------------------------------------------------------------- */

/* The request or result element of a gate IQ: <track/> and <tracking/> go
 * inside it, since an IQ carries exactly one child (RFC 6120 8.2.3). */
static xmpp_stanza_t *payload(xmpp_stanza_t *iq)
{
    xmpp_stanza_t *c = xmpp_stanza_get_children(iq);
    while (c && !xmpp_stanza_is_tag(c))
        c = xmpp_stanza_get_next(c);
    return c;
}

void rc_track_add(xmpp_stanza_t *iq, guint seconds, gboolean all)
{
    xmpp_stanza_t *track = rc_ack_element(xmpp_stanza_get_context(iq), payload(iq), "track",
                                          RC_NS_ACK);
    set_uint(track, "seconds", seconds);
    xmpp_stanza_set_attribute(track, "detail", all ? "all" : "failures");
}

gboolean rc_track_parse(xmpp_stanza_t *iq, guint *seconds, gboolean *all)
{
    xmpp_stanza_t *req = payload(iq);
    xmpp_stanza_t *track = req ? rc_ack_child(req, "track") : NULL;
    if (!track)
        return FALSE;
    guint s = RC_TRACK_DEFAULT_S;
    if (!rc_ack_uint_attr(track, "seconds", &s, NULL) || s == 0)
        s = RC_TRACK_DEFAULT_S;
    *seconds = MIN(s, RC_TRACK_MAX_S);
    *all = !g_strcmp0(xmpp_stanza_get_attribute(track, "detail"), "all");
    return TRUE;
}

void rc_tracking_add(xmpp_stanza_t *result, const char *id, guint clients)
{
    xmpp_stanza_t *e = rc_ack_element(xmpp_stanza_get_context(result), payload(result),
                                      "tracking", RC_NS_ACK);
    xmpp_stanza_set_attribute(e, "id", id);
    set_uint(e, "clients", clients);
}

char *rc_tracking_parse(xmpp_stanza_t *result, guint *clients)
{
    xmpp_stanza_t *done = payload(result);
    xmpp_stanza_t *e = done ? rc_ack_child(done, "tracking") : NULL;
    const char *id = e ? xmpp_stanza_get_attribute(e, "id") : NULL;
    if (!id || !*id || !rc_ack_uint_attr(e, "clients", clients, NULL))
        return NULL;
    return g_strdup(id);
}

/* ---- Progress and summaries ---------------------------------------------------- */

void rc_ack_client_free(gpointer data)
{
    rc_ack_client *c = data;
    g_free(c->jid);
    g_free(c->plugin);
    g_free(c->reason);
    g_free(c);
}

rc_ack_report *rc_ack_report_new(const char *id, const char *room, const char *item)
{
    rc_ack_report *report = g_new0(rc_ack_report, 1);
    report->id = g_strdup(id);
    report->room = g_strdup(room);
    report->item = g_strdup(item);
    report->clients = g_ptr_array_new_with_free_func(rc_ack_client_free);
    return report;
}

void rc_ack_report_free(rc_ack_report *report)
{
    if (!report)
        return;
    g_free(report->id);
    g_free(report->room);
    g_free(report->item);
    g_ptr_array_unref(report->clients);
    g_free(report);
}

void rc_ack_report_add_client(rc_ack_report *report, const char *jid, rc_ack_result result,
                              const char *plugin, const char *reason)
{
    rc_ack_client *c = g_new0(rc_ack_client, 1);
    c->jid = g_strdup(jid);
    c->result = result;
    c->plugin = g_strdup(plugin);
    c->reason = g_strdup(reason);
    g_ptr_array_add(report->clients, c);
}

xmpp_stanza_t *rc_ack_report_message_new(xmpp_ctx_t *ctx, const char *to,
                                         const rc_ack_report *report)
{
    xmpp_stanza_t *message = xmpp_message_new(ctx, NULL, to, NULL);
    xmpp_stanza_t *e = rc_ack_element(ctx, message, report->final ? "summary" : "progress",
                                      RC_NS_ACK);
    rc_ack_set_attr(e, "id", report->id);
    rc_ack_set_attr(e, "room", report->room);
    rc_ack_set_attr(e, "item", report->item);
    set_uint(e, "total", report->total);
    for (guint i = 0; i < RC_ACK_N; i++)
        set_uint(e, count_names[i], report->count[i]);
    for (guint i = 0; report->final && i < report->clients->len; i++) {
        const rc_ack_client *c = g_ptr_array_index(report->clients, i);
        xmpp_stanza_t *ce = rc_ack_element(ctx, e, "client", NULL);
        rc_ack_set_attr(ce, "jid", c->jid);
        rc_ack_set_attr(ce, "result", rc_ack_result_name(c->result));
        rc_ack_set_attr(ce, "plugin", c->plugin);
        rc_ack_add_text(ce, c->reason);
    }
    return message;
}

static gboolean parse_report_client(rc_ack_report *report, xmpp_stanza_t *c, GError **error)
{
    const char *jid = xmpp_stanza_get_attribute(c, "jid");
    const char *result_name = xmpp_stanza_get_attribute(c, "result");
    rc_ack_result result;
    if (!jid || !*jid)
        return rc_ack_bad(error, "<summary/>: a <client/> names no jid");
    if (!rc_ack_result_parse(result_name, &result))
        return rc_ack_bad(error, "<summary/>: <client jid='%s'/> attribute 'result': expected "
                          "applied, failed, unsupported, dropped, gone or waiting, got '%s'",
                          jid, result_name ? result_name : "(none)");
    g_autofree char *reason = rc_stanza_text(c);
    rc_ack_report_add_client(report, jid, result, xmpp_stanza_get_attribute(c, "plugin"),
                             reason);
    return TRUE;
}

rc_ack_report *rc_ack_report_parse(xmpp_stanza_t *message, GError **error)
{
    if (g_strcmp0(xmpp_stanza_get_name(message), "message") ||
        !g_strcmp0(xmpp_stanza_get_type(message), "error"))
        return NULL;
    gboolean final = TRUE;
    xmpp_stanza_t *e = rc_ack_child(message, "summary");
    if (!e) {
        final = FALSE;
        e = rc_ack_child(message, "progress");
    }
    if (!e)
        return NULL;
    const char *id = xmpp_stanza_get_attribute(e, "id");
    if (!id || !*id) {
        rc_ack_bad(error, "<%s/> has no id", xmpp_stanza_get_name(e));
        return NULL;
    }
    rc_ack_report *report = rc_ack_report_new(id, xmpp_stanza_get_attribute(e, "room"),
                                              xmpp_stanza_get_attribute(e, "item"));
    report->final = final;
    gboolean ok = rc_ack_uint_attr(e, "total", &report->total, error);
    for (guint i = 0; ok && i < RC_ACK_N; i++)
        ok = rc_ack_uint_attr(e, count_names[i], &report->count[i], error);
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(e); ok && c; c = xmpp_stanza_get_next(c))
        if (xmpp_stanza_is_tag(c) && !strcmp(xmpp_stanza_get_name(c), "client"))
            ok = parse_report_client(report, c, error);
    if (!ok) {
        rc_ack_report_free(report);
        return NULL;
    }
    return report;
}

/* ---- Status ------------------------------------------------------------------------- */

rc_client_status *rc_client_status_new(const char *jid)
{
    rc_client_status *s = g_new0(rc_client_status, 1);
    s->jid = g_strdup(jid);
    s->can = -1;
    s->caps = rc_announce_new();
    s->failures = g_ptr_array_new_with_free_func(rc_ack_free);
    return s;
}

void rc_client_status_free(gpointer data)
{
    rc_client_status *s = data;
    if (!s)
        return;
    g_free(s->jid);
    g_free(s->last);
    g_free(s->last_result);
    rc_announce_free(s->caps);
    g_ptr_array_unref(s->failures);
    g_free(s);
}

xmpp_stanza_t *rc_status_request_new(xmpp_ctx_t *ctx, const char *gate, const char *room,
                                     const char *type, int version)
{
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", NULL);
    xmpp_stanza_set_to(iq, gate);
    xmpp_stanza_t *e = rc_ack_element(ctx, iq, "status", RC_NS_ACK);
    xmpp_stanza_set_attribute(e, "room", room);
    rc_ack_set_attr(e, "type", type);
    if (type && version > 0)
        set_uint(e, "version", (guint)version);
    return iq;
}

gboolean rc_status_request_parse(xmpp_stanza_t *iq, const char **room, const char **type,
                                 int *version, GError **error)
{
    xmpp_stanza_t *e = g_strcmp0(xmpp_stanza_get_type(iq), "get") ? NULL
                                                                   : rc_ack_child(iq, "status");
    if (!e)
        return FALSE;
    *room = xmpp_stanza_get_attribute(e, "room");
    *type = xmpp_stanza_get_attribute(e, "type");
    *version = 0;
    if (!*room || !**room)
        return rc_ack_bad(error, "the <status/> request names no room (attribute 'room')");
    guint v = 0;
    if (xmpp_stanza_get_attribute(e, "version") &&
        (!rc_ack_uint_attr(e, "version", &v, NULL) || v == 0 || v > G_MAXINT))
        return rc_ack_bad(error, "the <status/> request's 'version' must be a positive number");
    *version = (int)v;
    return TRUE;
}

static void set_time(xmpp_stanza_t *e, const char *name, gint64 us)
{
    if (!us)
        return;
    g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(us / G_USEC_PER_SEC);
    g_autofree char *text = t ? g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ") : NULL;
    rc_ack_set_attr(e, name, text);
}

static gint64 get_time(xmpp_stanza_t *e, const char *name)
{
    const char *text = xmpp_stanza_get_attribute(e, name);
    g_autoptr(GDateTime) t = text ? g_date_time_new_from_iso8601(text, NULL) : NULL;
    return t ? g_date_time_to_unix(t) * G_USEC_PER_SEC : 0;
}

static void add_client_status(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const rc_client_status *s)
{
    xmpp_stanza_t *e = rc_ack_element(ctx, parent, "client", NULL);
    rc_ack_set_attr(e, "jid", s->jid);
    rc_ack_set_attr(e, "present", s->present ? "true" : "false");
    set_time(e, "since", s->since);
    rc_ack_set_attr(e, "synced", s->synced ? "true" : "false");
    rc_ack_set_attr(e, "last", s->last);
    rc_ack_set_attr(e, "last-result", s->last_result);
    if (s->can >= 0)
        rc_ack_set_attr(e, "can", s->can ? "true" : "false");
    for (guint i = 0; i < s->caps->handles->len; i++) {
        const rc_announce_entry *t = g_ptr_array_index(s->caps->handles, i);
        xmpp_stanza_t *h = rc_ack_element(ctx, e, "handles", NULL);
        rc_ack_set_attr(h, "type", t->name);
        rc_ack_set_attr(h, "versions", t->version);
    }
    for (guint i = 0; i < s->caps->plugins->len; i++) {
        const rc_announce_entry *p = g_ptr_array_index(s->caps->plugins, i);
        xmpp_stanza_t *h = rc_ack_element(ctx, e, "plugin", NULL);
        rc_ack_set_attr(h, "name", p->name);
        rc_ack_set_attr(h, "version", p->version);
    }
    for (guint i = 0; i < s->failures->len; i++) {
        const rc_ack *f = g_ptr_array_index(s->failures, i);
        xmpp_stanza_t *h = rc_ack_element(ctx, e, "failure", NULL);
        rc_ack_set_attr(h, "item", f->item);
        rc_ack_set_attr(h, "result", rc_ack_result_name(f->result));
        rc_ack_set_attr(h, "plugin", f->plugin);
        set_time(h, "at", f->at);
        rc_ack_add_text(h, f->reason);
    }
}

xmpp_stanza_t *rc_status_result_new(xmpp_ctx_t *ctx, xmpp_stanza_t *request, const char *room,
                                    GPtrArray *clients)
{
    xmpp_stanza_t *reply = xmpp_stanza_reply(request);
    xmpp_stanza_set_type(reply, "result");
    xmpp_stanza_t *status = rc_ack_element(ctx, reply, "status", RC_NS_ACK);
    xmpp_stanza_set_attribute(status, "room", room);
    for (guint i = 0; i < clients->len; i++)
        add_client_status(ctx, status, g_ptr_array_index(clients, i));
    return reply;
}

static rc_client_status *parse_client_status(xmpp_stanza_t *e, GError **error)
{
    const char *jid = xmpp_stanza_get_attribute(e, "jid");
    if (!jid || !*jid) {
        rc_ack_bad(error, "<status/>: a <client/> names no jid");
        return NULL;
    }
    rc_client_status *s = rc_client_status_new(jid);
    s->present = !g_strcmp0(xmpp_stanza_get_attribute(e, "present"), "true");
    s->synced = !g_strcmp0(xmpp_stanza_get_attribute(e, "synced"), "true");
    s->since = get_time(e, "since");
    s->last = g_strdup(xmpp_stanza_get_attribute(e, "last"));
    s->last_result = g_strdup(xmpp_stanza_get_attribute(e, "last-result"));
    const char *can = xmpp_stanza_get_attribute(e, "can");
    s->can = can ? !strcmp(can, "true") : -1;
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(e); c; c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_name(c) : "";
        if (!strcmp(name, "handles") && xmpp_stanza_get_attribute(c, "type"))
            rc_announce_add_type(s->caps, xmpp_stanza_get_attribute(c, "type"),
                                 xmpp_stanza_get_attribute(c, "versions"));
        else if (!strcmp(name, "plugin") && xmpp_stanza_get_attribute(c, "name"))
            rc_announce_add_plugin(s->caps, xmpp_stanza_get_attribute(c, "name"),
                                   xmpp_stanza_get_attribute(c, "version"));
        else if (!strcmp(name, "failure")) {
            g_autofree char *reason = rc_stanza_text(c);
            rc_ack_result result = RC_ACK_FAILED;
            rc_ack_result_parse(xmpp_stanza_get_attribute(c, "result"), &result);
            rc_ack *f = rc_ack_new(NULL, RC_GATE_PUBLISH, xmpp_stanza_get_attribute(c, "item"),
                                   result, xmpp_stanza_get_attribute(c, "plugin"), reason);
            f->at = get_time(c, "at");
            g_ptr_array_add(s->failures, f);
        }
    }
    return s;
}

GPtrArray *rc_status_result_parse(xmpp_stanza_t *result, GError **error)
{
    xmpp_stanza_t *status = rc_ack_child(result, "status");
    if (!status) {
        rc_ack_bad(error, "the gate's answer carries no <status/>");
        return NULL;
    }
    GPtrArray *clients = g_ptr_array_new_with_free_func(rc_client_status_free);
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(status); c; c = xmpp_stanza_get_next(c)) {
        if (!xmpp_stanza_is_tag(c) || strcmp(xmpp_stanza_get_name(c), "client"))
            continue;
        rc_client_status *s = parse_client_status(c, error);
        if (!s) {
            g_ptr_array_unref(clients);
            return NULL;
        }
        g_ptr_array_add(clients, s);
    }
    return clients;
}

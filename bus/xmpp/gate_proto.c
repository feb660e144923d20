/* The gate protocol: requests, results and errors (docs/wire-format.md
 * section 11).  Pure functions: tests/test_gate_proto.c needs no server. */
#include "gate_proto.h"
#include "stanza_build.h"

#include <string.h>

#include "stanza_error.h"

static const char *const op_names[] = { "publish", "retract", "purge" };
static const char *const done_names[] = { "published", "retracted", "purged" };

const char *rc_gate_op_name(rc_gate_op op) { return op_names[op]; }

/* How each error travels: the code, the stanza error (type, condition) and
 * the gate's own condition, which says precisely what the code was. */
static const struct {
    int code;
    const char *type, *condition, *failure;
} failures[] = {
    { ROOMCTL_ERR_NOT_ALLOWED, "auth", "forbidden", "not-moderator" },
    { ROOMCTL_ERR_INVALID_ITEM, "modify", "bad-request", "invalid-item" },
    { ROOMCTL_ERR_UNKNOWN_TYPE, "modify", "bad-request", "unknown-type" },
    { ROOMCTL_ERR_CONFIG, "modify", "bad-request", "bad-request" },
    { ROOMCTL_ERR_NOT_FOUND, "cancel", "item-not-found", "not-found" },
    { ROOMCTL_ERR_TIMEOUT, "wait", "remote-server-timeout", "timeout" },
    { ROOMCTL_ERR_CONNECTION, "wait", "remote-server-not-found", "not-connected" },
    { ROOMCTL_ERR_SERVER, "wait", "internal-server-error", "server-error" },
};

xmpp_stanza_t *rc_gate_request_new(xmpp_ctx_t *ctx, const char *gate, rc_gate_op op,
                                   const char *room, const char *item_id,
                                   xmpp_stanza_t *control)
{
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", NULL);
    xmpp_stanza_set_to(iq, gate);
    xmpp_stanza_t *req = rc_stanza_element(ctx, op_names[op], RC_NS_GATE);
    xmpp_stanza_set_attribute(req, "room", room);
    if (item_id)
        xmpp_stanza_set_attribute(req, "item", item_id);
    if (control)
        xmpp_stanza_add_child(req, control);
    xmpp_stanza_add_child(iq, req);
    xmpp_stanza_release(req);
    return iq;
}

static gboolean bad(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static gboolean bad(GError **error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONFIG, text);
    return FALSE;
}

gboolean rc_gate_request_parse(xmpp_stanza_t *iq, rc_gate_request *out, GError **error)
{
    memset(out, 0, sizeof *out);
    if (g_strcmp0(xmpp_stanza_get_name(iq), "iq") ||
        g_strcmp0(xmpp_stanza_get_type(iq), "set"))
        return FALSE;
    xmpp_stanza_t *req = NULL;
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(iq); c; c = xmpp_stanza_get_next(c))
        if (xmpp_stanza_is_tag(c) && !g_strcmp0(xmpp_stanza_get_ns(c), RC_NS_GATE)) {
            req = c;
            break;
        }
    if (!req)
        return FALSE;
    const char *name = xmpp_stanza_get_name(req);
    guint op = 0;
    while (op < G_N_ELEMENTS(op_names) && g_strcmp0(name, op_names[op]))
        op++;
    if (op == G_N_ELEMENTS(op_names))
        return bad(error, "unknown gate request <%s/>; expected publish, retract or purge",
                   name);
    out->op = (rc_gate_op)op;
    out->room = xmpp_stanza_get_attribute(req, "room");
    if (!out->room || !*out->room)
        return bad(error, "the <%s/> request names no room (attribute 'room')", name);
    if (out->op == RC_GATE_RETRACT) {
        out->item_id = xmpp_stanza_get_attribute(req, "item");
        if (!out->item_id || !*out->item_id)
            return bad(error, "the <%s/> request names no item (attribute 'item')", name);
    }
    if (out->op != RC_GATE_PUBLISH)
        return TRUE;
    guint controls = 0;
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(req); c; c = xmpp_stanza_get_next(c))
        /* <track xmlns='urn:roomctl:ack:0'/> rides along (section 12.3). */
        if (xmpp_stanza_is_tag(c) && g_strcmp0(xmpp_stanza_get_ns(c), "urn:roomctl:ack:0")) {
            out->control = c;
            controls++;
        }
    if (controls != 1)
        return bad(error, "the <%s/> request must carry exactly one <control/> element, got %u",
                   name, controls);
    return TRUE;
}

xmpp_stanza_t *rc_gate_result(xmpp_ctx_t *ctx, xmpp_stanza_t *request, rc_gate_op op,
                              const char *room, const char *item_id)
{
    xmpp_stanza_t *reply = xmpp_stanza_reply(request);
    xmpp_stanza_set_type(reply, "result");
    xmpp_stanza_t *done = rc_stanza_element(ctx, done_names[op], RC_NS_GATE);
    xmpp_stanza_set_attribute(done, "room", room);
    if (item_id)
        xmpp_stanza_set_attribute(done, "item", item_id);
    xmpp_stanza_add_child(reply, done);
    xmpp_stanza_release(done);
    return reply;
}

char *rc_gate_error_field(const char *message)
{
    const char *start = message ? strstr(message, "field '") : NULL;
    if (!start)
        return NULL;
    start += strlen("field '");
    const char *end = strchr(start, '\'');
    return end && end > start ? g_strndup(start, (gsize)(end - start)) : NULL;
}

xmpp_stanza_t *rc_gate_error(xmpp_ctx_t *ctx, xmpp_stanza_t *request, const GError *why)
{
    guint i = 0;
    while (i < G_N_ELEMENTS(failures) - 1 && failures[i].code != why->code)
        i++;
    xmpp_stanza_t *failure = rc_stanza_element(ctx, "failure", RC_NS_GATE);
    xmpp_stanza_set_attribute(failure, "code", failures[i].failure);
    g_autofree char *field = why->code == ROOMCTL_ERR_INVALID_ITEM
                                 ? rc_gate_error_field(why->message) : NULL;
    if (field)
        xmpp_stanza_set_attribute(failure, "field", field);
    xmpp_stanza_t *reply = rc_stanza_error_reply_app(ctx, request, failures[i].type,
                                                     failures[i].condition, why->message,
                                                     failure);
    xmpp_stanza_release(failure);
    return reply;
}

gboolean rc_gate_check_reply(xmpp_stanza_t *reply, const char *gate, char **item_id,
                             GError **error)
{
    if (item_id)
        *item_id = NULL;
    if (!g_strcmp0(xmpp_stanza_get_type(reply), "result")) {
        xmpp_stanza_t *done = xmpp_stanza_get_children(reply);
        while (done && !xmpp_stanza_is_tag(done))
            done = xmpp_stanza_get_next(done);
        if (item_id && done)
            *item_id = g_strdup(xmpp_stanza_get_attribute(done, "item"));
        return TRUE;
    }
    xmpp_stanza_t *err = xmpp_stanza_get_child_by_name(reply, "error");
    xmpp_stanza_t *failure = err ? xmpp_stanza_get_child_by_name_and_ns(err, "failure",
                                                                        RC_NS_GATE)
                                 : NULL;
    g_autofree char *text = rc_stanza_error_text(reply);
    const char *code = failure ? xmpp_stanza_get_attribute(failure, "code") : NULL;
    for (guint i = 0; code && i < G_N_ELEMENTS(failures); i++)
        if (!strcmp(code, failures[i].failure)) {
            g_set_error(error, ROOMCTL_ERROR, failures[i].code, "%s",
                        text ? text : roomctl_strerror(failures[i].code));
            return FALSE;
        }
    /* Not the gate's own answer: the server's, for a gate that is away
     * (Prosody: remote-server-timeout "Component unavailable"; others:
     * service-unavailable or remote-server-not-found). */
    static const char *const away[] = { "service-unavailable", "remote-server-timeout",
                                        "remote-server-not-found" };
    gboolean gone = FALSE;
    for (guint i = 0; err && i < G_N_ELEMENTS(away); i++)
        gone |= xmpp_stanza_get_child_by_name_and_ns(err, away[i], RC_NS_STANZAS) != NULL;
    if (gone)
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONNECTION,
                    "the gate %s is not available (not connected to the server)", gate);
    else
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_SERVER, "the gate %s answered: %s", gate,
                    text ? text : "an error without explanation");
    return FALSE;
}

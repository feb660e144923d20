/* The requester's side of the gate: MUC presence in and out, requests with
 * their answers, waited for the *_sync way (bus_wait.c). */
#include "gate_client.h"
#include "stanza_build.h"

#include <string.h>

#include "ack_proto.h"
#include "stanza_error.h"

#define RC_NS_MUC "http://jabber.org/protocol/muc"
#define RC_NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define RC_NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"

typedef struct {
    char *occupant;      /* ROOM/NICK, lower case room */
    rc_wait *wait;
    gboolean created;
} rc_join;

static void add(xmpp_stanza_t *parent, xmpp_stanza_t *child)
{
    xmpp_stanza_add_child(parent, child);
    xmpp_stanza_release(child);
}

static gboolean has_status(xmpp_stanza_t *x, const char *code)
{
    for (xmpp_stanza_t *c = x ? xmpp_stanza_get_children(x) : NULL; c;
         c = xmpp_stanza_get_next(c))
        if (!g_strcmp0(xmpp_stanza_get_name(c), "status") &&
            !g_strcmp0(xmpp_stanza_get_attribute(c, "code"), code))
            return TRUE;
    return FALSE;
}

static gboolean on_join_presence(rc_conn *conn, xmpp_stanza_t *stanza, void *data)
{
    rc_join *join = data;
    const char *from = xmpp_stanza_get_from(stanza);
    if (!join->wait || g_strcmp0(xmpp_stanza_get_name(stanza), "presence") || !from ||
        g_ascii_strcasecmp(from, join->occupant))
        return FALSE;
    rc_wait *wait = join->wait;
    if (!g_strcmp0(xmpp_stanza_get_type(stanza), "error")) {
        xmpp_stanza_t *err = xmpp_stanza_get_child_by_name(stanza, "error");
        xmpp_stanza_t *cond = err ? xmpp_stanza_get_children(err) : NULL;
        while (cond && !xmpp_stanza_is_tag(cond))
            cond = xmpp_stanza_get_next(cond);
        const char *c = cond ? xmpp_stanza_get_name(cond) : "undefined-condition";
        gboolean refused = !g_strcmp0(c, "forbidden") || !g_strcmp0(c, "registration-required") ||
                           !g_strcmp0(c, "not-authorized") || !g_strcmp0(c, "not-allowed");
        g_autoptr(GError) error = g_error_new(ROOMCTL_ERROR,
                                              refused ? ROOMCTL_ERR_NOT_ALLOWED
                                                      : ROOMCTL_ERR_SERVER,
                                              "cannot enter MUC room %.*s: %s",
                                              (int)strcspn(join->occupant, "/"),
                                              join->occupant, c);
        join->wait = NULL;
        rc_wait_finish(wait, error, NULL, NULL);
        return TRUE;
    }
    xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(stanza, "x", RC_NS_MUC_USER);
    xmpp_stanza_t *item = x ? xmpp_stanza_get_child_by_name(x, "item") : NULL;
    join->created = has_status(x, "201");
    join->wait = NULL;
    rc_wait_finish(wait, NULL, g_strdup(item ? xmpp_stanza_get_attribute(item, "role") : NULL),
                   g_free);
    return TRUE;
}

gboolean rc_muc_join_sync(roomctl_bus *bus, const char *room_jid, const char *nick,
                          char **role, gboolean *created, GError **error)
{
    xmpp_ctx_t *ctx = rc_bus_ctx(bus);
    g_autofree char *bare = g_strndup(room_jid, strcspn(room_jid, "/"));
    g_autofree char *room = g_utf8_strdown(bare, -1);
    rc_join join = { g_strconcat(room, "/", nick, NULL), rc_wait_new(), FALSE };
    rc_wait *wait = join.wait;
    xmpp_stanza_t *presence = xmpp_presence_new(ctx);
    xmpp_stanza_set_to(presence, join.occupant);
    xmpp_stanza_t *x = rc_stanza_element(ctx, "x", RC_NS_MUC);
    xmpp_stanza_t *history = rc_stanza_element(ctx, "history", NULL);
    xmpp_stanza_set_attribute(history, "maxstanzas", "0");
    add(x, history);
    add(presence, x);
    rc_conn_set_stanza_handler(bus->conn, on_join_presence, &join);
    if (rc_conn_is_connected(bus->conn)) {
        rc_bus_send(bus, presence);
    } else {
        xmpp_stanza_release(presence);
        g_autoptr(GError) down = g_error_new_literal(ROOMCTL_ERROR, ROOMCTL_ERR_CONNECTION,
                                                     "not connected to the XMPP server");
        join.wait = NULL;
        rc_wait_finish(wait, down, NULL, NULL);
    }
    GError *failed = NULL;
    char *got = rc_wait_run(wait, bus, bus->timeout_ms, &failed);
    rc_conn_set_stanza_handler(bus->conn, NULL, NULL);
    if (join.wait) /* no answer came: drop the callback's reference */
        rc_wait_finish(join.wait, NULL, NULL, NULL);
    g_free(join.occupant);
    if (failed) {
        g_propagate_error(error, failed);
        return FALSE;
    }
    if (created)
        *created = join.created;
    if (role)
        *role = got;
    else
        g_free(got);
    return TRUE;
}

void rc_muc_leave(roomctl_bus *bus, const char *room_jid, const char *nick)
{
    xmpp_stanza_t *presence = xmpp_presence_new(rc_bus_ctx(bus));
    g_autofree char *to = g_strconcat(room_jid, "/", nick, NULL);
    xmpp_stanza_set_to(presence, to);
    xmpp_stanza_set_type(presence, "unavailable");
    rc_bus_send(bus, presence);
}

static void on_configured(rc_conn *conn, xmpp_stanza_t *reply, const GError *error,
                          void *wait)
{
    g_autoptr(GError) refused = NULL;
    if (reply && g_strcmp0(xmpp_stanza_get_type(reply), "result")) {
        g_autofree char *text = rc_stanza_error_text(reply);
        refused = g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED,
                              "the MUC service refused to configure room %s: %s",
                              xmpp_stanza_get_from(reply), text ? text : "no reason given");
    }
    rc_wait_finish(wait, refused ? refused : error, NULL, NULL);
}

gboolean rc_muc_configure_instant_sync(roomctl_bus *bus, const char *room_jid,
                                       GError **error)
{
    xmpp_ctx_t *ctx = rc_bus_ctx(bus);
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", NULL);
    xmpp_stanza_set_to(iq, room_jid);
    xmpp_stanza_t *query = rc_stanza_element(ctx, "query", RC_NS_MUC_OWNER);
    xmpp_stanza_t *form = rc_stanza_element(ctx, "x", "jabber:x:data");
    xmpp_stanza_set_type(form, "submit");
    static const char *const fields[][2] = {
        { "FORM_TYPE", "http://jabber.org/protocol/muc#roomconfig" },
        { "muc#roomconfig_persistentroom", "1" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
        xmpp_stanza_t *field = rc_stanza_element(ctx, "field", NULL);
        xmpp_stanza_set_attribute(field, "var", fields[i][0]);
        xmpp_stanza_t *value = rc_stanza_element(ctx, "value", NULL);
        xmpp_stanza_t *text = xmpp_stanza_new(ctx);
        xmpp_stanza_set_text(text, fields[i][1]);
        add(value, text);
        add(field, value);
        add(form, field);
    }
    add(query, form);
    add(iq, query);
    rc_wait *wait = rc_wait_new();
    rc_conn_send_iq(bus->conn, iq, bus->timeout_ms, on_configured, wait);
    xmpp_stanza_release(iq);
    return rc_wait_ok(wait, bus, error);
}

typedef struct {
    char *gate;
    rc_wait *wait;
} rc_gate_call;

static void answer_free(gpointer data)
{
    rc_gate_answer *answer = data;
    g_free(answer->item_id);
    g_free(answer->tracking);
    if (answer->reply)
        xmpp_stanza_release(answer->reply);
    g_free(answer);
}

static void on_gate_reply(rc_conn *conn, xmpp_stanza_t *reply, const GError *error,
                          void *data)
{
    rc_gate_call *call = data;
    g_autoptr(GError) refused = NULL;
    rc_gate_answer *answer = NULL;
    if (reply) {
        answer = g_new0(rc_gate_answer, 1);
        if (rc_gate_check_reply(reply, call->gate, &answer->item_id, &refused)) {
            answer->tracking = rc_tracking_parse(reply, &answer->clients);
            answer->reply = xmpp_stanza_clone(reply);
        } else {
            g_clear_pointer(&answer, answer_free);
        }
    }
    rc_wait_finish(call->wait, reply ? refused : error, answer, answer_free);
    g_free(call->gate);
    g_free(call);
}

rc_gate_answer *rc_gate_call_sync(roomctl_bus *bus, const char *gate, xmpp_stanza_t *iq,
                                  GError **error)
{
    rc_gate_call *call = g_new0(rc_gate_call, 1);
    call->gate = g_strdup(gate);
    call->wait = rc_wait_new();
    rc_wait *wait = call->wait;
    rc_conn_send_iq(bus->conn, iq, bus->timeout_ms, on_gate_reply, call);
    return rc_wait_run(wait, bus, bus->timeout_ms + 1000, error);
}

void rc_gate_answer_free(rc_gate_answer *answer)
{
    if (answer)
        answer_free(answer);
}

gboolean rc_gate_send_sync(roomctl_bus *bus, const char *gate, rc_gate_op op,
                           const char *room_jid, xmpp_stanza_t *control,
                           const char *item_id, char **done_id, GError **error)
{
    xmpp_ctx_t *ctx = rc_bus_ctx(bus);
    xmpp_stanza_t *copy = control ? xmpp_stanza_copy(control) : NULL;
    xmpp_stanza_t *iq = rc_gate_request_new(ctx, gate, op, room_jid, item_id, copy);
    if (copy)
        xmpp_stanza_release(copy);
    rc_gate_answer *answer = rc_gate_call_sync(bus, gate, iq, error);
    xmpp_stanza_release(iq);
    if (!answer)
        return FALSE;
    if (done_id)
        *done_id = g_steal_pointer(&answer->item_id);
    answer_free(answer);
    return TRUE;
}

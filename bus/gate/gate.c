/* roomctl-gate: requests and the gate's life.  A request is served only
 * for a room the gate is in (its own presence came back, so the occupant
 * table is whole) and whose node it owns; the requester's full JID must be
 * an occupant allowed by `allow:` at that moment. */
#include "gate_private.h"

#include <string.h>

#include "codec.h"
#include "log.h"

void rc_gate_room_free(gpointer data)
{
    rc_gate_room *room = data;
    rc_occupants_free(room->occupants);
    g_hash_table_unref(room->clients);
    g_free(room->jid);
    g_free(room->problem);
    g_free(room);
}

void rc_gate_room_problem(rc_gate_room *room, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_free(room->problem);
    room->problem = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    rc_warn("gate", "%s: %s", room->jid, room->problem);
}

rc_gate_room *rc_gate_add_room(rc_gate *gate, const char *jid)
{
    rc_gate_room *room = g_new0(rc_gate_room, 1);
    room->gate = gate;
    room->jid = g_utf8_strdown(jid, -1);
    room->occupants = rc_occupants_new();
    room->clients = rc_gate_clients_new();
    g_ptr_array_add(gate->rooms, room);
    return room;
}

rc_gate_room *rc_gate_find_room(const rc_gate *gate, const char *jid)
{
    g_autofree char *bare = g_strndup(jid, strcspn(jid, "/"));
    g_autofree char *lower = g_utf8_strdown(bare, -1);
    for (guint i = 0; i < gate->rooms->len; i++) {
        rc_gate_room *room = g_ptr_array_index(gate->rooms, i);
        if (!strcmp(room->jid, lower))
            return room;
    }
    return NULL;
}

/* ---- What requests and commands share ----------------------------------------- */

void rc_gate_send(rc_gate *gate, xmpp_stanza_t *stanza)
{
    rc_conn_send(gate->bus->conn, stanza);
    xmpp_stanza_release(stanza);
}

void rc_gate_count_refusal(rc_gate *gate, const GError *why)
{
    if (why->code == ROOMCTL_ERR_NOT_ALLOWED)
        gate->stats.not_moderator++;
    else if (why->code == ROOMCTL_ERR_INVALID_ITEM || why->code == ROOMCTL_ERR_UNKNOWN_TYPE ||
             why->code == ROOMCTL_ERR_CONFIG)
        gate->stats.invalid++;
    else
        gate->stats.failed++;
}

rc_gate_room *rc_gate_may(rc_gate *gate, const char *room_jid, const char *from,
                          GError **error)
{
    rc_gate_room *room = rc_gate_find_room(gate, room_jid);
    const char *role, *affiliation;
    if (!room) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND,
                    "the gate %s does not manage room %s", gate->config->base->jid, room_jid);
    } else if (!room->node_ready) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND,
                    "room %s has no control node yet%s%s", room->jid,
                    room->problem ? ": " : "", room->problem ? room->problem : "");
    } else if (!room->joined) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_SERVER,
                    "the gate is not in room %s yet, so it does not know who is a moderator; "
                    "try again in a moment%s%s%s", room->jid, room->problem ? " (" : "",
                    room->problem ? room->problem : "", room->problem ? ")" : "");
    } else if (rc_occupants_allowed(room->occupants, from, gate->config->allow, &role,
                                    &affiliation)) {
        return room;
    } else if (!strcmp(role, "none")) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED,
                    "%s is not a moderator of %s: not in the room (the gate takes requests "
                    "only from the room's occupants)", from, room->jid);
    } else {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED,
                    "%s is not a moderator of %s (role %s, affiliation %s; the gate requires "
                    "%s)", from, room->jid, role, affiliation,
                    rc_allow_name(gate->config->allow));
    }
    return NULL;
}

typedef struct {
    rc_gate *gate;
    char *item_id;
    rc_gate_done_fn done;
    void *user_data;
} rc_apply;

static void apply_done(rc_apply *a, const GError *error)
{
    if (error)
        rc_gate_count_refusal(a->gate, error);
    else
        a->gate->stats.done++;
    a->done(a->gate, error, a->item_id, a->user_data);
    g_free(a->item_id);
    g_free(a);
}

static void on_node_reply(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error,
                          void *data)
{
    apply_done(data, error);
}

void rc_gate_apply(rc_gate *gate, rc_gate_room *room, rc_gate_op op, const roomctl_item *item,
                   const char *item_id, const char *requester, rc_gate_done_fn done,
                   void *user_data)
{
    rc_apply *a = g_new0(rc_apply, 1);
    a->gate = gate;
    a->done = done;
    a->user_data = user_data;
    a->item_id = g_strdup(item ? roomctl_item_id(item) : item_id);
    xmpp_ctx_t *ctx = rc_bus_ctx(gate->bus);
    g_autofree char *node = roomctl_room_node_name(room->jid);
    rc_info("gate", "%s: %s %s %s", room->jid, requester,
            op == RC_GATE_PUBLISH ? "publishes" : op == RC_GATE_RETRACT ? "retracts" : "purges",
            a->item_id ? a->item_id : "the node");
    if (op == RC_GATE_PUBLISH) {
        /* Validated already (rc_item_decode_stanza or the form): published as
         * encoded, without roomctl_bus_publish()'s second check. */
        xmpp_stanza_t *payload = rc_item_encode_stanza(item, ctx);
        rc_bus_request(gate->bus, rc_pubsub_publish(ctx, gate->bus->pubsub_service, node,
                                                    a->item_id, payload),
                       RC_OP_PUBLISH, room->jid, NULL, on_node_reply, a);
        xmpp_stanza_release(payload);
    } else if (op == RC_GATE_RETRACT)
        rc_bus_request(gate->bus, rc_pubsub_retract(ctx, gate->bus->pubsub_service, node,
                                                    item_id),
                       RC_OP_RETRACT, room->jid, item_id, on_node_reply, a);
    else
        rc_bus_request(gate->bus, rc_pubsub_purge(ctx, gate->bus->pubsub_service, node),
                       RC_OP_PURGE, room->jid, NULL, on_node_reply, a);
}

/* ---- Requests (urn:roomctl:gate:0) ----------------------------------------------- */

/* What an answer needs of its request: id, from, to. */
typedef struct {
    xmpp_stanza_t *stub;
    rc_gate_op op;
    char *room;
    guint track_s;            /* (13) <track/>: seconds to wait; 0: not tracked */
    gboolean track_all;
} rc_request;

static void refuse(rc_gate *gate, xmpp_stanza_t *request, const GError *why)
{
    rc_info("gate", "refused a request of %s: %s", xmpp_stanza_get_from(request), why->message);
    rc_gate_send(gate, rc_gate_error(rc_bus_ctx(gate->bus), request, why));
}

static void request_done(rc_gate *gate, const GError *error, const char *item_id, void *data)
{
    rc_request *r = data;
    rc_gate_room *room = rc_gate_find_room(gate, r->room);
    rc_track *track = !error && r->track_s && room
        ? rc_gate_track_new(gate, room, r->op, item_id, xmpp_stanza_get_from(r->stub),
                            r->track_s, r->track_all)
        : NULL;
    if (error) {
        refuse(gate, r->stub, error);
    } else {
        xmpp_stanza_t *result = rc_gate_result(rc_bus_ctx(gate->bus), r->stub, r->op, r->room,
                                               item_id);
        if (track)
            rc_tracking_add(result, rc_gate_track_id(track), rc_gate_track_total(track));
        rc_gate_send(gate, result);
    }
    if (track)
        rc_gate_track_start(track);
    xmpp_stanza_release(r->stub);
    g_free(r->room);
    g_free(r);
}

static void handle_request(rc_gate *gate, xmpp_stanza_t *iq, const rc_gate_request *req)
{
    const char *from = xmpp_stanza_get_from(iq);
    g_autoptr(GError) error = NULL;
    rc_gate_room *room = rc_gate_may(gate, req->room, from, &error);
    roomctl_item *item = room && req->op == RC_GATE_PUBLISH
        ? rc_item_decode_stanza(gate->registry, req->control, NULL, &error) : NULL;
    if (error) {
        rc_gate_count_refusal(gate, error);
        refuse(gate, iq, error);
        return;
    }
    rc_request *r = g_new0(rc_request, 1);
    r->stub = xmpp_iq_new(rc_bus_ctx(gate->bus), "set", xmpp_stanza_get_id(iq));
    xmpp_stanza_set_from(r->stub, from);
    xmpp_stanza_set_to(r->stub, xmpp_stanza_get_to(iq));
    r->op = req->op;
    r->room = g_strdup(room->jid);
    if (!rc_track_parse(iq, &r->track_s, &r->track_all))
        r->track_s = 0;
    rc_gate_apply(gate, room, req->op, item, req->item_id, from, request_done, r);
    if (item)
        roomctl_item_unref(item);
}

static gboolean on_stanza(rc_conn *conn, xmpp_stanza_t *stanza, void *data)
{
    rc_gate *gate = data;
    if (!g_strcmp0(xmpp_stanza_get_name(stanza), "presence")) {
        if (!rc_gate_clients_presence(gate, stanza))
            rc_gate_rooms_presence(gate, stanza);
        return TRUE;
    }
    if (rc_gate_clients_status(gate, stanza))
        return TRUE;
    rc_gate_request req;
    g_autoptr(GError) error = NULL;
    if (!rc_gate_request_parse(stanza, &req, &error)) {
        if (!error)
            return rc_gate_adhoc_handle(gate, stanza);
        gate->stats.requests++;
        rc_gate_count_refusal(gate, error);
        refuse(gate, stanza, error);
        return TRUE;
    }
    gate->stats.requests++;
    handle_request(gate, stanza, &req);
    return TRUE;
}

static void on_status(roomctl_bus *bus, gboolean connected, const GError *error, void *data)
{
    if (!connected)
        rc_warn("gate", "lost the server: %s", error ? error->message : "disconnected");
    rc_gate_rooms_status(data, connected);
}

/* ---- Lifecycle ------------------------------------------------------------------ */

rc_gate *rc_gate_new(const rc_gate_config *config, const roomctl_registry *registry,
                     GMainContext *context)
{
    const rc_agent_config *base = config->base;
    rc_gate *gate = g_new0(rc_gate, 1);
    gate->config = config;
    gate->registry = registry;
    gate->context = context ? g_main_context_ref(context) : g_main_context_ref_thread_default();
    const char *dot = strchr(base->jid, '.');
    g_autofree char *pubsub = base->pubsub_service
        ? g_strdup(base->pubsub_service)
        : g_strconcat("pubsub.", dot ? dot + 1 : base->jid, NULL);
    roomctl_bus_options options = {
        .jid = base->jid, .password = base->password, .host = base->host,
        .port = base->port ? base->port : 5347, .pubsub_service = pubsub,
        .allow_plaintext = base->allow_plaintext,
        .reconnect_min_ms = (guint)base->reconnect_min_ms,
        .reconnect_max_ms = (guint)base->reconnect_max_ms,
        .keepalive_ms = (guint)base->keepalive_ms,
    };
    gate->bus = roomctl_bus_new(&options, registry, gate->context);
    rc_conn_set_component(gate->bus->conn, TRUE);
    rc_conn_set_stanza_handler(gate->bus->conn, on_stanza, gate);
    roomctl_bus_set_status_callback(gate->bus, on_status, gate);
    rc_bus_set_message_hook(gate->bus, rc_gate_clients_message, gate);
    gate->tracks = rc_gate_tracks_new();
    gate->rooms = g_ptr_array_new_with_free_func(rc_gate_room_free);
    gate->patterns = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < base->rooms->len; i++) {
        const char *jid = g_ptr_array_index(base->rooms, i);
        /* A room address with * or ?: every room of the MUC service it matches. */
        if (strpbrk(jid, "*?"))
            g_ptr_array_add(gate->patterns, g_utf8_strdown(jid, -1));
        else
            rc_gate_add_room(gate, jid);
    }
    return gate;
}

void rc_gate_free(rc_gate *gate)
{
    if (!gate)
        return;
    rc_gate_rooms_stop(gate);
    roomctl_bus_set_status_callback(gate->bus, NULL, NULL);
    roomctl_bus_free(gate->bus);
    g_ptr_array_unref(gate->tracks);
    g_ptr_array_unref(gate->rooms);
    g_ptr_array_unref(gate->patterns);
    g_main_context_unref(gate->context);
    g_free(gate);
}

gboolean rc_gate_start(rc_gate *gate, GError **error)
{
    return roomctl_bus_connect_sync(gate->bus, error);
}

void rc_gate_get_stats(const rc_gate *gate, rc_gate_stats *out) { *out = gate->stats; }

void rc_gate_log_status(const rc_gate *gate)
{
    rc_info("gate", "%s: %s; requests %" G_GUINT64_FORMAT ", done %" G_GUINT64_FORMAT
            ", refused (not a moderator) %" G_GUINT64_FORMAT ", refused (invalid) %"
            G_GUINT64_FORMAT ", failed %" G_GUINT64_FORMAT, gate->config->base->jid,
            roomctl_bus_is_connected(gate->bus) ? "connected" : "not connected",
            gate->stats.requests, gate->stats.done, gate->stats.not_moderator,
            gate->stats.invalid, gate->stats.failed);
    for (guint i = 0; i < gate->rooms->len; i++) {
        const rc_gate_room *room = g_ptr_array_index(gate->rooms, i);
        rc_info("gate", "%s: %s, node %s, %u occupants%s%s", room->jid,
                room->joined ? "in the room" : "not in the room",
                room->node_ready ? "ready" : "not ready", rc_occupants_count(room->occupants),
                room->problem ? "; " : "", room->problem ? room->problem : "");
    }
}

/* roomctl-gate: requests and the gate's life.  A request is served only
 * for a room the gate is in (its own presence came back, so the occupant
 * table is whole) and whose node it owns; the requester's full JID must be
 * an occupant allowed by `allow:` at that moment. */
#include "gate_private.h"

#include <string.h>

#include "codec.h"
#include "log.h"

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

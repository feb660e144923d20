/* roomctl-gate: what its parts share, below them all: the rooms it keeps,
 * sending, the check of a requester's right at the moment of the request,
 * and publishing to a room's node.  gate.c (requests, the gate's life),
 * gate_rooms.c, gate_adhoc.c, gate_clients.c and gate_track.c build on it. */
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
    /* full JID (the status's own) -> rc_client_status (gate_clients.c) */
    room->clients = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, rc_client_status_free);
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

GPtrArray *rc_gate_values(GHashTable *table)
{
    GPtrArray *values = g_ptr_array_sized_new(g_hash_table_size(table));
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, table);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(values, value);
    return values;
}

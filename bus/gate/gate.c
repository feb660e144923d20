/* roomctl-gate: sessions, rooms and requests.  A request is served only for
 * a room the gate is in (its own presence came back, so the occupant table
 * is whole) and whose node it owns; the requester's full JID must be an
 * occupant allowed by `allow:` at that moment. */
#include "gate.h"

#include <string.h>

#include "../bus_private.h"
#include "../codec.h"
#include "../gate_proto.h"
#include "../log.h"
#include "../muc_admin.h"
#include "../stanza_error.h"

#define RETRY_MS 5000
#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"

typedef struct rc_gate_room {
    rc_gate *gate;
    char *jid;                /* bare, lower case */
    rc_occupants *occupants;
    gboolean joined;          /* our own presence came back in this session */
    gboolean node_ready;      /* the node exists, configured, we own it */
    char *problem;            /* why requests for it cannot be served now */
} rc_gate_room;

struct rc_gate {
    const rc_gate_config *config;
    const roomctl_registry *registry;
    GMainContext *context;
    roomctl_bus *bus;
    GPtrArray *rooms;         /* rc_gate_room * */
    GSource *setup;           /* rooms to set up after (re)connecting or a failure */
    rc_gate_stats stats;
};

static void room_free(gpointer data)
{
    rc_gate_room *room = data;
    rc_occupants_free(room->occupants);
    g_free(room->jid);
    g_free(room->problem);
    g_free(room);
}

static void set_problem(rc_gate_room *room, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void set_problem(rc_gate_room *room, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_free(room->problem);
    room->problem = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    rc_warn("gate", "%s: %s", room->jid, room->problem);
}

static rc_gate_room *find_room(const rc_gate *gate, const char *jid)
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

/* ---- Setting a room up: node, its affiliations, presence ------------------------ */

static void schedule_setup(rc_gate *gate, guint delay_ms);

static void on_disco(rc_conn *conn, xmpp_stanza_t *reply, const GError *error, void *wait)
{
    g_autoptr(GError) refused = NULL;
    gboolean *members_only = NULL;
    if (reply && !g_strcmp0(xmpp_stanza_get_type(reply), "result")) {
        members_only = g_new0(gboolean, 1);
        xmpp_stanza_t *query = xmpp_stanza_get_child_by_name_and_ns(reply, "query",
                                                                    NS_DISCO_INFO);
        for (xmpp_stanza_t *f = query ? xmpp_stanza_get_children(query) : NULL; f;
             f = xmpp_stanza_get_next(f))
            if (!g_strcmp0(xmpp_stanza_get_name(f), "feature") &&
                !g_strcmp0(xmpp_stanza_get_attribute(f, "var"), "muc_membersonly"))
                *members_only = TRUE;
    } else if (reply) {
        refused = g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND, "there is no MUC room %s "
                              "(create it, then run `roomctl room create ROOM --gate GATE`)",
                              xmpp_stanza_get_from(reply));
    }
    rc_wait_finish(wait, reply ? refused : error, members_only, g_free);
}

/* Whether the MUC room is members-only: its node is then too (whitelist). */
static gboolean room_access(rc_gate *gate, rc_gate_room *room, roomctl_access *access,
                            GError **error)
{
    xmpp_stanza_t *iq = xmpp_iq_new(rc_bus_ctx(gate->bus), "get", NULL);
    xmpp_stanza_set_to(iq, room->jid);
    xmpp_stanza_t *query = xmpp_stanza_new(rc_bus_ctx(gate->bus));
    xmpp_stanza_set_name(query, "query");
    xmpp_stanza_set_ns(query, NS_DISCO_INFO);
    xmpp_stanza_add_child(iq, query);
    xmpp_stanza_release(query);
    rc_wait *wait = rc_wait_new();
    rc_conn_send_iq(gate->bus->conn, iq, gate->bus->timeout_ms, on_disco, wait);
    xmpp_stanza_release(iq);
    gboolean *members_only = rc_wait_run(wait, gate->bus, gate->bus->timeout_ms + 1000, error);
    if (!members_only)
        return FALSE;
    *access = *members_only ? ROOMCTL_ACCESS_MEMBERS : ROOMCTL_ACCESS_OPEN;
    g_free(members_only);
    return TRUE;
}

/* The gate is the node's only publisher: everyone else who could publish
 * loses it; in a members-only room the MUC's members, admins and owners may
 * subscribe.  Errors are logged: a node that keeps another publisher still
 * works, the gate says so. */
static void fix_affiliations(rc_gate *gate, rc_gate_room *room, roomctl_access access,
                             GHashTable *node)
{
    g_autoptr(GHashTable) wanted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, node);
    while (g_hash_table_iter_next(&iter, &key, &value))
        if (GPOINTER_TO_INT(value) >= ROOMCTL_AFFILIATION_MODERATOR &&
            g_ascii_strcasecmp(key, gate->config->base->jid))
            g_hash_table_replace(wanted, g_utf8_strdown(key, -1),
                                 GINT_TO_POINTER(ROOMCTL_AFFILIATION_NONE));
    if (access == ROOMCTL_ACCESS_MEMBERS) {
        static const rc_muc_affiliation all[] = { RC_MUC_OWNER, RC_MUC_ADMIN, RC_MUC_MEMBER,
                                                  RC_MUC_NONE };
        g_autoptr(GError) error = NULL;
        /* An admin gate may not read the owner list (Prosody): then without it. */
        g_autoptr(GHashTable) muc = rc_muc_get_lists_sync(gate->bus, room->jid, all, NULL);
        if (!muc)
            muc = rc_muc_get_lists_sync(gate->bus, room->jid, all + 1, &error);
        if (!muc)
            rc_warn("gate", "%s: cannot read the room's member list, so members may not be "
                    "able to subscribe: %s", room->jid, error->message);
        g_hash_table_iter_init(&iter, muc ? muc : wanted);
        while (muc && g_hash_table_iter_next(&iter, &key, NULL))
            if (g_ascii_strcasecmp(key, gate->config->base->jid))
                g_hash_table_replace(wanted, g_strdup(key),
                                     GINT_TO_POINTER(ROOMCTL_AFFILIATION_MEMBER));
    }
    g_hash_table_iter_init(&iter, wanted);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        gpointer before = NULL;
        if (g_hash_table_lookup_extended(node, key, NULL, &before) && before == value)
            continue;
        g_autoptr(GError) error = NULL;
        if (!roomctl_bus_room_grant_sync(gate->bus, room->jid, key, GPOINTER_TO_INT(value),
                                         &error))
            rc_warn("gate", "%s: %s", room->jid, error->message);
        else
            rc_info("gate", "%s: %s is now %s of the node", room->jid, (char *)key,
                    rc_affiliation_name(GPOINTER_TO_INT(value)));
    }
}

static void on_itemreply(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error,
                         void *data)
{
    char *room = data;
    if (error)
        rc_warn("gate", "%s: cannot make the server name publishers (pubsub#itemreply): %s",
                room, error->message);
    g_free(room);
}

/* Where the node's form has pubsub#itemreply (ejabberd), items must name
 * their publisher, so that agents can check it is the gate.  Prosody names
 * publishers with its expose_publisher setting instead. */
static void name_publishers(rc_gate *gate, rc_gate_room *room, const roomctl_room_info *info)
{
    for (guint i = 0; i < info->config->len; i++) {
        const char *line = g_ptr_array_index(info->config, i);
        if (!g_str_has_prefix(line, "pubsub#itemreply=") ||
            !strcmp(line, "pubsub#itemreply=publisher"))
            continue;
        g_autofree char *node = roomctl_room_node_name(room->jid);
        rc_bus_request(gate->bus, rc_pubsub_configure_one(rc_bus_ctx(gate->bus),
                                                          gate->bus->pubsub_service, node,
                                                          "pubsub#itemreply", "publisher"),
                       RC_OP_CONFIGURE, room->jid, NULL, on_itemreply, g_strdup(room->jid));
    }
}

static void join(rc_gate *gate, rc_gate_room *room)
{
    xmpp_ctx_t *ctx = rc_bus_ctx(gate->bus);
    xmpp_stanza_t *presence = xmpp_presence_new(ctx);
    g_autofree char *to = g_strconcat(room->jid, "/", gate->config->nick, NULL);
    xmpp_stanza_set_to(presence, to);
    xmpp_stanza_t *x = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(x, "x");
    xmpp_stanza_set_ns(x, RC_NS_MUC);
    xmpp_stanza_t *history = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(history, "history");
    xmpp_stanza_set_attribute(history, "maxstanzas", "0");
    xmpp_stanza_add_child(x, history);
    xmpp_stanza_release(history);
    xmpp_stanza_add_child(presence, x);
    xmpp_stanza_release(x);
    rc_bus_send(gate->bus, presence);
}

static gboolean setup_room(rc_gate *gate, rc_gate_room *room)
{
    g_autoptr(GError) error = NULL;
    roomctl_access access = ROOMCTL_ACCESS_OPEN;
    if (!room_access(gate, room, &access, &error)) {
        set_problem(room, "%s", error->message);
        return FALSE;
    }
    roomctl_room_info *info = roomctl_bus_room_create_sync(gate->bus, room->jid, access, &error);
    if (!info) {
        set_problem(room, "the room has no control node the gate may publish to: %s",
                    error->message);
        return FALSE;
    }
    room->node_ready = TRUE;
    name_publishers(gate, room, info);
    fix_affiliations(gate, room, access, info->affiliations);
    roomctl_room_info_free(info);
    if (!room->joined)
        join(gate, room);
    return TRUE;
}

static gboolean run_setup(gpointer data)
{
    rc_gate *gate = data;
    g_clear_pointer(&gate->setup, g_source_unref);
    gboolean all = TRUE;
    for (guint i = 0; i < gate->rooms->len && roomctl_bus_is_connected(gate->bus); i++) {
        rc_gate_room *room = g_ptr_array_index(gate->rooms, i);
        if (!room->node_ready || !room->joined)
            all &= setup_room(gate, room);
    }
    if (!all)
        schedule_setup(gate, RETRY_MS);
    return G_SOURCE_REMOVE;
}

static void schedule_setup(rc_gate *gate, guint delay_ms)
{
    if (gate->setup)
        return;
    gate->setup = g_timeout_source_new(delay_ms);
    g_source_set_callback(gate->setup, run_setup, gate, NULL);
    g_source_attach(gate->setup, gate->context);
}

static void on_status(roomctl_bus *bus, gboolean connected, const GError *error, void *data)
{
    rc_gate *gate = data;
    for (guint i = 0; i < gate->rooms->len; i++) {
        rc_gate_room *room = g_ptr_array_index(gate->rooms, i);
        /* A new session: roles are read again before any request is served. */
        room->joined = FALSE;
        room->node_ready = FALSE;
        rc_occupants_clear(room->occupants);
    }
    if (connected)
        schedule_setup(gate, 0);
    else
        rc_warn("gate", "lost the server: %s", error ? error->message : "disconnected");
}

/* ---- Presence ---------------------------------------------------------------- */

static void on_presence(rc_gate *gate, xmpp_stanza_t *presence)
{
    const char *from = xmpp_stanza_get_from(presence);
    rc_gate_room *room = from ? find_room(gate, from) : NULL;
    if (!room)
        return;
    switch (rc_occupants_update(room->occupants, presence)) {
    case RC_PRESENCE_SELF: {
        xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(presence, "x", RC_NS_MUC_USER);
        xmpp_stanza_t *item = xmpp_stanza_get_child_by_name(x, "item");
        const char *affiliation = xmpp_stanza_get_attribute(item, "affiliation");
        if (!room->joined)
            rc_info("gate", "%s: in the room as %s (%s), %u occupants: serving requests",
                    room->jid, gate->config->nick, affiliation ? affiliation : "none",
                    rc_occupants_count(room->occupants));
        room->joined = TRUE;
        g_clear_pointer(&room->problem, g_free);
        if (g_strcmp0(affiliation, "owner") && g_strcmp0(affiliation, "admin"))
            rc_warn("gate", "%s: the gate is not an owner or admin of the room, so it may "
                    "not see the occupants' real JIDs and then refuses every request; the "
                    "room's owner runs `roomctl room create %s --gate %s`", room->jid,
                    room->jid, gate->config->base->jid);
        break;
    }
    case RC_PRESENCE_SELF_GONE:
        room->joined = FALSE;
        rc_occupants_clear(room->occupants);
        set_problem(room, "the gate is no longer in the room (kicked, banned or the room "
                          "was destroyed); trying to enter again");
        schedule_setup(gate, RETRY_MS);
        break;
    case RC_PRESENCE_ERROR: {
        g_autofree char *text = rc_stanza_error_text(presence);
        xmpp_stanza_t *err = xmpp_stanza_get_child_by_name(presence, "error");
        xmpp_stanza_t *cond = err ? xmpp_stanza_get_children(err) : NULL;
        room->joined = FALSE;
        set_problem(room, "the MUC service does not let the gate in: %s%s%s",
                    cond ? xmpp_stanza_get_name(cond) : "error", text ? ": " : "",
                    text ? text : "");
        schedule_setup(gate, RETRY_MS);
        break;
    }
    default:
        break;
    }
}

/* ---- Requests ------------------------------------------------------------------ */

typedef struct {
    rc_gate *gate;
    xmpp_stanza_t *stub;    /* id, from, to of the request: what the answer needs */
    rc_gate_op op;
    char *room;
    char *item_id;
} rc_request;

static void answer(rc_gate *gate, xmpp_stanza_t *reply)
{
    rc_conn_send(gate->bus->conn, reply);
    xmpp_stanza_release(reply);
}

static void refuse(rc_gate *gate, xmpp_stanza_t *request, int code, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static void refuse(rc_gate *gate, xmpp_stanza_t *request, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autoptr(GError) why = g_error_new_valist(ROOMCTL_ERROR, code, fmt, ap);
    va_end(ap);
    if (code == ROOMCTL_ERR_NOT_ALLOWED)
        gate->stats.not_moderator++;
    else if (code == ROOMCTL_ERR_INVALID_ITEM || code == ROOMCTL_ERR_UNKNOWN_TYPE ||
             code == ROOMCTL_ERR_CONFIG)
        gate->stats.invalid++;
    else
        gate->stats.failed++;
    rc_info("gate", "refused a request of %s: %s", xmpp_stanza_get_from(request), why->message);
    answer(gate, rc_gate_error(rc_bus_ctx(gate->bus), request, why));
}

static void request_free(rc_request *r)
{
    xmpp_stanza_release(r->stub);
    g_free(r->room);
    g_free(r->item_id);
    g_free(r);
}

static void request_done(rc_request *r, const GError *error)
{
    rc_gate *gate = r->gate;
    if (error) {
        refuse(gate, r->stub, error->code, "%s", error->message);
    } else {
        gate->stats.done++;
        answer(gate, rc_gate_result(rc_bus_ctx(gate->bus), r->stub, r->op, r->room,
                                    r->item_id));
    }
    request_free(r);
}

static void on_published(roomctl_bus *bus, const GError *error, void *data)
{
    request_done(data, error);
}

static void on_node_reply(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error,
                          void *data)
{
    request_done(data, error);
}

static xmpp_stanza_t *stub_of(xmpp_ctx_t *ctx, xmpp_stanza_t *iq)
{
    xmpp_stanza_t *stub = xmpp_iq_new(ctx, "set", xmpp_stanza_get_id(iq));
    xmpp_stanza_set_from(stub, xmpp_stanza_get_from(iq));
    xmpp_stanza_set_to(stub, xmpp_stanza_get_to(iq));
    return stub;
}

static void handle_request(rc_gate *gate, xmpp_stanza_t *iq, const rc_gate_request *req)
{
    const char *from = xmpp_stanza_get_from(iq);
    rc_gate_room *room = find_room(gate, req->room);
    if (!room) {
        refuse(gate, iq, ROOMCTL_ERR_NOT_FOUND, "the gate %s does not manage room %s",
               gate->config->base->jid, req->room);
        return;
    }
    if (!room->node_ready) {
        refuse(gate, iq, ROOMCTL_ERR_NOT_FOUND, "room %s has no control node yet%s%s",
               room->jid, room->problem ? ": " : "", room->problem ? room->problem : "");
        return;
    }
    if (!room->joined) {
        refuse(gate, iq, ROOMCTL_ERR_SERVER, "the gate is not in room %s yet, so it does not "
               "know who is a moderator; try again in a moment%s%s%s", room->jid,
               room->problem ? " (" : "", room->problem ? room->problem : "",
               room->problem ? ")" : "");
        return;
    }
    const char *role, *affiliation;
    if (!rc_occupants_allowed(room->occupants, from, gate->config->allow, &role, &affiliation)) {
        if (!strcmp(role, "none"))
            refuse(gate, iq, ROOMCTL_ERR_NOT_ALLOWED, "%s is not a moderator of %s: not in the "
                   "room (the gate takes requests only from the room's occupants)", from,
                   room->jid);
        else
            refuse(gate, iq, ROOMCTL_ERR_NOT_ALLOWED, "%s is not a moderator of %s (role %s, "
                   "affiliation %s; the gate requires %s)", from, room->jid, role, affiliation,
                   rc_allow_name(gate->config->allow));
        return;
    }
    xmpp_ctx_t *ctx = rc_bus_ctx(gate->bus);
    rc_request *r = g_new0(rc_request, 1);
    r->gate = gate;
    r->stub = stub_of(ctx, iq);
    r->op = req->op;
    r->room = g_strdup(room->jid);
    g_autofree char *node = roomctl_room_node_name(room->jid);
    if (req->op == RC_GATE_PUBLISH) {
        g_autoptr(GError) error = NULL;
        roomctl_item *item = rc_item_decode_stanza(gate->registry, req->control, NULL, &error);
        if (!item) {
            request_done(r, error);
            return;
        }
        r->item_id = g_strdup(roomctl_item_id(item));
        rc_info("gate", "%s: %s publishes %s", room->jid, from, r->item_id);
        roomctl_bus_publish(gate->bus, room->jid, item, on_published, r);
        roomctl_item_unref(item);
    } else if (req->op == RC_GATE_RETRACT) {
        r->item_id = g_strdup(req->item_id);
        rc_info("gate", "%s: %s retracts %s", room->jid, from, r->item_id);
        rc_bus_request(gate->bus, rc_pubsub_retract(ctx, gate->bus->pubsub_service, node,
                                                    req->item_id),
                       RC_OP_RETRACT, room->jid, req->item_id, on_node_reply, r);
    } else {
        rc_info("gate", "%s: %s purges the node", room->jid, from);
        rc_bus_request(gate->bus, rc_pubsub_purge(ctx, gate->bus->pubsub_service, node),
                       RC_OP_PURGE, room->jid, NULL, on_node_reply, r);
    }
}

static gboolean on_stanza(rc_conn *conn, xmpp_stanza_t *stanza, void *data)
{
    rc_gate *gate = data;
    if (!g_strcmp0(xmpp_stanza_get_name(stanza), "presence")) {
        on_presence(gate, stanza);
        return TRUE;
    }
    rc_gate_request req;
    g_autoptr(GError) error = NULL;
    if (!rc_gate_request_parse(stanza, &req, &error)) {
        if (!error)
            return FALSE;
        gate->stats.requests++;
        refuse(gate, stanza, error->code, "%s", error->message);
        return TRUE;
    }
    gate->stats.requests++;
    handle_request(gate, stanza, &req);
    return TRUE;
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
    gate->rooms = g_ptr_array_new_with_free_func(room_free);
    for (guint i = 0; i < base->rooms->len; i++) {
        rc_gate_room *room = g_new0(rc_gate_room, 1);
        room->gate = gate;
        room->jid = g_utf8_strdown(g_ptr_array_index(base->rooms, i), -1);
        room->occupants = rc_occupants_new();
        g_ptr_array_add(gate->rooms, room);
    }
    return gate;
}

void rc_gate_free(rc_gate *gate)
{
    if (!gate)
        return;
    if (gate->setup) {
        g_source_destroy(gate->setup);
        g_source_unref(gate->setup);
    }
    roomctl_bus_set_status_callback(gate->bus, NULL, NULL);
    roomctl_bus_free(gate->bus);
    g_ptr_array_unref(gate->rooms);
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

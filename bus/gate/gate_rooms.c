/* roomctl-gate's rooms: the node (created or taken over, affiliations,
 * itemreply), entering the room, and its occupants as presence tells. */
#include "gate_private.h"

#include <string.h>

#include "disco.h"
#include "log.h"
#include "muc_admin.h"
#include "stanza_error.h"

#define RETRY_MS 5000
/* How often the MUC services are asked for new rooms a pattern matches. */
#define RESCAN_MS 30000

/* ---- Setting a room up: node, its affiliations, presence ------------------------ */

static void schedule_setup(rc_gate *gate, guint delay_ms);

static void on_disco(rc_conn *conn, xmpp_stanza_t *reply, const GError *error, void *wait)
{
    g_autoptr(GError) refused = NULL;
    gboolean *members_only = NULL;
    if (reply && !g_strcmp0(xmpp_stanza_get_type(reply), "result")) {
        members_only = g_new0(gboolean, 1);
        *members_only = rc_disco_has_feature(reply, "muc_membersonly");
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
    xmpp_stanza_t *iq = rc_disco_info_request(rc_bus_ctx(gate->bus), room->jid);
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
        rc_gate_room_problem(room, "%s", error->message);
        return FALSE;
    }
    roomctl_room_info *info = roomctl_bus_room_create_sync(gate->bus, room->jid, access, &error);
    if (!info) {
        rc_gate_room_problem(room, "the room has no control node the gate may publish to: %s",
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

static void on_disco_items(rc_conn *conn, xmpp_stanza_t *reply, const GError *error,
                           void *wait)
{
    GPtrArray *jids = NULL;
    xmpp_stanza_t *query = reply && !g_strcmp0(xmpp_stanza_get_type(reply), "result")
        ? xmpp_stanza_get_child_by_name_and_ns(reply, "query", RC_NS_DISCO_ITEMS) : NULL;
    if (query) {
        jids = g_ptr_array_new_with_free_func(g_free);
        for (xmpp_stanza_t *it = xmpp_stanza_get_children(query); it; it = xmpp_stanza_get_next(it))
            if (!g_strcmp0(xmpp_stanza_get_name(it), "item") &&
                xmpp_stanza_get_attribute(it, "jid"))
                g_ptr_array_add(jids, g_utf8_strdown(xmpp_stanza_get_attribute(it, "jid"), -1));
    }
    g_autoptr(GError) refused = reply && !query
        ? g_error_new_literal(ROOMCTL_ERROR, ROOMCTL_ERR_SERVER, "the MUC service does not list "
                              "its rooms") : NULL;
    rc_wait_finish(wait, reply ? refused : error, jids, (GDestroyNotify)g_ptr_array_unref);
}

/* Rooms of the MUC service that a `rooms:` pattern matches and the gate does
 * not manage yet: managed from now on.  The service lists public rooms only
 * (XEP-0045 6.3; Prosody 0.12 makes rooms hidden unless
 * muc_room_default_public = true): a hidden room must be named in `rooms:`. */
static void discover(rc_gate *gate)
{
    for (guint p = 0; p < gate->patterns->len; p++) {
        const char *pattern = g_ptr_array_index(gate->patterns, p);
        const char *service = strchr(pattern, '@') ? strchr(pattern, '@') + 1 : pattern;
        xmpp_stanza_t *iq = rc_disco_items_request(rc_bus_ctx(gate->bus), service);
        rc_wait *wait = rc_wait_new();
        rc_conn_send_iq(gate->bus->conn, iq, gate->bus->timeout_ms, on_disco_items, wait);
        xmpp_stanza_release(iq);
        g_autoptr(GError) error = NULL;
        GPtrArray *jids = rc_wait_run(wait, gate->bus, gate->bus->timeout_ms + 1000, &error);
        if (!jids) {
            rc_warn("gate", "cannot list the rooms of %s for '%s': %s", service, pattern,
                    error->message);
            continue;
        }
        for (guint i = 0; i < jids->len; i++) {
            const char *jid = g_ptr_array_index(jids, i);
            if (g_pattern_match_simple(pattern, jid) && !rc_gate_find_room(gate, jid)) {
                rc_info("gate", "%s: matches '%s': the gate manages it", jid, pattern);
                rc_gate_add_room(gate, jid);
            }
        }
        g_ptr_array_unref(jids);
    }
}

static gboolean run_setup(gpointer data)
{
    rc_gate *gate = data;
    g_clear_pointer(&gate->setup, g_source_unref);
    if (roomctl_bus_is_connected(gate->bus))
        discover(gate);
    gboolean all = TRUE;
    for (guint i = 0; i < gate->rooms->len && roomctl_bus_is_connected(gate->bus); i++) {
        rc_gate_room *room = g_ptr_array_index(gate->rooms, i);
        if (!room->node_ready || !room->joined)
            all &= setup_room(gate, room);
    }
    if (!all)
        schedule_setup(gate, RETRY_MS);
    else if (gate->patterns->len && roomctl_bus_is_connected(gate->bus))
        schedule_setup(gate, gate->config->rescan_ms ? gate->config->rescan_ms : RESCAN_MS);
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

void rc_gate_rooms_status(rc_gate *gate, gboolean connected)
{
    for (guint i = 0; i < gate->rooms->len; i++) {
        rc_gate_room *room = g_ptr_array_index(gate->rooms, i);
        /* A new session: roles are read again before any request is served. */
        room->joined = FALSE;
        room->node_ready = FALSE;
        rc_occupants_clear(room->occupants);
    }
    if (connected)
        schedule_setup(gate, 0);
}

void rc_gate_rooms_stop(rc_gate *gate)
{
    if (gate->setup) {
        g_source_destroy(gate->setup);
        g_clear_pointer(&gate->setup, g_source_unref);
    }
}

/* ---- Presence ---------------------------------------------------------------- */

void rc_gate_rooms_presence(rc_gate *gate, xmpp_stanza_t *presence)
{
    const char *from = xmpp_stanza_get_from(presence);
    rc_gate_room *room = from ? rc_gate_find_room(gate, from) : NULL;
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
        rc_gate_room_problem(room, "the gate is no longer in the room (kicked, banned or the room "
                          "was destroyed); trying to enter again");
        schedule_setup(gate, RETRY_MS);
        break;
    case RC_PRESENCE_ERROR: {
        g_autofree char *text = rc_stanza_error_text(presence);
        xmpp_stanza_t *err = xmpp_stanza_get_child_by_name(presence, "error");
        xmpp_stanza_t *cond = err ? xmpp_stanza_get_children(err) : NULL;
        room->joined = FALSE;
        rc_gate_room_problem(room, "the MUC service does not let the gate in: %s%s%s",
                    cond ? xmpp_stanza_get_name(cond) : "error", text ? ": " : "",
                    text ? text : "");
        schedule_setup(gate, RETRY_MS);
        break;
    }
    default:
        break;
    }
}



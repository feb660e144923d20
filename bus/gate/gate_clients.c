/* roomctl-gate: the receivers of each room, as they announce themselves and
 * acknowledge items, and the status a moderator asks for
 * (docs/wire-format.md sections 12.1, 11.2, 11.4, 11.5).  In memory only. */
#include "gate_private.h"

#include <string.h>

#include "log.h"

/* What is kept (11.5). */
#define KEEP_FAILURES 5
#define KEEP_GONE_S (10 * 60)
#define KEEP_GONE_MAX 100

/* Forget clients gone for longer than KEEP_GONE_S, and the oldest beyond
 * KEEP_GONE_MAX. */
static void prune(rc_gate_room *room)
{
    gint64 old = g_get_real_time() - (gint64)KEEP_GONE_S * G_USEC_PER_SEC;
    GHashTableIter iter;
    gpointer value;
    guint gone = 0;
    g_hash_table_iter_init(&iter, room->clients);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        const rc_client_status *s = value;
        if (!s->present && s->since < old)
            g_hash_table_iter_remove(&iter);
        else
            gone += !s->present;
    }
    while (gone-- > KEEP_GONE_MAX) {
        const rc_client_status *oldest = NULL;
        g_hash_table_iter_init(&iter, room->clients);
        while (g_hash_table_iter_next(&iter, NULL, &value)) {
            const rc_client_status *s = value;
            if (!s->present && (!oldest || s->since < oldest->since))
                oldest = s;
        }
        g_hash_table_remove(room->clients, oldest->jid);
    }
}

static void gone_from(rc_gate_room *room, rc_client_status *s)
{
    if (!s->present)
        return;
    s->present = FALSE;
    s->synced = FALSE;
    s->since = g_get_real_time();
    rc_info("gate", "%s: client %s went away", room->jid, s->jid);
    rc_gate_track_gone(room->gate, room->jid, s->jid);
    prune(room);
}

/* The client @jid in @room, made (present, nothing known) when new. */
static rc_client_status *client_in(rc_gate_room *room, const char *jid)
{
    rc_client_status *s = g_hash_table_lookup(room->clients, jid);
    if (!s) {
        s = rc_client_status_new(jid);
        g_hash_table_insert(room->clients, s->jid, s);
    }
    if (!s->present) {
        s->present = TRUE;
        s->since = g_get_real_time();
    }
    return s;
}

static void copy_caps(rc_announce *to, const rc_announce *from)
{
    g_ptr_array_set_size(to->handles, 0);
    g_ptr_array_set_size(to->plugins, 0);
    for (guint i = 0; i < from->handles->len; i++) {
        const rc_announce_entry *e = g_ptr_array_index(from->handles, i);
        rc_announce_add_type(to, e->name, e->version);
    }
    for (guint i = 0; i < from->plugins->len; i++) {
        const rc_announce_entry *e = g_ptr_array_index(from->plugins, i);
        rc_announce_add_plugin(to, e->name, e->version);
    }
}

gboolean rc_gate_clients_presence(rc_gate *gate, xmpp_stanza_t *presence)
{
    const char *from = xmpp_stanza_get_from(presence);
    /* The rooms' own presences (occupants) are gate_rooms.c's. */
    if (!from || rc_gate_find_room(gate, from))
        return FALSE;
    gboolean ignored = FALSE;
    g_autoptr(GError) error = NULL;
    rc_announce *announce = rc_announce_parse(presence, &ignored, &error);
    if (error)
        rc_warn("gate", "ignored the announcement of %s: %s", from, error->message);
    if (ignored || error)
        return TRUE;
    g_autofree char *jid = g_utf8_strdown(from, -1);
    for (guint i = 0; i < gate->rooms->len; i++) {
        rc_gate_room *room = g_ptr_array_index(gate->rooms, i);
        int synced = rc_announce_room_synced(announce, room->jid);
        rc_client_status *s = g_hash_table_lookup(room->clients, jid);
        if (synced < 0) {
            if (s)
                gone_from(room, s);
            continue;
        }
        if (!s || !s->present)
            rc_info("gate", "%s: client %s is here (%u types)", room->jid, jid,
                    announce->handles->len);
        s = client_in(room, jid);
        s->synced = synced;
        copy_caps(s->caps, announce);
    }
    rc_announce_free(announce);
    return TRUE;
}

static void keep(rc_gate_room *room, const char *from, const rc_ack *ack)
{
    rc_client_status *s = g_hash_table_lookup(room->clients, from);
    if (!s || !s->present) {
        /* Not announced (the gate restarted): ask it to (11.5); its
         * announcement makes it known. */
        rc_gate_send(room->gate, rc_announce_request_new(rc_bus_ctx(room->gate->bus), from));
        return;
    }
    g_free(s->last_result);
    s->last_result = g_strdup(rc_ack_result_name(ack->result));
    if (ack->result == RC_ACK_APPLIED && ack->op == RC_GATE_PUBLISH) {
        g_free(s->last);
        s->last = g_strdup(ack->item);
    }
    if (ack->result == RC_ACK_APPLIED)
        return;
    rc_ack *failure = rc_ack_new(NULL, ack->op, ack->item, ack->result, ack->plugin,
                                 ack->reason);
    failure->at = g_get_real_time();
    g_ptr_array_add(s->failures, failure);
    if (s->failures->len > KEEP_FAILURES)
        g_ptr_array_remove_index(s->failures, 0);
}

gboolean rc_gate_clients_message(roomctl_bus *bus, xmpp_stanza_t *message, void *data)
{
    rc_gate *gate = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) acks = rc_ack_message_parse(message, &error);
    const char *from = xmpp_stanza_get_from(message);
    if (error)
        rc_warn("gate", "ignored acknowledgements from %s: %s", from, error->message);
    if (!acks || !from)
        return error != NULL;
    g_autofree char *jid = g_utf8_strdown(from, -1);
    for (guint i = 0; i < acks->len; i++) {
        const rc_ack *ack = g_ptr_array_index(acks, i);
        rc_gate_room *room = rc_gate_find_room(gate, ack->room);
        if (!room)
            continue;
        gate->stats.acks++;
        keep(room, jid, ack);
        rc_gate_track_ack(gate, room->jid, jid, ack);
    }
    return TRUE;
}

/* ---- Status (11.4) ----------------------------------------------------------------- */

static gint by_jid(gconstpointer a, gconstpointer b)
{
    const rc_client_status *x = *(rc_client_status *const *)a;
    const rc_client_status *y = *(rc_client_status *const *)b;
    return x->present != y->present ? y->present - x->present : strcmp(x->jid, y->jid);
}

gboolean rc_gate_clients_status(rc_gate *gate, xmpp_stanza_t *iq)
{
    const char *room_jid, *type;
    int version;
    g_autoptr(GError) error = NULL;
    if (!rc_status_request_parse(iq, &room_jid, &type, &version, &error) && !error)
        return FALSE;
    rc_gate_room *room = error ? NULL
                               : rc_gate_may(gate, room_jid, xmpp_stanza_get_from(iq), &error);
    if (!room) {
        rc_gate_send(gate, rc_gate_error(rc_bus_ctx(gate->bus), iq, error));
        return TRUE;
    }
    prune(room);
    /* A type without a version: the highest the gate knows. */
    if (type && version <= 0) {
        const roomctl_schema *schema = roomctl_registry_lookup(gate->registry, type, 0);
        version = schema ? roomctl_schema_version(schema) : 0;
    }
    g_autoptr(GPtrArray) clients = rc_gate_values(room->clients);
    g_ptr_array_sort(clients, by_jid);
    for (guint i = 0; i < clients->len; i++) {
        rc_client_status *s = g_ptr_array_index(clients, i);
        s->can = type ? rc_announce_handles(s->caps, type, version) : -1;
    }
    rc_gate_send(gate, rc_status_result_new(rc_bus_ctx(gate->bus), iq, room->jid, clients));
    return TRUE;
}

char *rc_gate_clients_describe(rc_gate_room *room)
{
    prune(room);
    g_autoptr(GPtrArray) clients = rc_gate_values(room->clients);
    g_ptr_array_sort(clients, by_jid);
    GString *out = g_string_new(NULL);
    guint present = 0;
    for (guint i = 0; i < clients->len; i++)
        present += ((rc_client_status *)clients->pdata[i])->present;
    g_string_append_printf(out, "%s: %u clients connected, %u gone", room->jid, present,
                           clients->len - present);
    for (guint i = 0; i < clients->len; i++) {
        const rc_client_status *s = g_ptr_array_index(clients, i);
        g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(s->since / G_USEC_PER_SEC);
        g_autofree char *since = g_date_time_format(t, "%H:%M:%S");
        g_string_append_printf(out, "\n%s: %s since %s UTC%s, last applied %s", s->jid,
                               s->present ? "connected" : "gone", since,
                               s->present ? (s->synced ? ", in sync" : ", NOT in sync") : "",
                               s->last ? s->last : "none");
        if (s->failures->len) {
            const rc_ack *f = g_ptr_array_index(s->failures, s->failures->len - 1);
            g_string_append_printf(out, "; last failure: %s %s%s%s: %s",
                                   rc_ack_result_name(f->result), f->item ? f->item : "",
                                   f->plugin ? " in " : "", f->plugin ? f->plugin : "",
                                   f->reason ? f->reason : "");
        }
    }
    return g_string_free(out, FALSE);
}

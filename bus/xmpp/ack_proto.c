/* Acknowledgements and client announcements (docs/wire-format.md sections
 * 11.1, 11.2, 11.5).  Pure functions: tests/test_ack_proto.c needs no server. */
#include "ack_proto.h"
#include "stanza_build.h"

#include <stdlib.h>
#include <string.h>

static const char *const result_names[RC_ACK_N] = {
    "applied", "failed", "unsupported", "dropped", "gone", "waiting"
};

const char *rc_ack_result_name(rc_ack_result result) { return result_names[result]; }

gboolean rc_ack_result_parse(const char *name, rc_ack_result *out)
{
    for (guint i = 0; name && i < RC_ACK_N; i++)
        if (!strcmp(name, result_names[i])) {
            *out = (rc_ack_result)i;
            return TRUE;
        }
    return FALSE;
}

/* ---- Helpers ----------------------------------------------------------------- */

xmpp_stanza_t *rc_ack_element(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name,
                              const char *ns)
{
    xmpp_stanza_t *e = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(e, name);
    if (ns)
        xmpp_stanza_set_ns(e, ns);
    if (parent) {
        xmpp_stanza_add_child(parent, e);
        xmpp_stanza_release(e);
    }
    return e;
}

gboolean rc_ack_bad(GError **error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_propagate_error(error, g_error_new_valist(ROOMCTL_ERROR, ROOMCTL_ERR_CONFIG, fmt, ap));
    va_end(ap);
    return FALSE;
}

xmpp_stanza_t *rc_ack_child(xmpp_stanza_t *stanza, const char *name)
{
    return xmpp_stanza_get_child_by_name_and_ns(stanza, name, RC_NS_ACK);
}

gboolean rc_ack_uint_attr(xmpp_stanza_t *e, const char *name, guint *out, GError **error)
{
    const char *text = xmpp_stanza_get_attribute(e, name);
    guint64 value = 0;
    if (!text || !g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT, &value, NULL))
        return rc_ack_bad(error, "<%s/>: attribute '%s': expected a count, got '%s'",
                          xmpp_stanza_get_name(e), name, text ? text : "(none)");
    *out = (guint)value;
    return TRUE;
}

void rc_ack_set_attr(xmpp_stanza_t *e, const char *name, const char *value)
{
    if (value)
        xmpp_stanza_set_attribute(e, name, value);
}

void rc_ack_add_text(xmpp_stanza_t *parent, const char *text)
{
    if (!text || !*text)
        return;
    xmpp_stanza_t *t = xmpp_stanza_new(xmpp_stanza_get_context(parent));
    xmpp_stanza_set_text(t, text);
    xmpp_stanza_add_child(parent, t);
    xmpp_stanza_release(t);
}

/* ---- Acknowledgements (11.2) ----------------------------------------------------- */

rc_ack *rc_ack_new(const char *room, rc_gate_op op, const char *item, rc_ack_result result,
                   const char *plugin, const char *reason)
{
    rc_ack *ack = g_new0(rc_ack, 1);
    ack->room = g_strdup(room);
    ack->op = op;
    ack->item = g_strdup(item);
    ack->result = result;
    ack->plugin = g_strdup(plugin);
    ack->reason = g_strdup(reason);
    return ack;
}

void rc_ack_free(gpointer data)
{
    rc_ack *ack = data;
    if (!ack)
        return;
    g_free(ack->room);
    g_free(ack->item);
    g_free(ack->plugin);
    g_free(ack->reason);
    g_free(ack);
}

xmpp_stanza_t *rc_ack_message_new(xmpp_ctx_t *ctx, const char *gate, GPtrArray *acks)
{
    xmpp_stanza_t *message = xmpp_message_new(ctx, NULL, gate, NULL);
    for (guint i = 0; i < acks->len; i++) {
        const rc_ack *ack = g_ptr_array_index(acks, i);
        xmpp_stanza_t *e = rc_ack_element(ctx, message, "ack", RC_NS_ACK);
        rc_ack_set_attr(e, "room", ack->room);
        if (ack->op != RC_GATE_PUBLISH)
            rc_ack_set_attr(e, "op", rc_gate_op_name(ack->op));
        rc_ack_set_attr(e, "item", ack->item);
        rc_ack_set_attr(e, "result", rc_ack_result_name(ack->result));
        rc_ack_set_attr(e, "plugin", ack->plugin);
        rc_ack_add_text(e, ack->reason);
    }
    return message;
}

static gboolean parse_op(const char *name, rc_gate_op *op)
{
    for (rc_gate_op o = RC_GATE_PUBLISH; o <= RC_GATE_PURGE; o++)
        if (!g_strcmp0(name, rc_gate_op_name(o))) {
            *op = o;
            return TRUE;
        }
    return FALSE;
}

static rc_ack *parse_ack(xmpp_stanza_t *e, GError **error)
{
    const char *room = xmpp_stanza_get_attribute(e, "room");
    const char *item = xmpp_stanza_get_attribute(e, "item");
    const char *op_name = xmpp_stanza_get_attribute(e, "op");
    const char *result_name = xmpp_stanza_get_attribute(e, "result");
    rc_gate_op op = RC_GATE_PUBLISH;
    rc_ack_result result;
    if (!room || !*room)
        rc_ack_bad(error, "<ack/> names no room (attribute 'room')");
    else if (op_name && !parse_op(op_name, &op))
        rc_ack_bad(error, "<ack/> attribute 'op': expected publish, retract or purge, got '%s'",
                   op_name);
    else if (op != RC_GATE_PURGE && (!item || !*item))
        rc_ack_bad(error, "<ack/> names no item (attribute 'item')");
    else if (!rc_ack_result_parse(result_name, &result) || result > RC_ACK_DROPPED)
        rc_ack_bad(error, "<ack/> attribute 'result': expected applied, failed, unsupported "
                   "or dropped, got '%s'", result_name ? result_name : "(none)");
    else {
        g_autofree char *reason = rc_stanza_text(e);
        return rc_ack_new(room, op, op == RC_GATE_PURGE ? NULL : item, result,
                          xmpp_stanza_get_attribute(e, "plugin"), reason);
    }
    return NULL;
}

GPtrArray *rc_ack_message_parse(xmpp_stanza_t *message, GError **error)
{
    if (g_strcmp0(xmpp_stanza_get_name(message), "message") ||
        !g_strcmp0(xmpp_stanza_get_type(message), "error"))
        return NULL;
    GPtrArray *acks = NULL;
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(message); c; c = xmpp_stanza_get_next(c)) {
        if (!xmpp_stanza_is_tag(c) || g_strcmp0(xmpp_stanza_get_name(c), "ack") ||
            g_strcmp0(xmpp_stanza_get_ns(c), RC_NS_ACK))
            continue;
        rc_ack *ack = parse_ack(c, error);
        if (!ack) {
            g_clear_pointer(&acks, g_ptr_array_unref);
            return NULL;
        }
        if (!acks)
            acks = g_ptr_array_new_with_free_func(rc_ack_free);
        g_ptr_array_add(acks, ack);
    }
    return acks;
}

/* ---- Announcements (11.1) ---------------------------------------------------------- */

static void room_free(gpointer data)
{
    rc_announce_room *room = data;
    g_free(room->jid);
    g_free(room);
}

static void entry_free(gpointer data)
{
    rc_announce_entry *e = data;
    g_free(e->name);
    g_free(e->version);
    g_free(e);
}

static void add_entry(GPtrArray *to, const char *name, const char *version)
{
    rc_announce_entry *e = g_new0(rc_announce_entry, 1);
    e->name = g_strdup(name);
    e->version = g_strdup(version);
    g_ptr_array_add(to, e);
}

rc_announce *rc_announce_new(void)
{
    rc_announce *announce = g_new0(rc_announce, 1);
    announce->rooms = g_ptr_array_new_with_free_func(room_free);
    announce->handles = g_ptr_array_new_with_free_func(entry_free);
    announce->plugins = g_ptr_array_new_with_free_func(entry_free);
    return announce;
}

void rc_announce_free(rc_announce *announce)
{
    if (!announce)
        return;
    g_ptr_array_unref(announce->rooms);
    g_ptr_array_unref(announce->handles);
    g_ptr_array_unref(announce->plugins);
    g_free(announce);
}

void rc_announce_add_room(rc_announce *announce, const char *jid, gboolean synced)
{
    rc_announce_room *room = g_new0(rc_announce_room, 1);
    room->jid = g_utf8_strdown(jid, -1);
    room->synced = synced;
    g_ptr_array_add(announce->rooms, room);
}

void rc_announce_add_type(rc_announce *announce, const char *type, const char *versions)
{
    add_entry(announce->handles, type, versions);
}

void rc_announce_add_plugin(rc_announce *announce, const char *name, const char *version)
{
    add_entry(announce->plugins, name, version);
}

gboolean rc_announce_handles(const rc_announce *announce, const char *type, int version)
{
    for (guint i = 0; announce && i < announce->handles->len; i++) {
        const rc_announce_entry *t = g_ptr_array_index(announce->handles, i);
        if (strcmp(t->name, type))
            continue;
        if (version <= 0)
            return TRUE;
        g_auto(GStrv) versions = g_strsplit(t->version, " ", -1);
        for (guint v = 0; versions[v]; v++)
            if (atoi(versions[v]) == version)
                return TRUE;
    }
    return FALSE;
}

int rc_announce_room_synced(const rc_announce *announce, const char *room)
{
    for (guint i = 0; announce && i < announce->rooms->len; i++) {
        const rc_announce_room *r = g_ptr_array_index(announce->rooms, i);
        if (!g_ascii_strcasecmp(r->jid, room))
            return r->synced;
    }
    return -1;
}

xmpp_stanza_t *rc_announce_presence_new(xmpp_ctx_t *ctx, const char *gate,
                                        const rc_announce *announce)
{
    xmpp_stanza_t *presence = xmpp_presence_new(ctx);
    xmpp_stanza_set_to(presence, gate);
    xmpp_stanza_t *client = rc_ack_element(ctx, presence, "client", RC_NS_ACK);
    for (guint i = 0; i < announce->rooms->len; i++) {
        const rc_announce_room *room = g_ptr_array_index(announce->rooms, i);
        xmpp_stanza_t *e = rc_ack_element(ctx, client, "room", NULL);
        rc_ack_set_attr(e, "jid", room->jid);
        rc_ack_set_attr(e, "synced", room->synced ? "true" : "false");
    }
    for (guint i = 0; i < announce->handles->len; i++) {
        const rc_announce_entry *t = g_ptr_array_index(announce->handles, i);
        xmpp_stanza_t *e = rc_ack_element(ctx, client, "handles", NULL);
        rc_ack_set_attr(e, "type", t->name);
        rc_ack_set_attr(e, "versions", t->version);
    }
    for (guint i = 0; i < announce->plugins->len; i++) {
        const rc_announce_entry *p = g_ptr_array_index(announce->plugins, i);
        xmpp_stanza_t *e = rc_ack_element(ctx, client, "plugin", NULL);
        rc_ack_set_attr(e, "name", p->name);
        rc_ack_set_attr(e, "version", p->version);
    }
    return presence;
}

/* "1 2 3": positive numbers separated by single spaces. */
static gboolean versions_ok(const char *versions)
{
    if (!versions || !*versions)
        return FALSE;
    g_auto(GStrv) parts = g_strsplit(versions, " ", -1);
    for (guint i = 0; parts[i]; i++) {
        guint64 v;
        if (!g_ascii_string_to_unsigned(parts[i], 10, 1, G_MAXINT, &v, NULL))
            return FALSE;
    }
    return TRUE;
}

static gboolean parse_client_child(rc_announce *announce, xmpp_stanza_t *c, GError **error)
{
    const char *name = xmpp_stanza_get_name(c);
    if (!strcmp(name, "room")) {
        const char *jid = xmpp_stanza_get_attribute(c, "jid");
        const char *synced = xmpp_stanza_get_attribute(c, "synced");
        if (!jid || !*jid)
            return rc_ack_bad(error, "<client/>: a <room/> names no jid");
        rc_announce_add_room(announce, jid, !g_strcmp0(synced, "true"));
    } else if (!strcmp(name, "handles")) {
        const char *type = xmpp_stanza_get_attribute(c, "type");
        const char *versions = xmpp_stanza_get_attribute(c, "versions");
        if (!type || !*type)
            return rc_ack_bad(error, "<client/>: a <handles/> names no type");
        if (!versions_ok(versions))
            return rc_ack_bad(error, "<client/>: <handles type='%s'/> attribute 'versions': "
                              "expected numbers separated by spaces, got '%s'", type,
                              versions ? versions : "(none)");
        rc_announce_add_type(announce, type, versions);
    } else if (!strcmp(name, "plugin")) {
        const char *plugin = xmpp_stanza_get_attribute(c, "name");
        if (!plugin || !*plugin)
            return rc_ack_bad(error, "<client/>: a <plugin/> has no name");
        rc_announce_add_plugin(announce, plugin, xmpp_stanza_get_attribute(c, "version"));
    }
    /* Other children: room for later versions. */
    return TRUE;
}

rc_announce *rc_announce_parse(xmpp_stanza_t *presence, gboolean *ignored, GError **error)
{
    const char *type = xmpp_stanza_get_type(presence);
    *ignored = type && strcmp(type, "unavailable") && strcmp(type, "available");
    xmpp_stanza_t *client = rc_ack_child(presence, "client");
    if (*ignored || (type && !strcmp(type, "unavailable")) || !client)
        return NULL;
    rc_announce *announce = rc_announce_new();
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(client); c; c = xmpp_stanza_get_next(c))
        if (xmpp_stanza_is_tag(c) && !parse_client_child(announce, c, error)) {
            rc_announce_free(announce);
            return NULL;
        }
    return announce;
}

xmpp_stanza_t *rc_announce_request_new(xmpp_ctx_t *ctx, const char *to)
{
    xmpp_stanza_t *message = xmpp_message_new(ctx, NULL, to, NULL);
    rc_ack_element(ctx, message, "announce", RC_NS_ACK);
    return message;
}

gboolean rc_announce_request_is(xmpp_stanza_t *message)
{
    return !g_strcmp0(xmpp_stanza_get_name(message), "message") &&
           g_strcmp0(xmpp_stanza_get_type(message), "error") &&
           rc_ack_child(message, "announce") != NULL;
}

/* roomctl-gate's ad-hoc commands (XEP-0050) and service discovery: any
 * client with ad-hoc commands (Gajim, Psi, Conversations) becomes a
 * moderator's panel.  Per managed room: "publish TYPE" (one command per
 * control type, its form made from the schema), "retract an item" and
 * "purge", and (issue 13) "who is connected", answered at once.  Every
 * other command is one step: the form, then its submission. */
#include "gate_private.h"
#include "stanza_build.h"

#include <string.h>

#include "disco.h"
#include "log.h"
#include "schema_private.h"
#include "stanza_error.h"
#include "schema_form.h"

#define NS_COMMANDS "http://jabber.org/protocol/commands"

/* Command nodes: "publish/ROOM/TYPE", "retract/ROOM", "purge/ROOM",
 * "status/ROOM". */
typedef struct {
    rc_gate_op op;
    rc_gate_room *room;
    const roomctl_schema *schema;   /* publish */
    gboolean status;                /* (13) the room's clients, not an op */
} rc_command;

static void add_text(xmpp_stanza_t *parent, const char *name, const char *text,
                     const char *type)
{
    xmpp_stanza_t *e = rc_stanza_add_child(parent, name, NULL);
    if (type)
        xmpp_stanza_set_type(e, type);
    xmpp_stanza_t *t = xmpp_stanza_new(xmpp_stanza_get_context(parent));
    xmpp_stanza_set_text(t, text);
    xmpp_stanza_add_child(e, t);
    xmpp_stanza_release(t);
}

static gboolean parse_node(rc_gate *gate, const char *node, rc_command *out)
{
    g_auto(GStrv) parts = node ? g_strsplit(node, "/", 3) : NULL;
    guint n = parts ? g_strv_length(parts) : 0;
    if (n < 2 || !(out->room = rc_gate_find_room(gate, parts[1])))
        return FALSE;
    out->schema = NULL;
    out->status = n == 2 && !strcmp(parts[0], "status");
    if (out->status)
        return TRUE;
    if (n == 3 && !strcmp(parts[0], "publish")) {
        out->op = RC_GATE_PUBLISH;
        out->schema = roomctl_registry_lookup(gate->registry, parts[2], 0);
        return out->schema != NULL;
    }
    out->op = !strcmp(parts[0], "retract") ? RC_GATE_RETRACT : RC_GATE_PURGE;
    return n == 2 && (!strcmp(parts[0], "retract") || !strcmp(parts[0], "purge"));
}

static char *command_name(const rc_command *c)
{
    if (c->status)
        return g_strdup_printf("%s: who is connected (status)", c->room->jid);
    if (c->op == RC_GATE_PUBLISH)
        return g_strdup_printf("%s: publish %s", c->room->jid, c->schema->type);
    return g_strdup_printf(c->op == RC_GATE_RETRACT ? "%s: retract an item"
                                                    : "%s: purge every item", c->room->jid);
}

/* ---- Service discovery ----------------------------------------------------------- */

static void list_commands(rc_gate *gate, xmpp_stanza_t *query)
{
    g_autoptr(GPtrArray) schemas = roomctl_registry_list(gate->registry);
    for (guint r = 0; r < gate->rooms->len; r++) {
        rc_command c = { .room = g_ptr_array_index(gate->rooms, r) };
        for (guint s = 0; s <= schemas->len + 2; s++) {
            g_autofree char *node = NULL;
            if (s < schemas->len) {
                c.op = RC_GATE_PUBLISH;
                c.schema = g_ptr_array_index(schemas, s);
                /* Only the newest version of a type. */
                if (roomctl_registry_lookup(gate->registry, c.schema->type, 0) != c.schema)
                    continue;
                node = g_strdup_printf("publish/%s/%s", c.room->jid, c.schema->type);
            } else if (s == schemas->len + 2) {
                c.status = TRUE;
                node = g_strdup_printf("status/%s", c.room->jid);
            } else {
                c.op = s == schemas->len ? RC_GATE_RETRACT : RC_GATE_PURGE;
                node = g_strdup_printf("%s/%s", rc_gate_op_name(c.op), c.room->jid);
            }
            g_autofree char *name = command_name(&c);
            xmpp_stanza_t *item = rc_stanza_add_child(query, "item", NULL);
            xmpp_stanza_set_attribute(item, "jid", gate->config->base->jid);
            xmpp_stanza_set_attribute(item, "node", node);
            xmpp_stanza_set_attribute(item, "name", name);
        }
    }
}

static gboolean handle_disco(rc_gate *gate, xmpp_stanza_t *iq, xmpp_stanza_t *query)
{
    const char *ns = xmpp_stanza_get_ns(query);
    const char *node = xmpp_stanza_get_attribute(query, "node");
    xmpp_stanza_t *reply = xmpp_stanza_reply(iq);
    xmpp_stanza_set_type(reply, "result");
    xmpp_stanza_t *answer = rc_stanza_add_child(reply, "query", ns);
    if (node)
        xmpp_stanza_set_attribute(answer, "node", node);
    rc_command c;
    if (!strcmp(ns, RC_NS_DISCO_ITEMS) && !g_strcmp0(node, NS_COMMANDS)) {
        list_commands(gate, answer);
    } else if (!strcmp(ns, RC_NS_DISCO_INFO) && !node) {
        xmpp_stanza_t *id = rc_stanza_add_child(answer, "identity", NULL);
        xmpp_stanza_set_attribute(id, "category", "component");
        xmpp_stanza_set_attribute(id, "type", "generic");
        xmpp_stanza_set_attribute(id, "name", "roomctl gate");
        static const char *const features[] = { RC_NS_DISCO_INFO, RC_NS_DISCO_ITEMS, NS_COMMANDS,
                                                RC_NS_GATE, RC_NS_DATA };
        for (gsize i = 0; i < G_N_ELEMENTS(features); i++)
            xmpp_stanza_set_attribute(rc_stanza_add_child(answer, "feature", NULL), "var",
                                      features[i]);
    } else if (!strcmp(ns, RC_NS_DISCO_INFO) && parse_node(gate, node, &c)) {
        g_autofree char *name = command_name(&c);
        xmpp_stanza_t *id = rc_stanza_add_child(answer, "identity", NULL);
        xmpp_stanza_set_attribute(id, "category", "automation");
        xmpp_stanza_set_attribute(id, "type", "command-node");
        xmpp_stanza_set_attribute(id, "name", name);
        xmpp_stanza_set_attribute(rc_stanza_add_child(answer, "feature", NULL), "var", NS_COMMANDS);
        xmpp_stanza_set_attribute(rc_stanza_add_child(answer, "feature", NULL), "var", RC_NS_DATA);
    } else if (strcmp(ns, RC_NS_DISCO_ITEMS) || node) {
        xmpp_stanza_release(reply);
        reply = rc_stanza_error_reply(rc_bus_ctx(gate->bus), iq, "cancel", "item-not-found",
                                      NULL);
    }
    rc_gate_send(gate, reply);
    return TRUE;
}

/* ---- Commands -------------------------------------------------------------------- */

/* The form of command @c (a new stanza). */
static xmpp_stanza_t *command_form(rc_gate *gate, const rc_command *c)
{
    xmpp_ctx_t *ctx = rc_bus_ctx(gate->bus);
    g_autofree char *title = command_name(c);
    if (c->op == RC_GATE_PUBLISH)
        return rc_schema_form(ctx, c->schema, title);
    xmpp_stanza_t *form = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(form, "x");
    xmpp_stanza_set_ns(form, RC_NS_DATA);
    xmpp_stanza_set_type(form, "form");
    add_text(form, "title", title, NULL);
    xmpp_stanza_t *field = rc_stanza_add_child(form, "field", NULL);
    if (c->op == RC_GATE_RETRACT) {
        xmpp_stanza_set_attribute(field, "var", "item");
        xmpp_stanza_set_attribute(field, "type", "text-single");
        xmpp_stanza_set_attribute(field, "label", "item id");
        add_text(field, "desc", "The item to remove, e.g. ui.button:send; clients reset "
                                "that key.", NULL);
        rc_stanza_add_child(field, "required", NULL);
    } else {
        xmpp_stanza_set_attribute(field, "var", "confirm");
        xmpp_stanza_set_attribute(field, "type", "boolean");
        xmpp_stanza_set_attribute(field, "label", "remove every item");
        add_text(field, "desc", "Clients reset all their state.", NULL);
        add_text(field, "value", "false", NULL);
    }
    return form;
}

/* The <command/> answer to @iq: @status, the form when executing (taken),
 * @note. */
static xmpp_stanza_t *command_reply(rc_gate *gate, xmpp_stanza_t *iq, const char *node,
                                    const char *session, const char *status,
                                    xmpp_stanza_t *form, const char *note_type,
                                    const char *note)
{
    xmpp_stanza_t *reply = xmpp_stanza_reply(iq);
    xmpp_stanza_set_type(reply, "result");
    xmpp_stanza_t *command = rc_stanza_add_child(reply, "command", NS_COMMANDS);
    xmpp_stanza_set_attribute(command, "node", node);
    xmpp_stanza_set_attribute(command, "sessionid", session);
    xmpp_stanza_set_attribute(command, "status", status);
    if (form) {
        xmpp_stanza_t *actions = rc_stanza_add_child(command, "actions", NULL);
        xmpp_stanza_set_attribute(actions, "execute", "complete");
        rc_stanza_add_child(actions, "complete", NULL);
    }
    if (note)
        add_text(command, "note", note, note_type);
    if (form) {
        xmpp_stanza_add_child(command, form);
        xmpp_stanza_release(form);
    }
    return reply;
}

/* A command in flight: what its answer needs. */
typedef struct {
    xmpp_stanza_t *stub;
    char *node, *session, *room;
    rc_gate_op op;
} rc_running;

static void command_done(rc_gate *gate, const GError *error, const char *item_id, void *data)
{
    rc_running *r = data;
    g_autofree char *note = error ? g_strdup(error->message)
        : r->op == RC_GATE_PUBLISH ? g_strdup_printf("published %s to %s", item_id, r->room)
        : r->op == RC_GATE_RETRACT ? g_strdup_printf("retracted %s from %s", item_id, r->room)
        : g_strdup_printf("purged %s", r->room);
    rc_gate_send(gate, command_reply(gate, r->stub, r->node, r->session, "completed", NULL,
                                     error ? "error" : "info", note));
    xmpp_stanza_release(r->stub);
    g_free(r->node);
    g_free(r->session);
    g_free(r->room);
    g_free(r);
}

/* The single value of field @var in submitted form @x, or NULL; g_free(). */
static char *form_value(xmpp_stanza_t *x, const char *var)
{
    for (xmpp_stanza_t *f = x ? xmpp_stanza_get_children(x) : NULL; f; f = xmpp_stanza_get_next(f)) {
        if (g_strcmp0(xmpp_stanza_get_attribute(f, "var"), var))
            continue;
        xmpp_stanza_t *v = xmpp_stanza_get_child_by_name(f, "value");
        return rc_stanza_text(v);
    }
    return NULL;
}

static void run_command(rc_gate *gate, xmpp_stanza_t *iq, xmpp_stanza_t *command)
{
    const char *node = xmpp_stanza_get_attribute(command, "node");
    const char *action = xmpp_stanza_get_attribute(command, "action");
    const char *given = xmpp_stanza_get_attribute(command, "sessionid");
    g_autofree char *session = given ? g_strdup(given)
                                     : g_strdup_printf("%08x", g_random_int());
    xmpp_ctx_t *ctx = rc_bus_ctx(gate->bus);
    rc_command c;
    if (!parse_node(gate, node, &c)) {
        rc_gate_send(gate, rc_stanza_error_reply(ctx, iq, "cancel", "item-not-found",
                                                 "no such command"));
        return;
    }
    if (!g_strcmp0(action, "cancel")) {
        rc_gate_send(gate, command_reply(gate, iq, node, session, "canceled", NULL, NULL, NULL));
        return;
    }
    const char *from = xmpp_stanza_get_from(iq);
    g_autoptr(GError) error = NULL;
    gate->stats.requests++;
    if (!rc_gate_may(gate, c.room->jid, from, &error)) {
        rc_gate_count_refusal(gate, error);
        rc_gate_send(gate, rc_gate_error(ctx, iq, error));
        return;
    }
    if (c.status) {
        g_autofree char *text = rc_gate_clients_describe(c.room);
        rc_gate_send(gate, command_reply(gate, iq, node, session, "completed", NULL, "info",
                                         text));
        return;
    }
    xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(command, "x", RC_NS_DATA);
    if (!x || g_strcmp0(xmpp_stanza_get_type(x), "submit")) {
        /* The first step: the form. */
        rc_gate_send(gate, command_reply(gate, iq, node, session, "executing",
                                         command_form(gate, &c), NULL, NULL));
        return;
    }
    roomctl_item *item = NULL;
    g_autofree char *item_id = NULL;
    if (c.op == RC_GATE_PUBLISH)
        item = rc_schema_form_item(gate->registry, c.schema, x, &error);
    else if (c.op == RC_GATE_RETRACT && !(item_id = form_value(x, "item")))
        error = g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_CONFIG,
                            "field 'item': expected the id of the item to retract");
    if (error) {
        /* The form again, the problem in its note, naming the field. */
        rc_gate_count_refusal(gate, error);
        rc_gate_send(gate, command_reply(gate, iq, node, session, "executing",
                                         command_form(gate, &c), "error", error->message));
        return;
    }
    g_autofree char *confirm = c.op == RC_GATE_PURGE ? form_value(x, "confirm") : NULL;
    if (c.op == RC_GATE_PURGE && g_strcmp0(confirm, "1") && g_strcmp0(confirm, "true")) {
        rc_gate_send(gate, command_reply(gate, iq, node, session, "completed", NULL, "info",
                                         "nothing purged: 'remove every item' was not ticked"));
        return;
    }
    rc_running *r = g_new0(rc_running, 1);
    r->stub = xmpp_iq_new(ctx, "set", xmpp_stanza_get_id(iq));
    xmpp_stanza_set_from(r->stub, from);
    xmpp_stanza_set_to(r->stub, xmpp_stanza_get_to(iq));
    r->node = g_strdup(node);
    r->session = g_strdup(session);
    r->room = g_strdup(c.room->jid);
    r->op = c.op;
    rc_gate_apply(gate, c.room, c.op, item, item_id, from, command_done, r);
    if (item)
        roomctl_item_unref(item);
}

gboolean rc_gate_adhoc_handle(rc_gate *gate, xmpp_stanza_t *iq)
{
    const char *type = xmpp_stanza_get_type(iq);
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(iq); c; c = xmpp_stanza_get_next(c)) {
        const char *ns = xmpp_stanza_get_ns(c);
        if (!g_strcmp0(type, "get") && !g_strcmp0(xmpp_stanza_get_name(c), "query") &&
            (!g_strcmp0(ns, RC_NS_DISCO_INFO) || !g_strcmp0(ns, RC_NS_DISCO_ITEMS)))
            return handle_disco(gate, iq, c);
        if (!g_strcmp0(type, "set") && !g_strcmp0(xmpp_stanza_get_name(c), "command") &&
            !g_strcmp0(ns, NS_COMMANDS)) {
            run_command(gate, iq, c);
            return TRUE;
        }
    }
    return FALSE;
}

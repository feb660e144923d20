/* XEP-0060 requests and the errors a moderator reads. */
#include "pubsub.h"
#include "stanza_build.h"
#include "stanza_error.h"

#include <string.h>

#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_DATA "jabber:x:data"

/* ---- Building requests --------------------------------------------------- */

static void add_text(xmpp_stanza_t *parent, const char *text)
{
    xmpp_stanza_t *t = xmpp_stanza_new(xmpp_stanza_get_context(parent));
    xmpp_stanza_set_text(t, text);
    xmpp_stanza_add_child(parent, t);
    xmpp_stanza_release(t);
}

/* <iq type=TYPE to=SERVICE><pubsub xmlns=NS><VERB node=NODE/></pubsub></iq>;
 * returns the iq, and the VERB element in @verb. */
static xmpp_stanza_t *request(xmpp_ctx_t *ctx, const char *type, const char *service,
                              const char *ns, const char *verb_name, const char *node,
                              xmpp_stanza_t **verb)
{
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, type, NULL);
    xmpp_stanza_set_to(iq, service);
    xmpp_stanza_t *pubsub = rc_stanza_add_child(iq, "pubsub", ns);
    xmpp_stanza_t *v = rc_stanza_add_child(pubsub, verb_name, NULL);
    if (node)
        xmpp_stanza_set_attribute(v, "node", node);
    if (verb)
        *verb = v;
    return iq;
}

xmpp_stanza_t *rc_pubsub_subscribe(xmpp_ctx_t *ctx, const char *service, const char *node,
                                   const char *jid)
{
    xmpp_stanza_t *verb;
    xmpp_stanza_t *iq = request(ctx, "set", service, RC_NS_PUBSUB, "subscribe", node, &verb);
    xmpp_stanza_set_attribute(verb, "jid", jid);
    return iq;
}

xmpp_stanza_t *rc_pubsub_unsubscribe(xmpp_ctx_t *ctx, const char *service, const char *node,
                                     const char *jid)
{
    xmpp_stanza_t *verb;
    xmpp_stanza_t *iq = request(ctx, "set", service, RC_NS_PUBSUB, "unsubscribe", node, &verb);
    xmpp_stanza_set_attribute(verb, "jid", jid);
    return iq;
}

xmpp_stanza_t *rc_pubsub_items(xmpp_ctx_t *ctx, const char *service, const char *node)
{
    return request(ctx, "get", service, RC_NS_PUBSUB, "items", node, NULL);
}

xmpp_stanza_t *rc_pubsub_publish(xmpp_ctx_t *ctx, const char *service, const char *node,
                                 const char *item_id, xmpp_stanza_t *payload)
{
    xmpp_stanza_t *verb;
    xmpp_stanza_t *iq = request(ctx, "set", service, RC_NS_PUBSUB, "publish", node, &verb);
    xmpp_stanza_t *item = rc_stanza_add_child(verb, "item", NULL);
    xmpp_stanza_set_id(item, item_id);
    xmpp_stanza_add_child(item, payload);
    return iq;
}

xmpp_stanza_t *rc_pubsub_retract(xmpp_ctx_t *ctx, const char *service, const char *node,
                                 const char *item_id)
{
    xmpp_stanza_t *verb;
    xmpp_stanza_t *iq = request(ctx, "set", service, RC_NS_PUBSUB, "retract", node, &verb);
    xmpp_stanza_set_attribute(verb, "notify", "true");
    xmpp_stanza_set_id(rc_stanza_add_child(verb, "item", NULL), item_id);
    return iq;
}

xmpp_stanza_t *rc_pubsub_purge(xmpp_ctx_t *ctx, const char *service, const char *node)
{
    return request(ctx, "set", service, RC_NS_PUBSUB_OWNER, "purge", node, NULL);
}

xmpp_stanza_t *rc_pubsub_delete(xmpp_ctx_t *ctx, const char *service, const char *node)
{
    return request(ctx, "set", service, RC_NS_PUBSUB_OWNER, "delete", node, NULL);
}

static void add_field(xmpp_stanza_t *form, const char *var, const char *value, const char *type)
{
    xmpp_stanza_t *field = rc_stanza_add_child(form, "field", NULL);
    xmpp_stanza_set_attribute(field, "var", var);
    if (type)
        xmpp_stanza_set_attribute(field, "type", type);
    add_text(rc_stanza_add_child(field, "value", NULL), value);
}

/* The node configuration roomctl relies on (XEP-0004 submit form).  A
 * transient node (a room's events, docs/wire-format.md section 2) delivers
 * items and keeps none. */
static void add_config_form(xmpp_stanza_t *parent, roomctl_access access, gboolean transient)
{
    xmpp_stanza_t *form = rc_stanza_add_child(parent, "x", NS_DATA);
    xmpp_stanza_set_type(form, "submit");
    add_field(form, "FORM_TYPE", "http://jabber.org/protocol/pubsub#node_config", "hidden");
    add_field(form, "pubsub#publish_model", "publishers", NULL);
    add_field(form, "pubsub#access_model", access == ROOMCTL_ACCESS_MEMBERS ? "whitelist" : "open",
              NULL);
    add_field(form, "pubsub#persist_items", transient ? "0" : "1", NULL);
    /* Every state key is one item: keep as many as the server allows. */
    add_field(form, "pubsub#max_items", transient ? "1" : "max", NULL);
    add_field(form, "pubsub#notify_retract", "1", NULL);
    add_field(form, "pubsub#notify_delete", "1", NULL);
    add_field(form, "pubsub#deliver_payloads", "1", NULL);
    add_field(form, "pubsub#deliver_notifications", "1", NULL);
    /* ejabberd names an item's publisher only with this (Prosody: its
     * expose_publisher setting); receivers check publishers by it. */
    add_field(form, "pubsub#itemreply", "publisher", NULL);
    /* Joiners fetch the whole state; a last item pushed on subscribe would
     * arrive twice. */
    add_field(form, "pubsub#send_last_published_item", "never", NULL);
}

xmpp_stanza_t *rc_pubsub_create_node(xmpp_ctx_t *ctx, const char *service, const char *node,
                                     roomctl_access access, gboolean transient)
{
    xmpp_stanza_t *verb;
    xmpp_stanza_t *iq = request(ctx, "set", service, RC_NS_PUBSUB, "create", node, &verb);
    add_config_form(rc_stanza_add_child(xmpp_stanza_get_children(iq), "configure", NULL), access, transient);
    return iq;
}

xmpp_stanza_t *rc_pubsub_create(xmpp_ctx_t *ctx, const char *service, const char *node,
                                roomctl_access access)
{
    return rc_pubsub_create_node(ctx, service, node, access, FALSE);
}

xmpp_stanza_t *rc_pubsub_configure_node(xmpp_ctx_t *ctx, const char *service, const char *node,
                                        roomctl_access access, gboolean transient)
{
    xmpp_stanza_t *verb;
    xmpp_stanza_t *iq = request(ctx, "set", service, RC_NS_PUBSUB_OWNER, "configure", node, &verb);
    add_config_form(verb, access, transient);
    return iq;
}

xmpp_stanza_t *rc_pubsub_configure(xmpp_ctx_t *ctx, const char *service, const char *node,
                                   roomctl_access access)
{
    return rc_pubsub_configure_node(ctx, service, node, access, FALSE);
}

xmpp_stanza_t *rc_pubsub_configure_one(xmpp_ctx_t *ctx, const char *service, const char *node,
                                       const char *var, const char *value)
{
    xmpp_stanza_t *verb;
    xmpp_stanza_t *iq = request(ctx, "set", service, RC_NS_PUBSUB_OWNER, "configure", node, &verb);
    xmpp_stanza_t *form = rc_stanza_add_child(verb, "x", NS_DATA);
    xmpp_stanza_set_type(form, "submit");
    add_field(form, "FORM_TYPE", "http://jabber.org/protocol/pubsub#node_config", "hidden");
    add_field(form, var, value, NULL);
    return iq;
}

xmpp_stanza_t *rc_pubsub_get_config(xmpp_ctx_t *ctx, const char *service, const char *node)
{
    return request(ctx, "get", service, RC_NS_PUBSUB_OWNER, "configure", node, NULL);
}

xmpp_stanza_t *rc_pubsub_get_affiliations(xmpp_ctx_t *ctx, const char *service,
                                          const char *node)
{
    return request(ctx, "get", service, RC_NS_PUBSUB_OWNER, "affiliations", node, NULL);
}

xmpp_stanza_t *rc_pubsub_set_affiliation(xmpp_ctx_t *ctx, const char *service,
                                         const char *node, const char *jid,
                                         roomctl_affiliation affiliation)
{
    xmpp_stanza_t *verb;
    xmpp_stanza_t *iq = request(ctx, "set", service, RC_NS_PUBSUB_OWNER, "affiliations", node,
                                &verb);
    xmpp_stanza_t *a = rc_stanza_add_child(verb, "affiliation", NULL);
    xmpp_stanza_set_attribute(a, "jid", jid);
    xmpp_stanza_set_attribute(a, "affiliation", rc_affiliation_name(affiliation));
    return iq;
}

xmpp_stanza_t *rc_pubsub_answer(xmpp_stanza_t *reply, const char *ns, const char *name)
{
    xmpp_stanza_t *pubsub = xmpp_stanza_get_child_by_name_and_ns(reply, "pubsub", ns);
    return pubsub ? xmpp_stanza_get_child_by_name(pubsub, name) : NULL;
}

/* ---- Affiliations ---------------------------------------------------------- */

static const char *const affiliation_names[] = {
    [ROOMCTL_AFFILIATION_NONE] = "none",
    [ROOMCTL_AFFILIATION_MEMBER] = "member",
    [ROOMCTL_AFFILIATION_MODERATOR] = "publisher",
    [ROOMCTL_AFFILIATION_OWNER] = "owner",
};

const char *rc_affiliation_name(roomctl_affiliation affiliation)
{
    if ((gsize)affiliation >= G_N_ELEMENTS(affiliation_names))
        return "none";
    return affiliation_names[affiliation];
}

roomctl_affiliation rc_affiliation_from_name(const char *name)
{
    for (gsize i = 0; name && i < G_N_ELEMENTS(affiliation_names); i++)
        if (g_str_equal(name, affiliation_names[i]))
            return (roomctl_affiliation)i;
    return ROOMCTL_AFFILIATION_NONE;
}

/* ---- Errors ---------------------------------------------------------------- */

const char *rc_pubsub_condition(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *error = xmpp_stanza_get_child_by_name(reply, "error");
    for (xmpp_stanza_t *c = error ? xmpp_stanza_get_children(error) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *ns = xmpp_stanza_get_ns(c);
        const char *name = xmpp_stanza_get_name(c);
        if (name && ns && g_str_equal(ns, NS_STANZAS) && !g_str_equal(name, "text"))
            return name;
    }
    return NULL;
}

static const char *const op_verbs[] = {
    [RC_OP_SUBSCRIBE] = "subscribe to", [RC_OP_FETCH] = "read",
    [RC_OP_PUBLISH] = "publish to",     [RC_OP_RETRACT] = "retract items of",
    [RC_OP_PURGE] = "purge",            [RC_OP_CREATE] = "create the roomctl node of",
    [RC_OP_CONFIGURE] = "configure",    [RC_OP_SHOW] = "see the configuration of",
    [RC_OP_GRANT] = "change affiliations of", [RC_OP_DELETE] = "delete the roomctl node of",
};

gboolean rc_pubsub_check(xmpp_stanza_t *reply, rc_pubsub_op op, const char *room,
                         const char *account, const char *detail, GError **error)
{
    const char *type = xmpp_stanza_get_type(reply);
    if (type && g_str_equal(type, "result"))
        return TRUE;
    const char *condition = rc_pubsub_condition(reply);
    g_autofree char *text = rc_stanza_error_text(reply);
    g_autofree char *suffix = text ? g_strdup_printf(" (server: %s)", text) : g_strdup("");
    const char *c = condition ? condition : "undefined-condition";

    if (g_str_equal(c, "forbidden") || g_str_equal(c, "not-authorized") ||
        g_str_equal(c, "not-allowed") || g_str_equal(c, "registration-required")) {
        const char *hint = op == RC_OP_PUBLISH || op == RC_OP_RETRACT
            ? "; a room owner can run `roomctl room grant ROOM JID moderator`"
            : op == RC_OP_CREATE
            ? "; the server must let the account create PubSub nodes (Prosody: an admin of "
              "the PubSub service; ejabberd: mod_pubsub's access_createnode rule)"
            : op == RC_OP_PURGE
            ? "; XEP-0060 lets only a node's owners purge it, as ejabberd enforces: the room's "
              "owner can purge"
            : op == RC_OP_SUBSCRIBE || op == RC_OP_FETCH
            ? "; a room owner can run `roomctl room grant ROOM JID member`" : "";
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED,
                    "account %s may not %s room %s%s%s", account, op_verbs[op], room, hint,
                    suffix);
    } else if (op == RC_OP_PUBLISH &&
               (g_str_equal(c, "not-acceptable") || g_str_equal(c, "policy-violation"))) {
        /* ejabberd's answer to a payload over pubsub#max_payload_size. */
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_SERVER,
                    "the server refused the item for room %s as too large (%s%s; ejabberd "
                    "takes at most pubsub#max_payload_size, 250,000 bytes by default; "
                    "`roomctl doctor ROOM` shows the node's limit)%s", room,
                    detail ? detail : "", detail ? " encoded" : "size unknown", suffix);
    } else if (g_str_equal(c, "item-not-found") && op == RC_OP_RETRACT && detail) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND,
                    "room %s has no item '%s'%s", room, detail, suffix);
    } else if (g_str_equal(c, "item-not-found")) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND,
                    "room %s has no roomctl node; run `roomctl room create %s`%s", room, room,
                    suffix);
    } else if (g_str_equal(c, "service-unavailable") || g_str_equal(c, "remote-server-not-found") ||
               g_str_equal(c, "feature-not-implemented")) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_SERVER,
                    "the PubSub service %s cannot %s room %s: %s%s",
                    xmpp_stanza_get_from(reply) ? xmpp_stanza_get_from(reply) : "(unknown)",
                    op_verbs[op], room, c, suffix);
    } else {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_SERVER,
                    "the server refused to %s room %s: %s%s", op_verbs[op], room, c, suffix);
    }
    return FALSE;
}

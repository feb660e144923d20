/* Internal: XEP-0060 requests as libstrophe stanzas, and the server's
 * errors in a moderator's words. */
#ifndef RC_PUBSUB_H
#define RC_PUBSUB_H

#include <strophe.h>
#include <roomctl/bus.h>

G_BEGIN_DECLS

#define RC_NS_PUBSUB "http://jabber.org/protocol/pubsub"
#define RC_NS_PUBSUB_OWNER "http://jabber.org/protocol/pubsub#owner"
#define RC_NS_PUBSUB_EVENT "http://jabber.org/protocol/pubsub#event"

/* Each returns a new <iq/> to @service (release with xmpp_stanza_release()). */
xmpp_stanza_t *rc_pubsub_subscribe(xmpp_ctx_t *ctx, const char *service, const char *node,
                                   const char *jid);
xmpp_stanza_t *rc_pubsub_unsubscribe(xmpp_ctx_t *ctx, const char *service, const char *node,
                                     const char *jid);
xmpp_stanza_t *rc_pubsub_items(xmpp_ctx_t *ctx, const char *service, const char *node);
/* @payload is added as the item's child (the stanza takes a reference). */
xmpp_stanza_t *rc_pubsub_publish(xmpp_ctx_t *ctx, const char *service, const char *node,
                                 const char *item_id, xmpp_stanza_t *payload);
xmpp_stanza_t *rc_pubsub_retract(xmpp_ctx_t *ctx, const char *service, const char *node,
                                 const char *item_id);
xmpp_stanza_t *rc_pubsub_purge(xmpp_ctx_t *ctx, const char *service, const char *node);
/* (16, additive) Delete the node; subscribers are told (<delete/>). */
xmpp_stanza_t *rc_pubsub_delete(xmpp_ctx_t *ctx, const char *service, const char *node);
/* Create the node with roomctl's configuration (see bus.h). */
xmpp_stanza_t *rc_pubsub_create(xmpp_ctx_t *ctx, const char *service, const char *node,
                                roomctl_access access);
/* Set roomctl's configuration on an existing node. */
xmpp_stanza_t *rc_pubsub_configure(xmpp_ctx_t *ctx, const char *service, const char *node,
                                   roomctl_access access);
/* The same for a state node, or (@transient) a room's events node, which
 * delivers items and keeps none (docs/wire-format.md section 2). */
xmpp_stanza_t *rc_pubsub_create_node(xmpp_ctx_t *ctx, const char *service, const char *node,
                                     roomctl_access access, gboolean transient);
xmpp_stanza_t *rc_pubsub_configure_node(xmpp_ctx_t *ctx, const char *service, const char *node,
                                        roomctl_access access, gboolean transient);
/* (gate, additive) Set one field of the node configuration, e.g.
 * pubsub#itemreply; only for a field the server's form has (a server may
 * reset fields a submitted form leaves out). */
xmpp_stanza_t *rc_pubsub_configure_one(xmpp_ctx_t *ctx, const char *service, const char *node,
                                       const char *var, const char *value);
xmpp_stanza_t *rc_pubsub_get_config(xmpp_ctx_t *ctx, const char *service, const char *node);
xmpp_stanza_t *rc_pubsub_get_affiliations(xmpp_ctx_t *ctx, const char *service,
                                          const char *node);
xmpp_stanza_t *rc_pubsub_set_affiliation(xmpp_ctx_t *ctx, const char *service,
                                         const char *node, const char *jid,
                                         roomctl_affiliation affiliation);

/* The <NAME/> inside the <pubsub xmlns=NS/> of an answer, or NULL. */
xmpp_stanza_t *rc_pubsub_answer(xmpp_stanza_t *reply, const char *ns, const char *name);

/* What the request was, for the error text. */
typedef enum {
    RC_OP_SUBSCRIBE, RC_OP_FETCH, RC_OP_PUBLISH, RC_OP_RETRACT, RC_OP_PURGE,
    RC_OP_CREATE, RC_OP_CONFIGURE, RC_OP_SHOW, RC_OP_GRANT, RC_OP_DELETE
} rc_pubsub_op;

/* The error condition of an error stanza ("forbidden", …), or NULL. */
const char *rc_pubsub_condition(xmpp_stanza_t *reply);
/* TRUE when @reply is type "result"; else sets @error from the server's
 * error, worded for @op on @room by @account.  @detail (may be NULL) names
 * the item for a retract. */
gboolean rc_pubsub_check(xmpp_stanza_t *reply, rc_pubsub_op op, const char *room,
                         const char *account, const char *detail, GError **error);

/* "publisher" for ROOMCTL_AFFILIATION_MODERATOR, …; and back (NONE for an
 * unknown name). */
const char *rc_affiliation_name(roomctl_affiliation affiliation);
roomctl_affiliation rc_affiliation_from_name(const char *name);

G_END_DECLS

#endif

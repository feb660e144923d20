/* Internal: XEP-0030 service discovery requests and answers, as pure
 * functions on libstrophe stanzas (tested without a server). */
#ifndef RC_DISCO_H
#define RC_DISCO_H

#include <glib.h>
#include <strophe.h>

G_BEGIN_DECLS

#define RC_NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define RC_NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"

/* A new <iq type='get'/> to @to (release with xmpp_stanza_release()). */
xmpp_stanza_t *rc_disco_info_request(xmpp_ctx_t *ctx, const char *to);
xmpp_stanza_t *rc_disco_items_request(xmpp_ctx_t *ctx, const char *to);

/* Whether a disco#info answer names the identity @category/@type. */
gboolean rc_disco_has_identity(xmpp_stanza_t *reply, const char *category, const char *type);
/* Whether a disco#info answer lists @feature. */
gboolean rc_disco_has_feature(xmpp_stanza_t *reply, const char *feature);
/* The JIDs of a disco#items answer, in order (char *; g_ptr_array_unref). */
GPtrArray *rc_disco_item_jids(xmpp_stanza_t *reply);

G_END_DECLS

#endif

/* Internal: stanza error replies (RFC 6120 section 8.3), for the IQ
 * requests the library answers (the gate, components). */
#ifndef RC_STANZA_ERROR_H
#define RC_STANZA_ERROR_H

#include <strophe.h>
#include <glib.h>

G_BEGIN_DECLS

#define RC_NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"

/* A new error reply to @request (release with xmpp_stanza_release()):
 * <error type=@type><@condition/><text>@text</text></error>, and @app (may
 * be NULL; the reply takes a reference) as the application-specific
 * condition.  @text may be NULL. */
xmpp_stanza_t *rc_stanza_error_reply_app(xmpp_ctx_t *ctx, xmpp_stanza_t *request,
                                         const char *type, const char *condition,
                                         const char *text, xmpp_stanza_t *app);
/* The same without an application-specific condition. */
xmpp_stanza_t *rc_stanza_error_reply(xmpp_ctx_t *ctx, xmpp_stanza_t *request,
                                     const char *type, const char *condition,
                                     const char *text);
/* The <text/> of @reply's <error/>, or NULL; a new string (g_free()). */
char *rc_stanza_error_text(xmpp_stanza_t *reply);

G_END_DECLS

#endif

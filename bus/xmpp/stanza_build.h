/* Internal: building stanzas element by element (libstrophe has no call
 * that names and places an element at once). */
#ifndef RC_STANZA_BUILD_H
#define RC_STANZA_BUILD_H

#include <glib.h>
#include <strophe.h>

G_BEGIN_DECLS

/* A new element <@name xmlns=@ns/> (@ns may be NULL); the caller owns it
 * (xmpp_stanza_release()). */
xmpp_stanza_t *rc_stanza_element(xmpp_ctx_t *ctx, const char *name, const char *ns);
/* The same, added as @parent's last child; owned by @parent, lives as long
 * as it. */
xmpp_stanza_t *rc_stanza_add_child(xmpp_stanza_t *parent, const char *name, const char *ns);

/* The text of @stanza (its text children joined), as a new string to
 * g_free(), or NULL when it has none.  libstrophe's own copy must go back
 * through its context's allocator, which is not GLib's (strophe_mem.c). */
char *rc_stanza_text(xmpp_stanza_t *stanza);

G_END_DECLS

#endif

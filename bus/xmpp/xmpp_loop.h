/* Internal: a GSource that runs one libstrophe context. */
#ifndef RC_XMPP_LOOP_H
#define RC_XMPP_LOOP_H

#include <glib.h>
#include <strophe.h>

#include "sigpipe.h" /* what runs libstrophe guards its writes */

G_BEGIN_DECLS

/* Runs @ctx in @context (NULL: the default context), with every other
 * connection of @context (see xmpp_loop.c).  It watches the socket of the
 * connection given with rc_xmpp_source_set_conn().  Do not attach it: it
 * is a handle, whose last g_source_unref() takes it out of the context. */
GSource *rc_xmpp_source_new(xmpp_ctx_t *ctx, GMainContext *context);
/* Follow @conn (NULL: none): its sockets, as libstrophe opens them. */
void rc_xmpp_source_set_conn(GSource *source, xmpp_conn_t *conn);
/* Stop watching the current socket (libstrophe closed it). */
void rc_xmpp_source_forget_socket(GSource *source);
/* Between connect and login, run libstrophe often (see xmpp_loop.c). */
void rc_xmpp_source_set_logging_in(GSource *source, gboolean logging_in);
/* Something was queued for sending: run libstrophe soon. */
void rc_xmpp_source_kick(GSource *source);
/* Cut the watched socket (shutdown both ways): libstrophe then sees the
 * connection end at once, instead of waiting for a server that went silent
 * to close the stream.  FALSE when no socket is watched. */
gboolean rc_xmpp_source_abort(GSource *source);

G_END_DECLS

#endif

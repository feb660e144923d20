/* Internal: one libstrophe connection driven by a GMainContext.
 *
 * libstrophe has no call that returns its socket; the sockopt callback hands
 * us each new socket, which a GSource then watches.  A periodic tick keeps
 * libstrophe's timed handlers (connect timeout, stream management acks)
 * running.  IQs are paired with their answers by id and bounded by a
 * timeout. */
#ifndef RC_XMPP_CONN_H
#define RC_XMPP_CONN_H

#include <strophe.h>
#include <roomctl/error.h>

G_BEGIN_DECLS

typedef struct rc_conn rc_conn;

/* Connected (error NULL) or not connected any more (error says why). */
typedef void (*rc_conn_status_fn)(rc_conn *conn, gboolean connected, const GError *error,
                                  void *user_data);
/* The answer to an IQ: @reply (type result or error; lives for the call) or
 * NULL with @error (ROOMCTL_ERR_TIMEOUT, ROOMCTL_ERR_CONNECTION). */
typedef void (*rc_iq_fn)(rc_conn *conn, xmpp_stanza_t *reply, const GError *error,
                         void *user_data);
/* A <message/> stanza; lives for the call. */
typedef void (*rc_message_fn)(rc_conn *conn, xmpp_stanza_t *message, void *user_data);
/* An incoming <presence/>, or an <iq/> of type get or set (a request to
 * us); lives for the call.  Return TRUE when it was handled. */
typedef gboolean (*rc_stanza_fn)(rc_conn *conn, xmpp_stanza_t *stanza, void *user_data);

typedef struct rc_conn_options {
    const char *jid;        /* as configured: what messages name */
    /* The resource to bind when @jid has none (NULL: the server picks). */
    const char *resource;
    const char *password;   /* NULL: anonymous */
    const char *host;       /* NULL: the JID's domain */
    guint16 port;           /* 0: default */
    gboolean allow_plaintext;
    gboolean trust_tls;
    gboolean disable_sm;    /* no XEP-0198 stream management */
    const char *ca_file;    /* more certificates to trust (PEM); NULL: none */
    /* Ping the server after this long without a stanza from it (0: never);
     * no answer within ping_timeout_ms cuts the connection. */
    guint keepalive_ms;
    guint ping_timeout_ms;
} rc_conn_options;

/* The strings of @options are copied. */
rc_conn *rc_conn_new(const rc_conn_options *options, GMainContext *context,
                     rc_conn_status_fn status, rc_message_fn message, void *user_data);
/* Disconnects without calling the status callback; pending IQ callbacks are
 * called with ROOMCTL_ERR_CONNECTION first. */
void rc_conn_free(rc_conn *conn);

/* Start connecting; the status callback tells the outcome.  When the last
 * session may be resumed (XEP-0198, the server allowed it), it is tried
 * first; libstrophe falls back to a new session when the server refuses. */
gboolean rc_conn_connect(rc_conn *conn, GError **error);
void rc_conn_disconnect(rc_conn *conn);
/* Drop the connection now, without closing the stream politely (the server
 * went silent); the status callback follows from the loop. */
void rc_conn_abort(rc_conn *conn);
gboolean rc_conn_is_connected(const rc_conn *conn);
/* Whether the current session resumed the previous one (XEP-0198). */
gboolean rc_conn_is_resumed(const rc_conn *conn);
/* Whether the server offered XEP-0198 in this session's stream features. */
gboolean rc_conn_sm_offered(const rc_conn *conn);
/* Connections cut because a keepalive ping went unanswered. */
guint rc_conn_keepalive_timeouts(const rc_conn *conn);
/* The bound full JID while connected, else NULL. */
const char *rc_conn_bound_jid(const rc_conn *conn);
xmpp_ctx_t *rc_conn_ctx(const rc_conn *conn);

/* (gate, additive) Log in as an XEP-0114 external component: the JID is
 * the component's domain, the password its shared secret, the port the
 * server's component port.  Outgoing stanzas without a 'from' get the
 * component's address.  Call before the first rc_conn_connect(). */
void rc_conn_set_component(rc_conn *conn, gboolean component);
/* (gate, additive) Hand incoming presences and IQ requests to @fn; the
 * server gets <service-unavailable/> for an IQ request @fn does not take. */
void rc_conn_set_stanza_handler(rc_conn *conn, rc_stanza_fn fn, void *user_data);

/* Queue @stanza (the caller keeps its reference) and wake the loop. */
void rc_conn_send(rc_conn *conn, xmpp_stanza_t *stanza);
/* Send @iq (an id is given when it has none; the caller keeps its
 * reference).  @fn is called exactly once, with @user_data.  An answer is
 * accepted only from the address the IQ went to. */
void rc_conn_send_iq(rc_conn *conn, xmpp_stanza_t *iq, guint timeout_ms, rc_iq_fn fn,
                     void *user_data);

G_END_DECLS

#endif

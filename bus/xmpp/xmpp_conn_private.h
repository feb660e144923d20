/* Internal to bus/xmpp: the connection's state (xmpp_conn.c), shared with
 * what reads libstrophe's words about it (xmpp_conn_words.c). */
#ifndef RC_XMPP_CONN_PRIVATE_H
#define RC_XMPP_CONN_PRIVATE_H

#include "xmpp_conn.h"

G_BEGIN_DECLS

struct rc_conn {
    char *jid, *password, *host;
    char *ca_file;          /* NULL: the system's trust store only */
    char *login_jid;          /* @jid with the resource to bind */
    char *domain;             /* the JID's: where pings go */
    guint16 port;
    long flags;
    GMainContext *context;
    xmpp_ctx_t *ctx;
    xmpp_log_t log;
    xmpp_conn_t *xconn;       /* current attempt, or NULL */
    GSource *source;
    rc_conn_status_fn status;
    rc_message_fn message;
    void *user_data;
    gboolean connected;
    gboolean quiet;           /* freeing: no status callback */
    GHashTable *pending;      /* id -> rc_pending */
    /* Pending IQs by deadline, and one timer for the earliest: thousands of
     * IQs in flight must not mean thousands of GSources. */
    GSequence *deadlines;
    GSource *timer;
    guint64 next_id;
    /* What libstrophe said while connecting, for the error text. */
    char *last_problem;
    const char *problem_words; /* the first of libstrophe's lines we can explain */
    int socket_error;         /* errno of a failed TCP connect, logged at debug level */
    gboolean auth_failed;
    /* Resumption: seen <resumed/> in this attempt; the session is resumed. */
    gboolean resume_seen;
    gboolean resumed;
    gboolean sm_offered;      /* the stream features listed XEP-0198 */
    /* Keepalive: when the server last sent a stanza, our ping in flight. */
    guint keepalive_ms;
    guint ping_timeout_ms;
    gint64 last_input;        /* monotonic µs */
    gboolean ping_pending;
    guint keepalive_timeouts;
    /* An XEP-0114 component (the gate), and who takes presences and IQ
     * requests. */
    gboolean component;
    rc_stanza_fn stanza;
    void *stanza_data;
};

/* libstrophe's log handler: remembers what it says while connecting (for
 * rc_conn_connect_error()), and passes it on at debug level, secrets masked. */
void rc_conn_on_strophe_log(void *user_data, xmpp_log_level_t level, const char *area,
                            const char *msg);
/* Why a connection failed or ended, in a moderator's words. */
GError *rc_conn_connect_error(rc_conn *conn, int error, xmpp_stream_error_t *stream_error,
                              gboolean was_connected);

G_END_DECLS

#endif

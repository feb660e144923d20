/* libstrophe inside a GMainContext.
 *
 * xmpp_run_once() does one round: flush the send queue, one read of at most
 * 4 KiB, timed handlers.  We call it when the socket is readable (or
 * writable while connecting or flushing), when something was queued, and on
 * a tick for the timed handlers.  What libstrophe queues itself (SASL,
 * stream management) is not in xmpp_conn_send_queue_len(), and data that
 * TLS has already decrypted does not make the socket readable again, so
 * after a wakeup we keep running rounds until a few in a row neither had
 * input nor completed a stanza: enough rounds to drain a whole TLS record
 * (16 KiB at 4 KiB a round). */
#include "xmpp_loop.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <pthread.h>
#include <time.h>

#include "log.h"

#define TICK_MS 250
/* While logging in, each step (SASL, stream restart, bind) is an answer
 * that libstrophe queues itself: run it often so that login takes
 * milliseconds, not one tick per step. */
#define TICK_LOGIN_MS 5
#define MAX_ROUNDS 256
#define IDLE_ROUNDS_PLAIN 1
#define IDLE_ROUNDS_TLS 5

typedef struct {
    GSource base;
    xmpp_ctx_t *ctx;
    xmpp_conn_t *conn;   /* followed connection, or NULL */
    gpointer fd_tag;     /* the watched socket, or NULL */
    GIOCondition want;   /* what fd_tag is polled for */
    gboolean dispatching; /* refuses recursion (see rc_xmpp_source_new) */
    int fd;
    gboolean kicked;
    gboolean logging_in;
    gint64 next_tick;    /* monotonic µs */
    guint64 stanzas;     /* counted by a catch-all handler */
} rc_xmpp_source;

/* libstrophe's sockopt callback has no user data: find the source by the
 * connection. */
static GHashTable *source_by_conn;
G_LOCK_DEFINE_STATIC(source_by_conn);

static GSource *lookup_source(xmpp_conn_t *conn)
{
    G_LOCK(source_by_conn);
    GSource *source = source_by_conn ? g_hash_table_lookup(source_by_conn, conn) : NULL;
    G_UNLOCK(source_by_conn);
    return source;
}

static void watch_fd(rc_xmpp_source *s, int fd)
{
    rc_xmpp_source_forget_socket(&s->base);
    s->fd = fd;
    s->want = G_IO_IN | G_IO_OUT | G_IO_ERR | G_IO_HUP;
    s->fd_tag = g_source_add_unix_fd(&s->base, fd, s->want);
}

static int on_new_socket(xmpp_conn_t *conn, void *sock)
{
    int fd = *(int *)sock;
    /* Stanzas are small and answers wait for them: without this, Nagle and
     * delayed ACKs add 40 ms to a publish. */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    GSource *source = lookup_source(conn);
    if (source)
        watch_fd((rc_xmpp_source *)source, fd);
    /* Notice a dead server on an idle connection. */
    return xmpp_sockopt_cb_keepalive(conn, sock);
}

static int count_stanza(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *user_data)
{
    ((rc_xmpp_source *)user_data)->stanzas++;
    return 1;
}

static gboolean fd_readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return fd >= 0 && poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

static gint tick_ms(rc_xmpp_source *s)
{
    return s->conn && s->logging_in ? TICK_LOGIN_MS : TICK_MS;
}

static gboolean source_prepare(GSource *base, gint *timeout)
{
    rc_xmpp_source *s = (rc_xmpp_source *)base;
    if (s->dispatching)
        return FALSE;
    if (s->fd_tag) {
        GIOCondition want = G_IO_IN | G_IO_ERR | G_IO_HUP;
        if (s->conn && (xmpp_conn_is_connecting(s->conn) || xmpp_conn_send_queue_len(s->conn) > 0))
            want |= G_IO_OUT;
        /* Modifying wakes the context up: only when it changes. */
        if (want != s->want) {
            g_source_modify_unix_fd(base, s->fd_tag, want);
            s->want = want;
        }
    }
    gint64 now = g_source_get_time(base);
    if (s->kicked || now >= s->next_tick) {
        *timeout = 0;
        return TRUE;
    }
    *timeout = (gint)((s->next_tick - now + 999) / 1000);
    return FALSE;
}

static gboolean source_check(GSource *base)
{
    rc_xmpp_source *s = (rc_xmpp_source *)base;
    if (s->dispatching)
        return FALSE;
    if (s->kicked || g_source_get_time(base) >= s->next_tick)
        return TRUE;
    if (!s->fd_tag)
        return FALSE;
    GIOCondition got = g_source_query_unix_fd(base, s->fd_tag);
    if (got & G_IO_NVAL) {
        /* libstrophe closed the socket without telling: stop polling it. */
        rc_xmpp_source_forget_socket(base);
        return TRUE;
    }
    return got != 0;
}

static void pipe_set(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGPIPE);
}

void rc_sigpipe_block(rc_sigpipe_guard *guard)
{
    sigset_t pipe, pending;
    pipe_set(&pipe);
    sigpending(&pending);
    guard->was_pending = sigismember(&pending, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &guard->old_mask);
}

void rc_sigpipe_restore(rc_sigpipe_guard *guard)
{
    sigset_t pipe, pending;
    pipe_set(&pipe);
    sigpending(&pending);
    if (!guard->was_pending && sigismember(&pending, SIGPIPE)) {
        struct timespec now = { 0, 0 };
        sigtimedwait(&pipe, NULL, &now);
    }
    pthread_sigmask(SIG_SETMASK, &guard->old_mask, NULL);
}

static gboolean source_dispatch(GSource *base, GSourceFunc callback, gpointer user_data)
{
    rc_xmpp_source *s = (rc_xmpp_source *)base;
    s->kicked = FALSE;
    s->dispatching = TRUE;
    /* SIGPIPE comes only from a write.  A plain connection writes only what
     * is queued when a round starts (or while connecting), so the signal
     * mask (two system calls each way) is changed only for such rounds; TLS
     * may write while it reads, so it is always guarded. */
    rc_sigpipe_guard guard;
    gboolean guarded = FALSE;
    /* Plain: one round after the last with input, to send what libstrophe
     * queued itself (stream management acks: answered at once, they carry
     * the TCP ACK the server's Nagle waits for).  TLS: see the top. */
    int idle_limit = s->conn && xmpp_conn_is_secured(s->conn) ? IDLE_ROUNDS_TLS
                                                              : IDLE_ROUNDS_PLAIN;
    int idle = 0;
    for (int round = 0; round < MAX_ROUNDS && idle < idle_limit; round++) {
        /* A round that reads may queue an answer (SASL, stream management)
         * that only the next round sends: count it as progress. */
        gboolean input = (s->fd_tag && fd_readable(s->fd)) ||
                         (s->conn && xmpp_conn_is_connecting(s->conn));
        guint64 before = s->stanzas;
        if (!guarded && (!s->conn || xmpp_conn_is_connecting(s->conn) ||
                         xmpp_conn_is_secured(s->conn) || xmpp_conn_send_queue_len(s->conn) > 0)) {
            rc_sigpipe_block(&guard);
            guarded = TRUE;
        }
        xmpp_run_once(s->ctx, 0);
        if (input || s->stanzas != before)
            idle = 0;
        else
            idle++;
    }
    if (guarded)
        rc_sigpipe_restore(&guard);
    s->dispatching = FALSE;
    s->next_tick = g_source_get_time(base) + tick_ms(s) * G_TIME_SPAN_MILLISECOND;
    return G_SOURCE_CONTINUE;
}

static void source_finalize(GSource *base)
{
    rc_xmpp_source_set_conn(base, NULL);
}

static GSourceFuncs source_funcs = {
    .prepare = source_prepare,
    .check = source_check,
    .dispatch = source_dispatch,
    .finalize = source_finalize,
};

GSource *rc_xmpp_source_new(xmpp_ctx_t *ctx)
{
    GSource *base = g_source_new(&source_funcs, sizeof(rc_xmpp_source));
    rc_xmpp_source *s = (rc_xmpp_source *)base;
    s->ctx = ctx;
    s->fd = -1;
    g_source_set_name(base, "roomctl xmpp");
    /* Recursion is refused by `dispatching` instead of by GLib, whose way
     * (removing and re-adding the source's fd in the context's poll list at
     * each dispatch) walks every fd of the context: costly with many buses. */
    g_source_set_can_recurse(base, TRUE);
    return base;
}

void rc_xmpp_source_set_conn(GSource *base, xmpp_conn_t *conn)
{
    rc_xmpp_source *s = (rc_xmpp_source *)base;
    rc_xmpp_source_forget_socket(base);
    G_LOCK(source_by_conn);
    if (s->conn)
        g_hash_table_remove(source_by_conn, s->conn);
    if (conn) {
        if (!source_by_conn)
            source_by_conn = g_hash_table_new(NULL, NULL);
        g_hash_table_insert(source_by_conn, conn, base);
    }
    G_UNLOCK(source_by_conn);
    s->conn = conn;
    if (conn) {
        xmpp_conn_set_sockopt_callback(conn, on_new_socket);
        xmpp_handler_add(conn, count_stanza, NULL, NULL, NULL, s);
    }
    rc_xmpp_source_kick(base);
}

void rc_xmpp_source_forget_socket(GSource *base)
{
    rc_xmpp_source *s = (rc_xmpp_source *)base;
    if (s->fd_tag && !g_source_is_destroyed(base))
        g_source_remove_unix_fd(base, s->fd_tag);
    s->fd_tag = NULL;
    s->fd = -1;
}

void rc_xmpp_source_set_logging_in(GSource *base, gboolean logging_in)
{
    rc_xmpp_source *s = (rc_xmpp_source *)base;
    s->logging_in = logging_in;
    s->next_tick = 0;
    rc_xmpp_source_kick(base);
}

void rc_xmpp_source_kick(GSource *base)
{
    rc_xmpp_source *s = (rc_xmpp_source *)base;
    if (s->kicked)
        return;
    s->kicked = TRUE;
    /* Only another thread can be asleep in this context's poll. */
    GMainContext *context = g_source_get_context(base);
    if (context && !g_main_context_is_owner(context))
        g_main_context_wakeup(context);
}

gboolean rc_xmpp_source_abort(GSource *base)
{
    rc_xmpp_source *s = (rc_xmpp_source *)base;
    if (s->fd < 0)
        return FALSE;
    shutdown(s->fd, SHUT_RDWR);
    rc_xmpp_source_kick(base);
    return TRUE;
}

/* libstrophe inside a GMainContext.
 *
 * xmpp_run_once() does one round: flush the send queue, one read of at most
 * 4 KiB, timed handlers.  We call it when the socket is readable (or
 * writable while connecting or flushing), when something was queued, and on
 * a tick for the timed handlers.  What libstrophe queues itself (SASL,
 * stream management) is not in xmpp_conn_send_queue_len(), and data that
 * TLS has already decrypted does not make the socket readable again, so
 * after a wakeup over TLS or while logging in we keep running rounds until
 * a few in a row neither had input nor completed a stanza: enough rounds to
 * drain a whole TLS record (16 KiB at 4 KiB a round).  A plain connection
 * that has logged in gets one round per wakeup, and another only when
 * something waits to be sent (see run()).
 *
 * Every connection of one GMainContext is run by one GSource, the hub, and
 * their sockets are in one epoll set.  GLib walks every attached source
 * twice and polls every watched fd at each iteration: with a source per
 * connection, that walk cost more than the events themselves at 1,000
 * buses.  The hub runs only the connections whose socket is ready or that
 * were kicked, and drains the epoll set until it is empty (within a time
 * budget), so that one GLib iteration serves a burst of events.  Ticks fall on common boundaries
 * (as g_timeout_add_seconds() does), and only for a connection that has not
 * run for a tick: fast while logging in, every TICK_TLS_MS over TLS (the
 * safety net for data left in the TLS layer), every TICK_MS otherwise
 * (libstrophe's timed handlers after login: only the disconnect timeout). */
#include "xmpp_loop.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

#define TICK_MS 1000
#define TICK_TLS_MS 250
/* While logging in, each step (SASL, stream restart, bind) is an answer
 * that libstrophe queues itself: run it often so that login takes
 * milliseconds, not one tick per step. */
#define TICK_LOGIN_MS 5
#define MAX_ROUNDS 256
#define IDLE_ROUNDS_PLAIN 1
#define IDLE_ROUNDS_TLS 5
/* One wakeup drains the epoll set until it is empty, at most this often
 * and for at most this long, before the other sources of the context get
 * their turn. */
#define DRAIN_PASSES 32
#define DRAIN_BUDGET_US 4000
#define EPOLL_BATCH 64

typedef struct rc_xmpp_hub rc_xmpp_hub;

/* One connection.  A GSource only as a reference-counted handle (the
 * caller's API): it is never attached; the hub runs it. */
typedef struct {
    GSource base;
    rc_xmpp_hub *hub;    /* holds a use of it */
    xmpp_ctx_t *ctx;
    xmpp_conn_t *conn;   /* followed connection, or NULL */
    guint64 serial;      /* what its epoll events carry */
    int fd;              /* the watched socket, or -1 */
    guint32 want;        /* its epoll events */
    gboolean dispatching; /* refuses recursion */
    gboolean muted;      /* out of the epoll set while dispatching */
    gboolean kicked;
    gboolean logging_in;
    gint64 next_tick;    /* monotonic µs; G_MAXINT64: none */
    guint64 stanzas;     /* counted by a catch-all handler */
    gboolean answer_queued; /* libstrophe queued something itself */
} rc_xmpp_source;

struct rc_xmpp_hub {
    GSource base;
    GMainContext *context; /* where it is attached (not a reference) */
    int epfd;
    gpointer epfd_tag;
    guint users;
    guint64 next_serial;
    GHashTable *members;   /* &serial -> rc_xmpp_source (not references) */
    GHashTable *fd_owner;  /* fd -> rc_xmpp_source that added it */
    /* Serials of kicked members: kicks may come from another thread. */
    GMutex kick_lock;
    GArray *kicked;
    volatile gint any_kicked;
    gint64 next_tick;      /* earliest member tick, or G_MAXINT64 */
};

/* libstrophe's sockopt callback has no user data: find the source by the
 * connection.  And one hub per GMainContext. */
static GHashTable *source_by_conn;
static GHashTable *hub_by_context;
G_LOCK_DEFINE_STATIC(maps);

static GSource *lookup_source(xmpp_conn_t *conn)
{
    G_LOCK(maps);
    GSource *source = source_by_conn ? g_hash_table_lookup(source_by_conn, conn) : NULL;
    G_UNLOCK(maps);
    return source;
}

/* ---- The epoll set ---------------------------------------------------------- */

static void update_want(rc_xmpp_source *s)
{
    if (s->fd < 0 || s->muted)
        return;
    guint32 want = EPOLLIN;
    if (s->conn && (xmpp_conn_is_connecting(s->conn) || xmpp_conn_send_queue_len(s->conn) > 0))
        want |= EPOLLOUT;
    if (want == s->want)
        return;
    struct epoll_event ev = { .events = want, .data.u64 = s->serial };
    if (epoll_ctl(s->hub->epfd, EPOLL_CTL_MOD, s->fd, &ev) == 0)
        s->want = want;
}

static void unwatch(rc_xmpp_source *s)
{
    if (s->fd < 0)
        return;
    rc_xmpp_hub *hub = s->hub;
    /* libstrophe may have closed it (the kernel then dropped it from the
     * set) and the number may be someone else's now: only ours is removed. */
    if (g_hash_table_lookup(hub->fd_owner, GINT_TO_POINTER(s->fd)) == s) {
        g_hash_table_remove(hub->fd_owner, GINT_TO_POINTER(s->fd));
        if (!s->muted)
            epoll_ctl(hub->epfd, EPOLL_CTL_DEL, s->fd, NULL);
    }
    s->fd = -1;
    s->muted = FALSE;
}

static void watch_fd(rc_xmpp_source *s, int fd)
{
    rc_xmpp_hub *hub = s->hub;
    unwatch(s);
    /* A number reused after libstrophe closed a socket without telling. */
    rc_xmpp_source *previous = g_hash_table_lookup(hub->fd_owner, GINT_TO_POINTER(fd));
    if (previous)
        previous->fd = -1;
    s->fd = fd;
    s->want = EPOLLIN | EPOLLOUT;
    struct epoll_event ev = { .events = s->want, .data.u64 = s->serial };
    if (epoll_ctl(hub->epfd, EPOLL_CTL_ADD, fd, &ev) != 0 &&
        (errno != EEXIST || epoll_ctl(hub->epfd, EPOLL_CTL_MOD, fd, &ev) != 0)) {
        rc_warn("xmpp", "cannot watch socket %d: %s", fd, g_strerror(errno));
        s->fd = -1;
        return;
    }
    g_hash_table_insert(hub->fd_owner, GINT_TO_POINTER(fd), s);
}

/* Out of the set while it runs: a nested main loop would otherwise wake up
 * for it again and again (a hung-up socket even with no events asked). */
static void mute(rc_xmpp_source *s)
{
    if (s->fd < 0 || s->muted)
        return;
    epoll_ctl(s->hub->epfd, EPOLL_CTL_DEL, s->fd, NULL);
    s->muted = TRUE;
}

static void unmute(rc_xmpp_source *s)
{
    if (!s->muted)
        return;
    s->muted = FALSE;
    struct epoll_event ev = { .events = s->want, .data.u64 = s->serial };
    epoll_ctl(s->hub->epfd, EPOLL_CTL_ADD, s->fd, &ev);
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
    rc_xmpp_source *s = user_data;
    s->stanzas++;
    /* Stream management (<r/>, <enabled/>...): libstrophe may have queued
     * an answer of its own. */
    const char *ns = xmpp_stanza_get_ns(stanza);
    if (ns && g_str_has_prefix(ns, "urn:xmpp:sm:"))
        s->answer_queued = TRUE;
    return 1;
}

static gboolean fd_readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return fd >= 0 && poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

/* ---- Running one connection ------------------------------------------------- */

static gint64 tick_period_us(rc_xmpp_source *s)
{
    if (!s->conn)
        return 0;
    if (s->logging_in)
        return TICK_LOGIN_MS * G_TIME_SPAN_MILLISECOND;
    return (xmpp_conn_is_secured(s->conn) ? TICK_TLS_MS : TICK_MS) * G_TIME_SPAN_MILLISECOND;
}

/* The first boundary of @s's period a whole period after @now: a busy
 * connection never ticks, idle ones tick together. */
static void schedule_tick(rc_xmpp_source *s, gint64 now)
{
    gint64 period = tick_period_us(s);
    s->next_tick = period ? (now + 2 * period - 1) / period * period : G_MAXINT64;
    if (s->next_tick < s->hub->next_tick)
        s->hub->next_tick = s->next_tick;
}

/* One more round after one that read: what does it have to send?  A plain
 * connection that has logged in needs one only when libstrophe queued an
 * answer itself (stream management: answered at once, an ack carries the
 * TCP ACK the server's Nagle waits for) or a handler queued a stanza; data
 * past the 4 KiB of a round keeps the socket readable, and the hub comes
 * back for it.  Otherwise (TLS: see the top; logging in: each step queues
 * the next) rounds go on until a few in a row made no progress. */
static gboolean plain_connected(rc_xmpp_source *s)
{
    return s->conn && !s->logging_in && !xmpp_conn_is_secured(s->conn) &&
           xmpp_conn_is_connected(s->conn);
}

/* Rounds of libstrophe until it is idle; @input_known: the socket is
 * readable. */
static void run(rc_xmpp_source *s, gboolean input_known)
{
    s->kicked = FALSE;
    s->dispatching = TRUE;
    g_source_ref(&s->base);
    /* SIGPIPE comes only from a write.  A plain connection writes only what
     * is queued when a round starts (or while connecting), so the signal
     * mask (two system calls each way) is changed only for such rounds; TLS
     * may write while it reads, so it is always guarded. */
    rc_sigpipe_guard guard;
    gboolean guarded = FALSE;
    gboolean plain = plain_connected(s);
    int idle_limit = s->conn && xmpp_conn_is_secured(s->conn) ? IDLE_ROUNDS_TLS
                                                              : IDLE_ROUNDS_PLAIN;
    int idle = 0;
    for (int round = 0; round < MAX_ROUNDS && idle < idle_limit; round++) {
        /* A round that reads may queue an answer (SASL, stream management)
         * that only the next round sends: count it as progress. */
        gboolean input = (round == 0 && input_known) ||
                         (!plain && s->fd >= 0 && fd_readable(s->fd)) ||
                         (s->conn && xmpp_conn_is_connecting(s->conn));
        guint64 before = s->stanzas;
        if (!guarded && (!s->conn || xmpp_conn_is_connecting(s->conn) ||
                         xmpp_conn_is_secured(s->conn) || s->answer_queued ||
                         xmpp_conn_send_queue_len(s->conn) > 0)) {
            rc_sigpipe_block(&guard);
            guarded = TRUE;
        }
        gboolean queued_before = s->conn && xmpp_conn_send_queue_len(s->conn) > 0;
        s->answer_queued = FALSE;
        xmpp_run_once(s->ctx, 0);
        if (plain) {
            if (!s->answer_queued &&
                (queued_before || !s->conn || xmpp_conn_send_queue_len(s->conn) == 0))
                break;
            continue;
        }
        if (input || s->stanzas != before)
            idle = 0;
        else
            idle++;
    }
    if (guarded)
        rc_sigpipe_restore(&guard);
    s->dispatching = FALSE;
    if (s->hub) {
        unmute(s);
        update_want(s);
        schedule_tick(s, g_get_monotonic_time());
        /* Kicked while it ran, from a nested loop that had to leave it. */
        if (s->kicked) {
            s->kicked = FALSE;
            rc_xmpp_source_kick(&s->base);
        }
    }
    g_source_unref(&s->base);
}

/* ---- The hub ---------------------------------------------------------------- */

static gboolean hub_prepare(GSource *base, gint *timeout)
{
    rc_xmpp_hub *hub = (rc_xmpp_hub *)base;
    if (g_atomic_int_get(&hub->any_kicked)) {
        *timeout = 0;
        return TRUE;
    }
    if (hub->next_tick == G_MAXINT64) {
        *timeout = -1;
        return FALSE;
    }
    gint64 now = g_source_get_time(base);
    if (now >= hub->next_tick) {
        *timeout = 0;
        return TRUE;
    }
    *timeout = (gint)MIN((hub->next_tick - now + 999) / 1000, G_MAXINT);
    return FALSE;
}

static gboolean hub_check(GSource *base)
{
    rc_xmpp_hub *hub = (rc_xmpp_hub *)base;
    if (g_atomic_int_get(&hub->any_kicked) || g_source_get_time(base) >= hub->next_tick)
        return TRUE;
    return (g_source_query_unix_fd(base, hub->epfd_tag) & G_IO_IN) != 0;
}

static rc_xmpp_source *member(rc_xmpp_hub *hub, guint64 serial)
{
    return g_hash_table_lookup(hub->members, &serial);
}

/* Not running already, and not destroyed by its owner (whose xmpp_ctx may
 * be gone while a reference keeps the handle). */
static gboolean runnable(rc_xmpp_source *s)
{
    return s && s->hub && !s->dispatching && !g_source_is_destroyed(&s->base);
}

static void run_kicked(rc_xmpp_hub *hub)
{
    g_mutex_lock(&hub->kick_lock);
    GArray *kicked = hub->kicked;
    hub->kicked = g_array_new(FALSE, FALSE, sizeof(guint64));
    g_atomic_int_set(&hub->any_kicked, 0);
    g_mutex_unlock(&hub->kick_lock);
    for (guint i = 0; i < kicked->len; i++) {
        rc_xmpp_source *s = member(hub, g_array_index(kicked, guint64, i));
        /* Dispatching: it runs again when it returns (see run()). */
        if (runnable(s) && s->kicked)
            run(s, FALSE);
    }
    g_array_unref(kicked);
}

static void run_ready(rc_xmpp_hub *hub)
{
    gint64 start = g_get_monotonic_time();
    for (int pass = 0; pass < DRAIN_PASSES; pass++) {
        struct epoll_event events[EPOLL_BATCH];
        int n = epoll_wait(hub->epfd, events, EPOLL_BATCH, 0);
        if (n <= 0)
            break;
        for (int i = 0; i < n; i++) {
            /* Freed or not yet run by an earlier one of this batch: the
             * serial finds it or nothing. */
            rc_xmpp_source *s = member(hub, events[i].data.u64);
            if (s && s->dispatching)
                mute(s);
            else if (runnable(s))
                run(s, (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0);
        }
        /* Asking again is one system call; going back to GLib for what
         * came meanwhile is a walk of every source of the context. */
        if (g_get_monotonic_time() - start > DRAIN_BUDGET_US)
            break;
    }
}

static void run_ticks(rc_xmpp_hub *hub)
{
    gint64 now = g_get_monotonic_time();
    hub->next_tick = G_MAXINT64;
    GPtrArray *due = g_ptr_array_new_with_free_func((GDestroyNotify)g_source_unref);
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, hub->members);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        rc_xmpp_source *s = value;
        /* One that is running schedules its tick when it returns. */
        if (!runnable(s))
            continue;
        if (s->next_tick <= now)
            g_ptr_array_add(due, g_source_ref(&s->base));
        else if (s->next_tick < hub->next_tick)
            hub->next_tick = s->next_tick;
    }
    for (guint i = 0; i < due->len; i++) {
        rc_xmpp_source *s = g_ptr_array_index(due, i);
        if (runnable(s))
            run(s, FALSE);
    }
    g_ptr_array_unref(due);
}

static gboolean hub_dispatch(GSource *base, GSourceFunc callback, gpointer user_data)
{
    rc_xmpp_hub *hub = (rc_xmpp_hub *)base;
    if (g_atomic_int_get(&hub->any_kicked))
        run_kicked(hub);
    run_ready(hub);
    if (g_get_monotonic_time() >= hub->next_tick)
        run_ticks(hub);
    return G_SOURCE_CONTINUE;
}

static void hub_finalize(GSource *base)
{
    rc_xmpp_hub *hub = (rc_xmpp_hub *)base;
    close(hub->epfd);
    g_hash_table_destroy(hub->members);
    g_hash_table_destroy(hub->fd_owner);
    g_array_unref(hub->kicked);
    g_mutex_clear(&hub->kick_lock);
}

static GSourceFuncs hub_funcs = {
    .prepare = hub_prepare,
    .check = hub_check,
    .dispatch = hub_dispatch,
    .finalize = hub_finalize,
};

/* The hub of @context, made on first use; the caller holds a use of it. */
static rc_xmpp_hub *hub_use(GMainContext *context)
{
    G_LOCK(maps);
    if (!hub_by_context)
        hub_by_context = g_hash_table_new(NULL, NULL);
    rc_xmpp_hub *hub = g_hash_table_lookup(hub_by_context, context);
    if (!hub) {
        hub = (rc_xmpp_hub *)g_source_new(&hub_funcs, sizeof(rc_xmpp_hub));
        hub->context = context;
        hub->epfd = epoll_create1(EPOLL_CLOEXEC);
        if (hub->epfd < 0)
            g_error("roomctl: epoll_create1: %s", g_strerror(errno));
        hub->members = g_hash_table_new(g_int64_hash, g_int64_equal);
        hub->fd_owner = g_hash_table_new(NULL, NULL);
        g_mutex_init(&hub->kick_lock);
        hub->kicked = g_array_new(FALSE, FALSE, sizeof(guint64));
        hub->next_tick = G_MAXINT64;
        hub->epfd_tag = g_source_add_unix_fd(&hub->base, hub->epfd, G_IO_IN);
        g_source_set_name(&hub->base, "roomctl xmpp");
        /* Recursion is refused per connection (see run()): a nested loop
         * in a handler still serves the other connections. */
        g_source_set_can_recurse(&hub->base, TRUE);
        g_source_attach(&hub->base, context);
        g_hash_table_insert(hub_by_context, context, hub);
    }
    hub->users++;
    G_UNLOCK(maps);
    return hub;
}

static void hub_release(rc_xmpp_hub *hub)
{
    G_LOCK(maps);
    gboolean last = --hub->users == 0;
    if (last)
        g_hash_table_remove(hub_by_context, hub->context);
    G_UNLOCK(maps);
    if (last) {
        g_source_destroy(&hub->base);
        g_source_unref(&hub->base);
    }
}

/* ---- Connections ------------------------------------------------------------ */

static void source_finalize(GSource *base)
{
    rc_xmpp_source *s = (rc_xmpp_source *)base;
    rc_xmpp_source_set_conn(base, NULL);
    rc_xmpp_hub *hub = s->hub;
    g_hash_table_remove(hub->members, &s->serial);
    s->hub = NULL;
    hub_release(hub);
}

static GSourceFuncs source_funcs = {
    .finalize = source_finalize,
};

GSource *rc_xmpp_source_new(xmpp_ctx_t *ctx, GMainContext *context)
{
    GSource *base = g_source_new(&source_funcs, sizeof(rc_xmpp_source));
    rc_xmpp_source *s = (rc_xmpp_source *)base;
    s->ctx = ctx;
    s->fd = -1;
    s->next_tick = G_MAXINT64;
    g_source_set_name(base, "roomctl xmpp connection");
    s->hub = hub_use(context ? context : g_main_context_default());
    s->serial = ++s->hub->next_serial;
    g_hash_table_insert(s->hub->members, &s->serial, s);
    return base;
}

void rc_xmpp_source_set_conn(GSource *base, xmpp_conn_t *conn)
{
    rc_xmpp_source *s = (rc_xmpp_source *)base;
    rc_xmpp_source_forget_socket(base);
    G_LOCK(maps);
    if (s->conn)
        g_hash_table_remove(source_by_conn, s->conn);
    if (conn) {
        if (!source_by_conn)
            source_by_conn = g_hash_table_new(NULL, NULL);
        g_hash_table_insert(source_by_conn, conn, base);
    }
    G_UNLOCK(maps);
    s->conn = conn;
    if (conn) {
        xmpp_conn_set_sockopt_callback(conn, on_new_socket);
        xmpp_handler_add(conn, count_stanza, NULL, NULL, NULL, s);
    }
    if (s->hub) {
        schedule_tick(s, g_get_monotonic_time());
        rc_xmpp_source_kick(base);
    }
}

void rc_xmpp_source_forget_socket(GSource *base)
{
    rc_xmpp_source *s = (rc_xmpp_source *)base;
    if (s->hub)
        unwatch(s);
}

void rc_xmpp_source_set_logging_in(GSource *base, gboolean logging_in)
{
    rc_xmpp_source *s = (rc_xmpp_source *)base;
    s->logging_in = logging_in;
    schedule_tick(s, 0);
    rc_xmpp_source_kick(base);
}

void rc_xmpp_source_kick(GSource *base)
{
    rc_xmpp_source *s = (rc_xmpp_source *)base;
    if (s->kicked || !s->hub)
        return;
    s->kicked = TRUE;
    /* Running: it runs again when it returns (see run()). */
    if (s->dispatching)
        return;
    rc_xmpp_hub *hub = s->hub;
    g_mutex_lock(&hub->kick_lock);
    g_array_append_val(hub->kicked, s->serial);
    g_atomic_int_set(&hub->any_kicked, 1);
    g_mutex_unlock(&hub->kick_lock);
    /* Only another thread can be asleep in this context's poll. */
    if (!g_main_context_is_owner(hub->context))
        g_main_context_wakeup(hub->context);
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

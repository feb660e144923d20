/* One libstrophe connection in a GMainContext: connect, status, IQ pairing,
 * keepalive.
 * Each connection attempt gets a fresh xmpp_conn_t, so that nothing of a
 * lost session (handlers, queued stanzas) leaks into the next; only the
 * stream management state moves over, so that libstrophe can resume the
 * session (XEP-0198) when the server kept it. */
#include "xmpp_conn_private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "stanza_error.h"
#include "strophe_mem.h"
#include "xmpp_loop.h"
#include "xmpp_words.h"

#define FREE_FLUSH_MS 300
#define NS_PING "urn:xmpp:ping"

typedef struct {
    rc_conn *conn;
    char *id;
    char *to;            /* where the IQ went; the answer must come from there */
    rc_iq_fn fn;
    void *user_data;
    guint timeout_ms;
    gint64 deadline;     /* monotonic µs */
    int fail_code;       /* what the deadline means: TIMEOUT, or CONNECTION (never sent) */
    gboolean sent;       /* an id handler waits for the answer */
    GSequenceIter *slot; /* in conn->deadlines */
} rc_pending;

/* libstrophe formats every message, stanza dumps included, when a handler is
 * set: keep it only while connecting or when debugging. */
static void update_log_handler(rc_conn *conn)
{
    conn->log.handler = (!conn->connected || rc_log_enabled(ROOMCTL_LOG_DEBUG))
                        ? rc_conn_on_strophe_log : NULL;
}

/* ---- IQs ---------------------------------------------------------------- */

/* When the keepalive must look at the connection again: keepalive_ms
 * after the last stanza from the server; -1 when it has nothing to do. */
static gint64 keepalive_due(const rc_conn *conn)
{
    if (!conn->keepalive_ms || !conn->connected || conn->ping_pending)
        return -1;
    return conn->last_input + (gint64)conn->keepalive_ms * G_TIME_SPAN_MILLISECOND;
}

/* One timer per connection for both the IQ deadlines and the keepalive:
 * every attached source costs each main loop iteration of the context,
 * and one process may run a thousand buses. */
static void arm_timer(rc_conn *conn)
{
    GSequenceIter *first = g_sequence_get_begin_iter(conn->deadlines);
    gint64 when = g_sequence_iter_is_end(first) ? -1
                : ((rc_pending *)g_sequence_get(first))->deadline;
    gint64 keepalive = keepalive_due(conn);
    if (keepalive >= 0 && (when < 0 || keepalive < when))
        when = keepalive;
    /* Setting a ready time wakes the context up: only when it changes. */
    if (g_source_get_ready_time(conn->timer) != when)
        g_source_set_ready_time(conn->timer, when);
}

static int on_iq_reply(xmpp_conn_t *xconn, xmpp_stanza_t *stanza, void *user_data);

/* Forget @p everywhere; the caller then calls it and frees it. */
static void pending_detach(rc_pending *p)
{
    rc_conn *conn = p->conn;
    g_hash_table_steal(conn->pending, p->id);
    g_sequence_remove(p->slot);
    if (p->sent && conn->xconn)
        xmpp_id_handler_delete(conn->xconn, on_iq_reply, p->id);
    arm_timer(conn);
}

static void pending_free(rc_pending *p)
{
    g_free(p->id);
    g_free(p->to);
    g_free(p);
}

static void pending_fail(rc_pending *p, int code, const char *message)
{
    pending_detach(p);
    GError *error = g_error_new_literal(ROOMCTL_ERROR, code, message);
    rc_iq_fn fn = p->fn;
    void *user_data = p->user_data;
    rc_conn *conn = p->conn;
    pending_free(p);
    fn(conn, NULL, error, user_data);
    g_error_free(error);
}

static gboolean same_address(const char *a, const char *b)
{
    return a && b && g_ascii_strcasecmp(a, b) == 0;
}

static int on_iq_reply(xmpp_conn_t *xconn, xmpp_stanza_t *stanza, void *user_data)
{
    rc_pending *p = user_data;
    const char *type = xmpp_stanza_get_type(stanza);
    const char *from = xmpp_stanza_get_from(stanza);
    if (!type || (strcmp(type, "result") && strcmp(type, "error")))
        return 1;
    if (p->to && !same_address(from, p->to)) {
        rc_warn("xmpp", "ignored an answer to IQ %s from %s: it went to %s", p->id,
                from ? from : "(no sender)", p->to);
        return 1;
    }
    p->sent = FALSE; /* libstrophe drops this handler when we return 0 */
    pending_detach(p);
    rc_iq_fn fn = p->fn;
    void *data = p->user_data;
    rc_conn *conn = p->conn;
    pending_free(p);
    fn(conn, stanza, NULL, data);
    return 0;
}

typedef struct {
    GSource base;
    rc_conn *conn;
} rc_deadline_source;

static void keepalive_check(rc_conn *conn, gint64 now);

static gboolean on_deadline(GSource *timer, GSourceFunc unused, gpointer unused_data)
{
    rc_conn *conn = ((rc_deadline_source *)timer)->conn;
    gint64 now = g_source_get_time(timer);
    for (;;) {
        GSequenceIter *first = g_sequence_get_begin_iter(conn->deadlines);
        rc_pending *p = g_sequence_iter_is_end(first) ? NULL : g_sequence_get(first);
        if (!p || p->deadline > now)
            break;
        g_autofree char *message = p->fail_code == ROOMCTL_ERR_TIMEOUT
            ? g_strdup_printf("the server did not answer within %u ms (request to %s)",
                              p->timeout_ms, p->to ? p->to : "the server")
            : g_strdup("not connected to the XMPP server");
        pending_fail(p, p->fail_code, message);
    }
    keepalive_check(conn, now);
    arm_timer(conn);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs deadline_funcs = { .dispatch = on_deadline };

static gint by_deadline(gconstpointer a, gconstpointer b, gpointer unused)
{
    gint64 x = ((const rc_pending *)a)->deadline, y = ((const rc_pending *)b)->deadline;
    return (x > y) - (x < y);
}

void rc_conn_send_iq(rc_conn *conn, xmpp_stanza_t *iq, guint timeout_ms, rc_iq_fn fn,
                     void *user_data)
{
    rc_pending *p = g_new0(rc_pending, 1);
    p->conn = conn;
    p->fn = fn;
    p->user_data = user_data;
    p->timeout_ms = timeout_ms;
    p->to = g_strdup(xmpp_stanza_get_to(iq));
    const char *id = xmpp_stanza_get_id(iq);
    if (id) {
        p->id = g_strdup(id);
    } else {
        p->id = g_strdup_printf("rc%" G_GUINT64_FORMAT, ++conn->next_id);
        xmpp_stanza_set_id(iq, p->id);
    }
    gint64 now = g_get_monotonic_time();
    if (conn->connected) {
        p->fail_code = ROOMCTL_ERR_TIMEOUT;
        p->deadline = now + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;
    } else {
        /* Fail from the loop, as an answer would come: never before this returns. */
        p->fail_code = ROOMCTL_ERR_CONNECTION;
        p->deadline = now;
    }
    g_hash_table_insert(conn->pending, p->id, p);
    p->slot = g_sequence_insert_sorted(conn->deadlines, p, by_deadline, NULL);
    arm_timer(conn);
    if (conn->connected) {
        p->sent = TRUE;
        xmpp_id_handler_add(conn->xconn, on_iq_reply, p->id, p);
        rc_conn_send(conn, iq);
    }
}

static void fail_all_pending(rc_conn *conn, const char *why)
{
    GList *all = g_hash_table_get_values(conn->pending);
    for (GList *l = all; l; l = l->next)
        pending_fail(l->data, ROOMCTL_ERR_CONNECTION, why);
    g_list_free(all);
}

/* ---- Connection ----------------------------------------------------------- */

static void on_conn_event(xmpp_conn_t *xconn, xmpp_conn_event_t event, int error,
                          xmpp_stream_error_t *stream_error, void *user_data)
{
    rc_conn *conn = user_data;
    if (xconn != conn->xconn)
        return;
    if (event == XMPP_CONN_CONNECT) {
        conn->connected = TRUE;
        conn->resumed = conn->resume_seen;
        conn->last_input = g_get_monotonic_time();
        arm_timer(conn); /* the keepalive starts */
        rc_xmpp_source_set_logging_in(conn->source, FALSE);
        update_log_handler(conn);
        rc_info("xmpp", "connected as %s%s%s", rc_conn_bound_jid(conn),
                xmpp_conn_is_secured(xconn) ? " (TLS)" : " (no TLS)",
                conn->resumed ? ", session resumed" : "");
        if (conn->status && !conn->quiet)
            conn->status(conn, TRUE, NULL, conn->user_data);
        return;
    }
    if (event != XMPP_CONN_DISCONNECT && event != XMPP_CONN_FAIL)
        return;
    gboolean was_connected = conn->connected;
    conn->connected = FALSE;
    rc_xmpp_source_set_logging_in(conn->source, FALSE);
    update_log_handler(conn);
    rc_xmpp_source_forget_socket(conn->source);
    conn->ping_pending = FALSE;
    GError *why = rc_conn_connect_error(conn, error, stream_error, was_connected);
    /* Status first: rooms learn that their requests are void before the
     * requests fail. */
    if (conn->status && !conn->quiet)
        conn->status(conn, FALSE, why, conn->user_data);
    fail_all_pending(conn, why->message);
    g_error_free(why);
}

/* Every stanza from the server: it is alive. */
static int on_any_input(xmpp_conn_t *xconn, xmpp_stanza_t *stanza, void *user_data)
{
    ((rc_conn *)user_data)->last_input = g_get_monotonic_time();
    return 1;
}

/* ---- Keepalive ------------------------------------------------------------ */

static void on_pong(rc_conn *conn, xmpp_stanza_t *reply, const GError *error, void *data)
{
    conn->ping_pending = FALSE;
    /* Any answer, an error included, shows the server is there. */
    if (!g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_TIMEOUT) || !conn->connected) {
        arm_timer(conn); /* the next keepalive */
        return;
    }
    conn->keepalive_timeouts++;
    rc_warn("xmpp", "the server did not answer a ping within %u ms: dropping the connection",
            conn->ping_timeout_ms);
    rc_conn_abort(conn);
}

/* Called by the connection's timer.  Stanzas that came since it was armed
 * moved the due time on: the timer is then armed again for it. */
static void keepalive_check(rc_conn *conn, gint64 now)
{
    gint64 due = keepalive_due(conn);
    if (due < 0 || now < due)
        return;
    xmpp_stanza_t *iq = xmpp_iq_new(conn->ctx, "get", NULL);
    xmpp_stanza_set_to(iq, conn->domain);
    xmpp_stanza_t *ping = xmpp_stanza_new(conn->ctx);
    xmpp_stanza_set_name(ping, "ping");
    xmpp_stanza_set_ns(ping, NS_PING);
    xmpp_stanza_add_child(iq, ping);
    xmpp_stanza_release(ping);
    conn->ping_pending = TRUE;
    rc_conn_send_iq(conn, iq, conn->ping_timeout_ms, on_pong, NULL);
    xmpp_stanza_release(iq);
}

static int on_message(xmpp_conn_t *xconn, xmpp_stanza_t *stanza, void *user_data)
{
    rc_conn *conn = user_data;
    if (conn->message)
        conn->message(conn, stanza, conn->user_data);
    return 1;
}

static int on_presence(xmpp_conn_t *xconn, xmpp_stanza_t *stanza, void *user_data)
{
    rc_conn *conn = user_data;
    if (conn->stanza)
        conn->stanza(conn, stanza, conn->stanza_data);
    return 1;
}

/* IQ requests to us: answers are paired by id (on_iq_reply).  One nobody
 * takes gets service-unavailable, as RFC 6120 asks. */
static int on_iq_request(xmpp_conn_t *xconn, xmpp_stanza_t *stanza, void *user_data)
{
    rc_conn *conn = user_data;
    const char *type = xmpp_stanza_get_type(stanza);
    if (!type || (strcmp(type, "get") && strcmp(type, "set")))
        return 1;
    if (conn->stanza && conn->stanza(conn, stanza, conn->stanza_data))
        return 1;
    if (!conn->component && !conn->stanza)
        return 1; /* a plain client: as before the gate */
    xmpp_stanza_t *child = xmpp_stanza_get_children(stanza);
    xmpp_stanza_t *reply = child && !g_strcmp0(xmpp_stanza_get_ns(child), NS_PING)
        ? xmpp_stanza_reply(stanza)
        : rc_stanza_error_reply(conn->ctx, stanza, "cancel", "service-unavailable", NULL);
    if (!xmpp_stanza_get_type(reply) || strcmp(xmpp_stanza_get_type(reply), "error"))
        xmpp_stanza_set_type(reply, "result");
    rc_conn_send(conn, reply);
    xmpp_stanza_release(reply);
    return 1;
}

void rc_conn_set_component(rc_conn *conn, gboolean component)
{
    conn->component = component;
    if (!component)
        return;
    /* Pings go to the server the component hangs off (gate.example.org ->
     * example.org). */
    const char *dot = strchr(conn->domain, '.');
    if (dot && dot[1]) {
        char *parent = g_strdup(dot + 1);
        g_free(conn->domain);
        conn->domain = parent;
    }
}

void rc_conn_set_stanza_handler(rc_conn *conn, rc_stanza_fn fn, void *user_data)
{
    conn->stanza = fn;
    conn->stanza_data = user_data;
}

rc_conn *rc_conn_new(const rc_conn_options *options, GMainContext *context,
                     rc_conn_status_fn status, rc_message_fn message, void *user_data)
{
    rc_conn *conn = g_new0(rc_conn, 1);
    conn->jid = g_strdup(options->jid);
    conn->login_jid = options->resource && !strchr(options->jid, '/')
        ? g_strconcat(options->jid, "/", options->resource, NULL)
        : g_strdup(options->jid);
    const char *at = strchr(options->jid, '@');
    const char *domain = at ? at + 1 : options->jid;
    conn->domain = g_strndup(domain, strcspn(domain, "/"));
    conn->password = g_strdup(options->password);
    conn->host = g_strdup(options->host);
    conn->ca_file = g_strdup(options->ca_file);
    conn->port = options->port;
    conn->flags = options->allow_plaintext ? 0 : XMPP_CONN_FLAG_MANDATORY_TLS;
    if (options->trust_tls)
        conn->flags |= XMPP_CONN_FLAG_TRUST_TLS;
    if (options->disable_sm)
        conn->flags |= XMPP_CONN_FLAG_DISABLE_SM;
    conn->keepalive_ms = options->keepalive_ms;
    conn->ping_timeout_ms = options->ping_timeout_ms ? options->ping_timeout_ms : 10000;
    conn->context = context ? g_main_context_ref(context) : g_main_context_ref_thread_default();
    conn->log.userdata = conn;
    update_log_handler(conn);
    conn->ctx = xmpp_ctx_new(rc_strophe_mem(), &conn->log);
    conn->status = status;
    conn->message = message;
    conn->user_data = user_data;
    conn->pending = g_hash_table_new(g_str_hash, g_str_equal);
    conn->deadlines = g_sequence_new(NULL);
    conn->timer = g_source_new(&deadline_funcs, sizeof(rc_deadline_source));
    ((rc_deadline_source *)conn->timer)->conn = conn;
    g_source_set_name(conn->timer, "roomctl IQ deadlines and keepalive");
    g_source_attach(conn->timer, conn->context);
    conn->source = rc_xmpp_source_new(conn->ctx, conn->context);
    return conn;
}

/* Drop the previous attempt's connection; only ever when it is down. */
static void release_xconn(rc_conn *conn)
{
    if (!conn->xconn)
        return;
    rc_xmpp_source_set_conn(conn->source, NULL);
    /* Releasing may close TLS, which writes to a perhaps dead socket. */
    rc_sigpipe_guard guard;
    rc_sigpipe_block(&guard);
    xmpp_conn_release(conn->xconn);
    rc_sigpipe_restore(&guard);
    conn->xconn = NULL;
}

gboolean rc_conn_connect(rc_conn *conn, GError **error)
{
    if (conn->xconn && !xmpp_conn_is_disconnected(conn->xconn))
        return TRUE;
    /* NULL unless the last session had stream management. */
    xmpp_sm_state_t *sm = conn->xconn ? xmpp_conn_get_sm_state(conn->xconn) : NULL;
    release_xconn(conn);
    g_clear_pointer(&conn->last_problem, g_free);
    conn->auth_failed = FALSE;
    conn->socket_error = 0;
    conn->problem_words = NULL;
    conn->resume_seen = FALSE;
    conn->sm_offered = FALSE;
    conn->resumed = FALSE;
    conn->xconn = xmpp_conn_new(conn->ctx);
    xmpp_conn_set_flags(conn->xconn, conn->flags);
    if (conn->ca_file)
        xmpp_conn_set_cafile(conn->xconn, conn->ca_file);
    if (sm && xmpp_conn_set_sm_state(conn->xconn, sm) != XMPP_EOK)
        xmpp_free_sm_state(sm);
    xmpp_conn_set_jid(conn->xconn, conn->login_jid);
    if (conn->password)
        xmpp_conn_set_pass(conn->xconn, conn->password);
    rc_xmpp_source_set_conn(conn->source, conn->xconn);
    xmpp_handler_add(conn->xconn, on_message, NULL, "message", NULL, conn);
    xmpp_handler_add(conn->xconn, on_any_input, NULL, NULL, NULL, conn);
    xmpp_handler_add(conn->xconn, on_presence, NULL, "presence", NULL, conn);
    xmpp_handler_add(conn->xconn, on_iq_request, NULL, "iq", NULL, conn);
    if (conn->component && !sm) {
        /* libstrophe 0.12 makes the stream management state only in
         * xmpp_connect_client(), yet reads it for every stanza a component
         * receives too (NULL dereference).  A client connection to an empty
         * host makes it and fails at once, before opening anything. */
        xmpp_connect_client(conn->xconn, "", 1, on_conn_event, conn);
        g_clear_pointer(&conn->last_problem, g_free);
    }
    int started = conn->component
        ? xmpp_connect_component(conn->xconn, conn->host, conn->port, on_conn_event, conn)
        : xmpp_connect_client(conn->xconn, conn->host, conn->port, on_conn_event, conn);
    if (started != XMPP_EOK) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONNECTION,
                    "cannot connect to %s:%u as %s: %s", conn->host ? conn->host : "(domain)",
                    conn->port ? conn->port : 5222, conn->jid,
                    conn->problem_words ? conn->problem_words : "the address cannot be used");
        release_xconn(conn);
        return FALSE;
    }
    rc_xmpp_source_set_logging_in(conn->source, TRUE);
    return TRUE;
}

void rc_conn_disconnect(rc_conn *conn)
{
    if (conn->xconn && !xmpp_conn_is_disconnected(conn->xconn)) {
        xmpp_disconnect(conn->xconn);
        rc_xmpp_source_kick(conn->source);
    }
}

void rc_conn_abort(rc_conn *conn)
{
    if (conn->xconn && !xmpp_conn_is_disconnected(conn->xconn) &&
        !rc_xmpp_source_abort(conn->source))
        rc_conn_disconnect(conn);
}

gboolean rc_conn_is_connected(const rc_conn *conn) { return conn->connected; }
gboolean rc_conn_sm_offered(const rc_conn *conn) { return conn->sm_offered; }

gboolean rc_conn_is_resumed(const rc_conn *conn) { return conn->connected && conn->resumed; }
guint rc_conn_keepalive_timeouts(const rc_conn *conn) { return conn->keepalive_timeouts; }

const char *rc_conn_bound_jid(const rc_conn *conn)
{
    if (conn->connected && conn->component)
        return conn->jid;
    return conn->connected ? xmpp_conn_get_bound_jid(conn->xconn) : NULL;
}

xmpp_ctx_t *rc_conn_ctx(const rc_conn *conn) { return conn->ctx; }

void rc_conn_send(rc_conn *conn, xmpp_stanza_t *stanza)
{
    if (!conn->connected) {
        rc_debug("xmpp", "not connected: a <%s/> was not sent", xmpp_stanza_get_name(stanza));
        return;
    }
    /* XEP-0114: a component names itself in every stanza. */
    if (conn->component && !xmpp_stanza_get_from(stanza))
        xmpp_stanza_set_from(stanza, conn->jid);
    xmpp_send(conn->xconn, stanza);
    rc_xmpp_source_kick(conn->source);
}

void rc_conn_free(rc_conn *conn)
{
    if (!conn)
        return;
    conn->quiet = TRUE;
    if (conn->xconn && !xmpp_conn_is_disconnected(conn->xconn)) {
        /* Close the stream politely, but never wait long for the server. */
        rc_sigpipe_guard guard;
        rc_sigpipe_block(&guard);
        xmpp_disconnect(conn->xconn);
        gint64 end = g_get_monotonic_time() + FREE_FLUSH_MS * G_TIME_SPAN_MILLISECOND;
        while (!xmpp_conn_is_disconnected(conn->xconn) && g_get_monotonic_time() < end)
            xmpp_run_once(conn->ctx, 10);
        rc_sigpipe_restore(&guard);
    }
    conn->connected = FALSE;
    fail_all_pending(conn, "the connection was closed");
    release_xconn(conn);
    g_source_destroy(conn->source);
    g_source_unref(conn->source);
    xmpp_ctx_free(conn->ctx);
    g_main_context_unref(conn->context);
    g_hash_table_destroy(conn->pending);
    g_source_destroy(conn->timer);
    g_source_unref(conn->timer);
    g_sequence_free(conn->deadlines);
    g_free(conn->last_problem);
    g_free(conn->jid);
    g_free(conn->login_jid);
    g_free(conn->domain);
    g_free(conn->password);
    g_free(conn->host);
    g_free(conn->ca_file);
    g_free(conn);
}

/* rc-bench-baseline: the bare libstrophe subscriber the bus is measured
 * against.  N connections in one process and one xmpp_ctx (as SERVERS.md
 * measured), each subscribing its full JID to the node, then finding the
 * payload of every PubSub event and timing it: no schemas, no plugins.
 *
 *   rc-bench-baseline --jid DOMAIN|JID [--password PW] --node NODE -n N
 *
 * Prints "ready" once every connection is subscribed.  Then, for each phase
 * of the driver, reads "expect K" (K items were published) on stdin and
 * prints one JSON line when N*K events arrived or none came for --idle
 * seconds (see bench_stats.h).  Ends at the end of stdin. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <strophe.h>

#include "bench_opts.h"
#include "bench_stats.h"

#define NS_PUBSUB "http://jabber.org/protocol/pubsub"
#define NS_EVENT NS_PUBSUB "#event"

typedef struct baseline {
    rc_bench_opts opts;
    xmpp_ctx_t *ctx;
    rc_bench_stats stats;
    int64_t start_ns;
    int64_t expect_ns;     /* when "expect" came; 0 between phases */
    unsigned subscribed;
    unsigned failed;
    int finished;          /* end of stdin, a failure or the time limit */
    char line[128];
    size_t line_len;
} baseline;

static void finish(baseline *b)
{
    b->finished = 1;
    xmpp_stop(b->ctx);
}

/* The phase is over: say what it measured and start the next one. */
static void end_phase(baseline *b)
{
    rc_bench_stats_end(&b->stats);
    rc_bench_stats_print(&b->stats, stdout, "baseline", b->opts.subscribers);
    rc_bench_stats_next(&b->stats);
    b->expect_ns = 0;
}

static int on_event(xmpp_conn_t *conn, xmpp_stanza_t *message, void *data)
{
    baseline *b = data;
    xmpp_stanza_t *event = xmpp_stanza_get_child_by_name_and_ns(message, "event", NS_EVENT);
    xmpp_stanza_t *items = event ? xmpp_stanza_get_child_by_name(event, "items") : NULL;
    for (xmpp_stanza_t *item = items ? xmpp_stanza_get_children(items) : NULL; item;
         item = xmpp_stanza_get_next(item)) {
        if (!xmpp_stanza_is_tag(item) || strcmp(xmpp_stanza_get_name(item), "item"))
            continue;
        xmpp_stanza_t *control = xmpp_stanza_get_child_by_name(item, "control");
        xmpp_stanza_t *text = control ? xmpp_stanza_get_child_by_name(control, "text") : NULL;
        xmpp_stanza_t *body = text ? xmpp_stanza_get_children(text) : NULL;
        rc_bench_stats_event(&b->stats, body ? xmpp_stanza_get_text_ptr(body) : NULL);
    }
    if (rc_bench_stats_done(&b->stats))
        end_phase(b);
    return 1;
}

static int on_subscribed(xmpp_conn_t *conn, xmpp_stanza_t *reply, void *data)
{
    baseline *b = data;
    const char *type = xmpp_stanza_get_type(reply);
    if (type && !strcmp(type, "error")) {
        fprintf(stderr, "rc-bench-baseline: subscribe refused\n");
        b->failed++;
        finish(b);
        return 0;
    }
    if (++b->subscribed == b->opts.subscribers) {
        rc_bench_stats_ready(&b->stats, b->start_ns);
        printf("ready\n");
        fflush(stdout);
    }
    return 0;
}

static void on_conn(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
                    xmpp_stream_error_t *stream_error, void *data)
{
    baseline *b = data;
    if (event != XMPP_CONN_CONNECT) {
        if (!b->finished) {
            fprintf(stderr, "rc-bench-baseline: a connection failed or was lost (%d)\n", error);
            b->failed++;
            finish(b);
        }
        return;
    }
    xmpp_handler_add(conn, on_event, NS_EVENT, "message", NULL, b);
    /* The full JID: these clients send no presence. */
    xmpp_send_raw_string(conn,
        "<iq type='set' to='%s' id='sub'><pubsub xmlns='" NS_PUBSUB "'>"
        "<subscribe node='%s' jid='%s'/></pubsub></iq>",
        b->opts.pubsub, b->opts.node, xmpp_conn_get_bound_jid(conn));
    xmpp_id_handler_add(conn, on_subscribed, "sub", b);
}

/* Every 20 ms: read the driver's "expect K", and give up when idle. */
static int on_tick(xmpp_ctx_t *ctx, void *data)
{
    baseline *b = data;
    char c;
    ssize_t got;
    while (b->line_len < sizeof b->line - 1 && (got = read(STDIN_FILENO, &c, 1)) >= 0) {
        if (got == 0) {
            finish(b);
            return 0;
        }
        if (c != '\n') {
            b->line[b->line_len++] = c;
            continue;
        }
        b->line[b->line_len] = '\0';
        long k = rc_bench_parse_expect(b->line);
        if (k >= 0) {
            b->stats.expected = (uint64_t)k * b->opts.subscribers;
            b->expect_ns = rc_bench_now_ns();
        }
        b->line_len = 0;
    }
    int64_t now = rc_bench_now_ns();
    int64_t quiet_since = b->stats.last_rx_ns > b->expect_ns ? b->stats.last_rx_ns : b->expect_ns;
    if (b->expect_ns && (rc_bench_stats_done(&b->stats) ||
                         now - quiet_since > (int64_t)(b->opts.idle * 1e9)))
        end_phase(b);
    if (now - b->start_ns > (int64_t)(b->opts.timeout * 1e9))
        finish(b);
    return 1;
}

int main(int argc, char **argv)
{
    baseline *b = calloc(1, sizeof *b);
    rc_bench_opts_parse(&b->opts, argc, argv,
                        "--jid DOMAIN|JID [--password PW] --node NODE [-n N] [--host H] "
                        "[--port P] [--pubsub SERVICE] [--idle S] [--timeout S]");
    if (!b->opts.node) {
        fprintf(stderr, "rc-bench-baseline: --node is required\n");
        return 2;
    }
    rc_bench_stats_init(&b->stats);
    fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
    b->start_ns = rc_bench_now_ns();

    xmpp_initialize();
    b->ctx = xmpp_ctx_new(NULL, NULL);
    xmpp_conn_t **conns = calloc(b->opts.subscribers, sizeof *conns);
    for (unsigned i = 0; i < b->opts.subscribers; i++) {
        conns[i] = xmpp_conn_new(b->ctx);
        xmpp_conn_set_flags(conns[i], XMPP_CONN_FLAG_DISABLE_TLS);
        xmpp_conn_set_jid(conns[i], b->opts.jid);
        if (b->opts.password)
            xmpp_conn_set_pass(conns[i], b->opts.password);
        if (xmpp_connect_client(conns[i], b->opts.host, b->opts.port, on_conn, b) != XMPP_EOK) {
            fprintf(stderr, "rc-bench-baseline: cannot connect (%s)\n", strerror(errno));
            return 1;
        }
    }
    xmpp_global_timed_handler_add(b->ctx, on_tick, 20, b);
    xmpp_run(b->ctx);
    /* The sockets close with the process: the figures are out already. */
    return b->failed ? 1 : 0;
}

/* rc-bench-pub: the one publisher of every fan-out run, a bare libstrophe
 * client, so that only the subscribers differ between the baseline, roomctl
 * and slixmpp.
 *
 *   rc-bench-pub create  --jid J --password P --node NODE [--max-items M]
 *                        make the node, keeping the last M items (default 100)
 *   rc-bench-pub publish --jid J --password P --node NODE [--window W]
 *                        [--duration S] [--max-items M]     publish, print JSON
 *   rc-bench-pub delete  --jid J --password P --node NODE   remove the node
 *
 * Each item is a valid room.notice control item whose text is "SEQ T", T the
 * CLOCK_MONOTONIC time in ns when the publish was sent.  Up to W publishes
 * are in flight; the next goes out when the server acknowledges one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "bench_opts.h"
#include "bench_stats.h"

#define NS_PUBSUB "http://jabber.org/protocol/pubsub"

typedef struct publisher {
    rc_bench_opts opts;
    xmpp_ctx_t *ctx;
    xmpp_conn_t *conn;
    int status;            /* exit status */
    unsigned long sent;
    unsigned long acked;
    unsigned long errors;
    unsigned long in_flight;
    int64_t start_ns;
    int64_t deadline_ns;
    int64_t last_ack_ns;
} publisher;

static int fail_on_error(xmpp_stanza_t *reply, const char *what, publisher *pub)
{
    const char *type = xmpp_stanza_get_type(reply);
    if (type && !strcmp(type, "error")) {
        if (pub->errors)
            return 1; /* the first one says it */
        char *text = NULL;
        size_t len = 0;
        xmpp_stanza_to_text(reply, &text, &len);
        fprintf(stderr, "rc-bench-pub: %s failed: %s\n", what, text ? text : "?");
        xmpp_free(pub->ctx, text);
        return 1;
    }
    return 0;
}

static int on_simple_reply(xmpp_conn_t *conn, xmpp_stanza_t *reply, void *data)
{
    publisher *pub = data;
    const char *action = pub->opts.action;
    /* An existing node is fine for create; a missing one fine for delete. */
    if (fail_on_error(reply, action, pub) &&
        !xmpp_stanza_get_child_by_name(xmpp_stanza_get_child_by_name(reply, "error"),
                                       !strcmp(action, "create") ? "conflict" : "item-not-found"))
        pub->status = 1;
    xmpp_disconnect(conn);
    return 0;
}

static void send_create(publisher *pub)
{
    xmpp_send_raw_string(pub->conn,
        "<iq type='set' to='%s' id='create'><pubsub xmlns='" NS_PUBSUB "'>"
        "<create node='%s'/><configure><x xmlns='jabber:x:data' type='submit'>"
        "<field var='FORM_TYPE' type='hidden'><value>" NS_PUBSUB "#node_config</value></field>"
        "<field var='pubsub#access_model'><value>open</value></field>"
        "<field var='pubsub#publish_model'><value>publishers</value></field>"
        "<field var='pubsub#persist_items'><value>1</value></field>"
        "<field var='pubsub#max_items'><value>%u</value></field>"
        "<field var='pubsub#notify_retract'><value>1</value></field>"
        "</x></configure></pubsub></iq>",
        pub->opts.pubsub, pub->opts.node, pub->opts.max_items ? pub->opts.max_items : 100);
    xmpp_id_handler_add(pub->conn, on_simple_reply, "create", pub);
}

static void send_delete(publisher *pub)
{
    xmpp_send_raw_string(pub->conn,
        "<iq type='set' to='%s' id='delete'><pubsub xmlns='" NS_PUBSUB "#owner'>"
        "<delete node='%s'/></pubsub></iq>", pub->opts.pubsub, pub->opts.node);
    xmpp_id_handler_add(pub->conn, on_simple_reply, "delete", pub);
}

static int on_publish_reply(xmpp_conn_t *conn, xmpp_stanza_t *reply, void *data);

static int may_send(const publisher *pub)
{
    return rc_bench_now_ns() < pub->deadline_ns &&
           (!pub->opts.max_items || pub->sent < pub->opts.max_items);
}

static void send_publish(publisher *pub)
{
    char id[32];
    unsigned long seq = ++pub->sent;
    snprintf(id, sizeof id, "p%lu", seq);
    xmpp_send_raw_string(pub->conn,
        "<iq type='set' to='%s' id='%s'><pubsub xmlns='" NS_PUBSUB "'>"
        "<publish node='%s'><item id='n%lu'>"
        "<control xmlns='urn:roomctl:0' type='room.notice' version='1'>"
        "<text>%lu %lld</text></control></item></publish></pubsub></iq>",
        pub->opts.pubsub, id, pub->opts.node, seq, seq, (long long)rc_bench_now_ns());
    xmpp_id_handler_add(pub->conn, on_publish_reply, id, pub);
    pub->in_flight++;
}

static int on_publish_reply(xmpp_conn_t *conn, xmpp_stanza_t *reply, void *data)
{
    publisher *pub = data;
    pub->in_flight--;
    if (fail_on_error(reply, "publish", pub))
        pub->errors++;
    else
        pub->acked++;
    pub->last_ack_ns = rc_bench_now_ns();
    if (pub->errors > 10) {
        pub->status = 1;
        xmpp_disconnect(conn);
        return 0;
    }
    if (may_send(pub))
        send_publish(pub);
    else if (pub->in_flight == 0)
        xmpp_disconnect(conn);
    return 0;
}

static void start_publishing(publisher *pub)
{
    pub->start_ns = rc_bench_now_ns();
    pub->deadline_ns = pub->start_ns + (int64_t)(pub->opts.duration * 1e9);
    for (unsigned i = 0; i < pub->opts.window && may_send(pub); i++)
        send_publish(pub);
}

static void on_conn(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
                    xmpp_stream_error_t *stream_error, void *data)
{
    publisher *pub = data;
    if (event == XMPP_CONN_CONNECT) {
        const char *action = pub->opts.action;
        if (!strcmp(action, "create"))
            send_create(pub);
        else if (!strcmp(action, "delete"))
            send_delete(pub);
        else
            start_publishing(pub);
        return;
    }
    if (event != XMPP_CONN_DISCONNECT || error)
        fprintf(stderr, "rc-bench-pub: connection failed or lost (error %d)\n", error);
    if (error || event == XMPP_CONN_FAIL)
        pub->status = 1;
    xmpp_stop(pub->ctx);
}

int main(int argc, char **argv)
{
    publisher pub = { 0 };
    rc_bench_opts_parse(&pub.opts, argc, argv,
                        "create|publish|delete --jid JID --password PW --node NODE "
                        "[--host H] [--port P] [--pubsub SERVICE] [--window W] "
                        "[--duration S] [--max-items M]");
    const char *action = pub.opts.action;
    if (!action || !pub.opts.node ||
        (strcmp(action, "create") && strcmp(action, "publish") && strcmp(action, "delete"))) {
        fprintf(stderr, "rc-bench-pub: say create, publish or delete, and --node\n");
        return 2;
    }
    xmpp_initialize();
    pub.ctx = xmpp_ctx_new(NULL, NULL);
    pub.conn = xmpp_conn_new(pub.ctx);
    xmpp_conn_set_flags(pub.conn, XMPP_CONN_FLAG_DISABLE_TLS);
    xmpp_conn_set_jid(pub.conn, pub.opts.jid);
    if (pub.opts.password)
        xmpp_conn_set_pass(pub.conn, pub.opts.password);
    if (xmpp_connect_client(pub.conn, pub.opts.host, pub.opts.port, on_conn, &pub) != XMPP_EOK) {
        fprintf(stderr, "rc-bench-pub: cannot connect to %s:%u\n", pub.opts.host, pub.opts.port);
        return 1;
    }
    xmpp_run(pub.ctx);

    if (!strcmp(action, "publish")) {
        double span = (pub.last_ack_ns - pub.start_ns) / 1e9;
        printf("{\"items\": %lu, \"errors\": %lu, \"publish_s\": %.3f, \"items_per_s\": %.1f}\n",
               pub.acked, pub.errors, span, span > 0 ? pub.acked / span : 0.0);
    }
    xmpp_conn_release(pub.conn);
    xmpp_ctx_free(pub.ctx);
    xmpp_shutdown();
    return pub.status;
}

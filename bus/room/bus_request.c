/* The bus's requests to the PubSub service: one answer per request, checked
 * in a moderator's words, and requests the server asked us to retry.
 *
 * RFC 6120 section 8.3.2: an error of type "wait" is temporary, "retry after
 * waiting".  ejabberd before 25.10 answers so when Mnesia aborts a
 * transaction over a lock cycle between cluster nodes ("Database failure"),
 * an abort that Mnesia itself would have retried (upstream commit ca05bbd).
 * A few spaced retries turn that into a slower success. */
#include "bus_private.h"
#include "log.h"
#include "stanza_error.h"

#define RETRIES 3
#define RETRY_FIRST_MS 150   /* then 3x more before each next attempt */

typedef struct {
    roomctl_bus *bus;
    rc_pubsub_op op;
    char *room;
    char *detail;
    rc_reply_fn fn;
    void *user_data;
    xmpp_stanza_t *iq;   /* the request, held to be sent again */
    guint attempts;
    GSource *retry;      /* the next attempt's timer, while waiting for it */
} rc_request;

static void request_free(rc_request *req)
{
    xmpp_stanza_release(req->iq);
    g_free(req->room);
    g_free(req->detail);
    g_free(req);
}

static void request_send(rc_request *req);

static gboolean on_retry(gpointer data)
{
    rc_request *req = data;
    g_hash_table_remove(req->bus->retrying, req);
    g_clear_pointer(&req->retry, g_source_unref);
    request_send(req);
    return G_SOURCE_REMOVE;
}

static gboolean is_temporary(xmpp_stanza_t *reply)
{
    if (g_strcmp0(xmpp_stanza_get_type(reply), "error") != 0)
        return FALSE;
    xmpp_stanza_t *error = xmpp_stanza_get_child_by_name(reply, "error");
    return error && g_strcmp0(xmpp_stanza_get_attribute(error, "type"), "wait") == 0;
}

static void on_reply(rc_conn *conn, xmpp_stanza_t *reply, const GError *error, void *data)
{
    rc_request *req = data;
    roomctl_bus *bus = req->bus;
    if (reply && req->attempts < RETRIES && is_temporary(reply)) {
        guint delay = RETRY_FIRST_MS;
        for (guint i = 1; i < req->attempts; i++)
            delay *= 3;
        g_autofree char *text = rc_stanza_error_text(reply);
        rc_info("bus", "%s: the server asked to retry later (%s); again in %u ms",
                req->room ? req->room : bus->pubsub_service, text ? text : "no reason given",
                delay);
        req->retry = g_timeout_source_new(delay);
        g_source_set_callback(req->retry, on_retry, req, NULL);
        g_source_attach(req->retry, bus->context);
        g_hash_table_add(bus->retrying, req);
        return;
    }
    g_autoptr(GError) refused = NULL;
    if (reply && !rc_pubsub_check(reply, req->op, req->room, bus->bare_jid, req->detail,
                                  &refused))
        error = refused;
    req->fn(bus, error ? NULL : reply, error, req->user_data);
    request_free(req);
}

static void request_send(rc_request *req)
{
    /* A fresh id each time: the connection pairs answers by id.  The stanza
     * itself is reused: libstrophe writes it out as it is sent. */
    if (req->attempts++)
        xmpp_stanza_del_attribute(req->iq, "id");
    rc_conn_send_iq(req->bus->conn, req->iq, req->bus->timeout_ms, on_reply, req);
}

void rc_bus_request(roomctl_bus *bus, xmpp_stanza_t *iq, rc_pubsub_op op, const char *room,
                    const char *detail, rc_reply_fn fn, void *user_data)
{
    rc_request *req = g_new0(rc_request, 1);
    req->bus = bus;
    req->op = op;
    req->room = g_strdup(room);
    req->detail = g_strdup(detail);
    req->fn = fn;
    req->user_data = user_data;
    req->iq = iq;
    request_send(req);
}

void rc_bus_requests_cancel(roomctl_bus *bus, const char *why)
{
    GError *error = g_error_new_literal(ROOMCTL_ERROR, ROOMCTL_ERR_CONNECTION, why);
    GList *all = g_hash_table_get_keys(bus->retrying);
    g_hash_table_remove_all(bus->retrying);
    for (GList *l = all; l; l = l->next) {
        rc_request *req = l->data;
        g_source_destroy(req->retry);
        g_clear_pointer(&req->retry, g_source_unref);
        req->fn(bus, NULL, error, req->user_data);
        request_free(req);
    }
    g_list_free(all);
    g_error_free(error);
}

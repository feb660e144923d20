#include "raw_xmpp.h"

#include <string.h>
#include <strophe.h>

typedef struct raw {
    xmpp_ctx_t *ctx;
    const char *before; /* raw bytes to send first, or NULL */
    char *request;      /* the IQ to send once logged in */
    gboolean done;
    gboolean ok;
    char *error_text;
} raw;

static int on_answer(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *user_data)
{
    raw *r = user_data;
    r->ok = !g_strcmp0(xmpp_stanza_get_type(stanza), "result");
    if (!r->ok) {
        char *text = NULL;
        size_t len = 0;
        xmpp_stanza_to_text(stanza, &text, &len);
        r->error_text = g_strdup_printf("server answered: %s", text ? text : "?");
        xmpp_free(r->ctx, text);
    }
    r->done = TRUE;
    xmpp_disconnect(conn);
    return 0;
}

static void on_conn(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
                    xmpp_stream_error_t *stream_error, void *user_data)
{
    raw *r = user_data;
    if (event == XMPP_CONN_CONNECT) {
        xmpp_stanza_t *iq = xmpp_stanza_new_from_string(r->ctx, r->request);
        if (!iq) {
            r->error_text = g_strdup("cannot parse the request");
            r->done = TRUE;
            xmpp_disconnect(conn);
            return;
        }
        xmpp_id_handler_add(conn, on_answer, "c2-raw-1", r);
        if (r->before)
            xmpp_send_raw(conn, r->before, strlen(r->before));
        xmpp_send(conn, iq);
        xmpp_stanza_release(iq);
    } else if (!r->done && !r->error_text) {
        r->error_text = g_strdup_printf("disconnected before the answer (error %d)", error);
        r->done = TRUE;
    }
}

/* Log in, send @before (raw, may be NULL) then the IQ @request (taken),
 * and wait at most @seconds for its answer. */
static gboolean run(int port, const char *jid, const char *password, const char *before,
                    char *request, guint seconds, char **error_text)
{
    xmpp_initialize();
    raw r = { xmpp_ctx_new(NULL, NULL), before, request, FALSE, FALSE, NULL };

    xmpp_conn_t *conn = xmpp_conn_new(r.ctx);
    xmpp_conn_set_flags(conn, XMPP_CONN_FLAG_DISABLE_TLS);
    xmpp_conn_set_jid(conn, jid);
    xmpp_conn_set_pass(conn, password);
    if (xmpp_connect_client(conn, "127.0.0.1", (unsigned short)port, on_conn, &r) != XMPP_EOK) {
        r.error_text = g_strdup("cannot start the connection");
        r.done = TRUE;
    }
    gint64 deadline = g_get_monotonic_time() + seconds * G_USEC_PER_SEC;
    while (!r.done && g_get_monotonic_time() < deadline)
        xmpp_run_once(r.ctx, 50);
    if (!r.done)
        r.error_text = g_strdup_printf("no answer within %u s", seconds);
    /* Let the disconnect go out. */
    for (int i = 0; i < 10 && xmpp_conn_is_connected(conn); i++)
        xmpp_run_once(r.ctx, 20);
    xmpp_conn_release(conn);
    xmpp_ctx_free(r.ctx);
    g_free(r.request);
    if (error_text)
        *error_text = r.error_text;
    else
        g_free(r.error_text);
    return r.ok;
}

gboolean raw_xmpp_publish(int port, const char *jid, const char *password, const char *service,
                        const char *node, const char *item_id, const char *payload_xml,
                        char **error_text)
{
    g_autofree char *head = g_markup_printf_escaped(
        "<iq type='set' id='c2-raw-1' to='%s'>"
        "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
        "<publish node='%s'><item id='%s'>", service, node, item_id);
    return run(port, jid, password, NULL,
               g_strconcat(head, payload_xml, "</item></publish></pubsub></iq>", NULL), 10,
               error_text);
}

gboolean raw_xmpp_send(int port, const char *jid, const char *password, const char *xml,
                     char **error_text)
{
    g_autofree char *domain = g_strndup(strchr(jid, '@') + 1, strcspn(strchr(jid, '@') + 1, "/"));
    return run(port, jid, password, xml,
               g_markup_printf_escaped("<iq type='get' id='c2-raw-1' to='%s'>"
                                       "<ping xmlns='urn:xmpp:ping'/></iq>", domain), 120,
               error_text);
}

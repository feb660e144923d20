/* What libstrophe says about a connection, turned into roomctl's words:
 * its log while connecting, and the error a failed or lost connection
 * gets. */
#include "xmpp_conn_private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmpp_words.h"

void rc_conn_on_strophe_log(void *user_data, xmpp_log_level_t level, const char *area,
                            const char *msg)
{
    rc_conn *conn = user_data;
    if (!conn->connected) {
        if (level >= XMPP_LEVEL_WARN) {
            g_free(conn->last_problem);
            conn->last_problem = g_strdup(msg);
        }
        if (!conn->problem_words)
            conn->problem_words = rc_xmpp_problem_words(msg);
        if ((g_str_equal(area, "auth") && level >= XMPP_LEVEL_WARN) ||
            (strstr(msg, "auth failed") || strstr(msg, "not-authorized")))
            conn->auth_failed = TRUE;
        /* libstrophe 0.12 tells a resumption only here: <resumed/> never
         * reaches the stanza handlers. */
        if (strstr(msg, "Session resumed successfully"))
            conn->resume_seen = TRUE;
        /* Likewise the stream features, in libstrophe's dump of them. */
        if (strstr(msg, "<sm ") && strstr(msg, "urn:xmpp:sm:3"))
            conn->sm_offered = TRUE;
        /* A refused port is told only as "connection failed, error 111". */
        const char *failed = strstr(msg, "connection failed, error ");
        if (failed)
            conn->socket_error = atoi(failed + strlen("connection failed, error "));
    }
    /* libstrophe's own text is the XMPP trace: never a moderator's warning
     * (connect_error() says what a failure means), never a password. */
    if (rc_log_enabled(ROOMCTL_LOG_DEBUG)) {
        g_autofree char *masked = rc_xmpp_mask_secrets(msg, conn->password);
        rc_log(ROOMCTL_LOG_DEBUG, "xmpp", "%s: %s", area, masked);
    }
}

GError *rc_conn_connect_error(rc_conn *conn, int error, xmpp_stream_error_t *stream_error,
                              gboolean was_connected)
{
    g_autofree char *where = g_strdup_printf("%s:%u", conn->host ? conn->host : "(domain)",
                                             conn->port ? conn->port : 5222);
    if (!error && !was_connected)
        error = conn->socket_error;
    /* What libstrophe said first explains a failure to connect best (the
     * socket's errno is then often only the consequence). */
    const char *detail = conn->problem_words && !was_connected ? conn->problem_words
                       : error == ECONNREFUSED
                         ? "nothing accepts connections there (is the server running, "
                           "and is the port right?)"
                       : error ? g_strerror(error)
                       : stream_error && stream_error->text ? stream_error->text
                       : conn->last_problem && !was_connected
                         ? "the connection failed (--debug shows the XMPP trace)"
                       : "the server closed the connection";
    /* Two clients with one full JID would replace each other forever. */
    if (stream_error && stream_error->type == XMPP_SE_CONFLICT)
        return g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_CONFLICT,
                           "another client logged in as %s (the same full JID), and the "
                           "server at %s closed this session in its favour", conn->login_jid,
                           where);
    if (was_connected)
        return g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_CONNECTION,
                           "connection to %s lost: %s", where, detail);
    if (conn->auth_failed ||
        (stream_error && stream_error->type == XMPP_SE_NOT_AUTHORIZED))
        return g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_AUTH,
                           "the server at %s refused the password of account %s", where,
                           conn->jid);
    /* The certificate's refusal says how to trust a private server's own. */
    if (conn->problem_words && conn->last_problem && strstr(conn->last_problem, "certfail"))
        detail = conn->ca_file
            ? "the server's TLS certificate could not be verified (not even with the given "
              "CA file)"
            : "the server's TLS certificate could not be verified (a test or private server's "
              "own certificate can be trusted with --cafile / tls_ca_file)";
    return g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_CONNECTION, "cannot connect to %s as %s: %s",
                       where, conn->jid, detail);
}

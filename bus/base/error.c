/* The library's error domain and the text of each error code. */
#include <roomctl/error.h>
#include "error_list.h"

G_DEFINE_QUARK(roomctl-error-quark, roomctl_error)

const char *roomctl_strerror(int code)
{
    static const char *const text[] = {
        [ROOMCTL_OK] = "no error",
        [ROOMCTL_ERR_INVALID_ITEM] = "invalid control item",
        [ROOMCTL_ERR_UNKNOWN_TYPE] = "unknown control type",
        [ROOMCTL_ERR_SCHEMA] = "invalid schema",
        [ROOMCTL_ERR_CONFIG] = "invalid configuration",
        [ROOMCTL_ERR_IO] = "input/output error",
        [ROOMCTL_ERR_PLUGIN] = "plugin error",
        [ROOMCTL_ERR_CONNECTION] = "cannot connect to the XMPP server",
        [ROOMCTL_ERR_AUTH] = "authentication failed",
        [ROOMCTL_ERR_NOT_ALLOWED] = "not allowed",
        [ROOMCTL_ERR_NOT_FOUND] = "not found",
        [ROOMCTL_ERR_SERVER] = "server error",
        [ROOMCTL_ERR_TIMEOUT] = "timed out",
        [ROOMCTL_ERR_INSECURE] = "insecure file permissions",
        [ROOMCTL_ERR_TOO_LARGE] = "item too large",
        [ROOMCTL_ERR_NOT_MODERATOR] = "publisher is not a moderator",
        [ROOMCTL_ERR_CONFLICT] = "another client took over the session",
    };
    if (code < 0 || (gsize)code >= G_N_ELEMENTS(text) || !text[code])
        return "unknown error";
    return text[code];
}

void rc_error_append(GError **error, int code, const char *message)
{
    if (!error)
        return;
    if (!*error) {
        g_set_error_literal(error, ROOMCTL_ERROR, code, message);
    } else {
        char *joined = g_strconcat((*error)->message, "\n", message, NULL);
        g_free((*error)->message);
        (*error)->message = joined;
    }
}

void rc_error_merge(GError **error, GError *local)
{
    rc_error_append(error, local->code, local->message);
    g_error_free(local);
}

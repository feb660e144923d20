/* The library's error domain, the text of each error code, and the
 * position an error carries as data. */
#include <string.h>

#include <roomctl/error.h>
#include "error_data.h"
#include "error_list.h"

/* The position an error carries (roomctl_error_get_position()). */
typedef struct {
    char *file;
    guint line, column;
    char *field;
} RoomctlErrorPrivate;

static void roomctl_error_private_init(RoomctlErrorPrivate *p)
{
}

static void roomctl_error_private_copy(const RoomctlErrorPrivate *from, RoomctlErrorPrivate *to)
{
    to->file = g_strdup(from->file);
    to->line = from->line;
    to->column = from->column;
    to->field = g_strdup(from->field);
}

static void roomctl_error_private_clear(RoomctlErrorPrivate *p)
{
    g_free(p->file);
    g_free(p->field);
}

G_DEFINE_EXTENDED_ERROR(RoomctlError, roomctl_error)

void rc_error_set_position(GError *error, const char *file, guint line, guint column)
{
    RoomctlErrorPrivate *p = error ? roomctl_error_get_private(error) : NULL;
    if (!p)
        return;
    g_free(p->file);
    p->file = g_strdup(file);
    p->line = line;
    p->column = column;
}

void rc_error_set_field(GError *error, const char *field)
{
    RoomctlErrorPrivate *p = error ? roomctl_error_get_private(error) : NULL;
    if (!p)
        return;
    g_free(p->field);
    p->field = g_strdup(field);
}

void rc_set_field_error(GError **error, int code, const char *field, const char *fmt, ...)
{
    if (!error)
        return;
    va_list ap;
    va_start(ap, fmt);
    GError *made = g_error_new_valist(ROOMCTL_ERROR, code, fmt, ap);
    va_end(ap);
    rc_error_set_field(made, field);
    g_propagate_error(error, made);
}

gboolean roomctl_error_get_position(const GError *error, roomctl_error_position *out)
{
    g_return_val_if_fail(out != NULL, FALSE);
    memset(out, 0, sizeof *out);
    const RoomctlErrorPrivate *p = error ? roomctl_error_get_private(error) : NULL;
    if (!p || (!p->file && !p->field))
        return FALSE;
    out->file = p->file;
    out->line = p->line;
    out->column = p->column;
    out->field = p->field;
    return TRUE;
}

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
        [ROOMCTL_ERR_FORGED] = "event not from the PubSub service",
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
    if (error && !*error) {
        /* The first problem keeps its position and field as data. */
        g_propagate_error(error, local);
        return;
    }
    rc_error_append(error, local->code, local->message);
    g_error_free(local);
}

/* Internal: attaching a position to a ROOMCTL_ERROR error, as data beside
 * its message (roomctl_error_get_position() reads it back). */
#ifndef RC_ERROR_DATA_H
#define RC_ERROR_DATA_H

#include <roomctl/error.h>

G_BEGIN_DECLS

/* Both ignore a NULL error or one of another domain; strings are copied. */
void rc_error_set_position(GError *error, const char *file, guint line, guint column);
void rc_error_set_field(GError *error, const char *field);
/* g_set_error() in ROOMCTL_ERROR, with @field as the error's field. */
void rc_set_field_error(GError **error, int code, const char *field, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

G_END_DECLS

#endif

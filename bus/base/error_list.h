/* Internal: one GError that carries several problems, one per line (the
 * loader's and the builder's way of reporting every mistake at once). */
#ifndef RC_ERROR_LIST_H
#define RC_ERROR_LIST_H

#include <roomctl/error.h>

G_BEGIN_DECLS

/* Append @message to *@error as a new line; the first code is kept. */
void rc_error_append(GError **error, int code, const char *message);
/* Append @local's message to *@error and free @local. */
void rc_error_merge(GError **error, GError *local);

G_END_DECLS

#endif

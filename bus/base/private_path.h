/* Internal: refuse files and folders someone else could change (plugins run
 * with our rights; schemas decide what reaches them). */
#ifndef RC_PRIVATE_PATH_H
#define RC_PRIVATE_PATH_H

#include <sys/stat.h>
#include <roomctl/error.h>

G_BEGIN_DECLS

/*
 * FALSE with ROOMCTL_ERR_INSECURE when @st (of @path) lets its group or
 * others write it, or belongs to neither this user nor root.  @what names
 * it in the message ("plugin directory", "schema directory"…).
 */
gboolean rc_check_private(const char *path, const struct stat *st, const char *what,
                          GError **error);

G_END_DECLS

#endif

/* Refusing files and folders someone else could change (plugins, schemas). */
#include "private_path.h"

#include <unistd.h>

gboolean rc_check_private(const char *path, const struct stat *st, const char *what,
                          GError **error)
{
    if (st->st_mode & (S_IWGRP | S_IWOTH)) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_INSECURE,
                    "%s: refusing %s: mode %04o lets others than its owner write it "
                    "(chmod go-w)", path, what, (unsigned)(st->st_mode & 07777));
        return FALSE;
    }
    if (st->st_uid != 0 && st->st_uid != geteuid()) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_INSECURE,
                    "%s: refusing %s: owned by uid %u, neither this user (uid %u) nor root",
                    path, what, (unsigned)st->st_uid, (unsigned)geteuid());
        return FALSE;
    }
    return TRUE;
}

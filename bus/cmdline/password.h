/* Account passwords for roomctl-agent and the roomctl CLI: read from a file
 * only its owner can read, or from an environment variable, never from the
 * command line (where every local user could read it in ps). */
#ifndef RC_AGENT_PASSWORD_H
#define RC_AGENT_PASSWORD_H

#include <roomctl/error.h>

G_BEGIN_DECLS

/*
 * The password stored in @path: its first line, without the line end.
 * Refused (ROOMCTL_ERR_INSECURE) when the group or others have any access to
 * the file, naming the file and its mode; ROOMCTL_ERR_IO when it cannot be
 * read; ROOMCTL_ERR_CONFIG when it is empty.  The caller frees the result
 * with rc_password_free().
 */
char *rc_password_read_file(const char *path, GError **error);

/* The password in environment variable @name; ROOMCTL_ERR_CONFIG naming the
 * variable when it is unset or empty.  Free with rc_password_free(). */
char *rc_password_from_env(const char *name, GError **error);

/* Wipe and free a password; NULL is fine. */
void rc_password_free(char *password);

G_END_DECLS

#endif

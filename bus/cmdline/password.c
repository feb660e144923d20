/* Account passwords from an owner-only file or an environment variable. */
#include "password.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Passwords are short; anything bigger is not a password file. */
#define MAX_PASSWORD_FILE 4096

char *rc_password_read_file(const char *path, GError **error)
{
    /* Check the opened file, not the path, so that the file we read is the
     * file we checked. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_IO, "cannot open password file %s: %s",
                    path, g_strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_IO,
                    "password file %s is not a regular file", path);
        close(fd);
        return NULL;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_INSECURE,
                    "password file %s has mode %04o: the group or others may read it; "
                    "expected mode 0600 or 0400 (chmod 600 %s)",
                    path, (unsigned)(st.st_mode & 07777), path);
        close(fd);
        return NULL;
    }
    char buf[MAX_PASSWORD_FILE + 1];
    gsize len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_IO, "cannot read password file %s: %s",
                        path, g_strerror(errno));
            close(fd);
            return NULL;
        }
        if (n == 0 || (len += (gsize)n) == sizeof buf - 1)
            break;
    }
    close(fd);
    buf[len] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    char *password = NULL;
    if (buf[0] == '\0')
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONFIG,
                    "password file %s is empty; expected the password on its first line", path);
    else
        password = g_strdup(buf);
    explicit_bzero(buf, sizeof buf);
    return password;
}

char *rc_password_from_env(const char *name, GError **error)
{
    const char *value = g_getenv(name);
    if (!value || !*value) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONFIG,
                    "environment variable %s is %s; expected the account's password in it",
                    name, value ? "empty" : "not set");
        return NULL;
    }
    return g_strdup(value);
}

void rc_password_free(char *password)
{
    if (!password)
        return;
    explicit_bzero(password, strlen(password));
    g_free(password);
}

/* Files: atomic writes, capped reads, checksums, for the library, the
 * commands and the shipped plugins. */
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

gboolean rc_write_atomic(const char *path, const char *data, gssize len, GError **error)
{
    /* CONSISTENT = temporary file, fsync, rename: a watcher never sees half a file. */
    return g_file_set_contents_full(path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                    error);
}

static char *read_failed(const char *path, const char *what, int fd, GError **error)
{
    int saved = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "%s “%s”: %s", what, path,
                g_strerror(saved));
    if (fd >= 0)
        close(fd);
    return NULL;
}

char *rc_read_file_capped(const char *path, gsize max, gsize *len, GError **error)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return read_failed(path, "Failed to open file", -1, error);
    struct stat sb;
    if (fstat(fd, &sb) < 0)
        return read_failed(path, "Failed to get attributes of file", fd, error);
    *len = 0;
    if (S_ISREG(sb.st_mode) && (guint64)sb.st_size > max) {
        *len = (gsize)sb.st_size;
        close(fd);
        return NULL;
    }
    /* One byte more than allowed tells "exactly max" from "more". */
    GByteArray *data = g_byte_array_new();
    gsize want = max + 1;
    while (data->len < want) {
        guint8 chunk[65536];
        ssize_t n = read(fd, chunk, MIN(sizeof chunk, want - data->len));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            g_byte_array_unref(data);
            return read_failed(path, "Failed to read from file", fd, error);
        }
        if (n == 0)
            break;
        g_byte_array_append(data, chunk, (guint)n);
    }
    close(fd);
    if (data->len > max) {
        g_byte_array_unref(data);
        return NULL;
    }
    *len = data->len;
    g_byte_array_append(data, (const guint8 *)"", 1);
    return (char *)g_byte_array_free(data, FALSE);
}

char *rc_sha256_hex(const guint8 *data, gsize len)
{
    return g_compute_checksum_for_data(G_CHECKSUM_SHA256, data ? data : (const guint8 *)"",
                                       len);
}

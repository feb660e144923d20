/* Files (files.c): atomic writes, reads with a size cap, checksums. */
#ifndef RC_FILES_H
#define RC_FILES_H

#include <glib.h>

G_BEGIN_DECLS

/* Replace @path with @data at once (temporary file + rename): a reader sees
 * the old or the new content, never a part. */
gboolean rc_write_atomic(const char *path, const char *data, gssize len, GError **error);
/* The contents of @path (NUL-terminated; free with g_free()) and their length
 * in @len, read to the end but never past @max bytes: a FIFO or a device
 * such as /dev/zero is read as far as one byte more than @max.  NULL with a
 * G_FILE_ERROR when the file cannot be read; NULL without an error when it
 * holds more than @max bytes: then @len is its size, or 0 when that is not
 * known (not a regular file). */
char *rc_read_file_capped(const char *path, gsize max, gsize *len, GError **error);
/* The SHA-256 of @data as lowercase hex; free with g_free(). */
char *rc_sha256_hex(const guint8 *data, gsize len);

G_END_DECLS

#endif

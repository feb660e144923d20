/* Helpers shared by the shipped plugins (a static library linked into each):
 * JSON output, atomic file writes, media types and the per-room state
 * document. */
#ifndef RC_PLUGIN_COMMON_H
#define RC_PLUGIN_COMMON_H

#include <roomctl/plugin.h>
#include <glib.h>

G_BEGIN_DECLS

/* ---- JSON ------------------------------------------------------------------ */

/* Append @s as a quoted JSON string (null when @s is NULL). */
void rc_json_string(GString *out, const char *s);
/* Append a JSON number: an int in canonical decimal; a double as the shortest
 * text that reads back the same (null for NaN and infinities). */
void rc_json_int(GString *out, gint64 i);
void rc_json_number(GString *out, double d);
/* Append a value: string, url, jid and timestamp as strings, int and number
 * as numbers, bool as true/false, list as an array, bytes as
 * {"size": N, "sha256": "HEX"} (the bytes themselves are not repeated). */
void rc_json_value(GString *out, const roomctl_value *value);
/* Append an object of the item's set fields, in schema order. */
void rc_json_fields(GString *out, const roomctl_item *item);
/* Reading back (json_read.c), from UTF-8 text.  The JSON string starting at
 * @text (its opening quote): its decoded text goes to *@out (free with
 * g_free()) and what follows the closing quote is returned; NULL (and *@out
 * NULL) when it is not a valid string. */
const char *rc_json_read_string(const char *text, char **out);
/* The end of the one JSON value starting at @text, NULL when there is no
 * valid value there (nesting deeper than 32 is refused). */
const char *rc_json_skip_value(const char *text);
/* The end of a number's optional fraction (".5") and exponent ("e-3") at
 * @p, after its integer part; NULL when one is started and not finished.
 * Shared with the library's schema number reader. */
const char *rc_scan_fraction_exponent(const char *p);

/* ---- Files ----------------------------------------------------------------- */

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

/* ---- Media types ----------------------------------------------------------- */

/* What the first bytes of a `bytes` value say it is (bits, so that a schema's
 * media_types is one mask). */
typedef enum {
    RC_MEDIA_PNG = 1 << 0,
    RC_MEDIA_JPEG = 1 << 1,
    RC_MEDIA_GIF = 1 << 2,
    RC_MEDIA_WEBP = 1 << 3,
    RC_MEDIA_PDF = 1 << 4,
    RC_MEDIA_ALL = (1 << 5) - 1
} rc_media_type;

/* The media type @data starts with; 0 when it is none of these. */
rc_media_type rc_media_sniff(const guint8 *data, gsize len);
/* "image/png" for RC_MEDIA_PNG (static); NULL for a value not one bit. */
const char *rc_media_type_name(rc_media_type type);
/* A file name extension for the type, "png" (static); NULL as above. */
const char *rc_media_type_extension(rc_media_type type);
/* The type named @name (any case); 0 for a name we do not know. */
rc_media_type rc_media_type_from_name(const char *name);
/* The names of the bits of @types, "image/png, image/gif"; free with g_free(). */
char *rc_media_type_list(guint types);

/* ---- Items ----------------------------------------------------------------- */

/* The key part of a state item id ("send" of "ui.button:send"); the whole id
 * when it does not start with "TYPE:".  Points into @item_id. */
const char *rc_item_key(const char *type, const char *item_id);

/* ---- The state document ---------------------------------------------------- *
 * What ui-state and slideshow write: room -> section -> key -> JSON value,
 * written as one JSON object with sorted keys.  Items without a room are
 * kept under the room "". */
typedef struct rc_state_doc rc_state_doc;

/* A document written to @path (copied).  Free with rc_state_doc_free(). */
rc_state_doc *rc_state_doc_new(const char *path);
/* For init: the document of the plugin's required option `file` (@what says
 * what the file holds).  What the file already holds is read back and the
 * plugin tells the host it keeps its state (roomctl_plugin_keeps_state()),
 * so that a restarted host does not hand it again what it applied; a file
 * that cannot be read back is logged, kept as FILE.unreadable, and the
 * plugin starts empty.  The file is written at once, so that a reader starts
 * from a known state.  NULL after roomctl_plugin_set_error(). */
rc_state_doc *rc_state_doc_open(roomctl_plugin *plugin, const roomctl_config *config,
                                const char *what);
void rc_state_doc_free(void *doc);
/* Set a key to @json (a complete JSON value; taken, freed with g_free()). */
void rc_state_doc_set(rc_state_doc *doc, const char *room, const char *section,
                      const char *key, char *json);
/* Remove one key (@section NULL: from every section); TRUE when one was. */
gboolean rc_state_doc_remove(rc_state_doc *doc, const char *room, const char *section,
                             const char *key);
/* Forget everything of @room. */
void rc_state_doc_purge(rc_state_doc *doc, const char *room);
/* The document as JSON text, as written to its file; free with g_free(). */
char *rc_state_doc_text(const rc_state_doc *doc);
/* Write the document to its file, atomically. */
gboolean rc_state_doc_write(const rc_state_doc *doc, GError **error);
/* The same from a handler: on failure say why in @result, or in the plugin's
 * log when @result is NULL (reset and purge have no result). */
gboolean rc_state_doc_save(const rc_state_doc *doc, roomctl_plugin *plugin,
                           roomctl_result *result);
const char *rc_state_doc_path(const rc_state_doc *doc);
/* Files larger than this are not read back. */
#define RC_STATE_DOC_MAX (64 * 1024 * 1024)
/* Read @text (a document as rc_state_doc_write() writes it) into @doc.
 * FALSE with "PATH:LINE: expected WHAT" (G_FILE_ERROR_INVAL) and @doc
 * emptied when it is not one. */
gboolean rc_state_doc_read(rc_state_doc *doc, const char *text, GError **error);

/* ---- Configuration --------------------------------------------------------- */

/* The plugin's required string option @key, or NULL after
 * roomctl_plugin_set_error() with a message naming the option and saying
 * @what it is for. */
const char *rc_option_require(roomctl_plugin *plugin, const roomctl_config *config,
                              const char *key, const char *what);

G_END_DECLS

#endif

/* Helpers shared by the shipped plugins (a static library linked into each):
 * options and the per-room state document, plus the library's item ids, JSON,
 * file and media helpers (bus/schema, bus/base), of which each plugin links a
 * hidden copy. */
#ifndef RC_PLUGIN_COMMON_H
#define RC_PLUGIN_COMMON_H

#include <roomctl/plugin.h>
#include <glib.h>

/* The library's own JSON, file and media helpers, compiled into the plugins too. */
#include "../../bus/base/files.h"
#include "../../bus/base/json.h"
#include "../../bus/base/media.h"
#include "../../bus/schema/item_id.h"
#include "../../bus/schema/item_json.h"

G_BEGIN_DECLS

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
 * log when @result is NULL (reset and purge have no result).  Inside a
 * batch it writes nothing until rc_state_doc_batch_end(). */
gboolean rc_state_doc_save(rc_state_doc *doc, roomctl_plugin *plugin,
                           roomctl_result *result);
/* During a batch (SDK 1.2) rc_state_doc_save() only notes the change; the
 * plugin's batch end calls this, which writes the document once if it
 * changed.  0, or -1 after logging why it could not be written. */
int rc_state_doc_batch_end(rc_state_doc *doc, roomctl_plugin *plugin);
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

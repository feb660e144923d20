/* Internal: the applied-state journal.  What each plugin that keeps its own
 * state has applied, by room and item id, with a digest of the item's
 * content, so that a restarted host does not hand a plugin again what it
 * already applied (see roomctl_host_open_journal() in roomctl/host.h).
 *
 * The file is a log of lines appended as they happen, so that a process
 * killed at any moment loses at most the line being written; it is
 * rewritten with only the live entries when it is opened and when it has
 * grown to several times their number.  Missing entries only cost a plugin
 * an item applied again, never an item not applied. */
#ifndef RC_JOURNAL_H
#define RC_JOURNAL_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct rc_journal rc_journal;

/* Open (or create, mode 0600) the journal at @path (copied) and read it.
 * A file that is not a journal is refused (ROOMCTL_ERR_CONFIG, naming the
 * file and what its first line should be), so that nothing else is
 * overwritten; a damaged line is skipped with a warning naming FILE:LINE.
 * Free with rc_journal_free(). */
rc_journal *rc_journal_open(const char *path, GError **error);
void rc_journal_free(rc_journal *journal);
const char *rc_journal_path(const rc_journal *journal);

/* The digest recorded for @plugin's @item_id in @room, or NULL; owned by
 * the journal, valid until the entry changes. */
const char *rc_journal_lookup(const rc_journal *journal, const char *room, const char *plugin,
                              const char *item_id);
/* Record that @plugin applied @item_id (content @digest) in @room. */
void rc_journal_set(rc_journal *journal, const char *room, const char *plugin,
                    const char *item_id, const char *digest);
/* Forget one entry; @plugin NULL: the item id for every plugin. */
void rc_journal_forget(rc_journal *journal, const char *room, const char *plugin,
                       const char *item_id);
/* Forget everything of @room. */
void rc_journal_forget_room(rc_journal *journal, const char *room);
/* Keep only the entries whose plugin @keep returns TRUE for. */
void rc_journal_retain_plugins(rc_journal *journal, gboolean (*keep)(const char *plugin,
                                                                     void *user_data),
                               void *user_data);

/* Called with each entry of @room; the entry may be forgotten from @fn. */
typedef void (*rc_journal_entry_fn)(const char *plugin, const char *item_id, void *user_data);
void rc_journal_foreach_in_room(rc_journal *journal, const char *room, rc_journal_entry_fn fn,
                                void *user_data);

G_END_DECLS

#endif

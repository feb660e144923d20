/* The applied-state journal (journal.h).
 *
 * File format, one record per line, fields separated by tabs:
 *   roomctl-journal 1                      the first line
 *   a ROOM PLUGIN ITEM_ID SHA256           PLUGIN applied ITEM_ID in ROOM
 *   d ROOM PLUGIN ITEM_ID                  forgotten (PLUGIN "*": for all)
 *   p ROOM                                 everything of ROOM forgotten
 * Room JIDs, plugin names and item ids never hold a tab or a line break
 * (item ids escape control bytes), so no quoting is needed. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <roomctl/error.h>

#include "log.h"

#define HEADER "roomctl-journal 1"
#define ALL_PLUGINS "*"
/* Rewrite the file when it holds this many times the live entries (plus a
 * floor, so that a small journal is not rewritten all the time). */
#define COMPACT_FACTOR 4
#define COMPACT_FLOOR 1024

struct rc_journal {
    char *path;
    int fd;                /* appending; -1 after a write failed */
    GHashTable *rooms;     /* room -> ("PLUGIN\tITEM_ID" -> digest) */
    guint live;            /* entries in rooms */
    guint lines;           /* records in the file */
};

const char *rc_journal_path(const rc_journal *journal) { return journal->path; }

static GHashTable *room_entries(rc_journal *journal, const char *room, gboolean create)
{
    GHashTable *entries = g_hash_table_lookup(journal->rooms, room);
    if (!entries && create) {
        entries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        g_hash_table_insert(journal->rooms, g_strdup(room), entries);
    }
    return entries;
}

static char *entry_key(const char *plugin, const char *item_id)
{
    return g_strconcat(plugin, "\t", item_id, NULL);
}

/* ---- In memory -------------------------------------------------------------- */

static void mem_set(rc_journal *journal, const char *room, const char *plugin,
                    const char *item_id, const char *digest)
{
    GHashTable *entries = room_entries(journal, room, TRUE);
    if (g_hash_table_replace(entries, entry_key(plugin, item_id), g_strdup(digest)))
        journal->live++;
}

/* Forget @item_id of @plugin (NULL: of every plugin); TRUE when one was. */
static gboolean mem_forget(rc_journal *journal, const char *room, const char *plugin,
                           const char *item_id)
{
    GHashTable *entries = room_entries(journal, room, FALSE);
    if (!entries)
        return FALSE;
    guint before = g_hash_table_size(entries);
    if (plugin) {
        g_autofree char *key = entry_key(plugin, item_id);
        g_hash_table_remove(entries, key);
    } else {
        GHashTableIter iter;
        gpointer key;
        g_hash_table_iter_init(&iter, entries);
        while (g_hash_table_iter_next(&iter, &key, NULL)) {
            const char *tab = strchr(key, '\t');
            if (tab && strcmp(tab + 1, item_id) == 0)
                g_hash_table_iter_remove(&iter);
        }
    }
    guint removed = before - g_hash_table_size(entries);
    journal->live -= removed;
    return removed > 0;
}

static gboolean mem_forget_room(rc_journal *journal, const char *room)
{
    GHashTable *entries = room_entries(journal, room, FALSE);
    if (!entries)
        return FALSE;
    journal->live -= g_hash_table_size(entries);
    g_hash_table_remove(journal->rooms, room);
    return TRUE;
}

/* ---- The file ------------------------------------------------------------------- */

static gboolean writable_field(const char *s)
{
    return s && *s && !strpbrk(s, "\t\n\r");
}

static void write_failed(rc_journal *journal, const char *what)
{
    rc_warn("journal", "cannot write %s: %s; the journal stops here, so after a restart "
            "plugins may be handed again items they already applied", journal->path, what);
    if (journal->fd >= 0)
        close(journal->fd);
    journal->fd = -1;
}

static void append(rc_journal *journal, const GString *record)
{
    if (journal->fd < 0)
        return;
    /* One write per record: a process killed at any point leaves whole
     * records, and at most a cut last line. */
    gssize done = 0;
    while (done < (gssize)record->len) {
        gssize n = write(journal->fd, record->str + done, record->len - (gsize)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            write_failed(journal, g_strerror(errno));
            return;
        }
        done += n;
    }
    journal->lines++;
}

static void append_fields(rc_journal *journal, const char *kind, const char *const *fields)
{
    GString *record = g_string_new(kind);
    for (; *fields; fields++)
        g_string_append_printf(record, "\t%s", *fields);
    g_string_append_c(record, '\n');
    append(journal, record);
    g_string_free(record, TRUE);
}

static void write_entries(GString *out, const char *room, GHashTable *entries)
{
    GHashTableIter iter;
    gpointer key, digest;
    g_hash_table_iter_init(&iter, entries);
    while (g_hash_table_iter_next(&iter, &key, &digest))
        g_string_append_printf(out, "a\t%s\t%s\t%s\n", room, (const char *)key,
                               (const char *)digest);
}

/* Replace the file with the live entries and append to the new one. */
static gboolean compact(rc_journal *journal, GError **error)
{
    GString *out = g_string_new(HEADER "\n");
    GHashTableIter iter;
    gpointer room, entries;
    g_hash_table_iter_init(&iter, journal->rooms);
    while (g_hash_table_iter_next(&iter, &room, &entries))
        write_entries(out, room, entries);
    GError *io = NULL;
    gboolean ok = g_file_set_contents_full(journal->path, out->str, (gssize)out->len,
                                           G_FILE_SET_CONTENTS_CONSISTENT, 0600, &io);
    g_string_free(out, TRUE);
    if (journal->fd >= 0)
        close(journal->fd);
    journal->fd = -1;
    if (!ok) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_IO, "cannot write the state journal: %s",
                    io->message);
        g_error_free(io);
        return FALSE;
    }
    journal->fd = open(journal->path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (journal->fd < 0) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_IO, "cannot open the state journal %s: %s",
                    journal->path, g_strerror(errno));
        return FALSE;
    }
    journal->lines = journal->live;
    return TRUE;
}

static void maybe_compact(rc_journal *journal)
{
    if (journal->fd < 0 || journal->lines < COMPACT_FACTOR * journal->live + COMPACT_FLOOR)
        return;
    GError *error = NULL;
    if (!compact(journal, &error)) {
        write_failed(journal, error->message);
        g_error_free(error);
    }
}

/* ---- Reading ---------------------------------------------------------------------- */

static gboolean is_digest(const char *s)
{
    gsize n = 0;
    for (; g_ascii_isxdigit(s[n]); n++)
        ;
    return n == 64 && s[n] == '\0';
}

/* Apply one record; FALSE when it is not one. */
static gboolean read_record(rc_journal *journal, char **f, guint n)
{
    if (n == 0)
        return FALSE; /* an empty line */
    for (guint i = 0; i < n; i++)
        if (!*f[i])
            return FALSE;
    if (strcmp(f[0], "a") == 0 && n == 5 && is_digest(f[4]))
        mem_set(journal, f[1], f[2], f[3], f[4]);
    else if (strcmp(f[0], "d") == 0 && n == 4)
        mem_forget(journal, f[1], strcmp(f[2], ALL_PLUGINS) ? f[2] : NULL, f[3]);
    else if (strcmp(f[0], "p") == 0 && n == 2)
        mem_forget_room(journal, f[1]);
    else
        return FALSE;
    return TRUE;
}

static gboolean read_journal(rc_journal *journal, const char *text, gsize len, GError **error)
{
    if (len == 0)
        return TRUE; /* what a crash right after creating the file leaves: empty */
    const char *end = text + len;
    const char *eol = memchr(text, '\n', len);
    if (!eol || (gsize)(eol - text) != strlen(HEADER) || memcmp(text, HEADER, strlen(HEADER))) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONFIG,
                    "%s:1: error: not a roomctl state journal (its first line should be '%s'); "
                    "move the file away or set state_file to another path", journal->path,
                    HEADER);
        return FALSE;
    }
    guint line = 1;
    for (const char *at = eol + 1; at < end; at = eol + 1) {
        line++;
        eol = memchr(at, '\n', (gsize)(end - at));
        if (!eol) {
            rc_warn("journal", "%s:%u: ignored a cut last line (the process was stopped "
                    "while writing it)", journal->path, line);
            break;
        }
        g_autofree char *record = g_strndup(at, (gsize)(eol - at));
        g_auto(GStrv) fields = g_strsplit(record, "\t", 0);
        if (memchr(at, '\0', (gsize)(eol - at)) ||
            !read_record(journal, fields, g_strv_length(fields)))
            rc_warn("journal", "%s:%u: ignored a damaged line; expected 'a ROOM PLUGIN ITEM_ID "
                    "SHA256', 'd ROOM PLUGIN ITEM_ID' or 'p ROOM', separated by tabs",
                    journal->path, line);
    }
    return TRUE;
}

rc_journal *rc_journal_open(const char *path, GError **error)
{
    g_return_val_if_fail(path, NULL);
    rc_journal *journal = g_new0(rc_journal, 1);
    journal->path = g_strdup(path);
    journal->fd = -1;
    journal->rooms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify)g_hash_table_unref);
    g_autofree char *text = NULL;
    gsize len = 0;
    GError *io = NULL;
    gboolean ok = TRUE;
    if (g_file_get_contents(path, &text, &len, &io)) {
        ok = read_journal(journal, text, len, error);
    } else if (!g_error_matches(io, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_IO, "cannot read the state journal: %s",
                    io->message);
        ok = FALSE;
    }
    g_clear_error(&io);
    if (!ok || !compact(journal, error)) {
        rc_journal_free(journal);
        return NULL;
    }
    rc_debug("journal", "%s: %u entries", path, journal->live);
    return journal;
}

void rc_journal_free(rc_journal *journal)
{
    if (!journal)
        return;
    if (journal->fd >= 0)
        close(journal->fd);
    g_hash_table_unref(journal->rooms);
    g_free(journal->path);
    g_free(journal);
}

/* ---- Entries ------------------------------------------------------------------------ */

const char *rc_journal_lookup(const rc_journal *journal, const char *room, const char *plugin,
                              const char *item_id)
{
    GHashTable *entries = g_hash_table_lookup(journal->rooms, room);
    if (!entries)
        return NULL;
    g_autofree char *key = entry_key(plugin, item_id);
    return g_hash_table_lookup(entries, key);
}

void rc_journal_set(rc_journal *journal, const char *room, const char *plugin,
                    const char *item_id, const char *digest)
{
    if (!writable_field(room) || !writable_field(item_id) || !is_digest(digest))
        return;
    const char *current = rc_journal_lookup(journal, room, plugin, item_id);
    if (current && strcmp(current, digest) == 0)
        return;
    mem_set(journal, room, plugin, item_id, digest);
    append_fields(journal, "a", (const char *const[]){ room, plugin, item_id, digest, NULL });
    maybe_compact(journal);
}

void rc_journal_forget(rc_journal *journal, const char *room, const char *plugin,
                       const char *item_id)
{
    if (!room || !item_id || !mem_forget(journal, room, plugin, item_id))
        return;
    append_fields(journal, "d", (const char *const[]){ room, plugin ? plugin : ALL_PLUGINS,
                                                      item_id, NULL });
}

void rc_journal_forget_room(rc_journal *journal, const char *room)
{
    if (room && mem_forget_room(journal, room))
        append_fields(journal, "p", (const char *const[]){ room, NULL });
}

void rc_journal_retain_plugins(rc_journal *journal,
                               gboolean (*keep)(const char *plugin, void *user_data),
                               void *user_data)
{
    guint before = journal->live;
    GHashTableIter rooms;
    gpointer entries;
    g_hash_table_iter_init(&rooms, journal->rooms);
    while (g_hash_table_iter_next(&rooms, NULL, &entries)) {
        GHashTableIter iter;
        gpointer key;
        g_hash_table_iter_init(&iter, entries);
        while (g_hash_table_iter_next(&iter, &key, NULL)) {
            g_autofree char *plugin = g_strndup(key, strcspn(key, "\t"));
            if (!keep(plugin, user_data)) {
                g_hash_table_iter_remove(&iter);
                journal->live--;
            }
        }
    }
    if (journal->live == before)
        return;
    GError *error = NULL;
    if (!compact(journal, &error)) {
        write_failed(journal, error->message);
        g_error_free(error);
    }
}

void rc_journal_foreach_in_room(rc_journal *journal, const char *room, rc_journal_entry_fn fn,
                                void *user_data)
{
    GHashTable *entries = g_hash_table_lookup(journal->rooms, room);
    if (!entries)
        return;
    /* A copy of the keys: @fn may forget entries. */
    guint n = 0;
    g_autofree gpointer *keys = g_hash_table_get_keys_as_array(entries, &n);
    g_auto(GStrv) copies = g_new0(char *, n + 1);
    for (guint i = 0; i < n; i++)
        copies[i] = g_strdup(keys[i]);
    for (guint i = 0; i < n; i++) {
        char *tab = strchr(copies[i], '\t');
        *tab = '\0';
        fn(copies[i], tab + 1, user_data);
    }
}

/* The per-room state document written by ui-state and slideshow. */
#include "common.h"

#include <stdio.h>
#include <string.h>

struct rc_state_doc {
    char *path;
    GHashTable *rooms; /* room -> (section -> (key -> JSON text)) */
    gboolean dirty;    /* changed during a batch, written at its end */
};

static GHashTable *new_table(GDestroyNotify free_value)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_value);
}

rc_state_doc *rc_state_doc_new(const char *path)
{
    rc_state_doc *doc = g_new0(rc_state_doc, 1);
    doc->path = g_strdup(path);
    doc->rooms = new_table((GDestroyNotify)g_hash_table_unref);
    return doc;
}

void rc_state_doc_free(void *data)
{
    rc_state_doc *doc = data;
    if (!doc)
        return;
    g_hash_table_unref(doc->rooms);
    g_free(doc->path);
    g_free(doc);
}

const char *rc_state_doc_path(const rc_state_doc *doc) { return doc->path; }

static GHashTable *child(GHashTable *table, const char *name, GDestroyNotify free_value)
{
    GHashTable *found = g_hash_table_lookup(table, name);
    if (!found) {
        found = new_table(free_value);
        g_hash_table_insert(table, g_strdup(name), found);
    }
    return found;
}

void rc_state_doc_set(rc_state_doc *doc, const char *room, const char *section,
                      const char *key, char *json)
{
    GHashTable *sections = child(doc->rooms, room ? room : "",
                                 (GDestroyNotify)g_hash_table_unref);
    GHashTable *keys = child(sections, section, g_free);
    g_hash_table_insert(keys, g_strdup(key), json);
}

gboolean rc_state_doc_remove(rc_state_doc *doc, const char *room, const char *section,
                             const char *key)
{
    GHashTable *sections = g_hash_table_lookup(doc->rooms, room ? room : "");
    if (!sections)
        return FALSE;
    gboolean removed = FALSE;
    GHashTableIter iter;
    gpointer name, keys;
    g_hash_table_iter_init(&iter, sections);
    while (g_hash_table_iter_next(&iter, &name, &keys))
        if (!section || strcmp(name, section) == 0)
            removed |= g_hash_table_remove(keys, key);
    return removed;
}

void rc_state_doc_purge(rc_state_doc *doc, const char *room)
{
    g_hash_table_remove(doc->rooms, room ? room : "");
}

static int compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Keys in byte order, so that the same state always reads the same. */
static GPtrArray *sorted_keys(GHashTable *table)
{
    GPtrArray *keys = g_ptr_array_new();
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, table);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_ptr_array_add(keys, key);
    g_ptr_array_sort(keys, compare_names);
    return keys;
}

/* One level of the document: {"name": VALUE, ...}, one entry per line. */
static void write_level(GString *out, GHashTable *table, int depth)
{
    GPtrArray *names = sorted_keys(table);
    if (names->len == 0) {
        g_string_append(out, "{}");
        g_ptr_array_unref(names);
        return;
    }
    g_string_append(out, "{\n");
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        g_string_append_printf(out, "%*s", (depth + 1) * 2, "");
        rc_json_string(out, name);
        g_string_append(out, ": ");
        if (depth < 2)
            write_level(out, g_hash_table_lookup(table, name), depth + 1);
        else
            g_string_append(out, g_hash_table_lookup(table, name));
        g_string_append(out, i + 1 < names->len ? ",\n" : "\n");
    }
    g_string_append_printf(out, "%*s}", depth * 2, "");
    g_ptr_array_unref(names);
}

char *rc_state_doc_text(const rc_state_doc *doc)
{
    GString *out = g_string_new(NULL);
    write_level(out, doc->rooms, 0);
    g_string_append_c(out, '\n');
    return g_string_free(out, FALSE);
}

gboolean rc_state_doc_write(const rc_state_doc *doc, GError **error)
{
    g_autofree char *text = rc_state_doc_text(doc);
    return rc_write_atomic(doc->path, text, -1, error);
}

gboolean rc_state_doc_save(rc_state_doc *doc, roomctl_plugin *plugin,
                           roomctl_result *result)
{
    /* A room's whole state at once: written once, at the batch's end. */
    if (roomctl_plugin_in_batch(plugin)) {
        doc->dirty = TRUE;
        return TRUE;
    }
    doc->dirty = FALSE;
    GError *error = NULL;
    if (rc_state_doc_write(doc, &error))
        return TRUE;
    if (result)
        roomctl_result_fail(result, "cannot write %s: %s", doc->path, error->message);
    else
        roomctl_plugin_log(plugin, ROOMCTL_LOG_ERROR, "cannot write %s: %s", doc->path,
                           error->message);
    g_error_free(error);
    return FALSE;
}

int rc_state_doc_batch_end(rc_state_doc *doc, roomctl_plugin *plugin)
{
    if (!doc->dirty)
        return 0;
    doc->dirty = FALSE;
    return rc_state_doc_save(doc, plugin, NULL) ? 0 : -1;
}

/* ---- Reading back --------------------------------------------------------- */

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    return p;
}

/* One level of the document at @p (its '{'): depth 0 holds rooms, 1
 * sections, 2 keys whose values are kept as their JSON text.  @names holds
 * the room and section above.  Returns the end, or NULL with *@bad at the
 * fault and *@expected saying what should be there. */
static const char *read_level(rc_state_doc *doc, const char *p, int depth, char **names,
                              const char **bad, const char **expected)
{
    static const char *const what[] = { "a room", "a section", "a key" };
    *bad = p;
    *expected = "'{'";
    if (*p != '{')
        return NULL;
    p = skip_space(p + 1);
    if (*p == '}')
        return p + 1;
    for (;;) {
        char *name = NULL;
        *bad = p;
        *expected = what[depth];
        const char *after = rc_json_read_string(p, &name);
        if (!after)
            return NULL;
        p = skip_space(after);
        *bad = p;
        *expected = "':'";
        if (*p != ':') {
            g_free(name);
            return NULL;
        }
        p = skip_space(p + 1);
        if (depth < 2) {
            names[depth] = name;
            p = read_level(doc, p, depth + 1, names, bad, expected);
            names[depth] = NULL;
            g_free(name);
            if (!p)
                return NULL;
        } else {
            const char *end = rc_json_skip_value(p);
            if (!end) {
                g_free(name);
                *bad = p;
                *expected = "a JSON value";
                return NULL;
            }
            rc_state_doc_set(doc, names[0], names[1], name, g_strndup(p, (gsize)(end - p)));
            g_free(name);
            p = end;
        }
        p = skip_space(p);
        *bad = p;
        *expected = "',' or '}'";
        if (*p == '}')
            return p + 1;
        if (*p != ',')
            return NULL;
        p = skip_space(p + 1);
    }
}

gboolean rc_state_doc_read(rc_state_doc *doc, const char *text, GError **error)
{
    const char *bad = text, *expected = "a JSON object";
    char *names[2] = { NULL, NULL };
    const char *end = g_utf8_validate(text, -1, &bad) ?
        read_level(doc, skip_space(text), 0, names, &bad, &expected) : NULL;
    if (end && *skip_space(end) == '\0')
        return TRUE;
    if (end) {
        bad = skip_space(end);
        expected = "the end of the file";
    } else if (!g_utf8_validate(text, -1, NULL)) {
        expected = "UTF-8 text";
    }
    guint line = 1;
    for (const char *c = text; c < bad; c++)
        line += *c == '\n';
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s:%u: expected %s", doc->path, line,
                expected);
    g_hash_table_remove_all(doc->rooms);
    return FALSE;
}

/* What the file held before: TRUE when it was read back (or there is no
 * file), FALSE after a warning when it could not be, then moved aside to
 * FILE.unreadable so that nothing is lost and the plugin starts empty. */
static gboolean restore(rc_state_doc *doc, roomctl_plugin *plugin, gboolean *found)
{
    gsize len = 0;
    GError *error = NULL;
    char *text = rc_read_file_capped(doc->path, RC_STATE_DOC_MAX, &len, &error);
    *found = text != NULL || !g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    if (!*found) {
        g_error_free(error);
        return TRUE;
    }
    gboolean ok = text && memchr(text, '\0', len) == NULL && rc_state_doc_read(doc, text, &error);
    if (!ok) {
        g_autofree char *why = error ? g_strdup(error->message)
                               : g_strdup_printf("%s: %s", doc->path,
                                                 text ? "holds a NUL byte" : "larger than 64 MiB");
        g_autofree char *aside = g_strconcat(doc->path, ".unreadable", NULL);
        g_autofree char *kept = rename(doc->path, aside) == 0
            ? g_strdup_printf("kept the file as %s and ", aside) : g_strdup("");
        roomctl_plugin_log(plugin, ROOMCTL_LOG_WARNING, "cannot read back its state: %s; %s"
                           "starting with no state (every current item is applied again)",
                           why, kept);
    }
    g_clear_error(&error);
    g_free(text);
    return ok;
}

rc_state_doc *rc_state_doc_open(roomctl_plugin *plugin, const roomctl_config *config,
                                const char *what)
{
    const char *file = rc_option_require(plugin, config, "file", what);
    if (!file)
        return NULL;
    rc_state_doc *doc = rc_state_doc_new(file);
    gboolean found = FALSE;
    gboolean restored = restore(doc, plugin, &found) && found;
    GError *error = NULL;
    if (!rc_state_doc_write(doc, &error)) {
        roomctl_plugin_set_error(plugin, "cannot write %s: %s", file, error->message);
        g_error_free(error);
        rc_state_doc_free(doc);
        return NULL;
    }
    /* The file is what a reader acts on, and it survives us: a restarted
     * host need not hand us again what it already holds. */
    roomctl_plugin_keeps_state(plugin, restored);
    if (restored)
        roomctl_plugin_log(plugin, ROOMCTL_LOG_DEBUG, "read back %s", file);
    return doc;
}

/* The per-room state document written by ui-state and slideshow. */
#include "common.h"

#include <string.h>

struct rc_state_doc {
    char *path;
    GHashTable *rooms; /* room -> (section -> (key -> JSON text)) */
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

gboolean rc_state_doc_write(const rc_state_doc *doc, GError **error)
{
    GString *out = g_string_new(NULL);
    write_level(out, doc->rooms, 0);
    g_string_append_c(out, '\n');
    gboolean ok = rc_write_atomic(doc->path, out->str, (gssize)out->len, error);
    g_string_free(out, TRUE);
    return ok;
}

gboolean rc_state_doc_save(const rc_state_doc *doc, roomctl_plugin *plugin,
                           roomctl_result *result)
{
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

rc_state_doc *rc_state_doc_open(roomctl_plugin *plugin, const roomctl_config *config,
                                const char *what)
{
    const char *file = rc_option_require(plugin, config, "file", what);
    if (!file)
        return NULL;
    rc_state_doc *doc = rc_state_doc_new(file);
    GError *error = NULL;
    if (!rc_state_doc_write(doc, &error)) {
        roomctl_plugin_set_error(plugin, "cannot write %s: %s", file, error->message);
        g_error_free(error);
        rc_state_doc_free(doc);
        return NULL;
    }
    return doc;
}

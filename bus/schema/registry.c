/* The registry: schemas by type name and version. */
#include <string.h>

#include "schema_private.h"
#include "private_path.h"
#include "install_dirs.h"
#include "error_list.h"
#include "suggest.h"

struct roomctl_registry {
    /* type name -> GPtrArray of its schemas, by ascending version (owned) */
    GHashTable *types;
};

roomctl_registry *roomctl_registry_new(void)
{
    roomctl_registry *registry = g_new0(roomctl_registry, 1);
    registry->types = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify)g_ptr_array_unref);
    return registry;
}

void roomctl_registry_free(roomctl_registry *registry)
{
    if (!registry)
        return;
    g_hash_table_unref(registry->types);
    g_free(registry);
}

gboolean roomctl_registry_add(roomctl_registry *registry, roomctl_schema *schema,
                              GError **error)
{
    GPtrArray *versions = g_hash_table_lookup(registry->types, schema->type);
    guint at = 0;
    for (; versions && at < versions->len; at++) {
        const roomctl_schema *other = g_ptr_array_index(versions, at);
        if (other->version == schema->version) {
            g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_SCHEMA,
                        "%s:%u:%u: error: %s version %d is already defined in %s", schema->file,
                        schema->line, schema->column, schema->type, schema->version, other->file);
            roomctl_schema_free(schema);
            return FALSE;
        }
        if (other->version > schema->version)
            break;
    }
    if (!versions) {
        versions = g_ptr_array_new_with_free_func((GDestroyNotify)roomctl_schema_free);
        g_hash_table_insert(registry->types, schema->type, versions);
    }
    g_ptr_array_insert(versions, at, schema);
    return TRUE;
}

gboolean roomctl_registry_load_file(roomctl_registry *registry, const char *path, GError **error)
{
    roomctl_schema *schema = roomctl_schema_load_file(path, error);
    return schema && roomctl_registry_add(registry, schema, error);
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Schemas decide what reaches the plugins: refuse those others could change. */
static gboolean check_private_path(const char *path, const char *what, GError **error)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return TRUE; /* opening it says why */
    return rc_check_private(path, &st, what, error);
}

char **roomctl_schema_dir_files(const char *dir, GError **error)
{
    GError *local = NULL;
    GDir *d = g_dir_open(dir, 0, &local);
    if (!d) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_IO, "%s: error: %s", dir,
                    g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                        ? "no such schema folder" : local->message);
        g_error_free(local);
        return NULL;
    }
    GPtrArray *names = g_ptr_array_new();
    for (const char *name; (name = g_dir_read_name(d));)
        if (g_str_has_suffix(name, ".yaml") || g_str_has_suffix(name, ".yml"))
            g_ptr_array_add(names, g_build_filename(dir, name, NULL));
    g_dir_close(d);
    g_ptr_array_sort(names, compare_names);
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}

gboolean roomctl_registry_load_dir(roomctl_registry *registry, const char *dir, GError **error)
{
    GError *local = NULL;
    if (!check_private_path(dir, "schema directory", error))
        return FALSE;
    char **paths = roomctl_schema_dir_files(dir, error);
    if (!paths)
        return FALSE;
    gboolean ok = TRUE;
    for (char **path = paths; *path; path++) {
        if (!check_private_path(*path, "schema file", &local) ||
            !roomctl_registry_load_file(registry, *path, &local)) {
            rc_error_merge(error, local);
            local = NULL;
            ok = FALSE;
        }
    }
    g_strfreev(paths);
    return ok;
}

const char *roomctl_registry_default_path(void)
{
    const char *env = g_getenv("ROOMCTL_SCHEMA_PATH");
    return env && *env ? env : rc_install_schema_dir();
}

gboolean roomctl_registry_load_path(roomctl_registry *registry, const char *path,
                                    GError **error)
{
    if (!path)
        path = roomctl_registry_default_path();
    char **dirs = g_strsplit(path, G_SEARCHPATH_SEPARATOR_S, -1);
    gboolean ok = TRUE;
    for (char **dir = dirs; *dir; dir++) {
        GError *local = NULL;
        if (**dir && !roomctl_registry_load_dir(registry, *dir, &local)) {
            rc_error_merge(error, local);
            ok = FALSE;
        }
    }
    g_strfreev(dirs);
    return ok;
}

const roomctl_schema *roomctl_registry_lookup(const roomctl_registry *registry,
                                              const char *type, int version)
{
    GPtrArray *versions = g_hash_table_lookup(registry->types, type);
    if (!versions || versions->len == 0)
        return NULL;
    if (version == 0)
        return g_ptr_array_index(versions, versions->len - 1);
    for (guint i = 0; i < versions->len; i++) {
        const roomctl_schema *schema = g_ptr_array_index(versions, i);
        if (schema->version == version)
            return schema;
    }
    return NULL;
}

static gint compare_schemas(gconstpointer a, gconstpointer b)
{
    const roomctl_schema *sa = *(const roomctl_schema *const *)a;
    const roomctl_schema *sb = *(const roomctl_schema *const *)b;
    int by_type = strcmp(sa->type, sb->type);
    return by_type ? by_type : sa->version - sb->version;
}

GPtrArray *roomctl_registry_list(const roomctl_registry *registry)
{
    GPtrArray *all = g_ptr_array_new();
    GHashTableIter iter;
    gpointer versions;
    g_hash_table_iter_init(&iter, registry->types);
    while (g_hash_table_iter_next(&iter, NULL, &versions))
        for (guint i = 0; i < ((GPtrArray *)versions)->len; i++)
            g_ptr_array_add(all, g_ptr_array_index((GPtrArray *)versions, i));
    g_ptr_array_sort(all, compare_schemas);
    return all;
}

const char *roomctl_registry_closest_type(const roomctl_registry *registry, const char *type)
{
    g_return_val_if_fail(registry && type, NULL);
    /* The hash table's keys are the schemas' own type strings. */
    const char **names = (const char **)g_hash_table_get_keys_as_array(registry->types, NULL);
    const char *best = rc_closest_word(type, names);
    g_free(names);
    return best;
}

char *roomctl_registry_version_list(const roomctl_registry *registry, const char *type,
                                    int below)
{
    GPtrArray *versions = g_hash_table_lookup(registry->types, type);
    GString *text = g_string_new(NULL);
    for (guint i = 0; versions && i < versions->len; i++) {
        const roomctl_schema *schema = g_ptr_array_index(versions, i);
        if (!below || schema->version < below)
            g_string_append_printf(text, "%s%d", text->len ? ", " : "", schema->version);
    }
    return g_string_free(text, FALSE);
}

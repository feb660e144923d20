/* Control types: schemas and the registry that holds them. */
#ifndef ROOMCTL_SCHEMA_H
#define ROOMCTL_SCHEMA_H

#include <roomctl/error.h>

G_BEGIN_DECLS

/* One control type, loaded from one YAML file.  Immutable once loaded. */
typedef struct roomctl_schema roomctl_schema;
/* A set of schemas, looked up by type name and version. */
typedef struct roomctl_registry roomctl_registry;

typedef enum { ROOMCTL_KIND_STATE = 0, ROOMCTL_KIND_EVENT } roomctl_kind;

/*
 * Load and check one schema file.  On failure returns NULL and sets @error
 * (ROOMCTL_ERR_SCHEMA, or ROOMCTL_ERR_IO) whose message holds every error of
 * the file, one per line, as "FILE:LINE:COL: error: TEXT".
 * The caller frees the schema with roomctl_schema_free().
 */
ROOMCTL_API
roomctl_schema *roomctl_schema_load_file(const char *path, GError **error);
/* Same, from memory; @name stands for the file name in messages. */
ROOMCTL_API
roomctl_schema *roomctl_schema_load_string(const char *name, const char *yaml, gssize len,
                                           GError **error);
ROOMCTL_API
void roomctl_schema_free(roomctl_schema *schema);

/* Accessors; strings are owned by the schema. */
ROOMCTL_API
const char *roomctl_schema_type(const roomctl_schema *schema);
ROOMCTL_API
int roomctl_schema_version(const roomctl_schema *schema);
ROOMCTL_API
roomctl_kind roomctl_schema_kind(const roomctl_schema *schema);
ROOMCTL_API
const char *roomctl_schema_description(const roomctl_schema *schema);
ROOMCTL_API
const char *roomctl_schema_file(const roomctl_schema *schema);
/*
 * A human description of the schema (fields, types, constraints, defaults,
 * key), as `roomctl describe` prints it; with @json, a JSON object instead.
 * The caller frees the string with g_free().
 */
ROOMCTL_API
char *roomctl_schema_describe(const roomctl_schema *schema, gboolean json);

ROOMCTL_API
roomctl_registry *roomctl_registry_new(void);
ROOMCTL_API
void roomctl_registry_free(roomctl_registry *registry);
/*
 * Load every *.yaml and *.yml file of @dir.  Files are loaded in name order;
 * every broken file is reported (all messages in @error), the good ones are
 * still added.  Returns FALSE when any file failed or when two files define the
 * same type and version (ROOMCTL_ERR_SCHEMA, naming both files).
 * A folder, or a schema file in it, that its group or
 * others may write, or that belongs to neither this user nor root, is
 * refused with ROOMCTL_ERR_INSECURE ("DIR: refusing schema directory: mode
 * 0777 lets others than its owner write it (chmod go-w)").
 */
ROOMCTL_API
gboolean roomctl_registry_load_dir(roomctl_registry *registry, const char *dir, GError **error);
/* The schema files of @dir (*.yaml, *.yml) as paths in name order, or NULL
 * and @error (ROOMCTL_ERR_IO).  Free with g_strfreev(). */
ROOMCTL_API
char **roomctl_schema_dir_files(const char *dir, GError **error);
ROOMCTL_API
gboolean roomctl_registry_load_file(roomctl_registry *registry, const char *path, GError **error);
/*
 * Load every directory of @path, a list separated by ':' (empty entries are
 * skipped), as roomctl_registry_load_dir() does; all errors are collected.
 * @path NULL means roomctl_registry_default_path().
 */
ROOMCTL_API
gboolean roomctl_registry_load_path(roomctl_registry *registry, const char *path,
                                    GError **error);
/* $ROOMCTL_SCHEMA_PATH when set and not empty, else the installed schema
 * directory.  Static or the environment's; do not free. */
ROOMCTL_API
const char *roomctl_registry_default_path(void);
/* Add a loaded schema; the registry takes it (and frees it on failure). */
ROOMCTL_API
gboolean roomctl_registry_add(roomctl_registry *registry, roomctl_schema *schema, GError **error);
/* The schema of @type at @version, or at its highest version when @version
 * is 0; NULL when none.  Owned by the registry. */
ROOMCTL_API
const roomctl_schema *roomctl_registry_lookup(const roomctl_registry *registry,
                                              const char *type, int version);
/* The known type name nearest to @type when @type looks like a typo of it
 * ("ui.buton" gives "ui.button"), else NULL.  Owned by the registry. */
ROOMCTL_API
const char *roomctl_registry_closest_type(const roomctl_registry *registry, const char *type);
/* The versions of @type the registry has, below @below (0: all), as text
 * ("1, 2"); "" when none.  The caller frees it with g_free(). */
ROOMCTL_API
char *roomctl_registry_version_list(const roomctl_registry *registry, const char *type,
                                    int below);
/* All schemas sorted by type then version; free the array with
 * g_ptr_array_unref() (the schemas stay the registry's). */
ROOMCTL_API
GPtrArray *roomctl_registry_list(const roomctl_registry *registry);

/* ---- (17) Comparing two versions of a type (schema_compat.c) -------------
 *
 * As Confluent's Schema Registry names them: BACKWARD means a reader with
 * the new schema accepts every item valid under the old one; FORWARD means
 * a reader with the old schema accepts every item valid under the new one;
 * FULL is both, NONE neither.  The values are bit sets: FULL = BACKWARD |
 * FORWARD. */
typedef enum {
    ROOMCTL_COMPAT_NONE = 0,
    ROOMCTL_COMPAT_BACKWARD = 1 << 0,
    ROOMCTL_COMPAT_FORWARD = 1 << 1,
    ROOMCTL_COMPAT_FULL = ROOMCTL_COMPAT_BACKWARD | ROOMCTL_COMPAT_FORWARD
} roomctl_compat;

/* "backward", "forward", "full", "none" (lower case, as a schema writes it). */
ROOMCTL_API
const char *roomctl_compat_name(roomctl_compat compat);
/* The mode of @name; FALSE when @name is none of the four. */
ROOMCTL_API
gboolean roomctl_compat_from_name(const char *name, roomctl_compat *out);
/* The schema's `compatibility:` (default ROOMCTL_COMPAT_BACKWARD). */
ROOMCTL_API
roomctl_compat roomctl_schema_compatibility(const roomctl_schema *schema);

/* What changed from one schema to another, change by change. */
typedef struct roomctl_schema_diff roomctl_schema_diff;

/* One change: @field is the field's path ("choices[]" for a list's
 * elements; NULL for the type as a whole), @reason a sentence, @keeps what
 * it leaves intact (FULL for a change that breaks nothing), @line and
 * @column where the new schema writes it (where the old one did for a
 * removed field).  All owned by the diff. */
typedef struct {
    const char *field;
    const char *reason;
    roomctl_compat keeps;
    unsigned line, column;
} roomctl_schema_change;

/* Compare @old_schema with @new_schema (usually two versions of one type).
 * Both must outlive the diff.  Free with roomctl_schema_diff_free(). */
ROOMCTL_API
roomctl_schema_diff *roomctl_schema_diff_new(const roomctl_schema *old_schema,
                                             const roomctl_schema *new_schema);
ROOMCTL_API
void roomctl_schema_diff_free(roomctl_schema_diff *diff);
/* What every change together leaves intact. */
ROOMCTL_API
roomctl_compat roomctl_schema_diff_verdict(const roomctl_schema_diff *diff);
ROOMCTL_API
guint roomctl_schema_diff_length(const roomctl_schema_diff *diff);
/* Change @i (< length), in field order; owned by the diff. */
ROOMCTL_API
const roomctl_schema_change *roomctl_schema_diff_at(const roomctl_schema_diff *diff, guint i);
/* The report `roomctl schema diff` prints: the verdict, then one line per
 * change; with @json, a JSON object.  Free with g_free(). */
ROOMCTL_API
char *roomctl_schema_diff_format(const roomctl_schema_diff *diff, gboolean json);
/* Check each version of each type of @registry against the version before
 * it, in the mode the newer one declares.  FALSE and @error
 * (ROOMCTL_ERR_SCHEMA) with one line per breaking change, as
 * "FILE:LINE:COL: error: TYPE version N is not backward compatible with
 * version M: field 'x': REASON". */
ROOMCTL_API
gboolean roomctl_registry_check_compatibility(const roomctl_registry *registry, GError **error);

G_END_DECLS

#endif

/* Making items on the publishing side: the builder, `field=value`
 * assignments and YAML item files. */
#include <string.h>

#include "config_tree.h"
#include "error_data.h"
#include "item_private.h"
#include "files.h"
#include "error_list.h"
#include "suggest.h"

struct roomctl_item_builder {
    rc_draft draft;
    roomctl_value storage[];
};

roomctl_item_builder *roomctl_item_builder_new(const roomctl_registry *registry,
                                               const char *type, int version,
                                               GError **error)
{
    g_return_val_if_fail(registry && type, NULL);
    const roomctl_schema *schema = roomctl_registry_lookup(registry, type, version);
    if (!schema) {
        if (version && roomctl_registry_lookup(registry, type, 0)) {
            char *known = roomctl_registry_version_list(registry, type, 0);
            g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_UNKNOWN_TYPE,
                        "%s: unknown version %d (known: %s)", type, version, known);
            g_free(known);
        }
        else if (roomctl_registry_closest_type(registry, type))
            g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_UNKNOWN_TYPE,
                        "unknown control type '%s' (did you mean '%s'?)", type,
                        roomctl_registry_closest_type(registry, type));
        else
            g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_UNKNOWN_TYPE,
                        "unknown control type '%s'", type);
        return NULL;
    }
    roomctl_item_builder *b = g_malloc(sizeof *b + schema->n_fields * sizeof(roomctl_value));
    rc_draft_init(&b->draft, schema, b->storage);
    return b;
}

void roomctl_item_builder_free(roomctl_item_builder *builder)
{
    if (!builder)
        return;
    rc_draft_clear(&builder->draft);
    g_free(builder);
}

/* The publishing side always refuses unknown fields: a typo must not vanish. */
static const rc_field *builder_field(roomctl_item_builder *b, const char *field, GError **error)
{
    const roomctl_schema *s = b->draft.schema;
    const rc_field *f = field ? rc_schema_field(s, field) : NULL;
    if (f)
        return f;
    const char *names[RC_MAX_FIELDS + 1];
    for (guint i = 0; i < s->n_fields; i++)
        names[i] = s->fields[i].name;
    names[s->n_fields] = NULL;
    const char *near = field ? rc_closest_word(field, names) : NULL;
    char *hint = near ? g_strdup_printf(" (did you mean '%s'?)", near) : g_strdup("");
    rc_set_field_error(error, ROOMCTL_ERR_INVALID_ITEM, field, "%s: unknown field '%s'%s",
                       s->type, field ? field : "(null)", hint);
    g_free(hint);
    return NULL;
}

gboolean roomctl_item_builder_set(roomctl_item_builder *builder, const char *field,
                                  const char *text, GError **error)
{
    g_return_val_if_fail(builder && text, FALSE);
    const rc_field *f = builder_field(builder, field, error);
    return f && rc_draft_set(&builder->draft, f, rc_draft_keep(&builder->draft, g_strdup(text)),
                             error);
}

gboolean roomctl_item_builder_set_bytes(roomctl_item_builder *builder, const char *field,
                                        const guint8 *data, gsize len, GError **error)
{
    g_return_val_if_fail(builder && (data || !len), FALSE);
    const rc_field *f = builder_field(builder, field, error);
    if (!f)
        return FALSE;
    const rc_field *spec = f->type == ROOMCTL_FIELD_LIST ? f->items : f;
    if (spec->type != ROOMCTL_FIELD_BYTES) {
        rc_set_field_error(error, ROOMCTL_ERR_INVALID_ITEM, f->name,
                           "%s: field '%s': expected %s, got bytes", builder->draft.schema->type,
                           f->name, rc_field_type_name(spec->type));
        return FALSE;
    }
    char *text = rc_draft_keep(&builder->draft, g_base64_encode(data, len));
    return rc_draft_set(&builder->draft, f, text, error);
}

roomctl_item *roomctl_item_builder_finish(roomctl_item_builder *builder, GError **error)
{
    g_return_val_if_fail(builder, NULL);
    roomctl_item *item = rc_draft_finish(&builder->draft, NULL, error);
    g_free(builder);
    return item;
}

/* Bytes for a field without max_bytes are read from a file up to this size:
 * far more than any server passes on, and a bound for /dev/zero. */
#define MAX_FILE_BYTES (64 * 1024 * 1024)

/* `field=@FILE`: the bytes of @path, checked against the field's max_bytes
 * before more than that is read. */
static gboolean assign_file(roomctl_item_builder *b, const char *name, const rc_field *spec,
                            const char *path, GError **error)
{
    const char *type = b->draft.schema->type;
    gsize max = spec->has_max_bytes ? (gsize)spec->max_bytes : MAX_FILE_BYTES;
    gsize len = 0;
    GError *io = NULL;
    char *data = rc_read_file_capped(path, max, &len, &io);
    if (!data && io) {
        rc_set_field_error(error, ROOMCTL_ERR_IO, name, "%s: field '%s': %s", type, name,
                           io->message);
        g_error_free(io);
        return FALSE;
    }
    if (!data) {
        char *size = len ? g_strdup_printf("%" G_GSIZE_FORMAT " bytes", len)
                         : g_strdup_printf("more than %" G_GSIZE_FORMAT " bytes", max);
        rc_set_field_error(error, ROOMCTL_ERR_INVALID_ITEM, name,
                           "%s: field '%s': %s: too large: %s, at most %" G_GSIZE_FORMAT, type,
                           name, path, size, max);
        g_free(size);
        return FALSE;
    }
    gboolean ok = roomctl_item_builder_set_bytes(b, name, (guint8 *)data, len, error);
    g_free(data);
    return ok;
}

/* `field=value`, or `field=@FILE` for a bytes field. */
static gboolean assign(roomctl_item_builder *b, const char *assignment, GError **error)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_INVALID_ITEM,
                    "%s: expected field=value, got '%s'", b->draft.schema->type, assignment);
        return FALSE;
    }
    char *name = g_strndup(assignment, eq - assignment);
    const char *text = eq + 1;
    const rc_field *f = rc_schema_field(b->draft.schema, name);
    const rc_field *spec = f && f->type == ROOMCTL_FIELD_LIST ? f->items : f;
    gboolean ok;
    if (spec && spec->type == ROOMCTL_FIELD_BYTES && text[0] == '@') {
        ok = assign_file(b, name, spec, text + 1, error);
    } else {
        ok = roomctl_item_builder_set(b, name, text, error);
    }
    g_free(name);
    return ok;
}

/* Every required field that no assignment named gets its own line in
 * @errors, so that one run of `publish` shows every mistake. */
static void report_missing(const roomctl_item_builder *b, GHashTable *named, GError **errors)
{
    const roomctl_schema *s = b->draft.schema;
    for (guint i = 0; i < s->n_fields; i++) {
        const rc_field *f = &s->fields[i];
        if (f->required && !(b->draft.values[i].flags & RC_VALUE_SET) &&
            !(b->draft.lists && b->draft.lists[i]) &&
            !g_hash_table_contains(named, f->name)) {
            GError *local = NULL;
            rc_set_field_error(&local, ROOMCTL_ERR_INVALID_ITEM, f->name,
                               "%s: missing required field '%s'", s->type, f->name);
            rc_error_merge(errors, local);
        }
    }
}

roomctl_item *roomctl_item_new_from_assignments(const roomctl_registry *registry,
                                                const char *type,
                                                const char *const *assignments,
                                                GError **error)
{
    return roomctl_item_new_from_assignments_at(registry, type, 0, assignments, error);
}

roomctl_item *roomctl_item_new_from_assignments_at(const roomctl_registry *registry,
                                                   const char *type, int version,
                                                   const char *const *assignments,
                                                   GError **error)
{
    roomctl_item_builder *b = roomctl_item_builder_new(registry, type, version, error);
    if (!b)
        return NULL;
    /* Go on after a bad assignment: the moderator sees every mistake at once. */
    GError *errors = NULL;
    GHashTable *named = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (gsize i = 0; assignments && assignments[i]; i++) {
        GError *local = NULL;
        const char *eq = strchr(assignments[i], '=');
        if (eq)
            g_hash_table_add(named, g_strndup(assignments[i], eq - assignments[i]));
        if (!assign(b, assignments[i], &local))
            rc_error_merge(&errors, local);
    }
    report_missing(b, named, &errors);
    g_hash_table_unref(named);
    if (errors) {
        roomctl_item_builder_free(b);
        g_propagate_error(error, errors);
        return NULL;
    }
    return roomctl_item_builder_finish(b, error);
}

/* ---- YAML item files ------------------------------------------------------------ */

/* Put "FILE:LINE:COL: error: " before @error's message. */
/* Say where in the YAML file @error is, in its message and as data. */
static void locate(GError *error, const roomctl_config *node)
{
    char *located = g_strdup_printf("%s: error: %s", roomctl_config_location(node),
                                    error->message);
    g_free(error->message);
    error->message = located;
    rc_error_set_position(error, rc_config_file(node), roomctl_config_line(node),
                          roomctl_config_column(node));
}

static gboolean set_yaml_field(roomctl_item_builder *b, const char *name,
                               const roomctl_config *node, GError **error)
{
    GError *local = NULL;
    const rc_field *f = builder_field(b, name, &local);
    if (f && roomctl_config_kind_of(node) == ROOMCTL_CONFIG_LIST &&
        f->type == ROOMCTL_FIELD_LIST) {
        for (gsize i = 0; i < roomctl_config_length(node) && !local; i++) {
            const roomctl_config *element = roomctl_config_at(node, i, NULL);
            const char *text = roomctl_config_scalar(element);
            if (!text)
                rc_set_field_error(&local, ROOMCTL_ERR_INVALID_ITEM, name,
                                   "%s: field '%s': list items must be single values",
                                   b->draft.schema->type, name);
            else
                roomctl_item_builder_set(b, name, text, &local);
            if (local)
                node = element;
        }
    } else if (f && f->type != ROOMCTL_FIELD_LIST && roomctl_config_scalar(node)) {
        roomctl_item_builder_set(b, name, roomctl_config_scalar(node), &local);
    } else if (f) {
        rc_set_field_error(&local, ROOMCTL_ERR_INVALID_ITEM, name, "%s: field '%s': expected %s",
                           b->draft.schema->type, name,
                           f->type == ROOMCTL_FIELD_LIST ? "a list, like [a, b]" : "a single value");
    }
    if (!local)
        return TRUE;
    locate(local, node);
    g_propagate_error(error, local);
    return FALSE;
}

roomctl_item *roomctl_item_load_yaml(const roomctl_registry *registry, const char *path,
                                     GError **error)
{
    roomctl_config *root = roomctl_config_load_file(path, error);
    if (!root)
        return NULL;
    roomctl_item *item = NULL;
    roomctl_item_builder *b = NULL;
    const roomctl_config *type = roomctl_config_child(root, "type");
    const roomctl_config *version = roomctl_config_child(root, "version");
    gint64 version_number = 0;
    if (roomctl_config_kind_of(root) != ROOMCTL_CONFIG_MAPPING || !roomctl_config_scalar(type)) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_INVALID_ITEM,
                    "%s: error: an item file is a mapping with 'type' and the fields",
                    roomctl_config_location(root));
        goto out;
    }
    if (version && (!rc_parse_int(roomctl_config_scalar(version) ? roomctl_config_scalar(version) : "",
                                  &version_number) || version_number < 1 || version_number > G_MAXINT)) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_INVALID_ITEM,
                    "%s: error: 'version' must be an integer >= 1", roomctl_config_location(version));
        goto out;
    }
    GError *local = NULL;
    b = roomctl_item_builder_new(registry, roomctl_config_scalar(type), version_number, &local);
    if (!b) {
        locate(local, type);
        g_propagate_error(error, local);
        goto out;
    }
    /* Every field's mistake is reported, each at its own position. */
    GError *errors = NULL;
    for (gsize i = 0; i < roomctl_config_length(root); i++) {
        const char *key;
        const roomctl_config *node = roomctl_config_at(root, i, &key);
        if (node != type && node != version && !set_yaml_field(b, key, node, &local))
            rc_error_merge(&errors, local);
        local = NULL;
    }
    if (errors) {
        g_propagate_error(error, errors);
        goto out;
    }
    item = roomctl_item_builder_finish(b, &local);
    b = NULL;
    if (!item) {
        locate(local, root);
        g_propagate_error(error, local);
    }
out:
    roomctl_item_builder_free(b);
    roomctl_config_free(root);
    return item;
}

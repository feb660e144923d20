/* The schema loader: a YAML tree -> a checked roomctl_schema, with every
 * mistake of the file reported as "FILE:LINE:COL: error: TEXT". */
#include <string.h>

#include "error_data.h"
#include "schema_loader.h"

static const char *const top_keywords[] = {
    "type", "version", "description", "kind", "key", "unknown_fields", "fields",
    "compatibility", NULL
};

/* ---- The file ------------------------------------------------------------------ */

static void compile_fields(loader *l, const roomctl_config *node)
{
    roomctl_schema *s = l->schema;
    if (roomctl_config_kind_of(node) != ROOMCTL_CONFIG_MAPPING) {
        rc_loader_report(l, AT(node), "'fields' must be a mapping of field names to field specs");
        return;
    }
    gsize n = roomctl_config_length(node);
    if (n == 0) {
        rc_loader_report(l, AT(node), "'fields' is empty: a type needs at least one field");
        return;
    }
    if (n > RC_MAX_FIELDS) {
        rc_loader_report(l, AT(node), "too many fields: %" G_GSIZE_FORMAT ", at most %d", n, RC_MAX_FIELDS);
        return;
    }
    s->fields = g_new0(rc_field, n);
    for (gsize i = 0; i < n; i++) {
        const char *name;
        const roomctl_config *v = roomctl_config_at(node, i, &name);
        rc_field *f = &s->fields[s->n_fields++];
        f->index = i;
        f->name = g_strdup(name);
        if (!rc_loader_name_ok(name, FALSE) || strlen(name) > MAX_NAME ||
            !g_ascii_strncasecmp(name, "xml", 3))
            rc_loader_report(l, AT_KEY(v), "bad field name '%s': expected lowercase letters, digits and "
                             "'_', starting with a letter (at most %d, not starting with 'xml')",
                             name, MAX_NAME);
        rc_field_compile(l, f, v, FALSE);
        g_hash_table_insert(s->by_name, f->name, f);
    }
}

static void compile_key(loader *l, const roomctl_config *node)
{
    roomctl_schema *s = l->schema;
    if (roomctl_config_kind_of(node) != ROOMCTL_CONFIG_LIST) {
        rc_loader_report(l, AT(node), "'key' must be a list of field names, like [button] (or [])");
        return;
    }
    s->key = g_new0(guint, roomctl_config_length(node) + 1);
    for (gsize i = 0; i < roomctl_config_length(node); i++) {
        const roomctl_config *item = roomctl_config_at(node, i, NULL);
        const char *name = rc_loader_scalar(l, item, "a key field");
        if (!name)
            continue;
        const rc_field *f = rc_schema_field(s, name);
        if (!f) {
            rc_loader_report(l, AT(item), "key field '%s' is not declared in 'fields'", name);
            continue;
        }
        for (guint k = 0; k < s->n_key; k++)
            if (s->key[k] == f->index)
                rc_loader_report(l, AT(item), "key field '%s' is listed twice", name);
        if (!f->required)
            rc_loader_report(l, AT(item), "key field '%s' must be required: true", name);
        if (f->type != ROOMCTL_FIELD_STRING && f->type != ROOMCTL_FIELD_INT &&
            f->type != ROOMCTL_FIELD_BOOL && f->type != ROOMCTL_FIELD_JID &&
            f->type != ROOMCTL_FIELD_URL)
            rc_loader_report(l, AT(item), "key field '%s' has type %s: key fields must be string, int, "
                             "bool, jid or url", name, rc_field_type_name(f->type));
        s->key[s->n_key++] = f->index;
    }
}

static void compile(loader *l, const roomctl_config *root)
{
    roomctl_schema *s = l->schema;
    if (roomctl_config_kind_of(root) != ROOMCTL_CONFIG_MAPPING) {
        rc_loader_report(l, AT(root), "a schema must be a mapping with type, version, kind and fields");
        return;
    }
    const roomctl_config *key_node = NULL, *kind_node = NULL;
    for (gsize i = 0; i < roomctl_config_length(root); i++) {
        const char *key;
        const roomctl_config *v = roomctl_config_at(root, i, &key);
        const char *text = roomctl_config_scalar(v);
        if (!strcmp(key, "type")) {
            s->line = roomctl_config_line(v);
            s->column = roomctl_config_column(v);
            if (rc_loader_scalar(l, v, "'type'") && (!rc_loader_name_ok(text, TRUE) || strlen(text) > MAX_TYPE_NAME))
                rc_loader_report(l, AT(v), "bad type name '%s': expected lowercase words joined by dots, "
                                 "like 'ui.button'", text);
            s->type = g_strdup(text);
        } else if (!strcmp(key, "version")) {
            gint64 version;
            if (!rc_loader_integer(l, v, "'version'", &version))
                continue;
            if (version < 1 || version > G_MAXINT)
                rc_loader_report(l, AT(v), "'version' must be an integer >= 1, got %s", text);
            else
                s->version = version;
        } else if (!strcmp(key, "description")) {
            s->description = g_strdup(rc_loader_scalar(l, v, "'description'"));
        } else if (!strcmp(key, "kind")) {
            if (!rc_loader_scalar(l, v, "'kind'"))
                continue;
            if (strcmp(text, "state") && strcmp(text, "event"))
                rc_loader_report(l, AT(v), "'kind' must be 'state' or 'event', got '%s'", text);
            else
                kind_node = v;
            s->kind = !strcmp(text, "event") ? ROOMCTL_KIND_EVENT : ROOMCTL_KIND_STATE;
        } else if (!strcmp(key, "unknown_fields")) {
            if (rc_loader_scalar(l, v, "'unknown_fields'") && !strcmp(text, "ignore"))
                s->ignore_unknown = TRUE;
            else if (text && strcmp(text, "reject"))
                rc_loader_report(l, AT(v), "'unknown_fields' must be 'reject' or 'ignore', got '%s'", text);
        } else if (!strcmp(key, "compatibility")) {
            /* What `schema check` demands of this version against the one before. */
            if (rc_loader_scalar(l, v, "'compatibility'") &&
                !roomctl_compat_from_name(text, &s->compatibility))
                rc_loader_report(l, AT(v), "'compatibility' must be backward, forward, full or "
                                 "none, got '%s'", text);
        } else if (!strcmp(key, "fields")) {
            compile_fields(l, v);
        } else if (!strcmp(key, "key")) {
            key_node = v;
        } else {
            char *hint = rc_loader_suggest(key, top_keywords);
            rc_loader_report(l, AT_KEY(v), "unknown keyword '%s'%s", key, hint);
            g_free(hint);
        }
    }
    static const char *const required[] = { "type", "version", "kind", "fields" };
    for (gsize i = 0; i < G_N_ELEMENTS(required); i++)
        if (!roomctl_config_child(root, required[i]))
            rc_loader_report(l, 1, 1, "missing '%s'", required[i]);
    if (!kind_node)
        return;
    if (s->kind == ROOMCTL_KIND_EVENT && key_node)
        rc_loader_report(l, AT_KEY(key_node), "'key' applies only to kind: state (events have fresh ids)");
    else if (s->kind == ROOMCTL_KIND_STATE && !key_node)
        rc_loader_report(l, AT(kind_node), "a state type needs 'key': the fields that name an item "
                         "(key: [] for one item per room)");
    else if (key_node)
        compile_key(l, key_node);
}

static gint problem_order(gconstpointer a, gconstpointer b)
{
    const schema_error *pa = a, *pb = b;
    if (pa->line != pb->line)
        return pa->line < pb->line ? -1 : 1;
    return pa->column < pb->column ? -1 : pa->column > pb->column;
}

static roomctl_schema *schema_new(const char *file)
{
    roomctl_schema *s = g_new0(roomctl_schema, 1);
    s->file = g_strdup(file);
    s->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    s->strings = g_string_chunk_new(256);
    s->compatibility = ROOMCTL_COMPAT_BACKWARD;
    return s;
}

static roomctl_schema *compile_tree(const char *file, roomctl_config *root, GError **error)
{
    loader l = { file, g_array_new(FALSE, FALSE, sizeof(schema_error)), schema_new(file) };
    compile(&l, root);
    roomctl_config_free(root);
    if (l.problems->len == 0) {
        g_array_unref(l.problems);
        return l.schema;
    }
    g_array_sort(l.problems, problem_order);
    const schema_error *first = &g_array_index(l.problems, schema_error, 0);
    guint line = first->line, column = first->column;
    /* The field the first problem names, in the loader's own wording. */
    char *field = NULL;
    if (g_str_has_prefix(first->text, "field '"))
        field = g_strndup(first->text + 7, strcspn(first->text + 7, "'"));
    GString *text = g_string_new(NULL);
    for (guint i = 0; i < l.problems->len; i++) {
        schema_error *p = &g_array_index(l.problems, schema_error, i);
        g_string_append_printf(text, "%s%s:%u:%u: error: %s", i ? "\n" : "", file, p->line,
                               p->column, p->text);
        g_free(p->text);
    }
    g_array_unref(l.problems);
    g_set_error_literal(error, ROOMCTL_ERROR, ROOMCTL_ERR_SCHEMA, text->str);
    rc_error_set_position(error ? *error : NULL, file, line, column);
    rc_error_set_field(error ? *error : NULL, field);
    g_free(field);
    g_string_free(text, TRUE);
    roomctl_schema_free(l.schema);
    return NULL;
}

/* The YAML reader says CONFIG; to a schema's reader, a broken file is SCHEMA. */
static void as_schema_error(GError *error)
{
    if (error && error->domain == ROOMCTL_ERROR && error->code == ROOMCTL_ERR_CONFIG)
        error->code = ROOMCTL_ERR_SCHEMA;
}

roomctl_schema *roomctl_schema_load_file(const char *path, GError **error)
{
    GError *local = NULL;
    roomctl_config *root = roomctl_config_load_file(path, &local);
    if (!root) {
        as_schema_error(local);
        g_propagate_error(error, local);
        return NULL;
    }
    return compile_tree(path, root, error);
}

roomctl_schema *roomctl_schema_load_string(const char *name, const char *yaml, gssize len,
                                           GError **error)
{
    GError *local = NULL;
    if (!name)
        name = "<string>";
    roomctl_config *root = roomctl_config_load_string(name, yaml, len, &local);
    if (!root) {
        as_schema_error(local);
        g_propagate_error(error, local);
        return NULL;
    }
    return compile_tree(name, root, error);
}

void roomctl_schema_free(roomctl_schema *schema)
{
    if (!schema)
        return;
    for (guint i = 0; i < schema->n_fields; i++)
        rc_field_clear(&schema->fields[i]);
    g_free(schema->fields);
    g_free(schema->key);
    g_hash_table_unref(schema->by_name);
    g_string_chunk_free(schema->strings);
    g_free(schema->type);
    g_free(schema->description);
    g_free(schema->file);
    g_free(schema);
}

const rc_field *rc_schema_field(const roomctl_schema *schema, const char *name)
{
    return g_hash_table_lookup(schema->by_name, name);
}

const char *roomctl_schema_type(const roomctl_schema *schema) { return schema->type; }
int roomctl_schema_version(const roomctl_schema *schema) { return schema->version; }
roomctl_kind roomctl_schema_kind(const roomctl_schema *schema) { return schema->kind; }
const char *roomctl_schema_description(const roomctl_schema *schema) { return schema->description; }
const char *roomctl_schema_file(const roomctl_schema *schema) { return schema->file; }

/* (17) The compatibility modes, as a schema writes them (schema_compat.c
 * compares versions; the loader reads `compatibility:`). */
static const char *const compat_names[] = { "none", "backward", "forward", "full" };

const char *roomctl_compat_name(roomctl_compat compat)
{
    return compat_names[compat & ROOMCTL_COMPAT_FULL];
}

gboolean roomctl_compat_from_name(const char *name, roomctl_compat *out)
{
    for (int i = 0; i < (int)G_N_ELEMENTS(compat_names); i++)
        if (!strcmp(name, compat_names[i])) {
            *out = (roomctl_compat)i;
            return TRUE;
        }
    return FALSE;
}

roomctl_compat roomctl_schema_compatibility(const roomctl_schema *schema)
{
    return schema->compatibility;
}

/* A field of a schema: its spec read and checked keyword by keyword (the
 * table of schema_keyword.c), its default, enum and bounds cross-checked. */
#include <string.h>

#include "schema_keyword.h"

static const char *const type_keywords[] = {
    "string", "int", "number", "bool", "url", "jid", "bytes", "timestamp", "list", NULL
};

static void field_free(rc_field *f)
{
    if (f) {
        rc_field_clear(f);
        g_free(f);
    }
}

void rc_field_clear(rc_field *f)
{
    g_free(f->name);
    g_free(f->description);
    g_free(f->pattern_text);
    if (f->pattern)
        g_regex_unref(f->pattern);
    g_strfreev(f->enum_values);
    g_strfreev(f->schemes);
    field_free(f->items);
    rc_value_clear(&f->default_value);
}

static gboolean parse_default_value(loader *l, rc_field *f, const roomctl_config *v)
{
    const rc_field *spec = f->type == ROOMCTL_FIELD_LIST ? f->items : f;
    char *problem = NULL;

    if (f->type != ROOMCTL_FIELD_LIST) {
        const char *text = roomctl_config_scalar(v);
        if (!text || rc_config_is_null(v)) {
            rc_loader_report(l, AT(v), "field '%s': default must be a single value", f->name);
            return FALSE;
        }
        text = g_string_chunk_insert(l->schema->strings, text);
        if (rc_field_parse(spec, text, &f->default_value, &problem))
            return TRUE;
        rc_loader_report(l, AT(v), "field '%s': default '%s' is not valid: %s", f->name, text, problem);
        g_free(problem);
        return FALSE;
    }
    if (!spec)
        return FALSE;
    if (roomctl_config_kind_of(v) != ROOMCTL_CONFIG_LIST) {
        rc_loader_report(l, AT(v), "field '%s': default of a list must be a list, like [a, b]", f->name);
        return FALSE;
    }
    gsize n = roomctl_config_length(v);
    roomctl_value *values = g_new0(roomctl_value, n);
    gboolean ok = rc_field_check_items(f, n, &problem);
    if (!ok) {
        rc_loader_report(l, AT(v), "field '%s': default is not valid: %s", f->name, problem);
        g_clear_pointer(&problem, g_free);
    }
    for (gsize i = 0; ok && i < n; i++) {
        const roomctl_config *item = roomctl_config_at(v, i, NULL);
        const char *text = roomctl_config_scalar(item);
        if (!text) {
            rc_loader_report(l, AT(item), "field '%s': default items must be single values", f->name);
            ok = FALSE;
        } else if (!rc_field_parse(spec, text, &values[i], &problem)) {
            rc_loader_report(l, AT(item), "field '%s': default item '%s' is not valid: %s", f->name, text,
                             problem);
            g_clear_pointer(&problem, g_free);
            ok = FALSE;
        }
    }
    if (ok) {
        f->default_value.type = ROOMCTL_FIELD_LIST;
        f->default_value.flags = RC_VALUE_SET | RC_VALUE_OWNS_DATA;
        f->default_value.u.list = rc_list_new(values, n);
    }
    for (gsize i = 0; i < n; i++)
        rc_value_clear(&values[i]);
    g_free(values);
    return ok;
}

/* Enum values must themselves pass the field's other checks. */
static void check_enum(loader *l, rc_field *f, const roomctl_config *node)
{
    char **values = f->enum_values;
    f->enum_values = NULL;
    for (gsize i = 0; values[i]; i++) {
        roomctl_value v;
        char *problem = NULL;
        if (!rc_field_parse(f, values[i], &v, &problem)) {
            rc_loader_report(l, AT(roomctl_config_at(node, i, NULL)), "field '%s': enum value '%s' is not valid: %s",
                             f->name, values[i], problem);
            g_free(problem);
        }
        rc_value_clear(&v);
    }
    f->enum_values = values;
}

/* The node of @key in a field spec, or the spec itself. */
static const roomctl_config *where(const roomctl_config *spec, const char *key)
{
    const roomctl_config *node = roomctl_config_child(spec, key);
    return node ? node : spec;
}

static void cross_check(loader *l, rc_field *f, const roomctl_config *node)
{
#define WHERE(key) where(node, key)
    if (f->has_min_length && f->has_max_length && f->min_length > f->max_length)
        rc_loader_report(l, AT(WHERE("max_length")), "field '%s': min_length %" G_GINT64_FORMAT
                         " is greater than max_length %" G_GINT64_FORMAT, f->name, f->min_length, f->max_length);
    if (f->has_min_items && f->has_max_items && f->min_items > f->max_items)
        rc_loader_report(l, AT(WHERE("max_items")), "field '%s': min_items %" G_GINT64_FORMAT
                         " is greater than max_items %" G_GINT64_FORMAT, f->name, f->min_items, f->max_items);
    if (f->has_min && f->has_max &&
        (f->type == ROOMCTL_FIELD_INT ? f->min_i > f->max_i : f->min_d > f->max_d))
        rc_loader_report(l, AT(WHERE("max")), "field '%s': min %s is greater than max %s", f->name,
                         roomctl_config_scalar(WHERE("min")), roomctl_config_scalar(WHERE("max")));
    if (f->type == ROOMCTL_FIELD_LIST && !f->items)
        rc_loader_report(l, AT(node), "field '%s': a list needs 'items', like items: {type: string}",
                         f->name);
    if (f->enum_values)
        check_enum(l, f, WHERE("enum"));
#undef WHERE
}

void rc_field_compile(loader *l, rc_field *f, const roomctl_config *node, gboolean is_items)
{
    f->line = roomctl_config_line(node);
    f->column = roomctl_config_column(node);
    if (roomctl_config_kind_of(node) != ROOMCTL_CONFIG_MAPPING) {
        rc_loader_report(l, AT(node), "field '%s' must be a mapping, like {type: string}", f->name);
        return;
    }
    gboolean known_type = FALSE;
    const roomctl_config *type_node = roomctl_config_child(node, "type");
    const char *type = type_node ? rc_loader_scalar(l, type_node, "'type'") : NULL;
    if (!type_node) {
        rc_loader_report(l, AT(node), "field '%s' has no 'type'", f->name);
    } else if (type) {
        for (guint t = 0; type_keywords[t]; t++)
            if (!strcmp(type, type_keywords[t])) {
                f->type = t;
                known_type = TRUE;
            }
        if (!known_type) {
            char *hint = rc_loader_suggest(type, type_keywords);
            rc_loader_report(l, AT(type_node), "field '%s': unknown type '%s'%s", f->name, type, hint);
            g_free(hint);
        } else if (is_items && f->type == ROOMCTL_FIELD_LIST) {
            rc_loader_report(l, AT(type_node), "field '%s': list items cannot be lists", f->name);
            known_type = FALSE;
        }
    }

    const roomctl_config *default_node = NULL;
    for (gsize i = 0; i < roomctl_config_length(node); i++) {
        const char *key;
        const roomctl_config *v = roomctl_config_at(node, i, &key);
        const rc_keyword *keyword = rc_keyword_find(key);
        if (!keyword) {
            char *hint = rc_loader_suggest(key, rc_keyword_names());
            rc_loader_report(l, AT_KEY(v), "field '%s': unknown keyword '%s'%s", f->name, key, hint);
            g_free(hint);
        } else if (is_items && (!strcmp(key, "required") || !strcmp(key, "default"))) {
            rc_loader_report(l, AT_KEY(v), "field '%s': '%s' does not apply to list items", f->name, key);
        } else if (!known_type) {
            continue; /* its keywords cannot be checked without a type */
        } else if (!rc_keyword_applies(keyword, f->type)) {
            rc_loader_report(l, AT_KEY(v), "field '%s': '%s' does not apply to a field of type %s",
                             f->name, key, rc_field_type_name(f->type));
        } else if (!strcmp(key, "default")) {
            default_node = v;
        } else if (!strcmp(key, "items")) {
            f->items = g_new0(rc_field, 1);
            f->items->name = g_strdup(f->name);
            rc_field_compile(l, f->items, v, TRUE);
        } else if (keyword->read) {
            char *what = g_strdup_printf("field '%s': '%s'", f->name, key);
            keyword->read(l, f, what, v);
            g_free(what);
        }
    }
    if (!known_type)
        return;
    cross_check(l, f, node);
    if (default_node && f->required)
        rc_loader_report(l, AT_KEY(default_node),
                         "field '%s' is required and has a default: drop one of them", f->name);
    else if (default_node)
        f->has_default = parse_default_value(l, f, default_node);
}

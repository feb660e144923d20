/* The schema loader: a YAML tree -> a checked roomctl_schema, with every
 * mistake of the file reported as "FILE:LINE:COL: error: TEXT". */
#include <string.h>

#include "config_tree.h"
#include "schema_private.h"
#include "suggest.h"
#include "media.h"

#define MAX_NAME 64
#define MAX_TYPE_NAME 128

typedef struct {
    guint line, column;
    char *text;
} schema_error;

typedef struct {
    const char *file;
    GArray *problems;
    roomctl_schema *schema;
} loader;

static const char *const top_keywords[] = {
    "type", "version", "description", "kind", "key", "unknown_fields", "fields", NULL
};
static const char *const field_keywords[] = {
    "type", "required", "default", "description", "min_length", "max_length", "pattern",
    "enum", "min", "max", "schemes", "max_bytes", "media_types", "items", "min_items",
    "max_items", NULL
};
static const char *const type_keywords[] = {
    "string", "int", "number", "bool", "url", "jid", "bytes", "timestamp", "list", NULL
};

static void report(loader *l, guint line, guint column, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static void report(loader *l, guint line, guint column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    schema_error p = { line, column, g_strdup_vprintf(fmt, ap) };
    va_end(ap);
    g_array_append_val(l->problems, p);
}

#define AT(node) roomctl_config_line(node), roomctl_config_column(node)
#define AT_KEY(node) rc_config_key_line(node), rc_config_key_column(node)

/* " (did you mean 'x'?)" or " (expected one of: …)"; free with g_free(). */
static char *suggest(const char *word, const char *const *candidates)
{
    const char *best = rc_closest_word(word, candidates);
    if (best)
        return g_strdup_printf(" (did you mean '%s'?)", best);
    char *list = g_strjoinv(", ", (char **)candidates);
    char *text = g_strdup_printf(" (expected one of: %s)", list);
    g_free(list);
    return text;
}

/* ---- Scalars of the schema file ------------------------------------------- */

static const char *scalar(loader *l, const roomctl_config *node, const char *what)
{
    const char *text = roomctl_config_scalar(node);
    if (!text || rc_config_is_null(node)) {
        report(l, AT(node), "%s needs a value", what);
        return NULL;
    }
    return text;
}

static gboolean integer(loader *l, const roomctl_config *node, const char *what, gint64 *out)
{
    const char *text = scalar(l, node, what);
    if (!text)
        return FALSE;
    if (!rc_parse_int(text, out)) {
        report(l, AT(node), "%s must be an integer, got '%s'", what, text);
        return FALSE;
    }
    return TRUE;
}

static gboolean count(loader *l, const roomctl_config *node, const char *what, gint64 *out)
{
    if (!integer(l, node, what, out))
        return FALSE;
    if (*out < 0) {
        report(l, AT(node), "%s must be >= 0, got %" G_GINT64_FORMAT, what, *out);
        return FALSE;
    }
    return TRUE;
}

static gboolean boolean(loader *l, const roomctl_config *node, const char *what, gboolean *out)
{
    const char *text = scalar(l, node, what);
    if (!text)
        return FALSE;
    if (strcmp(text, "true") && strcmp(text, "false")) {
        report(l, AT(node), "%s must be true or false, got '%s'", what, text);
        return FALSE;
    }
    *out = !strcmp(text, "true");
    return TRUE;
}

/* A list of scalars as a NULL-terminated vector, or NULL after a report. */
static char **string_list(loader *l, const roomctl_config *node, const char *what)
{
    if (roomctl_config_kind_of(node) != ROOMCTL_CONFIG_LIST) {
        report(l, AT(node), "%s must be a list, like [a, b]", what);
        return NULL;
    }
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    for (gsize i = 0; i < roomctl_config_length(node); i++) {
        const roomctl_config *item = roomctl_config_at(node, i, NULL);
        const char *text = scalar(l, item, what);
        if (!text) {
            g_ptr_array_free(out, TRUE);
            return NULL;
        }
        g_ptr_array_add(out, g_strdup(text));
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

static gboolean name_ok(const char *name, gboolean dotted)
{
    gboolean word_start = TRUE;
    int dots = 0;
    for (const char *p = name; *p; p++) {
        if (word_start ? g_ascii_islower(*p)
                       : (g_ascii_islower(*p) || g_ascii_isdigit(*p) || *p == '_')) {
            word_start = FALSE;
        } else if (dotted && *p == '.' && !word_start) {
            word_start = TRUE;
            dots++;
        } else {
            return FALSE;
        }
    }
    return !word_start && (!dotted || dots > 0);
}

/* ---- Fields ------------------------------------------------------------------ */

static gboolean keyword_applies(const char *keyword, roomctl_field_type type)
{
    static const struct { const char *keyword; roomctl_field_type type; } only[] = {
        { "pattern", ROOMCTL_FIELD_STRING },    { "enum", ROOMCTL_FIELD_STRING },
        { "schemes", ROOMCTL_FIELD_URL },       { "max_bytes", ROOMCTL_FIELD_BYTES },
        { "media_types", ROOMCTL_FIELD_BYTES }, { "items", ROOMCTL_FIELD_LIST },
        { "min_items", ROOMCTL_FIELD_LIST },    { "max_items", ROOMCTL_FIELD_LIST },
    };
    if (!strcmp(keyword, "min") || !strcmp(keyword, "max"))
        return type == ROOMCTL_FIELD_INT || type == ROOMCTL_FIELD_NUMBER;
    if (!strcmp(keyword, "min_length") || !strcmp(keyword, "max_length"))
        return type == ROOMCTL_FIELD_STRING || type == ROOMCTL_FIELD_URL;
    for (gsize i = 0; i < G_N_ELEMENTS(only); i++)
        if (!strcmp(keyword, only[i].keyword))
            return type == only[i].type;
    return TRUE;
}

static void field_clear(rc_field *f);

static void field_free(rc_field *f)
{
    if (f) {
        field_clear(f);
        g_free(f);
    }
}

static void field_clear(rc_field *f)
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

static gboolean bound(loader *l, rc_field *f, const roomctl_config *node, const char *what,
                      gint64 *i, double *d)
{
    const char *text = scalar(l, node, what);
    if (!text)
        return FALSE;
    if (f->type == ROOMCTL_FIELD_INT ? rc_parse_int(text, i) : rc_parse_number(text, d))
        return TRUE;
    report(l, AT(node), "field '%s': %s must be %s, got '%s'", f->name, what,
           f->type == ROOMCTL_FIELD_INT ? "an integer" : "a number", text);
    return FALSE;
}

static void compile_field(loader *l, rc_field *f, const roomctl_config *node, gboolean is_items);

static void compile_keyword(loader *l, rc_field *f, const char *key, const roomctl_config *v)
{
    char *what = g_strdup_printf("field '%s': '%s'", f->name, key);
    if (!strcmp(key, "description")) {
        const char *text = scalar(l, v, what);
        f->description = g_strdup(text);
    } else if (!strcmp(key, "required")) {
        boolean(l, v, what, &f->required);
    } else if (!strcmp(key, "min_length")) {
        f->has_min_length = count(l, v, what, &f->min_length);
    } else if (!strcmp(key, "max_length")) {
        f->has_max_length = count(l, v, what, &f->max_length);
    } else if (!strcmp(key, "min_items")) {
        f->has_min_items = count(l, v, what, &f->min_items);
    } else if (!strcmp(key, "max_items")) {
        f->has_max_items = count(l, v, what, &f->max_items);
    } else if (!strcmp(key, "max_bytes")) {
        f->has_max_bytes = count(l, v, what, &f->max_bytes);
    } else if (!strcmp(key, "min")) {
        f->has_min = bound(l, f, v, "min", &f->min_i, &f->min_d);
    } else if (!strcmp(key, "max")) {
        f->has_max = bound(l, f, v, "max", &f->max_i, &f->max_d);
    } else if (!strcmp(key, "pattern")) {
        const char *text = scalar(l, v, what);
        GError *error = NULL;
        /* Without DOLLAR_ENDONLY, '$' also matches before a final line feed:
         * '^[a-z]+$' would accept "send\n". */
        if (text && !(f->pattern = g_regex_new(text, G_REGEX_OPTIMIZE | G_REGEX_DOLLAR_ENDONLY,
                                               0, &error))) {
            report(l, AT(v), "field '%s': bad pattern: %s", f->name, error->message);
            g_error_free(error);
        }
        f->pattern_text = g_strdup(text);
    } else if (!strcmp(key, "enum")) {
        f->enum_values = string_list(l, v, what);
        if (f->enum_values && !f->enum_values[0]) {
            report(l, AT(v), "field '%s': 'enum' is empty", f->name);
            g_clear_pointer(&f->enum_values, g_strfreev);
        }
    } else if (!strcmp(key, "schemes")) {
        f->schemes = string_list(l, v, what);
        for (char **s = f->schemes; s && *s; s++) {
            char *lower = g_ascii_strdown(*s, -1);
            g_free(*s);
            *s = lower;
        }
    } else if (!strcmp(key, "media_types")) {
        char **names = string_list(l, v, what);
        for (gsize i = 0; names && names[i]; i++) {
            rc_media_type t = rc_media_type_from_name(names[i]);
            if (!t) {
                char *known = rc_media_type_list(RC_MEDIA_ALL);
                report(l, AT(roomctl_config_at(v, i, NULL)),
                       "field '%s': unknown media type '%s' (known: %s)", f->name, names[i], known);
                g_free(known);
            }
            f->media_types |= t;
        }
        g_strfreev(names);
    } else if (!strcmp(key, "items")) {
        f->items = g_new0(rc_field, 1);
        f->items->name = g_strdup(f->name);
        compile_field(l, f->items, v, TRUE);
    }
    g_free(what);
}

static gboolean parse_default_value(loader *l, rc_field *f, const roomctl_config *v)
{
    const rc_field *spec = f->type == ROOMCTL_FIELD_LIST ? f->items : f;
    char *problem = NULL;

    if (f->type != ROOMCTL_FIELD_LIST) {
        const char *text = roomctl_config_scalar(v);
        if (!text || rc_config_is_null(v)) {
            report(l, AT(v), "field '%s': default must be a single value", f->name);
            return FALSE;
        }
        text = g_string_chunk_insert(l->schema->strings, text);
        if (rc_field_parse(spec, text, &f->default_value, &problem))
            return TRUE;
        report(l, AT(v), "field '%s': default '%s' is not valid: %s", f->name, text, problem);
        g_free(problem);
        return FALSE;
    }
    if (!spec)
        return FALSE;
    if (roomctl_config_kind_of(v) != ROOMCTL_CONFIG_LIST) {
        report(l, AT(v), "field '%s': default of a list must be a list, like [a, b]", f->name);
        return FALSE;
    }
    gsize n = roomctl_config_length(v);
    roomctl_value *values = g_new0(roomctl_value, n);
    gboolean ok = rc_field_check_items(f, n, &problem);
    if (!ok) {
        report(l, AT(v), "field '%s': default is not valid: %s", f->name, problem);
        g_clear_pointer(&problem, g_free);
    }
    for (gsize i = 0; ok && i < n; i++) {
        const roomctl_config *item = roomctl_config_at(v, i, NULL);
        const char *text = roomctl_config_scalar(item);
        if (!text) {
            report(l, AT(item), "field '%s': default items must be single values", f->name);
            ok = FALSE;
        } else if (!rc_field_parse(spec, text, &values[i], &problem)) {
            report(l, AT(item), "field '%s': default item '%s' is not valid: %s", f->name, text,
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
            report(l, AT(roomctl_config_at(node, i, NULL)), "field '%s': enum value '%s' is not valid: %s",
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
        report(l, AT(WHERE("max_length")), "field '%s': min_length %" G_GINT64_FORMAT
               " is greater than max_length %" G_GINT64_FORMAT, f->name, f->min_length, f->max_length);
    if (f->has_min_items && f->has_max_items && f->min_items > f->max_items)
        report(l, AT(WHERE("max_items")), "field '%s': min_items %" G_GINT64_FORMAT
               " is greater than max_items %" G_GINT64_FORMAT, f->name, f->min_items, f->max_items);
    if (f->has_min && f->has_max &&
        (f->type == ROOMCTL_FIELD_INT ? f->min_i > f->max_i : f->min_d > f->max_d))
        report(l, AT(WHERE("max")), "field '%s': min %s is greater than max %s", f->name,
               roomctl_config_scalar(WHERE("min")), roomctl_config_scalar(WHERE("max")));
    if (f->type == ROOMCTL_FIELD_LIST && !f->items)
        report(l, AT(node), "field '%s': a list needs 'items', like items: {type: string}",
               f->name);
    if (f->enum_values)
        check_enum(l, f, WHERE("enum"));
#undef WHERE
}

static void compile_field(loader *l, rc_field *f, const roomctl_config *node, gboolean is_items)
{
    f->line = roomctl_config_line(node);
    f->column = roomctl_config_column(node);
    if (roomctl_config_kind_of(node) != ROOMCTL_CONFIG_MAPPING) {
        report(l, AT(node), "field '%s' must be a mapping, like {type: string}", f->name);
        return;
    }
    gboolean known_type = FALSE;
    const roomctl_config *type_node = roomctl_config_child(node, "type");
    const char *type = type_node ? scalar(l, type_node, "'type'") : NULL;
    if (!type_node) {
        report(l, AT(node), "field '%s' has no 'type'", f->name);
    } else if (type) {
        for (guint t = 0; type_keywords[t]; t++)
            if (!strcmp(type, type_keywords[t])) {
                f->type = t;
                known_type = TRUE;
            }
        if (!known_type) {
            char *hint = suggest(type, type_keywords);
            report(l, AT(type_node), "field '%s': unknown type '%s'%s", f->name, type, hint);
            g_free(hint);
        } else if (is_items && f->type == ROOMCTL_FIELD_LIST) {
            report(l, AT(type_node), "field '%s': list items cannot be lists", f->name);
            known_type = FALSE;
        }
    }

    const roomctl_config *default_node = NULL;
    for (gsize i = 0; i < roomctl_config_length(node); i++) {
        const char *key;
        const roomctl_config *v = roomctl_config_at(node, i, &key);
        if (!g_strv_contains(field_keywords, key)) {
            char *hint = suggest(key, field_keywords);
            report(l, AT_KEY(v), "field '%s': unknown keyword '%s'%s", f->name, key, hint);
            g_free(hint);
        } else if (is_items && (!strcmp(key, "required") || !strcmp(key, "default"))) {
            report(l, AT_KEY(v), "field '%s': '%s' does not apply to list items", f->name, key);
        } else if (!known_type) {
            continue; /* its keywords cannot be checked without a type */
        } else if (!keyword_applies(key, f->type)) {
            report(l, AT_KEY(v), "field '%s': '%s' does not apply to a field of type %s",
                   f->name, key, rc_field_type_name(f->type));
        } else if (!strcmp(key, "default")) {
            default_node = v;
        } else if (strcmp(key, "type")) {
            compile_keyword(l, f, key, v);
        }
    }
    if (!known_type)
        return;
    cross_check(l, f, node);
    if (default_node && f->required)
        report(l, AT_KEY(default_node),
               "field '%s' is required and has a default: drop one of them", f->name);
    else if (default_node)
        f->has_default = parse_default_value(l, f, default_node);
}

/* ---- The file ------------------------------------------------------------------ */

static void compile_fields(loader *l, const roomctl_config *node)
{
    roomctl_schema *s = l->schema;
    if (roomctl_config_kind_of(node) != ROOMCTL_CONFIG_MAPPING) {
        report(l, AT(node), "'fields' must be a mapping of field names to field specs");
        return;
    }
    gsize n = roomctl_config_length(node);
    if (n == 0) {
        report(l, AT(node), "'fields' is empty: a type needs at least one field");
        return;
    }
    if (n > RC_MAX_FIELDS) {
        report(l, AT(node), "too many fields: %" G_GSIZE_FORMAT ", at most %d", n, RC_MAX_FIELDS);
        return;
    }
    s->fields = g_new0(rc_field, n);
    for (gsize i = 0; i < n; i++) {
        const char *name;
        const roomctl_config *v = roomctl_config_at(node, i, &name);
        rc_field *f = &s->fields[s->n_fields++];
        f->index = i;
        f->name = g_strdup(name);
        if (!name_ok(name, FALSE) || strlen(name) > MAX_NAME ||
            !g_ascii_strncasecmp(name, "xml", 3))
            report(l, AT_KEY(v), "bad field name '%s': expected lowercase letters, digits and "
                   "'_', starting with a letter (at most %d, not starting with 'xml')",
                   name, MAX_NAME);
        compile_field(l, f, v, FALSE);
        g_hash_table_insert(s->by_name, f->name, f);
    }
}

static void compile_key(loader *l, const roomctl_config *node)
{
    roomctl_schema *s = l->schema;
    if (roomctl_config_kind_of(node) != ROOMCTL_CONFIG_LIST) {
        report(l, AT(node), "'key' must be a list of field names, like [button] (or [])");
        return;
    }
    s->key = g_new0(guint, roomctl_config_length(node) + 1);
    for (gsize i = 0; i < roomctl_config_length(node); i++) {
        const roomctl_config *item = roomctl_config_at(node, i, NULL);
        const char *name = scalar(l, item, "a key field");
        if (!name)
            continue;
        const rc_field *f = rc_schema_field(s, name);
        if (!f) {
            report(l, AT(item), "key field '%s' is not declared in 'fields'", name);
            continue;
        }
        for (guint k = 0; k < s->n_key; k++)
            if (s->key[k] == f->index)
                report(l, AT(item), "key field '%s' is listed twice", name);
        if (!f->required)
            report(l, AT(item), "key field '%s' must be required: true", name);
        if (f->type != ROOMCTL_FIELD_STRING && f->type != ROOMCTL_FIELD_INT &&
            f->type != ROOMCTL_FIELD_BOOL && f->type != ROOMCTL_FIELD_JID &&
            f->type != ROOMCTL_FIELD_URL)
            report(l, AT(item), "key field '%s' has type %s: key fields must be string, int, "
                   "bool, jid or url", name, rc_field_type_name(f->type));
        s->key[s->n_key++] = f->index;
    }
}

static void compile(loader *l, const roomctl_config *root)
{
    roomctl_schema *s = l->schema;
    if (roomctl_config_kind_of(root) != ROOMCTL_CONFIG_MAPPING) {
        report(l, AT(root), "a schema must be a mapping with type, version, kind and fields");
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
            if (scalar(l, v, "'type'") && (!name_ok(text, TRUE) || strlen(text) > MAX_TYPE_NAME))
                report(l, AT(v), "bad type name '%s': expected lowercase words joined by dots, "
                       "like 'ui.button'", text);
            s->type = g_strdup(text);
        } else if (!strcmp(key, "version")) {
            gint64 version;
            if (!integer(l, v, "'version'", &version))
                continue;
            if (version < 1 || version > G_MAXINT)
                report(l, AT(v), "'version' must be an integer >= 1, got %s", text);
            else
                s->version = version;
        } else if (!strcmp(key, "description")) {
            s->description = g_strdup(scalar(l, v, "'description'"));
        } else if (!strcmp(key, "kind")) {
            if (!scalar(l, v, "'kind'"))
                continue;
            if (strcmp(text, "state") && strcmp(text, "event"))
                report(l, AT(v), "'kind' must be 'state' or 'event', got '%s'", text);
            else
                kind_node = v;
            s->kind = !strcmp(text, "event") ? ROOMCTL_KIND_EVENT : ROOMCTL_KIND_STATE;
        } else if (!strcmp(key, "unknown_fields")) {
            if (scalar(l, v, "'unknown_fields'") && !strcmp(text, "ignore"))
                s->ignore_unknown = TRUE;
            else if (text && strcmp(text, "reject"))
                report(l, AT(v), "'unknown_fields' must be 'reject' or 'ignore', got '%s'", text);
        } else if (!strcmp(key, "fields")) {
            compile_fields(l, v);
        } else if (!strcmp(key, "key")) {
            key_node = v;
        } else {
            char *hint = suggest(key, top_keywords);
            report(l, AT_KEY(v), "unknown keyword '%s'%s", key, hint);
            g_free(hint);
        }
    }
    static const char *const required[] = { "type", "version", "kind", "fields" };
    for (gsize i = 0; i < G_N_ELEMENTS(required); i++)
        if (!roomctl_config_child(root, required[i]))
            report(l, 1, 1, "missing '%s'", required[i]);
    if (!kind_node)
        return;
    if (s->kind == ROOMCTL_KIND_EVENT && key_node)
        report(l, AT_KEY(key_node), "'key' applies only to kind: state (events have fresh ids)");
    else if (s->kind == ROOMCTL_KIND_STATE && !key_node)
        report(l, AT(kind_node), "a state type needs 'key': the fields that name an item "
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
    GString *text = g_string_new(NULL);
    for (guint i = 0; i < l.problems->len; i++) {
        schema_error *p = &g_array_index(l.problems, schema_error, i);
        g_string_append_printf(text, "%s%s:%u:%u: error: %s", i ? "\n" : "", file, p->line,
                               p->column, p->text);
        g_free(p->text);
    }
    g_array_unref(l.problems);
    g_set_error_literal(error, ROOMCTL_ERROR, ROOMCTL_ERR_SCHEMA, text->str);
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
        field_clear(&schema->fields[i]);
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

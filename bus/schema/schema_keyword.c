/* The keywords of a field spec, one table entry each: the field types it
 * applies to, how the loader reads it, how `schema describe` shows it. */
#include <string.h>

#include "schema_keyword.h"
#include "json.h"
#include "media.h"

/* ---- Shared by the entries ------------------------------------------------ */

void rc_describe_json_text(GString *out, const char *text)
{
    rc_json_string(out, text ? text : "");
}

void rc_describe_json_strv(GString *out, char **values)
{
    g_string_append_c(out, '[');
    for (gsize i = 0; values && values[i]; i++) {
        if (i)
            g_string_append(out, ", ");
        rc_describe_json_text(out, values[i]);
    }
    g_string_append_c(out, ']');
}

/* ", at least N UNIT(s)", with the plural only where it belongs. */
static void append_bound(GString *out, const char *which, gint64 n, const char *unit)
{
    g_string_append_printf(out, ", %s %" G_GINT64_FORMAT " %s%s", which, n, unit,
                           n == 1 || n == -1 ? "" : "s");
}

static char **media_names(guint bits)
{
    GPtrArray *names = g_ptr_array_new();
    for (guint bit = 1; bit <= RC_MEDIA_ALL; bit <<= 1)
        if (bits & bit)
            g_ptr_array_add(names, (char *)rc_media_type_name(bit));
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}

/* A url field without schemes: allows http and https (docs/schemas.md). */
static const char *const web_schemes[] = { "http", "https", NULL };

/* ---- required, description ------------------------------------------------- */

static void read_required(loader *l, rc_field *f, const char *what, const roomctl_config *v)
{
    rc_loader_boolean(l, v, what, &f->required);
}

static void read_description(loader *l, rc_field *f, const char *what, const roomctl_config *v)
{
    f->description = g_strdup(rc_loader_scalar(l, v, what));
}

/* ---- Counts: lengths, sizes, list lengths ---------------------------------- */

/* One count keyword: its has_ flag and value in rc_field, and its words. */
#define COUNT_KEYWORD(kw, which, unit)                                                       \
    static void read_##kw(loader *l, rc_field *f, const char *what, const roomctl_config *v) \
    {                                                                                        \
        f->has_##kw = rc_loader_count(l, v, what, &f->kw);                                   \
    }                                                                                        \
    static void json_##kw(GString *out, const rc_field *f)                                   \
    {                                                                                        \
        if (f->has_##kw)                                                                     \
            g_string_append_printf(out, ", \"" #kw "\": %" G_GINT64_FORMAT, f->kw);          \
    }                                                                                        \
    static void text_##kw(GString *out, const rc_field *f)                                   \
    {                                                                                        \
        if (f->has_##kw)                                                                     \
            append_bound(out, which, f->kw, unit);                                           \
    }
COUNT_KEYWORD(min_length, "at least", "character")
COUNT_KEYWORD(max_length, "at most", "character")
COUNT_KEYWORD(max_bytes, "at most", "byte")
COUNT_KEYWORD(min_items, "at least", "item")
COUNT_KEYWORD(max_items, "at most", "item")
#undef COUNT_KEYWORD

/* ---- min, max (int or number) ------------------------------------------------ */

static gboolean read_bound(loader *l, rc_field *f, const roomctl_config *node, const char *name,
                           gint64 *i, double *d)
{
    const char *text = rc_loader_scalar(l, node, name);
    if (!text)
        return FALSE;
    if (f->type == ROOMCTL_FIELD_INT ? rc_parse_int(text, i) : rc_parse_number(text, d))
        return TRUE;
    rc_loader_report(l, AT(node), "field '%s': %s must be %s, got '%s'", f->name, name,
                     f->type == ROOMCTL_FIELD_INT ? "an integer" : "a number", text);
    return FALSE;
}

static void json_bound(GString *out, const rc_field *f, const char *name, gint64 i, double d)
{
    g_string_append_printf(out, ", \"%s\": ", name);
    if (f->type == ROOMCTL_FIELD_INT)
        rc_json_int(out, i);
    else
        rc_json_number(out, d);
}

static void text_bound(GString *out, const rc_field *f, const char *name, gint64 i, double d)
{
    if (f->type == ROOMCTL_FIELD_INT)
        g_string_append_printf(out, ", %s %" G_GINT64_FORMAT, name, i);
    else
        g_string_append_printf(out, ", %s %g", name, d);
}

/* min or max: has_KW, KW_i (int) and KW_d (number) in rc_field. */
#define BOUND_KEYWORD(kw)                                                                    \
    static void read_##kw(loader *l, rc_field *f, const char *what, const roomctl_config *v) \
    {                                                                                        \
        f->has_##kw = read_bound(l, f, v, #kw, &f->kw##_i, &f->kw##_d);                      \
    }                                                                                        \
    static void json_##kw(GString *out, const rc_field *f)                                   \
    {                                                                                        \
        if (f->has_##kw)                                                                     \
            json_bound(out, f, #kw, f->kw##_i, f->kw##_d);                                   \
    }                                                                                        \
    static void text_##kw(GString *out, const rc_field *f)                                   \
    {                                                                                        \
        if (f->has_##kw)                                                                     \
            text_bound(out, f, #kw, f->kw##_i, f->kw##_d);                                   \
    }
BOUND_KEYWORD(min)
BOUND_KEYWORD(max)
#undef BOUND_KEYWORD

/* ---- pattern, enum ------------------------------------------------------------ */

static void read_pattern(loader *l, rc_field *f, const char *what, const roomctl_config *v)
{
    const char *text = rc_loader_scalar(l, v, what);
    GError *error = NULL;
    /* Without DOLLAR_ENDONLY, '$' also matches before a final line feed:
     * '^[a-z]+$' would accept "send\n". */
    if (text && !(f->pattern = g_regex_new(text, G_REGEX_OPTIMIZE | G_REGEX_DOLLAR_ENDONLY,
                                           0, &error))) {
        rc_loader_report(l, AT(v), "field '%s': bad pattern: %s", f->name, error->message);
        g_error_free(error);
    }
    f->pattern_text = g_strdup(text);
}

static void json_pattern(GString *out, const rc_field *f)
{
    if (f->pattern_text) {
        g_string_append(out, ", \"pattern\": ");
        rc_describe_json_text(out, f->pattern_text);
    }
}

static void text_pattern(GString *out, const rc_field *f)
{
    if (f->pattern_text)
        g_string_append_printf(out, ", matching '%s'", f->pattern_text);
}

static void read_enum(loader *l, rc_field *f, const char *what, const roomctl_config *v)
{
    f->enum_values = rc_loader_string_list(l, v, what);
    if (f->enum_values && !f->enum_values[0]) {
        rc_loader_report(l, AT(v), "field '%s': 'enum' is empty", f->name);
        g_clear_pointer(&f->enum_values, g_strfreev);
    }
}

static void json_enum(GString *out, const rc_field *f)
{
    if (f->enum_values) {
        g_string_append(out, ", \"enum\": ");
        rc_describe_json_strv(out, f->enum_values);
    }
}

static void text_enum(GString *out, const rc_field *f)
{
    if (f->enum_values) {
        char *list = g_strjoinv(" | ", f->enum_values);
        g_string_append_printf(out, ", one of %s", list);
        g_free(list);
    }
}

/* ---- schemes (url) ---------------------------------------------------------------- */

static void read_schemes(loader *l, rc_field *f, const char *what, const roomctl_config *v)
{
    f->schemes = rc_loader_string_list(l, v, what);
    for (char **s = f->schemes; s && *s; s++) {
        char *lower = g_ascii_strdown(*s, -1);
        g_free(*s);
        *s = lower;
    }
}

/* Shown for every url field: without the keyword, the schemes it allows. */
static void json_schemes(GString *out, const rc_field *f)
{
    g_string_append(out, ", \"schemes\": ");
    rc_describe_json_strv(out, f->schemes ? f->schemes : (char **)web_schemes);
}

static void text_schemes(GString *out, const rc_field *f)
{
    char *list = g_strjoinv(", ", f->schemes ? f->schemes : (char **)web_schemes);
    g_string_append_printf(out, ", schemes %s", list);
    g_free(list);
}

/* ---- media_types (bytes) ------------------------------------------------------------ */

static void read_media_types(loader *l, rc_field *f, const char *what, const roomctl_config *v)
{
    char **names = rc_loader_string_list(l, v, what);
    for (gsize i = 0; names && names[i]; i++) {
        rc_media_type t = rc_media_type_from_name(names[i]);
        if (!t) {
            char *known = rc_media_type_list(RC_MEDIA_ALL);
            rc_loader_report(l, AT(roomctl_config_at(v, i, NULL)),
                             "field '%s': unknown media type '%s' (known: %s)", f->name,
                             names[i], known);
            g_free(known);
        }
        f->media_types |= t;
    }
    g_strfreev(names);
}

static void json_media_types(GString *out, const rc_field *f)
{
    if (f->media_types) {
        char **names = media_names(f->media_types);
        g_string_append(out, ", \"media_types\": ");
        rc_describe_json_strv(out, names);
        g_free(names);
    }
}

static void text_media_types(GString *out, const rc_field *f)
{
    if (f->media_types) {
        char **names = media_names(f->media_types);
        char *list = g_strjoinv(", ", names);
        g_string_append_printf(out, ", media types %s", list);
        g_free(list);
        g_free(names);
    }
}

/* ---- items (list) ---------------------------------------------------------------------- */

static void json_items(GString *out, const rc_field *f)
{
    if (f->items) {
        g_string_append_printf(out, ", \"items\": {\"type\": \"%s\"",
                               rc_field_type_name(f->items->type));
        rc_keyword_describe_json(out, f->items);
        g_string_append_c(out, '}');
    }
}

static void text_items(GString *out, const rc_field *f)
{
    if (f->items) {
        g_string_append_printf(out, ", items: %s", rc_field_type_name(f->items->type));
        rc_keyword_describe_text(out, f->items);
    }
}

/* ---- The table ------------------------------------------------------------------------------ */

#define T(t) RC_TYPE_BIT(ROOMCTL_FIELD_##t)

/* In the order the loader lists them and `schema describe` shows them
 * (nested ones last). */
static const rc_keyword keywords[] = {
    { "type", 0, NULL, NULL, NULL, FALSE },
    { "required", 0, read_required, NULL, NULL, FALSE },
    { "default", 0, NULL, NULL, NULL, FALSE },
    { "description", 0, read_description, NULL, NULL, FALSE },
    { "min_length", T(STRING) | T(URL), read_min_length, json_min_length, text_min_length, FALSE },
    { "max_length", T(STRING) | T(URL), read_max_length, json_max_length, text_max_length, FALSE },
    { "pattern", T(STRING), read_pattern, json_pattern, text_pattern, FALSE },
    { "enum", T(STRING), read_enum, json_enum, text_enum, FALSE },
    { "min", T(INT) | T(NUMBER), read_min, json_min, text_min, FALSE },
    { "max", T(INT) | T(NUMBER), read_max, json_max, text_max, FALSE },
    { "schemes", T(URL), read_schemes, json_schemes, text_schemes, FALSE },
    { "max_bytes", T(BYTES), read_max_bytes, json_max_bytes, text_max_bytes, FALSE },
    { "media_types", T(BYTES), read_media_types, json_media_types, text_media_types, FALSE },
    { "items", T(LIST), NULL, json_items, text_items, TRUE }, /* a field spec itself */
    { "min_items", T(LIST), read_min_items, json_min_items, text_min_items, FALSE },
    { "max_items", T(LIST), read_max_items, json_max_items, text_max_items, FALSE },
};

#undef T

const rc_keyword *rc_keyword_find(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(keywords); i++)
        if (!strcmp(name, keywords[i].name))
            return &keywords[i];
    return NULL;
}

const char *const *rc_keyword_names(void)
{
    static const char *names[G_N_ELEMENTS(keywords) + 1];
    static gsize made;
    if (g_once_init_enter(&made)) {
        for (gsize i = 0; i < G_N_ELEMENTS(keywords); i++)
            names[i] = keywords[i].name;
        g_once_init_leave(&made, 1);
    }
    return names;
}

gboolean rc_keyword_applies(const rc_keyword *keyword, roomctl_field_type type)
{
    return !keyword->types || (keyword->types & RC_TYPE_BIT(type));
}

/* Every keyword of @f's type that describe shows, as JSON or as text: the
 * plain ones, then the nested ones. */
static void describe(GString *out, const rc_field *f, gboolean json)
{
    for (int nested = 0; nested < 2; nested++)
        for (gsize i = 0; i < G_N_ELEMENTS(keywords); i++) {
            const rc_keyword *k = &keywords[i];
            void (*show)(GString *, const rc_field *) = json ? k->json : k->text;
            if (show && k->nested == nested && rc_keyword_applies(k, f->type))
                show(out, f);
        }
}

void rc_keyword_describe_json(GString *out, const rc_field *f)
{
    describe(out, f, TRUE);
}

void rc_keyword_describe_text(GString *out, const rc_field *f)
{
    describe(out, f, FALSE);
}

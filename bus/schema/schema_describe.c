/* `roomctl schema describe`: a schema as text for people, or as JSON. */
#include <string.h>

#include "schema_private.h"
#include "json.h"
#include "media.h"

/* Absent texts (a field without description) are written as "", not null. */
static void json_text(GString *out, const char *text)
{
    rc_json_string(out, text ? text : "");
}

static void json_strv(GString *out, char **values)
{
    g_string_append_c(out, '[');
    for (gsize i = 0; values && values[i]; i++) {
        if (i)
            g_string_append(out, ", ");
        json_text(out, values[i]);
    }
    g_string_append_c(out, ']');
}

static void json_value(GString *out, const roomctl_value *v)
{
    /* Not v->text: it is what the author wrote in YAML, and 007 or 1.50e1
     * are not JSON numbers. */
    switch (v->type) {
    case ROOMCTL_FIELD_INT:
        rc_json_int(out, v->u.i);
        break;
    case ROOMCTL_FIELD_NUMBER:
        rc_json_number(out, v->u.d);
        break;
    case ROOMCTL_FIELD_BOOL:
        g_string_append(out, v->u.b ? "true" : "false");
        break;
    case ROOMCTL_FIELD_LIST:
        g_string_append_c(out, '[');
        for (gsize i = 0; i < v->u.list->length; i++) {
            if (i)
                g_string_append(out, ", ");
            json_value(out, &v->u.list->items[i]);
        }
        g_string_append_c(out, ']');
        break;
    default:
        json_text(out, v->text);
    }
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

/* The JSON members of a field's constraints (each preceded by ", "). */
static void json_constraints(GString *out, const rc_field *f)
{
#define MEMBER(name, fmt, value) g_string_append_printf(out, ", \"" name "\": " fmt, value)
    if (f->has_min_length) MEMBER("min_length", "%" G_GINT64_FORMAT, f->min_length);
    if (f->has_max_length) MEMBER("max_length", "%" G_GINT64_FORMAT, f->max_length);
    if (f->pattern_text) {
        g_string_append(out, ", \"pattern\": ");
        json_text(out, f->pattern_text);
    }
    if (f->enum_values) {
        g_string_append(out, ", \"enum\": ");
        json_strv(out, f->enum_values);
    }
    if (f->has_min && f->type == ROOMCTL_FIELD_INT) MEMBER("min", "%" G_GINT64_FORMAT, f->min_i);
    if (f->has_max && f->type == ROOMCTL_FIELD_INT) MEMBER("max", "%" G_GINT64_FORMAT, f->max_i);
    if (f->has_min && f->type == ROOMCTL_FIELD_NUMBER) {
        g_string_append(out, ", \"min\": ");
        rc_json_number(out, f->min_d);
    }
    if (f->has_max && f->type == ROOMCTL_FIELD_NUMBER) {
        g_string_append(out, ", \"max\": ");
        rc_json_number(out, f->max_d);
    }
    if (f->type == ROOMCTL_FIELD_URL) {
        static const char *const web[] = { "http", "https", NULL };
        g_string_append(out, ", \"schemes\": ");
        json_strv(out, f->schemes ? f->schemes : (char **)web);
    }
    if (f->has_max_bytes) MEMBER("max_bytes", "%" G_GINT64_FORMAT, f->max_bytes);
    if (f->media_types) {
        char **names = media_names(f->media_types);
        g_string_append(out, ", \"media_types\": ");
        json_strv(out, names);
        g_free(names);
    }
    if (f->has_min_items) MEMBER("min_items", "%" G_GINT64_FORMAT, f->min_items);
    if (f->has_max_items) MEMBER("max_items", "%" G_GINT64_FORMAT, f->max_items);
    if (f->items) {
        g_string_append_printf(out, ", \"items\": {\"type\": \"%s\"", rc_field_type_name(f->items->type));
        json_constraints(out, f->items);
        g_string_append_c(out, '}');
    }
#undef MEMBER
}

/* "ui.button:{button}" or a note that events get fresh ids. */
static char *item_id_form(const roomctl_schema *s)
{
    if (s->kind == ROOMCTL_KIND_EVENT)
        return g_strdup("a fresh unique id per item");
    GString *id = g_string_new(s->type);
    for (guint k = 0; k < s->n_key; k++)
        g_string_append_printf(id, ":{%s}", s->fields[s->key[k]].name);
    return g_string_free(id, FALSE);
}

static char *describe_json(const roomctl_schema *s)
{
    GString *out = g_string_new("{\"type\": ");
    json_text(out, s->type);
    g_string_append_printf(out, ", \"version\": %d, \"kind\": \"%s\", \"description\": ",
                           s->version, s->kind == ROOMCTL_KIND_STATE ? "state" : "event");
    json_text(out, s->description);
    g_string_append(out, ", \"file\": ");
    json_text(out, s->file);
    if (s->kind == ROOMCTL_KIND_STATE) {
        g_string_append(out, ", \"key\": [");
        for (guint k = 0; k < s->n_key; k++) {
            if (k)
                g_string_append(out, ", ");
            json_text(out, s->fields[s->key[k]].name);
        }
        g_string_append_c(out, ']');
    }
    char *form = item_id_form(s);
    g_string_append(out, ", \"item_id\": ");
    json_text(out, form);
    g_free(form);
    g_string_append_printf(out, ", \"unknown_fields\": \"%s\", \"fields\": [",
                           s->ignore_unknown ? "ignore" : "reject");
    for (guint i = 0; i < s->n_fields; i++) {
        const rc_field *f = &s->fields[i];
        g_string_append_printf(out, "%s{\"name\": ", i ? ", " : "");
        json_text(out, f->name);
        g_string_append_printf(out, ", \"type\": \"%s\", \"required\": %s, \"description\": ",
                               rc_field_type_name(f->type), f->required ? "true" : "false");
        json_text(out, f->description);
        if (f->has_default) {
            g_string_append(out, ", \"default\": ");
            json_value(out, &f->default_value);
        }
        json_constraints(out, f);
        g_string_append_c(out, '}');
    }
    g_string_append(out, "]}\n");
    return g_string_free(out, FALSE);
}

static void text_value(GString *out, const roomctl_value *v)
{
    if (v->type != ROOMCTL_FIELD_LIST) {
        g_string_append(out, v->text);
        return;
    }
    g_string_append_c(out, '[');
    for (gsize i = 0; i < v->u.list->length; i++)
        g_string_append_printf(out, "%s%s", i ? ", " : "", v->u.list->items[i].text);
    g_string_append_c(out, ']');
}

/* ", at least N UNIT(s)", with the plural only where it belongs. */
static void append_bound(GString *out, const char *which, gint64 n, const char *unit)
{
    g_string_append_printf(out, ", %s %" G_GINT64_FORMAT " %s%s", which, n, unit,
                           n == 1 || n == -1 ? "" : "s");
}

/* ", min_length 1, pattern '…'" and so on, for people. */
static void text_constraints(GString *out, const rc_field *f)
{
    if (f->has_min_length) append_bound(out, "at least", f->min_length, "character");
    if (f->has_max_length) append_bound(out, "at most", f->max_length, "character");
    if (f->pattern_text) g_string_append_printf(out, ", matching '%s'", f->pattern_text);
    if (f->enum_values) {
        char *list = g_strjoinv(" | ", f->enum_values);
        g_string_append_printf(out, ", one of %s", list);
        g_free(list);
    }
    if (f->has_min && f->type == ROOMCTL_FIELD_INT) g_string_append_printf(out, ", min %" G_GINT64_FORMAT, f->min_i);
    if (f->has_max && f->type == ROOMCTL_FIELD_INT) g_string_append_printf(out, ", max %" G_GINT64_FORMAT, f->max_i);
    if (f->has_min && f->type == ROOMCTL_FIELD_NUMBER) g_string_append_printf(out, ", min %g", f->min_d);
    if (f->has_max && f->type == ROOMCTL_FIELD_NUMBER) g_string_append_printf(out, ", max %g", f->max_d);
    if (f->type == ROOMCTL_FIELD_URL) {
        char *list = f->schemes ? g_strjoinv(", ", f->schemes) : g_strdup("http, https");
        g_string_append_printf(out, ", schemes %s", list);
        g_free(list);
    }
    if (f->has_max_bytes) append_bound(out, "at most", f->max_bytes, "byte");
    if (f->media_types) {
        char **names = media_names(f->media_types);
        char *list = g_strjoinv(", ", names);
        g_string_append_printf(out, ", media types %s", list);
        g_free(list);
        g_free(names);
    }
    if (f->has_min_items) append_bound(out, "at least", f->min_items, "item");
    if (f->has_max_items) append_bound(out, "at most", f->max_items, "item");
    if (f->items) {
        g_string_append_printf(out, ", items: %s", rc_field_type_name(f->items->type));
        text_constraints(out, f->items);
    }
}

static char *describe_text(const roomctl_schema *s)
{
    GString *out = g_string_new(NULL);
    char *form = item_id_form(s);
    g_string_append_printf(out, "%s version %d (%s)\n", s->type, s->version,
                           s->kind == ROOMCTL_KIND_STATE ? "state" : "event");
    if (s->description)
        g_string_append_printf(out, "  %s\n", s->description);
    g_string_append_printf(out, "\n  file:           %s\n  item id:        %s\n"
                           "  unknown fields: %s\n\n  fields:\n", s->file, form,
                           s->ignore_unknown ? "ignored" : "rejected");
    g_free(form);
    int width = 0;
    for (guint i = 0; i < s->n_fields; i++)
        width = MAX(width, (int)strlen(s->fields[i].name));
    for (guint i = 0; i < s->n_fields; i++) {
        const rc_field *f = &s->fields[i];
        g_string_append_printf(out, "    %-*s  %s", width, f->name, rc_field_type_name(f->type));
        if (f->required)
            g_string_append(out, ", required");
        if (f->has_default) {
            g_string_append(out, ", default ");
            text_value(out, &f->default_value);
        }
        text_constraints(out, f);
        g_string_append_c(out, '\n');
        if (f->description)
            g_string_append_printf(out, "    %*s  %s\n", width, "", f->description);
    }
    return g_string_free(out, FALSE);
}

char *roomctl_schema_describe(const roomctl_schema *schema, gboolean json)
{
    return json ? describe_json(schema) : describe_text(schema);
}

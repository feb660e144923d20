/* `roomctl schema describe`: a schema as text for people, or as JSON. */
#include <string.h>

#include "schema_keyword.h"
#include "json.h"

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
        rc_describe_json_text(out, v->text);
    }
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
    rc_describe_json_text(out, s->type);
    g_string_append_printf(out, ", \"version\": %d, \"kind\": \"%s\", \"description\": ",
                           s->version, s->kind == ROOMCTL_KIND_STATE ? "state" : "event");
    rc_describe_json_text(out, s->description);
    g_string_append(out, ", \"file\": ");
    rc_describe_json_text(out, s->file);
    if (s->kind == ROOMCTL_KIND_STATE) {
        g_string_append(out, ", \"key\": [");
        for (guint k = 0; k < s->n_key; k++) {
            if (k)
                g_string_append(out, ", ");
            rc_describe_json_text(out, s->fields[s->key[k]].name);
        }
        g_string_append_c(out, ']');
    }
    char *form = item_id_form(s);
    g_string_append(out, ", \"item_id\": ");
    rc_describe_json_text(out, form);
    g_free(form);
    g_string_append_printf(out, ", \"unknown_fields\": \"%s\", \"fields\": [",
                           s->ignore_unknown ? "ignore" : "reject");
    for (guint i = 0; i < s->n_fields; i++) {
        const rc_field *f = &s->fields[i];
        g_string_append_printf(out, "%s{\"name\": ", i ? ", " : "");
        rc_describe_json_text(out, f->name);
        g_string_append_printf(out, ", \"type\": \"%s\", \"required\": %s, \"description\": ",
                               rc_field_type_name(f->type), f->required ? "true" : "false");
        rc_describe_json_text(out, f->description);
        if (f->has_default) {
            g_string_append(out, ", \"default\": ");
            json_value(out, &f->default_value);
        }
        rc_keyword_describe_json(out, f);
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
        rc_keyword_describe_text(out, f);
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

/* Schema <-> XEP-0004 form (XEP-0122 datatypes for numbers, URLs and
 * times), for the gate's ad-hoc commands. */
#include "schema_form.h"
#include "stanza_build.h"

#include <string.h>

#include "schema_private.h"

static void add_text(xmpp_stanza_t *parent, const char *name, const char *text)
{
    xmpp_stanza_t *e = rc_stanza_add_child(parent, name, NULL);
    xmpp_stanza_t *t = xmpp_stanza_new(xmpp_stanza_get_context(parent));
    xmpp_stanza_set_text(t, text);
    xmpp_stanza_add_child(e, t);
    xmpp_stanza_release(t);
}

/* The field's description, with the limits a form cannot say otherwise. */
static char *describe(const rc_field *f)
{
    GString *d = g_string_new(f->description ? f->description : "");
    const rc_field *spec = f->type == ROOMCTL_FIELD_LIST ? f->items : f;
    GPtrArray *limits = g_ptr_array_new_with_free_func(g_free);
    if (spec->has_min_length)
        g_ptr_array_add(limits, g_strdup_printf("at least %" G_GINT64_FORMAT " characters",
                                                spec->min_length));
    if (spec->has_max_length)
        g_ptr_array_add(limits, g_strdup_printf("at most %" G_GINT64_FORMAT " characters",
                                                spec->max_length));
    if (spec->pattern_text)
        g_ptr_array_add(limits, g_strdup_printf("matching %s", spec->pattern_text));
    if (spec->type == ROOMCTL_FIELD_URL)
        g_ptr_array_add(limits, spec->schemes ? g_strjoinv("/", spec->schemes)
                                              : g_strdup("http/https"));
    if (f->type == ROOMCTL_FIELD_LIST && f->has_min_items)
        g_ptr_array_add(limits, g_strdup_printf("at least %" G_GINT64_FORMAT " values",
                                                f->min_items));
    if (f->type == ROOMCTL_FIELD_LIST && f->has_max_items)
        g_ptr_array_add(limits, g_strdup_printf("at most %" G_GINT64_FORMAT " values",
                                                f->max_items));
    if (limits->len) {
        g_ptr_array_add(limits, NULL);
        g_autofree char *joined = g_strjoinv(", ", (char **)limits->pdata);
        g_string_append_printf(d, "%s(%s)", d->len ? " " : "", joined);
    }
    g_ptr_array_unref(limits);
    return g_string_free(d, FALSE);
}

/* XEP-0122: the datatype, and the range for numbers. */
static void add_validation(xmpp_stanza_t *field, const rc_field *f)
{
    const char *datatype = NULL;
    switch (f->type) {
    case ROOMCTL_FIELD_INT: datatype = "xs:integer"; break;
    case ROOMCTL_FIELD_NUMBER: datatype = "xs:double"; break;
    case ROOMCTL_FIELD_URL: datatype = "xs:anyURI"; break;
    case ROOMCTL_FIELD_TIMESTAMP: datatype = "xs:dateTime"; break;
    default: return;
    }
    xmpp_stanza_t *v = rc_stanza_add_child(field, "validate", RC_NS_DATA_VALIDATE);
    xmpp_stanza_set_attribute(v, "datatype", datatype);
    if (!f->has_min && !f->has_max) {
        rc_stanza_add_child(v, "basic", NULL);
        return;
    }
    xmpp_stanza_t *range = rc_stanza_add_child(v, "range", NULL);
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    if (f->has_min) {
        if (f->type == ROOMCTL_FIELD_INT)
            g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, f->min_i);
        else
            g_ascii_dtostr(buf, sizeof buf, f->min_d);
        xmpp_stanza_set_attribute(range, "min", buf);
    }
    if (f->has_max) {
        if (f->type == ROOMCTL_FIELD_INT)
            g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, f->max_i);
        else
            g_ascii_dtostr(buf, sizeof buf, f->max_d);
        xmpp_stanza_set_attribute(range, "max", buf);
    }
}

static const char *form_type(const rc_field *f)
{
    switch (f->type) {
    case ROOMCTL_FIELD_BOOL: return "boolean";
    case ROOMCTL_FIELD_JID: return "jid-single";
    case ROOMCTL_FIELD_STRING: return f->enum_values ? "list-single" : "text-single";
    case ROOMCTL_FIELD_LIST:
        if (f->items->type == ROOMCTL_FIELD_JID)
            return "jid-multi";
        return f->items->enum_values ? "list-multi" : "text-multi";
    default: return "text-single";
    }
}

static void add_field(xmpp_stanza_t *form, const rc_field *f)
{
    xmpp_stanza_t *field = rc_stanza_add_child(form, "field", NULL);
    xmpp_stanza_set_attribute(field, "var", f->name);
    xmpp_stanza_set_attribute(field, "type", form_type(f));
    xmpp_stanza_set_attribute(field, "label", f->name);
    g_autofree char *desc = describe(f);
    if (*desc)
        add_text(field, "desc", desc);
    if (f->required)
        rc_stanza_add_child(field, "required", NULL);
    char **options = f->type == ROOMCTL_FIELD_LIST ? f->items->enum_values : f->enum_values;
    for (char **o = options; o && *o; o++) {
        xmpp_stanza_t *option = rc_stanza_add_child(field, "option", NULL);
        xmpp_stanza_set_attribute(option, "label", *o);
        add_text(option, "value", *o);
    }
    add_validation(field, f->type == ROOMCTL_FIELD_LIST ? f->items : f);
    if (!f->has_default)
        return;
    if (f->type == ROOMCTL_FIELD_LIST) {
        rc_list *list = f->default_value.u.list;
        for (gsize i = 0; list && i < list->length; i++)
            add_text(field, "value", list->items[i].text);
    } else if (f->default_value.text) {
        add_text(field, "value", f->default_value.text);
    }
}

static gboolean is_bytes(const rc_field *f)
{
    return f->type == ROOMCTL_FIELD_BYTES ||
           (f->type == ROOMCTL_FIELD_LIST && f->items->type == ROOMCTL_FIELD_BYTES);
}

xmpp_stanza_t *rc_schema_form(xmpp_ctx_t *ctx, const roomctl_schema *schema, const char *title)
{
    g_autoptr(GString) instructions = g_string_new(schema->description);
    for (guint i = 0; i < schema->n_fields; i++)
        if (is_bytes(&schema->fields[i]))
            g_string_append_printf(instructions, "%sField '%s' (bytes) is not in this form: "
                                   "give it with `roomctl publish ROOM %s %s=@FILE`.",
                                   instructions->len ? " " : "", schema->fields[i].name,
                                   schema->type, schema->fields[i].name);
    xmpp_stanza_t *form = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(form, "x");
    xmpp_stanza_set_ns(form, RC_NS_DATA);
    xmpp_stanza_set_type(form, "form");
    add_text(form, "title", title);
    if (instructions->len)
        add_text(form, "instructions", instructions->str);
    xmpp_stanza_t *hidden = rc_stanza_add_child(form, "field", NULL);
    xmpp_stanza_set_attribute(hidden, "var", "FORM_TYPE");
    xmpp_stanza_set_attribute(hidden, "type", "hidden");
    g_autofree char *form_name = g_strdup_printf("urn:roomctl:0#%s", schema->type);
    add_text(hidden, "value", form_name);
    for (guint i = 0; i < schema->n_fields; i++)
        if (!is_bytes(&schema->fields[i]))
            add_field(form, &schema->fields[i]);
    return form;
}

static gboolean is_true(const char *v) { return !strcmp(v, "1") || !strcmp(v, "true"); }

roomctl_item *rc_schema_form_item(const roomctl_registry *registry,
                                  const roomctl_schema *schema, xmpp_stanza_t *x,
                                  GError **error)
{
    if (!x || g_strcmp0(xmpp_stanza_get_ns(x), RC_NS_DATA) ||
        g_strcmp0(xmpp_stanza_get_type(x), "submit")) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_INVALID_ITEM,
                    "%s: expected a submitted form (jabber:x:data type submit)", schema->type);
        return NULL;
    }
    roomctl_item_builder *builder = roomctl_item_builder_new(registry, schema->type,
                                                             schema->version, error);
    if (!builder)
        return NULL;
    for (xmpp_stanza_t *field = xmpp_stanza_get_children(x); field;
         field = xmpp_stanza_get_next(field)) {
        const char *var = xmpp_stanza_get_attribute(field, "var");
        const rc_field *f = var ? g_hash_table_lookup(schema->by_name, var) : NULL;
        if (g_strcmp0(xmpp_stanza_get_name(field), "field") || !f)
            continue; /* FORM_TYPE, fields of other forms */
        for (xmpp_stanza_t *v = xmpp_stanza_get_children(field); v; v = xmpp_stanza_get_next(v)) {
            if (g_strcmp0(xmpp_stanza_get_name(v), "value"))
                continue;
            g_autofree char *text = rc_stanza_text(v);
            if (!text || !*text)
                continue; /* an empty box: not given */
            const char *value = text;
            if (f->type == ROOMCTL_FIELD_BOOL)
                value = is_true(text) ? "true"
                      : (!strcmp(text, "0") || !strcmp(text, "false")) ? "false" : text;
            if (!roomctl_item_builder_set(builder, var, value, error)) {
                roomctl_item_builder_free(builder);
                return NULL;
            }
        }
    }
    return roomctl_item_builder_finish(builder, error);
}

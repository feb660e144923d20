/* The wire codec: <control xmlns='urn:roomctl:0' type= version=> with one
 * child element per field value (docs/wire-format.md).  Decoding reads the
 * stanza in place: texts are borrowed until the item copies them in one
 * block. */
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "error_data.h"
#include "item_private.h"

static gboolean invalid(GError **error, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static gboolean invalid(GError **error, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (error)
        *error = g_error_new_valist(ROOMCTL_ERROR, code, fmt, ap);
    va_end(ap);
    return FALSE;
}

static gboolean is_blank(const char *text)
{
    for (; text && *text; text++)
        if (!g_ascii_isspace(*text))
            return FALSE;
    return TRUE;
}

static const roomctl_schema *find_schema(const roomctl_registry *registry,
                                         xmpp_stanza_t *control, GError **error)
{
    const char *name = xmpp_stanza_get_name(control);
    const char *ns = xmpp_stanza_get_ns(control);
    if (!name || strcmp(name, "control") || !ns || strcmp(ns, ROOMCTL_NS)) {
        invalid(error, ROOMCTL_ERR_INVALID_ITEM,
                "expected <control xmlns='" ROOMCTL_NS "'>, got <%s xmlns='%s'>",
                name ? name : "?", ns ? ns : "");
        return NULL;
    }
    const char *type = xmpp_stanza_get_attribute(control, "type");
    const char *version_text = xmpp_stanza_get_attribute(control, "version");
    gint64 version = 0;
    if (!type) {
        invalid(error, ROOMCTL_ERR_INVALID_ITEM, "<control> has no 'type' attribute");
        return NULL;
    }
    if (!version_text) {
        invalid(error, ROOMCTL_ERR_INVALID_ITEM, "%s: <control> has no 'version' attribute", type);
        return NULL;
    }
    if (!rc_parse_int(version_text, &version) || version < 1 || version > G_MAXINT) {
        invalid(error, ROOMCTL_ERR_INVALID_ITEM, "%s: bad version '%s'", type, version_text);
        return NULL;
    }
    const roomctl_schema *schema = roomctl_registry_lookup(registry, type, version);
    if (schema)
        return schema;
    const roomctl_schema *latest = roomctl_registry_lookup(registry, type, 0);
    if (latest)
        invalid(error, ROOMCTL_ERR_UNKNOWN_TYPE, "%s: unknown version %d (known up to %d)",
                type, (int)version, roomctl_schema_version(latest));
    else
        invalid(error, ROOMCTL_ERR_UNKNOWN_TYPE, "unknown control type '%s'", type);
    return NULL;
}

/* The text of a field element: borrowed when it is one text node (the usual
 * case), else joined into a string the draft keeps. */
static const char *field_text(rc_draft *draft, const rc_field *field, xmpp_stanza_t *element,
                              GError **error)
{
    xmpp_stanza_t *first = xmpp_stanza_get_children(element);
    if (!first)
        return "";
    if (xmpp_stanza_is_text(first) && !xmpp_stanza_get_next(first))
        return xmpp_stanza_get_text_ptr(first);
    GString *joined = g_string_new(NULL);
    for (xmpp_stanza_t *c = first; c; c = xmpp_stanza_get_next(c)) {
        if (!xmpp_stanza_is_text(c)) {
            rc_set_field_error(error, ROOMCTL_ERR_INVALID_ITEM, field->name,
                               "%s: field '%s': expected text, got <%s>", draft->schema->type,
                               field->name, xmpp_stanza_get_name(c));
            g_string_free(joined, TRUE);
            return NULL;
        }
        g_string_append(joined, xmpp_stanza_get_text_ptr(c));
    }
    return rc_draft_keep(draft, g_string_free(joined, FALSE));
}

roomctl_item *rc_item_decode_stanza(const roomctl_registry *registry, xmpp_stanza_t *control,
                                    const char *item_id, GError **error)
{
    g_return_val_if_fail(registry && control, NULL);
    const roomctl_schema *schema = find_schema(registry, control, error);
    if (!schema)
        return NULL;

    roomctl_value storage[RC_MAX_FIELDS];
    rc_draft draft;
    rc_draft_init(&draft, schema, storage);
    /* Encoders write fields in schema order: try the next one before hashing. */
    guint next = 0;
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(control); c; c = xmpp_stanza_get_next(c)) {
        if (!xmpp_stanza_is_tag(c)) {
            if (is_blank(xmpp_stanza_get_text_ptr(c)))
                continue;
            invalid(error, ROOMCTL_ERR_INVALID_ITEM, "%s: unexpected text in <control>",
                    schema->type);
            goto fail;
        }
        const char *name = xmpp_stanza_get_name(c);
        const char *ns = xmpp_stanza_get_ns(c);
        const rc_field *field = NULL;
        if (!ns || !strcmp(ns, ROOMCTL_NS)) {
            if (next < schema->n_fields && !strcmp(schema->fields[next].name, name))
                field = &schema->fields[next];
            else
                field = rc_schema_field(schema, name);
        }
        if (!field) {
            if (schema->ignore_unknown)
                continue;
            rc_set_field_error(error, ROOMCTL_ERR_INVALID_ITEM, name, "%s: unknown field '%s'",
                               schema->type, name);
            goto fail;
        }
        next = field->index + (field->type != ROOMCTL_FIELD_LIST);
        const char *text = field_text(&draft, field, c, error);
        if (!text || !rc_draft_set(&draft, field, text, error))
            goto fail;
    }
    return rc_draft_finish(&draft, item_id, error);
fail:
    rc_draft_clear(&draft);
    return NULL;
}

static void add_field(xmpp_stanza_t *control, xmpp_ctx_t *ctx, const char *name,
                      const char *text)
{
    xmpp_stanza_t *element = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(element, name);
    if (*text) {
        xmpp_stanza_t *body = xmpp_stanza_new(ctx);
        xmpp_stanza_set_text(body, text);
        xmpp_stanza_add_child_ex(element, body, 0);
    }
    xmpp_stanza_add_child_ex(control, element, 0);
}

xmpp_stanza_t *rc_item_encode_stanza(const roomctl_item *item, xmpp_ctx_t *ctx)
{
    const roomctl_schema *schema = item->schema;
    char version[16];
    snprintf(version, sizeof version, "%d", schema->version);
    xmpp_stanza_t *control = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(control, "control");
    xmpp_stanza_set_ns(control, ROOMCTL_NS);
    xmpp_stanza_set_attribute(control, "type", schema->type);
    xmpp_stanza_set_attribute(control, "version", version);
    for (guint i = 0; i < item->n_values; i++) {
        const roomctl_value *v = &item->values[i];
        if (!(v->flags & RC_VALUE_SET) || (v->flags & RC_VALUE_DEFAULT))
            continue;
        const char *name = schema->fields[i].name;
        if (v->type == ROOMCTL_FIELD_LIST) {
            for (gsize e = 0; e < v->u.list->length; e++)
                add_field(control, ctx, name, v->u.list->items[e].text);
        } else {
            add_field(control, ctx, name, v->text);
        }
    }
    return control;
}

/* ---- XML text (roomctl/item.h), through a private libstrophe context ---- */

static gpointer make_context(gpointer unused)
{
    xmpp_initialize();
    return xmpp_ctx_new(NULL, NULL);
}

static xmpp_ctx_t *text_context(void)
{
    static GOnce once = G_ONCE_INIT;
    return g_once(&once, make_context, NULL);
}

roomctl_item *roomctl_item_decode_xml(const roomctl_registry *registry, const char *xml,
                                      const char *item_id, GError **error)
{
    g_return_val_if_fail(registry && xml, NULL);
    xmpp_stanza_t *control = xmpp_stanza_new_from_string(text_context(), xml);
    if (!control) {
        invalid(error, ROOMCTL_ERR_INVALID_ITEM, "not well-formed XML");
        return NULL;
    }
    roomctl_item *item = rc_item_decode_stanza(registry, control, item_id, error);
    xmpp_stanza_release(control);
    return item;
}

char *roomctl_item_encode_xml(const roomctl_item *item)
{
    xmpp_ctx_t *ctx = text_context();
    xmpp_stanza_t *control = rc_item_encode_stanza(item, ctx);
    char *buf = NULL;
    size_t len = 0;
    char *xml = NULL;
    if (xmpp_stanza_to_text(control, &buf, &len) == XMPP_EOK) {
        xml = g_strndup(buf, len);
        xmpp_free(ctx, buf);
    }
    xmpp_stanza_release(control);
    return xml;
}

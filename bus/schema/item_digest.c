/* The journal's content digest: SHA-256 over a canonical form of the item
 * (form version, type, schema version, every field in schema order), so that
 * a change in how items are encoded on the wire never changes a digest. */
#include "item_digest.h"

#include <string.h>

/* Strings and bytes: length, ':', the bytes, so that no content can look
 * like the next field. */
static void add_counted(GString *out, char tag, const void *data, gsize len)
{
    g_string_append_printf(out, "%c%" G_GSIZE_FORMAT ":", tag, len);
    g_string_append_len(out, data, (gssize)len);
}

static void add_value(GString *out, const roomctl_value *value)
{
    if (!value) {
        g_string_append_c(out, '-');
        return;
    }
    switch (roomctl_value_type(value)) {
    case ROOMCTL_FIELD_INT:
        g_string_append_printf(out, "i%" G_GINT64_FORMAT, (gint64)roomctl_value_int(value));
        break;
    case ROOMCTL_FIELD_NUMBER: {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        g_string_append_c(out, 'n');
        g_string_append(out, g_ascii_dtostr(buf, sizeof buf, roomctl_value_number(value)));
        break;
    }
    case ROOMCTL_FIELD_BOOL:
        g_string_append(out, roomctl_value_bool(value) ? "b1" : "b0");
        break;
    case ROOMCTL_FIELD_TIMESTAMP:
        g_string_append_printf(out, "t%" G_GINT64_FORMAT,
                               (gint64)roomctl_value_timestamp(value));
        break;
    case ROOMCTL_FIELD_BYTES: {
        size_t len = 0;
        const uint8_t *data = roomctl_value_bytes(value, &len);
        add_counted(out, 'x', data, len);
        break;
    }
    case ROOMCTL_FIELD_LIST: {
        size_t n = roomctl_value_list_length(value);
        g_string_append_printf(out, "l%" G_GSIZE_FORMAT "[", (gsize)n);
        for (size_t i = 0; i < n; i++)
            add_value(out, roomctl_value_list_at(value, i));
        g_string_append_c(out, ']');
        break;
    }
    default: { /* string, url, jid: their text */
        const char *text = roomctl_value_text(value);
        add_counted(out, 's', text ? text : "", text ? strlen(text) : 0);
        break;
    }
    }
}

void rc_item_canonical(GString *out, const roomctl_item *item)
{
    g_string_append_printf(out, "roomctl-item-digest %d\ntype %s\nversion %d\n",
                           RC_ITEM_DIGEST_FORM, roomctl_item_type(item),
                           roomctl_item_schema_version(item));
    for (size_t i = 0; i < roomctl_item_field_count(item); i++) {
        g_string_append_printf(out, "%s ", roomctl_item_field_name(item, i));
        add_value(out, roomctl_item_field_at(item, i));
        g_string_append_c(out, '\n');
    }
}

char *rc_item_digest(const roomctl_item *item)
{
    GString *form = g_string_new(NULL);
    rc_item_canonical(form, item);
    char *digest = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)form->str,
                                               form->len);
    g_string_free(form, TRUE);
    return digest;
}

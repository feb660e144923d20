/* The one JSON writer of the shipped plugins. */
#include "common.h"

#include <math.h>

void rc_json_string(GString *out, const char *s)
{
    if (!s) {
        g_string_append(out, "null");
        return;
    }
    g_string_append_c(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': g_string_append(out, "\\\""); break;
        case '\\': g_string_append(out, "\\\\"); break;
        case '\n': g_string_append(out, "\\n"); break;
        case '\r': g_string_append(out, "\\r"); break;
        case '\t': g_string_append(out, "\\t"); break;
        case '\b': g_string_append(out, "\\b"); break;
        case '\f': g_string_append(out, "\\f"); break;
        default:
            if (*p < 0x20)
                g_string_append_printf(out, "\\u%04x", *p);
            else
                g_string_append_c(out, (char)*p); /* items are valid UTF-8 */
        }
    }
    g_string_append_c(out, '"');
}

void rc_json_number(GString *out, double d)
{
    if (!isfinite(d)) {
        g_string_append(out, "null"); /* JSON has no NaN or infinity */
        return;
    }
    /* The shortest of 15 or 17 digits that reads back as the same double:
     * 0.2, not g_ascii_dtostr()'s 0.20000000000000001. */
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(buf, sizeof buf, "%.15g", d);
    if (g_ascii_strtod(buf, NULL) != d)
        g_ascii_dtostr(buf, sizeof buf, d);
    g_string_append(out, buf);
}

void rc_json_int(GString *out, gint64 i)
{
    g_string_append_printf(out, "%" G_GINT64_FORMAT, i);
}

void rc_json_value(GString *out, const roomctl_value *value)
{
    if (!value) {
        g_string_append(out, "null");
        return;
    }
    switch (roomctl_value_type(value)) {
    case ROOMCTL_FIELD_INT:
        rc_json_int(out, roomctl_value_int(value));
        break;
    case ROOMCTL_FIELD_NUMBER:
        rc_json_number(out, roomctl_value_number(value));
        break;
    case ROOMCTL_FIELD_BOOL:
        g_string_append(out, roomctl_value_bool(value) ? "true" : "false");
        break;
    case ROOMCTL_FIELD_BYTES: {
        size_t len = 0;
        const uint8_t *data = roomctl_value_bytes(value, &len);
        char *hash = rc_sha256_hex(data, len);
        g_string_append_printf(out, "{\"size\":%zu,\"sha256\":\"%s\"}", len, hash);
        g_free(hash);
        break;
    }
    case ROOMCTL_FIELD_LIST:
        g_string_append_c(out, '[');
        for (size_t i = 0; i < roomctl_value_list_length(value); i++) {
            if (i)
                g_string_append_c(out, ',');
            rc_json_value(out, roomctl_value_list_at(value, i));
        }
        g_string_append_c(out, ']');
        break;
    default: /* string, url, jid, timestamp: their text */
        rc_json_string(out, roomctl_value_string(value));
    }
}

void rc_json_fields(GString *out, const roomctl_item *item)
{
    g_string_append_c(out, '{');
    gboolean first = TRUE;
    for (size_t i = 0; i < roomctl_item_field_count(item); i++) {
        const roomctl_value *value = roomctl_item_field_at(item, i);
        if (!value)
            continue;
        if (!first)
            g_string_append_c(out, ',');
        first = FALSE;
        rc_json_string(out, roomctl_item_field_name(item, i));
        g_string_append_c(out, ':');
        rc_json_value(out, value);
    }
    g_string_append_c(out, '}');
}

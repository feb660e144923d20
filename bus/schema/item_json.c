/* Items and values as JSON, for `roomctl state`/`watch` and the plugins
 * that write state files. */
#include "item_json.h"
#include "../base/files.h"
#include "../base/json.h"

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

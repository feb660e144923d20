/* Item ids: "TYPE:KEY1[:KEY2…]", the one place that writes and reads them
 * (compiled into the library and, hidden, into the plugins' helpers). */
#include "item_id.h"

#include <string.h>

void rc_item_id_add_key(GString *id, const roomctl_value *key)
{
    g_string_append_c(id, ':');
    if (roomctl_value_type(key) == ROOMCTL_FIELD_INT) {
        g_string_append_printf(id, "%" G_GINT64_FORMAT, (gint64)roomctl_value_int(key));
        return;
    }
    for (const char *p = roomctl_value_text(key); *p; p++) {
        if (*p == '%' || *p == ':' || (guchar)*p < 0x20)
            g_string_append_printf(id, "%%%02X", (guchar)*p);
        else
            g_string_append_c(id, *p);
    }
}

char *rc_item_id_type(const char *item_id)
{
    return g_strndup(item_id, strcspn(item_id, ":"));
}

const char *rc_item_id_key(const char *type, const char *item_id)
{
    gsize n = strlen(type);
    if (strncmp(item_id, type, n) == 0 && item_id[n] == ':')
        return item_id + n + 1;
    return item_id;
}

/* Item ids: "TYPE:KEY1[:KEY2…]", the one place that writes and reads them
 * (compiled into the library and, hidden, into the plugins' helpers). */
#include "item_id.h"

#include <string.h>

void rc_item_id_add_key(GString *id, roomctl_field_type type, gint64 i, const char *text)
{
    g_string_append_c(id, ':');
    if (type == ROOMCTL_FIELD_INT) {
        g_string_append_printf(id, "%" G_GINT64_FORMAT, i);
        return;
    }
    for (const char *p = text; *p; p++) {
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

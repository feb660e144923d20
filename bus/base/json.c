/* The one JSON writer of the library, the commands and the shipped plugins:
 * strings and numbers (items as JSON: bus/schema/item_json.c). */
#include "json.h"

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

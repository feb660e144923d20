/* How the bus commands of `roomctl` show items and rooms: text or JSON lines. */
#include "cli_print.h"
#include "item_json.h"
#include "json.h"

#include <string.h>

static const char *const affiliation_names[] = {
    [ROOMCTL_AFFILIATION_NONE] = "none",
    [ROOMCTL_AFFILIATION_MEMBER] = "member",
    [ROOMCTL_AFFILIATION_MODERATOR] = "moderator",
    [ROOMCTL_AFFILIATION_OWNER] = "owner",
};

const char *rc_cli_affiliation_name(roomctl_affiliation affiliation)
{
    return affiliation <= ROOMCTL_AFFILIATION_OWNER ? affiliation_names[affiliation] : "none";
}

/* Text from a publisher as a terminal may show it: line feed, tab,
 * backslash, and, when @quoted, '"' escaped as in C; other control
 * characters (C0, DEL, C1) as \xNN or \u00NN.  So a value cannot fake lines
 * of the output nor reach the terminal as an escape sequence.  Other UTF-8
 * is kept as it is. */
static void append_escaped(GString *out, const char *text, gboolean quoted)
{
    if (quoted)
        g_string_append_c(out, '"');
    for (const guchar *p = (const guchar *)text; *p;) {
        if (*p == '\n' || *p == '\t' || *p == '\\' || (quoted && *p == '"')) {
            g_string_append_c(out, '\\');
            g_string_append_c(out, *p == '\n' ? 'n' : *p == '\t' ? 't' : (char)*p);
            p++;
        } else if (*p < 0x20 || *p == 0x7F) {
            g_string_append_printf(out, "\\x%02X", *p++);
        } else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
            g_string_append_printf(out, "\\u00%02X", p[1]);
            p += 2;
        } else {
            g_string_append_c(out, (char)*p++);
        }
    }
    if (quoted)
        g_string_append_c(out, '"');
}

static void append_text_value(GString *out, const roomctl_value *value)
{
    switch (roomctl_value_type(value)) {
    case ROOMCTL_FIELD_LIST:
        g_string_append_c(out, '[');
        for (size_t i = 0; i < roomctl_value_list_length(value); i++) {
            if (i)
                g_string_append(out, ", ");
            append_text_value(out, roomctl_value_list_at(value, i));
        }
        g_string_append_c(out, ']');
        break;
    case ROOMCTL_FIELD_BYTES: {
        size_t len = 0;
        roomctl_value_bytes(value, &len);
        g_string_append_printf(out, "(%zu bytes)", len);
        break;
    }
    case ROOMCTL_FIELD_STRING:
        append_escaped(out, roomctl_value_text(value), TRUE);
        break;
    default: /* validated: no spaces or control characters */
        append_escaped(out, roomctl_value_text(value), FALSE);
    }
}

static void append_json_item(GString *out, const roomctl_item *item)
{
    const char *publisher = roomctl_item_publisher(item);
    const char *room = roomctl_item_room(item);
    g_string_append(out, "{\"id\": ");
    rc_json_string(out, roomctl_item_id(item));
    g_string_append(out, ", \"type\": ");
    rc_json_string(out, roomctl_item_type(item));
    g_string_append_printf(out, ", \"version\": %d, \"publisher\": ",
                           roomctl_item_schema_version(item));
    rc_json_string(out, publisher);
    g_string_append(out, ", \"room\": ");
    rc_json_string(out, room);
    g_string_append_printf(out, ", \"replay\": %s, \"fields\": ",
                           roomctl_item_is_replay(item) ? "true" : "false");
    rc_json_fields(out, item);
    g_string_append_c(out, '}');
}

void rc_cli_print_item(FILE *out, const roomctl_item *item, gboolean json)
{
    GString *text = g_string_new(NULL);
    if (json) {
        append_json_item(text, item);
        g_string_append_c(text, '\n');
    } else {
        /* An event's id is the publisher's choice: escaped like a value. */
        const char *publisher = roomctl_item_publisher(item);
        append_escaped(text, roomctl_item_id(item), FALSE);
        g_string_append_printf(text, "  (%s v%d%s", roomctl_item_type(item),
                               roomctl_item_schema_version(item), publisher ? ", from " : "");
        append_escaped(text, publisher ? publisher : "", FALSE);
        g_string_append(text, ")\n");
        for (size_t i = 0; i < roomctl_item_field_count(item); i++) {
            const roomctl_value *value = roomctl_item_field_at(item, i);
            if (!value)
                continue;
            g_string_append_printf(text, "    %s = ", roomctl_item_field_name(item, i));
            append_text_value(text, value);
            g_string_append_c(text, '\n');
        }
    }
    fputs(text->str, out);
    g_string_free(text, TRUE);
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void rc_cli_print_room_info(FILE *out, const roomctl_room_info *info, gboolean json)
{
    GPtrArray *jids = g_ptr_array_new();
    GHashTableIter iter;
    gpointer jid;
    g_hash_table_iter_init(&iter, info->affiliations);
    while (g_hash_table_iter_next(&iter, &jid, NULL))
        g_ptr_array_add(jids, jid);
    g_ptr_array_sort(jids, compare_strings);
    GString *text = g_string_new(NULL);
    if (json) {
        g_string_append(text, "{\"room\": ");
        rc_json_string(text, info->room);
        g_string_append(text, ", \"node\": ");
        rc_json_string(text, info->node);
        g_string_append(text, ", \"config\": {");
        for (guint i = 0; info->config && i < info->config->len; i++) {
            const char *entry = info->config->pdata[i];
            const char *eq = strchr(entry, '=');
            char *var = g_strndup(entry, eq ? (gsize)(eq - entry) : strlen(entry));
            g_string_append(text, i ? ", " : "");
            rc_json_string(text, var);
            g_string_append(text, ": ");
            rc_json_string(text, eq ? eq + 1 : "");
            g_free(var);
        }
        g_string_append(text, "}, \"affiliations\": {");
        for (guint i = 0; i < jids->len; i++) {
            g_string_append(text, i ? ", " : "");
            rc_json_string(text, jids->pdata[i]);
            g_string_append(text, ": ");
            rc_json_string(text, rc_cli_affiliation_name(GPOINTER_TO_INT(
                g_hash_table_lookup(info->affiliations, jids->pdata[i]))));
        }
        g_string_append_printf(text, "}, \"items\": %u}\n", info->item_count);
    } else {
        g_string_append_printf(text, "room %s\nnode %s\nconfiguration:\n", info->room,
                               info->node);
        for (guint i = 0; info->config && i < info->config->len; i++)
            g_string_append_printf(text, "    %s\n", (const char *)info->config->pdata[i]);
        g_string_append(text, "affiliations:\n");
        for (guint i = 0; i < jids->len; i++)
            g_string_append_printf(text, "    %s %s\n", (const char *)jids->pdata[i],
                                   rc_cli_affiliation_name(GPOINTER_TO_INT(
                                       g_hash_table_lookup(info->affiliations,
                                                           jids->pdata[i]))));
        g_string_append_printf(text, "items: %u\n", info->item_count);
    }
    fputs(text->str, out);
    g_string_free(text, TRUE);
    g_ptr_array_unref(jids);
}

void rc_cli_print_result(gboolean json, const char *action, const char *room,
                         const char *item_id, GPtrArray *items, gboolean dry_run,
                         const char *text)
{
    if (!json) {
        printf("%s\n", text);
        return;
    }
    GString *out = g_string_new("{\"room\": ");
    rc_json_string(out, room);
    g_string_append_printf(out, ", \"%s\": %s", action, dry_run ? "false" : "true");
    if (item_id) {
        g_string_append(out, ", \"item_id\": ");
        rc_json_string(out, item_id);
    }
    if (items) {
        g_string_append(out, ", \"items\": [");
        for (guint i = 0; i < items->len; i++) {
            if (i)
                g_string_append(out, ", ");
            rc_json_string(out, roomctl_item_id(g_ptr_array_index(items, i)));
        }
        g_string_append_c(out, ']');
    }
    g_string_append_printf(out, ", \"dry_run\": %s}\n", dry_run ? "true" : "false");
    fputs(out->str, stdout);
    g_string_free(out, TRUE);
}

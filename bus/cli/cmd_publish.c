/* roomctl publish|retract|purge: the moderator's commands that change a
 * room's items. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd_bus.h"
#include "cli_conn.h"
#include "../../plugins/common/common.h"

/* One result line: plain for people, or with --json one object for scripts,
 * {"room": R, "ACTION": true, "item_id": ID, "items": [IDS…], "dry_run": B}. */
static void print_result(gboolean json, const char *action, const char *room,
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

int rc_cmd_publish(int argc, char **argv)
{
    rc_cli_conn conn = { 0 };
    char *file = NULL;
    gboolean dry_run = FALSE, json = FALSE;
    const GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the result as JSON", NULL },
        { "file", 'f', 0, G_OPTION_ARG_FILENAME, &file,
          "Read the item from a YAML file (type, version and the fields) instead of "
          "TYPE field=value…", "ITEM.yaml" },
        { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
          "Validate and print the item's XML; send nothing", NULL },
        { NULL }
    };
    GOptionContext *context = rc_cli_context("publish", "ROOM TYPE field=value… | ROOM --file ITEM.yaml",
        "Validate an item against its schema and publish it to ROOM.  A list field\n"
        "takes one field=value per element; a bytes field takes base64.\n"
        "Example: roomctl publish lobby@conference.example.org ui.button "
        "button=send enabled=false", entries, &conn);
    int status = rc_cli_parse_room(context, &argc, &argv, 1, -1);
    if (status < 0 && !file && argc < 3)
        status = rc_cli_usage_error("publish", "missing TYPE (or --file ITEM.yaml)");
    if (status < 0 && file && argc > 2)
        status = rc_cli_usage_error("publish", "give TYPE field=value… or --file, not both");
    GError *error = NULL;
    roomctl_item *item = NULL;
    if (status < 0 && rc_cli_conn_load_schemas(&conn, &error)) {
        item = file ? roomctl_item_load_yaml(conn.registry, file, &error)
                    : roomctl_item_new_from_assignments(conn.registry, argv[2],
                                                        (const char *const *)argv + 3, &error);
    }
    if (status < 0 && item && dry_run && !json) {
        char *node = roomctl_room_node_name(argv[1]);
        char *xml = roomctl_item_encode_xml(item);
        printf("<!-- node %s, item id %s -->\n%s\n", node, roomctl_item_id(item), xml);
        g_free(xml);
        g_free(node);
        status = RC_EXIT_OK;
    } else if (status < 0 && item &&
               (dry_run || (rc_cli_conn_connect(&conn, &error) &&
                            roomctl_bus_publish_sync(conn.bus, argv[1], item, &error)))) {
        g_autofree char *text = g_strdup_printf("published %s to %s", roomctl_item_id(item),
                                                argv[1]);
        print_result(json, "published", argv[1], roomctl_item_id(item), NULL, dry_run, text);
        status = RC_EXIT_OK;
    } else if (status < 0) {
        status = rc_cli_fail("publish", error);
    }
    if (item)
        roomctl_item_unref(item);
    g_free(file);
    rc_cli_conn_clear(&conn);
    return status;
}

/* The items of @room, for a dry run: what a retraction or purge would
 * remove.  NULL with @error. */
static GPtrArray *current_items(rc_cli_conn *conn, const char *room, GError **error)
{
    guint dropped = 0;
    return rc_cli_conn_connect(conn, error)
        ? roomctl_bus_fetch_items_sync(conn->bus, room, &dropped, error) : NULL;
}

static gboolean has_item(GPtrArray *items, const char *id)
{
    for (guint i = 0; i < items->len; i++)
        if (!strcmp(roomctl_item_id(g_ptr_array_index(items, i)), id))
            return TRUE;
    return FALSE;
}

int rc_cmd_retract(int argc, char **argv)
{
    /* Only a dry run reads the items, and needs the schemas to decode them. */
    rc_cli_conn conn = { 0 };
    gboolean dry_run = FALSE, json = FALSE;
    const GOptionEntry entries[] = {
        { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
          "Check that the item is there and say what would happen; send nothing", NULL },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the result as JSON", NULL },
        { NULL }
    };
    GOptionContext *context = rc_cli_context("retract", "ROOM ITEM_ID",
        "Remove one item from ROOM; clients reset that state key (e.g. ui.button:send).",
        entries, &conn);
    int status = rc_cli_parse_room(context, &argc, &argv, 2, 2);
    conn.no_schemas = !dry_run;
    GError *error = NULL;
    g_autoptr(GPtrArray) items = NULL;
    if (status < 0 && dry_run && (items = current_items(&conn, argv[1], &error)) &&
        !has_item(items, argv[2]))
        error = g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND, "room %s has no item '%s'",
                            argv[1], argv[2]);
    if (status < 0 && !error &&
        (dry_run || (rc_cli_conn_connect(&conn, &error) &&
                     roomctl_bus_retract_sync(conn.bus, argv[1], argv[2], &error)))) {
        g_autofree char *text = g_strdup_printf("%s %s from %s",
                                                dry_run ? "would retract" : "retracted",
                                                argv[2], argv[1]);
        print_result(json, "retracted", argv[1], argv[2], NULL, dry_run, text);
        status = RC_EXIT_OK;
    } else if (status < 0) {
        status = rc_cli_fail("retract", error);
    }
    rc_cli_conn_clear(&conn);
    return status;
}

/* A purge resets every client of the room: on a terminal, ask first. */
static gboolean confirm_purge(const char *room, int *status)
{
    if (!isatty(STDIN_FILENO)) {
        *status = rc_cli_usage_error("purge", "purging %s resets every client of the room: "
                                     "give --yes to do it (or --dry-run to see what it removes)",
                                     room);
        return FALSE;
    }
    fprintf(stderr, "Remove every item of %s?  Every client of the room resets all its "
                    "state. [y/N] ", room);
    char answer[16] = "";
    if (!fgets(answer, sizeof answer, stdin) || (answer[0] != 'y' && answer[0] != 'Y')) {
        fprintf(stderr, "roomctl purge: nothing removed\n");
        *status = RC_EXIT_FAILURE;
        return FALSE;
    }
    return TRUE;
}

int rc_cmd_purge(int argc, char **argv)
{
    rc_cli_conn conn = { 0 };
    gboolean dry_run = FALSE, json = FALSE, yes = FALSE;
    const GOptionEntry entries[] = {
        { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes,
          "Do not ask (needed when standard input is not a terminal)", NULL },
        { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
          "List the items a purge would remove; send nothing", NULL },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the result as JSON", NULL },
        { NULL }
    };
    GOptionContext *context = rc_cli_context("purge", "ROOM",
        "Remove every item from ROOM; clients reset all their state.  Asks first on a\n"
        "terminal; elsewhere it needs --yes.", entries, &conn);
    int status = rc_cli_parse_room(context, &argc, &argv, 1, 1);
    conn.no_schemas = !dry_run;
    GError *error = NULL;
    g_autoptr(GPtrArray) items = NULL;
    if (status < 0 && dry_run) {
        if ((items = current_items(&conn, argv[1], &error))) {
            g_autofree char *text = g_strdup_printf("would purge %u items from %s", items->len,
                                                    argv[1]);
            print_result(json, "purged", argv[1], NULL, items, TRUE, text);
            for (guint i = 0; !json && i < items->len; i++)
                printf("  %s\n", roomctl_item_id(g_ptr_array_index(items, i)));
            status = RC_EXIT_OK;
        } else {
            status = rc_cli_fail("purge", error);
        }
    } else if (status < 0 && (yes || confirm_purge(argv[1], &status))) {
        if (rc_cli_conn_connect(&conn, &error) &&
            roomctl_bus_purge_sync(conn.bus, argv[1], &error)) {
            g_autofree char *text = g_strdup_printf("purged %s", argv[1]);
            print_result(json, "purged", argv[1], NULL, NULL, FALSE, text);
            status = RC_EXIT_OK;
        } else {
            status = rc_cli_fail("purge", error);
        }
    }
    rc_cli_conn_clear(&conn);
    return status;
}

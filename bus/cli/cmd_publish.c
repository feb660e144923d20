/* roomctl publish|retract|purge: the moderator's commands that change a
 * room's items. */
#include <stdio.h>

#include "cmd_bus.h"
#include "cli_conn.h"
#include "cli_gate.h"

int rc_cmd_publish(int argc, char **argv)
{
    rc_cli_conn conn = { 0 };
    char *file = NULL;
    gboolean dry_run = FALSE;
    g_autofree char *gate_id = NULL;
    const GOptionEntry entries[] = {
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
    int status = rc_cli_parse(context, &argc, &argv, 1, -1);
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
    if (status < 0 && item && dry_run) {
        char *node = roomctl_room_node_name(argv[1]);
        char *xml = roomctl_item_encode_xml(item);
        printf("<!-- node %s, item id %s -->\n%s\n", node, roomctl_item_id(item), xml);
        g_free(xml);
        g_free(node);
        status = RC_EXIT_OK;
    } else if (status < 0 && item && rc_cli_conn_gate(&conn) &&
               rc_cli_gate_request(&conn, rc_cli_conn_gate(&conn), RC_GATE_PUBLISH, argv[1],
                                   item, NULL, &gate_id, &error)) {
        /* The gate names the item: an event's id is the gate's. */
        printf("published %s to %s\n", gate_id ? gate_id : roomctl_item_id(item), argv[1]);
        status = RC_EXIT_OK;
    } else if (status < 0 && item && !rc_cli_conn_gate(&conn) &&
               rc_cli_conn_connect(&conn, &error) &&
               roomctl_bus_publish_sync(conn.bus, argv[1], item, &error)) {
        printf("published %s to %s\n", roomctl_item_id(item), argv[1]);
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

int rc_cmd_retract(int argc, char **argv)
{
    rc_cli_conn conn = { 0 };
    GOptionContext *context = rc_cli_context("retract", "ROOM ITEM_ID",
        "Remove one item from ROOM; clients reset that state key (e.g. ui.button:send).",
        NULL, &conn);
    int status = rc_cli_parse(context, &argc, &argv, 2, 2);
    GError *error = NULL;
    if (status < 0) {
        const char *gate = rc_cli_conn_gate(&conn);
        if (gate ? rc_cli_gate_request(&conn, gate, RC_GATE_RETRACT, argv[1], NULL, argv[2],
                                       NULL, &error)
                 : rc_cli_conn_connect(&conn, &error) &&
                   roomctl_bus_retract_sync(conn.bus, argv[1], argv[2], &error)) {
            printf("retracted %s from %s\n", argv[2], argv[1]);
            status = RC_EXIT_OK;
        } else {
            status = rc_cli_fail("retract", error);
        }
    }
    rc_cli_conn_clear(&conn);
    return status;
}

int rc_cmd_purge(int argc, char **argv)
{
    rc_cli_conn conn = { 0 };
    GOptionContext *context = rc_cli_context("purge", "ROOM",
        "Remove every item from ROOM; clients reset all their state.", NULL, &conn);
    int status = rc_cli_parse(context, &argc, &argv, 1, 1);
    GError *error = NULL;
    if (status < 0) {
        const char *gate = rc_cli_conn_gate(&conn);
        if (gate ? rc_cli_gate_request(&conn, gate, RC_GATE_PURGE, argv[1], NULL, NULL, NULL,
                                       &error)
                 : rc_cli_conn_connect(&conn, &error) &&
                   roomctl_bus_purge_sync(conn.bus, argv[1], &error)) {
            printf("purged %s\n", argv[1]);
            status = RC_EXIT_OK;
        } else {
            status = rc_cli_fail("purge", error);
        }
    }
    rc_cli_conn_clear(&conn);
    return status;
}

/* roomctl publish|retract|purge: the moderator's commands that change a
 * room's items. */
#include <stdio.h>

#include "cmd_bus.h"
#include "cli_conn.h"
#include "cli_acks.h"

/* Without a gate nobody knows which versions the room's clients handle:
 * say so when the type has older versions, whose clients drop this item. */
static void warn_older_versions(const roomctl_registry *registry, const roomctl_item *item)
{
    const char *type = roomctl_item_type(item);
    int version = roomctl_item_schema_version(item);
    char *older = roomctl_registry_version_list(registry, type, version);
    if (*older)
        fprintf(stderr, "roomctl publish: warning: sending %s version %d, the highest known; "
                "clients that know only version %s drop it (choose one with --version N, or "
                "publish through a gate, which picks the highest every connected client "
                "handles)\n", type, version, older);
    g_free(older);
}

int rc_cmd_publish(int argc, char **argv)
{
    rc_cli_conn conn = { 0 };
    char *file = NULL;
    gboolean dry_run = FALSE;
    int version = 0;
    rc_cli_acks acks = { 0 };
    const GOptionEntry entries[] = {
        { "file", 'f', 0, G_OPTION_ARG_FILENAME, &file,
          "Read the item from a YAML file (type, version and the fields) instead of "
          "TYPE field=value…", "ITEM.yaml" },
        { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
          "Validate and print the item's XML; send nothing", NULL },
        { "version", 0, 0, G_OPTION_ARG_INT, &version,
          "Publish version N of the type (default: through a gate, the highest every "
          "connected client handles; else the highest known)", "N" },
        RC_CLI_ACKS_ENTRIES(&acks),
        { "require-all", 0, 0, G_OPTION_ARG_NONE, &acks.require_all,
          "Through the gate: refuse when a connected client cannot handle the type or "
          "version", NULL },
        { NULL }
    };
    GOptionContext *context = rc_cli_context_with_data("publish", &acks, "ROOM TYPE field=value… | ROOM --file ITEM.yaml",
        "Validate an item against its schema and publish it to ROOM.  A list field\n"
        "takes one field=value per element; a bytes field takes base64.\n"
        "Example: roomctl publish lobby@conference.example.org ui.button "
        "button=send enabled=false", entries, &conn);
    int status = rc_cli_parse(context, &argc, &argv, 1, -1);
    if (status < 0 && !file && argc < 3)
        status = rc_cli_usage_error("publish", "missing TYPE (or --file ITEM.yaml)");
    if (status < 0 && file && argc > 2)
        status = rc_cli_usage_error("publish", "give TYPE field=value… or --file, not both");
    if (status < 0 && version < 0)
        status = rc_cli_usage_error("publish", "--version must be an integer >= 1");
    if (status < 0 && file && version)
        status = rc_cli_usage_error("publish", "--file gives the version in the file "
                                               "('version: N'), not with --version");
    GError *error = NULL;
    roomctl_item *item = NULL;
    if (status < 0 && rc_cli_conn_load_schemas(&conn, &error)) {
        item = file ? roomctl_item_load_yaml(conn.registry, file, &error)
                    : roomctl_item_new_from_assignments_at(conn.registry, argv[2], version,
                                                           (const char *const *)argv + 3, &error);
    }
    if (status < 0 && item && !file && !version && !rc_cli_conn_gate(&conn))
        warn_older_versions(conn.registry, item);
    if (status < 0 && item && dry_run) {
        char *node = roomctl_item_is_state(item) ? roomctl_room_node_name(argv[1])
                                                 : roomctl_room_events_node_name(argv[1]);
        char *xml = roomctl_item_encode_xml(item);
        printf("<!-- node %s, item id %s -->\n%s\n", node, roomctl_item_id(item), xml);
        g_free(xml);
        g_free(node);
        status = RC_EXIT_OK;
    } else if (status < 0 && item && rc_cli_conn_gate(&conn)) {
        if (!file && !version) /* no version asked for: the highest every client handles */
            acks.assignments = (const char *const *)argv + 3;
        /* The gate names the item (an event's id is the gate's) and, with
         * --wait, tells what the clients did (issue 13). */
        status = rc_cli_acks_run("publish", &conn, rc_cli_conn_gate(&conn), RC_GATE_PUBLISH,
                                 argv[1], item, NULL, &acks);
    } else if (status < 0 && item && (acks.wait_s || acks.require_all)) {
        status = rc_cli_acks_need_gate("publish");
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

/* retract and purge: the same path, with or without the gate. */
static int change(const char *command, rc_gate_op op, int argc, char **argv)
{
    rc_cli_conn conn = { 0 };
    rc_cli_acks acks = { 0 };
    const GOptionEntry entries[] = { RC_CLI_ACKS_ENTRIES(&acks), { NULL } };
    GOptionContext *context = op == RC_GATE_RETRACT
        ? rc_cli_context_with_data(command, &acks, "ROOM ITEM_ID",
              "Remove one item from ROOM; clients reset that state key (e.g. ui.button:send).",
              entries, &conn)
        : rc_cli_context_with_data(command, &acks, "ROOM",
              "Remove every item from ROOM; clients reset all their state.", entries, &conn);
    int want = op == RC_GATE_RETRACT ? 2 : 1;
    int status = rc_cli_parse(context, &argc, &argv, want, want);
    GError *error = NULL;
    const char *item_id = op == RC_GATE_RETRACT && status < 0 ? argv[2] : NULL;
    const char *gate = rc_cli_conn_gate(&conn);
    if (status >= 0) {
        /* the command line was refused */
    } else if (gate) {
        status = rc_cli_acks_run(command, &conn, gate, op, argv[1], NULL, item_id, &acks);
    } else if (acks.wait_s) {
        status = rc_cli_acks_need_gate(command);
    } else if (rc_cli_conn_connect(&conn, &error) &&
               (op == RC_GATE_RETRACT
                    ? roomctl_bus_retract_sync(conn.bus, argv[1], item_id, &error)
                    : roomctl_bus_purge_sync(conn.bus, argv[1], &error))) {
        if (item_id)
            printf("retracted %s from %s\n", item_id, argv[1]);
        else
            printf("purged %s\n", argv[1]);
        status = RC_EXIT_OK;
    } else {
        status = rc_cli_fail(command, error);
    }
    rc_cli_conn_clear(&conn);
    return status;
}

int rc_cmd_retract(int argc, char **argv)
{
    return change("retract", RC_GATE_RETRACT, argc, argv);
}

int rc_cmd_purge(int argc, char **argv)
{
    return change("purge", RC_GATE_PURGE, argc, argv);
}

/* roomctl publish|retract|purge: the moderator's commands that change a
 * room's items, directly or through the room's gate. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd_bus.h"
#include "cli_conn.h"
#include "cli_acks.h"
#include "cli_print.h"

/* Without a gate nobody knows which versions the room's clients handle:
 * say so when the type has older versions, whose clients drop this item. */
static void warn_older_versions(const roomctl_registry *registry, const roomctl_item *item,
                                const char *choose)
{
    const char *type = roomctl_item_type(item);
    int version = roomctl_item_schema_version(item);
    char *older = roomctl_registry_version_list(registry, type, version);
    if (*older)
        fprintf(stderr, "roomctl publish: warning: sending %s version %d, the highest known; "
                "clients that know only version %s drop it (choose one with %s, or publish "
                "through a gate, which picks the highest every connected client handles)\n",
                type, version, older, choose);
    g_free(older);
}

/* Whether the item file @path says `version:` (it was read once already:
 * a second read of a small file is cheaper than a flag through the
 * library).  FALSE for no file. */
static gboolean file_names_version(const char *path)
{
    roomctl_config *root = path ? roomctl_config_load_file(path, NULL) : NULL;
    gboolean named = root && roomctl_config_child(root, "version");
    roomctl_config_free(root);
    return named;
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
    int status = rc_cli_parse_room(context, &argc, &argv, 1, -1);
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
    if (status < 0 && item && !version && !rc_cli_conn_gate(&conn) && !file_names_version(file))
        warn_older_versions(conn.registry, item,
                            file ? "'version: N' in the file" : "--version N");
    if (status < 0 && item && dry_run && !acks.json) {
        char *node = roomctl_item_is_state(item) ? roomctl_room_node_name(argv[1])
                                                 : roomctl_room_events_node_name(argv[1]);
        char *xml = roomctl_item_encode_xml(item);
        printf("<!-- node %s, item id %s -->\n%s\n", node, roomctl_item_id(item), xml);
        g_free(xml);
        g_free(node);
        status = RC_EXIT_OK;
    } else if (status < 0 && item && !dry_run && rc_cli_conn_gate(&conn)) {
        if (!file && !version) /* no version asked for: the highest every client handles */
            acks.assignments = (const char *const *)argv + 3;
        /* The gate names the item (an event's id is the gate's) and, with
         * --wait, tells what the clients did (issue 13). */
        status = rc_cli_acks_run("publish", &conn, rc_cli_conn_gate(&conn), RC_GATE_PUBLISH,
                                 argv[1], item, NULL, &acks);
    } else if (status < 0 && item && !dry_run && (acks.wait_s || acks.require_all)) {
        status = rc_cli_acks_need_gate("publish");
    } else if (status < 0 && item &&
               (dry_run || (rc_cli_conn_connect(&conn, &error) &&
                            roomctl_bus_publish_sync(conn.bus, argv[1], item, &error)))) {
        g_autofree char *text = g_strdup_printf("published %s to %s", roomctl_item_id(item),
                                                argv[1]);
        rc_cli_print_result(acks.json, "published", argv[1], roomctl_item_id(item), NULL,
                            dry_run, text);
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

/* What a retraction (@item_id) or purge would remove; sends nothing. */
static int dry_run_change(const char *command, rc_cli_conn *conn, const char *room,
                          const char *item_id, gboolean json)
{
    GError *error = NULL;
    g_autoptr(GPtrArray) items = current_items(conn, room, &error);
    if (items && item_id && !has_item(items, item_id))
        error = g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND, "room %s has no item '%s'",
                            room, item_id);
    if (error)
        return rc_cli_fail(command, error);
    if (item_id) {
        g_autofree char *text = g_strdup_printf("would retract %s from %s", item_id, room);
        rc_cli_print_result(json, "retracted", room, item_id, NULL, TRUE, text);
    } else {
        g_autofree char *text = g_strdup_printf("would purge %u items from %s", items->len,
                                                room);
        rc_cli_print_result(json, "purged", room, NULL, items, TRUE, text);
        for (guint i = 0; !json && i < items->len; i++)
            printf("  %s\n", roomctl_item_id(g_ptr_array_index(items, i)));
    }
    return RC_EXIT_OK;
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

/* retract and purge: the same path, with or without the gate. */
static int change(const char *command, rc_gate_op op, int argc, char **argv)
{
    rc_cli_conn conn = { 0 };
    rc_cli_acks acks = { 0 };
    gboolean dry_run = FALSE, yes = FALSE;
    const GOptionEntry retract_entries[] = {
        { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
          "Check that the item is there and say what would happen; send nothing", NULL },
        RC_CLI_ACKS_ENTRIES(&acks),
        { NULL }
    };
    const GOptionEntry purge_entries[] = {
        { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes,
          "Do not ask (needed when standard input is not a terminal)", NULL },
        { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
          "List the items a purge would remove; send nothing", NULL },
        RC_CLI_ACKS_ENTRIES(&acks),
        { NULL }
    };
    GOptionContext *context = op == RC_GATE_RETRACT
        ? rc_cli_context_with_data(command, &acks, "ROOM ITEM_ID",
              "Remove one item from ROOM; clients reset that state key (e.g. ui.button:send).",
              retract_entries, &conn)
        : rc_cli_context_with_data(command, &acks, "ROOM",
              "Remove every item from ROOM; clients reset all their state.  Asks first on a\n"
              "terminal; elsewhere it needs --yes.", purge_entries, &conn);
    int want = op == RC_GATE_RETRACT ? 2 : 1;
    int status = rc_cli_parse_room(context, &argc, &argv, want, want);
    /* Only a dry run reads the items, and needs the schemas to decode them. */
    conn.no_schemas = !dry_run;
    GError *error = NULL;
    const char *item_id = op == RC_GATE_RETRACT && status < 0 ? argv[2] : NULL;
    const char *gate = rc_cli_conn_gate(&conn);
    if (status >= 0) {
        /* the command line was refused */
    } else if (dry_run) {
        status = dry_run_change(command, &conn, argv[1], item_id, acks.json);
    } else if (op == RC_GATE_PURGE && !yes && !confirm_purge(argv[1], &status)) {
        /* not confirmed: @status says why */
    } else if (gate) {
        status = rc_cli_acks_run(command, &conn, gate, op, argv[1], NULL, item_id, &acks);
    } else if (acks.wait_s) {
        status = rc_cli_acks_need_gate(command);
    } else if (rc_cli_conn_connect(&conn, &error) &&
               (op == RC_GATE_RETRACT
                    ? roomctl_bus_retract_sync(conn.bus, argv[1], item_id, &error)
                    : roomctl_bus_purge_sync(conn.bus, argv[1], &error))) {
        g_autofree char *text = item_id ? g_strdup_printf("retracted %s from %s", item_id,
                                                          argv[1])
                                        : g_strdup_printf("purged %s", argv[1]);
        rc_cli_print_result(acks.json, item_id ? "retracted" : "purged", argv[1], item_id, NULL,
                            FALSE, text);
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

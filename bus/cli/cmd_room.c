/* roomctl room create|delete|grant|show|sync: the room owner's commands. */
#include <stdio.h>
#include <string.h>

#include "cmd_bus.h"
#include "cli_conn.h"
#include "cli_gate.h"
#include "cli_print.h"
#include "json.h"
#include "muc_admin.h"

/* The chat room beside the node: its owners and admins are the moderators
 * agents learn (room sync, receiver checks).  Creates it when missing (this
 * account its owner), then says who moderates it, or what is missing,
 * without failing the command: the node is made either way. */
static void check_chat_room(rc_cli_conn *conn, const char *room, gboolean json)
{
    static const rc_muc_affiliation wanted[] = { RC_MUC_OWNER, RC_MUC_ADMIN, RC_MUC_NONE };
    GError *error = NULL;
    gboolean created = FALSE;
    g_autoptr(GHashTable) lists = NULL;
    if (rc_cli_room_ensure(conn, room, NULL, &created, &error))
        lists = rc_muc_get_lists_sync(conn->bus, room, wanted, &error);
    if (!lists) {
        fprintf(stderr, "roomctl room create: note: %s.\n%s", error->message,
                "Create the chat room with an XMPP client, as its owner, then run `roomctl "
                "room sync ROOM`;\nuntil then agents need `moderators:` in their "
                "configuration to check publishers.\n");
        g_error_free(error);
        return;
    }
    if (created && !json)
        printf("created the chat room %s (persistent; %s is its owner)\n", room,
               roomctl_bus_jid(conn->bus));
    if (json)
        return;
    GString *line = g_string_new(NULL);
    GHashTableIter iter;
    gpointer jid, affiliation;
    g_hash_table_iter_init(&iter, lists);
    while (g_hash_table_iter_next(&iter, &jid, &affiliation))
        g_string_append_printf(line, " %s (%s)", (char *)jid,
                               rc_muc_affiliation_name(GPOINTER_TO_INT(affiliation)));
    printf("chat room %s: moderators:%s\n", room, line->len ? line->str : " none");
    g_string_free(line, TRUE);
}

/* A control node made before the gate: its owner makes the gate an owner
 * too, so that the gate can take it over on any server (Prosody lets a
 * PubSub admin do so anyway; ejabberd does not).  No node yet: the gate
 * makes it. */
static void hand_node_to_gate(rc_cli_conn *conn, const char *room, const char *gate)
{
    GError *error = NULL;
    if (roomctl_bus_room_grant_sync(conn->bus, room, gate, ROOMCTL_AFFILIATION_OWNER, &error)) {
        printf("%s is now an owner of the room's existing control node, and takes it over\n",
               gate);
        return;
    }
    if (!g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND))
        fprintf(stderr, "roomctl room create: note: the room has a control node that %s "
                "cannot hand to the gate (%s); unless the gate administers the PubSub "
                "service, the node's owner must run `roomctl room create %s --gate %s`.\n",
                roomctl_bus_jid(conn->bus), error->message, room, gate);
    g_error_free(error);
}

static int room_create(int argc, char **argv)
{
    rc_cli_conn conn = { .no_schemas = TRUE };
    char *access_text = NULL;
    gboolean json = FALSE;
    const GOptionEntry entries[] = {
        { "access", 'a', 0, G_OPTION_ARG_STRING, &access_text,
          "Who may subscribe: open (default) or members", "open|members" },
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the configuration as JSON", NULL },
        { NULL }
    };
    GOptionContext *context = rc_cli_context("room create", "ROOM",
        "Create the control node of ROOM (a MUC room's bare JID), or reconfigure it:\n"
        "only moderators publish, items persist, retractions are notified.\n"
        "Safe to run again.  Prints the resulting configuration.\n"
        "With --gate JID (or ROOMCTL_GATE): make the gate an admin of the MUC room\n"
        "(creating the room, persistent, if it does not exist); the gate then creates\n"
        "and owns the node.  Run it as the room's owner.", entries, &conn);
    int status = rc_cli_parse_room(context, &argc, &argv, 1, 1);
    roomctl_access access = ROOMCTL_ACCESS_OPEN;
    if (status < 0 && access_text) {
        if (!strcmp(access_text, "members"))
            access = ROOMCTL_ACCESS_MEMBERS;
        else if (strcmp(access_text, "open"))
            status = rc_cli_usage_error("room create", "unknown --access '%s'; expected open "
                                        "or members", access_text);
    }
    GError *error = NULL;
    const char *gate = status < 0 ? rc_cli_conn_gate(&conn) : NULL;
    if (gate) {
        /* The gate creates and owns the node itself when it starts. */
        if (rc_cli_room_ensure(&conn, argv[1], gate, NULL, &error)) {
            printf("%s is now an admin of %s: it sees the occupants' roles and real JIDs, "
                   "and creates and owns the room's control node\n", gate, argv[1]);
            hand_node_to_gate(&conn, argv[1], gate);
            status = RC_EXIT_OK;
        } else {
            status = rc_cli_fail("room create", error);
        }
    } else if (status < 0) {
        roomctl_room_info *info = NULL;
        if (rc_cli_conn_connect(&conn, &error) &&
            (info = roomctl_bus_room_create_sync(conn.bus, argv[1], access, &error))) {
            rc_cli_print_room_info(stdout, info, json);
            roomctl_room_info_free(info);
            check_chat_room(&conn, argv[1], json);
            status = RC_EXIT_OK;
        } else {
            status = rc_cli_fail("room create", error);
        }
    }
    g_free(access_text);
    rc_cli_conn_clear(&conn);
    return status;
}

static int room_delete(int argc, char **argv)
{
    rc_cli_conn conn = { .no_schemas = TRUE };
    GOptionContext *context = rc_cli_context("room delete", "ROOM",
        "Delete ROOM's control node with all its items, as its owner: every client\n"
        "following the room resets everything.  The chat room itself stays.",
        NULL, &conn);
    int status = rc_cli_parse_room(context, &argc, &argv, 1, 1);
    GError *error = NULL;
    if (status < 0) {
        if (rc_cli_conn_connect(&conn, &error) &&
            roomctl_bus_room_delete_sync(conn.bus, argv[1], &error)) {
            printf("deleted the roomctl node of %s\n", argv[1]);
            status = RC_EXIT_OK;
        } else {
            status = rc_cli_fail("room delete", error);
        }
    }
    rc_cli_conn_clear(&conn);
    return status;
}

static gboolean parse_affiliation(const char *text, roomctl_affiliation *out)
{
    for (int a = ROOMCTL_AFFILIATION_NONE; a <= ROOMCTL_AFFILIATION_OWNER; a++)
        if (!strcmp(text, rc_cli_affiliation_name(a))) {
            *out = a;
            return TRUE;
        }
    return FALSE;
}

static int room_grant(int argc, char **argv)
{
    rc_cli_conn conn = { .no_schemas = TRUE };
    GOptionContext *context = rc_cli_context("room grant", "ROOM JID moderator|member|none",
        "Give JID a role in ROOM's control node: moderator (may publish), member\n"
        "(may subscribe to a members-only room) or none (remove the right).",
        NULL, &conn);
    int status = rc_cli_parse_room(context, &argc, &argv, 3, 3);
    roomctl_affiliation affiliation = ROOMCTL_AFFILIATION_NONE;
    if (status < 0 && (!parse_affiliation(argv[3], &affiliation) ||
                       affiliation == ROOMCTL_AFFILIATION_OWNER))
        status = rc_cli_usage_error("room grant", "unknown role '%s'; expected moderator, "
                                    "member or none", argv[3]);
    GError *error = NULL;
    if (status < 0) {
        if (rc_cli_conn_connect(&conn, &error) &&
            roomctl_bus_room_grant_sync(conn.bus, argv[1], argv[2], affiliation, &error)) {
            printf("%s is now %s of %s\n", argv[2], rc_cli_affiliation_name(affiliation),
                   argv[1]);
            status = RC_EXIT_OK;
        } else {
            status = rc_cli_fail("room grant", error);
        }
    }
    rc_cli_conn_clear(&conn);
    return status;
}

static int room_show(int argc, char **argv)
{
    rc_cli_conn conn = { .no_schemas = TRUE };
    gboolean json = FALSE;
    const GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL }
    };
    GOptionContext *context = rc_cli_context("room show", "ROOM",
        "Print the configuration, affiliations and item count of ROOM's control node.",
        entries, &conn);
    int status = rc_cli_parse_room(context, &argc, &argv, 1, 1);
    GError *error = NULL;
    if (status < 0) {
        roomctl_room_info *info = NULL;
        if (rc_cli_conn_connect(&conn, &error) &&
            (info = roomctl_bus_room_show_sync(conn.bus, argv[1], &error))) {
            rc_cli_print_room_info(stdout, info, json);
            roomctl_room_info_free(info);
            status = RC_EXIT_OK;
        } else {
            status = rc_cli_fail("room show", error);
        }
    }
    rc_cli_conn_clear(&conn);
    return status;
}

/* ---- sync: the node's affiliations follow the MUC room's ---------------------- */

static void print_changes(const char *room, const GPtrArray *changes, gboolean json)
{
    GString *out = g_string_new(NULL);
    if (json) {
        g_string_append(out, "{\"room\": ");
        rc_json_string(out, room);
        g_string_append(out, ", \"changes\": [");
        for (guint i = 0; i < changes->len; i++) {
            const roomctl_affiliation_change *c = g_ptr_array_index(changes, i);
            g_string_append(out, i ? ", {\"jid\": " : "{\"jid\": ");
            rc_json_string(out, c->jid);
            g_string_append(out, ", \"before\": ");
            rc_json_string(out, rc_cli_affiliation_name(c->before));
            g_string_append(out, ", \"after\": ");
            rc_json_string(out, rc_cli_affiliation_name(c->after));
            g_string_append_c(out, '}');
        }
        g_string_append(out, "]}\n");
    } else if (changes->len == 0) {
        g_string_append_printf(out, "%s: nothing to change\n", room);
    } else {
        for (guint i = 0; i < changes->len; i++) {
            const roomctl_affiliation_change *c = g_ptr_array_index(changes, i);
            g_string_append_printf(out, "%s: %s \u2192 %s\n", c->jid,
                                   rc_cli_affiliation_name(c->before),
                                   rc_cli_affiliation_name(c->after));
        }
    }
    fputs(out->str, stdout);
    g_string_free(out, TRUE);
}

static int room_sync(int argc, char **argv)
{
    rc_cli_conn conn = { .no_schemas = TRUE };
    gboolean json = FALSE;
    const GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the changes as JSON", NULL },
        { NULL }
    };
    GOptionContext *context = rc_cli_context("room sync", "ROOM",
        "Make the moderators and members of ROOM's control node those of the chat\n"
        "room: its owners and admins become moderators, its members become members\n"
        "(members-only nodes), everyone else loses access; the node's owners stay.\n"
        "Run by the room's owner (who must also own the node).  Prints each change\n"
        "as \"JID: before \u2192 after\", or \"nothing to change\"; safe to run again\n"
        "(e.g. from cron).", entries, &conn);
    int status = rc_cli_parse_room(context, &argc, &argv, 1, 1);
    GError *error = NULL;
    if (status < 0) {
        GPtrArray *changes = NULL;
        if (rc_cli_conn_connect(&conn, &error) &&
            (changes = roomctl_bus_room_sync_sync(conn.bus, argv[1], &error))) {
            print_changes(argv[1], changes, json);
            g_ptr_array_unref(changes);
            status = RC_EXIT_OK;
        } else {
            status = rc_cli_fail("room sync", error);
        }
    }
    rc_cli_conn_clear(&conn);
    return status;
}

static const struct {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} room_commands[] = {
    { "create", "Create or reconfigure ROOM's control node", room_create },
    { "delete", "Delete ROOM's control node and its items", room_delete },
    { "grant", "Make JID a moderator or member of ROOM, or remove it", room_grant },
    { "show", "Print ROOM's node configuration, affiliations and item count", room_show },
    { "sync", "Make ROOM's moderators and members those of the chat room", room_sync },
};

int rc_cmd_room(int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : NULL;
    for (gsize i = 0; sub && i < G_N_ELEMENTS(room_commands); i++)
        if (!strcmp(sub, room_commands[i].name))
            return room_commands[i].run(argc - 1, argv + 1);
    gboolean help = sub && (!strcmp(sub, "--help") || !strcmp(sub, "-h") ||
                            !strcmp(sub, "help"));
    FILE *out = help ? stdout : stderr;
    if (sub && !help)
        fprintf(out, "roomctl room: unknown subcommand '%s'\n\n", sub);
    fprintf(out, "Usage: roomctl room SUBCOMMAND [OPTION…]\n\nSubcommands:\n");
    for (gsize i = 0; i < G_N_ELEMENTS(room_commands); i++)
        fprintf(out, "  %-8s %s\n", room_commands[i].name, room_commands[i].summary);
    fprintf(out, "\nRun `roomctl room SUBCOMMAND --help` for its options.\n");
    return help ? RC_EXIT_OK : RC_EXIT_USAGE;
}

/* roomctl state|watch: what a room's clients see, now and as it changes. */
#include <stdio.h>
#include <glib-unix.h>

#include "cmd_bus.h"
#include "cli_conn.h"
#include "cli_print.h"
#include "json.h"

int rc_cmd_state(int argc, char **argv)
{
    rc_cli_conn conn = { 0 };
    gboolean json = FALSE;
    const GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object per item", NULL },
        { NULL }
    };
    GOptionContext *context = rc_cli_context("state", "ROOM",
        "Fetch and decode every item of ROOM: the state a joining client applies.",
        entries, &conn);
    int status = rc_cli_parse_room(context, &argc, &argv, 1, 1);
    GError *error = NULL;
    if (status < 0) {
        GPtrArray *items = NULL;
        guint dropped = 0;
        if (rc_cli_conn_connect(&conn, &error) &&
            (items = roomctl_bus_fetch_items_sync(conn.bus, argv[1], &dropped, &error))) {
            for (guint i = 0; i < items->len; i++)
                rc_cli_print_item(stdout, items->pdata[i], json);
            if (!json)
                printf("%u items%s\n", items->len, items->len ? "" : " (no state)");
            if (dropped)
                fprintf(stderr, "roomctl state: %u items on the node are invalid and were "
                                "skipped (see the warnings above)\n", dropped);
            g_ptr_array_unref(items);
            status = RC_EXIT_OK;
        } else {
            status = rc_cli_fail("state", error);
        }
    }
    rc_cli_conn_clear(&conn);
    return status;
}

/* ---- watch ---------------------------------------------------------------- */

typedef struct watch {
    GMainLoop *loop;
    gboolean json;
    gboolean replay;  /* print the state on join too */
    int status;
} watch;

/* One line for the events that are not items: {"event": …, "room": …}. */
static void print_event(watch *w, const roomctl_room *room, const char *event,
                        const char *item_id, const char *detail)
{
    if (!w->json) {
        printf("-- %s%s%s%s%s\n", event, item_id ? " " : "", item_id ? item_id : "",
               detail ? ": " : "", detail ? detail : "");
    } else {
        GString *line = g_string_new("{\"event\": ");
        rc_json_string(line, event);
        g_string_append(line, ", \"room\": ");
        rc_json_string(line, roomctl_room_jid(room));
        if (item_id) {
            g_string_append(line, ", \"id\": ");
            rc_json_string(line, item_id);
        }
        if (detail) {
            g_string_append(line, ", \"detail\": ");
            rc_json_string(line, detail);
        }
        puts(g_string_append(line, "}")->str);
        g_string_free(line, TRUE);
    }
    fflush(stdout);
}

static void on_item(roomctl_room *room, const roomctl_item *item, void *user_data)
{
    watch *w = user_data;
    if (roomctl_item_is_replay(item) && !w->replay)
        return;
    rc_cli_print_item(stdout, item, w->json);
    fflush(stdout);
}

static void on_reset(roomctl_room *room, const char *type, const char *item_id, void *user_data)
{
    print_event(user_data, room, "retracted", item_id, NULL);
}

static void on_purge(roomctl_room *room, void *user_data)
{
    print_event(user_data, room, "purged", NULL, NULL);
}

static void on_deleted(roomctl_room *room, void *user_data)
{
    print_event(user_data, room, "deleted", NULL, NULL);
}

static void on_dropped(roomctl_room *room, const char *item_id, const GError *why,
                       void *user_data)
{
    print_event(user_data, room, "ignored", item_id, why ? why->message : NULL);
}

static void on_synced(roomctl_room *room, const GError *error, void *user_data)
{
    watch *w = user_data;
    if (error) {
        w->status = rc_cli_fail("watch", g_error_copy(error));
        g_main_loop_quit(w->loop);
        return;
    }
    GPtrArray *state = roomctl_room_state(room);
    char *detail = g_strdup_printf("%u state items", state->len);
    if (w->json)
        print_event(w, room, "joined", NULL, detail);
    else
        fprintf(stderr, "watching %s (%s); Ctrl-C stops\n", roomctl_room_jid(room), detail);
    g_free(detail);
    g_ptr_array_unref(state);
}

static void on_status(roomctl_bus *bus, gboolean connected, const GError *error,
                      void *user_data)
{
    watch *w = user_data;
    if (connected)
        return;
    w->status = rc_cli_fail("watch", error ? g_error_copy(error)
                                           : g_error_new_literal(ROOMCTL_ERROR,
                                                                 ROOMCTL_ERR_CONNECTION,
                                                                 "connection lost"));
    g_main_loop_quit(w->loop);
}

static gboolean on_interrupt(gpointer user_data)
{
    watch *w = user_data;
    g_main_loop_quit(w->loop);
    return G_SOURCE_CONTINUE;
}

int rc_cmd_watch(int argc, char **argv)
{
    rc_cli_conn conn = { 0 };
    watch w = { NULL, FALSE, FALSE, RC_EXIT_OK };
    const GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &w.json,
          "One JSON object per line: items, and {\"event\": joined|retracted|purged|deleted|"
          "ignored}",
          NULL },
        { "state", 0, 0, G_OPTION_ARG_NONE, &w.replay,
          "Print the current state first, then the live items", NULL },
        { NULL }
    };
    GOptionContext *context = rc_cli_context("watch", "ROOM",
        "Join ROOM as a client and print every new item, retraction and purge until\n"
        "interrupted (Ctrl-C).  Items that fail validation are shown as ignored.",
        entries, &conn);
    int status = rc_cli_parse_room(context, &argc, &argv, 1, 1);
    GError *error = NULL;
    if (status >= 0) {
        rc_cli_conn_clear(&conn);
        return status;
    }
    if (!rc_cli_conn_connect(&conn, &error)) {
        rc_cli_conn_clear(&conn);
        return rc_cli_fail("watch", error);
    }
    static const roomctl_room_callbacks callbacks = {
        .item = on_item, .reset = on_reset, .purge = on_purge, .deleted = on_deleted,
        .dropped = on_dropped, .synced = on_synced,
    };
    w.loop = g_main_loop_new(NULL, FALSE);
    roomctl_bus_set_status_callback(conn.bus, on_status, &w);
    roomctl_bus_join(conn.bus, argv[1], &callbacks, &w, NULL);
    guint sigint = g_unix_signal_add(SIGINT, on_interrupt, &w);
    guint sigterm = g_unix_signal_add(SIGTERM, on_interrupt, &w);
    g_main_loop_run(w.loop);
    g_source_remove(sigint);
    g_source_remove(sigterm);
    roomctl_bus_set_status_callback(conn.bus, NULL, NULL);
    rc_cli_conn_clear(&conn);
    g_main_loop_unref(w.loop);
    return w.status;
}

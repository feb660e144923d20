/*
 * embed: libroomctl inside an application's own GMainLoop.
 *
 * Follows one room and prints each state change as it happens: what a
 * client application would apply to its UI.  Build out of tree with
 *   cc embed.c -o embed $(pkg-config --cflags --libs roomctl)
 * and run, with the password in ROOMCTL_PASSWORD:
 *   ./embed --jid screen@example.org --room lobby@conference.example.org
 * (add --host 127.0.0.1 --port N --allow-plaintext for a local test server).
 */
#include <stdio.h>
#include <stdlib.h>
#include <glib-unix.h>
#include <roomctl/roomctl.h>

typedef struct app {
    GMainLoop *loop;
    GHashTable *state; /* item id -> the applied item (a reference) */
    int status;
} app;

static void print_fields(const roomctl_item *item)
{
    for (size_t i = 0; i < roomctl_item_field_count(item); i++) {
        const roomctl_value *value = roomctl_item_field_at(item, i);
        const char *text = value ? roomctl_value_text(value) : NULL;
        if (text)
            printf(" %s=%s", roomctl_item_field_name(item, i), text);
    }
    printf("\n");
}

static void on_item(roomctl_room *room, const roomctl_item *item, void *user_data)
{
    app *a = user_data;
    const char *id = roomctl_item_id(item);
    if (!roomctl_item_is_state(item)) {
        printf("event   %s:", roomctl_item_type(item));
        print_fields(item);
    } else {
        printf("%s %s:", g_hash_table_contains(a->state, id) ? "changed" : "set    ", id);
        print_fields(item);
        /* Keep the item past this call: take a reference. */
        g_hash_table_replace(a->state, g_strdup(id), (gpointer)roomctl_item_ref(item));
    }
    fflush(stdout);
}

static void on_reset(roomctl_room *room, const char *type, const char *item_id, void *user_data)
{
    app *a = user_data;
    g_hash_table_remove(a->state, item_id);
    printf("reset   %s\n", item_id);
    fflush(stdout);
}

static void on_purge(roomctl_room *room, void *user_data)
{
    app *a = user_data;
    g_hash_table_remove_all(a->state);
    printf("purged  all state of %s\n", roomctl_room_jid(room));
    fflush(stdout);
}

static void on_dropped(roomctl_room *room, const char *item_id, const GError *why,
                       void *user_data)
{
    printf("ignored %s: %s\n", item_id ? item_id : "?", why ? why->message : "");
    fflush(stdout);
}

static void on_synced(roomctl_room *room, const GError *error, void *user_data)
{
    app *a = user_data;
    if (error) {
        fprintf(stderr, "embed: cannot join %s: %s\n", roomctl_room_jid(room), error->message);
        a->status = EXIT_FAILURE;
        g_main_loop_quit(a->loop);
        return;
    }
    printf("joined  %s with %u state items\n", roomctl_room_jid(room),
           g_hash_table_size(a->state));
    fflush(stdout);
}

static void on_connected(roomctl_bus *bus, const GError *error, void *user_data)
{
    app *a = user_data;
    if (!error)
        return;
    fprintf(stderr, "embed: cannot connect: %s\n", error->message);
    a->status = EXIT_FAILURE;
    g_main_loop_quit(a->loop);
}

static gboolean on_signal(gpointer user_data)
{
    g_main_loop_quit(((app *)user_data)->loop);
    return G_SOURCE_CONTINUE;
}

static void item_unref(gpointer item)
{
    roomctl_item_unref(item);
}

int main(int argc, char **argv)
{
    /* Freed on every return, so that a sanitizer build exits leak-free. */
    g_autofree char *jid = NULL, *room_jid = NULL, *host = NULL;
    int port = 0;
    gboolean plaintext = FALSE;
    GOptionEntry entries[] = {
        { "jid", 0, 0, G_OPTION_ARG_STRING, &jid, "Account (password in ROOMCTL_PASSWORD)", "JID" },
        { "room", 0, 0, G_OPTION_ARG_STRING, &room_jid, "Room to follow", "ROOM" },
        { "host", 0, 0, G_OPTION_ARG_STRING, &host, "Server host", "HOST" },
        { "port", 0, 0, G_OPTION_ARG_INT, &port, "Server port", "PORT" },
        { "allow-plaintext", 0, 0, G_OPTION_ARG_NONE, &plaintext, "Local test servers only", NULL },
        { NULL }
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("- print a roomctl room's state changes");
    g_option_context_add_main_entries(context, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(context, &argc, &argv, &error) || !jid || !room_jid) {
        fprintf(stderr, "embed: %s\n", error ? error->message : "--jid and --room are required");
        return 2;
    }

    /* Schemas from $ROOMCTL_SCHEMA_PATH, else the installed ones. */
    roomctl_registry *registry = roomctl_registry_new();
    if (!roomctl_registry_load_path(registry, NULL, &error)) {
        fprintf(stderr, "embed: %s\n", error->message);
        roomctl_registry_free(registry);
        return 1;
    }
    roomctl_bus_options options = {
        .jid = jid, .password = g_getenv("ROOMCTL_PASSWORD"), .host = host,
        .port = (guint16)port, .allow_plaintext = plaintext,
        /* A private server's own certificate, as `roomctl --cafile` takes it. */
        .tls_ca_file = g_getenv("ROOMCTL_CAFILE"),
    };
    app a = { g_main_loop_new(NULL, FALSE),
              g_hash_table_new_full(g_str_hash, g_str_equal, g_free, item_unref), EXIT_SUCCESS };
    roomctl_bus *bus = roomctl_bus_new(&options, registry, NULL);
    const roomctl_room_callbacks callbacks = {
        .item = on_item, .reset = on_reset, .purge = on_purge,
        .dropped = on_dropped, .synced = on_synced,
    };
    roomctl_bus_join(bus, room_jid, &callbacks, &a, NULL);
    roomctl_bus_connect(bus, on_connected, &a);
    g_unix_signal_add(SIGINT, on_signal, &a);
    g_unix_signal_add(SIGTERM, on_signal, &a);
    g_main_loop_run(a.loop);

    roomctl_bus_free(bus);
    g_hash_table_unref(a.state);
    roomctl_registry_free(registry);
    g_main_loop_unref(a.loop);
    return a.status;
}

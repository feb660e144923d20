/*
 * hello: the smallest complete roomctl handler plugin.  Copy it to start
 * your own.  It greets every control item the bus hands it, counts them, and
 * says goodbye with the count when the host stops.
 *
 * Build it out of tree (see README.md):
 *   cc -shared -fPIC -fvisibility=hidden -o hello.so hello.c $(pkg-config --cflags roomctl-plugin)
 *
 * Configuration (the plugin's section of the agent's config, all optional):
 *   greeting: "hello"      what to say
 *   types: "*"             which control types to greet ("ui.*", "room.notice", ...)
 */
#include <roomctl/plugin.h>

#include <stdlib.h>

/* Typed accessors made from the schemas (issue 17):
 *   roomctl schema gen-c room.notice -o hello_types.h
 * a struct room_notice_v1 and room_notice_v1_from_item(). */
#include "hello_types.h"

/* What the plugin keeps between calls: given to the host with
 * roomctl_plugin_set_data(), freed by the host at unload. */
typedef struct {
    const char *greeting; /* owned by the config, which lives until shutdown */
    unsigned long count;
} hello_state;

/* Called with each validated item of a matching type.  @item lives for this
 * call only: copy what you need (or roomctl_item_ref() it). */
static int hello_handle(roomctl_plugin *plugin, const roomctl_item *item,
                        roomctl_result *result, void *user_data)
{
    hello_state *state = user_data;
    const char *publisher = roomctl_item_publisher(item);
    state->count++;
    roomctl_plugin_log(plugin, ROOMCTL_LOG_INFO, "%s, %s %s from %s (%zu fields%s)",
                       state->greeting, roomctl_item_type(item), roomctl_item_id(item),
                       publisher ? publisher : "someone", roomctl_item_field_count(item),
                       roomctl_item_is_replay(item) ? ", replayed state" : "");
    /* A room.notice, read into its generated struct: a misspelt field name
     * is a compile error, not a run-time surprise. */
    room_notice_v1 notice;
    const char *field = NULL;
    int rc = room_notice_v1_from_item(item, &notice, &field);
    if (rc == ROOMCTL_PLUGIN_OK) {
        roomctl_plugin_log(plugin, ROOMCTL_LOG_INFO, "it says: %s (level %s)", notice.text,
                           notice.level);
    } else if (rc != ROOMCTL_PLUGIN_EINVAL) { /* EINVAL: another type or version */
        roomctl_result_fail(result, "room.notice field '%s': error %d", field ? field : "?", rc);
        return -1;
    }
    return 0; /* or roomctl_result_fail(result, "why"); return -1; */
}

static int hello_init(roomctl_plugin *plugin, const roomctl_config *config)
{
    hello_state *state = calloc(1, sizeof *state);
    if (!state) {
        roomctl_plugin_set_error(plugin, "out of memory");
        return -1;
    }
    state->greeting = roomctl_config_get_string(config, "greeting", "hello");
    roomctl_plugin_set_data(plugin, state, free);

    roomctl_handler_def def = {
        .types = roomctl_config_get_string(config, "types", "*"), /* copied by the host */
        .handle = hello_handle,
        .user_data = state, /* freed with the plugin data, so no free_user_data */
    };
    if (roomctl_plugin_add_handler(plugin, &def) != ROOMCTL_PLUGIN_OK) {
        roomctl_plugin_set_error(plugin, "cannot handle types '%s'", def.types);
        return -1;
    }
    return 0;
}

static void hello_shutdown(roomctl_plugin *plugin)
{
    const hello_state *state = roomctl_plugin_get_data(plugin);
    roomctl_plugin_log(plugin, ROOMCTL_LOG_INFO, "goodbye after %lu items", state->count);
}

/* The settings it takes (SDK 1.4): the host refuses any other key, and a bad
 * value, before init, and `roomctl-agent --describe-plugin hello` prints
 * this table.  The plugin still applies the defaults itself (above). */
static const roomctl_setting hello_settings[] = {
    { "greeting", ROOMCTL_SETTING_STRING, 0, "hello", "what to say", 0, 0, NULL },
    { "types", ROOMCTL_SETTING_STRING, 0, "*",
      "which control types to greet: ui.*, room.notice, or *", 0, 0, NULL },
    ROOMCTL_SETTINGS_END
};

ROOMCTL_PLUGIN_DEFINE_WITH_SETTINGS("hello", "1.1", "Greets every control item", hello_init,
                                    hello_shutdown, hello_settings);

/* chat-power: turns the host's chat on and off for chat.power items, through
 * the host's chat power hook (the agent's, or an embedding application's). */
#include <roomctl/plugin.h>

static int chat_handle(roomctl_plugin *plugin, const roomctl_item *item,
                       roomctl_result *result, void *user_data)
{
    int enabled = 1;
    if (roomctl_item_get_bool(item, "enabled", &enabled) != ROOMCTL_PLUGIN_OK) {
        roomctl_result_fail(result, "%s has no bool field 'enabled'", roomctl_item_id(item));
        return -1;
    }
    const char *reason = NULL;
    roomctl_item_get_string(item, "reason", &reason); /* optional */
    switch (roomctl_host_set_chat_enabled(plugin, enabled, reason)) {
    case ROOMCTL_PLUGIN_OK:
        roomctl_plugin_log(plugin, ROOMCTL_LOG_INFO, "chat turned %s%s%s",
                           enabled ? "on" : "off", reason ? ": " : "", reason ? reason : "");
        return 0;
    case ROOMCTL_PLUGIN_ENOTSUP:
        roomctl_result_fail(result, "this host cannot turn its chat %s (it has no chat power hook)",
                            enabled ? "on" : "off");
        return -1;
    default:
        roomctl_result_fail(result, "the host failed to turn its chat %s",
                            enabled ? "on" : "off");
        return -1;
    }
}

static int chat_init(roomctl_plugin *plugin, const roomctl_config *config)
{
    roomctl_handler_def def = { .types = "chat.power", .handle = chat_handle };
    /* The chat's state is the host's to keep (roomctl-agent writes it to its
     * chat_state_file): turning it to what it already is after a restart
     * would only toggle the user's chat for nothing. */
    roomctl_plugin_keeps_state(plugin, 1);
    return roomctl_plugin_add_handler(plugin, &def) == ROOMCTL_PLUGIN_OK ? 0 : -1;
}

/* It takes no settings: any key in its section is a mistake. */
static const roomctl_setting chat_settings[] = { ROOMCTL_SETTINGS_END };

ROOMCTL_PLUGIN_DEFINE_WITH_SETTINGS("chat-power", "1.2", "Turns the host's chat on and off",
                                    chat_init, NULL, chat_settings);

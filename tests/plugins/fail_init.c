/* A plugin whose init fails after registering a handler and keeping data:
 * the host must free both and unload it without calling shutdown. */
#include <roomctl/plugin.h>

#include <stdlib.h>

static int handle(roomctl_plugin *plugin, const roomctl_item *item, roomctl_result *result,
                  void *user_data)
{
    return 0;
}

static int init(roomctl_plugin *plugin, const roomctl_config *config)
{
    roomctl_handler_def def = {
        .types = "ui.button", .handle = handle,
        .user_data = malloc(16), .free_user_data = free,
    };
    roomctl_plugin_add_handler(plugin, &def);
    roomctl_plugin_set_data(plugin, malloc(32), free);
    roomctl_plugin_set_error(plugin, "cannot reach the frobnicator at %s",
                             roomctl_config_get_string(config, "address", "localhost"));
    return -1;
}

static void shutdown_never(roomctl_plugin *plugin)
{
    roomctl_plugin_log(plugin, ROOMCTL_LOG_ERROR, "shutdown after a failed init");
}

ROOMCTL_PLUGIN_DEFINE("fail-init", "1.0", "Fails to start", init, shutdown_never);

/* A plugin built with this SDK that also runs on older hosts: it claims the
 * oldest minor it needs (ROOMCTL_PLUGIN_MIN_MINOR) and makes a newer call
 * only when the host's minor has it, declared weak so that binding on an
 * older host does not fail. */
#define ROOMCTL_PLUGIN_MIN_MINOR 1
#include <roomctl/plugin.h>

/* What the next minor of the SDK would declare; no host of this build has it. */
__attribute__((weak)) int roomctl_plugin_from_a_newer_minor(roomctl_plugin *plugin);

static int init(roomctl_plugin *plugin, const roomctl_config *config)
{
    if (roomctl_plugin_host_abi_minor(plugin) > ROOMCTL_PLUGIN_ABI_MINOR)
        return roomctl_plugin_from_a_newer_minor(plugin);
    roomctl_plugin_log(plugin, ROOMCTL_LOG_INFO, "claims 1.%u, host has 1.%u: newer call skipped",
                       (unsigned)ROOMCTL_PLUGIN_MIN_MINOR, roomctl_plugin_host_abi_minor(plugin));
    return 0;
}

ROOMCTL_PLUGIN_DEFINE("min-minor", "1.0", "Runs on hosts from 1.1 on", init, NULL);

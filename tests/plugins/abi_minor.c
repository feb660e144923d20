/* A plugin built against a newer minor of this host's ABI. */
#include <roomctl/plugin.h>

static int init(roomctl_plugin *plugin, const roomctl_config *config) { return 0; }

ROOMCTL_PLUGIN_EXPORT const roomctl_plugin_descriptor roomctl_plugin_entry = {
    ROOMCTL_PLUGIN_ABI_MAJOR, ROOMCTL_PLUGIN_ABI_MINOR + 1, "abi-minor", "1.0", "Newer minor",
    init, NULL, NULL, {0}
};

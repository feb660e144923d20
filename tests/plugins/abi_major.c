/* A plugin built for an ABI major this host does not have. */
#include <roomctl/plugin.h>

static int init(roomctl_plugin *plugin, const roomctl_config *config) { return 0; }

ROOMCTL_PLUGIN_EXPORT const roomctl_plugin_descriptor roomctl_plugin_entry = {
    ROOMCTL_PLUGIN_ABI_MAJOR + 1, 0, "abi-major", "1.0", "Too new", init, NULL, NULL, {0}
};

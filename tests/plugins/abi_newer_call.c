/* A plugin built against a newer minor than this host's that calls a
 * function only that newer host has: the host must refuse it by its
 * descriptor before binding, not fail on the missing symbol. */
#include <roomctl/plugin.h>

/* What the next minor of the SDK would declare; no host of this build has it. */
int roomctl_plugin_from_a_newer_minor(roomctl_plugin *plugin);

static int init(roomctl_plugin *plugin, const roomctl_config *config)
{
    return roomctl_plugin_from_a_newer_minor(plugin);
}

ROOMCTL_PLUGIN_EXPORT const roomctl_plugin_descriptor roomctl_plugin_entry = {
    ROOMCTL_PLUGIN_ABI_MAJOR, ROOMCTL_PLUGIN_ABI_MINOR + 1, "abi-newer-call", "1.0",
    "Newer minor, calls a newer function", init, NULL, NULL, {0}
};

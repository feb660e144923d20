/* Options, as every shipped plugin needs them. */
#include "common.h"


const char *rc_option_require(roomctl_plugin *plugin, const roomctl_config *config,
                              const char *key, const char *what)
{
    const char *value = roomctl_config_get_string(config, key, NULL);
    if (!value || !*value) {
        /* An empty section may be the one the host made up: no place to name. */
        const char *where = roomctl_config_length(config) ? roomctl_config_location(config) : "";
        roomctl_plugin_set_error(plugin, "%s%smissing option '%s' (%s)", where,
                                 *where ? ": " : "", key, what);
        return NULL;
    }
    return value;
}

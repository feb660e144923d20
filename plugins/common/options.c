/* Item ids and options, as every shipped plugin needs them. */
#include "common.h"

#include <string.h>

const char *rc_item_key(const char *type, const char *item_id)
{
    gsize n = strlen(type);
    if (strncmp(item_id, type, n) == 0 && item_id[n] == ':')
        return item_id + n + 1;
    return item_id;
}

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

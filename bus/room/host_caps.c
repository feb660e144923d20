/* What a host can handle, as its receiver announces it to the gate
 * (docs/wire-format.md section 12.1). */
#include "ack_client.h"
#include "host_private.h"

#include <string.h>

static gboolean host_matches(const roomctl_host *host, const char *type)
{
    for (guint i = 0; i < host->plugins->len; i++) {
        const roomctl_plugin *plugin = g_ptr_array_index(host->plugins, i);
        for (guint j = 0; j < plugin->handlers->len; j++)
            if (rc_handler_matches(g_ptr_array_index(plugin->handlers, j), type))
                return TRUE;
    }
    return FALSE;
}

void rc_host_announce_caps(const roomctl_host *host, const roomctl_registry *registry,
                           rc_announce *announce)
{
    if (!host)
        return;
    /* The registry lists schemas sorted by type then version: one entry per
     * type with its versions. */
    g_autoptr(GPtrArray) schemas = roomctl_registry_list(registry);
    GString *versions = g_string_new(NULL);
    for (guint i = 0; i < schemas->len; i++) {
        const roomctl_schema *schema = g_ptr_array_index(schemas, i);
        const char *type = roomctl_schema_type(schema);
        if (!host_matches(host, type))
            continue;
        g_string_append_printf(versions, "%s%d", versions->len ? " " : "",
                               roomctl_schema_version(schema));
        const roomctl_schema *next = i + 1 < schemas->len ? g_ptr_array_index(schemas, i + 1)
                                                          : NULL;
        if (next && !strcmp(roomctl_schema_type(next), type))
            continue;
        rc_announce_add_type(announce, type, versions->str);
        g_string_truncate(versions, 0);
    }
    g_string_free(versions, TRUE);
    for (guint i = 0; i < host->plugins->len; i++) {
        const roomctl_plugin *plugin = g_ptr_array_index(host->plugins, i);
        rc_announce_add_plugin(announce, plugin->name, plugin->descriptor->version);
    }
}

/* Batches (roomctl_host_begin_batch() in roomctl/host.h, SDK 1.2): a plugin
 * handed a room's whole state at once writes it once, at the batch's end. */
#include "host_private.h"
#include "journal.h"
#include "log.h"

#include <string.h>

int roomctl_plugin_set_batch_end(roomctl_plugin *plugin, roomctl_batch_end_fn batch_end)
{
    if (!rc_plugin_in_init(plugin, "roomctl_plugin_set_batch_end"))
        return ROOMCTL_PLUGIN_EINVAL;
    plugin->batch_end = batch_end;
    return ROOMCTL_PLUGIN_OK;
}

int roomctl_plugin_in_batch(const roomctl_plugin *plugin)
{
    return plugin && plugin->host->batch_depth > 0;
}

void roomctl_host_begin_batch(roomctl_host *host)
{
    g_return_if_fail(host);
    host->batch_depth++;
}

static gboolean not_named(const char *plugin, void *name)
{
    return strcmp(plugin, name) != 0;
}

void roomctl_host_end_batch(roomctl_host *host)
{
    g_return_if_fail(host && host->batch_depth > 0);
    if (--host->batch_depth > 0)
        return;
    for (guint i = 0; i < host->plugins->len; i++) {
        roomctl_plugin *plugin = g_ptr_array_index(host->plugins, i);
        gboolean touched = plugin->batch_touched;
        plugin->batch_touched = FALSE;
        if (!touched || !plugin->batch_end || plugin->batch_end(plugin) == 0)
            continue;
        /* What the journal says this plugin applied did not last. */
        rc_warn(RC_HOST_LOG_DOMAIN, "plugin '%s' could not keep what it applied in a batch; "
                "after a restart it gets every current item again", plugin->name);
        if (host->journal)
            rc_journal_retain_plugins(host->journal, not_named, plugin->name);
    }
}

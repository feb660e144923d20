/* What a plugin calls on its handle (roomctl/plugin.h): handlers, results,
 * errors, logging, private data and the chat power hook. */
#include "host_private.h"
#include "log.h"

static void free_def_user_data(const roomctl_handler_def *def)
{
    if (def && def->free_user_data)
        def->free_user_data(def->user_data);
}

int roomctl_plugin_add_handler(roomctl_plugin *plugin, const roomctl_handler_def *def)
{
    if (!plugin || !def) {
        free_def_user_data(def);
        return ROOMCTL_PLUGIN_EINVAL;
    }
    if (!plugin->in_init) {
        rc_warn(plugin->log_domain,
                "roomctl_plugin_add_handler() outside init: handler for '%s' ignored",
                def->types ? def->types : "(null)");
        free_def_user_data(def);
        return ROOMCTL_PLUGIN_EINVAL;
    }
    char *why = NULL;
    rc_handler *handler = rc_handler_new(plugin, def, &why);
    if (!handler) {
        rc_warn(plugin->log_domain, "handler refused: %s", why);
        g_free(why);
        free_def_user_data(def);
        return ROOMCTL_PLUGIN_EINVAL;
    }
    g_ptr_array_add(plugin->handlers, handler);
    return ROOMCTL_PLUGIN_OK;
}

void roomctl_result_fail(roomctl_result *result, const char *fmt, ...)
{
    if (!result || !fmt)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_free(result->reason);
    result->reason = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

const char *roomctl_plugin_name(const roomctl_plugin *plugin)
{
    return plugin ? plugin->name : NULL;
}

void roomctl_plugin_set_error(roomctl_plugin *plugin, const char *fmt, ...)
{
    if (!plugin || !fmt)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_free(plugin->init_error);
    plugin->init_error = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

void roomctl_plugin_log(roomctl_plugin *plugin, roomctl_log_level level, const char *fmt, ...)
{
    if (!plugin || !fmt)
        return;
    if ((unsigned)level > ROOMCTL_LOG_DEBUG) /* a plugin's bad level must not index past the table */
        level = ROOMCTL_LOG_DEBUG;
    va_list ap;
    va_start(ap, fmt);
    rc_logv(level, plugin->log_domain, fmt, ap);
    va_end(ap);
}

void roomctl_plugin_set_data(roomctl_plugin *plugin, void *data, void (*free_data)(void *))
{
    if (!plugin)
        return;
    void *old = plugin->data;
    void (*free_old)(void *) = plugin->free_data;
    plugin->data = data;
    plugin->free_data = free_data;
    if (free_old && old != data)
        free_old(old);
}

gboolean rc_plugin_in_init(const roomctl_plugin *plugin, const char *call)
{
    if (!plugin)
        return FALSE;
    if (!plugin->in_init)
        rc_warn(plugin->log_domain, "%s() outside init: ignored", call);
    return plugin->in_init;
}

int roomctl_plugin_keeps_state(roomctl_plugin *plugin, int restored)
{
    if (!rc_plugin_in_init(plugin, "roomctl_plugin_keeps_state"))
        return ROOMCTL_PLUGIN_EINVAL;
    plugin->keeps_state = TRUE;
    plugin->restored = restored != 0;
    return ROOMCTL_PLUGIN_OK;
}

unsigned roomctl_plugin_host_abi_minor(const roomctl_plugin *plugin)
{
    return ROOMCTL_PLUGIN_ABI_MINOR;
}

void *roomctl_plugin_get_data(const roomctl_plugin *plugin)
{
    return plugin ? plugin->data : NULL;
}

int roomctl_host_set_chat_enabled(roomctl_plugin *plugin, int enabled, const char *reason)
{
    if (!plugin)
        return ROOMCTL_PLUGIN_EINVAL;
    roomctl_host *host = plugin->host;
    if (!host->chat_power)
        return ROOMCTL_PLUGIN_ENOTSUP;
    GError *error = NULL;
    if (!host->chat_power(enabled != 0, reason, host->chat_power_data, &error)) {
        rc_warn(RC_HOST_LOG_DOMAIN, "plugin '%s': cannot turn the chat %s: %s", plugin->name,
                enabled ? "on" : "off", error ? error->message : "the host gave no reason");
        g_clear_error(&error);
        return -1;
    }
    return ROOMCTL_PLUGIN_OK;
}

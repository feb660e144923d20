/* The dispatcher: which handlers an item goes to, and what they said. */
#include "host_private.h"
#include "log.h"

#include <string.h>

/* ---- Handlers and their type patterns -------------------------------------- */

/* A dotted lowercase type name: "ui.button", "slideshow.slide". */
static gboolean valid_type_name(const char *s, gsize len)
{
    if (len == 0 || s[0] == '.' || s[len - 1] == '.')
        return FALSE;
    for (gsize i = 0; i < len; i++) {
        char c = s[i];
        if (c == '.' && s[i + 1] == '.')
            return FALSE;
        if (!g_ascii_islower(c) && !g_ascii_isdigit(c) && c != '.' && c != '_' && c != '-')
            return FALSE;
    }
    return TRUE;
}

rc_handler *rc_handler_new(roomctl_plugin *plugin, const roomctl_handler_def *def, char **why)
{
    if (!def->handle) {
        *why = g_strdup("the handler has no handle function");
        return NULL;
    }
    const char *types = def->types;
    if (!types) {
        *why = g_strdup("the handler has no types");
        return NULL;
    }
    gsize len = strlen(types);
    char *prefix = NULL;
    if (strcmp(types, "*") == 0) {
        prefix = g_strdup("");
    } else if (len > 2 && g_str_has_suffix(types, ".*") && valid_type_name(types, len - 2)) {
        prefix = g_strndup(types, len - 1); /* keep the dot: "ui.*" matches "ui.x", not "uix" */
    } else if (!valid_type_name(types, len)) {
        *why = g_strdup_printf("bad types '%s': expected a type such as 'ui.button', "
                               "a prefix such as 'ui.*', or '*'", types);
        return NULL;
    }
    rc_handler *handler = g_new0(rc_handler, 1);
    handler->plugin = plugin;
    handler->types = g_strdup(types);
    handler->prefix = prefix;
    handler->handle = def->handle;
    handler->reset = def->reset;
    handler->purge = def->purge;
    handler->user_data = def->user_data;
    handler->free_user_data = def->free_user_data;
    return handler;
}

void rc_handler_free(gpointer data)
{
    rc_handler *handler = data;
    if (handler->free_user_data)
        handler->free_user_data(handler->user_data);
    g_free(handler->types);
    g_free(handler->prefix);
    g_free(handler);
}

gboolean rc_handler_matches(const rc_handler *handler, const char *type)
{
    if (!type)
        return FALSE;
    if (handler->prefix)
        return g_str_has_prefix(type, handler->prefix);
    return strcmp(handler->types, type) == 0;
}

/* ---- Dispatch ---------------------------------------------------------------- */

static void handler_result_free(gpointer data)
{
    roomctl_handler_result *result = data;
    g_free(result->plugin);
    g_free(result->reason);
    g_free(result);
}

/* Run one handler on one item; the result is filled, the failure logged. */
static void run_handler(const roomctl_host *host, const rc_handler *handler,
                        const roomctl_item *item, roomctl_handler_result *out)
{
    roomctl_result result = { NULL };
    gint64 start = g_get_monotonic_time();
    int rc = handler->handle(handler->plugin, item, &result, handler->user_data);
    out->duration_us = g_get_monotonic_time() - start;
    out->plugin = g_strdup(handler->plugin->name);
    out->ok = rc == 0;
    if (out->ok) {
        g_free(result.reason); /* a reason without a failure is not a failure */
    } else {
        out->reason = result.reason ? result.reason : g_strdup("the handler gave no reason");
        rc_warn(RC_HOST_LOG_DOMAIN, "plugin '%s' failed to handle %s: %s",
                out->plugin, roomctl_item_id(item), out->reason);
    }
    if (host->slow_handler_ms && out->duration_us > (gint64)host->slow_handler_ms * 1000)
        rc_warn(RC_HOST_LOG_DOMAIN,
                "plugin '%s' took %" G_GINT64_FORMAT " ms to handle %s (more than %u ms)",
                out->plugin, out->duration_us / 1000, roomctl_item_id(item),
                host->slow_handler_ms);
}

guint roomctl_host_dispatch(roomctl_host *host, const roomctl_item *item, GPtrArray **results)
{
    g_return_val_if_fail(host && item, 0);
    const char *type = roomctl_item_type(item);
    GPtrArray *all = g_ptr_array_new_with_free_func(handler_result_free);
    guint failed = 0;
    for (guint i = 0; i < host->plugins->len; i++) {
        roomctl_plugin *plugin = g_ptr_array_index(host->plugins, i);
        for (guint j = 0; j < plugin->handlers->len; j++) {
            const rc_handler *handler = g_ptr_array_index(plugin->handlers, j);
            if (!rc_handler_matches(handler, type))
                continue;
            roomctl_handler_result *result = g_new0(roomctl_handler_result, 1);
            run_handler(host, handler, item, result);
            failed += !result->ok;
            g_ptr_array_add(all, result);
        }
    }
    if (results)
        *results = all;
    else
        g_ptr_array_unref(all);
    return failed;
}

void roomctl_host_reset(roomctl_host *host, const char *room, const char *type,
                        const char *item_id)
{
    g_return_if_fail(host && type && item_id);
    for (guint i = 0; i < host->plugins->len; i++) {
        roomctl_plugin *plugin = g_ptr_array_index(host->plugins, i);
        for (guint j = 0; j < plugin->handlers->len; j++) {
            const rc_handler *handler = g_ptr_array_index(plugin->handlers, j);
            if (handler->reset && rc_handler_matches(handler, type))
                handler->reset(plugin, room, type, item_id, handler->user_data);
        }
    }
}

void roomctl_host_purge(roomctl_host *host, const char *room)
{
    g_return_if_fail(host);
    for (guint i = 0; i < host->plugins->len; i++) {
        roomctl_plugin *plugin = g_ptr_array_index(host->plugins, i);
        for (guint j = 0; j < plugin->handlers->len; j++) {
            const rc_handler *handler = g_ptr_array_index(plugin->handlers, j);
            if (handler->purge)
                handler->purge(plugin, room, handler->user_data);
        }
    }
}

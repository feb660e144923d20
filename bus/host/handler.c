/* A handler as a plugin registers it: its type pattern, checked once, and
 * which item types it matches (used by the loader and the dispatcher). */
#include "host_private.h"

#include <string.h>

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

/* The plugin host: finds, checks, loads and unloads handler plugins. */
#include "host_private.h"
#include "journal.h"
#include "log.h"
#include "private_path.h"

#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

roomctl_host *roomctl_host_new(const roomctl_registry *registry)
{
    roomctl_host *host = g_new0(roomctl_host, 1);
    host->registry = registry;
    host->dirs = g_ptr_array_new_with_free_func(g_free);
    host->plugins = g_ptr_array_new();
    host->names = g_ptr_array_new();
    host->slow_handler_ms = RC_HOST_DEFAULT_SLOW_MS;
    return host;
}

/* Everything but shutdown: used both at host_free and when init fails.
 * The plugin's own free functions run before its code is unmapped. */
static void plugin_unload(roomctl_plugin *plugin)
{
    g_ptr_array_unref(plugin->handlers);
    if (plugin->free_data)
        plugin->free_data(plugin->data);
    if (plugin->own_config)
        roomctl_config_free(plugin->own_config);
    if (plugin->dl)
        dlclose(plugin->dl);
    g_free(plugin->init_error);
    g_free(plugin->log_domain);
    g_free(plugin->name);
    g_free(plugin->path);
    g_free(plugin);
}

void roomctl_host_free(roomctl_host *host)
{
    if (!host)
        return;
    for (guint i = host->plugins->len; i-- > 0;) {
        roomctl_plugin *plugin = g_ptr_array_index(host->plugins, i);
        if (plugin->descriptor->shutdown)
            plugin->descriptor->shutdown(plugin);
        rc_debug(RC_HOST_LOG_DOMAIN, "unloading plugin '%s'", plugin->name);
        plugin_unload(plugin);
    }
    g_ptr_array_unref(host->plugins);
    g_ptr_array_unref(host->names);
    g_ptr_array_unref(host->dirs);
    rc_journal_free(host->journal);
    if (host->chat_power_free)
        host->chat_power_free(host->chat_power_data);
    g_free(host);
}

/* ---- Permissions ---------------------------------------------------------- */

/* A plugin runs with the host's rights: refuse code that someone other than
 * its owner (or an owner other than us or root) could have replaced. */
static gboolean check_private(const char *path, gboolean want_dir, GError **error)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        int err = errno;
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_PLUGIN, "%s: cannot load plugin%s: %s",
                    path, want_dir ? "s from it" : "", g_strerror(err));
        return FALSE;
    }
    if (want_dir && !S_ISDIR(st.st_mode)) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_PLUGIN,
                    "%s: not a plugin directory: it is not a directory", path);
        return FALSE;
    }
    if (!want_dir && !S_ISREG(st.st_mode)) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_PLUGIN,
                    "%s: cannot load plugin: not a regular file", path);
        return FALSE;
    }
    return rc_check_private(path, &st, want_dir ? "plugin directory" : "plugin", error);
}

gboolean roomctl_host_add_plugin_dir(roomctl_host *host, const char *dir, GError **error)
{
    g_return_val_if_fail(host && dir, FALSE);
    if (!check_private(dir, TRUE, error))
        return FALSE;
    g_ptr_array_add(host->dirs, g_strdup(dir));
    return TRUE;
}

/* ---- Loading -------------------------------------------------------------- */

/* A name with a slash or ending in ".so" is a path; anything else is looked
 * up as NAME.so in the plugin directories.  Returns a new string. */
static char *find_plugin(const roomctl_host *host, const char *name, GError **error)
{
    if (strchr(name, '/'))
        return g_strdup(name);
    if (g_str_has_suffix(name, ".so"))
        return g_build_filename(".", name, NULL); /* keep dlopen off the library path */
    char *file = g_strconcat(name, ".so", NULL);
    for (guint i = 0; i < host->dirs->len; i++) {
        char *path = g_build_filename(g_ptr_array_index(host->dirs, i), file, NULL);
        if (g_file_test(path, G_FILE_TEST_EXISTS)) {
            g_free(file);
            return path;
        }
        g_free(path);
    }
    GString *where = g_string_new(NULL);
    for (guint i = 0; i < host->dirs->len; i++)
        g_string_append_printf(where, "%s%s", i ? ", " : "",
                               (const char *)g_ptr_array_index(host->dirs, i));
    g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_PLUGIN,
                "plugin '%s' not found: no %s in %s", name, file,
                where->len ? where->str : "any plugin directory (none configured)");
    g_string_free(where, TRUE);
    g_free(file);
    return NULL;
}

static gboolean valid_plugin_name(const char *name)
{
    if (!name || !*name)
        return FALSE;
    for (const char *p = name; *p; p++)
        if (!g_ascii_islower(*p) && !g_ascii_isdigit(*p) && *p != '-')
            return FALSE;
    return TRUE;
}

roomctl_plugin *rc_host_find_plugin(const roomctl_host *host, const char *name)
{
    for (guint i = 0; i < host->plugins->len; i++) {
        roomctl_plugin *plugin = g_ptr_array_index(host->plugins, i);
        if (strcmp(plugin->name, name) == 0)
            return plugin;
    }
    return NULL;
}

/* dlerror() text usually starts with the path we already name. */
static const char *without_path(const char *text, const char *path)
{
    gsize n = strlen(path);
    if (text && strncmp(text, path, n) == 0 && strncmp(text + n, ": ", 2) == 0)
        return text + n + 2;
    return text ? text : "unknown dlopen error";
}

static void *open_dl(const char *path, int binding, GError **error)
{
    void *dl = dlopen(path, binding | RTLD_LOCAL);
    if (!dl)
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_PLUGIN, "%s: cannot load plugin: %s",
                    path, without_path(dlerror(), path));
    return dl;
}

static gboolean abi_supported(const char *path, guint32 major, guint32 minor, GError **error)
{
    if (major == ROOMCTL_PLUGIN_ABI_MAJOR && minor <= ROOMCTL_PLUGIN_ABI_MINOR)
        return TRUE;
    g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_PLUGIN,
                "%s: plugin needs ABI %u.%u, this host has %d.%d", path, (unsigned)major,
                (unsigned)minor, ROOMCTL_PLUGIN_ABI_MAJOR, ROOMCTL_PLUGIN_ABI_MINOR);
    return FALSE;
}

/* The descriptor of an opened plugin, when it has one for an ABI this host
 * supports; NULL with the reason. */
static const roomctl_plugin_descriptor *supported_descriptor(void *dl, const char *path,
                                                            GError **error)
{
    dlerror();
    const roomctl_plugin_descriptor *d = dlsym(dl, ROOMCTL_PLUGIN_SYMBOL);
    if (!d) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_PLUGIN,
                    "%s: not a roomctl plugin: no descriptor symbol '%s' "
                    "(write one with ROOMCTL_PLUGIN_DEFINE())", path, ROOMCTL_PLUGIN_SYMBOL);
        return NULL;
    }
    return abi_supported(path, d->abi_major, d->abi_minor, error) ? d : NULL;
}

/* Open the file and check its descriptor before anything is bound; fills
 * plugin->dl and ->descriptor.  The first dlopen() is lazy, so that a plugin
 * built for a newer minor, which calls functions this host lacks, still
 * loads far enough for its descriptor to say so; only a plugin this host
 * supports is then opened again with every symbol bound (RTLD_NOW), and a
 * missing symbol is an error at load, never in the middle of a handler. */
static gboolean open_plugin(roomctl_plugin *plugin, GError **error)
{
    const char *path = plugin->path;
    guint32 major, minor;
    if (!(plugin->dl = open_dl(path, RTLD_LAZY, NULL))) {
        /* Bound at load anyway (-z now): the file's descriptor may still say
         * why, better than the loader's "undefined symbol". */
        if (!rc_plugin_elf_abi(path, &major, &minor) || abi_supported(path, major, minor, error))
            open_dl(path, RTLD_LAZY, error);
        return FALSE;
    }
    if (!supported_descriptor(plugin->dl, path, error))
        return FALSE;
    /* Bind: the lazy handle must go first, or dlopen() would hand it back
     * as it is, with its symbols still unresolved. */
    dlclose(plugin->dl);
    const roomctl_plugin_descriptor *d;
    if (!(plugin->dl = open_dl(path, RTLD_NOW, error)) ||
        !(d = supported_descriptor(plugin->dl, path, error)))
        return FALSE;
    if (!valid_plugin_name(d->name)) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_PLUGIN,
                    "%s: bad plugin name '%s' in its descriptor: expected [a-z0-9-]+",
                    path, d->name ? d->name : "(null)");
        return FALSE;
    }
    if (!d->init) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_PLUGIN,
                    "%s: plugin '%s' has no init function in its descriptor", path, d->name);
        return FALSE;
    }
    plugin->descriptor = d;
    return TRUE;
}

/* Handlers for a type no schema defines can never run: say so, but load. */
static void warn_unknown_types(const roomctl_host *host, const roomctl_plugin *plugin)
{
    if (!host->registry)
        return;
    GPtrArray *schemas = NULL;
    for (guint i = 0; i < plugin->handlers->len; i++) {
        const rc_handler *handler = g_ptr_array_index(plugin->handlers, i);
        gboolean known = FALSE;
        if (!handler->prefix) {
            known = roomctl_registry_lookup(host->registry, handler->types, 0) != NULL;
        } else {
            if (!schemas)
                schemas = roomctl_registry_list(host->registry);
            for (guint j = 0; j < schemas->len && !known; j++)
                known = rc_handler_matches(handler,
                                           roomctl_schema_type(g_ptr_array_index(schemas, j)));
        }
        if (!known)
            rc_warn(RC_HOST_LOG_DOMAIN,
                    "plugin '%s' handles '%s', but no loaded schema defines %s",
                    plugin->name, handler->types,
                    handler->prefix ? "a type it matches" : "that type");
    }
    if (schemas)
        g_ptr_array_unref(schemas);
}

/* Everything loading checks before init: found, safe, loads, a descriptor
 * this host supports.  NULL with the reason; else free with plugin_unload(). */
static roomctl_plugin *open_checked(roomctl_host *host, const char *name, GError **error)
{
    char *path = find_plugin(host, name, error);
    if (!path)
        return NULL;
    char *dir = g_path_get_dirname(path);
    gboolean safe = check_private(dir, TRUE, error) && check_private(path, FALSE, error);
    g_free(dir);
    if (!safe) {
        g_free(path);
        return NULL;
    }
    roomctl_plugin *plugin = g_new0(roomctl_plugin, 1);
    plugin->host = host;
    plugin->path = path;
    plugin->handlers = g_ptr_array_new_with_free_func(rc_handler_free);
    if (!open_plugin(plugin, error)) {
        plugin_unload(plugin);
        return NULL;
    }
    return plugin;
}

/* Loading checks, and with @settings the section against the declared
 * settings (@config NULL: an empty section, as roomctl_host_load() makes). */
static gboolean check_plugin(roomctl_host *host, const char *name, gboolean settings,
                             const roomctl_config *config, GError **error)
{
    g_return_val_if_fail(host && name, FALSE);
    roomctl_plugin *plugin = open_checked(host, name, error);
    if (!plugin)
        return FALSE;
    roomctl_config *empty = settings && !config ? roomctl_config_new_empty() : NULL;
    gboolean ok = !settings ||
                  rc_plugin_settings_check(plugin->descriptor, config ? config : empty, error);
    if (empty)
        roomctl_config_free(empty);
    if (ok)
        rc_debug(RC_HOST_LOG_DOMAIN, "plugin '%s' %s in %s can be loaded",
                 plugin->descriptor->name,
                 plugin->descriptor->version ? plugin->descriptor->version : "", plugin->path);
    plugin_unload(plugin);
    return ok;
}

gboolean roomctl_host_check(roomctl_host *host, const char *name, GError **error)
{
    return check_plugin(host, name, FALSE, NULL, error);
}

gboolean roomctl_host_check_config(roomctl_host *host, const char *name,
                                   const roomctl_config *config, GError **error)
{
    return check_plugin(host, name, TRUE, config, error);
}

char *roomctl_host_describe_plugin(roomctl_host *host, const char *name, GError **error)
{
    g_return_val_if_fail(host && name, NULL);
    roomctl_plugin *plugin = open_checked(host, name, error);
    if (!plugin)
        return NULL;
    char *text = rc_plugin_settings_describe(plugin->descriptor, plugin->path);
    plugin_unload(plugin);
    return text;
}

gboolean roomctl_host_load(roomctl_host *host, const char *name,
                           const roomctl_config *config, GError **error)
{
    g_return_val_if_fail(host && name, FALSE);
    roomctl_plugin *plugin = open_checked(host, name, error);
    if (!plugin)
        return FALSE;
    const char *path = plugin->path;
    const roomctl_plugin_descriptor *d = plugin->descriptor;
    roomctl_plugin *other = rc_host_find_plugin(host, d->name);
    if (other) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_PLUGIN,
                    "%s: a plugin named '%s' is already loaded (from %s)",
                    path, d->name, other->path);
        goto fail;
    }
    plugin->name = g_strdup(d->name);
    plugin->log_domain = g_strconcat("plugin:", d->name, NULL);
    if (!config)
        config = plugin->own_config = roomctl_config_new_empty();
    plugin->config = config;
    /* Unknown keys and bad values are refused before init sees them. */
    if (!rc_plugin_settings_check(d, config, error))
        goto fail;

    plugin->in_init = TRUE;
    int rc = d->init(plugin, config);
    plugin->in_init = FALSE;
    if (rc != 0) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_PLUGIN,
                    "%s: plugin '%s' failed to start: %s", path, d->name,
                    plugin->init_error ? plugin->init_error : "its init gave no reason");
        goto fail;
    }
    g_clear_pointer(&plugin->init_error, g_free);
    g_ptr_array_add(host->plugins, plugin);
    g_ptr_array_add(host->names, plugin->name);
    rc_info(RC_HOST_LOG_DOMAIN, "loaded plugin '%s' %s from %s", plugin->name,
            d->version ? d->version : "", path);
    warn_unknown_types(host, plugin);
    return TRUE;

fail:
    plugin_unload(plugin);
    return FALSE;
}

GPtrArray *roomctl_host_plugins(const roomctl_host *host)
{
    g_return_val_if_fail(host, NULL);
    return host->names;
}

void roomctl_host_set_chat_power_hook(roomctl_host *host, roomctl_chat_power_fn fn,
                                      void *user_data, GDestroyNotify free_user_data)
{
    g_return_if_fail(host);
    if (host->chat_power_free)
        host->chat_power_free(host->chat_power_data);
    host->chat_power = fn;
    host->chat_power_data = user_data;
    host->chat_power_free = free_user_data;
}

void roomctl_host_set_slow_handler_ms(roomctl_host *host, guint ms)
{
    g_return_if_fail(host);
    host->slow_handler_ms = ms;
}

/* ---- The applied-state journal ----------------------------------------------- */

/* Entries are trusted only for a loaded plugin that keeps its state and
 * read it back: any other plugin is handed everything again. */
static gboolean plugin_trusted(const char *name, void *user_data)
{
    const roomctl_plugin *plugin = rc_host_find_plugin(user_data, name);
    return plugin && plugin->keeps_state && plugin->restored;
}

gboolean roomctl_host_open_journal(roomctl_host *host, const char *path, GError **error)
{
    g_return_val_if_fail(host && path, FALSE);
    rc_journal *journal = rc_journal_open(path, error);
    if (!journal)
        return FALSE;
    rc_journal_retain_plugins(journal, plugin_trusted, host);
    rc_journal_free(host->journal);
    host->journal = journal;
    for (guint i = 0; i < host->plugins->len; i++) {
        const roomctl_plugin *plugin = g_ptr_array_index(host->plugins, i);
        if (!plugin->keeps_state)
            rc_info(RC_HOST_LOG_DOMAIN, "plugin '%s' does not keep its state: after a "
                    "restart it gets every current item again", plugin->name);
    }
    return TRUE;
}

void roomctl_host_get_stats(const roomctl_host *host, roomctl_host_stats *out)
{
    *out = host->stats;
}

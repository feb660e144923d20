/* Reading and checking roomctl-agent's YAML configuration (examples/agent.yaml),
 * every mistake named by file, line and field. */
#include "config.h"
#include "cmdline/password.h"
#include "jid.h"
#include "suggest.h"

#include <string.h>

/* The keys each mapping of the agent configuration accepts. */
static const char *const top_keys[] = { "account", "server", "room", "rooms", "schema_dirs",
                                        "plugin_dirs", "plugins", "log_level",
                                        "chat_state_file", "state_file", "moderators",
                                        "max_item_size", "slow_handler_ms",
                                        "gate",
                                        /* roomctl-gate's own section (bus/gate/gate_config.c) */
                                        "component", NULL };
static const char *const account_keys[] = { "jid", "password_file", "password_env", NULL };
static const char *const server_keys[] = { "host", "port", "pubsub_service",
                                           "local_test_server", "allow_plaintext",
                                           "reconnect_min_ms", "reconnect_max_ms",
                                           "keepalive_ms", "tls_ca_file", "reconcile_ms",
                                           NULL };
static const char *const room_keys[] = { "jid", "moderators", NULL };
static const char *const plugin_keys[] = { "name", "config", NULL };
static const char *const level_names[] = { "error", "warning", "info", "debug", NULL };

/* One load: the config being filled and every error found so far. */
typedef struct loader {
    rc_agent_config *config;
    GString *errors;
    char *base_dir;
} loader;

static void fail(loader *l, const roomctl_config *node, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void fail(loader *l, const roomctl_config *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (l->errors->len)
        g_string_append_c(l->errors, '\n');
    g_string_append_printf(l->errors, "%s: error: %s",
                           node ? roomctl_config_location(node) : l->config->file, text);
    g_free(text);
}

const char *rc_agent_log_level_name(roomctl_log_level level)
{
    return level <= ROOMCTL_LOG_DEBUG ? level_names[level] : "debug";
}

gboolean rc_agent_log_level_parse(const char *text, roomctl_log_level *out)
{
    for (int i = 0; level_names[i]; i++)
        if (!g_strcmp0(text, level_names[i])) {
            *out = (roomctl_log_level)i;
            return TRUE;
        }
    return FALSE;
}

static const char *kind_name(const roomctl_config *node)
{
    switch (roomctl_config_kind_of(node)) {
    case ROOMCTL_CONFIG_MAPPING: return "a mapping";
    case ROOMCTL_CONFIG_LIST: return "a list";
    default: return "a text value";
    }
}

/* Refuse keys of mapping @node that are not in @allowed. */
static void check_keys(loader *l, const roomctl_config *node, const char *where,
                       const char *const *allowed)
{
    for (gsize i = 0; i < roomctl_config_length(node); i++) {
        const char *key = NULL;
        const roomctl_config *child = roomctl_config_at(node, i, &key);
        if (g_strv_contains(allowed, key))
            continue;
        if (!strcmp(key, "password") && g_strv_contains(allowed, "password_file")) {
            fail(l, child, "'password' is not accepted here: keep the password out of "
                           "configurations and command lines; use password_file (a file "
                           "only you can read) or password_env (an environment variable)");
            continue;
        }
        const char *near = rc_closest_word(key, allowed);
        char *expected = g_strjoinv(", ", (char **)allowed);
        if (near)
            fail(l, child, "unknown key '%s' in %s (did you mean '%s'?); expected one of: %s",
                 key, where, near, expected);
        else
            fail(l, child, "unknown key '%s' in %s; expected one of: %s", key, where, expected);
        g_free(expected);
    }
}

/* The mapping at @key of @parent, NULL when absent or not a mapping. */
static const roomctl_config *mapping_at(loader *l, const roomctl_config *parent,
                                        const char *key, const char *const *allowed)
{
    const roomctl_config *node = roomctl_config_child(parent, key);
    if (!node)
        return NULL;
    if (roomctl_config_kind_of(node) != ROOMCTL_CONFIG_MAPPING) {
        fail(l, node, "'%s' must be a mapping, got %s", key, kind_name(node));
        return NULL;
    }
    check_keys(l, node, key, allowed);
    return node;
}

/* The text at @key of @parent; NULL when absent or not a non-empty scalar. */
static const char *scalar_at(loader *l, const roomctl_config *parent, const char *key)
{
    const roomctl_config *node = parent ? roomctl_config_child(parent, key) : NULL;
    if (!node)
        return NULL;
    const char *text = roomctl_config_scalar(node);
    if (!text) {
        fail(l, node, "'%s' must be a text value, got %s", key, kind_name(node));
        return NULL;
    }
    if (!*text) {
        fail(l, node, "'%s' is empty; expected a value", key);
        return NULL;
    }
    return text;
}

static char *resolve_path(loader *l, const char *path)
{
    char *expanded = g_str_has_prefix(path, "~/")
                         ? g_build_filename(g_get_home_dir(), path + 2, NULL)
                         : g_strdup(path);
    if (g_path_is_absolute(expanded))
        return expanded;
    char *full = g_build_filename(l->base_dir, expanded, NULL);
    g_free(expanded);
    return full;
}

/* A room or account JID: "local@domain" (rooms need the local part). */
static gboolean jid_looks_valid(const char *jid, gboolean need_local, gboolean allow_resource)
{
    if (!g_utf8_validate(jid, -1, NULL) || !rc_jid_is_valid(jid))
        return FALSE;
    gsize bare_len = strcspn(jid, "/");
    if (!allow_resource && jid[bare_len])
        return FALSE;
    return !need_local || memchr(jid, '@', bare_len);
}

static void load_account(loader *l, const roomctl_config *root)
{
    const roomctl_config *account = mapping_at(l, root, "account", account_keys);
    if (!account) {
        if (!roomctl_config_child(root, "account"))
            fail(l, root, "missing 'account'; expected a mapping with jid and "
                          "password_file or password_env");
        return;
    }
    const char *jid = scalar_at(l, account, "jid");
    if (!jid) {
        if (!roomctl_config_child(account, "jid"))
            fail(l, account, "missing 'jid' in account; expected the agent's account, "
                             "e.g. screen1@example.org/lobby");
        return;
    }
    if (!jid_looks_valid(jid, FALSE, TRUE)) {
        fail(l, roomctl_config_child(account, "jid"),
             "'%s' is not a valid JID; expected user@domain or user@domain/resource", jid);
        return;
    }
    l->config->jid = g_strdup(jid);

    const char *file = scalar_at(l, account, "password_file");
    const char *env = scalar_at(l, account, "password_env");
    const roomctl_config *where = roomctl_config_child(account, file ? "password_file"
                                                                     : "password_env");
    if (file && env) {
        fail(l, where, "give password_file or password_env, not both");
        return;
    }
    if (!file && !env) {
        if (strchr(jid, '@') && !roomctl_config_child(account, "password_file") &&
            !roomctl_config_child(account, "password_env"))
            fail(l, account, "missing password_file or password_env in account; "
                             "the password is never given on the command line");
        return; /* a domain-only JID logs in anonymously */
    }
    GError *error = NULL;
    if (file) {
        char *path = resolve_path(l, file);
        l->config->password = rc_password_read_file(path, &error);
        g_free(path);
    } else {
        l->config->password = rc_password_from_env(env, &error);
    }
    if (!l->config->password) {
        fail(l, where, "%s", error->message);
        g_error_free(error);
    }
}

/* A server reached over loopback: the only kind that may go without TLS. */
static gboolean is_loopback(const char *host)
{
    return !g_ascii_strcasecmp(host, "localhost") || g_str_has_prefix(host, "127.") ||
           !strcmp(host, "::1") || !strcmp(host, "[::1]");
}

/* `local_test_server: true` (or its older name allow_plaintext): no TLS and
 * plain authentication, which is only safe on this machine. */
static void load_plaintext(loader *l, const roomctl_config *server, const char *key)
{
    int plain = 0;
    int rc = roomctl_config_get_bool(server, key, &plain);
    if (rc == ROOMCTL_PLUGIN_ETYPE) {
        fail(l, roomctl_config_child(server, key), "'%s' must be true or false", key);
        return;
    }
    if (rc != ROOMCTL_PLUGIN_OK || !plain)
        return;
    const char *jid = l->config->jid;
    const char *host = l->config->host ? l->config->host
                     : jid && strchr(jid, '@') ? strchr(jid, '@') + 1 : jid;
    g_autofree char *domain = host ? g_strndup(host, strcspn(host, "/")) : NULL;
    if (domain && !is_loopback(domain)) {
        fail(l, roomctl_config_child(server, key),
             "'%s: true' turns TLS off, which is for a test server on this machine only; "
             "the server is '%s', not 127.0.0.1 or localhost", key, domain);
        return;
    }
    l->config->allow_plaintext = TRUE;
}

/* The milliseconds at @key of @parent, from @min to @max; @out keeps its
 * value when the key is absent. */
static void load_ms(loader *l, const roomctl_config *parent, const char *key, gint64 min,
                    gint64 max, gint64 *out)
{
    int64_t ms = 0;
    int rc = roomctl_config_get_int(parent, key, &ms);
    if (rc == ROOMCTL_PLUGIN_ETYPE || (rc == ROOMCTL_PLUGIN_OK && (ms < min || ms > max)))
        fail(l, roomctl_config_child(parent, key),
             "'%s' must be a number of milliseconds from %" G_GINT64_FORMAT " to %"
             G_GINT64_FORMAT, key, min, max);
    else if (rc == ROOMCTL_PLUGIN_OK)
        *out = ms;
}

static void load_server(loader *l, const roomctl_config *root)
{
    const roomctl_config *server = mapping_at(l, root, "server", server_keys);
    if (!server)
        return;
    const char *host = scalar_at(l, server, "host");
    if (host)
        l->config->host = g_strdup(host);
    const char *pubsub = scalar_at(l, server, "pubsub_service");
    if (pubsub) {
        if (!jid_looks_valid(pubsub, FALSE, FALSE) || strchr(pubsub, '@'))
            fail(l, roomctl_config_child(server, "pubsub_service"),
                 "'%s' is not a service address; expected a domain such as pubsub.example.org",
                 pubsub);
        else
            l->config->pubsub_service = g_strdup(pubsub);
    }
    int64_t port = 0;
    int rc = roomctl_config_get_int(server, "port", &port);
    if (rc == ROOMCTL_PLUGIN_ETYPE || (rc == ROOMCTL_PLUGIN_OK && (port < 1 || port > 65535)))
        fail(l, roomctl_config_child(server, "port"),
             "'port' must be a number from 1 to 65535");
    else if (rc == ROOMCTL_PLUGIN_OK)
        l->config->port = (guint16)port;
    /* More certificates to trust: a test or private server's own. */
    const char *ca_file = scalar_at(l, server, "tls_ca_file");
    if (ca_file)
        l->config->tls_ca_file = resolve_path(l, ca_file);
    load_plaintext(l, server, "local_test_server");
    /* The older name of the same switch. */
    load_plaintext(l, server, "allow_plaintext");
    load_ms(l, server, "reconnect_min_ms", 10, 3600000, &l->config->reconnect_min_ms);
    load_ms(l, server, "reconnect_max_ms", 10, 3600000, &l->config->reconnect_max_ms);
    load_ms(l, server, "keepalive_ms", 100, 3600000, &l->config->keepalive_ms);
    load_ms(l, server, "reconcile_ms", 100, 86400000, &l->config->reconcile_ms);
    if (l->config->reconnect_min_ms && l->config->reconnect_max_ms &&
        l->config->reconnect_max_ms < l->config->reconnect_min_ms)
        fail(l, roomctl_config_child(server, "reconnect_max_ms"),
             "'reconnect_max_ms' (%" G_GINT64_FORMAT ") is less than 'reconnect_min_ms' (%"
             G_GINT64_FORMAT ")", l->config->reconnect_max_ms, l->config->reconnect_min_ms);
}

/* A list of texts at @key (one text alone counts as a list of one), each
 * kept when @check (if any) accepts it; paths are resolved.  Entries that
 * are mappings go to @mapping when given. */
static void load_text_list(loader *l, const roomctl_config *root, const char *key,
                           const char *what, GPtrArray *out,
                           gboolean (*check)(loader *, const roomctl_config *, const char *),
                           void (*mapping)(loader *, const roomctl_config *),
                           gboolean is_path)
{
    const roomctl_config *node = roomctl_config_child(root, key);
    if (!node)
        return;
    gsize count = roomctl_config_kind_of(node) == ROOMCTL_CONFIG_LIST
                      ? roomctl_config_length(node) : 1;
    if (roomctl_config_kind_of(node) == ROOMCTL_CONFIG_MAPPING) {
        fail(l, node, "'%s' must be a list of %s, got a mapping", key, what);
        return;
    }
    if (count == 0)
        fail(l, node, "'%s' is an empty list; expected at least one %s", key, what);
    for (gsize i = 0; i < count; i++) {
        const roomctl_config *entry = roomctl_config_kind_of(node) == ROOMCTL_CONFIG_LIST
                                          ? roomctl_config_at(node, i, NULL) : node;
        const char *text = roomctl_config_scalar(entry);
        if (mapping && roomctl_config_kind_of(entry) == ROOMCTL_CONFIG_MAPPING) {
            mapping(l, entry);
            continue;
        }
        if (!text || !*text) {
            fail(l, entry, "expected %s in '%s', got %s", what, key,
                 text ? "an empty value" : kind_name(entry));
            continue;
        }
        if (check && !check(l, entry, text))
            continue;
        g_ptr_array_add(out, is_path ? resolve_path(l, text) : g_strdup(text));
    }
}

static gboolean check_room(loader *l, const roomctl_config *node, const char *text)
{
    if (jid_looks_valid(text, TRUE, FALSE))
        return TRUE;
    fail(l, node, "'%s' is not a room address; expected the room's bare JID, "
                  "e.g. lobby@conference.example.org", text);
    return FALSE;
}

static gboolean check_account(loader *l, const roomctl_config *node, const char *text)
{
    if (jid_looks_valid(text, TRUE, TRUE))
        return TRUE;
    fail(l, node, "'%s' is not an account address; expected a bare JID, "
                  "e.g. alice@example.org", text);
    return FALSE;
}

/* `- {jid: ROOM, moderators: [JID…]}`: a room with its own moderator list. */
static void load_room_entry(loader *l, const roomctl_config *entry)
{
    check_keys(l, entry, "a room entry", room_keys);
    const char *jid = scalar_at(l, entry, "jid");
    if (!jid) {
        if (!roomctl_config_child(entry, "jid"))
            fail(l, entry, "missing 'jid' in room entry; expected the room's bare JID, "
                           "e.g. jid: lobby@conference.example.org");
        return;
    }
    if (!check_room(l, roomctl_config_child(entry, "jid"), jid))
        return;
    g_ptr_array_add(l->config->rooms, g_strdup(jid));
    if (!roomctl_config_child(entry, "moderators"))
        return;
    GPtrArray *moderators = g_ptr_array_new_with_free_func(g_free);
    load_text_list(l, entry, "moderators", "account JID", moderators, check_account, NULL, FALSE);
    g_hash_table_replace(l->config->room_moderators, g_strdup(jid), moderators);
}

static void load_rooms(loader *l, const roomctl_config *root)
{
    const roomctl_config *room = roomctl_config_child(root, "room");
    const roomctl_config *rooms = roomctl_config_child(root, "rooms");
    if (room && rooms) {
        fail(l, rooms, "give 'room' or 'rooms', not both");
        return;
    }
    if (!room && !rooms) {
        fail(l, root, "missing 'room' (or 'rooms'); expected the bare JID of the room "
                      "to follow, e.g. room: lobby@conference.example.org");
        return;
    }
    if (room && roomctl_config_kind_of(room) != ROOMCTL_CONFIG_SCALAR) {
        fail(l, room, "'room' must be one room address, got %s; use 'rooms' for a list",
             kind_name(room));
        return;
    }
    load_text_list(l, root, room ? "room" : "rooms", "room address", l->config->rooms,
                   check_room, rooms ? load_room_entry : NULL, FALSE);
}

static void load_plugin(loader *l, const roomctl_config *entry)
{
    rc_agent_plugin_conf plugin = { NULL, NULL };
    const char *name = roomctl_config_scalar(entry);
    if (roomctl_config_kind_of(entry) == ROOMCTL_CONFIG_MAPPING) {
        check_keys(l, entry, "a plugin entry", plugin_keys);
        name = scalar_at(l, entry, "name");
        if (!name && !roomctl_config_child(entry, "name"))
            fail(l, entry, "missing 'name' in plugin entry; expected e.g. name: ui-state");
        plugin.section = roomctl_config_child(entry, "config");
        if (plugin.section && roomctl_config_kind_of(plugin.section) != ROOMCTL_CONFIG_MAPPING) {
            fail(l, plugin.section, "'config' must be a mapping (the plugin's settings), got %s",
                 kind_name(plugin.section));
            return;
        }
    } else if (!name || !*name) {
        fail(l, entry, "expected a plugin: a name or a mapping with name and config, got %s",
             name ? "an empty value" : kind_name(entry));
        return;
    }
    if (!name)
        return;
    for (guint i = 0; i < l->config->plugins->len; i++)
        if (!strcmp(g_array_index(l->config->plugins, rc_agent_plugin_conf, i).name, name)) {
            fail(l, entry, "plugin '%s' is listed twice", name);
            return;
        }
    plugin.name = strchr(name, '/') ? resolve_path(l, name) : g_strdup(name);
    g_array_append_val(l->config->plugins, plugin);
}

static void load_plugins(loader *l, const roomctl_config *root)
{
    const roomctl_config *plugins = roomctl_config_child(root, "plugins");
    if (!plugins)
        return;
    if (roomctl_config_kind_of(plugins) != ROOMCTL_CONFIG_LIST) {
        fail(l, plugins, "'plugins' must be a list of {name, config} entries, got %s",
             kind_name(plugins));
        return;
    }
    for (gsize i = 0; i < roomctl_config_length(plugins); i++)
        load_plugin(l, roomctl_config_at(plugins, i, NULL));
}

static void load_misc(loader *l, const roomctl_config *root)
{
    const char *level = scalar_at(l, root, "log_level");
    if (level && !rc_agent_log_level_parse(level, &l->config->log_level))
        fail(l, roomctl_config_child(root, "log_level"),
             "unknown log_level '%s'; expected error, warning, info or debug", level);
    const char *chat = scalar_at(l, root, "chat_state_file");
    if (chat)
        l->config->chat_state_file = resolve_path(l, chat);
    const char *journal = scalar_at(l, root, "state_file");
    if (journal)
        l->config->state_file = resolve_path(l, journal);
    load_ms(l, root, "slow_handler_ms", 0, 3600000, &l->config->slow_handler_ms);
    if (roomctl_config_child(root, "moderators")) {
        l->config->moderators = g_ptr_array_new_with_free_func(g_free);
        load_text_list(l, root, "moderators", "account JID", l->config->moderators,
                       check_account, NULL, FALSE);
    }
    const char *gate = scalar_at(l, root, "gate");
    if (gate && (!jid_looks_valid(gate, FALSE, FALSE) || strchr(gate, '@')))
        fail(l, roomctl_config_child(root, "gate"), "'%s' is not a component address; "
             "expected the gate's domain, e.g. gate.example.org", gate);
    else if (gate && roomctl_config_child(root, "moderators"))
        fail(l, roomctl_config_child(root, "gate"), "give 'gate' or 'moderators', not both: "
             "with a gate, only the gate publishes");
    else if (gate && g_hash_table_size(l->config->room_moderators))
        fail(l, roomctl_config_child(root, "gate"), "give 'gate' or rooms with their own "
             "'moderators', not both: with a gate, only the gate publishes");
    else if (gate)
        l->config->gate = g_strdup(gate);
    int64_t size = 0;
    int rc = roomctl_config_get_int(root, "max_item_size", &size);
    if (rc == ROOMCTL_PLUGIN_ETYPE || (rc == ROOMCTL_PLUGIN_OK && (size < 1024 || size > G_MAXINT32)))
        fail(l, roomctl_config_child(root, "max_item_size"),
             "'max_item_size' must be a number of bytes from 1024 to %d (default %d, 1 MiB)",
             G_MAXINT32, ROOMCTL_DEFAULT_MAX_ITEM_SIZE);
    else if (rc == ROOMCTL_PLUGIN_OK)
        l->config->max_item_size = (gsize)size;
}

static void plugin_conf_clear(gpointer data)
{
    g_free(((rc_agent_plugin_conf *)data)->name);
}

static rc_agent_config *load_tree(const char *name, roomctl_config *tree,
                                  const char *default_schema_dir,
                                  const char *default_plugin_dir, GError **error)
{
    rc_agent_config *config = g_new0(rc_agent_config, 1);
    config->file = g_strdup(name);
    config->tree = tree;
    config->log_level = ROOMCTL_LOG_INFO;
    config->slow_handler_ms = -1;
    config->rooms = g_ptr_array_new_with_free_func(g_free);
    config->schema_dirs = g_ptr_array_new_with_free_func(g_free);
    config->plugin_dirs = g_ptr_array_new_with_free_func(g_free);
    config->plugins = g_array_new(FALSE, TRUE, sizeof(rc_agent_plugin_conf));
    config->room_moderators = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                    (GDestroyNotify)g_ptr_array_unref);
    g_array_set_clear_func(config->plugins, plugin_conf_clear);

    loader l = { config, g_string_new(NULL), g_path_get_dirname(name) };
    if (roomctl_config_kind_of(tree) != ROOMCTL_CONFIG_MAPPING) {
        fail(&l, tree, "expected a mapping with account, server, room, schema_dirs, "
                       "plugin_dirs and plugins, got %s", kind_name(tree));
    } else {
        check_keys(&l, tree, "the agent configuration", top_keys);
        load_account(&l, tree);
        load_server(&l, tree);
        load_rooms(&l, tree);
        load_text_list(&l, tree, "schema_dirs", "folder", config->schema_dirs, NULL, NULL, TRUE);
        load_text_list(&l, tree, "plugin_dirs", "folder", config->plugin_dirs, NULL, NULL,
                       TRUE);
        load_plugins(&l, tree);
        load_misc(&l, tree);
    }
    if (config->schema_dirs->len == 0 && default_schema_dir &&
        !roomctl_config_child(tree, "schema_dirs"))
        g_ptr_array_add(config->schema_dirs, g_strdup(default_schema_dir));
    if (config->plugin_dirs->len == 0 && default_plugin_dir &&
        !roomctl_config_child(tree, "plugin_dirs"))
        g_ptr_array_add(config->plugin_dirs, g_strdup(default_plugin_dir));

    g_free(l.base_dir);
    if (l.errors->len) {
        g_set_error_literal(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONFIG, l.errors->str);
        g_string_free(l.errors, TRUE);
        rc_agent_config_free(config);
        return NULL;
    }
    g_string_free(l.errors, TRUE);
    return config;
}

rc_agent_config *rc_agent_config_load(const char *path, const char *default_schema_dir,
                                      const char *default_plugin_dir, GError **error)
{
    GError *unread = NULL;
    roomctl_config *tree = roomctl_config_load_file(path, &unread);
    /* A configuration that cannot be read is a bad configuration (exit 3
     * for the agent and the gate), not a failure while running. */
    if (unread && unread->code == ROOMCTL_ERR_IO)
        unread->code = ROOMCTL_ERR_CONFIG;
    if (unread)
        g_propagate_error(error, unread);
    return tree ? load_tree(path, tree, default_schema_dir, default_plugin_dir, error) : NULL;
}

rc_agent_config *rc_agent_config_load_string(const char *name, const char *yaml,
                                             const char *default_schema_dir,
                                             const char *default_plugin_dir, GError **error)
{
    roomctl_config *tree = roomctl_config_load_string(name, yaml, -1, error);
    return tree ? load_tree(name, tree, default_schema_dir, default_plugin_dir, error) : NULL;
}

void rc_agent_config_free(rc_agent_config *config)
{
    if (!config)
        return;
    g_free(config->file);
    g_free(config->jid);
    rc_password_free(config->password);
    g_free(config->host);
    g_free(config->tls_ca_file);
    g_free(config->pubsub_service);
    g_ptr_array_unref(config->rooms);
    g_ptr_array_unref(config->schema_dirs);
    g_ptr_array_unref(config->plugin_dirs);
    g_array_unref(config->plugins);
    g_free(config->chat_state_file);
    g_free(config->state_file);
    if (config->moderators)
        g_ptr_array_unref(config->moderators);
    g_hash_table_unref(config->room_moderators);
    g_free(config->gate);
    roomctl_config_free(config->tree);
    g_free(config);
}

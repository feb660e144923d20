/* roomctl-gate's configuration: the agent's reader for the common part, and
 * the `component:` section here. */
#include "gate_config.h"

#include <string.h>

#define DEFAULT_NICK "roomctl-gate"

static void fail(GString *errors, const roomctl_config *node, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

static void fail(GString *errors, const roomctl_config *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (errors->len)
        g_string_append_c(errors, '\n');
    g_string_append_printf(errors, "%s: error: %s", roomctl_config_location(node), text);
}

/* allow: {role: moderator} | {affiliation: owner|admin} */
static void load_allow(rc_gate_config *config, const roomctl_config *allow, GString *errors)
{
    const char *role = roomctl_config_scalar(roomctl_config_child(allow, "role"));
    const char *aff = roomctl_config_scalar(roomctl_config_child(allow, "affiliation"));
    if (roomctl_config_kind_of(allow) != ROOMCTL_CONFIG_MAPPING ||
        roomctl_config_length(allow) != 1 || (!role && !aff)) {
        fail(errors, allow, "'allow' must be {role: moderator} or {affiliation: owner} or "
                            "{affiliation: admin}");
    } else if (role && strcmp(role, "moderator")) {
        fail(errors, roomctl_config_child(allow, "role"),
             "unknown role '%s' in allow; expected moderator", role);
    } else if (aff && !strcmp(aff, "owner")) {
        config->allow = RC_ALLOW_AFFILIATION_OWNER;
    } else if (aff && !strcmp(aff, "admin")) {
        config->allow = RC_ALLOW_AFFILIATION_ADMIN;
    } else if (aff) {
        fail(errors, roomctl_config_child(allow, "affiliation"),
             "unknown affiliation '%s' in allow; expected owner or admin (admin includes "
             "owners)", aff);
    }
}

static gboolean rescan(const char *text, guint *out)
{
    char *end = NULL;
    guint64 ms = g_ascii_strtoull(text, &end, 10);
    if (!*text || *end || ms < 100 || ms > 3600000)
        return FALSE;
    *out = (guint)ms;
    return TRUE;
}

static rc_gate_config *finish(rc_agent_config *base, GError **error)
{
    if (!base)
        return NULL;
    rc_gate_config *config = g_new0(rc_gate_config, 1);
    config->base = base;
    config->allow = RC_ALLOW_ROLE_MODERATOR;
    g_autoptr(GString) errors = g_string_new(NULL);
    const roomctl_config *root = base->tree;
    const roomctl_config *account = roomctl_config_child(root, "account");
    if (strchr(base->jid, '@') || strchr(base->jid, '/'))
        fail(errors, roomctl_config_child(account, "jid"),
             "'%s' is not a component address; expected a domain such as gate.example.org "
             "(the server's Component line)", base->jid);
    else if (!base->password)
        fail(errors, account, "missing password_file or password_env in account: the "
                              "component secret the server's configuration gives");
    const roomctl_config *component = roomctl_config_child(root, "component");
    if (component && roomctl_config_kind_of(component) != ROOMCTL_CONFIG_MAPPING) {
        fail(errors, component, "'component' must be a mapping with nick and allow");
        component = NULL;
    }
    for (gsize i = 0; component && i < roomctl_config_length(component); i++) {
        const char *key = NULL;
        const roomctl_config *child = roomctl_config_at(component, i, &key);
        const char *text = roomctl_config_scalar(child);
        if (!strcmp(key, "nick") && text && *text && !strchr(text, '/'))
            config->nick = g_strdup(text);
        else if (!strcmp(key, "nick"))
            fail(errors, child, "'nick' must be a nickname (text without '/')");
        else if (!strcmp(key, "allow"))
            load_allow(config, child, errors);
        else if (!strcmp(key, "rescan_ms") && text && rescan(text, &config->rescan_ms))
            ;
        else if (!strcmp(key, "rescan_ms"))
            fail(errors, child, "'rescan_ms' must be a number of milliseconds from 100 to "
                                "3600000");
        else
            fail(errors, child, "unknown key '%s' in component; expected nick, allow or "
                                "rescan_ms", key);
    }
    if (!config->nick)
        config->nick = g_strdup(DEFAULT_NICK);
    if (base->plugins->len)
        fail(errors, roomctl_config_child(root, "plugins"),
             "the gate runs no plugins; 'plugins' belongs in an agent's configuration");
    if (errors->len) {
        g_set_error_literal(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONFIG, errors->str);
        rc_gate_config_free(config);
        return NULL;
    }
    return config;
}

rc_gate_config *rc_gate_config_load(const char *path, const char *default_schema_dir,
                                    GError **error)
{
    return finish(rc_agent_config_load(path, default_schema_dir, NULL, error), error);
}

rc_gate_config *rc_gate_config_load_string(const char *name, const char *yaml,
                                           const char *default_schema_dir, GError **error)
{
    return finish(rc_agent_config_load_string(name, yaml, default_schema_dir, NULL, error),
                  error);
}

void rc_gate_config_free(rc_gate_config *config)
{
    if (!config)
        return;
    rc_agent_config_free(config->base);
    g_free(config->nick);
    g_free(config);
}

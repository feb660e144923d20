/* The steps of a conformance case: items, replays, retractions, purges, a
 * restart, and checks of the files and log lines a plugin leaves. */
#include <string.h>

#include "kit.h"
#include "codec.h"

const char *const rc_kit_actions[] = { "item", "replay", "retract", "purge", "restart", "file",
                                       "log", NULL };

static void log_line(roomctl_log_level level, const char *domain, const char *message,
                     void *user_data)
{
    static const char *const names[] = { "error", "warning", "info", "debug" };
    g_string_append_printf(user_data, "%s %s: %s\n", names[level], domain, message);
}

/* The host's chat hook, as an agent has one: recorded in the log. */
static gboolean chat_power(gboolean enabled, const char *reason, void *user_data,
                           GError **error)
{
    (void)error;
    g_string_append_printf(user_data, "chat turned %s%s%s\n", enabled ? "on" : "off",
                           reason ? ": " : "", reason ? reason : "");
    return TRUE;
}

gboolean rc_kit_start(rc_kit_case *c, GString *why)
{
    roomctl_set_log_handler(log_line, c->log);
    roomctl_set_log_level(ROOMCTL_LOG_DEBUG);
    c->host = roomctl_host_new(c->registry);
    roomctl_host_set_chat_power_hook(c->host, chat_power, c->log, NULL);
    GError *error = NULL;
    if (roomctl_host_load(c->host, c->plugin_path, c->section, &error))
        return TRUE;
    g_string_append_printf(why, "the plugin did not start: %s", error->message);
    g_error_free(error);
    return FALSE;
}

void rc_kit_stop(rc_kit_case *c)
{
    roomctl_host_free(c->host);
    c->host = NULL;
}

/* ${TMP}/NAME for a relative NAME. */
static char *case_path(const rc_kit_case *c, const char *name)
{
    return g_path_is_absolute(name) ? g_strdup(name) : g_build_filename(c->tmp, name, NULL);
}

/* An item from a mapping {type, version?, FIELD: VALUE | [VALUES]}. */
static roomctl_item *make_item(rc_kit_case *c, const roomctl_config *node, gboolean replay,
                               GString *why)
{
    const char *type = roomctl_config_get_string(node, "type", NULL);
    int64_t version = 0;
    if (roomctl_config_kind_of(node) != ROOMCTL_CONFIG_MAPPING || !type) {
        g_string_append(why, "expected a mapping with 'type' and the fields");
        return NULL;
    }
    if (roomctl_config_get_int(node, "version", &version) == ROOMCTL_PLUGIN_ETYPE) {
        g_string_append(why, "'version' must be an integer");
        return NULL;
    }
    GError *error = NULL;
    roomctl_item_builder *b = roomctl_item_builder_new(c->registry, type, (int)version, &error);
    for (size_t i = 0; b && !error && i < roomctl_config_length(node); i++) {
        const char *key;
        const roomctl_config *value = roomctl_config_at(node, i, &key);
        if (!strcmp(key, "type") || !strcmp(key, "version") || !strcmp(key, "from"))
            continue;
        if (roomctl_config_kind_of(value) == ROOMCTL_CONFIG_LIST) {
            for (size_t e = 0; !error && e < roomctl_config_length(value); e++) {
                const char *text = roomctl_config_scalar(roomctl_config_at(value, e, NULL));
                roomctl_item_builder_set(b, key, text ? text : "", &error);
            }
        } else {
            const char *text = roomctl_config_scalar(value);
            roomctl_item_builder_set(b, key, text ? text : "", &error);
        }
    }
    roomctl_item *item = NULL;
    if (b && !error)
        item = roomctl_item_builder_finish(b, &error);
    else
        roomctl_item_builder_free(b);
    if (!item) {
        g_string_append_printf(why, "not a valid item: %s", error->message);
        g_error_free(error);
        return NULL;
    }
    rc_item_set_origin(item, c->room, roomctl_config_get_string(node, "from", "moderator@localhost"),
                       replay);
    return item;
}

/* Hand an item to the plugin; `expect: ok` (default), `fail` (with
 * `reason:` TEXT in the handler's reason) or `ignored` (no handler ran). */
static gboolean dispatch(rc_kit_case *c, const roomctl_config *step, const roomctl_config *node,
                         gboolean replay, GString *why)
{
    roomctl_item *item = make_item(c, node, replay, why);
    if (!item)
        return FALSE;
    const char *expect = roomctl_config_get_string(step, "expect", "ok");
    const char *reason = roomctl_config_get_string(step, "reason", NULL);
    GPtrArray *results = NULL;
    guint failed = roomctl_host_dispatch(c->host, item, &results);
    GString *got = g_string_new(NULL);
    const char *first_reason = NULL;
    for (guint i = 0; i < results->len; i++) {
        const roomctl_handler_result *r = g_ptr_array_index(results, i);
        g_string_append_printf(got, "%s%s %s%s%s", i ? "; " : "", r->plugin,
                               r->ok ? "applied it" : "failed: ", r->ok ? "" : r->reason, "");
        if (!r->ok && !first_reason)
            first_reason = r->reason;
    }
    gboolean ok;
    if (!strcmp(expect, "ignored"))
        ok = results->len == 0;
    else if (!strcmp(expect, "fail"))
        ok = failed > 0 && (!reason || (first_reason && strstr(first_reason, reason)));
    else
        ok = results->len > 0 && failed == 0;
    if (!ok)
        g_string_append_printf(why, "%s %s: expected %s%s%s%s, got %s",
                               replay ? "replayed" : "item", roomctl_item_id(item), expect,
                               reason ? " with '" : "", reason ? reason : "", reason ? "'" : "",
                               results->len ? got->str : "no handler ran");
    g_string_free(got, TRUE);
    g_ptr_array_unref(results);
    roomctl_item_unref(item);
    return ok;
}

/* `file: NAME` with `contains: TEXT`, `lacks: TEXT`, or `exists: false`. */
static gboolean check_file(rc_kit_case *c, const roomctl_config *step, const char *name,
                           GString *why)
{
    char *path = case_path(c, name);
    char *text = NULL;
    gboolean found = g_file_get_contents(path, &text, NULL, NULL);
    int exists = 1;
    roomctl_config_get_bool(step, "exists", &exists);
    const char *contains = roomctl_config_get_string(step, "contains", NULL);
    const char *lacks = roomctl_config_get_string(step, "lacks", NULL);
    gboolean ok = TRUE;
    if (!exists && found) {
        g_string_append_printf(why, "file %s: expected it not to exist", path);
        ok = FALSE;
    } else if (exists && !found) {
        g_string_append_printf(why, "file %s: expected it to exist", path);
        ok = FALSE;
    } else if (found && ((contains && !strstr(text, contains)) ||
                         (lacks && strstr(text, lacks)))) {
        g_string_append_printf(why, "file %s: expected it to %s '%s'; it holds: %s", path,
                               contains && !strstr(text, contains) ? "contain" : "lack",
                               contains && !strstr(text, contains) ? contains : lacks, text);
        ok = FALSE;
    }
    g_free(text);
    g_free(path);
    return ok;
}

gboolean rc_kit_step(rc_kit_case *c, const roomctl_config *step, GString *why)
{
    const char *action = NULL;
    const roomctl_config *arg = NULL;
    for (const char *const *a = rc_kit_actions; *a && !arg; a++)
        if ((arg = roomctl_config_child(step, *a)))
            action = *a;
    gsize start = why->len;
    g_string_append_printf(why, "%s: ", roomctl_config_location(step));
    const char *text = roomctl_config_scalar(arg);
    gboolean ok = TRUE;
    if (!strcmp(action, "item") || !strcmp(action, "replay")) {
        ok = dispatch(c, step, arg, !strcmp(action, "replay"), why);
    } else if (!strcmp(action, "retract") && text) {
        /* The type is the id's part before the first ':' (the whole id for
         * a type with key: []). */
        const char *colon = strchr(text, ':');
        char *type = colon ? g_strndup(text, colon - text) : g_strdup(text);
        roomctl_host_reset(c->host, c->room, type, text);
        g_free(type);
    } else if (!strcmp(action, "purge")) {
        roomctl_host_purge(c->host, c->room);
    } else if (!strcmp(action, "restart")) {
        rc_kit_stop(c);
        ok = rc_kit_start(c, why);
    } else if (!strcmp(action, "file") && text) {
        ok = check_file(c, step, text, why);
    } else if (!strcmp(action, "log") && text) {
        ok = strstr(c->log->str, text) != NULL;
        if (!ok)
            g_string_append_printf(why, "expected '%s' in the log; it holds:\n%s", text,
                                   c->log->str);
    } else {
        g_string_append_printf(why, "%s: expected a single value", action);
        ok = FALSE;
    }
    if (ok)
        g_string_truncate(why, start);
    return ok;
}

/* A plugin's declared settings (SDK 1.4): the host checks a configuration
 * section against them before init, and describes them for people. */
#include <string.h>

#include "host_private.h"
#include "config_tree.h"
#include "error_list.h"
#include "schema_private.h"
#include "suggest.h"

/* ---- Checking a section -------------------------------------------------------- */

typedef struct {
    const char *plugin;
    GError *errors;
} checker;

static void problem(checker *c, const roomctl_config *node, gboolean at_key, const char *fmt,
                    ...) G_GNUC_PRINTF(4, 5);
static void problem(checker *c, const roomctl_config *node, gboolean at_key, const char *fmt,
                    ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* The host makes up an empty section when none was given: no place. */
    char *where = !node || !*roomctl_config_location(node) ? g_strdup("")
                  : at_key && rc_config_key_line(node)
                      ? g_strdup_printf("%s:%u:%u: ", rc_config_file(node),
                                        rc_config_key_line(node), rc_config_key_column(node))
                      : g_strdup_printf("%s: ", roomctl_config_location(node));
    char *line = g_strdup_printf("%serror: plugin '%s': %s", where, c->plugin, text);
    rc_error_append(&c->errors, ROOMCTL_ERR_CONFIG, line);
    g_free(line);
    g_free(where);
    g_free(text);
}

static const char *type_text(roomctl_setting_type type)
{
    switch (type) {
    case ROOMCTL_SETTING_STRING: return "a string";
    case ROOMCTL_SETTING_PATH: return "a path";
    case ROOMCTL_SETTING_INT: return "an integer";
    case ROOMCTL_SETTING_BOOL: return "true or false";
    case ROOMCTL_SETTING_LIST: return "a list";
    }
    return "a value";
}

static void check_section(checker *c, const roomctl_setting *table, const roomctl_config *section,
                          const char *inside);

static void check_value(checker *c, const roomctl_setting *s, const roomctl_config *node,
                        const char *path)
{
    const char *text = roomctl_config_scalar(node);
    gint64 number;
    switch (s->type) {
    case ROOMCTL_SETTING_STRING:
    case ROOMCTL_SETTING_PATH:
        if (!text || (s->type == ROOMCTL_SETTING_PATH && !*text))
            problem(c, node, FALSE, "setting '%s': expected %s", path, type_text(s->type));
        break;
    case ROOMCTL_SETTING_INT:
        if (!text || !rc_parse_int(text, &number))
            problem(c, node, FALSE, "setting '%s': expected an integer, got %s%s%s", path,
                    text ? "'" : "", text ? text : "a structure", text ? "'" : "");
        else if (s->min < s->max && (number < s->min || number > s->max))
            problem(c, node, FALSE, "setting '%s': %s is out of range: expected %" G_GINT64_FORMAT
                    " to %" G_GINT64_FORMAT, path, text, (gint64)s->min, (gint64)s->max);
        break;
    case ROOMCTL_SETTING_BOOL:
        if (!text || (strcmp(text, "true") && strcmp(text, "false")))
            problem(c, node, FALSE, "setting '%s': expected true or false, got %s%s%s", path,
                    text ? "'" : "", text ? text : "a structure", text ? "'" : "");
        break;
    case ROOMCTL_SETTING_LIST:
        if (roomctl_config_kind_of(node) != ROOMCTL_CONFIG_LIST) {
            problem(c, node, FALSE, "setting '%s': expected a list", path);
            break;
        }
        for (size_t i = 0; i < roomctl_config_length(node); i++) {
            const roomctl_config *element = roomctl_config_at(node, i, NULL);
            char *inside = g_strdup_printf("%s[%zu]", path, i);
            if (s->entries && roomctl_config_kind_of(element) != ROOMCTL_CONFIG_MAPPING)
                problem(c, element, FALSE, "setting '%s': expected a mapping", inside);
            else if (s->entries)
                check_section(c, s->entries, element, inside);
            else if (!roomctl_config_scalar(element))
                problem(c, element, FALSE, "setting '%s': expected a single value", inside);
            g_free(inside);
        }
        break;
    }
}

/* Every key of @section against @table; @inside names an entry of a list
 * ("commands[0]"), NULL at the top. */
static void check_section(checker *c, const roomctl_setting *table, const roomctl_config *section,
                          const char *inside)
{
    GPtrArray *names = g_ptr_array_new();
    for (const roomctl_setting *s = table; s->name; s++)
        g_ptr_array_add(names, (gpointer)s->name);
    g_ptr_array_add(names, NULL);
    for (size_t i = 0; i < roomctl_config_length(section); i++) {
        const char *key;
        const roomctl_config *node = roomctl_config_at(section, i, &key);
        char *path = inside ? g_strdup_printf("%s.%s", inside, key) : g_strdup(key);
        const roomctl_setting *s = table;
        while (s->name && strcmp(s->name, key))
            s++;
        if (s->name) {
            check_value(c, s, node, path);
        } else {
            const char *near = rc_closest_word(key, (const char *const *)names->pdata);
            char *known = g_strjoinv(", ", (char **)names->pdata);
            if (near)
                problem(c, node, TRUE, "unknown setting '%s' (did you mean '%s'?)", path, near);
            else if (*known)
                problem(c, node, TRUE, "unknown setting '%s' (known: %s)", path, known);
            else
                problem(c, node, TRUE, "unknown setting '%s' (this plugin takes none)", path);
            g_free(known);
        }
        g_free(path);
    }
    for (const roomctl_setting *s = table; s->name; s++)
        if (s->required && !roomctl_config_child(section, s->name)) {
            char *path = inside ? g_strdup_printf("%s.%s", inside, s->name) : g_strdup(s->name);
            problem(c, roomctl_config_length(section) ? section : NULL, FALSE,
                    "missing setting '%s' (%s)", path, s->help ? s->help : "required");
            g_free(path);
        }
    g_ptr_array_unref(names);
}

gboolean rc_plugin_settings_check(const roomctl_plugin_descriptor *d,
                                  const roomctl_config *config, GError **error)
{
    if (!d->settings)
        return TRUE; /* the plugin declares none (or predates 1.4, whose slot
                      * was zero): it reads its section alone */
    checker c = { d->name, NULL };
    if (config && roomctl_config_length(config) &&
        roomctl_config_kind_of(config) != ROOMCTL_CONFIG_MAPPING)
        problem(&c, config, FALSE, "its configuration must be a mapping of settings");
    else
        check_section(&c, d->settings, config, NULL);
    if (!c.errors)
        return TRUE;
    g_propagate_error(error, c.errors);
    return FALSE;
}

/* ---- Describing them ------------------------------------------------------------ */

static void describe_table(GString *out, const roomctl_setting *table, int indent)
{
    int width = 4;
    for (const roomctl_setting *s = table; s->name; s++)
        width = MAX(width, (int)strlen(s->name));
    for (const roomctl_setting *s = table; s->name; s++) {
        g_string_append_printf(out, "%*s%-*s  %s", indent, "", width, s->name,
                               s->type == ROOMCTL_SETTING_LIST && s->entries
                                   ? "a list of mappings" : type_text(s->type));
        if (s->type == ROOMCTL_SETTING_INT && s->min < s->max)
            g_string_append_printf(out, " from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT, (gint64)s->min,
                                   (gint64)s->max);
        if (s->required)
            g_string_append(out, ", required");
        if (s->default_text)
            g_string_append_printf(out, ", default %s", s->default_text);
        g_string_append_c(out, '\n');
        if (s->help)
            g_string_append_printf(out, "%*s%*s  %s\n", indent, "", width, "", s->help);
        if (s->entries)
            describe_table(out, s->entries, indent + width + 2);
    }
}

char *rc_plugin_settings_describe(const roomctl_plugin_descriptor *d, const char *path)
{
    GString *out = g_string_new(NULL);
    g_string_append_printf(out, "%s %s\n  %s\n\n  file:     %s\n  ABI:      %u.%u\n\n", d->name,
                           d->version ? d->version : "",
                           d->description ? d->description : "", path,
                           (unsigned)d->abi_major, (unsigned)d->abi_minor);
    if (!d->settings) {
        g_string_append(out, "  settings: not declared (built before SDK 1.4, or the plugin "
                             "does not say): the host does not check its section\n");
    } else if (!d->settings->name) {
        g_string_append(out, "  settings: none\n");
    } else {
        g_string_append(out, "  settings:\n");
        describe_table(out, d->settings, 4);
    }
    return g_string_free(out, FALSE);
}

/* The schema loader's problems and the scalars of a schema file: each read
 * either gives a value or reports, at the node, what was expected. */
#include <string.h>

#include "schema_loader.h"
#include "suggest.h"

void rc_loader_report(loader *l, guint line, guint column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    schema_error p = { line, column, g_strdup_vprintf(fmt, ap) };
    va_end(ap);
    g_array_append_val(l->problems, p);
}

char *rc_loader_suggest(const char *word, const char *const *candidates)
{
    const char *best = rc_closest_word(word, candidates);
    if (best)
        return g_strdup_printf(" (did you mean '%s'?)", best);
    char *list = g_strjoinv(", ", (char **)candidates);
    char *text = g_strdup_printf(" (expected one of: %s)", list);
    g_free(list);
    return text;
}

const char *rc_loader_scalar(loader *l, const roomctl_config *node, const char *what)
{
    const char *text = roomctl_config_scalar(node);
    if (!text || rc_config_is_null(node)) {
        rc_loader_report(l, AT(node), "%s needs a value", what);
        return NULL;
    }
    return text;
}

gboolean rc_loader_integer(loader *l, const roomctl_config *node, const char *what, gint64 *out)
{
    const char *text = rc_loader_scalar(l, node, what);
    if (!text)
        return FALSE;
    if (!rc_parse_int(text, out)) {
        rc_loader_report(l, AT(node), "%s must be an integer, got '%s'", what, text);
        return FALSE;
    }
    return TRUE;
}

gboolean rc_loader_count(loader *l, const roomctl_config *node, const char *what, gint64 *out)
{
    if (!rc_loader_integer(l, node, what, out))
        return FALSE;
    if (*out < 0) {
        rc_loader_report(l, AT(node), "%s must be >= 0, got %" G_GINT64_FORMAT, what, *out);
        return FALSE;
    }
    return TRUE;
}

gboolean rc_loader_boolean(loader *l, const roomctl_config *node, const char *what, gboolean *out)
{
    const char *text = rc_loader_scalar(l, node, what);
    if (!text)
        return FALSE;
    if (strcmp(text, "true") && strcmp(text, "false")) {
        rc_loader_report(l, AT(node), "%s must be true or false, got '%s'", what, text);
        return FALSE;
    }
    *out = !strcmp(text, "true");
    return TRUE;
}

char **rc_loader_string_list(loader *l, const roomctl_config *node, const char *what)
{
    if (roomctl_config_kind_of(node) != ROOMCTL_CONFIG_LIST) {
        rc_loader_report(l, AT(node), "%s must be a list, like [a, b]", what);
        return NULL;
    }
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    for (gsize i = 0; i < roomctl_config_length(node); i++) {
        const roomctl_config *item = roomctl_config_at(node, i, NULL);
        const char *text = rc_loader_scalar(l, item, what);
        if (!text) {
            g_ptr_array_free(out, TRUE);
            return NULL;
        }
        g_ptr_array_add(out, g_strdup(text));
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

gboolean rc_loader_name_ok(const char *name, gboolean dotted)
{
    gboolean word_start = TRUE;
    int dots = 0;
    for (const char *p = name; *p; p++) {
        if (word_start ? g_ascii_islower(*p)
                       : (g_ascii_islower(*p) || g_ascii_isdigit(*p) || *p == '_')) {
            word_start = FALSE;
        } else if (dotted && *p == '.' && !word_start) {
            word_start = TRUE;
            dots++;
        } else {
            return FALSE;
        }
    }
    return !word_start && (!dotted || dots > 0);
}

/* `roomctl schema gen-c TYPE[@VERSION]… -o FILE.h`: typed accessors for
 * plugins (issue 17), after gdbus-codegen and rosidl: a struct per type and
 * version and a static inline function that fills it from an item, with
 * the SDK accessors' error codes.  The header needs <roomctl/plugin.h> only
 * and compiles as C99 with -Wall -Wextra -Werror (tests/test_gen_c.sh). */
#include <stdio.h>
#include <string.h>

#include <roomctl/roomctl.h>
#include "schema_private.h"
#include "commands.h"
#include "cmd_schema_evolve.h"

/* C keywords a field name may collide with: they get a trailing '_'. */
static const char *const c_keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while", "bool", "true", "false", NULL
};

static char *member(const rc_field *f)
{
    return g_strv_contains(c_keywords, f->name) ? g_strconcat(f->name, "_", NULL)
                                                : g_strdup(f->name);
}

/* "ui.button", 2 -> "ui_button_v2" (and upper case for macros). */
static char *c_name(const roomctl_schema *s, gboolean upper)
{
    char *base = g_strdelimit(g_strdup(s->type), ".", '_');
    char *name = g_strdup_printf(upper ? "%s_V%d" : "%s_v%d", base, s->version);
    g_free(base);
    if (upper) {
        char *up = g_ascii_strup(name, -1);
        g_free(name);
        return up;
    }
    return name;
}

/* Text from a schema inside a C comment: no comment end, one line. */
static void comment_text(GString *out, const char *text)
{
    for (const char *p = text; p && *p; p++) {
        if (p[0] == '*' && p[1] == '/')
            g_string_append(out, "* ");
        else if (*p == '\n' || *p == '\r')
            g_string_append_c(out, ' ');
        else
            g_string_append_c(out, *p);
    }
}

/* A field always has a value when it is required or has a default. */
static gboolean always_set(const rc_field *f)
{
    return f->required || f->has_default;
}

/* How a field of each scalar type is kept and which SDK accessor reads it;
 * bytes and lists take two members each. */
static const struct {
    const char *c_type;
    const char *getter;
} scalars[] = {
    [ROOMCTL_FIELD_STRING] = { "const char *", "string" },
    [ROOMCTL_FIELD_INT] = { "int64_t ", "int" },
    [ROOMCTL_FIELD_NUMBER] = { "double ", "number" },
    [ROOMCTL_FIELD_BOOL] = { "int ", "bool" },
    [ROOMCTL_FIELD_URL] = { "const char *", "string" },
    [ROOMCTL_FIELD_JID] = { "const char *", "string" },
    [ROOMCTL_FIELD_TIMESTAMP] = { "int64_t ", "timestamp" },
};

static void struct_members(GString *out, const roomctl_schema *s)
{
    for (guint i = 0; i < s->n_fields; i++) {
        const rc_field *f = &s->fields[i];
        char *m = member(f);
        if (f->type == ROOMCTL_FIELD_BYTES)
            g_string_append_printf(out, "    const uint8_t *%s;\n    size_t %s_len;", m, m);
        else if (f->type == ROOMCTL_FIELD_LIST)
            g_string_append_printf(out, "    const roomctl_value *%s; /* read with "
                                   "roomctl_value_list_at() */\n    size_t %s_count;", m, m);
        else
            g_string_append_printf(out, "    %s%s;", scalars[f->type].c_type, m);
        g_string_append_printf(out, " /* %s%s",
                               f->type == ROOMCTL_FIELD_TIMESTAMP ? "timestamp, us since the epoch"
                                                                  : rc_field_type_name(f->type),
                               f->required ? ", required" : "");
        if (f->has_default) {
            g_string_append(out, ", default ");
            comment_text(out, f->default_value.text ? f->default_value.text : "(list)");
        }
        g_string_append(out, " */\n");
        if (!always_set(f))
            g_string_append_printf(out, "    int has_%s; /* 1 when the item gives %s */\n",
                                   f->name, f->name);
        g_free(m);
    }
}

/* The statements that read field @f into out->MEMBER. */
static void read_field(GString *out, const rc_field *f)
{
    char *m = member(f);
    const char *indent = always_set(f) ? "    " : "        ";
    if (!always_set(f))
        g_string_append_printf(out, "    out->has_%s = roomctl_item_has(item, \"%s\");\n"
                               "    if (out->has_%s) {\n", f->name, f->name, f->name);
    g_string_append_printf(out, "%sif (field)\n%s    *field = \"%s\";\n", indent, indent,
                           f->name);
    if (f->type == ROOMCTL_FIELD_BYTES)
        g_string_append_printf(out, "%src = roomctl_item_get_bytes(item, \"%s\", &out->%s, "
                               "&out->%s_len);\n", indent, f->name, m, m);
    else if (f->type == ROOMCTL_FIELD_LIST)
        g_string_append_printf(out, "%sout->%s = roomctl_item_get(item, \"%s\");\n"
                               "%src = out->%s ? ROOMCTL_PLUGIN_OK : ROOMCTL_PLUGIN_ENOFIELD;\n"
                               "%sout->%s_count = roomctl_value_list_length(out->%s);\n",
                               indent, m, f->name, indent, m, indent, m, m);
    else
        g_string_append_printf(out, "%src = roomctl_item_get_%s(item, \"%s\", &out->%s);\n",
                               indent, scalars[f->type].getter, f->name, m);
    g_string_append_printf(out, "%sif (rc != ROOMCTL_PLUGIN_OK)\n%s    return rc;\n", indent,
                           indent);
    if (!always_set(f))
        g_string_append(out, "    }\n");
    g_free(m);
}

static void one_type(GString *out, const roomctl_schema *s)
{
    char *name = c_name(s, FALSE), *macro = c_name(s, TRUE);
    g_string_append_printf(out, "/* %s version %d (%s)", s->type, s->version,
                           s->kind == ROOMCTL_KIND_STATE ? "state" : "event");
    if (s->description) {
        g_string_append(out, ": ");
        comment_text(out, s->description);
    }
    g_string_append_printf(out, " */\n#define %s_TYPE \"%s\"\n#define %s_VERSION %d\n\n"
                           "typedef struct {\n", macro, s->type, macro, s->version);
    struct_members(out, s);
    g_string_append_printf(out, "} %s;\n\n", name);
    g_string_append_printf(out,
        "/* Fill @out from @item, which must be %s version %d.  Returns\n"
        " * ROOMCTL_PLUGIN_OK; ROOMCTL_PLUGIN_EINVAL for an item of another type or\n"
        " * version; else the accessor's code (ROOMCTL_PLUGIN_ENOFIELD,\n"
        " * ROOMCTL_PLUGIN_ETYPE) with *@field naming the field (@field may be NULL).\n"
        " * Strings, bytes and lists are the item's: they live as long as it does. */\n"
        "static inline int %s_from_item(const roomctl_item *item, %s *out,\n"
        "%*sconst char **field)\n{\n"
        "    int rc = ROOMCTL_PLUGIN_OK;\n"
        "    memset(out, 0, sizeof *out);\n"
        "    if (field)\n        *field = NULL;\n"
        "    if (strcmp(roomctl_item_type(item), %s_TYPE) != 0 ||\n"
        "        roomctl_item_schema_version(item) != %s_VERSION)\n"
        "        return ROOMCTL_PLUGIN_EINVAL;\n", s->type, s->version, name, name,
        (int)(strlen("static inline int _from_item(") + strlen(name)), "", macro, macro);
    for (guint i = 0; i < s->n_fields; i++)
        read_field(out, &s->fields[i]);
    g_string_append(out, "    if (field)\n        *field = NULL;\n    return rc;\n}\n\n");
    g_free(name);
    g_free(macro);
}

/* The whole header for @schemas, made by the command line @command. */
static char *header(GPtrArray *schemas, const char *path, const char *command)
{
    char *base = g_path_get_basename(path);
    char *guard = g_ascii_strup(base, -1);
    for (char *p = guard; *p; p++)
        if (!g_ascii_isalnum(*p))
            *p = '_';
    GString *out = g_string_new(NULL);
    g_string_append(out, "/* Generated by `");
    comment_text(out, command);
    g_string_append_printf(out, "`: do not edit.\n"
        " * Typed accessors for roomctl plugins: a struct per control type and\n"
        " * version, and a function that fills it from an item.  Needs only\n"
        " * <roomctl/plugin.h>; C99. */\n"
        "#ifndef ROOMCTL_GEN_%s\n#define ROOMCTL_GEN_%s\n\n"
        "#include <stddef.h>\n#include <stdint.h>\n#include <string.h>\n\n"
        "#include <roomctl/plugin.h>\n\n", guard, guard);
    for (guint i = 0; i < schemas->len; i++)
        one_type(out, g_ptr_array_index(schemas, i));
    g_string_append_printf(out, "#endif /* ROOMCTL_GEN_%s */\n", guard);
    g_free(guard);
    g_free(base);
    return g_string_free(out, FALSE);
}

/* TYPE (every version the registry has) or TYPE@VERSION, added to @out. */
static gboolean select_type(const roomctl_registry *registry, const char *arg, GPtrArray *out)
{
    const char *at = strchr(arg, '@');
    char *type = at ? g_strndup(arg, at - arg) : g_strdup(arg);
    gint64 version = 0;
    gboolean ok = TRUE;
    if (at && (!rc_parse_int(at + 1, &version) || version < 1 || version > G_MAXINT)) {
        fprintf(stderr, "roomctl schema gen-c: '%s': expected TYPE or TYPE@VERSION\n", arg);
        ok = FALSE;
    } else if (version) {
        const roomctl_schema *s = roomctl_registry_lookup(registry, type, (int)version);
        if (s)
            g_ptr_array_add(out, (gpointer)s);
        else
            ok = FALSE;
    } else {
        GPtrArray *all = roomctl_registry_list(registry);
        for (guint i = 0; i < all->len; i++)
            if (!strcmp(roomctl_schema_type(g_ptr_array_index(all, i)), type))
                g_ptr_array_add(out, g_ptr_array_index(all, i));
        ok = out->len > 0 && !strcmp(roomctl_schema_type(g_ptr_array_index(out, out->len - 1)),
                                     type);
        g_ptr_array_unref(all);
    }
    if (!ok && (!at || version)) {
        const char *near = roomctl_registry_closest_type(registry, type);
        fprintf(stderr, "roomctl schema gen-c: unknown control type '%s'%s%s%s\n", arg,
                near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    }
    g_free(type);
    return ok;
}

int rc_schema_gen_c(int argc, char **argv)
{
    g_autofree char *output = NULL;
    g_autofree char *schemas = NULL;
    const GOptionEntry entries[] = {
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "The header to write", "FILE.h" },
        { "schemas", 's', 0, G_OPTION_ARG_STRING, &schemas, "Schema directories (':'-separated)",
          "PATH" },
        { NULL }
    };
    g_set_prgname("roomctl schema gen-c");
    GOptionContext *context = g_option_context_new("TYPE[@VERSION]… -o FILE.h");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_summary(context,
        "Write a C header for plugins: a struct per type and version (TYPE alone: every\n"
        "version) and a function that fills it from an item (see docs/schemas.md).");
    GError *error = NULL;
    gboolean parsed = g_option_context_parse(context, &argc, &argv, &error);
    g_option_context_free(context);
    int status = RC_EXIT_OK;
    /* The header's first line names the types and the file, not the
     * folders: the same header from any build tree. */
    GString *command = g_string_new("roomctl schema gen-c");
    for (int i = 1; i < argc; i++)
        g_string_append_printf(command, " %s", argv[i]);
    g_autofree char *base = output ? g_path_get_basename(output) : NULL;
    g_string_append_printf(command, " -o %s", base ? base : "");
    if (!parsed || argc < 2 || !output) {
        fprintf(stderr, "roomctl schema gen-c: %s\n",
                error ? error->message : "expected TYPE[@VERSION]… -o FILE.h");
        g_clear_error(&error);
        g_string_free(command, TRUE);
        return RC_EXIT_USAGE;
    }
    roomctl_registry *registry = roomctl_registry_new();
    GPtrArray *chosen = g_ptr_array_new();
    if (!roomctl_registry_load_path(registry, schemas, &error)) {
        fprintf(stderr, "%s\n", error->message);
        status = rc_exit_code_for(error);
        g_clear_error(&error);
    }
    for (int i = 1; i < argc && status == RC_EXIT_OK; i++)
        if (!select_type(registry, argv[i], chosen))
            status = RC_EXIT_INVALID;
    if (status == RC_EXIT_OK) {
        char *text = header(chosen, output, command->str);
        if (!g_file_set_contents(output, text, -1, &error)) {
            fprintf(stderr, "roomctl schema gen-c: %s\n", error->message);
            g_clear_error(&error);
            status = RC_EXIT_FAILURE;
        }
        g_free(text);
    }
    g_ptr_array_unref(chosen);
    roomctl_registry_free(registry);
    g_string_free(command, TRUE);
    return status;
}

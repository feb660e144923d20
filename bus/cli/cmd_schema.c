/* `roomctl schema check|types|describe|export`: the schema author's commands,
 * and the export that clients in other languages validate against. */
#include <stdio.h>
#include <string.h>

#include <roomctl/roomctl.h>
#include "commands.h"
#include "cli_conn.h"
#include "cmd_schema_evolve.h"

static const char *const usage_text =
    "Usage: roomctl schema check FILE|DIR…\n"
    "       roomctl schema types [--schemas PATH] [--json]\n"
    "       roomctl schema describe TYPE [--version N] [--schemas PATH] [--json]\n"
    "       roomctl schema diff OLD.yaml NEW.yaml [--json]\n"
    "       roomctl schema gen-c TYPE[@VERSION]… -o FILE.h [--schemas PATH]\n"
    "       roomctl schema export [--schemas PATH] [--json]\n"
    "\n"
    "  check     check schema files (a DIR: its *.yaml, *.yml); prints FILE:LINE:COL: error: …\n"
    "            for each mistake\n"
    "  types     list the control types of the schema path\n"
    "  describe  show one type: fields, constraints, defaults, item id\n"
    "  diff      compare two versions of a type: FULL, BACKWARD, FORWARD or NONE, and why\n"
    "  gen-c     write a C header for plugins: a struct per type and version\n"
    "  export    every type of the schema path as one JSON document, for clients\n"
    "            in other languages (docs/schemas.md, \"Exporting schemas\")\n"
    "\n"
    "PATH is a list of directories separated by ':'.  The default is\n"
    "$ROOMCTL_SCHEMA_PATH when set, else the installed schemas.\n";

static char *opt_schemas;
static gboolean opt_json;
static int opt_version;

static const GOptionEntry path_options[] = {
    { "schemas", 's', 0, G_OPTION_ARG_STRING, &opt_schemas, "Schema directories (':'-separated)", "PATH" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &opt_json, "Print JSON", NULL },
    { "version", 0, 0, G_OPTION_ARG_INT, &opt_version, "Type version (default: the highest)", "N" },
    { NULL }
};

/* Parse the options of a sub-verb; FALSE after printing the problem.  Its
 * --help shows its own usage line and @summary, not the group's. */
static gboolean parse_options(const char *verb, const char *args, const char *summary,
                              int *argc, char ***argv, gboolean with_path)
{
    g_autofree char *prgname = g_strdup_printf("roomctl schema %s", verb);
    g_set_prgname(prgname);
    GOptionContext *context = g_option_context_new(args);
    if (with_path) {
        g_option_context_add_main_entries(context, path_options, NULL);
        g_option_context_set_description(context,
            "PATH is a list of directories separated by ':'.  The default is\n"
            "$ROOMCTL_SCHEMA_PATH when set, else the installed schemas.");
    }
    g_option_context_set_summary(context, summary);
    GError *error = NULL;
    gboolean ok = g_option_context_parse(context, argc, argv, &error);
    if (!ok) {
        fprintf(stderr, "roomctl schema %s: %s\n", verb, error->message);
        g_error_free(error);
    }
    g_option_context_free(context);
    return ok;
}

/* Check one file into @registry (so that two files of the same type and
 * version are caught); prints "FILE: ok (…)" or the errors. */
static void check_file(roomctl_registry *registry, const char *path, int *status)
{
    GError *error = NULL;
    roomctl_schema *schema = roomctl_schema_load_file(path, &error);
    char *summary = schema ? g_strdup_printf("%s version %d, %s", roomctl_schema_type(schema),
                                             roomctl_schema_version(schema),
                                             roomctl_schema_kind(schema) == ROOMCTL_KIND_STATE
                                                 ? "state" : "event")
                           : NULL;
    if (schema && roomctl_registry_add(registry, schema, &error))
        printf("%s: ok (%s)\n", path, summary);
    if (error) {
        fprintf(stderr, "%s\n", error->message);
        if (*status == RC_EXIT_OK)
            *status = rc_exit_code_for(error);
        g_error_free(error);
    }
    g_free(summary);
}

/* A folder stands for its *.yaml and *.yml files, in name order. */
static void check_dir(roomctl_registry *registry, const char *dir, int *status)
{
    GError *error = NULL;
    char **paths = roomctl_schema_dir_files(dir, &error);
    if (paths && !paths[0])
        g_set_error(&error, ROOMCTL_ERROR, ROOMCTL_ERR_IO,
                    "%s: error: no schema files (*.yaml, *.yml) in this directory", dir);
    for (char **path = paths; path && *path; path++)
        check_file(registry, *path, status);
    g_strfreev(paths);
    if (error) {
        fprintf(stderr, "%s\n", error->message);
        if (*status == RC_EXIT_OK)
            *status = rc_exit_code_for(error);
        g_error_free(error);
    }
}

/* parse_options() for a verb that takes options but no argument. */
static gboolean parse_no_arguments(const char *verb, const char *summary, int *argc,
                                   char ***argv)
{
    if (!parse_options(verb, "", summary, argc, argv, TRUE))
        return FALSE;
    if (*argc > 1) {
        fprintf(stderr, "roomctl schema %s: unexpected argument '%s'\n", verb, (*argv)[1]);
        return FALSE;
    }
    return TRUE;
}

static int check(int argc, char **argv)
{
    if (!parse_options("check", "FILE|DIR…",
                       "Check schema files (a DIR: its *.yaml and *.yml files) and each version "
                       "of a type against the one before; prints FILE:LINE:COL: error: … for "
                       "each mistake.", &argc, &argv, FALSE))
        return RC_EXIT_USAGE;
    if (argc < 2) {
        fputs(usage_text, stderr);
        return RC_EXIT_USAGE;
    }
    roomctl_registry *registry = roomctl_registry_new();
    int status = RC_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        if (g_file_test(argv[i], G_FILE_TEST_IS_DIR))
            check_dir(registry, argv[i], &status);
        else
            check_file(registry, argv[i], &status);
    }
    /* Each version against the one before, in the mode the newer declares. */
    GError *error = NULL;
    if (!roomctl_registry_check_compatibility(registry, &error)) {
        fprintf(stderr, "%s\n", error->message);
        if (status == RC_EXIT_OK)
            status = rc_exit_code_for(error);
        g_error_free(error);
    }
    roomctl_registry_free(registry);
    return status;
}

/* The registry of --schemas or the default path; errors are printed and
 * turned into *status, the good schemas are kept. */
static roomctl_registry *load_registry(int *status)
{
    roomctl_registry *registry = roomctl_registry_new();
    GError *error = NULL;
    if (!roomctl_registry_load_path(registry, opt_schemas, &error)) {
        rc_cli_schema_hint(error);
        fprintf(stderr, "%s\n", error->message);
        *status = rc_exit_code_for(error);
        g_error_free(error);
    }
    return registry;
}

/* A JSON array of the schemas as `describe --json` writes each. */
static void append_json_list(GString *out, GPtrArray *schemas)
{
    g_string_append_c(out, '[');
    for (guint i = 0; i < schemas->len; i++) {
        char *json = roomctl_schema_describe(g_ptr_array_index(schemas, i), TRUE);
        g_strchomp(json);
        g_string_append_printf(out, "%s%s", i ? ",\n " : "", json);
        g_free(json);
    }
    g_string_append_c(out, ']');
}

static void print_json_list(GPtrArray *schemas)
{
    GString *out = g_string_new(NULL);
    append_json_list(out, schemas);
    printf("%s\n", out->str);
    g_string_free(out, TRUE);
}

static int types(int argc, char **argv)
{
    if (!parse_no_arguments("types", "List the control types of the schema path.", &argc,
                            &argv))
        return RC_EXIT_USAGE;
    int status = RC_EXIT_OK;
    roomctl_registry *registry = load_registry(&status);
    GPtrArray *all = roomctl_registry_list(registry);
    if (opt_json) {
        print_json_list(all);
    } else {
        int width = 4;
        for (guint i = 0; i < all->len; i++)
            width = MAX(width, (int)strlen(roomctl_schema_type(g_ptr_array_index(all, i))));
        for (guint i = 0; i < all->len; i++) {
            const roomctl_schema *s = g_ptr_array_index(all, i);
            printf("%-*s  %3d  %-5s  %s\n", width, roomctl_schema_type(s), roomctl_schema_version(s),
                   roomctl_schema_kind(s) == ROOMCTL_KIND_STATE ? "state" : "event",
                   roomctl_schema_description(s) ? roomctl_schema_description(s) : "");
        }
    }
    g_ptr_array_unref(all);
    roomctl_registry_free(registry);
    return status;
}

static int describe(int argc, char **argv)
{
    if (!parse_options("describe", "TYPE",
                       "Show one type: fields, constraints, defaults, item id.",
                       &argc, &argv, TRUE))
        return RC_EXIT_USAGE;
    if (argc != 2) {
        fputs(usage_text, stderr);
        return RC_EXIT_USAGE;
    }
    int status = RC_EXIT_OK;
    roomctl_registry *registry = load_registry(&status);
    const roomctl_schema *schema = roomctl_registry_lookup(registry, argv[1], opt_version);
    if (schema) {
        char *text = roomctl_schema_describe(schema, opt_json);
        fputs(text, stdout);
        g_free(text);
    } else {
        GPtrArray *all = roomctl_registry_list(registry);
        GString *known = g_string_new(NULL);
        for (guint i = 0; i < all->len; i++)
            g_string_append_printf(known, "%s%s", i ? ", " : "",
                                   roomctl_schema_type(g_ptr_array_index(all, i)));
        const char *near = roomctl_registry_closest_type(registry, argv[1]);
        char *hint = near ? g_strdup_printf("did you mean '%s'? ", near) : g_strdup("");
        if (opt_version)
            fprintf(stderr, "roomctl: unknown control type '%s' version %d (%sknown: %s)\n",
                    argv[1], opt_version, hint, known->str);
        else
            fprintf(stderr, "roomctl: unknown control type '%s' (%sknown: %s)\n", argv[1], hint,
                    known->str);
        g_free(hint);
        g_string_free(known, TRUE);
        g_ptr_array_unref(all);
        status = RC_EXIT_INVALID;
    }
    roomctl_registry_free(registry);
    return status;
}

/* The export format's version: it changes only when a client reading the
 * document would misread it (a member renamed or changing meaning). */
#define EXPORT_FORMAT_VERSION 1

/* Every type of the path as one document; nothing at all is printed when a
 * schema is broken or the path holds none, because a client validating
 * against a partial export would drop the valid items of the missing types. */
static int export_schemas(int argc, char **argv)
{
    if (!parse_no_arguments("export", "Print every type of the schema path as one JSON "
                            "document (docs/schemas.md, \"Exporting schemas\").", &argc, &argv))
        return RC_EXIT_USAGE;
    int status = RC_EXIT_OK;
    roomctl_registry *registry = load_registry(&status);
    GPtrArray *all = roomctl_registry_list(registry);
    if (status == RC_EXIT_OK && all->len == 0) {
        fprintf(stderr, "roomctl schema export: no control types in %s\n",
                opt_schemas ? opt_schemas : roomctl_registry_default_path());
        status = RC_EXIT_INVALID;
    }
    if (status == RC_EXIT_OK) {
        GString *out = g_string_new(NULL);
        g_string_append_printf(out, "{\"format\": \"roomctl-schemas\", \"format_version\": %d, "
                               "\"namespace\": \"%s\",\n \"types\": ",
                               EXPORT_FORMAT_VERSION, ROOMCTL_NS);
        append_json_list(out, all);
        printf("%s}\n", out->str);
        g_string_free(out, TRUE);
    }
    g_ptr_array_unref(all);
    roomctl_registry_free(registry);
    return status;
}

static int schema_command(int argc, char **argv)
{
    static const rc_command verbs[] = {
        { "check", NULL, check },
        { "types", NULL, types },
        { "describe", NULL, describe },
        { "diff", NULL, rc_schema_diff },
        { "gen-c", NULL, rc_schema_gen_c },
        { "export", NULL, export_schemas },
    };
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? RC_EXIT_USAGE : RC_EXIT_OK;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(verbs); i++)
        if (!strcmp(verbs[i].name, argv[1]))
            return verbs[i].run(argc - 1, argv + 1);
    fprintf(stderr, "roomctl schema: unknown command '%s'\n\n%s", argv[1], usage_text);
    return RC_EXIT_USAGE;
}

const rc_command rc_schema_commands[] = {
    { "schema", "check schema files, list and describe control types", schema_command },
    /* The two read-only verbs a moderator uses most, also at the top level. */
    { "types", "list the control types (same as `schema types`)", types },
    { "describe", "describe one control type (same as `schema describe`)", describe },
    { NULL, NULL, NULL }
};

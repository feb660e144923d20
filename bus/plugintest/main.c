/* roomctl-plugin-test PLUGIN.so CASES.yaml: a plugin's conformance cases,
 * run without a server, reported as TAP (issue 17).  Each case gets a
 * fresh folder (${TMP} in the cases file) and a fresh host; its steps hand
 * the plugin items, replays, retractions, purges and a restart, and check
 * what it answered and the files it wrote.  Format: plugins/README.md. */
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "kit.h"
#include "suggest.h"
#include "cmdline/exit_codes.h"

static const char *const top_keys[] = { "config", "schemas", "room", "cases", NULL };
static const char *const case_keys[] = { "name", "config", "steps", NULL };
static const char *const step_keys[] = { "item", "replay", "retract", "purge", "restart", "file",
                                         "log", "expect", "reason", "contains", "lacks",
                                         "exists", NULL };

/* A key outside @allowed: one line of @errors, with a suggestion. */
static void check_keys(const roomctl_config *node, const char *const *allowed, GString *errors)
{
    for (size_t i = 0; i < roomctl_config_length(node); i++) {
        const char *key;
        const roomctl_config *value = roomctl_config_at(node, i, &key);
        if (g_strv_contains(allowed, key))
            continue;
        const char *near = rc_closest_word(key, allowed);
        g_string_append_printf(errors, "%s: error: unknown key '%s'%s%s%s\n",
                               roomctl_config_location(value), key, near ? " (did you mean '" : "",
                               near ? near : "", near ? "'?)" : "");
    }
}

/* The shape of the file: every mistake, one per line; "" when none. */
static void check_cases(const roomctl_config *root, GString *errors)
{
    const roomctl_config *cases = roomctl_config_child(root, "cases");
    if (roomctl_config_kind_of(root) != ROOMCTL_CONFIG_MAPPING || !cases ||
        roomctl_config_kind_of(cases) != ROOMCTL_CONFIG_LIST || !roomctl_config_length(cases)) {
        g_string_append_printf(errors, "%s: error: expected a mapping with 'cases', a list of "
                               "{name, steps}\n", roomctl_config_location(cases ? cases : root));
        return;
    }
    check_keys(root, top_keys, errors);
    for (size_t i = 0; i < roomctl_config_length(cases); i++) {
        const roomctl_config *one = roomctl_config_at(cases, i, NULL);
        const roomctl_config *steps = roomctl_config_child(one, "steps");
        if (!roomctl_config_get_string(one, "name", NULL) || !steps ||
            roomctl_config_kind_of(steps) != ROOMCTL_CONFIG_LIST) {
            g_string_append_printf(errors, "%s: error: a case needs 'name' and 'steps'\n",
                                   roomctl_config_location(one));
            continue;
        }
        check_keys(one, case_keys, errors);
        for (size_t s = 0; s < roomctl_config_length(steps); s++) {
            const roomctl_config *step = roomctl_config_at(steps, s, NULL);
            guint actions = 0;
            for (const char *const *a = rc_kit_actions; *a; a++)
                actions += roomctl_config_child(step, *a) != NULL;
            if (roomctl_config_kind_of(step) != ROOMCTL_CONFIG_MAPPING || actions != 1)
                g_string_append_printf(errors, "%s: error: a step is a mapping with one of "
                                       "item, replay, retract, purge, restart, file, log\n",
                                       roomctl_config_location(step));
            else
                check_keys(step, step_keys, errors);
        }
    }
}

/* Remove @path and everything under it (the case's folder). */
static void remove_tree(const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);
    for (const char *name; dir && (name = g_dir_read_name(dir));) {
        char *child = g_build_filename(path, name, NULL);
        if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
            remove_tree(child);
        else
            g_unlink(child);
        g_free(child);
    }
    if (dir)
        g_dir_close(dir);
    g_rmdir(path);
}

/* The schemas: --schemas, else the file's `schemas:` (relative to it), else
 * the default path. */
static gboolean load_schemas(roomctl_registry *registry, const char *option,
                             const roomctl_config *root, const char *cases_path, GError **error)
{
    const roomctl_config *list = roomctl_config_child(root, "schemas");
    if (option || !list)
        return roomctl_registry_load_path(registry, option, error);
    char *base = g_path_get_dirname(cases_path);
    gboolean ok = TRUE;
    for (size_t i = 0; ok && i < roomctl_config_length(list); i++) {
        const char *dir = roomctl_config_scalar(roomctl_config_at(list, i, NULL));
        char *path = dir && !g_path_is_absolute(dir) ? g_build_filename(base, dir, NULL)
                                                     : g_strdup(dir ? dir : "");
        ok = roomctl_registry_load_dir(registry, path, error);
        g_free(path);
    }
    g_free(base);
    return ok;
}

/* Case @index of the file, with ${TMP} standing for @tmp.  TRUE when every
 * step passed; else @why says where and what. */
static gboolean run_case(const char *plugin, const roomctl_registry *registry, const char *name,
                         const char *text, gsize index, const char *tmp, GString *why)
{
    GString *expanded = g_string_new(text);
    g_string_replace(expanded, "${TMP}", tmp, 0);
    GError *error = NULL;
    roomctl_config *root = roomctl_config_load_string(name, expanded->str, expanded->len, &error);
    g_string_free(expanded, TRUE);
    if (!root) {
        g_string_append(why, error->message);
        g_error_free(error);
        return FALSE;
    }
    const roomctl_config *one = roomctl_config_at(roomctl_config_child(root, "cases"), index, NULL);
    const roomctl_config *section = roomctl_config_child(one, "config");
    rc_kit_case c = {
        .plugin_path = plugin, .registry = registry,
        .section = section ? section : roomctl_config_child(root, "config"),
        .room = roomctl_config_get_string(root, "room", "lobby@conference.localhost"),
        .tmp = (char *)tmp, .log = g_string_new(NULL),
    };
    gboolean ok = rc_kit_start(&c, why);
    const roomctl_config *steps = roomctl_config_child(one, "steps");
    for (size_t s = 0; ok && s < roomctl_config_length(steps); s++)
        ok = rc_kit_step(&c, roomctl_config_at(steps, s, NULL), why);
    if (c.host)
        rc_kit_stop(&c);
    roomctl_set_log_handler(NULL, NULL);
    g_string_free(c.log, TRUE);
    roomctl_config_free(root);
    return ok;
}

int main(int argc, char **argv)
{
    g_autofree char *schemas = NULL;
    gboolean keep = FALSE, version = FALSE;
    const GOptionEntry entries[] = {
        { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
        { "schemas", 's', 0, G_OPTION_ARG_STRING, &schemas,
          "Schema directories (':'-separated; default: the file's schemas:, else "
          "$ROOMCTL_SCHEMA_PATH, else the installed ones)", "PATH" },
        { "keep", 'k', 0, G_OPTION_ARG_NONE, &keep, "Keep each case's folder", NULL },
        { NULL }
    };
    GOptionContext *context = g_option_context_new("PLUGIN.so CASES.yaml");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_summary(context,
        "Run a plugin's conformance cases without a server and print TAP: each case\n"
        "loads the plugin into a fresh host and folder (${TMP}), hands it items,\n"
        "replays, retractions, purges and restarts, and checks its answers and files.\n"
        "Exit 0 when every case passes, 1 when one fails, 3 for a broken cases file.");
    GError *error = NULL;
    gboolean parsed = g_option_context_parse(context, &argc, &argv, &error);
    g_option_context_free(context);
    if (parsed && version) {
        printf("roomctl-plugin-test %s\n", ROOMCTL_VERSION);
        return RC_EXIT_OK;
    }
    if (!parsed || argc != 3) {
        fprintf(stderr, "roomctl-plugin-test: %s\nUsage: roomctl-plugin-test PLUGIN.so "
                "CASES.yaml\n", error ? error->message : "expected PLUGIN.so CASES.yaml");
        g_clear_error(&error);
        return RC_EXIT_USAGE;
    }
    /* A plugin named without a slash is a file here, not a name to look up. */
    g_autofree char *plugin = strchr(argv[1], '/') ? g_strdup(argv[1])
                                                   : g_build_filename(".", argv[1], NULL);
    g_autofree char *text = NULL;
    gsize len = 0;
    if (!g_file_get_contents(argv[2], &text, &len, &error)) {
        fprintf(stderr, "roomctl-plugin-test: %s\n", error->message);
        g_error_free(error);
        return RC_EXIT_FAILURE;
    }
    /* ${TMP} is substituted before parsing (it may sit in a flow mapping,
     * whose braces it would otherwise break): check the shape with a
     * stand-in folder. */
    GString *shape = g_string_new_len(text, len);
    g_string_replace(shape, "${TMP}", "/TMP", 0);
    roomctl_config *root = roomctl_config_load_string(argv[2], shape->str, shape->len, &error);
    g_string_free(shape, TRUE);
    GString *errors = g_string_new(NULL);
    if (root)
        check_cases(root, errors);
    else
        g_string_append_printf(errors, "%s\n", error->message);
    g_clear_error(&error);
    roomctl_registry *registry = roomctl_registry_new();
    if (!errors->len && !load_schemas(registry, schemas, root, argv[2], &error)) {
        g_string_append_printf(errors, "%s\n", error->message);
        g_clear_error(&error);
    }
    int status = RC_EXIT_OK;
    if (errors->len) {
        fputs(errors->str, stderr);
        status = RC_EXIT_INVALID;
    } else {
        const roomctl_config *cases = roomctl_config_child(root, "cases");
        gsize n = roomctl_config_length(cases);
        printf("TAP version 13\n1..%zu\n", n);
        for (gsize i = 0; i < n; i++) {
            const char *name = roomctl_config_get_string(roomctl_config_at(cases, i, NULL),
                                                         "name", "");
            char *tmp = g_dir_make_tmp("roomctl-plugin-test-XXXXXX", NULL);
            GString *why = g_string_new(NULL);
            gboolean ok = tmp && run_case(plugin, registry, argv[2], text, i, tmp, why);
            printf("%sok %zu - %s\n", ok ? "" : "not ", i + 1, name);
            if (!ok) {
                char **lines = g_strsplit(why->len ? why->str : "cannot make a folder", "\n", -1);
                for (char **line = lines; *line; line++)
                    printf("# %s\n", *line);
                g_strfreev(lines);
                status = RC_EXIT_FAILURE;
            }
            if (tmp && keep)
                printf("# kept %s\n", tmp);
            else if (tmp)
                remove_tree(tmp);
            g_string_free(why, TRUE);
            g_free(tmp);
            fflush(stdout);
        }
    }
    g_string_free(errors, TRUE);
    roomctl_registry_free(registry);
    roomctl_config_free(root);
    return status;
}

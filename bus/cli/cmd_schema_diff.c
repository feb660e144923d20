/* `roomctl schema diff OLD NEW`: what changed between two versions of a
 * type, and whether each change keeps backward and forward compatibility. */
#include <stdio.h>
#include <string.h>

#include <roomctl/roomctl.h>
#include "commands.h"
#include "cmd_schema_evolve.h"

static const char summary[] =
    "Compare two schema files, usually two versions of one type, and print\n"
    "the verdict: FULL, BACKWARD (new readers take old items), FORWARD (old\n"
    "readers take new items) or NONE, then each change with its reason.\n"
    "Exit 0 whatever the verdict; `schema check` enforces the mode a schema\n"
    "declares with `compatibility:`.";

int rc_schema_diff(int argc, char **argv)
{
    gboolean json = FALSE;
    const GOptionEntry entries[] = {
        { "json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
        { NULL }
    };
    GOptionContext *context = g_option_context_new("OLD.yaml NEW.yaml");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_summary(context, summary);
    GError *error = NULL;
    gboolean parsed = g_option_context_parse(context, &argc, &argv, &error);
    g_option_context_free(context);
    if (!parsed) {
        fprintf(stderr, "roomctl schema diff: %s\n", error->message);
        g_error_free(error);
        return RC_EXIT_USAGE;
    }
    if (argc != 3) {
        fprintf(stderr, "roomctl schema diff: expected OLD.yaml NEW.yaml\n");
        return RC_EXIT_USAGE;
    }
    roomctl_schema *old_schema = roomctl_schema_load_file(argv[1], &error);
    roomctl_schema *new_schema = old_schema ? roomctl_schema_load_file(argv[2], &error) : NULL;
    int status = RC_EXIT_OK;
    if (new_schema) {
        roomctl_schema_diff *diff = roomctl_schema_diff_new(old_schema, new_schema);
        char *text = roomctl_schema_diff_format(diff, json);
        fputs(text, stdout);
        g_free(text);
        roomctl_schema_diff_free(diff);
    } else {
        fprintf(stderr, "%s\n", error->message);
        status = rc_exit_code_for(error);
        g_error_free(error);
    }
    roomctl_schema_free(old_schema);
    roomctl_schema_free(new_schema);
    return status;
}

/* roomctl: the moderator's and schema author's command. */
#include <stdio.h>
#include <string.h>
#include <locale.h>

#include <roomctl/roomctl.h>
#include "commands.h"

static const rc_command *const command_tables[] = { rc_schema_commands, rc_bus_commands,
                                                    rc_complete_commands };

static void print_usage(FILE *out)
{
    fprintf(out, "Usage: roomctl [-v|--debug] COMMAND [ARGS…]\n\nCommands:\n");
    for (gsize t = 0; t < G_N_ELEMENTS(command_tables); t++)
        for (const rc_command *c = command_tables[t]; c->name; c++)
            if (c->summary)
                fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fprintf(out, "\nOptions of every command:\n"
                 "  -v, --verbose  say what is being done (connecting, joining, sending)\n"
                 "  --debug        also the XMPP trace (passwords masked)\n"
                 "  --version      print roomctl's version and exit\n"
                 "\nRun `roomctl COMMAND --help` for a command's options; `man roomctl`.\n");
}

/* -v/--verbose and --debug may stand anywhere before `--`; they are taken out
 * of argv so that the commands' own parsers never see them. */
static roomctl_log_level take_verbosity(int *argc, char **argv)
{
    roomctl_log_level level = ROOMCTL_LOG_WARNING;
    int kept = 1;
    gboolean options = TRUE;
    for (int i = 1; i < *argc; i++) {
        if (options && !strcmp(argv[i], "--"))
            options = FALSE;
        if (options && (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))) {
            level = MAX(level, ROOMCTL_LOG_INFO);
        } else if (options && !strcmp(argv[i], "--debug")) {
            level = ROOMCTL_LOG_DEBUG;
        } else {
            argv[kept++] = argv[i];
        }
    }
    argv[kept] = NULL;
    *argc = kept;
    return level;
}

static void log_to_stderr(roomctl_log_level level, const char *domain, const char *message,
                          void *user_data)
{
    static const char *const names[] = { "error", "warning", "info", "debug" };
    fprintf(stderr, "roomctl: %s: %s: %s\n", names[level], domain, message);
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    roomctl_set_log_handler(log_to_stderr, NULL);
    roomctl_set_log_level(take_verbosity(&argc, argv));
    if (argc >= 2 && !strcmp(argv[1], "--version")) {
        printf("roomctl %s\n", ROOMCTL_VERSION);
        return RC_EXIT_OK;
    }
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        print_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? RC_EXIT_USAGE : RC_EXIT_OK;
    }
    for (gsize t = 0; t < G_N_ELEMENTS(command_tables); t++)
        for (const rc_command *c = command_tables[t]; c->name; c++)
            if (!strcmp(c->name, argv[1]))
                return c->run(argc - 1, argv + 1);
    fprintf(stderr, "roomctl: unknown command '%s'\n\n", argv[1]);
    print_usage(stderr);
    return RC_EXIT_USAGE;
}

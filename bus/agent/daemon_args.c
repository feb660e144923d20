/* The log and version options of roomctl-agent and roomctl-gate. */
#include "daemon_args.h"

#include <stdio.h>

#include "agent_log.h"
#include "config.h"
#include "cmdline/exit_codes.h"

int rc_daemon_args_start_log(const rc_daemon_args *args, const char *program,
                             gboolean *overrides)
{
    if (args->version) {
        printf("%s %s\n", program, ROOMCTL_VERSION);
        return RC_EXIT_OK;
    }
    roomctl_log_level level = ROOMCTL_LOG_INFO;
    if (args->level_text && !rc_agent_log_level_parse(args->level_text, &level)) {
        fprintf(stderr, "%s: unknown --log-level '%s'; expected error, warning, info or "
                        "debug\n", program, args->level_text);
        return RC_EXIT_USAGE;
    }
    if (!args->level_text && (args->debug || args->verbose))
        level = args->debug ? ROOMCTL_LOG_DEBUG : ROOMCTL_LOG_INFO;
    *overrides = args->level_text || args->debug || args->verbose;
    rc_agent_log_init(level);
    return -1;
}

void rc_daemon_args_clear(rc_daemon_args *args)
{
    g_clear_pointer(&args->level_text, g_free);
}

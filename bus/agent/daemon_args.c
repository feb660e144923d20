/* The log and version options of roomctl-agent and roomctl-gate. */
#include "daemon_args.h"

#include <openssl/ssl.h>
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

/* libstrophe's start-up asks OpenSSL to load its error strings: about 0.6 MB
 * of every process's memory, for text that only reaches a debug log (the
 * agent and the gate say TLS failures in their own words).  Asked first,
 * OpenSSL keeps them unloaded for good (OPENSSL_init_crypto(3)); a program
 * embedding libroomctl keeps its own choice. */
static void skip_tls_error_strings(void)
{
    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_SSL_STRINGS | OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS,
                     NULL);
}

int rc_daemon_args_parse(const char *program, GOptionContext *context, rc_daemon_args *args,
                         int *argc, char ***argv, char *const *config_path,
                         char *const *instead, gboolean *overrides)
{
    skip_tls_error_strings();
    GError *error = NULL;
    gboolean parsed = g_option_context_parse(context, argc, argv, &error);
    g_option_context_free(context);
    int status = -1;
    gboolean config_needed = !*config_path && !(instead && *instead);
    if (!parsed || (!args->version && (*argc > 1 || config_needed))) {
        fprintf(stderr, "%s: %s\nUsage: %s --config FILE\n", program,
                error ? error->message
                      : *argc > 1 ? "unexpected argument" : "--config FILE is required",
                program);
        g_clear_error(&error);
        status = RC_EXIT_USAGE;
    } else {
        status = rc_daemon_args_start_log(args, program, overrides);
    }
    rc_daemon_args_clear(args);
    return status;
}

/* The options roomctl-agent and roomctl-gate share: how much they log, and
 * --version.  Both are long-running programs with one log (agent_log.c). */
#ifndef RC_DAEMON_ARGS_H
#define RC_DAEMON_ARGS_H

#include <roomctl/roomctl.h>

G_BEGIN_DECLS

typedef struct rc_daemon_args {
    char *level_text;   /* --log-level; g_free()d by rc_daemon_args_clear() */
    gboolean verbose;   /* -v: info at least */
    gboolean debug;     /* --debug: everything, the XMPP trace included */
    gboolean version;   /* --version */
} rc_daemon_args;

#define RC_DAEMON_ARGS_ENTRIES(a)                                                        \
    { "log-level", 'l', 0, G_OPTION_ARG_STRING, &(a)->level_text,                         \
      "error, warning, info or debug (overrides the file's log_level)", "LEVEL" },        \
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &(a)->verbose,                                \
      "Log at level info at least (same as --log-level info)", NULL },                    \
    { "debug", 0, 0, G_OPTION_ARG_NONE, &(a)->debug,                                      \
      "Log everything, the XMPP trace included (passwords masked)", NULL },               \
    { "version", 0, 0, G_OPTION_ARG_NONE, &(a)->version, "Print the version and exit", NULL }

/* Parse the command line with @context (which has RC_DAEMON_ARGS_ENTRIES
 * of @args and a --config FILE entry filling *@config_path), free @context
 * and start the log as rc_daemon_args_start_log() does: -1 to go on, else
 * the exit status (a bad command line said as "@program: why" and the
 * usage line).  --config is required unless @instead (may be NULL) points
 * at another option's value that was given (roomctl-agent's
 * --describe-plugin).  @args is cleared either way.  Both programs are
 * daemons: this first starts OpenSSL without its error strings. */
int rc_daemon_args_parse(const char *program, GOptionContext *context, rc_daemon_args *args,
                         int *argc, char ***argv, char *const *config_path,
                         char *const *instead, gboolean *overrides);
/* After parsing: -1 to go on, with the log started at the level the
 * options ask for (info without one) and *@overrides TRUE when that level
 * overrides the configuration file's log_level; else the exit status
 * (--version printed as "@program VERSION", or a bad --log-level said). */
int rc_daemon_args_start_log(const rc_daemon_args *args, const char *program,
                             gboolean *overrides);
void rc_daemon_args_clear(rc_daemon_args *args);

G_END_DECLS

#endif

/* What the bus commands of `roomctl` share: the connection options (with
 * their ROOMCTL_* environment fallbacks), the schema registry, the connected
 * bus, argument checks and error reporting. */
#ifndef RC_CLI_CONN_H
#define RC_CLI_CONN_H

#include <roomctl/roomctl.h>
#include "cmdline/exit_codes.h"

G_BEGIN_DECLS

typedef struct rc_cli_conn {
    /* Filled by the options (NULL/0 when not given). */
    char *jid;
    char *password_file;
    char *host;
    int port;
    char *pubsub;
    gboolean allow_plaintext;
    char *cafile;
    char **schema_dirs;
    char *gate;             /* --gate (issue 12); rc_cli_conn_gate() adds ROOMCTL_GATE */
    /* Set by commands that send no item: connect with an empty registry. */
    gboolean no_schemas;
    /* Made by rc_cli_conn_load_schemas() / rc_cli_conn_connect(). */
    roomctl_registry *registry;
    roomctl_bus *bus;
} rc_cli_conn;

/*
 * A GOptionContext for `roomctl @command`, with @parameters as the usage
 * line ("ROOM ITEM_ID"), @summary below it, the command's own @entries
 * (may be NULL) and, when @conn is given, the connection options filling it.
 */
GOptionContext *rc_cli_context(const char *command, const char *parameters,
                               const char *summary, const GOptionEntry *entries,
                               rc_cli_conn *conn);
/* (13) The same, with @data given to the entries' callbacks
 * (G_OPTION_ARG_CALLBACK). */
GOptionContext *rc_cli_context_with_data(const char *command, void *data,
                                         const char *parameters, const char *summary,
                                         const GOptionEntry *entries, rc_cli_conn *conn);

/*
 * Parse the command line and check that between @min and @max arguments
 * remain (argv[1..]).  Returns -1 when the command may go on, else the exit
 * code to return (after printing the error and usage).  Frees @context.
 */
int rc_cli_parse(GOptionContext *context, int *argc, char ***argv, int min, int max);
/* The same for a command whose first argument is a ROOM: also checks that
 * it is a chat room's bare JID (rc_cli_check_room()). */
int rc_cli_parse_room(GOptionContext *context, int *argc, char ***argv, int min, int max);

/* Load the schemas of --schemas, else of $ROOMCTL_SCHEMA_PATH (folders
 * separated by ':'), else of the installed folder. */
gboolean rc_cli_conn_load_schemas(rc_cli_conn *conn, GError **error);
/* -1 when @room is a chat room's bare JID (name@service), else prints why
 * not for `roomctl @command` and returns RC_EXIT_USAGE. */
int rc_cli_check_room(const char *command, const char *room);

/* Add to a failed schema load's message how to name the schema folders. */
void rc_cli_schema_hint(GError *error);
/* Load the schemas, fill in the environment's settings and log in. */
gboolean rc_cli_conn_connect(rc_cli_conn *conn, GError **error);
/* The gate the moderator's requests go through: --gate, else $ROOMCTL_GATE,
 * else NULL (publish to the node directly).  Owned by @conn or the
 * environment. */
const char *rc_cli_conn_gate(const rc_cli_conn *conn);
/* Disconnect and free everything the options and calls filled in. */
void rc_cli_conn_clear(rc_cli_conn *conn);

/* Print "roomctl COMMAND: MESSAGE" on stderr, free @error and return its
 * exit code (see exit_codes.h). */
int rc_cli_fail(const char *command, GError *error);

/* A usage error: as rc_cli_fail() for a G_OPTION_ERROR. */
int rc_cli_usage_error(const char *command, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

G_END_DECLS

#endif

/* The subcommands of `roomctl`.  Each gets argv with argv[0] = its own name
 * and returns the process exit code (see exit_codes.h). */
#ifndef RC_CLI_COMMANDS_H
#define RC_CLI_COMMANDS_H

#include "cmdline/exit_codes.h"

typedef struct rc_command {
    const char *name;
    const char *summary; /* one line for `roomctl --help` */
    int (*run)(int argc, char **argv);
} rc_command;

/* Each command file defines its own table, ended by a NULL name. */
extern const rc_command rc_schema_commands[];
extern const rc_command rc_bus_commands[];
extern const rc_command rc_complete_commands[]; /* hidden: for shell completion */

#endif

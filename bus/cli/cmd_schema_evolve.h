/* `roomctl schema diff` and `roomctl schema gen-c` (issue 17): the schema
 * author's tools for a type that evolves.  Same calling convention as the
 * commands of commands.h. */
#ifndef RC_CMD_SCHEMA_EVOLVE_H
#define RC_CMD_SCHEMA_EVOLVE_H

int rc_schema_diff(int argc, char **argv);
int rc_schema_gen_c(int argc, char **argv);

#endif

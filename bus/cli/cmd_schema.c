#include "commands.h"

const rc_command rc_schema_commands[] = {
    { NULL, NULL, NULL }
};

#include "commands.h"

const rc_command rc_bus_commands[] = {
    { NULL, NULL, NULL }
};

/* Temporary (C2): the bus commands while libroomctl has no bus yet. */
#include "commands.h"

const rc_command rc_bus_commands[] = {
    { NULL, NULL, NULL }
};

#include "commands.h"
#include "cmd_bus.h"

const rc_command rc_bus_commands[] = {
    { "room", "Create a room's control node, grant rights, show it", rc_cmd_room },
    { "publish", "Validate and publish a control item to a room", rc_cmd_publish },
    { "retract", "Remove one state item from a room (clients reset it)", rc_cmd_retract },
    { "purge", "Remove every item from a room (clients reset all)", rc_cmd_purge },
    { "state", "Print a room's current state, decoded", rc_cmd_state },
    { "watch", "Print a room's items live until interrupted", rc_cmd_watch },
    { NULL, NULL, NULL }
};

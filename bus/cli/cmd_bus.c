/* The table of `roomctl` bus subcommands (see cmd_bus.h). */
#include "commands.h"
#include "cmd_bus.h"

const rc_command rc_bus_commands[] = {
    { "room", "create a room's control node, grant rights, show it", rc_cmd_room },
    { "publish", "validate and publish a control item to a room", rc_cmd_publish },
    { "retract", "remove one state item from a room (clients reset it)", rc_cmd_retract },
    { "purge", "remove every item from a room (clients reset all)", rc_cmd_purge },
    { "state", "print a room's current state, decoded", rc_cmd_state },
    { "watch", "print a room's items live until interrupted", rc_cmd_watch },
    { "status", "the room's clients as the gate knows them (who, in sync, failures)",
      rc_cmd_status },
    { "doctor", "check that the server offers what roomctl needs", rc_cmd_doctor },
    { NULL, NULL, NULL }
};

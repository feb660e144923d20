/* The bus subcommands of `roomctl`, one file per group (see commands.h). */
#ifndef RC_CLI_CMD_BUS_H
#define RC_CLI_CMD_BUS_H

int rc_cmd_room(int argc, char **argv);    /* cmd_room.c: room create|grant|show */
int rc_cmd_publish(int argc, char **argv); /* cmd_publish.c */
int rc_cmd_retract(int argc, char **argv);
int rc_cmd_purge(int argc, char **argv);
int rc_cmd_state(int argc, char **argv);   /* cmd_watch.c */
int rc_cmd_watch(int argc, char **argv);
int rc_cmd_status(int argc, char **argv);  /* cmd_status.c (issue 13) */
int rc_cmd_doctor(int argc, char **argv);  /* cmd_doctor.c */

#endif

/* `roomctl publish|retract|purge` through roomctl-gate (--gate): enter the
 * room for the request, since the gate serves only its occupants. */
#ifndef RC_CLI_GATE_H
#define RC_CLI_GATE_H

#include "cli_conn.h"
#include "gate_proto.h"

G_BEGIN_DECLS

/* Connect (if not yet), enter @room, send the request to @gate, leave.
 * @done_id as rc_gate_send_sync(); errors are the gate's (or the MUC
 * service's, when it does not let us in). */
gboolean rc_cli_gate_request(rc_cli_conn *conn, const char *gate, rc_gate_op op,
                             const char *room, const roomctl_item *item, const char *item_id,
                             char **done_id, GError **error);

/* `room create`: enter the chat room @room (creating it, persistent, with
 * this account as its owner, when it does not exist; *@created says so; may
 * be NULL), make @gate (may be NULL) an admin of it, leave.  Errors name
 * what the account may not do ("account A may not change affiliations in
 * MUC room R; a room owner must do this"). */
gboolean rc_cli_room_ensure(rc_cli_conn *conn, const char *room, const char *gate,
                            gboolean *created, GError **error);

/* A nickname of our own for entering a room ("alice-roomctl-1a2b"); g_free(). */
char *rc_cli_gate_nick(rc_cli_conn *conn);

G_END_DECLS

#endif

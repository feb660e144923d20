/* (13) What moderators see through the gate: `publish|retract|purge --wait`
 * (live progress, a summary, per-client JSON), the capability check before
 * publishing, and the client list `roomctl status` prints. */
#ifndef RC_CLI_ACKS_H
#define RC_CLI_ACKS_H

#include "cli_gate.h"
#include "ack_proto.h"

G_BEGIN_DECLS

typedef struct rc_cli_acks {
    guint wait_s;            /* --wait[=SECONDS]; 0: do not wait */
    gboolean json;           /* --json: the summary as JSON, every client listed */
    gboolean require_all;    /* --require-all: refuse when a client cannot handle it */
    /* publish TYPE field=value…: the assignments, so that the item can be
     * made again at a lower version every connected client handles (no
     * version was asked for); NULL for --file. */
    const char *const *assignments;
} rc_cli_acks;

/* The GOptionEntry callback of --wait[=SECONDS] (data: rc_cli_acks *). */
gboolean rc_cli_acks_parse_wait(const char *name, const char *value, gpointer data,
                                GError **error);
#define RC_CLI_ACKS_ENTRIES(acks)                                                        \
    { "wait", 'w', G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK,                    \
      (gpointer)rc_cli_acks_parse_wait,                                                  \
      "Wait for the clients' acknowledgements (through the gate; default 30 s)",         \
      "SECONDS" },                                                                       \
    { "json", 0, 0, G_OPTION_ARG_NONE, &(acks)->json,                                    \
      "Print the result as JSON (with --wait: the outcome on every client)", NULL }

/*
 * Do @op through @gate as rc_cli_gate_request() does, and for a publish
 * first ask the gate which connected clients cannot handle @item's type
 * and version: then, when @acks has the assignments and a lower version
 * every connected client handles accepts them, publish that version (and
 * say so); else a warning, or with --require-all a refusal.  With --wait,
 * follow the clients' answers and print the summary.  Prints what was done
 * and returns the exit code: RC_EXIT_INCOMPLETE when some client did not
 * apply it (or could not, with --require-all).
 */
int rc_cli_acks_run(const char *command, rc_cli_conn *conn, const char *gate, rc_gate_op op,
                    const char *room, const roomctl_item *item, const char *item_id,
                    const rc_cli_acks *acks);

/* For --wait without a gate: the usage error that says a gate is needed. */
int rc_cli_acks_need_gate(const char *command);

/*
 * Ask @gate about @room's clients (the account must be in the room:
 * rc_muc_join_sync()); @type (may be NULL) with @version (0: the gate's
 * highest) asks who can handle it (rc_client_status.can).  A new array of
 * rc_client_status, or NULL with @error.  The seam for choosing a version
 * every client handles (issue 17).
 */
GPtrArray *rc_cli_acks_clients(rc_cli_conn *conn, const char *gate, const char *room,
                               const char *type, int version, GError **error);

/* Append `,"NAME":VALUE` (@value a JSON string, or null when NULL), or
 * without the comma when @first. */
void rc_cli_json_member(GString *out, gboolean first, const char *name, const char *value);

G_END_DECLS

#endif

/* Internal: a moderator's side of the gate (docs/wire-format.md section 11):
 * be an occupant of the room, send a request, read the answer.  `roomctl
 * --gate` and the gate's tests use it. */
#ifndef RC_GATE_CLIENT_H
#define RC_GATE_CLIENT_H

#include "bus_private.h"
#include "gate_proto.h"

G_BEGIN_DECLS

/*
 * Enter MUC room @room_jid as @nick and wait for the service's presence for
 * us (XEP-0045 7.2).  @role (may be NULL) gets our role ("moderator", …; a
 * new string).  @created (may be NULL) is set when the room did not exist
 * and the service made it for us (status 201): it stays locked until its
 * owner configures it (rc_muc_configure_instant_sync()).  Errors: the
 * service's refusal ("cannot enter MUC room R: registration-required"),
 * ROOMCTL_ERR_TIMEOUT, ROOMCTL_ERR_CONNECTION.  The bus's presence handler
 * is taken for the wait.
 */
gboolean rc_muc_join_sync(roomctl_bus *bus, const char *room_jid, const char *nick,
                          char **role, gboolean *created, GError **error);
/* Leave (unavailable presence); no answer is waited for. */
void rc_muc_leave(roomctl_bus *bus, const char *room_jid, const char *nick);
/* Accept the default configuration of a room we just created, made
 * persistent so that it outlives its occupants (XEP-0045 10.1.2). */
gboolean rc_muc_configure_instant_sync(roomctl_bus *bus, const char *room_jid,
                                       GError **error);

/*
 * Ask @gate to publish @control (RC_GATE_PUBLISH; a <control/> element, e.g.
 * rc_item_encode_stanza()'s; only read), retract @item_id or purge
 * @room_jid, and wait for its answer (the bus's request timeout).  The
 * requester must be in the room (rc_muc_join_sync()).  @done_id (may be
 * NULL) gets the item id the gate names (g_free()).  Errors as
 * rc_gate_check_reply(): the gate's code and words.
 */
gboolean rc_gate_send_sync(roomctl_bus *bus, const char *gate, rc_gate_op op,
                           const char *room_jid, xmpp_stanza_t *control,
                           const char *item_id, char **done_id, GError **error);

/* (13) What the gate answered to a request or a status question. */
typedef struct rc_gate_answer {
    char *item_id;           /* the item the gate names; NULL for a purge */
    char *tracking;          /* <tracking id=/>: the gate tracks it; NULL: it does not */
    guint clients;           /* how many clients it waits for */
    xmpp_stanza_t *reply;    /* the whole result (owned) */
} rc_gate_answer;
void rc_gate_answer_free(rc_gate_answer *answer);
/*
 * (13) Send @iq (a request, e.g. rc_gate_request_new() with rc_track_add(),
 * or rc_status_request_new(); the caller keeps it) to @gate and wait for
 * the answer: a new rc_gate_answer, or NULL with @error as
 * rc_gate_send_sync().
 */
rc_gate_answer *rc_gate_call_sync(roomctl_bus *bus, const char *gate, xmpp_stanza_t *iq,
                                  GError **error);

G_END_DECLS

#endif

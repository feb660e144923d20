/* roomctl-gate: an XEP-0114 component that owns the rooms' control nodes,
 * follows each room's occupants and publishes only what a moderator asks
 * for and the schemas accept (issue 12; docs/wire-format.md section 11). */
#ifndef RC_GATE_H
#define RC_GATE_H

#include "gate_config.h"

G_BEGIN_DECLS

typedef struct rc_gate rc_gate;

typedef struct rc_gate_stats {
    guint64 requests;        /* requests received */
    guint64 done;            /* published, retracted, purged */
    guint64 not_moderator;   /* refused: the requester may not */
    guint64 invalid;         /* refused: invalid item, unknown type, bad request */
    guint64 failed;          /* the server refused or did not answer */
    guint64 acks;            /* (13) acknowledgements received for managed rooms */
    guint64 progress_sent;   /* (13) progress messages sent to waiting moderators */
    guint64 summaries_sent;  /* (13) summaries sent */
} rc_gate_stats;

/* A new gate for @config (kept; must outlive the gate) and @registry (must
 * outlive it), in @context (NULL: the default).  Nothing is sent yet. */
rc_gate *rc_gate_new(const rc_gate_config *config, const roomctl_registry *registry,
                     GMainContext *context);
void rc_gate_free(rc_gate *gate);
/* Connect to the server as the component; FALSE with @error when the
 * first attempt fails (wrong secret, no component port).  Once connected it
 * stays so: lost connections are retried with the bus's back-off, and each
 * new session sets up every room again (node, affiliations, occupants)
 * before requests for that room are served. */
gboolean rc_gate_start(rc_gate *gate, GError **error);
void rc_gate_get_stats(const rc_gate *gate, rc_gate_stats *out);
/* One line per room on stderr-bound logging: in the room or not, occupants,
 * why not ready. */
void rc_gate_log_status(const rc_gate *gate);

G_END_DECLS

#endif

/* roomctl-gate: who is in a room right now, with their role, affiliation
 * and real JID, as the MUC service's presences tell (XEP-0045 7.2). */
#ifndef RC_GATE_OCCUPANTS_H
#define RC_GATE_OCCUPANTS_H

#include <strophe.h>
#include <glib.h>

G_BEGIN_DECLS

#define RC_NS_MUC "http://jabber.org/protocol/muc"
#define RC_NS_MUC_USER "http://jabber.org/protocol/muc#user"

typedef struct rc_occupants rc_occupants;

/* What the gate lets publish (roomctl-gate's `allow:`). */
typedef enum {
    RC_ALLOW_ROLE_MODERATOR = 0, /* role moderator (default) */
    RC_ALLOW_AFFILIATION_ADMIN,  /* affiliation admin or owner */
    RC_ALLOW_AFFILIATION_OWNER   /* affiliation owner */
} rc_allow;

rc_occupants *rc_occupants_new(void);
void rc_occupants_free(rc_occupants *occupants);
/* Forget everyone (the gate left the room or lost its connection). */
void rc_occupants_clear(rc_occupants *occupants);
guint rc_occupants_count(const rc_occupants *occupants);

/* What a presence from the room did. */
typedef enum {
    RC_PRESENCE_IGNORED,   /* not an occupant presence (no muc#user item) */
    RC_PRESENCE_UPDATED,   /* an occupant came, changed or left */
    RC_PRESENCE_SELF,      /* our own presence (status 110): the join is complete */
    RC_PRESENCE_SELF_GONE, /* we are out (kicked, banned, room destroyed) */
    RC_PRESENCE_ERROR      /* the join was refused */
} rc_presence_kind;

/* Apply @presence (from ROOM/NICK; lives for the call). */
rc_presence_kind rc_occupants_update(rc_occupants *occupants, xmpp_stanza_t *presence);

/*
 * Whether the occupant whose real JID is @full_jid may publish under
 * @allow.  FALSE when @full_jid is not in the room (or the room hides real
 * JIDs from us).  @role and @affiliation (may be NULL) get the occupant's, or
 * "none" when not there; static strings or owned by @occupants.
 */
gboolean rc_occupants_allowed(const rc_occupants *occupants, const char *full_jid,
                              rc_allow allow, const char **role, const char **affiliation);

/* "role: moderator", "affiliation: admin", "affiliation: owner". */
const char *rc_allow_name(rc_allow allow);

G_END_DECLS

#endif

/* Internal: XEP-0045 affiliation lists of a MUC room (muc#admin queries).
 *
 * Who may read them is the MUC service's choice.  Prosody 0.12: an owner
 * reads every list, an admin the admin, member and outcast lists; in a
 * members-only room whose real JIDs are shown to everyone, members read them
 * too. */
#ifndef RC_MUC_ADMIN_H
#define RC_MUC_ADMIN_H

#include "bus_private.h"

G_BEGIN_DECLS

#define RC_NS_MUC_ADMIN "http://jabber.org/protocol/muc#admin"

/* A MUC affiliation, in rank order. */
typedef enum {
    RC_MUC_NONE = 0, RC_MUC_MEMBER, RC_MUC_ADMIN, RC_MUC_OWNER
} rc_muc_affiliation;

/* "owner", "admin", "member", "none". */
const char *rc_muc_affiliation_name(rc_muc_affiliation affiliation);

/* @lists: bare JID (lower case, char *) -> rc_muc_affiliation (GINT_TO_POINTER)
 * of every list read, the highest when a JID is on several; lives for the
 * call.  NULL with @error when a list could not be read. */
typedef void (*rc_muc_lists_fn)(roomctl_bus *bus, GHashTable *lists, const GError *error,
                                void *user_data);

/*
 * Read the lists of @wanted (owners, admins, members: each of RC_MUC_MEMBER
 * and above; any order, ended by RC_MUC_NONE) of MUC room @room_jid, all
 * at once.  @fn is called once.  Errors: ROOMCTL_ERR_NOT_ALLOWED ("account
 * A may not read the owner list of MUC room R"), ROOMCTL_ERR_NOT_FOUND (no
 * such room), ROOMCTL_ERR_SERVER, ROOMCTL_ERR_TIMEOUT, ROOMCTL_ERR_CONNECTION.
 */
void rc_muc_get_lists(roomctl_bus *bus, const char *room_jid, const rc_muc_affiliation *wanted,
                      rc_muc_lists_fn fn, void *user_data);
/* The same, waiting; a new table (g_hash_table_unref()) or NULL with @error. */
GHashTable *rc_muc_get_lists_sync(roomctl_bus *bus, const char *room_jid,
                                  const rc_muc_affiliation *wanted, GError **error);

/* Give @jid the MUC @affiliation in @room_jid (RC_MUC_NONE removes it). */
gboolean rc_muc_set_affiliation_sync(roomctl_bus *bus, const char *room_jid, const char *jid,
                                     rc_muc_affiliation affiliation, GError **error);

G_END_DECLS

#endif

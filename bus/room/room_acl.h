/* Internal: receiver-side checks of incoming items (room_acl.c): size limit
 * and moderator lists, kept per bus. */
#ifndef RC_ROOM_ACL_H
#define RC_ROOM_ACL_H

#include <strophe.h>
#include <roomctl/bus.h>

G_BEGIN_DECLS

typedef struct rc_acl rc_acl;

/* Free the checks' state of a bus (NULL is fine). */
void rc_acl_free(rc_acl *acl);

/*
 * Look at the PubSub <item/> @it of room @room_jid before it is decoded:
 * NULL when it may go on, else why it must be dropped (the caller frees
 * it): ROOMCTL_ERR_TOO_LARGE or ROOMCTL_ERR_NOT_MODERATOR.
 */
GError *rc_acl_check_item(roomctl_bus *bus, const char *room_jid, xmpp_stanza_t *it);

/*
 * (gate, additive) The same publisher check for a retraction notification
 * (<retract id= publisher=/>: Prosody names who retracted when it names
 * publishers): NULL when it may go on, else ROOMCTL_ERR_NOT_MODERATOR.
 * Purges and node deletions name nobody; the server lets only the node's
 * owners do them (the gate, when there is one).
 */
GError *rc_acl_check_retract(roomctl_bus *bus, const char *room_jid, xmpp_stanza_t *retract);

G_END_DECLS

#endif

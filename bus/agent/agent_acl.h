/* roomctl-agent's access control: the moderator lists and size limit of its
 * configuration given to the bus, moderators learnt from the server for the
 * rooms the configuration gives none, and drops counted by reason. */
#ifndef RC_AGENT_ACL_H
#define RC_AGENT_ACL_H

#include "config.h"

G_BEGIN_DECLS

typedef struct rc_agent_acl rc_agent_acl;

/* Give @bus the size limit and moderator lists of @config (both must
 * outlive the result). */
rc_agent_acl *rc_agent_acl_new(roomctl_bus *bus, const rc_agent_config *config);
/* Before the bus is freed: answers still to come are ignored. */
void rc_agent_acl_stop(rc_agent_acl *acl);
void rc_agent_acl_free(rc_agent_acl *acl);

typedef void (*rc_agent_join_fn)(const char *room_jid, void *user_data);
/*
 * Call @join for @room_jid (copied) once its moderators are settled: at
 * once when the configuration lists them; else after the first connection
 * has asked the server (roomctl_bus_learn_moderators()).  When the server
 * will not tell, the room is joined with publisher checks off, which is
 * logged once.
 */
void rc_agent_acl_when_ready(rc_agent_acl *acl, const char *room_jid, rc_agent_join_fn join,
                             void *user_data);
/* The bus is connected: ask about the rooms still waiting. */
void rc_agent_acl_connected(rc_agent_acl *acl);

/* Log a dropped item with its reason and count it. */
void rc_agent_acl_dropped(rc_agent_acl *acl, const char *room_jid, const char *item_id,
                          const GError *why);
guint64 rc_agent_acl_drops(const rc_agent_acl *acl);
/* "drops by reason: not-from-service 1, …\n" (every reason, zeros too). */
void rc_agent_acl_describe(const rc_agent_acl *acl, GString *out);

G_END_DECLS

#endif

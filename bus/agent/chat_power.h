/* The agent's chat power hook: what "turn the chat off" means for a headless
 * agent is a log line and a state file a UI (or the demo) can read. */
#ifndef RC_AGENT_CHAT_POWER_H
#define RC_AGENT_CHAT_POWER_H

#include <roomctl/roomctl.h>

G_BEGIN_DECLS

/* A roomctl_chat_power_fn.  @user_data is the state file's path (a char *
 * the hook does not own) or NULL for log only.  The file is replaced
 * atomically with {"chat": "enabled"|"disabled", "reason": …, "time": …}. */
gboolean rc_agent_chat_power(gboolean enabled, const char *reason, void *user_data,
                             GError **error);

G_END_DECLS

#endif

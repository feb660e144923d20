/* roomctl-agent's log: one line per message on stderr, for the agent and for
 * libroomctl (whose log hook it installs). */
#ifndef RC_AGENT_LOG_H
#define RC_AGENT_LOG_H

#include <roomctl/roomctl.h>

G_BEGIN_DECLS

/* Install the hook; messages less severe than @level are dropped. */
void rc_agent_log_init(roomctl_log_level level);
void rc_agent_log(roomctl_log_level level, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

G_END_DECLS

#endif

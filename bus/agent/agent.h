/* roomctl-agent at run time: schemas, plugins, one bus, the rooms it follows
 * and what it counted. */
#ifndef RC_AGENT_AGENT_H
#define RC_AGENT_AGENT_H

#include "config.h"

G_BEGIN_DECLS

typedef struct rc_agent rc_agent;

/* Called once when the agent cannot go on (e.g. the server refused the
 * account); @error lives for the call only. */
typedef void (*rc_agent_fatal_fn)(const GError *error, void *user_data);

/*
 * Load the schemas and plugins @config names and make the bus (not yet
 * connected).  @config must outlive the agent.  Errors name the schema or
 * plugin file and why.  Free with rc_agent_free(), which leaves the rooms,
 * disconnects and shuts the plugins down.
 */
rc_agent *rc_agent_new(const rc_agent_config *config, rc_agent_fatal_fn fatal,
                       void *user_data, GError **error);
void rc_agent_free(rc_agent *agent);

/* `roomctl-agent --check`: load the schemas and check every plugin @config
 * names, and its section against the settings it declares
 * (roomctl_host_check_config()), without running its init, which may write
 * files a running agent owns.  Errors as for rc_agent_new(). */
gboolean rc_agent_check(const rc_agent_config *config, GError **error);

/* Connect (retrying with back-off while the server cannot be reached) and
 * join every room; runs in the default main context. */
void rc_agent_start(rc_agent *agent);

/* Connection, rooms, state and counters as text for a person; g_free() it. */
char *rc_agent_describe(const rc_agent *agent);

G_END_DECLS

#endif

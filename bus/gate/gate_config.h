/* roomctl-gate's YAML configuration: the agent's file format (account,
 * server, rooms, schema_dirs, log_level; bus/agent/config.c reads them) plus
 * a `component:` section (see examples/gate.yaml). */
#ifndef RC_GATE_CONFIG_H
#define RC_GATE_CONFIG_H

#include "agent/config.h"
#include "occupants.h"

G_BEGIN_DECLS

typedef struct rc_gate_config {
    rc_agent_config *base;  /* account.jid is the component's domain, its
                             * password (password_file/password_env) the
                             * component secret; server.port the server's
                             * component port */
    char *nick;             /* component.nick: the gate's nickname in rooms */
    rc_allow allow;         /* component.allow */
    guint rescan_ms;        /* component.rescan_ms: how often room patterns (a room
                             * address with * or ? in `rooms:`) are matched
                             * against the MUC service's rooms; 0: 30 s */
} rc_gate_config;

/* Read and check @path; NULL with @error (ROOMCTL_ERR_CONFIG, every problem
 * as FILE:LINE:COL: error: TEXT, one per line).  Free with
 * rc_gate_config_free(). */
rc_gate_config *rc_gate_config_load(const char *path, const char *default_schema_dir,
                                    GError **error);
rc_gate_config *rc_gate_config_load_string(const char *name, const char *yaml,
                                           const char *default_schema_dir, GError **error);
void rc_gate_config_free(rc_gate_config *config);

G_END_DECLS

#endif

/* roomctl-agent's YAML configuration (see examples/agent.yaml). */
#ifndef RC_AGENT_CONFIG_H
#define RC_AGENT_CONFIG_H

#include <roomctl/roomctl.h>

G_BEGIN_DECLS

/* One entry of `plugins:`, in the order the agent loads them. */
typedef struct rc_agent_plugin_conf {
    char *name;                    /* a name in plugin_dirs, or a path to a .so */
    const roomctl_config *section; /* its `config:`; owned by the tree; NULL for none */
} rc_agent_plugin_conf;

typedef struct rc_agent_config {
    char *file;                 /* the file it was read from */
    roomctl_config *tree;       /* the parsed YAML; plugin sections point into it */
    char *jid;
    char *password;             /* from password_file or password_env; NULL: anonymous */
    char *host;                 /* NULL: the JID's domain */
    guint16 port;               /* 0: 5222 */
    char *pubsub_service;       /* NULL: "pubsub." + the JID's domain */
    gboolean allow_plaintext;   /* server.local_test_server (or allow_plaintext): no TLS;
                                 * refused unless the host is 127.0.0.1/localhost */
    char *tls_ca_file;          /* server.tls_ca_file, resolved; NULL: system store only */
    GPtrArray *rooms;           /* bare room JIDs (char *), at least one */
    GPtrArray *schema_dirs;     /* resolved against the config file's folder; empty:
                                 * $ROOMCTL_SCHEMA_PATH or the installed schemas */
    GPtrArray *plugin_dirs;
    GArray *plugins;            /* rc_agent_plugin_conf */
    roomctl_log_level log_level;
    char *chat_state_file;      /* NULL: none */
    /* The applied-state journal (roomctl_host_open_journal()); NULL: none,
     * and a restarted agent hands every current item to its plugins again. */
    char *state_file;
    /* server.reconnect_min_ms, reconnect_max_ms, keepalive_ms (0: the bus's
     * defaults) and slow_handler_ms (-1: the host's default; 0: off). */
    gint64 reconnect_min_ms, reconnect_max_ms, keepalive_ms;
    gint64 reconcile_ms;        /* server.reconcile_ms, anti-entropy; 0: the bus's 60 s */
    gint64 slow_handler_ms;
    /* Who may publish (checked where the server names publishers):
     * `moderators:` for every room (NULL: not given), and the lists of room
     * entries given as {jid, moderators} (room JID -> GPtrArray of JIDs). */
    GPtrArray *moderators;
    GHashTable *room_moderators;
    gsize max_item_size;        /* max_item_size; 0: the library's default (1 MiB) */
    /* (gate) `gate: JID`: items and retractions are accepted only when the
     * server names this roomctl-gate as their publisher; NULL: none. */
    char *gate;
} rc_agent_config;

/*
 * Read and check the agent configuration in @path.  Relative paths in it are
 * taken from the file's folder.  On failure returns NULL and sets @error
 * (ROOMCTL_ERR_CONFIG, or the password file's error) whose message lists
 * every error of the file, one per line, as "FILE:LINE:COL: error: TEXT".
 * @default_schema_dir and @default_plugin_dir (may be NULL) are used when
 * the file names none.  Free with rc_agent_config_free().
 */
rc_agent_config *rc_agent_config_load(const char *path, const char *default_schema_dir,
                                      const char *default_plugin_dir, GError **error);
/* Same from memory; @name stands for the file (messages, relative paths). */
rc_agent_config *rc_agent_config_load_string(const char *name, const char *yaml,
                                             const char *default_schema_dir,
                                             const char *default_plugin_dir, GError **error);
void rc_agent_config_free(rc_agent_config *config);

/* "error", "warning", "info", "debug". */
const char *rc_agent_log_level_name(roomctl_log_level level);
gboolean rc_agent_log_level_parse(const char *text, roomctl_log_level *out);

G_END_DECLS

#endif

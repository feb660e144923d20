/* Test harness: a throwaway Prosody on 127.0.0.1 for integration tests.
 *
 * Each server lives in its own temporary folder (config, data, log) and
 * listens on a free loopback port.  Servers still running at exit, or when
 * the test process dies, are stopped: the child gets SIGKILL when its parent
 * dies, and an atexit hook stops the rest and removes their folders. */
#ifndef RC_TEST_PROSODY_H
#define RC_TEST_PROSODY_H

#include <glib.h>

G_BEGIN_DECLS

#define RC_PROSODY_DOMAIN "localhost"
#define RC_PROSODY_PUBSUB "pubsub.localhost"
#define RC_PROSODY_MUC "conference.localhost"
/* roomctl-gate's component address, when gate_secret is set. */
#define RC_PROSODY_GATE "gate.localhost"

typedef struct rc_prosody rc_prosody;

typedef struct rc_prosody_options {
    const char *dir;        /* NULL: a new temporary folder */
    gboolean persistent;    /* PubSub on disk (survives a restart); default memory */
    gboolean keep;          /* do not remove the folder when freed */
    /* Offer STARTTLS with a self-signed certificate for "localhost" (made
     * with openssl); clients must trust it blindly.  Plain still allowed. */
    gboolean tls;
    /* Accounts that administer the PubSub service ("owner" of every node),
     * as user names of RC_PROSODY_DOMAIN; NULL-terminated, may be NULL. */
    const char *const *pubsub_admins;
    /* (E, additive) The PubSub service's cap of pubsub#max_items; 0: 256. */
    guint pubsub_max_items;
    /* (E, additive) Lua appended to the configuration: more hosts, or
     * global options after a `Host "*"` line.  NULL: none. */
    const char *extra_config;
    /* (issue 15, additive) Accounts of roomctl agents (user names of
     * RC_PROSODY_DOMAIN, NULL-terminated, may be NULL): the server drops
     * every stanza to them that does not come from the PubSub service, the
     * gate, the server or another agent (examples/prosody/roomctl-agents.pfw,
     * Prosody's mod_firewall from Debian's prosody-modules). */
    const char *const *agent_accounts;
    /* (gate, additive) Accept roomctl-gate as the external component
     * RC_PROSODY_GATE with this secret, on rc_prosody_component_port(); the
     * gate administers the PubSub service (creates and owns the nodes).
     * NULL: no component. */
    const char *gate_secret;
    /* (issue 18, additive) Also serve XMPP over WebSocket (RFC 7395,
     * mod_websocket) on a second free port of 127.0.0.1, at
     * ws://127.0.0.1:PORT/xmpp-websocket; see rc_prosody_http_port(). */
    gboolean websocket;
} rc_prosody_options;

/* Write the configuration and start the server; returns once its client
 * port accepts connections.  NULL with @error when it did not come up (the
 * error holds the end of its log).  Free with rc_prosody_free(). */
rc_prosody *rc_prosody_start(const rc_prosody_options *options, GError **error);
/* Stop the server (if running) and remove its folder unless kept. */
void rc_prosody_free(rc_prosody *server);

/* Register USER@localhost with @password (prosodyctl; works while running). */
gboolean rc_prosody_add_account(rc_prosody *server, const char *user, const char *password,
                                GError **error);
/* Same for "user:password" strings, NULL-terminated. */
gboolean rc_prosody_add_accounts(rc_prosody *server, const char *const *accounts,
                                 GError **error);

/* SIGTERM, then SIGKILL after a few seconds. */
void rc_prosody_stop(rc_prosody *server);
/* SIGKILL at once: a crash, for fault tests. */
void rc_prosody_kill(rc_prosody *server);
/* Start again on the same port and folder (after stop or kill). */
gboolean rc_prosody_restart(rc_prosody *server, GError **error);
gboolean rc_prosody_is_running(const rc_prosody *server);

guint16 rc_prosody_port(const rc_prosody *server);
/* (gate) The XEP-0114 component port; 0 without gate_secret. */
guint16 rc_prosody_component_port(const rc_prosody *server);
/* The HTTP port of the WebSocket endpoint; 0 without options->websocket. */
guint16 rc_prosody_http_port(const rc_prosody *server);
const char *rc_prosody_dir(const rc_prosody *server); /* owned by the server */
/* "user@localhost"; free with g_free(). */
char *rc_prosody_jid(const char *user);

/* The server's log so far; free with g_free(). */
char *rc_prosody_log(const rc_prosody *server);
/* Print the last @max_lines lines of the log to stderr (0: all), headed by
 * @why; tests call it when they fail. */
void rc_prosody_dump_log(const rc_prosody *server, const char *why, guint max_lines);

/* (13, additive) Write a roomctl-gate configuration for this server's
 * component (secret file mode 0600, plain loopback) into its folder:
 * @rooms and @schema_dirs are YAML flow lists ("[a@muc, b@muc]"); @log_level
 * "info", "debug"…  Returns the configuration's path (g_free()). */
char *rc_prosody_write_gate_config(const rc_prosody *server, const char *secret,
                                   const char *rooms, const char *schema_dirs,
                                   const char *log_level);

G_END_DECLS

#endif

/* Test harness: "the test server", whichever XMPP server it is.  Fixtures
 * start one through this interface and get Prosody (prosody.h) or ejabberd
 * (ejabberd.h), as ROOMCTL_TEST_SERVER says ("prosody", the default, or
 * "ejabberd"; meson registers each integration test once per server, so
 * "all" is a choice of which registrations run, see tests/meson.build).
 * Both serve the same names: users of "localhost", PubSub at
 * "pubsub.localhost", MUC at "conference.localhost", and optionally the
 * component "gate.localhost". */
#ifndef RC_TEST_SERVER_H
#define RC_TEST_SERVER_H

#include <glib.h>

G_BEGIN_DECLS

#define RC_SERVER_DOMAIN "localhost"
#define RC_SERVER_PUBSUB "pubsub.localhost"
#define RC_SERVER_MUC "conference.localhost"
#define RC_SERVER_GATE "gate.localhost"

typedef enum {
    RC_SERVER_FROM_ENV = 0, /* ROOMCTL_TEST_SERVER, default Prosody */
    RC_SERVER_PROSODY,
    RC_SERVER_EJABBERD,
} rc_server_kind;

typedef struct rc_server rc_server;

typedef struct rc_server_options {
    rc_server_kind kind;
    const char *dir;        /* NULL: a new temporary folder */
    gboolean keep;          /* do not remove the folder when freed */
    /* Offer STARTTLS (optional for clients) with a certificate made at
     * start; clients trust it with rc_server_cafile(). */
    gboolean tls;
    /* Prosody only: PubSub in memory instead of the file store deployments
     * use (Prosody's memory store misbehaves on republished ids). */
    gboolean memory_store;
    /* Accounts (user names) that may create PubSub nodes; Prosody also
     * makes them service admins.  NULL-terminated, may be NULL. */
    const char *const *pubsub_admins;
    guint pubsub_max_items; /* 0: the server's default */
    /* Non-NULL: the component RC_SERVER_GATE with this secret (XEP-0114)
     * on rc_server_component_port(). */
    const char *component_secret;
    /* Prosody only: accounts of roomctl agents (NULL-terminated, may be
     * NULL) whose stanzas from anyone but the services the server drops
     * (rc_prosody_options.agent_accounts, Prosody's mod_firewall). */
    const char *const *agent_accounts;
    /* New MUC rooms are public (listed by the MUC service), as ejabberd
     * makes them by default and Prosody 0.12 does not. */
    gboolean public_rooms;
    /* Prosody only: also serve XMPP over WebSocket (RFC 7395) on another
     * free port of 127.0.0.1 (rc_server_websocket_url()). */
    gboolean websocket;
} rc_server_options;

/* The kind ROOMCTL_TEST_SERVER names; FALSE with @error for another value. */
gboolean rc_server_kind_from_env(rc_server_kind *kind, GError **error);

/* Start the server; returns once its client port accepts connections.
 * NULL with @error (holding the end of its log) when it did not come up. */
rc_server *rc_server_start(const rc_server_options *options, GError **error);
/* Stop the server and remove its folder unless kept. */
void rc_server_free(rc_server *server);

/* Create accounts from "user:password" strings, NULL-terminated. */
gboolean rc_server_add_accounts(rc_server *server, const char *const *accounts,
                                GError **error);

void rc_server_stop(rc_server *server);     /* clean shutdown */
void rc_server_kill(rc_server *server);     /* SIGKILL: a crash */
gboolean rc_server_restart(rc_server *server, GError **error);

rc_server_kind rc_server_get_kind(const rc_server *server);
const char *rc_server_name(const rc_server *server);  /* "prosody" or "ejabberd" */
guint16 rc_server_port(const rc_server *server);
guint16 rc_server_component_port(const rc_server *server); /* 0: none */
/* "ws://127.0.0.1:PORT/xmpp-websocket", or NULL without options->websocket;
 * g_free(). */
char *rc_server_websocket_url(const rc_server *server);
/* A roomctl-gate configuration for this server's component in its folder
 * (rc_harness_write_gate_config()); g_free(). */
char *rc_server_write_gate_config(const rc_server *server, const char *secret,
                                  const char *rooms, const char *schema_dirs,
                                  const char *log_level);
const char *rc_server_dir(const rc_server *server);   /* owned by the server */
/* The certificate to trust (NULL without TLS); owned by the server. */
const char *rc_server_cafile(const rc_server *server);
/* "user@localhost"; g_free(). */
char *rc_server_jid(const char *user);
/* The backends, for what only one of them has (NULL for the other). */
struct rc_prosody *rc_server_prosody(rc_server *server);
struct rc_ejabberd *rc_server_ejabberd(rc_server *server);

/* Print the last @max_lines lines of the server's log to stderr, headed by
 * @why; tests call it when they fail. */
void rc_server_dump_log(const rc_server *server, const char *why, guint max_lines);

G_END_DECLS

#endif

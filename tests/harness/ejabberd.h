/* Test harness: a throwaway ejabberd node on 127.0.0.1 for integration
 * tests, alone or joined to another one (a cluster on loopback).
 *
 * Each node lives in its own temporary folder (configs, Mnesia spool, log)
 * owned by the `ejabberd` user (ejabberdctl, run as root, switches to it),
 * has its own node name and cookie, and registers with an epmd of its own on
 * a free loopback port (so no shared epmd listens on every interface, and
 * one test's nodes never see another's).  Every ejabberdctl call is given
 * the node's ctl config.  A watchdog kills the node when the test process
 * dies, however it dies; an atexit hook stops the rest. */
#ifndef RC_TEST_EJABBERD_H
#define RC_TEST_EJABBERD_H

#include <glib.h>

G_BEGIN_DECLS

#define RC_EJABBERD_DOMAIN "localhost"
#define RC_EJABBERD_PUBSUB "pubsub.localhost"
#define RC_EJABBERD_MUC "conference.localhost"

typedef struct rc_ejabberd rc_ejabberd;

typedef struct rc_ejabberd_options {
    const char *dir;        /* NULL: a new temporary folder */
    gboolean keep;          /* do not remove the folder when freed */
    /* Offer STARTTLS (optional) with a certificate made at start for
     * "localhost"; its file is rc_ejabberd_cafile(). */
    gboolean tls;
    /* Accounts (user names of RC_EJABBERD_DOMAIN) that may create PubSub
     * nodes (mod_pubsub's access_createnode); NULL: every local account. */
    const char *const *pubsub_admins;
    /* mod_pubsub's max_items_node; 0: ejabberd's default (1000). */
    guint pubsub_max_items;
    /* Non-NULL: an XEP-0114 component listener (ejabberd_service) for
     * "gate.localhost" with this password, on rc_ejabberd_component_port(). */
    const char *component_secret;
    /* Non-NULL: this node joins @join's cluster (same epmd and cookie;
     * ejabberdctl join_cluster) once started. */
    rc_ejabberd *join;
    /* Erlang distribution buffer busy limit in KiB (+zdbbl); 0: the
     * environment's RC_EJABBERD_DIST_BUFFER_KIB, else Erlang's default. */
    guint dist_buffer_kib;
} rc_ejabberd_options;

/* Write the configuration, start epmd (unless joining) and the node; returns
 * once its client port accepts connections (and, when joining, once it has
 * joined).  NULL with @error (holding the end of its log) when it did not
 * come up.  Free with rc_ejabberd_free(). */
rc_ejabberd *rc_ejabberd_start(const rc_ejabberd_options *options, GError **error);
/* Stop the node (if running) and its epmd, remove the folder unless kept.
 * Free the nodes that joined a cluster before the node they joined. */
void rc_ejabberd_free(rc_ejabberd *server);

/* Register USER@localhost with @password (ejabberdctl register). */
gboolean rc_ejabberd_add_account(rc_ejabberd *server, const char *user, const char *password,
                                 GError **error);
/* Same for "user:password" strings, NULL-terminated. */
gboolean rc_ejabberd_add_accounts(rc_ejabberd *server, const char *const *accounts,
                                  GError **error);
/* Run `ejabberdctl ARGS…` (NULL-terminated) against this node; its output
 * in @out (may be NULL; g_free). */
gboolean rc_ejabberd_ctl(rc_ejabberd *server, char **out, GError **error, ...)
    G_GNUC_NULL_TERMINATED;

/* SIGTERM to the node (a clean shutdown), SIGKILL after a few seconds. */
void rc_ejabberd_stop(rc_ejabberd *server);
/* SIGKILL at once: a crash, for fault tests. */
void rc_ejabberd_kill(rc_ejabberd *server);
/* Start again on the same ports and spool (after stop or kill). */
gboolean rc_ejabberd_restart(rc_ejabberd *server, GError **error);
gboolean rc_ejabberd_is_running(const rc_ejabberd *server);

guint16 rc_ejabberd_port(const rc_ejabberd *server);
guint16 rc_ejabberd_component_port(const rc_ejabberd *server); /* 0: none */
const char *rc_ejabberd_dir(const rc_ejabberd *server);      /* owned by the server */
const char *rc_ejabberd_node(const rc_ejabberd *server);     /* "rc-…@localhost" */
/* The certificate clients should trust (NULL without TLS); owned by the server. */
const char *rc_ejabberd_cafile(const rc_ejabberd *server);

/* The node's log so far; g_free(). */
char *rc_ejabberd_log(const rc_ejabberd *server);
/* Print the last @max_lines lines of the log to stderr (0: all), headed by
 * @why; tests call it when they fail. */
void rc_ejabberd_dump_log(const rc_ejabberd *server, const char *why, guint max_lines);

G_END_DECLS

#endif

/* Fixture of the agent and CLI integration tests: a throwaway Prosody (C1's
 * harness, harness/prosody.h), `roomctl` runs, roomctl-agent processes, and
 * bounded waits on the files their plugins write.  Paths of the built
 * binaries come from the environment that tests/meson.build sets. */
#ifndef PROG_FIXTURE_H
#define PROG_FIXTURE_H

#include <glib.h>
#include <sys/types.h>

#include "server.h"

/* Accounts the fixture creates, all with password "pw-" + name: the owner
 * administers the PubSub service (creates the rooms' nodes). */
#define PROG_OWNER "owner"
#define PROG_MODERATOR "moderator"

typedef struct prog_server {
    rc_server *xmpp;
    int port;
    char *dir;            /* the fixture's temporary folder (configs, logs, files) */
    const char *domain;   /* "localhost" */
    const char *pubsub;   /* "pubsub.localhost" */
    const char *muc;      /* "conference.localhost" */
    /* The server's certificate when it offers TLS (prog_server_start()
     * does): agents, `roomctl` and the embed example trust it and so talk
     * TLS, verified (tls_ca_file, ROOMCTL_CAFILE).  Owned by the server. */
    const char *cafile;
    GPtrArray *agents;    /* prog_agent * still running (a failed test leaves them) */
    int agent_port;       /* where agents connect (another cluster node); 0: @port */
} prog_server;

/* Start the test server (with TLS) with the owner, the moderator and
 * @accounts (NULL-terminated names).
 * Fails the test (cmocka) when it does not come up. */
prog_server *prog_server_start(const char *const *accounts);
/* The same with Prosody options of the caller's (persistence, folder…);
 * pubsub_admins is set here (the owner account). */
prog_server *prog_server_start_with(rc_server_options *options, const char *const *accounts);
void prog_server_stop(prog_server *server);
/* Fail the test with @message, after printing the end of the server's log
 * and the logs of the agents still running. */
void prog_fail(const prog_server *server, const char *message) G_GNUC_NORETURN;

/* name@domain, and a mode-0600 password file for it; g_free() both. */
char *prog_jid(const prog_server *server, const char *name);
char *prog_password_file(const prog_server *server, const char *name);
/* A room's bare JID on the MUC service: g_free(). */
char *prog_room(const prog_server *server, const char *name);

/* Run `roomctl ARGS…` (NULL-terminated) as @account; returns the exit
 * status and fills @out / @err (g_free; may be NULL to drop). */
int prog_roomctl(const prog_server *server, const char *account, char **out, char **err, ...)
    G_GNUC_NULL_TERMINATED;
/* The same with the arguments in a NULL-terminated array. */
int prog_roomctlv(const prog_server *server, const char *account, char **out, char **err,
                const char *const *args);

/* Start @argv (NULL-terminated; argv[0] a path) in @account's environment
 * (ROOMCTL_JID, ROOMCTL_PASSWORD[_FILE], host, port…), its output to @log. */
GPid prog_spawn(const prog_server *server, const char *account, const char *log,
              const char *const *argv);
/* SIGINT, wait; the exit status, or -1 when it did not exit by itself. */
int prog_interrupt(GPid pid);

typedef struct prog_agent {
    prog_server *server;
    GPid pid;
    char *name;
    char *config;    /* its YAML file */
    char *log;       /* its stderr */
    char *ui_file;   /* ui-state's file */
    char *audit_file;
    char *chat_file;
} prog_agent;

/* Start roomctl-agent as account @name following @rooms (NULL-terminated),
 * with the ui-state and audit plugins writing to files named after @name,
 * and wait until it has joined every room. */
prog_agent *prog_agent_start(prog_server *server, const char *name, const char *const *rooms);
/* (gate, additive) The same with @extra_yaml (may be NULL) appended to its
 * configuration, e.g. "gate: gate.localhost\n". */
prog_agent *prog_agent_start_with(prog_server *server, const char *name, const char *const *rooms,
                              const char *extra_yaml);
/* SIGTERM, wait, assert a clean exit; frees the agent.  Agents a failed
 * test leaves running are stopped by prog_server_stop(), and die with the test
 * process in any case. */
void prog_agent_stop(prog_agent *agent);
/* Free the record of an agent whose process is gone (not stopping it). */
void prog_agent_free(prog_agent *agent);

/* Wait up to @seconds until @path contains @needle; TRUE when it did. */
gboolean prog_wait_for(const char *path, const char *needle, double seconds);
/* Whether @path contains @needle now. */
gboolean prog_contains(const char *path, const char *needle);
/* The number of occurrences of @needle in @path now. */
guint prog_count(const char *path, const char *needle);

#endif

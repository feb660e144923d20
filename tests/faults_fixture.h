/* Fixture of the fault tests (test_faults.c): one Prosody with on-disk
 * PubSub storage (it survives SIGKILL and a restart), a TCP proxy between
 * clients and it, in-process buses with short back-off and keepalive, a
 * "mirror" that records what a room client was given the way a plugin
 * keeps it, and the check that a client's state equals the node's items.
 * Helpers fail the running test (cmocka) instead of returning errors. */
#ifndef FAULTS_FIXTURE_H
#define FAULTS_FIXTURE_H

#include <roomctl/roomctl.h>

#include "prog_fixture.h"
#include "tcp_proxy.h"

#define FAULTS_OWNER PROG_OWNER
#define FAULTS_MODERATOR PROG_MODERATOR

typedef struct {
    prog_server *server;          /* c2's view: roomctl runs, agent processes */
    rc_tcp_proxy *proxy;        /* clients -> proxy -> Prosody */
    roomctl_registry *registry;
    guint rooms;
    guint restarts;             /* Prosody kills and restarts so far */
} faults_fixture;

extern faults_fixture ff;

/* Start Prosody (persistent) with the owner, the moderator and @accounts,
 * and the proxy; stop everything. */
void faults_start(const char *const *accounts);
void faults_stop(void);
guint16 faults_server_port(void);
guint16 faults_proxy_port(void);

/* The cmocka group setup and teardown of a program of fault tests:
 * faults_start(@accounts) and faults_stop(). */
#define FAULTS_GROUP_FUNCTIONS(accounts)                                        \
    static int group_setup(void **state)                                        \
    {                                                                           \
        faults_start(accounts);                                                 \
        return 0;                                                               \
    }                                                                           \
    static int group_teardown(void **state)                                     \
    {                                                                           \
        faults_stop();                                                          \
        return 0;                                                               \
    }

/* SIGKILL Prosody, then start it again on the same port and data. */
void faults_kill_server(void);
void faults_restart_server(void);

/* A bus of @user (password "pw-" + user) to 127.0.0.1:@port with short
 * timeouts, back-off and keepalive, connected. */
roomctl_bus *faults_bus(const char *user, guint16 port);
/* The same with @timeout_ms for answers and each login. */
roomctl_bus *faults_bus_timeout(const char *user, guint16 port, guint timeout_ms);
/* The same without stream management (XEP-0198): the proxy's made-up
 * answers (rc_tcp_proxy_answer_wait) would upset its stanza counts. */
roomctl_bus *faults_bus_no_sm(const char *user, guint16 port);
/* A room whose node the owner created, with the moderator granted. */
char *faults_room(const char *what);
/* ui.button item for key "k@key"; roomctl_item_unref(). */
roomctl_item *faults_button(guint key, gboolean enabled, gboolean visible);
/* The node's state items, fetched by @bus (waits for it to be connected). */
GPtrArray *faults_node_state(roomctl_bus *bus, const char *room);

/* Iterate the default context for @ms. */
void faults_settle(guint ms);

/* What a room client was given, kept as a plugin keeps it. */
typedef struct {
    GHashTable *state;    /* item id -> roomctl_item ref */
    guint delivered;      /* item callbacks */
    guint reapplied;      /* items delivered equal to what was already applied */
    guint resets, purges, syncs;
} mirror;
extern const roomctl_room_callbacks mirror_callbacks;
mirror *mirror_new(void);
void mirror_free(gpointer m);
/* Keys of the node missing, different or extra in @m; @checked grows by
 * the number of keys compared. */
guint mirror_wrong(const mirror *m, GPtrArray *node, guint *checked);

/* Whether @path (ui-state's file, one room) holds exactly the ui.button
 * state of @node. */
gboolean faults_ui_file_matches(const char *path, GPtrArray *node);

/* Start roomctl-agent as @name on @port for @room, its ui-state and audit
 * files named after it (kept when they exist: a restart appends), with
 * @extra_plugins appended to its plugins: list and @extra_yaml to its
 * configuration (both may be NULL); waits until it has joined. */
prog_agent *faults_agent_start(const char *name, guint16 port, const char *room,
                             const char *extra_plugins, const char *extra_yaml);
/* SIGKILL the agent and forget it (its files stay). */
void faults_agent_kill(prog_agent *agent);

#endif

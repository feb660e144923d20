/* The gate on a two-node ejabberd cluster, as issue 14 deploys it: the gate
 * (a component of node 1) and the moderator on node 1, the agents on
 * node 2.  A moderator's publish through the gate reaches both agents on
 * node 2, and their acknowledgements cross back to the gate (publish
 * --wait: applied on 2 of 2); a participant's request is refused; agents
 * that accept only the gate's items still apply nothing else.  The
 * `cluster` suite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ejabberd.h"
#include "harness_util.h"
#include "prog_fixture.h"

#define SECRET "gate-secret-for-the-cluster"
#define GATE RC_SERVER_GATE

static const char *const accounts[] = { "screen1", "screen2", "pat", NULL };

typedef struct {
    prog_server *server;   /* node 1 */
    rc_ejabberd *node2;
    char *room;
    GPid gate;
    char *gate_log;
} fixture;

/* `roomctl ARGS…` as @account on node 1, which must succeed; its output. */
static char *roomctl_ok(fixture *f, const char *account, const char *const *args)
{
    char *out = NULL, *err = NULL;
    int status = prog_roomctlv(f->server, account, &out, &err, args);
    if (status != 0)
        prog_fail(f->server, g_strdup_printf("roomctl %s: exit %d\n%s%s", args[0], status,
                                             out, err));
    g_free(err);
    return out;
}

static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    rc_server_options options = { .component_secret = SECRET, .public_rooms = TRUE };
    f->server = prog_server_start_with(&options, accounts);
    rc_ejabberd *node1 = rc_server_ejabberd(f->server->xmpp);
    if (!node1) {
        fprintf(stderr, "the cluster suite needs ROOMCTL_TEST_SERVER=ejabberd\n");
        return -1;
    }
    g_autoptr(GError) error = NULL;
    rc_ejabberd_options node2_options = { .join = node1 };
    if (!(f->node2 = rc_ejabberd_start(&node2_options, &error))) {
        fprintf(stderr, "cannot start node 2: %s\n", error->message);
        return -1;
    }
    f->server->agent_port = rc_ejabberd_port(f->node2);
    f->room = prog_room(f->server, "cluster-gated");
    /* The chat room, its node, and the gate made its admin and the node's
     * owner, all through node 1. */
    const char *create[] = { "room", "create", f->room, NULL };
    g_free(roomctl_ok(f, PROG_OWNER, create));
    const char *hand_over[] = { "room", "create", f->room, "--gate", GATE, NULL };
    g_free(roomctl_ok(f, PROG_OWNER, hand_over));

    g_autofree char *rooms = g_strdup_printf("[%s]", f->room);
    g_autofree char *schemas = g_strdup_printf("[%s]", g_getenv("RC_SCHEMA_DIR"));
    g_autofree char *config = rc_harness_write_gate_config(
        f->server->dir, rc_server_component_port(f->server->xmpp), SECRET, rooms, schemas,
        "debug");
    f->gate_log = g_build_filename(f->server->dir, "gate.log", NULL);
    const char *argv[] = { g_getenv("ROOMCTL_GATE_BIN"), "--config", config, NULL };
    f->gate = prog_spawn(f->server, PROG_OWNER, f->gate_log, argv);
    if (!prog_wait_for(f->gate_log, "serving requests", 20))
        prog_fail(f->server, "the gate did not enter the room within 20 s");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (!f)
        return 0;
    if (f->gate)
        prog_interrupt(f->gate);
    /* The joined node goes first. */
    g_clear_pointer(&f->node2, rc_ejabberd_free);
    prog_server_stop(f->server);
    g_free(f->room);
    g_free(f->gate_log);
    g_free(f);
    return 0;
}

static void test_gate_on_node1_agents_on_node2(void **state)
{
    fixture *f = *state;
    const char *rooms[] = { f->room, NULL };
    const char *gate_only = "gate: " GATE "\n";
    prog_agent *agents[] = {
        prog_agent_start_with(f->server, "screen1", rooms, gate_only),
        prog_agent_start_with(f->server, "screen2", rooms, gate_only),
    };
    /* Both agents are known to the gate (their presence crossed the
     * cluster) before the moderator asks for every client's answer. */
    for (gsize i = 0; i < G_N_ELEMENTS(agents); i++) {
        g_autofree char *jid = g_strdup_printf("%s@%s/agent", agents[i]->name, f->server->domain);
        if (!prog_wait_for(f->gate_log, jid, 20))
            prog_fail(f->server, g_strdup_printf("the gate never heard of %s", jid));
    }

    const char *publish[] = { "publish", f->room, "ui.button", "button=send", "enabled=false",
                              "--gate", GATE, "--wait=20", NULL };
    g_autofree char *out = roomctl_ok(f, PROG_OWNER, publish);
    if (!strstr(out, "applied on 2 of 2 clients"))
        prog_fail(f->server, g_strdup_printf("publish --wait said:\n%s", out));
    for (gsize i = 0; i < G_N_ELEMENTS(agents); i++)
        if (!prog_wait_for(agents[i]->ui_file, "\"send\"", 10))
            prog_fail(f->server, g_strdup_printf("%s on node 2 never applied the item",
                                                 agents[i]->name));

    /* A participant: refused by the gate, whichever node the agents use. */
    char *pat_out = NULL, *pat_err = NULL;
    const char *refused[] = { "publish", f->room, "ui.button", "button=send", "enabled=true",
                              "--gate", GATE, NULL };
    int status = prog_roomctlv(f->server, "pat", &pat_out, &pat_err, refused);
    assert_int_equal(status, 4);
    assert_non_null(strstr(pat_err, "is not a moderator of"));
    g_free(pat_out);
    g_free(pat_err);

    for (gsize i = 0; i < G_N_ELEMENTS(agents); i++)
        prog_agent_stop(agents[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gate_on_node1_agents_on_node2),
    };
    return cmocka_run_group_tests_name("the gate on a two-node ejabberd cluster", tests, setup,
                                       teardown);
}

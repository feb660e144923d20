/* Two versions of a type side by side, without a gate, against a real
 * Prosody (issue 17): an agent that knows ui.button version 1 only, and a
 * moderator whose schemas also have version 2.  `publish` warns that it
 * sends version 2, the agent drops it naming the version, and
 * `publish --version 1` reaches the agent's plugin. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "prog_fixture.h"

#define WAIT 10.0

static const char *const accounts[] = { "screen1", NULL };

/* ui.button version 2: version 1 with an optional colour. */
static const char v2_schema[] =
    "type: ui.button\nversion: 2\nkind: state\nkey: [button]\nfields:\n"
    "  button: {type: string, required: true, pattern: '^[a-z][a-z0-9_-]{0,31}$'}\n"
    "  enabled: {type: bool, default: true}\n"
    "  visible: {type: bool, default: true}\n"
    "  colour: {type: string, enum: [red, green]}\n";

static void test_version_2_next_to_version_1_clients(void **state)
{
    (void)state;
    prog_server *server = prog_server_start(accounts);
    g_autofree char *room = prog_room(server, "versions");
    char *out = NULL, *err = NULL;
    int status = prog_roomctl(server, PROG_OWNER, &out, &err, "room", "create", room, NULL);
    if (status != 0)
        fail_msg("room create: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
    const char *const rooms[] = { room, NULL };
    prog_agent *agent = prog_agent_start(server, "screen1", rooms); /* the shipped schemas */

    /* The moderator's schema path: the shipped folder plus version 2. */
    g_autofree char *v2_dir = g_build_filename(server->dir, "schemas-v2", NULL);
    g_mkdir(v2_dir, 0700);
    g_autofree char *v2_file = g_build_filename(v2_dir, "ui.button.v2.yaml", NULL);
    assert_true(g_file_set_contents(v2_file, v2_schema, -1, NULL));
    g_autofree char *schemas = g_strdup_printf("%s:%s", g_getenv("RC_SCHEMA_DIR"), v2_dir);

    /* No version asked for, no gate: version 2, with a warning. */
    status = prog_roomctl(server, PROG_OWNER, &out, &err, "publish", room, "ui.button",
                        "button=send", "enabled=false", "--schemas", schemas, NULL);
    if (status != 0 ||
        !strstr(err, "roomctl publish: warning: sending ui.button version 2, the highest "
                     "known; clients that know only version 1 drop it (choose one with "
                     "--version N, or publish through a gate, which picks the highest every "
                     "connected client handles)\n"))
        fail_msg("publish without --version: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
    if (!prog_wait_for(agent->log, "ignored item ui.button:send: ui.button: unknown version 2 "
                                 "(known up to 1)", WAIT))
        prog_fail(server, "the version-1 agent did not drop the version-2 item");
    assert_false(prog_contains(agent->ui_file, "\"send\""));

    /* --version 1: sent as version 1, no warning, and applied. */
    status = prog_roomctl(server, PROG_OWNER, &out, &err, "publish", room, "ui.button",
                        "button=send", "enabled=false", "--version", "1", "--schemas", schemas,
                        NULL);
    if (status != 0 || strstr(err, "warning"))
        fail_msg("publish --version 1: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
    if (!prog_wait_for(agent->ui_file, "\"send\"", WAIT))
        prog_fail(server, "publish --version 1 did not reach the version-1 agent's plugin");

    /* A field only version 2 has is refused at version 1, by name. */
    status = prog_roomctl(server, PROG_OWNER, &out, &err, "publish", room, "ui.button",
                        "button=send", "colour=red", "--version", "1", "--schemas", schemas,
                        NULL);
    if (status != 3 || !strstr(err, "roomctl publish: ui.button: unknown field 'colour'"))
        fail_msg("publish --version 1 colour=red: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
    status = prog_roomctl(server, PROG_OWNER, &out, &err, "publish", room, "ui.button",
                        "button=send", "--version", "3", "--schemas", schemas, NULL);
    if (status != 3 || !strstr(err, "roomctl publish: ui.button: unknown version 3 (known: 1, 2)"))
        fail_msg("publish --version 3: exit %d\n%s%s", status, out, err);
    g_free(out);
    g_free(err);
    prog_agent_stop(agent);
    prog_server_stop(server);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_2_next_to_version_1_clients),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

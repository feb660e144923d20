/* roomctl doctor [ROOM]: what the server offers of what roomctl relies on,
 * one ✓/✗ line per probe with its meaning (or --json). */
#include <stdio.h>

#include <roomctl/doctor.h>

#include "cmd_bus.h"
#include "cli_conn.h"
#include "json.h"

static void print_probes(const GPtrArray *probes, const char *service, gboolean json)
{
    GString *out = g_string_new(NULL);
    if (json) {
        g_string_append(out, "{\"pubsub_service\": ");
        if (service)
            rc_json_string(out, service);
        else
            g_string_append(out, "null");
        g_string_append_printf(out, ", \"ok\": %s, \"probes\": [",
                               roomctl_probes_ok(probes) ? "true" : "false");
        for (guint i = 0; i < probes->len; i++) {
            const roomctl_probe *p = g_ptr_array_index(probes, i);
            g_string_append(out, i ? ", {\"name\": " : "{\"name\": ");
            rc_json_string(out, p->name);
            g_string_append_printf(out, ", \"ok\": %s, \"needed\": %s, \"meaning\": ",
                                   p->ok ? "true" : "false", p->needed ? "true" : "false");
            rc_json_string(out, p->meaning);
            g_string_append_c(out, '}');
        }
        g_string_append(out, "]}\n");
    } else {
        for (guint i = 0; i < probes->len; i++) {
            const roomctl_probe *p = g_ptr_array_index(probes, i);
            g_string_append_printf(out, "%s %s%s: %s\n", p->ok ? "\u2713" : "\u2717", p->name,
                                   p->needed || p->ok ? "" : " (optional)", p->meaning);
        }
        g_string_append(out, roomctl_probes_ok(probes)
                                 ? "roomctl has what it needs on this server.\n"
                                 : "Something roomctl needs is missing (the \u2717 lines "
                                   "above).\n");
    }
    fputs(out->str, stdout);
    g_string_free(out, TRUE);
}

int rc_cmd_doctor(int argc, char **argv)
{
    rc_cli_conn conn = { 0 };
    gboolean json = FALSE;
    const GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the probes as JSON", NULL },
        { NULL }
    };
    GOptionContext *context = rc_cli_context("doctor", "[ROOM]",
        "Probe the server for what roomctl relies on: the PubSub service (found by\n"
        "service discovery), persistent items, retract and purge notifications,\n"
        "node configuration, publish-options, stream management; with ROOM, the\n"
        "room's node configuration as `room create` sets it (read by its owner),\n"
        "whether items name their publisher, and the item size limit; with --gate\n"
        "(or ROOMCTL_GATE), whether the gate answers.  Prints one\n"
        "line per probe, \u2713 or \u2717 and what it means.  Exits 6 when something\n"
        "roomctl needs is missing.", entries, &conn);
    int status = rc_cli_parse(context, &argc, &argv, 0, 1);
    GError *error = NULL;
    if (status < 0) {
        GPtrArray *probes = NULL;
        char *service = NULL;
        if (rc_cli_conn_connect(&conn, &error) &&
            (probes = roomctl_bus_doctor_sync(conn.bus, argc > 1 ? argv[1] : NULL, &service,
                                              &error))) {
            if (rc_cli_conn_gate(&conn))
                roomctl_bus_doctor_gate_sync(conn.bus, rc_cli_conn_gate(&conn), probes);
            print_probes(probes, service, json);
            status = roomctl_probes_ok(probes) ? RC_EXIT_OK : RC_EXIT_SERVER;
            g_ptr_array_unref(probes);
            g_free(service);
        } else {
            status = rc_cli_fail("doctor", error);
        }
    }
    rc_cli_conn_clear(&conn);
    return status;
}

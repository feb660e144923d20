/* roomctl status: a room's clients as the gate knows them: who is there and
 * since when, in sync or not, the last item applied, recent failures, what
 * each handles, and with --type who cannot handle a type (issue 13). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_bus.h"
#include "cli_acks.h"
#include "gate_client.h"
#include "json.h"

static char *when(gint64 us)
{
    if (!us)
        return g_strdup("?");
    g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(us / G_USEC_PER_SEC);
    return g_date_time_format(t, "%Y-%m-%d %H:%M:%SZ");
}

static void print_text(const char *room, GPtrArray *clients, const char *type)
{
    guint present = 0, cannot = 0;
    for (guint i = 0; i < clients->len; i++) {
        const rc_client_status *c = g_ptr_array_index(clients, i);
        present += c->present;
        cannot += c->present && c->can == 0;
    }
    printf("%s: %u clients connected, %u gone\n", room, present, clients->len - present);
    for (guint i = 0; i < clients->len; i++) {
        const rc_client_status *c = g_ptr_array_index(clients, i);
        g_autofree char *since = when(c->since);
        printf("%s  %s since %s, %s, last applied %s%s\n", c->jid,
               c->present ? "connected" : "gone", since,
               c->present ? (c->synced ? "in sync" : "NOT in sync") : "-",
               c->last ? c->last : "none", c->can == 0 ? "  CANNOT handle it" : "");
        GString *handles = g_string_new(NULL);
        for (guint j = 0; j < c->caps->handles->len; j++) {
            const rc_announce_entry *e = g_ptr_array_index(c->caps->handles, j);
            g_string_append_printf(handles, "%s%s@%s", j ? ", " : "", e->name, e->version);
        }
        printf("    handles: %s\n", handles->len ? handles->str : "nothing");
        g_string_truncate(handles, 0);
        for (guint j = 0; j < c->caps->plugins->len; j++) {
            const rc_announce_entry *e = g_ptr_array_index(c->caps->plugins, j);
            g_string_append_printf(handles, "%s%s %s", j ? ", " : "", e->name,
                                   e->version ? e->version : "");
        }
        if (handles->len)
            printf("    plugins: %s\n", handles->str);
        g_string_free(handles, TRUE);
        for (guint j = 0; j < c->failures->len; j++) {
            const rc_ack *f = g_ptr_array_index(c->failures, j);
            g_autofree char *at = when(f->at);
            printf("    %s %s at %s%s%s: %s\n", rc_ack_result_name(f->result),
                   f->item ? f->item : "", at, f->plugin ? " in " : "",
                   f->plugin ? f->plugin : "", f->reason ? f->reason : "");
        }
    }
    if (type)
        printf("%u connected clients cannot handle %s\n", cannot, type);
}

static void print_json(const char *room, GPtrArray *clients)
{
    GString *out = g_string_new("{\"room\":");
    rc_json_string(out, room);
    g_string_append(out, ",\"clients\":[");
    for (guint i = 0; i < clients->len; i++) {
        const rc_client_status *c = g_ptr_array_index(clients, i);
        g_autofree char *since = when(c->since);
        g_string_append(out, i ? ",{" : "{");
        rc_cli_json_member(out, TRUE, "jid", c->jid);
        g_string_append_printf(out, ",\"present\":%s,\"synced\":%s",
                               c->present ? "true" : "false", c->synced ? "true" : "false");
        rc_cli_json_member(out, FALSE, "since", since);
        rc_cli_json_member(out, FALSE, "last", c->last);
        g_string_append_printf(out, ",\"can\":%s,\"handles\":{",
                               c->can < 0 ? "null" : c->can ? "true" : "false");
        for (guint j = 0; j < c->caps->handles->len; j++) {
            const rc_announce_entry *e = g_ptr_array_index(c->caps->handles, j);
            if (j)
                g_string_append_c(out, ',');
            rc_json_string(out, e->name);
            /* "1 2" -> [1,2] */
            g_auto(GStrv) versions = g_strsplit(e->version ? e->version : "", " ", -1);
            g_autofree char *list = g_strjoinv(",", versions);
            g_string_append_printf(out, ":[%s]", list);
        }
        g_string_append(out, "},\"plugins\":{");
        for (guint j = 0; j < c->caps->plugins->len; j++) {
            const rc_announce_entry *e = g_ptr_array_index(c->caps->plugins, j);
            if (j)
                g_string_append_c(out, ',');
            rc_json_string(out, e->name);
            g_string_append_c(out, ':');
            rc_json_string(out, e->version);
        }
        g_string_append(out, "},\"failures\":[");
        for (guint j = 0; j < c->failures->len; j++) {
            const rc_ack *f = g_ptr_array_index(c->failures, j);
            g_autofree char *at = when(f->at);
            g_string_append(out, j ? ",{" : "{");
            rc_cli_json_member(out, TRUE, "item", f->item);
            rc_cli_json_member(out, FALSE, "result", rc_ack_result_name(f->result));
            rc_cli_json_member(out, FALSE, "plugin", f->plugin);
            rc_cli_json_member(out, FALSE, "reason", f->reason);
            rc_cli_json_member(out, FALSE, "at", at);
            g_string_append_c(out, '}');
        }
        g_string_append(out, "]}");
    }
    g_string_append(out, "]}");
    printf("%s\n", out->str);
    g_string_free(out, TRUE);
}

int rc_cmd_status(int argc, char **argv)
{
    rc_cli_conn conn = { 0 };
    gboolean json = FALSE;
    g_autofree char *type_arg = NULL;
    const GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the clients as JSON", NULL },
        { "type", 't', 0, G_OPTION_ARG_STRING, &type_arg,
          "List who cannot handle TYPE (at VERSION; default: the gate's highest)",
          "TYPE[@VERSION]" },
        { NULL }
    };
    GOptionContext *context = rc_cli_context("status", "ROOM",
        "The room's clients as the gate knows them (needs --gate or ROOMCTL_GATE): "
        "since when connected, in sync or not, last applied item, recent failures, what "
        "each handles.", entries, &conn);
    int status = rc_cli_parse(context, &argc, &argv, 1, 1);
    if (status >= 0)
        return status;
    const char *gate = rc_cli_conn_gate(&conn);
    g_autofree char *type = type_arg ? g_strndup(type_arg, strcspn(type_arg, "@")) : NULL;
    const char *at = type_arg ? strchr(type_arg, '@') : NULL;
    guint64 version = 0;
    GError *error = NULL;
    if (!gate) {
        status = rc_cli_usage_error("status", "the clients' status is kept by roomctl-gate: "
                                    "give --gate JID or set ROOMCTL_GATE");
    } else if (at && !g_ascii_string_to_unsigned(at + 1, 10, 1, G_MAXINT, &version, NULL)) {
        status = rc_cli_usage_error("status", "--type %s: expected TYPE or TYPE@VERSION with "
                                    "a version from 1", type_arg);
    } else if (rc_cli_conn_connect(&conn, &error)) {
        g_autofree char *nick = rc_cli_gate_nick(&conn);
        GPtrArray *clients = NULL;
        if (rc_muc_join_sync(conn.bus, argv[1], nick, NULL, NULL, &error)) {
            clients = rc_cli_acks_clients(&conn, gate, argv[1], type, (int)version, &error);
            rc_muc_leave(conn.bus, argv[1], nick);
        }
        if (clients && json)
            print_json(argv[1], clients);
        else if (clients)
            print_text(argv[1], clients, type_arg);
        status = clients ? RC_EXIT_OK : rc_cli_fail("status", error);
        if (clients)
            g_ptr_array_unref(clients);
    } else {
        status = rc_cli_fail("status", error);
    }
    rc_cli_conn_clear(&conn);
    return status;
}

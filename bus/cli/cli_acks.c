/* The moderator's side of acknowledgements (docs/wire-format.md 12.3, 11.4):
 * check capabilities, send a tracked request, show progress, print the
 * summary. */
#include "cli_acks.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "gate_client.h"
#include "json.h"
#include "cli_print.h"

gboolean rc_cli_acks_parse_wait(const char *name, const char *value, gpointer data,
                                GError **error)
{
    rc_cli_acks *acks = data;
    guint64 seconds = RC_TRACK_DEFAULT_S;
    if (value && !g_ascii_string_to_unsigned(value, 10, 1, RC_TRACK_MAX_S, &seconds, NULL)) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "--wait: expected seconds from 1 to %d, got '%s'", RC_TRACK_MAX_S, value);
        return FALSE;
    }
    acks->wait_s = (guint)seconds;
    return TRUE;
}

int rc_cli_acks_need_gate(const char *command)
{
    return rc_cli_usage_error(command, "--wait needs a gate: only roomctl-gate collects the "
                              "clients' acknowledgements; give --gate JID or set ROOMCTL_GATE");
}

GPtrArray *rc_cli_acks_clients(rc_cli_conn *conn, const char *gate, const char *room,
                               const char *type, int version, GError **error)
{
    xmpp_stanza_t *iq = rc_status_request_new(rc_bus_ctx(conn->bus), gate, room, type, version);
    rc_gate_answer *answer = rc_gate_call_sync(conn->bus, gate, iq, error);
    xmpp_stanza_release(iq);
    GPtrArray *clients = answer ? rc_status_result_parse(answer->reply, error) : NULL;
    rc_gate_answer_free(answer);
    return clients;
}

/* ---- Before publishing: can every client handle it? ----------------------------- */

/* The highest version below @below of @type that the registry has and every
 * present client with a plugin for the type handles; 0 when none.  (A
 * client without such a plugin handles no version: it does not count.) */
static int common_version(GPtrArray *clients, const roomctl_registry *registry,
                          const char *type, int below)
{
    for (int v = below - 1; v > 0; v--) {
        gboolean all = roomctl_registry_lookup(registry, type, v) != NULL;
        for (guint i = 0; all && i < clients->len; i++) {
            const rc_client_status *c = g_ptr_array_index(clients, i);
            all = !c->present || !rc_announce_handles(c->caps, type, 0) ||
                  rc_announce_handles(c->caps, type, v);
        }
        if (all)
            return v;
    }
    return 0;
}

/* "a@b/c (handles versions 1), d@e/f (no plugin for the type)": the present
 * clients that cannot handle @type at @version; their number in @count. */
static char *cannot_handle(GPtrArray *clients, const char *type, int version, guint *count)
{
    GString *out = g_string_new(NULL);
    *count = 0;
    for (guint i = 0; i < clients->len; i++) {
        const rc_client_status *c = g_ptr_array_index(clients, i);
        if (!c->present || rc_announce_handles(c->caps, type, version))
            continue;
        const char *versions = NULL;
        for (guint j = 0; j < c->caps->handles->len && !versions; j++) {
            const rc_announce_entry *e = g_ptr_array_index(c->caps->handles, j);
            if (!strcmp(e->name, type))
                versions = e->version;
        }
        g_string_append_printf(out, "%s%s (%s%s)", (*count)++ ? ", " : "", c->jid,
                               versions ? "handles versions " : "no plugin for the type",
                               versions ? versions : "");
    }
    return g_string_free(out, FALSE);
}

/* TRUE to go on (after a warning, or when the gate cannot tell).  When some
 * clients cannot handle @item's version and @acks has the assignments,
 * @lower gets the item at the highest version all the clients with a plugin
 * for the type handle, if the assignments fit it (issue 17's default). */
static gboolean check_capabilities(const char *command, rc_cli_conn *conn, const char *gate,
                                   const char *room, const roomctl_item *item,
                                   const rc_cli_acks *acks, roomctl_item **lower)
{
    const char *type = roomctl_item_type(item);
    int version = roomctl_item_schema_version(item);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) clients = rc_cli_acks_clients(conn, gate, room, type, version, &error);
    if (!clients) {
        if (acks->require_all)
            fprintf(stderr, "roomctl %s: --require-all: cannot ask the gate which clients "
                    "handle %s version %d: %s\n", command, type, version, error->message);
        return !acks->require_all;
    }
    guint present = 0, count = 0;
    for (guint i = 0; i < clients->len; i++)
        present += ((const rc_client_status *)clients->pdata[i])->present;
    g_autofree char *cannot = cannot_handle(clients, type, version, &count);
    g_autofree char *why = NULL;
    int v = count && acks->assignments
        ? common_version(clients, conn->registry, type, version) : 0;
    if (v && !(*lower = roomctl_item_new_from_assignments_at(conn->registry, type, v,
                                                             acks->assignments, &error)))
        why = g_strdup_printf("; version %d refuses the fields: %s", v, error->message);
    if (*lower) {
        fprintf(stderr, "roomctl %s: sending %s version %d, the highest the connected clients "
                "handle (%u of %u cannot handle version %d: %s)\n", command, type, v, count,
                present, version, cannot);
        version = v;
        g_free(cannot);
        cannot = cannot_handle(clients, type, version, &count);
    }
    if (count)
        fprintf(stderr, "roomctl %s: %s: %u of %u connected clients cannot handle %s version "
                "%d: %s%s\n", command, acks->require_all ? "refused (--require-all)" : "warning",
                count, present, type, version, cannot, why ? why : "");
    if (count && acks->require_all && *lower)
        g_clear_pointer(lower, roomctl_item_unref);
    return !(count && acks->require_all);
}

/* ---- Waiting for the summary ----------------------------------------------------- */

typedef struct {
    const char *id;          /* the tracking id, once the gate answered */
    GPtrArray *early;        /* rc_ack_report * that came before the answer */
    rc_ack_report *summary;
    gboolean tty;            /* stderr is a terminal: show the live line */
    gboolean timed_out;
} rc_follow;

static void live_line(rc_follow *f, const rc_ack_report *r)
{
    if (!f->tty)
        return;
    fprintf(stderr, "\r\033[Kapplied %u/%u · failed %u", r->count[RC_ACK_APPLIED], r->total,
            r->count[RC_ACK_FAILED]);
    if (r->count[RC_ACK_UNSUPPORTED])
        fprintf(stderr, " · unsupported %u", r->count[RC_ACK_UNSUPPORTED]);
    if (r->count[RC_ACK_DROPPED])
        fprintf(stderr, " · dropped %u", r->count[RC_ACK_DROPPED]);
    if (r->count[RC_ACK_GONE])
        fprintf(stderr, " · gone %u", r->count[RC_ACK_GONE]);
    fprintf(stderr, " · waiting %u", r->count[RC_ACK_WAITING]);
    fflush(stderr);
}

/* A report for our tracking: shown, or kept when it is the summary. */
static void take(rc_follow *f, rc_ack_report *r)
{
    if (strcmp(r->id, f->id)) {
        rc_ack_report_free(r);
        return;
    }
    live_line(f, r);
    if (r->final && !f->summary)
        f->summary = r;
    else
        rc_ack_report_free(r);
}

static gboolean on_message(roomctl_bus *bus, xmpp_stanza_t *message, void *data)
{
    rc_follow *f = data;
    rc_ack_report *r = rc_ack_report_parse(message, NULL);
    if (!r)
        return FALSE;
    if (f->id)
        take(f, r);
    else
        g_ptr_array_add(f->early, r);
    return TRUE;
}

static gboolean on_deadline(gpointer data)
{
    ((rc_follow *)data)->timed_out = TRUE;
    return G_SOURCE_REMOVE;
}

/* Wait for the summary of @f->id, a few seconds past the gate's own deadline. */
static void follow(rc_follow *f, roomctl_bus *bus, guint seconds)
{
    while (f->early->len)
        take(f, g_ptr_array_steal_index(f->early, 0));
    GSource *deadline = g_timeout_source_new_seconds(seconds + 5);
    g_source_set_callback(deadline, on_deadline, f, NULL);
    g_source_attach(deadline, bus->context);
    while (!f->summary && !f->timed_out && roomctl_bus_is_connected(bus))
        g_main_context_iteration(bus->context, TRUE);
    g_source_destroy(deadline);
    g_source_unref(deadline);
    if (f->tty)
        fprintf(stderr, "\r\033[K");
}

/* ---- The summary ------------------------------------------------------------------ */

static void list(GString *out, const rc_ack_report *r, rc_ack_result result, const char *how)
{
    guint n = r->count[result] + (result == RC_ACK_WAITING ? r->count[RC_ACK_GONE] : 0);
    if (!n)
        return;
    g_string_append_printf(out, "; %s %u: ", how, n);
    const char *sep = "";
    for (guint i = 0; i < r->clients->len; i++) {
        const rc_ack_client *c = g_ptr_array_index(r->clients, i);
        gboolean gone = result == RC_ACK_WAITING && c->result == RC_ACK_GONE;
        if (c->result != result && !gone)
            continue;
        g_string_append_printf(out, "%s%s", sep, c->jid);
        if (c->plugin)
            g_string_append_printf(out, ": %s", c->plugin);
        if (c->reason && !gone && result != RC_ACK_WAITING)
            g_string_append_printf(out, ": %s", c->reason);
        if (gone)
            g_string_append(out, " (went away)");
        sep = ", ";
    }
}

static void print_text(const rc_ack_report *r)
{
    GString *out = g_string_new(NULL);
    g_string_append_printf(out, "applied on %u of %u clients", r->count[RC_ACK_APPLIED],
                           r->total);
    list(out, r, RC_ACK_FAILED, "failed on");
    list(out, r, RC_ACK_UNSUPPORTED, "unsupported on");
    list(out, r, RC_ACK_DROPPED, "dropped by");
    list(out, r, RC_ACK_WAITING, "no answer from");
    printf("%s\n", out->str);
    g_string_free(out, TRUE);
}

void rc_cli_json_member(GString *out, gboolean first, const char *name, const char *value)
{
    g_string_append_printf(out, "%s\"%s\":", first ? "" : ",", name);
    rc_json_string(out, value);
}

static void print_json(const rc_ack_report *r)
{
    static const char *const counts[] = { "applied", "failed", "unsupported", "dropped",
                                          "gone", "waiting" };
    GString *out = g_string_new("{\"room\":");
    rc_json_string(out, r->room);
    g_string_append(out, ",\"item\":");
    rc_json_string(out, r->item);
    g_string_append(out, ",\"total\":");
    rc_json_int(out, r->total);
    for (guint i = 0; i < RC_ACK_N; i++) {
        g_string_append_printf(out, ",\"%s\":", counts[i]);
        rc_json_int(out, r->count[i]);
    }
    g_string_append(out, ",\"clients\":[");
    for (guint i = 0; i < r->clients->len; i++) {
        const rc_ack_client *c = g_ptr_array_index(r->clients, i);
        g_string_append(out, i ? ",{" : "{");
        rc_cli_json_member(out, TRUE, "jid", c->jid);
        rc_cli_json_member(out, FALSE, "result", rc_ack_result_name(c->result));
        rc_cli_json_member(out, FALSE, "plugin", c->plugin);
        rc_cli_json_member(out, FALSE, "reason", c->reason);
        g_string_append_c(out, '}');
    }
    g_string_append(out, "]}");
    printf("%s\n", out->str);
    g_string_free(out, TRUE);
}

/* ---- The command ---------------------------------------------------------------- */

static const char *const done_words[] = { "published", "retracted", "purged" };

/* What the gate did, unless --wait --json follows with the whole outcome. */
static void print_done(rc_gate_op op, const char *room, const char *id, const rc_cli_acks *acks)
{
    if (acks->json && acks->wait_s)
        return;
    g_autofree char *text = op == RC_GATE_PURGE
        ? g_strdup_printf("purged %s", room)
        : g_strdup_printf("%s %s %s %s", done_words[op], id,
                          op == RC_GATE_PUBLISH ? "to" : "from", room);
    rc_cli_print_result(acks->json, done_words[op], room, op == RC_GATE_PURGE ? NULL : id, NULL,
                        FALSE, text);
}

static int follow_answer(const char *command, rc_cli_conn *conn, const char *gate,
                         rc_follow *f, const rc_gate_answer *answer, const rc_cli_acks *acks)
{
    if (!answer->tracking) {
        fprintf(stderr, "roomctl %s: the gate %s does not track acknowledgements (an older "
                "roomctl-gate?): the outcome on the clients is unknown\n", command, gate);
        return RC_EXIT_INCOMPLETE;
    }
    f->id = answer->tracking;
    follow(f, conn->bus, acks->wait_s);
    if (!f->summary) {
        fprintf(stderr, "roomctl %s: no summary from the gate %s within %u s (%u clients "
                "expected): the gate may have restarted\n", command, gate, acks->wait_s + 5,
                answer->clients);
        return RC_EXIT_INCOMPLETE;
    }
    if (acks->json)
        print_json(f->summary);
    else
        print_text(f->summary);
    return f->summary->count[RC_ACK_APPLIED] == f->summary->total ? RC_EXIT_OK
                                                                   : RC_EXIT_INCOMPLETE;
}

int rc_cli_acks_run(const char *command, rc_cli_conn *conn, const char *gate, rc_gate_op op,
                    const char *room, const roomctl_item *item, const char *item_id,
                    const rc_cli_acks *acks)
{
    GError *error = NULL;
    if (!conn->bus && !rc_cli_conn_connect(conn, &error))
        return rc_cli_fail(command, error);
    g_autofree char *nick = rc_cli_gate_nick(conn);
    if (!rc_muc_join_sync(conn->bus, room, nick, NULL, NULL, &error))
        return rc_cli_fail(command, error);
    roomctl_item *lower = NULL; /* set by check_capabilities() only when it returns TRUE */
    if (item && !check_capabilities(command, conn, gate, room, item, acks, &lower)) {
        rc_muc_leave(conn->bus, room, nick);
        return RC_EXIT_INCOMPLETE;
    }
    if (lower)
        item = lower;
    xmpp_ctx_t *ctx = rc_bus_ctx(conn->bus);
    xmpp_stanza_t *control = item ? rc_item_encode_stanza(item, ctx) : NULL;
    xmpp_stanza_t *iq = rc_gate_request_new(ctx, gate, op, room, item_id, control);
    if (control)
        xmpp_stanza_release(control);
    if (acks->wait_s)
        rc_track_add(iq, acks->wait_s, acks->json);
    rc_follow f = { .early = g_ptr_array_new_with_free_func((GDestroyNotify)rc_ack_report_free),
                    .tty = isatty(STDERR_FILENO) };
    rc_bus_set_message_hook(conn->bus, on_message, &f);
    rc_gate_answer *answer = rc_gate_call_sync(conn->bus, gate, iq, &error);
    xmpp_stanza_release(iq);
    rc_muc_leave(conn->bus, room, nick);
    int status;
    if (!answer) {
        status = rc_cli_fail(command, error);
    } else {
        print_done(op, room, answer->item_id ? answer->item_id
                                             : item ? roomctl_item_id(item) : item_id, acks);
        fflush(stdout);
        status = acks->wait_s ? follow_answer(command, conn, gate, &f, answer, acks)
                              : RC_EXIT_OK;
    }
    rc_bus_set_message_hook(conn->bus, NULL, NULL);
    rc_gate_answer_free(answer);
    rc_ack_report_free(f.summary);
    g_ptr_array_unref(f.early);
    if (lower)
        roomctl_item_unref(lower);
    return status;
}

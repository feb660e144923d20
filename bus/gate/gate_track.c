/* roomctl-gate: tracking a request for a moderator who waits for its
 * outcome (docs/wire-format.md section 12.3).  The clients present when the
 * request was done are expected; their acknowledgements are counted here and
 * the moderator gets progress at most every 250 ms, then one summary. */
#include "gate_private.h"

#include <string.h>

#include "log.h"

struct rc_track {
    rc_gate *gate;
    char *id;
    char *requester;
    char *room;
    char *item;              /* NULL for a purge */
    rc_gate_op op;
    gboolean all;            /* list applied clients in the summary too */
    GHashTable *clients;     /* full JID -> rc_ack_client * (result WAITING at first) */
    guint count[RC_ACK_N];
    gint64 last_progress;    /* g_get_monotonic_time() of the last progress sent */
    gboolean changed;        /* counts changed since the last progress */
    gboolean started;        /* the request's result went out */
    GSource *deadline;
    GSource *progress;
};

static void clear_source(GSource **source)
{
    if (!*source)
        return;
    g_source_destroy(*source);
    g_clear_pointer(source, g_source_unref);
}

static void track_free(gpointer data)
{
    rc_track *t = data;
    clear_source(&t->deadline);
    clear_source(&t->progress);
    g_hash_table_unref(t->clients);
    g_free(t->id);
    g_free(t->requester);
    g_free(t->room);
    g_free(t->item);
    g_free(t);
}

static GSource *attach(rc_gate *gate, GSource *source, GSourceFunc fn, void *data)
{
    g_source_set_callback(source, fn, data, NULL);
    g_source_attach(source, gate->context);
    return source;
}

/* ---- Reports ------------------------------------------------------------------- */

static rc_ack_report *report_new(const rc_track *t)
{
    rc_ack_report *r = rc_ack_report_new(t->id, t->room, t->item);
    r->total = g_hash_table_size(t->clients);
    memcpy(r->count, t->count, sizeof r->count);
    return r;
}

static void send_progress(rc_track *t)
{
    rc_ack_report *r = report_new(t);
    rc_gate_send(t->gate, rc_ack_report_message_new(rc_bus_ctx(t->gate->bus), t->requester, r));
    rc_ack_report_free(r);
    t->last_progress = g_get_monotonic_time();
    t->changed = FALSE;
    t->gate->stats.progress_sent++;
}

static gint by_result_then_jid(gconstpointer a, gconstpointer b)
{
    const rc_ack_client *x = *(rc_ack_client *const *)a, *y = *(rc_ack_client *const *)b;
    return x->result != y->result ? (int)y->result - (int)x->result : strcmp(x->jid, y->jid);
}

/* Send the summary and forget the tracking. */
static void finish(rc_track *t)
{
    rc_ack_report *r = report_new(t);
    r->final = TRUE;
    g_autoptr(GPtrArray) clients = rc_gate_values(t->clients);
    /* Waiting and gone first, then failures: what a moderator reads first. */
    g_ptr_array_sort(clients, by_result_then_jid);
    for (guint i = 0; i < clients->len; i++) {
        const rc_ack_client *c = g_ptr_array_index(clients, i);
        if (t->all || c->result != RC_ACK_APPLIED)
            rc_ack_report_add_client(r, c->jid, c->result, c->plugin, c->reason);
    }
    rc_gate_send(t->gate, rc_ack_report_message_new(rc_bus_ctx(t->gate->bus), t->requester, r));
    rc_info("gate", "%s: %s %s: applied on %u of %u clients, failed %u, unsupported %u, "
            "dropped %u, gone %u, no answer %u", t->room, rc_gate_op_name(t->op),
            t->item ? t->item : "", r->count[RC_ACK_APPLIED], r->total, r->count[RC_ACK_FAILED],
            r->count[RC_ACK_UNSUPPORTED], r->count[RC_ACK_DROPPED], r->count[RC_ACK_GONE],
            r->count[RC_ACK_WAITING]);
    rc_ack_report_free(r);
    t->gate->stats.summaries_sent++;
    g_ptr_array_remove(t->gate->tracks, t); /* frees it */
}

static gboolean on_progress(gpointer data)
{
    rc_track *t = data;
    g_clear_pointer(&t->progress, g_source_unref);
    if (t->changed)
        send_progress(t);
    return G_SOURCE_REMOVE;
}

/* Something changed: the summary when nobody is waited for, else progress
 * now or when RC_TRACK_PROGRESS_MS have passed since the last. */
static void changed(rc_track *t)
{
    t->changed = TRUE;
    if (!t->started)
        return;
    if (t->count[RC_ACK_WAITING] == 0) {
        finish(t);
        return;
    }
    if (t->progress)
        return;
    gint64 next = t->last_progress + RC_TRACK_PROGRESS_MS * 1000;
    gint64 now = g_get_monotonic_time();
    if (now >= next)
        send_progress(t);
    else
        t->progress = attach(t->gate, g_timeout_source_new((guint)((next - now + 999) / 1000)),
                             on_progress, t);
}

static gboolean on_deadline(gpointer data)
{
    rc_track *t = data;
    g_clear_pointer(&t->deadline, g_source_unref);
    finish(t);
    return G_SOURCE_REMOVE;
}

/* ---- Life ------------------------------------------------------------------------ */

rc_track *rc_gate_track_new(rc_gate *gate, rc_gate_room *room, rc_gate_op op,
                            const char *item_id, const char *requester, guint seconds,
                            gboolean all)
{
    rc_track *t = g_new0(rc_track, 1);
    t->gate = gate;
    t->id = g_strdup_printf("t%u", ++gate->last_track);
    t->requester = g_strdup(requester);
    t->room = g_strdup(room->jid);
    t->item = g_strdup(item_id);
    t->op = op;
    t->all = all;
    t->clients = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, rc_ack_client_free);
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, room->clients);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        const rc_client_status *s = value;
        if (!s->present)
            continue;
        rc_ack_client *c = g_new0(rc_ack_client, 1);
        c->jid = g_strdup(s->jid);
        c->result = RC_ACK_WAITING;
        g_hash_table_insert(t->clients, c->jid, c);
    }
    t->count[RC_ACK_WAITING] = g_hash_table_size(t->clients);
    t->deadline = attach(gate, g_timeout_source_new_seconds(seconds), on_deadline, t);
    g_ptr_array_add(gate->tracks, t);
    return t;
}

const char *rc_gate_track_id(const rc_track *track) { return track->id; }
guint rc_gate_track_total(const rc_track *track) { return g_hash_table_size(track->clients); }

void rc_gate_track_start(rc_track *track)
{
    track->started = TRUE;
    /* Answers that came before the result are counted; tell them now. */
    if (track->changed || track->count[RC_ACK_WAITING] == 0)
        changed(track);
}

static void set_result(rc_track *t, rc_ack_client *c, rc_ack_result result, const char *plugin,
                       const char *reason)
{
    t->count[c->result]--;
    t->count[result]++;
    c->result = result;
    g_free(c->plugin);
    g_free(c->reason);
    c->plugin = g_strdup(plugin);
    c->reason = g_strdup(reason);
    changed(t);
}

static gboolean matches(const rc_track *t, const char *room, const rc_ack *ack)
{
    return !strcmp(t->room, room) && t->op == ack->op && !g_strcmp0(t->item, ack->item);
}

void rc_gate_track_ack(rc_gate *gate, const char *room, const char *from, const rc_ack *ack)
{
    /* Backwards: finish() removes the tracking from the list. */
    for (guint i = gate->tracks->len; i-- > 0;) {
        rc_track *t = g_ptr_array_index(gate->tracks, i);
        rc_ack_client *c = matches(t, room, ack) ? g_hash_table_lookup(t->clients, from) : NULL;
        if (c && c->result != RC_ACK_GONE)
            set_result(t, c, ack->result, ack->plugin, ack->reason);
    }
}

void rc_gate_track_gone(rc_gate *gate, const char *room, const char *jid)
{
    for (guint i = gate->tracks->len; i-- > 0;) {
        rc_track *t = g_ptr_array_index(gate->tracks, i);
        rc_ack_client *c = !strcmp(t->room, room) ? g_hash_table_lookup(t->clients, jid) : NULL;
        if (c && c->result == RC_ACK_WAITING)
            set_result(t, c, RC_ACK_GONE, NULL, "the client went away before it answered");
    }
}

GPtrArray *rc_gate_tracks_new(void)
{
    return g_ptr_array_new_with_free_func(track_free);
}

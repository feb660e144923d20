/* The dispatcher: which handlers an item goes to, and what they said. */
#include "host_private.h"
#include "journal.h"
#include "item_digest.h"
#include "item_id.h"
#include "log.h"

#include <string.h>

#include <roomctl/item.h>

/* ---- Dispatch ---------------------------------------------------------------- */

static void handler_result_free(gpointer data)
{
    roomctl_handler_result *result = data;
    g_free(result->plugin);
    g_free(result->reason);
    g_free(result);
}

/* Run one handler on one item; @out (when not NULL) is filled, a failure
 * or a slow run logged.  TRUE when the handler applied the item. */
static gboolean run_handler(roomctl_host *host, const rc_handler *handler,
                            const roomctl_item *item, roomctl_handler_result *out)
{
    roomctl_result result = { NULL };
    rc_batch_touch(handler->plugin);
    gboolean timed = out || host->slow_handler_ms;
    gint64 start = timed ? g_get_monotonic_time() : 0;
    gboolean ok = handler->handle(handler->plugin, item, &result, handler->user_data) == 0;
    gint64 duration = timed ? g_get_monotonic_time() - start : 0;
    const char *name = handler->plugin->name;
    if (ok) {
        g_free(result.reason); /* a reason without a failure is not a failure */
        result.reason = NULL;
    } else {
        if (!result.reason)
            result.reason = g_strdup("the handler gave no reason");
        rc_warn(RC_HOST_LOG_DOMAIN, "plugin '%s' failed to handle %s: %s",
                name, roomctl_item_id(item), result.reason);
    }
    host->stats.handler_calls++;
    host->stats.handler_failures += !ok;
    if (host->slow_handler_ms && duration > (gint64)host->slow_handler_ms * 1000) {
        host->stats.slow_handlers++;
        rc_warn(RC_HOST_LOG_DOMAIN,
                "plugin '%s' took %" G_GINT64_FORMAT " ms to handle %s (more than %u ms)",
                name, duration / 1000, roomctl_item_id(item), host->slow_handler_ms);
    }
    if (out) {
        out->plugin = g_strdup(name);
        out->ok = ok;
        out->reason = result.reason;
        out->duration_us = duration;
    } else {
        g_free(result.reason);
    }
    return ok;
}

/* The journal's view of one item: where it goes, and its digest (made on
 * first use: most dispatches never need it). */
typedef struct {
    const roomctl_item *item;
    const char *room;
    char *digest;
} journal_view;

static const char *view_digest(journal_view *view)
{
    if (!view->digest)
        view->digest = rc_item_digest(view->item);
    return view->digest;
}

/* Whether @plugin's part in @view goes through the journal. */
static gboolean journaled(const roomctl_host *host, const roomctl_plugin *plugin,
                          const journal_view *view)
{
    return host->journal && plugin->keeps_state && view->room &&
           roomctl_item_is_state(view->item);
}

guint roomctl_host_dispatch(roomctl_host *host, const roomctl_item *item, GPtrArray **results)
{
    g_return_val_if_fail(host && item, 0);
    const char *type = roomctl_item_type(item);
    GPtrArray *all = results ? g_ptr_array_new_with_free_func(handler_result_free) : NULL;
    journal_view view = { item, roomctl_item_room(item), NULL };
    guint failed = 0;
    host->stats.items++;
    for (guint i = 0; i < host->plugins->len; i++) {
        roomctl_plugin *plugin = g_ptr_array_index(host->plugins, i);
        gboolean journal = journaled(host, plugin, &view);
        gboolean matched = FALSE, plugin_ok = TRUE;
        for (guint j = 0; j < plugin->handlers->len; j++) {
            const rc_handler *handler = g_ptr_array_index(plugin->handlers, j);
            if (!rc_handler_matches(handler, type))
                continue;
            if (!matched && journal) {
                const char *had = rc_journal_lookup(host->journal, view.room, plugin->name,
                                                    roomctl_item_id(item));
                if (had && strcmp(had, view_digest(&view)) == 0) {
                    host->stats.journal_skipped++;
                    rc_debug(RC_HOST_LOG_DOMAIN, "plugin '%s' already applied %s",
                             plugin->name, roomctl_item_id(item));
                    break;
                }
            }
            matched = TRUE;
            roomctl_handler_result *result = all ? g_new0(roomctl_handler_result, 1) : NULL;
            gboolean ok = run_handler(host, handler, item, result);
            if (result)
                g_ptr_array_add(all, result);
            failed += !ok;
            plugin_ok &= ok;
        }
        if (!matched || !journal)
            continue;
        if (plugin_ok)
            rc_journal_set(host->journal, view.room, plugin->name, roomctl_item_id(item),
                           view_digest(&view));
        else
            rc_journal_forget(host->journal, view.room, plugin->name, roomctl_item_id(item));
    }
    g_free(view.digest);
    if (results)
        *results = all;
    return failed;
}

/* Give @plugin's handlers for @type the reset of @item_id. */
static void reset_plugin(roomctl_plugin *plugin, const char *room, const char *type,
                         const char *item_id)
{
    for (guint j = 0; j < plugin->handlers->len; j++) {
        const rc_handler *handler = g_ptr_array_index(plugin->handlers, j);
        if (handler->reset && rc_handler_matches(handler, type)) {
            rc_batch_touch(plugin);
            handler->reset(plugin, room, type, item_id, handler->user_data);
        }
    }
}

void roomctl_host_reset(roomctl_host *host, const char *room, const char *type,
                        const char *item_id)
{
    g_return_if_fail(host && type && item_id);
    for (guint i = 0; i < host->plugins->len; i++)
        reset_plugin(g_ptr_array_index(host->plugins, i), room, type, item_id);
    if (host->journal)
        rc_journal_forget(host->journal, room, NULL, item_id);
}

void roomctl_host_purge(roomctl_host *host, const char *room)
{
    g_return_if_fail(host);
    for (guint i = 0; i < host->plugins->len; i++) {
        roomctl_plugin *plugin = g_ptr_array_index(host->plugins, i);
        for (guint j = 0; j < plugin->handlers->len; j++) {
            const rc_handler *handler = g_ptr_array_index(plugin->handlers, j);
            if (handler->purge) {
                rc_batch_touch(plugin);
                handler->purge(plugin, room, handler->user_data);
            }
        }
    }
    if (host->journal)
        rc_journal_forget_room(host->journal, room);
}

/* ---- The journal across restarts ---------------------------------------------- */

typedef struct {
    roomctl_host *host;
    const char *room;
    GHashTable *current; /* item ids of the room's state */
} reconcile_ctx;

static void reconcile_entry(const char *plugin_name, const char *item_id, void *user_data)
{
    reconcile_ctx *ctx = user_data;
    if (g_hash_table_contains(ctx->current, item_id))
        return;
    g_autofree char *type = rc_item_id_type(item_id);
    roomctl_plugin *plugin = rc_host_find_plugin(ctx->host, plugin_name);
    /* Retracted, purged, or its current item is not valid here (invalid,
     * unknown version): the host cannot tell which, and need not. */
    rc_info(RC_HOST_LOG_DOMAIN, "%s: %s is no longer in the room's state; resetting it "
            "in plugin '%s'", ctx->room, item_id, plugin_name);
    if (plugin)
        reset_plugin(plugin, ctx->room, type, item_id);
    rc_journal_forget(ctx->host->journal, ctx->room, plugin_name, item_id);
}

void roomctl_host_reconcile(roomctl_host *host, const char *room, GPtrArray *state)
{
    g_return_if_fail(host && room && state);
    if (!host->journal)
        return;
    reconcile_ctx ctx = { host, room, g_hash_table_new(g_str_hash, g_str_equal) };
    for (guint i = 0; i < state->len; i++)
        g_hash_table_add(ctx.current, (gpointer)roomctl_item_id(state->pdata[i]));
    rc_journal_foreach_in_room(host->journal, room, reconcile_entry, &ctx);
    g_hash_table_unref(ctx.current);
}

/* The *_sync functions: iterate the bus's context until the answer. */
#include "bus_private.h"

struct rc_wait {
    gboolean finished;
    GError *error;
    gpointer result;
    GDestroyNotify free_result;
};

static void wait_free(gpointer data)
{
    rc_wait *wait = data;
    g_clear_error(&wait->error);
    if (wait->result && wait->free_result)
        wait->free_result(wait->result);
}

rc_wait *rc_wait_new(void)
{
    /* One reference for the caller, one for the callback. */
    rc_wait *wait = g_rc_box_new0(rc_wait);
    g_rc_box_acquire(wait);
    return wait;
}

void rc_wait_finish(rc_wait *wait, const GError *error, gpointer result,
                    GDestroyNotify free_result)
{
    wait->finished = TRUE;
    wait->error = error ? g_error_copy(error) : NULL;
    wait->result = result;
    wait->free_result = free_result;
    g_rc_box_release_full(wait, wait_free);
}

void rc_wait_done(roomctl_bus *bus, const GError *error, void *wait)
{
    rc_wait_finish(wait, error, NULL, NULL);
}

static gboolean wake(gpointer flag)
{
    *(gboolean *)flag = TRUE;
    return G_SOURCE_REMOVE;
}

gpointer rc_wait_run(rc_wait *wait, roomctl_bus *bus, guint timeout_ms, GError **error)
{
    gboolean expired = FALSE;
    GSource *timer = g_timeout_source_new(timeout_ms);
    g_source_set_callback(timer, wake, &expired, NULL);
    g_source_attach(timer, bus->context);
    while (!wait->finished && !expired)
        g_main_context_iteration(bus->context, TRUE);
    g_source_destroy(timer);
    g_source_unref(timer);

    gpointer result = NULL;
    if (!wait->finished) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_TIMEOUT,
                    "no answer from the XMPP server within %u ms", timeout_ms);
    } else if (wait->error) {
        g_propagate_error(error, g_error_copy(wait->error));
    } else {
        result = wait->result;
        wait->result = NULL;
    }
    g_rc_box_release_full(wait, wait_free);
    return result;
}

gboolean rc_wait_ok(rc_wait *wait, roomctl_bus *bus, GError **error)
{
    GError *failed = NULL;
    rc_wait_run(wait, bus, bus->timeout_ms + 1000, &failed);
    if (failed)
        g_propagate_error(error, failed);
    return failed == NULL;
}

/* Test harness: wait for a condition while the default main context runs. */
#ifndef RC_TEST_WAIT_H
#define RC_TEST_WAIT_H

#include <glib.h>

static inline gboolean rc_test_keep_ticking(gpointer unused)
{
    return G_SOURCE_CONTINUE;
}

/* Iterate the default context until @cond holds or @ms passed (a 10 ms tick
 * re-checks @cond even when nothing happens). */
#define WAIT_UNTIL(cond, ms)                                                   \
    do {                                                                       \
        gint64 end_ = g_get_monotonic_time() + (gint64)(ms) * 1000;            \
        guint tick_ = g_timeout_add(10, rc_test_keep_ticking, NULL);           \
        while (!(cond) && g_get_monotonic_time() < end_)                       \
            g_main_context_iteration(NULL, TRUE);                              \
        g_source_remove(tick_);                                                \
    } while (0)

#endif

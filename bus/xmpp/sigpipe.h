/* Internal: SIGPIPE blocked while libstrophe runs (sigpipe.c). */
#ifndef RC_SIGPIPE_H
#define RC_SIGPIPE_H

#include <glib.h>
#include <signal.h>

G_BEGIN_DECLS

/* libstrophe writes to its socket with write() under TLS: a server that went
 * away raises SIGPIPE, which would kill the host process.  Run libstrophe
 * between these two calls: SIGPIPE is blocked in this thread and one raised
 * meanwhile is swallowed (the write then fails with EPIPE, as it should). */
typedef struct {
    sigset_t old_mask;
    gboolean was_pending;
} rc_sigpipe_guard;
void rc_sigpipe_block(rc_sigpipe_guard *guard);
void rc_sigpipe_restore(rc_sigpipe_guard *guard);

G_END_DECLS

#endif

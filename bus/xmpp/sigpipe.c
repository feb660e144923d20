/* SIGPIPE blocked around libstrophe's writes, so that a server that went
 * away cannot kill the host process (see sigpipe.h). */
#include "sigpipe.h"

#include <pthread.h>
#include <time.h>

static void pipe_set(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGPIPE);
}

void rc_sigpipe_block(rc_sigpipe_guard *guard)
{
    sigset_t pipe, pending;
    pipe_set(&pipe);
    sigpending(&pending);
    guard->was_pending = sigismember(&pending, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &guard->old_mask);
}

void rc_sigpipe_restore(rc_sigpipe_guard *guard)
{
    sigset_t pipe, pending;
    pipe_set(&pipe);
    sigpending(&pending);
    if (!guard->was_pending && sigismember(&pending, SIGPIPE)) {
        struct timespec now = { 0, 0 };
        sigtimedwait(&pipe, NULL, &now);
    }
    pthread_sigmask(SIG_SETMASK, &guard->old_mask, NULL);
}

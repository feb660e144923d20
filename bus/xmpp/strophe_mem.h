/* Internal: the memory libstrophe uses for one connection's context.
 *
 * libstrophe allocates several small blocks for every element it parses
 * (the stanza, its name, an attribute table and its entries, each text
 * node) and frees them when the stanza is released: for a typical event
 * the system allocator's bookkeeping was about a sixth of a bare libstrophe
 * client's instructions.  These blocks come in a few small sizes and a
 * connection reuses them at once, so freed blocks of each size are kept on
 * a list (one per thread, shared by its connections) and handed out again.  Each block is still its own malloc(), so a
 * leak stays visible to valgrind and ASan.  Under memcheck a kept block
 * cannot be touched until it is handed out again; under ASan nothing is
 * kept (every free goes back to the system): both still see every misuse. */
#ifndef RC_STROPHE_MEM_H
#define RC_STROPHE_MEM_H

#include <strophe.h>
#include <glib.h>

G_BEGIN_DECLS

/* What to give xmpp_ctx_new(): static, for any number of contexts.  The
 * lists of freed blocks are per thread (a context is run by one thread at
 * a time) and freed when the thread ends. */
const xmpp_mem_t *rc_strophe_mem(void);
/* Blocks this thread keeps for reuse now (for tests). */
guint rc_strophe_mem_kept(void);

G_END_DECLS

#endif

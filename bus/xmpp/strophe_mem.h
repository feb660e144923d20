/* Internal: the memory libstrophe uses for one connection's context.
 *
 * libstrophe allocates several small blocks for every element it parses
 * (the stanza, its name, an attribute table and its entries, each text
 * node) and frees them when the stanza is released: for a typical event
 * the system allocator's bookkeeping was about a sixth of a bare libstrophe
 * client's instructions.  These blocks come in a few small sizes and a
 * connection reuses them at once, so freed blocks of each size are kept on
 * a list and handed out again.  Each block is still its own malloc(), so a
 * leak stays visible to valgrind and ASan.  Under memcheck a kept block
 * cannot be touched until it is handed out again; under ASan nothing is
 * kept (every free goes back to the system): both still see every misuse. */
#ifndef RC_STROPHE_MEM_H
#define RC_STROPHE_MEM_H

#include <strophe.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct rc_strophe_mem rc_strophe_mem;

/* A new allocator; free it with rc_strophe_mem_free() after the
 * xmpp_ctx_t that uses it. */
rc_strophe_mem *rc_strophe_mem_new(void);
void rc_strophe_mem_free(rc_strophe_mem *mem);
/* What to give xmpp_ctx_new(); owned by @mem, lives as long as it. */
const xmpp_mem_t *rc_strophe_mem_hooks(rc_strophe_mem *mem);
/* Blocks kept for reuse now (for tests and benchmarks). */
guint rc_strophe_mem_kept(const rc_strophe_mem *mem);

G_END_DECLS

#endif

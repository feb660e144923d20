/* Size-class free lists, one set per thread, under libstrophe's memory
 * hooks (see strophe_mem.h). */
#include "strophe_mem.h"

#include <string.h>
/* Under memcheck a kept block is unreadable until handed out again, so a
 * use after free is still caught; elsewhere these are a few no-op
 * instructions. */
#ifdef __has_include
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#endif
#endif
#ifndef VALGRIND_MAKE_MEM_NOACCESS
#define VALGRIND_MAKE_MEM_NOACCESS(p, n) ((void)0)
#define VALGRIND_MAKE_MEM_UNDEFINED(p, n) ((void)0)
#endif

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#define CLASSES 8
#define LARGE 0xff
/* The header (the class, then a list link) keeps the payload as aligned
 * as malloc()'s own. */
#define HEADER 16
/* Per class and thread: what its connections need between two stanzas,
 * with room to spare, but not a large answer's whole tree kept after it is
 * freed. */
#define KEEP_BYTES (16 * 1024)

static const gsize class_size[CLASSES] = { 16, 32, 48, 64, 96, 128, 192, 256 };

/* A kept block is on its class's list through its header, which stays
 * readable (memcheck's leak check follows the links there; the payload is
 * what it hides). */
static unsigned char **link_of(unsigned char *raw)
{
    return (unsigned char **)(raw + sizeof(void *));
}

/* One per thread: a connection's stanzas are made and released by the
 * thread that runs its context.  A block freed by another thread (a bus
 * freed elsewhere) is still a malloc() of its own and joins that thread's
 * lists.  Sharing the lists between a thread's connections spares each new
 * connection the first allocation of every block. */
typedef struct {
    unsigned char *free[CLASSES]; /* headers of kept blocks, linked by link_of() */
    guint kept[CLASSES];
} pool;

static void pool_free(gpointer data)
{
    pool *p = data;
    for (guint c = 0; c < CLASSES; c++) {
        while (p->free[c]) {
            unsigned char *raw = p->free[c];
            p->free[c] = *link_of(raw);
            free(raw);
        }
    }
    g_free(p);
}

/* GPrivate frees a thread's lists when it ends; the plain thread-local
 * pointer is the fast way to them.  Initial-exec: one load from the thread
 * pointer, where the default model for a shared library calls
 * __tls_get_addr() (3k instructions per event, twice per block); the
 * pointer is 8 bytes of the static TLS that glibc keeps spare for
 * libraries loaded later with dlopen(). */
static GPrivate pool_key = G_PRIVATE_INIT(pool_free);
static __thread pool *this_thread __attribute__((tls_model("initial-exec")));

static pool *pool_get(void)
{
    if (G_UNLIKELY(!this_thread)) {
        this_thread = g_new0(pool, 1);
        g_private_set(&pool_key, this_thread);
    }
    return this_thread;
}

static guint keep_max(guint c)
{
    return UNDER_ASAN ? 0 : (guint)(KEEP_BYTES / class_size[c]);
}

static guint class_of(gsize size)
{
    guint c = 0;
    while (class_size[c] < size)
        c++;
    return c;
}

static unsigned char *header_of(void *p)
{
    return (unsigned char *)p - HEADER;
}

static void *mem_alloc(size_t size, void *data)
{
    if (size > class_size[CLASSES - 1]) {
        unsigned char *raw = malloc(HEADER + size);
        if (!raw)
            return NULL;
        raw[0] = LARGE;
        return raw + HEADER;
    }
    guint c = class_of(size);
    pool *p = pool_get();
    unsigned char *kept = p->free[c];
    if (kept) {
        p->free[c] = *link_of(kept);
        p->kept[c]--;
        VALGRIND_MAKE_MEM_UNDEFINED(kept + HEADER, class_size[c]);
        return kept + HEADER;
    }
    unsigned char *raw = malloc(HEADER + class_size[c]);
    if (!raw)
        return NULL;
    raw[0] = (unsigned char)c;
    return raw + HEADER;
}

static void mem_release(void *ptr, void *data)
{
    if (!ptr)
        return;
    unsigned char *raw = header_of(ptr);
    guint c = raw[0];
    pool *p = c == LARGE ? NULL : pool_get();
    if (!p || p->kept[c] >= keep_max(c)) {
        free(raw);
        return;
    }
    *link_of(raw) = p->free[c];
    p->free[c] = raw;
    p->kept[c]++;
    VALGRIND_MAKE_MEM_NOACCESS(ptr, class_size[c]);
}

static void *mem_realloc(void *ptr, size_t size, void *data)
{
    if (!ptr)
        return mem_alloc(size, data);
    unsigned char *raw = header_of(ptr);
    guint c = raw[0];
    if (c == LARGE) {
        /* Large stays large: a buffer that shrinks usually grows again. */
        unsigned char *grown = realloc(raw, HEADER + size);
        return grown ? grown + HEADER : NULL;
    }
    if (size <= class_size[c])
        return ptr;
    void *moved = mem_alloc(size, data);
    if (!moved)
        return NULL;
    memcpy(moved, ptr, class_size[c]);
    mem_release(ptr, data);
    return moved;
}

static const xmpp_mem_t hooks = {
    .alloc = mem_alloc, .free = mem_release, .realloc = mem_realloc, .userdata = NULL,
};

const xmpp_mem_t *rc_strophe_mem(void)
{
    return &hooks;
}

guint rc_strophe_mem_kept(void)
{
    guint n = 0;
    for (guint c = 0; this_thread && c < CLASSES; c++)
        n += this_thread->kept[c];
    return n;
}

/* Size-class free lists under libstrophe's memory hooks (see strophe_mem.h). */
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
#define VALGRIND_MAKE_MEM_DEFINED(p, n) ((void)0)
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
/* The header keeps the payload as aligned as malloc()'s own. */
#define HEADER 16
/* Per class: what a connection needs between two stanzas, with room to
 * spare, but not a large answer's whole tree kept after it is freed. */
#define KEEP_BYTES (16 * 1024)

static const gsize class_size[CLASSES] = { 16, 32, 48, 64, 96, 128, 192, 256 };

typedef struct block {
    struct block *next;
} block;

struct rc_strophe_mem {
    xmpp_mem_t hooks;
    block *free[CLASSES];
    guint kept[CLASSES];
    guint keep_max[CLASSES];
};

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
    rc_strophe_mem *mem = data;
    if (size > class_size[CLASSES - 1]) {
        unsigned char *raw = malloc(HEADER + size);
        if (!raw)
            return NULL;
        raw[0] = LARGE;
        return raw + HEADER;
    }
    guint c = class_of(size);
    block *b = mem->free[c];
    if (b) {
        VALGRIND_MAKE_MEM_DEFINED(b, sizeof *b);
        mem->free[c] = b->next;
        mem->kept[c]--;
        VALGRIND_MAKE_MEM_UNDEFINED(b, class_size[c]);
        return b;
    }
    unsigned char *raw = malloc(HEADER + class_size[c]);
    if (!raw)
        return NULL;
    raw[0] = (unsigned char)c;
    return raw + HEADER;
}

static void mem_release(void *p, void *data)
{
    rc_strophe_mem *mem = data;
    if (!p)
        return;
    unsigned char *raw = header_of(p);
    guint c = raw[0];
    if (c == LARGE || mem->kept[c] >= mem->keep_max[c]) {
        free(raw);
        return;
    }
    block *b = p;
    b->next = mem->free[c];
    mem->free[c] = b;
    mem->kept[c]++;
    VALGRIND_MAKE_MEM_NOACCESS(b, class_size[c]);
}

static void *mem_realloc(void *p, size_t size, void *data)
{
    if (!p)
        return mem_alloc(size, data);
    unsigned char *raw = header_of(p);
    guint c = raw[0];
    if (c == LARGE) {
        /* Large stays large: a buffer that shrinks usually grows again. */
        unsigned char *grown = realloc(raw, HEADER + size);
        return grown ? grown + HEADER : NULL;
    }
    if (size <= class_size[c])
        return p;
    void *moved = mem_alloc(size, data);
    if (!moved)
        return NULL;
    memcpy(moved, p, class_size[c]);
    mem_release(p, data);
    return moved;
}

rc_strophe_mem *rc_strophe_mem_new(void)
{
    rc_strophe_mem *mem = g_new0(rc_strophe_mem, 1);
    mem->hooks.alloc = mem_alloc;
    mem->hooks.free = mem_release;
    mem->hooks.realloc = mem_realloc;
    mem->hooks.userdata = mem;
    for (guint c = 0; c < CLASSES; c++)
        mem->keep_max[c] = UNDER_ASAN ? 0 : (guint)(KEEP_BYTES / class_size[c]);
    return mem;
}

void rc_strophe_mem_free(rc_strophe_mem *mem)
{
    if (!mem)
        return;
    for (guint c = 0; c < CLASSES; c++) {
        while (mem->free[c]) {
            block *b = mem->free[c];
            VALGRIND_MAKE_MEM_DEFINED(b, sizeof *b);
            mem->free[c] = b->next;
            free(header_of(b));
        }
    }
    g_free(mem);
}

const xmpp_mem_t *rc_strophe_mem_hooks(rc_strophe_mem *mem)
{
    return &mem->hooks;
}

guint rc_strophe_mem_kept(const rc_strophe_mem *mem)
{
    guint n = 0;
    for (guint c = 0; c < CLASSES; c++)
        n += mem->kept[c];
    return n;
}

/* The memory libstrophe uses for a connection's context (strophe_mem.c):
 * blocks keep their contents across realloc between size classes and into
 * large blocks, freed blocks are handed out again, what is kept per class
 * is bounded, a block freed by another thread is fine there, and stanzas parsed, copied and written out with it are the
 * same as with the system allocator.  Under ASan nothing is kept, so that
 * it sees every block. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "strophe_mem.h"

static gboolean checked(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return TRUE;
#else
    return FALSE;
#endif
}

static void fill(unsigned char *p, gsize n, unsigned char seed)
{
    for (gsize i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i);
}

static gboolean holds(const unsigned char *p, gsize n, unsigned char seed)
{
    for (gsize i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed + i))
            return FALSE;
    return TRUE;
}

static void test_realloc_keeps_contents(void **state)
{
    const xmpp_mem_t *m = rc_strophe_mem();
    /* Grow through every class and past the largest, then shrink. */
    const gsize sizes[] = { 1, 16, 17, 40, 64, 65, 100, 129, 200, 256, 257, 1000, 70000, 300, 8 };
    unsigned char *p = m->alloc(sizes[0], m->userdata);
    fill(p, sizes[0], 7);
    gsize have = sizes[0];
    for (guint i = 1; i < G_N_ELEMENTS(sizes); i++) {
        p = m->realloc(p, sizes[i], m->userdata);
        assert_non_null(p);
        assert_true(holds(p, MIN(have, sizes[i]), 7));
        fill(p, sizes[i], 7);
        have = sizes[i];
    }
    m->free(p, m->userdata);
    m->free(NULL, m->userdata);
    unsigned char *fresh = m->realloc(NULL, 50, m->userdata);
    assert_non_null(fresh);
    m->free(fresh, m->userdata);
}

static void test_blocks_reused_and_bounded(void **state)
{
    const xmpp_mem_t *m = rc_strophe_mem();
    void *a = m->alloc(24, m->userdata);
    guint before = rc_strophe_mem_kept();
    m->free(a, m->userdata);
    void *b = m->alloc(30, m->userdata);   /* same class (32) */
    if (!checked()) {
        assert_ptr_equal(a, b);
        assert_int_equal(rc_strophe_mem_kept(), before);
    }
    m->free(b, m->userdata);

    /* 10,000 small blocks freed at once: only a bounded number is kept. */
    enum { N = 10000 };
    void **many = g_new(void *, N);
    for (guint i = 0; i < N; i++) {
        many[i] = m->alloc(16, m->userdata);
        memset(many[i], 0xab, 16);
    }
    for (guint i = 0; i < N; i++)
        m->free(many[i], m->userdata);
    g_free(many);
    guint kept = rc_strophe_mem_kept();
    if (checked())
        assert_int_equal(kept, 0);
    else
        assert_true(kept > 0 && kept < N / 2); /* 16 KiB of 16-byte blocks: 1,024 */
}

/* A block freed by another thread joins that thread's lists; each thread's
 * lists go when it ends. */
static gpointer free_there(gpointer block)
{
    const xmpp_mem_t *m = rc_strophe_mem();
    m->free(block, m->userdata);
    return GUINT_TO_POINTER(rc_strophe_mem_kept());
}

static void test_freed_by_another_thread(void **state)
{
    const xmpp_mem_t *m = rc_strophe_mem();
    void *block = m->alloc(100, m->userdata);
    memset(block, 1, 100);
    GThread *other = g_thread_new("free-there", free_there, block);
    guint kept_there = GPOINTER_TO_UINT(g_thread_join(other));
    assert_int_equal(kept_there, checked() ? 0 : 1);
}

static char *round_trip(xmpp_ctx_t *ctx, const char *xml)
{
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml);
    assert_non_null(stanza);
    xmpp_stanza_t *copy = xmpp_stanza_copy(stanza);
    xmpp_stanza_release(stanza);
    xmpp_stanza_set_attribute(copy, "id", "a-rather-longer-id-than-the-one-it-replaces-0123456789");
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(xmpp_stanza_to_text(copy, &buf, &len), XMPP_EOK);
    char *text = g_strndup(buf, len);
    xmpp_free(ctx, buf);
    xmpp_stanza_release(copy);
    return text;
}

static void test_stanzas_as_with_malloc(void **state)
{
    const char *xml =
        "<message from='pubsub.example.org' to='a@example.org/x' id='1'><event "
        "xmlns='http://jabber.org/protocol/pubsub#event'><items node='roomctl/r@muc'>"
        "<item id='ui.button:send' publisher='mod@example.org'><control "
        "xmlns='urn:roomctl:control:0' type='ui.button' version='1'><field name='button'>"
        "send</field><field name='enabled'>false</field><field name='label'>Sénd &amp; "
        "go &lt;now&gt;</field></control></item></items></event></message>";
    xmpp_initialize();
    xmpp_ctx_t *plain = xmpp_ctx_new(NULL, NULL);
    g_autofree char *want = round_trip(plain, xml);
    xmpp_ctx_free(plain);

    xmpp_ctx_t *ctx = xmpp_ctx_new(rc_strophe_mem(), NULL);
    for (guint i = 0; i < 1000; i++) {
        g_autofree char *got = round_trip(ctx, xml);
        assert_string_equal(got, want);
    }
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_realloc_keeps_contents),
        cmocka_unit_test(test_blocks_reused_and_bounded),
        cmocka_unit_test(test_freed_by_another_thread),
        cmocka_unit_test(test_stanzas_as_with_malloc),
    };
    return cmocka_run_group_tests_name("strophe memory", tests, NULL, NULL);
}

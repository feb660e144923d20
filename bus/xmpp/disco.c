/* XEP-0030 service discovery: requests and answers (see disco.h). */
#include "disco.h"

static xmpp_stanza_t *query(xmpp_ctx_t *ctx, const char *to, const char *ns)
{
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", NULL);
    xmpp_stanza_set_to(iq, to);
    xmpp_stanza_t *q = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(q, "query");
    xmpp_stanza_set_ns(q, ns);
    xmpp_stanza_add_child(iq, q);
    xmpp_stanza_release(q);
    return iq;
}

xmpp_stanza_t *rc_disco_info_request(xmpp_ctx_t *ctx, const char *to)
{
    return query(ctx, to, RC_NS_DISCO_INFO);
}

xmpp_stanza_t *rc_disco_items_request(xmpp_ctx_t *ctx, const char *to)
{
    return query(ctx, to, RC_NS_DISCO_ITEMS);
}

/* The children named @name of the answer's <query xmlns=@ns/>. */
static xmpp_stanza_t *first_of(xmpp_stanza_t *reply, const char *ns)
{
    xmpp_stanza_t *q = reply ? xmpp_stanza_get_child_by_name_and_ns(reply, "query", ns) : NULL;
    return q ? xmpp_stanza_get_children(q) : NULL;
}

static gboolean named(xmpp_stanza_t *s, const char *name)
{
    const char *n = xmpp_stanza_get_name(s);
    return n && g_str_equal(n, name);
}

static gboolean attr_is(xmpp_stanza_t *s, const char *attr, const char *value)
{
    const char *v = xmpp_stanza_get_attribute(s, attr);
    return v && g_str_equal(v, value);
}

gboolean rc_disco_has_identity(xmpp_stanza_t *reply, const char *category, const char *type)
{
    for (xmpp_stanza_t *c = first_of(reply, RC_NS_DISCO_INFO); c; c = xmpp_stanza_get_next(c))
        if (named(c, "identity") && attr_is(c, "category", category) && attr_is(c, "type", type))
            return TRUE;
    return FALSE;
}

gboolean rc_disco_has_feature(xmpp_stanza_t *reply, const char *feature)
{
    for (xmpp_stanza_t *c = first_of(reply, RC_NS_DISCO_INFO); c; c = xmpp_stanza_get_next(c))
        if (named(c, "feature") && attr_is(c, "var", feature))
            return TRUE;
    return FALSE;
}

GPtrArray *rc_disco_item_jids(xmpp_stanza_t *reply)
{
    GPtrArray *jids = g_ptr_array_new_with_free_func(g_free);
    for (xmpp_stanza_t *c = first_of(reply, RC_NS_DISCO_ITEMS); c; c = xmpp_stanza_get_next(c)) {
        const char *jid = named(c, "item") ? xmpp_stanza_get_attribute(c, "jid") : NULL;
        if (jid)
            g_ptr_array_add(jids, g_strdup(jid));
    }
    return jids;
}

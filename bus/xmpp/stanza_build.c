/* Building stanzas element by element. */
#include "stanza_build.h"

xmpp_stanza_t *rc_stanza_element(xmpp_ctx_t *ctx, const char *name, const char *ns)
{
    xmpp_stanza_t *e = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(e, name);
    if (ns)
        xmpp_stanza_set_ns(e, ns);
    return e;
}

xmpp_stanza_t *rc_stanza_add_child(xmpp_stanza_t *parent, const char *name, const char *ns)
{
    xmpp_stanza_t *e = rc_stanza_element(xmpp_stanza_get_context(parent), name, ns);
    xmpp_stanza_add_child(parent, e);
    xmpp_stanza_release(e); /* the parent holds it */
    return e;
}

char *rc_stanza_text(xmpp_stanza_t *stanza)
{
    char *raw = stanza ? xmpp_stanza_get_text(stanza) : NULL;
    if (!raw)
        return NULL;
    char *copy = g_strdup(raw);
    xmpp_free(xmpp_stanza_get_context(stanza), raw);
    return copy;
}

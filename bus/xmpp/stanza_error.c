/* Stanza error replies: the one place that writes <error/> elements. */
#include "stanza_error.h"
#include "stanza_build.h"

static void add_child(xmpp_stanza_t *parent, xmpp_stanza_t *child)
{
    xmpp_stanza_add_child(parent, child);
    xmpp_stanza_release(child);
}

xmpp_stanza_t *rc_stanza_error_reply_app(xmpp_ctx_t *ctx, xmpp_stanza_t *request,
                                         const char *type, const char *condition,
                                         const char *text, xmpp_stanza_t *app)
{
    xmpp_stanza_t *reply = xmpp_stanza_reply(request);
    xmpp_stanza_set_type(reply, "error");
    xmpp_stanza_t *error = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(error, "error");
    xmpp_stanza_set_type(error, type);
    xmpp_stanza_t *cond = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(cond, condition);
    xmpp_stanza_set_ns(cond, RC_NS_STANZAS);
    add_child(error, cond);
    if (text) {
        xmpp_stanza_t *t = xmpp_stanza_new(ctx);
        xmpp_stanza_set_name(t, "text");
        xmpp_stanza_set_ns(t, RC_NS_STANZAS);
        xmpp_stanza_t *body = xmpp_stanza_new(ctx);
        xmpp_stanza_set_text(body, text);
        add_child(t, body);
        add_child(error, t);
    }
    if (app)
        xmpp_stanza_add_child(error, app);
    add_child(reply, error);
    return reply;
}

xmpp_stanza_t *rc_stanza_error_reply(xmpp_ctx_t *ctx, xmpp_stanza_t *request,
                                     const char *type, const char *condition,
                                     const char *text)
{
    return rc_stanza_error_reply_app(ctx, request, type, condition, text, NULL);
}

char *rc_stanza_error_text(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *error = xmpp_stanza_get_child_by_name(reply, "error");
    xmpp_stanza_t *text = error ? xmpp_stanza_get_child_by_name_and_ns(error, "text",
                                                                       RC_NS_STANZAS)
                                : NULL;
    return rc_stanza_text(text);
}

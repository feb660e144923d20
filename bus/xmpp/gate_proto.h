/* Internal: the gate's request/answer protocol (urn:roomctl:gate:0, see
 * docs/wire-format.md section 11) as pure functions on libstrophe stanzas:
 * what `roomctl --gate` sends and what roomctl-gate answers. */
#ifndef RC_GATE_PROTO_H
#define RC_GATE_PROTO_H

#include <strophe.h>
#include <roomctl/error.h>

G_BEGIN_DECLS

#define RC_NS_GATE "urn:roomctl:gate:0"

typedef enum { RC_GATE_PUBLISH, RC_GATE_RETRACT, RC_GATE_PURGE } rc_gate_op;

/* "publish", "retract", "purge". */
const char *rc_gate_op_name(rc_gate_op op);

/* A parsed request; the strings and @control point into the request stanza
 * and live as long as it. */
typedef struct rc_gate_request {
    rc_gate_op op;
    const char *room;      /* as sent (the gate lower-cases it) */
    const char *item_id;   /* retract: the item; publish: NULL */
    xmpp_stanza_t *control;/* publish: the <control/> element */
} rc_gate_request;

/*
 * A new <iq type='set'/> to @gate asking it to apply @op to @room: @control
 * (publish; the request takes a reference) or @item_id (retract).  Release
 * with xmpp_stanza_release().
 */
xmpp_stanza_t *rc_gate_request_new(xmpp_ctx_t *ctx, const char *gate, rc_gate_op op,
                                   const char *room, const char *item_id,
                                   xmpp_stanza_t *control);

/*
 * Read a request <iq type='set'/>.  FALSE when @iq is not one (another
 * namespace: not for the gate's request handler; @error stays unset), or
 * FALSE with @error (ROOMCTL_ERR_CONFIG) when it is one but malformed: no
 * room, no item for a retract, not exactly one <control/> for a publish.
 */
gboolean rc_gate_request_parse(xmpp_stanza_t *iq, rc_gate_request *out, GError **error);

/* The answer to @request saying it was done; @item_id is the published or
 * retracted item (NULL for a purge). */
xmpp_stanza_t *rc_gate_result(xmpp_ctx_t *ctx, xmpp_stanza_t *request, rc_gate_op op,
                              const char *room, const char *item_id);

/*
 * The error answer to @request for @why (a ROOMCTL_ERROR): the stanza
 * condition and the <failure code=…/> that rc_gate_check_reply() maps back to
 * the same code, the message as <text/>, and for an invalid item the field it
 * names (field='index').
 */
xmpp_stanza_t *rc_gate_error(xmpp_ctx_t *ctx, xmpp_stanza_t *request, const GError *why);

/*
 * Check the gate's answer.  TRUE for a result (@item_id, when not NULL, gets
 * a new copy of the item id, or NULL for a purge).  Otherwise FALSE with
 * @error: the code the gate gave (NOT_ALLOWED, INVALID_ITEM, UNKNOWN_TYPE,
 * NOT_FOUND, SERVER, TIMEOUT, CONNECTION), with the gate's text; an answer
 * from the server instead of the gate (service-unavailable: the gate is not
 * connected) is ROOMCTL_ERR_CONNECTION "the gate G is not available".
 */
gboolean rc_gate_check_reply(xmpp_stanza_t *reply, const char *gate, char **item_id,
                             GError **error);

/* The field an item error names ("field 'index': …" -> "index"), or NULL;
 * a new string. */
char *rc_gate_error_field(const char *message);

G_END_DECLS

#endif

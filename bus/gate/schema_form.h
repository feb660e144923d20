/* roomctl-gate: XEP-0004 data forms from control type schemas, and items
 * from the forms a moderator's client submits (the ad-hoc commands). */
#ifndef RC_GATE_SCHEMA_FORM_H
#define RC_GATE_SCHEMA_FORM_H

#include <strophe.h>
#include <roomctl/item.h>

G_BEGIN_DECLS

#define RC_NS_DATA "jabber:x:data"
#define RC_NS_DATA_VALIDATE "http://jabber.org/protocol/xdata-validate"

/*
 * A new <x xmlns='jabber:x:data' type='form'/> for one item of @schema:
 * bool -> boolean, a string with an enum -> list-single, int and number ->
 * text-single with an XEP-0122 datatype and range, url and timestamp ->
 * text-single with their datatype, jid -> jid-single, list -> list-multi
 * (enum elements) or text-multi, other strings -> text-single with the
 * limits in the description.  Bytes fields are left out (the instructions
 * say so: they are for the command line).  Defaults are the fields' values.
 * @title heads the form.  Release with xmpp_stanza_release().
 */
xmpp_stanza_t *rc_schema_form(xmpp_ctx_t *ctx, const roomctl_schema *schema, const char *title);

/*
 * The item a submitted form @x describes, validated.  Empty text fields
 * count as not given; boolean values 1/0 are true/false.  NULL with @error
 * naming the field ("ui.button: field 'button': …") when a value is wrong,
 * or when @x is not a submitted form.
 */
roomctl_item *rc_schema_form_item(const roomctl_registry *registry,
                                  const roomctl_schema *schema, xmpp_stanza_t *x,
                                  GError **error);

G_END_DECLS

#endif

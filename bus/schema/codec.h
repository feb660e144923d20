/* Internal: items <-> <control xmlns='urn:roomctl:0'/> stanzas, for the XMPP
 * bus (see docs/wire-format.md). */
#ifndef RC_CODEC_H
#define RC_CODEC_H

#include <strophe.h>
#include <roomctl/item.h>

G_BEGIN_DECLS

/*
 * Decode and validate @control, the <control/> element of a PubSub item.
 * @item_id is the PubSub item id (NULL: derive it); for a state type it must
 * equal the id the key gives.  Returns a new item (roomctl_item_unref()) or
 * NULL with @error (ROOMCTL_ERR_INVALID_ITEM or ROOMCTL_ERR_UNKNOWN_TYPE).
 * @control is only read.
 */
roomctl_item *rc_item_decode_stanza(const roomctl_registry *registry, xmpp_stanza_t *control,
                                    const char *item_id, GError **error);
/* The <control/> element of @item, made in @ctx; release it with
 * xmpp_stanza_release().  Fields that took their default are left out. */
xmpp_stanza_t *rc_item_encode_stanza(const roomctl_item *item, xmpp_ctx_t *ctx);
/* Record where the item came from; the strings are copied. */
void rc_item_set_origin(roomctl_item *item, const char *room, const char *publisher,
                        gboolean replay);
/* Same type, version, id and field values. */
gboolean rc_item_equal(const roomctl_item *a, const roomctl_item *b);

G_END_DECLS

#endif

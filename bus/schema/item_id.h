/* Item ids: state items are "TYPE:KEY1[:KEY2…]" (docs/wire-format.md), built
 * and taken apart here only, for the library, the host and the plugins. */
#ifndef RC_ITEM_ID_H
#define RC_ITEM_ID_H

#include <glib.h>
#include <roomctl/plugin.h>

/* Append ':' and a key value to a state id being built (start it with the
 * type): an int (@type ROOMCTL_FIELD_INT) as @i in canonical decimal, any
 * other value as its @text with '%', ':' and bytes below 0x20 written %XX,
 * so that ids stay unique and survive XML attribute normalisation whatever
 * the key values hold. */
void rc_item_id_add_key(GString *id, roomctl_field_type type, gint64 i, const char *text);

/* The type part of @item_id (what comes before the first ':'); a new string. */
char *rc_item_id_type(const char *item_id);

/* The key part of @item_id when it is a state id of @type ("send" of
 * "ui.button:send", still escaped); else the whole id.  Points into @item_id. */
const char *rc_item_id_key(const char *type, const char *item_id);

#endif

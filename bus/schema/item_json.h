/* Items and values as JSON (item_json.c). */
#ifndef RC_ITEM_JSON_H
#define RC_ITEM_JSON_H

/* Only the SDK's item accessors: plugins compile this file too. */
#include <roomctl/plugin.h>
#include <glib.h>

G_BEGIN_DECLS

/* Append a value: string, url, jid and timestamp as strings, int and number
 * as numbers, bool as true/false, list as an array, bytes as
 * {"size": N, "sha256": "HEX"} (the bytes themselves are not repeated). */
void rc_json_value(GString *out, const roomctl_value *value);
/* Append an object of the item's set fields, in schema order. */
void rc_json_fields(GString *out, const roomctl_item *item);

G_END_DECLS

#endif

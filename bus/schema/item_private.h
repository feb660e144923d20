/* Internal: the item layout and the draft that the builder and the wire codec
 * both fill before an item is made. */
#ifndef RC_ITEM_PRIVATE_H
#define RC_ITEM_PRIVATE_H

#include <roomctl/item.h>
#include "schema_private.h"

G_BEGIN_DECLS

/* One block: the struct, the values, then their texts and the id. */
struct roomctl_item {
    gint refs;
    const roomctl_schema *schema;
    const char *id;            /* in the block */
    char *room;                /* owned; NULL when not from a room */
    char *publisher;           /* owned; NULL when unknown */
    gboolean replay;
    guint n_values;
    roomctl_value values[];    /* one per schema field, schema order */
};

/*
 * An item being made.  Values hold borrowed texts (which must outlive the
 * draft) and own their bytes data and list blocks until the item takes them.
 */
typedef struct {
    const roomctl_schema *schema;
    roomctl_value *values;     /* schema->n_fields, storage given by the caller */
    GArray **lists;            /* per field: roomctl_value elements; lazily made */
    GPtrArray *temps;          /* strings freed with the draft; lazily made */
} rc_draft;

void rc_draft_init(rc_draft *draft, const roomctl_schema *schema, roomctl_value *storage);
/* Check @text against @field and store it (a list field gets one more
 * element).  Errors read "TYPE: field 'NAME': PROBLEM". */
gboolean rc_draft_set(rc_draft *draft, const rc_field *field, const char *text, GError **error);
/* Keep @text (owned, freed with the draft); returns it. */
char *rc_draft_keep(rc_draft *draft, char *text);
/* Check required fields and list lengths, apply defaults, make the id (check
 * @item_id against it for state types).  The draft is cleared either way. */
roomctl_item *rc_draft_finish(rc_draft *draft, const char *item_id, GError **error);
void rc_draft_clear(rc_draft *draft);

G_END_DECLS

#endif

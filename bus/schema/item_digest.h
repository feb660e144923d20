/* The content digest of an item that the applied-state journal keeps: a
 * SHA-256 over a canonical, versioned form of the item's meaning, not over
 * its XML (docs/architecture.md, "The journal's digest"). */
#ifndef RC_ITEM_DIGEST_H
#define RC_ITEM_DIGEST_H

#include <glib.h>
#include <roomctl/plugin.h>

/* Bump when the canonical form changes: every journal entry then differs
 * once, and its item is applied again once. */
#define RC_ITEM_DIGEST_FORM 1

/* The canonical form of @item, appended to @out (tests read it). */
void rc_item_canonical(GString *out, const roomctl_item *item);

/* SHA-256 of rc_item_canonical(), 64 lower-case hex digits; free with g_free(). */
char *rc_item_digest(const roomctl_item *item);

#endif

/* How the bus commands of `roomctl` show items and rooms: text for people,
 * JSON (one object per line for streams) for scripts. */
#ifndef RC_CLI_PRINT_H
#define RC_CLI_PRINT_H

#include <stdio.h>
#include <roomctl/roomctl.h>

G_BEGIN_DECLS

/* An item as an indented block of "field = value" lines (string values
 * quoted, control characters escaped: one line per field whatever a
 * publisher sent), or as one JSON
 * object {"id","type","version","publisher","room","replay","fields"}
 * (bytes as {"size","sha256"}). */
void rc_cli_print_item(FILE *out, const roomctl_item *item, gboolean json);
/* A room's node: configuration, affiliations and item count. */
void rc_cli_print_room_info(FILE *out, const roomctl_room_info *info, gboolean json);
/* The result of publish, retract or purge: @text (one line) for people, or
 * with @json one object for scripts, {"room": R, "ACTION": true, "item_id":
 * ID, "items": [IDS…], "dry_run": B}; @action is "published", "retracted"
 * or "purged"; @item_id and @items (roomctl_item *) may be NULL. */
void rc_cli_print_result(gboolean json, const char *action, const char *room,
                         const char *item_id, GPtrArray *items, gboolean dry_run,
                         const char *text);
/* "moderator", "member", "owner", "none". */
const char *rc_cli_affiliation_name(roomctl_affiliation affiliation);

G_END_DECLS

#endif

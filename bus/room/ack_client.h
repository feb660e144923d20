/* Internal: a receiver's side of acknowledgements (room_ack.c) and what its
 * host can handle (host_caps.c), docs/wire-format.md sections 12.1-12.2. */
#ifndef RC_ACK_CLIENT_H
#define RC_ACK_CLIENT_H

#include <roomctl/ack.h>

#include "ack_proto.h"

G_BEGIN_DECLS

typedef struct rc_reporter rc_reporter;

/* room.c tells the reporter (all do nothing when the bus has no gate): */
/* An item of @room was dropped; acknowledged unless it was a forgery. */
void rc_ack_dropped(roomctl_bus *bus, const char *room, const char *item_id,
                    const GError *why);
/* A key was reset (RC_GATE_RETRACT, @item_id) or the state purged. */
void rc_ack_op(roomctl_bus *bus, const char *room, rc_gate_op op, const char *item_id);
/* A room's join started or finished: announce again (coalesced). */
void rc_ack_announce_soon(roomctl_bus *bus);
/* room_host.c: @host handled @item of @room_jid with @results (as
 * roomctl_host_dispatch() fills them): acknowledge it. */
void rc_ack_results(roomctl_bus *bus, const char *room_jid, const roomctl_item *item,
                    GPtrArray *results);

/* host_caps.c: add to @announce the types (with the versions @registry has)
 * some handler of @host matches, and @host's plugins. */
void rc_host_announce_caps(const roomctl_host *host, const roomctl_registry *registry,
                           rc_announce *announce);

G_END_DECLS

#endif

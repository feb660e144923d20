/* Acknowledgements: what a receiver tells the room's gate
 * about each item it handled, and who it is (docs/wire-format.md section 12). */
#ifndef ROOMCTL_ACK_H
#define ROOMCTL_ACK_H

#include <roomctl/bus.h>

G_BEGIN_DECLS

/*
 * Report to the gate @gate_jid (e.g. "gate.example.org"; copied; NULL stops
 * reporting).  From then on the bus announces itself to the gate with a
 * directed presence when it connects and when a room's join starts or
 * finishes: its rooms, the types and versions @host's plugins handle (a type
 * counts when a handler matches it and the registry has its schema) and the
 * plugins' names and versions.  The server then tells the gate when this
 * client goes away.  Retractions, purges and dropped items of the bus's
 * rooms are acknowledged by the bus; items are acknowledged when they go
 * through roomctl_room_dispatch() (roomctl_bus_join_host() does).  @host
 * (may be NULL: nothing handled) is not owned and must outlive the bus or
 * the next call.
 */
ROOMCTL_API
void roomctl_bus_set_gate(roomctl_bus *bus, const char *gate_jid, roomctl_host *host);

/*
 * roomctl_host_dispatch() for an item of @room, then acknowledge it to the
 * bus's gate (when it has one): applied, failed (the first plugin that
 * failed and its reason), or unsupported (no handler matched).  An item the
 * host's journal says was applied before a restart is not acknowledged
 * again.  Returns the number of handlers that failed.
 */
ROOMCTL_API
guint roomctl_room_dispatch(roomctl_room *room, roomctl_host *host, const roomctl_item *item);

G_END_DECLS

#endif

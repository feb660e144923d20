/* Internal to bus/room: a room client's state (room.c: joining, live
 * events, leaving) and how items are applied to it (room_apply.c). */
#ifndef RC_ROOM_PRIVATE_H
#define RC_ROOM_PRIVATE_H

#include "bus_private.h"

G_BEGIN_DECLS

/* STALE: was in sync when the connection went down.  Its state stays, and
 * live events still apply: only a resumed stream (XEP-0198) can bring them,
 * and it brings exactly what was missed.  A new session rejoins instead. */
typedef enum {
    RC_ROOM_IDLE, RC_ROOM_JOINING, RC_ROOM_SYNCED, RC_ROOM_STALE, RC_ROOM_GONE
} rc_room_phase;

struct roomctl_room {
    gint ref;                /* the bus's list + requests in flight */
    roomctl_bus *bus;        /* NULL once left */
    char *jid;               /* bare */
    char *node;
    char *events_node;       /* transient: event items, never fetched */
    roomctl_room_callbacks cb;
    void *user_data;
    GDestroyNotify free_user_data;
    rc_room_phase phase;
    guint attempt;           /* answers to an older join are ignored */
    GHashTable *state;       /* item id -> roomctl_item (ref) */
    GPtrArray *buffer;       /* <event/> copies received while joining */
    /* The join under way is an anti-entropy fetch of a synced room
     * (roomctl_room_reconcile()): quiet unless something changed. */
    gboolean reconciling;
    roomctl_room_stats stats;
};

/* The one rule for client callbacks: any of them may leave the room
 * (roomctl_room_leave() detaches it and clears room->bus).  Whoever calls
 * one holds a reference (room_ref()) for as long as it looks at the room,
 * and asks joined() before each further step: after a callback, only a
 * joined room is worked on. */
static inline gboolean joined(const roomctl_room *room)
{
    return room->bus != NULL;
}

/* ---- room_apply.c ---- */
void rc_room_drop(roomctl_room *room, const char *item_id, const GError *why);
roomctl_item *rc_room_decode(roomctl_room *room, xmpp_stanza_t *it, gboolean replay);
void rc_room_deliver(roomctl_room *room, roomctl_item *item);
void rc_room_apply_state(roomctl_room *room, roomctl_item *item);
void rc_room_apply_item(roomctl_room *room, xmpp_stanza_t *it, gboolean replay);
void rc_room_reset_key(roomctl_room *room, const char *item_id);
void rc_room_node_deleted(roomctl_room *room);
gboolean rc_room_on_events_node(const roomctl_room *room, xmpp_stanza_t *c);
void rc_room_deliver_events(roomctl_room *room, xmpp_stanza_t *items);
void rc_room_apply_event(roomctl_room *room, xmpp_stanza_t *event);

G_END_DECLS

#endif

/* Internal to roomctl-gate: the gate and its rooms, shared by gate_core.c
 * (rooms, rights, publishing), gate.c (requests, lifecycle), gate_rooms.c (setting rooms up, presence),
 * gate_adhoc.c (XEP-0050 commands), gate_clients.c and gate_track.c
 * (receivers and acknowledgements, issue 13). */
#ifndef RC_GATE_PRIVATE_H
#define RC_GATE_PRIVATE_H

#include "gate.h"
#include "bus_private.h"
#include "gate_proto.h"
#include "ack_proto.h"

G_BEGIN_DECLS

typedef struct rc_gate_room {
    rc_gate *gate;
    char *jid;                /* bare, lower case */
    rc_occupants *occupants;
    gboolean joined;          /* our own presence came back in this session */
    gboolean node_ready;      /* the node exists, configured, we own it */
    char *problem;            /* why requests for it cannot be served now */
    GHashTable *clients;      /* (13) full JID -> rc_client_status *, gate_clients.c */
} rc_gate_room;

struct rc_gate {
    const rc_gate_config *config;
    const roomctl_registry *registry;
    GMainContext *context;
    roomctl_bus *bus;
    GPtrArray *rooms;         /* rc_gate_room * */
    GSource *setup;           /* rooms to set up after (re)connecting or a failure */
    GPtrArray *patterns;      /* room patterns of `rooms:` ("standup-*@muc…"), lower case */
    rc_gate_stats stats;
    GPtrArray *tracks;        /* (13) rc_track *: requests a moderator waits on */
    guint last_track;         /* tracking ids: "t" + a counter */
};

/* ---- gate_core.c: the rooms ---- */
/* Manage room @jid (bare, any case) from now on; the new room. */
rc_gate_room *rc_gate_add_room(rc_gate *gate, const char *jid);
/* The managed room @jid (any case, resource ignored), or NULL. */
rc_gate_room *rc_gate_find_room(const rc_gate *gate, const char *jid);
/* Record why @room cannot serve requests now (logged). */
void rc_gate_room_problem(rc_gate_room *room, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void rc_gate_room_free(gpointer room);

/* ---- gate_rooms.c ---- */
/* A session began (@connected) or ended: rooms are set up again. */
void rc_gate_rooms_status(rc_gate *gate, gboolean connected);
/* A presence for the gate: the occupants of its rooms. */
void rc_gate_rooms_presence(rc_gate *gate, xmpp_stanza_t *presence);
void rc_gate_rooms_stop(rc_gate *gate);

/* ---- gate_core.c: what requests and commands share ---- */
/* The room of a request from @from, when @from may ask now; else NULL with
 * @error (NOT_FOUND: not managed or no node; SERVER: not in the room yet;
 * NOT_ALLOWED: not a moderator). */
rc_gate_room *rc_gate_may(rc_gate *gate, const char *room_jid, const char *from,
                          GError **error);
/* Done: @error NULL and the item's id (NULL for a purge), or the refusal. */
typedef void (*rc_gate_done_fn)(rc_gate *gate, const GError *error, const char *item_id,
                                void *user_data);
/* Publish @item (not taken), retract @item_id, or purge, as the gate; @done
 * is called once.  Counts the outcome. */
void rc_gate_apply(rc_gate *gate, rc_gate_room *room, rc_gate_op op, const roomctl_item *item,
                   const char *item_id, const char *requester, rc_gate_done_fn done,
                   void *user_data);
/* Count a request refused before rc_gate_apply(). */
void rc_gate_count_refusal(rc_gate *gate, const GError *why);
/* Send @stanza and release it. */
void rc_gate_send(rc_gate *gate, xmpp_stanza_t *stanza);
/* The values of @table in a new array (not owning them). */
GPtrArray *rc_gate_values(GHashTable *table);

/* ---- gate_adhoc.c ---- */
/* Answer @iq when it is a service discovery or ad-hoc command request;
 * FALSE when it is neither. */
gboolean rc_gate_adhoc_handle(rc_gate *gate, xmpp_stanza_t *iq);

/* ---- gate_clients.c (13): receivers, acknowledgements, status ---- */
/* A presence from a receiver (not from a managed room): its announcement
 * or its going away.  FALSE when it is a room's presence. */
gboolean rc_gate_clients_presence(rc_gate *gate, xmpp_stanza_t *presence);
/* The bus's message hook: acknowledgements. */
gboolean rc_gate_clients_message(roomctl_bus *bus, xmpp_stanza_t *message, void *gate);
/* The room's clients as text, one line each, for the ad-hoc command. */
char *rc_gate_clients_describe(rc_gate_room *room);
/* Answer @iq when it is a status request; FALSE when it is not. */
gboolean rc_gate_clients_status(rc_gate *gate, xmpp_stanza_t *iq);

/* ---- gate_track.c (13): requests a moderator waits on ---- */
typedef struct rc_track rc_track;
GPtrArray *rc_gate_tracks_new(void);
/* Track @op on @item_id in @room for @requester: the clients present now are
 * expected; the summary goes out after @seconds at the latest.  Owned by
 * the gate (gate->tracks). */
rc_track *rc_gate_track_new(rc_gate *gate, rc_gate_room *room, rc_gate_op op,
                            const char *item_id, const char *requester, guint seconds,
                            gboolean all);
const char *rc_gate_track_id(const rc_track *track);
guint rc_gate_track_total(const rc_track *track);
/* The request's result went out: progress and the summary may follow (the
 * summary at once when no client is expected; @track may then be gone). */
void rc_gate_track_start(rc_track *track);
void rc_gate_track_ack(rc_gate *gate, const char *room, const char *from, const rc_ack *ack);
void rc_gate_track_gone(rc_gate *gate, const char *room, const char *jid);

G_END_DECLS

#endif

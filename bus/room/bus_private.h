/* Internal: the bus object shared by bus.c, room.c and room_admin.c. */
#ifndef RC_BUS_PRIVATE_H
#define RC_BUS_PRIVATE_H

#include <roomctl/bus.h>

#include "pubsub.h"
#include "xmpp_conn.h"

G_BEGIN_DECLS

/* A <message/> for the bus (lives for the call); TRUE when it was taken. */
typedef gboolean (*rc_bus_message_fn)(roomctl_bus *bus, xmpp_stanza_t *message,
                                      void *user_data);

struct roomctl_bus {
    char *jid;                 /* as configured (bare or full) */
    char *bare_jid;            /* for messages */
    char *pubsub_service;
    guint timeout_ms;
    const roomctl_registry *registry;
    GMainContext *context;
    rc_conn *conn;
    roomctl_status_fn status_fn;
    void *status_data;
    gboolean connecting;       /* a roomctl_bus_connect() waits for its outcome */
    roomctl_done_fn connect_done;
    void *connect_data;
    gboolean stay_connected;   /* reconnect when the connection is lost */
    gboolean was_up;           /* the status callback last heard "connected" */
    guint reconnect_min_ms, reconnect_max_ms;
    guint reconnect_ms;        /* next reconnect delay, before jitter */
    GSource *reconnect;        /* a reconnect, or a rc_bus_connect_later() */
    roomctl_done_fn later_done; /* rc_bus_connect_later()'s callback */
    void *later_data;
    GSource *connect_guard;    /* bounds roomctl_bus_connect() and each reconnection */
    roomctl_bus_stats stats;
    GPtrArray *rooms;          /* joined roomctl_room *, each holding one ref */
    const struct rc_room_ops *room_ops; /* set by the first join (room.c); NULL: no room yet */
    struct rc_acl *acl;        /* receiver-side checks (room_acl.c, issue 5); NULL: defaults */
    void (*free_acl)(struct rc_acl *acl); /* set with @acl, by room_acl.c */
    struct rc_reporter *reporter; /* acknowledgements to the gate (room_ack.c, issue 13) */
    void (*free_reporter)(struct rc_reporter *reporter); /* set with @reporter, by room_ack.c */
    rc_bus_message_fn message_hook; /* sees each <message/> before the rooms do */
    void *message_hook_data;
    guint reconcile_ms;        /* anti-entropy interval; G_MAXUINT: never */
    GSource *reconcile;        /* its next tick */
    GHashTable *retrying;      /* requests waiting to be sent again (bus_request.c) */
};

/* The answer to rc_bus_request(): @reply of type "result" (lives for the
 * call), or NULL with @error in a moderator's words. */
typedef void (*rc_reply_fn)(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error,
                            void *user_data);
/* Send @iq (released here) and call @fn once with the checked answer. */
void rc_bus_request(roomctl_bus *bus, xmpp_stanza_t *iq, rc_pubsub_op op, const char *room,
                    const char *detail, rc_reply_fn fn, void *user_data);
/* Fail every request waiting to be sent again with @why (the bus is freed). */
void rc_bus_requests_cancel(roomctl_bus *bus, const char *why);
xmpp_ctx_t *rc_bus_ctx(const roomctl_bus *bus);
/* Send a stanza without waiting for an answer (released here). */
void rc_bus_send(roomctl_bus *bus, xmpp_stanza_t *stanza);

/* (13) Give each incoming <message/> to @fn first (NULL: none). */
void rc_bus_set_message_hook(roomctl_bus *bus, rc_bus_message_fn fn, void *user_data);

/* ---- Waiting for an answer (the *_sync functions) -------------------------
 * A waiter is shared by the caller and the callback, so that whichever ends
 * last frees it. */
typedef struct rc_wait rc_wait;
rc_wait *rc_wait_new(void);
/* Record the outcome (copies @error; @result is kept and freed with
 * @free_result if nobody takes it) and drop the callback's reference. */
void rc_wait_finish(rc_wait *wait, const GError *error, gpointer result,
                    GDestroyNotify free_result);
/* Iterate @bus's context until finished or @timeout_ms passed; returns the
 * result (taken) or NULL with @error; drops the caller's reference. */
gpointer rc_wait_run(rc_wait *wait, roomctl_bus *bus, guint timeout_ms, GError **error);
/* rc_wait_run() for an answer that carries no result, within the bus's
 * request timeout and a second: TRUE, or FALSE with @error. */
gboolean rc_wait_ok(rc_wait *wait, roomctl_bus *bus, GError **error);
/* An roomctl_done_fn that finishes the rc_wait given as user data. */
void rc_wait_done(roomctl_bus *bus, const GError *error, void *wait);

/* ---- Rooms (room.c) ----------------------------------------------------------
 * The bus owns the connection and the rooms own their joins: bus.c reaches
 * its rooms only through the operations the first join hands it, so that
 * room.c uses bus.c and never the other way round. */
typedef struct rc_room_ops {
    void (*start)(roomctl_room *room);
    void (*connection_lost)(roomctl_room *room);
    void (*resume)(roomctl_room *room);
    void (*handle_event)(roomctl_bus *bus, xmpp_stanza_t *message);
    void (*detach)(roomctl_room *room);
    gboolean (*reconcile)(roomctl_room *room); /* roomctl_room_reconcile() */
    const char *(*jid)(const roomctl_room *room);     /* roomctl_room_jid() */
    gboolean (*is_synced)(const roomctl_room *room);  /* roomctl_room_is_synced() */
} rc_room_ops;

/* What roomctl_bus_join_host() joins with (user data: the roomctl_host):
 * for a program that adds its own logging around the same steps. */
extern const roomctl_room_callbacks rc_room_host_callbacks;

/* A first connection that failed, tried again with the bus's own back-off
 * (reconnect_min_ms doubling to reconnect_max_ms, with jitter): calls
 * roomctl_bus_connect(@bus, @done, @user_data) after the next delay.  For
 * programs that must wait for a server that is not up yet (roomctl-agent);
 * cancelled by roomctl_bus_disconnect() and roomctl_bus_free(). */
void rc_bus_connect_later(roomctl_bus *bus, roomctl_done_fn done, void *user_data);

/* Start (or restart after a reconnect) the join of @room. */
void rc_room_start(roomctl_room *room);
/* The connection went down: the room waits for the next one. */
void rc_room_connection_lost(roomctl_room *room);
/* The session was resumed (XEP-0198): nothing was missed, a room that was
 * in sync is again, without fetching; others start their join. */
void rc_room_resume(roomctl_room *room);
/* A PubSub event <message/> for the rooms of @bus. */
void rc_room_handle_event(roomctl_bus *bus, xmpp_stanza_t *message);
/* A join's two halves without the server (rc_room_start() sends the
 * requests, tests/test_room.c calls them directly): begin, so that live
 * events are buffered; then apply the node's <items/> answer @reply and the
 * events buffered meanwhile. */
void rc_room_begin_join(roomctl_room *room);
void rc_room_apply_fetch(roomctl_room *room, xmpp_stanza_t *reply);
/* The room's bus, or NULL once it was left. */
roomctl_bus *rc_room_bus(const roomctl_room *room);
/* Leave without telling the server (the bus is going away). */
void rc_room_detach(roomctl_room *room);

G_END_DECLS

#endif

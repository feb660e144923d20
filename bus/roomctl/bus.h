/* The bus: one XMPP connection, per-room PubSub nodes, join, state, publish.
 *
 * Each room has one PubSub node named "roomctl/ROOM_BARE_JID" on the PubSub
 * service (by default "pubsub." + the account's domain).  A bus runs in a
 * GMainContext: the host runs a GMainLoop (or calls the *_sync functions,
 * which iterate the bus's context until the server answers).
 *
 * Changelog of libroomctl's public headers (additions only: nothing was
 * removed or changed incompatibly; new error codes always come last):
 *   first version  The bus and its rooms: connect, join, state, publish,
 *                  retract, purge, fetch, room create/show/grant, sync.
 *                  Only the first connection's failure goes to a connect
 *                  callback; events are delivered live only, never fetched;
 *                  a deleted node reaches a host's plugins as a purge.
 *   issue 5        Access control: roomctl_bus_set_moderators(),
 *                  roomctl_bus_has_moderators(), roomctl_bus_learn_moderators*(),
 *                  roomctl_bus_set_max_item_size(), roomctl_drop_reason();
 *                  schema folders others can write are refused (schema.h).
 *   issue 6        The applied-state journal (host.h); roomctl_host_reconcile()
 *                  and roomctl_room_reconcile_host() after each join.
 *   faults         Options reconnect_min_ms/_max_ms, keepalive_ms,
 *                  disable_stream_management; one resource per bus;
 *                  roomctl_bus_get_stats(), roomctl_bus_is_resumed(),
 *                  roomctl_room_get_stats(), roomctl_host_get_stats();
 *                  nothing is queued while the bus is not connected.
 *   issue 13       roomctl/ack.h (acknowledgements to the gate);
 *                  roomctl_item_new_from_assignments_at().
 *   issue 14       Options tls_ca_file, reconcile_ms and roomctl_room_reconcile()
 *                  (anti-entropy); roomctl/doctor.h.
 *   issue 15       roomctl_room_events_node_name(); the rooms' batch callback
 *                  and the host's batches.
 *   issue 16       ROOMCTL_ERR_CONFLICT; roomctl_bus_room_delete_sync().
 *   issue 19       The library exports its ROOMCTL_API functions only;
 *                  ROOMCTL_ERR_FORGED; roomctl_error_get_position().
 */
#ifndef ROOMCTL_BUS_H
#define ROOMCTL_BUS_H

#include <roomctl/item.h>
#include <roomctl/host.h>

G_BEGIN_DECLS

typedef struct roomctl_bus roomctl_bus;   /* one XMPP connection */
typedef struct roomctl_room roomctl_room; /* one joined room on a bus */

typedef struct roomctl_bus_options {
    const char *jid;            /* the account, bare or full (required) */
    const char *password;       /* copied; NULL for anonymous login */
    const char *host;           /* server host; NULL: the JID's domain */
    guint16 port;               /* 0: 5222 */
    const char *pubsub_service; /* NULL: "pubsub." + the JID's domain */
    /* Local test servers only: allow a connection without TLS and plain
     * authentication over it.  Off by default: TLS is required. */
    gboolean allow_plaintext;
    /* Tests only: do not verify the server's TLS certificate. */
    gboolean trust_tls;
    guint request_timeout_ms;   /* how long to wait for an IQ answer; 0: 10000 */
    /* Reconnection after a lost connection: the first retry
     * waits about reconnect_min_ms (0: 1000), each failed one doubles the
     * delay up to reconnect_max_ms (0: 30000).  Every delay is drawn at
     * random from [delay/2, delay] so that many clients cut at once do not
     * come back at once.  A reconnection attempt that has no session within
     * request_timeout_ms is abandoned and the next one scheduled. */
    guint reconnect_min_ms;
    guint reconnect_max_ms;
    /* After keepalive_ms without a stanza from the server
     * (0: 30000), ping it (XEP-0199); no answer within request_timeout_ms
     * drops the connection, which then reconnects: a stalled link is
     * noticed even when TCP says nothing. */
    guint keepalive_ms;
    /* Do not use XEP-0198 stream management (and so no
     * stream resumption), even when the server offers it. */
    gboolean disable_stream_management;
    /* A PEM file of certificates to trust besides the
     * system's (a test or private server's own certificate); copied.  The
     * certificate is still verified, host name included.  NULL: the
     * system's trust store only. */
    const char *tls_ca_file;
    /* Anti-entropy: every reconcile_ms (0: 60000;
     * G_MAXUINT: never), give or take a quarter at random, each synced room
     * fetches its node's items and applies what it missed
     * (roomctl_room_reconcile()): an event a server dropped silently is
     * caught within one interval.  Costs one items request per room. */
    guint reconcile_ms;
} roomctl_bus_options;

/*
 * A new, unconnected bus.  @options and its strings are copied.  @registry
 * validates incoming and outgoing items and must outlive the bus.  @context
 * NULL means the default main context.  Free with roomctl_bus_free(), which
 * disconnects.
 */
ROOMCTL_API
roomctl_bus *roomctl_bus_new(const roomctl_bus_options *options,
                             const roomctl_registry *registry, GMainContext *context);
ROOMCTL_API
void roomctl_bus_free(roomctl_bus *bus);

/* The bound full JID once connected, else NULL; owned by the bus. */
ROOMCTL_API
const char *roomctl_bus_jid(const roomctl_bus *bus);
ROOMCTL_API
const char *roomctl_bus_pubsub_service(const roomctl_bus *bus);
ROOMCTL_API
gboolean roomctl_bus_is_connected(const roomctl_bus *bus);

/* Called with error == NULL on success.  @error lives for the call only. */
typedef void (*roomctl_done_fn)(roomctl_bus *bus, const GError *error, void *user_data);

/* Connect and log in.  @done is called once.  Errors: ROOMCTL_ERR_CONNECTION,
 * ROOMCTL_ERR_AUTH.
 * Only the first connection's failure goes to @done.  Once
 * connected, a lost connection is told to the status callback and the bus
 * reconnects by itself (see reconnect_min_ms in the options) until
 * roomctl_bus_disconnect() or roomctl_bus_free(); joined rooms then join
 * again (see "Room clients").  The connect attempt is bounded by
 * request_timeout_ms (ROOMCTL_ERR_TIMEOUT).
 * A bare @jid gets one resource for the bus's life
 * ("roomctl-" + 8 hex digits): the rooms' subscriptions (of the full JID)
 * are the same after a reconnection instead of piling up.  When the server
 * kept the lost session (XEP-0198), it is resumed: what was missed arrives
 * as live events and the rooms are not fetched again; otherwise each room
 * joins again.  The status callback hears "lost" once per lost session,
 * not once per failed attempt.
 * Never call a *_sync function from a bus callback: the bus's source does
 * not recurse, so the answer would only come after the timeout. */
ROOMCTL_API
void roomctl_bus_connect(roomctl_bus *bus, roomctl_done_fn done, void *user_data);
ROOMCTL_API
gboolean roomctl_bus_connect_sync(roomctl_bus *bus, GError **error);
ROOMCTL_API
void roomctl_bus_disconnect(roomctl_bus *bus);

/* Told of every connection change: connected (error NULL) or lost (error set).
 * Lost with ROOMCTL_ERR_CONFLICT when another client logged in
 * with the same full JID: the bus does not reconnect then (the two would
 * replace each other's session forever). */
typedef void (*roomctl_status_fn)(roomctl_bus *bus, gboolean connected,
                                  const GError *error, void *user_data);
ROOMCTL_API
void roomctl_bus_set_status_callback(roomctl_bus *bus, roomctl_status_fn fn, void *user_data);

/* What the bus's connection went through, for an operator.
 * Times are g_get_real_time() (µs since the epoch), 0 for never. */
typedef struct roomctl_bus_stats {
    guint connects;           /* sessions established, the first included */
    guint reconnects;         /* sessions after the first */
    guint resumed;            /* of those, XEP-0198 resumptions of the old session */
    guint lost;               /* established sessions that went down */
    guint keepalive_timeouts; /* connections dropped because a ping went unanswered */
    gint64 last_connected;
    gint64 last_lost;
} roomctl_bus_stats;
ROOMCTL_API
void roomctl_bus_get_stats(const roomctl_bus *bus, roomctl_bus_stats *out);
/* TRUE when the current session is a resumed one (XEP-0198). */
ROOMCTL_API
gboolean roomctl_bus_is_resumed(const roomctl_bus *bus);

/* "roomctl/" + the room's bare JID; free with g_free(). */
ROOMCTL_API
char *roomctl_room_node_name(const char *room_jid);
/* "roomctl-events/" + the room's bare JID: the room's
 * transient node, where items of kind "event" go (delivered live, never
 * stored: docs/wire-format.md section 2); free with g_free(). */
ROOMCTL_API
char *roomctl_room_events_node_name(const char *room_jid);

/* ---- Room clients ----------------------------------------------------------
 * Join = subscribe (idempotent), fetch all current items, apply them as the
 * room's state (item callbacks with is_replay = 1), then apply live events in
 * the order the server sends them.  No item is applied twice.
 * Items of kind "event" are delivered live only: a join does
 * not replay past events and they are not part of roomctl_room_state().
 * After a reconnect the room joins again: a state item is delivered again
 * (is_replay = 1) only when it changed, and keys retracted meanwhile get
 * the reset callback.  Events are accepted only from the bus's PubSub
 * service; others reach dropped() with item_id NULL.  A join that fails
 * (e.g. no node: ROOMCTL_ERR_NOT_FOUND) calls synced() with the error and
 * is tried again on the next reconnect. */

typedef struct roomctl_room_callbacks {
    /* A validated item; @item lives for the call (ref it to keep it). */
    void (*item)(roomctl_room *room, const roomctl_item *item, void *user_data);
    /* A state key was retracted. */
    void (*reset)(roomctl_room *room, const char *type, const char *item_id, void *user_data);
    /* All state was purged. */
    void (*purge)(roomctl_room *room, void *user_data);
    /* The node was deleted. */
    void (*deleted)(roomctl_room *room, void *user_data);
    /* An item was ignored: invalid, unknown type, or not from the service. */
    void (*dropped)(roomctl_room *room, const char *item_id, const GError *why, void *user_data);
    /* The initial sync finished (error NULL) or failed. */
    void (*synced)(roomctl_room *room, const GError *error, void *user_data);
    /* A join's outcome is about to be applied (@begins
     * TRUE: the fetched items, resets, the events that came meanwhile and
     * synced()) and then has been (@begins FALSE), all within one call of
     * the loop, so that a client that writes its state writes it once (the
     * host's batch, roomctl_host_begin_batch()).  The end comes even when a
     * callback left the room meanwhile, unless leaving freed @user_data. */
    void (*batch)(roomctl_room *room, gboolean begins, void *user_data);
} roomctl_room_callbacks;

/*
 * Join @room_jid (bare JID of the MUC room).  @callbacks is copied; any
 * callback may be NULL.  @free_user_data is called with @user_data when the
 * room is left or the bus freed.  The room belongs to the bus; it lives until
 * roomctl_room_leave() or roomctl_bus_free().  Joining starts at once if the
 * bus is connected, else when it connects.
 */
ROOMCTL_API
roomctl_room *roomctl_bus_join(roomctl_bus *bus, const char *room_jid,
                               const roomctl_room_callbacks *callbacks,
                               void *user_data, GDestroyNotify free_user_data);
/* Join and hand every item, reset and purge to @host's plugins.
 * A deleted node reaches the plugins as a purge.
 * After each join, roomctl_room_reconcile_host(). */
ROOMCTL_API
roomctl_room *roomctl_bus_join_host(roomctl_bus *bus, const char *room_jid, roomctl_host *host);
ROOMCTL_API
void roomctl_room_leave(roomctl_room *room);
/* Anti-entropy: fetch the node's items now and apply what the
 * room missed (a dropped event: changed keys delivered with is_replay = 1,
 * vanished keys reset), as a rejoin does but without subscribing again and
 * without the synced() callback.  The bus does this by itself every
 * reconcile_ms.  FALSE (nothing done) unless the room is synced. */
ROOMCTL_API
gboolean roomctl_room_reconcile(roomctl_room *room);
/* For a synced() callback that feeds @host itself: tell the
 * host's journal (roomctl_host_reconcile()) the room's state after a join,
 * so that keys retracted while the host was away are reset.  @error is the
 * callback's: ROOMCTL_ERR_NOT_FOUND (the room has no node) means no state
 * at all; after any other error nothing is known and nothing is done. */
ROOMCTL_API
void roomctl_room_reconcile_host(roomctl_room *room, const GError *error, roomctl_host *host);

ROOMCTL_API
const char *roomctl_room_jid(const roomctl_room *room);
ROOMCTL_API
gboolean roomctl_room_is_synced(const roomctl_room *room);
/* What a room client applied, for an operator. */
typedef struct roomctl_room_stats {
    guint64 applied;    /* live items delivered to the item callback */
    guint64 replayed;   /* items delivered by a join or rejoin (is_replay = 1) */
    guint64 unchanged;  /* fetched at a rejoin, same id and content: not delivered */
    guint64 resets;     /* keys reset: retractions, live or found at a rejoin */
    guint64 purges;
    guint64 dropped;    /* items ignored (see dropped()) */
    guint syncs;        /* successful joins, rejoins included */
    gint64 last_sync;   /* g_get_real_time() of the last successful (re)join; 0: never */
} roomctl_room_stats;
ROOMCTL_API
void roomctl_room_get_stats(const roomctl_room *room, roomctl_room_stats *out);
/* The room's current state: items of state types by item id.  A new array
 * of references (free with g_ptr_array_unref(); the items stay valid). */
ROOMCTL_API
GPtrArray *roomctl_room_state(const roomctl_room *room);

/* ---- Moderator and owner operations ---------------------------------------
 * Each has a *_sync form that iterates the bus's context until the answer.
 * Errors name what happened in a moderator's words: ROOMCTL_ERR_NOT_ALLOWED
 * ("this account may not publish to room X"), ROOMCTL_ERR_NOT_FOUND ("room X
 * has no roomctl node; run `roomctl room create X`"), ROOMCTL_ERR_SERVER,
 * ROOMCTL_ERR_TIMEOUT, ROOMCTL_ERR_CONNECTION.
 * Exact texts: "account JID may not publish to room X; a
 * room owner can run `roomctl room grant ROOM JID moderator`", "room X has
 * no item 'ID'" for a retract.  Prosody checks rights before it looks for
 * the node, so after a refusal (or a retraction's missing item) the bus asks
 * whether the node exists: a missing room reads as ROOMCTL_ERR_NOT_FOUND
 * "room X has no roomctl node; run `roomctl room create X`".  The server's
 * own text, when it gives one, ends the message as " (server: TEXT)". */

/* Validate @item against the registry and publish it under its item id.
 * An item the registry refuses calls @done before this
 * returns (ROOMCTL_ERR_INVALID_ITEM or ROOMCTL_ERR_UNKNOWN_TYPE).
 * Nothing is queued for later: while the bus is not connected
 * @done gets ROOMCTL_ERR_CONNECTION ("not connected to the XMPP server"),
 * from the main loop; a publish in flight when the connection is lost gets
 * ROOMCTL_ERR_CONNECTION ("connection to HOST:PORT lost: ..."), one the
 * server does not answer ROOMCTL_ERR_TIMEOUT.  After either the item may
 * or may not be on the server: publishing it again is harmless. */
ROOMCTL_API
void roomctl_bus_publish(roomctl_bus *bus, const char *room_jid, const roomctl_item *item,
                         roomctl_done_fn done, void *user_data);
ROOMCTL_API
gboolean roomctl_bus_publish_sync(roomctl_bus *bus, const char *room_jid,
                                  const roomctl_item *item, GError **error);
ROOMCTL_API
gboolean roomctl_bus_retract_sync(roomctl_bus *bus, const char *room_jid,
                                  const char *item_id, GError **error);
ROOMCTL_API
gboolean roomctl_bus_purge_sync(roomctl_bus *bus, const char *room_jid, GError **error);

typedef enum {
    ROOMCTL_ACCESS_OPEN = 0, /* anyone may subscribe and read */
    ROOMCTL_ACCESS_MEMBERS   /* only accounts with member affiliation or above */
} roomctl_access;

typedef enum {
    ROOMCTL_AFFILIATION_NONE = 0,
    ROOMCTL_AFFILIATION_MEMBER,
    ROOMCTL_AFFILIATION_MODERATOR, /* PubSub "publisher" */
    ROOMCTL_AFFILIATION_OWNER
} roomctl_affiliation;

/* What `roomctl room show` prints.  Free with roomctl_room_info_free(). */
typedef struct roomctl_room_info {
    char *room;            /* bare JID */
    char *node;            /* PubSub node name */
    GPtrArray *config;     /* "var=value" strings of the node configuration */
    GHashTable *affiliations; /* bare JID (char*) -> roomctl_affiliation */
    guint item_count;
} roomctl_room_info;
ROOMCTL_API
void roomctl_room_info_free(roomctl_room_info *info);

/* Create the room's node (or reconfigure it when it exists): only publishers
 * publish, items persist, max items, retractions notified, publisher
 * exposed.  Returns the resulting configuration, or NULL with @error.
 * Who may create nodes is the server's rule (Prosody: the
 * PubSub service's admins; ejabberd: mod_pubsub's access_createnode); a
 * refusal says so ("account JID may not create the roomctl node of room X;
 * the server must let the account create PubSub nodes (…)").  Publishers
 * are exposed by pubsub#itemreply=publisher (ejabberd) or the server's
 * setting (Prosody: expose_publisher).  @access MEMBERS is pubsub#access_model
 * whitelist.  config holds what the server reports, e.g.
 * "pubsub#publish_model=publishers", "pubsub#max_items=max". */
ROOMCTL_API
roomctl_room_info *roomctl_bus_room_create_sync(roomctl_bus *bus, const char *room_jid,
                                                roomctl_access access, GError **error);
ROOMCTL_API
roomctl_room_info *roomctl_bus_room_show_sync(roomctl_bus *bus, const char *room_jid,
                                              GError **error);
ROOMCTL_API
gboolean roomctl_bus_room_grant_sync(roomctl_bus *bus, const char *room_jid, const char *jid,
                                     roomctl_affiliation affiliation, GError **error);
/* Delete the room's node with its items, as its owner: every
 * client following it is told (deleted(), a purge for plugins).  Errors as
 * for create; a missing node is ROOMCTL_ERR_NOT_FOUND. */
ROOMCTL_API
gboolean roomctl_bus_room_delete_sync(roomctl_bus *bus, const char *room_jid, GError **error);

/* Fetch and decode all items of the room's node.  Returns a new array of
 * items (free with g_ptr_array_unref()); undecodable items are logged and
 * skipped (their count in @dropped when not NULL).
 * Events are included; every item has is_replay = 1, its
 * room and its publisher set; order is the server's (Prosody: oldest first). */
ROOMCTL_API
GPtrArray *roomctl_bus_fetch_items_sync(roomctl_bus *bus, const char *room_jid,
                                        guint *dropped, GError **error);

/* ---- Access control -----------------------------------
 * Moderators are a room's owners and admins.  `room sync` makes the PubSub
 * node's affiliations follow the MUC room's: MUC owners and admins become
 * moderators (PubSub "publisher"), members become members when the node is
 * members-only (whitelist) and nobody otherwise, everyone else none.  The
 * node's owners are left alone.  Run by an account that owns both the MUC
 * room (to read its lists) and the node (to change its affiliations). */

typedef struct roomctl_affiliation_change {
    char *jid;                  /* bare JID */
    roomctl_affiliation before;
    roomctl_affiliation after;
} roomctl_affiliation_change;

/*
 * Read the MUC room's owner, admin and member lists and the node's
 * configuration and affiliations; change what differs.  Returns the changes
 * made, sorted by JID (empty when nothing had to change): a new array of
 * roomctl_affiliation_change (free with g_ptr_array_unref()).  NULL with
 * @error: ROOMCTL_ERR_NOT_ALLOWED ("account A may not read the owner list of
 * MUC room R…"), ROOMCTL_ERR_NOT_FOUND (no MUC room, or no node), …  When a
 * change fails midway, the error says which; earlier changes stay made.
 */
ROOMCTL_API
GPtrArray *roomctl_bus_room_sync_sync(roomctl_bus *bus, const char *room_jid, GError **error);

/* ---- Receiver-side checks ------------------------------
 * Besides the checks above (events only from the PubSub service and for a
 * joined room's node; payload valid; type known), a room client drops:
 * - an item whose <item/> is over the size limit (ROOMCTL_ERR_TOO_LARGE);
 * - when the room has a moderator list and the server names the publisher
 *   (Prosody: expose_publisher), an item whose publisher is not in the list
 *   (ROOMCTL_ERR_NOT_MODERATOR).  Without a list every publisher the server
 *   let publish is accepted (logged once per room); the server's publish
 *   model (only publishers publish) still holds.
 * Each drop reaches dropped() with the error and is logged with its reason. */

#define ROOMCTL_DEFAULT_MAX_ITEM_SIZE (1024 * 1024)

/* Items bigger than @bytes (their element names and text; attribute values
 * are not counted) are dropped; 0: the default, 1 MiB. */
ROOMCTL_API
void roomctl_bus_set_max_item_size(roomctl_bus *bus, gsize bytes);
/*
 * The moderators of @room_jid (bare JIDs; resources are ignored; copied),
 * NULL-terminated; @jids NULL removes the list.  @room_jid NULL sets the list
 * used by rooms that have none of their own.  Applies to items that arrive
 * from then on.
 */
ROOMCTL_API
void roomctl_bus_set_moderators(roomctl_bus *bus, const char *room_jid,
                                const char *const *jids);
/* Whether items of @room_jid are checked against a moderator list. */
ROOMCTL_API
gboolean roomctl_bus_has_moderators(const roomctl_bus *bus, const char *room_jid);
/*
 * Ask the server who the moderators of @room_jid are and set them as its
 * list: the node's owners and publishers when this account may read the
 * node's affiliations (its owner), plus the MUC room's owners and admins
 * when it may read those lists (an owner or admin of the room; Prosody also
 * lets members of a members-only room that shows real JIDs).  Fails with
 * ROOMCTL_ERR_NOT_ALLOWED when neither could be read; the room's list is
 * then unchanged.  A room client that is none of these cannot learn its
 * moderators: give them with roomctl_bus_set_moderators().
 */
ROOMCTL_API
void roomctl_bus_learn_moderators(roomctl_bus *bus, const char *room_jid, roomctl_done_fn done,
                                  void *user_data);
ROOMCTL_API
gboolean roomctl_bus_learn_moderators_sync(roomctl_bus *bus, const char *room_jid,
                                           GError **error);

/* Why an item was dropped, as a stable word for counters: "not-from-service"
 * (a forged event: ROOMCTL_ERR_FORGED), "not-a-moderator", "too-large", "invalid",
 * "unknown-type" or "other".  Static. */
ROOMCTL_API
const char *roomctl_drop_reason(const GError *why);

G_END_DECLS

#endif

/* Moderator operations: publish, retract, purge, fetch. */
#include "bus_private.h"

#include <string.h>

#include "codec.h"
#include "log.h"

typedef struct {
    roomctl_done_fn done;
    void *user_data;
    char *room;
    char *item_id;    /* a retract's item */
    GError *refusal;  /* the refusal being checked against the node's existence */
} rc_done;

static void done_free(rc_done *d)
{
    g_free(d->room);
    g_free(d->item_id);
    g_clear_error(&d->refusal);
    g_free(d);
}

static gboolean has_item(xmpp_stanza_t *reply, const char *item_id)
{
    xmpp_stanza_t *items = reply ? rc_pubsub_answer(reply, RC_NS_PUBSUB, "items") : NULL;
    for (xmpp_stanza_t *it = items ? xmpp_stanza_get_children(items) : NULL; it;
         it = xmpp_stanza_get_next(it)) {
        const char *id = xmpp_stanza_get_id(it);
        if (id && g_str_equal(id, item_id))
            return TRUE;
    }
    return FALSE;
}

/* Some servers (Prosody) check rights before the node exists, so "not
 * allowed" may mean "no such room", and a retraction's "no such item" may
 * too; ejabberd refuses to retract an item a publisher did not publish:
 * tell the moderator the real story. */
static void on_probe(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error, void *data)
{
    rc_done *d = data;
    g_autoptr(GError) told = NULL;
    if (g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND))
        told = g_error_copy(error);
    else if (d->item_id && !error && !has_item(reply, d->item_id))
        told = g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND, "room %s has no item '%s'",
                           d->room, d->item_id);
    else if (d->item_id && !error)
        told = g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED,
                           "%s; on servers where publishers retract only their own items "
                           "(ejabberd), another moderator's item is retracted by the room's "
                           "owner, or replaced by publishing it again", d->refusal->message);
    if (d->done)
        d->done(bus, told ? told : d->refusal, d->user_data);
    done_free(d);
}

static void on_done_reply(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error,
                          void *data)
{
    rc_done *d = data;
    /* A retraction's item-not-found also comes when the node is missing. */
    if (g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED) ||
        (d->item_id && g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND))) {
        g_autofree char *node = roomctl_room_node_name(d->room);
        d->refusal = g_error_copy(error);
        rc_bus_request(bus, rc_pubsub_items(rc_bus_ctx(bus), bus->pubsub_service, node),
                       RC_OP_FETCH, d->room, NULL, on_probe, d);
        return;
    }
    if (d->done)
        d->done(bus, error, d->user_data);
    done_free(d);
}

static void request_done(roomctl_bus *bus, xmpp_stanza_t *iq, rc_pubsub_op op,
                         const char *room, const char *detail, roomctl_done_fn done,
                         void *user_data)
{
    rc_done *d = g_new0(rc_done, 1);
    d->done = done;
    d->user_data = user_data;
    d->room = g_strdup(room);
    d->item_id = op == RC_OP_RETRACT ? g_strdup(detail) : NULL;
    rc_bus_request(bus, iq, op, room, detail, on_done_reply, d);
}

/* The item's <control/> after checking it against the bus's registry, the
 * same way a receiver will. */
static xmpp_stanza_t *checked_payload(roomctl_bus *bus, const roomctl_item *item,
                                      GError **error)
{
    xmpp_stanza_t *payload = rc_item_encode_stanza(item, rc_bus_ctx(bus));
    roomctl_item *check = rc_item_decode_stanza(bus->registry, payload, roomctl_item_id(item),
                                                error);
    if (!check) {
        xmpp_stanza_release(payload);
        return NULL;
    }
    roomctl_item_unref(check);
    return payload;
}

void roomctl_bus_publish(roomctl_bus *bus, const char *room_jid, const roomctl_item *item,
                         roomctl_done_fn done, void *user_data)
{
    g_autoptr(GError) error = NULL;
    xmpp_stanza_t *payload = checked_payload(bus, item, &error);
    if (!payload) {
        if (done)
            done(bus, error, user_data);
        return;
    }
    /* Events are delivered, never kept: the room's transient node. */
    g_autofree char *node = roomctl_item_is_state(item) ? roomctl_room_node_name(room_jid)
                                                        : roomctl_room_events_node_name(room_jid);
    xmpp_stanza_t *iq = rc_pubsub_publish(rc_bus_ctx(bus), bus->pubsub_service, node,
                                          roomctl_item_id(item), payload);
    /* The encoded size, for the message when the server finds it too large. */
    char *text = NULL;
    size_t text_len = 0;
    g_autofree char *size = NULL;
    if (xmpp_stanza_to_text(payload, &text, &text_len) == XMPP_EOK) {
        size = g_strdup_printf("%zu bytes", text_len);
        xmpp_free(rc_bus_ctx(bus), text);
    }
    xmpp_stanza_release(payload);
    request_done(bus, iq, RC_OP_PUBLISH, room_jid, size, done, user_data);
}

gboolean roomctl_bus_publish_sync(roomctl_bus *bus, const char *room_jid,
                                  const roomctl_item *item, GError **error)
{
    rc_wait *wait = rc_wait_new();
    roomctl_bus_publish(bus, room_jid, item, rc_wait_done, wait);
    return rc_wait_ok(wait, bus, error);
}

gboolean roomctl_bus_retract_sync(roomctl_bus *bus, const char *room_jid,
                                  const char *item_id, GError **error)
{
    g_autofree char *node = roomctl_room_node_name(room_jid);
    rc_wait *wait = rc_wait_new();
    request_done(bus, rc_pubsub_retract(rc_bus_ctx(bus), bus->pubsub_service, node, item_id),
                 RC_OP_RETRACT, room_jid, item_id, rc_wait_done, wait);
    return rc_wait_ok(wait, bus, error);
}

gboolean roomctl_bus_purge_sync(roomctl_bus *bus, const char *room_jid, GError **error)
{
    g_autofree char *node = roomctl_room_node_name(room_jid);
    rc_wait *wait = rc_wait_new();
    request_done(bus, rc_pubsub_purge(rc_bus_ctx(bus), bus->pubsub_service, node),
                 RC_OP_PURGE, room_jid, NULL, rc_wait_done, wait);
    return rc_wait_ok(wait, bus, error);
}

/* ---- Fetch --------------------------------------------------------------------- */

typedef struct {
    GPtrArray *items;
    guint dropped;
} rc_fetched;

typedef struct {
    rc_wait *wait;
    char *room;
} rc_fetch;

static void fetched_free(gpointer data)
{
    rc_fetched *f = data;
    g_ptr_array_unref(f->items);
    g_free(f);
}

static void on_items(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error, void *data)
{
    rc_fetch *fetch = data;
    rc_wait *wait = fetch->wait;
    g_autofree char *room = fetch->room;
    g_free(fetch);
    if (!reply) {
        rc_wait_finish(wait, error, NULL, NULL);
        return;
    }
    rc_fetched *f = g_new0(rc_fetched, 1);
    f->items = g_ptr_array_new_with_free_func((GDestroyNotify)roomctl_item_unref);
    xmpp_stanza_t *items = rc_pubsub_answer(reply, RC_NS_PUBSUB, "items");
    for (xmpp_stanza_t *it = items ? xmpp_stanza_get_children(items) : NULL; it;
         it = xmpp_stanza_get_next(it)) {
        const char *name = xmpp_stanza_get_name(it);
        if (!name || !g_str_equal(name, "item"))
            continue;
        const char *id = xmpp_stanza_get_id(it);
        xmpp_stanza_t *control = xmpp_stanza_get_child_by_name_and_ns(it, "control", ROOMCTL_NS);
        g_autoptr(GError) why = NULL;
        roomctl_item *item = control ? rc_item_decode_stanza(bus->registry, control, id, &why)
                                     : NULL;
        if (!item) {
            rc_warn("bus", "skipped item %s: %s", id ? id : "(no id)",
                    why ? why->message : "no <control xmlns='" ROOMCTL_NS "'/> payload");
            f->dropped++;
            continue;
        }
        g_autofree char *publisher = NULL;
        const char *by = xmpp_stanza_get_attribute(it, "publisher");
        if (by)
            publisher = g_strndup(by, strcspn(by, "/"));
        g_ptr_array_add(f->items, item);
        rc_item_set_origin(item, room, publisher, TRUE);
    }
    rc_wait_finish(wait, NULL, f, fetched_free);
}

GPtrArray *roomctl_bus_fetch_items_sync(roomctl_bus *bus, const char *room_jid,
                                        guint *dropped, GError **error)
{
    g_autofree char *node = roomctl_room_node_name(room_jid);
    rc_fetch *fetch = g_new0(rc_fetch, 1);
    fetch->wait = rc_wait_new();
    fetch->room = g_strdup(room_jid);
    rc_wait *wait = fetch->wait;
    rc_bus_request(bus, rc_pubsub_items(rc_bus_ctx(bus), bus->pubsub_service, node),
                   RC_OP_FETCH, room_jid, NULL, on_items, fetch);
    rc_fetched *f = rc_wait_run(wait, bus, bus->timeout_ms + 1000, error);
    if (!f)
        return NULL;
    GPtrArray *items = g_ptr_array_ref(f->items);
    if (dropped)
        *dropped = f->dropped;
    fetched_free(f);
    return items;
}

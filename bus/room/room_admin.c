/* Room owner operations: create (or reconfigure), show, grant, delete. */
#include "bus_private.h"
#include "stanza_build.h"

#include <string.h>

#define NS_DATA "jabber:x:data"

void roomctl_room_info_free(roomctl_room_info *info)
{
    if (!info)
        return;
    g_free(info->room);
    g_free(info->node);
    if (info->config)
        g_ptr_array_unref(info->config);
    if (info->affiliations)
        g_hash_table_unref(info->affiliations);
    g_free(info);
}

/* ---- Show: configuration, affiliations, item count --------------------------- */

typedef struct {
    roomctl_bus *bus;
    rc_wait *wait;
    roomctl_room_info *info;
    roomctl_access access; /* create only */
    GError *refusal;       /* create only: why configuring was refused */
} rc_admin;

static void admin_finish(rc_admin *a, const GError *error)
{
    if (error) {
        rc_wait_finish(a->wait, error, NULL, NULL);
        roomctl_room_info_free(a->info);
    } else {
        rc_wait_finish(a->wait, NULL, a->info, (GDestroyNotify)roomctl_room_info_free);
    }
    g_clear_error(&a->refusal);
    g_free(a);
}

static char *field_values(xmpp_stanza_t *field)
{
    GString *out = g_string_new(NULL);
    for (xmpp_stanza_t *v = xmpp_stanza_get_children(field); v; v = xmpp_stanza_get_next(v)) {
        const char *name = xmpp_stanza_get_name(v);
        if (!name || !g_str_equal(name, "value"))
            continue;
        g_autofree char *text = rc_stanza_text(v);
        if (out->len)
            g_string_append_c(out, ',');
        g_string_append(out, text ? text : "");
    }
    return g_string_free(out, FALSE);
}

static void on_item_count(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error, void *data)
{
    rc_admin *a = data;
    if (reply) {
        xmpp_stanza_t *items = rc_pubsub_answer(reply, RC_NS_PUBSUB, "items");
        for (xmpp_stanza_t *it = items ? xmpp_stanza_get_children(items) : NULL; it;
             it = xmpp_stanza_get_next(it))
            if (xmpp_stanza_get_name(it) && g_str_equal(xmpp_stanza_get_name(it), "item"))
                a->info->item_count++;
    }
    admin_finish(a, error);
}

static void on_affiliations(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error,
                            void *data)
{
    rc_admin *a = data;
    if (!reply) {
        admin_finish(a, error);
        return;
    }
    xmpp_stanza_t *list = rc_pubsub_answer(reply, RC_NS_PUBSUB_OWNER, "affiliations");
    for (xmpp_stanza_t *it = list ? xmpp_stanza_get_children(list) : NULL; it;
         it = xmpp_stanza_get_next(it)) {
        const char *jid = xmpp_stanza_get_attribute(it, "jid");
        const char *name = xmpp_stanza_get_attribute(it, "affiliation");
        if (jid && name)
            g_hash_table_insert(a->info->affiliations, g_strdup(jid),
                                GINT_TO_POINTER(rc_affiliation_from_name(name)));
    }
    rc_bus_request(bus, rc_pubsub_items(rc_bus_ctx(bus), bus->pubsub_service, a->info->node),
                   RC_OP_FETCH, a->info->room, NULL, on_item_count, a);
}

static void on_config(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error, void *data)
{
    rc_admin *a = data;
    if (!reply) {
        admin_finish(a, error);
        return;
    }
    xmpp_stanza_t *configure = rc_pubsub_answer(reply, RC_NS_PUBSUB_OWNER, "configure");
    xmpp_stanza_t *form = configure
        ? xmpp_stanza_get_child_by_name_and_ns(configure, "x", NS_DATA) : NULL;
    for (xmpp_stanza_t *f = form ? xmpp_stanza_get_children(form) : NULL; f;
         f = xmpp_stanza_get_next(f)) {
        const char *var = xmpp_stanza_get_attribute(f, "var");
        if (!var || g_str_equal(var, "FORM_TYPE"))
            continue;
        g_autofree char *values = field_values(f);
        g_ptr_array_add(a->info->config, g_strdup_printf("%s=%s", var, values));
    }
    rc_bus_request(bus, rc_pubsub_get_affiliations(rc_bus_ctx(bus), bus->pubsub_service,
                                                   a->info->node),
                   RC_OP_SHOW, a->info->room, NULL, on_affiliations, a);
}

static rc_admin *admin_new(roomctl_bus *bus, const char *room_jid, rc_wait *wait)
{
    rc_admin *a = g_new0(rc_admin, 1);
    a->bus = bus;
    a->wait = wait;
    a->info = g_new0(roomctl_room_info, 1);
    a->info->room = g_strndup(room_jid, strcspn(room_jid, "/"));
    a->info->node = roomctl_room_node_name(room_jid);
    a->info->config = g_ptr_array_new_with_free_func(g_free);
    a->info->affiliations = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return a;
}

static void show_start(rc_admin *a)
{
    roomctl_bus *bus = a->bus;
    rc_bus_request(bus, rc_pubsub_get_config(rc_bus_ctx(bus), bus->pubsub_service, a->info->node),
                   RC_OP_SHOW, a->info->room, NULL, on_config, a);
}

roomctl_room_info *roomctl_bus_room_show_sync(roomctl_bus *bus, const char *room_jid,
                                              GError **error)
{
    rc_wait *wait = rc_wait_new();
    show_start(admin_new(bus, room_jid, wait));
    return rc_wait_run(wait, bus, 3 * bus->timeout_ms + 1000, error);
}

/* ---- Create: reconfigure when the node exists, else create it ----------------- *
 * First the state node, then the room's events node (transient) the same way. */

static void on_events_created(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error,
                              void *data)
{
    rc_admin *a = data;
    if (reply)
        show_start(a);
    else
        admin_finish(a, error);
}

static void on_events_configured(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error,
                                 void *data)
{
    rc_admin *a = data;
    g_autofree char *node = roomctl_room_events_node_name(a->info->room);
    if (reply)
        show_start(a);
    else if (g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND) ||
             g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED))
        rc_bus_request(bus, rc_pubsub_create_node(rc_bus_ctx(bus), bus->pubsub_service, node,
                                                  a->access, TRUE),
                       RC_OP_CREATE, a->info->room, NULL, on_events_created, a);
    else
        admin_finish(a, error);
}

static void events_start(rc_admin *a)
{
    roomctl_bus *bus = a->bus;
    g_autofree char *node = roomctl_room_events_node_name(a->info->room);
    rc_bus_request(bus, rc_pubsub_configure_node(rc_bus_ctx(bus), bus->pubsub_service, node,
                                                 a->access, TRUE),
                   RC_OP_CONFIGURE, a->info->room, NULL, on_events_configured, a);
}

static void on_created(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error, void *data)
{
    rc_admin *a = data;
    if (reply)
        events_start(a);
    else if (a->refusal && !g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED))
        admin_finish(a, a->refusal); /* it exists, and we may not configure it */
    else
        admin_finish(a, error);
}

/* Configure first: that is what makes create idempotent.  Prosody checks
 * rights before existence, so a refusal may also mean "no node yet". */
static void on_configured(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error,
                          void *data)
{
    rc_admin *a = data;
    if (reply) {
        events_start(a);
    } else if (g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND) ||
               g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED)) {
        if (error->code == ROOMCTL_ERR_NOT_ALLOWED)
            a->refusal = g_error_copy(error);
        rc_bus_request(bus, rc_pubsub_create(rc_bus_ctx(bus), bus->pubsub_service,
                                             a->info->node, a->access),
                       RC_OP_CREATE, a->info->room, NULL, on_created, a);
    } else {
        admin_finish(a, error);
    }
}

roomctl_room_info *roomctl_bus_room_create_sync(roomctl_bus *bus, const char *room_jid,
                                                roomctl_access access, GError **error)
{
    rc_wait *wait = rc_wait_new();
    rc_admin *a = admin_new(bus, room_jid, wait);
    a->access = access;
    rc_bus_request(bus, rc_pubsub_configure(rc_bus_ctx(bus), bus->pubsub_service, a->info->node,
                                            access),
                   RC_OP_CONFIGURE, a->info->room, NULL, on_configured, a);
    return rc_wait_run(wait, bus, 7 * bus->timeout_ms + 1000, error);
}

/* ---- Grant ------------------------------------------------------------------- */

static void on_granted(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error, void *wait)
{
    rc_wait_finish(wait, error, NULL, NULL);
}

/* Wait for one owner request about @room_jid's node. */
static gboolean owner_request_sync(roomctl_bus *bus, xmpp_stanza_t *iq, rc_pubsub_op op,
                                   const char *room_jid, GError **error)
{
    rc_wait *wait = rc_wait_new();
    rc_bus_request(bus, iq, op, room_jid, NULL, on_granted, wait);
    return rc_wait_ok(wait, bus, error);
}

/* The same on the room's events node, which a room made by an older roomctl
 * lacks: its absence is no failure. */
static gboolean events_request_sync(roomctl_bus *bus, xmpp_stanza_t *iq, rc_pubsub_op op,
                                    const char *room_jid, GError **error)
{
    GError *failed = NULL;
    if (owner_request_sync(bus, iq, op, room_jid, &failed))
        return TRUE;
    if (g_error_matches(failed, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND)) {
        g_error_free(failed);
        return TRUE;
    }
    g_propagate_error(error, failed);
    return FALSE;
}

gboolean roomctl_bus_room_delete_sync(roomctl_bus *bus, const char *room_jid, GError **error)
{
    g_autofree char *node = roomctl_room_node_name(room_jid);
    g_autofree char *events = roomctl_room_events_node_name(room_jid);
    return owner_request_sync(bus, rc_pubsub_delete(rc_bus_ctx(bus), bus->pubsub_service, node),
                              RC_OP_DELETE, room_jid, error) &&
           events_request_sync(bus, rc_pubsub_delete(rc_bus_ctx(bus), bus->pubsub_service,
                                                     events),
                               RC_OP_DELETE, room_jid, error);
}

gboolean roomctl_bus_room_grant_sync(roomctl_bus *bus, const char *room_jid, const char *jid,
                                     roomctl_affiliation affiliation, GError **error)
{
    g_autofree char *node = roomctl_room_node_name(room_jid);
    g_autofree char *events = roomctl_room_events_node_name(room_jid);
    g_autofree char *bare = g_strndup(jid, strcspn(jid, "/"));
    xmpp_ctx_t *ctx = rc_bus_ctx(bus);
    return owner_request_sync(bus, rc_pubsub_set_affiliation(ctx, bus->pubsub_service, node,
                                                             bare, affiliation),
                              RC_OP_GRANT, room_jid, error) &&
           events_request_sync(bus, rc_pubsub_set_affiliation(ctx, bus->pubsub_service, events,
                                                              bare, affiliation),
                               RC_OP_GRANT, room_jid, error);
}

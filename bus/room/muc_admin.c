/* XEP-0045 §9.5, §10.5: reading and changing a MUC room's affiliation lists
 * (<query xmlns='http://jabber.org/protocol/muc#admin'/> to the room). */
#include "muc_admin.h"

#include <string.h>

#include "pubsub.h"

static const char *const names[] = {
    [RC_MUC_NONE] = "none", [RC_MUC_MEMBER] = "member",
    [RC_MUC_ADMIN] = "admin", [RC_MUC_OWNER] = "owner",
};

const char *rc_muc_affiliation_name(rc_muc_affiliation affiliation)
{
    return (gsize)affiliation < G_N_ELEMENTS(names) ? names[affiliation] : "none";
}

static rc_muc_affiliation affiliation_from_name(const char *name)
{
    for (gsize i = 0; name && i < G_N_ELEMENTS(names); i++)
        if (g_str_equal(name, names[i]))
            return (rc_muc_affiliation)i;
    return RC_MUC_NONE;
}

/* <iq type=TYPE to=ROOM><query xmlns=muc#admin><item affiliation=A/></query></iq>;
 * the item is returned in @item. */
static xmpp_stanza_t *admin_iq(roomctl_bus *bus, const char *type, const char *room,
                               rc_muc_affiliation affiliation, xmpp_stanza_t **item)
{
    xmpp_ctx_t *ctx = rc_bus_ctx(bus);
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, type, NULL);
    xmpp_stanza_set_to(iq, room);
    xmpp_stanza_t *query = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(query, "query");
    xmpp_stanza_set_ns(query, RC_NS_MUC_ADMIN);
    xmpp_stanza_t *it = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(it, "item");
    xmpp_stanza_set_attribute(it, "affiliation", rc_muc_affiliation_name(affiliation));
    xmpp_stanza_add_child(query, it);
    xmpp_stanza_add_child(iq, query);
    xmpp_stanza_release(it);
    xmpp_stanza_release(query);
    *item = it;
    return iq;
}

/* NULL when @reply is a result; else the refusal in a room owner's words.
 * @what: "read the owner list of", "change affiliations in"… */
static GError *check(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error,
                     const char *room, const char *what)
{
    if (!reply)
        return g_error_copy(error);
    const char *type = xmpp_stanza_get_type(reply);
    if (type && g_str_equal(type, "result"))
        return NULL;
    const char *condition = rc_pubsub_condition(reply);
    const char *c = condition ? condition : "undefined-condition";
    if (g_str_equal(c, "forbidden") || g_str_equal(c, "not-allowed") ||
        g_str_equal(c, "not-authorized"))
        return g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED,
                           "account %s may not %s MUC room %s; a room owner must do this",
                           bus->bare_jid, what, room);
    if (g_str_equal(c, "item-not-found") || g_str_equal(c, "remote-server-not-found"))
        return g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND,
                           "there is no MUC room %s (the chat room must exist before its "
                           "affiliations can be read)", room);
    return g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_SERVER,
                       "the MUC service refused to let %s %s room %s: %s", bus->bare_jid,
                       what, room, c);
}

/* ---- Reading lists ----------------------------------------------------------- */

typedef struct {
    roomctl_bus *bus;
    char *room;
    guint pending;       /* answers still to come */
    GHashTable *lists;   /* the result being built */
    GError *error;       /* the first refusal */
    rc_muc_lists_fn fn;
    void *user_data;
} rc_lists;

typedef struct {
    rc_lists *all;
    rc_muc_affiliation affiliation;
} rc_list_request;

static void add_entries(GHashTable *lists, xmpp_stanza_t *reply)
{
    xmpp_stanza_t *query = xmpp_stanza_get_child_by_name_and_ns(reply, "query", RC_NS_MUC_ADMIN);
    for (xmpp_stanza_t *it = query ? xmpp_stanza_get_children(query) : NULL; it;
         it = xmpp_stanza_get_next(it)) {
        const char *name = xmpp_stanza_get_name(it);
        const char *jid = xmpp_stanza_get_attribute(it, "jid");
        if (!name || !g_str_equal(name, "item") || !jid || !*jid)
            continue;
        rc_muc_affiliation a = affiliation_from_name(xmpp_stanza_get_attribute(it, "affiliation"));
        g_autofree char *bare = g_strndup(jid, strcspn(jid, "/"));
        char *key = g_utf8_strdown(bare, -1);
        rc_muc_affiliation known = GPOINTER_TO_INT(g_hash_table_lookup(lists, key));
        if (a > known)
            g_hash_table_replace(lists, key, GINT_TO_POINTER(a));
        else
            g_free(key);
    }
}

/* Each request in flight, and the sender while sending, holds @all. */
static void lists_release(rc_lists *all)
{
    if (--all->pending > 0)
        return;
    all->fn(all->bus, all->error ? NULL : all->lists, all->error, all->user_data);
    g_clear_error(&all->error);
    g_hash_table_unref(all->lists);
    g_free(all->room);
    g_free(all);
}

static void on_list(rc_conn *conn, xmpp_stanza_t *reply, const GError *error, void *data)
{
    rc_list_request *req = data;
    rc_lists *all = req->all;
    g_autofree char *what = g_strdup_printf("read the %s list of",
                                            rc_muc_affiliation_name(req->affiliation));
    GError *refused = check(all->bus, reply, error, all->room, what);
    if (refused && !all->error)
        all->error = refused;
    else if (refused)
        g_error_free(refused);
    else
        add_entries(all->lists, reply);
    g_free(req);
    lists_release(all);
}

void rc_muc_get_lists(roomctl_bus *bus, const char *room_jid, const rc_muc_affiliation *wanted,
                      rc_muc_lists_fn fn, void *user_data)
{
    rc_lists *all = g_new0(rc_lists, 1);
    all->bus = bus;
    all->room = g_strndup(room_jid, strcspn(room_jid, "/"));
    all->lists = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    all->fn = fn;
    all->user_data = user_data;
    all->pending = 1;
    for (const rc_muc_affiliation *a = wanted; *a != RC_MUC_NONE; a++) {
        rc_list_request *req = g_new0(rc_list_request, 1);
        req->all = all;
        req->affiliation = *a;
        all->pending++;
        xmpp_stanza_t *item;
        xmpp_stanza_t *iq = admin_iq(bus, "get", all->room, *a, &item);
        rc_conn_send_iq(bus->conn, iq, bus->timeout_ms, on_list, req);
        xmpp_stanza_release(iq);
    }
    lists_release(all);
}

static void lists_done(roomctl_bus *bus, GHashTable *lists, const GError *error, void *wait)
{
    rc_wait_finish(wait, error, lists ? g_hash_table_ref(lists) : NULL,
                   (GDestroyNotify)g_hash_table_unref);
}

GHashTable *rc_muc_get_lists_sync(roomctl_bus *bus, const char *room_jid,
                                  const rc_muc_affiliation *wanted, GError **error)
{
    rc_wait *wait = rc_wait_new();
    rc_muc_get_lists(bus, room_jid, wanted, lists_done, wait);
    return rc_wait_run(wait, bus, bus->timeout_ms + 1000, error);
}

/* ---- Changing one affiliation ------------------------------------------------- */

typedef struct {
    roomctl_bus *bus;
    char *room;
    rc_wait *wait;
} rc_change;

static void on_changed(rc_conn *conn, xmpp_stanza_t *reply, const GError *error, void *data)
{
    rc_change *change = data;
    g_autoptr(GError) refused = check(change->bus, reply, error, change->room,
                                      "change affiliations in");
    rc_wait_finish(change->wait, refused, NULL, NULL);
    g_free(change->room);
    g_free(change);
}

gboolean rc_muc_set_affiliation_sync(roomctl_bus *bus, const char *room_jid, const char *jid,
                                     rc_muc_affiliation affiliation, GError **error)
{
    rc_change *change = g_new0(rc_change, 1);
    change->bus = bus;
    change->room = g_strndup(room_jid, strcspn(room_jid, "/"));
    change->wait = rc_wait_new();
    rc_wait *wait = change->wait;
    xmpp_stanza_t *item;
    xmpp_stanza_t *iq = admin_iq(bus, "set", change->room, affiliation, &item);
    g_autofree char *bare = g_strndup(jid, strcspn(jid, "/"));
    xmpp_stanza_set_attribute(item, "jid", bare);
    rc_conn_send_iq(bus->conn, iq, bus->timeout_ms, on_changed, change);
    xmpp_stanza_release(iq);
    return rc_wait_ok(wait, bus, error);
}

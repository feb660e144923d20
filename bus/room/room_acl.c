/* Receiver-side checks: never trust the wire.
 *
 * The server already refuses a publish from anyone who is not a publisher
 * of the node; these checks keep a room client safe from a server whose
 * node was misconfigured (an open publish model, a stray affiliation) and
 * from items too big to be control items.  Only items the server says the
 * publisher of can be checked against a moderator list: Prosody says so with
 * expose_publisher = true. */
#include "room_acl.h"

#include <string.h>

#include "bus_private.h"
#include "log.h"
#include "muc_admin.h"

struct rc_acl {
    gsize max_item_size;     /* 0: ROOMCTL_DEFAULT_MAX_ITEM_SIZE */
    GHashTable *everywhere;  /* lower-case bare JIDs; NULL: no list for every room */
    GHashTable *rooms;       /* lower-case room JID -> set of lower-case bare JIDs */
    GHashTable *told;        /* room JID -> rc_told bits: what was logged once already */
    /* The last room tell_once() looked up, and its bits: items come room
     * by room, so most items need no lookup at all. */
    char told_room[256];     /* "" when none, or the JID did not fit */
    guint told_bits;
};

void rc_acl_free(rc_acl *acl)
{
    if (!acl)
        return;
    if (acl->everywhere)
        g_hash_table_unref(acl->everywhere);
    g_hash_table_unref(acl->rooms);
    g_hash_table_unref(acl->told);
    g_free(acl);
}

static rc_acl *acl_of(roomctl_bus *bus)
{
    if (!bus->acl) {
        bus->acl = g_new0(rc_acl, 1);
        bus->free_acl = rc_acl_free;
        bus->acl->rooms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify)g_hash_table_unref);
        bus->acl->told = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    }
    return bus->acl;
}

/* "Bob@Example.org/phone" -> "bob@example.org"; g_free(). */
static char *bare_lower(const char *jid)
{
    g_autofree char *bare = g_strndup(jid, strcspn(jid, "/"));
    return g_utf8_strdown(bare, -1);
}

static GHashTable *jid_set(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

/* ---- Settings -------------------------------------------------------------------- */

void roomctl_bus_set_max_item_size(roomctl_bus *bus, gsize bytes)
{
    acl_of(bus)->max_item_size = bytes;
}

static void install(roomctl_bus *bus, const char *room_jid, GHashTable *set)
{
    rc_acl *acl = acl_of(bus);
    if (!room_jid) {
        if (acl->everywhere)
            g_hash_table_unref(acl->everywhere);
        acl->everywhere = set;
    } else if (set) {
        g_hash_table_replace(acl->rooms, bare_lower(room_jid), set);
    } else {
        g_autofree char *key = bare_lower(room_jid);
        g_hash_table_remove(acl->rooms, key);
    }
}

void roomctl_bus_set_moderators(roomctl_bus *bus, const char *room_jid,
                                const char *const *jids)
{
    GHashTable *set = jids ? jid_set() : NULL;
    for (const char *const *j = jids; j && *j; j++)
        g_hash_table_add(set, bare_lower(*j));
    install(bus, room_jid, set);
}

/* TRUE when @jid is its own lookup key already: bare and lower-case (as
 * room JIDs nearly always are), so that the check of each item needs no
 * copy of it. */
static gboolean is_bare_lower(const char *jid)
{
    for (const char *c = jid; *c; c++)
        if (*c == '/' || (guchar)*c >= 0x80 || g_ascii_isupper(*c))
            return FALSE;
    return TRUE;
}

static GHashTable *moderators_of(const rc_acl *acl, const char *room_jid)
{
    if (!acl)
        return NULL;
    if (g_hash_table_size(acl->rooms) == 0)
        return acl->everywhere;
    g_autofree char *key = is_bare_lower(room_jid) ? NULL : bare_lower(room_jid);
    GHashTable *own = g_hash_table_lookup(acl->rooms, key ? key : room_jid);
    return own ? own : acl->everywhere;
}

gboolean roomctl_bus_has_moderators(const roomctl_bus *bus, const char *room_jid)
{
    return moderators_of(bus->acl, room_jid) != NULL;
}

/* ---- The check --------------------------------------------------------------------- */

/* What is logged once per room and bus: a room client need not hear it per
 * item. */
typedef enum {
    RC_TOLD_NO_LIST = 1 << 0,
    RC_TOLD_NO_PUBLISHER = 1 << 1,
} rc_told;

/* The message is only formatted the first time, and nothing is allocated
 * after it: this runs for every item received. */
static void tell_once(rc_acl *acl, const char *room_jid, rc_told what,
                      const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void tell_once(rc_acl *acl, const char *room_jid, rc_told what,
                      const char *fmt, ...)
{
    if ((acl->told_bits & what) && strcmp(acl->told_room, room_jid) == 0)
        return;
    guint told = GPOINTER_TO_UINT(g_hash_table_lookup(acl->told, room_jid));
    if (!(told & what))
        g_hash_table_replace(acl->told, g_strdup(room_jid), GUINT_TO_POINTER(told | what));
    gboolean fits = g_strlcpy(acl->told_room, room_jid, sizeof acl->told_room) <
                    sizeof acl->told_room;
    acl->told_bits = fits ? told | what : 0;
    if (!fits)
        acl->told_room[0] = '\0';
    if (told & what)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    rc_info("acl", "%s", message);
}

/* The item's size as text (names and text; markup and escaping left out),
 * counted without serializing it, and only until it passes @limit: this
 * runs for every item received.  Attribute values are not counted (listing
 * them costs libstrophe an allocation per element): roomctl keeps none but
 * the id and the publisher, which the id check and the server bound. */
static gsize stanza_size(xmpp_stanza_t *stanza, gsize limit)
{
    if (xmpp_stanza_is_text(stanza)) {
        const char *text = xmpp_stanza_get_text_ptr(stanza);
        return text ? strlen(text) : 0;
    }
    const char *name = xmpp_stanza_get_name(stanza);
    gsize size = name ? 2 * strlen(name) + 5 : 0;
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(stanza); c && size <= limit;
         c = xmpp_stanza_get_next(c))
        size += stanza_size(c, limit - size);
    return size;
}

/* The moderator list's verdict on @publisher (the item's or retraction's
 * publisher attribute, NULL when the server names none) for @what. */
static GError *check_publisher(rc_acl *acl, const char *room_jid, const char *publisher,
                               const char *what)
{
    GHashTable *moderators = moderators_of(acl, room_jid);
    if (!moderators) {
        tell_once(acl, room_jid, RC_TOLD_NO_LIST, "%s: no moderator list: items from every "
                  "publisher the server accepted are applied", room_jid);
        return NULL;
    }
    if (!publisher) {
        tell_once(acl, room_jid, RC_TOLD_NO_PUBLISHER, "%s: the server does not name the "
                  "publishers of items (Prosody: expose_publisher = true): the moderator "
                  "list cannot be checked", room_jid);
        return NULL;
    }
    g_autofree char *who = bare_lower(publisher);
    if (g_hash_table_contains(moderators, who))
        return NULL;
    /* Items keep the words tools already match. */
    if (!strcmp(what, "item"))
        return g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_NOT_MODERATOR,
                           "publisher %s is not a moderator of room %s", who, room_jid);
    return g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_NOT_MODERATOR,
                       "%s by %s, who is not a moderator of room %s", what, who, room_jid);
}

GError *rc_acl_check_item(roomctl_bus *bus, const char *room_jid, xmpp_stanza_t *it)
{
    rc_acl *acl = acl_of(bus);
    gsize limit = acl->max_item_size ? acl->max_item_size : ROOMCTL_DEFAULT_MAX_ITEM_SIZE;
    gsize size = stanza_size(it, limit);
    if (size > limit)
        return g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_TOO_LARGE,
                           "item of at least %zu bytes, over the limit of %zu bytes",
                           size, limit);

    return check_publisher(acl, room_jid, xmpp_stanza_get_attribute(it, "publisher"), "item");
}

GError *rc_acl_check_retract(roomctl_bus *bus, const char *room_jid, xmpp_stanza_t *retract)
{
    return check_publisher(acl_of(bus), room_jid, xmpp_stanza_get_attribute(retract, "publisher"),
                           "retraction");
}

const char *roomctl_drop_reason(const GError *why)
{
    if (!why || why->domain != ROOMCTL_ERROR)
        return "other";
    switch (why->code) {
    case ROOMCTL_ERR_FORGED: return "not-from-service";
    case ROOMCTL_ERR_NOT_MODERATOR: return "not-a-moderator";
    case ROOMCTL_ERR_TOO_LARGE: return "too-large";
    case ROOMCTL_ERR_INVALID_ITEM: return "invalid";
    case ROOMCTL_ERR_UNKNOWN_TYPE: return "unknown-type";
    default: return "other";
    }
}

/* ---- Learning the moderators from the server ------------------------------------- */

typedef struct {
    roomctl_bus *bus;
    char *room;
    roomctl_done_fn done;
    void *user_data;
    GHashTable *found;      /* lower-case bare JIDs */
    gboolean node_read;     /* the node's affiliations were readable */
    GError *node_error;
} rc_learn;

static void learn_done(rc_learn *l, const GError *error)
{
    if (l->done)
        l->done(l->bus, error, l->user_data);
    g_hash_table_unref(l->found);
    g_clear_error(&l->node_error);
    g_free(l->room);
    g_free(l);
}

static void learn_finish(rc_learn *l, const GError *muc_error)
{
    g_autoptr(GError) error = NULL;
    if (l->node_read || !muc_error) {
        rc_info("acl", "%s: %u moderators (from the %s)", l->room,
                g_hash_table_size(l->found),
                l->node_read && !muc_error ? "node's affiliations and the MUC room's lists"
                : l->node_read ? "node's affiliations" : "MUC room's owner and admin lists");
        install(l->bus, l->room, g_hash_table_ref(l->found));
    } else {
        error = g_error_new(ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED,
                            "cannot learn the moderators of room %s: account %s may read "
                            "neither the node's affiliations (%s) nor the MUC room's owner "
                            "and admin lists (%s)", l->room, l->bus->bare_jid,
                            l->node_error->message, muc_error->message);
    }
    learn_done(l, error);
}

static void on_muc_lists(roomctl_bus *bus, GHashTable *lists, const GError *error, void *data)
{
    rc_learn *l = data;
    GHashTableIter iter;
    gpointer jid;
    if (lists) {
        g_hash_table_iter_init(&iter, lists);
        while (g_hash_table_iter_next(&iter, &jid, NULL))
            g_hash_table_add(l->found, g_strdup(jid));
    }
    learn_finish(l, error);
}

static void on_node_affiliations(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error,
                                 void *data)
{
    static const rc_muc_affiliation wanted[] = { RC_MUC_OWNER, RC_MUC_ADMIN, RC_MUC_NONE };
    rc_learn *l = data;
    /* No connection: nothing more to ask now. */
    if (g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONNECTION) ||
        g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_TIMEOUT)) {
        learn_done(l, error);
        return;
    }
    xmpp_stanza_t *list = reply ? rc_pubsub_answer(reply, RC_NS_PUBSUB_OWNER, "affiliations")
                                : NULL;
    l->node_read = reply != NULL;
    if (!reply)
        l->node_error = g_error_copy(error);
    for (xmpp_stanza_t *a = list ? xmpp_stanza_get_children(list) : NULL; a;
         a = xmpp_stanza_get_next(a)) {
        const char *jid = xmpp_stanza_get_attribute(a, "jid");
        roomctl_affiliation affiliation =
            rc_affiliation_from_name(xmpp_stanza_get_attribute(a, "affiliation"));
        if (jid && affiliation >= ROOMCTL_AFFILIATION_MODERATOR)
            g_hash_table_add(l->found, bare_lower(jid));
    }
    rc_muc_get_lists(bus, l->room, wanted, on_muc_lists, l);
}

void roomctl_bus_learn_moderators(roomctl_bus *bus, const char *room_jid, roomctl_done_fn done,
                                  void *user_data)
{
    rc_learn *l = g_new0(rc_learn, 1);
    l->bus = bus;
    l->room = g_strndup(room_jid, strcspn(room_jid, "/"));
    l->done = done;
    l->user_data = user_data;
    l->found = jid_set();
    g_autofree char *node = roomctl_room_node_name(room_jid);
    rc_bus_request(bus, rc_pubsub_get_affiliations(rc_bus_ctx(bus), bus->pubsub_service, node),
                   RC_OP_SHOW, l->room, NULL, on_node_affiliations, l);
}

gboolean roomctl_bus_learn_moderators_sync(roomctl_bus *bus, const char *room_jid,
                                           GError **error)
{
    GError *failed = NULL;
    rc_wait *wait = rc_wait_new();
    roomctl_bus_learn_moderators(bus, room_jid, rc_wait_done, wait);
    rc_wait_run(wait, bus, 2 * bus->timeout_ms + 1000, &failed);
    if (failed)
        g_propagate_error(error, failed);
    return failed == NULL;
}

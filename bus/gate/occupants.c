/* Occupants of one MUC room, keyed by nickname and by real full JID.  The
 * gate is one of them: the service sends it everyone's presence first and
 * its own (status 110) last, so once that arrives the table is whole. */
#include "occupants.h"

#include <string.h>

typedef struct {
    char *nick;
    char *real_jid;    /* lower case; NULL when the room hides it */
    char *role;
    char *affiliation;
} occupant;

struct rc_occupants {
    GHashTable *by_nick;  /* nick -> occupant (owns) */
    GHashTable *by_jid;   /* real JID -> occupant */
};

static void occupant_free(gpointer data)
{
    occupant *o = data;
    g_free(o->nick);
    g_free(o->real_jid);
    g_free(o->role);
    g_free(o->affiliation);
    g_free(o);
}

rc_occupants *rc_occupants_new(void)
{
    rc_occupants *occupants = g_new0(rc_occupants, 1);
    occupants->by_nick = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, occupant_free);
    occupants->by_jid = g_hash_table_new(g_str_hash, g_str_equal);
    return occupants;
}

void rc_occupants_free(rc_occupants *occupants)
{
    if (!occupants)
        return;
    g_hash_table_destroy(occupants->by_jid);
    g_hash_table_destroy(occupants->by_nick);
    g_free(occupants);
}

void rc_occupants_clear(rc_occupants *occupants)
{
    g_hash_table_remove_all(occupants->by_jid);
    g_hash_table_remove_all(occupants->by_nick);
}

guint rc_occupants_count(const rc_occupants *occupants)
{
    return g_hash_table_size(occupants->by_nick);
}

static void forget(rc_occupants *occupants, const char *nick)
{
    occupant *o = g_hash_table_lookup(occupants->by_nick, nick);
    if (!o)
        return;
    if (o->real_jid && g_hash_table_lookup(occupants->by_jid, o->real_jid) == o)
        g_hash_table_remove(occupants->by_jid, o->real_jid);
    g_hash_table_remove(occupants->by_nick, nick);
}

static gboolean has_status(xmpp_stanza_t *x, const char *code)
{
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(x); c; c = xmpp_stanza_get_next(c))
        if (!g_strcmp0(xmpp_stanza_get_name(c), "status") &&
            !g_strcmp0(xmpp_stanza_get_attribute(c, "code"), code))
            return TRUE;
    return FALSE;
}

rc_presence_kind rc_occupants_update(rc_occupants *occupants, xmpp_stanza_t *presence)
{
    const char *type = xmpp_stanza_get_type(presence);
    if (!g_strcmp0(type, "error"))
        return RC_PRESENCE_ERROR;
    const char *from = xmpp_stanza_get_from(presence);
    const char *slash = from ? strchr(from, '/') : NULL;
    xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(presence, "x", RC_NS_MUC_USER);
    xmpp_stanza_t *item = x ? xmpp_stanza_get_child_by_name(x, "item") : NULL;
    if (!slash || !slash[1] || !item)
        return RC_PRESENCE_IGNORED;
    const char *nick = slash + 1;
    gboolean self = has_status(x, "110");
    forget(occupants, nick);
    if (!g_strcmp0(type, "unavailable"))
        return self ? RC_PRESENCE_SELF_GONE : RC_PRESENCE_UPDATED;
    occupant *o = g_new0(occupant, 1);
    o->nick = g_strdup(nick);
    const char *jid = xmpp_stanza_get_attribute(item, "jid");
    o->real_jid = jid ? g_utf8_strdown(jid, -1) : NULL;
    o->role = g_strdup(xmpp_stanza_get_attribute(item, "role") ?: "none");
    o->affiliation = g_strdup(xmpp_stanza_get_attribute(item, "affiliation") ?: "none");
    g_hash_table_insert(occupants->by_nick, o->nick, o);
    if (o->real_jid)
        g_hash_table_replace(occupants->by_jid, o->real_jid, o);
    return self ? RC_PRESENCE_SELF : RC_PRESENCE_UPDATED;
}

gboolean rc_occupants_allowed(const rc_occupants *occupants, const char *full_jid,
                              rc_allow allow, const char **role, const char **affiliation)
{
    g_autofree char *key = full_jid ? g_utf8_strdown(full_jid, -1) : NULL;
    const occupant *o = key ? g_hash_table_lookup(occupants->by_jid, key) : NULL;
    if (role)
        *role = o ? o->role : "none";
    if (affiliation)
        *affiliation = o ? o->affiliation : "none";
    if (!o)
        return FALSE;
    switch (allow) {
    case RC_ALLOW_AFFILIATION_OWNER:
        return !strcmp(o->affiliation, "owner");
    case RC_ALLOW_AFFILIATION_ADMIN:
        return !strcmp(o->affiliation, "owner") || !strcmp(o->affiliation, "admin");
    default:
        return !strcmp(o->role, "moderator");
    }
}

const char *rc_allow_name(rc_allow allow)
{
    switch (allow) {
    case RC_ALLOW_AFFILIATION_OWNER: return "affiliation: owner";
    case RC_ALLOW_AFFILIATION_ADMIN: return "affiliation: admin";
    default: return "role: moderator";
    }
}

/* `room sync`: the PubSub node's affiliations follow the MUC room's. */
#include "bus_private.h"

#include <string.h>

#include "log.h"
#include "muc_admin.h"

static void change_free(gpointer data)
{
    roomctl_affiliation_change *change = data;
    g_free(change->jid);
    g_free(change);
}

static gint by_jid(gconstpointer a, gconstpointer b)
{
    const roomctl_affiliation_change *x = *(roomctl_affiliation_change *const *)a;
    const roomctl_affiliation_change *y = *(roomctl_affiliation_change *const *)b;
    return strcmp(x->jid, y->jid);
}

static gboolean members_only(const roomctl_room_info *info)
{
    for (guint i = 0; i < info->config->len; i++)
        if (g_str_equal(g_ptr_array_index(info->config, i), "pubsub#access_model=whitelist"))
            return TRUE;
    return FALSE;
}

/* What @jid should be on the node, given its MUC affiliation. */
static roomctl_affiliation wanted(rc_muc_affiliation muc, gboolean whitelist)
{
    if (muc >= RC_MUC_ADMIN)
        return ROOMCTL_AFFILIATION_MODERATOR;
    if (muc == RC_MUC_MEMBER && whitelist)
        return ROOMCTL_AFFILIATION_MEMBER;
    return ROOMCTL_AFFILIATION_NONE;
}

GPtrArray *roomctl_bus_room_sync_sync(roomctl_bus *bus, const char *room_jid, GError **error)
{
    static const rc_muc_affiliation lists[] = {
        RC_MUC_OWNER, RC_MUC_ADMIN, RC_MUC_MEMBER, RC_MUC_NONE
    };
    g_autoptr(GHashTable) muc = rc_muc_get_lists_sync(bus, room_jid, lists, error);
    if (!muc)
        return NULL;
    roomctl_room_info *info = roomctl_bus_room_show_sync(bus, room_jid, error);
    if (!info)
        return NULL;
    gboolean whitelist = members_only(info);

    /* Every JID either side knows, lower case, with its node affiliation. */
    g_autoptr(GHashTable) node = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, info->affiliations);
    while (g_hash_table_iter_next(&iter, &key, &value))
        g_hash_table_replace(node, g_utf8_strdown(key, -1), value);
    g_hash_table_iter_init(&iter, muc);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        if (!g_hash_table_contains(node, key))
            g_hash_table_insert(node, g_strdup(key), GINT_TO_POINTER(ROOMCTL_AFFILIATION_NONE));
    roomctl_room_info_free(info);

    GPtrArray *changes = g_ptr_array_new_with_free_func(change_free);
    g_hash_table_iter_init(&iter, node);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        roomctl_affiliation before = GPOINTER_TO_INT(value);
        rc_muc_affiliation in_muc = GPOINTER_TO_INT(g_hash_table_lookup(muc, key));
        roomctl_affiliation after = wanted(in_muc, whitelist);
        /* The node's owners run it: sync never takes that away. */
        if (before == ROOMCTL_AFFILIATION_OWNER || before == after)
            continue;
        roomctl_affiliation_change *change = g_new(roomctl_affiliation_change, 1);
        *change = (roomctl_affiliation_change){ g_strdup(key), before, after };
        g_ptr_array_add(changes, change);
    }
    g_ptr_array_sort(changes, by_jid);

    for (guint i = 0; i < changes->len; i++) {
        roomctl_affiliation_change *change = g_ptr_array_index(changes, i);
        GError *failed = NULL;
        if (!roomctl_bus_room_grant_sync(bus, room_jid, change->jid, change->after, &failed)) {
            g_propagate_prefixed_error(error, failed, "%u of %u changes made; %s: ", i,
                                       changes->len, change->jid);
            g_ptr_array_unref(changes);
            return NULL;
        }
        rc_info("sync", "%s: %s: %s -> %s", room_jid, change->jid,
                rc_affiliation_name(change->before), rc_affiliation_name(change->after));
    }
    return changes;
}

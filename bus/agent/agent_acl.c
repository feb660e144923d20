/* roomctl-agent's access control: its configured moderator lists, those learnt
 * from the server, and the drops it counts by reason. */
#include "agent_acl.h"
#include "agent_log.h"

/* The words of roomctl_drop_reason(), in the order the counters print. */
static const char *const reasons[] = {
    "not-from-service", "not-a-moderator", "too-large", "invalid", "unknown-type", "other",
};

typedef enum { ROOM_WAITING, ROOM_ASKING, ROOM_JOINED } room_phase;

typedef struct {
    rc_agent_acl *acl;
    char *jid;
    room_phase phase;
    rc_agent_join_fn join;
    void *user_data;
} acl_room;

struct rc_agent_acl {
    roomctl_bus *bus;                  /* the agent's */
    const rc_agent_config *config;     /* the agent's */
    GPtrArray *rooms;                  /* acl_room * waiting for their moderators */
    gboolean stopped;
    guint64 drops[G_N_ELEMENTS(reasons)];
};

static void room_free(gpointer data)
{
    acl_room *r = data;
    g_free(r->jid);
    g_free(r);
}

/* A NULL-terminated view of @list's strings (owned by the list). */
static const char **strv_of(GPtrArray *list)
{
    const char **v = g_new0(const char *, list->len + 1);
    for (guint i = 0; i < list->len; i++)
        v[i] = list->pdata[i];
    return v;
}

rc_agent_acl *rc_agent_acl_new(roomctl_bus *bus, const rc_agent_config *config)
{
    rc_agent_acl *acl = g_new0(rc_agent_acl, 1);
    acl->bus = bus;
    acl->config = config;
    acl->rooms = g_ptr_array_new_with_free_func(room_free);
    roomctl_bus_set_max_item_size(bus, config->max_item_size);
    if (config->moderators) {
        g_autofree const char **v = strv_of(config->moderators);
        roomctl_bus_set_moderators(bus, NULL, v);
    }
    if (config->gate) {
        /* The gate is every room's one publisher (issue 12). */
        const char *only[] = { config->gate, NULL };
        roomctl_bus_set_moderators(bus, NULL, only);
        rc_agent_log(ROOMCTL_LOG_INFO, "items and retractions are applied only when the server "
                     "names %s as their publisher", config->gate);
    }
    GHashTableIter iter;
    gpointer room, list;
    g_hash_table_iter_init(&iter, config->room_moderators);
    while (g_hash_table_iter_next(&iter, &room, &list)) {
        g_autofree const char **v = strv_of(list);
        roomctl_bus_set_moderators(bus, room, v);
    }
    return acl;
}

void rc_agent_acl_stop(rc_agent_acl *acl)
{
    acl->stopped = TRUE;
}

void rc_agent_acl_free(rc_agent_acl *acl)
{
    if (!acl)
        return;
    /* Freed after the bus, which answered every question still asked. */
    g_ptr_array_unref(acl->rooms);
    g_free(acl);
}

/* ---- Rooms waiting for their moderators ---------------------------------- */

static void join(acl_room *r)
{
    r->phase = ROOM_JOINED;
    r->join(r->jid, r->user_data);
}

static void on_learned(roomctl_bus *bus, const GError *error, void *data)
{
    acl_room *r = data;
    rc_agent_acl *acl = r->acl;
    if (acl->stopped)
        return;
    if (g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONNECTION) ||
        g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_TIMEOUT)) {
        r->phase = ROOM_WAITING; /* ask again on the next connection */
        return;
    }
    if (error)
        rc_agent_log(ROOMCTL_LOG_WARNING, "%s: publisher checks are off: %s gives no "
                     "moderators for it and %s", r->jid, acl->config->file, error->message);
    else
        rc_agent_log(ROOMCTL_LOG_INFO, "%s: moderators learnt from the server", r->jid);
    join(r);
}

void rc_agent_acl_when_ready(rc_agent_acl *acl, const char *room_jid, rc_agent_join_fn join_fn,
                             void *user_data)
{
    acl_room *r = g_new0(acl_room, 1);
    r->acl = acl;
    r->jid = g_strdup(room_jid);
    r->join = join_fn;
    r->user_data = user_data;
    g_ptr_array_add(acl->rooms, r);
    if (roomctl_bus_has_moderators(acl->bus, room_jid))
        join(r);
    else if (roomctl_bus_is_connected(acl->bus))
        rc_agent_acl_connected(acl);
}

void rc_agent_acl_connected(rc_agent_acl *acl)
{
    for (guint i = 0; i < acl->rooms->len; i++) {
        acl_room *r = acl->rooms->pdata[i];
        if (r->phase != ROOM_WAITING)
            continue;
        r->phase = ROOM_ASKING;
        roomctl_bus_learn_moderators(acl->bus, r->jid, on_learned, r);
    }
}

/* ---- Drops ------------------------------------------------------------------ */

void rc_agent_acl_dropped(rc_agent_acl *acl, const char *room_jid, const char *item_id,
                          const GError *why)
{
    const char *reason = roomctl_drop_reason(why);
    gsize at = G_N_ELEMENTS(reasons) - 1;
    for (gsize i = 0; i < G_N_ELEMENTS(reasons); i++)
        if (g_str_equal(reasons[i], reason))
            at = i;
    acl->drops[at]++;
    rc_agent_log(ROOMCTL_LOG_WARNING, "%s: ignored item %s (%s): %s", room_jid,
                 item_id ? item_id : "(no id)", reasons[at],
                 why ? why->message : "no reason given");
}

guint64 rc_agent_acl_drops(const rc_agent_acl *acl)
{
    guint64 total = 0;
    for (gsize i = 0; i < G_N_ELEMENTS(reasons); i++)
        total += acl->drops[i];
    return total;
}

void rc_agent_acl_describe(const rc_agent_acl *acl, GString *out)
{
    g_string_append(out, "drops by reason:");
    for (gsize i = 0; i < G_N_ELEMENTS(reasons); i++)
        g_string_append_printf(out, "%s %s %" G_GUINT64_FORMAT, i ? "," : "", reasons[i],
                               acl->drops[i]);
    g_string_append_c(out, '\n');
}

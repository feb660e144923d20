/* roomctl doctor: probe a server for what roomctl relies on (see
 * roomctl/doctor.h).  Each probe is one question to the server, asked in
 * turn; the answers become ✓/✗ lines with their meaning. */
#include "bus_private.h"

#include <stdarg.h>
#include <string.h>

#include <roomctl/doctor.h>

#include "disco.h"
#include "gate_proto.h"

#define NS_PUBSUB_FEATURE "http://jabber.org/protocol/pubsub#"

static void probe_free(gpointer data)
{
    roomctl_probe *p = data;
    g_free(p->name);
    g_free(p->meaning);
    g_free(p);
}

static void G_GNUC_PRINTF(5, 6)
add(GPtrArray *probes, const char *name, gboolean ok, gboolean needed, const char *fmt, ...)
{
    roomctl_probe *p = g_new0(roomctl_probe, 1);
    p->name = g_strdup(name);
    p->ok = ok;
    p->needed = needed;
    va_list ap;
    va_start(ap, fmt);
    p->meaning = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_ptr_array_add(probes, p);
}

gboolean roomctl_probes_ok(const GPtrArray *probes)
{
    for (guint i = 0; i < probes->len; i++) {
        const roomctl_probe *p = g_ptr_array_index(probes, i);
        if (p->needed && !p->ok)
            return FALSE;
    }
    return TRUE;
}

static void release_stanza(gpointer stanza)
{
    xmpp_stanza_release(stanza);
}

static void on_answer(roomctl_bus *bus, xmpp_stanza_t *reply, const GError *error, void *wait)
{
    rc_wait_finish(wait, error, reply ? xmpp_stanza_copy(reply) : NULL, release_stanza);
}

/* Send @iq to @to and wait for its answer (release it), or NULL. */
static xmpp_stanza_t *ask(roomctl_bus *bus, xmpp_stanza_t *iq, const char *to, GError **error)
{
    rc_wait *wait = rc_wait_new();
    rc_bus_request(bus, iq, RC_OP_FETCH, to, NULL, on_answer, wait);
    return rc_wait_run(wait, bus, bus->timeout_ms + 1000, error);
}

static xmpp_stanza_t *pubsub_info(roomctl_bus *bus, const char *jid)
{
    xmpp_stanza_t *info = ask(bus, rc_disco_info_request(rc_bus_ctx(bus), jid), jid, NULL);
    if (info && !rc_disco_has_identity(info, "pubsub", "service")) {
        xmpp_stanza_release(info);
        return NULL;
    }
    return info;
}

/* The server's PubSub service: listed by disco#items of the domain, or the
 * configured one if it answers as one.  Its disco#info in @info_out. */
static char *find_service(roomctl_bus *bus, const char *domain, xmpp_stanza_t **info_out)
{
    xmpp_stanza_t *items = ask(bus, rc_disco_items_request(rc_bus_ctx(bus), domain), domain,
                               NULL);
    g_autoptr(GPtrArray) jids = rc_disco_item_jids(items);
    if (items)
        xmpp_stanza_release(items);
    for (guint i = 0; i < jids->len; i++)
        if ((*info_out = pubsub_info(bus, jids->pdata[i])))
            return g_strdup(jids->pdata[i]);
    if ((*info_out = pubsub_info(bus, bus->pubsub_service)))
        return g_strdup(bus->pubsub_service);
    return NULL;
}

static const struct {
    const char *feature, *name;
    gboolean needed;
    const char *yes, *no;
} features[] = {
    { "persistent-items", "persistent items", TRUE,
      "items stay on the node: a client joining late gets the room's state",
      "items are not kept: clients joining late would get no state" },
    { "publish", "publish", TRUE, "moderators can publish items", "items cannot be published" },
    { "retract-items", "retract notifications", TRUE,
      "a retracted key reaches clients, who reset it", "`roomctl retract` will not work" },
    { "purge-nodes", "purge notifications", TRUE,
      "a purge reaches clients, who reset everything", "`roomctl purge` will not work" },
    { "config-node", "node configuration", TRUE,
      "`roomctl room create` can configure the room's node",
      "`roomctl room create` cannot set the node's configuration" },
    { "publisher-affiliation", "publisher affiliation", TRUE,
      "moderators publish as the node's publishers (`roomctl room grant`)",
      "only node owners could publish" },
    { "publish-options", "publish-options", FALSE,
      "offered (roomctl does not need it today)", "not offered (roomctl does not need it)" },
};

static void probe_features(GPtrArray *probes, xmpp_stanza_t *info)
{
    for (gsize i = 0; i < G_N_ELEMENTS(features); i++) {
        g_autofree char *var = g_strconcat(NS_PUBSUB_FEATURE, features[i].feature, NULL);
        gboolean ok = rc_disco_has_feature(info, var);
        add(probes, features[i].name, ok, features[i].needed, "%s",
            ok ? features[i].yes : features[i].no);
    }
}

/* "var=value" of @config, or NULL. */
static const char *config_value(const roomctl_room_info *info, const char *var)
{
    gsize len = strlen(var);
    for (guint i = 0; i < info->config->len; i++) {
        const char *line = g_ptr_array_index(info->config, i);
        if (strncmp(line, var, len) == 0 && line[len] == '=')
            return line + len + 1;
    }
    return NULL;
}

static gboolean same_value(const char *got, const char *want)
{
    if (g_str_equal(got, want))
        return TRUE;
    /* Booleans come back as 1/0 or true/false. */
    return (g_str_equal(want, "1") && g_str_equal(got, "true")) ||
           (g_str_equal(want, "0") && g_str_equal(got, "false"));
}

/* What `room create` sets, where the server's form has the field. */
static const char *const wanted_config[][2] = {
    { "pubsub#publish_model", "publishers" }, { "pubsub#persist_items", "1" },
    { "pubsub#notify_retract", "1" },         { "pubsub#notify_delete", "1" },
    { "pubsub#deliver_payloads", "1" },       { "pubsub#send_last_published_item", "never" },
    { "pubsub#itemreply", "publisher" },
};

static void probe_node_config(GPtrArray *probes, const char *room, const roomctl_room_info *info)
{
    GString *differs = g_string_new(NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(wanted_config); i++) {
        const char *got = config_value(info, wanted_config[i][0]);
        if (got && !same_value(got, wanted_config[i][1]))
            g_string_append_printf(differs, "%s%s=%s (want %s)", differs->len ? ", " : "",
                                   wanted_config[i][0], got, wanted_config[i][1]);
    }
    if (differs->len)
        add(probes, "room node configuration", FALSE, TRUE,
            "differs from what `roomctl room create` sets: %s; run `roomctl room create %s` "
            "again", differs->str, room);
    else
        add(probes, "room node configuration", TRUE, TRUE,
            "as `roomctl room create` sets it (max_items %s)",
            config_value(info, "pubsub#max_items") ? config_value(info, "pubsub#max_items")
                                                   : "not shown");
    g_string_free(differs, TRUE);

    const char *size = config_value(info, "pubsub#max_payload_size");
    if (size)
        add(probes, "item size limit", TRUE, FALSE,
            "items up to %s bytes (pubsub#max_payload_size); larger ones are refused", size);
    else
        add(probes, "item size limit", TRUE, FALSE,
            "not announced by the server (Prosody closes the stream on a stanza over its "
            "c2s_stanza_size_limit, 256 KiB by default)");
}

/* Whether items name their publisher: the node says (itemreply) or the
 * items show it (Prosody's expose_publisher). */
static void probe_publishers(GPtrArray *probes, roomctl_bus *bus, const char *room,
                             const roomctl_room_info *info)
{
    const char *itemreply = info ? config_value(info, "pubsub#itemreply") : NULL;
    if (itemreply) {
        gboolean ok = g_str_equal(itemreply, "publisher");
        add(probes, "publishers named", ok, FALSE, "%s",
            ok ? "items carry their publisher (pubsub#itemreply): agents check it"
               : "pubsub#itemreply is not 'publisher': agents cannot check who published; "
                 "run `roomctl room create` again");
        return;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) items = roomctl_bus_fetch_items_sync(bus, room, NULL, &error);
    if (!items) {
        add(probes, "publishers named", FALSE, FALSE, "cannot read the room's items: %s",
            error->message);
        return;
    }
    for (guint i = 0; i < items->len; i++)
        if (roomctl_item_publisher(g_ptr_array_index(items, i))) {
            add(probes, "publishers named", TRUE, FALSE,
                "items carry their publisher: agents check it");
            return;
        }
    add(probes, "publishers named", FALSE, FALSE, "%s",
        items->len ? "items do not name their publisher (Prosody: expose_publisher = true): "
                     "agents' publisher checks are off"
                   : "unknown: the room has no items yet");
}

static void probe_room(GPtrArray *probes, roomctl_bus *bus, const char *room)
{
    g_autoptr(GError) error = NULL;
    roomctl_room_info *info = roomctl_bus_room_show_sync(bus, room, &error);
    if (!info && g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_ALLOWED)) {
        /* Prosody checks rights before existence: is there a node at all? */
        g_autoptr(GError) missing = NULL;
        g_autoptr(GPtrArray) items = roomctl_bus_fetch_items_sync(bus, room, NULL, &missing);
        if (g_error_matches(missing, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND)) {
            g_clear_error(&error);
            error = g_steal_pointer(&missing);
        }
    }
    if (!info && g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_NOT_FOUND)) {
        add(probes, "room node", FALSE, TRUE, "%s", error->message);
        return;
    }
    if (info)
        probe_node_config(probes, room, info);
    else
        add(probes, "room node configuration", FALSE, FALSE,
            "not readable by this account (the node's owner can): %s", error->message);
    probe_publishers(probes, bus, room, info);
    roomctl_room_info_free(info);
}

GPtrArray *roomctl_bus_doctor_sync(roomctl_bus *bus, const char *room_jid, char **service_out,
                                   GError **error)
{
    if (service_out)
        *service_out = NULL;
    if (!roomctl_bus_is_connected(bus)) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONNECTION, "the bus is not connected");
        return NULL;
    }
    GPtrArray *probes = g_ptr_array_new_with_free_func(probe_free);
    const char *at = strchr(bus->bare_jid, '@');
    const char *domain = at ? at + 1 : bus->bare_jid;
    xmpp_stanza_t *info = NULL;
    g_autofree char *service = find_service(bus, domain, &info);
    if (!service)
        add(probes, "PubSub service", FALSE, TRUE,
            "no PubSub service found by service discovery of %s, and %s is none", domain,
            bus->pubsub_service);
    else if (!g_str_equal(service, bus->pubsub_service))
        add(probes, "PubSub service", FALSE, TRUE,
            "the server's PubSub service is %s, but roomctl uses %s: pass --pubsub %s "
            "(ROOMCTL_PUBSUB; agents: server.pubsub_service)", service, bus->pubsub_service,
            service);
    else
        add(probes, "PubSub service", TRUE, TRUE, "%s, found by service discovery", service);
    if (info) {
        probe_features(probes, info);
        xmpp_stanza_release(info);
    }
    gboolean sm = rc_conn_sm_offered(bus->conn);
    add(probes, "stream management (XEP-0198)", sm, FALSE, "%s",
        sm ? "offered: a client that reconnects resumes its session without refetching"
           : "not offered: a client that reconnects fetches its rooms again (works, costs "
             "more)");
    if (room_jid && service && g_str_equal(service, bus->pubsub_service))
        probe_room(probes, bus, room_jid);
    if (service_out)
        *service_out = g_steal_pointer(&service);
    return probes;
}

void roomctl_bus_doctor_gate_sync(roomctl_bus *bus, const char *gate_jid, GPtrArray *probes)
{
    g_return_if_fail(bus && gate_jid && probes);
    g_autoptr(GError) error = NULL;
    xmpp_stanza_t *info = ask(bus, rc_disco_info_request(rc_bus_ctx(bus), gate_jid), gate_jid,
                              &error);
    if (!info)
        add(probes, "gate", FALSE, TRUE, "%s does not answer: %s (is roomctl-gate running, "
            "and does the server know the component?)", gate_jid, error->message);
    else if (!rc_disco_has_feature(info, RC_NS_GATE))
        add(probes, "gate", FALSE, TRUE, "%s answers, but is not a roomctl-gate (no %s "
            "feature)", gate_jid, RC_NS_GATE);
    else
        add(probes, "gate", TRUE, TRUE, "%s answers as roomctl-gate: moderators' requests go "
            "through it", gate_jid);
    if (info)
        xmpp_stanza_release(info);
}

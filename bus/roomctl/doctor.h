/* roomctl doctor: what a server offers of what roomctl relies on. */
#ifndef ROOMCTL_DOCTOR_H
#define ROOMCTL_DOCTOR_H

#include <roomctl/bus.h>

G_BEGIN_DECLS

/* One probe's outcome. */
typedef struct roomctl_probe {
    char *name;       /* "PubSub service", "persistent items", … */
    gboolean ok;
    /* roomctl needs it: a failed needed probe means something will not work. */
    gboolean needed;
    char *meaning;    /* what the outcome means for roomctl, one sentence */
} roomctl_probe;

/*
 * Probe the server @bus is connected to, and when @room_jid is
 * not NULL that room's node: the PubSub service (found by service
 * discovery and compared with the bus's), its features (persistent items,
 * retract and purge notifications, node configuration, publish-options…),
 * XEP-0198, and the node's configuration as `room create` sets it,
 * publishers named, the item size limit.  Returns the probes in order
 * (roomctl_probe *; free with g_ptr_array_unref()), or NULL with @error
 * when the server could not be asked at all.  Reading a node's
 * configuration needs its owner; for anyone else that probe says so.
 * @service_out (may be NULL) receives the discovered PubSub service, or
 * NULL when none was found (g_free()).
 */
ROOMCTL_API
GPtrArray *roomctl_bus_doctor_sync(roomctl_bus *bus, const char *room_jid, char **service_out,
                                   GError **error);

/* (issue 14, additive) Append to @probes (from roomctl_bus_doctor_sync())
 * whether @gate_jid answers as a roomctl-gate (service discovery names
 * urn:roomctl:gate:0); a needed probe, since publishing goes through it. */
ROOMCTL_API
void roomctl_bus_doctor_gate_sync(roomctl_bus *bus, const char *gate_jid, GPtrArray *probes);

/* TRUE when every needed probe of @probes passed. */
ROOMCTL_API
gboolean roomctl_probes_ok(const GPtrArray *probes);

G_END_DECLS

#endif

/* The gate path of the moderator's commands. */
#include "cli_gate.h"

#include <string.h>

#include "codec.h"
#include "gate_client.h"
#include "muc_admin.h"

/* A nickname of our own: the moderator's chat client may be in the room
 * under their usual one. */
char *rc_cli_gate_nick(rc_cli_conn *conn)
{
    const char *jid = roomctl_bus_jid(conn->bus);
    return g_strdup_printf("%.*s-roomctl-%04x", (int)strcspn(jid, "@/"), jid,
                           g_random_int_range(0, 0x10000));
}

gboolean rc_cli_room_ensure(rc_cli_conn *conn, const char *room, const char *gate,
                            gboolean *created, GError **error)
{
    if (!conn->bus && !rc_cli_conn_connect(conn, error))
        return FALSE;
    g_autofree char *nick = rc_cli_gate_nick(conn);
    gboolean made = FALSE;
    if (!rc_muc_join_sync(conn->bus, room, nick, NULL, &made, error))
        return FALSE;
    gboolean ok = (!made || rc_muc_configure_instant_sync(conn->bus, room, error)) &&
                  (!gate || rc_muc_set_affiliation_sync(conn->bus, room, gate, RC_MUC_ADMIN,
                                                        error));
    rc_muc_leave(conn->bus, room, nick);
    if (created)
        *created = made;
    return ok;
}

gboolean rc_cli_gate_request(rc_cli_conn *conn, const char *gate, rc_gate_op op,
                             const char *room, const roomctl_item *item, const char *item_id,
                             char **done_id, GError **error)
{
    if (!conn->bus && !rc_cli_conn_connect(conn, error))
        return FALSE;
    g_autofree char *nick = rc_cli_gate_nick(conn);
    if (!rc_muc_join_sync(conn->bus, room, nick, NULL, NULL, error))
        return FALSE;
    xmpp_stanza_t *control = item ? rc_item_encode_stanza(item, rc_bus_ctx(conn->bus)) : NULL;
    gboolean ok = rc_gate_send_sync(conn->bus, gate, op, room, control, item_id, done_id, error);
    if (control)
        xmpp_stanza_release(control);
    rc_muc_leave(conn->bus, room, nick);
    return ok;
}

/* The test server, Prosody or ejabberd (see server.h). */
#include "server.h"

#include "ejabberd.h"
#include "harness_util.h"
#include "prosody.h"

#include <string.h>
#include <gio/gio.h>

struct rc_server {
    rc_server_kind kind;
    rc_prosody *prosody;
    rc_ejabberd *ejabberd;
    char *cafile;
};

gboolean rc_server_kind_from_env(rc_server_kind *kind, GError **error)
{
    const char *name = g_getenv("ROOMCTL_TEST_SERVER");
    if (!name || !*name || strcmp(name, "prosody") == 0) {
        *kind = RC_SERVER_PROSODY;
        return TRUE;
    }
    if (strcmp(name, "ejabberd") == 0) {
        *kind = RC_SERVER_EJABBERD;
        return TRUE;
    }
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "ROOMCTL_TEST_SERVER=%s: expected prosody or ejabberd (a test program runs "
                "against one server; meson test runs every registration)", name);
    return FALSE;
}

rc_server *rc_server_start(const rc_server_options *options, GError **error)
{
    static const rc_server_options defaults = { 0 };
    if (!options)
        options = &defaults;
    rc_server *server = g_new0(rc_server, 1);
    server->kind = options->kind;
    if (server->kind == RC_SERVER_FROM_ENV && !rc_server_kind_from_env(&server->kind, error)) {
        g_free(server);
        return NULL;
    }
    if (server->kind == RC_SERVER_EJABBERD && options->websocket) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    "the ejabberd harness serves no WebSocket listener (use Prosody)");
        g_free(server);
        return NULL;
    }
    if (server->kind == RC_SERVER_EJABBERD) {
        rc_ejabberd_options e = {
            .dir = options->dir, .keep = options->keep, .tls = options->tls,
            .pubsub_admins = options->pubsub_admins,
            .pubsub_max_items = options->pubsub_max_items,
            .component_secret = options->component_secret,
        };
        if (!(server->ejabberd = rc_ejabberd_start(&e, error))) {
            g_free(server);
            return NULL;
        }
        server->cafile = g_strdup(rc_ejabberd_cafile(server->ejabberd));
        return server;
    }
    rc_prosody_options p = {
        .dir = options->dir, .keep = options->keep, .tls = options->tls,
        .persistent = !options->memory_store, .pubsub_admins = options->pubsub_admins,
        .pubsub_max_items = options->pubsub_max_items, .gate_secret = options->component_secret,
        .agent_accounts = options->agent_accounts, .websocket = options->websocket,
        /* Written right after the MUC component line: its option. */
        .extra_config = options->public_rooms ? "  muc_room_default_public = true\n" : NULL,
    };
    if (!(server->prosody = rc_prosody_start(&p, error))) {
        g_free(server);
        return NULL;
    }
    guint16 component_port = rc_prosody_component_port(server->prosody);
    /* Prosody opens the component port just after the client port. */
    for (int waited = 0; component_port && waited < 5000; waited += 20) {
        if (rc_harness_port_accepts(component_port))
            break;
        g_usleep(20 * 1000);
    }
    if (options->tls)
        server->cafile = g_build_filename(rc_prosody_dir(server->prosody), "certs",
                                          RC_PROSODY_DOMAIN ".crt", NULL);
    return server;
}

void rc_server_free(rc_server *server)
{
    if (!server)
        return;
    rc_prosody_free(server->prosody);
    rc_ejabberd_free(server->ejabberd);
    g_free(server->cafile);
    g_free(server);
}

gboolean rc_server_add_accounts(rc_server *server, const char *const *accounts, GError **error)
{
    return server->ejabberd ? rc_ejabberd_add_accounts(server->ejabberd, accounts, error)
                            : rc_prosody_add_accounts(server->prosody, accounts, error);
}

void rc_server_stop(rc_server *server)
{
    if (server->ejabberd)
        rc_ejabberd_stop(server->ejabberd);
    else
        rc_prosody_stop(server->prosody);
}

void rc_server_kill(rc_server *server)
{
    if (server->ejabberd)
        rc_ejabberd_kill(server->ejabberd);
    else
        rc_prosody_kill(server->prosody);
}

gboolean rc_server_restart(rc_server *server, GError **error)
{
    return server->ejabberd ? rc_ejabberd_restart(server->ejabberd, error)
                            : rc_prosody_restart(server->prosody, error);
}

rc_server_kind rc_server_get_kind(const rc_server *server) { return server->kind; }

const char *rc_server_name(const rc_server *server)
{
    return server->ejabberd ? "ejabberd" : "prosody";
}

guint16 rc_server_port(const rc_server *server)
{
    return server->ejabberd ? rc_ejabberd_port(server->ejabberd)
                            : rc_prosody_port(server->prosody);
}

guint16 rc_server_component_port(const rc_server *server)
{
    return server->ejabberd ? rc_ejabberd_component_port(server->ejabberd)
                            : rc_prosody_component_port(server->prosody);
}

const char *rc_server_dir(const rc_server *server)
{
    return server->ejabberd ? rc_ejabberd_dir(server->ejabberd)
                            : rc_prosody_dir(server->prosody);
}

const char *rc_server_cafile(const rc_server *server) { return server->cafile; }

char *rc_server_jid(const char *user) { return g_strconcat(user, "@" RC_SERVER_DOMAIN, NULL); }

struct rc_prosody *rc_server_prosody(rc_server *server) { return server->prosody; }
struct rc_ejabberd *rc_server_ejabberd(rc_server *server) { return server->ejabberd; }

void rc_server_dump_log(const rc_server *server, const char *why, guint max_lines)
{
    if (server->ejabberd)
        rc_ejabberd_dump_log(server->ejabberd, why, max_lines);
    else
        rc_prosody_dump_log(server->prosody, why, max_lines);
}

char *rc_server_write_gate_config(const rc_server *server, const char *secret,
                                  const char *rooms, const char *schema_dirs,
                                  const char *log_level)
{
    return rc_harness_write_gate_config(rc_server_dir(server), rc_server_component_port(server),
                                        secret, rooms, schema_dirs, log_level);
}

char *rc_server_websocket_url(const rc_server *server)
{
    guint16 port = server->prosody ? rc_prosody_http_port(server->prosody) : 0;
    return port ? g_strdup_printf("ws://127.0.0.1:%u/xmpp-websocket", port) : NULL;
}

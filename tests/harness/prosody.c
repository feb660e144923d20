/* A throwaway Prosody for integration tests (see prosody.h). */
#define _GNU_SOURCE
#include "prosody.h"

#include "harness_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#define START_TIMEOUT_MS 15000
#define STOP_TIMEOUT_MS 5000
#define POLL_MS 20

struct rc_prosody {
    char *dir;
    char *config_path;
    char *log_path;
    guint16 port;
    guint16 component_port; /* the gate's, or 0 */
    guint16 http_port; /* 0: no WebSocket endpoint */
    GPid pid;          /* 0 when not running */
    gboolean keep;
};

/* Servers not yet freed, so that an early exit still stops them. */
static GList *live_servers;
static gboolean atexit_done;

static void stop_all_at_exit(void)
{
    while (live_servers)
        rc_prosody_free(live_servers->data);
}

static char *lua_string_list(const char *const *users)
{
    GString *out = g_string_new("{ ");
    for (gsize i = 0; users && users[i]; i++)
        g_string_append_printf(out, "\"%s@" RC_PROSODY_DOMAIN "\"; ", users[i]);
    g_string_append(out, "}");
    return g_string_free(out, FALSE);
}

/* A self-signed certificate for the VirtualHost; the config line using it. */
static char *make_certificate(const char *certs, GError **error)
{
    g_autofree char *crt = g_build_filename(certs, RC_PROSODY_DOMAIN ".crt", NULL);
    g_autofree char *key = g_build_filename(certs, RC_PROSODY_DOMAIN ".key", NULL);
    if (!rc_harness_make_certificate(crt, key, error))
        return NULL;
    return g_strdup_printf("  ssl = { certificate = \"%s\"; key = \"%s\" }\n", crt, key);
}

/* The shipped rules (RC_AGENT_FIREWALL) with the agents' list in the
 * server's folder, and the configuration line that loads them; NULL without
 * agents, or with @error. */
static char *agent_firewall(rc_prosody *server, const char *const *agents, GError **error)
{
    if (!agents)
        return NULL;
    g_autofree char *rules = NULL;
    if (!g_file_get_contents(RC_AGENT_FIREWALL, &rules, NULL, error))
        return NULL;
    GString *list = g_string_new(NULL);
    for (const char *const *a = agents; *a; a++)
        g_string_append_printf(list, "%s@" RC_PROSODY_DOMAIN "\n", *a);
    g_autofree char *list_path = g_build_filename(server->dir, "roomctl-agents.txt", NULL);
    g_autofree char *rules_path = g_build_filename(server->dir, "roomctl-agents.pfw", NULL);
    g_autofree char *list_ref = g_strconcat("file:", list_path, NULL);
    g_auto(GStrv) parts = g_strsplit(rules, "file:/etc/prosody/roomctl-agents.txt", -1);
    g_autofree char *ours = g_strjoinv(list_ref, parts);
    gboolean ok = g_file_set_contents(list_path, list->str, (gssize)list->len, error) &&
                  g_file_set_contents(rules_path, ours, -1, error);
    g_string_free(list, TRUE);
    return ok ? g_strdup_printf("firewall_scripts = { \"%s\" }\n", rules_path) : NULL;
}

static gboolean write_config(rc_prosody *server, const rc_prosody_options *options,
                             GError **error)
{
    g_autofree char *data = g_build_filename(server->dir, "data", NULL);
    g_autofree char *certs = g_build_filename(server->dir, "certs", NULL);
    g_autofree char *pidfile = g_build_filename(server->dir, "prosody.pid", NULL);
    g_autofree char *users = lua_string_list(options->pubsub_admins);
    /* The gate: a component on its own port (a global option, so written
     * before any host), administering PubSub. */
    g_autofree char *admins = options->gate_secret
        ? g_strdup_printf("%.*s\"" RC_PROSODY_GATE "\"; }", (int)strlen(users) - 1, users)
        : g_strdup(users);
    g_autofree char *gate_ports = options->gate_secret
        ? g_strdup_printf("component_ports = { %u }\ncomponent_interfaces = { \"127.0.0.1\" }\n",
                          server->component_port)
        : g_strdup("");
    g_autofree char *gate = options->gate_secret
        ? g_strdup_printf("Component \"" RC_PROSODY_GATE "\"\n  component_secret = \"%s\"\n",
                          options->gate_secret)
        : g_strdup("");
    if (g_mkdir_with_parents(data, 0700) != 0 || g_mkdir_with_parents(certs, 0700) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot create %s: %s", data, g_strerror(errno));
        return FALSE;
    }
    g_autofree char *ssl = NULL;
    if (options->tls && !(ssl = make_certificate(certs, error)))
        return FALSE;
    g_autofree char *firewall = agent_firewall(server, options->agent_accounts, error);
    if (options->agent_accounts && !firewall)
        return FALSE;
    /* Browsers log in over WebSocket; loopback counts as secure, as c2s does here. */
    g_autofree char *http = server->http_port
        ? g_strdup_printf("http_ports = { %u }\nhttp_interfaces = { \"127.0.0.1\" }\n"
                          "http_default_host = \"" RC_PROSODY_DOMAIN "\"\n"
                          "consider_websocket_secure = true\n", server->http_port)
        : g_strdup("http_ports = { }\n");
    const char *level = g_getenv("RC_PROSODY_DEBUG") ? "debug" : "info";
    const char *storage = options->persistent
        ? "storage = \"internal\"\n"
        : "storage = { pubsub_data = \"memory\"; pubsub_nodes = \"memory\" }\n";
    g_autofree char *config = g_strdup_printf(
        "-- written by the roomctl test harness\n"
        "run_as_root = true\n"
        "pidfile = \"%s\"\n"
        "data_path = \"%s\"\n"
        "certificates = \"%s\"\n"
        "interfaces = { \"127.0.0.1\" }\n"
        "c2s_ports = { %u }\n"
        "s2s_ports = { }\n"
        "%s"
        "https_ports = { }\n"
        "c2s_require_encryption = false\n"
        "allow_unencrypted_plain_auth = true\n"
        "authentication = \"internal_plain\"\n"
        "log = { { levels = { min = \"%s\" }, to = \"file\", filename = \"%s\" } }\n"
        "modules_enabled = { \"roster\"; \"saslauth\"; %s%s\"disco\"; \"ping\"; \"smacks\"; \"posix\"%s }\n"
        "modules_disabled = { \"s2s\" }\n"
        "pubsub_max_items = %u\n"
        "%s"
        "%s%s"
        "VirtualHost \"" RC_PROSODY_DOMAIN "\"\n"
        "%s"
        "Component \"" RC_PROSODY_PUBSUB "\" \"pubsub\"\n"
        "  admins = %s\n"
        "  expose_publisher = true\n"
        "Component \"" RC_PROSODY_MUC "\" \"muc\"\n"
        "%s%s",
        pidfile, data, certs, server->port, http, level, server->log_path,
        ssl ? "\"tls\"; " : "", server->http_port ? "\"websocket\"; " : "",
        firewall ? "; \"firewall\"" : "",
        options->pubsub_max_items ? options->pubsub_max_items : 256, firewall ? firewall : "",
        storage, gate_ports,
        ssl ? ssl : "", admins, options->extra_config ? options->extra_config : "", gate);
    return g_file_set_contents(server->config_path, config, -1, error);
}

static void child_setup(gpointer unused)
{
    /* Die with the test process, whatever way it ends. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean reap(rc_prosody *server, guint wait_ms)
{
    for (guint waited = 0;; waited += POLL_MS) {
        int status;
        pid_t r = waitpid(server->pid, &status, WNOHANG);
        if (r == server->pid || (r < 0 && errno == ECHILD)) {
            server->pid = 0;
            return TRUE;
        }
        if (waited >= wait_ms)
            return FALSE;
        g_usleep(POLL_MS * 1000);
    }
}

static char *log_tail(const rc_prosody *server, guint max_lines)
{
    return rc_harness_file_tail(server->log_path, max_lines);
}

static gboolean spawn(rc_prosody *server, GError **error)
{
    g_autofree char *out_path = g_build_filename(server->dir, "stdout.log", NULL);
    int out = g_open(out_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (out < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot open %s: %s", out_path, g_strerror(errno));
        return FALSE;
    }
    /* -F: stay in the foreground. */
    const char *argv[] = { "prosody", "-F", "--config", server->config_path, NULL };
    gboolean ok = g_spawn_async_with_fds(server->dir, (char **)argv, NULL,
                                         G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                         child_setup, NULL, &server->pid, -1, out, out, error);
    close(out);
    if (!ok)
        return FALSE;
    for (guint waited = 0; waited < START_TIMEOUT_MS; waited += POLL_MS) {
        if (rc_harness_port_accepts(server->port) &&
            (!server->http_port || rc_harness_port_accepts(server->http_port)))
            return TRUE;
        if (reap(server, 0)) {
            g_autofree char *tail = log_tail(server, 20);
            g_autofree char *stdout_text = NULL;
            g_file_get_contents(out_path, &stdout_text, NULL, NULL);
            g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                        "prosody exited while starting; output:\n%s\nlog:\n%s",
                        stdout_text ? stdout_text : "", tail);
            return FALSE;
        }
        g_usleep(POLL_MS * 1000);
    }
    g_autofree char *tail = log_tail(server, 20);
    rc_prosody_kill(server);
    g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                "prosody did not open port %u within %d ms; log:\n%s",
                server->port, START_TIMEOUT_MS, tail);
    return FALSE;
}

rc_prosody *rc_prosody_start(const rc_prosody_options *options, GError **error)
{
    static const rc_prosody_options defaults = { 0 };
    if (!options)
        options = &defaults;
    if (!atexit_done) {
        atexit(stop_all_at_exit);
        atexit_done = TRUE;
    }
    rc_prosody *server = g_new0(rc_prosody, 1);
    server->keep = options->keep;
    if (options->dir) {
        server->dir = g_strdup(options->dir);
        g_mkdir_with_parents(server->dir, 0700);
    } else if (!(server->dir = g_dir_make_tmp("rc-prosody-XXXXXX", error))) {
        g_free(server);
        return NULL;
    }
    live_servers = g_list_prepend(live_servers, server);
    server->config_path = g_build_filename(server->dir, "prosody.cfg.lua", NULL);
    server->log_path = g_build_filename(server->dir, "prosody.log", NULL);
    /* Another process may take the free port before Prosody binds it: retry. */
    for (int attempt = 0; attempt < 3; attempt++) {
        g_clear_error(error);
        if (!(server->port = rc_harness_free_port(error)) ||
            (options->gate_secret && !(server->component_port = rc_harness_free_port(error))) ||
            (options->websocket && !(server->http_port = rc_harness_free_port(error))) ||
            !write_config(server, options, error))
            break;
        if (spawn(server, error))
            return server;
    }
    rc_prosody_free(server);
    return NULL;
}

gboolean rc_prosody_add_account(rc_prosody *server, const char *user, const char *password,
                                GError **error)
{
    const char *argv[] = { "prosodyctl", "--root", "--config", server->config_path,
                           "register", user, RC_PROSODY_DOMAIN, password, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = 0;
    if (!g_spawn_sync(server->dir, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                      &out, &err, &status, error))
        return FALSE;
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                    "prosodyctl register %s failed: %s%s", user, out, err);
        return FALSE;
    }
    return TRUE;
}

gboolean rc_prosody_add_accounts(rc_prosody *server, const char *const *accounts,
                                 GError **error)
{
    for (gsize i = 0; accounts && accounts[i]; i++) {
        g_auto(GStrv) parts = g_strsplit(accounts[i], ":", 2);
        if (!parts[0] || !parts[1]) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "account '%s': expected USER:PASSWORD", accounts[i]);
            return FALSE;
        }
        if (!rc_prosody_add_account(server, parts[0], parts[1], error))
            return FALSE;
    }
    return TRUE;
}

void rc_prosody_stop(rc_prosody *server)
{
    if (!server->pid)
        return;
    kill(server->pid, SIGTERM);
    if (!reap(server, STOP_TIMEOUT_MS))
        rc_prosody_kill(server);
}

void rc_prosody_kill(rc_prosody *server)
{
    if (!server->pid)
        return;
    kill(server->pid, SIGKILL);
    reap(server, STOP_TIMEOUT_MS);
}

gboolean rc_prosody_restart(rc_prosody *server, GError **error)
{
    rc_prosody_stop(server);
    return spawn(server, error);
}

gboolean rc_prosody_is_running(const rc_prosody *server) { return server->pid != 0; }
guint16 rc_prosody_port(const rc_prosody *server) { return server->port; }
guint16 rc_prosody_component_port(const rc_prosody *server) { return server->component_port; }
guint16 rc_prosody_http_port(const rc_prosody *server) { return server->http_port; }
const char *rc_prosody_dir(const rc_prosody *server) { return server->dir; }

char *rc_prosody_jid(const char *user)
{
    return g_strconcat(user, "@" RC_PROSODY_DOMAIN, NULL);
}

char *rc_prosody_log(const rc_prosody *server)
{
    char *text = NULL;
    if (!g_file_get_contents(server->log_path, &text, NULL, NULL))
        return g_strdup("");
    return text;
}

void rc_prosody_dump_log(const rc_prosody *server, const char *why, guint max_lines)
{
    g_autofree char *tail = log_tail(server, max_lines);
    fprintf(stderr, "---- prosody log (%s), %s ----\n%s\n---- end of prosody log ----\n",
            why ? why : "on request", server->log_path, tail);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static void rm_rf(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void rc_prosody_free(rc_prosody *server)
{
    if (!server)
        return;
    rc_prosody_stop(server);
    live_servers = g_list_remove(live_servers, server);
    if (!server->keep)
        rm_rf(server->dir);
    g_free(server->dir);
    g_free(server->config_path);
    g_free(server->log_path);
    g_free(server);
}

char *rc_prosody_write_gate_config(const rc_prosody *server, const char *secret,
                                   const char *rooms, const char *schema_dirs,
                                   const char *log_level)
{
    return rc_harness_write_gate_config(server->dir, server->component_port, secret, rooms,
                                        schema_dirs, log_level);
}

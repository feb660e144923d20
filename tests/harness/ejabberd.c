/* A throwaway ejabberd node for integration tests (see ejabberd.h). */
#define _GNU_SOURCE
#include "ejabberd.h"

#include "harness_util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#define START_TIMEOUT_MS 60000
#define STOP_TIMEOUT_MS 10000
#define POLL_MS 20
/* Ports for the distribution of the node and of its short-lived ejabberdctl
 * nodes (each call is one). */
#define DIST_PORTS 10

struct rc_ejabberd {
    char *dir;
    char *node;            /* rc-HEX@localhost */
    char *cookie;
    char *pid_path;        /* the node writes its OS pid there */
    char *log_path;
    char *cafile;          /* NULL without TLS */
    char *certfile;        /* the certificate and its key, for ejabberd */
    guint16 port;          /* c2s */
    guint16 component_port;
    guint16 epmd_port;
    GPid pid;              /* ejabberdctl foreground; 0 when not running */
    GPid epmd_pid;         /* 0 when sharing the joined node's epmd */
    GPid watchdog_pid;
    int watchdog_fd;       /* its stdin: when it closes, the watchdog kills the node */
    gboolean keep;
};

static GList *live_servers;
static gboolean atexit_done;

static void stop_all_at_exit(void)
{
    /* Joined nodes were started last and sit first in the list. */
    while (live_servers)
        rc_ejabberd_free(live_servers->data);
}

static void die_with_parent(gpointer unused)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static void own_session(gpointer unused)
{
    setsid();
}

static char *random_hex(guint bytes)
{
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < bytes; i++)
        g_string_append_printf(out, "%02x", g_random_int_range(0, 256));
    return g_string_free(out, FALSE);
}

static int chown_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    static uid_t uid;
    static gid_t gid;
    if (!path) { /* set the owner for the walk to come */
        uid = st->st_uid;
        gid = st->st_gid;
        return 0;
    }
    return lchown(path, uid, gid) == 0 ? 0 : -1;
}

/* ejabberdctl runs the node as the `ejabberd` user: it must own its files. */
static gboolean give_to_ejabberd(const char *dir, GError **error)
{
    struct passwd *pw = getpwnam("ejabberd");
    if (!pw) {
        g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                    "there is no `ejabberd` user: is Debian's ejabberd installed "
                    "(tests/install-deps.sh)?");
        return FALSE;
    }
    struct stat owner = { .st_uid = pw->pw_uid, .st_gid = pw->pw_gid };
    chown_entry(NULL, &owner, 0, NULL);
    if (nftw(dir, chown_entry, 16, FTW_PHYS) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot give %s to the ejabberd user: %s", dir, g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    remove(path);
    return 0;
}

static char *yaml_user_list(const char *const *users)
{
    GString *out = g_string_new("[");
    for (gsize i = 0; users && users[i]; i++)
        g_string_append_printf(out, "%s\"%s\"", i ? ", " : "", users[i]);
    g_string_append(out, "]");
    return g_string_free(out, FALSE);
}

static gboolean write_file(const rc_ejabberd *server, const char *name, const char *text,
                           GError **error)
{
    g_autofree char *path = g_build_filename(server->dir, name, NULL);
    return g_file_set_contents(path, text, -1, error);
}

/* ejabberdctl.cfg: node name, cookie, folders, epmd and distribution on
 * loopback only. */
static gboolean write_ctl_config(const rc_ejabberd *server, guint16 dist_min,
                                 guint dist_buffer_kib, GError **error)
{
    g_autofree char *zdbbl = dist_buffer_kib ? g_strdup_printf(" +zdbbl %u", dist_buffer_kib)
                                             : g_strdup("");
    g_autofree char *text = g_strdup_printf(
        "# written by the roomctl test harness\n"
        "ERLANG_NODE=%s\n"
        "ERL_OPTIONS=\"-env ERL_CRASH_DUMP_BYTES 0 -setcookie %s -start_epmd false"
        " -kernel inet_dist_use_interface {127,0,0,1}%s\"\n"
        "FIREWALL_WINDOW=%u-%u\n"
        "ERL_EPMD_ADDRESS=127.0.0.1\n"
        "export ERL_EPMD_PORT=%u\n"
        "SPOOL_DIR=%s/spool\n"
        "LOGS_DIR=%s/log\n"
        "EJABBERD_PID_PATH=%s\n"
        "EJABBERD_BYPASS_WARNINGS=true\n",
        server->node, server->cookie, zdbbl, dist_min, dist_min + DIST_PORTS - 1,
        server->epmd_port, server->dir, server->dir, server->pid_path);
    return write_file(server, "ejabberdctl.cfg", text, error) &&
           write_file(server, "inetrc",
                      "{lookup,[\"file\",\"native\"]}.\n"
                      "{host,{127,0,0,1}, [\"localhost\"]}.\n", error);
}

static gboolean write_config(const rc_ejabberd *server, const rc_ejabberd_options *options,
                             GError **error)
{
    g_autofree char *creators = yaml_user_list(options->pubsub_admins);
    gboolean restricted = options->pubsub_admins && options->pubsub_admins[0];
    g_autofree char *component = options->component_secret
        ? g_strdup_printf("  - port: %u\n"
                          "    ip: \"127.0.0.1\"\n"
                          "    module: ejabberd_service\n"
                          "    hosts:\n"
                          "      \"gate.localhost\":\n"
                          "        password: \"%s\"\n",
                          server->component_port, options->component_secret)
        : g_strdup("");
    g_autofree char *max_items = options->pubsub_max_items
        ? g_strdup_printf("    max_items_node: %u\n", options->pubsub_max_items)
        : g_strdup("");
    g_autofree char *text = g_strdup_printf(
        "# written by the roomctl test harness\n"
        "hosts: [\"" RC_EJABBERD_DOMAIN "\"]\n"
        "loglevel: %s\n"
        "log_rotate_count: 0\n"
        "hide_sensitive_log_data: false\n"
        "certfiles: [%s%s%s]\n"
        "listen:\n"
        "  - port: %u\n"
        "    ip: \"127.0.0.1\"\n"
        "    module: ejabberd_c2s\n"
        "    max_stanza_size: 262144\n"
        "    shaper: none\n"
        "    access: all\n"
        "    backlog: 128\n"
        "    starttls: %s\n"
        "    starttls_required: false\n"
        "%s"
        "auth_method: internal\n"
        "auth_password_format: plain\n"
        "acl:\n"
        "  local:\n"
        "    user_regexp: \"\"\n"
        "%s%s%s%s"
        "access_rules:\n"
        "  local:\n"
        "    allow: local\n"
        "  pubsub_createnode:\n"
        "    - allow: %s\n"
        "%s"
        "  muc_create:\n"
        "    allow: local\n"
        "api_permissions:\n"
        "  \"console commands\":\n"
        "    from: [ejabberd_ctl]\n"
        "    who: all\n"
        "    what: \"*\"\n"
        "shaper_rules:\n"
        "  max_user_sessions: 100\n"
        "modules:\n"
        "  mod_disco: {}\n"
        "  mod_ping: {}\n"
        "  mod_roster: {}\n"
        "  mod_stream_mgmt: {}\n"
        "  mod_muc:\n"
        "    host: \"" RC_EJABBERD_MUC "\"\n"
        "    access: all\n"
        "    access_create: muc_create\n"
        "    access_persistent: muc_create\n"
        "    access_admin: none\n"
        "  mod_pubsub:\n"
        "    host: \"" RC_EJABBERD_PUBSUB "\"\n"
        "    access_createnode: pubsub_createnode\n"
        "    plugins: [flat]\n"
        "%s",
        g_getenv("RC_EJABBERD_DEBUG") ? "debug" : "info",
        server->certfile ? "\"" : "", server->certfile ? server->certfile : "",
        server->certfile ? "\"" : "", server->port, server->cafile ? "true" : "false",
        component,
        restricted ? "  pubsub_creators:\n    user: " : "", restricted ? creators : "",
        restricted ? "\n" : "",
        /* The gate creates the rooms' nodes (README, "Deploying the gate"). */
        options->component_secret ? "  roomctl_gate:\n    server: \"gate.localhost\"\n" : "",
        restricted ? "pubsub_creators" : "local",
        options->component_secret ? "    - allow: roomctl_gate\n" : "", max_items);
    return write_file(server, "ejabberd.yml", text, error);
}

/* The certificate and its key in one file, as ejabberd's certfiles want. */
static gboolean make_certificate(rc_ejabberd *server, GError **error)
{
    g_autofree char *crt = g_build_filename(server->dir, "localhost.crt", NULL);
    g_autofree char *key = g_build_filename(server->dir, "localhost.key", NULL);
    g_autofree char *pem = g_build_filename(server->dir, "localhost.pem", NULL);
    g_autofree char *crt_text = NULL;
    g_autofree char *key_text = NULL;
    if (!rc_harness_make_certificate(crt, key, error) ||
        !g_file_get_contents(crt, &crt_text, NULL, error) ||
        !g_file_get_contents(key, &key_text, NULL, error))
        return FALSE;
    g_autofree char *both = g_strconcat(crt_text, key_text, NULL);
    if (!g_file_set_contents(pem, both, -1, error))
        return FALSE;
    server->cafile = g_steal_pointer(&crt);
    server->certfile = g_steal_pointer(&pem);
    return TRUE;
}

static gboolean reap(GPid *pid, guint wait_ms)
{
    for (guint waited = 0;; waited += POLL_MS) {
        int status;
        pid_t r = waitpid(*pid, &status, WNOHANG);
        if (r == *pid || (r < 0 && errno == ECHILD)) {
            *pid = 0;
            return TRUE;
        }
        if (waited >= wait_ms)
            return FALSE;
        g_usleep(POLL_MS * 1000);
    }
}

/* The node's beam process (a grandchild: ejabberdctl runs it through su). */
static pid_t beam_pid(const rc_ejabberd *server)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents(server->pid_path, &text, NULL, NULL))
        return 0;
    return (pid_t)g_ascii_strtoll(text, NULL, 10);
}

static gboolean start_epmd(rc_ejabberd *server, GError **error)
{
    g_autofree char *port = g_strdup_printf("%u", server->epmd_port);
    const char *argv[] = { "epmd", "-port", port, "-address", "127.0.0.1", NULL };
    if (!g_spawn_async(server->dir, (char **)argv, NULL,
                       G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                           G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                       die_with_parent, NULL, &server->epmd_pid, error))
        return FALSE;
    for (guint waited = 0; waited < START_TIMEOUT_MS; waited += POLL_MS) {
        if (rc_harness_port_accepts(server->epmd_port))
            return TRUE;
        g_usleep(POLL_MS * 1000);
    }
    g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "epmd did not open port %u",
                server->epmd_port);
    return FALSE;
}

/* A shell that waits for end of input, then kills the node: the test
 * process holds the other end, so the node dies with it, however it dies. */
static gboolean start_watchdog(rc_ejabberd *server, GError **error)
{
    g_autofree char *script = g_strdup_printf(
        "read _; p=$(cat '%s' 2>/dev/null) && kill -KILL \"$p\" 2>/dev/null; %s%s%s exit 0",
        server->pid_path, server->keep ? "" : "rm -rf '", server->keep ? "" : server->dir,
        server->keep ? "" : "';");
    const char *argv[] = { "sh", "-c", script, NULL };
    return g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
                                    G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, own_session,
                                    NULL, &server->watchdog_pid, &server->watchdog_fd, NULL,
                                    NULL, error);
}

static gboolean ctlv(rc_ejabberd *server, char **out, GError **error, const char *const *args)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, "ejabberdctl");
    g_ptr_array_add(argv, "--config-dir");
    g_ptr_array_add(argv, server->dir);
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, NULL);
    gboolean ok = rc_harness_run((const char *const *)argv->pdata, server->dir, out, error);
    g_ptr_array_unref(argv);
    return ok;
}

gboolean rc_ejabberd_ctl(rc_ejabberd *server, char **out, GError **error, ...)
{
    GPtrArray *args = g_ptr_array_new();
    va_list ap;
    va_start(ap, error);
    for (const char *a; (a = va_arg(ap, const char *));)
        g_ptr_array_add(args, (gpointer)a);
    va_end(ap);
    g_ptr_array_add(args, NULL);
    gboolean ok = ctlv(server, out, error, (const char *const *)args->pdata);
    g_ptr_array_unref(args);
    return ok;
}

static gboolean spawn_node(rc_ejabberd *server, GError **error)
{
    g_autofree char *out_path = g_build_filename(server->dir, "stdout.log", NULL);
    int out = g_open(out_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot open %s: %s", out_path, g_strerror(errno));
        return FALSE;
    }
    g_remove(server->pid_path);
    const char *argv[] = { "ejabberdctl", "--config-dir", server->dir, "foreground", NULL };
    gboolean ok = g_spawn_async_with_fds(server->dir, (char **)argv, NULL,
                                         G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                         own_session, NULL, &server->pid, -1, out, out, error);
    close(out);
    if (!ok)
        return FALSE;
    for (guint waited = 0; waited < START_TIMEOUT_MS; waited += POLL_MS) {
        if (rc_harness_port_accepts(server->port))
            return TRUE;
        if (reap(&server->pid, 0)) {
            g_autofree char *tail = rc_harness_file_tail(server->log_path, 20);
            g_autofree char *stdout_text = rc_harness_file_tail(out_path, 20);
            g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                        "ejabberd exited while starting; output:\n%s\nlog:\n%s", stdout_text,
                        tail);
            return FALSE;
        }
        g_usleep(POLL_MS * 1000);
    }
    g_autofree char *tail = rc_harness_file_tail(server->log_path, 20);
    rc_ejabberd_kill(server);
    g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                "ejabberd did not open port %u within %d ms; log:\n%s", server->port,
                START_TIMEOUT_MS, tail);
    return FALSE;
}

static gboolean join_cluster(rc_ejabberd *server, rc_ejabberd *first, GError **error)
{
    if (!rc_ejabberd_ctl(server, NULL, error, "join_cluster", first->node, NULL))
        return FALSE;
    /* join_cluster restarts ejabberd on this node: wait for its port again. */
    for (guint waited = 0; waited < START_TIMEOUT_MS; waited += POLL_MS) {
        g_autofree char *out = NULL;
        if (rc_harness_port_accepts(server->port) &&
            rc_ejabberd_ctl(server, &out, NULL, "list_cluster", NULL) &&
            strstr(out, first->node))
            return TRUE;
        g_usleep(200 * 1000);
    }
    g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "%s did not join %s's cluster",
                server->node, first->node);
    return FALSE;
}

static gboolean prepare(rc_ejabberd *server, const rc_ejabberd_options *options,
                        GError **error)
{
    g_autofree char *spool = g_build_filename(server->dir, "spool", NULL);
    g_autofree char *logs = g_build_filename(server->dir, "log", NULL);
    if (g_mkdir_with_parents(spool, 0700) != 0 || g_mkdir_with_parents(logs, 0700) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot create %s: %s", spool, g_strerror(errno));
        return FALSE;
    }
    guint16 dist_min;
    if (!(server->port = rc_harness_free_port(error)) ||
        (options->component_secret && !(server->component_port = rc_harness_free_port(error))) ||
        !(dist_min = rc_harness_free_port(error)))
        return FALSE;
    if (options->join) {
        server->epmd_port = options->join->epmd_port;
        server->cookie = g_strdup(options->join->cookie);
    } else {
        if (!(server->epmd_port = rc_harness_free_port(error)))
            return FALSE;
        server->cookie = random_hex(16);
    }
    if (options->tls && !make_certificate(server, error))
        return FALSE;
    guint dist_kib = options->dist_buffer_kib;
    if (!dist_kib && g_getenv("RC_EJABBERD_DIST_BUFFER_KIB"))
        dist_kib = (guint)g_ascii_strtoull(g_getenv("RC_EJABBERD_DIST_BUFFER_KIB"), NULL, 10);
    return write_ctl_config(server, dist_min, dist_kib, error) &&
           write_config(server, options, error) && give_to_ejabberd(server->dir, error);
}

rc_ejabberd *rc_ejabberd_start(const rc_ejabberd_options *options, GError **error)
{
    static const rc_ejabberd_options defaults = { 0 };
    if (!options)
        options = &defaults;
    if (!atexit_done) {
        atexit(stop_all_at_exit);
        atexit_done = TRUE;
    }
    rc_ejabberd *server = g_new0(rc_ejabberd, 1);
    server->keep = options->keep;
    server->watchdog_fd = -1;
    if (options->dir) {
        server->dir = g_strdup(options->dir);
        g_mkdir_with_parents(server->dir, 0700);
    } else if (!(server->dir = g_dir_make_tmp("rc-ejabberd-XXXXXX", error))) {
        g_free(server);
        return NULL;
    }
    live_servers = g_list_prepend(live_servers, server);
    g_autofree char *suffix = random_hex(4);
    server->node = g_strdup_printf("rc-%s@localhost", suffix);
    server->pid_path = g_build_filename(server->dir, "ejabberd.pid", NULL);
    server->log_path = g_build_filename(server->dir, "log", "ejabberd.log", NULL);
    if (prepare(server, options, error) &&
        (options->join || start_epmd(server, error)) && start_watchdog(server, error) &&
        spawn_node(server, error) && (!options->join || join_cluster(server, options->join, error)))
        return server;
    rc_ejabberd_free(server);
    return NULL;
}

gboolean rc_ejabberd_add_account(rc_ejabberd *server, const char *user, const char *password,
                                 GError **error)
{
    return rc_ejabberd_ctl(server, NULL, error, "register", user, RC_EJABBERD_DOMAIN, password,
                           NULL);
}

/* Each ejabberdctl call boots an Erlang node (about a second here): the
 * accounts are registered in parallel, a few at a time. */
#define PARALLEL_CTL 4

static gboolean finish_ctl(GSubprocess *ctl, const char *user, GError **error)
{
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    if (!g_subprocess_communicate_utf8(ctl, NULL, NULL, &out, &err, error))
        return FALSE;
    if (!g_subprocess_get_successful(ctl)) {
        g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
                    "ejabberdctl register %s failed: %s%s", user, out, err);
        return FALSE;
    }
    return TRUE;
}

gboolean rc_ejabberd_add_accounts(rc_ejabberd *server, const char *const *accounts,
                                  GError **error)
{
    GPtrArray *running = g_ptr_array_new_with_free_func(g_object_unref);
    GPtrArray *users = g_ptr_array_new_with_free_func(g_free);
    gboolean ok = TRUE;
    for (gsize i = 0; ok && accounts && accounts[i]; i++) {
        g_auto(GStrv) parts = g_strsplit(accounts[i], ":", 2);
        if (!parts[0] || !parts[1]) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "account '%s': expected USER:PASSWORD", accounts[i]);
            ok = FALSE;
            break;
        }
        const char *argv[] = { "ejabberdctl", "--config-dir", server->dir, "register",
                               parts[0], RC_EJABBERD_DOMAIN, parts[1], NULL };
        GSubprocess *ctl = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE, error);
        if (!ctl) {
            ok = FALSE;
            break;
        }
        g_ptr_array_add(running, ctl);
        g_ptr_array_add(users, g_strdup(parts[0]));
        if (running->len == PARALLEL_CTL) {
            for (guint k = 0; k < running->len; k++)
                ok = finish_ctl(running->pdata[k], users->pdata[k], ok ? error : NULL) && ok;
            g_ptr_array_set_size(running, 0);
            g_ptr_array_set_size(users, 0);
        }
    }
    for (guint k = 0; k < running->len; k++)
        ok = finish_ctl(running->pdata[k], users->pdata[k], ok ? error : NULL) && ok;
    g_ptr_array_unref(running);
    g_ptr_array_unref(users);
    return ok;
}

void rc_ejabberd_stop(rc_ejabberd *server)
{
    if (!server->pid)
        return;
    /* SIGTERM makes the Erlang VM shut down cleanly (Mnesia synced). */
    pid_t beam = beam_pid(server);
    if (beam > 0)
        kill(beam, SIGTERM);
    if (beam <= 0 || !reap(&server->pid, STOP_TIMEOUT_MS))
        rc_ejabberd_kill(server);
}

void rc_ejabberd_kill(rc_ejabberd *server)
{
    if (!server->pid)
        return;
    pid_t beam = beam_pid(server);
    if (beam > 0)
        kill(beam, SIGKILL);
    kill(-server->pid, SIGKILL);
    reap(&server->pid, STOP_TIMEOUT_MS);
}

gboolean rc_ejabberd_restart(rc_ejabberd *server, GError **error)
{
    rc_ejabberd_stop(server);
    return spawn_node(server, error);
}

void rc_ejabberd_free(rc_ejabberd *server)
{
    if (!server)
        return;
    live_servers = g_list_remove(live_servers, server);
    rc_ejabberd_stop(server);
    g_remove(server->pid_path);
    if (server->epmd_pid) {
        kill(server->epmd_pid, SIGTERM);
        reap(&server->epmd_pid, STOP_TIMEOUT_MS);
    }
    if (server->watchdog_fd >= 0)
        close(server->watchdog_fd);
    if (server->watchdog_pid)
        reap(&server->watchdog_pid, STOP_TIMEOUT_MS);
    if (!server->keep)
        nftw(server->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    g_free(server->dir);
    g_free(server->node);
    g_free(server->cookie);
    g_free(server->pid_path);
    g_free(server->log_path);
    g_free(server->cafile);
    g_free(server->certfile);
    g_free(server);
}

gboolean rc_ejabberd_is_running(const rc_ejabberd *server) { return server->pid != 0; }
guint16 rc_ejabberd_port(const rc_ejabberd *server) { return server->port; }
guint16 rc_ejabberd_component_port(const rc_ejabberd *server) { return server->component_port; }
const char *rc_ejabberd_dir(const rc_ejabberd *server) { return server->dir; }
const char *rc_ejabberd_node(const rc_ejabberd *server) { return server->node; }
const char *rc_ejabberd_cafile(const rc_ejabberd *server) { return server->cafile; }

char *rc_ejabberd_log(const rc_ejabberd *server)
{
    return rc_harness_file_tail(server->log_path, 0);
}

void rc_ejabberd_dump_log(const rc_ejabberd *server, const char *why, guint max_lines)
{
    g_autofree char *tail = rc_harness_file_tail(server->log_path, max_lines);
    fprintf(stderr, "---- ejabberd %s log (%s), last %u lines: %s ----\n%s\n---- end ----\n",
            server->node, server->dir, max_lines, why, tail);
}

/* What the test servers' backends share (see harness_util.h). */
#include "harness_util.h"

#include <glib/gstdio.h>
#include <sys/stat.h>
#include <glib-unix.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

gboolean rc_harness_port_accepts(guint16 port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return FALSE;
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    gboolean ok = connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0;
    close(fd);
    return ok;
}

guint16 rc_harness_free_port(GError **error)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = 0 };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "cannot find a free port on 127.0.0.1: %s", g_strerror(errno));
        if (fd >= 0)
            close(fd);
        return 0;
    }
    close(fd);
    return ntohs(addr.sin_port);
}

gboolean rc_harness_run(const char *const *argv, const char *cwd, char **out, GError **error)
{
    g_autofree char *stdout_text = NULL;
    g_autofree char *stderr_text = NULL;
    int status = 0;
    if (!g_spawn_sync(cwd, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &stdout_text,
                      &stderr_text, &status, error))
        return FALSE;
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_autofree char *command = g_strjoinv(" ", (char **)argv);
        g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "%s failed: %s%s", command,
                    stdout_text, stderr_text);
        return FALSE;
    }
    if (out)
        *out = g_steal_pointer(&stdout_text);
    return TRUE;
}

gboolean rc_harness_make_certificate(const char *crt, const char *key, GError **error)
{
    const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-subj", "/CN=localhost", "-days", "2",
                           "-addext", "subjectAltName=DNS:localhost,DNS:*.localhost",
                           "-keyout", key, "-out", crt, NULL };
    return rc_harness_run(argv, NULL, NULL, error);
}

char *rc_harness_file_tail(const char *path, guint max_lines)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return g_strdup("");
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    guint n = g_strv_length(lines);
    guint first = (max_lines && n > max_lines) ? n - max_lines : 0;
    return g_strjoinv("\n", lines + first);
}

char *rc_harness_write_gate_config(const char *dir, guint16 component_port, const char *secret,
                                   const char *rooms, const char *schema_dirs,
                                   const char *log_level)
{
    g_autofree char *secret_file = g_build_filename(dir, "gate.secret", NULL);
    char *config = g_build_filename(dir, "gate.yaml", NULL);
    g_file_set_contents(secret_file, secret, -1, NULL);
    g_chmod(secret_file, 0600);
    g_autofree char *yaml = g_strdup_printf(
        "account: {jid: gate.localhost, password_file: %s}\n"
        "server: {host: 127.0.0.1, port: %u, pubsub_service: pubsub.localhost, "
        "local_test_server: true}\nrooms: %s\nschema_dirs: %s\nlog_level: %s\n",
        secret_file, component_port, rooms, schema_dirs, log_level);
    g_file_set_contents(config, yaml, -1, NULL);
    return config;
}

static gboolean quit(gpointer loop)
{
    g_main_loop_quit(loop);
    return G_SOURCE_REMOVE;
}

static gboolean stdin_ready(gint fd, GIOCondition condition, gpointer loop)
{
    char buf[256];
    if (read(fd, buf, sizeof buf) > 0)
        return G_SOURCE_CONTINUE;
    g_main_loop_quit(loop);
    return G_SOURCE_REMOVE;
}

static gboolean stdin_is_pipe(void)
{
    struct stat st;
    return fstat(STDIN_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

void rc_harness_run_until_stopped(void)
{
    GMainLoop *loop = g_main_loop_new(NULL, FALSE);
    g_unix_signal_add(SIGTERM, quit, loop);
    g_unix_signal_add(SIGINT, quit, loop);
    if (stdin_is_pipe())
        g_unix_fd_add(STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_ready, loop);
    g_main_loop_run(loop);
    g_main_loop_unref(loop);
}

/* The test servers themselves (tests/harness/server.h), on every server:
 * the gate's component port accepts the component with its secret (and
 * refuses a wrong one), and a server whose test process dies without
 * cleaning up (SIGKILL) does not outlive it. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "harness_util.h"
#include "server.h"

/* Read from @fd until @needle arrives or 10 s pass; the text read. */
static char *read_until(int fd, const char *needle)
{
    GString *in = g_string_new(NULL);
    gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!strstr(in->str, needle) && g_get_monotonic_time() < end) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        char buf[1024];
        ssize_t n = poll(&p, 1, 100) > 0 ? read(fd, buf, sizeof buf) : 0;
        if (n < 0 || (n == 0 && p.revents))
            break;
        g_string_append_len(in, buf, n);
    }
    return g_string_free(in, FALSE);
}

/* The XEP-0114 handshake as "gate.localhost" with @secret, byte by byte
 * (libstrophe 0.12.2's component connection crashes in its parser here);
 * TRUE when the server answers <handshake/>. */
static gboolean component_connects(guint16 port, const char *secret)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    const char *open = "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' "
                       "xmlns:stream='http://etherx.jabber.org/streams' to='" RC_SERVER_GATE "'>";
    assert_true(write(fd, open, strlen(open)) == (ssize_t)strlen(open));
    g_autofree char *header = read_until(fd, ">");
    const char *id = strstr(header, " id=");
    if (!id) {
        close(fd);
        fail_msg("no stream id from the component port: %s", header);
    }
    char quote = id[4];
    g_autofree char *stream_id = g_strndup(id + 5, strcspn(id + 5, quote == '"' ? "\"" : "'"));
    g_autofree char *joined = g_strconcat(stream_id, secret, NULL);
    g_autofree char *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA1, joined, -1);
    g_autofree char *handshake = g_strdup_printf("<handshake>%s</handshake>", digest);
    assert_true(write(fd, handshake, strlen(handshake)) == (ssize_t)strlen(handshake));
    g_autofree char *answer = read_until(fd, "handshake");
    close(fd);
    return strstr(answer, "<handshake") != NULL;
}

static void test_component_port(void **state)
{
    g_autoptr(GError) error = NULL;
    rc_server_options options = { .component_secret = "s3cret-gate" };
    rc_server *server = rc_server_start(&options, &error);
    if (!server)
        fail_msg("%s", error->message);
    guint16 port = rc_server_component_port(server);
    assert_int_not_equal(port, 0);
    assert_true(component_connects(port, "s3cret-gate"));
    assert_false(component_connects(port, "wrong"));
    rc_server_free(server);
}

/* A child process starts a server, says where, and dies by SIGKILL. */
static void test_server_dies_with_its_test(void **state)
{
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        close(pipefd[0]);
        GError *error = NULL;
        rc_server *server = rc_server_start(NULL, &error);
        char line[4096] = "0\n";
        if (server)
            g_snprintf(line, sizeof line, "%u %s\n", rc_server_port(server),
                       rc_server_dir(server));
        if (write(pipefd[1], line, strlen(line)) < 0)
            _exit(2);
        pause(); /* until killed */
        _exit(0);
    }
    close(pipefd[1]);
    char line[4096] = { 0 };
    gsize got = 0;
    for (ssize_t n; got < sizeof line - 1 && (n = read(pipefd[0], line + got, 1)) > 0;)
        if (line[got++] == '\n')
            break;
    close(pipefd[0]);
    guint16 port = (guint16)g_ascii_strtoull(line, NULL, 10);
    assert_int_not_equal(port, 0);
    assert_true(rc_harness_port_accepts(port));
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    gboolean gone = FALSE;
    for (int i = 0; i < 100 && !gone; i++) {
        gone = !rc_harness_port_accepts(port);
        if (!gone)
            g_usleep(100 * 1000);
    }
    if (!gone)
        fail_msg("the server on port %u outlived its test process by 10 s", port);
    /* Its folder: ejabberd's watchdog removes it; Prosody's stays. */
    const char *dir = strchr(line, ' ');
    g_autofree char *path = dir ? g_strstrip(g_strdup(dir + 1)) : NULL;
    if (path && g_str_has_prefix(path, g_get_tmp_dir()) && strstr(path, "/rc-")) {
        const char *argv[] = { "rm", "-rf", path, NULL };
        g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     NULL, NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_component_port),
        cmocka_unit_test(test_server_dies_with_its_test),
    };
    return cmocka_run_group_tests_name("test servers", tests, NULL, NULL);
}

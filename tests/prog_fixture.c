#include "prog_fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <glib/gstdio.h>

static const char *env_path(const char *name)
{
    const char *value = g_getenv(name);
    if (!value || !*value)
        fail_msg("%s is not set: run this test through meson test", name);
    return value;
}

prog_server *prog_server_start_with(rc_server_options *options, const char *const *accounts)
{
    prog_server *server = g_new0(prog_server, 1);
    server->dir = g_dir_make_tmp("rc-c2-XXXXXX", NULL);
    assert_non_null(server->dir);
    server->domain = RC_SERVER_DOMAIN;
    server->pubsub = RC_SERVER_PUBSUB;
    server->muc = RC_SERVER_MUC;
    server->agents = g_ptr_array_new();
    static const char *const admins[] = { PROG_OWNER, NULL };
    options->pubsub_admins = admins;
    GError *error = NULL;
    server->xmpp = rc_server_start(options, &error);
    if (!server->xmpp)
        fail_msg("cannot start the test server: %s", error->message);
    server->port = rc_server_port(server->xmpp);
    server->cafile = rc_server_cafile(server->xmpp);
    GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(list, g_strdup_printf("%s:pw-%s", PROG_OWNER, PROG_OWNER));
    g_ptr_array_add(list, g_strdup_printf("%s:pw-%s", PROG_MODERATOR, PROG_MODERATOR));
    for (const char *const *a = accounts; a && *a; a++)
        g_ptr_array_add(list, g_strdup_printf("%s:pw-%s", *a, *a));
    g_ptr_array_add(list, NULL);
    if (!rc_server_add_accounts(server->xmpp, (const char *const *)list->pdata, &error))
        fail_msg("cannot create the test accounts: %s", error->message);
    g_ptr_array_unref(list);
    return server;
}

prog_server *prog_server_start(const char *const *accounts)
{
    rc_server_options options = { .tls = TRUE };
    return prog_server_start_with(&options, accounts);
}

static void remove_tree(const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);
    for (const char *entry; dir && (entry = g_dir_read_name(dir));) {
        char *child = g_build_filename(path, entry, NULL);
        if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
            remove_tree(child);
        else
            g_remove(child);
        g_free(child);
    }
    if (dir)
        g_dir_close(dir);
    g_rmdir(path);
}

/* Wait for @pid up to @seconds; its wait status, or -1 when it still runs. */
static int wait_pid(GPid pid, double seconds)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);
    do {
        int status = 0;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r < 0)
            return -1;
        g_usleep(20000);
    } while (g_get_monotonic_time() < deadline);
    return -1;
}

static gboolean agent_terminate(prog_agent *agent);

void prog_server_stop(prog_server *server)
{
    if (!server)
        return;
    while (server->agents->len)
        agent_terminate(server->agents->pdata[0]);
    g_ptr_array_unref(server->agents);
    rc_server_free(server->xmpp);
    if (!g_getenv("RC_TEST_KEEP"))
        remove_tree(server->dir);
    g_free(server->dir);
    g_free(server);
}

void prog_fail(const prog_server *server, const char *message)
{
    GDir *dir = g_dir_open(server->dir, 0, NULL);
    for (const char *entry; dir && (entry = g_dir_read_name(dir));) {
        if (!g_str_has_suffix(entry, ".log"))
            continue;
        char *path = g_build_filename(server->dir, entry, NULL);
        char *text = NULL;
        if (g_file_get_contents(path, &text, NULL, NULL))
            fprintf(stderr, "---- %s ----\n%s", entry, text);
        g_free(text);
        g_free(path);
    }
    if (dir)
        g_dir_close(dir);
    rc_server_dump_log(server->xmpp, "the test failed", 40);
    fail_msg("%s", message);
    abort(); /* fail_msg does not return */
}

char *prog_jid(const prog_server *server, const char *name)
{
    return g_strdup_printf("%s@%s", name, server->domain);
}

char *prog_room(const prog_server *server, const char *name)
{
    return g_strdup_printf("%s@%s", name, server->muc);
}

char *prog_password_file(const prog_server *server, const char *name)
{
    char *path = g_strdup_printf("%s/%s.pw", server->dir, name);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        char *password = g_strdup_printf("pw-%s\n", name);
        assert_true(g_file_set_contents(path, password, -1, NULL));
        assert_int_equal(g_chmod(path, 0600), 0);
        g_free(password);
    }
    return path;
}

/* The environment `roomctl` (and the embed example) read the account from. */
static char **account_environ(const prog_server *server, const char *account)
{
    char **envp = g_get_environ();
    char *jid = prog_jid(server, account);
    char *password_file = prog_password_file(server, account);
    char *password = g_strdup_printf("pw-%s", account);
    char *port = g_strdup_printf("%d", server->port);
    envp = g_environ_setenv(envp, "ROOMCTL_JID", jid, TRUE);
    envp = g_environ_setenv(envp, "ROOMCTL_PASSWORD_FILE", password_file, TRUE);
    envp = g_environ_setenv(envp, "ROOMCTL_PASSWORD", password, TRUE);
    envp = g_environ_setenv(envp, "ROOMCTL_HOST", "127.0.0.1", TRUE);
    envp = g_environ_setenv(envp, "ROOMCTL_PORT", port, TRUE);
    envp = g_environ_setenv(envp, "ROOMCTL_PUBSUB", server->pubsub, TRUE);
    envp = g_environ_setenv(envp, "ROOMCTL_ALLOW_PLAINTEXT", "1", TRUE);
    if (server->cafile)
        envp = g_environ_setenv(envp, "ROOMCTL_CAFILE", server->cafile, TRUE);
    envp = g_environ_setenv(envp, "ROOMCTL_SCHEMA_PATH", env_path("RC_SCHEMA_DIR"), TRUE);
    envp = g_environ_setenv(envp, "LC_ALL", "C", TRUE);
    g_free(jid);
    g_free(password_file);
    g_free(password);
    g_free(port);
    return envp;
}

int prog_roomctl(const prog_server *server, const char *account, char **out, char **err, ...)
{
    GPtrArray *args = g_ptr_array_new();
    va_list ap;
    va_start(ap, err);
    for (const char *arg; (arg = va_arg(ap, const char *));)
        g_ptr_array_add(args, (gpointer)arg);
    va_end(ap);
    g_ptr_array_add(args, NULL);
    int status = prog_roomctlv(server, account, out, err, (const char *const *)args->pdata);
    g_ptr_array_unref(args);
    return status;
}

int prog_roomctlv(const prog_server *server, const char *account, char **out, char **err,
                const char *const *args)
{
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)env_path("ROOMCTL_BIN"));
    for (const char *const *arg = args; *arg; arg++)
        g_ptr_array_add(argv, (gpointer)*arg);
    g_ptr_array_add(argv, NULL);

    char **envp = account_environ(server, account);
    char *o = NULL, *e = NULL;
    int status = 0;
    GError *error = NULL;
    if (!g_spawn_sync(NULL, (char **)argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &o, &e,
                      &status, &error))
        fail_msg("cannot run roomctl: %s", error->message);
    if (g_getenv("RC_TEST_VERBOSE"))
        fprintf(stderr, "$ roomctl %s … -> %d\n%s%s", (char *)argv->pdata[1],
                WIFEXITED(status) ? WEXITSTATUS(status) : -1, o, e);
    if (out)
        *out = o;
    else
        g_free(o);
    if (err)
        *err = e;
    else
        g_free(e);
    g_strfreev(envp);
    g_ptr_array_unref(argv);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* In the child: whatever way the test process ends, the child goes too. */
static void die_with_parent(gpointer unused)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
}

/* Start @argv with stdout and stderr to @log (created afresh). */
static GPid spawn_logged(const char *const *argv, char **envp, const char *log)
{
    int log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(log_fd >= 0);
    GPid pid = 0;
    GError *error = NULL;
    if (!g_spawn_async_with_pipes_and_fds(NULL, argv, (const char *const *)envp,
                                          G_SPAWN_DO_NOT_REAP_CHILD, die_with_parent, NULL, -1,
                                          log_fd, log_fd, NULL, NULL, 0, &pid, NULL, NULL, NULL,
                                          &error))
        fail_msg("cannot start %s: %s", argv[0], error->message);
    close(log_fd);
    return pid;
}

GPid prog_spawn(const prog_server *server, const char *account, const char *log,
              const char *const *argv)
{
    char **envp = account_environ(server, account);
    GPid pid = spawn_logged(argv, envp, log);
    g_strfreev(envp);
    return pid;
}

int prog_interrupt(GPid pid)
{
    kill(pid, SIGINT);
    int status = wait_pid(pid, 10);
    if (status == -1) {
        kill(pid, SIGKILL);
        wait_pid(pid, 5);
    }
    g_spawn_close_pid(pid);
    return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *agent_file(const prog_server *server, const char *name, const char *suffix)
{
    return g_strdup_printf("%s/%s.%s", server->dir, name, suffix);
}

prog_agent *prog_agent_start(prog_server *server, const char *name, const char *const *rooms)
{
    return prog_agent_start_with(server, name, rooms, NULL);
}

prog_agent *prog_agent_start_with(prog_server *server, const char *name, const char *const *rooms,
                              const char *extra_yaml)
{
    prog_agent *agent = g_new0(prog_agent, 1);
    agent->server = server;
    agent->name = g_strdup(name);
    agent->config = agent_file(server, name, "yaml");
    agent->log = agent_file(server, name, "log");
    agent->ui_file = agent_file(server, name, "ui.json");
    agent->audit_file = agent_file(server, name, "audit.jsonl");
    agent->chat_file = agent_file(server, name, "chat.json");
    g_autofree char *journal = agent_file(server, name, "journal");
    /* Files of an earlier agent of the same name start afresh. */
    const char *files[] = { agent->log, agent->ui_file, agent->audit_file, agent->chat_file,
                            journal };
    for (gsize i = 0; i < G_N_ELEMENTS(files); i++)
        g_remove(files[i]);
    char *password_file = prog_password_file(server, name);
    GString *yaml = g_string_new(NULL);
    g_string_append_printf(yaml,
        "# written by tests/prog_fixture.c\n"
        "account:\n  jid: %s@%s/agent\n  password_file: %s\n"
        "server:\n  host: 127.0.0.1\n  port: %d\n  pubsub_service: %s\n"
        "  allow_plaintext: true\n%s%s%s"
        "rooms:\n",
        name, server->domain, password_file,
        server->agent_port ? server->agent_port : server->port, server->pubsub,
        server->cafile ? "  tls_ca_file: " : "", server->cafile ? server->cafile : "",
        server->cafile ? "\n" : "");
    for (const char *const *room = rooms; *room; room++)
        g_string_append_printf(yaml, "  - %s\n", *room);
    g_string_append_printf(yaml,
        "schema_dirs: [%s]\nplugin_dirs: [%s]\n"
        "plugins:\n"
        "  - name: ui-state\n    config: {file: %s}\n"
        "  - name: audit\n    config: {file: %s}\n"
        "chat_state_file: %s\nstate_file: %s\nlog_level: debug\n",
        env_path("RC_SCHEMA_DIR"), env_path("RC_PLUGIN_DIR"), agent->ui_file,
        agent->audit_file, agent->chat_file, journal);
    if (extra_yaml)
        g_string_append(yaml, extra_yaml);
    assert_true(g_file_set_contents(agent->config, yaml->str, -1, NULL));
    g_string_free(yaml, TRUE);
    g_free(password_file);

    const char *argv[] = { env_path("ROOMCTL_AGENT_BIN"), "--config", agent->config, NULL };
    agent->pid = spawn_logged(argv, NULL, agent->log);
    g_ptr_array_add(server->agents, agent);
    for (const char *const *room = rooms; *room; room++) {
        char *joined = g_strdup_printf("%s: joined", *room);
        if (!prog_wait_for(agent->log, joined, 15)) {
            char *message = g_strdup_printf("agent %s did not join %s within 15 s", name, *room);
            prog_fail(server, message);
        }
        g_free(joined);
    }
    return agent;
}

/* SIGTERM and wait; TRUE when it exited 0 after logging "stopped".  Frees
 * the agent. */
static gboolean agent_terminate(prog_agent *agent)
{
    g_ptr_array_remove(agent->server->agents, agent);
    kill(agent->pid, SIGTERM);
    int status = wait_pid(agent->pid, 10);
    if (status == -1) {
        kill(agent->pid, SIGKILL);
        wait_pid(agent->pid, 5);
    }
    g_spawn_close_pid(agent->pid);
    gboolean clean = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
                     prog_contains(agent->log, "stopped");
    prog_agent_free(agent);
    return clean;
}

void prog_agent_free(prog_agent *agent)
{
    g_free(agent->name);
    g_free(agent->config);
    g_free(agent->log);
    g_free(agent->ui_file);
    g_free(agent->audit_file);
    g_free(agent->chat_file);
    g_free(agent);
}

void prog_agent_stop(prog_agent *agent)
{
    if (!agent)
        return;
    char *name = g_strdup(agent->name);
    gboolean clean = agent_terminate(agent);
    if (!clean)
        fail_msg("agent %s did not stop cleanly on SIGTERM", name);
    g_free(name);
}

gboolean prog_contains(const char *path, const char *needle)
{
    return prog_count(path, needle) > 0;
}

guint prog_count(const char *path, const char *needle)
{
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    guint count = 0;
    for (const char *at = text; (at = strstr(at, needle)); at += strlen(needle))
        count++;
    g_free(text);
    return count;
}

gboolean prog_wait_for(const char *path, const char *needle, double seconds)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);
    do {
        if (prog_contains(path, needle))
            return TRUE;
        g_usleep(25000);
    } while (g_get_monotonic_time() < deadline);
    return prog_contains(path, needle);
}

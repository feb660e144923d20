/* roomctl-agent: a ready room client for headless screens, kiosks, tests and
 * the demo.  Follows the rooms its configuration names and hands every
 * validated control item to the configured plugins. */
#include <stdio.h>
#include <stdlib.h>
#include <locale.h>
#include <unistd.h>
#include <glib-unix.h>

#include "agent.h"
#include "agent_log.h"
#include "daemon_args.h"
#include "cmdline/exit_codes.h"

typedef struct run {
    GMainLoop *loop;
    rc_agent *agent;
    int status;
} run;

static gboolean on_stop_signal(gpointer user_data)
{
    run *r = user_data;
    rc_agent_log(ROOMCTL_LOG_INFO, "stopping");
    g_main_loop_quit(r->loop);
    return G_SOURCE_CONTINUE;
}

static gboolean on_report_signal(gpointer user_data)
{
    run *r = user_data;
    char *text = rc_agent_describe(r->agent);
    fprintf(stderr, "---- roomctl-agent[%d] state ----\n%s----\n", (int)getpid(), text);
    fflush(stderr);
    g_free(text);
    return G_SOURCE_CONTINUE;
}

static void on_fatal(const GError *error, void *user_data)
{
    run *r = user_data;
    rc_agent_log(ROOMCTL_LOG_ERROR, "%s", error->message);
    r->status = rc_exit_code_for(error);
    g_main_loop_quit(r->loop);
}

/* `--describe-plugin NAME`: the plugin's settings, from the plugin
 * directories of @config (NULL: the installed one); its init is not run. */
static int describe_plugin(const rc_agent_config *config, const char *name)
{
    GError *error = NULL;
    roomctl_host *host = roomctl_host_new(NULL);
    gboolean ok = TRUE;
    if (config) {
        for (guint i = 0; ok && i < config->plugin_dirs->len; i++)
            ok = roomctl_host_add_plugin_dir(host, config->plugin_dirs->pdata[i], &error);
    } else if (g_file_test(roomctl_host_default_plugin_dir(), G_FILE_TEST_IS_DIR)) {
        ok = roomctl_host_add_plugin_dir(host, roomctl_host_default_plugin_dir(), &error);
    }
    char *text = ok ? roomctl_host_describe_plugin(host, name, &error) : NULL;
    int status = RC_EXIT_OK;
    if (text) {
        fputs(text, stdout);
        g_free(text);
    } else {
        fprintf(stderr, "roomctl-agent: %s\n", error->message);
        status = rc_exit_code_for(error);
        g_error_free(error);
    }
    roomctl_host_free(host);
    return status;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    /* Freed on every return, the early ones included (leak-free under ASan). */
    g_autofree char *config_path = NULL;
    rc_daemon_args daemon = { 0 };
    gboolean check_only = FALSE;
    g_autofree char *describe = NULL;
    GOptionEntry entries[] = {
        { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
          "The agent configuration (YAML; see roomctl-agent(1) and examples/agent.yaml)",
          "FILE" },
        { "check", 0, 0, G_OPTION_ARG_NONE, &check_only,
          "Check the configuration, schemas and plugins (without starting them), then exit",
          NULL },
        { "describe-plugin", 0, 0, G_OPTION_ARG_STRING, &describe,
          "Print a plugin's settings (name, type, default, help) and exit; its plugin "
          "directories are --config's, else the installed one", "NAME" },
        RC_DAEMON_ARGS_ENTRIES(&daemon),
        { NULL }
    };
    GOptionContext *context = g_option_context_new("- follow roomctl rooms and run plugins");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context,
        "The password comes from the file's account.password_file (readable by its owner\n"
        "only) or account.password_env, never from the command line.\n"
        "Signals: SIGINT/SIGTERM stop cleanly; SIGUSR1 prints state and counters.\n"
        "Exit status: 0 stopped by a signal, 1 failure, 2 bad command line,\n"
        "3 bad configuration or schema, 5 cannot log in, or another client logged in\n"
        "with the same full JID (as for roomctl).  See roomctl-agent(1).\n");
    gboolean level_given = FALSE;
    int done = rc_daemon_args_parse("roomctl-agent", context, &daemon, &argc, &argv, &config_path,
                                    &describe, &level_given);
    if (done >= 0)
        return done;
    if (!config_path) /* --describe-plugin alone: the installed plugin folder */
        return describe_plugin(NULL, describe);
    GError *error = NULL;
    rc_agent_config *config = rc_agent_config_load(config_path, NULL,
                                                   roomctl_host_default_plugin_dir(), &error);
    if (!config) {
        fprintf(stderr, "%s\n", error->message);
        int status = rc_exit_code_for(error);
        g_error_free(error);
        return status;
    }
    if (!level_given)
        roomctl_set_log_level(config->log_level);
    if (describe) {
        int status = describe_plugin(config, describe);
        rc_agent_config_free(config);
        return status;
    }

    if (check_only) {
        int status = RC_EXIT_OK;
        if (rc_agent_check(config, &error)) {
            rc_agent_log(ROOMCTL_LOG_INFO, "configuration %s is valid", config_path);
        } else {
            rc_agent_log(ROOMCTL_LOG_ERROR, "%s", error->message);
            status = rc_exit_code_for(error);
            g_error_free(error);
        }
        rc_agent_config_free(config);
        return status;
    }

    run r = { g_main_loop_new(NULL, FALSE), NULL, EXIT_SUCCESS };
    r.agent = rc_agent_new(config, on_fatal, &r, &error);
    if (!r.agent) {
        rc_agent_log(ROOMCTL_LOG_ERROR, "%s", error->message);
        int status = rc_exit_code_for(error);
        g_error_free(error);
        rc_agent_config_free(config);
        g_main_loop_unref(r.loop);
        return status;
    }
    guint sources[] = {
        g_unix_signal_add(SIGINT, on_stop_signal, &r),
        g_unix_signal_add(SIGTERM, on_stop_signal, &r),
        g_unix_signal_add(SIGUSR1, on_report_signal, &r),
    };
    rc_agent_start(r.agent);
    g_main_loop_run(r.loop);
    for (gsize i = 0; i < G_N_ELEMENTS(sources); i++)
        g_source_remove(sources[i]);
    rc_agent_free(r.agent);
    rc_agent_config_free(config);
    g_main_loop_unref(r.loop);
    if (r.status == EXIT_SUCCESS)
        rc_agent_log(ROOMCTL_LOG_INFO, "stopped");
    return r.status;
}

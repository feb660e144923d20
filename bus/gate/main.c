/* roomctl-gate: the rooms' authority, run beside the XMPP server as an
 * external component (XEP-0114).  See README "The gate". */
#include <stdio.h>
#include <stdlib.h>
#include <locale.h>
#include <glib-unix.h>

#include "gate.h"
#include "agent/agent_log.h"
#include "agent/daemon_args.h"
#include "cmdline/exit_codes.h"

static gboolean on_stop_signal(gpointer loop)
{
    rc_agent_log(ROOMCTL_LOG_INFO, "stopping");
    g_main_loop_quit(loop);
    return G_SOURCE_CONTINUE;
}

static gboolean on_report_signal(gpointer gate)
{
    rc_gate_log_status(gate);
    return G_SOURCE_CONTINUE;
}

/* schema_dirs, else $ROOMCTL_SCHEMA_PATH or the installed schemas. */
static roomctl_registry *load_schemas(const rc_agent_config *config, GError **error)
{
    roomctl_registry *registry = roomctl_registry_new();
    gboolean ok = config->schema_dirs->len > 0 ||
                  roomctl_registry_load_path(registry, NULL, error);
    for (guint i = 0; ok && i < config->schema_dirs->len; i++)
        ok = roomctl_registry_load_dir(registry, config->schema_dirs->pdata[i], error);
    if (!ok) {
        roomctl_registry_free(registry);
        return NULL;
    }
    return registry;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    g_set_prgname("roomctl-gate");
    g_autofree char *config_path = NULL;
    gboolean check_only = FALSE;
    rc_daemon_args daemon = { 0 };
    GOptionEntry entries[] = {
        { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
          "The gate configuration (YAML; see examples/gate.yaml)", "FILE" },
        { "check", 0, 0, G_OPTION_ARG_NONE, &check_only,
          "Check the configuration and schemas, then exit", NULL },
        RC_DAEMON_ARGS_ENTRIES(&daemon),
        { NULL }
    };
    GOptionContext *context = g_option_context_new("- publish moderators' control items");
    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context,
        "The component secret comes from account.password_file or account.password_env.\n"
        "Signals: SIGINT/SIGTERM stop; SIGUSR1 logs each room's state and the counters.\n"
        "Exit status: 0 stopped by a signal, 2 bad command line, 3 bad configuration\n"
        "or schema, 5 cannot connect to the server's component port.\n");
    gboolean level_given = FALSE;
    int done = rc_daemon_args_parse("roomctl-gate", context, &daemon, &argc, &argv, &config_path,
                                    NULL, &level_given);
    if (done >= 0)
        return done;
    GError *error = NULL;

    int status = EXIT_SUCCESS;
    roomctl_registry *registry = NULL;
    rc_gate *gate = NULL;
    GMainLoop *loop = NULL;
    rc_gate_config *config = rc_gate_config_load(config_path, NULL, &error);
    if (!config)
        goto error;
    if (!level_given)
        roomctl_set_log_level(config->base->log_level);
    if (!(registry = load_schemas(config->base, &error)))
        goto error;
    if (check_only) {
        rc_agent_log(ROOMCTL_LOG_INFO, "configuration %s is valid", config_path);
        goto done;
    }
    loop = g_main_loop_new(NULL, FALSE);
    gate = rc_gate_new(config, registry, NULL);
    if (!rc_gate_start(gate, &error))
        goto error;
    guint sources[] = {
        g_unix_signal_add(SIGINT, on_stop_signal, loop),
        g_unix_signal_add(SIGTERM, on_stop_signal, loop),
        g_unix_signal_add(SIGUSR1, on_report_signal, gate),
    };
    g_main_loop_run(loop);
    for (gsize i = 0; i < G_N_ELEMENTS(sources); i++)
        g_source_remove(sources[i]);
    rc_agent_log(ROOMCTL_LOG_INFO, "stopped");
    goto done;
error:
    rc_agent_log(ROOMCTL_LOG_ERROR, "%s", error->message);
    status = rc_exit_code_for(error);
    g_error_free(error);
done:
    rc_gate_free(gate);
    if (loop)
        g_main_loop_unref(loop);
    roomctl_registry_free(registry);
    rc_gate_config_free(config);
    return status;
}

/* exec: runs a configured command for items of configured types.  The item
 * goes to the command in environment variables; the command is an argv list
 * run without a shell, and is killed when it runs past its timeout. */
#include "common/common.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXEC_DEFAULT_TIMEOUT_MS 10000
#define EXEC_MAX_TIMEOUT_MS (24 * 60 * 60 * 1000)

typedef struct {
    char **argv;       /* owned, NULL-terminated */
    gint64 timeout_ms;
} exec_command;

static void exec_command_free(void *data)
{
    exec_command *command = data;
    g_strfreev(command->argv);
    g_free(command);
}

/* ---- The environment ---------------------------------------------------------- */

/* "image_url" -> "ROOMCTL_FIELD_IMAGE_URL". */
static char *field_variable(const char *field)
{
    char *name = g_strconcat("ROOMCTL_FIELD_", field, NULL);
    for (char *p = name; *p; p++)
        *p = g_ascii_isalnum(*p) ? g_ascii_toupper(*p) : '_';
    return name;
}

/* A value as the command sees it: its wire text; a list's elements one per line. */
static char *value_text(const roomctl_value *value)
{
    if (roomctl_value_type(value) != ROOMCTL_FIELD_LIST)
        return g_strdup(roomctl_value_text(value));
    GString *out = g_string_new(NULL);
    for (size_t i = 0; i < roomctl_value_list_length(value); i++) {
        const char *text = roomctl_value_text(roomctl_value_list_at(value, i));
        g_string_append_printf(out, "%s%s", i ? "\n" : "", text ? text : "");
    }
    return g_string_free(out, FALSE);
}

static char **item_environment(const roomctl_item *item)
{
    char **env = g_get_environ();
    /* Only this item's variables: none inherited from whoever started the host. */
    char **kept = env;
    for (char **p = env; *p; p++) {
        if (g_str_has_prefix(*p, "ROOMCTL_"))
            g_free(*p);
        else
            *kept++ = *p;
    }
    *kept = NULL;
    char version[24];
    g_snprintf(version, sizeof version, "%d", roomctl_item_schema_version(item));
    env = g_environ_setenv(env, "ROOMCTL_TYPE", roomctl_item_type(item), TRUE);
    env = g_environ_setenv(env, "ROOMCTL_VERSION", version, TRUE);
    env = g_environ_setenv(env, "ROOMCTL_ID", roomctl_item_id(item), TRUE);
    env = g_environ_setenv(env, "ROOMCTL_REPLAY", roomctl_item_is_replay(item) ? "1" : "0", TRUE);
    if (roomctl_item_room(item))
        env = g_environ_setenv(env, "ROOMCTL_ROOM", roomctl_item_room(item), TRUE);
    if (roomctl_item_publisher(item))
        env = g_environ_setenv(env, "ROOMCTL_PUBLISHER", roomctl_item_publisher(item), TRUE);
    for (size_t i = 0; i < roomctl_item_field_count(item); i++) {
        const roomctl_value *value = roomctl_item_field_at(item, i);
        if (!value)
            continue;
        char *name = field_variable(roomctl_item_field_name(item, i));
        char *text = value_text(value);
        env = g_environ_setenv(env, name, text ? text : "", TRUE);
        g_free(text);
        g_free(name);
    }
    return env;
}

/* ---- Running ------------------------------------------------------------------ */

/* In the child, before exec: its own process group, so that a timeout kills
 * whatever the command started too. */
static void own_process_group(gpointer unused)
{
    setpgid(0, 0);
}

typedef enum {
    CHILD_ENDED,     /* *status is its wait status */
    CHILD_TIMED_OUT, /* killed for running past the timeout */
    CHILD_LOST,      /* waitpid() failed (ECHILD: SIGCHLD ignored); *status is errno */
} child_end;

/* Wait for @pid until @timeout_ms; kill its group past that. */
static child_end wait_or_kill(GPid pid, gint64 timeout_ms, int *status)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000;
    gulong nap_us = 500;
    for (;;) {
        pid_t done = waitpid(pid, status, WNOHANG);
        if (done == pid)
            return CHILD_ENDED;
        if (done < 0 && errno != EINTR) {
            *status = errno;
            return CHILD_LOST;
        }
        if (g_get_monotonic_time() >= deadline)
            break;
        g_usleep(nap_us);
        nap_us = MIN(nap_us * 2, 20000);
    }
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
    return CHILD_TIMED_OUT;
}

static int exec_handle(roomctl_plugin *plugin, const roomctl_item *item,
                       roomctl_result *result, void *user_data)
{
    const exec_command *command = user_data;
    const char *program = command->argv[0];
    char **env = item_environment(item);
    GError *error = NULL;
    GPid pid;
    GSpawnFlags flags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH;
#if GLIB_CHECK_VERSION(2, 74, 0)
    flags |= G_SPAWN_STDIN_FROM_DEV_NULL; /* the host's stdin is not the command's */
#endif
    gboolean started = g_spawn_async(NULL, command->argv, env, flags, own_process_group, NULL,
                                     &pid, &error);
    g_strfreev(env);
    if (!started) {
        roomctl_result_fail(result, "cannot run '%s': %s", program, error->message);
        g_error_free(error);
        return -1;
    }
    int status = 0;
    child_end end = wait_or_kill(pid, command->timeout_ms, &status);
    g_spawn_close_pid(pid);
    if (end == CHILD_TIMED_OUT) {
        roomctl_result_fail(result, "'%s' timed out after %" G_GINT64_FORMAT " ms and was killed",
                            program, command->timeout_ms);
        return -1;
    }
    if (end == CHILD_LOST) {
        roomctl_result_fail(result, "cannot tell how '%s' ended: %s", program,
                            g_strerror(status));
        return -1;
    }
    if (WIFSIGNALED(status)) {
        roomctl_result_fail(result, "'%s' was killed by signal %d", program, WTERMSIG(status));
        return -1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        roomctl_result_fail(result, "'%s' exited with status %d", program, WEXITSTATUS(status));
        return -1;
    }
    roomctl_plugin_log(plugin, ROOMCTL_LOG_DEBUG, "'%s' done for %s", program,
                       roomctl_item_id(item));
    return 0;
}

/* ---- Configuration ------------------------------------------------------------ */

static gboolean read_timeout(roomctl_plugin *plugin, const roomctl_config *config,
                             gint64 *timeout_ms)
{
    int rc = roomctl_config_get_int(config, "timeout_ms", timeout_ms);
    /* Capped: past it the deadline in microseconds would overflow and the
     * command be killed at once. */
    if (rc == ROOMCTL_PLUGIN_ETYPE ||
        (rc == ROOMCTL_PLUGIN_OK && (*timeout_ms <= 0 || *timeout_ms > EXEC_MAX_TIMEOUT_MS))) {
        const roomctl_config *node = roomctl_config_child(config, "timeout_ms");
        roomctl_plugin_set_error(plugin, "%s: timeout_ms: expected a positive integer "
                                 "(milliseconds) up to %d (24 h)", roomctl_config_location(node),
                                 EXEC_MAX_TIMEOUT_MS);
        return FALSE;
    }
    return TRUE;
}

/* One entry of `commands`: {types: PATTERN, argv: [PROGRAM, ARG...], timeout_ms: N}. */
static gboolean add_command(roomctl_plugin *plugin, const roomctl_config *entry,
                            gint64 default_timeout_ms)
{
    const char *where = roomctl_config_location(entry);
    const char *types = roomctl_config_get_string(entry, "types", NULL);
    const roomctl_config *argv = roomctl_config_child(entry, "argv");
    if (roomctl_config_kind_of(entry) != ROOMCTL_CONFIG_MAPPING || !types) {
        roomctl_plugin_set_error(plugin, "%s: a command needs 'types' (e.g. room.notice or "
                                 "ui.*) and 'argv'", where);
        return FALSE;
    }
    if (!argv || roomctl_config_kind_of(argv) != ROOMCTL_CONFIG_LIST ||
        roomctl_config_length(argv) == 0) {
        roomctl_plugin_set_error(plugin, "%s: argv: expected a list [PROGRAM, ARG...] "
                                 "(it is run without a shell)",
                                 roomctl_config_location(argv ? argv : entry));
        return FALSE;
    }
    exec_command *command = g_new0(exec_command, 1);
    command->timeout_ms = default_timeout_ms;
    GPtrArray *args = g_ptr_array_new();
    for (size_t i = 0; i < roomctl_config_length(argv); i++) {
        const roomctl_config *arg = roomctl_config_at(argv, i, NULL);
        const char *text = roomctl_config_scalar(arg);
        if (!text || (i == 0 && !*text)) {
            roomctl_plugin_set_error(plugin, "%s: argv: expected a string",
                                     roomctl_config_location(arg));
            g_ptr_array_free(args, TRUE);
            exec_command_free(command);
            return FALSE;
        }
        g_ptr_array_add(args, g_strdup(text));
    }
    g_ptr_array_add(args, NULL);
    command->argv = (char **)g_ptr_array_free(args, FALSE);
    if (!read_timeout(plugin, entry, &command->timeout_ms)) {
        exec_command_free(command);
        return FALSE;
    }
    roomctl_handler_def def = {
        .types = types, .handle = exec_handle,
        .user_data = command, .free_user_data = exec_command_free,
    };
    if (roomctl_plugin_add_handler(plugin, &def) != ROOMCTL_PLUGIN_OK) {
        roomctl_plugin_set_error(plugin, "%s: types: bad pattern '%s': expected a type such "
                                 "as room.notice, a prefix such as ui.*, or *", where, types);
        return FALSE;
    }
    return TRUE;
}

static int exec_init(roomctl_plugin *plugin, const roomctl_config *config)
{
    gint64 timeout_ms = EXEC_DEFAULT_TIMEOUT_MS;
    if (!read_timeout(plugin, config, &timeout_ms))
        return -1;
    const roomctl_config *commands = roomctl_config_child(config, "commands");
    if (!commands || roomctl_config_kind_of(commands) != ROOMCTL_CONFIG_LIST ||
        roomctl_config_length(commands) == 0) {
        /* An empty section may be the one the host made up: no place to name. */
        const char *where = commands ? roomctl_config_location(commands)
                            : roomctl_config_length(config) ? roomctl_config_location(config)
                                                            : "";
        roomctl_plugin_set_error(plugin, "%s%sexpected 'commands', a list of "
                                 "{types, argv, timeout_ms}", where, *where ? ": " : "");
        return -1;
    }
    for (size_t i = 0; i < roomctl_config_length(commands); i++)
        if (!add_command(plugin, roomctl_config_at(commands, i, NULL), timeout_ms))
            return -1;
    /* A command's effect is outside this process: by default a restarted
     * host does not run it again for an item it already ran it for. */
    int replay = 0;
    if (roomctl_config_get_bool(config, "replay_after_restart", &replay) == ROOMCTL_PLUGIN_ETYPE) {
        roomctl_plugin_set_error(plugin, "%s: replay_after_restart: expected true or false",
                                 roomctl_config_location(roomctl_config_child(
                                     config, "replay_after_restart")));
        return -1;
    }
    if (!replay)
        roomctl_plugin_keeps_state(plugin, 1);
    return 0;
}

static const roomctl_setting command_settings[] = {
    { "types", ROOMCTL_SETTING_STRING, 1, NULL,
      "the types to run the command for: room.notice, a prefix such as ui.*, or *", 0, 0, NULL },
    { "argv", ROOMCTL_SETTING_LIST, 1, NULL,
      "the program and its arguments, run without a shell", 0, 0, NULL },
    { "timeout_ms", ROOMCTL_SETTING_INT, 0, "the plugin's timeout_ms",
      "how long this command may run, in milliseconds", 1, EXEC_MAX_TIMEOUT_MS, NULL },
    ROOMCTL_SETTINGS_END
};

static const roomctl_setting exec_settings[] = {
    { "commands", ROOMCTL_SETTING_LIST, 1, NULL,
      "the commands to run, each {types, argv, timeout_ms}", 0, 0, command_settings },
    { "timeout_ms", ROOMCTL_SETTING_INT, 0, G_STRINGIFY(EXEC_DEFAULT_TIMEOUT_MS),
      "how long a command may run, in milliseconds (up to 24 h)", 1, EXEC_MAX_TIMEOUT_MS, NULL },
    { "replay_after_restart", ROOMCTL_SETTING_BOOL, 0, "false",
      "after a restart, run the commands again for items they already ran for", 0, 0, NULL },
    ROOMCTL_SETTINGS_END
};

ROOMCTL_PLUGIN_DEFINE_WITH_SETTINGS("exec", "1.2",
                                    "Runs configured commands for items, fields in environment "
                                    "variables", exec_init, NULL, exec_settings);

/* audit: appends one JSON line per handled item (and per reset and purge) to
 * a file: the audit trail a moderator asks for, and what tests read. */
#include "common/common.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

typedef struct {
    char *path;
    int fd;
} audit_log;

static void audit_free(void *data)
{
    audit_log *log = data;
    if (log->fd >= 0)
        close(log->fd);
    g_free(log->path);
    g_free(log);
}

/* Start a line: {"time":"…","event":"…" */
static GString *line_start(const char *event, const char *room)
{
    GDateTime *now = g_date_time_new_now_utc();
    char *time = g_date_time_format_iso8601(now);
    GString *line = g_string_new("{\"time\":");
    rc_json_string(line, time);
    g_string_append(line, ",\"event\":");
    rc_json_string(line, event);
    g_string_append(line, ",\"room\":");
    rc_json_string(line, room);
    g_free(time);
    g_date_time_unref(now);
    return line;
}

/* End the line and append it with one write(): the file is opened O_APPEND,
 * so a reader sees whole lines, each as soon as it is handled. */
static gboolean line_write(const audit_log *log, GString *line, GError **error)
{
    g_string_append(line, "}\n");
    gsize done = 0;
    while (done < line->len) {
        ssize_t n = write(log->fd, line->str + done, line->len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                        "cannot append to %s: %s", log->path, g_strerror(err));
            g_string_free(line, TRUE);
            return FALSE;
        }
        done += (gsize)n;
    }
    g_string_free(line, TRUE);
    return TRUE;
}

static void write_or_log(roomctl_plugin *plugin, const audit_log *log, GString *line)
{
    GError *error = NULL;
    if (!line_write(log, line, &error)) {
        roomctl_plugin_log(plugin, ROOMCTL_LOG_ERROR, "%s", error->message);
        g_error_free(error);
    }
}

static int audit_handle(roomctl_plugin *plugin, const roomctl_item *item,
                        roomctl_result *result, void *user_data)
{
    const audit_log *log = roomctl_plugin_get_data(plugin);
    GString *line = line_start("item", roomctl_item_room(item));
    g_string_append(line, ",\"type\":");
    rc_json_string(line, roomctl_item_type(item));
    g_string_append_printf(line, ",\"version\":%d,\"id\":", roomctl_item_schema_version(item));
    rc_json_string(line, roomctl_item_id(item));
    g_string_append(line, ",\"publisher\":");
    rc_json_string(line, roomctl_item_publisher(item));
    g_string_append_printf(line, ",\"replay\":%s,\"fields\":",
                           roomctl_item_is_replay(item) ? "true" : "false");
    rc_json_fields(line, item);
    /* Plugins do not see each other's results: this is audit's own. */
    g_string_append(line, ",\"result\":\"ok\"");
    GError *error = NULL;
    if (!line_write(log, line, &error)) {
        roomctl_result_fail(result, "%s", error->message);
        g_error_free(error);
        return -1;
    }
    return 0;
}

static void audit_reset(roomctl_plugin *plugin, const char *room, const char *type,
                        const char *item_id, void *user_data)
{
    GString *line = line_start("reset", room);
    g_string_append(line, ",\"type\":");
    rc_json_string(line, type);
    g_string_append(line, ",\"id\":");
    rc_json_string(line, item_id);
    write_or_log(plugin, roomctl_plugin_get_data(plugin), line);
}

static void audit_purge(roomctl_plugin *plugin, const char *room, void *user_data)
{
    write_or_log(plugin, roomctl_plugin_get_data(plugin), line_start("purge", room));
}

static int audit_init(roomctl_plugin *plugin, const roomctl_config *config)
{
    const char *file = rc_option_require(plugin, config, "file",
                                         "the file to append the audit trail to");
    if (!file)
        return -1;
    gboolean existed = g_file_test(file, G_FILE_TEST_EXISTS);
    int fd = g_open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        roomctl_plugin_set_error(plugin, "cannot open %s: %s", file, g_strerror(errno));
        return -1;
    }
    audit_log *log = g_new0(audit_log, 1);
    log->path = g_strdup(file);
    log->fd = fd;
    roomctl_plugin_set_data(plugin, log, audit_free);
    roomctl_handler_def def = {
        .types = roomctl_config_get_string(config, "types", "*"),
        .handle = audit_handle, .reset = audit_reset, .purge = audit_purge,
    };
    if (roomctl_plugin_add_handler(plugin, &def) != ROOMCTL_PLUGIN_OK) {
        roomctl_plugin_set_error(plugin, "types: bad pattern '%s': expected a type such as "
                                 "ui.button, a prefix such as ui.*, or *", def.types);
        return -1;
    }
    /* The trail is kept: what it already records need not be written again
     * after a restart (unless the file is new). */
    roomctl_plugin_keeps_state(plugin, existed);
    return 0;
}

static const roomctl_setting audit_settings[] = {
    { "file", ROOMCTL_SETTING_PATH, 1, NULL, "the file to append the audit trail to", 0, 0, NULL },
    { "types", ROOMCTL_SETTING_STRING, 0, "*",
      "the types to record: ui.button, a prefix such as ui.*, or *", 0, 0, NULL },
    ROOMCTL_SETTINGS_END
};

ROOMCTL_PLUGIN_DEFINE_WITH_SETTINGS("audit", "1.2",
                                    "Appends every handled item to a JSON-lines file",
                                    audit_init, NULL, audit_settings);

/* The agent's chat power hook: a log line and a state file a UI can read. */
#include "chat_power.h"
#include "agent_log.h"
#include "files.h"
#include "json.h"

gboolean rc_agent_chat_power(gboolean enabled, const char *reason, void *user_data,
                             GError **error)
{
    const char *path = user_data;
    const char *state = enabled ? "enabled" : "disabled";
    rc_agent_log(ROOMCTL_LOG_INFO, "chat %s%s%s%s", state, reason ? " (" : "",
                 reason ? reason : "", reason ? ")" : "");
    if (!path)
        return TRUE;

    GDateTime *now = g_date_time_new_now_utc();
    char *stamp = g_date_time_format_iso8601(now);
    g_date_time_unref(now);
    GString *json = g_string_new("{\"chat\": ");
    rc_json_string(json, state);
    g_string_append(json, ", \"reason\": ");
    rc_json_string(json, reason);
    g_string_append(json, ", \"time\": ");
    rc_json_string(json, stamp);
    g_string_append(json, "}\n");
    g_free(stamp);

    GError *io = NULL;
    gboolean ok = rc_write_atomic(path, json->str, (gssize)json->len, &io);
    g_string_free(json, TRUE);
    if (!ok) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_IO, "cannot write chat state file: %s",
                    io->message);
        g_error_free(io);
    }
    return ok;
}

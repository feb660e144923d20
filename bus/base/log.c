/* Logging through the library's one hook (roomctl_set_log_handler), level checked first. */
#include "log.h"

static roomctl_log_fn log_fn;
static void *log_user_data;
static roomctl_log_level log_max = ROOMCTL_LOG_INFO;

void roomctl_set_log_handler(roomctl_log_fn fn, void *user_data)
{
    log_fn = fn;
    log_user_data = user_data;
}

void roomctl_set_log_level(roomctl_log_level max) { log_max = max; }
roomctl_log_level roomctl_get_log_level(void) { return log_max; }

gboolean rc_log_enabled(roomctl_log_level level) { return level <= log_max; }

void rc_logv(roomctl_log_level level, const char *domain, const char *fmt, va_list ap)
{
    if (!rc_log_enabled(level))
        return;
    char *message = g_strdup_vprintf(fmt, ap);
    if (log_fn) {
        log_fn(level, domain, message, log_user_data);
    } else {
        static const GLogLevelFlags glib_level[] = {
            [ROOMCTL_LOG_ERROR] = G_LOG_LEVEL_CRITICAL,
            [ROOMCTL_LOG_WARNING] = G_LOG_LEVEL_WARNING,
            [ROOMCTL_LOG_INFO] = G_LOG_LEVEL_MESSAGE,
            [ROOMCTL_LOG_DEBUG] = G_LOG_LEVEL_DEBUG,
        };
        g_log("roomctl", glib_level[level], "%s: %s", domain, message);
    }
    g_free(message);
}

void rc_log(roomctl_log_level level, const char *domain, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rc_logv(level, domain, fmt, ap);
    va_end(ap);
}

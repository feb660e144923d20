/* roomctl-agent's log: one line per message on stderr (also libroomctl's hook). */
#include "agent_log.h"
#include "config.h"

#include <stdio.h>
#include <unistd.h>

static void write_line(roomctl_log_level level, const char *domain, const char *message,
                       void *user_data)
{
    GDateTime *now = g_date_time_new_now_local();
    char *stamp = g_date_time_format(now, "%H:%M:%S.%f");
    stamp[12] = '\0'; /* milliseconds are enough */
    /* roomctl-gate logs through here too: the program's own name. */
    fprintf(stderr, "%s %s[%d] %s: %s: %s\n", stamp,
            g_get_prgname() ? g_get_prgname() : "roomctl-agent", (int)getpid(),
            rc_agent_log_level_name(level), domain, message);
    g_free(stamp);
    g_date_time_unref(now);
}

void rc_agent_log_init(roomctl_log_level level)
{
    roomctl_set_log_handler(write_line, NULL);
    roomctl_set_log_level(level);
}

void rc_agent_log(roomctl_log_level level, const char *fmt, ...)
{
    if (level > roomctl_get_log_level())
        return;
    va_list ap;
    va_start(ap, fmt);
    char *message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    write_line(level, "agent", message, NULL);
    g_free(message);
}

/* Internal: log through the library's one hook (see roomctl/error.h). */
#ifndef RC_LOG_H
#define RC_LOG_H

#include <roomctl/error.h>

G_BEGIN_DECLS

void rc_log(roomctl_log_level level, const char *domain, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
void rc_logv(roomctl_log_level level, const char *domain, const char *fmt, va_list ap);
gboolean rc_log_enabled(roomctl_log_level level);

#define rc_error(dom, ...) rc_log(ROOMCTL_LOG_ERROR, dom, __VA_ARGS__)
#define rc_warn(dom, ...)  rc_log(ROOMCTL_LOG_WARNING, dom, __VA_ARGS__)
#define rc_info(dom, ...)  rc_log(ROOMCTL_LOG_INFO, dom, __VA_ARGS__)
#define rc_debug(dom, ...) do { if (rc_log_enabled(ROOMCTL_LOG_DEBUG)) rc_log(ROOMCTL_LOG_DEBUG, dom, __VA_ARGS__); } while (0)

G_END_DECLS

#endif

/* Internal: the one JID syntax check (schema `jid` fields, configurations). */
#ifndef RC_JID_H
#define RC_JID_H

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when @text is [local@]domain[/resource] with parts of sane length and
 * no space, quote, '&', '<' or '>'; the resource may hold '@', ':' and '/'.
 * @text must be valid UTF-8. */
gboolean rc_jid_is_valid(const char *text);

G_END_DECLS

#endif

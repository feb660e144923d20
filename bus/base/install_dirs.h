/* Internal: the installed schema and plugin folders, found next to the
 * libroomctl that is running, so an install under any prefix works moved. */
#ifndef RC_INSTALL_DIRS_H
#define RC_INSTALL_DIRS_H

#include <glib.h>

G_BEGIN_DECLS

/* The installed schema folder: PREFIX/share/roomctl/schemas, where PREFIX
 * is the one this libroomctl was installed under.  Owned by the library. */
const char *rc_install_schema_dir(void);

G_END_DECLS

#endif

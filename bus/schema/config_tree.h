/* Internal: what the schema and item loaders need of a YAML tree beyond the
 * public accessors of roomctl/config.h and roomctl/plugin.h. */
#ifndef RC_CONFIG_TREE_H
#define RC_CONFIG_TREE_H

#include <roomctl/config.h>

G_BEGIN_DECLS

/* Where a mapping entry's key was written (the node's own position is that of
 * its value).  0 for list elements and the root. */
guint rc_config_key_line(const roomctl_config *node);
guint rc_config_key_column(const roomctl_config *node);
/* The file name the tree was loaded from; owned by the tree. */
const char *rc_config_file(const roomctl_config *node);
/* TRUE for a plain (unquoted) scalar that YAML reads as null: empty, ~, null. */
gboolean rc_config_is_null(const roomctl_config *node);

G_END_DECLS

#endif

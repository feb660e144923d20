/* YAML documents as a read-only tree (the roomctl_config of roomctl/plugin.h).
 * Used for the agent configuration, plugin sections, schema files and item
 * files, so that every YAML input is checked the same way. */
#ifndef ROOMCTL_CONFIG_H
#define ROOMCTL_CONFIG_H

#include <roomctl/error.h>

G_BEGIN_DECLS

/*
 * Parse one YAML document.  Refuses, with "FILE:LINE:COL: error: TEXT" in
 * @error (ROOMCTL_ERR_CONFIG, or ROOMCTL_ERR_IO): syntax errors, duplicate
 * mapping keys, anchors and aliases, tags, nesting deeper than 64, files over
 * 1 MiB, invalid UTF-8.  The caller frees the tree with roomctl_config_free();
 * every node lives as long as the root.
 */
ROOMCTL_API
roomctl_config *roomctl_config_load_file(const char *path, GError **error);
ROOMCTL_API
roomctl_config *roomctl_config_load_string(const char *name, const char *yaml, gssize len,
                                           GError **error);
ROOMCTL_API
void roomctl_config_free(roomctl_config *root);
/* An empty mapping, for a plugin without a section; free as above. */
ROOMCTL_API
roomctl_config *roomctl_config_new_empty(void);
/* Line and column (from 1) of a node. */
ROOMCTL_API
guint roomctl_config_line(const roomctl_config *node);
ROOMCTL_API
guint roomctl_config_column(const roomctl_config *node);

G_END_DECLS

#endif

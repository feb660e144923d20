/* Internal: what the schema loader's files share (schema.c reads the file,
 * schema_field.c a field's spec, schema_scalar.c the scalars of both). */
#ifndef RC_SCHEMA_LOADER_H
#define RC_SCHEMA_LOADER_H

#include "config_tree.h"
#include "schema_private.h"

G_BEGIN_DECLS

#define MAX_NAME 64
#define MAX_TYPE_NAME 128

/* One problem of the file, at LINE:COL. */
typedef struct {
    guint line, column;
    char *text;
} schema_error;

/* A schema being read: every problem is collected, then sorted. */
typedef struct {
    const char *file;
    GArray *problems;
    roomctl_schema *schema;
} loader;

#define AT(node) roomctl_config_line(node), roomctl_config_column(node)
#define AT_KEY(node) rc_config_key_line(node), rc_config_key_column(node)

/* ---- schema_scalar.c ---- */
void rc_loader_report(loader *l, guint line, guint column, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
/* " (did you mean 'x'?)" or " (expected one of: …)"; free with g_free(). */
char *rc_loader_suggest(const char *word, const char *const *candidates);
/* The scalar at @node, or NULL (and FALSE) after a report naming @what. */
const char *rc_loader_scalar(loader *l, const roomctl_config *node, const char *what);
gboolean rc_loader_integer(loader *l, const roomctl_config *node, const char *what, gint64 *out);
gboolean rc_loader_count(loader *l, const roomctl_config *node, const char *what, gint64 *out);
gboolean rc_loader_boolean(loader *l, const roomctl_config *node, const char *what, gboolean *out);
/* A list of scalars as a NULL-terminated vector, or NULL after a report. */
char **rc_loader_string_list(loader *l, const roomctl_config *node, const char *what);
/* Lowercase words (joined by dots when @dotted, which then needs one dot). */
gboolean rc_loader_name_ok(const char *name, gboolean dotted);

/* ---- schema_field.c ---- */
/* Check the spec at @node into @f (its name set); problems are reported. */
void rc_field_compile(loader *l, rc_field *f, const roomctl_config *node, gboolean is_items);
/* Free what @f holds, not @f. */
void rc_field_clear(rc_field *f);

G_END_DECLS

#endif

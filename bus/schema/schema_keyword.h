/* Internal: the keywords of a field spec as one table (schema_keyword.c):
 * which field types each applies to, how the loader reads it, and how
 * `schema describe` shows it.  Adding a keyword: a table entry with its
 * functions, its member in rc_field, its check in schema_value.c, and a line
 * in docs/schemas.md. */
#ifndef RC_SCHEMA_KEYWORD_H
#define RC_SCHEMA_KEYWORD_H

#include "schema_loader.h"

G_BEGIN_DECLS

/* The field types a keyword applies to, as bits; 0 in a table entry: all. */
#define RC_TYPE_BIT(t) (1u << (t))

typedef struct {
    const char *name;
    guint types;
    /* Read the keyword's value @v into @f, reporting problems; @what names it
     * for messages ("field 'x': 'min'").  NULL: rc_field_compile() reads it
     * (type, default, and items, a field spec of its own). */
    void (*read)(loader *l, rc_field *f, const char *what, const roomctl_config *v);
    /* Append ", \"NAME\": VALUE" (JSON) or ", words" (text) when @f sets the
     * keyword.  NULL: describe shows it beside the name and type. */
    void (*json)(GString *out, const rc_field *f);
    void (*text)(GString *out, const rc_field *f);
    /* Holds a field spec of its own (items): described after the others. */
    gboolean nested;
} rc_keyword;

/* The keyword named @name, or NULL. */
const rc_keyword *rc_keyword_find(const char *name);
/* Every keyword's name, NULL-terminated, in table order; owned by the table. */
const char *const *rc_keyword_names(void);
/* Whether @keyword may be written in a field of @type. */
gboolean rc_keyword_applies(const rc_keyword *keyword, roomctl_field_type type);
/* Every set keyword of @f, for `schema describe`, in table order. */
void rc_keyword_describe_json(GString *out, const rc_field *f);
void rc_keyword_describe_text(GString *out, const rc_field *f);

/* JSON helpers that describe shares: absent texts are written "". */
void rc_describe_json_text(GString *out, const char *text);
void rc_describe_json_strv(GString *out, char **values);

G_END_DECLS

#endif

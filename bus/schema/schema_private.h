/* Internal: the layout of schemas, fields and values, shared by the schema
 * loader, the registry, the item model and the wire codec. */
#ifndef RC_SCHEMA_PRIVATE_H
#define RC_SCHEMA_PRIVATE_H

#include <roomctl/schema.h>

G_BEGIN_DECLS

/* A schema has at most this many fields (decoding keeps them on the stack). */
#define RC_MAX_FIELDS 64

enum {
    RC_VALUE_SET = 1 << 0,       /* the value holds something */
    RC_VALUE_DEFAULT = 1 << 1,   /* taken from the schema, not given */
    RC_VALUE_OWNS_DATA = 1 << 2  /* bytes data or list block is freed with it */
};

typedef struct rc_list rc_list;

/*
 * One typed value.  @text is never freed through the value: it lives in an
 * enclosing block (the item, the list, or the schema's strings).  Bytes data
 * and lists are freed with the value when RC_VALUE_OWNS_DATA is set.
 */
struct roomctl_value {
    roomctl_field_type type;
    guint flags;
    const char *text;  /* wire text; NULL for lists */
    union {
        gint64 i;      /* int; timestamp in µs since the epoch */
        double d;      /* number */
        gboolean b;    /* bool */
        struct {
            guint8 *data;
            gsize len;
        } bytes;
        rc_list *list;
    } u;
};

/* A list value: one block holding the elements and their texts. */
struct rc_list {
    gsize length;
    roomctl_value items[];
};

typedef struct rc_field rc_field;
struct rc_field {
    char *name;
    guint index;
    roomctl_field_type type;
    gboolean required;
    char *description;
    guint line, column;

    /* string */
    gboolean has_min_length, has_max_length;
    gint64 min_length, max_length;  /* in Unicode characters */
    char *pattern_text;
    GRegex *pattern;
    char **enum_values;             /* NULL-terminated, or NULL */
    /* int (min_i/max_i) and number (min_d/max_d) */
    gboolean has_min, has_max;
    gint64 min_i, max_i;
    double min_d, max_d;
    /* url: allowed schemes, lower case; NULL means http and https */
    char **schemes;
    /* bytes */
    gboolean has_max_bytes;
    gint64 max_bytes;
    guint media_types;              /* rc_media_type bits; 0 = any */
    /* list */
    rc_field *items;                /* the element spec */
    gboolean has_min_items, has_max_items;
    gint64 min_items, max_items;

    gboolean has_default;
    roomctl_value default_value;    /* owns its data; text in the schema's strings */
};

struct roomctl_schema {
    char *type;
    int version;
    roomctl_kind kind;
    char *description;
    char *file;
    guint line, column;             /* where `type:` was written */
    gboolean ignore_unknown;        /* unknown_fields: ignore */
    roomctl_compat compatibility;   /* declared; default backward */
    guint n_fields;
    rc_field *fields;               /* in file order */
    guint n_key;
    guint *key;                     /* indexes into fields */
    GHashTable *by_name;            /* field name -> rc_field* */
    GStringChunk *strings;          /* texts of defaults */
};

/* ---- schema_value.c: the one place where wire text becomes a value ------ */

/* Parse and check @text against @field (for a list field: against its
 * element spec, one element).  On success fills @out: out->text = @text
 * (borrowed), bytes data owned by @out.  On failure returns FALSE and sets
 * @problem to a message like "expected int, got 'three'" (free with g_free). */
gboolean rc_field_parse(const rc_field *field, const char *text, roomctl_value *out,
                        char **problem);
/* Check a list's length against min_items/max_items. */
gboolean rc_field_check_items(const rc_field *field, gsize count, char **problem);
/* Strict decimal integer: optional '-', digits, no overflow. */
gboolean rc_parse_int(const char *text, gint64 *out);
/* Decimal number as JSON writes it: no hex, no inf or nan. */
gboolean rc_parse_number(const char *text, double *out);
/* Free what @value owns and reset it to unset. */
void rc_value_clear(roomctl_value *value);
/* A list block from @count values whose texts are copied into the block;
 * bytes data moves into it (the source values no longer own it). */
rc_list *rc_list_new(roomctl_value *values, gsize count);
void rc_list_free(rc_list *list);
gboolean rc_value_equal(const roomctl_value *a, const roomctl_value *b);
/* The field type's name as a schema writes it ("string", …). */
const char *rc_field_type_name(roomctl_field_type type);

/* ---- schema.c ------------------------------------------------------------ */

const rc_field *rc_schema_field(const roomctl_schema *schema, const char *name);

G_END_DECLS

#endif

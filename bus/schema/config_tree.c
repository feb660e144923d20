/* One strict YAML reader for every YAML input of roomctl (schemas, item files,
 * the agent configuration, plugin sections): a libyaml event parser that
 * builds a read-only tree whose nodes know where they were written. */
#include <string.h>
#include <yaml.h>

#include "config_tree.h"
#include "error_data.h"
#include "files.h"

#define MAX_DEPTH 64
#define MAX_BYTES (1024 * 1024)
/* Mappings with more entries than this get a hash index for lookups. */
#define INDEX_THRESHOLD 8

struct roomctl_config {
    roomctl_config_kind kind;
    gboolean plain;          /* scalar written without quotes */
    guint line, column;
    guint key_line, key_column;
    char *text;              /* scalar text */
    char *key;               /* this node's key in its parent mapping */
    GPtrArray *children;     /* mapping and list entries, in file order */
    GHashTable *index;       /* key -> child, for big mappings */
    char *location;          /* "FILE:LINE:COL" */
    const char *file;        /* the root's file_owned */
    char *file_owned;        /* root only */
};

typedef struct {
    roomctl_config *node;
    roomctl_config *pending_key; /* a mapping's key scalar waiting for its value */
    gboolean orphan;             /* a duplicate key's value: parsed, then dropped */
} frame;

typedef struct {
    const char *file;
    const char *data;
    gsize len;
    GString *errors;
    guint first_line, first_column; /* of the first error: the GError's position */
    gboolean fatal;
    roomctl_config *root;
    GArray *stack;
    int documents;
} parse_state;

static void node_free(roomctl_config *node)
{
    if (!node)
        return;
    if (node->children)
        g_ptr_array_unref(node->children);
    if (node->index)
        g_hash_table_unref(node->index);
    g_free(node->text);
    g_free(node->key);
    g_free(node->location);
    g_free(node->file_owned);
    g_free(node);
}

static roomctl_config *node_new(const char *file, roomctl_config_kind kind, guint line,
                                guint column)
{
    roomctl_config *node = g_new0(roomctl_config, 1);
    node->kind = kind;
    node->line = line;
    node->column = column;
    node->file = file;
    node->location = g_strdup_printf("%s:%u:%u", file, line, column);
    if (kind != ROOMCTL_CONFIG_SCALAR)
        node->children = g_ptr_array_new_with_free_func((GDestroyNotify)node_free);
    return node;
}

static void add_error(parse_state *st, guint line, guint column, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static void add_error(parse_state *st, guint line, guint column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (st->errors->len) {
        g_string_append_c(st->errors, '\n');
    } else {
        st->first_line = line;
        st->first_column = column;
    }
    g_string_append_printf(st->errors, "%s:%u:%u: error: ", st->file, line, column);
    g_string_append_vprintf(st->errors, fmt, ap);
    va_end(ap);
}

static roomctl_config *mapping_lookup(const roomctl_config *map, const char *key)
{
    if (map->index)
        return g_hash_table_lookup(map->index, key);
    for (guint i = 0; i < map->children->len; i++) {
        roomctl_config *child = g_ptr_array_index(map->children, i);
        if (!strcmp(child->key, key))
            return child;
    }
    return NULL;
}

static void mapping_append(roomctl_config *map, roomctl_config *child)
{
    g_ptr_array_add(map->children, child);
    if (!map->index && map->children->len > INDEX_THRESHOLD) {
        map->index = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint i = 0; i < map->children->len; i++) {
            roomctl_config *c = g_ptr_array_index(map->children, i);
            g_hash_table_insert(map->index, c->key, c);
        }
    } else if (map->index) {
        g_hash_table_insert(map->index, child->key, child);
    }
}

/* Hang a new node under the innermost open container.  Returns FALSE when the
 * node was not kept (the caller frees it). */
static gboolean attach(parse_state *st, roomctl_config *node)
{
    if (st->stack->len == 0) {
        st->root = node;
        return TRUE;
    }
    frame *top = &g_array_index(st->stack, frame, st->stack->len - 1);
    if (top->node->kind == ROOMCTL_CONFIG_LIST) {
        g_ptr_array_add(top->node->children, node);
        return TRUE;
    }
    if (!top->pending_key) {
        if (node->kind != ROOMCTL_CONFIG_SCALAR) {
            add_error(st, node->line, node->column, "mapping keys must be plain scalars");
            st->fatal = TRUE;
            return FALSE;
        }
        top->pending_key = node;
        return TRUE;
    }
    roomctl_config *key = top->pending_key;
    top->pending_key = NULL;
    node->key = key->text;
    key->text = NULL;
    node->key_line = key->line;
    node->key_column = key->column;
    node_free(key);
    roomctl_config *first = mapping_lookup(top->node, node->key);
    if (first) {
        add_error(st, node->key_line, node->key_column,
                  "duplicate key '%s' (first defined at line %u)", node->key, first->key_line);
        return FALSE;
    }
    mapping_append(top->node, node);
    return TRUE;
}

static void check_anchor_and_tag(parse_state *st, const yaml_mark_t *mark,
                                 const yaml_char_t *anchor, const yaml_char_t *tag)
{
    if (anchor)
        add_error(st, mark->line + 1, mark->column + 1,
                  "anchors ('&%s') are not allowed", (const char *)anchor);
    if (tag)
        add_error(st, mark->line + 1, mark->column + 1,
                  "tags ('%s') are not allowed", (const char *)tag);
}

static void open_container(parse_state *st, roomctl_config *node)
{
    if (st->stack->len >= MAX_DEPTH) {
        add_error(st, node->line, node->column, "nesting deeper than %d levels", MAX_DEPTH);
        st->fatal = TRUE;
        node_free(node);
        return;
    }
    /* A container that is not kept is still parsed, to report errors in it. */
    frame f = { node, NULL, !attach(st, node) };
    g_array_append_val(st->stack, f);
}

static void pop(parse_state *st)
{
    frame *top = &g_array_index(st->stack, frame, st->stack->len - 1);
    node_free(top->pending_key);
    if (top->orphan)
        node_free(top->node);
    g_array_set_size(st->stack, st->stack->len - 1);
}

static void handle_event(parse_state *st, const yaml_event_t *ev)
{
    guint line = ev->start_mark.line + 1, column = ev->start_mark.column + 1;
    roomctl_config *node;

    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++st->documents > 1) {
            add_error(st, line, column, "only one YAML document per file is allowed");
            st->fatal = TRUE;
        }
        break;
    case YAML_ALIAS_EVENT:
        add_error(st, line, column, "aliases ('*%s') are not allowed",
                  (const char *)ev->data.alias.anchor);
        node = node_new(st->file, ROOMCTL_CONFIG_SCALAR, line, column);
        node->text = g_strdup("");
        node->plain = TRUE;
        if (!attach(st, node))
            node_free(node);
        break;
    case YAML_SCALAR_EVENT:
        check_anchor_and_tag(st, &ev->start_mark, ev->data.scalar.anchor, ev->data.scalar.tag);
        if (memchr(ev->data.scalar.value, 0, ev->data.scalar.length))
            add_error(st, line, column, "NUL characters are not allowed");
        node = node_new(st->file, ROOMCTL_CONFIG_SCALAR, line, column);
        node->text = g_strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
        node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (!attach(st, node))
            node_free(node);
        break;
    case YAML_SEQUENCE_START_EVENT:
        check_anchor_and_tag(st, &ev->start_mark, ev->data.sequence_start.anchor,
                             ev->data.sequence_start.tag);
        open_container(st, node_new(st->file, ROOMCTL_CONFIG_LIST, line, column));
        break;
    case YAML_MAPPING_START_EVENT:
        check_anchor_and_tag(st, &ev->start_mark, ev->data.mapping_start.anchor,
                             ev->data.mapping_start.tag);
        open_container(st, node_new(st->file, ROOMCTL_CONFIG_MAPPING, line, column));
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (st->stack->len)
            pop(st);
        break;
    default:
        break;
    }
}

/* Line and column (from 1, in characters) of byte @offset of @data. */
static void position_of(const char *data, gsize offset, guint *line, guint *column)
{
    *line = 1;
    *column = 1;
    for (gsize i = 0; i < offset; i++) {
        if (data[i] == '\n') {
            (*line)++;
            *column = 1;
        } else if (((guchar)data[i] & 0xC0) != 0x80) {
            (*column)++;
        }
    }
}

static void parse(parse_state *st)
{
    const char *bad;
    if (!g_utf8_validate(st->data, st->len, &bad)) {
        guint line, column;
        position_of(st->data, bad - st->data, &line, &column);
        add_error(st, line, column, *bad ? "invalid UTF-8" : "NUL bytes are not allowed");
        return;
    }

    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)st->data, st->len);
    gboolean done = FALSE;
    while (!done && !st->fatal) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            const yaml_mark_t *mark = &parser.problem_mark;
            if (parser.context)
                add_error(st, mark->line + 1, mark->column + 1, "%s %s", parser.problem,
                          parser.context);
            else
                add_error(st, mark->line + 1, mark->column + 1, "%s",
                          parser.problem ? parser.problem : "YAML syntax error");
            break;
        }
        handle_event(st, &ev);
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
}

static roomctl_config *new_root(const char *file, roomctl_config_kind kind)
{
    char *owned = g_strdup(file);
    roomctl_config *root = node_new(owned, kind, 1, 1);
    root->file_owned = owned;
    return root;
}

roomctl_config *roomctl_config_load_string(const char *name, const char *yaml, gssize len,
                                           GError **error)
{
    g_return_val_if_fail(yaml != NULL, NULL);
    if (!name)
        name = "<string>";
    gsize size = len < 0 ? strlen(yaml) : (gsize)len;
    if (size > MAX_BYTES) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONFIG,
                    "%s:1:1: error: file is too large (%" G_GSIZE_FORMAT
                    " bytes; the limit is 1 MiB)", name, size);
        rc_error_set_position(error ? *error : NULL, name, 1, 1);
        return NULL;
    }

    char *owned_name = g_strdup(name);
    parse_state st = { .file = owned_name, .data = yaml, .len = size,
                       .errors = g_string_new(NULL),
                       .stack = g_array_new(FALSE, FALSE, sizeof(frame)) };
    parse(&st);
    while (st.stack->len) /* left open by a fatal stop */
        pop(&st);
    g_array_unref(st.stack);

    if (st.errors->len) {
        g_set_error_literal(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONFIG, st.errors->str);
        rc_error_set_position(error ? *error : NULL, name, st.first_line, st.first_column);
        g_string_free(st.errors, TRUE);
        roomctl_config_free(st.root);
        g_free(owned_name);
        return NULL;
    }
    g_string_free(st.errors, TRUE);
    if (!st.root) {
        /* An empty document is an empty mapping: "no settings". */
        st.root = node_new(owned_name, ROOMCTL_CONFIG_MAPPING, 1, 1);
    }
    st.root->file_owned = owned_name;
    return st.root;
}

roomctl_config *roomctl_config_load_file(const char *path, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    gsize len = 0;
    GError *io = NULL;
    /* Capped for any file: `roomctl schema check /dev/zero` or a FIFO must
     * not read without end. */
    char *data = rc_read_file_capped(path, MAX_BYTES, &len, &io);
    if (!data && io) {
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_IO, "%s: error: %s", path, io->message);
        g_error_free(io);
        return NULL;
    }
    if (!data) {
        char *size = len ? g_strdup_printf("%" G_GSIZE_FORMAT " bytes", len)
                         : g_strdup("more than 1 MiB");
        g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_CONFIG,
                    "%s:1:1: error: file is too large (%s; the limit is 1 MiB)", path, size);
        g_free(size);
        return NULL;
    }
    roomctl_config *root = roomctl_config_load_string(path, data, len, error);
    g_free(data);
    return root;
}

void roomctl_config_free(roomctl_config *root)
{
    node_free(root);
}

roomctl_config *roomctl_config_new_empty(void)
{
    return new_root("(none)", ROOMCTL_CONFIG_MAPPING);
}

guint roomctl_config_line(const roomctl_config *node) { return node ? node->line : 0; }
guint roomctl_config_column(const roomctl_config *node) { return node ? node->column : 0; }
guint rc_config_key_line(const roomctl_config *node) { return node ? node->key_line : 0; }
guint rc_config_key_column(const roomctl_config *node) { return node ? node->key_column : 0; }
const char *rc_config_file(const roomctl_config *node) { return node ? node->file : NULL; }

gboolean rc_config_is_null(const roomctl_config *node)
{
    if (!node || node->kind != ROOMCTL_CONFIG_SCALAR || !node->plain)
        return FALSE;
    const char *t = node->text;
    return !*t || !strcmp(t, "~") || !strcmp(t, "null") || !strcmp(t, "Null") ||
           !strcmp(t, "NULL");
}

/* ---- The SDK accessors (roomctl/plugin.h) ---------------------------------- */

roomctl_config_kind roomctl_config_kind_of(const roomctl_config *config)
{
    return config ? config->kind : ROOMCTL_CONFIG_SCALAR;
}

const char *roomctl_config_scalar(const roomctl_config *config)
{
    return config && config->kind == ROOMCTL_CONFIG_SCALAR ? config->text : NULL;
}

const roomctl_config *roomctl_config_child(const roomctl_config *config, const char *key)
{
    if (!config || !key || config->kind != ROOMCTL_CONFIG_MAPPING)
        return NULL;
    return mapping_lookup(config, key);
}

size_t roomctl_config_length(const roomctl_config *config)
{
    return config && config->children ? config->children->len : 0;
}

const roomctl_config *roomctl_config_at(const roomctl_config *config, size_t index,
                                        const char **key)
{
    if (key)
        *key = NULL;
    if (!config || !config->children || index >= config->children->len)
        return NULL;
    roomctl_config *child = g_ptr_array_index(config->children, index);
    if (key)
        *key = child->key;
    return child;
}

const char *roomctl_config_location(const roomctl_config *config)
{
    return config ? config->location : "";
}

const char *roomctl_config_get_string(const roomctl_config *config, const char *key,
                                      const char *fallback)
{
    const char *text = roomctl_config_scalar(roomctl_config_child(config, key));
    return text ? text : fallback;
}

int roomctl_config_get_int(const roomctl_config *config, const char *key, int64_t *out)
{
    if (!key || !out)
        return ROOMCTL_PLUGIN_EINVAL;
    const roomctl_config *child = roomctl_config_child(config, key);
    if (!child)
        return ROOMCTL_PLUGIN_ENOFIELD;
    gint64 value;
    if (child->kind != ROOMCTL_CONFIG_SCALAR ||
        !g_ascii_string_to_signed(child->text, 10, G_MININT64, G_MAXINT64, &value, NULL))
        return ROOMCTL_PLUGIN_ETYPE;
    *out = value;
    return ROOMCTL_PLUGIN_OK;
}

int roomctl_config_get_bool(const roomctl_config *config, const char *key, int *out)
{
    if (!key || !out)
        return ROOMCTL_PLUGIN_EINVAL;
    const roomctl_config *child = roomctl_config_child(config, key);
    if (!child)
        return ROOMCTL_PLUGIN_ENOFIELD;
    const char *t = roomctl_config_scalar(child);
    if (t && !strcmp(t, "true"))
        *out = 1;
    else if (t && !strcmp(t, "false"))
        *out = 0;
    else
        return ROOMCTL_PLUGIN_ETYPE;
    return ROOMCTL_PLUGIN_OK;
}

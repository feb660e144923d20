/* Items: how a draft becomes an item (one allocation), item ids, references,
 * and the item and value accessors of the plugin SDK. */
#include <string.h>

#include "codec.h"
#include "error_data.h"
#include "item_id.h"
#include "item_private.h"

/* ---- Drafts --------------------------------------------------------------- */

void rc_draft_init(rc_draft *draft, const roomctl_schema *schema, roomctl_value *storage)
{
    draft->schema = schema;
    draft->values = storage;
    draft->lists = NULL;
    draft->temps = NULL;
    memset(storage, 0, schema->n_fields * sizeof(roomctl_value));
}

void rc_draft_clear(rc_draft *draft)
{
    for (guint i = 0; i < draft->schema->n_fields; i++) {
        rc_value_clear(&draft->values[i]);
        if (draft->lists && draft->lists[i]) {
            for (guint e = 0; e < draft->lists[i]->len; e++)
                rc_value_clear(&g_array_index(draft->lists[i], roomctl_value, e));
            g_array_unref(draft->lists[i]);
        }
    }
    g_free(draft->lists);
    draft->lists = NULL;
    if (draft->temps)
        g_ptr_array_unref(draft->temps);
    draft->temps = NULL;
}

char *rc_draft_keep(rc_draft *draft, char *text)
{
    if (!draft->temps)
        draft->temps = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(draft->temps, text);
    return text;
}

gboolean rc_draft_set(rc_draft *draft, const rc_field *field, const char *text, GError **error)
{
    const char *type = draft->schema->type;
    char *problem = NULL;
    if (field->type == ROOMCTL_FIELD_LIST) {
        roomctl_value element;
        if (!rc_field_parse(field->items, text, &element, &problem))
            goto fail;
        if (!draft->lists)
            draft->lists = g_new0(GArray *, draft->schema->n_fields);
        if (!draft->lists[field->index])
            draft->lists[field->index] = g_array_new(FALSE, FALSE, sizeof(roomctl_value));
        g_array_append_val(draft->lists[field->index], element);
        return TRUE;
    }
    roomctl_value *slot = &draft->values[field->index];
    if (slot->flags & RC_VALUE_SET) {
        rc_set_field_error(error, ROOMCTL_ERR_INVALID_ITEM, field->name,
                           "%s: field '%s' is given more than once", type, field->name);
        return FALSE;
    }
    if (rc_field_parse(field, text, slot, &problem))
        return TRUE;
    rc_value_clear(slot);
fail:
    rc_set_field_error(error, ROOMCTL_ERR_INVALID_ITEM, field->name, "%s: field '%s': %s", type,
                       field->name, problem);
    g_free(problem);
    return FALSE;
}

/* The state id of the draft's values: "TYPE:KEY1[:KEY2…]"; a new GString. */
static GString *state_id(const roomctl_schema *s, const roomctl_value *values)
{
    GString *id = g_string_new(s->type);
    for (guint k = 0; k < s->n_key; k++) {
        const roomctl_value *key = &values[s->key[k]];
        rc_item_id_add_key(id, key->type, key->u.i, key->text);
    }
    return id;
}

static gboolean finish_lists(rc_draft *draft, GError **error)
{
    const roomctl_schema *s = draft->schema;
    for (guint i = 0; draft->lists && i < s->n_fields; i++) {
        GArray *elements = draft->lists[i];
        if (!elements)
            continue;
        char *problem = NULL;
        if (!rc_field_check_items(&s->fields[i], elements->len, &problem)) {
            rc_set_field_error(error, ROOMCTL_ERR_INVALID_ITEM, s->fields[i].name,
                               "%s: field '%s': %s", s->type, s->fields[i].name, problem);
            g_free(problem);
            return FALSE;
        }
        roomctl_value *v = &draft->values[i];
        v->type = ROOMCTL_FIELD_LIST;
        v->flags = RC_VALUE_SET | RC_VALUE_OWNS_DATA;
        v->u.list = rc_list_new((roomctl_value *)elements->data, elements->len);
    }
    return TRUE;
}

roomctl_item *rc_draft_finish(rc_draft *draft, const char *item_id, GError **error)
{
    const roomctl_schema *s = draft->schema;
    roomctl_item *item = NULL;
    if (!finish_lists(draft, error))
        goto out;

    gsize text_size = 0;
    for (guint i = 0; i < s->n_fields; i++) {
        const rc_field *f = &s->fields[i];
        roomctl_value *v = &draft->values[i];
        if (v->flags & RC_VALUE_SET) {
            if (v->text)
                text_size += strlen(v->text) + 1;
        } else if (f->required) {
            rc_set_field_error(error, ROOMCTL_ERR_INVALID_ITEM, f->name,
                               "%s: missing required field '%s'", s->type, f->name);
            goto out;
        }
    }

    GString *state = NULL;
    const char *id_text;
    char *fresh = NULL;
    if (s->kind == ROOMCTL_KIND_STATE) {
        state = state_id(s, draft->values);
        id_text = state->str;
        if (item_id && strcmp(item_id, id_text)) {
            g_set_error(error, ROOMCTL_ERROR, ROOMCTL_ERR_INVALID_ITEM,
                        "%s: item id '%s' does not match the item's key (expected '%s')",
                        s->type, item_id, id_text);
            g_string_free(state, TRUE);
            goto out;
        }
    } else {
        id_text = item_id ? item_id : (fresh = g_uuid_string_random());
    }
    gsize id_len = strlen(id_text) + 1;

    item = g_malloc(sizeof(roomctl_item) + s->n_fields * sizeof(roomctl_value) + text_size +
                    id_len);
    item->refs = 1;
    item->schema = s;
    item->room = item->publisher = NULL;
    item->replay = FALSE;
    item->n_values = s->n_fields;
    char *texts = (char *)&item->values[s->n_fields];
    for (guint i = 0; i < s->n_fields; i++) {
        roomctl_value *v = &draft->values[i];
        if (v->flags & RC_VALUE_SET) {
            item->values[i] = *v;
            if (v->text) {
                gsize len = strlen(v->text) + 1;
                item->values[i].text = memcpy(texts, v->text, len);
                texts += len;
            }
            v->flags = 0; /* the item owns its data now */
        } else if (s->fields[i].has_default) {
            item->values[i] = s->fields[i].default_value;
            item->values[i].flags = RC_VALUE_SET | RC_VALUE_DEFAULT;
        } else {
            memset(&item->values[i], 0, sizeof(roomctl_value));
            item->values[i].type = s->fields[i].type;
        }
    }
    item->id = memcpy(texts, id_text, id_len);
    if (state)
        g_string_free(state, TRUE);
    g_free(fresh);
out:
    rc_draft_clear(draft);
    return item;
}

/* ---- The private API of the bus (codec.h) ------------------------------------- */

void rc_item_set_origin(roomctl_item *item, const char *room, const char *publisher,
                        gboolean replay)
{
    char *old_room = item->room, *old_publisher = item->publisher;
    item->room = g_strdup(room);
    item->publisher = g_strdup(publisher);
    item->replay = replay;
    g_free(old_room);
    g_free(old_publisher);
}

gboolean rc_item_equal(const roomctl_item *a, const roomctl_item *b)
{
    if (a == b)
        return TRUE;
    if (!a || !b || strcmp(a->schema->type, b->schema->type) ||
        a->schema->version != b->schema->version || strcmp(a->id, b->id) ||
        a->n_values != b->n_values)
        return FALSE;
    for (guint i = 0; i < a->n_values; i++)
        if (!rc_value_equal(&a->values[i], &b->values[i]))
            return FALSE;
    return TRUE;
}

const roomctl_schema *roomctl_item_schema(const roomctl_item *item)
{
    return item->schema;
}

/* ---- Items (roomctl/plugin.h) ----------------------------------------------------- */

const char *roomctl_item_type(const roomctl_item *item) { return item->schema->type; }
int roomctl_item_schema_version(const roomctl_item *item) { return item->schema->version; }
const char *roomctl_item_id(const roomctl_item *item) { return item->id; }
const char *roomctl_item_publisher(const roomctl_item *item) { return item->publisher; }
const char *roomctl_item_room(const roomctl_item *item) { return item->room; }
int roomctl_item_is_replay(const roomctl_item *item) { return item->replay ? 1 : 0; }

int roomctl_item_is_state(const roomctl_item *item)
{
    return item->schema->kind == ROOMCTL_KIND_STATE;
}

const roomctl_item *roomctl_item_ref(const roomctl_item *item)
{
    if (item)
        g_atomic_int_inc(&((roomctl_item *)item)->refs);
    return item;
}

void roomctl_item_unref(const roomctl_item *citem)
{
    roomctl_item *item = (roomctl_item *)citem;
    if (!item || !g_atomic_int_dec_and_test(&item->refs))
        return;
    for (guint i = 0; i < item->n_values; i++)
        if (!(item->values[i].flags & RC_VALUE_DEFAULT))
            rc_value_clear(&item->values[i]);
    g_free(item->room);
    g_free(item->publisher);
    g_free(item);
}

size_t roomctl_item_field_count(const roomctl_item *item) { return item->n_values; }

const char *roomctl_item_field_name(const roomctl_item *item, size_t index)
{
    return index < item->n_values ? item->schema->fields[index].name : NULL;
}

const roomctl_value *roomctl_item_field_at(const roomctl_item *item, size_t index)
{
    if (index >= item->n_values || !(item->values[index].flags & RC_VALUE_SET))
        return NULL;
    return &item->values[index];
}

const roomctl_value *roomctl_item_get(const roomctl_item *item, const char *field)
{
    if (!item || !field)
        return NULL;
    const rc_field *f = rc_schema_field(item->schema, field);
    return f ? roomctl_item_field_at(item, f->index) : NULL;
}

int roomctl_item_has(const roomctl_item *item, const char *field)
{
    return roomctl_item_get(item, field) != NULL;
}

/* The value of @field when it has one of the two types, else the error code. */
static int typed(const roomctl_item *item, const char *field, roomctl_field_type a,
                 roomctl_field_type b, const roomctl_value **out)
{
    if (!item || !field)
        return ROOMCTL_PLUGIN_EINVAL;
    const rc_field *f = rc_schema_field(item->schema, field);
    if (!f)
        return ROOMCTL_PLUGIN_ENOFIELD;
    if (f->type != a && f->type != b)
        return ROOMCTL_PLUGIN_ETYPE;
    *out = roomctl_item_field_at(item, f->index);
    return *out ? ROOMCTL_PLUGIN_OK : ROOMCTL_PLUGIN_ENOFIELD;
}

int roomctl_item_get_string(const roomctl_item *item, const char *field, const char **out)
{
    const roomctl_value *v;
    int rc = typed(item, field, ROOMCTL_FIELD_STRING, ROOMCTL_FIELD_URL, &v);
    if (rc == ROOMCTL_PLUGIN_ETYPE)
        rc = typed(item, field, ROOMCTL_FIELD_JID, ROOMCTL_FIELD_TIMESTAMP, &v);
    if (rc == ROOMCTL_PLUGIN_OK && out)
        *out = v->text;
    return rc;
}

int roomctl_item_get_int(const roomctl_item *item, const char *field, int64_t *out)
{
    const roomctl_value *v;
    int rc = typed(item, field, ROOMCTL_FIELD_INT, ROOMCTL_FIELD_INT, &v);
    if (rc == ROOMCTL_PLUGIN_OK && out)
        *out = v->u.i;
    return rc;
}

int roomctl_item_get_number(const roomctl_item *item, const char *field, double *out)
{
    const roomctl_value *v;
    int rc = typed(item, field, ROOMCTL_FIELD_NUMBER, ROOMCTL_FIELD_INT, &v);
    if (rc == ROOMCTL_PLUGIN_OK && out)
        *out = roomctl_value_number(v);
    return rc;
}

int roomctl_item_get_bool(const roomctl_item *item, const char *field, int *out)
{
    const roomctl_value *v;
    int rc = typed(item, field, ROOMCTL_FIELD_BOOL, ROOMCTL_FIELD_BOOL, &v);
    if (rc == ROOMCTL_PLUGIN_OK && out)
        *out = v->u.b ? 1 : 0;
    return rc;
}

int roomctl_item_get_bytes(const roomctl_item *item, const char *field, const uint8_t **data,
                           size_t *len)
{
    const roomctl_value *v;
    int rc = typed(item, field, ROOMCTL_FIELD_BYTES, ROOMCTL_FIELD_BYTES, &v);
    if (rc == ROOMCTL_PLUGIN_OK) {
        const uint8_t *bytes = roomctl_value_bytes(v, len);
        if (data)
            *data = bytes;
    }
    return rc;
}

int roomctl_item_get_timestamp(const roomctl_item *item, const char *field, int64_t *out)
{
    const roomctl_value *v;
    int rc = typed(item, field, ROOMCTL_FIELD_TIMESTAMP, ROOMCTL_FIELD_TIMESTAMP, &v);
    if (rc == ROOMCTL_PLUGIN_OK && out)
        *out = v->u.i;
    return rc;
}

/* ---- Values (roomctl/plugin.h) -------------------------------------------------- */

roomctl_field_type roomctl_value_type(const roomctl_value *value)
{
    return value ? value->type : ROOMCTL_FIELD_STRING;
}

const char *roomctl_value_string(const roomctl_value *value)
{
    if (!value)
        return NULL;
    switch (value->type) {
    case ROOMCTL_FIELD_STRING:
    case ROOMCTL_FIELD_URL:
    case ROOMCTL_FIELD_JID:
    case ROOMCTL_FIELD_TIMESTAMP:
        return value->text;
    default:
        return NULL;
    }
}

int64_t roomctl_value_int(const roomctl_value *value)
{
    return value && value->type == ROOMCTL_FIELD_INT ? value->u.i : 0;
}

double roomctl_value_number(const roomctl_value *value)
{
    if (!value)
        return 0;
    if (value->type == ROOMCTL_FIELD_INT)
        return (double)value->u.i;
    return value->type == ROOMCTL_FIELD_NUMBER ? value->u.d : 0;
}

int roomctl_value_bool(const roomctl_value *value)
{
    return value && value->type == ROOMCTL_FIELD_BOOL && value->u.b ? 1 : 0;
}

const uint8_t *roomctl_value_bytes(const roomctl_value *value, size_t *len)
{
    if (!value || value->type != ROOMCTL_FIELD_BYTES) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = value->u.bytes.len;
    /* Empty bytes are not "no bytes": give a valid pointer. */
    return value->u.bytes.data ? value->u.bytes.data : (const uint8_t *)"";
}

int64_t roomctl_value_timestamp(const roomctl_value *value)
{
    return value && value->type == ROOMCTL_FIELD_TIMESTAMP ? value->u.i : 0;
}

const char *roomctl_value_text(const roomctl_value *value)
{
    return value ? value->text : NULL;
}

size_t roomctl_value_list_length(const roomctl_value *value)
{
    return value && value->type == ROOMCTL_FIELD_LIST && value->u.list ? value->u.list->length : 0;
}

const roomctl_value *roomctl_value_list_at(const roomctl_value *value, size_t index)
{
    if (index >= roomctl_value_list_length(value))
        return NULL;
    return &value->u.list->items[index];
}

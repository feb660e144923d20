/* ui-state: the enabled/visible state of buttons and features, kept per room
 * and written atomically as JSON to a file a UI can watch. */
#include "common/common.h"

typedef struct {
    const char *type;    /* the control type handled */
    const char *section; /* where its keys go in the file */
} ui_kind;

static const ui_kind kinds[] = {
    { "ui.button", "buttons" },
    { "ui.feature", "features" },
};

/* The item's bool fields, the only state a button or a feature has. */
static char *bool_fields_json(const roomctl_item *item)
{
    GString *out = g_string_new("{");
    for (size_t i = 0; i < roomctl_item_field_count(item); i++) {
        const roomctl_value *value = roomctl_item_field_at(item, i);
        if (!value || roomctl_value_type(value) != ROOMCTL_FIELD_BOOL)
            continue;
        if (out->len > 1)
            g_string_append_c(out, ',');
        rc_json_string(out, roomctl_item_field_name(item, i));
        g_string_append_c(out, ':');
        rc_json_value(out, value);
    }
    g_string_append_c(out, '}');
    return g_string_free(out, FALSE);
}

static int ui_handle(roomctl_plugin *plugin, const roomctl_item *item,
                     roomctl_result *result, void *user_data)
{
    const ui_kind *kind = user_data;
    const char *key = rc_item_id_key(kind->type, roomctl_item_id(item));
    rc_state_doc_set(roomctl_plugin_get_data(plugin), roomctl_item_room(item), kind->section,
                     key, bool_fields_json(item));
    return rc_state_doc_save(roomctl_plugin_get_data(plugin), plugin, result) ? 0 : -1;
}

static void ui_reset(roomctl_plugin *plugin, const char *room, const char *type,
                     const char *item_id, void *user_data)
{
    const ui_kind *kind = user_data;
    if (rc_state_doc_remove(roomctl_plugin_get_data(plugin), room, kind->section,
                            rc_item_id_key(type, item_id)))
        rc_state_doc_save(roomctl_plugin_get_data(plugin), plugin, NULL);
}

static void ui_purge(roomctl_plugin *plugin, const char *room, void *user_data)
{
    /* Both handlers get the purge; the first one empties the room. */
    if (user_data != &kinds[0])
        return;
    rc_state_doc_purge(roomctl_plugin_get_data(plugin), room);
    rc_state_doc_save(roomctl_plugin_get_data(plugin), plugin, NULL);
}

static int ui_batch_end(roomctl_plugin *plugin)
{
    return rc_state_doc_batch_end(roomctl_plugin_get_data(plugin), plugin);
}

static int ui_init(roomctl_plugin *plugin, const roomctl_config *config)
{
    rc_state_doc *doc = rc_state_doc_open(plugin, config, "the JSON file for the UI state");
    if (!doc)
        return -1;
    roomctl_plugin_set_data(plugin, doc, rc_state_doc_free);
    roomctl_plugin_set_batch_end(plugin, ui_batch_end);
    for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
        roomctl_handler_def def = {
            .types = kinds[i].type, .handle = ui_handle, .reset = ui_reset,
            .purge = ui_purge, .user_data = (void *)&kinds[i],
        };
        if (roomctl_plugin_add_handler(plugin, &def) != ROOMCTL_PLUGIN_OK) {
            roomctl_plugin_set_error(plugin, "cannot register a handler for %s", kinds[i].type);
            return -1;
        }
    }
    return 0;
}

static const roomctl_setting ui_settings[] = {
    { "file", ROOMCTL_SETTING_PATH, 1, NULL, "the JSON file for the UI state", 0, 0, NULL },
    ROOMCTL_SETTINGS_END
};

ROOMCTL_PLUGIN_DEFINE_WITH_SETTINGS("ui-state", "1.3",
                                    "Keeps buttons' and features' enabled/visible state in a "
                                    "JSON file", ui_init, NULL, ui_settings);

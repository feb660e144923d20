/* slideshow: the current slide of each deck, per room, as JSON; inline
 * images are written once to a cache directory, named by their SHA-256. */
#include "common/common.h"

#include <errno.h>
#include <string.h>

typedef struct {
    rc_state_doc *doc;
    char *cache_dir;
} slideshow;

static void slideshow_free(void *data)
{
    slideshow *show = data;
    rc_state_doc_free(show->doc);
    g_free(show->cache_dir);
    g_free(show);
}

typedef struct {
    const char *media_type;
    const char *extension;
} media;

/* Items carry bytes, not their type: tell the common formats by their first
 * bytes (the library's table, so a file the schema let through as a GIF is
 * named .gif) so that a viewer can open the cached file by its name. */
static media sniff(const guint8 *data, gsize len)
{
    rc_media_type type = rc_media_sniff(data, len);
    if (type)
        return (media){ rc_media_type_name(type), rc_media_type_extension(type) };
    gsize head = MIN(len, 256);
    if (g_strstr_len((const char *)data, (gssize)head, "<svg"))
        return (media){ "image/svg+xml", "svg" };
    return (media){ "application/octet-stream", "bin" };
}

/* Write @data to the cache (once: the name is the content) and append the
 * field's JSON: {"file", "media_type", "size", "sha256"}. */
static gboolean cache_bytes(const slideshow *show, const guint8 *data, gsize len,
                            GString *out, GError **error)
{
    media kind = sniff(data, len);
    char *hash = rc_sha256_hex(data, len);
    char *name = g_strconcat(hash, ".", kind.extension, NULL);
    char *path = g_build_filename(show->cache_dir, name, NULL);
    gboolean ok = g_file_test(path, G_FILE_TEST_EXISTS) ||
                  rc_write_atomic(path, (const char *)data, (gssize)len, error);
    if (ok) {
        g_string_append(out, "{\"file\":");
        rc_json_string(out, path);
        g_string_append(out, ",\"media_type\":");
        rc_json_string(out, kind.media_type);
        g_string_append_printf(out, ",\"size\":%" G_GSIZE_FORMAT ",\"sha256\":\"%s\"}",
                               len, hash);
    }
    g_free(path);
    g_free(name);
    g_free(hash);
    return ok;
}

/* The slide as JSON: its fields, with bytes replaced by their cached file. */
static char *slide_json(const slideshow *show, const roomctl_item *item, GError **error)
{
    GString *out = g_string_new("{");
    for (size_t i = 0; i < roomctl_item_field_count(item); i++) {
        const roomctl_value *value = roomctl_item_field_at(item, i);
        if (!value)
            continue;
        if (out->len > 1)
            g_string_append_c(out, ',');
        rc_json_string(out, roomctl_item_field_name(item, i));
        g_string_append_c(out, ':');
        if (roomctl_value_type(value) != ROOMCTL_FIELD_BYTES) {
            rc_json_value(out, value);
            continue;
        }
        size_t len = 0;
        const uint8_t *data = roomctl_value_bytes(value, &len);
        if (!cache_bytes(show, data, len, out, error)) {
            g_string_free(out, TRUE);
            return NULL;
        }
    }
    g_string_append_c(out, '}');
    return g_string_free(out, FALSE);
}

static int slide_handle(roomctl_plugin *plugin, const roomctl_item *item,
                        roomctl_result *result, void *user_data)
{
    slideshow *show = roomctl_plugin_get_data(plugin);
    GError *error = NULL;
    char *json = slide_json(show, item, &error);
    if (!json) {
        roomctl_result_fail(result, "cannot cache the image: %s", error->message);
        g_error_free(error);
        return -1;
    }
    const char *deck = rc_item_id_key(roomctl_item_type(item), roomctl_item_id(item));
    rc_state_doc_set(show->doc, roomctl_item_room(item), "decks", deck, json);
    return rc_state_doc_save(show->doc, plugin, result) ? 0 : -1;
}

static void slide_reset(roomctl_plugin *plugin, const char *room, const char *type,
                        const char *item_id, void *user_data)
{
    slideshow *show = roomctl_plugin_get_data(plugin);
    if (rc_state_doc_remove(show->doc, room, "decks", rc_item_id_key(type, item_id)))
        rc_state_doc_save(show->doc, plugin, NULL);
}

static void slide_purge(roomctl_plugin *plugin, const char *room, void *user_data)
{
    slideshow *show = roomctl_plugin_get_data(plugin);
    rc_state_doc_purge(show->doc, room);
    rc_state_doc_save(show->doc, plugin, NULL);
}

static int slide_batch_end(roomctl_plugin *plugin)
{
    slideshow *show = roomctl_plugin_get_data(plugin);
    return rc_state_doc_batch_end(show->doc, plugin);
}

static int slideshow_init(roomctl_plugin *plugin, const roomctl_config *config)
{
    const char *cache_dir = rc_option_require(plugin, config, "cache_dir",
                                              "the directory for inline images");
    if (!cache_dir)
        return -1;
    if (g_mkdir_with_parents(cache_dir, 0755) != 0) {
        roomctl_plugin_set_error(plugin, "cannot create cache_dir %s: %s", cache_dir,
                                 g_strerror(errno));
        return -1;
    }
    rc_state_doc *doc = rc_state_doc_open(plugin, config, "the JSON file for the current slides");
    if (!doc)
        return -1;
    slideshow *show = g_new0(slideshow, 1);
    show->doc = doc;
    show->cache_dir = g_strdup(cache_dir);
    roomctl_plugin_set_data(plugin, show, slideshow_free);
    roomctl_plugin_set_batch_end(plugin, slide_batch_end);
    roomctl_handler_def def = {
        .types = "slideshow.slide", .handle = slide_handle,
        .reset = slide_reset, .purge = slide_purge,
    };
    return roomctl_plugin_add_handler(plugin, &def) == ROOMCTL_PLUGIN_OK ? 0 : -1;
}

static const roomctl_setting slideshow_settings[] = {
    { "cache_dir", ROOMCTL_SETTING_PATH, 1, NULL, "the directory for inline images", 0, 0, NULL },
    { "file", ROOMCTL_SETTING_PATH, 1, NULL, "the JSON file for the current slides", 0, 0, NULL },
    ROOMCTL_SETTINGS_END
};

ROOMCTL_PLUGIN_DEFINE_WITH_SETTINGS("slideshow", "1.3",
                                    "Keeps the current slide of each deck and caches inline images",
                                    slideshow_init, NULL, slideshow_settings);

#include "host_fixture.h"
#include "codec.h"

#include <glib/gstdio.h>
#include <string.h>

static const char *level_names[] = { "ERROR", "WARNING", "INFO", "DEBUG" };

static void capture_log(roomctl_log_level level, const char *domain, const char *message,
                        void *user_data)
{
    g_string_append_printf(user_data, "%s %s: %s\n", level_names[level], domain, message);
}

static const char *env_dir(const char *variable)
{
    const char *dir = g_getenv(variable);
    if (!dir)
        fail_msg("%s is not set: run this test with meson test", variable);
    return dir;
}

const char *fixture_plugin_dir(void) { return env_dir("B_PLUGIN_DIR"); }
const char *fixture_test_plugin_dir(void) { return env_dir("B_TEST_PLUGIN_DIR"); }

int fixture_setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    GError *error = NULL;
    f->tmpdir = g_dir_make_tmp("roomctl-host-XXXXXX", &error);
    if (!f->tmpdir)
        fail_msg("cannot make a temporary directory: %s", error->message);
    f->log = g_string_new(NULL);
    roomctl_set_log_handler(capture_log, f->log);
    roomctl_set_log_level(ROOMCTL_LOG_INFO);
    f->registry = roomctl_registry_new();
    if (!roomctl_registry_load_dir(f->registry, env_dir("ROOMCTL_TEST_SCHEMAS"), &error))
        fail_msg("cannot load the schemas: %s", error->message);
    f->host = roomctl_host_new(f->registry);
    f->configs = g_ptr_array_new_with_free_func((GDestroyNotify)roomctl_config_free);
    *state = f;
    return 0;
}

static void remove_tree(const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);
    if (dir) {
        const char *name;
        while ((name = g_dir_read_name(dir))) {
            char *child = g_build_filename(path, name, NULL);
            remove_tree(child);
            g_free(child);
        }
        g_dir_close(dir);
        g_rmdir(path);
    } else {
        g_unlink(path);
    }
}

void fixture_free_host(fixture *f)
{
    g_clear_pointer(&f->host, roomctl_host_free);
}

int fixture_teardown(void **state)
{
    fixture *f = *state;
    fixture_free_host(f);
    g_ptr_array_unref(f->configs);
    roomctl_registry_free(f->registry);
    roomctl_set_log_handler(NULL, NULL);
    g_string_free(f->log, TRUE);
    g_chmod(f->tmpdir, 0700);
    remove_tree(f->tmpdir);
    g_free(f->tmpdir);
    g_free(f);
    return 0;
}

const roomctl_config *fixture_config(fixture *f, const char *yaml)
{
    GError *error = NULL;
    roomctl_config *config = roomctl_config_load_string("section.yaml", yaml, -1, &error);
    if (!config)
        fail_msg("bad test config: %s", error->message);
    g_ptr_array_add(f->configs, config);
    return config;
}

roomctl_item *fixture_item(const fixture *f, const char *xml)
{
    GError *error = NULL;
    roomctl_item *item = roomctl_item_decode_xml(f->registry, xml, NULL, &error);
    if (!item)
        fail_msg("test item does not decode: %s", error->message);
    return item;
}

roomctl_item *fixture_item_from(const fixture *f, const char *xml, const char *room,
                                const char *publisher, gboolean replay)
{
    roomctl_item *item = fixture_item(f, xml);
    rc_item_set_origin(item, room, publisher, replay);
    return item;
}

void fixture_load(fixture *f, const char *name, const char *yaml)
{
    GError *error = NULL;
    if (!roomctl_host_load(f->host, name, yaml ? fixture_config(f, yaml) : NULL, &error))
        fail_msg("cannot load %s: %s\nlog:\n%s", name, error->message, f->log->str);
}

char *fixture_load_error(fixture *f, const char *name, const char *yaml, int code)
{
    GError *error = NULL;
    gboolean ok = roomctl_host_load(f->host, name, yaml ? fixture_config(f, yaml) : NULL,
                                    &error);
    if (ok)
        fail_msg("%s loaded, but should not", name);
    if (!g_error_matches(error, ROOMCTL_ERROR, code))
        fail_msg("%s: expected error code %d, got %d: %s", name, code, error->code,
                 error->message);
    char *message = g_strdup(error->message);
    g_error_free(error);
    return message;
}

void fixture_assert_logged(const fixture *f, const char *text)
{
    if (!strstr(f->log->str, text))
        fail_msg("not logged: \"%s\"\nlog:\n%s", text, f->log->str);
}

char *fixture_read(const char *path)
{
    char *contents = NULL;
    GError *error = NULL;
    if (!g_file_get_contents(path, &contents, NULL, &error))
        fail_msg("%s", error->message);
    return contents;
}

char *fixture_path(const fixture *f, const char *name)
{
    return g_build_filename(f->tmpdir, name, NULL);
}

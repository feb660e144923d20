/* Batches (roomctl_host_begin_batch(), SDK 1.2): a plugin handed a room's
 * whole state at once writes it once, at the end; live items are written at
 * once; a batch whose end cannot be written is forgotten by the journal, so
 * that the plugin gets the items again. */
#include "host_fixture.h"

#include <glib/gstdio.h>
#include <string.h>

#define ROOM "room@conference.localhost"
#define BUTTON(key, enabled)                                                              \
    "<control xmlns='urn:roomctl:0' type='ui.button' version='1'><button>" key "</button>" \
    "<enabled>" enabled "</enabled></control>"

static void dispatch(fixture *f, const char *xml, gboolean replay)
{
    roomctl_item *item = fixture_item_from(f, xml, ROOM, "mod@localhost", replay);
    assert_int_equal(roomctl_host_dispatch(f->host, item, NULL), 0);
    roomctl_item_unref(item);
}

/* ui-state writing @file (inside the fixture's folder). */
static char *load_ui_state(fixture *f, const char *file)
{
    char *path = fixture_path(f, file);
    g_autofree char *yaml = g_strdup_printf("file: %s\n", path);
    GError *error = NULL;
    assert_true(roomctl_host_add_plugin_dir(f->host, fixture_plugin_dir(), &error));
    fixture_load(f, "ui-state", yaml);
    return path;
}

static void test_batch_writes_once(void **state)
{
    fixture *f = *state;
    g_autofree char *path = load_ui_state(f, "ui.json");
    roomctl_host_begin_batch(f->host);
    roomctl_host_begin_batch(f->host); /* batches nest */
    dispatch(f, BUTTON("k1", "false"), TRUE);
    dispatch(f, BUTTON("k2", "false"), TRUE);
    roomctl_host_reset(f->host, ROOM, "ui.button", "ui.button:k1");
    roomctl_host_end_batch(f->host);
    g_autofree char *during = fixture_read(path);
    assert_string_equal(during, "{}\n"); /* as written at init */
    roomctl_host_end_batch(f->host);
    g_autofree char *after = fixture_read(path);
    assert_non_null(strstr(after, "\"k2\": {\"enabled\":false"));
    assert_null(strstr(after, "\"k1\""));
    /* Outside a batch, each item is written at once. */
    dispatch(f, BUTTON("k3", "true"), FALSE);
    g_autofree char *live = fixture_read(path);
    assert_non_null(strstr(live, "\"k3\": {\"enabled\":true"));
    /* A batch in which the plugin got nothing does not rewrite its file. */
    assert_int_equal(g_unlink(path), 0);
    roomctl_host_begin_batch(f->host);
    roomctl_host_end_batch(f->host);
    assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
}

static void test_failed_batch_end_forgets_journal(void **state)
{
    fixture *f = *state;
    g_autofree char *dir = fixture_path(f, "ui");
    assert_int_equal(g_mkdir(dir, 0700), 0);
    g_autofree char *path = load_ui_state(f, "ui/ui.json");
    g_autofree char *journal = fixture_path(f, "journal");
    GError *error = NULL;
    if (!roomctl_host_open_journal(f->host, journal, &error))
        fail_msg("%s", error->message);
    roomctl_host_begin_batch(f->host);
    dispatch(f, BUTTON("k1", "false"), TRUE);
    /* The file cannot be written at the batch's end. */
    assert_int_equal(g_unlink(path), 0);
    assert_int_equal(g_rmdir(dir), 0);
    roomctl_host_end_batch(f->host);
    fixture_assert_logged(f, "plugin 'ui-state' could not keep what it applied in a batch");
    /* The journal no longer says it was applied: it is handed over again. */
    assert_int_equal(g_mkdir(dir, 0700), 0);
    dispatch(f, BUTTON("k1", "false"), TRUE);
    g_autofree char *text = fixture_read(path);
    assert_non_null(strstr(text, "\"k1\": {\"enabled\":false"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_batch_writes_once, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_failed_batch_end_forgets_journal, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The applied-state journal (roomctl_host_open_journal()): a host that is
 * "restarted" (freed and made again over the same files) does not hand a
 * plugin that keeps its state what it already applied, resets what was
 * retracted meanwhile, and survives a damaged or foreign journal file. */
#include "host_fixture.h"

#include <glib/gstdio.h>
#include <string.h>

#define ROOM "room@conference.localhost"
#define BUTTON(key, enabled)                                                              \
    "<control xmlns='urn:roomctl:0' type='ui.button' version='1'><button>" key "</button>" \
    "<enabled>" enabled "</enabled></control>"

/* probe-a keeps its state (unless @a_yaml says otherwise), probe-b does not;
 * ui-state writes ui.json in the fixture's folder. */
static void start_host(fixture *f, const char *a_yaml)
{
    if (!f->host)
        f->host = roomctl_host_new(f->registry);
    GError *error = NULL;
    assert_true(roomctl_host_add_plugin_dir(f->host, fixture_plugin_dir(), &error));
    g_autofree char *a = g_build_filename(fixture_test_plugin_dir(), "probe-a.so", NULL);
    g_autofree char *b = g_build_filename(fixture_test_plugin_dir(), "probe-b.so", NULL);
    g_autofree char *ui = fixture_path(f, "ui.json");
    g_autofree char *ui_yaml = g_strdup_printf("file: %s\n", ui);
    fixture_load(f, a, a_yaml ? a_yaml : "keeps_state: true\n");
    fixture_load(f, b, NULL);
    fixture_load(f, "ui-state", ui_yaml);
    g_autofree char *journal = fixture_path(f, "journal");
    if (!roomctl_host_open_journal(f->host, journal, &error))
        fail_msg("%s", error->message);
}

static void restart_host(fixture *f, const char *a_yaml)
{
    fixture_free_host(f);
    g_string_truncate(f->log, 0);
    start_host(f, a_yaml);
}

/* Dispatch a state item received in ROOM (a replay, as after a join). */
static void dispatch(fixture *f, const char *xml)
{
    roomctl_item *item = fixture_item_from(f, xml, ROOM, "mod@localhost", TRUE);
    roomctl_host_dispatch(f->host, item, NULL);
    roomctl_item_unref(item);
}

static guint count(const fixture *f, const char *text)
{
    guint n = 0;
    for (const char *at = f->log->str; (at = strstr(at, text)); at += strlen(text))
        n++;
    return n;
}

static void assert_count(const fixture *f, const char *text, guint expected)
{
    if (count(f, text) != expected)
        fail_msg("expected %u x \"%s\" in the log, got %u:\n%s", expected, text,
                 count(f, text), f->log->str);
}

static void test_restart_skips_what_was_applied(void **state)
{
    fixture *f = *state;
    start_host(f, NULL);
    dispatch(f, BUTTON("k1", "false"));
    dispatch(f, BUTTON("k2", "false"));
    dispatch(f, BUTTON("k3", "true"));

    restart_host(f, NULL);
    dispatch(f, BUTTON("k1", "false")); /* unchanged */
    dispatch(f, BUTTON("k2", "true"));  /* changed while away */
    dispatch(f, BUTTON("k4", "true"));  /* new */
    /* probe-a (keeps state) gets only the change and the new key; probe-b
     * (does not) gets everything again. */
    assert_count(f, "probe-a: handled ui.button ui.button:k1", 0);
    assert_count(f, "probe-a: handled ui.button ui.button:k2", 1);
    assert_count(f, "probe-a: handled ui.button ui.button:k4", 1);
    assert_count(f, "probe-b: handled ui.button ui.button:k1", 1);
    roomctl_host_stats stats;
    roomctl_host_get_stats(f->host, &stats);
    assert_int_equal(stats.journal_skipped, 2); /* probe-a, ui-state */
    assert_int_equal(stats.items, 3);
    assert_int_equal(stats.handler_calls, 7); /* k1: probe-b; k2, k4: all 3 */

    /* k3 was retracted while away: the room's state no longer has it. */
    GPtrArray *now = g_ptr_array_new_with_free_func((GDestroyNotify)roomctl_item_unref);
    g_ptr_array_add(now, fixture_item_from(f, BUTTON("k1", "false"), ROOM, NULL, TRUE));
    g_ptr_array_add(now, fixture_item_from(f, BUTTON("k2", "true"), ROOM, NULL, TRUE));
    g_ptr_array_add(now, fixture_item_from(f, BUTTON("k4", "true"), ROOM, NULL, TRUE));
    roomctl_host_reconcile(f->host, ROOM, now);
    assert_count(f, "probe-a: reset ui.button ui.button:k3 in " ROOM, 1);
    fixture_assert_logged(f, "ui.button:k3 is no longer in the room's state; "
                             "resetting it in plugin 'ui-state'");
    /* Only plugins the journal knows of get it: probe-b was not told of k3
     * in this process and has nothing of it to reset. */
    assert_count(f, "probe-b: reset", 0);
    g_autofree char *ui = fixture_path(f, "ui.json");
    g_autofree char *doc = fixture_read(ui);
    assert_string_equal(doc, "{\n  \"" ROOM "\": {\n    \"buttons\": {\n"
                             "      \"k1\": {\"enabled\":false,\"visible\":true},\n"
                             "      \"k2\": {\"enabled\":true,\"visible\":true},\n"
                             "      \"k4\": {\"enabled\":true,\"visible\":true}\n"
                             "    }\n  }\n}\n");
    /* Reconciling again finds nothing more to reset. */
    g_string_truncate(f->log, 0);
    roomctl_host_reconcile(f->host, ROOM, now);
    assert_count(f, "reset", 0);
    g_ptr_array_unref(now);

    /* A retraction and a purge are remembered across a restart too. */
    roomctl_host_reset(f->host, ROOM, "ui.button", "ui.button:k4");
    restart_host(f, NULL);
    dispatch(f, BUTTON("k4", "true"));
    dispatch(f, BUTTON("k1", "false"));
    assert_count(f, "probe-a: handled ui.button ui.button:k4", 1);
    assert_count(f, "probe-a: handled ui.button ui.button:k1", 0);
    roomctl_host_purge(f->host, ROOM);
    restart_host(f, NULL);
    dispatch(f, BUTTON("k1", "false"));
    assert_count(f, "probe-a: handled ui.button ui.button:k1", 1);
}

/* A room whose node is gone has no state (what roomctl_room_reconcile_host()
 * passes on ROOMCTL_ERR_NOT_FOUND): every key the plugins kept is reset,
 * other rooms' keys stay. */
static void test_empty_state_resets_everything(void **state)
{
    fixture *f = *state;
    start_host(f, NULL);
    dispatch(f, BUTTON("k1", "false"));
    dispatch(f, BUTTON("k2", "true"));
    roomctl_item *other = fixture_item_from(f, BUTTON("k1", "true"), "other@conference.localhost",
                                            NULL, TRUE);
    roomctl_host_dispatch(f->host, other, NULL);
    roomctl_item_unref(other);
    restart_host(f, NULL);
    GPtrArray *none = g_ptr_array_new();
    roomctl_host_reconcile(f->host, ROOM, none);
    g_ptr_array_unref(none);
    assert_count(f, "probe-a: reset ui.button ui.button:k1 in " ROOM, 1);
    assert_count(f, "probe-a: reset ui.button ui.button:k2 in " ROOM, 1);
    assert_count(f, "probe-a: reset ui.button ui.button:k1 in other@", 0);
    g_autofree char *ui = fixture_path(f, "ui.json");
    g_autofree char *doc = fixture_read(ui);
    assert_string_equal(doc, "{\n  \"other@conference.localhost\": {\n    \"buttons\": {\n"
                             "      \"k1\": {\"enabled\":true,\"visible\":true}\n"
                             "    }\n  },\n  \"" ROOM "\": {\n    \"buttons\": {}\n  }\n}\n");
}

static void test_failed_or_untrusted_is_applied_again(void **state)
{
    fixture *f = *state;
    /* A handler that failed has not applied the item. */
    start_host(f, "keeps_state: true\nfail: true\n");
    dispatch(f, BUTTON("k1", "false"));
    restart_host(f, NULL);
    dispatch(f, BUTTON("k1", "false"));
    assert_count(f, "probe-a: handled ui.button ui.button:k1", 1);
    /* A plugin that could not read back its state gets everything again... */
    restart_host(f, "keeps_state: true\nrestored: false\n");
    dispatch(f, BUTTON("k1", "false"));
    assert_count(f, "probe-a: handled ui.button ui.button:k1", 1);
    /* ...and so does one that no longer keeps state, whose entries go. */
    restart_host(f, "{}");
    dispatch(f, BUTTON("k1", "false"));
    assert_count(f, "probe-a: handled ui.button ui.button:k1", 1);
    fixture_assert_logged(f, "plugin 'probe-a' does not keep its state: after a restart it "
                             "gets every current item again");
    restart_host(f, NULL);
    dispatch(f, BUTTON("k1", "false"));
    assert_count(f, "probe-a: handled ui.button ui.button:k1", 1);
    /* Items without a room (not from a bus) and events are never journaled. */
    roomctl_item *item = fixture_item(f, BUTTON("k9", "true"));
    roomctl_host_dispatch(f->host, item, NULL);
    roomctl_host_dispatch(f->host, item, NULL);
    roomctl_item_unref(item);
    assert_count(f, "probe-a: handled ui.button ui.button:k9", 2);
}

static void test_foreign_file_refused(void **state)
{
    fixture *f = *state;
    g_autofree char *path = fixture_path(f, "journal");
    const char *precious = "my notes\nnot a journal\n";
    assert_true(g_file_set_contents(path, precious, -1, NULL));
    GError *error = NULL;
    assert_false(roomctl_host_open_journal(f->host, path, &error));
    g_autofree char *expected = g_strdup_printf(
        "%s:1: error: not a roomctl state journal (its first line should be "
        "'roomctl-journal 1'); move the file away or set state_file to another path", path);
    assert_string_equal(error->message, expected);
    assert_int_equal(error->code, ROOMCTL_ERR_CONFIG);
    g_clear_error(&error);
    g_autofree char *after = fixture_read(path);
    assert_string_equal(after, precious);
    /* A folder cannot be one. */
    g_autofree char *dir = fixture_path(f, "sub");
    g_mkdir(dir, 0700);
    assert_false(roomctl_host_open_journal(f->host, dir, &error));
    assert_int_equal(error->code, ROOMCTL_ERR_IO);
    g_clear_error(&error);
    g_autofree char *missing = fixture_path(f, "no/such/dir/journal");
    assert_false(roomctl_host_open_journal(f->host, missing, &error));
    assert_int_equal(error->code, ROOMCTL_ERR_IO);
    assert_non_null(strstr(error->message, "cannot write the state journal: "));
    g_clear_error(&error);
}

/* A crash right after the file was made leaves it empty: that is an empty
 * journal (everything is applied again), and it is written whole again. */
static void test_empty_file_is_empty_journal(void **state)
{
    fixture *f = *state;
    g_autofree char *path = fixture_path(f, "journal");
    assert_true(g_file_set_contents(path, "", 0, NULL));
    start_host(f, NULL);
    dispatch(f, BUTTON("k1", "false"));
    assert_count(f, "probe-a: handled ui.button ui.button:k1", 1);
    fixture_free_host(f);
    g_autofree char *text = fixture_read(path);
    assert_true(g_str_has_prefix(text, "roomctl-journal 1\n"));
    assert_non_null(strstr(text, "ui.button:k1"));
}

static void test_damaged_lines_skipped(void **state)
{
    fixture *f = *state;
    start_host(f, NULL);
    dispatch(f, BUTTON("k1", "false"));
    dispatch(f, BUTTON("k2", "false"));
    fixture_free_host(f);
    g_autofree char *path = fixture_path(f, "journal");
    g_autofree char *text = fixture_read(path);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    /* Keep the header and the k1 lines; damage the rest in every way. */
    GString *damaged = g_string_new(NULL);
    for (char **l = lines; *l && **l; l++)
        if (l == lines || strstr(*l, "ui.button:k1"))
            g_string_append_printf(damaged, "%s\n", *l);
    g_string_append(damaged, "a\t" ROOM "\tprobe-a\tui.button:k2\tnot-a-digest\n"
                             "x\t" ROOM "\n"
                             "a\t\tprobe-a\tui.button:k2\t"
                             "0000000000000000000000000000000000000000000000000000000000000000\n"
                             "p\n"
                             "a\t" ROOM "\tprobe-a\tui.button:k2"); /* cut short */
    assert_true(g_file_set_contents(path, damaged->str, -1, NULL));
    g_string_free(damaged, TRUE);
    g_string_truncate(f->log, 0);
    start_host(f, NULL);
    for (guint line = 4; line <= 7; line++) {
        g_autofree char *warning = g_strdup_printf(
            "%s:%u: ignored a damaged line; expected 'a ROOM PLUGIN ITEM_ID SHA256', "
            "'d ROOM PLUGIN ITEM_ID' or 'p ROOM', separated by tabs", path, line);
        fixture_assert_logged(f, warning);
    }
    g_autofree char *cut = g_strdup_printf("%s:8: ignored a cut last line", path);
    fixture_assert_logged(f, cut);
    /* What was whole is kept; what was damaged is applied again. */
    dispatch(f, BUTTON("k1", "false"));
    dispatch(f, BUTTON("k2", "false"));
    assert_count(f, "probe-a: handled ui.button ui.button:k1", 0);
    assert_count(f, "probe-a: handled ui.button ui.button:k2", 1);
    /* The file was rewritten whole. */
    fixture_free_host(f);
    g_autofree char *clean = fixture_read(path);
    assert_true(g_str_has_prefix(clean, "roomctl-journal 1\n"));
    assert_null(strstr(clean, "not-a-digest"));
    assert_true(g_str_has_suffix(clean, "\n"));
}

static void test_journal_stays_small(void **state)
{
    fixture *f = *state;
    start_host(f, NULL);
    /* 3000 changes of 2 keys: the file is compacted on the way. */
    for (guint i = 0; i < 1500; i++) {
        dispatch(f, i % 2 ? BUTTON("k1", "false") : BUTTON("k1", "true"));
        dispatch(f, i % 2 ? BUTTON("k2", "true") : BUTTON("k2", "false"));
    }
    g_autofree char *path = fixture_path(f, "journal");
    g_autofree char *text = fixture_read(path);
    guint lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    if (lines > 2048)
        fail_msg("the journal has %u lines for 4 live entries", lines);
    /* The last content is what counts after a restart. */
    restart_host(f, NULL);
    dispatch(f, BUTTON("k1", "false"));
    dispatch(f, BUTTON("k2", "true"));
    assert_count(f, "probe-a: handled", 0);
    dispatch(f, BUTTON("k1", "true"));
    assert_count(f, "probe-a: handled ui.button ui.button:k1", 1);
    /* The journal is private: it names the rooms a client is in. */
    GStatBuf st;
    assert_int_equal(g_stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

/* After a purge, the same item published again reaches the plugins again:
 * the purge emptied what they held, so "already applied" no longer holds,
 * in this process and after a restart. */
static void test_republish_after_purge(void **state)
{
    fixture *f = *state;
    start_host(f, NULL);
    dispatch(f, BUTTON("k1", "false"));
    dispatch(f, BUTTON("k1", "false")); /* unchanged: skipped */
    assert_count(f, "probe-a: handled ui.button ui.button:k1", 1);
    roomctl_host_purge(f->host, ROOM);
    assert_count(f, "probe-a: purge " ROOM, 1);
    dispatch(f, BUTTON("k1", "false"));
    assert_count(f, "probe-a: handled ui.button ui.button:k1", 2);
    g_autofree char *ui = fixture_path(f, "ui.json");
    g_autofree char *doc = fixture_read(ui);
    assert_non_null(strstr(doc, "\"k1\": {\"enabled\":false"));

    roomctl_host_purge(f->host, ROOM);
    restart_host(f, NULL);
    dispatch(f, BUTTON("k1", "false"));
    assert_count(f, "probe-a: handled ui.button ui.button:k1", 1);
}

/* A journal written before the digest had a canonical form (SHA-256 of
 * the item's XML): its entries match nothing now, so each item is applied
 * once more, and from then on skipped again. */
static void test_old_digest_applied_once(void **state)
{
    fixture *f = *state;
    roomctl_item *item = fixture_item_from(f, BUTTON("k1", "false"), ROOM, NULL, TRUE);
    g_autofree char *xml = roomctl_item_encode_xml(item);
    g_autofree char *old = g_compute_checksum_for_string(G_CHECKSUM_SHA256, xml, -1);
    roomctl_item_unref(item);
    g_autofree char *path = fixture_path(f, "journal");
    g_autofree char *text = g_strdup_printf("roomctl-journal 1\na\t%s\tprobe-a\tui.button:k1\t%s\n",
                                            ROOM, old);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    start_host(f, NULL);
    dispatch(f, BUTTON("k1", "false"));
    assert_count(f, "probe-a: handled ui.button ui.button:k1", 1);
    restart_host(f, NULL);
    dispatch(f, BUTTON("k1", "false"));
    assert_count(f, "probe-a: handled ui.button ui.button:k1", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_restart_skips_what_was_applied, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_empty_state_resets_everything, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_failed_or_untrusted_is_applied_again,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_foreign_file_refused, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_empty_file_is_empty_journal, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_damaged_lines_skipped, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_journal_stays_small, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_old_digest_applied_once, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_republish_after_purge, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

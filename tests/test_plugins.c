/* The shipped plugins (plugins/) on real items decoded by the codec
 * against the real schemas, checked through the files they write. */
#include "host_fixture.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#define CONTROL(type, fields) \
    "<control xmlns='urn:roomctl:0' type='" type "' version='1'>" fields "</control>"

/* Load a shipped plugin from the build tree. */
static void load_shipped(fixture *f, const char *name, const char *yaml)
{
    GError *error = NULL;
    if (!roomctl_host_add_plugin_dir(f->host, fixture_plugin_dir(), &error))
        fail_msg("%s", error->message);
    fixture_load(f, name, yaml);
}

#define ROOM "room@conference.localhost"
#define MODERATOR "mod@localhost"

/* Dispatch @item to the host; fails the test with the reasons unless every
 * handler succeeded.  Returns the number of handlers that ran.  Takes @item. */
static guint dispatch_item_ok(fixture *f, roomctl_item *item)
{
    GPtrArray *results = NULL;
    guint failed = roomctl_host_dispatch(f->host, item, &results);
    guint ran = results->len;
    for (guint i = 0; failed && i < results->len; i++) {
        const roomctl_handler_result *r = g_ptr_array_index(results, i);
        if (!r->ok)
            fail_msg("%s failed on %s: %s", r->plugin, roomctl_item_id(item), r->reason);
    }
    g_ptr_array_unref(results);
    roomctl_item_unref(item);
    return ran;
}

/* The same for an item given as XML, received live in ROOM from MODERATOR. */
static guint dispatch_ok(fixture *f, const char *xml)
{
    return dispatch_item_ok(f, fixture_item_from(f, xml, ROOM, MODERATOR, FALSE));
}

/* Dispatch expecting exactly one handler, which fails; returns its reason. */
static char *dispatch_fail(fixture *f, const char *xml)
{
    roomctl_item *item = fixture_item(f, xml);
    GPtrArray *results = NULL;
    assert_int_equal(roomctl_host_dispatch(f->host, item, &results), 1);
    assert_int_equal(results->len, 1);
    char *reason = g_strdup(((roomctl_handler_result *)results->pdata[0])->reason);
    g_ptr_array_unref(results);
    roomctl_item_unref(item);
    return reason;
}

static void assert_file(const char *path, const char *expected)
{
    char *contents = fixture_read(path);
    assert_string_equal(contents, expected);
    g_free(contents);
}

static void assert_starts_with(const char *text, const char *prefix)
{
    if (!g_str_has_prefix(text, prefix))
        fail_msg("expected \"%s...\", got \"%s\"", prefix, text);
}

/* ---- ui-state -------------------------------------------------------------------- */

static void test_ui_state(void **state)
{
    fixture *f = *state;
    char *file = fixture_path(f, "ui.json");
    char *yaml = g_strdup_printf("file: %s\n", file);
    load_shipped(f, "ui-state", yaml);
    assert_file(file, "{}\n");

    dispatch_ok(f, CONTROL("ui.button", "<button>send</button><enabled>false</enabled>"));
    dispatch_ok(f, CONTROL("ui.button", "<button>attach</button><visible>false</visible>"));
    dispatch_ok(f, CONTROL("ui.feature", "<feature>reactions</feature><enabled>false</enabled>"));
    assert_file(file, "{\n"
                      "  \"" ROOM "\": {\n"
                      "    \"buttons\": {\n"
                      "      \"attach\": {\"enabled\":true,\"visible\":false},\n"
                      "      \"send\": {\"enabled\":false,\"visible\":true}\n"
                      "    },\n"
                      "    \"features\": {\n"
                      "      \"reactions\": {\"enabled\":false}\n"
                      "    }\n"
                      "  }\n"
                      "}\n");

    /* The same key again replaces its state. */
    dispatch_ok(f, CONTROL("ui.button", "<button>send</button>"));
    /* Another room's purge leaves this room alone. */
    roomctl_host_purge(f->host, "other@conference.localhost");
    roomctl_host_reset(f->host, ROOM, "ui.button", "ui.button:attach");
    assert_file(file, "{\n"
                      "  \"" ROOM "\": {\n"
                      "    \"buttons\": {\n"
                      "      \"send\": {\"enabled\":true,\"visible\":true}\n"
                      "    },\n"
                      "    \"features\": {\n"
                      "      \"reactions\": {\"enabled\":false}\n"
                      "    }\n"
                      "  }\n"
                      "}\n");
    roomctl_host_purge(f->host, ROOM);
    assert_file(file, "{}\n");
    g_free(yaml);
    g_free(file);
}

/* A restarted host's ui-state and slideshow read back what they wrote,
 * whatever it holds (escapes, non-ASCII), and keep writing it the same way. */
static void test_state_files_read_back(void **state)
{
    fixture *f = *state;
    g_autofree char *ui = fixture_path(f, "ui.json");
    g_autofree char *slides = fixture_path(f, "slides.json");
    g_autofree char *cache = fixture_path(f, "cache");
    g_autofree char *ui_yaml = g_strdup_printf("file: %s\n", ui);
    g_autofree char *slides_yaml = g_strdup_printf("file: %s\ncache_dir: %s\n", slides, cache);
    load_shipped(f, "ui-state", ui_yaml);
    load_shipped(f, "slideshow", slides_yaml);
    dispatch_ok(f, CONTROL("ui.button", "<button>send</button><enabled>false</enabled>"));
    dispatch_ok(f, CONTROL("slideshow.slide", "<deck>main</deck><index>2</index>"
                                              "<caption>\"Caf\xc3\xa9\" \\ 1\n2\t</caption>"));
    dispatch_item_ok(f, fixture_item_from(f, CONTROL("ui.button", "<button>a</button>"),
                                          "r\xc3\xa9union@conference.localhost", NULL, FALSE));
    g_autofree char *ui_before = fixture_read(ui);
    g_autofree char *slides_before = fixture_read(slides);
    fixture_free_host(f);

    f->host = roomctl_host_new(f->registry);
    load_shipped(f, "ui-state", ui_yaml);
    load_shipped(f, "slideshow", slides_yaml);
    assert_file(ui, ui_before);
    assert_file(slides, slides_before);
    assert_null(strstr(f->log->str, "cannot read back"));
    /* Read back means kept: a change to one key leaves the others. */
    dispatch_ok(f, CONTROL("ui.button", "<button>send</button>"));
    g_autofree char *after = fixture_read(ui);
    assert_non_null(strstr(after, "\"send\": {\"enabled\":true,\"visible\":true}"));
    assert_non_null(strstr(after, "\"r\xc3\xa9union@conference.localhost\": {\n    \"buttons\": "
                                  "{\n      \"a\": {\"enabled\":true,\"visible\":true}"));

    /* Escapes written by someone else are read as the text they stand for. */
    assert_true(g_file_set_contents(ui, "{\"r\\u00e9\\ud83d\\ude00\\\"\\/\": {\"b\": "
                                        "{\"k\": [1, -2.5e+3, true, false, null, {}]}}}", -1, NULL));
    fixture_free_host(f);
    f->host = roomctl_host_new(f->registry);
    load_shipped(f, "ui-state", ui_yaml);
    assert_file(ui, "{\n  \"r\xc3\xa9\xf0\x9f\x98\x80\\\"/\": {\n    \"b\": {\n"
                    "      \"k\": [1, -2.5e+3, true, false, null, {}]\n    }\n  }\n}\n");
}

/* A state file that is not what the plugin writes: the plugin names the
 * line and what it expected, keeps the file aside, and starts empty. */
static void test_state_file_unreadable(void **state)
{
    static const struct {
        const char *text;
        const char *expected;
    } cases[] = {
        { "", "1: expected '{'" },
        { "[]\n", "1: expected '{'" },
        { "{\n  \"r\": 5\n}\n", "2: expected '{'" },
        { "{\n  \"r\": {\n    \"buttons\": {\n      \"k\": tru\n", "4: expected a JSON value" },
        { "{\"r\": {\"b\": {\"k\": {\"a\":1,}}}}", "1: expected a JSON value" },
        { "{\"r\": {\"b\": {\"k\": \"\\q\"}}}", "1: expected a JSON value" },
        { "{\"r\": {\"b\": {\"k\": \"\\ud800\"}}}", "1: expected a JSON value" },
        { "{\"r\": {\"b\": {\"k\": \"a\x01\"}}}", "1: expected a JSON value" },
        { "{\"r\": {\"b\": {\"k\": 01}}}", "1: expected ',' or '}'" },
        { "{\"r\": {\"b\": {\"k\": -}}}", "1: expected a JSON value" },
        { "{\"r\": {\"b\": {\"k\": 1.}}}", "1: expected a JSON value" },
        { "{\"r\" {}}", "1: expected ':'" },
        { "{r: {}}", "1: expected a room" },
        { "{\"r\": {5: {}}}", "1: expected a section" },
        { "{\"r\": {\"b\": {\"k\": 1 \"j\": 2}}}", "1: expected ',' or '}'" },
        { "{}\n{}\n", "2: expected the end of the file" },
        { "{\"r\xff\" \": {}}", "1: expected UTF-8 text" },
        { "{\"r\": {\"b\": {\"k\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}}",
          "1: expected a JSON value" },
    };
    fixture *f = *state;
    g_autofree char *file = fixture_path(f, "ui.json");
    g_autofree char *aside = fixture_path(f, "ui.json.unreadable");
    g_autofree char *yaml = g_strdup_printf("file: %s\n", file);
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        assert_true(g_file_set_contents(file, cases[i].text, -1, NULL));
        g_remove(aside);
        fixture_free_host(f);
        g_string_truncate(f->log, 0);
        f->host = roomctl_host_new(f->registry);
        load_shipped(f, "ui-state", yaml);
        g_autofree char *expected = g_strdup_printf(
            "cannot read back its state: %s:%s; kept the file as %s and starting with no "
            "state (every current item is applied again)", file, cases[i].expected, aside);
        if (!strstr(f->log->str, expected))
            fail_msg("case %zu (%s): expected \"%s\" in:\n%s", i, cases[i].text, expected,
                     f->log->str);
        /* Nothing is lost: the old file is kept as it was. */
        g_autofree char *kept = fixture_read(aside);
        assert_string_equal(kept, cases[i].text);
        assert_file(file, "{}\n");
    }
    /* A NUL byte is refused too. */
    assert_true(g_file_set_contents(file, "{}\0", 3, NULL));
    fixture_free_host(f);
    f->host = roomctl_host_new(f->registry);
    load_shipped(f, "ui-state", yaml);
    g_autofree char *nul = g_strdup_printf("cannot read back its state: %s: holds a NUL byte",
                                           file);
    fixture_assert_logged(f, nul);
}

/* The host checks the section against the settings ui-state declares
 * (SDK 1.4) before init: every problem, each at its place. */
static void test_ui_state_needs_file(void **state)
{
    fixture *f = *state;
    assert_true(roomctl_host_add_plugin_dir(f->host, fixture_plugin_dir(), NULL));
    char *message = fixture_load_error(f, "ui-state", "other: 1\ncolour: red\n",
                                       ROOMCTL_ERR_CONFIG);
    assert_string_equal(message,
        "section.yaml:1:1: error: plugin 'ui-state': unknown setting 'other' (known: file)\n"
        "section.yaml:2:1: error: plugin 'ui-state': unknown setting 'colour' (known: file)\n"
        "section.yaml:1:1: error: plugin 'ui-state': missing setting 'file' (the JSON file for "
        "the UI state)");
    g_free(message);
    message = fixture_load_error(f, "ui-state", "fiel: /tmp/ui.json\n", ROOMCTL_ERR_CONFIG);
    assert_string_equal(message,
        "section.yaml:1:1: error: plugin 'ui-state': unknown setting 'fiel' (did you mean "
        "'file'?)\n"
        "section.yaml:1:1: error: plugin 'ui-state': missing setting 'file' (the JSON file for "
        "the UI state)");
    g_free(message);
}

static void test_ui_state_unwritable(void **state)
{
    fixture *f = *state;
    assert_true(roomctl_host_add_plugin_dir(f->host, fixture_plugin_dir(), NULL));
    char *file = fixture_path(f, "no/such/dir/ui.json");
    char *yaml = g_strdup_printf("file: %s\n", file);
    char *message = fixture_load_error(f, "ui-state", yaml, ROOMCTL_ERR_PLUGIN);
    char *expected = g_strdup_printf("%s/ui-state.so: plugin 'ui-state' failed to start: "
                                     "cannot write %s: ", fixture_plugin_dir(), file);
    assert_starts_with(message, expected);
    g_free(expected);
    g_free(message);
    g_free(yaml);
    g_free(file);
}

/* ---- slideshow ------------------------------------------------------------------- */

/* A 1x1 PNG: the first bytes are what names the cached file's extension. */
static const char png_base64[] =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

static void test_slideshow(void **state)
{
    fixture *f = *state;
    char *file = fixture_path(f, "slides.json");
    char *cache = fixture_path(f, "cache");
    char *yaml = g_strdup_printf("file: %s\ncache_dir: %s\n", file, cache);
    load_shipped(f, "slideshow", yaml);
    assert_file(file, "{}\n");

    char *xml = g_strdup_printf(CONTROL("slideshow.slide",
                                        "<deck>intro</deck><index>2</index><total>3</total>"
                                        "<caption>Agenda &amp; goals</caption>"
                                        "<image>%s</image>"), png_base64);
    dispatch_ok(f, xml);
    gsize png_len = 0;
    guchar *png = g_base64_decode(png_base64, &png_len);
    char *hash = g_compute_checksum_for_data(G_CHECKSUM_SHA256, png, png_len);
    char *name = g_strconcat(hash, ".png", NULL);
    char *cached = g_build_filename(cache, name, NULL);
    char *data = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(cached, &data, &len, NULL));
    assert_int_equal(len, png_len);
    assert_memory_equal(data, png, png_len);

    char *expected = g_strdup_printf(
        "{\n  \"" ROOM "\": {\n    \"decks\": {\n"
        "      \"intro\": {\"deck\":\"intro\",\"index\":2,\"total\":3,"
        "\"caption\":\"Agenda & goals\",\"image\":{\"file\":\"%s\","
        "\"media_type\":\"image/png\",\"size\":%zu,\"sha256\":\"%s\"}}\n"
        "    }\n  }\n}\n", cached, png_len, hash);
    assert_file(file, expected);

    /* A second deck by URL; then the first deck is retracted. */
    dispatch_ok(f, CONTROL("slideshow.slide", "<deck>demo</deck><index>1</index>"
                           "<image_url>https://example.org/1.png</image_url>"));
    roomctl_host_reset(f->host, ROOM, "slideshow.slide", "slideshow.slide:intro");
    char *contents = fixture_read(file);
    assert_null(strstr(contents, "\"intro\""));
    assert_non_null(strstr(contents, "\"image_url\":\"https://example.org/1.png\""));

    g_free(contents);
    g_free(expected);
    g_free(data);
    g_free(cached);
    g_free(name);
    g_free(hash);
    g_free(png);
    g_free(xml);
    g_free(yaml);
    g_free(cache);
    g_free(file);
}

/* ---- chat-power ------------------------------------------------------------------ */

typedef struct {
    int calls;
    gboolean enabled;
    char *reason;
} chat_calls;

static gboolean record_chat(gboolean enabled, const char *reason, void *user_data,
                            GError **error)
{
    chat_calls *calls = user_data;
    calls->calls++;
    calls->enabled = enabled;
    g_free(calls->reason);
    calls->reason = g_strdup(reason);
    return TRUE;
}

static void test_chat_power(void **state)
{
    fixture *f = *state;
    load_shipped(f, "chat-power", NULL);

    char *reason = dispatch_fail(f, CONTROL("chat.power", "<enabled>false</enabled>"));
    assert_string_equal(reason, "this host cannot turn its chat off (it has no chat power hook)");
    g_free(reason);

    chat_calls calls = { 0 };
    roomctl_host_set_chat_power_hook(f->host, record_chat, &calls, NULL);
    dispatch_ok(f, CONTROL("chat.power", "<enabled>false</enabled><reason>exam time</reason>"));
    assert_int_equal(calls.calls, 1);
    assert_false(calls.enabled);
    assert_string_equal(calls.reason, "exam time");
    dispatch_ok(f, CONTROL("chat.power", "<enabled>true</enabled>"));
    assert_int_equal(calls.calls, 2);
    assert_true(calls.enabled);
    assert_null(calls.reason);
    fixture_assert_logged(f, "INFO plugin:chat-power: chat turned off: exam time\n");
    fixture_free_host(f);
    g_free(calls.reason);
}

/* ---- exec -------------------------------------------------------------------------- */

static void test_exec_environment(void **state)
{
    fixture *f = *state;
    char *out = fixture_path(f, "env.txt");
    char *args = fixture_path(f, "args.txt");
    char *pwned = fixture_path(f, "pwned");
    g_setenv("ROOMCTL_FIELD_STALE", "from the parent", TRUE);
    /* The configured program is a shell here only to write its environment
     * down; what comes from the item must reach it as plain words. */
    char *yaml = g_strdup_printf(
        "commands:\n"
        "  - types: ui.*\n"
        "    argv: [/bin/sh, -c, 'env | grep ^ROOMCTL_ | sort > \"$0\"', '%s']\n"
        "  - types: room.notice\n"
        "    argv: [/bin/sh, -c, 'printf \"%%s\\n\" \"$1\" \"$ROOMCTL_FIELD_TEXT\" > \"$0\"', "
        "'%s', '$(touch %s)']\n", out, args, pwned);
    load_shipped(f, "exec", yaml);

    dispatch_item_ok(f, fixture_item_from(f, CONTROL("ui.button", "<button>send</button>"
                                                     "<enabled>false</enabled>"),
                                          ROOM, MODERATOR, TRUE));
    assert_file(out, "ROOMCTL_FIELD_BUTTON=send\n"
                     "ROOMCTL_FIELD_ENABLED=false\n"
                     "ROOMCTL_FIELD_VISIBLE=true\n"
                     "ROOMCTL_ID=ui.button:send\n"
                     "ROOMCTL_PUBLISHER=" MODERATOR "\n"
                     "ROOMCTL_REPLAY=1\n"
                     "ROOMCTL_ROOM=" ROOM "\n"
                     "ROOMCTL_TYPE=ui.button\n"
                     "ROOMCTL_VERSION=1\n");

    dispatch_ok(f, CONTROL("room.notice", "<text>$(touch /tmp/x); `id` &amp; *</text>"));
    char *expected = g_strdup_printf("$(touch %s)\n$(touch /tmp/x); `id` & *\n", pwned);
    assert_file(args, expected);
    assert_false(g_file_test(pwned, G_FILE_TEST_EXISTS));
    g_unsetenv("ROOMCTL_FIELD_STALE");
    g_free(expected);
    g_free(yaml);
    g_free(pwned);
    g_free(args);
    g_free(out);
}

static void test_exec_failures(void **state)
{
    fixture *f = *state;
    load_shipped(f, "exec",
                 "commands:\n"
                 "  - {types: ui.button, argv: [/bin/false]}\n"
                 "  - {types: ui.feature, argv: [sleep, '10'], timeout_ms: 200}\n"
                 "  - {types: chat.power, argv: [/nonexistent/program]}\n"
                 "  - {types: room.notice, argv: [/bin/sh, -c, 'kill -TERM $$']}\n");

    char *reason = dispatch_fail(f, CONTROL("ui.button", "<button>send</button>"));
    assert_string_equal(reason, "'/bin/false' exited with status 1");
    g_free(reason);

    gint64 start = g_get_monotonic_time();
    reason = dispatch_fail(f, CONTROL("ui.feature", "<feature>reactions</feature>"
                                           "<enabled>true</enabled>"));
    assert_string_equal(reason, "'sleep' timed out after 200 ms and was killed");
    assert_true(g_get_monotonic_time() - start < 5 * G_USEC_PER_SEC);
    g_free(reason);

    reason = dispatch_fail(f, CONTROL("chat.power", "<enabled>true</enabled>"));
    assert_starts_with(reason, "cannot run '/nonexistent/program': ");
    g_free(reason);

    reason = dispatch_fail(f, CONTROL("room.notice", "<text>hi</text>"));
    assert_string_equal(reason, "'/bin/sh' was killed by signal 15");
    g_free(reason);
}

/* A host that ignores SIGCHLD has its children reaped by the kernel: waitpid()
 * fails with ECHILD, and exec cannot tell how the command ended.  That is a
 * failure, never a success. */
static void test_exec_lost_child(void **state)
{
    fixture *f = *state;
    load_shipped(f, "exec", "commands:\n  - {types: room.notice, argv: [/bin/false]}\n");
    struct sigaction ignore = { .sa_handler = SIG_IGN }, saved;
    sigaction(SIGCHLD, &ignore, &saved);
    char *reason = dispatch_fail(f, CONTROL("room.notice", "<text>hi</text>"));
    sigaction(SIGCHLD, &saved, NULL);
    assert_string_equal(reason, "cannot tell how '/bin/false' ended: No child processes");
    g_free(reason);
}

/* ---- Configuration errors ------------------------------------------------------------- */

static void test_config_errors(void **state)
{
    fixture *f = *state;
    assert_true(roomctl_host_add_plugin_dir(f->host, fixture_plugin_dir(), NULL));
    /* What the host refuses before init, from the settings each plugin
     * declares (SDK 1.4). */
    static const struct {
        const char *plugin;
        const char *yaml;
        const char *error;
    } host_cases[] = {
        { "ui-state", NULL,
          "error: plugin 'ui-state': missing setting 'file' (the JSON file for the UI state)" },
        { "slideshow", "file: /tmp/x.json\n",
          "section.yaml:1:1: error: plugin 'slideshow': missing setting 'cache_dir' (the "
          "directory for inline images)" },
        { "audit", "types: ui.*\n",
          "section.yaml:1:1: error: plugin 'audit': missing setting 'file' (the file to append "
          "the audit trail to)" },
        { "exec", NULL,
          "error: plugin 'exec': missing setting 'commands' (the commands to run, each {types, "
          "argv, timeout_ms})" },
        { "exec", "timeout_ms: 5\n",
          "section.yaml:1:1: error: plugin 'exec': missing setting 'commands' (the commands to "
          "run, each {types, argv, timeout_ms})" },
        { "exec", "commands:\n  - {types: ui.button}\n",
          "section.yaml:2:5: error: plugin 'exec': missing setting 'commands[0].argv' (the "
          "program and its arguments, run without a shell)" },
        { "exec", "commands:\n  - {argv: [x]}\n",
          "section.yaml:2:5: error: plugin 'exec': missing setting 'commands[0].types' (the "
          "types to run the command for: room.notice, a prefix such as ui.*, or *)" },
        { "exec", "timeout_ms: soon\ncommands:\n  - {types: ui.button, argv: [x]}\n",
          "section.yaml:1:13: error: plugin 'exec': setting 'timeout_ms': expected an integer, "
          "got 'soon'" },
        /* timeout_ms * 1000 would overflow: the command would be killed at once. */
        { "exec", "commands:\n  - {types: ui.button, argv: [x], timeout_ms: 9223372036854775807}\n",
          "section.yaml:2:47: error: plugin 'exec': setting 'commands[0].timeout_ms': "
          "9223372036854775807 is out of range: expected 1 to 86400000" },
        { "exec", "timeout_ms: 86400001\ncommands:\n  - {types: ui.button, argv: [x]}\n",
          "section.yaml:1:13: error: plugin 'exec': setting 'timeout_ms': 86400001 is out of "
          "range: expected 1 to 86400000" },
        { "exec", "commands:\n  - {types: ui.button, argv: [x]}\nreplay_after_restart: often\n",
          "section.yaml:3:23: error: plugin 'exec': setting 'replay_after_restart': expected "
          "true or false, got 'often'" },
        /* Misspelt keys (issue 17): refused with their place and a suggestion. */
        { "exec", "timout_ms: 5\ncommands:\n  - {types: ui.button, argv: [x]}\n",
          "section.yaml:1:1: error: plugin 'exec': unknown setting 'timout_ms' (did you mean "
          "'timeout_ms'?)" },
        { "exec", "commands:\n  - {types: ui.button, argv: [x], timout_ms: 5}\n",
          "section.yaml:2:35: error: plugin 'exec': unknown setting 'commands[0].timout_ms' (did "
          "you mean 'timeout_ms'?)" },
        { "chat-power", "enabled: true\n",
          "section.yaml:1:1: error: plugin 'chat-power': unknown setting 'enabled' (this plugin "
          "takes none)" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(host_cases); i++) {
        char *message = fixture_load_error(f, host_cases[i].plugin, host_cases[i].yaml,
                                           ROOMCTL_ERR_CONFIG);
        assert_string_equal(message, host_cases[i].error);
        g_free(message);
    }
    /* What only the plugin's init can tell. */
    static const struct {
        const char *plugin;
        const char *yaml;
        const char *error;
    } cases[] = {
        { "audit", "file: /nonexistent/dir/audit.jsonl\n",
          "cannot open /nonexistent/dir/audit.jsonl: No such file or directory" },
        { "exec", "commands:\n  - {types: 'ui*', argv: [x]}\n",
          "section.yaml:2:5: types: bad pattern 'ui*': expected a type such as room.notice, "
          "a prefix such as ui.*, or *" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *message = fixture_load_error(f, cases[i].plugin, cases[i].yaml,
                                           ROOMCTL_ERR_PLUGIN);
        char *expected = g_strdup_printf("%s/%s.so: plugin '%s' failed to start: %s",
                                         fixture_plugin_dir(), cases[i].plugin,
                                         cases[i].plugin, cases[i].error);
        assert_string_equal(message, expected);
        g_free(expected);
        g_free(message);
    }
    assert_int_equal(roomctl_host_plugins(f->host)->len, 0);
}

/* ---- audit ------------------------------------------------------------------------- */

static void test_audit(void **state)
{
    fixture *f = *state;
    char *file = fixture_path(f, "audit.jsonl");
    char *yaml = g_strdup_printf("file: %s\n", file);
    load_shipped(f, "audit", yaml);

    dispatch_item_ok(f, fixture_item_from(f, CONTROL("ui.button", "<button>send</button>"
                                                     "<enabled>false</enabled>"),
                                          ROOM, MODERATOR, TRUE));
    /* Every character JSON must escape, as an item can carry it. */
    dispatch_ok(f, CONTROL("room.notice", "<text>\"quoted\" back\\slash\nnew\ttab "
                                          "\xc3\xa9t\xc3\xa9 &lt;b&gt;</text>"));
    roomctl_host_reset(f->host, ROOM, "ui.button", "ui.button:send");
    roomctl_host_purge(f->host, ROOM);

    char *contents = fixture_read(file);
    char **lines = g_strsplit(contents, "\n", -1);
    assert_int_equal(g_strv_length(lines), 5); /* four lines and the empty rest */
    assert_string_equal(lines[4], "");
    for (int i = 0; i < 4; i++)
        assert_true(g_str_has_prefix(lines[i], "{\"time\":\"20"));
    const char *line = strstr(lines[0], "\",\"event\"");
    assert_non_null(line);
    assert_string_equal(line, "\",\"event\":\"item\",\"room\":\"" ROOM "\","
                              "\"type\":\"ui.button\",\"version\":1,\"id\":\"ui.button:send\","
                              "\"publisher\":\"" MODERATOR "\",\"replay\":true,\"fields\":{\"button\":\"send\","
                              "\"enabled\":false,\"visible\":true},\"result\":\"ok\"}");
    assert_non_null(strstr(lines[1], "\"text\":\"\\\"quoted\\\" back\\\\slash\\nnew\\ttab "
                                     "\xc3\xa9t\xc3\xa9 <b>\""));
    assert_non_null(strstr(lines[2], "\"event\":\"reset\",\"room\":\"" ROOM "\","
                                     "\"type\":\"ui.button\",\"id\":\"ui.button:send\"}"));
    assert_non_null(strstr(lines[3], "\"event\":\"purge\",\"room\":\"" ROOM "\"}"));
    g_strfreev(lines);
    g_free(contents);
    g_free(yaml);
    g_free(file);
}

/* ---- All of them together ---------------------------------------------------------- */

static void test_all_shipped_plugins(void **state)
{
    fixture *f = *state;
    char *audit = fixture_path(f, "audit.jsonl");
    char *ui = fixture_path(f, "ui.json");
    char *slides = fixture_path(f, "slides.json");
    char *cache = fixture_path(f, "cache");
    char *marker = fixture_path(f, "notice.txt");
    assert_true(roomctl_host_add_plugin_dir(f->host, fixture_plugin_dir(), NULL));
    char *yaml;
    fixture_load(f, "ui-state", yaml = g_strdup_printf("file: %s\n", ui));
    g_free(yaml);
    fixture_load(f, "slideshow", yaml = g_strdup_printf("file: %s\ncache_dir: %s\n", slides,
                                                         cache));
    g_free(yaml);
    fixture_load(f, "chat-power", NULL);
    fixture_load(f, "exec", yaml = g_strdup_printf("commands:\n  - types: room.notice\n"
                                                   "    argv: [touch, '%s']\n", marker));
    g_free(yaml);
    fixture_load(f, "audit", yaml = g_strdup_printf("file: %s\n", audit));
    g_free(yaml);
    chat_calls calls = { 0 };
    roomctl_host_set_chat_power_hook(f->host, record_chat, &calls, NULL);

    assert_int_equal(dispatch_ok(f, CONTROL("ui.button", "<button>send</button>")), 2);
    assert_int_equal(dispatch_ok(f, CONTROL("slideshow.slide", "<deck>d</deck><index>1</index>"
                                            "<image_url>https://example.org/a.png</image_url>")),
                     2);
    assert_int_equal(dispatch_ok(f, CONTROL("chat.power", "<enabled>false</enabled>")), 2);
    assert_int_equal(dispatch_ok(f, CONTROL("room.notice", "<text>hi</text>")), 2);
    assert_true(g_file_test(marker, G_FILE_TEST_EXISTS));
    assert_int_equal(calls.calls, 1);

    GPtrArray *names = roomctl_host_plugins(f->host);
    assert_int_equal(names->len, 5);
    fixture_free_host(f);
    g_free(calls.reason);
    g_free(marker);
    g_free(cache);
    g_free(slides);
    g_free(ui);
    g_free(audit);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ui_state, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_state_files_read_back, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_state_file_unreadable, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_ui_state_needs_file, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_ui_state_unwritable, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_slideshow, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_chat_power, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_exec_environment, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_exec_failures, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_exec_lost_child, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_config_errors, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_audit, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_all_shipped_plugins, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests_name("plugins", tests, NULL, NULL);
}

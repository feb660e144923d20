/* Hostile input to every parser of outside input (issue 5): YAML alias and
 * anchor bombs, deep nesting, huge scalars, invalid UTF-8, and XML items with
 * unexpected children, namespaces, entities or encodings.  Each is refused
 * with the message a user reads, before it can cost unbounded memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <roomctl/roomctl.h>
#include "agent/config.h"

#define NS "xmlns='urn:roomctl:0'"

/* The classic "billion laughs": nine aliases per level, 9^4 copies of "lol". */
static const char *const alias_bomb =
    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";

/* ---- Helpers ------------------------------------------------------------- */

static char *repeat(const char *unit, gsize times)
{
    GString *s = g_string_sized_new(strlen(unit) * times + 1);
    for (gsize i = 0; i < times; i++)
        g_string_append(s, unit);
    return g_string_free(s, FALSE);
}

/* Assert that @error is set, has @code and contains @expected; frees it. */
static void check_error(GError *error, int code, const char *expected)
{
    assert_non_null(error);
    if (!strstr(error->message, expected))
        fail_msg("expected '%s' in:\n%.2000s", expected, error->message);
    assert_int_equal(error->domain, ROOMCTL_ERROR);
    assert_int_equal(error->code, code);
    g_error_free(error);
}

static void config_refuses(const char *yaml, gssize len, const char *expected)
{
    GError *error = NULL;
    roomctl_config *root = roomctl_config_load_string("hostile.yaml", yaml, len, &error);
    assert_null(root);
    check_error(error, ROOMCTL_ERR_CONFIG, expected);
}

static void schema_refuses(const char *yaml, const char *expected)
{
    GError *error = NULL;
    roomctl_schema *schema = roomctl_schema_load_string("hostile.yaml", yaml, -1, &error);
    assert_null(schema);
    check_error(error, ROOMCTL_ERR_SCHEMA, expected);
}

static void agent_config_refuses(const char *yaml, const char *expected)
{
    GError *error = NULL;
    rc_agent_config *config = rc_agent_config_load_string("/nonexistent/agent.yaml", yaml, NULL,
                                                          NULL, &error);
    assert_null(config);
    check_error(error, ROOMCTL_ERR_CONFIG, expected);
}

static void item_refuses(void **state, const char *xml, int code, const char *expected)
{
    GError *error = NULL;
    roomctl_item *item = roomctl_item_decode_xml(*state, xml, NULL, &error);
    assert_null(item);
    check_error(error, code, expected);
}

/* ---- YAML ------------------------------------------------------------------ */

static void test_yaml_alias_bomb(void **state)
{
    config_refuses(alias_bomb, -1, "hostile.yaml:1:4: error: anchors ('&a') are not allowed");
    config_refuses(alias_bomb, -1, "hostile.yaml:2:8: error: aliases ('*a') are not allowed");
    schema_refuses(alias_bomb, "hostile.yaml:1:4: error: anchors ('&a') are not allowed");
    agent_config_refuses(alias_bomb,
                         "/nonexistent/agent.yaml:1:4: error: anchors ('&a') are not allowed");

    /* One message per anchor and alias written, so a bomb's message grows
     * with the file, not with its expansion. */
    GError *error = NULL;
    assert_null(roomctl_config_load_string("hostile.yaml", alias_bomb, -1, &error));
    assert_true(strlen(error->message) < 100 * strlen(alias_bomb));
    g_error_free(error);
}

static void test_yaml_merge_key_and_tags(void **state)
{
    config_refuses("base: &b {x: 1}\nderived:\n  <<: *b\n", -1,
                   "hostile.yaml:1:7: error: anchors ('&b') are not allowed");
    config_refuses("a: !!python/object:os.system [rm]\n", -1,
                   "hostile.yaml:1:4: error: tags ('tag:yaml.org,2002:python/object:os.system') "
                   "are not allowed");
}

static void test_yaml_deep_nesting(void **state)
{
    /* Flow style: 100000 '[' would be 100000 open containers. */
    char *open = repeat("[", 100000);
    config_refuses(open, -1, "hostile.yaml:1:65: error: nesting deeper than 64 levels");
    schema_refuses(open, "hostile.yaml:1:65: error: nesting deeper than 64 levels");
    agent_config_refuses(open, "agent.yaml:1:65: error: nesting deeper than 64 levels");
    g_free(open);

    /* Block style: 70 nested mappings. */
    GString *block = g_string_new(NULL);
    for (int i = 0; i < 70; i++)
        g_string_append_printf(block, "%*sk%d:\n", 2 * i, "", i);
    g_string_append_printf(block, "%*sv\n", 140, "");
    config_refuses(block->str, -1, "hostile.yaml:65:");
    config_refuses(block->str, -1, ": error: nesting deeper than 64 levels");
    g_string_free(block, TRUE);

    /* 64 levels are still fine. */
    open = repeat("[", 64);
    char *close = repeat("]", 64);
    char *yaml = g_strconcat(open, "x", close, NULL);
    GError *error = NULL;
    roomctl_config *root = roomctl_config_load_string("deep.yaml", yaml, -1, &error);
    assert_non_null(root);
    roomctl_config_free(root);
    g_free(open);
    g_free(close);
    g_free(yaml);
}

static void test_yaml_huge_input(void **state)
{
    /* Over 1 MiB: refused before parsing, whatever it holds. */
    gsize size = 2 * 1024 * 1024;
    char *big = g_malloc(size + 1);
    memset(big, 'x', size);
    memcpy(big, "description: ", strlen("description: "));
    big[size] = '\0';
    config_refuses(big, size,
                   "hostile.yaml:1:1: error: file is too large (2097152 bytes; the limit is 1 MiB)");
    schema_refuses(big, "hostile.yaml:1:1: error: file is too large (2097152 bytes; the limit "
                        "is 1 MiB)");
    agent_config_refuses(big, "agent.yaml:1:1: error: file is too large");
    g_free(big);
}

static void test_yaml_huge_key(void **state)
{
    /* libyaml refuses implicit keys over 1024 characters. */
    char *key = repeat("k", 512 * 1024);
    char *yaml = g_strdup_printf("type: x.y\nversion: 1\nkind: event\nfields:\n  a: {type: int}\n"
                                 "%s: 1\n", key);
    schema_refuses(yaml, "hostile.yaml:6:524289: error: could not find expected ':' while "
                         "scanning a simple key");
    g_free(yaml);

    /* An explicit key ("? KEY") has no such limit: a 512 KiB unknown keyword
     * is refused and named, and the "did you mean" search copes with it. */
    yaml = g_strdup_printf("type: x.y\nversion: 1\nkind: event\nfields:\n  a: {type: int}\n"
                           "? %s\n: 1\n", key);
    schema_refuses(yaml, "hostile.yaml:6:3: error: unknown keyword 'kkkk");
    g_free(yaml);
    char *agent = g_strdup_printf("account: {jid: localhost}\nroom: r@c.localhost\n? %s\n: 1\n",
                                  key);
    agent_config_refuses(agent, "agent.yaml:4:3: error: unknown key 'kkkk");
    g_free(agent);
    g_free(key);
}

static void test_yaml_invalid_utf8(void **state)
{
    config_refuses("a: ok\nb: caf\xc3\n", -1, "hostile.yaml:2:7: error: invalid UTF-8");
    config_refuses("a: \xff\xfe\n", -1, "hostile.yaml:1:4: error: invalid UTF-8");
    /* An overlong encoding of '/' and a UTF-16 surrogate are not UTF-8. */
    config_refuses("a: \xc0\xaf\n", -1, "hostile.yaml:1:4: error: invalid UTF-8");
    config_refuses("a: \xed\xa0\x80\n", -1, "hostile.yaml:1:4: error: invalid UTF-8");
    config_refuses("a: x\0y\n", 7, "hostile.yaml:1:5: error: NUL bytes are not allowed");
    config_refuses("a: \"x\\0y\"\n", -1, "hostile.yaml:1:4: error: NUL characters are not allowed");
    schema_refuses("type: x.y\nversion: 1\nkind: event\nfields:\n  \xe9: {type: int}\n",
                   "hostile.yaml:5:3: error: invalid UTF-8");
    agent_config_refuses("account: {jid: \xff@localhost}\n",
                         "agent.yaml:1:16: error: invalid UTF-8");
}

static void test_yaml_more_than_one_document(void **state)
{
    config_refuses("a: 1\n---\nb: 2\n", -1,
                   "hostile.yaml:2:1: error: only one YAML document per file is allowed");
}

/* ---- XML items ---------------------------------------------------------------- */

static int registry_setup(void **state)
{
    roomctl_registry *registry = roomctl_registry_new();
    GError *error = NULL;
    if (!roomctl_registry_load_dir(registry, g_getenv("ROOMCTL_TEST_SCHEMAS"), &error))
        fail_msg("%s", error->message);
    *state = registry;
    return 0;
}

static int registry_teardown(void **state)
{
    roomctl_registry_free(*state);
    return 0;
}

static void test_xml_unexpected_children(void **state)
{
    item_refuses(state, "<control " NS " type='ui.button' version='1'><button>send</button>"
                        "<colour>red</colour></control>",
                 ROOMCTL_ERR_INVALID_ITEM, "ui.button: unknown field 'colour'");
    item_refuses(state, "<control " NS " type='ui.button' version='1'><button>se<b>n</b>d"
                        "</button></control>",
                 ROOMCTL_ERR_INVALID_ITEM, "ui.button: field 'button': expected text, got <b>");
    item_refuses(state, "<control " NS " type='ui.button' version='1'>hello<button>send"
                        "</button></control>",
                 ROOMCTL_ERR_INVALID_ITEM, "ui.button: unexpected text in <control>");
    item_refuses(state, "<control " NS " type='ui.button' version='1'><button>a</button>"
                        "<button>b</button></control>",
                 ROOMCTL_ERR_INVALID_ITEM, "ui.button: field 'button' is given more than once");
}

static void test_xml_namespaces(void **state)
{
    item_refuses(state, "<control xmlns='urn:roomctl:1' type='ui.button' version='1'>"
                        "<button>send</button></control>",
                 ROOMCTL_ERR_INVALID_ITEM,
                 "expected <control xmlns='urn:roomctl:0'>, got <control xmlns='urn:roomctl:1'>");
    item_refuses(state, "<control type='ui.button' version='1'><button>send</button></control>",
                 ROOMCTL_ERR_INVALID_ITEM,
                 "expected <control xmlns='urn:roomctl:0'>, got <control xmlns=''>");
    item_refuses(state, "<message xmlns='jabber:client'><body>hi</body></message>",
                 ROOMCTL_ERR_INVALID_ITEM,
                 "expected <control xmlns='urn:roomctl:0'>, got <message xmlns='jabber:client'>");
    /* A field element in a foreign namespace is not that field. */
    item_refuses(state, "<control " NS " type='ui.button' version='1'>"
                        "<button xmlns='urn:evil'>send</button></control>",
                 ROOMCTL_ERR_INVALID_ITEM, "ui.button: unknown field 'button'");
    /* Prefixed names are namespaces too: x:button is our button, y:button not. */
    item_refuses(state, "<r:control xmlns:r='urn:roomctl:0' xmlns:y='urn:y' type='ui.button' "
                        "version='1'><r:button>send</r:button><y:enabled>x</y:enabled>"
                        "</r:control>",
                 ROOMCTL_ERR_INVALID_ITEM, "ui.button: unknown field 'enabled'");
}

static void test_xml_entities_and_encoding(void **state)
{
    /* Entity expansion ("billion laughs") and external entities never get
     * as far as the decoder. */
    item_refuses(state, "<?xml version='1.0'?><!DOCTYPE control [<!ENTITY a 'lol'>"
                        "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
                        "<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>]>"
                        "<control " NS " type='room.notice' version='1'><text>&c;</text></control>",
                 ROOMCTL_ERR_INVALID_ITEM, "not well-formed XML");
    item_refuses(state, "<!DOCTYPE control [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                        "<control " NS " type='room.notice' version='1'><text>&x;</text></control>",
                 ROOMCTL_ERR_INVALID_ITEM, "not well-formed XML");
    item_refuses(state, "<control " NS " type='room.notice' version='1'><text>caf\xc3</text>"
                        "</control>",
                 ROOMCTL_ERR_INVALID_ITEM, "not well-formed XML");
    item_refuses(state, "<control " NS " type='room.notice' version='1'><text>a&#1;b</text>"
                        "</control>",
                 ROOMCTL_ERR_INVALID_ITEM, "not well-formed XML");
    /* A carriage return that survived XML as a character reference. */
    item_refuses(state, "<control " NS " type='room.notice' version='1'><text>a&#13;b</text>"
                        "</control>",
                 ROOMCTL_ERR_INVALID_ITEM, "room.notice: field 'text':");
    item_refuses(state, "<control " NS " type='ui.button' version='1'><button>send</button>",
                 ROOMCTL_ERR_INVALID_ITEM, "not well-formed XML");
}

static void test_xml_huge_values(void **state)
{
    /* 1 MiB of text where the schema allows 500 characters. */
    char *text = repeat("x", 1024 * 1024);
    char *xml = g_strdup_printf("<control " NS " type='room.notice' version='1'><text>%s</text>"
                                "</control>", text);
    item_refuses(state, xml, ROOMCTL_ERR_INVALID_ITEM,
                 "room.notice: field 'text': too long: 1048576 characters, at most 500");
    g_free(xml);
    g_free(text);

    /* A slide image over max_bytes (512 KiB). */
    guint8 *png = g_malloc0(600 * 1024);
    memcpy(png, "\x89PNG\r\n\x1a\n", 8);
    char *b64 = g_base64_encode(png, 600 * 1024);
    xml = g_strdup_printf("<control " NS " type='slideshow.slide' version='1'><deck>d</deck>"
                          "<index>1</index><image>%s</image></control>", b64);
    item_refuses(state, xml, ROOMCTL_ERR_INVALID_ITEM,
                 "slideshow.slide: field 'image': too large: 614400 bytes, at most 163840");
    g_free(xml);
    g_free(b64);
    g_free(png);

    /* A 64 KiB type name. */
    char *type = repeat("a.", 32 * 1024);
    xml = g_strdup_printf("<control " NS " type='%sb' version='1'/>", type);
    item_refuses(state, xml, ROOMCTL_ERR_UNKNOWN_TYPE, "unknown control type 'a.a.a.");
    g_free(xml);
    g_free(type);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_alias_bomb),
        cmocka_unit_test(test_yaml_merge_key_and_tags),
        cmocka_unit_test(test_yaml_deep_nesting),
        cmocka_unit_test(test_yaml_huge_input),
        cmocka_unit_test(test_yaml_huge_key),
        cmocka_unit_test(test_yaml_invalid_utf8),
        cmocka_unit_test(test_yaml_more_than_one_document),
        cmocka_unit_test_setup_teardown(test_xml_unexpected_children, registry_setup,
                                        registry_teardown),
        cmocka_unit_test_setup_teardown(test_xml_namespaces, registry_setup, registry_teardown),
        cmocka_unit_test_setup_teardown(test_xml_entities_and_encoding, registry_setup,
                                        registry_teardown),
        cmocka_unit_test_setup_teardown(test_xml_huge_values, registry_setup, registry_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

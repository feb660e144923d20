/* The schema loader (bus/schema/schema*.c): a good schema, and each class of schema
 * author's mistake with the exact compiler-style message. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <roomctl/roomctl.h>

#define HEAD "type: x.thing\nversion: 1\nkind: event\nfields:\n"

static const char *const good =
    "type: ui.button\n"
    "version: 1\n"
    "description: Enable, disable, show or hide a button.\n"
    "kind: state\n"
    "key: [button]\n"
    "fields:\n"
    "  button:  {type: string, required: true, pattern: '^[a-z]+$', description: Button id}\n"
    "  enabled: {type: bool, default: true}\n"
    "  tags:    {type: list, items: {type: string, max_length: 3}, default: [a, b], max_items: 4}\n"
    "  link:    {type: url, schemes: [HTTPS]}\n"
    "  level:   {type: string, enum: [info, alert], default: info}\n"
    "  ratio:   {type: number, min: 0, max: 1.5}\n";

/* Load @yaml expecting failure and compare the whole message. */
static void assert_schema_error(const char *yaml, const char *expected)
{
    GError *error = NULL;
    roomctl_schema *schema = roomctl_schema_load_string("s.yaml", yaml, -1, &error);
    assert_null(schema);
    assert_non_null(error);
    assert_int_equal(error->code, ROOMCTL_ERR_SCHEMA);
    assert_string_equal(error->message, expected);
    g_error_free(error);
}

static void test_good_schema(void **state)
{
    GError *error = NULL;
    roomctl_schema *schema = roomctl_schema_load_string("ui.button.yaml", good, -1, &error);
    assert_non_null(schema);
    assert_string_equal(roomctl_schema_type(schema), "ui.button");
    assert_int_equal(roomctl_schema_version(schema), 1);
    assert_int_equal(roomctl_schema_kind(schema), ROOMCTL_KIND_STATE);
    assert_string_equal(roomctl_schema_description(schema), "Enable, disable, show or hide a button.");
    assert_string_equal(roomctl_schema_file(schema), "ui.button.yaml");

    char *text = roomctl_schema_describe(schema, FALSE);
    assert_string_equal(text,
        "ui.button version 1 (state)\n"
        "  Enable, disable, show or hide a button.\n"
        "\n"
        "  file:           ui.button.yaml\n"
        "  item id:        ui.button:{button}\n"
        "  unknown fields: rejected\n"
        "\n"
        "  fields:\n"
        "    button   string, required, matching '^[a-z]+$'\n"
        "             Button id\n"
        "    enabled  bool, default true\n"
        "    tags     list, default [a, b], at most 4 items, items: string, at most 3 characters\n"
        "    link     url, schemes https\n"
        "    level    string, default info, one of info | alert\n"
        "    ratio    number, min 0, max 1.5\n");
    g_free(text);

    char *json = roomctl_schema_describe(schema, TRUE);
    assert_non_null(strstr(json, "{\"type\": \"ui.button\", \"version\": 1, \"kind\": \"state\", "));
    assert_non_null(strstr(json, "\"key\": [\"button\"], \"item_id\": \"ui.button:{button}\""));
    assert_non_null(strstr(json, "{\"name\": \"tags\", \"type\": \"list\", \"required\": false, "
                                 "\"description\": \"\", \"default\": [\"a\", \"b\"], "
                                 "\"max_items\": 4, \"items\": {\"type\": \"string\", \"max_length\": 3}}"));
    g_free(json);
    roomctl_schema_free(schema);
}

/* Defaults are written as the author wrote them in YAML, but JSON has its own
 * number syntax: 007 is not a JSON number, 7 is. */
static void test_describe_json_numbers(void **state)
{
    GError *error = NULL;
    roomctl_schema *schema = roomctl_schema_load_string("s.yaml",
        HEAD "  a: {type: int, default: 007}\n"
             "  b: {type: number, default: 1.50e1}\n"
             "  c: {type: int, default: -0}\n"
             "  d: {type: list, items: {type: number}, default: [00.5, 2E-1]}\n"
             "  e: {type: number, min: 0.1, max: 1e300}\n", -1, &error);
    assert_non_null(schema);
    char *json = roomctl_schema_describe(schema, TRUE);
    assert_non_null(strstr(json, "\"name\": \"a\", \"type\": \"int\", \"required\": false, "
                                 "\"description\": \"\", \"default\": 7}"));
    assert_non_null(strstr(json, "\"default\": 15}"));
    assert_non_null(strstr(json, "\"default\": 0}"));
    assert_non_null(strstr(json, "\"default\": [0.5, 0.2]"));
    assert_non_null(strstr(json, "\"min\": 0.1, \"max\": 1e+300"));
    g_free(json);
    /* People read what the author wrote. */
    char *text = roomctl_schema_describe(schema, FALSE);
    assert_non_null(strstr(text, "a  int, default 007\n"));
    g_free(text);
    roomctl_schema_free(schema);
}

static void test_unknown_keyword_suggests(void **state)
{
    assert_schema_error(HEAD "  a: {type: string, requried: true}\n",
                        "s.yaml:5:21: error: field 'a': unknown keyword 'requried' (did you mean 'required'?)");
    assert_schema_error(HEAD "  a: {type: int}\ndescripton: x\n",
                        "s.yaml:6:1: error: unknown keyword 'descripton' (did you mean 'description'?)");
    assert_schema_error(HEAD "  a: {type: string, colour: red}\n",
                        "s.yaml:5:21: error: field 'a': unknown keyword 'colour' (expected one of: "
                        "type, required, default, description, min_length, max_length, pattern, "
                        "enum, min, max, schemes, max_bytes, media_types, items, min_items, max_items)");
}

static void test_unknown_field_type(void **state)
{
    assert_schema_error(HEAD "  a: {type: strng}\n",
                        "s.yaml:5:13: error: field 'a': unknown type 'strng' (did you mean 'string'?)");
    assert_schema_error(HEAD "  a: {type: float}\n",
                        "s.yaml:5:13: error: field 'a': unknown type 'float' (expected one of: "
                        "string, int, number, bool, url, jid, bytes, timestamp, list)");
    assert_schema_error(HEAD "  a: {required: true}\n", "s.yaml:5:6: error: field 'a' has no 'type'");
}

static void test_bad_regex(void **state)
{
    assert_schema_error(HEAD "  a: {type: string, pattern: '^[a-z'}\n",
                        "s.yaml:5:30: error: field 'a': bad pattern: Error while compiling regular "
                        "expression ‘^[a-z’ at char 5: missing terminating ] for character class");
}

static void test_default_violates_field(void **state)
{
    assert_schema_error(HEAD "  a: {type: int, max: 5, default: 9}\n",
                        "s.yaml:5:35: error: field 'a': default '9' is not valid: 9 is above the maximum 5");
    assert_schema_error(HEAD "  a: {type: string, enum: [info, alert], default: loud}\n",
                        "s.yaml:5:51: error: field 'a': default 'loud' is not valid: 'loud' is not one of: info, alert");
    assert_schema_error(HEAD "  a: {type: bool, default: yes}\n",
                        "s.yaml:5:28: error: field 'a': default 'yes' is not valid: expected true or false, got 'yes'");
    assert_schema_error(HEAD "  a: {type: list, items: {type: int}, default: [1, x]}\n",
                        "s.yaml:5:52: error: field 'a': default item 'x' is not valid: expected int, got 'x'");
    assert_schema_error(HEAD "  a: {type: string, max_length: 2, enum: [ab, abc]}\n",
                        "s.yaml:5:47: error: field 'a': enum value 'abc' is not valid: too long: 3 characters, at most 2");
}

static void test_min_greater_than_max(void **state)
{
    assert_schema_error(HEAD "  a: {type: int, min: 5, max: 2}\n",
                        "s.yaml:5:31: error: field 'a': min 5 is greater than max 2");
    assert_schema_error(HEAD "  a: {type: number, min: 2.5, max: -1}\n",
                        "s.yaml:5:36: error: field 'a': min 2.5 is greater than max -1");
    assert_schema_error(HEAD "  a: {type: string, min_length: 3, max_length: 1}\n",
                        "s.yaml:5:48: error: field 'a': min_length 3 is greater than max_length 1");
    assert_schema_error(HEAD "  a: {type: list, items: {type: int}, min_items: 3, max_items: 1}\n",
                        "s.yaml:5:64: error: field 'a': min_items 3 is greater than max_items 1");
    assert_schema_error(HEAD "  a: {type: int, min: x}\n",
                        "s.yaml:5:23: error: field 'a': min must be an integer, got 'x'");
}

static void test_key_fields(void **state)
{
    const char *head = "type: x.thing\nversion: 1\nkind: state\n";
    char *yaml = g_strconcat(head, "key: [a, nope, b, a]\nfields:\n"
                             "  a: {type: string, required: true}\n"
                             "  b: {type: string}\n", NULL);
    assert_schema_error(yaml,
                        "s.yaml:4:10: error: key field 'nope' is not declared in 'fields'\n"
                        "s.yaml:4:16: error: key field 'b' must be required: true\n"
                        "s.yaml:4:19: error: key field 'a' is listed twice");
    g_free(yaml);
    yaml = g_strconcat(head, "key: [d]\nfields:\n  d: {type: bytes, required: true}\n", NULL);
    assert_schema_error(yaml, "s.yaml:4:7: error: key field 'd' has type bytes: key fields must "
                              "be string, int, bool, jid or url");
    g_free(yaml);
    yaml = g_strconcat(head, "fields:\n  a: {type: string}\n", NULL);
    assert_schema_error(yaml, "s.yaml:3:7: error: a state type needs 'key': the fields that name "
                              "an item (key: [] for one item per room)");
    g_free(yaml);
    assert_schema_error("type: x.thing\nversion: 1\nkind: event\nkey: []\nfields:\n  a: {type: int}\n",
                        "s.yaml:4:1: error: 'key' applies only to kind: state (events have fresh ids)");
}

static void test_required_with_default(void **state)
{
    assert_schema_error(HEAD "  a: {type: int, required: true, default: 1}\n",
                        "s.yaml:5:34: error: field 'a' is required and has a default: drop one of them");
}

static void test_duplicate_keys(void **state)
{
    assert_schema_error(HEAD "  a: {type: int}\n  a: {type: string}\n",
                        "s.yaml:6:3: error: duplicate key 'a' (first defined at line 5)");
    assert_schema_error(HEAD "  a: {type: int, type: string}\n",
                        "s.yaml:5:18: error: duplicate key 'type' (first defined at line 5)");
}

static void test_empty_fields(void **state)
{
    assert_schema_error(HEAD "  {}\n", "s.yaml:5:3: error: 'fields' is empty: a type needs at least one field");
    assert_schema_error("type: x.thing\nversion: 1\nkind: event\nfields: [a]\n",
                        "s.yaml:4:9: error: 'fields' must be a mapping of field names to field specs");
    assert_schema_error("", "s.yaml:1:1: error: missing 'type'\n"
                            "s.yaml:1:1: error: missing 'version'\n"
                            "s.yaml:1:1: error: missing 'kind'\n"
                            "s.yaml:1:1: error: missing 'fields'");
}

static void test_bad_names(void **state)
{
    assert_schema_error("type: UI.Button\nversion: 1\nkind: event\nfields:\n  a: {type: int}\n",
                        "s.yaml:1:7: error: bad type name 'UI.Button': expected lowercase words "
                        "joined by dots, like 'ui.button'");
    assert_schema_error("type: button\nversion: 1\nkind: event\nfields:\n  a: {type: int}\n",
                        "s.yaml:1:7: error: bad type name 'button': expected lowercase words "
                        "joined by dots, like 'ui.button'");
    assert_schema_error(HEAD "  Colour: {type: int}\n",
                        "s.yaml:5:3: error: bad field name 'Colour': expected lowercase letters, "
                        "digits and '_', starting with a letter (at most 64, not starting with 'xml')");
}

static void test_bad_version_and_kind(void **state)
{
    assert_schema_error("type: x.y\nversion: 0\nkind: event\nfields:\n  a: {type: int}\n",
                        "s.yaml:2:10: error: 'version' must be an integer >= 1, got 0");
    assert_schema_error("type: x.y\nversion: one\nkind: event\nfields:\n  a: {type: int}\n",
                        "s.yaml:2:10: error: 'version' must be an integer, got 'one'");
    assert_schema_error("type: x.y\nversion: 1\nkind: stat\nfields:\n  a: {type: int}\n",
                        "s.yaml:3:7: error: 'kind' must be 'state' or 'event', got 'stat'");
}

static void test_keyword_does_not_apply(void **state)
{
    assert_schema_error(HEAD "  a: {type: int, pattern: x}\n",
                        "s.yaml:5:18: error: field 'a': 'pattern' does not apply to a field of type int");
    assert_schema_error(HEAD "  a: {type: list, items: {type: list}}\n",
                        "s.yaml:5:33: error: field 'a': list items cannot be lists");
    assert_schema_error(HEAD "  a: {type: list, items: {type: int, required: true}}\n",
                        "s.yaml:5:38: error: field 'a': 'required' does not apply to list items");
    assert_schema_error(HEAD "  a: {type: list}\n",
                        "s.yaml:5:6: error: field 'a': a list needs 'items', like items: {type: string}");
    assert_schema_error(HEAD "  a: {type: bytes, media_types: [image/tiff]}\n",
                        "s.yaml:5:34: error: field 'a': unknown media type 'image/tiff' (known: "
                        "image/png, image/jpeg, image/gif, image/webp, application/pdf)");
}

static void test_yaml_level_refusals(void **state)
{
    assert_schema_error(HEAD "  a: {type: int\n",
                        "s.yaml:6:1: error: did not find expected ',' or '}' while parsing a flow mapping");
    assert_schema_error("type: &t x.y\nversion: 1\nkind: event\nfields:\n  a: {type: *t}\n",
                        "s.yaml:1:7: error: anchors ('&t') are not allowed\n"
                        "s.yaml:5:13: error: aliases ('*t') are not allowed");
    GString *big = g_string_new(HEAD "  a: {type: int}\n");
    while (big->len <= 1024 * 1024)
        g_string_append(big, "# padding padding padding padding padding padding padding\n");
    char *expected = g_strdup_printf("s.yaml:1:1: error: file is too large (%" G_GSIZE_FORMAT
                                     " bytes; the limit is 1 MiB)", big->len);
    assert_schema_error(big->str, expected);
    g_free(expected);
    g_string_free(big, TRUE);
}

static void test_every_error_reported(void **state)
{
    assert_schema_error("type: x.y\nversion: 0\nkind: event\nfields:\n"
                        "  a: {type: strng}\n"
                        "  b: {type: int, min: 3, max: 1}\n",
                        "s.yaml:2:10: error: 'version' must be an integer >= 1, got 0\n"
                        "s.yaml:5:13: error: field 'a': unknown type 'strng' (did you mean 'string'?)\n"
                        "s.yaml:6:31: error: field 'b': min 3 is greater than max 1");
}

static void test_load_file_errors(void **state)
{
    GError *error = NULL;
    assert_null(roomctl_schema_load_file("/nonexistent/x.yaml", &error));
    assert_int_equal(error->code, ROOMCTL_ERR_IO);
    g_clear_error(&error);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_schema),
        cmocka_unit_test(test_describe_json_numbers),
        cmocka_unit_test(test_unknown_keyword_suggests),
        cmocka_unit_test(test_unknown_field_type),
        cmocka_unit_test(test_bad_regex),
        cmocka_unit_test(test_default_violates_field),
        cmocka_unit_test(test_min_greater_than_max),
        cmocka_unit_test(test_key_fields),
        cmocka_unit_test(test_required_with_default),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_empty_fields),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_bad_version_and_kind),
        cmocka_unit_test(test_keyword_does_not_apply),
        cmocka_unit_test(test_yaml_level_refusals),
        cmocka_unit_test(test_every_error_reported),
        cmocka_unit_test(test_load_file_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

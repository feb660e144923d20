/* schema_compat.c (issue 17): the verdict and the reason for a table of
 * schema changes, the report as text and JSON, the `compatibility:` key,
 * and the check of each version against the one before. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <roomctl/roomctl.h>

static const char base_fields[] =
    "  id: {type: string, required: true}\n"
    "  n: {type: int, min: 0, max: 10}\n"
    "  level: {type: string, enum: [info, warning], default: info}\n"
    "  note: {type: string, max_length: 100}\n";

/* A version of type t.x keyed by @key: @top goes after the common keys,
 * @fields replace the base fields when given. */
static roomctl_schema *make_keyed(int version, const char *key, const char *top,
                                  const char *fields)
{
    char *yaml = g_strdup_printf("type: t.x\nversion: %d\nkind: state\nkey: %s\n%sfields:\n%s",
                                 version, key, top ? top : "", fields ? fields : base_fields);
    GError *error = NULL;
    roomctl_schema *schema = roomctl_schema_load_string("t.x.yaml", yaml, -1, &error);
    if (!schema)
        fail_msg("%s\n%s", error->message, yaml);
    g_free(yaml);
    return schema;
}

static roomctl_schema *make(int version, const char *top, const char *fields)
{
    return make_keyed(version, "[id]", top, fields);
}

typedef struct {
    const char *what;
    const char *old_top, *new_top;
    const char *new_fields;     /* NULL: the base fields */
    roomctl_compat verdict;
    const char *reason;         /* in the report; NULL: no changes */
    const char *new_key;        /* NULL: [id] */
} diff_case;

#define F(extra) "  id: {type: string, required: true}\n" extra
static const diff_case cases[] = {
    { "nothing changed", NULL, NULL, NULL, ROOMCTL_COMPAT_FULL, NULL, NULL },
    { "optional field added, old rejects unknown", NULL, NULL,
      "  id: {type: string, required: true}\n  n: {type: int, min: 0, max: 10}\n"
      "  level: {type: string, enum: [info, warning], default: info}\n"
      "  note: {type: string, max_length: 100}\n  colour: {type: string}\n",
      ROOMCTL_COMPAT_BACKWARD,
      "field 'colour': added, optional: old readers reject it (unknown_fields: reject) "
      "[breaks forward]", NULL },
    { "optional field added, old ignores unknown", "unknown_fields: ignore\n",
      "unknown_fields: ignore\n",
      "  id: {type: string, required: true}\n  n: {type: int, min: 0, max: 10}\n"
      "  level: {type: string, enum: [info, warning], default: info}\n"
      "  note: {type: string, max_length: 100}\n  colour: {type: string}\n",
      ROOMCTL_COMPAT_FULL,
      "field 'colour': added, optional: old readers ignore it (unknown_fields: ignore) "
      "[compatible]", NULL },
    { "required field added without default", NULL, NULL,
      "  id: {type: string, required: true}\n  n: {type: int, min: 0, max: 10}\n"
      "  level: {type: string, enum: [info, warning], default: info}\n"
      "  note: {type: string, max_length: 100}\n  colour: {type: string, required: true}\n",
      ROOMCTL_COMPAT_NONE,
      "field 'colour': added as a required field without a default: items of the old version "
      "lack it; old readers reject it (unknown_fields: reject) [breaks both]", NULL },
    { "required field added, old ignores unknown", "unknown_fields: ignore\n", NULL,
      "  id: {type: string, required: true}\n  n: {type: int, min: 0, max: 10}\n"
      "  level: {type: string, enum: [info, warning], default: info}\n"
      "  note: {type: string, max_length: 100}\n  colour: {type: string, required: true}\n",
      ROOMCTL_COMPAT_FORWARD,
      "field 'colour': added as a required field without a default: items of the old version "
      "lack it [breaks backward]", NULL },
    { "optional field removed", NULL, NULL,
      F("  n: {type: int, min: 0, max: 10}\n"
        "  level: {type: string, enum: [info, warning], default: info}\n"),
      ROOMCTL_COMPAT_FORWARD,
      "field 'note': removed: new readers reject it in old items (unknown_fields: reject) "
      "[breaks backward]", NULL },
    { "optional field removed, new ignores unknown", NULL, "unknown_fields: ignore\n",
      F("  n: {type: int, min: 0, max: 10}\n"
        "  level: {type: string, enum: [info, warning], default: info}\n"),
      ROOMCTL_COMPAT_FULL, "field 'note': removed: new readers ignore it in old items [compatible]", NULL },
    { "range narrowed", NULL, NULL,
      F("  n: {type: int, min: 0, max: 5}\n"
        "  level: {type: string, enum: [info, warning], default: info}\n"
        "  note: {type: string, max_length: 100}\n"),
      ROOMCTL_COMPAT_FORWARD,
      "field 'n': max narrowed from 10 to 5: items of the old version may break it "
      "[breaks backward]", NULL },
    { "range widened", NULL, NULL,
      F("  n: {type: int, min: -5, max: 10}\n"
        "  level: {type: string, enum: [info, warning], default: info}\n"
        "  note: {type: string, max_length: 100}\n"),
      ROOMCTL_COMPAT_BACKWARD,
      "field 'n': min widened from 0 to -5: old readers refuse new items beyond 0 "
      "[breaks forward]", NULL },
    { "enum value removed", NULL, NULL,
      F("  n: {type: int, min: 0, max: 10}\n"
        "  level: {type: string, enum: [info], default: info}\n"
        "  note: {type: string, max_length: 100}\n"),
      ROOMCTL_COMPAT_FORWARD,
      "field 'level': enum value 'warning' removed: items of the old version may hold it "
      "[breaks backward]", NULL },
    { "enum value added", NULL, NULL,
      F("  n: {type: int, min: 0, max: 10}\n"
        "  level: {type: string, enum: [info, warning, alert], default: info}\n"
        "  note: {type: string, max_length: 100}\n"),
      ROOMCTL_COMPAT_BACKWARD,
      "field 'level': enum value 'alert' added: old readers refuse it [breaks forward]", NULL },
    { "type changed", NULL, NULL,
      F("  n: {type: string}\n"
        "  level: {type: string, enum: [info, warning], default: info}\n"
        "  note: {type: string, max_length: 100}\n"),
      ROOMCTL_COMPAT_NONE, "field 'n': type changed from int to string [breaks both]", NULL },
    { "int widened to number", NULL, NULL,
      F("  n: {type: number, min: 0, max: 10}\n"
        "  level: {type: string, enum: [info, warning], default: info}\n"
        "  note: {type: string, max_length: 100}\n"),
      ROOMCTL_COMPAT_BACKWARD,
      "field 'n': type changed from int to number: old readers refuse fractions "
      "[breaks forward]", NULL },
    { "field renamed", NULL, NULL,
      F("  n: {type: int, min: 0, max: 10}\n"
        "  level: {type: string, enum: [info, warning], default: info}\n"
        "  comment: {type: string, max_length: 100}\n"),
      ROOMCTL_COMPAT_NONE,
      "field 'comment': renamed from 'note' (same type and constraints): readers of each "
      "version do not know the other name [breaks both]", NULL },
    { "optional field made required", NULL, NULL,
      F("  n: {type: int, min: 0, max: 10}\n"
        "  level: {type: string, enum: [info, warning], default: info}\n"
        "  note: {type: string, max_length: 100, required: true}\n"),
      ROOMCTL_COMPAT_FORWARD,
      "field 'note': now required: items of the old version may lack it [breaks backward]", NULL },
    { "default changed", NULL, NULL,
      F("  n: {type: int, min: 0, max: 10}\n"
        "  level: {type: string, enum: [info, warning], default: warning}\n"
        "  note: {type: string, max_length: 100}\n"),
      ROOMCTL_COMPAT_FULL,
      "field 'level': default changed from 'info' to 'warning': items that leave the field "
      "out mean something else [compatible]", NULL },
    { "pattern added", NULL, NULL,
      F("  n: {type: int, min: 0, max: 10}\n"
        "  level: {type: string, enum: [info, warning], default: info}\n"
        "  note: {type: string, max_length: 100, pattern: '^[a-z ]*$'}\n"),
      ROOMCTL_COMPAT_FORWARD,
      "field 'note': pattern '^[a-z ]*$' added: items of the old version may not match it "
      "[breaks backward]", NULL },
    { "max_length widened", NULL, NULL,
      F("  n: {type: int, min: 0, max: 10}\n"
        "  level: {type: string, enum: [info, warning], default: info}\n"
        "  note: {type: string, max_length: 500}\n"),
      ROOMCTL_COMPAT_BACKWARD,
      "field 'note': max_length widened from 100 to 500: old readers refuse new items beyond "
      "100 [breaks forward]", NULL },
    { "key changed", NULL, NULL,
      "  id: {type: string, required: true}\n  n: {type: int, min: 0, max: 10, required: true}\n"
      "  level: {type: string, enum: [info, warning], default: info}\n"
      "  note: {type: string, max_length: 100}\n",
      ROOMCTL_COMPAT_NONE, "key changed from [id] to [id, n]: the same item gets another id",
      "[id, n]" },
};

static void test_verdict_table(void **state)
{
    (void)state;
    assert_true(G_N_ELEMENTS(cases) >= 12);
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        const diff_case *c = &cases[i];
        roomctl_schema *old_schema = make(1, c->old_top, NULL);
        roomctl_schema *new_schema = make_keyed(2, c->new_key ? c->new_key : "[id]", c->new_top,
                                                c->new_fields);
        roomctl_schema_diff *diff = roomctl_schema_diff_new(old_schema, new_schema);
        char *report = roomctl_schema_diff_format(diff, FALSE);
        if (roomctl_schema_diff_verdict(diff) != c->verdict)
            fail_msg("%s: verdict %s, expected %s:\n%s", c->what,
                     roomctl_compat_name(roomctl_schema_diff_verdict(diff)),
                     roomctl_compat_name(c->verdict), report);
        if (c->reason ? !strstr(report, c->reason) : roomctl_schema_diff_length(diff) != 0)
            fail_msg("%s: expected '%s' in:\n%s", c->what, c->reason ? c->reason : "no changes",
                     report);
        g_free(report);
        roomctl_schema_diff_free(diff);
        roomctl_schema_free(old_schema);
        roomctl_schema_free(new_schema);
    }
}

static void test_report(void **state)
{
    (void)state;
    roomctl_schema *old_schema = make(1, NULL, NULL);
    roomctl_schema *new_schema = make(2, NULL, F("  n: {type: int, min: 0, max: 5}\n"
                                                 "  level: {type: string, enum: [info], "
                                                 "default: info}\n"));
    roomctl_schema_diff *diff = roomctl_schema_diff_new(old_schema, new_schema);
    char *text = roomctl_schema_diff_format(diff, FALSE);
    assert_string_equal(text,
        "t.x version 1 -> t.x version 2: FORWARD (old readers take new items; new readers "
        "refuse some old items)\n"
        "  field 'n': max narrowed from 10 to 5: items of the old version may break it "
        "[breaks backward]\n"
        "  field 'level': enum value 'warning' removed: items of the old version may hold it "
        "[breaks backward]\n"
        "  field 'note': removed: new readers reject it in old items (unknown_fields: reject) "
        "[breaks backward]\n");
    g_free(text);
    /* The position of a change is where the new file writes the field. */
    const roomctl_schema_change *first = roomctl_schema_diff_at(diff, 0);
    assert_string_equal(first->field, "n");
    assert_int_equal(first->line, 7);
    assert_int_equal(first->keeps, ROOMCTL_COMPAT_FORWARD);
    char *json = roomctl_schema_diff_format(diff, TRUE);
    assert_non_null(strstr(json, "\"verdict\":\"FORWARD\",\"changes\":[{\"field\":\"n\","
                                 "\"reason\":\"max narrowed from 10 to 5: items of the old "
                                 "version may break it\",\"keeps\":\"FORWARD\",\"line\":7,"));
    g_free(json);
    roomctl_schema_diff_free(diff);
    roomctl_schema_free(old_schema);
    roomctl_schema_free(new_schema);
}

static void test_compatibility_key(void **state)
{
    (void)state;
    roomctl_schema *s = make(1, NULL, NULL);
    assert_int_equal(roomctl_schema_compatibility(s), ROOMCTL_COMPAT_BACKWARD);
    roomctl_schema_free(s);
    s = make(1, "compatibility: full\n", NULL);
    assert_int_equal(roomctl_schema_compatibility(s), ROOMCTL_COMPAT_FULL);
    roomctl_schema_free(s);
    GError *error = NULL;
    assert_null(roomctl_schema_load_string("t.yaml", "type: t.x\nversion: 1\nkind: event\n"
                                           "compatibility: sideways\nfields:\n  a: {type: int}\n",
                                           -1, &error));
    assert_string_equal(error->message, "t.yaml:4:16: error: 'compatibility' must be backward, "
                                        "forward, full or none, got 'sideways'");
    g_clear_error(&error);
    assert_null(roomctl_schema_load_string("t.yaml", "type: t.x\nversion: 1\nkind: event\n"
                                           "compatibilty: full\nfields:\n  a: {type: int}\n",
                                           -1, &error));
    assert_string_equal(error->message, "t.yaml:4:1: error: unknown keyword 'compatibilty' (did "
                                        "you mean 'compatibility'?)");
    g_clear_error(&error);
}

static void test_registry_check(void **state)
{
    (void)state;
    GError *error = NULL;
    roomctl_registry *registry = roomctl_registry_new();
    assert_true(roomctl_registry_add(registry, make(1, NULL, NULL), &error));
    /* Version 2 narrows n: not backward, which it declares by default. */
    assert_true(roomctl_registry_add(registry, make(2, NULL, F("  n: {type: int, min: 0, max: 5}\n"
        "  level: {type: string, enum: [info, warning], default: info}\n"
        "  note: {type: string, max_length: 100}\n")), &error));
    assert_false(roomctl_registry_check_compatibility(registry, &error));
    assert_string_equal(error->message,
        "t.x.yaml:7:6: error: t.x version 2 breaks backward compatibility with version 1 "
        "(compatibility: backward): field 'n': max narrowed from 10 to 5: items of the old "
        "version may break it");
    g_clear_error(&error);
    roomctl_registry_free(registry);

    /* Declared forward, the same change passes; declared full, an added
     * optional field does not (old readers reject it). */
    registry = roomctl_registry_new();
    assert_true(roomctl_registry_add(registry, make(1, NULL, NULL), &error));
    assert_true(roomctl_registry_add(registry, make(2, "compatibility: forward\n",
        F("  n: {type: int, min: 0, max: 5}\n"
          "  level: {type: string, enum: [info, warning], default: info}\n"
          "  note: {type: string, max_length: 100}\n")), &error));
    assert_true(roomctl_registry_add(registry, make(3, "compatibility: full\n",
        F("  n: {type: int, min: 0, max: 5}\n"
          "  level: {type: string, enum: [info, warning], default: info}\n"
          "  note: {type: string, max_length: 100}\n  extra: {type: bool}\n")), &error));
    assert_false(roomctl_registry_check_compatibility(registry, &error));
    assert_string_equal(error->message,
        "t.x.yaml:11:10: error: t.x version 3 breaks forward compatibility with version 2 "
        "(compatibility: full): field 'extra': added, optional: old readers reject it "
        "(unknown_fields: reject)");
    g_clear_error(&error);
    roomctl_registry_free(registry);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdict_table),
        cmocka_unit_test(test_report),
        cmocka_unit_test(test_compatibility_key),
        cmocka_unit_test(test_registry_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Forms made from schemas and items made from submitted forms
 * (bus/gate/schema_form.c): each field type's form field, ranges and
 * options, bytes left to the command line, and submitted values that are
 * wrong, each named by its field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "gate/schema_form.h"

static xmpp_ctx_t *ctx;
static roomctl_registry *registry;

static const char *const TEST_SCHEMA =
    "type: test.form\nversion: 1\nkind: event\ndescription: Every field type.\nfields:\n"
    "  name: {type: string, required: true, min_length: 2, max_length: 8, description: Who.}\n"
    "  level: {type: string, enum: [info, alert], default: info}\n"
    "  count: {type: int, min: 1, max: 9}\n"
    "  ratio: {type: number, min: 0.5}\n"
    "  on: {type: bool, default: true}\n"
    "  who: {type: jid}\n"
    "  link: {type: url}\n"
    "  at: {type: timestamp}\n"
    "  tags: {type: list, items: {type: string, max_length: 4}, max_items: 3}\n"
    "  picks: {type: list, items: {type: string, enum: [a, b]}}\n"
    "  blob: {type: bytes}\n";

static const roomctl_schema *schema(const char *type)
{
    const roomctl_schema *s = roomctl_registry_lookup(registry, type, 0);
    assert_non_null(s);
    return s;
}

static void expect(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("expected\n  %s\nin\n  %s", needle, text);
}

/* libstrophe writes attributes in no fixed order: look at the stanza. */
static xmpp_stanza_t *field_of(xmpp_stanza_t *form, const char *var)
{
    for (xmpp_stanza_t *f = xmpp_stanza_get_children(form); f; f = xmpp_stanza_get_next(f))
        if (!g_strcmp0(xmpp_stanza_get_attribute(f, "var"), var))
            return f;
    return NULL;
}

static char *child_text(xmpp_stanza_t *parent, const char *name)
{
    xmpp_stanza_t *c = xmpp_stanza_get_child_by_name(parent, name);
    char *raw = c ? xmpp_stanza_get_text(c) : NULL;
    char *copy = g_strdup(raw);
    if (raw)
        xmpp_free(ctx, raw);
    return copy;
}

/* Field @var is of form type @type, with description @desc (NULL: none)
 * and first value @value (NULL: none). */
static xmpp_stanza_t *expect_field(xmpp_stanza_t *form, const char *var, const char *type,
                                   const char *desc, const char *value)
{
    xmpp_stanza_t *f = field_of(form, var);
    if (!f)
        fail_msg("no field '%s'", var);
    assert_string_equal(xmpp_stanza_get_attribute(f, "type"), type);
    if (strcmp(type, "hidden"))
        assert_string_equal(xmpp_stanza_get_attribute(f, "label") ?: "(none)", var);
    g_autofree char *d = child_text(f, "desc");
    g_autofree char *v = child_text(f, "value");
    assert_string_equal(d ? d : "(none)", desc ? desc : "(none)");
    assert_string_equal(v ? v : "(none)", value ? value : "(none)");
    return f;
}

static void expect_range(xmpp_stanza_t *field, const char *datatype, const char *min,
                         const char *max)
{
    xmpp_stanza_t *v = xmpp_stanza_get_child_by_name_and_ns(field, "validate",
                                                            RC_NS_DATA_VALIDATE);
    assert_non_null(v);
    assert_string_equal(xmpp_stanza_get_attribute(v, "datatype"), datatype);
    xmpp_stanza_t *range = xmpp_stanza_get_child_by_name(v, "range");
    if (!min && !max) {
        assert_null(range);
        assert_non_null(xmpp_stanza_get_child_by_name(v, "basic"));
        return;
    }
    assert_non_null(range);
    assert_string_equal(xmpp_stanza_get_attribute(range, "min") ?: "-", min ? min : "-");
    assert_string_equal(xmpp_stanza_get_attribute(range, "max") ?: "-", max ? max : "-");
}

static void test_form_fields(void **state)
{
    xmpp_stanza_t *form = rc_schema_form(ctx, schema("test.form"), "r@muc: publish test.form");
    assert_string_equal(xmpp_stanza_get_type(form), "form");
    assert_string_equal(xmpp_stanza_get_ns(form), "jabber:x:data");
    g_autofree char *title = child_text(form, "title");
    assert_string_equal(title, "r@muc: publish test.form");
    g_autofree char *instructions = child_text(form, "instructions");
    assert_string_equal(instructions, "Every field type. Field 'blob' (bytes) is not in this "
                                      "form: give it with `roomctl publish ROOM test.form "
                                      "blob=@FILE`.");
    expect_field(form, "FORM_TYPE", "hidden", NULL, "urn:roomctl:0#test.form");
    xmpp_stanza_t *name = expect_field(form, "name", "text-single",
                                       "Who. (at least 2 characters, at most 8 characters)", NULL);
    assert_non_null(xmpp_stanza_get_child_by_name(name, "required"));
    xmpp_stanza_t *level = expect_field(form, "level", "list-single", NULL, "info");
    assert_null(xmpp_stanza_get_child_by_name(level, "required"));
    guint options = 0;
    for (xmpp_stanza_t *o = xmpp_stanza_get_children(level); o; o = xmpp_stanza_get_next(o))
        options += !g_strcmp0(xmpp_stanza_get_name(o), "option");
    assert_int_equal(options, 2);
    expect_range(expect_field(form, "count", "text-single", NULL, NULL), "xs:integer", "1", "9");
    expect_range(expect_field(form, "ratio", "text-single", NULL, NULL), "xs:double", "0.5",
                 NULL);
    expect_field(form, "on", "boolean", NULL, "true");
    expect_field(form, "who", "jid-single", NULL, NULL);
    expect_range(expect_field(form, "link", "text-single", "(http/https)", NULL), "xs:anyURI",
                 NULL, NULL);
    expect_range(expect_field(form, "at", "text-single", NULL, NULL), "xs:dateTime", NULL, NULL);
    expect_field(form, "tags", "text-multi", "(at most 4 characters, at most 3 values)", NULL);
    expect_field(form, "picks", "list-multi", NULL, NULL);
    assert_null(field_of(form, "blob"));
    xmpp_stanza_release(form);
}

/* The item a submitted form of @fields ("var", "value", …, NULL) makes. */
static roomctl_item *submit(const char *type, GError **error, ...)
{
    GString *xml = g_string_new("<x xmlns='jabber:x:data' type='submit'>"
                                "<field var='FORM_TYPE'><value>urn:roomctl:0#x</value></field>");
    va_list ap;
    va_start(ap, error);
    for (const char *var; (var = va_arg(ap, const char *));)
        g_string_append_printf(xml, "<field var='%s'><value>%s</value></field>", var,
                               va_arg(ap, const char *));
    va_end(ap);
    g_string_append(xml, "</x>");
    xmpp_stanza_t *x = xmpp_stanza_new_from_string(ctx, xml->str);
    g_string_free(xml, TRUE);
    roomctl_item *item = rc_schema_form_item(registry, schema(type), x, error);
    xmpp_stanza_release(x);
    return item;
}

static void test_submitted_forms(void **state)
{
    GError *error = NULL;
    roomctl_item *item = submit("ui.button", &error, "button", "send", "enabled", "0",
                                "visible", "", NULL);
    assert_non_null(item);
    assert_string_equal(roomctl_item_id(item), "ui.button:send");
    g_autofree char *xml = roomctl_item_encode_xml(item);
    expect(xml, "<enabled>false</enabled>");
    assert_null(strstr(xml, "visible")); /* empty: not given, the default holds */
    roomctl_item_unref(item);

    static const struct { const char *var, *value, *message; } bad[] = {
        { "index", "three", "slideshow.slide: field 'index': expected int, got 'three'" },
        { "index", "0", "slideshow.slide: field 'index': 0 is below the minimum 1" },
        { "image_url", "ftp://x/y", "slideshow.slide: field 'image_url'" },
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        assert_null(submit("slideshow.slide", &error, "deck", "talk", bad[i].var, bad[i].value,
                           NULL));
        expect(error->message, bad[i].message);
        g_clear_error(&error);
    }
    assert_null(submit("slideshow.slide", &error, "deck", "talk", NULL));
    assert_string_equal(error->message, "slideshow.slide: missing required field 'index'");
    g_clear_error(&error);
    assert_null(submit("ui.button", &error, "button", "send", "enabled", "maybe", NULL));
    expect(error->message, "field 'enabled'");
    g_clear_error(&error);
    /* Not a submitted form. */
    xmpp_stanza_t *x = xmpp_stanza_new_from_string(ctx, "<x xmlns='jabber:x:data' type='form'/>");
    assert_null(rc_schema_form_item(registry, schema("ui.button"), x, &error));
    assert_string_equal(error->message,
                        "ui.button: expected a submitted form (jabber:x:data type submit)");
    g_clear_error(&error);
    xmpp_stanza_release(x);
    assert_null(rc_schema_form_item(registry, schema("ui.button"), NULL, &error));
    g_clear_error(&error);
}

static void test_every_shipped_schema_makes_a_form(void **state)
{
    GPtrArray *all = roomctl_registry_list(registry);
    for (guint i = 0; i < all->len; i++) {
        const roomctl_schema *s = g_ptr_array_index(all, i);
        xmpp_stanza_t *form = rc_schema_form(ctx, s, "t");
        g_autofree char *form_type = g_strdup_printf("urn:roomctl:0#%s", roomctl_schema_type(s));
        expect_field(form, "FORM_TYPE", "hidden", NULL, form_type);
        xmpp_stanza_release(form);
    }
    g_ptr_array_unref(all);
}

int main(void)
{
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    registry = roomctl_registry_new();
    GError *error = NULL;
    if (!roomctl_registry_load_path(registry, g_getenv("ROOMCTL_TEST_SCHEMAS"), &error)) {
        fprintf(stderr, "%s\n", error->message);
        return 1;
    }
    roomctl_schema *extra = roomctl_schema_load_string("test.form.yaml", TEST_SCHEMA, -1, &error);
    if (!extra || !roomctl_registry_add(registry, extra, &error)) {
        fprintf(stderr, "%s\n", error->message);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form_fields),
        cmocka_unit_test(test_submitted_forms),
        cmocka_unit_test(test_every_shipped_schema_makes_a_form),
    };
    int failed = cmocka_run_group_tests_name("gate_schema_form", tests, NULL, NULL);
    roomctl_registry_free(registry);
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return failed;
}

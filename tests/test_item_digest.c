/* The journal's item digest (bus/schema/item_digest.c): taken over a
 * canonical form of the item's meaning, so that two encodings of one item
 * (what an encoder change produces) have one digest, and items that differ
 * in any field, type or schema version have different ones. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <roomctl/roomctl.h>

#include "schema/item_digest.h"

/* Every field type; two strings side by side and a list, where a careless
 * form would let content move from one field to the next. */
static const char *const SCHEMA =
    "type: test.every\n"
    "version: 3\n"
    "kind: state\n"
    "key: [name]\n"
    "fields:\n"
    "  name: {type: string, required: true}\n"
    "  note: {type: string}\n"
    "  count: {type: int, default: 5}\n"
    "  ratio: {type: number}\n"
    "  on: {type: bool, default: true}\n"
    "  link: {type: url}\n"
    "  who: {type: jid}\n"
    "  blob: {type: bytes}\n"
    "  at: {type: timestamp}\n"
    "  tags: {type: list, items: {type: string}}\n";

#define OPEN "<control xmlns='urn:roomctl:0' type='test.every' version='3'>"

static int setup(void **state)
{
    roomctl_registry *registry = roomctl_registry_new();
    GError *error = NULL;
    roomctl_schema *schema = roomctl_schema_load_string("test.every.yaml", SCHEMA, -1, &error);
    if (!schema)
        fail_msg("%s", error->message);
    assert_true(roomctl_registry_add(registry, schema, &error));
    *state = registry;
    return 0;
}

static int teardown(void **state)
{
    roomctl_registry_free(*state);
    return 0;
}

static char *digest_of(const roomctl_registry *registry, const char *xml)
{
    GError *error = NULL;
    roomctl_item *item = roomctl_item_decode_xml(registry, xml, NULL, &error);
    if (!item)
        fail_msg("%s: %s", xml, error->message);
    char *digest = rc_item_digest(item);
    roomctl_item_unref(item);
    return digest;
}

static void assert_same(const roomctl_registry *registry, const char *a, const char *b)
{
    char *da = digest_of(registry, a), *db = digest_of(registry, b);
    if (strcmp(da, db) != 0)
        fail_msg("different digests for one meaning:\n%s\n%s", a, b);
    g_free(da);
    g_free(db);
}

static void assert_differ(const roomctl_registry *registry, const char *a, const char *b)
{
    char *da = digest_of(registry, a), *db = digest_of(registry, b);
    if (strcmp(da, db) == 0)
        fail_msg("one digest for two meanings:\n%s\n%s", a, b);
    g_free(da);
    g_free(db);
}

/* What an encoder change may do without changing the meaning: reorder the
 * fields, write a default out or leave it, spell a number otherwise.  The digest stays; the XML does not. */
static void test_encodings_of_one_meaning(void **state)
{
    assert_same(*state,
                OPEN "<name>a</name><count>5</count><ratio>1.5</ratio><on>true</on></control>",
                OPEN "<on>true</on><ratio>1.50</ratio><name>a</name></control>");
    assert_same(*state,
                OPEN "<name>a</name><tags>x</tags><tags>y</tags></control>",
                OPEN "<tags>x</tags><tags>y</tags><name>a</name></control>");
}

/* The encoder's own output, decoded, has the digest of the item it came from. */
static void test_round_trip(void **state)
{
    const char *xml = OPEN "<name>a</name><note>n</note><blob>AAEC</blob>"
                      "<at>2026-12-03T12:00:00Z</at><who>a@b.c</who></control>";
    GError *error = NULL;
    roomctl_item *item = roomctl_item_decode_xml(*state, xml, NULL, &error);
    assert_non_null(item);
    char *again = roomctl_item_encode_xml(item);
    assert_same(*state, xml, again);
    g_free(again);
    roomctl_item_unref(item);
}

static void test_different_meanings(void **state)
{
    const roomctl_registry *r = *state;
    assert_differ(r, OPEN "<name>a</name></control>", OPEN "<name>b</name></control>");
    assert_differ(r, OPEN "<name>a</name><on>true</on></control>",
                  OPEN "<name>a</name><on>false</on></control>");
    /* Content cannot move between neighbouring fields... */
    assert_differ(r, OPEN "<name>ab</name><note>c</note></control>",
                  OPEN "<name>a</name><note>bc</note></control>");
    /* ...nor between list elements, nor between set and unset. */
    assert_differ(r, OPEN "<name>a</name><tags>xy</tags></control>",
                  OPEN "<name>a</name><tags>x</tags><tags>y</tags></control>");
    assert_differ(r, OPEN "<name>a</name><note></note></control>",
                  OPEN "<name>a</name></control>");
    assert_differ(r, OPEN "<name>a</name><count>5</count></control>",
                  OPEN "<name>a</name><count>6</count></control>");
}

/* The form itself, written out: a change to it must come with a new
 * RC_ITEM_DIGEST_FORM (and then makes every journal entry apply once more). */
static void test_canonical_form(void **state)
{
    GError *error = NULL;
    roomctl_item *item = roomctl_item_decode_xml(
        *state, OPEN "<name>a:b</name><ratio>0.25</ratio><tags>x</tags></control>",
        NULL, &error);
    assert_non_null(item);
    GString *form = g_string_new(NULL);
    rc_item_canonical(form, item);
    assert_string_equal(form->str, "roomctl-item-digest 1\n"
                                   "type test.every\n"
                                   "version 3\n"
                                   "name s3:a:b\n"
                                   "note -\n"
                                   "count i5\n"
                                   "ratio n0.25\n"
                                   "on b1\n"
                                   "link -\n"
                                   "who -\n"
                                   "blob -\n"
                                   "at -\n"
                                   "tags l1[s1:x]\n");
    char *digest = rc_item_digest(item);
    char *want = g_compute_checksum_for_string(G_CHECKSUM_SHA256, form->str, -1);
    assert_string_equal(digest, want);
    g_free(want);
    g_free(digest);
    g_string_free(form, TRUE);
    roomctl_item_unref(item);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_encodings_of_one_meaning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_different_meanings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_canonical_form, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Who is in a room, as the gate reads MUC presences (bus/gate/occupants.c):
 * roles and affiliations as they change, leaving, nick changes, hidden real
 * JIDs, broken presences, and the `allow:` policies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "gate/occupants.h"

static xmpp_ctx_t *ctx;

static rc_presence_kind apply(rc_occupants *o, const char *xml)
{
    xmpp_stanza_t *presence = xmpp_stanza_new_from_string(ctx, xml);
    assert_non_null(presence);
    rc_presence_kind kind = rc_occupants_update(o, presence);
    xmpp_stanza_release(presence);
    return kind;
}

#define PRESENCE(nick, type, item, status) \
    "<presence from='r@muc.example/" nick "'" type "><x xmlns='http://jabber.org/protocol/muc#user'>" \
    item status "</x></presence>"
#define ITEM(aff, role, jid) "<item affiliation='" aff "' role='" role "' jid='" jid "'/>"

static void test_roles_follow_presence(void **state)
{
    rc_occupants *o = rc_occupants_new();
    assert_int_equal(apply(o, PRESENCE("alice", "", ITEM("owner", "moderator", "Alice@Example/Phone"), "")),
                     RC_PRESENCE_UPDATED);
    assert_int_equal(apply(o, PRESENCE("pat", "", ITEM("none", "participant", "pat@example/x"), "")),
                     RC_PRESENCE_UPDATED);
    assert_int_equal(apply(o, PRESENCE("gate", "", ITEM("admin", "moderator", "gate.example"),
                                       "<status code='110'/>")), RC_PRESENCE_SELF);
    assert_int_equal(rc_occupants_count(o), 3);
    const char *role, *aff;
    /* Real JIDs compare without case; the full JID counts, not the account. */
    assert_true(rc_occupants_allowed(o, "alice@example/phone", RC_ALLOW_ROLE_MODERATOR, &role, &aff));
    assert_string_equal(role, "moderator");
    assert_string_equal(aff, "owner");
    assert_false(rc_occupants_allowed(o, "alice@example/laptop", RC_ALLOW_ROLE_MODERATOR, &role, NULL));
    assert_string_equal(role, "none");
    assert_false(rc_occupants_allowed(o, "pat@example/x", RC_ALLOW_ROLE_MODERATOR, &role, &aff));
    assert_string_equal(role, "participant");

    /* Made moderator for the session, then back. */
    apply(o, PRESENCE("pat", "", ITEM("none", "moderator", "pat@example/x"), ""));
    assert_true(rc_occupants_allowed(o, "pat@example/x", RC_ALLOW_ROLE_MODERATOR, NULL, NULL));
    assert_false(rc_occupants_allowed(o, "pat@example/x", RC_ALLOW_AFFILIATION_ADMIN, NULL, NULL));
    apply(o, PRESENCE("pat", "", ITEM("none", "participant", "pat@example/x"), ""));
    assert_false(rc_occupants_allowed(o, "pat@example/x", RC_ALLOW_ROLE_MODERATOR, NULL, NULL));

    /* Gone. */
    assert_int_equal(apply(o, PRESENCE("alice", " type='unavailable'",
                                       ITEM("owner", "none", "alice@example/phone"), "")),
                     RC_PRESENCE_UPDATED);
    assert_false(rc_occupants_allowed(o, "alice@example/phone", RC_ALLOW_ROLE_MODERATOR, NULL, NULL));
    assert_int_equal(rc_occupants_count(o), 2);
    rc_occupants_clear(o);
    assert_int_equal(rc_occupants_count(o), 0);
    rc_occupants_free(o);
}

static void test_policies(void **state)
{
    rc_occupants *o = rc_occupants_new();
    apply(o, PRESENCE("o", "", ITEM("owner", "moderator", "o@example/1"), ""));
    apply(o, PRESENCE("a", "", ITEM("admin", "moderator", "a@example/1"), ""));
    apply(o, PRESENCE("m", "", ITEM("member", "moderator", "m@example/1"), ""));
    assert_true(rc_occupants_allowed(o, "o@example/1", RC_ALLOW_AFFILIATION_OWNER, NULL, NULL));
    assert_false(rc_occupants_allowed(o, "a@example/1", RC_ALLOW_AFFILIATION_OWNER, NULL, NULL));
    assert_true(rc_occupants_allowed(o, "a@example/1", RC_ALLOW_AFFILIATION_ADMIN, NULL, NULL));
    assert_true(rc_occupants_allowed(o, "o@example/1", RC_ALLOW_AFFILIATION_ADMIN, NULL, NULL));
    assert_false(rc_occupants_allowed(o, "m@example/1", RC_ALLOW_AFFILIATION_ADMIN, NULL, NULL));
    assert_true(rc_occupants_allowed(o, "m@example/1", RC_ALLOW_ROLE_MODERATOR, NULL, NULL));
    assert_string_equal(rc_allow_name(RC_ALLOW_AFFILIATION_ADMIN), "affiliation: admin");
    rc_occupants_free(o);
}

static void test_nick_change_and_hidden_jids(void **state)
{
    rc_occupants *o = rc_occupants_new();
    apply(o, PRESENCE("bob", "", ITEM("admin", "moderator", "bob@example/1"), ""));
    /* XEP-0045 7.6: unavailable with 303 for the old nick, then the new one. */
    apply(o, PRESENCE("bob", " type='unavailable'", ITEM("admin", "moderator", "bob@example/1"),
                      "<status code='303'/>"));
    apply(o, PRESENCE("robert", "", ITEM("admin", "moderator", "bob@example/1"), ""));
    assert_true(rc_occupants_allowed(o, "bob@example/1", RC_ALLOW_ROLE_MODERATOR, NULL, NULL));
    assert_int_equal(rc_occupants_count(o), 1);
    /* A room that hides real JIDs from the gate: nobody can be matched. */
    apply(o, "<presence from='r@muc.example/eve'><x xmlns='http://jabber.org/protocol/muc#user'>"
             "<item affiliation='owner' role='moderator'/></x></presence>");
    assert_int_equal(rc_occupants_count(o), 2);
    assert_false(rc_occupants_allowed(o, "eve@example/1", RC_ALLOW_ROLE_MODERATOR, NULL, NULL));
    assert_false(rc_occupants_allowed(o, NULL, RC_ALLOW_ROLE_MODERATOR, NULL, NULL));
    rc_occupants_free(o);
}

static void test_broken_and_other_presences(void **state)
{
    rc_occupants *o = rc_occupants_new();
    /* No muc#user item, no nick, plain presence: not an occupant's. */
    assert_int_equal(apply(o, "<presence from='r@muc.example/x'/>"), RC_PRESENCE_IGNORED);
    assert_int_equal(apply(o, "<presence from='r@muc.example'><x xmlns='http://jabber.org/protocol/muc#user'>"
                              ITEM("owner", "moderator", "a@b/c") "</x></presence>"),
                     RC_PRESENCE_IGNORED);
    assert_int_equal(apply(o, "<presence from='r@muc.example/'><x xmlns='http://jabber.org/protocol/muc#user'>"
                              ITEM("owner", "moderator", "a@b/c") "</x></presence>"),
                     RC_PRESENCE_IGNORED);
    assert_int_equal(apply(o, "<presence><x xmlns='http://jabber.org/protocol/muc#user'>"
                              ITEM("owner", "moderator", "a@b/c") "</x></presence>"),
                     RC_PRESENCE_IGNORED);
    assert_int_equal(apply(o, "<presence from='r@muc.example/x'><x xmlns='urn:other'>"
                              ITEM("owner", "moderator", "a@b/c") "</x></presence>"),
                     RC_PRESENCE_IGNORED);
    assert_int_equal(rc_occupants_count(o), 0);
    /* No role or affiliation attribute: none. */
    apply(o, "<presence from='r@muc.example/q'><x xmlns='http://jabber.org/protocol/muc#user'>"
             "<item jid='q@example/1'/></x></presence>");
    const char *role, *aff;
    assert_false(rc_occupants_allowed(o, "q@example/1", RC_ALLOW_ROLE_MODERATOR, &role, &aff));
    assert_string_equal(role, "none");
    assert_string_equal(aff, "none");
    /* The join refused; our own presence gone. */
    assert_int_equal(apply(o, "<presence type='error' from='r@muc.example/gate'><error type='auth'>"
                              "<registration-required xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                              "</error></presence>"), RC_PRESENCE_ERROR);
    assert_int_equal(apply(o, PRESENCE("gate", " type='unavailable'", ITEM("none", "none", "g.example"),
                                       "<status code='110'/><status code='307'/>")),
                     RC_PRESENCE_SELF_GONE);
    rc_occupants_free(o);
}

int main(void)
{
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles_follow_presence),
        cmocka_unit_test(test_policies),
        cmocka_unit_test(test_nick_change_and_hidden_jids),
        cmocka_unit_test(test_broken_and_other_presences),
    };
    int failed = cmocka_run_group_tests_name("gate_occupants", tests, NULL, NULL);
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return failed;
}

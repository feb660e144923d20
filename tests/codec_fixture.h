/* The codec and item-builder tests' fixture (codec_fixture.c). */
#ifndef CODEC_FIXTURE_H
#define CODEC_FIXTURE_H

#include <roomctl/roomctl.h>

#define CONTROL(type, body) \
    "<control xmlns='urn:roomctl:0' type='" type "' version='1'>" body "</control>"

/* The shipped schemas and the test types; made by codec_setup() (a cmocka
 * group setup), freed by codec_teardown(). */
extern roomctl_registry *codec_registry;
int codec_setup(void **state);
int codec_teardown(void **state);
/* Decode @xml (item id @id) or fail the test; roomctl_item_unref(). */
roomctl_item *codec_decode(const char *xml, const char *id);
/* Decoding @xml fails with @code and exactly @expected. */
void codec_assert_decode_error(const char *xml, const char *id, int code, const char *expected);
#define assert_invalid(xml, expected) \
    codec_assert_decode_error(xml, NULL, ROOMCTL_ERR_INVALID_ITEM, expected)
/* An item of @type from NULL-terminated "field=value" assignments, or fail
 * the test; roomctl_item_unref(). */
roomctl_item *codec_build(const char *type, ...) G_GNUC_NULL_TERMINATED;
/* The assignment's error's first line is exactly @expected. */
void codec_assert_build_error(const char *type, const char *assignment, const char *expected);
/* Encode @item, decode it again: equal, and encoded the same. */
void codec_assert_round_trip(const roomctl_item *item);

#endif

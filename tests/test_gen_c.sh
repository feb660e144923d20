#!/usr/bin/env bash
# `roomctl schema gen-c` (issue 17): the header for every shipped type and
# for a type with every field type compiles as C99 with -Wall -Wextra
# -Werror -pedantic; examples/plugin-hello's header is what the generator
# writes today; mistakes are named.
# Usage: test_gen_c.sh ROOMCTL SCHEMA_DIR CC SDK_INCLUDE_DIR HELLO_DIR
set -u
roomctl=$1 schemas=$2 cc=$3 sdk=$4 hello=$5
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir "$tmp/schemas"
cp "$schemas"/*.yaml "$tmp/schemas/"
cat >"$tmp/schemas/test.every.yaml" <<'YAML'
type: test.every
version: 1
description: 'One field of each type; a name that is a C keyword; a comment end */ in text.'
kind: event
fields:
  s: {type: string, required: true}
  i: {type: int, default: 3}
  n: {type: number}
  b: {type: bool, required: true}
  u: {type: url}
  j: {type: jid}
  data: {type: bytes}
  at: {type: timestamp}
  tags: {type: list, items: {type: string}}
  default: {type: string, description: 'a field named like a C keyword'}
YAML
sed -e 's/^version: 1/version: 2/' -e 's/^  s: .*/  s: {type: string}/' "$tmp/schemas/test.every.yaml" >"$tmp/schemas/test.every.v2.yaml"
chmod 700 "$tmp/schemas"
"$roomctl" schema gen-c ui.button ui.feature slideshow.slide chat.power room.notice test.every \
  -o "$tmp/types.h" --schemas "$tmp/schemas" || fail "gen-c failed"
grep -q '^typedef struct {$' "$tmp/types.h" || fail "no struct: $(cat "$tmp/types.h")"
grep -qF '} test_every_v2;' "$tmp/types.h" || fail "TYPE alone gives every version"
grep -qF '    const char *default_; /* string */' "$tmp/types.h" || fail "a C keyword as field name"
# Every function used, so that each is compiled (and can fail to).
cat >"$tmp/use.c" <<'C'
#include "types.h"
int use(const roomctl_item *item);
int use(const roomctl_item *item)
{
    const char *field = NULL;
    ui_button_v1 a; ui_feature_v1 b; slideshow_slide_v1 c; chat_power_v1 d; room_notice_v1 e;
    test_every_v1 f; test_every_v2 g;
    return ui_button_v1_from_item(item, &a, &field) + ui_feature_v1_from_item(item, &b, NULL) +
           slideshow_slide_v1_from_item(item, &c, &field) + chat_power_v1_from_item(item, &d, NULL) +
           room_notice_v1_from_item(item, &e, &field) + test_every_v1_from_item(item, &f, &field) +
           test_every_v2_from_item(item, &g, &field) + (int)f.tags_count + (int)f.data_len +
           (int)g.has_s;
}
C
"$cc" -std=c99 -Wall -Wextra -Werror -pedantic -I"$sdk" -I"$tmp" -c "$tmp/use.c" -o "$tmp/use.o" ||
  fail "the generated header does not compile as C99 with -Wall -Wextra -Werror"

# examples/plugin-hello/hello_types.h is up to date.
"$roomctl" schema gen-c room.notice -o "$tmp/hello_types.h" --schemas "$schemas" || fail "gen-c hello"
cmp -s "$tmp/hello_types.h" "$hello/hello_types.h" ||
  fail "examples/plugin-hello/hello_types.h is stale: run roomctl schema gen-c room.notice -o examples/plugin-hello/hello_types.h --schemas schemas"

"$roomctl" schema gen-c ui.buton -o "$tmp/x.h" --schemas "$schemas" 2>"$tmp/err"
[ $? -eq 3 ] || fail "unknown type: exit code"
grep -qxF "roomctl schema gen-c: unknown control type 'ui.buton' (did you mean 'ui.button'?)" "$tmp/err" ||
  fail "unknown type: $(cat "$tmp/err")"
"$roomctl" schema gen-c ui.button@x -o "$tmp/x.h" --schemas "$schemas" 2>"$tmp/err"
grep -qxF "roomctl schema gen-c: 'ui.button@x': expected TYPE or TYPE@VERSION" "$tmp/err" ||
  fail "bad version: $(cat "$tmp/err")"
"$roomctl" schema gen-c ui.button --schemas "$schemas" 2>"$tmp/err"
[ $? -eq 2 ] || fail "no -o: exit code"
[ -e "$tmp/x.h" ] && fail "a header was written after an error"
echo ok

#!/usr/bin/env bash
# `roomctl schema …` as a schema author runs it: exit codes and the messages
# they read.  Usage: test_cli_schema.sh ROOMCTL SCHEMA_DIR
set -u
roomctl=$1 schemas=$2
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$roomctl" schema check "$schemas"/*.yaml >"$tmp/out" 2>&1 || fail "shipped schemas: $(cat "$tmp/out")"
grep -qx "$schemas/ui.button.yaml: ok (ui.button version 1, state)" "$tmp/out" || fail "no ok line"

printf 'type: x.y\nversion: 1\nkind: event\nfields:\n  a: {type: string, requried: true}\n' >"$tmp/bad.yaml"
"$roomctl" schema check "$tmp/bad.yaml" 2>"$tmp/err"
[ $? -eq 3 ] || fail "broken schema: exit code $?"
grep -qxF "$tmp/bad.yaml:5:21: error: field 'a': unknown keyword 'requried' (did you mean 'required'?)" "$tmp/err" ||
  fail "broken schema message: $(cat "$tmp/err")"

# A FIFO has no size to check first: the reading stops at the 1 MiB limit.
mkfifo "$tmp/fifo"
(yes 'a: 1' >"$tmp/fifo" 2>/dev/null &)
timeout 20 "$roomctl" schema check "$tmp/fifo" 2>"$tmp/err"
[ $? -eq 3 ] || fail "endless FIFO: exit code $?"
grep -qxF "$tmp/fifo:1:1: error: file is too large (more than 1 MiB; the limit is 1 MiB)" "$tmp/err" ||
  fail "endless FIFO message: $(cat "$tmp/err")"

"$roomctl" schema types --schemas "$schemas" | grep -q '^ui.button  *1  state  ' || fail "types"
"$roomctl" schema types --schemas "$schemas" --json | grep -q '"type": "room.notice"' || fail "types --json"
ROOMCTL_SCHEMA_PATH=$schemas "$roomctl" schema describe chat.power | grep -q '^  item id: *chat.power$' ||
  fail "describe"
"$roomctl" schema describe ui.slider --schemas "$schemas" 2>"$tmp/err"
[ $? -eq 3 ] || fail "describe unknown type: exit code"
grep -q "unknown control type 'ui.slider'" "$tmp/err" || fail "describe unknown type message"
"$roomctl" schema frobnicate 2>/dev/null
[ $? -eq 2 ] || fail "unknown verb: exit code"
echo ok

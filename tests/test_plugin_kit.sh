#!/usr/bin/env bash
# roomctl-plugin-test itself (issue 17): a failing case is reported as
# "not ok" with where and why, a broken cases file is refused with its
# positions.  Usage: test_plugin_kit.sh ROOMCTL_PLUGIN_TEST PLUGIN_DIR SCHEMA_DIR
set -u
kit=$1 plugins=$2
export ROOMCTL_SCHEMA_PATH=$3
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# run CODE CASES-TEXT: run the kit on ui-state with these cases.
run() {
  local code=$1; printf '%s' "$2" >"$tmp/cases.yaml"
  "$kit" "$plugins/ui-state.so" "$tmp/cases.yaml" >"$tmp/out" 2>&1
  local got=$?
  [ "$got" -eq "$code" ] || fail "exit $got, expected $code: $(cat "$tmp/out")"
}
has() { grep -qxF -- "$1" "$tmp/out" || fail "expected the line '$1' in: $(cat "$tmp/out")"; }

run 1 'config: {file: ${TMP}/ui.json}
cases:
  - name: passes
    steps:
      - item: {type: ui.button, button: send}
  - name: expects what the plugin does not write
    steps:
      - item: {type: ui.button, button: send, enabled: false}
      - file: ui.json
        contains: "\"enabled\":true"
  - name: expects a failure that does not come
    steps:
      - item: {type: ui.button, button: send}
        expect: fail
'
has "TAP version 13"
has "1..3"
has "ok 1 - passes"
has "not ok 2 - expects what the plugin does not write"
grep -q "^# $tmp/cases.yaml:9:9: file /tmp/.*/ui.json: expected it to contain '\"enabled\":true'; it holds: {" "$tmp/out" ||
  fail "the reason of case 2: $(cat "$tmp/out")"
has "not ok 3 - expects a failure that does not come"
has "# $tmp/cases.yaml:13:9: item ui.button:send: expected fail, got ui-state applied it"

# A setting the plugin does not take: the plugin does not start.
run 1 'config:
  file: ${TMP}/ui.json
  colour: red
cases:
  - name: starts
    steps:
      - purge: true
'
has "not ok 1 - starts"
has "# the plugin did not start: $tmp/cases.yaml:3:3: error: plugin 'ui-state': unknown setting 'colour' (known: file)"

run 3 'cases:
  - name: broken
    stpes: []
  - name: two actions
    steps:
      - {purge: true, restart: true}
      - {item: {type: ui.button, button: a}, expcet: ok}
'
has "$tmp/cases.yaml:2:5: error: a case needs 'name' and 'steps'"
has "$tmp/cases.yaml:6:9: error: a step is a mapping with one of item, replay, retract, purge, restart, file, log"
has "$tmp/cases.yaml:7:54: error: unknown key 'expcet' (did you mean 'expect'?)"
"$kit" 2>"$tmp/err"; [ $? -eq 2 ] || fail "no arguments: exit code"
echo ok

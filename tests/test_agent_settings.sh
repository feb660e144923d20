#!/usr/bin/env bash
# Plugin settings (issue 17): `roomctl-agent --check` refuses a misspelt or
# bad setting with FILE:LINE:COL and a suggestion, without running init;
# `--describe-plugin NAME` prints what a plugin takes.
# Usage: test_agent_settings.sh ROOMCTL_AGENT SCHEMA_DIR PLUGIN_DIR
set -u
agent=$1 schemas=$2 plugins=$3
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# expect CODE TEXT ARGS…: exit code CODE and TEXT (a whole line) in the output.
expect() {
  local code=$1 text=$2; shift 2
  "$agent" "$@" >"$tmp/out" 2>&1
  local got=$?
  [ "$got" -eq "$code" ] || fail "roomctl-agent $*: exit $got, expected $code: $(cat "$tmp/out")"
  grep -qF -- "$text" "$tmp/out" || fail "roomctl-agent $*: expected '$text' in: $(cat "$tmp/out")"
}
echo pw >"$tmp/pw" && chmod 600 "$tmp/pw"
# config FILE PLUGINS-YAML: an agent configuration with those plugins.
config() {
  cat >"$1" <<END
account: {jid: screen@localhost, password_file: pw}
server: {host: 127.0.0.1, port: 1, allow_plaintext: true}
room: lobby@conference.localhost
schema_dirs: [$schemas]
plugin_dirs: [$plugins]
plugins:
$2
END
}

config "$tmp/exec.yaml" "  - name: exec
    config:
      timout_ms: 5
      commands:
        - {types: room.notice, argv: [/bin/true], timeout_ms: 0}"
expect 3 "$tmp/exec.yaml:9:7: error: plugin 'exec': unknown setting 'timout_ms' (did you mean 'timeout_ms'?)" \
  --check --config "$tmp/exec.yaml"
grep -qF "$tmp/exec.yaml:11:63: error: plugin 'exec': setting 'commands[0].timeout_ms': 0 is out of range: expected 1 to 86400000" "$tmp/out" ||
  fail "second problem of the section: $(cat "$tmp/out")"

# ui-state with a colour: refused before init could touch its file.
echo '{}' >"$tmp/ui.json" && cp "$tmp/ui.json" "$tmp/ui.before"
config "$tmp/ui.yaml" "  - name: ui-state
    config:
      file: $tmp/ui.json
      colour: red"
expect 3 "$tmp/ui.yaml:10:7: error: plugin 'ui-state': unknown setting 'colour' (known: file)" \
  --check --config "$tmp/ui.yaml"
cmp -s "$tmp/ui.json" "$tmp/ui.before" || fail "--check ran ui-state's init"
# The same refusal when the agent starts (before any connection).
expect 3 "$tmp/ui.yaml:10:7: error: plugin 'ui-state': unknown setting 'colour' (known: file)" \
  --config "$tmp/ui.yaml"
# A required setting left out is caught by --check too.
config "$tmp/audit.yaml" "  - name: audit"
expect 3 "error: plugin 'audit': missing setting 'file' (the file to append the audit trail to)" \
  --check --config "$tmp/audit.yaml"
config "$tmp/good.yaml" "  - name: ui-state
    config: {file: $tmp/ui.json}"
expect 0 "configuration $tmp/good.yaml is valid" --check --config "$tmp/good.yaml"

# --describe-plugin: from the configuration's plugin directories, or a path.
expect 0 "    timeout_ms            an integer from 1 to 86400000, default 10000" \
  --describe-plugin exec --config "$tmp/good.yaml"
grep -qxF "                          how long a command may run, in milliseconds (up to 24 h)" "$tmp/out" ||
  fail "describe exec: $(cat "$tmp/out")"
expect 0 "    file  a path, required" --describe-plugin "$plugins/ui-state.so"
expect 0 "  settings: none" --describe-plugin "$plugins/chat-power.so"
expect 1 "plugin 'nope' not found" --describe-plugin nope --config "$tmp/good.yaml"
echo ok

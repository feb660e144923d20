#!/usr/bin/env bash
# The bus commands of `roomctl` and the command line of `roomctl-agent`
# without a server: command-line, item and configuration errors, --dry-run,
# --check, and the exit codes and messages a moderator reads.
# Usage: test_cli_bus.sh ROOMCTL SCHEMA_DIR ROOMCTL_AGENT PLUGIN_DIR
set -u
roomctl=$1 agent=$3 plugins=$4
export ROOMCTL_SCHEMA_PATH=$2 LC_ALL=C
unset ROOMCTL_JID ROOMCTL_PASSWORD ROOMCTL_PASSWORD_FILE ROOMCTL_HOST ROOMCTL_PORT
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
room=lobby@conference.localhost

# expect CODE TEXT ARGS…: roomctl ARGS exits CODE and prints TEXT (stdout+stderr).
expect() {
  local code=$1 text=$2; shift 2
  "$roomctl" "$@" >"$tmp/out" 2>&1
  local got=$?
  [ "$got" -eq "$code" ] || fail "roomctl $*: exit $got, expected $code: $(cat "$tmp/out")"
  grep -qF -- "$text" "$tmp/out" || fail "roomctl $*: expected '$text' in: $(cat "$tmp/out")"
}

expect 0 '<enabled>false</enabled>' publish --dry-run $room ui.button button=send enabled=false
expect 0 '<!-- node roomctl/lobby@conference.localhost, item id ui.button:send -->' \
  publish -n $room ui.button button=send
expect 3 "field 'index'" publish -n $room slideshow.slide deck=intro index=three
expect 3 "ui.slider" publish -n $room ui.slider a=b
printf 'type: chat.power\nenabled: false\nreason: "Talk & <questions>"\n' >"$tmp/item.yaml"
expect 0 '<reason>Talk &amp; &lt;questions&gt;</reason>' publish -n --file "$tmp/item.yaml" $room
printf 'type: chat.power\nenabled: maybe\n' >"$tmp/bad.yaml"
expect 3 "$tmp/bad.yaml" publish -n --file "$tmp/bad.yaml" $room

# --schemas takes a ':'-separated list, as ROOMCTL_SCHEMA_PATH does.
mkdir "$tmp/more"
sed 's/^type: ui.button/type: ui.toggle/' "$ROOMCTL_SCHEMA_PATH/ui.button.yaml" >"$tmp/more/ui.toggle.yaml"
expect 0 'item id ui.toggle:send' publish -n --schemas "$ROOMCTL_SCHEMA_PATH:$tmp/more" $room ui.toggle button=send
expect 0 'item id ui.button:send' publish -n --schemas "$tmp/more:$ROOMCTL_SCHEMA_PATH" $room ui.button button=send
expect 3 "unknown control type 'ui.button'" publish -n --schemas "$tmp/more" $room ui.button button=send

expect 2 'missing arguments' publish
expect 2 'missing TYPE (or --file ITEM.yaml)' publish $room
expect 2 'give TYPE field=value… or --file, not both' publish -f "$tmp/item.yaml" $room ui.button
expect 2 'Unknown option --frob' publish --frob
expect 2 "unexpected argument 'extra'" retract $room ui.button:send extra
expect 2 "unknown subcommand 'frob'" room frob
expect 2 "unknown role 'boss'; expected moderator, member or none" room grant $room b@localhost boss
expect 2 "unknown --access 'secret'; expected open or members" room create --access secret $room
expect 2 'no account given: use --jid JID or set ROOMCTL_JID' state $room
expect 2 'no password for a@localhost' state --jid a@localhost $room

echo pw >"$tmp/pw" && chmod 644 "$tmp/pw"
expect 1 "password file $tmp/pw has mode 0644: the group or others may read it" \
  state --jid a@localhost --password-file "$tmp/pw" $room
chmod 600 "$tmp/pw"
# Nobody listens on port 1 of the loopback: a connection failure.
expect 5 '' state --jid a@localhost --password-file "$tmp/pw" --host 127.0.0.1 --port 1 \
  --allow-plaintext $room

for c in publish retract purge state watch "room create" "room grant" "room show"; do
  # shellcheck disable=SC2086
  expect 0 "roomctl $c [OPTION" $c --help
done
expect 0 'Subcommands:' room --help

# roomctl-agent: expect_agent CODE TEXT ARGS…  Each run is bounded, so that
# an agent that hangs fails here with a message, not at meson's timeout.
agent_limit=20
expect_agent() {
  local code=$1 text=$2; shift 2
  timeout -k 5 $agent_limit "$agent" "$@" >"$tmp/out" 2>&1
  local got=$?
  [ "$got" -eq 124 ] || [ "$got" -eq 137 ] &&
    fail "roomctl-agent $*: still running after ${agent_limit} s (expected exit $code): $(cat "$tmp/out")"
  [ "$got" -eq "$code" ] || fail "roomctl-agent $*: exit $got, expected $code: $(cat "$tmp/out")"
  grep -qF -- "$text" "$tmp/out" || fail "roomctl-agent $*: expected '$text' in: $(cat "$tmp/out")"
}
expect_agent 2 '--config FILE is required'
expect_agent 2 "unknown --log-level 'loud'" --config x.yaml --log-level loud
expect_agent 3 "$tmp/none.yaml" --config "$tmp/none.yaml"
echo pw >"$tmp/pw" && chmod 600 "$tmp/pw"
cat >"$tmp/agent.yaml" <<END
account: {jid: screen@localhost, password_file: pw}
server: {host: 127.0.0.1, port: 1, allow_plaintext: true}
room: lobby@conference.localhost
schema_dirs: [$ROOMCTL_SCHEMA_PATH]
plugin_dirs: [$plugins]
plugins:
  - name: audit
    config: {file: $tmp/audit.jsonl}
END
expect_agent 0 "configuration $tmp/agent.yaml is valid" --check --config "$tmp/agent.yaml"
# --check runs no plugin's init: ui-state's would empty the file a running
# agent keeps its state in.
echo '{"lobby@conference.localhost": {"buttons": {"send": {"enabled": false}}}}' >"$tmp/ui.json"
cp "$tmp/ui.json" "$tmp/ui.json.before"
sed -e 's/name: audit/name: ui-state/' -e "s|$tmp/audit.jsonl|$tmp/ui.json|" "$tmp/agent.yaml" >"$tmp/live.yaml"
expect_agent 0 "configuration $tmp/live.yaml is valid" --check --config "$tmp/live.yaml"
cmp -s "$tmp/ui.json" "$tmp/ui.json.before" || fail "--check changed ui-state's file: $(cat "$tmp/ui.json")"
sed 's/^room:/rom:/' "$tmp/agent.yaml" >"$tmp/typo.yaml"
expect_agent 3 "$tmp/typo.yaml:3:6: error: unknown key 'rom' in the agent configuration (did you mean 'room'?)" \
  --config "$tmp/typo.yaml"
# A state_file that is not a journal is refused, and left as it was.
echo 'my notes' >"$tmp/notes"
{ cat "$tmp/agent.yaml"; echo "state_file: notes"; } >"$tmp/journal.yaml"
expect_agent 3 "$tmp/journal.yaml: state_file: $tmp/notes:1: error: not a roomctl state journal (its first line should be 'roomctl-journal 1'); move the file away or set state_file to another path" \
  --config "$tmp/journal.yaml"
[ "$(cat "$tmp/notes")" = 'my notes' ] || fail "the agent overwrote a file that is not a journal"
sed 's/name: audit/name: no-such-plugin/' "$tmp/agent.yaml" >"$tmp/noplugin.yaml"
expect_agent 1 "no-such-plugin" --check --config "$tmp/noplugin.yaml"

# Nothing listens on port 1: the agent retries until stopped; SIGUSR1 reports.
"$agent" --config "$tmp/agent.yaml" >"$tmp/run.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q 'connecting again' "$tmp/run.log" && break; sleep 0.05; done
kill -USR1 $pid
for _ in $(seq 100); do grep -q 'reconnects 0' "$tmp/run.log" && break; sleep 0.05; done
kill -TERM $pid
for _ in $(seq 200); do kill -0 $pid 2>/dev/null || break; sleep 0.05; done
if kill -0 $pid 2>/dev/null; then
  kill -KILL $pid
  fail "roomctl-agent did not stop within 10 s of SIGTERM: $(cat "$tmp/run.log")"
fi
wait $pid || fail "roomctl-agent did not stop cleanly: $(cat "$tmp/run.log")"
grep -q 'not connected (account screen@localhost)' "$tmp/run.log" || fail "SIGUSR1: $(cat "$tmp/run.log")"
grep -qF 'items applied 0, replayed 0, dropped 0, handler failures 0, slow handlers 0 (over 1000 ms), reconnects 0' "$tmp/run.log" ||
  fail "SIGUSR1 counters: $(cat "$tmp/run.log")"
echo ok

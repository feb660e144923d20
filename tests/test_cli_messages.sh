#!/usr/bin/env bash
# What a newcomer reads (issue 16), against a real Prosody: the words for
# each connection failure, -v and --debug (passwords masked), --version, and
# no raw libstrophe text anywhere.
# usage: test_cli_messages.sh ROOMCTL ROOMCTL_AGENT RC_TEST_PROSODY SCHEMA_DIR PLUGIN_DIR
set -u
roomctl=$1 agent=$2 prosody=$3 plugins=$5
export ROOMCTL_SCHEMA_PATH=$4 LC_ALL=C
unset ROOMCTL_JID ROOMCTL_PASSWORD ROOMCTL_PASSWORD_FILE ROOMCTL_HOST ROOMCTL_PORT \
      ROOMCTL_ALLOW_PLAINTEXT ROOMCTL_PUBSUB
tmp=$(mktemp -d)
server=
agents=()
cleanup() {
  for pid in "${agents[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  exec 3>&- 2>/dev/null; [ -z "$server" ] || wait "$server"; rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/prosody.log" ] && tail -n 20 "$tmp/prosody.log"; exit 1; }

# expect CODE TEXT ARGS…: roomctl ARGS exits CODE and prints TEXT (stdout+stderr).
expect() {
  local code=$1 text=$2; shift 2
  "$roomctl" "$@" >"$tmp/out" 2>&1
  local got=$?
  [ "$got" -eq "$code" ] || fail "roomctl $*: exit $got, expected $code: $(cat "$tmp/out")"
  grep -qF -- "$text" "$tmp/out" || fail "roomctl $*: expected '$text' in: $(cat "$tmp/out")"
}
# refuse TEXT: the last output does not contain TEXT.
refuse() { ! grep -qF -- "$1" "$tmp/out" || fail "unexpected '$1' in: $(cat "$tmp/out")"; }

expect 0 "roomctl 0." --version
"$agent" --version >"$tmp/out" 2>&1 || fail "roomctl-agent --version: $(cat "$tmp/out")"
grep -q '^roomctl-agent 0\.' "$tmp/out" || fail "roomctl-agent --version: $(cat "$tmp/out")"
expect 0 "--debug" --help

# Without a server: usage, schema messages.
expect 0 "roomctl schema check [OPTION" schema check --help
refuse "schema describe TYPE"
expect 0 "at least 1 character, at most 500 characters" describe room.notice
expect 1 "/nonexistent: error: no such schema folder" types --schemas /nonexistent
expect 1 "name the schema folders with --schemas PATH or ROOMCTL_SCHEMA_PATH" types --schemas /nonexistent
refuse "Error opening directory"
expect 2 "'notajid' is not a room: expected the bare JID of a chat room" room create notajid
expect 2 "'a@b/c' is not a room" publish a@b/c ui.button button=send

# A port nobody listens on (no server needed).
export ROOMCTL_JID=owner@localhost ROOMCTL_PASSWORD=s3cret-pw ROOMCTL_HOST=127.0.0.1 ROOMCTL_PORT=1
expect 5 "cannot connect to 127.0.0.1:1 as owner@localhost: nothing accepts connections there" \
  state room@conference.localhost --allow-plaintext
refuse "the server closed the connection"

mkfifo "$tmp/prosody.stdin"
"$prosody" --account owner:s3cret-pw --account kiosk:kiosk-pw <"$tmp/prosody.stdin" >"$tmp/prosody.out" 2>"$tmp/prosody.log" &
server=$!
exec 3>"$tmp/prosody.stdin"
for _ in $(seq 300); do grep -q port= "$tmp/prosody.out" && break; sleep 0.1; done
port=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' "$tmp/prosody.out")
[ -n "$port" ] || fail "rc-test-prosody did not start"
export ROOMCTL_PORT=$port
room=lobby@conference.localhost

# No TLS on the test server, TLS required: one sentence, no libstrophe text.
expect 5 "the server does not offer TLS, and plain connections are not allowed" state $room
refuse "xmpp: xmpp:"
refuse "TLS is not supported"
# A wrong password: said once, in our words.
ROOMCTL_PASSWORD=wrong expect 5 "the server at 127.0.0.1:$port refused the password of account owner@localhost" \
  state $room --allow-plaintext
refuse "Cannot authenticate with known methods"
refuse "warning"

# -v says what is done; --debug adds the XMPP trace without the password.
expect 7 "roomctl: info: xmpp: connected as owner@localhost" -v state $room --allow-plaintext
refuse "SENT:"
expect 7 "SENT: <auth" state $room --allow-plaintext --debug
refuse "s3cret-pw"
grep -q '<auth [^>]*>\*\*\*\*\*\*\*\*</auth>' "$tmp/out" || fail "the SASL payload is not masked: $(grep '<auth' "$tmp/out")"

# The room commands, as the room's owner (the server's PubSub admin).
export ROOMCTL_ALLOW_PLAINTEXT=1
expect 0 "node roomctl/$room" room create $room
# No chat room yet: made too (persistent, the owner its owner), and said.
grep -qF "created the chat room $room (persistent; owner@localhost" "$tmp/out" ||
  fail "room create: $(cat "$tmp/out")"
grep -qF "chat room $room: moderators: owner@localhost (owner)" "$tmp/out" ||
  fail "room create: $(cat "$tmp/out")"
# Again: the room is there, nothing is made twice.
expect 0 "chat room $room: moderators: owner@localhost (owner)" room create $room
refuse "created the chat room"
# Granting needs no schemas.
ROOMCTL_SCHEMA_PATH=/nonexistent expect 0 "alice@localhost is now moderator of $room" \
  room grant $room alice@localhost moderator
expect 0 "{\"room\": \"$room\", \"published\": true, \"item_id\": \"ui.button:send\", \"dry_run\": false}" \
  publish $room ui.button button=send enabled=false --json
expect 0 "would retract ui.button:send from $room" retract $room ui.button:send --dry-run
expect 7 "room $room has no item 'ui.button:nope'" retract $room ui.button:nope --dry-run
expect 7 "room $room has no item 'ui.button:nope'" retract $room ui.button:nope
refuse "or no roomctl node"
expect 7 "room nosuch@conference.localhost has no roomctl node; run \`roomctl room create" \
  retract nosuch@conference.localhost ui.button:send
expect 0 "\"purged\": false, \"items\": [\"ui.button:send\"], \"dry_run\": true}" \
  purge $room --dry-run --json
expect 2 "purging $room resets every client of the room: give --yes" purge $room </dev/null
expect 0 "ui.button:send" state $room
expect 0 "{\"room\": \"$room\", \"purged\": true, \"dry_run\": false}" purge $room --yes --json
# A failed watch says why once.
expect 7 "has no roomctl node" watch nosuch@conference.localhost
[ "$(grep -c "has no roomctl node" "$tmp/out")" -eq 1 ] || fail "watch said it more than once: $(cat "$tmp/out")"
# Two agents with one full JID: the first is replaced once, and stops
# naming the conflict instead of taking the session back forever.
(umask 077; echo kiosk-pw >"$tmp/kiosk.pw")
cat >"$tmp/kiosk.yaml" <<YAML
account: {jid: kiosk@localhost/screen, password_file: $tmp/kiosk.pw}
server: {host: 127.0.0.1, port: $port, local_test_server: true}
rooms: [$room]
moderators: [owner@localhost]
schema_dirs: [$ROOMCTL_SCHEMA_PATH]
plugin_dirs: [$plugins]
plugins: [{name: audit, config: {file: $tmp/audit.jsonl}}]
YAML
wait_log() {  # FILE TEXT
  for _ in $(seq 200); do grep -qF -- "$2" "$1" && return 0; sleep 0.1; done
  fail "no '$2' in $1: $(cat "$1")"
}
"$agent" --config "$tmp/kiosk.yaml" 2>"$tmp/first.log" & first=$!; agents+=($first)
wait_log "$tmp/first.log" "$room: joined"
"$agent" --config "$tmp/kiosk.yaml" 2>"$tmp/second.log" & agents+=($!)
wait_log "$tmp/second.log" "$room: joined"
for _ in $(seq 100); do kill -0 $first 2>/dev/null || break; sleep 0.1; done
wait $first; status=$?
[ $status -eq 5 ] || fail "the replaced agent: exit $status, expected 5: $(cat "$tmp/first.log")"
grep -qF "another client logged in as kiosk@localhost/screen (the same full JID)" "$tmp/first.log" ||
  fail "the replaced agent does not name the conflict: $(cat "$tmp/first.log")"
grep -qF "give each agent its own resource" "$tmp/first.log" || fail "no advice: $(cat "$tmp/first.log")"
! grep -q "reconnecting" "$tmp/first.log" || fail "the replaced agent reconnected: $(cat "$tmp/first.log")"
sleep 1
! grep -q "connection lost" "$tmp/second.log" || fail "the second agent was replaced: $(cat "$tmp/second.log")"

expect 0 "deleted the roomctl node of $room" room delete $room
expect 7 "room $room has no roomctl node" state $room
expect 7 "room $room has no roomctl node" room delete $room
echo "ok: connection messages, --version, -v and --debug, room and item commands, a JID conflict"

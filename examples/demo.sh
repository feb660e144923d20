#!/usr/bin/env bash
# The roomctl demo (README's first command).  As root on a fresh Debian:
# installs what is missing, builds into build-demo/, starts a throwaway
# Prosody on 127.0.0.1 with roomctl-gate as its component, creates a room,
# starts three agents (alice, bob, carol) with the shipped plugins, plays
# examples/moderator-script.sh through the gate, shows a participant's
# request refused, prints what each client now shows, and stops everything.  Safe to re-run; its
# files are in _demo/ (kept for a look; removed at the next run).
# `examples/demo.sh --server ejabberd` runs it on a throwaway ejabberd.
#
# examples/demo.sh --web also serves the browser pages of examples/web on
# 127.0.0.1 (npm ci first), told the room's gate (the chat page takes only
# the gate's items, the panel sends through it), prints their URLs and
# accounts, waits for Enter before the script, and keeps everything up until
# Ctrl-C (Prosody only).
set -euo pipefail
server=prosody
web=0
while [ $# -gt 0 ]; do
  case $1 in
    --server) server=${2:?"--server prosody|ejabberd"}; shift 2 ;;
    --web) web=1; shift ;;
    *) echo "usage: examples/demo.sh [--server prosody|ejabberd] [--web]" >&2; exit 2 ;;
  esac
done
if [ "$web" -eq 1 ] && [ "$server" != prosody ]; then
  echo "examples/demo.sh: --web runs on Prosody (the ejabberd harness has no WebSocket listener)" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
top=$PWD
build=${BUILDDIR:-$top/build-demo}
work=$top/_demo
clients=(alice bob carol)

say() { printf '\n\033[1;34m== %s\033[0m\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

# ---- everything started below is stopped on any exit -----------------------
pids=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  exec 3>&- 2>/dev/null || true   # EOF on its stdin stops rc-test-prosody too
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  [ "$status" -ne 0 ] || echo "demo: everything stopped"
  if [ "$status" -ne 0 ]; then
    echo "demo: failed (exit $status); logs are in $work/" >&2
    tail -n 5 "$work"/*.log 2>/dev/null >&2 || true
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ "$web" -eq 0 ] || trap 'exit 0' INT TERM   # Ctrl-C (or kill) is how a --web demo ends

# Wait up to $3 seconds for file $1 to contain $2.
wait_for() {
  local deadline=$((SECONDS + ${3:-20}))
  until grep -qF -- "$2" "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || die "timed out waiting for '$2' in $1"
    sleep 0.1
  done
}

say "Dependencies and build ($build)"
tests/install-deps.sh
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
ninja -C "$build" >/dev/null || ninja -C "$build"
roomctl=$build/bus/cli/roomctl
agent=$build/bus/agent/roomctl-agent
gate_bin=$build/bus/gate/roomctl-gate
prosody=$build/tests/rc-test-server
[ -x "$prosody" ] || die "rc-test-server was not built"

rm -rf "$work"
mkdir -p "$work"
chmod 700 "$work"

say "A throwaway $server on 127.0.0.1"
mkfifo "$work/prosody.stdin"
accounts=(--account moderator:pw-moderator --account pat:pw-pat)
for c in "${clients[@]}"; do accounts+=(--account "$c:pw-$c"); done
(umask 077; head -c 18 /dev/urandom | base64 >"$work/gate.secret")
websocket=()
[ "$web" -eq 0 ] || websocket=(--websocket)
"$prosody" --server "$server" "${accounts[@]}" --component-secret "$(cat "$work/gate.secret")" \
  "${websocket[@]}" <"$work/prosody.stdin" >"$work/prosody.out" 2>"$work/prosody.log" &
pids+=($!)
exec 3>"$work/prosody.stdin"
wait_for "$work/prosody.out" "port=" 30
read -r line <"$work/prosody.out"
port=$(sed -n 's/.* port=\([0-9]*\).*/\1/p' <<<"$line")
domain=$(sed -n 's/.*domain=\([^ ]*\).*/\1/p' <<<"$line")
pubsub=$(sed -n 's/.*pubsub=\([^ ]*\).*/\1/p' <<<"$line")
muc=$(sed -n 's/.*muc=\([^ ]*\).*/\1/p' <<<"$line")
gate=$(sed -n 's/.*gate=\([^ ]*\).*/\1/p' <<<"$line")
component_port=$(sed -n 's/.*component_port=\([0-9]*\).*/\1/p' <<<"$line")
echo "$line"
room=demo@$muc

for a in moderator pat "${clients[@]}"; do
  (umask 077; echo "pw-$a" >"$work/$a.pw")
done
export ROOMCTL=$roomctl ROOMCTL_JID=moderator@$domain ROOMCTL_PASSWORD_FILE=$work/moderator.pw
export ROOMCTL_HOST=127.0.0.1 ROOMCTL_PORT=$port ROOMCTL_PUBSUB=$pubsub ROOMCTL_ALLOW_PLAINTEXT=1
export ROOMCTL_SCHEMA_PATH=$top/schemas

say "Create the room with its gate ($gate): the gate owns the control node"
echo "\$ roomctl room create $room --gate $gate"
"$roomctl" room create "$room" --gate "$gate"
sed -e "s|@GATE@|$gate|" -e "s|@SECRET_FILE@|$work/gate.secret|" \
    -e "s|@COMPONENT_PORT@|$component_port|" -e "s|@ROOM@|$room|" \
    -e "s|@SCHEMA_DIR@|$top/schemas|" -e "s|pubsub.localhost|$pubsub|" \
    examples/gate.yaml >"$work/gate.yaml"
"$gate_bin" --config "$work/gate.yaml" 2>"$work/gate.log" &
pids+=($!)
wait_for "$work/gate.log" "serving requests" 20
grep -o "$room: in the room.*" "$work/gate.log"
export ROOMCTL_GATE=$gate   # every publish, retract and purge below goes through it

say "Three clients join: ${clients[*]}"
for c in "${clients[@]}"; do
  mkdir -p "$work/$c"
  sed -e "s|@JID@|$c@$domain/screen|" -e "s|@PASSWORD_FILE@|$work/$c.pw|" \
      -e "s|@PORT@|$port|" -e "s|@ROOM@|$room|" -e "s|@SCHEMA_DIR@|$top/schemas|" \
      -e "s|@PLUGIN_DIR@|$build/plugins|" -e "s|@STATE_DIR@|$work/$c|" \
      -e "s|pubsub.localhost|$pubsub|" examples/agent.yaml >"$work/$c.yaml"
  echo "gate: $gate   # items count only when the gate published them" >>"$work/$c.yaml"
  "$agent" --config "$work/$c.yaml" 2>"$work/$c.log" &
  pids+=($!)
done
for c in "${clients[@]}"; do
  wait_for "$work/$c.log" "$room: joined" 20
  echo "$c joined $room"
done

if grep -h "checks are off" "$work"/*.log; then die "an agent runs with publisher checks off"; fi
echo "every agent checks that items come from a moderator (moderator@$domain)"

if [ "$web" -eq 1 ]; then
  say "The browser pages (examples/web)"
  command -v npm >/dev/null || die "npm is missing (tests/install-deps.sh installs it)"
  (cd examples/web && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in examples/web failed"
  "$roomctl" schema export >"$work/schemas.json"
  ws=$(sed -n 's/.*websocket=\([^ ]*\).*/\1/p' <<<"$line")
  # --gate: the pages take only the gate's items, and the panel asks the gate.
  node examples/web/serve.mjs --schemas "$work/schemas.json" --websocket "$ws" --pubsub "$pubsub" \
    --room "$room" --gate "$gate" --create-rooms </dev/null >"$work/web.out" 2>"$work/web.log" &
  pids+=($!)
  wait_for "$work/web.out" "url=" 20
  url=$(sed -n 's/^url=//p' "$work/web.out")
  echo "Chat page (log in as ${clients[*]}, password pw-NAME):"
  for c in "${clients[@]}"; do echo "    ${url}chat.html?jid=$c@$domain"; done
  echo "Moderator panel, through the gate $gate (password pw-moderator; pat, password pw-pat, is refused by the gate):"
  echo "    ${url}panel.html?jid=moderator@$domain"
  echo "    ${url}panel.html?jid=pat@$domain"
  echo "Publish by hand from another terminal:"
  echo "    ROOMCTL_JID=moderator@$domain ROOMCTL_PASSWORD=pw-moderator ROOMCTL_HOST=127.0.0.1 \\"
  echo "    ROOMCTL_PORT=$port ROOMCTL_ALLOW_PLAINTEXT=1 ROOMCTL_SCHEMA_PATH=$top/schemas ROOMCTL_GATE=$gate \\"
  echo "    $roomctl publish $room ui.button button=send enabled=false"
  [ -t 0 ] && read -r -p "Open a page, then press Enter to play the moderator's script… " _
fi

say "The moderator's script (examples/moderator-script.sh)"
echo "(after each step: what alice's screen shows, once her agent has applied it)"
AFTER_STEP=$top/examples/demo-effect.sh DEMO_CLIENT_DIR=$work/alice \
  examples/moderator-script.sh "$room"

# The last step reaches every client before we look.
for c in "${clients[@]}"; do
  wait_for "$work/$c/chat.json" '"enabled"' 20
  wait_for "$work/$c/audit.jsonl" '"Questions and answers"' 20
done

say "A participant (pat) tries to turn the chat off: the gate refuses"
echo "\$ roomctl publish $room chat.power enabled=false   # as pat@$domain"
set +e
ROOMCTL_JID=pat@$domain ROOMCTL_PASSWORD_FILE=$work/pat.pw \
  "$roomctl" publish "$room" chat.power enabled=false reason="pat was here"
status=$?
set -e
echo "(exit status $status)"
[ "$status" -eq 4 ] || die "the gate did not refuse pat's request (exit $status)"

say "The moderator waits for every client's answer, then asks the gate who is there"
echo "\$ roomctl publish $room ui.button button=send enabled=true --wait=10"
"$roomctl" publish "$room" ui.button button=send enabled=true --wait=10 ||
  die "not every client applied it (exit $?)"
echo "\$ roomctl status $room"
"$roomctl" status "$room"

say "What each client shows now"
for c in "${clients[@]}"; do
  printf '\n\033[1m-- %s (%s) --\033[0m\n' "$c" "$c@$domain/screen"
  echo "ui-state ($c/ui.json):"; sed 's/^/    /' "$work/$c/ui.json"
  echo "slideshow ($c/slides.json):"; sed 's/^/    /' "$work/$c/slides.json"
  echo "cached slide images: $(cd "$work/$c/slides" && ls | tr '\n' ' ')"
  echo "chat (the agent's chat hook, $c/chat.json):"; sed 's/^/    /' "$work/$c/chat.json"
  echo "notices seen (audit trail, $c/audit.jsonl):"
  grep '"type":"room.notice"' "$work/$c/audit.jsonl" | sed 's/.*"text":\("[^"]*"\).*/    \1/'
  echo "chat, as it changed: $(grep '"type":"chat.power"' "$work/$c/audit.jsonl" |
    sed -e 's/.*"enabled":false.*/OFF/' -e 's/.*"enabled":true.*/on/' | paste -sd' ' |
    sed 's/ / → /g')"
  echo "items in the audit trail: $(grep -c '"event":"item"' "$work/$c/audit.jsonl")"
done

if [ "$web" -eq 1 ]; then
  say "The pages stay up at ${url} until Ctrl-C"
  # Waited for in the background, so that a signal to this script alone
  # (kill -INT PID, not only Ctrl-C's to the whole group) stops it at once.
  sleep infinity &
  pids+=($!)
  wait $!
fi
say "Done: stopping the agents and $server (files kept in _demo/)"

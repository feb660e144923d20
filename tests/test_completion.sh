#!/usr/bin/env bash
# Shell completion (completion/roomctl.bash) as bash runs it: source the
# script, set COMP_WORDS/COMP_CWORD, call the function, look at COMPREPLY.
# Types, fields and values come from the schemas (`roomctl __complete`).
# Runs itself a second time with bash-completion loaded, when it is installed.
# usage: test_completion.sh ROOMCTL SCHEMA_DIR COMPLETION_DIR
set -u
roomctl=$1 schemas=$2 dir=$3
export ROOMCTL_SCHEMA_PATH=$schemas LC_ALL=C
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
# With bash-completion's helpers (_init_completion) when installed, as an
# interactive shell has them; the script also works without.
if [ "${WITH_BASH_COMPLETION:-0}" = 1 ]; then
  source /usr/share/bash-completion/bash_completion
  declare -F _init_completion >/dev/null || fail "bash-completion did not load"
fi
# shellcheck source=../completion/roomctl.bash
source "$dir/roomctl.bash"

# expect "CANDIDATES" WORD…: completing the last WORD offers exactly CANDIDATES.
expect() {
  local want=$1; shift
  COMP_WORDS=("$roomctl" "$@") COMP_CWORD=$#
  COMP_LINE="${COMP_WORDS[*]}" COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  set +u   # bash-completion's helpers expect the interactive defaults
  _roomctl 2>/dev/null
  set -u
  local got="${COMPREPLY[*]}"
  [ "$got" = "$want" ] || fail "roomctl $* <TAB>: got '$got', expected '$want'"
}

room=lobby@conference.example.org
expect "publish purge" pu
expect "ui.button" publish $room ui.b
expect "button= enabled= visible=" publish $room ui.button ""
expect "enabled=" publish $room ui.button en
expect "enabled=true enabled=false" publish $room ui.button enabled=
expect "level=info level=warning level=alert" publish $room room.notice level=
expect "caption=" -v publish --jid a@example.org $room slideshow.slide deck=x cap
expect "slideshow.slide" describe sl
expect "ui.button: ui.feature:" retract $room ui.
expect "create delete grant show sync" room ""
expect "moderator member" room grant $room bob@example.org m
expect "--debug" --deb
# --schemas on the line wins over ROOMCTL_SCHEMA_PATH.
mkdir "$tmp/more"
sed 's/^type: ui.button/type: ui.toggle/' "$schemas/ui.button.yaml" >"$tmp/more/ui.toggle.yaml"
expect "ui.toggle" publish --schemas "$tmp/more" $room ui.
expect "" publish $room ui.toggle ""
# A broken schema folder completes less, and prints nothing.
out=$("$roomctl" __complete --schemas /nonexistent types 2>&1)
[ -z "$out" ] || fail "roomctl __complete printed: $out"
echo "ok: bash completion${WITH_BASH_COMPLETION:+ (with bash-completion)}"
if [ -z "${WITH_BASH_COMPLETION:-}" ] && [ -f /usr/share/bash-completion/bash_completion ]; then
  WITH_BASH_COMPLETION=1 exec bash "$0" "$@"
fi

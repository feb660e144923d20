#!/usr/bin/env bash
# A moderator's session in plain `roomctl` commands, as examples/demo.sh plays
# it.  Usage: moderator-script.sh ROOM
# The account comes from the environment: ROOMCTL_JID, ROOMCTL_PASSWORD_FILE
# (or ROOMCTL_PASSWORD), and for a local test server ROOMCTL_HOST,
# ROOMCTL_PORT and ROOMCTL_ALLOW_PLAINTEXT=1.  $ROOMCTL is the command
# (default: roomctl on the PATH).  $AFTER_STEP, when set, is run after each
# step with the step's roomctl arguments (the demo shows each effect there).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
room=${1:?usage: moderator-script.sh ROOM}
roomctl=${ROOMCTL:-roomctl}
pause=${PAUSE:-0.3}   # seconds between steps, so that a watcher can follow

# One word as it would be typed: quoted only when the shell needs it (the
# value of a field=value, or the whole word).
word() {
  case $1 in
    *[!A-Za-z0-9@%+=:,./_-]*)
      local name= value=$1
      [[ $1 =~ ^([a-z_][a-z0-9_]*=)(.*)$ ]] && name=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
      if [[ $value != *[\"\$\`\\]* ]]; then printf '%s"%s"' "$name" "$value"
      else printf "%s'%s'" "$name" "${value//\'/\'\\\'\'}"; fi ;;
    *) printf '%s' "$1" ;;
  esac
}

# step TITLE ARGS…: say what is done, echo the whole command, run it, and
# then $AFTER_STEP (when set) with the same ARGS: the demo shows the effect.
step() {
  printf '\n\033[1m>>> %s\033[0m\n$ roomctl' "$1"
  shift
  for a in "$@"; do printf ' %s' "$(word "$a")"; done
  printf '\n'
  "$roomctl" "$@"
  if [ -n "${AFTER_STEP:-}" ]; then "$AFTER_STEP" "$@"; else sleep "$pause"; fi
}

step "Disable the Send button on every client" \
  publish "$room" ui.button button=send enabled=false

step "Show slide 1 of 2, by URL" \
  publish "$room" slideshow.slide deck=welcome index=1 total=2 caption="Welcome to the workshop" \
    image_url=https://roomctl.example.org/slides/welcome-1.png

step "Show slide 2 of 2, the image inline (base64 on the wire, cached by each client)" \
  publish "$room" slideshow.slide deck=welcome index=2 total=2 caption="Today's plan" \
    image="@$here/slide.png"

step "Post a notice (an event: shown once, not kept as state)" \
  publish "$room" room.notice text="Questions after the talk, please" level=info

step "Turn the chat off" \
  publish "$room" chat.power enabled=false reason="Talk in progress"

step "Turn the chat on again" \
  publish "$room" chat.power enabled=true reason="Questions and answers"

step "The room's state, as a client joining now gets it" \
  state "$room"

#!/usr/bin/env bash
# The demo's $AFTER_STEP (see moderator-script.sh): after a publish, wait
# until the watched client (its files in $DEMO_CLIENT_DIR) has applied the
# item, then say in one line what that client shows now, read from what its
# plugins wrote: the button, the slide, the banner, the chat on or OFF.
# Usage: demo-effect.sh ROOMCTL-ARGS…
set -euo pipefail
dir=${DEMO_CLIENT_DIR:?set DEMO_CLIENT_DIR to a client\'s state folder}
client=$(basename "$dir")
[ "${1:-}" = publish ] || exit 0
room=$2

count() { grep -c '"event":"item"' "$dir/audit.jsonl" 2>/dev/null || true; }
seen=$(cat "$dir/.seen" 2>/dev/null || echo 0)
for _ in $(seq 200); do
  now=$(count)
  [ "${now:-0}" -gt "$seen" ] && break
  sleep 0.1
done
if [ "${now:-0}" -le "$seen" ]; then
  echo "   $client: not applied within 20 s"
  exit 1
fi
echo "$now" >"$dir/.seen"

# The newest item the client applied (the audit plugin runs last).
last=$(grep '"event":"item"' "$dir/audit.jsonl" | tail -n 1)
# value KEY [TEXT]: a scalar of the flat JSON TEXT (default: the audit line).
value() { sed -n "s/.*\"$1\": *\\(\"\\([^\"\\\\]\\|\\\\.\\)*\"\\|[-a-z0-9.]*\\).*/\\1/p" <<<"${2:-$last}" | head -n 1; }
unquote() { sed 's/^"\(.*\)"$/\1/'; }
type=$(value type | unquote)

case $type in
  ui.button)
    button=$(value button | unquote)
    # ui-state's file: "send": {"enabled":false,"visible":true}
    line=$(grep "\"$button\":" "$dir/ui.json")
    [ "$(value enabled "$line")" = false ] && state="greyed out" || state="clickable"
    [ "$(value visible "$line")" = false ] && state="hidden"
    echo "   $client now shows: the $button button $state  (ui-state: $dir/ui.json)" ;;
  slideshow.slide)
    deck=$(value deck | unquote)
    line=$(grep "\"$deck\": *{" "$dir/slides.json")
    image=$(value file "$line" | unquote)
    [ -n "$image" ] && image="the inline image, cached as $(basename "$image")" ||
      image="the image from $(value image_url "$line" | unquote)"
    echo "   $client now shows: slide $(value index "$line") of $(value total "$line")" \
         "of deck $deck, $(value caption "$line"), $image" ;;
  room.notice)
    echo "   $client shows the banner $(value text) ($(value level | unquote)) once" ;;
  chat.power)
    chat=$(cat "$dir/chat.json")
    if [ "$(value chat "$chat" | unquote)" = disabled ]; then
      echo "   $client's chat is now OFF: $(value reason "$chat")  (chat hook: $dir/chat.json)"
    else
      echo "   $client's chat is now on: $(value reason "$chat")  (chat hook: $dir/chat.json)"
    fi ;;
  *)
    echo "   $client applied $(value id)" ;;
esac

#!/usr/bin/env bash
# The browser pages of examples/web.  Usage:
#   test_web.sh validate ROOMCTL SOURCE_ROOT
#       the pages' validator against `roomctl schema export` (Node only);
#   test_web.sh follow ROOMCTL SOURCE_ROOT
#       what the pages hold of a room: the state rule, the events node, the gate (Node only);
#   test_web.sh browser ROOMCTL ROOMCTL_AGENT ROOMCTL_GATE PLUGIN_DIR RC_TEST_PROSODY SOURCE_ROOT OUT_DIR
#       `npm ci` (versions pinned by examples/web/package-lock.json), then the
#       pages in Debian's chromium (playwright-core) against the harness's
#       Prosody, with roomctl-gate and a roomctl-agent; screenshots go to OUT_DIR.
set -euo pipefail
mode=$1
fail() { echo "FAIL: $*"; exit 1; }
command -v node >/dev/null && command -v npm >/dev/null ||
  fail "node and npm are needed (tests/install-deps.sh installs them)"

case $mode in
validate)
  roomctl=$2 top=$3
  exec node "$top/examples/web/test/validate-test.mjs" "$roomctl" "$top/schemas"
  ;;
follow)
  roomctl=$2 top=$3
  exec node "$top/examples/web/test/follow-test.mjs" "$roomctl" "$top/schemas"
  ;;
browser)
  roomctl=$2 agent=$3 gate=$4 plugins=$5 prosody=$6 top=$7 out=$8
  [ -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
    fail "${CHROMIUM:-/usr/bin/chromium} is missing (tests/install-deps.sh installs Debian's chromium)"
  (cd "$top/examples/web" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci in examples/web"
  exec node "$top/examples/web/test/browser-test.mjs" "$roomctl" "$agent" "$gate" "$plugins" "$prosody" "$top/schemas" \
    "$top/examples/slide.png" "$out"
  ;;
*)
  fail "unknown mode '$mode'"
  ;;
esac

#!/usr/bin/env bash
# The browser pages of examples/web.  Usage:
#   test_web.sh validate ROOMCTL SOURCE_ROOT
#       the pages' validator against `roomctl schema export` (Node only);
#   test_web.sh browser ROOMCTL ROOMCTL_AGENT PLUGIN_DIR RC_TEST_PROSODY SOURCE_ROOT OUT_DIR
#       `npm ci` (versions pinned by examples/web/package-lock.json), then the
#       pages in Debian's chromium (playwright-core) against the harness's
#       Prosody, with a roomctl-agent; screenshots go to OUT_DIR.
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
browser)
  roomctl=$2 agent=$3 plugins=$4 prosody=$5 top=$6 out=$7
  [ -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
    fail "${CHROMIUM:-/usr/bin/chromium} is missing (tests/install-deps.sh installs Debian's chromium)"
  (cd "$top/examples/web" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci in examples/web"
  exec node "$top/examples/web/test/browser-test.mjs" "$roomctl" "$agent" "$plugins" "$prosody" "$top/schemas" \
    "$top/examples/slide.png" "$out"
  ;;
*)
  fail "unknown mode '$mode'"
  ;;
esac

#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds in build-tests/, runs
# the unit and integration suites (integration tests start their own Prosody on
# 127.0.0.1), and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

tests/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

builddir=${BUILDDIR:-build-tests}
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" || { echo "0 passed, 1 failed"; exit 1; }
fi
ninja -C "$builddir" || { echo "0 passed, 1 failed"; exit 1; }

suites=()
for s in ${SUITES:-unit integration}; do suites+=(--suite "$s"); done
meson test -C "$builddir" --print-errorlogs "${suites[@]}" "$@"
status=$?

# Count from meson's JSON log, so the closing line matches what ran.
log="$builddir/meson-logs/testlog.json"
passed=$(grep -c '"result": "OK"' "$log" 2>/dev/null || true)
failed=$(grep -Ec '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" 2>/dev/null || true)
skipped=$(grep -c '"result": "SKIP"' "$log" 2>/dev/null || true)
if [ "$status" -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then failed=1; fi
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$status"

#!/usr/bin/env bash
# The whole test suite: installs what it needs, then
#   1. builds build-tests/ and runs the unit and integration suites
#      (integration tests start their own Prosody, and again their own
#      ejabberd, on 127.0.0.1; ROOMCTL_TEST_SERVER=prosody|ejabberd|all);
#      then the faults suite (kills, cuts, stalls, a short soak; FAULTS=0
#      leaves it out), the cluster suite (two ejabberd nodes; CLUSTER=0
#      leaves it out), then the web suite (examples/web in Debian's chromium,
#      after npm ci; WEB=0 leaves it out);
#   2. runs the unit suite again under valgrind (meson test --setup valgrind);
#   3. builds build-tests-san/ with ASan + UBSan and runs unit + integration,
#      then the faults suite (FAULTS=0 leaves it out here too);
#   4. runs every fuzz harness for $FUZZ_SECONDS (default 20) seconds in
#      build-tests-fuzz/, when clang with libFuzzer is installed;
#   5. builds the Debian packages, checks them with lintian, installs them,
#      uses them and removes them (tests/test_debian_packages.sh; as root);
# and ends with the line "N passed, N failed, N skipped", summed over every
# run.  Arguments go to the meson test of step 1.  SANITIZE=0, VALGRIND=0 or
# FUZZ_SECONDS=0 or PACKAGES=0 leave a step out.
set -uo pipefail
cd "$(dirname "$0")/.."

tests/install-deps.sh || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }

passed=0 failed=0 skipped=0 status=0

# add_counts P F S STEP: add one step's counts and say them.
add_counts() {
  passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))
  [ "$2" -eq 0 ] || status=1
  echo "== $4: $1 passed, $2 failed, $3 skipped"
}

# build DIR [MESON-OPTIONS...]: set DIR up if needed and build it.
build() {
  local dir=$1
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" || return 1
  fi
  ninja -C "$dir"
}

# run_suites DIR SETUP STEP [MESON-TEST-ARGS...]: meson test (in the test
# setup SETUP unless it is -), counted from meson's JSON log so that the
# counts match what ran.
run_suites() {
  local dir=$1 setup=$2 step=$3 log="$1/meson-logs/testlog.json"
  shift 3
  if [ "$setup" != - ]; then
    set -- --setup "$setup" "$@"
    log="$dir/meson-logs/testlog-$setup.json"
  fi
  rm -f "$log"
  meson test -C "$dir" --print-errorlogs "$@"
  local rc=$?
  local p f s
  p=$(grep -c '"result": "OK"' "$log" 2>/dev/null)
  f=$(grep -Ec '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" 2>/dev/null)
  s=$(grep -c '"result": "SKIP"' "$log" 2>/dev/null)
  if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then f=1; fi
  add_counts "${p:-0}" "${f:-0}" "${s:-0}" "$step"
}

# ROOMCTL_TEST_SERVER=prosody|ejabberd runs the integration suite on that
# server only; unset or "all", on every server (each integration test is
# registered once per server; tests/harness/server.h).
test_server=${ROOMCTL_TEST_SERVER:-all}
[ "$test_server" != all ] || unset ROOMCTL_TEST_SERVER
suites=()
for s in ${SUITES:-unit integration}; do
  [ "$s" != integration ] || [ "$test_server" = all ] || s=integration-$test_server
  suites+=(--suite "$s")
done

# 1. The plain build.
builddir=${BUILDDIR:-build-tests}
if build "$builddir"; then
  run_suites "$builddir" - tests "${suites[@]}" "$@"
  # Fault tests: Prosody killed and restarted, connections cut and stalled
  # by a proxy, agents restarted, a short soak (tests/README-faults.md).
  if [ "${FAULTS:-1}" != 0 ]; then
    run_suites "$builddir" - faults --suite faults
  fi
  # Two ejabberd nodes clustered on loopback (CLUSTER=0 leaves it out).
  if [ "${CLUSTER:-1}" != 0 ] && [ "$test_server" != prosody ]; then
    run_suites "$builddir" - cluster --suite cluster
  fi
  # The browser pages of examples/web in Debian's chromium (npm ci first);
  # WEB=0 leaves them out.
  if [ "${WEB:-1}" != 0 ]; then
    run_suites "$builddir" - web --suite web
  fi
  # 2. Valgrind over the unit suite: no invalid access, no definite leak.
  if [ "${VALGRIND:-1}" != 0 ]; then
    run_suites "$builddir" valgrind valgrind --suite unit
  fi
else
  add_counts 0 1 0 "build $builddir"
fi

# 3. ASan + UBSan.  Every executable is instrumented itself, so plugins that
# it dlopen()s find the sanitizer runtime without LD_PRELOAD; b_lundef=false
# lets libroomctl and the plugins leave the runtime's symbols to it.
if [ "${SANITIZE:-1}" != 0 ]; then
  sandir=${SAN_BUILDDIR:-build-tests-san}
  if build "$sandir" -Db_sanitize=address,undefined -Db_lundef=false; then
    asan=${ASAN_OPTIONS:-detect_leaks=1}
    ubsan=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
    ASAN_OPTIONS=$asan UBSAN_OPTIONS=$ubsan run_suites "$sandir" - sanitizers "${suites[@]}"
    # Kills, cuts and reconnections are where lifetimes go wrong: the faults
    # suite (soak at its CI size) under ASan too, agents included.  Its one
    # LSan suppression, a libstrophe leak, is explained in tests/lsan.supp.
    if [ "${FAULTS:-1}" != 0 ]; then
      ASAN_OPTIONS=$asan UBSAN_OPTIONS=$ubsan \
        run_suites "$sandir" - sanitizers-faults --suite faults
    fi
  else
    add_counts 0 1 0 "build $sandir"
  fi
fi

# 4. A short fuzz run of every harness (long runs: tests/fuzz/README.md).
if [ "${FUZZ_SECONDS:-20}" != 0 ]; then
  fuzz_log=$(mktemp)
  FUZZ_BUILDDIR=${FUZZ_BUILDDIR:-build-tests-fuzz} tests/fuzz/run.sh "${FUZZ_SECONDS:-20}" |
    tee "$fuzz_log"
  counts=$(tail -n 1 "$fuzz_log")
  rm -f "$fuzz_log"
  if [[ $counts =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
    add_counts "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" fuzz
  else
    add_counts 0 1 0 fuzz
  fi
fi

# 5. The Debian packages: build, lintian, install, use, remove (about a
# minute; PACKAGES=0 leaves it out).
if [ "${PACKAGES:-1}" != 0 ]; then
  deb_log=$(mktemp)
  tests/test_debian_packages.sh | tee "$deb_log"
  counts=$(tail -n 1 "$deb_log")
  rm -f "$deb_log"
  if [[ $counts =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
    add_counts "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" packages
  else
    add_counts 0 1 0 packages
  fi
fi

echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"

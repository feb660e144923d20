#!/usr/bin/env bash
# Runs every fuzz harness for a bounded time: tests/fuzz/run.sh [SECONDS]
# (per harness, default 30).  Sets up $FUZZ_BUILDDIR (default build-fuzz/)
# with clang, libFuzzer, ASan and UBSan when it is missing.  Each harness
# starts from its seed corpus (tests/fuzz/corpus/NAME/, only read) and the
# inputs earlier runs found ($FUZZ_BUILDDIR/fuzz-corpus/NAME/); crashing
# inputs land in $FUZZ_BUILDDIR/fuzz-artifacts/NAME/.  Ends with the line
# "N passed, N failed, N skipped" (one count per harness); no clang with
# libFuzzer: every harness is skipped.  Long runs by hand: see README.md.
set -uo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-30}
builddir=${FUZZ_BUILDDIR:-build-fuzz}
harnesses=(${FUZZ_HARNESSES:-config schema item agent_config state_file ack})
cc=${FUZZ_CC:-clang}

if ! command -v "$cc" >/dev/null ||
   ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
       "$cc" -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
  echo "fuzz: no $cc with libFuzzer (Debian: apt-get install clang libclang-rt-14-dev); skipped"
  echo "0 passed, 0 failed, ${#harnesses[@]} skipped"
  exit 0
fi

if [ ! -f "$builddir/build.ninja" ]; then
  CC=$cc meson setup "$builddir" -Dfuzzing=true -Db_sanitize=address,undefined \
      -Db_lundef=false >"$builddir.setup.log" 2>&1 ||
    { cat "$builddir.setup.log"; echo "0 passed, ${#harnesses[@]} failed, 0 skipped"; exit 1; }
  rm -f "$builddir.setup.log"
fi
targets=()
for h in "${harnesses[@]}"; do targets+=("tests/fuzz/fuzz_$h"); done
ninja -C "$builddir" "${targets[@]}" >/dev/null ||
  { ninja -C "$builddir" "${targets[@]}"; echo "0 passed, ${#harnesses[@]} failed, 0 skipped"; exit 1; }

# Leaks and UB are findings.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

passed=0 failed=0
for h in "${harnesses[@]}"; do
  work="$builddir/fuzz-corpus/$h" artifacts="$builddir/fuzz-artifacts/$h"
  mkdir -p "$work" "$artifacts"
  dict=tests/fuzz/yaml.dict
  [ "$h" = item ] && dict=tests/fuzz/xml.dict
  [ "$h" = state_file ] && dict=tests/fuzz/json.dict
  log="$builddir/fuzz-$h.log"
  touch "$artifacts/.started"
  # Bounded memory is part of what is tested: 1 GiB RSS, 10 s per input.
  "$builddir/tests/fuzz/fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
      -max_len=65536 -dict="$dict" -artifact_prefix="$artifacts/" -print_final_stats=1 \
      "$work" "tests/fuzz/corpus/$h" >"$log" 2>&1
  status=$?
  runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log")
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
    echo "fuzz_$h: ${runs:-?}: OK"
  else
    failed=$((failed + 1))
    echo "fuzz_$h: FAILED (exit $status); log $log, inputs in $artifacts/:"
    # Again with the slow unwinder, whose stacks go through GLib.
    find "$artifacts" -type f -newer "$artifacts/.started" | while read -r input; do
      echo "--- $input"
      ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 \
        "$builddir/tests/fuzz/fuzz_$h" "$input" 2>&1 |
        grep -E 'ERROR|SUMMARY|fuzz check failed|^ +#[0-9]+ ' | head -30
    done
  fi
done
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]

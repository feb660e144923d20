#!/usr/bin/env bash
# examples/embed says it frees everything on every return: its early exits
# (bad command line, no schemas) under valgrind, with the message a user
# reads.  Usage: test_embed_exits.sh EMBED VALGRIND SUPPRESSIONS
set -u
embed=$1 valgrind=$2 supp=$3
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export G_SLICE=always-malloc G_DEBUG=gc-friendly

# expect CODE TEXT ARGS…: embed ARGS exits CODE, says TEXT and leaks nothing.
expect() {
  local code=$1 text=$2; shift 2
  "$valgrind" -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
    --suppressions="$supp" "$embed" "$@" >"$tmp/out" 2>&1
  local got=$?
  [ "$got" -eq "$code" ] || fail "embed $*: exit $got, expected $code: $(cat "$tmp/out")"
  grep -qF -- "$text" "$tmp/out" || fail "embed $*: expected '$text' in: $(cat "$tmp/out")"
}

expect 2 'embed: --jid and --room are required'
expect 2 'embed: Unknown option --frob' --frob
ROOMCTL_SCHEMA_PATH=$tmp/none expect 1 "embed: $tmp/none: error: " --jid a@localhost --room r@localhost
echo ok

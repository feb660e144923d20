#!/usr/bin/env bash
# The Debian packages as a user gets them (issue 16): build them from a copy
# of the source tree with `dpkg-buildpackage -us -uc -b`, check them with
# lintian (no errors), install them, run `roomctl --version`, build
# examples/plugin-hello and examples/embed against the installed -dev
# package and load hello into the installed roomctl-agent; then remove the
# packages again.  Needs root (it installs into /usr).  Ends with one line
# "N passed, N failed, N skipped" for tests/run.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD
tmp=$(mktemp -d)
installed=()
cleanup() {
  [ ${#installed[@]} -eq 0 ] || dpkg --purge "${installed[@]}" >"$tmp/purge.log" 2>&1 ||
    cat "$tmp/purge.log"
  rm -rf "$tmp"
}
trap cleanup EXIT
result() { echo "$1"; exit "$2"; }
fail() { echo "FAIL: $*"; result "0 passed, 1 failed, 0 skipped" 1; }

[ "$(id -u)" -eq 0 ] || { echo "skipped: installing packages needs root"; result "0 passed, 0 failed, 1 skipped" 0; }
for p in roomctl roomctl-agent roomctl-gate roomctl-plugins libroomctl0 libroomctl-dev; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    echo "skipped: $p is already installed on this machine; not touching it"
    result "0 passed, 0 failed, 1 skipped" 0
  fi
done

# A clean copy of what git tracks (and new files not ignored): no build folder.
src=$tmp/roomctl-0.1.0
mkdir "$src"
git ls-files -co --exclude-standard | tar -cf - -T - | tar -xf - -C "$src"
echo "== dpkg-buildpackage -us -uc -b"
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1 ||
  { tail -n 40 "$tmp/build.log"; fail "dpkg-buildpackage"; }
debs=$(ls "$tmp"/*.deb | grep -v -- '-dbgsym_')
for p in libroomctl0 libroomctl-dev roomctl roomctl-agent roomctl-gate roomctl-plugins; do
  echo "$debs" | grep -q "/${p}_" || fail "package $p was not built"
done

echo "== lintian"
lintian --fail-on error "$tmp"/*.changes >"$tmp/lintian.log" 2>&1 ||
  { cat "$tmp/lintian.log"; fail "lintian reports errors"; }
grep -v "running with root" "$tmp/lintian.log" || true

echo "== install"
# shellcheck disable=SC2086
dpkg -i $debs >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "dpkg -i"; }
installed=(roomctl-gate roomctl-agent roomctl-plugins roomctl libroomctl-dev libroomctl0)

out=$(/usr/bin/roomctl --version) || fail "roomctl --version: $out"
echo "$out"
[[ $out == "roomctl 0."* ]] || fail "roomctl --version said: $out"
out=$(env -u ROOMCTL_SCHEMA_PATH /usr/bin/roomctl types) || fail "roomctl types: $out"
echo "$out" | grep -q '^ui.button ' || fail "the installed roomctl finds no installed schemas: $out"
[ -f /usr/share/man/man1/roomctl.1.gz ] || fail "no man page roomctl(1)"

echo "== examples/plugin-hello against libroomctl-dev"
mkdir "$tmp/hello" && cp examples/plugin-hello/hello.c examples/plugin-hello/hello_types.h "$tmp/hello/"
(cd "$tmp/hello" &&
 cc -shared -fPIC -fvisibility=hidden -o hello.so hello.c $(pkg-config --cflags roomctl-plugin)) ||
  fail "hello.c does not build against the installed roomctl-plugin.pc"
cc -o "$tmp/embed" examples/embed/embed.c $(pkg-config --cflags --libs roomctl) ||
  fail "examples/embed does not build against the installed roomctl.pc"
(umask 077; echo pw >"$tmp/pw")
cat >"$tmp/agent.yaml" <<YAML
account: {jid: kiosk@localhost, password_file: $tmp/pw}
rooms: [lobby@conference.localhost]
plugins:
  - name: $tmp/hello/hello.so
  - name: ui-state
    config: {file: $tmp/ui.json}
YAML
chmod 755 "$tmp" "$tmp/hello"
out=$(env -u ROOMCTL_SCHEMA_PATH /usr/bin/roomctl-agent --check --config "$tmp/agent.yaml" 2>&1) ||
  fail "the installed roomctl-agent does not load hello and ui-state: $out"
echo "$out"
echo "ok: packages built, lintian-clean, installed; hello built against libroomctl-dev"
result "1 passed, 0 failed, 0 skipped" 0

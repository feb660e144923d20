#!/bin/sh
# Install the build into a temporary folder (a prefix the build was not
# configured for) and run each installed command from there: no
# LD_LIBRARY_PATH, no schema or plugin path set, so the commands must find
# libroomctl, the schemas and the plugins relative to where they are.
# usage: test_install_prefix.sh BUILD_DIR HAVE_SCDOC(1|0)
set -eu
build=$(realpath "$1") HAVE_SCDOC=${2:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
unset ROOMCTL_SCHEMA_PATH LD_LIBRARY_PATH ROOMCTL_JID ROOMCTL_PASSWORD ROOMCTL_PASSWORD_FILE
export LC_ALL=C

meson install -C "$build" --destdir "$tmp/dest" --no-rebuild --quiet >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; exit 1; }
# Moved once more, so that nothing can come from the configured prefix.
roomctl=$(find "$tmp/dest" -path '*/bin/roomctl' -type f)
[ -n "$roomctl" ] || fail "bin/roomctl was not installed"
prefix=$(dirname "$(dirname "$roomctl")")
mv "$prefix" "$tmp/moved"
prefix=$tmp/moved
roomctl=$prefix/bin/roomctl agent=$prefix/bin/roomctl-agent

out=$("$roomctl" types 2>&1) || fail "installed roomctl types: $out"
echo "$out" | grep -q '^ui.button ' || fail "installed roomctl types lists no ui.button: $out"
out=$("$roomctl" describe slideshow.slide 2>&1) || fail "installed roomctl describe: $out"

# The agent checks a configuration that names neither schema nor plugin
# folders: both come from the moved prefix.
printf 'secret\n' >"$tmp/password" && chmod 600 "$tmp/password"
cat >"$tmp/agent.yaml" <<YAML
account: {jid: kiosk@localhost, password_file: $tmp/password}
rooms: [lobby@conference.localhost]
plugins:
  - name: ui-state
    config: {file: $tmp/ui.json}
  - name: audit
    config: {file: $tmp/audit.jsonl}
YAML
out=$("$agent" --check --config "$tmp/agent.yaml" 2>&1) || fail "installed roomctl-agent --check: $out"
echo "$out" | grep -q "is valid" || fail "roomctl-agent --check said: $out"

[ -f "$prefix/share/doc/roomctl-agent/examples/agent.yaml" ] ||
  fail "the example agent configuration is not installed"

# Shell completion where bash-completion and zsh look for it under this prefix.
for f in bash-completion/completions/roomctl bash-completion/completions/roomctl-agent \
         bash-completion/completions/roomctl-gate zsh/site-functions/_roomctl; do
  [ -e "$prefix/share/$f" ] || fail "completion file share/$f is not installed"
done

# systemd units: installed, and (where systemd-analyze is) valid for the
# commands they start, once pointed at the moved prefix.
units=$(find "$tmp/moved" -name 'roomctl-*.service')
[ "$(echo "$units" | grep -c .)" -eq 2 ] || fail "expected 2 systemd units, got: $units"
configured=$(sed -n 's|^ExecStart=\(.*\)/bin/roomctl-agent .*|\1|p' "$(echo "$units" | grep agent@)")
[ -n "$configured" ] || fail "roomctl-agent@.service starts no roomctl-agent"
if command -v systemd-analyze >/dev/null; then
  for unit in $units; do
    name=$(basename "$unit")
    binary=$(sed -n 's|^ExecStart=[^ ]*/bin/\([^ ]*\) .*|\1|p' "$unit")
    [ -x "$prefix/bin/$binary" ] || continue   # (roomctl-gate: built when bus/gate is)
    sed "s|$configured/|$prefix/|g" "$unit" >"$tmp/$name"
    mkdir -p "$prefix/etc/roomctl/agent"
    out=$(systemd-analyze verify --man=no "$tmp/$name" 2>&1) || fail "systemd-analyze verify $name: $out"
  done
fi

# Man pages, when the build had scdoc: each renders, with EXAMPLES and EXIT STATUS.
if [ "${HAVE_SCDOC:-1}" = 1 ]; then
  for page in roomctl.1 roomctl-agent.1 roomctl-gate.1 roomctl-plugin-test.1 roomctl-schema.5 roomctl-plugin.3; do
    file=$prefix/share/man/man${page##*.}/$page
    [ -f "$file" ] || fail "man page $page is not installed"
    text=$(MANWIDTH=80 man -l "$file" 2>&1) || fail "man -l $page: $text"
    for section in NAME SYNOPSIS EXAMPLES "EXIT STATUS"; do
      echo "$text" | grep -q "^$section\$" || fail "$page has no $section section"
    done
  done
  text=$(MANPATH=$prefix/share/man MANWIDTH=80 man roomctl 2>&1) || fail "man roomctl: $text"
  echo "$text" | grep -q "roomctl - publish typed control items" || fail "man roomctl: $text"
fi

for cmd in "$prefix"/bin/*; do
  out=$("$cmd" --version 2>&1) || fail "$cmd --version: $out"
  echo "$out" | grep -q "^$(basename "$cmd") [0-9]" || fail "$cmd --version said: $out"
  out=$("$cmd" --help 2>&1) || fail "$cmd --help: $out"
done
echo "ok: the installed commands run from $prefix"

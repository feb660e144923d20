#!/usr/bin/env bash
# Installs the Debian packages roomctl builds, tests and demos with, when any
# is missing.  Needs root (or sudo) the first time only.
set -euo pipefail

packages=(build-essential meson ninja-build pkg-config libglib2.0-dev libyaml-dev
          libstrophe-dev libssl-dev libcmocka-dev prosody prosody-modules ejabberd openssl valgrind clang
          libclang-rt-14-dev python3-slixmpp
          scdoc man-db bash-completion zsh
          dpkg-dev debhelper lintian systemd
          chromium)   # the browser tests of examples/web (issue 18)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node and npm for examples/web: Debian's, unless a node with npm is already
# there (another node package would conflict with Debian's npm).
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# The benchmarks, in one command (from anywhere in a fresh clone, as root or
# with sudo):
#     bench/run.sh                 # everything: about 5 to 10 minutes
#     bench/run.sh --ns 1,10       # fewer subscriber counts; see --help
# Installs what it needs (Debian packages), builds into build-bench/ (or
# $BUILDDIR), starts its own Prosody on 127.0.0.1, runs the fan-out runs of
# the three clients (bare libstrophe, libroomctl, slixmpp) for N = 1, 10,
# 100 and 1,000 subscribers, the late-join and roomctl-agent measurements
# and the in-process micro-benchmarks, and writes docs/bench.txt (table and
# targets), docs/bench.json and docs/bench.png.  Every run is bounded in time
# and stops its server.  Options after the command go to bench/bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."

tests/install-deps.sh
missing=()
for p in python3-slixmpp gnuplot-nox; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

builddir=${BUILDDIR:-build-bench}
[ -f "$builddir/build.ninja" ] || meson setup "$builddir" -Dbench=true
ninja -C "$builddir"

# 1,000 subscribers: as many sockets in the subscriber process and Prosody.
ulimit -n 8192
# Debian's slixmpp is for Debian's python3, whatever python3 is first in PATH.
exec /usr/bin/python3 bench/bench.py --build "$builddir" --out docs "$@"

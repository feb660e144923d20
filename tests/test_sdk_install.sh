#!/bin/sh
# Install the build into a temporary DESTDIR, build examples/plugin-hello out
# of tree with the README's one-liner against the installed roomctl-plugin.pc,
# and load the result into a host.
# usage: test_sdk_install.sh BUILD_DIR SOURCE_DIR LOAD_PLUGIN_EXE
set -eu
build=$(realpath "$1") source=$(realpath "$2") load_plugin=$(realpath "$3")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

meson install -C "$build" --destdir "$tmp/dest" --no-rebuild --quiet >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; exit 1; }

pc=$(find "$tmp/dest" -name roomctl-plugin.pc)
[ -n "$pc" ] || { echo "roomctl-plugin.pc was not installed"; exit 1; }
header=$(find "$tmp/dest" -path '*/include/roomctl/plugin.h')
[ -n "$header" ] || { echo "roomctl/plugin.h was not installed"; exit 1; }

# Only the temporary prefix: never an installed copy, never the source tree.
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_LIBDIR="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$tmp/dest"
# pkgconf puts the sysroot in front of plugindir too.
plugindir=$(pkg-config --variable=plugindir roomctl-plugin)
case "$plugindir" in "$tmp/dest/"*) ;; *) echo "plugindir $plugindir is not in the prefix"; exit 1 ;; esac
[ -f "$plugindir/audit.so" ] || { echo "the shipped plugins are not in plugindir $plugindir"; exit 1; }
case "$(pkg-config --libs roomctl-plugin)" in
  *-l*) echo "roomctl-plugin.pc must not link anything: $(pkg-config --libs roomctl-plugin)"; exit 1 ;;
esac

mkdir "$tmp/hello" && cp "$source/examples/plugin-hello/hello.c" "$source/examples/plugin-hello/hello_types.h" "$tmp/hello/"
cd "$tmp/hello"
# The README's one-liner, word for word.
cc -shared -fPIC -fvisibility=hidden -o hello.so hello.c $(pkg-config --cflags roomctl-plugin)

out=$("$load_plugin" "$source/schemas" "$tmp/hello/hello.so" \
  "<control xmlns='urn:roomctl:0' type='ui.button' version='1'><button>send</button><enabled>false</enabled></control>")
echo "$out"
echo "$out" | grep -q "plugin:hello: hello, ui.button ui.button:send" || { echo "hello did not greet the item"; exit 1; }
echo "$out" | grep -q "plugin:hello: goodbye after 1 items" || { echo "hello was not shut down"; exit 1; }

# An event: what the example's README shows in the agent's log, id included.
uuid='[0-9a-f]\{8\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{12\}'
out=$("$load_plugin" "$source/schemas" "$tmp/hello/hello.so" \
  "<control xmlns='urn:roomctl:0' type='room.notice' version='1'><text>Break until 11:00</text></control>")
echo "$out" | grep -q "^plugin:hello: hello, room.notice $uuid from someone (2 fields)$" ||
  { echo "hello's log of an event: $out"; exit 1; }
grep -q "^plugin:hello: hi, room.notice $uuid from mod@example.org (2 fields)$" \
  "$source/examples/plugin-hello/README.md" ||
  { echo "examples/plugin-hello/README.md shows another log line than hello writes"; exit 1; }
echo "ok: hello.so built out of tree against $pc and loaded"

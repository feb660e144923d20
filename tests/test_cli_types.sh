#!/usr/bin/env bash
# Issue 17 from the command line: what a moderator and a schema author read
# when a type name is mistyped, when `schema check` gets a folder, when an
# item has several mistakes, and what `schema diff` says.
# Usage: test_cli_types.sh ROOMCTL SCHEMA_DIR
set -u
roomctl=$1 schemas=$2
export ROOMCTL_SCHEMA_PATH=$schemas
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# expect CODE TEXT ARGS…: exit code CODE and the line TEXT in the output.
expect() {
  local code=$1 text=$2; shift 2
  "$roomctl" "$@" >"$tmp/out" 2>&1
  local got=$?
  [ "$got" -eq "$code" ] || fail "roomctl $*: exit $got, expected $code: $(cat "$tmp/out")"
  grep -qxF -- "$text" "$tmp/out" || fail "roomctl $*: expected the line '$text' in: $(cat "$tmp/out")"
}

# A mistyped type name gets a suggestion, from publish and from describe.
expect 3 "roomctl publish: unknown control type 'ui.buton' (did you mean 'ui.button'?)" \
  publish --dry-run lobby@conference.localhost ui.buton button=send
expect 3 "roomctl: unknown control type 'ui.buton' (did you mean 'ui.button'? known: chat.power, room.notice, slideshow.slide, ui.button, ui.feature)" \
  describe ui.buton
expect 3 "roomctl: unknown control type 'zebra.crossing' (known: chat.power, room.notice, slideshow.slide, ui.button, ui.feature)" \
  describe zebra.crossing

# publish reports every mistake of the item, one per line, not the first only.
args=(publish --dry-run lobby@conference.localhost slideshow.slide index=four total=0 captoin=hi)
expect 3 "roomctl publish: slideshow.slide: field 'index': expected int, got 'four'" "${args[@]}"
expect 3 "roomctl publish: slideshow.slide: field 'total': 0 is below the minimum 1" "${args[@]}"
expect 3 "roomctl publish: slideshow.slide: unknown field 'captoin' (did you mean 'caption'?)" "${args[@]}"
expect 3 "roomctl publish: slideshow.slide: missing required field 'deck'" "${args[@]}"
[ "$(wc -l <"$tmp/out")" -eq 4 ] || fail "four mistakes, four lines: $(cat "$tmp/out")"
# A field whose value was wrong is not also reported missing.
grep -q "missing required field 'index'" "$tmp/out" && fail "index reported twice: $(cat "$tmp/out")"
# The same from an item file, each mistake at its position.
printf 'type: slideshow.slide\ndeck: keynote\nindex: four\ntotal: 0\n' >"$tmp/slide.yaml"
expect 3 "roomctl publish: $tmp/slide.yaml:3:8: error: slideshow.slide: field 'index': expected int, got 'four'" \
  publish --dry-run lobby@conference.localhost --file "$tmp/slide.yaml"
grep -qxF "roomctl publish: $tmp/slide.yaml:4:8: error: slideshow.slide: field 'total': 0 is below the minimum 1" "$tmp/out" ||
  fail "second mistake of the file: $(cat "$tmp/out")"

# schema check DIR checks the folder's schema files, not "Is a directory".
mkdir "$tmp/dir" && cp "$schemas"/ui.button.yaml "$schemas"/chat.power.yaml "$tmp/dir/"
expect 0 "$tmp/dir/ui.button.yaml: ok (ui.button version 1, state)" schema check "$tmp/dir"
grep -qxF "$tmp/dir/chat.power.yaml: ok (chat.power version 1, state)" "$tmp/out" || fail "check DIR: $(cat "$tmp/out")"
printf 'type: x.y\nversion: 1\nkind: event\nfields:\n  a: {type: strng}\n' >"$tmp/dir/bad.yaml"
expect 3 "$tmp/dir/bad.yaml:5:13: error: field 'a': unknown type 'strng' (did you mean 'string'?)" schema check "$tmp/dir"
mkdir "$tmp/empty"
expect 1 "$tmp/empty: error: no schema files (*.yaml, *.yml) in this directory" schema check "$tmp/empty"

# schema diff OLD NEW: the verdict and a reason per field, text and JSON.
mkdir "$tmp/v" && cp "$schemas/ui.button.yaml" "$tmp/v/"
sed -e 's/^version: 1/version: 2/' "$schemas/ui.button.yaml" >"$tmp/v/ui.button.v2.yaml"
printf '  colour: {type: string, enum: [red, green]}\n' >>"$tmp/v/ui.button.v2.yaml"
expect 0 "ui.button version 1 -> ui.button version 2: BACKWARD (new readers take old items; old readers refuse some new items)" \
  schema diff "$tmp/v/ui.button.yaml" "$tmp/v/ui.button.v2.yaml"
grep -qxF "  field 'colour': added, optional: old readers reject it (unknown_fields: reject) [breaks forward]" "$tmp/out" ||
  fail "schema diff reason: $(cat "$tmp/out")"
"$roomctl" schema diff --json "$tmp/v/ui.button.yaml" "$tmp/v/ui.button.v2.yaml" >"$tmp/json" || fail "diff --json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "BACKWARD", d
assert d["changes"][0]["field"] == "colour" and d["changes"][0]["keeps"] == "BACKWARD", d
' "$tmp/json" || fail "diff --json: $(cat "$tmp/json")"
expect 2 "roomctl schema diff: expected OLD.yaml NEW.yaml" schema diff "$tmp/v/ui.button.yaml"
# Without a gate, publish warns that older clients drop the newest version,
# for an item file without 'version:' too; a chosen version is not warned about.
printf 'type: ui.button\nbutton: send\n' >"$tmp/item.yaml"
expect 0 "roomctl publish: warning: sending ui.button version 2, the highest known; clients that know only version 1 drop it (choose one with 'version: N' in the file, or publish through a gate, which picks the highest every connected client handles)" \
  publish --dry-run lobby@conference.localhost --file "$tmp/item.yaml" --schemas "$tmp/v"
printf 'type: ui.button\nversion: 1\nbutton: send\n' >"$tmp/item1.yaml"
expect 0 "<control xmlns=\"urn:roomctl:0\" type=\"ui.button\" version=\"1\"><button>send</button></control>" \
  publish --dry-run lobby@conference.localhost --file "$tmp/item1.yaml" --schemas "$tmp/v"
grep -q warning "$tmp/out" && fail "a version the file names is warned about: $(cat "$tmp/out")"
expect 0 "<control xmlns=\"urn:roomctl:0\" type=\"ui.button\" version=\"1\"><button>send</button></control>" \
  publish --dry-run lobby@conference.localhost ui.button button=send --version 1 --schemas "$tmp/v"
grep -q warning "$tmp/out" && fail "--version 1 is warned about: $(cat "$tmp/out")"
# schema check holds version 2 to the compatibility it declares (default
# backward: passes), and refuses one that breaks it, naming the field.
expect 0 "$tmp/v/ui.button.v2.yaml: ok (ui.button version 2, state)" schema check "$tmp/v"
sed -i -e 's/^kind: state/compatibility: full\nkind: state/' "$tmp/v/ui.button.v2.yaml"
line=$(grep -n '^  colour:' "$tmp/v/ui.button.v2.yaml" | cut -d: -f1)
expect 3 "$tmp/v/ui.button.v2.yaml:$line:11: error: ui.button version 2 breaks forward compatibility with version 1 (compatibility: full): field 'colour': added, optional: old readers reject it (unknown_fields: reject)" \
  schema check "$tmp/v"
echo ok

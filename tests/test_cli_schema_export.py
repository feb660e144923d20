#!/usr/bin/env python3
"""`roomctl schema export`: the JSON document browser clients validate against.

Usage: test_cli_schema_export.py ROOMCTL SCHEMA_DIR
Checks the document's envelope, that each type is exactly what
`roomctl schema describe TYPE --json` says, that every version of a type is
exported, and that a broken or empty schema folder exports nothing."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

roomctl, schemas = sys.argv[1], sys.argv[2]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def run(*args):
    env = dict(os.environ, LC_ALL="C")
    env.pop("ROOMCTL_SCHEMA_PATH", None)
    return subprocess.run([roomctl, *args], capture_output=True, text=True, env=env)


# The shipped schemas: the envelope, then each type against `describe --json`.
out = run("schema", "export", "--schemas", schemas)
check(out.returncode == 0, f"export: exit {out.returncode}: {out.stderr}")
doc = json.loads(out.stdout)
check(doc.get("format") == "roomctl-schemas", f"format: {doc.get('format')!r}")
check(doc.get("format_version") == 1, f"format_version: {doc.get('format_version')!r}")
check(doc.get("namespace") == "urn:roomctl:0", f"namespace: {doc.get('namespace')!r}")
listed = json.loads(run("schema", "types", "--json", "--schemas", schemas).stdout)
check([t["type"] for t in doc["types"]] == [t["type"] for t in listed],
      f"types: {[t['type'] for t in doc['types']]}")
for t in doc["types"]:
    described = run("schema", "describe", t["type"], "--json", "--schemas", schemas)
    check(json.loads(described.stdout) == t, f"{t['type']}: differs from describe --json")
by_type = {t["type"]: t for t in doc["types"]}
button = by_type["ui.button"]
check(button["kind"] == "state" and button["key"] == ["button"], "ui.button key")
check(button["item_id"] == "ui.button:{button}", f"ui.button item_id: {button['item_id']}")
image = next(f for f in by_type["slideshow.slide"]["fields"] if f["name"] == "image")
check(image["type"] == "bytes" and image["max_bytes"] == 163840, f"image field: {image}")
check(image["media_types"] == ["image/png", "image/jpeg", "image/gif", "image/webp"],
      f"image media types: {image['media_types']}")
level = next(f for f in by_type["room.notice"]["fields"] if f["name"] == "level")
check(level["default"] == "info" and level["enum"] == ["info", "warning", "alert"], f"level: {level}")
check(by_type["chat.power"]["key"] == [] and by_type["chat.power"]["item_id"] == "chat.power",
      "chat.power: empty key")
check(run("schema", "export", "--json", "--schemas", schemas).stdout == out.stdout,
      "--json changes the output")

with tempfile.TemporaryDirectory() as tmp:
    # Two versions of a type: both are exported, oldest first.
    both = os.path.join(tmp, "both")
    os.mkdir(both)
    shutil.copy(os.path.join(schemas, "ui.button.yaml"), both)
    with open(os.path.join(schemas, "ui.button.yaml")) as src, \
            open(os.path.join(both, "ui.button.v2.yaml"), "w") as dst:
        dst.write(src.read().replace("version: 1", "version: 2"))
    out = run("schema", "export", "--schemas", both)
    versions = [(t["type"], t["version"]) for t in json.loads(out.stdout)["types"]]
    check(versions == [("ui.button", 1), ("ui.button", 2)], f"two versions: {versions}")

    # A broken schema beside good ones: nothing on stdout, exit 3, FILE:LINE:COL.
    broken = os.path.join(tmp, "broken")
    shutil.copytree(schemas, broken, ignore=shutil.ignore_patterns("meson.build"))
    bad = os.path.join(broken, "x.bad.yaml")
    with open(bad, "w") as f:
        f.write("type: x.bad\nversion: 1\nkind: event\nfields:\n  a: {type: strin}\n")
    out = run("schema", "export", "--schemas", broken)
    check(out.returncode == 3, f"broken schema: exit {out.returncode}")
    check(out.stdout == "", f"broken schema: printed {out.stdout[:80]!r}")
    check(out.stderr.startswith(bad + ":5:"), f"broken schema message: {out.stderr!r}")

    # No schema at all: refused rather than an export no item can pass.
    empty = os.path.join(tmp, "empty")
    os.mkdir(empty)
    out = run("schema", "export", "--schemas", empty)
    check(out.returncode == 3 and out.stdout == "", f"empty folder: exit {out.returncode}")
    check(f"roomctl schema export: no control types in {empty}" in out.stderr,
          f"empty folder message: {out.stderr!r}")

out = run("schema", "export", "--schemas", schemas, "extra")
check(out.returncode == 2 and "unexpected argument 'extra'" in out.stderr,
      f"extra argument: exit {out.returncode}: {out.stderr!r}")

for f in failures:
    print("FAIL:", f)
print("ok" if not failures else f"{len(failures)} failed")
sys.exit(1 if failures else 0)

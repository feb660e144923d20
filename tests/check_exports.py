#!/usr/bin/env python3
"""The export check (unit suite): libroomctl.so exports exactly the functions
its public headers declare with ROOMCTL_API (bus/roomctl/*.h and
sdk/roomctl/plugin.h), all named roomctl_*, and nothing else: an internal
rc_* function that leaks out would become ABI a user can link against, and a
public declaration without ROOMCTL_API would not be exported at all.

Usage: check_exports.py LIBROOMCTL_SO SOURCE_ROOT.  Prints one line per
problem; exit 1 when there is one."""
import glob
import os
import re
import subprocess
import sys

# ROOMCTL_API on its own line, then the declaration up to the name.
DECLARED = re.compile(r'^ROOMCTL_API\n[^(;]*?\b(roomctl_[a-z0-9_]+)\(', re.M)
# Any function declaration at the start of a line (not a typedef, macro or
# comment): each one must carry ROOMCTL_API on the line before.
ANY_DECLARATION = re.compile(r'^(?!typedef|#|ROOMCTL_API)[A-Za-z_][^(;]*?\b(roomctl_[a-z0-9_]+)\(',
                             re.M)


def exported(lib):
    out = subprocess.run(['nm', '-D', '--defined-only', lib], check=True,
                         capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


def declared(root, problems):
    headers = glob.glob(os.path.join(root, 'bus', 'roomctl', '*.h'))
    headers.append(os.path.join(root, 'sdk', 'roomctl', 'plugin.h'))
    names = set()
    for header in sorted(headers):
        with open(header) as f:
            text = f.read()
        marked = DECLARED.findall(text)
        names.update(marked)
        for name in sorted(set(ANY_DECLARATION.findall(text)) - set(marked)):
            problems.append(f'{os.path.relpath(header, root)}: {name} is declared '
                            'without ROOMCTL_API on the line before')
    return names


def main():
    lib, root = sys.argv[1], sys.argv[2]
    problems = []
    have, want = exported(lib), declared(root, problems)
    for name in sorted(have - want):
        why = 'not a public name' if not name.startswith('roomctl_') else \
            'exported but not declared with ROOMCTL_API in a public header'
        problems.append(f'{os.path.basename(lib)}: exports {name}: {why}')
    for name in sorted(want - have):
        problems.append(f'{os.path.basename(lib)}: does not export {name}, '
                        'which a public header declares with ROOMCTL_API')
    if not want:
        problems.append(f'{root}: no ROOMCTL_API declaration found in the public headers')
    for p in problems:
        print(p)
    print(f'{len(have)} exported, {len(want)} declared, {len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
"""The include-layer check (unit suite): every #include "..." of a file under
bus/, sdk/ and plugins/ names a header of its own folder or of a layer below
it (tests/layers.txt), and no headers include each other in a circle.

Usage: check_layers.py SOURCE_ROOT [LAYERS_FILE].  Before the tree, it checks
a small made-up tree with one wrong include, so that it is known to fail.
Prints one line per problem; exit 1 when there is one."""
import os
import re
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
CHECKED = ('bus', 'sdk', 'plugins')


def read_layers(path):
    """{folder: level}, level 0 the lowest."""
    layers = {}
    with open(path) as f:
        level = 0
        for line in f:
            line = line.split('#', 1)[0].split()
            if line:
                for folder in line:
                    layers[folder] = level
                level += 1
    return layers


def folder_of(rel, layers):
    """The layer folder holding @rel (the longest that is a prefix), or None."""
    best = None
    for folder in layers:
        if rel.startswith(folder + '/') and (best is None or len(folder) > len(best)):
            best = folder
    return best


def sources(root):
    for top in CHECKED:
        for d, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if name.endswith(('.c', '.h')):
                    yield os.path.relpath(os.path.join(d, name), root)


def resolve(root, rel, name, search):
    """The file "@name" included from @rel names, as the compiler finds it: the
    including file's folder first, then the include folders (@search)."""
    here = os.path.normpath(os.path.join(os.path.dirname(rel), name))
    if os.path.isfile(os.path.join(root, here)):
        return here, None
    found = [os.path.normpath(os.path.join(d, name)) for d in search
             if os.path.isfile(os.path.join(root, d, name))]
    if len(found) > 1:
        return None, 'ambiguous: %s' % ', '.join(found)
    return (found[0], None) if found else (None, 'not found')


def check(root, layers):
    problems = []
    search = ['bus', 'sdk', 'plugins'] + sorted(layers)
    graph = {}
    for rel in sources(root):
        folder = folder_of(rel, layers)
        if folder is None:
            problems.append('%s: in no layer: add its folder to layers.txt' % rel)
            continue
        with open(os.path.join(root, rel), errors='replace') as f:
            text = f.read()
        graph[rel] = []
        for m in INCLUDE.finditer(text):
            line = text.count('\n', 0, m.start()) + 1
            target, why = resolve(root, rel, m.group(1), search)
            if target is None:
                problems.append('%s:%d: "%s" %s' % (rel, line, m.group(1), why))
                continue
            graph[rel].append(target)
            other = folder_of(target, layers)
            if other is None or other == folder:
                continue
            if layers[other] >= layers[folder]:
                problems.append('%s:%d: includes "%s" (%s) from %s, which is not below %s'
                                % (rel, line, m.group(1), target, other, folder))
    problems += ['include cycle: ' + ' -> '.join(c) for c in cycles(graph)]
    return problems


def cycles(graph):
    """One path for each circle of includes."""
    out, state = [], {}

    def visit(node, path):
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                out.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2
    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return out


def self_test(layers):
    """A made-up tree where bus/base includes a header of bus/room must fail."""
    with tempfile.TemporaryDirectory() as tmp:
        for rel, text in {'bus/base/low.c': '#include "high.h"\n',
                          'bus/room/high.h': '/* a header */\n'}.items():
            os.makedirs(os.path.join(tmp, os.path.dirname(rel)), exist_ok=True)
            with open(os.path.join(tmp, rel), 'w') as f:
                f.write(text)
        found = check(tmp, layers)
    return len(found) == 1 and 'bus/base/low.c:1: includes "high.h"' in found[0]


def main():
    root = sys.argv[1]
    layers = read_layers(sys.argv[2] if len(sys.argv) > 2
                         else os.path.join(root, 'tests', 'layers.txt'))
    if not self_test(layers):
        print('check_layers.py: the check did not catch a wrong include in its self-test')
        return 1
    problems = check(root, layers)
    for p in problems:
        print(p)
    print('%d problem(s) in the layers of %s' % (len(problems), ', '.join(CHECKED)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
# Print the path of TARGET relative to the folder FROM (both absolute, or
# relative to PREFIX): how meson gets $ORIGIN-relative install paths.
import os, sys
prefix, origin, target = sys.argv[1:4]
print(os.path.relpath(os.path.join(prefix, target), os.path.join(prefix, origin)))

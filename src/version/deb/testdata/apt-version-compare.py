"""Oracle: libapt-pkg's version comparison. Reads a JSON list of [a, b] pairs on stdin and writes a
JSON list of -1/0/1, one per pair, so thousands of pairs cost one process."""
import json
import sys

import apt_pkg

apt_pkg.init()
pairs = json.load(sys.stdin)
json.dump([(c > 0) - (c < 0) for c in (apt_pkg.version_compare(a, b) for a, b in pairs)], sys.stdout)

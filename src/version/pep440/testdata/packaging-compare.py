"""Oracle: packaging.version.Version (Debian's python3-packaging). Reads {"versions": [...],
"pairs": [[a, b], ...]} on stdin; writes {"valid": [bool, ...], "cmp": [-1|0|1|null, ...]}."""
import json
import sys

from packaging.version import InvalidVersion, Version


def parse(v):
    try:
        return Version(v)
    except InvalidVersion:
        return None


def cmp(a, b):
    va, vb = parse(a), parse(b)
    if va is None or vb is None:
        return None
    return (va > vb) - (va < vb)


data = json.load(sys.stdin)
json.dump(
    {
        "valid": [parse(v) is not None for v in data["versions"]],
        "cmp": [cmp(a, b) for a, b in data["pairs"]],
    },
    sys.stdout,
)

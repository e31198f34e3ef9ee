"""Independent oracle for vigil's PyPI matching (Debian's /usr/bin/python3 with python3-packaging).

Reads pinned requirements.txt and poetry.lock itself, walks OSV JSONL files (GHSA, PYSEC) and decides
every (record, package, version) with pip's own PEP 440 code (packaging.version / specifiers). Ranges
become SpecifierSets; a range with a version PEP 440 cannot read is skipped, as vigil documents.

The reviewed-advisory rule, written here on its own: an unreviewed record's hit is dropped when a
GitHub-reviewed GHSA record for the same package shares an id or alias with it and does not hit.

usage: pypi_osv_oracle.py PROJECT_DIR OSV_JSONL_GZ...
  ->  JSON {"matches": [...], "superseded": [...]} on stdout, each "RECORD PACKAGE VERSION"
"""
import gzip
import json
import re
import sys
import tomllib

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version


def pins(project):
    out = {}
    with open(project + '/requirements.txt') as f:
        for line in f:
            m = re.match(r'^\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;#]+)', line)
            if m:
                out.setdefault(canonicalize_name(m.group(1)), set()).add(m.group(2))
    with open(project + '/poetry.lock', 'rb') as f:
        for p in tomllib.load(f).get('package', []):
            out.setdefault(canonicalize_name(p['name']), set()).add(p['version'])
    return out


def range_specs(events):
    """OSV events -> SpecifierSets, one per introduced..fixed|last_affected clause."""
    clauses, lower = [], None
    for e in events:
        if 'introduced' in e:
            lower = None if e['introduced'] == '0' else e['introduced']
        elif 'fixed' in e or 'last_affected' in e:
            upper = ('<' + e['fixed']) if 'fixed' in e else ('<=' + e['last_affected'])
            clauses.append(','.join(x for x in [('>=' + lower) if lower else None, upper] if x))
            lower = None
        else:
            return None  # limit: not used by PyPI records
    if lower is not None or (events and not clauses and 'introduced' in events[-1]):
        clauses.append(('>=' + lower) if lower else '')
    for c in clauses:
        for part in filter(None, c.split(',')):
            Version(part.lstrip('<>=!~'))  # raises InvalidVersion: the range is unreadable
    return [SpecifierSet(c, prereleases=True) for c in clauses]


def hits(aff, ver, v):
    hit = False
    for r in aff.get('ranges') or []:
        if r.get('type') not in ('ECOSYSTEM', 'SEMVER'):
            continue
        try:
            specs = range_specs(r['events'])
        except InvalidVersion:
            continue
        if specs and any(s.contains(ver) for s in specs):
            hit = True
    for lv in aff.get('versions') or []:
        try:
            if Version(lv) == ver:
                hit = True
        except InvalidVersion:
            if lv == v:
                hit = True
    return hit


def main():
    project, files = sys.argv[1], sys.argv[2:]
    installed = pins(project)
    # (name, version) -> list of (id, ids incl. aliases, reviewed GHSA?, hit?)
    decided = {}
    for path in files:
        for line in gzip.open(path, 'rt'):
            if '"PyPI"' not in line:
                continue
            rec = json.loads(line)
            if rec.get('withdrawn'):
                continue
            ids = {rec['id'], *(rec.get('aliases') or [])}
            reviewed = rec['id'].startswith('GHSA-') and (rec.get('database_specific') or {}).get('github_reviewed') is True
            for aff in rec.get('affected') or []:
                pkg = aff.get('package') or {}
                if pkg.get('ecosystem') != 'PyPI':
                    continue
                name = canonicalize_name(pkg.get('name', ''))
                for v in installed.get(name, ()):
                    decided.setdefault((name, v), []).append((rec['id'], ids, reviewed, hits(aff, Version(v), v)))
    matches, superseded = set(), set()
    for (name, v), rows in decided.items():
        for rid, ids, reviewed, hit in rows:
            if not hit:
                continue
            twins = [r for r in rows if r[2] and not reviewed and (r[0] in ids or r[1] & ids)]
            key = ' '.join([rid, name, v])
            if twins and not any(t[3] for t in twins):
                superseded.add(key)
            else:
                matches.add(key)
    json.dump({'matches': sorted(matches), 'superseded': sorted(superseded)}, sys.stdout)


main()

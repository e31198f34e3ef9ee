"""Independent oracle for vigil's Debian matching (run by Debian's /usr/bin/python3 with python3-apt).

Reads the installed packages of a root filesystem with dpkg-query, walks osv.dev's Debian export and
decides every (record, source package) with libapt-pkg's version comparison, following the OSV
specification's range evaluation. It shares no code with vigil. Policy mirrored from DESIGN.md /
README: a DSA/DLA/DTSA record defers to its related CVE records when those have an entry for the
same release and source package.

usage: debian_osv_oracle.py ROOTFS ECOSYSTEM OSV_JSONL_GZ  ->  JSON on stdout
"""
import gzip
import json
import subprocess
import sys

import apt_pkg

apt_pkg.init_system()


def installed_sources(rootfs):
    fmt = '${db:Status-Eflag} ${db:Status-Status}\t${Package}\t${Version}\t${source:Package}\t${source:Version}\n'
    out = subprocess.run(
        ['dpkg-query', '--admindir=' + rootfs + '/var/lib/dpkg', '-W', '-f=' + fmt],
        check=True, capture_output=True, text=True,
    ).stdout
    sources = {}
    for line in out.splitlines():
        status, _name, _version, src, src_version = line.split('\t')
        if status != 'ok installed':
            continue
        sources.setdefault(src, set()).add(src_version)
    return sources


def cmp(a, b):
    if a == b:
        return 0
    if a == '0':
        return -1
    if b == '0':
        return 1
    return apt_pkg.version_compare(a, b)


KIND_ORDER = {'introduced': 0, 'last_affected': 1, 'fixed': 2, 'limit': 3}


def in_range(version, events):
    flat = [(k, v) for e in events for k, v in e.items()]
    walk = sorted(
        [e for e in flat if e[0] != 'limit'],
        key=lambda e: (apt_pkg_key(e[1]), KIND_ORDER[e[0]]),
    )
    affected = False
    for kind, v in walk:
        c = cmp(version, v)
        if kind == 'introduced' and (v == '0' or c >= 0):
            affected = True
        elif kind == 'fixed' and c >= 0:
            affected = False
        elif kind == 'last_affected' and c > 0:
            affected = False
    limits = [v for k, v in flat if k == 'limit']
    if affected and limits:
        return any(cmp(version, l) < 0 for l in limits)
    return affected


class apt_pkg_key:
    """Sort key over Debian versions with OSV's "0" as the smallest."""

    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return cmp(self.v, other.v) < 0

    def __eq__(self, other):
        return cmp(self.v, other.v) == 0


def main():
    rootfs, ecosystem, osv_path = sys.argv[1:4]
    sources = installed_sources(rootfs)
    entries = {}  # (source) -> set of record ids with an entry for this release
    matches = []  # (id, source, fixed|'unfixed', version, related+aliases)
    for line in gzip.open(osv_path, 'rt'):
        rec = json.loads(line)
        links = set(rec.get('related') or []) | set(rec.get('aliases') or [])
        for aff in rec.get('affected') or []:
            pkg = aff.get('package') or {}
            if pkg.get('ecosystem') != ecosystem or pkg.get('name') not in sources:
                continue
            name = pkg['name']
            entries.setdefault(name, set()).add(rec['id'])
            ranges = [r for r in aff.get('ranges') or [] if r.get('type') == 'ECOSYSTEM']
            fixes = sorted(
                (v for r in ranges for e in r['events'] for k, v in e.items() if k == 'fixed'),
                key=apt_pkg_key,
            )
            listed = aff.get('versions') or []
            for version in sorted(sources[name]):
                hit = any(in_range(version, r['events']) for r in ranges) or any(
                    cmp(version, v) == 0 for v in listed
                )
                if hit:
                    matches.append((rec['id'], name, fixes[0] if fixes else 'unfixed', version, links))
    result = []
    deferred = 0
    for rid, name, fixed, version, links in matches:
        if rid.split('-')[0] in ('DSA', 'DLA', 'DTSA') and links & entries.get(name, set()):
            deferred += 1
            continue
        result.append([rid, name, fixed, version])
    result.sort()
    json.dump({'matches': result, 'deferred': deferred, 'sources': len(sources)}, sys.stdout)


main()

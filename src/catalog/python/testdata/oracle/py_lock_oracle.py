"""Reads uv.lock / pdm.lock with Python's own tomllib and packaging, independently of vigil:
prints sorted "name@version dev|prod" lines, then checks each pin with pip's requirement parser."""
import json
import sys
import tomllib

from packaging.utils import canonicalize_name
from pip._internal.req.constructors import install_req_from_line


def uv(doc):
    pkgs = doc["package"]
    by_name = {}
    for p in pkgs:
        by_name.setdefault(canonicalize_name(p["name"]), []).append(p)

    def ids(refs):
        out = []
        for r in refs:
            for c in by_name.get(canonicalize_name(r["name"]), []):
                if "version" not in r or r["version"] == c["version"]:
                    out.append((canonicalize_name(c["name"]), c["version"]))
        return out

    def walk(roots):
        seen, stack = set(), list(roots)
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            for p in by_name.get(n[0], []):
                if p["version"] == n[1]:
                    extra = [r for g in p.get("optional-dependencies", {}).values() for r in g]
                    stack += ids(p.get("dependencies", []) + extra)
        return seen

    project = [p for p in pkgs if {"editable", "virtual"} & set(p["source"])]
    prod = walk(ids([r for p in project for r in p.get("dependencies", []) + [x for g in p.get("optional-dependencies", {}).values() for x in g]]))
    dev = walk(ids([r for p in project for g in p.get("dev-dependencies", {}).values() for r in g]))
    return {
        (canonicalize_name(p["name"]), p["version"], "dev" if (canonicalize_name(p["name"]), p["version"]) in dev - prod else "prod")
        for p in pkgs
        if p not in project
    }


def pdm(doc):
    return {
        (canonicalize_name(p["name"]), p["version"], "prod" if "default" in p.get("groups", ["default"]) else "dev")
        for p in doc["package"]
    }


kind, path = sys.argv[1], sys.argv[2]
with open(path, "rb") as f:
    doc = tomllib.load(f)
rows = sorted(uv(doc) if kind == "uv" else pdm(doc))
for name, version, _ in rows:
    req = install_req_from_line(f"{name}=={version}")
    assert canonicalize_name(req.name) == name and str(req.specifier) == f"=={version}", (name, version)
print(json.dumps([f"{n}@{v} {d}" for n, v, d in rows]))

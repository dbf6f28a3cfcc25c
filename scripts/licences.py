#!/usr/bin/env python3
"""Fails on any dependency whose licence scripts/licences.toml does not allow.

Checks every lock of the repository, wherever it sits (build outputs, node_modules and
hidden folders aside):

- Cargo.lock (the workspace, fuzz/, bench/plotters/): the `license` SPDX expression of every package in
  `cargo metadata --locked`, all platforms;
- go.mod (the root's for the Magefile, tests/, bench/peer/, tools/plugin-validator/): every
  required module, fetched into the module cache with `go mod download`, by the licence
  files in its directory, recognised by their text;
- package-lock.json (frontend/): each installed package's package.json licence when
  node_modules is there, otherwise the licence the lock recorded for it.

Prints one line per lock and, on failure, every package that failed and why.

    scripts/licences.py [REPO]
"""

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

SKIP_DIRS = {"node_modules", "target", "dist", ".git"}


class Policy:
    def __init__(self, path: Path):
        cfg = tomllib.loads(path.read_text())
        self.allowed = set(cfg["allowed"])
        self.denied = tuple(cfg["denied"])
        self.exceptions = {(e["ecosystem"], e["name"]): e for e in cfg.get("exception", [])}

    def is_denied(self, lic: str) -> bool:
        return any(lic == d or lic.startswith(d + "-") or lic.startswith(d + "+") for d in self.denied)

    def verdict(self, expr: str) -> str | None:
        """None when expr can be satisfied with allowed licences alone, else why not."""
        try:
            tree = parse_spdx(expr)
        except ValueError as e:
            return f"licence {expr!r} is not an SPDX expression ({e})"
        if satisfiable(tree, self.allowed):
            return None
        leaves = sorted({leaf for leaf in walk(tree) if leaf not in self.allowed})
        denied = [leaf for leaf in leaves if self.is_denied(leaf)]
        if denied:
            return f"{expr}: denied ({', '.join(denied)}) with no allowed alternative"
        return f"{expr}: {', '.join(leaves)} not in the allowed list of scripts/licences.toml"


# --- SPDX expressions ----------------------------------------------------------------------
# Grammar: or := and ("OR" and)* ; and := with ("AND" with)* ; with := atom ["WITH" id] ;
# atom := id | "(" or ")". A tree is ("or"|"and", [children]) or a licence id string.

TOKEN = re.compile(r"\s*(\(|\)|[A-Za-z0-9.+:-]+)")


def parse_spdx(expr: str):
    expr = expr.strip()
    # Cargo's and old npm's "MIT/Apache-2.0" means "MIT OR Apache-2.0".
    expr = re.sub(r"\s*/\s*", " OR ", expr)
    tokens, pos = [], 0
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m:
            raise ValueError(f"unexpected {expr[pos:]!r}")
        tokens.append(m.group(1))
        pos = m.end()
        while pos < len(expr) and expr[pos].isspace():
            pos += 1
    if not tokens:
        raise ValueError("empty")
    tree, rest = _or(tokens)
    if rest:
        raise ValueError(f"unexpected {' '.join(rest)!r}")
    return tree


def _chain(t, op, operand):
    node, t = operand(t)
    kids = [node]
    while t and t[0].upper() == op.upper():
        node, t = operand(t[1:])
        kids.append(node)
    return (kids[0] if len(kids) == 1 else (op, kids)), t


def _or(t):
    return _chain(t, "or", _and)


def _and(t):
    return _chain(t, "and", _with)


def _with(t):
    node, t = _atom(t)
    if t and t[0].upper() == "WITH":
        if len(t) < 2 or t[1] in "()":
            raise ValueError("WITH needs an exception id")
        t = t[2:]  # an exception only adds permissions: judge the licence itself
    return node, t


def _atom(t):
    if not t:
        raise ValueError("expression ends early")
    if t[0] == "(":
        node, t = _or(t[1:])
        if not t or t[0] != ")":
            raise ValueError("unbalanced parenthesis")
        return node, t[1:]
    if t[0] == ")" or t[0].upper() in ("AND", "OR", "WITH"):
        raise ValueError(f"unexpected {t[0]!r}")
    return t[0], t[1:]


def satisfiable(tree, allowed) -> bool:
    if isinstance(tree, str):
        return tree in allowed
    op, kids = tree
    results = (satisfiable(k, allowed) for k in kids)
    return any(results) if op == "or" else all(results)


def walk(tree):
    if isinstance(tree, str):
        yield tree
    else:
        for k in tree[1]:
            yield from walk(k)


# --- Go licence files ----------------------------------------------------------------------

LICENCE_FILE = re.compile(r"(?i)^(licen[cs]e|copying|unlicense)([-._].*)?$")

# Text that names each licence, in lower case with whitespace collapsed.
SIGNATURES = [
    ("AGPL-3.0", ["gnu affero general public license"]),
    ("LGPL", ["gnu lesser general public license"]),
    ("LGPL", ["gnu library general public license"]),
    ("GPL", ["gnu general public license"]),
    ("SSPL-1.0", ["server side public license"]),
    ("Apache-2.0", ["apache license", "version 2.0"]),
    ("MIT", ["permission is hereby granted, free of charge, to any person obtaining a copy"]),
    ("BSD-3-Clause", ["redistribution and use in source and binary forms", "may be used to endorse or promote"]),
    ("BSD-2-Clause", ["redistribution and use in source and binary forms"]),
    ("ISC", ["permission to use, copy, modify, and", "distribute this software for any purpose with or without fee"]),
    ("MPL-2.0", ["mozilla public license", "2.0"]),
    ("Unlicense", ["this is free and unencumbered software released into the public domain"]),
    ("CC0-1.0", ["cc0 1.0 universal"]),
    ("Zlib", ["altered source versions must be plainly marked as such"]),
]


# Sentences of a permissive licence that name copyleft ones: MPL-2.0 names the GPL family as
# the "Secondary Licenses" a file may be combined with.
NAMED_NOT_GRANTED = [
    re.compile(r'secondary license\W+means either the gnu general public license.*?any later versions of those licenses\.'),
]


def recognise(text: str) -> set[str]:
    flat = " ".join(text.lower().split())
    for sentence in NAMED_NOT_GRANTED:
        flat = sentence.sub("", flat)
    found = set()
    for lic, needles in SIGNATURES:
        if all(n in flat for n in needles):
            if lic == "BSD-2-Clause" and "BSD-3-Clause" in found:
                continue
            found.add(lic)
    return found


def go_module_licence(d: Path) -> str | None:
    """The AND of every licence recognised in the module's licence files, or None."""
    found = set()
    for f in sorted(d.iterdir()):
        if f.is_file() and LICENCE_FILE.match(f.name):
            found |= recognise(f.read_text(errors="replace"))
    return " AND ".join(sorted(found)) or None


# --- the three ecosystems ------------------------------------------------------------------

def run(cmd, cwd) -> str:
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} in {cwd}: {p.stderr.strip()}")
    return p.stdout


def rust_packages(lock: Path):
    meta = json.loads(run(["cargo", "metadata", "--format-version", "1", "--locked"], lock.parent))
    for p in meta["packages"]:
        yield p["name"], p["version"], p.get("license")


def go_packages(gomod: Path):
    mod = json.loads(run(["go", "mod", "edit", "-json"], gomod.parent))
    ours = {r["Old"]["Path"] for r in mod.get("Replace") or [] if r["New"]["Path"].startswith(".")}
    reqs = [r for r in mod.get("Require") or [] if r["Path"] not in ours]  # ours: checked at its go.mod
    if not reqs:
        return
    # go reports a module it cannot fetch in that module's JSON, with a non-zero exit.
    out = subprocess.run(["go", "mod", "download", "-json"] + [f"{r['Path']}@{r['Version']}" for r in reqs],
                         cwd=gomod.parent, capture_output=True, text=True).stdout
    dec, i = json.JSONDecoder(), 0
    while i < len(out):
        while i < len(out) and out[i].isspace():
            i += 1
        if i == len(out):
            break
        m, i = dec.raw_decode(out, i)
        if m.get("Error"):
            raise RuntimeError(f"{gomod}: {m['Path']}@{m['Version']}: {m['Error']}")
        yield m["Path"], m["Version"], go_module_licence(Path(m["Dir"]))


def npm_licence(pkg: dict) -> str | None:
    lic = pkg.get("license")
    if isinstance(lic, dict):  # old form {"type": "MIT", "url": ...}
        lic = lic.get("type")
    old = pkg.get("licenses")  # old form: a string, or a list of which any may be taken
    if lic is None and isinstance(old, str):
        lic = old
    if lic is None and isinstance(old, list):
        types = [x.get("type") if isinstance(x, dict) else x for x in old]
        lic = " OR ".join(t for t in types if t) or None
    return lic


def npm_packages(lock: Path, installed: bool):
    entries = json.loads(lock.read_text()).get("packages", {})
    for key, entry in entries.items():
        if not key or entry.get("link"):
            continue  # the frontend itself, or a workspace folder of ours
        name = entry.get("name") or key.rsplit("node_modules/", 1)[-1]
        manifest = lock.parent / key / "package.json"
        if installed and manifest.is_file():
            lic = npm_licence(json.loads(manifest.read_text()))
        else:
            lic = npm_licence(entry)  # not installed here (another platform's optional package)
        yield name, entry.get("version", "?"), lic


def locks(root: Path):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        for f in ("Cargo.lock", "go.mod", "package-lock.json"):
            if f in filenames:
                yield Path(dirpath) / f


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent).resolve()
    policy = Policy(root / "scripts" / "licences.toml")
    failures = []
    for lock in locks(root):
        rel = lock.relative_to(root)
        if lock.name == "Cargo.lock":
            eco, pkgs, source = "rust", rust_packages(lock), "cargo metadata"
        elif lock.name == "go.mod":
            eco, pkgs, source = "go", go_packages(lock), "licence files in the module cache"
        else:
            installed = (lock.parent / "node_modules").is_dir()
            eco, pkgs = "npm", npm_packages(lock, installed)
            source = "installed package.json files" if installed else \
                "the lock's recorded licences (node_modules not installed)"
        count = chosen = 0
        for name, version, lic in pkgs:
            count += 1
            exc = policy.exceptions.get((eco, name))
            if exc:
                lic = exc["licence"]
            if lic is None:
                failures.append(f"{rel}: {name} {version}: no licence found; read it and add an "
                                "[[exception]] to scripts/licences.toml if it is allowed")
                continue
            why = policy.verdict(lic)
            if why:
                failures.append(f"{rel}: {name} {version}: {why}")
            elif any(policy.is_denied(leaf) for leaf in walk(parse_spdx(lic))):
                chosen += 1
        note = f", {chosen} offering a denied licence beside an allowed one (the allowed taken)" if chosen else ""
        print(f"licences: {rel}: {count} packages from {source}{note}")
    if not any(True for _ in locks(root) if _.name == "package-lock.json"):
        print("licences: npm skipped: no package-lock.json in the repository (frontend/ not there yet)")
    if failures:
        print(f"\nlicences: {len(failures)} dependencies not allowed by scripts/licences.toml:", file=sys.stderr)
        for f in failures:
            print("  " + f, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as e:
        print(f"licences: {e}", file=sys.stderr)
        sys.exit(1)

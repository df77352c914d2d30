#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""The layer check: every C source and header of xbr against tools/layers.conf.

Fails (exit 1, one line per finding) when a file is in no layer, when a file
includes a header of a layer above its own, or when modules import each other
(a cycle, shown as its path). Includes of system headers (<...>) and of
generated skeletons (*.skel.h) are not the layers' business.

Usage: tools/layers.py [REPO]   (default: the tree this file is in)
"""
import fnmatch
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def load_conf(repo):
    layers, impl, extra = [], {}, {}
    with open(os.path.join(repo, "tools/layers.conf")) as f:
        for raw in f:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            head, _, rest = line.partition(":")
            if head.startswith("impl "):
                for pat in rest.split():
                    impl[pat] = head[5:].strip()
            elif head.strip() in ("front", "public"):
                extra[head.strip()] = rest.split()
            else:
                layers.append((head.strip(), rest.split()))
    return layers, impl, extra


def sources(repo):
    out = []
    for top in ("user", "cli", "cni", "agent", "include", "docker"):
        d = os.path.join(repo, top)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if name.endswith((".c", ".h")) and not name.endswith(".skel.h"):
                out.append(f"{top}/{name}")
    return out


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    layers, impl, extra = load_conf(repo)
    front = {i for i, (name, _) in enumerate(layers) if name in extra.get("front", [])}
    public = set(extra.get("public", []))
    files = sources(repo)
    rank, errors = {}, []
    for path in files:
        for i, (_, pats) in enumerate(layers):
            if any(fnmatch.fnmatchcase(path, p) for p in pats):
                rank[path] = i
                break
        else:
            errors.append(f"{path}: in no layer of tools/layers.conf")
    # A header named in an include: next to the includer, else on the
    # compiler's -I path (user/, cli/, include/).
    def resolve(frm, name):
        for cand in (os.path.join(os.path.dirname(frm), name), "user/" + name, "cli/" + name, "include/" + name):
            if cand in rank or os.path.exists(os.path.join(repo, cand)):
                return cand
        return None

    def module(path):
        if path in impl:
            return impl[path]
        if path.endswith(".h"):
            return path
        base = path[:-2]
        while True:
            if os.path.exists(os.path.join(repo, base + ".h")):
                return base + ".h"
            if "_" not in os.path.basename(base):
                return path  # a source of its own (main.c)
            base = base.rsplit("_", 1)[0]

    edges = {}
    for path in files:
        with open(os.path.join(repo, path)) as f:
            text = f.read()
        for name in INCLUDE.findall(text):
            if name.endswith(".skel.h"):
                continue
            hdr = resolve(path, name)
            if hdr is None:
                errors.append(f"{path}: includes \"{name}\", which is not a header of the tree")
                continue
            if (path in rank and rank[path] in front and hdr.startswith(("user/", "include/"))
                    and hdr not in public):
                errors.append(f"{path} (front-end) includes {hdr}, which is not the library's "
                              "public API (tools/layers.conf, public:)")
            if path in rank and hdr in rank and rank[hdr] < rank[path]:
                errors.append(f"{path} ({layers[rank[path]][0]}) includes {hdr}, "
                              f"of the layer above ({layers[rank[hdr]][0]})")
            a, b = module(path), module(hdr)
            if a != b:
                edges.setdefault(a, set()).add(b)
    # Cycles: a depth-first walk; each back edge closes one.
    state, stack, seen_cycles = {}, [], set()

    def walk(m):
        state[m] = 1
        stack.append(m)
        for n in sorted(edges.get(m, ())):
            if state.get(n) == 1:
                cyc = stack[stack.index(n):] + [n]
                key = frozenset(cyc)
                if key not in seen_cycles:
                    seen_cycles.add(key)
                    errors.append("modules import each other: " + " -> ".join(cyc))
            elif n not in state:
                walk(n)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            walk(m)
    for e in errors:
        print(e)
    nmod = len(set(module(p) for p in files))
    if errors:
        print(f"layers: {len(errors)} finding(s) in {len(files)} files")
        return 1
    print(f"layers: {len(files)} files in {len(layers)} layers, {nmod} modules, no upward include, "
          f"no cycle, front-ends on the {len(public)} public headers only")
    return 0


if __name__ == "__main__":
    sys.exit(main())

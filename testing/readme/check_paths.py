#!/usr/bin/env python3
"""Fails when a package README names a file or directory that does not exist.

Reads every */README.md below the workspace root (the top-level README is
the project's, not a package's) and checks each backticked name that looks
like a path against the tracked tree:

* a name with a known file extension (`page_table.h`, `entry.S`) or a
  trailing slash (`aarch64/`), or one with a slash in it
  (`kernel/arch`, `sched/blocking.h`);
* found relative to the README's directory, to the workspace root, or (a
  bare file name) anywhere below the README's directory; a path under a
  Bazel include_prefix (`kernel/arch/backend/arch_inline.h`) counts if a
  backend provides it;
* a glob (`*_ktests.cc`, `testing/*/check.sh`) must match something.

Not paths, so not checked: labels (`//sched:blocking`, `:kernel`), flags,
commands (anything with a space), C++ names (`mm::AddressSpace`), lock
names (`ipc.channel`), and names outside the workspace (`../x`).

Usage: check_paths.py (from anywhere; prints one line per stale name).
"""

import fnmatch
import os
import re
import subprocess
import sys

EXTENSIONS = {
    "S",
    "bazel",
    "bazelrc",
    "bzl",
    "c",
    "cc",
    "dtb",
    "h",
    "json",
    "ld",
    "md",
    "py",
    "sh",
    "txt",
    "yaml",
}


def tracked_tree(root):
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    files = set(f for f in out.split("\n") if f and os.path.exists(os.path.join(root, f)))
    dirs = set()
    for f in files:
        d = os.path.dirname(f)
        while d:
            dirs.add(d)
            d = os.path.dirname(d)
    return files, dirs


def include_prefixes(root, files):
    """(include_prefix, directory) pairs from the BUILD files."""
    pairs = []
    for f in files:
        if os.path.basename(f) != "BUILD.bazel":
            continue
        with open(os.path.join(root, f)) as build:
            text = build.read()
        for m in re.finditer(r'include_prefix = "([^"]+)",\s*strip_include_prefix = "/([^"]+)"', text):
            pairs.append((m.group(1), m.group(2)))
    return pairs


def is_path(name):
    if not name or re.search(r"[\s()=<>{}|,@]", name):
        return False
    if name.startswith(("//", ":", "-", "$", "../", "~")) or "::" in name:
        return False
    if ":" in name:  # a label relative to a package (`aarch64:exception`)
        return False
    if name.endswith("/") or "/" in name:
        return True
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    return ext in EXTENSIONS


def exists(name, readme_dir, files, dirs, prefixes):
    name = name.rstrip("/")
    candidates = [os.path.normpath(os.path.join(readme_dir, name)), os.path.normpath(name)]
    for prefix, directory in prefixes:
        if name.startswith(prefix + "/"):
            candidates.append(directory + name[len(prefix) :])
    glob = any(c in name for c in "*?[")
    for c in candidates:
        if glob:
            if any(fnmatch.fnmatchcase(f, c) for f in files | dirs):
                return True
        elif c in files or c in dirs:
            return True
    if "/" not in name:  # a bare file name: anywhere in the package
        below = (readme_dir + "/") if readme_dir else ""
        for f in files | dirs:
            if f.startswith(below) and fnmatch.fnmatchcase(os.path.basename(f), name):
                return True
    return False


def main():
    root = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=os.path.dirname(os.path.abspath(__file__)),
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    files, dirs = tracked_tree(root)
    prefixes = include_prefixes(root, files)
    readmes = sorted(f for f in files if f.endswith("/README.md"))
    stale = []
    for readme in readmes:
        readme_dir = os.path.dirname(readme)
        with open(os.path.join(root, readme)) as f:
            lines = f.read().split("\n")
        in_code_block = False
        for number, line in enumerate(lines, 1):
            if line.startswith("```"):
                in_code_block = not in_code_block
                continue
            if in_code_block:
                continue
            for name in re.findall(r"`([^`]+)`", line):
                if is_path(name) and not exists(name, readme_dir, files, dirs, prefixes):
                    stale.append("%s:%d: `%s` does not exist" % (readme, number, name))
    for s in stale:
        print(s)
    print("checked %d package READMEs" % len(readmes), file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())

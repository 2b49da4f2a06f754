#!/usr/bin/env python3
"""Checks that every BUILD.bazel file is tidy.

* srcs, hdrs, deps, data and textual_hdrs lists are sorted the way
  buildifier sorts them: local labels (":x") first, then "//" labels, then
  "@" labels; within a group by the parts between ":" and "." (so
  "//kernel/arch" sorts before "//kernel/arch/host:backend"). A comment
  line starts a new block that is sorted on its own, as in buildifier.
* Every rule or macro a file calls is either a Bazel built-in or loaded:
  cc_* rules come from @rules_cc//cc:defs.bzl, nothing relies on the
  native ones.

Usage: check_build_files.py [BUILD files...] (default: every tracked one).
"""

import re
import subprocess
import sys

SORTED_ATTRS = ("srcs", "hdrs", "deps", "data", "textual_hdrs")

# What a BUILD file may call without a load.
BUILTINS = {
    "alias",
    "config_setting",
    "exports_files",
    "filegroup",
    "genrule",
    # Bazel 4 has no rules_shell: the shell rules are native only.
    "sh_binary",
    "sh_library",
    "sh_test",
    "glob",
    "licenses",
    "package",
    "package_group",
    "platform",
    "select",
    "test_suite",
    "constraint_setting",
    "constraint_value",
    "toolchain",
    # Starlark built-ins that can appear in a BUILD file.
    "len",
    "str",
    "range",
    "dict",
    "list",
    "enumerate",
    "sorted",
    "struct",
    "Label",
}


def sort_key(value):
    if value.startswith(":"):
        phase = 1
    elif value.startswith("//"):
        phase = 2
    elif value.startswith("@"):
        phase = 3
    else:
        phase = 0
    return (phase, re.split(r"[.:]", value))


def list_problems(path, text):
    problems = []
    attr = re.compile(r"^\s*(%s) = \[$" % "|".join(SORTED_ATTRS))
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = attr.match(lines[i])
        if not m:
            i += 1
            continue
        name, start = m.group(1), i + 1
        block = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith("]"):
            line = lines[i].strip()
            item = re.match(r'^"([^"]*)",(\s*#.*)?$', line)
            if item:
                block.append(item.group(1))
            else:  # a comment (or anything else) ends a sorted block
                problems += check_block(path, start, name, block)
                block = []
            i += 1
        problems += check_block(path, start, name, block)
    # One-line lists with several items: ["b", "a"].
    for n, line in enumerate(lines, 1):
        m = re.match(r"^\s*(%s) = \[(.*)\],?$" % "|".join(SORTED_ATTRS), line)
        if m:
            items = re.findall(r'"([^"]*)"', m.group(2))
            problems += check_block(path, n, m.group(1), items)
    return problems


def check_block(path, line, name, items):
    if items == sorted(items, key=sort_key) and len(set(items)) == len(items):
        return []
    return [
        "%s:%d: %s not sorted (as buildifier sorts) or has duplicates: %s"
        % (path, line, name, ", ".join(items))
    ]


def load_problems(path, text):
    loaded = set()
    for m in re.finditer(r"^load\(([^)]*)\)", text, re.M | re.S):
        args = re.findall(r'"([^"]*)"|(\w+)\s*=', m.group(1))
        for string, alias in args[1:]:
            loaded.add(alias or string)
    code = re.sub(r"#.*", "", text)
    code = re.sub(r'"(\\.|[^"\\])*"', '""', code)
    called = set(re.findall(r"(?<![\w.])([a-z_][a-z0-9_]*)\(", code))
    called -= {"load"}
    missing = sorted(c for c in called if c not in loaded and c not in BUILTINS)
    return ["%s: calls %s without a load" % (path, c) for c in missing]


def main(paths):
    if not paths:
        out = subprocess.run(
            ["git", "ls-files", "*BUILD.bazel", "BUILD.bazel"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        paths = sorted(set(out.split()))
    problems = []
    for path in paths:
        with open(path) as f:
            text = f.read()
        problems += list_problems(path, text) + load_problems(path, text)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Writes the "mutations (last run)" column of docs/hazards.md.

Usage: testing/mutation/run.sh | tee run.log; testing/mutation/hazard_column.py run.log

For each hazard ID: its seeded bugs from manifest.txt and the result each
had in the given run (killed by a test, killed at compile time, survived,
broken, or not run). Rerun after changing the manifest or the tests.
"""
import pathlib
import re
import sys

here = pathlib.Path(__file__).resolve().parent
root = here.parent.parent
table = root / "docs" / "hazards.md"
COLUMN = "mutations (last run)"


def manifest():
    by_id = {}
    for line in (here / "manifest.txt").read_text().splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) < 4:
            continue
        hazard, patch, kind = words[:3]
        name = patch.removesuffix(".patch").split("-", 1)[1] + ("@ktest" if kind == "ktest" else "")
        entries = by_id.setdefault(hazard, [])
        if (name, kind) not in entries:
            entries.append((name, kind))
    return by_id


def results(log):
    found = {}
    pattern = re.compile(r"^(KILLED|SURVIVED|BROKEN) (\S+) (\S+) \((.*)\)")
    for line in pathlib.Path(log).read_text().splitlines():
        m = pattern.match(line)
        if m:
            verdict, hazard, name, how = m.groups()
            found.setdefault((hazard, name), []).append((verdict, how))
    return found


def cell(hazard, by_id, found):
    parts = []
    for name, kind in by_id.get(hazard, []):
        runs = found.get((hazard, name), [])
        result = runs[-1][0].lower() if runs else "not run"
        if result == "killed" and kind == "compile":
            result = "killed at compile time"
        elif result == "killed" and any("TSan" in how for _, how in runs):
            result = "killed (TSan)"
        label = f"`{name}`"
        parts.append(f"{label}: {result}")
    return "; ".join(parts) if parts else "—"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    by_id, found = manifest(), results(sys.argv[1])
    out = []
    for line in table.read_text().splitlines():
        if not line.startswith("|"):
            out.append(line)
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        has_column = len(cells) == 6
        if cells[0] == "ID":
            new = COLUMN
        elif set(cells[0]) <= set("-"):
            new = "---"
        else:
            new = cell(cells[0], by_id, found)
        if has_column:
            cells[4] = new
        else:
            cells.insert(4, new)
        out.append("| " + " | ".join(cells) + " |")
    table.write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main()

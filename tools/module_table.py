#!/usr/bin/env python3
"""Write the "where does X live" table of `docs/design.md`: every module of pipeline/, floor by floor, in one line.

The floors are the architecture's data (`FLOORS`, lowest first): `tests/test_layers.py` checks that no module
imports one on a higher floor; this tool lists each module under its floor with the first line of its own
docstring, so the design page cannot drift from the code. A module without a one-line summary (its docstring's
first paragraph on one line, at most 120 characters) is an error.

Usage::

    .venv/bin/python tools/module_table.py           # rewrite the table in docs/design.md
    .venv/bin/python tools/module_table.py --check   # exit 1 if the table is out of date
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"
DESIGN = ROOT / "docs" / "design.md"
BEGIN, END = "<!-- modules:begin -->", "<!-- modules:end -->"
LIMIT = 120

# Lowest first: (floor, what it holds, module prefixes). A module may import modules on its own floor or below.
# "pipeline" stands for the package's __init__ only; every other module is placed here on purpose.
FLOORS: list[tuple[str, str, list[str]]] = [
    (
        "ground",
        "shared by everything, imports nothing above it",
        [
            "pipeline",
            "pipeline.errors",
            "pipeline.findings",
            "pipeline.words",
            "pipeline.formatting",
            "pipeline.strokes",
            "pipeline.fsutil",
            "pipeline.paths",
            "pipeline.model",
            "pipeline.profile",
            "pipeline.docxzip",
            "pipeline.starter",
            "pipeline.idnumber",
            "pipeline.unitrecord",
            "pipeline.procs",
            "pipeline.safetext",
        ],
    ),
    (
        "record",
        "reading a record and checking its form",
        ["pipeline.records", "pipeline.schema", "pipeline.suggest", "pipeline.sheets", "pipeline.importer"],
    ),
    (
        "election",
        "the tally and the counts: pure functions of record and profile",
        ["pipeline.outcome", "pipeline.stats", "pipeline.gongtui"],
    ),
    ("rules", "the legal checks, given outcome and statistics", ["pipeline.rules"]),
    ("spine", "the only way to an evaluated election", ["pipeline.check"]),
    ("documents", "what documents an election has, and their ready values", ["pipeline.documents"]),
    ("render", "writing .docx files from templates", ["pipeline.render", "pipeline.tablefit"]),
    ("batch", "many units at once, and the typed report", ["pipeline.batch", "pipeline.aggregate"]),
    (
        "archive",
        "the archival package and its verification",
        ["pipeline.archive", "pipeline.pdf", "pipeline.sm3", "pipeline.layoutcheck"],
    ),
    ("print", "printable output of a render: PDFs, 合订 bundles, the 打印清单", ["pipeline.printing"]),
    (
        "face",
        "the command line and the web page: parse, call the core, print or render pages, exit codes",
        ["pipeline.cli", "pipeline.web"],
    ),
]


class TableError(RuntimeError):
    """A module that cannot be listed (no floor, no one-line summary)."""


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Module name → file, for every .py file of `package`."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def floor_of(module: str) -> int | None:
    """The index in FLOORS of the longest prefix that covers `module` (None: on no floor)."""
    best, floor = -1, None
    for index, (_, _, prefixes) in enumerate(FLOORS):
        for prefix in prefixes:
            covers = module == prefix or (prefix != "pipeline" and module.startswith(prefix + "."))
            if covers and len(prefix) > best:
                best, floor = len(prefix), index
    return floor


def summary_line(path: Path) -> str:
    """The first paragraph of the module's docstring, which must be one line of at most LIMIT characters."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    first = (doc or "").split("\n\n")[0]
    if not first.strip():
        raise TableError(f"{path.relative_to(ROOT)}: no docstring")
    if "\n" in first or len(first) > LIMIT:
        raise TableError(f"{path.relative_to(ROOT)}: the docstring's first paragraph is not one line of ≤ {LIMIT}")
    return first.strip()


def table() -> str:
    found = modules()
    rows: dict[int, list[str]] = {i: [] for i in range(len(FLOORS))}
    for name, path in found.items():
        floor = floor_of(name)
        if floor is None:
            raise TableError(f"{name} is on no floor: add it to FLOORS in tools/module_table.py")
        shown = path.relative_to(ROOT).as_posix()
        line = summary_line(path).replace("|", "\\|")
        rows[floor].append(f"| `{shown}` | {line} |")
    lines = []
    for index, (floor, what, _) in enumerate(FLOORS):
        lines += ["", f"**{index + 1}. {floor}**: {what}.", "", "| module | what it is |", "|---|---|", *rows[index]]
    return "\n".join(lines[1:])


def rewrite(text: str) -> str:
    if BEGIN not in text or END not in text:
        raise TableError(f"{DESIGN.relative_to(ROOT)} lacks the markers {BEGIN} … {END}")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/design.md is out of date")
    args = parser.parse_args(argv)
    try:
        text = DESIGN.read_text(encoding="utf-8")
        new = rewrite(text)
    except (OSError, TableError) as exc:
        print(f"module_table: {exc}", file=sys.stderr)
        return 1
    if args.check:
        if new != text:
            print(
                "docs/design.md 的模块表与代码不一致；请运行 .venv/bin/python tools/module_table.py。"
                " (docs/design.md is out of date: run tools/module_table.py)",
                file=sys.stderr,
            )
            return 1
        return 0
    DESIGN.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The import layers of pipeline/: nothing imports a module on a higher floor, there is no import circle, and only
the CLI imports click (docs/design.md, "The floors").

Imports are read from the source with `ast` (lazy imports inside functions included; imports under
``if TYPE_CHECKING:`` are not run and are left out). A module belongs to the floor of the longest prefix listed in
FLOORS (tools/module_table.py, which also writes the module table of docs/design.md); a module of pipeline/ that
no prefix covers fails the test, so a new module is placed on purpose.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from module_table import FLOORS  # noqa: E402  (the floors are the architecture's data, kept there)
from module_table import floor_of as _floor_index  # noqa: E402
from module_table import modules as _modules  # noqa: E402

MODULES = _modules()


def floor_of(module: str) -> int:
    floor = _floor_index(module)
    assert floor is not None, f"{module} is on no floor: add it to FLOORS in tools/module_table.py"
    return floor


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST):
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def imports_of(module: str, modules: dict[str, Path] = MODULES) -> set[str]:
    """The modules of pipeline/ (and top-level third-party names) that `module` imports at run time."""
    path = modules[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in modules else target)
    return out


def _internal(names: set[str], modules: dict[str, Path] = MODULES) -> set[str]:
    return {n for n in names if n in modules}


def upward_imports(modules: dict[str, Path]) -> list[str]:
    found = []
    for module in modules:
        mine = floor_of(module)
        for target in _internal(imports_of(module, modules), modules):
            if floor_of(target) > mine:
                found.append(f"{module} ({FLOORS[mine][0]}) -> {target} ({FLOORS[floor_of(target)][0]})")
    return sorted(found)


def circles_of(modules: dict[str, Path]) -> list[list[str]]:
    graph = {m: _internal(imports_of(m, modules), modules) - {m} for m in modules}
    # A package's __init__ re-exporting its own submodules is not a circle of concepts; leave those edges out.
    for module, targets in graph.items():
        if modules[module].name == "__init__.py":
            graph[module] = {t for t in targets if not t.startswith(module + ".")}
    circles: list[list[str]] = []
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        trail.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(trail[trail.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        trail.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return circles


def click_users(modules: dict[str, Path]) -> list[str]:
    return sorted(
        m
        for m in modules
        if not (m == "pipeline.cli" or m.startswith("pipeline.cli."))
        and any(name == "click" or name.startswith("click.") for name in imports_of(m, modules))
    )


def test_every_module_is_on_a_floor():
    assert len(MODULES) > 20
    for module in MODULES:
        floor_of(module)


def test_nothing_imports_upward():
    upward = upward_imports(MODULES)
    assert not upward, "\n".join(upward)


def test_no_import_circle():
    circles = circles_of(MODULES)
    assert not circles, "\n".join(" -> ".join(c) for c in circles)


def test_only_the_cli_imports_click():
    users = click_users(MODULES)
    assert not users, users


def test_the_checks_catch_what_they_guard_against(tmp_path):
    """On a small made-up package: an upward import, a circle and click outside the CLI are all found."""
    package = tmp_path / "pipeline"
    files = {
        "__init__.py": "",
        "findings.py": "from .cli import commands\n",  # ground -> face: upward
        "outcome.py": "from . import stats\n",
        "stats.py": "def f():\n    from . import outcome\n",  # a lazy import closing a circle
        "render.py": "import click\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import cli\n",
        "cli/__init__.py": "",
        "cli/commands.py": "import click\nfrom .. import render\n",
    }
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    modules = _modules(package)
    assert upward_imports(modules) == ["pipeline.findings (ground) -> pipeline.cli.commands (face)"]
    assert circles_of(modules) == [["pipeline.outcome", "pipeline.stats", "pipeline.outcome"]]
    assert click_users(modules) == ["pipeline.render"]

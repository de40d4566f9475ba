"""The command-line package: importing it changes nothing, only it imports click, exit codes come from the data."""

from __future__ import annotations

import ast
import subprocess
import sys

from conftest import ROOT

from pipeline.check import CheckResult
from pipeline.cli.commands import check_exit_code
from pipeline.findings import Finding, Severity

PROBE = """
import click.core, click.exceptions
before = (click.core._, click.exceptions.MissingParameter.format_message)
import pipeline.cli
assert (click.core._, click.exceptions.MissingParameter.format_message) == before, "import patched click"
from click.testing import CliRunner
run = CliRunner().invoke(pipeline.cli.main, ["--help"], prog_name="huanjie")
assert run.output.startswith("用法： huanjie"), run.output
assert click.core._ is not before[0]
print("ok")
"""


def test_importing_the_cli_does_not_patch_click_but_running_it_does():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_only_the_cli_package_imports_click():
    package = ROOT / "pipeline"
    users = sorted(
        str(path.relative_to(ROOT))
        for path in package.rglob("*.py")
        if any(name == "click" or name.startswith("click.") for name in _imports(path))
    )
    assert users and all(user.startswith("pipeline/cli/") for user in users), users


def test_core_modules_do_not_import_the_text_of_the_cli():
    for module in ("outcome.py", "stats.py"):
        imported = _imports(ROOT / "pipeline" / module)
        assert not any(name.startswith("pipeline.cli") for name in imported)
        source = (ROOT / "pipeline" / module).read_text(encoding="utf-8")
        assert "render_text" not in source and "summary_lines" not in source


def test_check_exit_codes():
    warning = CheckResult("a.yaml", None, [Finding("W", Severity.WARNING, "注意")])
    info = CheckResult("b.yaml", None, [Finding("I", Severity.INFO, "提示")])
    error = CheckResult("c.yaml", None, [Finding("E", Severity.ERROR, "错")])
    unreadable = CheckResult("d.yaml", None, [Finding("U", Severity.ERROR, "读不了", unreadable=True)])
    assert check_exit_code([warning, info]) == 0
    assert check_exit_code([warning], strict=True) == 1
    assert check_exit_code([info], strict=True) == 0
    assert check_exit_code([]) == 0
    assert check_exit_code([warning, error]) == 1
    assert check_exit_code([error, unreadable]) == 2
    assert check_exit_code([]) == 0

"""docs/design.md: its module table is the code's (every module, on its floor, with its one-line docstring)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))

import module_table  # noqa: E402

DESIGN = ROOT / "docs" / "design.md"


def test_module_table_is_in_step_with_the_code():
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "module_table.py"), "--check"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr


def test_every_module_is_listed_with_its_own_first_line():
    text = DESIGN.read_text(encoding="utf-8")
    for name, path in module_table.modules().items():
        row = f"| `{path.relative_to(ROOT).as_posix()}` | {module_table.summary_line(path)}"
        assert row.replace("|", "\\|", 0) in text.replace("\\|", "|") or row in text, name


def test_a_module_without_a_one_line_summary_is_refused(tmp_path):
    long = tmp_path / "long.py"
    long.write_text('"""A summary that goes on\nto a second line."""\n', encoding="utf-8")
    none = tmp_path / "none.py"
    none.write_text("x = 1\n", encoding="utf-8")
    module_table.ROOT = tmp_path  # paths in the messages are relative to it
    try:
        for path in (long, none):
            try:
                module_table.summary_line(path)
            except module_table.TableError as exc:
                assert path.name in str(exc)
            else:
                raise AssertionError(f"{path.name} was accepted")
    finally:
        module_table.ROOT = ROOT


def test_the_stale_table_is_caught(tmp_path, monkeypatch):
    stale = tmp_path / "design.md"
    stale.write_text(DESIGN.read_text(encoding="utf-8").replace("| `pipeline/check.py` |", "| `pipeline/x.py` |"))
    monkeypatch.setattr(module_table, "DESIGN", stale)
    assert module_table.main(["--check"]) == 1
    assert module_table.main([]) == 0 and module_table.main(["--check"]) == 0


def test_readme_links_the_design_page():
    assert "docs/design.md" in (ROOT / "README.md").read_text(encoding="utf-8")

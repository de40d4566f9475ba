"""Shared helpers: where the test data lives, and running `huanjie` in-process."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from pipeline import words
from pipeline.cli import main

# Fuzzing: quick by default; `pytest --hypothesis-profile=fuzz` for a long run. No example
# database is written into the working tree.
settings.register_profile(
    "quick", max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("fuzz", parent=settings.get_profile("quick"), max_examples=5000)
settings.load_profile("quick")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
BAD = Path(__file__).resolve().parent / "data" / "bad"

# The election kinds and their Chinese aliases, from the one table the program uses (pinned in test_words.py).
KINDS = list(words.KIND_NAMES)
ALIASES = dict(words.KIND_ALIASES)

# One human-readable finding line: `路径:行:列  错误  ID  说明`.
HUMAN_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+)  (?P<severity>错误|警告|提示)  "
    r"(?P<id>[A-Z][A-Z0-9-]+)  (?P<message>\S.*)$"
)
# The same without a place (the file as a whole could not be read).
HUMAN_LINE_NO_PLACE = re.compile(
    r"^(?P<file>[^:]+?)  (?P<severity>错误|警告|提示)  "
    r"(?P<id>[A-Z][A-Z0-9-]+)  (?P<message>\S.*)$"
)


@dataclass
class Run:
    """What one `huanjie` invocation produced."""

    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cli(*args: str) -> Run:
    """Run `huanjie ARGS` in-process; fail the test on any uncaught exception."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=True, prog_name="huanjie")
    run = Run(result.exit_code, result.stdout, result.stderr, result.exception)
    if run.exception is not None and not isinstance(run.exception, SystemExit):
        raise AssertionError(f"huanjie {' '.join(args)} raised {run.exception!r}\n{run.output}") from run.exception
    assert "Traceback" not in run.output
    return run


@pytest.fixture(autouse=True)
def _layout_check_default(request, monkeypatch):
    """`huanjie render` converts and checks every document by default; tests that only read the .docx run without
    it (a test marked `layout_default`, and any test passing --check-layout, still checks)."""
    if request.node.get_closest_marker("layout_default") is None:
        from pipeline import layoutcheck

        monkeypatch.setattr(layoutcheck, "RENDER_DEFAULT", False)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def write(tmp_path):
    """write(name, text) -> path of a UTF-8 file in tmp_path."""

    def _write(name: str, text: str) -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return _write


def finding_lines(output: str) -> list[str]:
    """The finding lines of human output (everything but the summary line)."""
    return [line for line in output.splitlines() if line and not line.startswith("共检查")]

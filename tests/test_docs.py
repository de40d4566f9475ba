"""The generated command reference docs/cli.md: in step with the commands' --help, complete, linked from the README."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT

from pipeline.cli import main

TOOL = ROOT / "tools" / "cli_docs.py"
DOCS = ROOT / "docs" / "cli.md"
README = ROOT / "README.md"


def _tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(TOOL), *args], capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=120
    )


def test_cli_docs_are_in_step_with_the_help():
    run = _tool("--check")
    assert run.returncode == 0, run.stderr


def test_check_mode_reports_a_stale_file(tmp_path):
    stale = tmp_path / "cli.md"
    stale.write_text(DOCS.read_text(encoding="utf-8").replace("用法", "Usage", 1), encoding="utf-8")
    run = _tool("--check", "--output", str(stale))
    assert run.returncode == 1
    assert "cli.md 不是最新的" in run.stderr and "out of date" in run.stderr
    missing = _tool("--check", "--output", str(tmp_path / "absent.md"))
    assert missing.returncode == 1


def test_the_tool_writes_what_the_check_expects(tmp_path):
    target = tmp_path / "docs" / "cli.md"
    written = _tool("--output", str(target))
    assert written.returncode == 0, written.stderr
    assert target.read_text(encoding="utf-8") == DOCS.read_text(encoding="utf-8")
    assert _tool("--check", "--output", str(target)).returncode == 0


@pytest.mark.parametrize("name", list(main.commands))
def test_every_command_has_help_and_a_section(name):
    command = main.commands[name]
    assert (command.help or "").strip(), f"huanjie {name} has no help text"
    text = DOCS.read_text(encoding="utf-8")
    section = re.search(rf"^## huanjie {name}\n\n```text\n(.*?)\n```$", text, flags=re.M | re.S)
    assert section, f"docs/cli.md has no section for huanjie {name}"
    body = section.group(1)
    assert body.startswith(f"用法： huanjie {name} [选项]")
    assert command.help.strip().splitlines()[0][:20] in body
    for param in command.params:
        for opt in param.opts if param.param_type_name == "option" else []:
            assert opt in body, f"docs/cli.md does not mention {opt} of huanjie {name}"


def test_the_group_has_a_section_listing_every_command():
    text = DOCS.read_text(encoding="utf-8")
    section = re.search(r"^## huanjie\n\n```text\n(.*?)\n```$", text, flags=re.M | re.S)
    assert section
    listed = re.findall(r"^  (\w+) ", section.group(1).split("命令")[-1], flags=re.M)
    assert listed == sorted(main.commands)


def test_readme_links_to_the_command_reference():
    readme = README.read_text(encoding="utf-8")
    commands = readme.split("\n## 命令\n", 1)[1].split("\n## ", 1)[0]
    assert "](docs/cli.md)" in commands

"""An installed wheel (not only the editable checkout) carries everything the program reads at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import ROOT


def test_wheel_holds_packages_templates_schema_and_profiles(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(tmp_path.glob("huanjie-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "pipeline/cli/__init__.py",
        "pipeline/cli/commands.py",
        "pipeline/documents/notices.py",
        "pipeline/rules/surplus.py",
        "pipeline/schemas/election-record.schema.json",
        "pipeline/templates/fonts.conf",
        "pipeline/profiles/village_committee-2025.yaml",
        "pipeline/profiles/provinces/sichuan.yaml",
        "pipeline/starters/deputy.yaml",
        "pipeline/data/strokes.tsv",
        "pipeline/rules/catalogue.yaml",
    }
    assert expected <= names, sorted(expected - names)
    templates = {p.name for p in (ROOT / "templates").glob("*.docx")}
    assert {f"pipeline/templates/{t}" for t in templates} <= names

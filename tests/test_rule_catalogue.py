"""The catalogue of finding ids (`pipeline/rules/catalogue.yaml`) against the code and the README.

The ids the code can emit are found by walking the syntax tree of every module of `pipeline/`
that uses `Severity` (the modules that create findings) and taking each string constant shaped
like an id (`DEADLINE-VOTER-LIST`). That the scan sees every id rests on ids never being built
from pieces (f-strings, concatenation), which is checked at every place a finding is created.
The scan's result was reviewed by hand: every constant it finds is an id.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from pipeline import check as checking
from pipeline.findings import Severity
from pipeline.rules.profile import base_profiles, provinces

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"
CATALOGUE = PACKAGE / "rules" / "catalogue.yaml"
TOOL = ROOT / "tools" / "rule_table.py"

ID_SHAPE = re.compile(r"^[A-Z]+(-[A-Z0-9]+)+$")
ARTICLE = re.compile(r"第[〇零一二三四五六七八九十百千]+条")
LABELS = {s.name: s.label for s in Severity}  # ERROR -> 错误
VALID_SEVERITIES = set(LABELS.values())
# Articles a source names that come from outside the profiles (the way a window is counted).
OUTSIDE_PROFILES = {"第二百零一条"}  # 民法典第二百零一条


def catalogue() -> list[dict]:
    return yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))


def by_id() -> dict[str, dict]:
    return {entry["id"]: entry for entry in catalogue()}


def severities(entry: dict) -> set[str]:
    value = entry["severity"]
    return {value} if isinstance(value, str) else set(value)


# ---------------------------------------------------------------- scanning the code


def finding_modules() -> list[Path]:
    """Modules of pipeline/ that use Severity, i.e. that can create findings."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.Name) and node.id == "Severity" for node in ast.walk(tree)):
            out.append(path)
    return out


def id_constants() -> dict[str, list[str]]:
    """Id-shaped string constants of the finding modules -> where they stand."""
    found: dict[str, list[str]] = {}
    for path in finding_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and ID_SHAPE.match(node.value):
                found.setdefault(node.value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


@dataclass
class Site:
    """One place a finding is created: its id and severity expressions."""

    where: str
    id: ast.expr | None
    severity: ast.expr | None
    implicit: str | None = None  # the severity a helper always uses


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[position] if len(call.args) > position else None


def finding_sites() -> list[Site]:
    """Every call that creates a finding, with its id and severity arguments.

    `Finding(id=..., severity=...)`, `record.finding(id, severity, ...)`, the loader's
    `self.error(id, ...)` and `_file_finding(file, id, ...)` (both always 错误).
    """
    sites = []
    for path in finding_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            func = node.func
            if isinstance(func, ast.Name) and func.id == "Finding":
                sites.append(Site(where, _argument(node, 0, "id"), _argument(node, 1, "severity")))
            elif isinstance(func, ast.Name) and func.id == "_file_finding":
                sites.append(Site(where, _argument(node, 1, "id"), None, implicit="ERROR"))
            elif isinstance(func, ast.Attribute) and func.attr == "finding":
                sites.append(Site(where, _argument(node, 0, "id"), _argument(node, 1, "severity")))
            elif (
                isinstance(func, ast.Attribute)
                and func.attr == "error"
                and isinstance(func.value, ast.Name)
                and func.value.id == "self"
                and path.name == "records.py"
            ):
                sites.append(Site(where, _argument(node, 0, "id"), None, implicit="ERROR"))
    return sites


def _severity_name(site: Site) -> str | None:
    """ERROR / WARNING / INFO when the site's severity is written out, else None."""
    if site.implicit:
        return site.implicit
    node = site.severity
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "Severity"
        and node.attr in LABELS
    ):
        return node.attr
    return None


# ---------------------------------------------------------------- the code and the catalogue agree


def test_scan_finds_the_finding_modules():
    names = {str(p.relative_to(PACKAGE)) for p in finding_modules()}
    expected = {"records.py", "schema.py", "check.py", "rules/names.py"} | {
        f"rules/{m}.py"
        for m in ("deadlines", "surplus", "composition", "proxies", "ballots", "turnout", "completeness", "reported")
    }
    assert expected <= names


def test_every_id_in_the_code_is_in_the_catalogue():
    missing = {rule_id: places for rule_id, places in id_constants().items() if rule_id not in by_id()}
    assert missing == {}


def test_every_catalogue_id_is_in_the_code():
    code = id_constants()
    assert [entry["id"] for entry in catalogue() if entry["id"] not in code] == []


def test_ids_are_never_built_from_pieces():
    sites = finding_sites()
    assert len(sites) > 80  # the walk does find the places findings are made
    built = [
        site.where
        for site in sites
        if site.id is None
        or isinstance(site.id, (ast.JoinedStr, ast.BinOp))
        or (
            isinstance(site.id, ast.Call)
            and isinstance(site.id.func, ast.Attribute)
            and site.id.func.attr in ("format", "join", "upper")
        )
    ]
    assert built == []


def test_written_out_severities_are_in_the_catalogue():
    """Each finding made with a literal id and a literal severity lists that severity."""
    entries = by_id()
    wrong = []
    for site in finding_sites():
        name = _severity_name(site)
        if name is None or not (isinstance(site.id, ast.Constant) and isinstance(site.id.value, str)):
            continue
        if LABELS[name] not in severities(entries[site.id.value]):
            wrong.append((site.where, site.id.value, LABELS[name]))
    assert wrong == []


def test_catalogue_severities_are_emitted():
    """A severity listed for an id made only with literal severities is one the code uses."""
    entries = by_id()
    literal: dict[str, set[str]] = {}
    dynamic: set[str] = set()
    for site in finding_sites():
        if not (isinstance(site.id, ast.Constant) and isinstance(site.id.value, str)):
            continue
        name = _severity_name(site)
        if name is None:
            dynamic.add(site.id.value)
        else:
            literal.setdefault(site.id.value, set()).add(LABELS[name])
    extra = {
        rule_id: severities(entry) - literal[rule_id]
        for rule_id, entry in entries.items()
        if rule_id in literal and rule_id not in dynamic and severities(entry) - literal[rule_id]
    }
    assert extra == {}


def test_schema_other_is_only_a_safety_net():
    """Every validation keyword the record schema uses has its own SCHEMA-* id."""
    from pipeline.schema import _IDS, load_schema

    # Applicators: their errors are the errors of the subschemas they apply (if/then/else: a voter is a name or
    # an object), each with its own keyword.
    annotations = {
        "$schema",
        "$id",
        "$defs",
        "$ref",
        "title",
        "description",
        "properties",
        "items",
        "if",
        "then",
        "else",
    }
    used: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                used.add(key)
                if key in ("properties", "$defs"):
                    for child in value.values():
                        walk(child)
                elif isinstance(value, (dict, list)) and key not in ("enum", "required"):
                    walk(value)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(load_schema())
    assert used - annotations - set(_IDS) == set()


# ---------------------------------------------------------------- the catalogue itself


def test_catalogue_entries_are_complete_and_unique():
    entries = catalogue()
    ids = [entry["id"] for entry in entries]
    assert len(ids) == len(set(ids))
    for entry in entries:
        assert ID_SHAPE.match(entry["id"]), entry
        assert set(entry) <= {"id", "severity", "what", "source", "profile_key", "profiles", "waivable"}, entry
        assert entry.get("waivable", False) in (True, False), entry["id"]
        for key in ("what", "source"):
            assert isinstance(entry[key], str) and entry[key].strip(), (entry["id"], key)
        assert entry["what"].endswith("。") and entry["what"].count("。") == 1, entry["id"]


def test_catalogue_severities_are_valid():
    for entry in catalogue():
        value = entry["severity"]
        listed = [value] if isinstance(value, str) else value
        assert listed, entry["id"]
        assert len(listed) == len(set(listed)), entry["id"]
        assert set(listed) <= VALID_SEVERITIES, entry["id"]


def _section(profile: dict, key: str):
    node = profile
    for part in key.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _articles(text: str) -> set[str]:
    return set(ARTICLE.findall(text or ""))


@pytest.mark.parametrize("entry", [e for e in catalogue() if e.get("profile_key")], ids=lambda e: e["id"])
def test_sources_follow_the_profiles(entry):
    """The 第…条 articles of a rule's profile section appear in its source, and no others."""
    key = entry["profile_key"]
    bases = base_profiles()
    names = entry.get("profiles")
    if names is None:
        names = [pid for pid, profile in bases.items() if _section(profile, key)]
    assert set(names) <= set(bases), names
    for pid in names:
        spec = _section(bases[pid], key)
        assert spec, (pid, key)
        for article in _articles(spec.get("article")):
            assert article in entry["source"], (pid, article)
    known = {
        article for profile in bases.values() for article in _articles((_section(profile, key) or {}).get("article"))
    }
    for overrides in provinces().values():
        for profile in overrides.values():
            known |= _articles((_section(profile, key) or {}).get("article"))
    assert _articles(entry["source"]) - known - OUTSIDE_PROFILES == set()


def test_format_checks_cite_nothing():
    for entry in catalogue():
        if entry["id"].split("-")[0] in ("FILE", "YAML", "RECORD", "SCHEMA", "PROFILE"):
            assert entry["source"] == "—", entry["id"]


# ---------------------------------------------------------------- what the program really emits


def _emitted_files() -> list[Path]:
    return sorted((ROOT / "samples").glob("*.yaml")) + sorted((ROOT / "tests" / "data" / "bad").iterdir())


def test_findings_of_the_samples_and_bad_files_are_catalogued(tmp_path):
    entries = by_id()
    files = [str(p) for p in _emitted_files()] + [str(tmp_path / "missing.yaml"), str(tmp_path)]
    seen = []
    for result in checking.check_files(files):
        for finding in result.findings:
            seen.append(finding.id)
            assert finding.id in entries, finding
            assert finding.severity.label in severities(entries[finding.id]), finding
    assert len(set(seen)) > 10


# ---------------------------------------------------------------- the README


def test_readme_table_is_up_to_date():
    run = subprocess.run([sys.executable, str(TOOL), "--check"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr


def test_readme_lists_every_id_once():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- rule-ids:begin -->")[1].split("<!-- rule-ids:end -->")[0]
    assert "### 检查编号一览" in block
    assert "| 编号 | 严重程度 | 检查内容 | 依据 |" in block
    for entry in catalogue():
        assert block.count(f"| `{entry['id']}` |") == 1, entry["id"]


def test_check_mode_reports_a_stale_readme(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n<!-- rule-ids:begin -->\n<!-- rule-ids:end -->\n\n尾部\n", encoding="utf-8")
    stale = subprocess.run(
        [sys.executable, str(TOOL), "--check", "--readme", str(readme)], capture_output=True, text=True
    )
    assert stale.returncode == 1
    written = subprocess.run([sys.executable, str(TOOL), "--readme", str(readme)], capture_output=True, text=True)
    assert written.returncode == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# x\n\n<!-- rule-ids:begin -->\n### 检查编号一览\n")
    assert text.endswith("\n<!-- rule-ids:end -->\n\n尾部\n")
    fresh = subprocess.run(
        [sys.executable, str(TOOL), "--check", "--readme", str(readme)], capture_output=True, text=True
    )
    assert fresh.returncode == 0

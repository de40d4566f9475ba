"""The sample records and every starter record pass the check."""

from __future__ import annotations

import pytest
import yaml
from conftest import ALIASES, KINDS, SAMPLES, finding_lines, run_cli

from pipeline import check, records, starter
from pipeline.findings import Severity

SAMPLE_FILES = sorted(SAMPLES.glob("*.yaml"))


def test_there_are_samples_of_every_kind():
    assert len(SAMPLE_FILES) >= 5
    kinds = {yaml.safe_load(path.read_text(encoding="utf-8"))["kind"] for path in SAMPLE_FILES}
    assert kinds == set(KINDS)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_passes(path):
    result = check.check_file(str(path))
    # The one sample of a void vote carries the note that it was re-run (RERUN-HELD), nothing else.
    expected = ["RERUN-HELD"] if path.name == "village-shiqiao-rerun.yaml" else []
    assert [f.id for f in result.findings] == expected
    assert result.ok
    assert result.record.data["kind"] in KINDS


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_reads_as_plain_yaml_would(path):
    """Our event-stream reader agrees with PyYAML's own safe loader (dates aside, which stay text)."""
    record, findings = records.load(str(path))
    assert findings == []

    class NoDates(yaml.SafeLoader):
        pass

    NoDates.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith(":timestamp")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    assert record.data == yaml.load(path.read_text(encoding="utf-8"), Loader=NoDates)


def test_check_top_level_samples():
    # samples/county/ holds units with deliberate errors; it has its own tests.
    run = run_cli("check", *map(str, SAMPLE_FILES))
    assert run.exit_code == 0
    # The only finding is the note of the sample whose void vote was re-run; the summary line then goes to stderr.
    (note, basis) = finding_lines(run.stdout)
    assert note.startswith(f"{SAMPLES / 'village-shiqiao-rerun.yaml'}:60:19  提示  RERUN-HELD  第 1 轮（首次选举）")
    assert basis == "    依据：《中华人民共和国村民委员会组织法》（2025年修正）第十八条"
    assert run.stderr == f"共检查 {len(SAMPLE_FILES)} 个文件，{len(SAMPLE_FILES)} 个通过；错误 0 个，警告 0 个。\n"


@pytest.mark.parametrize("kind", KINDS + list(ALIASES))
def test_new_starter_passes_check(tmp_path, kind):
    target = tmp_path / f"{kind}.yaml"
    run = run_cli("new", kind, "-o", str(target))
    assert run.exit_code == 0
    identifier = ALIASES.get(kind, kind)
    text = target.read_text(encoding="utf-8")
    assert text == starter.starter_text(identifier)
    assert f"\nkind: {identifier}" in text
    result = check.check_file(str(target))
    # issue 11 item 12: the starter still passes (no error), but what is still a sample is flagged to fill
    placeholders = [f for f in result.findings if f.id == "PLACEHOLDER-TEXT"]
    assert placeholders and all(f.severity is Severity.WARNING for f in placeholders)
    assert {f.id for f in result.findings} == {"PLACEHOLDER-TEXT", "PLACEHOLDER-FIGURE"}
    assert result.ok and result.record.data["kind"] == identifier
    check_run = run_cli("check", str(target))
    assert check_run.exit_code == 0
    assert check_run.stderr == f"共检查 1 个文件，1 个通过；错误 0 个，警告 {len(placeholders)} 个。\n"
    assert check_run.stdout.count("警告  PLACEHOLDER-TEXT  ") == len(placeholders)


@pytest.mark.parametrize("kind", KINDS)
def test_starter_explains_itself_in_chinese(kind):
    text = starter.starter_text(kind)
    assert text.startswith("# ")
    first = text.splitlines()[0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in first)
    assert "huanjie check" in text


def test_resolve_kind():
    assert starter.resolve_kind(" 村委会 ") == "village_committee"
    assert starter.resolve_kind("deputy") == "deputy"
    for alias, kind in ALIASES.items():
        assert starter.resolve_kind(alias) == kind
    with pytest.raises(starter.UnknownKind):
        starter.resolve_kind("村")

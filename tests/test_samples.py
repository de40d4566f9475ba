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


@pytest.mark.parametrize("alias", sorted(starter.VARIANT_ALIASES))
def test_the_gongtui_starter_passes_check_with_only_placeholders_and_renders(tmp_path, alias):
    # Issue 14: a 党支部 electing by 公推直选 starts from a starter with the `gongtui` steps in their order.
    target = tmp_path / "公推直选.yaml"
    run = run_cli("new", alias, "-o", str(target))
    assert run.exit_code == 0, run.stderr
    assert run.stdout == f"已生成 {target}（党支部委员会公推直选记录样板）。修改后运行：huanjie check {target}\n"
    text = target.read_text(encoding="utf-8")
    assert text == starter.starter_text("party_branch-gongtui") and "\nkind: party_branch" in text
    assert "\ngongtui:\n" in text and "#   1. 公开推荐大会（gongtui.recommendation）" in text
    assert starter.resolve_kind(alias) == "party_branch"
    result = check.check_file(str(target))
    assert result.ok
    assert {f.id for f in result.findings} == {"PLACEHOLDER-TEXT", "PLACEHOLDER-FIGURE"}
    # The 公推直选 part is compared with its own starter: the 请示's 主送机关 is still the sample's.
    gongtui = [f for f in result.findings if f.path == "gongtui.request.to"]
    assert [f.message for f in gongtui] == [
        "公推直选（gongtui）中仍是样板（huanjie new）的示例内容：request.to “中共某某街道工作委员会”。"
        "这些内容会印在公告、证书等文书上，请改为实际的名称和姓名。"
    ]
    out = tmp_path / "out"
    rendered = run_cli("render", str(target), "-o", str(out), "--no-check-layout")
    assert rendered.exit_code == 0, rendered.stdout + rendered.stderr
    assert (out / "02-选民名单公告.docx").is_file()
    # Nothing of 公推直选 is made before the 推荐 stage is filled in, and nothing waits for it either.
    assert "跳过 公推推荐结果" not in rendered.stdout + rendered.stderr
    assert not list(out.glob("5[1-5]-*.docx"))


def test_the_unknown_kind_message_names_the_gongtui_starter(tmp_path):
    run = run_cli("new", "公推", "-o", str(tmp_path / "x.yaml"))
    assert run.exit_code == 2
    assert "representative（村（居）民代表）。另有样板：公推直选（党支部委员会公推直选）。" in run.stderr

"""`huanjie outcome` and `huanjie names` from the command line."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import SAMPLES, run_cli

from pipeline.cli import main


def test_outcome_prints_tally_winners_runoff_and_stats():
    run = run_cli("outcome", str(SAMPLES / "village-liulin-runoff.yaml"))
    assert run.exit_code == 0
    out = run.stdout
    # The first round: 委员 needs more than half of 2205 participants.
    assert "当选规则：得票须超过参加投票的 2205 人的半数，即至少 1103 票。" in out
    first, runoff = out.split("第2轮")
    assert "吴海涛　  1050 票　另行选举候选人" in first
    assert "尚缺 1 名，另行选举候选人：吴海涛、郑小燕。" in first
    # The 另行选举 round: at least one third of 2116 ballots.
    assert "即至少 706 票" in runoff
    assert "吴海涛　  1172 票　当选" in runoff
    assert "当选人员：主任：刘建华；副主任：王秀兰；委员：孙丽娟、周文斌、吴海涛。" in out
    assert "参选率（到会率）93.43%" in out


def test_outcome_json_has_elected_and_stats():
    run = run_cli("outcome", "--format", "json", str(SAMPLES / "deputy-hewan-district7.yaml"))
    assert run.exit_code == 0
    data = json.loads(run.stdout)
    assert data["profile"] == "deputy-2020"
    contest = data["outcome"]["contests"][0]
    assert contest["name"] == "第七选区"
    assert contest["elected"] == {"代表": ["王志刚", "李春梅"]}
    assert data["findings"] == []


def test_outcome_of_a_record_with_schema_errors_lists_them_and_exits_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: village_committee\nunit: {name: 某村}\nelectorate: {registered: -5}\n", encoding="utf-8")
    run = run_cli("outcome", str(bad))
    assert run.exit_code == 1
    assert "登记人数不能为负数，实际为 -5。" in run.stderr
    assert run.stdout == ""


def test_outcome_of_a_missing_file_exits_2(tmp_path):
    run = run_cli("outcome", str(tmp_path / "none.yaml"))
    assert run.exit_code == 2
    assert "找不到该文件" in run.stderr


def test_names_orders_by_strokes_from_stdin():
    result = CliRunner().invoke(main, ["names"], input="孔\n王\n方\n毛\n\n尹\n文\n")
    assert result.exit_code == 0
    assert result.stdout.split() == ["王", "毛", "文", "方", "尹", "孔"]


def test_names_conventions_differ_for_names_of_different_length(tmp_path):
    listing = tmp_path / "names.txt"
    listing.write_text("田大利\n田富\n", encoding="utf-8")
    assert run_cli("names", str(listing)).stdout.split() == ["田富", "田大利"]
    assert run_cli("names", "--convention", "fullname", str(listing)).stdout.split() == ["田大利", "田富"]


def test_names_warns_about_unknown_characters_on_stderr():
    result = CliRunner().invoke(main, ["names", "-"], input="王五\n𠀀一\n")
    assert result.exit_code == 0
    assert result.stdout.split() == ["王五", "𠀀一"]
    assert result.stderr.strip() == (
        "警告：笔画表中没有这些字：𠀀。含这些字的姓名已排在同位置已知字之后，请人工核对顺序。"
    )


def test_names_refuses_a_gbk_file_with_a_clear_message(tmp_path):
    listing = tmp_path / "names.txt"
    listing.write_bytes("王五\n李四\n".encode("gbk"))
    run = run_cli("names", str(listing))
    assert run.exit_code == 2
    assert "文件不是 UTF-8 编码" in run.stderr


def _liulin_with(tmp_path, documents: str, summary: str = "") -> str:
    """The 柳林村 sample with more lines under `documents:` (and under `summary:`)."""
    text = (SAMPLES / "village-liulin-runoff.yaml").read_text(encoding="utf-8")
    for section, lines in (("documents", documents), ("summary", summary)):
        assert text.count(f"\n{section}:\n") == 1
        text = text.replace(f"\n{section}:\n", f"\n{section}:\n{lines}", 1)
    path = tmp_path / "柳林村.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_outcome_percent_places_from_the_record(tmp_path):
    default = run_cli("outcome", str(SAMPLES / "village-liulin-runoff.yaml"))
    assert "参选率（到会率）93.43%" in default.stdout and "女 2 名（40.00%）" in default.stdout
    run = run_cli("outcome", _liulin_with(tmp_path, "  percent_places: 1\n"))
    assert run.exit_code == 0, run.output
    assert "参选率（到会率）93.4%。" in run.stdout
    assert "93.43%" not in run.stdout
    assert "女 2 名（40.0%）" in run.stdout and "占 80.0%" in run.stdout
    data = json.loads(run_cli("outcome", "--format", "json", _liulin_with(tmp_path, "  percent_places: 0\n")).stdout)
    assert data["stats"]["places"] == 0 and data["stats"]["turnout"] == "93%"


def test_reported_figures_are_shown_at_the_record_places(tmp_path):
    path = _liulin_with(tmp_path, "  percent_places: 1\n", "  reported: {turnout_percent: 90}\n")
    run = run_cli("check", path)
    assert "参选率应为 93.4%。" in run.stdout, run.output
    assert "STATS-REPORTED-MISMATCH" in run.stdout


def test_percent_places_out_of_range_is_a_schema_error(tmp_path):
    run = run_cli("check", _liulin_with(tmp_path, "  percent_places: 5\n"))
    assert run.exit_code == 1
    assert "SCHEMA-RANGE" in run.stdout and "百分比保留小数位数不能超过 4" in run.stdout

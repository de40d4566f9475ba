"""`huanjie render` and `huanjie templates` from the command line."""

from __future__ import annotations

import docx
from conftest import SAMPLES, run_cli

from pipeline import unitrecord
from pipeline.unitrecord import STAMP

PARTY = str(SAMPLES / "party-qinghe-branch.yaml")
VILLAGE = str(SAMPLES / "village-liulin-runoff.yaml")

BROKEN = """\
kind: residents_committee
unit: {name: 某某社区居民委员会, short_name: 某某社区}
method: household_representative
schedule: {election_day: 2026-03-18, voter_list_published: 2026-03-01}
seats: [{post: 主任, count: 1}, {post: 委员, count: 4}]
electorate: {registered: 1486}
committee: {name: 某某社区居民选举委员会, chair: 甲乙}
documents: {number_prefix: 某选委, signatory: 某某社区居民选举委员会}
"""


def text_of(path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_render_writes_documents_and_says_what_waits_for_data(tmp_path):
    run = run_cli("render", PARTY, "-o", str(tmp_path))
    assert run.exit_code == 0
    assert f"已生成 {tmp_path}/03-正式候选人名单公告.docx" in run.stdout
    assert "跳过 选举结果公告：尚无计票结果（等待 rounds[].votes）。" in run.stdout
    # before the vote: the count (06, 07, 08, 10) and the voting-day and reporting documents (21, 23, 24, 25, 31, 32) wait;
    # the 26 参会通知 calling the 党员大会 is made
    assert run.stdout.strip().endswith("共生成 22 份文书，跳过 10 种。")
    assert (tmp_path / "05-选票-委员.docx").exists()
    assert not (tmp_path / "06-选举结果公告.docx").exists()


def test_render_only_one_kind(tmp_path):
    run = run_cli("render", VILLAGE, "-o", str(tmp_path), "--only", "选举结果公告")
    assert run.exit_code == 0
    names = sorted(p.name for p in tmp_path.iterdir() if p.name != STAMP)
    assert names and all(name.startswith("06-选举结果公告") for name in names)
    assert sorted(d.name for d in unitrecord.read(tmp_path).documents) == names  # render records what it wrote
    assert "吴海涛" in "".join(
        cell.text
        for p in tmp_path.glob("*.docx")
        for t in docx.Document(str(p)).tables
        for row in t.rows
        for cell in row.cells
    )


def test_render_only_a_document_whose_data_is_missing_names_the_field(tmp_path):
    run = run_cli("render", PARTY, "-o", str(tmp_path), "--only", "06")
    assert run.exit_code == 1
    assert run.stderr.strip() == "错误：无法生成选举结果公告：尚无计票结果（需要记录中的 rounds[].votes）。"
    assert list(tmp_path.iterdir()) == []


def test_render_unknown_document_kind_is_a_usage_error(tmp_path):
    run = run_cli("render", PARTY, "-o", str(tmp_path), "--only", "xx")
    assert run.exit_code == 2
    assert "没有名为“xx”的文书种类。" in run.stderr


def test_record_with_rule_errors_is_refused_unless_draft(tmp_path):
    record = tmp_path / "broken.yaml"
    record.write_text(BROKEN, encoding="utf-8")
    out = tmp_path / "out"
    run = run_cli("render", str(record), "-o", str(out))
    assert run.exit_code == 1
    assert "DEADLINE-VOTER-LIST" in run.stderr
    assert run.stderr.strip().endswith(
        "记录有 1 个错误，未生成文书。请改正后重试，或加 --draft 生成草稿（每页标注“草稿（未通过校验）”）。"
    )
    assert not out.exists()

    run = run_cli("render", str(record), "-o", str(out), "--draft")
    assert run.exit_code == 1
    assert run.stdout.strip().endswith("（草稿）")
    notice = out / "01-选举委员会成员公告.docx"
    header = "".join(p.text for s in docx.Document(str(notice)).sections for p in s.header.paragraphs)
    assert "草稿（未通过校验）" in header


def test_render_of_unreadable_input_exits_2(tmp_path):
    run = run_cli("render", str(tmp_path / "missing.yaml"), "-o", str(tmp_path / "out"))
    assert run.exit_code == 2
    assert "找不到该文件" in run.stderr


def test_templates_lists_every_kind_and_variables():
    run = run_cli("templates")
    assert run.exit_code == 0
    for title in (
        "选举委员会成员公告",
        "选民名单公告",
        "初步候选人名单公告",
        "正式候选人名单公告",
        "选票",
        "选举结果公告",
        "当选证书",
        "候选人竞争承诺书",
        "当选履职承诺书",
        "严肃换届纪律承诺书",
        "换届选举工作总结",
    ):
        assert title in run.stdout
    one = run_cli("templates", "results")
    assert one.stdout.splitlines()[0] == "results　选举结果公告"
    assert "unit_name" in one.stdout


def test_render_only_accepts_a_comma_list(tmp_path):
    run = run_cli("render", VILLAGE, "-o", str(tmp_path), "--only", "06，当选证书")
    assert run.exit_code == 0
    names = sorted(p.name for p in tmp_path.iterdir() if p.name != STAMP)
    assert names[0].startswith("06-选举结果公告")
    assert "07-当选证书-吴海涛.docx" in names
    assert all(n.startswith(("06-", "07-")) for n in names)

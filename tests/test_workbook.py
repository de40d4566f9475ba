"""A whole record as an Excel workbook: `new --xlsx`, check/render/batch on it, `convert` both ways without loss."""

from __future__ import annotations

import datetime as dt
import glob
import json
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest

from pipeline import records
from pipeline.sheets import record as workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(glob.glob(str(ROOT / "samples" / "*.yaml"))) + sorted(
    glob.glob(str(ROOT / "samples" / "county" / "**" / "*.yaml"), recursive=True)
)

CANDIDATES = [
    # name, gender, birth (a real date or a text date), education, politics, post, nominated_by
    ("王建国", "男", dt.datetime(1972, 5, 1), "大专", "中共党员", "主任", "社区党组织提名"),
    ("林美华", "女", "1980-07", "大学本科", "群众", "主任", "十名以上选民联名"),
    ("张伟", "男", dt.datetime(1985, 1, 1), "大学本科", "中共党员", "副主任", "社区党组织提名"),
    ("黄丽", "女", "1988-09", "大专", "共青团员", "副主任", "十名以上选民联名"),
    ("刘芳", "女", dt.datetime(1987, 3, 1), "大学本科", "中共党员", "委员", "社区党组织提名"),
    ("陈晓东", "男", "1990-12", "大专", "中共党员", "委员", "社区党组织提名"),
    ("杨桂英", "女", dt.datetime(1969, 6, 1), "高中", "群众", "委员", "十名以上选民联名"),
    ("何军", "男", "1979-04", "中专", "群众", "委员", "十名以上选民联名"),
    ("郭磊", "男", "1993-08", "大学本科", "共青团员", "委员", "十名以上选民联名"),
]
VOTES = {
    "主任": {"王建国": 1102, "林美华": 268},
    "副主任": {"张伟": 980, "黄丽": 390},
    "委员": {"刘芳": 1205, "陈晓东": 1010, "杨桂英": 876, "何军": 512, "郭磊": 330},
}


def _value(ws, field: str):
    for row in ws.iter_rows(min_row=2):
        if row[2].value == field:
            return row[1]
    raise AssertionError(f"{ws.title} has no row {field}")


def _fill(path: str, vote_cell=None, padded: bool = False) -> None:
    """Fill the workbook of `new 居委会 --xlsx` as a secretary would, with openpyxl."""
    book = openpyxl.load_workbook(path)
    info, committee, schedule = book["基本信息"], book["选举委员会"], book["日程"]
    _value(info, "unit.name").value = "阳光社区居民委员会"
    _value(info, "unit.short_name").value = "阳光社区"
    parents = [row[1] for row in info.iter_rows(min_row=2) if row[2].value == "unit.parents[]"]
    parents[0].value, parents[1].value = "青石县", "东城街道"
    _value(info, "electorate.registered").value = 1522
    _value(info, "documents.number_prefix").value = "阳选委"
    _value(info, "documents.signatory").value = "阳光社区居民选举委员会"
    _value(committee, "name").value = "阳光社区居民选举委员会"
    _value(committee, "chair").value = "邓志华"
    for cell, name in zip(
        [row[1] for row in committee.iter_rows(min_row=2) if row[2].value == "members[]"],
        ["罗晓梅", "唐建军", "谢玉兰", "彭卫东"],
        strict=True,
    ):
        cell.value = name
    _value(schedule, "election_day").value = dt.datetime(2026, 3, 18)
    _value(schedule, "voter_list_published").value = dt.datetime(2026, 2, 26)
    schedule.append(["候选人名单公布日", "2026-03-11", "candidates_published"])  # a text date
    ws = book["候选人"]
    header = [c.value for c in ws[1]]
    for name, gender, birth, education, politics, post, how in CANDIDATES:
        row = dict.fromkeys(header)
        shown = f" {name} " if padded and name == "张伟" else name
        row.update({"姓名": shown, "性别": gender, "出生年月": birth, "学历": education, "政治面貌": politics})
        row.update({"职位": post, "推荐方式": how, "现任": False})
        ws.append([row[h] for h in header])
        if isinstance(birth, dt.datetime):
            ws.cell(ws.max_row, header.index("出生年月") + 1).number_format = "yyyy-mm"
    rounds = book["轮次"]
    rounds.append([None, 1, "first", dt.datetime(2026, 3, 18), 1400, 1398, 12])
    rounds.cell(2, 4).number_format = "yyyy-mm-dd"
    votes = book["投票结果"]
    for post, tally in VOTES.items():
        for name, count in tally.items():
            votes.append([None, 1, post, name, count])
    if vote_cell:
        votes[vote_cell[0]].value = vote_cell[1]
    book.save(path)


@pytest.fixture
def filled(tmp_path, cli):
    path = str(tmp_path / "记录.xlsx")
    run = cli("new", "居委会", "--xlsx", "-o", path)
    assert run.exit_code == 0, run.output
    return path


def test_new_xlsx_writes_the_sheets_with_chinese_headers_lists_and_frozen_rows(filled):
    book = openpyxl.load_workbook(filled)
    assert book.sheetnames == [
        "基本信息", "选举委员会", "日程", "职位名额", "候选人", "选民名单", "轮次", "投票结果", "_选项", "说明", "_其他",
    ]  # fmt: skip
    assert book["_其他"].sheet_state == "hidden" and book["_其他"]["A1"].value == workbook.MARKER
    assert [c.value for c in book["候选人"][1]] == [
        "场次", "姓名", "性别", "出生年月", "民族", "学历", "政治面貌", "职位", "推荐方式", "现任",
    ]  # fmt: skip
    assert [c.value for c in book["投票结果"][1]] == ["场次", "轮次", "职位", "姓名", "得票"]
    assert book["候选人"].freeze_panes == "A2"
    lists = {str(dv.sqref): dv.formula1 for dv in book["候选人"].data_validations.dataValidation}
    assert lists == {
        "C2:C2000": "_选项!$A$2:$A$3",
        "E2:E2000": "_选项!$B$2:$B$57",
        "F2:F2000": "_选项!$C$2:$C$9",
        "G2:G2000": "_选项!$D$2:$D$7",
        "H2:H2000": "_选项!$E$2:$E$4",
    }
    assert [book["_选项"].cell(r, 5).value for r in range(2, 5)] == ["主任", "副主任", "委员"]
    day = _value(book["日程"], "election_day")
    assert isinstance(day.value, dt.datetime) and day.number_format == "yyyy-mm-dd"
    assert [(r[0].value, r[1].value) for r in book["职位名额"].iter_rows(min_row=2)] == [
        (None, "主任"),
        (None, "副主任"),
        (None, "委员"),
    ]


def test_new_xlsx_refuses_a_yaml_name_and_an_existing_file(tmp_path, cli, filled):
    run = cli("new", "居委会", "--xlsx", "-o", str(tmp_path / "x.yaml"))
    assert run.exit_code == 2 and "-o 后应写 .xlsx 文件名" in run.output
    run = cli("new", "居委会", "--xlsx", "-o", filled)
    assert run.exit_code == 2 and "已存在，未覆盖" in run.output


def test_a_filled_workbook_checks_renders_and_converts_byte_stable(tmp_path, cli, filled):
    _fill(filled)
    record, findings = records.load(filled)
    assert findings == [] and record is not None
    cand = record.data["candidates"]
    assert [c["name"] for c in cand] == [c[0] for c in CANDIDATES]
    assert [c["birth"] for c in cand[:2]] == ["1972-05", "1980-07"]  # a real date and a text date read alike
    assert record.data["schedule"]["election_day"] == "2026-03-18"
    assert record.data["schedule"]["candidates_published"] == "2026-03-11"
    assert record.data["rounds"] == [
        {"type": "first", "date": "2026-03-18", "ballots": {"issued": 1400, "returned": 1398, "invalid": 12},
         "votes": VOTES}
    ]  # fmt: skip
    run = cli("check", "--format", "json", filled)
    assert run.exit_code == 0, run.output
    payload = json.loads(run.stdout)
    errors = [f for f in payload[0]["findings"] if f["severity"] == "error"]
    assert errors == []
    out = tmp_path / "文书"
    run = cli("render", filled, "-o", str(out))
    assert run.exit_code == 0, run.output
    with zipfile.ZipFile(out / "07-当选证书-王建国.docx") as docx:
        text = docx.read("word/document.xml").decode("utf-8")
    assert "王建国" in text and "阳光社区" in text
    run = cli("outcome", filled)
    assert run.exit_code == 0 and "王建国" in run.stdout
    first, second, again = tmp_path / "a.yaml", tmp_path / "b.xlsx", tmp_path / "c.yaml"
    assert cli("convert", filled, str(first)).exit_code == 0
    assert cli("convert", str(first), str(second)).exit_code == 0
    assert cli("convert", str(second), str(again)).exit_code == 0
    assert first.read_bytes() == again.read_bytes()
    assert records.load(str(first))[0].data == record.data


def test_findings_name_the_sheet_and_cell(cli, filled):
    _fill(filled, vote_cell=("E3", "二百六十八"), padded=True)  # text in a number cell; " 张伟 " padded
    book = openpyxl.load_workbook(filled)
    book["候选人"]["D4"].value = "1985年1月"  # a date cell that is not a date
    book.save(filled)
    run = cli("check", filled)
    assert run.exit_code == 1
    assert [line.replace(filled, "记录.xlsx") for line in run.output.splitlines()[:3]] == [
        "记录.xlsx:投票结果!E3  错误  SCHEMA-TYPE  得票应为整数，实际为文字“二百六十八”。（字段 rounds[0].votes.主任.林美华）",
        "记录.xlsx:候选人!B4  错误  SCHEMA-FORMAT  姓名应以汉字或字母开头，不能以空格或数字开头；"
        "实际为文字“ 张伟 ”。（字段 candidates[2].name）",
        "记录.xlsx:候选人!D4  错误  SCHEMA-FORMAT  出生年月应写作 1972-05（年-月，半角数字，月份补足两位）；"
        "实际为文字“1985年1月”，请改为 1985-01。（字段 candidates[2].birth）",
    ]


def test_an_unknown_post_in_the_tally_names_its_cell(cli, filled):
    _fill(filled, vote_cell=("C10", "秘书长"))
    run = cli("check", filled)
    assert run.exit_code == 1
    lines = [line.replace(filled, "记录.xlsx") for line in run.output.splitlines()]
    assert (
        "记录.xlsx:投票结果!C10  错误  VOTES-UNKNOWN-POST  录入了职位“秘书长”，但它不在职位及应选名额（seats）中"
        "（现有：主任、副主任、委员）。请改正职位名称，或在 seats 中补充该职位。（字段 rounds[0].votes.秘书长）"
        in lines
    )


def test_an_unknown_contest_is_a_finding_with_its_cell(filled, cli):
    book = openpyxl.load_workbook(filled)
    book["候选人"].append(["第九场次", "王建国", "男"])
    book.save(filled)
    run = cli("check", filled)
    assert run.exit_code == 1
    assert (
        f"{filled}:候选人!A2  错误  WB-PLACE  候选人 表的“场次”写的是“第九场次”，记录中没有这个场次。"
        "可选：（记录中没有场次）。" in run.output
    )


def test_an_import_sheet_is_no_record(tmp_path, cli):
    sheet = tmp_path / "名单.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["姓名", "性别"])
    book.save(sheet)
    assert not workbook.is_record_workbook(str(sheet))
    run = cli("check", str(sheet))
    assert run.exit_code == 2
    assert "这不是记录工作簿（缺少隐藏工作表“_其他”）" in run.output


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: os.path.relpath(p, ROOT))
def test_every_sample_round_trips_without_loss(sample, tmp_path, cli):
    xlsx, back, xlsx2, back2 = (tmp_path / n for n in ("r.xlsx", "r.yaml", "r2.xlsx", "r2.yaml"))
    assert cli("convert", sample, str(xlsx)).exit_code == 0
    assert cli("convert", str(xlsx), str(back)).exit_code == 0
    assert records.load(str(back))[0].data == records.load(sample)[0].data
    assert cli("convert", str(back), str(xlsx2)).exit_code == 0
    assert cli("convert", str(xlsx2), str(back2)).exit_code == 0
    assert back.read_bytes() == back2.read_bytes()


def test_convert_never_overwrites_without_force(tmp_path, cli):
    sample = str(ROOT / "samples" / "residents-yangguang.yaml")
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"mine")
    run = cli("convert", sample, str(target))
    assert run.exit_code == 2 and "已存在，未覆盖。如确需覆盖，请加 --force。" in run.output
    assert target.read_bytes() == b"mine"
    assert cli("convert", sample, str(target), "--force").exit_code == 0
    assert workbook.is_record_workbook(str(target))
    run = cli("convert", sample, str(tmp_path / "r.txt"))
    assert run.exit_code == 2 and "请给出一个 .yaml 文件和一个 .xlsx 文件" in run.output


def test_batch_takes_a_workbook_record_beside_a_yaml_one(tmp_path, cli):
    tree = tmp_path / "tree" / "青石县" / "河湾镇"
    tree.mkdir(parents=True)
    (tree / "柳林村.yaml").write_bytes((ROOT / "samples" / "village-liulin-runoff.yaml").read_bytes())
    assert (
        cli("convert", str(ROOT / "samples" / "residents-yangguang.yaml"), str(tree / "阳光社区.xlsx")).exit_code == 0
    )
    book = openpyxl.Workbook()
    book.active.append(["姓名", "性别", "出生日期"])
    book.save(tree / "选民名单.xlsx")  # an import sheet: no record
    out = tmp_path / "out"
    run = cli("batch", str(tmp_path / "tree"), "-o", str(out))
    assert run.exit_code == 0, run.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    rels = sorted((u["path"], u["status"]) for u in report["units"])
    assert rels == [("青石县/河湾镇/柳林村.yaml", "ok"), ("青石县/河湾镇/阳光社区.xlsx", "ok")]
    with zipfile.ZipFile(out / "青石县" / "河湾镇" / "阳光社区" / "07-当选证书-王建国.docx") as docx:
        assert "王建国" in docx.read("word/document.xml").decode("utf-8")


def test_check_of_a_folder_takes_record_workbooks_only(tmp_path, cli):
    folder = tmp_path / "记录"
    folder.mkdir()
    assert (
        cli("convert", str(ROOT / "samples" / "residents-yangguang.yaml"), str(folder / "阳光社区.xlsx")).exit_code == 0
    )
    book = openpyxl.Workbook()
    book.active.append(["姓名", "性别"])
    book.save(folder / "名单.xlsx")
    run = cli("check", str(folder))
    assert run.exit_code == 0, run.output
    assert run.output.strip().splitlines()[-1] == "共检查 1 个文件，1 个通过；错误 0 个，警告 0 个。"

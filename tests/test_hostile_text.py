"""Hostile text (issue 12 items 2 and 4): one bad unit never takes down a run; names that cannot spoof or break.

Control and format characters, lone surrogates and noncharacters are refused in names by check, with the character
and its position; what is shown (findings, report.json, 批量报告.xlsx, the terminal) never carries them raw; file
names made from names never hold them; an exception inside one unit's task fails only that unit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, SAMPLES, run_cli

from pipeline import records, safetext, schema
from pipeline.batch import MANIFEST, REPORT_JSON, REPORT_XLSX, run_batch
from pipeline.batch import unit as batch_unit
from pipeline.documents import find_kind
from pipeline.documents.plan import file_name
from pipeline.findings import Finding, Severity, format_human

CRASHED = "处理该单位时程序出错（ValueError：读到了意外的值）；其他单位不受影响。请把此记录文件发给维护人员。"

# A record that passes check and renders a single document (the committee notice): a cheap good unit.
SMALL = """kind: residents_committee
legal_basis: 2025
unit:
  name: 阳光社区居民委员会
committee:
  chair: 许文静
  members: [鲍建国, 葛秀英]
"""

# One candidate; NAME is replaced by a YAML double-quoted string (line 5, the value at column 11).
ONE_CANDIDATE = """kind: residents_committee
unit:
  name: 阳光社区居民委员会
candidates:
  - name: NAME
    post: 主任
"""


def schema_findings(text: str) -> list[Finding]:
    record, found = records.parse(text, "t.yaml")
    assert record is not None and not found, found
    return schema.validate(record)


def quoted(value: str) -> str:
    """`value` as a YAML double-quoted string: printable characters as they are, every other one escaped."""
    out = []
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable() or char == " ":
            out.append(char)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


# --------------------------------------------------------------------------------------------
# Names: refused by check, the character named with its position
# --------------------------------------------------------------------------------------------
HOSTILE = [
    ("王\x1b建国", "王\\x1b建国", 2, "控制字符 ESC（U+001B）"),
    ("王\x00建国", "王\\x00建国", 2, "控制字符 NUL（U+0000）"),
    ("王建\ufffe国", "王建\\ufffe国", 3, "非字符（U+FFFE，不是有效的字符）"),
    ("王\uffff", "王\\uffff", 2, "非字符（U+FFFF，不是有效的字符）"),
    ("王\ud800建国", "王\\ud800建国", 2, "不成对的代理码位（U+D800，不是有效的字符）"),
    ("王\r建国", "王\\x0d建国", 2, "回车符 CR（U+000D）"),
    ("王\n建国", "王\\x0a建国", 2, "换行符 LF（U+000A）"),
    ("王\x85建国", "王\\x85建国", 2, "换行符 NEL（U+0085）"),
    ("王\u2028建国", "王\\u2028建国", 2, "行分隔符（U+2028）"),
    ("王\u2029建国", "王\\u2029建国", 2, "段分隔符（U+2029）"),
    ("王\x9b31m建国", "王\\x9b31m建国", 2, "控制字符 CSI（U+009B）"),
    ("王\x7f建国", "王\\x7f建国", 2, "控制字符 DEL（U+007F）"),
    ("王\u202excod.exe", "王\\u202excod.exe", 2, "文字方向控制符 RLO（U+202E）"),
    ("王建\u2066国", "王建\\u2066国", 3, "文字方向控制符 LRI（U+2066）"),
    ("王\u200f建国", "王\\u200f建国", 2, "文字方向控制符 RLM（U+200F）"),
    ("王\u061c建国", "王\\u061c建国", 2, "文字方向控制符 ALM（U+061C）"),
    ("王\u200d建国", "王\\u200d建国", 2, "零宽连字 ZWJ（U+200D）"),
    ("王\u200b建国", "王\\u200b建国", 2, "零宽空格（U+200B）"),
    ("王\ufeff建国", "王\\ufeff建国", 2, "字节顺序标记 BOM（U+FEFF）"),
    ("王\t建国", "王\\x09建国", 2, "制表符 Tab（U+0009）"),
]


@pytest.mark.parametrize(("value", "shown", "position", "what"), HOSTILE, ids=[h[3] for h in HOSTILE])
def test_a_name_with_a_control_or_format_character_is_refused_naming_it_and_its_position(value, shown, position, what):
    found = schema_findings(ONE_CANDIDATE.replace("NAME", quoted(value)))
    assert [(f.id, f.severity, f.message, f.location(), f.path) for f in found] == [
        (
            "SCHEMA-FORMAT",
            Severity.ERROR,
            f"姓名“{shown}”的第 {position} 个字符是{what}，不能出现在姓名中；请删除它。",
            "t.yaml:5:11",
            "candidates[0].name",
        )
    ]


def test_a_line_break_in_a_name_no_longer_gets_the_leading_space_reason():
    found = schema_findings(ONE_CANDIDATE.replace("NAME", quoted("王\n建国")))
    assert [f.message for f in found] == [
        "姓名“王\\x0a建国”的第 2 个字符是换行符 LF（U+000A），不能出现在姓名中；请删除它。"
    ]
    assert "不能以空格或数字开头" not in found[0].message


@pytest.mark.parametrize(
    ("yaml_text", "where", "path", "word"),
    [
        ("committee:\n  chair: VALUE\n", "t.yaml:5:10", "committee.chair", "姓名"),
        ("committee:\n  members: [许文静, VALUE]\n", "t.yaml:5:18", "committee.members[1]", "姓名"),
        (
            "electorate:\n  groups:\n    - name: 一组\n      voters: [VALUE]\n",
            "t.yaml:7:16",
            "electorate.groups[0].voters[0]",
            "姓名",
        ),
        ("rounds:\n  - tellers: [VALUE]\n", "t.yaml:5:15", "rounds[0].tellers[0]", "姓名"),
        (
            "rounds:\n  - proxies:\n      - {holder: VALUE, principals: [许文静]}\n",
            "t.yaml:6:18",
            "rounds[0].proxies[0].holder",
            "姓名",
        ),
        ("documents:\n  discipline_signers: [VALUE]\n", "t.yaml:5:24", "documents.discipline_signers[0]", "姓名"),
        ("appointment:\n  name: VALUE\n", "t.yaml:5:9", "appointment.name", "姓名"),
        ("rounds:\n  - votes:\n      主任: {VALUE: 3}\n", "t.yaml:6:12", "rounds[0].votes.主任.王\x1b建国", "姓名"),
        ("seats:\n  - {post: VALUE, count: 1}\n", "t.yaml:5:12", "seats[0].post", "职位"),
        ("rounds:\n  - votes:\n      VALUE: {王建国: 3}\n", "t.yaml:6:7", "rounds[0].votes.王\x1b建国", "职位"),
        ("documents:\n  place: VALUE\n", "t.yaml:5:10", "documents.place", "投票地点"),
        ("contests:\n  - name: VALUE\n", "t.yaml:5:11", "contests[0].name", "场次名称"),
    ],
)
def test_every_kind_of_name_refuses_the_character(yaml_text, where, path, word):
    head = "kind: residents_committee\nunit:\n  name: 阳光社区居民委员会\n"
    found = schema_findings(head + yaml_text.replace("VALUE", quoted("王\x1b建国")))
    mine = [f for f in found if f.path == path]
    assert [(f.id, f.message, f.location()) for f in mine] == [
        (
            "SCHEMA-FORMAT",
            f"{word}“王\\x1b建国”的第 2 个字符是控制字符 ESC（U+001B），不能出现在{word}中；请删除它。",
            where,
        )
    ]


def test_the_unit_name_refuses_the_character():
    found = schema_findings("kind: residents_committee\nunit:\n  name: " + quoted("阳光\u202e社区") + "\n")
    assert [(f.message, f.location(), f.path) for f in found] == [
        (
            "单位全称“阳光\\u202e社区”的第 3 个字符是文字方向控制符 RLO（U+202E），不能出现在单位全称中；请删除它。",
            "t.yaml:3:9",
            "unit.name",
        )
    ]


def test_free_text_keeps_tabs_line_breaks_and_joiners_but_not_controls_or_bidi_overrides():
    head = "kind: residents_committee\nunit:\n  name: 阳光社区居民委员会\nsummary:\n  practices:\n"
    fine = ["入户宣传\n张贴公告", "一\t二", "家庭👨\u200d👩\u200d👧"]
    assert schema_findings(head + "".join(f"    - {quoted(v)}\n" for v in fine)) == []
    found = schema_findings(head + "".join(f"    - {quoted(v)}\n" for v in ("入户\x1b[2J宣传", "公告\u202e")))
    assert [(f.id, f.message, f.location(), f.path) for f in found] == [
        (
            "SCHEMA-FORMAT",
            "主要做法“入户\\x1b[2J宣传”的第 3 个字符是控制字符 ESC（U+001B），不能出现在主要做法中；请删除它。",
            "t.yaml:6:7",
            "summary.practices[0]",
        ),
        (
            "SCHEMA-FORMAT",
            "主要做法“公告\\u202e”的第 3 个字符是文字方向控制符 RLO（U+202E），不能出现在主要做法中；请删除它。",
            "t.yaml:7:7",
            "summary.practices[1]",
        ),
    ]


def test_a_field_name_with_a_control_character_is_named_visibly():
    found = schema_findings(
        "kind: residents_committee\nunit:\n  name: 阳光社区居民委员会\n" + quoted("x\x1b") + ": 1\n"
    )
    assert [(f.id, f.message, f.location()) for f in found] == [
        (
            "SCHEMA-UNKNOWN-FIELD",
            "未知字段“x\\x1b”。此处可用的字段：kind、body、same_term、legal_basis、profile、term、unit、committee、method、schedule、procedure、polling、seats、"
            "electorate、candidates、rounds、nomination、appointment、contests、documents、summary、exceptions、gongtui、relatives。",
            "t.yaml:4:1",
        )
    ]


# --------------------------------------------------------------------------------------------
# What is shown: findings, the terminal
# --------------------------------------------------------------------------------------------
def test_visible_escapes_every_unsafe_character_and_keeps_the_rest():
    assert (
        safetext.visible("王\x1b[31m建国\ud800\u202e\x85\u2028\ufffe")
        == "王\\x1b[31m建国\\ud800\\u202e\\x85\\u2028\\ufffe"
    )
    assert safetext.visible("阳光社区 Ａ栋　一组😀\ue000") == "阳光社区 Ａ栋　一组😀\ue000"
    assert safetext.visible("一\n二\t三", keep="\n\t") == "一\n二\t三"
    assert safetext.visible("\U000e0041") == "\\U000e0041"


def test_a_finding_quoting_raw_control_characters_is_shown_escaped():
    finding = Finding(
        "X", Severity.ERROR, "值“a\x1b[2Jb\ud800”不对", file="t\x07.yaml", line=1, column=2, path="k.\u202e"
    )
    assert format_human(finding) == "t\\x07.yaml:1:2  错误  X  值“a\\x1b[2Jb\\ud800”不对（字段 k.\\u202e）"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('kind: "\\ud800"\n', "t.yaml:1:7  错误  SCHEMA-ENUM  选举类型应为以下之一："),
        ('kind: "village\\x01"\n', "t.yaml:1:7  错误  SCHEMA-ENUM  选举类型应为以下之一："),
    ],
)
def test_check_on_a_lone_surrogate_or_a_control_character_gives_a_clean_finding(tmp_path, monkeypatch, text, line):
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run = run_cli("check", "t.yaml")
    assert run.exit_code == 1
    lines = run.output.splitlines()
    assert lines[1].startswith(line)
    assert lines[1].endswith("实际为文字“\\ud800”。（字段 kind）") or lines[1].endswith(
        "实际为文字“village\\x01”。（字段 kind）"
    )
    assert lines[-1] == "共检查 1 个文件，0 个通过；错误 2 个，警告 0 个。"
    json_run = run_cli("check", "--format", "json", "t.yaml")
    assert json_run.exit_code == 1
    message = json.loads(json_run.stdout)[0]["findings"][1]["message"]
    assert message.endswith(("实际为文字“\\ud800”。", "实际为文字“village\\x01”。"))


def test_no_raw_control_byte_reaches_the_terminal(tmp_path):
    """The real command, its real bytes: an ESC name, a surrogate and a C1 CSI are shown as escapes."""
    text = (SAMPLES / "residents-yangguang.yaml").read_text(encoding="utf-8")
    record = text.replace("王建国", quoted("王\x1b[31m建国")).replace("罗晓梅", quoted("罗\x9b晓梅\ud800"))
    (tmp_path / "rec.yaml").write_text(record, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "check", "rec.yaml"],
        cwd=tmp_path,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 1, done.stderr.decode("utf-8", "replace")
    output = done.stdout + done.stderr
    assert b"Traceback" not in output
    for raw in (b"\x1b", b"\xc2\x9b", b"\xed\xa0\x80"):  # ESC, U+009B in UTF-8, a surrogate as surrogatepass writes it
        assert raw not in output
    shown = output.decode("utf-8")
    assert "姓名“王\\x1b[31m建国”的第 2 个字符是控制字符 ESC（U+001B），不能出现在姓名中；请删除它。" in shown
    assert "姓名“罗\\x9b晓梅\\ud800”的第 2 个字符是控制字符 CSI（U+009B），不能出现在姓名中；请删除它。" in shown


def test_render_refuses_the_name_in_check_instead_of_blaming_the_template(tmp_path, monkeypatch):
    text = (SAMPLES / "residents-yangguang.yaml").read_text(encoding="utf-8")
    (tmp_path / "rec.yaml").write_text(text.replace("罗晓梅", quoted("罗\x00晓梅")), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run = run_cli("render", "rec.yaml", "-o", "out")
    assert run.exit_code == 1
    assert "姓名“罗\\x00晓梅”的第 2 个字符是控制字符 NUL（U+0000），不能出现在姓名中；请删除它。" in run.output
    assert "模板" not in run.output and not (tmp_path / "out").exists()


# --------------------------------------------------------------------------------------------
# File names
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("suffix", "name"),
    [
        ("王\u202excod.exe", "07-当选证书-王_xcod.exe.docx"),
        ("王\x85建\u2028国", "07-当选证书-王_建_国.docx"),
        ("王\x9b\u2066\u200e建国", "07-当选证书-王_建国.docx"),
        ("王\ud800建国", "07-当选证书-王_建国.docx"),
        ("王\u2029\u200b建国", "07-当选证书-王_建国.docx"),
    ],
)
def test_file_names_made_from_names_hold_no_control_or_format_character(suffix, name):
    assert file_name(find_kind("certificate"), suffix) == name


# --------------------------------------------------------------------------------------------
# Batch: one bad unit never takes down the run
# --------------------------------------------------------------------------------------------
def hostile_tree(root: Path) -> Path:
    town = root / "县" / "镇"
    town.mkdir(parents=True)
    (town / "好村.yaml").write_text(SMALL, encoding="utf-8")
    (town / "甲.yaml").write_text('kind: "village\\x01"\n', encoding="utf-8")
    (town / "乙.yaml").write_text('kind: "\\ud800"\n', encoding="utf-8")
    (town / "丙.yaml").write_text(SMALL.replace("许文静", quoted("许\x1b[31m文静\ufffe")), encoding="utf-8")
    (town / "丁\u202egpj.yaml").write_text(SMALL, encoding="utf-8")
    return root


def written(out: Path) -> tuple[dict, dict[str, dict], list[tuple]]:
    data = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert {REPORT_JSON, REPORT_XLSX} <= set(manifest["files"])
    book = openpyxl.load_workbook(out / REPORT_XLSX, read_only=True)
    problems = list(book["问题"].iter_rows(values_only=True))
    return data, {u["path"]: u for u in data["units"]}, problems


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_county_with_hostile_records_is_still_batched_with_report_workbook_and_manifest(tmp_path, monkeypatch, jobs):
    tree, out = hostile_tree(tmp_path / "tree"), tmp_path / "out"
    monkeypatch.chdir(tmp_path)
    run = run_cli("batch", str(tree), "-o", str(out), "-j", str(jobs))
    assert run.exit_code == 1
    assert "\x1b" not in run.output and "\u202e" not in run.output and "\x01" not in run.output
    data, units, problems = written(out)
    assert {path: unit["status"] for path, unit in units.items()} == {
        "县/镇/丁\\u202egpj.yaml": "failed",
        "县/镇/丙.yaml": "failed",
        "县/镇/乙.yaml": "failed",
        "县/镇/好村.yaml": "ok",
        "县/镇/甲.yaml": "failed",
    }
    assert units["县/镇/丁\\u202egpj.yaml"]["error"] == (
        "记录文件名“县/镇/丁\\u202egpj.yaml”的第 6 个字符是文字方向控制符 RLO（U+202E），不能出现在文件名中；"
        "请给这个文件（或它所在的文件夹）改名，其他单位不受影响。"
    )
    assert [f["message"] for f in units["县/镇/丙.yaml"]["findings"] if f["id"] == "SCHEMA-FORMAT"] == [
        "姓名“许\\x1b[31m文静\\ufffe”的第 2 个字符是控制字符 ESC（U+001B），不能出现在姓名中；请删除它。"
    ]
    assert units["县/镇/乙.yaml"]["findings"][1]["message"].endswith("实际为文字“\\ud800”。")
    assert units["县/镇/甲.yaml"]["findings"][1]["message"].endswith("实际为文字“village\\x01”。")
    assert ("县/镇/甲.yaml", f"{tree}/县/镇/甲.yaml:1:7", "错误", "SCHEMA-ENUM") in [row[:4] for row in problems]
    assert data["totals"]["ok"] == 1 and data["totals"]["failed"] == 4
    folders = sorted(str(p.relative_to(out)) for p in (out / "县" / "镇").iterdir())
    assert folders == ["县/镇/好村"]  # no folder named with the RLO


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_exception_inside_a_unit_task_fails_only_that_unit(tmp_path, monkeypatch, jobs):
    tree, out = tmp_path / "tree", tmp_path / "out"
    for name in ("一村", "二村", "三村"):
        (tree / "县" / "镇").mkdir(parents=True, exist_ok=True)
        (tree / "县" / "镇" / f"{name}.yaml").write_text(SMALL, encoding="utf-8")
    real = batch_unit._check

    def buggy(source, raw):
        if "二村" in source:
            raise ValueError("读到了意外的值")
        return real(source, raw)

    monkeypatch.setattr(batch_unit, "_check", buggy)  # the workers are forked: they see it too
    result = run_batch(str(tree), str(out), jobs=jobs)
    assert (result.ok, result.failed) == (2, 1)
    data, units, problems = written(out)
    assert units["县/镇/二村.yaml"]["status"] == "failed" and units["县/镇/二村.yaml"]["error"] == CRASHED
    assert ("县/镇/二村.yaml", "县/镇/二村.yaml", "错误", None, f"生成失败：{CRASHED}", None) in problems
    assert (out / "县/镇/一村/01-选举委员会成员公告.docx").exists() and (out / "县/镇/三村").is_dir()
    assert not (out / "县/镇/二村").exists()

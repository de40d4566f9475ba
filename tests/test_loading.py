"""Reading records: the bad-input corpus, safety limits, encodings, positions, and fuzzing."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import BAD, HUMAN_LINE, HUMAN_LINE_NO_PLACE, finding_lines, run_cli
from hypothesis import given
from hypothesis import strategies as st

from pipeline import check, records
from pipeline.cli.commands import check_exit_code
from pipeline.findings import Finding, Severity, format_human


@dataclass(frozen=True)
class Case:
    """What checking one file of tests/data/bad must report: exactly one finding, as described."""

    file: str
    exit_code: int
    id: str
    line: int | None
    column: int | None
    message: str
    exact: bool = True  # False: `message` is a substring of the (long) message
    path: str = ""


CORPUS = [
    Case("syntax-error.yaml", 1, "YAML-SYNTAX", 6, 5, "方括号 [ ] 没有正确闭合，或列表项之间缺少逗号。"),
    Case(
        "duplicate-key.yaml",
        1,
        "YAML-DUPLICATE-KEY",
        6,
        1,
        "字段“term”重复出现（第一次在第 3 行）。同一层中每个字段只能写一次，请合并或删除一处。",
        path="term",
    ),
    Case(
        "alias-bomb.yaml",
        1,
        "YAML-ALIAS-LIMIT",
        9,
        8,
        "别名展开后的内容过大（疑似“别名炸弹”），已停止读取。记录中不需要使用锚点和别名。",
        path="f[0]",
    ),
    Case(
        "gbk.yaml",
        2,
        "FILE-ENCODING",
        1,
        7,
        "文件不是 UTF-8 编码（看起来是 GBK（GB18030）编码，常见于旧版记事本或 WPS 的默认保存）。"
        "请用记事本或 WPS 打开，“另存为”时编码选择 UTF-8，再重新检查。",
    ),
    Case(
        "utf16.yaml",
        2,
        "FILE-ENCODING",
        None,
        None,
        "文件是 UTF-16 编码，记录文件须为 UTF-8 编码。请用记事本或 WPS 打开，“另存为”时编码选择 UTF-8。",
    ),
    Case(
        "binary.yaml",
        2,
        "FILE-BINARY",
        None,
        None,
        "这不是文本文件（含有二进制内容），可能误选了 Word、Excel 或图片文件。记录须为 UTF-8 文本的 .yaml 文件。",
    ),
    Case(
        "empty.yaml",
        1,
        "FILE-EMPTY",
        1,
        1,
        "记录为空：文件中没有任何内容。可以用“huanjie new 类型 -o 文件”生成一份样板。",
    ),
    Case(
        "comments-only.yaml",
        1,
        "FILE-EMPTY",
        1,
        1,
        "记录为空：文件中没有任何内容。可以用“huanjie new 类型 -o 文件”生成一份样板。",
    ),
    Case(
        "root-list.yaml",
        1,
        "RECORD-ROOT",
        2,
        1,
        "记录的最外层应为“名称: 值”的映射（第一行通常是 kind: ...），实际为列表。",
    ),
    Case(
        "unknown-kind.yaml",
        1,
        "SCHEMA-ENUM",
        2,
        7,
        "选举类型应为以下之一：village_committee、residents_committee、party_branch、deputy、building_leader、"
        "supervisory_committee、group_leader、representative"
        "（village_committee 村民委员会；residents_committee 居民委员会；party_branch 党支部委员会；"
        "deputy 县乡人大代表；building_leader 楼栋长/居民小组长；supervisory_committee 村（居）务监督委员会；"
        "group_leader 村（居）民小组长；representative 村（居）民代表）；实际为文字“village”。",
        path="kind",
    ),
    Case(
        "object-tag.yaml",
        1,
        "YAML-TAG",
        5,
        7,
        "不允许使用 YAML 标签 !!python/object/apply:os.system：记录中只能写文字、数字、列表和“名称: 值”，"
        "标签不会被执行。请删除该标签。",
        path="term",
    ),
    Case(
        "deep-nesting.yaml",
        1,
        "YAML-TOO-DEEP",
        4,
        47,
        "嵌套层数超过 40 层，不是有效的选举记录。",
        path="unit.name" + "[0]" * 38,
    ),
    Case(
        "huge-integer.yaml",
        1,
        "YAML-NUMBER",
        6,
        15,
        "数字过长（401 位），不是合理的人数或票数。",
        path="electorate.registered",
    ),
    Case(
        "tab-indent.yaml", 1, "YAML-SYNTAX", 4, 1, "这里出现了制表符（Tab）。YAML 只能用空格缩进，请把 Tab 换成空格。"
    ),
    Case(
        "full-width-digits.yaml",
        1,
        "SCHEMA-TYPE",
        6,
        15,
        "登记人数应为整数，实际为文字“１４８６”（含全角数字，请改用半角数字 0-9）。",
        path="electorate.registered",
    ),
    Case("negative-count.yaml", 1, "SCHEMA-RANGE", 7, 10, "其中女性不能为负数，实际为 -12。", path="electorate.women"),
    Case(
        "date-slash.yaml",
        1,
        "SCHEMA-FORMAT",
        6,
        17,
        "日期应写作 2026-03-18（年-月-日，半角数字，月日补足两位）；实际为文字“2026/3/18”，请改为 2026-03-18。",
        path="schedule.election_day",
    ),
    Case(
        "date-chinese.yaml",
        1,
        "SCHEMA-FORMAT",
        6,
        17,
        "日期应写作 2026-03-18（年-月-日，半角数字，月日补足两位）；实际为文字“2026年3月18日”，请改为 2026-03-18。",
        path="schedule.election_day",
    ),
    Case(
        "date-nonexistent.yaml",
        1,
        "SCHEMA-DATE",
        6,
        17,
        "选举日不是存在的日期：2026-02-30（请核对月份和日子，如 2 月没有 30 日）。",
        path="schedule.election_day",
    ),
    Case(
        "birth-no-padding.yaml",
        1,
        "SCHEMA-FORMAT",
        8,
        12,
        "出生年月应写作 1972-05（年-月，半角数字，月份补足两位）；实际为文字“1972-5”，请改为 1972-05。",
        path="candidates[0].birth",
    ),
    Case(
        "unknown-field.yaml",
        1,
        "SCHEMA-UNKNOWN-FIELD",
        11,
        5,
        "未知字段“gendre”。是否应为“gender”？",
        path="candidates[1].gendre",
    ),
    Case(
        "full-width-colon.yaml",
        1,
        "YAML-SYNTAX",
        2,
        5,
        "字段“kind”后面用了全角冒号“：”，请改为半角冒号“:”，并在冒号后加一个空格。",
    ),
    Case(
        "two-documents.yaml",
        1,
        "YAML-MULTI-DOC",
        5,
        1,
        "文件中只能有一条记录（一个 YAML 文档），请删除多余的“---”分隔线。",
    ),
    Case("undefined-alias.yaml", 1, "YAML-SYNTAX", 5, 12, "引用了未定义的锚点 *weiyuanhui。", path="committee"),
]

# Files of the corpus that must pass.
PASSING = ["bom.yaml"]
# Files that cannot start with a YAML comment (empty, binary, not UTF-8 text).
NO_COMMENT = {"empty.yaml", "binary.yaml", "gbk.yaml", "utf16.yaml"}


def _assert_case(case: Case, finding: Finding) -> None:
    assert finding.id == case.id
    assert finding.severity is Severity.ERROR
    assert finding.line == case.line
    assert finding.column == case.column
    assert finding.path == case.path
    if case.exact:
        assert finding.message == case.message
    else:
        assert case.message in finding.message
    assert finding.unreadable == (case.exit_code == 2)


def test_corpus_table_covers_every_file():
    on_disk = {p.name for p in BAD.iterdir()}
    assert on_disk == {c.file for c in CORPUS} | set(PASSING)


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.iterdir()))
def test_corpus_file_is_small_and_explains_itself(name):
    data = (BAD / name).read_bytes()
    assert len(data) < 4096, "large inputs are generated in the tests, not committed"
    if name not in NO_COMMENT:
        assert data.removeprefix(b"\xef\xbb\xbf").startswith(b"# ")


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.file)
def test_corpus_check_file(case):
    result = check.check_file(str(BAD / case.file))
    assert not result.ok
    assert len(result.findings) == 1, [f.message for f in result.findings]
    _assert_case(case, result.findings[0])
    assert check_exit_code([result]) == case.exit_code
    assert result.unreadable == (case.exit_code == 2)


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.file)
def test_corpus_cli_human(case):
    path = str(BAD / case.file)
    run = run_cli("check", path)
    assert run.exit_code == case.exit_code
    lines = finding_lines(run.stdout)
    assert len(lines) == 1, run.output
    if case.line is not None:
        match = HUMAN_LINE.match(lines[0])
        assert match, lines[0]
        assert (match["file"], int(match["line"]), int(match["column"])) == (path, case.line, case.column)
    else:  # the file as a whole could not be read: no line to point at
        match = HUMAN_LINE_NO_PLACE.match(lines[0])
        assert match, lines[0]
        assert match["file"] == path
    assert match["severity"] == "错误"
    assert match["id"] == case.id
    expected_tail = case.message + (f"（字段 {case.path}）" if case.path else "")
    if case.exact:
        assert lines[0].endswith(f"  {case.id}  {expected_tail}")
    else:
        assert case.message in lines[0]
    assert run.stderr.strip() == "共检查 1 个文件，0 个通过；错误 1 个，警告 0 个。"


def test_corpus_passing_files():
    for name in PASSING:
        result = check.check_file(str(BAD / name))
        assert result.ok and result.findings == [], result.findings
        assert run_cli("check", str(BAD / name)).exit_code == 0


def test_bom_is_dropped_and_data_read():
    raw = (BAD / "bom.yaml").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    record, findings = records.load(str(BAD / "bom.yaml"))
    assert findings == []
    assert record.data == {"kind": "village_committee", "unit": {"name": "柳林村民委员会"}}
    assert record.positions[("kind",)] == (2, 7)


def test_gbk_file_is_really_gbk_chinese():
    raw = (BAD / "gbk.yaml").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "柳林村民委员会" in raw.decode("gbk")


def test_whole_corpus_in_one_run_reports_every_file():
    run = run_cli("check", str(BAD))
    assert run.exit_code == 2  # unreadable files are among them
    lines = finding_lines(run.stdout)
    reported = {Path(line.split(":")[0].split("  ")[0]).name for line in lines}
    assert reported == {c.file for c in CORPUS}
    assert len(lines) == len(CORPUS)
    for line in lines:
        assert HUMAN_LINE.match(line) or HUMAN_LINE_NO_PLACE.match(line), line


# --- the object tag is never executed -------------------------------------------------------


def test_object_tag_is_not_executed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "huanjie-tag-executed"
    source = BAD / "object-tag.yaml"
    result = check.check_file(str(source))
    run = run_cli("check", str(source))
    assert run.exit_code == 1
    assert [f.id for f in result.findings] == ["YAML-TAG"]
    assert not marker.exists()
    assert result.record.data["term"] is None


def test_object_tag_file_is_a_real_exploit(tmp_path, monkeypatch):
    """Guards the test above: an unsafe loader does run the command in that file."""
    monkeypatch.chdir(tmp_path)
    yaml.unsafe_load((BAD / "object-tag.yaml").read_text(encoding="utf-8"))
    assert (tmp_path / "huanjie-tag-executed").exists()


@pytest.mark.parametrize(
    "text",
    [
        "kind: !!python/object:os.system {}\n",
        "kind: !!python/name:os.system\n",
        "!!python/object/new:os.system [echo]\n",
        "kind: deputy\nunit: !!python/object/apply:os.system {args: [echo]}\n",
        "kind: deputy\nunit: !custom {name: x}\n",
        "kind: deputy\n!!python/str key: 1\n",
    ],
)
def test_other_tags_are_findings(text):
    record, findings = records.parse(text, "t.yaml")
    assert "YAML-TAG" in [f.id for f in findings]
    if record is not None:
        assert _plain(record.data)


def _plain(value) -> bool:
    """Only what YAML text can say: mappings, lists, text, numbers, true/false, null."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or type(value) in (str, int, float, bool)


def test_tagged_value_is_reported_once():
    record, findings = records.parse("kind: deputy\nunit: !!set {name: x}\n", "t.yaml")
    assert record.data["unit"] is None
    assert ("unit",) in record.damaged
    result_ids = [f.id for f in findings]
    assert result_ids == ["YAML-TAG"]


# --- limits ---------------------------------------------------------------------------------


def test_oversize_file_is_refused_without_reading(tmp_path):
    path = tmp_path / "big.yaml"
    with open(path, "w", encoding="utf-8") as out:
        out.write("kind: village_committee\nunit:\n  name: 柳林村民委员会\n")
        out.write("# " + "x" * (records.MAX_BYTES + 10) + "\n")
    result = check.check_file(str(path))
    assert [f.id for f in result.findings] == ["FILE-TOO-LARGE"]
    finding = result.findings[0]
    assert finding.message == (
        "文件过大：5.0 MB，记录文件不能超过 5 MB。请检查是否误选了其他文件；选民名单过长时可分到多个场次或多个记录。"
    )
    assert finding.unreadable
    run = run_cli("check", str(path))
    assert run.exit_code == 2
    assert finding_lines(run.stdout) == [f"{path}  错误  FILE-TOO-LARGE  {finding.message}"]


def test_size_limit_boundary(tmp_path, monkeypatch):
    monkeypatch.setattr(records, "MAX_BYTES", 200)
    head = "kind: deputy\nunit: {name: 某选区}\n# "
    at_limit = tmp_path / "at.yaml"
    at_limit.write_bytes((head + "x" * (200 - len(head.encode()) - 1) + "\n").encode())
    over = tmp_path / "over.yaml"
    over.write_bytes(at_limit.read_bytes() + b" ")
    assert os.path.getsize(at_limit) == 200
    assert check.check_file(str(at_limit)).ok
    assert [f.id for f in check.check_file(str(over)).findings] == ["FILE-TOO-LARGE"]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_size_limit_holds_for_files_of_unknown_size(monkeypatch, tmp_path):
    # /dev/zero reports size 0: it is not a regular file and is refused before anything is read.
    monkeypatch.setattr(records, "MAX_BYTES", 1000)
    text, findings = records.read_text("/dev/zero")
    assert text is None
    assert [f.id for f in findings] == ["FILE-UNREADABLE"]
    assert findings[0].message.startswith("不是普通文件：这是一个设备文件，未读取。")
    # a file larger than its size said when it was looked at (it grew): what is read is still bounded
    grown = tmp_path / "grown.yaml"
    grown.write_bytes(b"#" * 5000)
    real_stat = os.stat

    def stale_stat(path, *args, **kwargs):
        info = real_stat(path, *args, **kwargs)
        return os.stat_result((info.st_mode, *info[1:6], 0, *info[7:10])) if str(path) == str(grown) else info

    monkeypatch.setattr(records.os, "stat", stale_stat)
    text, findings = records.read_text(str(grown))
    assert text is None
    assert [f.id for f in findings] == ["FILE-TOO-LARGE"]


def test_alias_bomb_stops_fast():
    start = time.perf_counter()
    record, findings = records.load(str(BAD / "alias-bomb.yaml"))
    assert time.perf_counter() - start < 5
    assert record is None
    assert [f.id for f in findings] == ["YAML-ALIAS-LIMIT"]


def test_aliases_that_multiply_a_long_list_are_stopped(tmp_path):
    # 2,000 names aliased 60 times: a small file that would expand to 120,000 schema checks.
    names = "".join(f"  - 张{i}\n" for i in range(2000))
    groups = "".join("    - {name: 一组, voters: *names}\n" for _ in range(60))
    path = tmp_path / "amplify.yaml"
    path.write_text(
        f"kind: deputy\nunit: {{name: 某选区}}\nlist: &names\n{names}electorate:\n  groups:\n{groups}", encoding="utf-8"
    )
    record, findings = records.load(str(path))
    assert record is None
    assert [f.id for f in findings] == ["YAML-ALIAS-LIMIT"]


def test_too_many_aliases():
    text = "kind: deputy\nunit: {name: x}\nlist: &a x\nmore: [" + ", ".join(["*a"] * 101) + "]\n"
    record, findings = records.parse(text, "t.yaml")
    assert record is None
    assert [(f.id, f.message) for f in findings] == [
        ("YAML-ALIAS-LIMIT", "引用（*别名）超过 100 处，已停止读取。记录中不需要使用锚点和别名。")
    ]


def test_modest_alias_use_is_read():
    text = (
        "kind: deputy\nunit: {name: 某选区}\ncommittee:\n  members: &m [张三, 李四]\n"
        "documents:\n  discipline_signers: *m\n"
    )
    record, findings = records.parse(text, "t.yaml")
    assert findings == []
    assert record.data["documents"]["discipline_signers"] == ["张三", "李四"]
    assert record.positions[("documents", "discipline_signers")] == (6, 23)


def test_deep_block_nesting(tmp_path):
    text = "kind: deputy\n" + "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "v\n"
    record, findings = records.parse(text, "t.yaml")
    assert record is None
    assert [f.id for f in findings] == ["YAML-TOO-DEEP"]
    # The root is level 1; the mapping under k{n} is level n + 2 and begins on line n + 3:
    # level 41, the first one too many, is the mapping under k39, on line 42.
    assert findings[0].line == 42
    assert findings[0].path.endswith(".k38.k39")


def test_nesting_at_limit_is_read():
    text = "kind: deputy\nx: " + "[" * (records.MAX_DEPTH - 1) + "]" * (records.MAX_DEPTH - 1) + "\n"
    record, findings = records.parse(text, "t.yaml")
    assert findings == []
    assert record is not None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1" + "0" * 29, 10**29),
        ("-5", -5),
        ("1_486", 1486),
    ],
)
def test_integers_up_to_the_limit_are_numbers(value, expected):
    record, findings = records.parse(f"n: {value}\n", "t.yaml")
    assert findings == []
    assert record.data["n"] == expected


@pytest.mark.parametrize("value", ["1" + "0" * 30, "0x" + "f" * 4000, "!!int 0x" + "f" * 4000])
def test_overlong_numbers_are_findings(value):
    record, findings = records.parse(f"n: {value}\n", "t.yaml")
    assert [f.id for f in findings] == ["YAML-NUMBER"] or not isinstance(record.data["n"], int)


def test_overlong_hex_count_does_not_crash_the_schema(write):
    # int('f' * 4000, 16) has over 4,300 decimal digits: turning it into text raised ValueError.
    path = write("hex.yaml", "kind: deputy\nunit: {name: x}\nelectorate:\n  registered: 0x" + "f" * 4000 + "\n")
    result = check.check_file(path)
    assert [f.id for f in result.findings] == ["SCHEMA-TYPE"]
    run = run_cli("check", path)
    assert run.exit_code == 1


@pytest.mark.parametrize("value", ["0147", "0x1F", "1:30", "0b101"])
def test_non_decimal_integers_stay_text(value):
    # YAML 1.1 reads 0147 as octal 103 and 1:30 as 90: a count would silently change.
    record, findings = records.parse(f"n: {value}\n", "t.yaml")
    assert findings == []
    assert record.data["n"] == value


def test_leading_zero_count_is_reported(write):
    path = write("zero.yaml", "kind: deputy\nunit: {name: x}\nelectorate:\n  registered: 0147\n")
    [finding] = check.check_file(path).findings
    assert finding.message == "登记人数应为整数，实际为文字“0147”（数字不要以 0 开头）。"
    assert (finding.line, finding.column) == (4, 15)


@pytest.mark.parametrize(
    "text, message",
    [
        ('term: !!int ""\n', "空值不能按标签 !!int 读作整数。请删除该标签。"),
        ("term: !!float abc\n", "“abc”不能按标签 !!float 读作数字。请删除该标签。"),
        ("term: !!bool maybe\n", "“maybe”不能按标签 !!bool 读作是非值（true 或 false）。请删除该标签。"),
        ('term: !!float ""\n', "空值不能按标签 !!float 读作数字。请删除该标签。"),
    ],
)
def test_explicit_scalar_tags_that_do_not_fit(text, message):
    # These used to raise IndexError/KeyError out of the constructor.
    record, findings = records.parse("kind: deputy\n" + text, "t.yaml")
    assert [(f.id, f.message, f.line, f.column, f.path) for f in findings] == [("YAML-TAG", message, 2, 7, "term")]
    assert record.data["term"] is None


def test_explicit_scalar_tags_that_fit():
    record, findings = records.parse("a: !!str 12\nb: !!int '7'\nc: !!bool 'true'\nd: !!null x\ne: ! 5\n", "t.yaml")
    assert findings == []
    assert record.data == {"a": "12", "b": 7, "c": True, "d": None, "e": "5"}


def test_dates_stay_text():
    record, findings = records.parse("a: 2026-03-18\nb: 1972-05\nc: 2026-03-18 10:00:00\n", "t.yaml")
    assert findings == []
    assert record.data == {"a": "2026-03-18", "b": "1972-05", "c": "2026-03-18 10:00:00"}


# --- syntax and structure -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, line, column, message",
    [
        (
            "kind: deputy\nunit:\n  name: x\n    short_name: y\n",
            4,
            15,
            "这里不能出现冒号“:”。可能是缩进不对、冒号后缺空格，或文字中含冒号而未加引号。",
        ),
        ('kind: deputy\nterm: "第十届\n', 3, 1, "文件意外结束：有引号或括号没有闭合。"),
        ("kind: deputy\nunit: {name: x\n", 3, 1, "花括号 { } 没有正确闭合，或字段之间缺少逗号。"),
        ('kind: deputy\nterm: "C:\\d"\n', 2, 11, "双引号中有无法识别的转义符“\\”；路径等文字请用单引号。"),
        ("kind: deputy\nterm: @x\n", 2, 7, "这里有 YAML 不允许作为开头的字符（如 @ 或 `）；请给这段文字加引号。"),
        (
            "kind: deputy\nterm: - 第十届\n",
            2,
            7,
            "这里不能出现列表项“- ”：列表项应另起一行并缩进；以“- ”开头的文字请加引号。",
        ),
        ('kind: deputy\nterm: "第十届\n---\n"\n', 3, 1, "引号没有闭合：引号中的文字里出现了“---”或“...”分隔线。"),
        ("kind: deputy\nunit:\n  name: x\n - y\n", 4, 2, "缩进不一致：同一层的字段应左对齐，列表项“- ”应对齐。"),
        (
            'kind: deputy\nterm: "第十届" 换届\n',
            2,
            13,
            "这里多了一段文字：可能是引号结束后同一行还写了内容，或缩进不对；整段文字请都放在引号内。",
        ),
        (
            '"第十届" 换届\n',
            1,
            7,
            "这里有多余的内容：前面的内容已经结束（如引号或括号已闭合），后面不能再接文字；请检查引号、括号和缩进。",
        ),
        (
            "kind: deputy\nterm: |第十届\n",
            2,
            8,
            "以“|”或“>”开头的值表示多行文字，其后同一行不能再写内容；如果只是普通文字，请加引号。",
        ),
        (
            "%YAML 1.1\n%YAML 1.1\nkind: deputy\n",
            2,
            1,
            "以“%”开头的行是 YAML 指令，记录中用不到，请删除这一行（以 % 开头的文字请加引号）。",
        ),
        (
            "kind: deputy\nterm: !e!x 1\n",
            2,
            7,
            "“!”开头的标签写法不对；记录中用不到标签，请删除（以 ! 开头的文字请加引号）。",
        ),
        ('kind: deputy\nterm: "\\x4"\n', 2, 10, "双引号中的“\\x”“\\u”后应跟十六进制数字；路径等文字请用单引号。"),
        (
            "kind: deputy\nunit：\n  name: x\n",
            2,
            5,
            "字段“unit”后面用了全角冒号“：”，请改为半角冒号“:”，并在冒号后加一个空格。",
        ),
    ],
)
def test_syntax_errors_in_chinese(text, line, column, message):
    record, findings = records.parse(text, "t.yaml")
    assert record is None
    assert [(f.id, f.line, f.column, f.message) for f in findings] == [("YAML-SYNTAX", line, column, message)]


def test_control_character_is_a_finding():
    record, findings = records.parse("kind: deputy\nterm: a\x07b\n", "t.yaml")
    assert record is None
    assert [(f.id, f.line, f.column, f.message) for f in findings] == [
        ("YAML-SYNTAX", 2, 8, "文件含有 YAML 不允许的控制字符。")
    ]


def test_full_width_colon_on_a_single_line_file(write):
    path = write("one.yaml", "# 说明\nkind：village_committee\n")
    [finding] = check.check_file(path).findings
    assert finding.id == "RECORD-ROOT"
    assert (finding.line, finding.column) == (2, 1)
    assert finding.message == (
        "记录的最外层应为“名称: 值”的映射（第一行通常是 kind: ...），"
        "实际为一段文字（注意：冒号应为半角“:”，不是全角“：”）。"
    )


@pytest.mark.parametrize(
    "text, found", [("42\n", "一个数字或布尔值"), ("true\n", "一个数字或布尔值"), ("就是一段话\n", "一段文字")]
)
def test_root_scalars(text, found):
    record, findings = records.parse(text, "t.yaml")
    assert record is None
    assert [f.message for f in findings] == [
        f"记录的最外层应为“名称: 值”的映射（第一行通常是 kind: ...），实际为{found}。"
    ]


def test_complex_key_is_reported_with_its_place():
    record, findings = records.parse("kind: deputy\n? [a, b]\n: c\n", "t.yaml")
    assert [(f.id, f.line, f.column) for f in findings] == [("YAML-KEY", 2, 3)]
    assert record.data == {"kind": "deputy"}


def test_duplicate_key_keeps_the_first_value_and_reports_nested_duplicates():
    text = "kind: deputy\nunit:\n  name: 甲\n  name: 乙\ncandidates:\n  - {name: 张三, name: 李四, post: 代表}\n"
    record, findings = records.parse(text, "t.yaml")
    assert [(f.id, f.line, f.column, f.path) for f in findings] == [
        ("YAML-DUPLICATE-KEY", 4, 3, "unit.name"),
        ("YAML-DUPLICATE-KEY", 6, 16, "candidates[0].name"),
    ]
    assert record.data["unit"] == {"name": "甲"}
    assert record.data["candidates"][0] == {"name": "张三", "post": "代表"}


def test_anchored_key_can_be_aliased_as_key():
    record, findings = records.parse("&k kind: deputy\n*k : x\n", "t.yaml")
    assert [f.id for f in findings] == ["YAML-DUPLICATE-KEY"]


def test_undefined_alias_as_key():
    record, findings = records.parse("kind: deputy\n*nope : x\n", "t.yaml")
    assert [(f.id, f.message, f.line) for f in findings] == [("YAML-SYNTAX", "引用了未定义的锚点 *nope。", 2)]
    assert record.data == {"kind": "deputy"}


def test_missing_file_and_directory(tmp_path):
    missing = str(tmp_path / "nope.yaml")
    [finding] = check.check_file(missing).findings
    assert (finding.id, finding.message, finding.unreadable) == (
        "FILE-NOT-FOUND",
        "找不到该文件，请检查路径和文件名。",
        True,
    )
    [finding] = check.check_file(str(tmp_path)).findings
    assert (finding.id, finding.message) == (
        "FILE-IS-DIRECTORY",
        "这是一个文件夹，其中没有 .yaml 记录文件；请指定记录文件，或含记录文件的文件夹。",
    )


@pytest.mark.parametrize(
    "error, finding_id, message",
    [
        (PermissionError(13, "Permission denied"), "FILE-UNREADABLE", "没有读取该文件的权限。"),
        (OSError(5, "Input/output error"), "FILE-UNREADABLE", "无法读取该文件（磁盘读写出错）。"),
    ],
)
def test_unreadable_file(tmp_path, monkeypatch, error, finding_id, message):
    path = tmp_path / "secret.yaml"
    path.write_text("kind: deputy\n", encoding="utf-8")

    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(records, "open", refuse, raising=False)  # shadows the builtin in that module only
    result = check.check_file(str(path))
    assert [(f.id, f.message, f.unreadable) for f in result.findings] == [(finding_id, message, True)]
    assert check_exit_code([result]) == 2


@pytest.mark.parametrize(
    "raw, guess",
    [
        ("kind: deputy\nunit: {name: 阳光社区}\n".encode("gb18030"), "看起来是 GBK（GB18030）编码"),
        (b"kind: deputy\nterm: \xff\xff\xff\n", "无法识别其编码"),
    ],
)
def test_decode_names_the_encoding(raw, guess):
    text, findings = records.decode(raw, "t.yaml")
    assert text is None
    [finding] = findings
    assert finding.id == "FILE-ENCODING" and guess in finding.message and finding.unreadable
    assert finding.line == 2


def test_decode_utf8_with_and_without_bom():
    assert records.decode("kind: 村".encode(), "t") == ("kind: 村", [])
    assert records.decode(b"\xef\xbb\xbf" + "kind: 村".encode(), "t") == ("kind: 村", [])


# --- positions ------------------------------------------------------------------------------


def test_positions_of_values_and_keys():
    text = (
        "kind: deputy\n"
        "unit:\n"
        "  name: 某选区\n"
        "candidates:\n"
        "  - name: 张三\n"
        "    post: 代表\n"
        "  - {name: 李四, post: 代表, birth: 1972-5}\n"
    )
    record, findings = records.parse(text, "t.yaml")
    assert findings == []
    assert record.positions[()] == (1, 1)
    assert record.positions[("unit",)] == (3, 3)
    assert record.positions[("unit", "name")] == (3, 9)
    assert record.positions[("candidates", 0, "post")] == (6, 11)
    assert record.positions[("candidates", 1)] == (7, 5)
    assert record.positions[("candidates", 1, "birth")] == (7, 33)
    assert record.key_positions[("candidates", 1, "birth")] == (7, 26)
    assert record.locate(("candidates", 1, "birth"), key=True) == (7, 26)
    # A path below a value falls back to the nearest value that exists.
    assert record.locate(("candidates", 1, "gender")) == (7, 5)
    assert record.locate(("nothing", 3)) == (1, 1)


def test_finding_built_from_record_carries_path_and_place():
    record, _ = records.parse("kind: deputy\ncandidates:\n  - {name: 李四, birth: 1972-5}\n", "t.yaml")
    finding = record.finding("X", Severity.WARNING, "说明", ("candidates", 0, "birth"))
    assert (finding.file, finding.line, finding.column, finding.path) == ("t.yaml", 3, 23, "candidates[0].birth")
    assert format_human(finding) == "t.yaml:3:23  警告  X  说明（字段 candidates[0].birth）"


# --- fuzzing --------------------------------------------------------------------------------

# Text made of YAML's own pieces reaches far more of the parser and the builder than random text.
_TOKENS = [
    "kind",
    "unit",
    "name",
    "candidates",
    "registered",
    "x",
    "村委会",
    "１４８６",
    "：",
    ":",
    ": ",
    "\n",
    "\n  ",
    "\n    ",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ",",
    "? ",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "*zz",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!str ",
    "!!null ",
    "!!python/object/apply:os.system ",
    "!!set ",
    "!local ",
    "! ",
    '"',
    "'",
    '""',
    "\\",
    "\\x",
    "# 注释",
    "\t",
    "1",
    "-5",
    "0147",
    "0x1F",
    "1:30",
    "1" * 35,
    "1.5",
    ".inf",
    "~",
    "null",
    "true",
    "yes",
    "2026-03-18",
    "|",
    ">",
    "|-",
    "---",
    "...",
    "---\n",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "!<tag:yaml.org,2002:int> ",
    "\ufeff",
    "\x07",
    "\r\n",
    "@",
    "`",
    " ",
]
YAMLISH = st.lists(st.sampled_from(_TOKENS), max_size=40).map("".join)


def _check_parse_result(record, findings):
    assert isinstance(findings, list)
    for finding in findings:
        assert isinstance(finding, Finding) and finding.severity is Severity.ERROR
        # Chinese, and never PyYAML's English passed through.
        assert re.search("[\u4e00-\u9fff]", finding.message), finding.message
        assert not re.search(r"\b(expected|found|while scanning|while parsing)\b", finding.message), finding.message
    if record is None:
        assert findings, "a text that yields no record must say why"
    else:
        assert isinstance(record.data, dict)
        line, column = record.positions[()]
        assert line >= 1 and column >= 1


@given(st.text(max_size=200))
def test_parse_never_raises_on_any_text(text):
    _check_parse_result(*records.parse(text, "fuzz.yaml"))


@given(YAMLISH)
def test_parse_never_raises_on_yaml_like_text(text):
    _check_parse_result(*records.parse(text, "fuzz.yaml"))


@given(st.binary(max_size=200))
def test_decode_and_parse_never_raise_on_any_bytes(raw):
    text, findings = records.decode(raw, "fuzz.yaml")
    if text is None:
        assert [f.id for f in findings] in (["FILE-ENCODING"], ["FILE-BINARY"])
        assert findings[0].unreadable
    else:
        assert findings == []
        _check_parse_result(*records.parse(text, "fuzz.yaml"))


@given(st.one_of(st.binary(max_size=200), YAMLISH.map(lambda t: t.encode("utf-8"))))
def test_check_file_never_raises(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.yaml"
    path.write_bytes(raw)
    result = check.check_file(str(path))
    assert all(isinstance(f, Finding) for f in result.findings)
    if result.record is None:
        assert result.findings and not result.ok
    else:
        assert result.ok == (result.findings == [])
        assert () in result.record.positions
    assert check_exit_code([result]) in (0, 1, 2)


_KEYS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=8)
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=False, allow_infinity=False), _KEYS
)
_DATA = st.dictionaries(
    _KEYS,
    st.recursive(
        _SCALARS,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
        max_leaves=20,
    ),
    max_size=5,
)


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, path + (index,))


@given(_DATA, st.booleans())
def test_dumped_data_reads_back_equal_with_every_position(data, flow):
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, sort_keys=False)
    record, findings = records.parse(text, "rt.yaml")
    assert findings == []
    assert record.data == data
    for path in _paths(data):
        assert path in record.positions, path

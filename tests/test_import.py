"""huanjie import: spreadsheets (.xlsx, .csv in GBK, .ods) into records, the roll's checks, ID numbers and masking."""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml
from docx import Document
from helpers import checked, ids, one, residents

from pipeline import idnumber, importer, records, schema
from pipeline.profile import select
from pipeline.sheets import Part, UnmappedSheet, sheet_part
from pipeline.starter import starter_text

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕"


def valid_id(region: str, born: dt.date, serial: int) -> str:
    first = f"{region}{born:%Y%m%d}{serial:03d}"
    return first + idnumber.check_digit(first)


def roll_rows(count: int, seed: int = 7) -> list[list]:
    """序号/姓名/性别/出生日期/身份证号/小组/住址 rows with distinct names, valid IDs, 80 % real dates."""
    rng = random.Random(seed)
    rows, seen = [], set()
    while len(rows) < count:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 66))
        sex = rng.choice("男女")
        serial = rng.randrange(0, 500) * 2 + (1 if sex == "男" else 0)
        number = valid_id("430102", born, serial)
        if name in seen or number in seen:
            continue
        seen |= {name, number}
        birth = (
            dt.datetime(born.year, born.month, born.day)
            if rng.random() < 0.8
            else f"{born.year}/{born.month}/{born.day}"
        )
        index = len(rows)
        rows.append([index + 1, name, sex, birth, number, f"第{index // 125 + 1}组", f"幸福路{index + 1}号"])
    return rows


HEADER = ["序号", "姓名", "性别", "出生日期", "身份证号", "小组", "住址"]


def xlsx(path: Path, rows: list[list], title: str | None = "幸福社区选民名单", header=HEADER) -> str:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "选民名单"
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return str(path)


# ---------------------------------------------------------------- reading sheets


def test_xlsx_with_mixed_dates_padded_names_and_a_wrong_check_digit(tmp_path, cli):
    good = valid_id("110101", dt.date(1990, 5, 12), 123)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        [1, "邹　兰", "女", dt.datetime(1990, 5, 12), good, "第一组", "幸福路1号"],
        [2, "廖  燕", "女", "1983/7/2", valid_id("110101", dt.date(1983, 7, 2), 42), "第一组", "幸福路2号"],
        [3, " 王伟", "男", "1975.04", None, "第二组", "幸福路3号"],
        [4, "陈刚", "男", 1975.4, bad, "第二组", None],
        [None, "合计：4人", None, None, None, None, None],
    ]
    sheet = xlsx(tmp_path / "名单.xlsx", rows)
    part = sheet_part(sheet)
    assert part.sheet == "选民名单" and part.header_row == 2
    assert [m[1] for m in part.mapped] == ["姓名", "性别", "出生日期", "身份证号", "小组", "住址"]
    assert part.ignored == [("A", "序号")]
    assert part.data == [
        {
            "name": "第一组",
            "voters": [
                {"name": "邹兰", "sex": "女", "birth": "1990-05-12", "id_number": good, "address": "幸福路1号"},
                {"name": "廖燕", "sex": "女", "birth": "1983-07-02", "id_number": rows[1][4], "address": "幸福路2号"},
            ],
        },
        {
            "name": "第二组",
            "voters": [
                {"name": "王伟", "sex": "男", "birth": "1975-04", "address": "幸福路3号"},
                {"name": "陈刚", "sex": "男", "birth": "1975-04", "id_number": bad},
            ],
        },
    ]
    assert part.count == 4 and part.women == 2
    assert part.skipped == ["第 7 行“合计：4人”不像姓名（合计、落款或说明行），已跳过"]
    assert "3 个姓名去掉了多余的空格或改成了半角字符（如 “邹\u3000兰”→“邹兰”）" in part.notes
    assert "2 个文字写的出生日期已改写为“年-月-日”（如 “1983/7/2”→ 1983-07-02）" in part.notes
    assert "1 个以数字表示的出生日期已改写（如 1975.4 → 1975-04）" in part.notes

    record = tmp_path / "幸福社区.yaml"
    run = cli("import", sheet, "-o", str(record), "--kind", "居委会")
    assert run.exit_code == 0, run.output
    lines = run.stdout.splitlines()
    assert lines[0] == f"读取 {sheet}：工作表“选民名单”，表头在第 2 行。"
    assert lines[1] == (
        "认出的列：B 列“姓名”→ 姓名；C 列“性别”→ 性别；D 列“出生日期”→ 出生日期；E 列“身份证号”→ 身份证号；"
        "F 列“小组”→ 小组；G 列“住址”→ 住址。"
    )
    assert lines[2] == "未使用的列：A 列“序号”。"
    assert "登记人数（electorate.registered）已填为 4。" in lines
    assert lines[-1] == f"已写入 {record}（选民名单 4 人）。下一步运行：huanjie check {record}"

    result = checked(record.read_text(encoding="utf-8"), str(record))
    wrong = one(result.findings, "ROLL-ID-NUMBER")
    assert wrong.message == (
        f"第二组选民“陈刚”的身份证号“{idnumber.mask(bad)}”校验码（最后一位）应为 {good[-1]}，实际为 {bad[-1]}，"
        "可能有数字录错。请对照身份证核对后改正。"
    )
    assert wrong.citation == "GB 11643-1999《公民身份号码》"
    assert wrong.path == "electorate.groups[1].voters[1].id_number"
    assert "ROLL-COUNT" not in ids(result.findings)
    assert not [f for f in result.findings if f.severity.name == "ERROR"]


def test_gbk_csv(tmp_path):
    text = "姓名,性别,出生年月,村民小组,户号\n李秀英,女,1962年3月,一组,0012\n张 建国,男,19580105,二组,0013\n"
    path = tmp_path / "名单.csv"
    path.write_bytes(text.encode("gbk"))
    part = sheet_part(str(path))
    assert part.sheet == "名单" and part.header_row == 1
    assert part.data == [
        {"name": "一组", "voters": [{"name": "李秀英", "sex": "女", "birth": "1962-03", "household": "0012"}]},
        {"name": "二组", "voters": [{"name": "张建国", "sex": "男", "birth": "1958-01-05", "household": "0013"}]},
    ]


def _ods(path: Path, rows: list[list[str]]) -> str:
    """A minimal OpenDocument spreadsheet, zipped by hand (mimetype first, stored)."""
    cells = "".join(
        "<table:table-row>"
        + "".join(f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>' for c in row)
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="候选人">{cells}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return str(path)


def test_ods_candidates_into_a_record_keep_its_comments(tmp_path, cli):
    sheet = _ods(
        tmp_path / "候选人.ods",
        [
            ["姓名", "参选职位", "性别", "出生年月", "民族", "学历", "政治面貌", "推荐方式"],
            ["王建国", "主任", "男", "1972.05", "汉", "本科", "党员", "社区党组织提名"],
            ["林美华", "主任", "女", "1980-07", "汉族", "大专", "群众", "十名以上选民联名"],
        ],
    )
    record = tmp_path / "记录.yaml"
    original = starter_text("residents_committee")
    record.write_text(original, encoding="utf-8")
    run = cli("import", sheet, "--into", str(record), "--what", "candidates")
    assert run.exit_code == 0, run.output
    assert (
        "认出的列：A 列“姓名”→ 姓名；B 列“参选职位”→ 职位；C 列“性别”→ 性别；D 列“出生年月”→ 出生日期；" in run.stdout
    )
    assert f"原记录已备份为 {record}.bak。" in run.stdout
    assert (tmp_path / "记录.yaml.bak").read_text(encoding="utf-8") == original
    text = record.read_text(encoding="utf-8")
    # Only the candidates were added: every line of the starter, its comments included, is still there, in order.
    added = [line for line in text.splitlines() if line not in original.splitlines()]
    assert added == [
        "candidates:",
        "  - {name: 王建国, post: 主任, gender: 男, birth: 1972-05, ethnicity: 汉族, education: 大学本科, politics: 中共党员, "
        "nominated_by: 社区党组织提名}",
        "  - {name: 林美华, post: 主任, gender: 女, birth: 1980-07, ethnicity: 汉族, education: 大专, politics: 群众, "
        "nominated_by: 十名以上选民联名}",
    ]
    kept = [line for line in text.splitlines() if line in original.splitlines()]
    assert kept == original.splitlines()
    data = records.parse(text, "记录.yaml")[0].data
    assert [c["name"] for c in data["candidates"]] == ["王建国", "林美华"]


def test_import_replaces_only_the_roll_and_keeps_comments_and_multiline_flow(tmp_path, cli):
    sample = Path(__file__).resolve().parent.parent / "samples" / "residents-yangguang.yaml"
    original = sample.read_text(encoding="utf-8")
    record = tmp_path / "阳光社区.yaml"
    record.write_text(original, encoding="utf-8")
    sheet = tmp_path / "名单.csv"
    sheet.write_text("姓名,小组\n赵一,一组\n钱二,一组\n孙三,二组\n", encoding="utf-8")
    run = cli("import", str(sheet), "--into", str(record), "--no-backup")
    assert run.exit_code == 0, run.output
    assert not (tmp_path / "阳光社区.yaml.bak").exists()
    assert (
        "记录中的登记人数（electorate.registered）为 1486，名单中为 3，未改动；如以名单为准，请把它改为 3。"
        in run.stdout
    )
    text = record.read_text(encoding="utf-8")
    before, after = original.split("\ncandidates:", 1)
    assert text.endswith("\ncandidates:" + after)  # the multi-line flow candidates and all below, byte for byte
    assert text.startswith(before.rstrip("\n").rsplit("\n", 1)[0])
    assert "  groups:\n    - name: 一组\n      voters: [赵一, 钱二]\n    - name: 二组\n      voters: [孙三]\n" in text
    # A second import replaces the groups written by the first, and nothing else.
    sheet.write_text("姓名,小组\n周四,三组\n", encoding="utf-8")
    assert cli("import", str(sheet), "--into", str(record), "--no-backup").exit_code == 0
    again = record.read_text(encoding="utf-8")
    assert again == text.replace(
        "    - name: 一组\n      voters: [赵一, 钱二]\n    - name: 二组\n      voters: [孙三]\n",
        "    - name: 三组\n      voters: [周四]\n",
    )


def test_votes_into_the_last_round(tmp_path, cli):
    sample = Path(__file__).resolve().parent.parent / "samples" / "residents-yangguang.yaml"
    record = tmp_path / "r.yaml"
    record.write_text(sample.read_text(encoding="utf-8"), encoding="utf-8")
    before = records.parse(record.read_text(encoding="utf-8"), "r.yaml")[0].data
    book = openpyxl.Workbook()
    book.active.append(["职位", "候选人", "得票数"])
    for post, votes in before["rounds"][-1]["votes"].items():
        for name, count in votes.items():
            book.active.append([post, name, str(count + 1) if name == "王建国" else count])
    book.save(tmp_path / "计票.xlsx")
    run = cli("import", str(tmp_path / "计票.xlsx"), "--into", str(record), "--what", "votes")
    assert run.exit_code == 0, run.output
    after = records.parse(record.read_text(encoding="utf-8"), "r.yaml")[0].data
    expected = before["rounds"][-1]["votes"]
    expected["主任"]["王建国"] += 1
    assert after["rounds"][-1]["votes"] == expected
    assert {k: v for k, v in after.items() if k != "rounds"} == {k: v for k, v in before.items() if k != "rounds"}


# ---------------------------------------------------------------- what cannot be imported, in Chinese


def test_a_sheet_it_cannot_map(tmp_path, cli):
    sheet = xlsx(tmp_path / "表.xlsx", [["张三", "一组"]], title=None, header=["人员", "组织"])
    record = tmp_path / "r.yaml"
    run = cli("import", sheet, "-o", str(record))
    assert run.exit_code == 2
    assert run.stderr.strip() == (
        f"错误：表格 {sheet} 中找不到选民名单的表头：最像表头的是工作表“选民名单”第 1 行，其中的列名为 “人员”、“组织”，"
        "缺少“姓名”列。导入选民名单必须有的列：姓名；可选的列：性别、出生日期/出生年月/出生年月日、"
        "身份证号/公民身份号码/身份证号码、小组/村民小组/居民小组、住址/地址/家庭住址、户号/户编号/户籍编号。"
        "请把列名改成上面的写法（或用 --sheet 指定工作表）后再导入。"
    )
    assert not record.exists()
    with pytest.raises(UnmappedSheet):
        sheet_part(sheet)


def test_refusals(tmp_path, cli):
    sheet = xlsx(tmp_path / "名单.xlsx", [[1, "张三", "男", None, None, "一组", None]])
    run = cli("import", sheet, "--into", str(tmp_path / "r.yaml"), "--sheet", "Sheet9")
    assert run.exit_code == 2
    assert run.stderr.strip() == f"错误：表格文件 {sheet} 中没有名为“Sheet9”的工作表；其中的工作表：“选民名单”。"
    doc = tmp_path / "名单.docx"
    doc.write_bytes(b"PK")
    run = cli("import", str(doc), "-o", str(tmp_path / "r.yaml"))
    assert (
        run.stderr.strip() == f"错误：不支持的表格文件类型“.docx”：{doc}。请另存为 .xlsx、.xls、.ods 或 .csv 后再导入。"
    )
    fake = tmp_path / "坏.xlsx"
    fake.write_text("姓名,小组\n", encoding="utf-8")
    run = cli("import", str(fake), "-o", str(tmp_path / "r.yaml"))
    assert run.exit_code == 2
    assert "不是有效的 .xlsx 文件（可能是改了扩展名的 .xls 或 .csv）" in run.stderr
    run = cli("import", sheet)
    assert run.exit_code == 2
    assert "请用 --into 记录.yaml 写入已有记录，或用 -o 新记录.yaml 新建记录（二者选一）。" in run.stderr
    record = tmp_path / "r.yaml"
    record.write_text(starter_text("居委会"), encoding="utf-8")
    tally = xlsx(tmp_path / "计票.xlsx", [["主任", "王建国", 100]], title=None, header=["职位", "姓名", "得票"])
    run = cli("import", tally, "--into", str(record), "--what", "votes")
    assert run.exit_code == 2
    assert "记录中还没有投票轮次（rounds），无法导入得票。" in run.stderr
    broken = tmp_path / "坏.yaml"
    broken.write_text("kind: residents_committee\nunit: {name: x\n", encoding="utf-8")
    run = cli("import", sheet, "--into", str(broken))
    assert run.exit_code == 2 and f"错误：记录 {broken} 无法读取，未导入。请先改正：" in run.stderr
    assert broken.read_text(encoding="utf-8") == "kind: residents_committee\nunit: {name: x\n"


# ---------------------------------------------------------------- the whole path: 1,500 voters, check, render


def test_a_1500_voter_roll_into_a_starter_passes_check_and_renders(tmp_path, cli):
    sheet = xlsx(tmp_path / "幸福社区选民名单.xlsx", roll_rows(1500))
    record = tmp_path / "幸福社区.yaml"
    run = cli("import", sheet, "-o", str(record), "--kind", "居委会")
    assert run.exit_code == 0, run.output
    assert "登记人数（electorate.registered）已填为 1500。" in run.stdout
    check = cli("check", str(record))
    assert check.exit_code == 0, check.output
    assert "ROLL-" not in check.output
    out = tmp_path / "out"
    render = cli("render", str(record), "-o", str(out), "--only", "02", "--no-check-layout")
    assert render.exit_code == 0, render.output
    (notice,) = out.glob("02-*.docx")
    text = "\n".join(p.text for p in Document(str(notice)).paragraphs)
    text += "\n".join(c.text for t in Document(str(notice)).tables for r in t.rows for c in r.cells)
    assert "第1组（125户）" in text and "第12组（125户）" in text
    data = records.parse(record.read_text(encoding="utf-8"), "r")[0].data
    first = data["electorate"]["groups"][0]["voters"][0]
    assert first["name"] in text
    # Privacy: no ID number, birth date or address reaches the posted notice.
    assert first["id_number"] not in text and first["id_number"][:6] not in text
    assert first["address"] not in text and "幸福路" not in text


# ---------------------------------------------------------------- the roll's checks


def _roll(*voters, group: str = "一组", more: list | None = None) -> dict:
    groups = [{"name": group, "voters": list(voters)}] + (more or [])
    count = sum(len(g["voters"]) for g in groups)
    return residents(electorate={"registered": count, "groups": groups})


def test_age_on_the_election_day():
    # election day 2026-03-18 (residents()); 18 on 2026-03-18 is old enough, 2026-03-19 is not.
    found = checked(
        _roll(
            {"name": "甲", "birth": "2008-03-18"},
            {"name": "乙", "birth": "2008-03-19"},
            {"name": "丙", "id_number": valid_id("110101", dt.date(2009, 1, 1), 11)},
            {"name": "丁", "birth": "2008-03"},
        )
    ).findings
    ages = [f for f in found if f.id == "ROLL-AGE"]
    assert [(f.severity.name, f.message) for f in ages] == [
        (
            "ERROR",
            "一组选民“乙”按出生日期生于 2008-03-19，到选举日 2026-03-18 未满 18 周岁（17 岁），没有选举权。"
            "请从选民名单中删去此人，或核对出生日期。",
        ),
        (
            "ERROR",
            "一组选民“丙”按身份证号生于 2009-01-01，到选举日 2026-03-18 未满 18 周岁（17 岁），没有选举权。"
            "请从选民名单中删去此人，或核对身份证号。",
        ),
        (
            "INFO",
            "一组选民“丁”出生于 2008-03，只写了年月，无法确定到选举日 2026-03-18 是否年满 18 周岁。"
            "请补全出生日期（写作 2008-03-日）或身份证号。",
        ),
    ]
    assert ages[0].citation == "《中华人民共和国城市居民委员会组织法》（2025年修订）第十六条"
    assert ages[0].path == "electorate.groups[0].voters[1].birth"


def test_id_numbers_duplicates_and_two_groups():
    a = valid_id("110101", dt.date(1980, 1, 2), 11)
    b = valid_id("110101", dt.date(1981, 2, 3), 12)
    found = checked(
        _roll(
            {"name": "张三", "id_number": a},
            {"name": "张山", "id_number": a},
            {"name": "李四", "id_number": b, "birth": "1981-03-02", "sex": "男"},
            {"name": "王五", "id_number": "1101011980"},
            {"name": "赵六", "birth": "1970-01-01"},
            more=[
                {"name": "二组", "voters": [{"name": "李四", "id_number": b}, {"name": "赵 六", "birth": "1970-01-01"}]}
            ],
        )
    ).findings
    mask_a, mask_b = idnumber.mask(a), idnumber.mask(b)
    assert one(found, "ROLL-ID-DUPLICATE").message == (
        f"一组中“张三”、“张山”的身份证号相同（{mask_a}，共 2 处）：同一人重复登记，或有号码录错。请核对后删去重复的一处或改正号码。"
    )
    twice = [f.message for f in found if f.id == "ROLL-TWO-GROUPS"]
    assert twice == [
        f"身份证号 {mask_b} 在一组、二组各登记了一次（“李四”）：一名选民只能在一个小组登记、只有一个投票权。请删去多余的一处。",
        "“赵六”（出生日期 1970-01-01）在一组、二组各登记了一次，可能是同一人重复登记。如是同一人，请删去多余的一处；"
        "如是同名同生日的两个人，请补上身份证号加以区分。",
    ]
    assert one(found, "ROLL-ID-BIRTH").message == (
        "一组选民“李四”的出生日期写的是 1981-03-02，身份证号中的出生日期是 1981-02-03，两者不一致。请对照身份证核对出生日期或身份证号。"
    )
    assert one(found, "ROLL-ID-SEX").message == (
        "一组选民“李四”的性别写的是男，身份证号第 17 位表示女，两者不一致。请对照身份证核对性别或身份证号。"
    )
    assert one(found, "ROLL-ID-NUMBER").message == (
        "一组选民“王五”的身份证号“**********”应为 18 位，实际为 10 位。请对照身份证核对后改正。"
    )
    # Names only, as before: still valid, and namesakes are still only a hint.
    plain = checked(_roll("杨志", "杨 志")).findings
    assert [f.id for f in plain if f.id.startswith("ROLL")] == ["ROLL-DUPLICATE"]


def test_a_voter_object_is_checked_by_the_schema():
    data = _roll({"name": "甲", "sex": "男性", "birth": "1990/5/12", "phone": "1"})
    record = records.parse(yaml.safe_dump(data, allow_unicode=True), "t.yaml")[0]
    messages = {f.message for f in schema.validate(record)}
    assert "性别应为以下之一：男、女；实际为文字“男性”。" in messages
    assert (
        "出生日期应写作 1990-05-12（年-月-日，半角数字，月日补足两位），或只写年月 1990-05；实际为文字“1990/5/12”。"
        in messages
    )
    assert "未知字段“phone”。此处可用的字段：name、sex、birth、id_number、address、household。" in messages


# ---------------------------------------------------------------- ID numbers and masking


def test_gb11643_and_masking():
    assert idnumber.check_digit("11010519491231002") == "X"  # the standard's own example
    assert idnumber.problem("11010519491231002X") is None
    assert idnumber.problem(idnumber.normalise("１１０１０５１９４９１２３１００２ｘ")) is None
    assert idnumber.problem("110105194912310021") == "校验码（最后一位）应为 X，实际为 1，可能有数字录错"
    assert idnumber.problem("110105194902300021") == "第 7 至 14 位“19490230”不是存在的出生日期"
    assert idnumber.problem("110105491231002") == "是 15 位的旧号码，请改为现行的 18 位公民身份号码"
    assert idnumber.sex("11010519491231002X") == "女"
    assert idnumber.mask("11010519491231002X") == "110105********002X"
    profile = select(residents())
    assert profile.voter_roll.id_mask == (6, 4) and profile.voter_roll.min_age == 18
    assert idnumber.mask("11010519491231002X", profile.voter_roll.id_mask) == "110105********002X"
    assert idnumber.mask("11010519491231002X", (3, 0)) == "110***************"


def test_merge_of_an_unchanged_starter_is_byte_stable():
    text = starter_text("village_committee")
    part = Part("voters", [{"name": "一组", "voters": ["张大山"]}], "x.csv", "x", 1, count=1)
    merged = importer.merge(text, part)
    assert [line for line in merged.splitlines() if line not in text.splitlines()] == [
        "  groups:",
        "    - name: 一组",
        "      voters: [张大山]",
    ]


def test_the_sample_roll_imports_into_a_starter_and_checks(tmp_path, cli):
    sample = Path(__file__).resolve().parent.parent / "samples" / "sheets" / "幸福社区选民名单.csv"
    record = tmp_path / "幸福社区.yaml"
    run = cli("import", str(sample), "-o", str(record), "--kind", "residents_committee")
    assert run.exit_code == 0, run.output
    assert "已处理：1 个姓名去掉了多余的空格或改成了半角字符（如 “王\u3000秀”→“王秀”）。" in run.stdout
    check = cli("check", str(record))
    assert check.exit_code == 0 and "ROLL-" not in check.output, check.output
    data = records.parse(record.read_text(encoding="utf-8"), "r")[0].data
    assert [g["name"] for g in data["electorate"]["groups"]] == ["第1居民小组", "第2居民小组", "第3居民小组"]
    assert data["electorate"]["registered"] == 36


def test_proxies_and_contests(tmp_path, cli):
    sample = Path(__file__).resolve().parent.parent / "samples" / "building-leaders-chenguang.yaml"
    record = tmp_path / "楼栋.yaml"
    record.write_text(sample.read_text(encoding="utf-8"), encoding="utf-8")
    before = records.parse(record.read_text(encoding="utf-8"), "r")[0].data
    sheet = tmp_path / "委托.csv"
    sheet.write_text("受委托人,委托人\n周大明,李小红、王小兰\n", encoding="utf-8")
    run = cli("import", str(sheet), "--into", str(record), "--what", "proxies")
    assert run.exit_code == 2
    assert run.stderr.startswith(
        f"错误：记录分为 {len(before['contests'])} 个场次（contests），请用 --contest 序号 指明导入哪个场次：1（"
    )
    run = cli("import", str(sheet), "--into", str(record), "--what", "proxies", "--contest", "2")
    assert run.exit_code == 0, run.output
    after = records.parse(record.read_text(encoding="utf-8"), "r")[0].data
    assert after["contests"][1]["rounds"][-1]["proxies"] == [{"holder": "周大明", "principals": ["李小红", "王小兰"]}]
    after["contests"][1]["rounds"][-1].pop("proxies")
    before["contests"][1]["rounds"][-1].pop("proxies", None)
    assert after == before


def test_check_of_a_workbook_points_at_import(tmp_path, cli):
    sheet = xlsx(tmp_path / "名单.xlsx", [[1, "张三", "男", None, None, "一组", None]])
    run = cli("check", sheet)
    assert run.exit_code == 2
    assert f"如果这是选民名单等表格，请用 huanjie import {sheet} --into 记录.yaml 把它导入记录。" in run.output


def test_a_roll_into_a_one_line_electorate_keeps_its_comment():
    part = Part("voters", [{"name": "一组", "voters": ["张三", "李四"]}], "x.csv", "x", 1, count=2)
    text = "kind: residents_committee  # 类型\nelectorate: {registered: 2}   # 选民\nseats:\n- {post: 主任, count: 1}\n"
    assert importer.merge(text, part) == (
        "kind: residents_committee  # 类型\n"
        "electorate:                   # 选民\n"
        "  registered: 2\n"
        "  groups:\n"
        "  - name: 一组\n"
        "    voters: [张三, 李四]\n"
        "seats:\n"
        "- {post: 主任, count: 1}\n"
    )
    inline = "kind: residents_committee\ncontests:\n  - {name: 一号楼, electorate: {registered: 2}}\n"
    with pytest.raises(importer.ImportError_) as raised:
        importer.plan_text(inline, part, "r.yaml", contest=1)
    assert str(raised.value) == (
        "记录中的 contests[0] 写在一行的花括号 { } 里，无法只替换其中的 electorate；请先把它改写为每个字段一行的格式后再导入。"
    )

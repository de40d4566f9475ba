"""`huanjie export`: the roster, candidates, tally and statistics as an .xlsx, opened with openpyxl."""

from __future__ import annotations

import datetime as dt

import openpyxl
from conftest import SAMPLES, run_cli


def _export(tmp_path, sample: str, *args: str, name: str = "导出.xlsx"):
    out = tmp_path / name
    run = run_cli("export", str(SAMPLES / f"{sample}.yaml"), "-o", str(out), *args)
    return run, out


def _rows(sheet, start: int = 3) -> list[tuple]:
    return [r for r in sheet.iter_rows(min_row=start, values_only=True) if any(v is not None for v in r)]


def test_village_runoff_every_sheet_with_numbers_dates_and_print_setup(tmp_path):
    run, out = _export(tmp_path, "village-liulin-runoff")
    assert run.exit_code == 0, run.output
    assert run.stdout.strip() == f"已导出 {out}：当选人员花名册 5 行，候选人名单 9 行，计票结果 12 行，统计 22 行。"
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["当选人员花名册", "候选人名单", "计票结果", "统计"]
    roster = book["当选人员花名册"]
    assert roster["A1"].value == "柳林村第十二届村民委员会换届选举当选人员花名册"
    assert "A1:L1" in {str(r) for r in roster.merged_cells.ranges}
    assert roster["A2"].font.bold and roster.freeze_panes == "A3"
    assert [r[2] for r in _rows(roster)] == ["刘建华", "王秀兰", "孙丽娟", "周文斌", "吴海涛"]
    first = _rows(roster)[0]
    assert first == (1, "主任", "刘建华", "男", "汉族", dt.datetime(1975, 8, 1), 50, "大专", "中共党员", "是", 1530,
                     "柳林村党支部书记")  # fmt: skip
    assert _rows(roster)[4][10] == 1172  # elected in the 另行选举, with that round's votes
    assert roster["F3"].number_format == 'yyyy"年"m"月"'
    for sheet in book:
        assert sheet.print_title_rows == "$2:$2", sheet.title
        assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.fitToWidth == 1
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert [s.page_setup.orientation for s in book] == ["landscape", "landscape", "landscape", "portrait"]

    # candidates: post by post, in ballot (stroke) order, the record's fields only
    cands = book["候选人名单"]
    assert [c.value for c in cands[2]] == [
        "序号", "职位", "姓名", "性别", "民族", "出生年月", "年龄", "文化程度", "政治面貌", "是否现任", "提名方式",
        "提名得票", "工作单位及职务",
    ]  # fmt: skip
    assert [(r[1], r[2]) for r in _rows(cands)][:6] == [
        ("主任", "刘建华"), ("主任", "陈志强"), ("副主任", "王秀兰"), ("副主任", "赵国庆"), ("委员", "马德胜"),
        ("委员", "孙丽娟"),
    ]  # fmt: skip
    assert _rows(cands)[0][11] == 1712

    # tally: per round and post, ballots, threshold, share of valid ballots as a number with a % format
    tally = book["计票结果"]
    rows = _rows(tally)
    assert rows[0] == ("第1轮 首次选举", dt.datetime(2026, 4, 18), "主任", 1, 2210, 2205, 2187, 18, 1103, "刘建华", 1530,
                       0.6996, "当选")  # fmt: skip
    assert tally["B3"].number_format == "yyyy-mm-dd" and tally["L3"].number_format == "0.00%"
    runoff = [r for r in rows if r[0] == "第2轮 另行选举"]
    assert [(r[9], r[10], r[12]) for r in runoff] == [("吴海涛", 1172, "当选"), ("郑小燕", 905, None)]
    assert runoff[0][4:8] == (2120, 2116, 2107, 9)

    # statistics: the figures of `stats`, shares as numbers
    stats = {r[0]: r[1:] for r in _rows(book["统计"])}
    assert stats["登记选民"] == (2360, "人", None)
    assert stats["参选率"] == (None, None, 0.9343)
    assert stats["当选"] == (5, "名", None)
    assert stats["女性"] == (2, "名", 0.4)
    assert stats["中共党员（含预备党员）"] == (4, "名", 0.8)
    assert book["统计"]["D6"].number_format == "0.00%"
    note = book["统计"].cell(row=book["统计"].max_row, column=1).value
    assert note == (
        "注：参选率为参加投票占登记选民的比例；性别、年龄段、文化程度、党员、连任的占比以当选人数为分母"
        "（同届第一级已当选的不重复计算）；一次选举成功的占比以已计票的场次为分母。"
    )


def test_percent_places_set_the_share_and_its_format(tmp_path):
    text = (SAMPLES / "village-liulin-runoff.yaml").read_text(encoding="utf-8")
    record = tmp_path / "liulin.yaml"
    record.write_text(text.replace("documents:\n", "documents:\n  percent_places: 1\n", 1), encoding="utf-8")
    out = tmp_path / "计票.xlsx"
    run = run_cli("export", str(record), "-o", str(out), "--what", "tally", "--what", "统计")
    assert run.exit_code == 0, run.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["计票结果", "统计"]
    assert book["计票结果"]["L3"].value == 0.7 and book["计票结果"]["L3"].number_format == "0.0%"
    stats = {r[0]: r[3] for r in _rows(book["统计"])}
    assert stats["参选率"] == 0.934


def test_residents_party_and_deputy_samples(tmp_path):
    run, out = _export(tmp_path, "residents-yangguang", "--what", "roster,stats", name="阳光.xlsx")
    assert run.exit_code == 0, run.output
    book = openpyxl.load_workbook(out)
    assert [r[2] for r in _rows(book["当选人员花名册"])][:3] == ["王建国", "张伟", "刘芳"]
    stats = {r[0]: r[1:] for r in _rows(book["统计"])}
    assert stats["登记户代表"] == (1486, "户", None) and stats["参加投票的户代表"] == (1398, "户", None)

    run, out = _export(tmp_path, "party-qinghe-branch", "--what", "候选人", name="清河.xlsx")
    assert run.exit_code == 0, run.output
    sheet = openpyxl.load_workbook(out)["候选人名单"]
    assert [(r[1], r[2]) for r in _rows(sheet)][:3] == [("书记", "付建明"), ("委员", "龙晓燕"), ("委员", "邱振国")]

    run, out = _export(tmp_path, "deputy-xincheng-districts", "--what", "计票", name="代表.xlsx")
    assert run.exit_code == 0, run.output
    sheet = openpyxl.load_workbook(out)["计票结果"]
    assert [c.value for c in sheet[2]][:2] == ["场次", "轮次"]
    assert _rows(sheet)[0][:1] + _rows(sheet)[0][10:] == ("第一选区", "孙红梅", 1702, 0.4891, "另行选举候选人")
    assert sheet["M3"].number_format == "0.00%"


def test_never_overwrites_without_force_and_rejects_unknown_parts(tmp_path):
    out = tmp_path / "mine.xlsx"
    out.write_bytes(b"mine")
    run = run_cli("export", str(SAMPLES / "village-liulin-runoff.yaml"), "-o", str(out))
    assert run.exit_code == 2
    assert run.stderr.strip() == f"错误：文件 {out} 已存在，未覆盖。如确需覆盖，请加 --force。"
    assert out.read_bytes() == b"mine"
    run = run_cli("export", str(SAMPLES / "village-liulin-runoff.yaml"), "-o", str(out), "--force")
    assert run.exit_code == 0 and openpyxl.load_workbook(out).sheetnames[0] == "当选人员花名册"
    run = run_cli("export", str(SAMPLES / "village-liulin-runoff.yaml"), "-o", str(tmp_path / "x.xlsx"), "--what", "票")
    assert run.exit_code == 2
    assert (
        "错误：未知的导出内容“票”。可选：花名册（roster）、候选人（candidates）、计票（tally）、统计（stats），或 all（全部）。"
        in run.stderr
    )
    assert not (tmp_path / "x.xlsx").exists()


def test_a_record_with_errors_exports_nothing_unless_draft(tmp_path):
    text = (SAMPLES / "village-liulin-runoff.yaml").read_text(encoding="utf-8")
    record = tmp_path / "bad.yaml"
    record.write_text(text.replace("issued: 2210, returned: 2205", "issued: 2200, returned: 2205", 1), encoding="utf-8")
    out = tmp_path / "bad.xlsx"
    run = run_cli("export", str(record), "-o", str(out))
    assert run.exit_code == 1
    assert "未导出。请改正后重试，或加 --draft 导出草稿（标题标注“草稿（未通过校验）”）。" in run.stderr
    assert not out.exists()
    run = run_cli("export", str(record), "-o", str(out), "--draft", "--what", "stats")
    assert run.exit_code == 1
    assert run.stdout.strip().endswith("（草稿）")
    assert (
        openpyxl.load_workbook(out)["统计"]["A1"].value == "柳林村第十二届村民委员会换届选举统计表　草稿（未通过校验）"
    )


def test_a_void_round_and_its_rerun_in_the_tally(tmp_path):
    run, out = _export(tmp_path, "village-shiqiao-rerun", "--what", "tally")
    assert run.exit_code == 0, run.output
    rows = _rows(openpyxl.load_workbook(out)["计票结果"])
    assert rows[0] == ("第1轮 首次选举", dt.datetime(2026, 4, 18), "主任", 1, 570, 568, 564, 4, "—", "彭立军", 410, 0.727,
                       "本轮无效")  # fmt: skip
    assert [(r[0], r[9], r[12]) for r in rows if r[12] == "当选"] == [
        ("第2轮 重新选举", "彭立军", "当选"), ("第2轮 重新选举", "曾丽萍", "当选"), ("第2轮 重新选举", "苏晓燕", "当选"),
    ]  # fmt: skip


def test_unusable_output_or_record_exit_2(tmp_path):
    run = run_cli("export", str(SAMPLES / "village-liulin-runoff.yaml"), "-o", str(tmp_path))
    assert run.exit_code == 2
    assert run.stderr.strip() == (
        f"错误：{tmp_path} 是文件夹；请在 -o 后写要生成的表格文件名，如 {tmp_path / '导出.xlsx'}。"
    )
    run = run_cli("export", str(SAMPLES / "village-liulin-runoff.yaml"), "-o", str(tmp_path / "x.csv"))
    assert run.exit_code == 2 and f"错误：-o 后面应写 .xlsx 文件名，如 -o {tmp_path / 'x'}.xlsx。" in run.stderr
    run = run_cli("export", str(tmp_path / "无此记录.yaml"), "-o", str(tmp_path / "x.xlsx"))
    assert run.exit_code == 2 and "FILE-NOT-FOUND" in run.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_the_render_summary_names_the_roster_table_it_counts(tmp_path):
    run = run_cli("render", str(SAMPLES / "residents-yangguang.yaml"), "-o", str(tmp_path / "out"), "--only", "32")
    assert run.exit_code == 0, run.output
    assert run.stdout.splitlines()[-1] == "共生成 1 份文书，另有花名册表格 1 个文件。"


def test_never_writes_over_the_record_itself(tmp_path):
    record = tmp_path / "记录.xlsx"
    record.write_bytes(b"record")
    run = run_cli("export", str(record), "-o", str(record), "--force")
    assert run.exit_code == 2
    assert run.stderr.strip() == f"错误：-o 指定的 {record} 就是记录文件本身，未导出；请另写一个文件名。"
    assert record.read_bytes() == b"record"

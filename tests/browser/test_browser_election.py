"""End to end in Chromium (issue 16, item 5): a 居委会 election made from the page alone.

From 首页: create the record from the starter, fill the required fields, upload a 1,500-row roll .xlsx and the
candidate sheet, type a tally that breaks a rule and see the finding next to the field (the CLI's message), fix it,
generate, download the 选举结果公告 as .docx and PDF and read them.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from urllib.parse import unquote, urljoin

import docx
import openpyxl

from pipeline import records
from pipeline.check import check_record

from .browser_data import fetch, roll_workbook, voter
from .conftest import Server, screenshot
from .pages import Pages

ROLL = 1500
UNIT = "阳光社区居民委员会"
# The 阳光社区 sample's people: 1 主任, 1 副主任, 3 委员 to elect, two candidates more than seats.
CANDIDATES = [
    ("王建国", "男", "1972-05", "中共党员", "社区党组织提名", "主任"),
    ("林美华", "女", "1980-07", "群众", "十名以上选民联名", "主任"),
    ("张伟", "男", "1985-01", "中共党员", "社区党组织提名", "副主任"),
    ("黄丽", "女", "1988-09", "共青团员", "十名以上选民联名", "副主任"),
    ("刘芳", "女", "1987-03", "中共党员", "社区党组织提名", "委员"),
    ("陈晓东", "男", "1990-12", "中共党员", "社区党组织提名", "委员"),
    ("杨桂英", "女", "1969-06", "群众", "十名以上选民联名", "委员"),
    ("何军", "男", "1979-04", "群众", "十名以上选民联名", "委员"),
    ("郭磊", "男", "1993-08", "共青团员", "十名以上选民联名", "委员"),
]
VOTES = {
    "主任": {"王建国": 1002, "林美华": 268},
    "副主任": {"张伟": 980, "黄丽": 290},
    "委员": {"刘芳": 1105, "陈晓东": 1010, "杨桂英": 876, "何军": 512, "郭磊": 330},
}
ISSUED, RETURNED, INVALID = 1300, 1298, 12
VALID = RETURNED - INVALID  # 1286

REQUIRED = {
    "unit.name": UNIT,
    "unit.short_name": "阳光社区",
    "unit.parents": "青石县、东城街道",
    "committee.name": "阳光社区居民选举委员会",
    "committee.chair": "邓志华",
    "committee.members": "罗晓梅、唐建军、谢玉兰、彭卫东",
    "schedule.election_day": "2026-04-18",
    "schedule.voter_list_published": "2026-03-27",
    "electorate.registered": ROLL,
    "documents.number_prefix": "阳选委",
    "documents.signatory": "阳光社区居民选举委员会",
}


def candidate_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "性别", "出生年月", "民族", "文化程度", "政治面貌", "推荐方式", "职位"])
    for name, gender, birth, politics, nominated, post in CANDIDATES:
        sheet.append([name, gender, birth, "汉族", "大专", politics, nominated, post])
    book.save(path)
    return path


def record_file(server: Server, url: str) -> Path:
    rel = unquote(url.split("/record/", 1)[1]).split("?")[0].split("#")[0]
    return server.workspace / rel


def loaded(path: Path):
    record, findings = records.load(str(path))
    assert record is not None, [f.message for f in findings]
    return record, check_record(record, findings)


def pdf_text(data: bytes, tmp: Path) -> str:
    target = tmp / "下载.pdf"
    target.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True).stdout


def test_a_residents_committee_election_from_the_page_alone(browser, server: Server, tmp_path: Path):
    page = Pages(browser, server.url)

    # 首页 → 新建居委会记录.
    page.open()
    assert "huanjie" in browser.title or "换届" in browser.title
    page.new_record("residents_committee", "阳光社区")
    assert "/record/" in browser.current_url
    path = record_file(server, browser.current_url)
    assert path.is_file() and path.parent == server.workspace
    starter = path.read_text(encoding="utf-8")
    assert "kind: residents_committee" in starter

    # The starter's example names are warned about until they are replaced.
    assert "PLACEHOLDER-TEXT" in {s.id for s in page.findings()}
    for name, value in REQUIRED.items():
        page.fill(name, value)
    page.save()
    assert page.value("unit.name") == UNIT
    assert "PLACEHOLDER-TEXT" not in {s.id for s in page.findings()}
    text = path.read_text(encoding="utf-8")
    assert f"name: {UNIT}" in text
    assert "# 居民委员会换届选举记录（样板）" in text  # the starter's comments are kept

    # The roll: a 1,500-row workbook through the import form.
    page.import_sheet(roll_workbook(tmp_path / "阳光社区选民名单.xlsx", ROLL), "voters")
    record, _ = loaded(path)
    groups = record.data["electorate"]["groups"]
    assert sum(len(g["voters"]) for g in groups) == ROLL
    assert record.data["electorate"]["registered"] == ROLL
    assert groups[0]["voters"][0]["name"] == voter(0)[0]
    page.open(f"record/{path.name}")
    assert page.value("electorate.registered") == str(ROLL)

    # The candidates from their sheet.
    page.import_sheet(candidate_workbook(tmp_path / "候选人.xlsx"), "candidates")
    record, _ = loaded(path)
    assert [c["name"] for c in record.data["candidates"]] == [c[0] for c in CANDIDATES]
    screenshot(browser, "web-record")

    # 投票结果: the first round, with a tally for 主任 above what the valid ballots allow.
    enter_round(page, dict(VOTES, 主任={"王建国": 1102, "林美华": 268}))
    page.save()
    marks = [s for s in page.findings() if s.id == "BALLOT-MARKS"]
    message = f"主任职位得票合计 1370 票，超过有效票 {VALID} 张 × 应选 1 名 = {VALID} 票的上限（每张选票最多选 1 人，多选的选票无效）。请核对各人的得票数。"
    assert [s.message for s in marks] == [f"错误 BALLOT-MARKS：{message}"]
    assert marks[0].field == "rounds.0.votes.主任"
    assert "BALLOT-MARKS" in page.listed()
    # The same finding as the CLI's, next to the tally it names.
    _, result = loaded(path)
    assert [f.message for f in result.findings if f.id == "BALLOT-MARKS"] == [message]
    shown = browser.find_element("css selector", 'p.finding[data-id="BALLOT-MARKS"]')
    section = shown.find_element("xpath", "./ancestor::*[self::section or self::fieldset][1]")
    assert section.find_elements("id", "f-rounds-0-votes-主任-王建国")
    screenshot(
        browser, "web-findings", at=browser.find_element("css selector", 'div.tally[data-name="rounds.0.votes.主任"]')
    )

    # Fixed: the finding goes away, the record is clean.
    page.fill("rounds.0.votes.主任.王建国", 1002)
    page.save()
    assert "BALLOT-MARKS" not in {s.id for s in page.findings()}
    _, result = loaded(path)
    errors = [f for f in result.findings if f.severity.name == "ERROR"]
    assert errors == [], [f.message for f in errors]

    # 文书: generate all, download the 选举结果公告 as .docx and PDF.
    page.open(f"record/{path.name}/documents")
    page.click_and_wait("#generate-all", timeout=600)
    screenshot(browser, "web-documents")
    row = next(r for r in page.elements("tr[data-kind]") if "选举结果公告" in r.text)
    docx_url = urljoin(browser.current_url, row.find_element("css selector", "a.docx").get_attribute("href"))
    pdf_url = urljoin(browser.current_url, row.find_element("css selector", "a.pdf").get_attribute("href"))
    body, kind = fetch(browser, docx_url)
    assert "wordprocessingml" in kind or body[:2] == b"PK"
    document = docx.Document(io.BytesIO(body))
    words = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row_ in table.rows for cell in row_.cells
    )
    assert "阳光社区" in words
    for winner in ("王建国", "张伟", "刘芳", "陈晓东", "杨桂英"):
        assert winner in words
    assert words.index("王建国") < words.index("张伟") < words.index("刘芳")
    body, kind = fetch(browser, pdf_url)
    assert body[:5] == b"%PDF-", kind
    text = pdf_text(body, tmp_path)
    assert "选举结果公告" in text.replace(" ", "")
    for winner in ("王建国", "张伟", "刘芳", "陈晓东", "杨桂英"):
        assert winner in text.replace(" ", "")

    # 首页 lists the record with its unit and status.
    page.open()
    assert UNIT in page.element("body").text
    screenshot(browser, "web-home")


def enter_round(page: Pages, votes: dict[str, dict[str, int]]) -> None:
    """Fill the first round in the 投票结果 section: date, ballots and every candidate's votes."""
    if not page.has_field("rounds.0.date"):
        page.click_and_wait("#add-round")
    page.fill("rounds.0.date", "2026-04-18")
    page.fill("rounds.0.ballots.issued", ISSUED)
    page.fill("rounds.0.ballots.returned", RETURNED)
    page.fill("rounds.0.ballots.invalid", INVALID)
    for post, people in votes.items():
        for name, n in people.items():
            page.fill(f"rounds.0.votes.{post}.{name}", n)

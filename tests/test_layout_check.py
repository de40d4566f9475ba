"""The layout check of rendered documents: each failure class on a document that triggers it, and a clean one.

The triggering documents are built here with python-docx (the defects of the review, independent of the templates,
which are being fixed), converted in ONE LibreOffice call (`layoutcheck.check_documents`), and checked.
"""

from __future__ import annotations

import os
import re
import shutil
import time

import pytest
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

from pipeline import layoutcheck as lc
from pipeline.findings import Severity

FANG = "仿宋_GB2312"  # templates/fonts.conf maps it to FandolFang
SIGNATORY = "青石县河湾镇柳林村第十二届村民委员会换届选举委员会"  # 25 characters, a long 署名 like stress case 1


def _tools() -> None:
    missing = [tool for tool in ("soffice", "pdftotext") if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"缺少 {'、'.join(missing)}：请安装 libreoffice-writer-nogui poppler-utils（bash tools/system-deps.sh）"
        )


def _document(compact: bool = False, font: str = FANG):
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)
    section.top_margin = Twips(1417 if compact else 2098)
    section.bottom_margin = Twips(1134 if compact else 1984)
    section.left_margin, section.right_margin = Twips(1587), Twips(1474)
    section.footer_distance = Twips(1304)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    normal.font.name = "Liberation Serif"
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)
    normal.paragraph_format.space_after = Pt(0)
    return doc


def _body(doc, text: str, right_indent: float | None = None):
    para = doc.add_paragraph(text)
    para.paragraph_format.first_line_indent = Pt(32)
    if right_indent is not None:
        para.paragraph_format.right_indent = Pt(right_indent)
    return para


def _sign(doc, text: str):
    para = doc.add_paragraph(text)
    para.paragraph_format.left_indent = Pt(240)
    return para


def _narrow_table(doc, names: list[str]) -> None:
    """A candidate table whose 姓名 column is 3 characters wide (review §1 #3)."""
    table = doc.add_table(rows=len(names) + 1, cols=2)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), (1200, 3000), strict=True):
        col.set(qn("w:w"), str(width))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for row, (name, note) in enumerate([("姓名", "推荐方式"), *((n, "村民提名") for n in names)]):
        for col, (text, width) in enumerate(((name, 1200), (note, 3000))):
            cell = table.cell(row, col)
            cell.width = Twips(width)
            cell.text = text


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """name → PDF of each test document, all converted in one LibreOffice call."""
    _tools()
    root = tmp_path_factory.mktemp("layout")
    docs = {}

    doc = _document()  # review §1 #1: a 署名 that runs off the page
    _body(doc, "经投票选举，选出村民委员会成员5名。")
    _sign(doc, SIGNATORY + "（印）").paragraph_format.right_indent = Pt(-120)
    docs["overflow"] = doc

    doc = _document(compact=True)  # review §1 #2: 18 candidates, the 填写说明 and seal on sheet 2
    doc.add_paragraph("柳林村第十二届村民委员会委员选票")
    for n in range(1, 24):
        doc.add_paragraph(f"{n}. 候选人{n:02d}").paragraph_format.space_after = Pt(18)
    doc.add_paragraph("填写说明：1.同意的在候选人姓名后的空格内画“○”。")
    docs["ballot"] = doc

    doc = _document()  # review §1 #3: 4-character and ·-names in a 3-character column
    _body(doc, "正式候选人名单如下：")
    _narrow_table(doc, ["欧阳建华", "迪丽娜尔·吐尔逊", "刘芳"])
    docs["split"] = doc

    doc = _document()  # review §1 #6: the last page holds only 特此公告 + 署名
    for _ in range(3):
        _body(doc, "根据《中华人民共和国村民委员会组织法》和本省有关规定，经村民代表会议推选，现将选举结果公告如下。")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _body(doc, "特此公告。")
    doc.add_paragraph()
    _sign(doc, "柳林村村民选举委员会")
    _sign(doc, "2026年3月6日")
    docs["closing"] = doc

    doc = _document(font="Noto Serif CJK SC")  # review §1 #8: the body in a 宋体-style face
    _body(doc, "经投票选举，选出村民委员会成员5名。")
    docs["font"] = doc

    doc = _document()  # a clean notice: names in a wide column, closing on page 1, a page number below the area
    _body(doc, "经投票选举，刘芳、欧阳建华当选为柳林村第十二届村民委员会委员，迪丽娜尔·吐尔逊当选为主任。")
    table = doc.add_table(rows=2, cols=2)
    for col, text in enumerate(("欧阳建华", "迪丽娜尔·吐尔逊")):
        table.cell(0, col).text = text
        table.cell(1, col).text = "当选"
    _body(doc, "特此公告。")
    _sign(doc, "柳林村村民选举委员会")
    _sign(doc, "2026年3月6日")
    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = "— 1 —"
    footer.alignment = 2
    docs["clean"] = doc

    paths = {}
    for name, doc in docs.items():
        paths[name] = str(root / f"{name}.docx")
        doc.save(paths[name])
    jobs = [lc.lo.Job(path, str(root / f"{name}.pdf")) for name, path in paths.items()]
    converted = lc.lo.convert(jobs, workers=1, pdfa=True)
    assert converted.ok and converted.calls == 1, converted.failed  # one LibreOffice process for all
    return {name: str(root / f"{name}.pdf") for name in docs}


NAMES = ("欧阳建华", "迪丽娜尔·吐尔逊", "刘芳")


def test_a_long_signatory_leaving_the_type_area_is_found(pdfs):
    findings = lc.check_pdf(pdfs["overflow"], "results", names=NAMES, document="06-选举结果公告.docx")
    assert [f.id for f in findings] == [lc.OUTSIDE]
    assert re.fullmatch(
        r"06-选举结果公告\.docx 第1页：“…柳林村第十二届村民委员会”超出版心右边界 \d+\.\d 毫米，已超出纸张边缘"
        r"（版心页边距：上37、下35、左28、右26毫米）；请缩短该处文字（如署名、单位名称）后重新生成，或调整模板版式。",
        findings[0].message,
    ), findings[0].message
    assert findings[0].severity is Severity.ERROR and findings[0].file == "06-选举结果公告.docx"


def test_a_ballot_on_two_sheets_is_found(pdfs):
    findings = lc.check_pdf(pdfs["ballot"], "ballot", document="05-选票-委员.docx")
    assert [f.message for f in findings] == [
        "05-选票-委员.docx：选票共2页，一张选票必须印在一张纸上；"
        "请调整选票版式（行高、分两栏、缩小字号），或减少一张选票上的职位。"
    ]


def test_the_same_pages_are_no_sheet_finding_for_a_notice(pdfs):
    # a long candidate list may take two pages; only a ballot must be one sheet (its compact margins do not fit)
    assert lc.BALLOT_SHEETS not in {f.id for f in lc.check_pdf(pdfs["ballot"], "candidates_formal")}


def test_names_split_in_a_narrow_table_cell_are_found(pdfs):
    findings = lc.check_pdf(pdfs["split"], "candidates_formal", names=NAMES, document="03-正式候选人名单公告.docx")
    assert sorted(f.message for f in findings) == sorted(
        [
            "03-正式候选人名单公告.docx 第1页：姓名“欧阳建华”被拆在两行（“欧阳建”与“华”），"
            "张贴时容易误读；请调整版式（如加宽姓名栏或缩小该格字号）后重新生成。",
            "03-正式候选人名单公告.docx 第1页：姓名“迪丽娜尔·吐尔逊”被拆在两行（“迪丽娜”与“尔·吐尔逊”），"
            "张贴时容易误读；请调整版式（如加宽姓名栏或缩小该格字号）后重新生成。",
        ]
    )
    assert {f.id for f in findings} == {lc.NAME_SPLIT}


def test_a_last_page_with_only_the_closing_lines_is_found(pdfs):
    findings = lc.check_pdf(pdfs["closing"], "committee", document="01-选举委员会成员公告.docx")
    assert [f.message for f in findings] == [
        "01-选举委员会成员公告.docx 第2页（最后一页）只有结尾的特此公告、署名或成文日期，没有正文；"
        "GB/T 9704 要求调整行距和字距，使落款与正文在同一页。请调整版式后重新生成。"
    ]
    assert findings[0].citation == "GB/T 9704-2012《党政机关公文格式》 7.3.5.4"


def test_a_body_not_in_fangsong_is_found(pdfs):
    findings = lc.check_pdf(pdfs["font"], "committee", document="01-选举委员会成员公告.docx")
    assert [f.id for f in findings] == [lc.BODY_FONT]
    assert findings[0].severity is Severity.WARNING
    assert findings[0].message.startswith("01-选举委员会成员公告.docx：PDF 正文没有使用仿宋字体（PDF 中的字体：")
    assert "（PDF 中的字体：NotoSerifCJK" in findings[0].message
    assert findings[0].message.endswith(
        "）；请安装仿宋字体（如 texlive-lang-chinese 中的 FandolFang，运行 bash tools/system-deps.sh），"
        "并确认 templates/fonts.conf 把 仿宋_GB2312 映射到该字体。"
    )


def test_a_clean_document_passes_every_class(pdfs):
    started = time.perf_counter()
    assert lc.check_pdf(pdfs["clean"], "results", names=NAMES, document="06-选举结果公告.docx") == []
    assert time.perf_counter() - started < 10  # one poppler call: well under a second on an idle machine


def test_check_documents_converts_and_checks_in_one_call(tmp_path):
    _tools()
    doc = _document()
    _body(doc, "经投票选举。")
    _sign(doc, SIGNATORY + "（印）").paragraph_format.right_indent = Pt(-120)
    doc.save(tmp_path / "a.docx")
    _document(font="Noto Serif CJK SC").save(tmp_path / "b.docx")
    os.symlink(tmp_path / "missing.docx", tmp_path / "c.docx")
    items = [lc.Item(str(tmp_path / n), "results", (), n) for n in ("a.docx", "b.docx", "c.docx")]
    result = lc.check_documents(items, workers=1)
    result.findings.sort(key=lambda f: f.file)
    assert [(f.file, f.id) for f in result.findings] == [
        ("a.docx", lc.OUTSIDE),
        ("c.docx", lc.NOT_CHECKED),
    ]
    assert result.checked == 2
    assert result.findings[1].message.startswith("c.docx：未能检查版式（LibreOffice 无法转换该文件：")
    assert result.findings[1].message.endswith("）；请用 Word 或 WPS 打开确认版式。")

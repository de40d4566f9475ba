"""Summary tables never leave their header (or caption) alone at a page foot (issue 17 item 7).

The template marks each table's header row ``w:tblHeader`` (repeated on every page the table covers) and every row
``w:cantSplit``; the caption keeps with the table and, after render (`tablefit`), the header's paragraphs keep with
the first row. The PDF test converts summaries with long tables (LibreOffice) and reads every page's last line
with pdftotext: it is a data row or running text, never a header row or a caption, and a page a table continues on
starts with the header again.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile

import seedtrees
from click.testing import CliRunner
from lxml import etree

from pipeline.cli import main

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _township(root, n: int):
    """A township of `n` villages of three members each (the rows of 表1, 表2, 表4 and 表5)."""
    town = root / "某县" / f"{n}村镇"
    for v in range(n):
        members = [
            seedtrees.Member(post, gender, v % 2 == 0, v % 3 == 0, "1975-03", "高中")
            for post, gender in (("主任", "男"), ("委员", "男"), ("委员", "女"))
        ]
        name = f"第{v + 1:02d}村"
        seedtrees.village(town / f"{name}村委会.yaml", name, ["某县", town.name], 500, 450, members,
                          dt.date(2026, 5, 18), 500 + v)  # fmt: skip
    return town


def _summary(town, target) -> None:
    result = CliRunner().invoke(main, ["summary", str(town), "-o", str(target)])
    assert result.exit_code == 0, result.output


def _body(path):
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


def test_every_summary_table_repeats_its_header_and_keeps_it_with_the_first_row(tmp_path):
    _summary(_township(tmp_path / "tree", 22), tmp_path / "s.docx")
    body = _body(tmp_path / "s.docx").find(f"{W}body")
    tables = body.findall(f"{W}tbl")
    assert len(tables) == 5  # 表1–表5
    for tbl in tables:
        rows = tbl.findall(f"{W}tr")
        head, first = rows[0], rows[1]
        assert head.find(f"{W}trPr/{W}tblHeader") is not None, _text(head)  # repeated on every page
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)  # a row never split
        assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in head.iter(f"{W}p")), _text(head)
        assert _text(first)  # the row it keeps with is a data row
        caption = tbl.getprevious()
        assert caption.tag == f"{W}p" and re.match(r"表\d　", _text(caption)), _text(caption)
        assert caption.find(f"{W}pPr/{W}keepNext") is not None  # the caption goes with its table


def _pages(pdf) -> list[list[str]]:
    tool = shutil.which("pdftotext")
    assert tool, "需要 pdftotext：apt-get install poppler-utils（见 tools/system-deps.sh）"
    out = subprocess.run([tool, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in out.split("\f"):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        lines = [line for line in lines if not re.fullmatch(r"[—–-]\s*\d+\s*[—–-]", line)]  # the page number
        if lines:
            pages.append(lines)
    return pages


def _cells(line: str) -> list[str]:
    """A -layout line cut at its column gaps, each cell without the spaces poppler puts between CJK and digits."""
    return [c.replace(" ", "") for c in re.split(r"\s{2,}", line.strip())]


def _data_cells(path) -> tuple[set[str], list[str]]:
    """The texts of the data rows' cells and the header rows' first cells of every table of the .docx."""
    data, heads = set(), []
    for tbl in _body(path).iter(f"{W}tbl"):
        rows = tbl.findall(f"{W}tr")
        heads.append(_text(rows[0].find(f"{W}tc")))
        for tr in rows[1:]:
            data.update(_text(tc).replace(" ", "") for tc in tr.findall(f"{W}tc") if _text(tc).strip())
    return data, heads


def _foot_problems(docx, pdf) -> list[str]:
    """Pages whose last line is a table header or a caption, and pages a table continues on without its header."""
    data, heads = _data_cells(docx)
    problems = []
    for number, lines in enumerate(_pages(pdf), 1):
        last = _cells(lines[-1])
        # A table line at the foot is a data row (its first cell is a row's text); running text has no gaps.
        if re.match(r"表\d", last[0]) or not (len(last) == 1 or last[0] in data):
            problems.append(f"第 {number} 页末行：{lines[-1]}")
        if number > 1 and _cells(lines[0])[0] in data and len(_cells(lines[0])) > 2:
            problems.append(f"第 {number} 页接续的表格没有重复表头：{lines[0]}")
    return problems


def _stripped(source, target) -> None:
    """The same .docx without keep-with-next and header rows: what the check must catch."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "word/document.xml":
                data = re.sub(rb"<w:keepNext/>|<w:tblHeader/>", b"", data)
            copy.writestr(info, data)


# Sizes whose tables meet a page foot: without the keeps, 5 leaves 表2's caption at the foot of page 1, 9 表5's,
# 15 表4's, 23 the last line of 表5's header at the foot of page 5, 39 表4's caption and 表4's header.
SIZES = (5, 9, 15, 23, 39)


def test_no_page_of_a_long_summary_ends_with_a_table_header_or_caption(tmp_path):
    from pipeline.archive import pdf as lo

    assert shutil.which("soffice") or shutil.which("libreoffice"), (
        "需要 LibreOffice：apt-get install libreoffice-writer-nogui（见 tools/system-deps.sh）"
    )
    jobs = []
    for n in SIZES:
        target = tmp_path / f"{n}.docx"
        _summary(_township(tmp_path / f"tree{n}", n), target)
        jobs.append(lo.Job(str(target), str(tmp_path / f"{n}.pdf")))
    _stripped(tmp_path / "23.docx", tmp_path / "23-stripped.docx")
    jobs.append(lo.Job(str(tmp_path / "23-stripped.docx"), str(tmp_path / "23-stripped.pdf")))
    converted = lo.convert(jobs, workers=1, pdfa=False)
    assert not converted.failed, converted.failed
    for n, job in zip(SIZES, jobs, strict=False):
        assert len(_pages(job.target)) > 2, n  # long enough for its tables to meet a page foot
        assert _foot_problems(job.source, job.target) == [], n
        # No share broken in its cell ("100.00" over "%": 表5's 党员占比 sits in the template's widest column).
        assert not [line for lines in _pages(job.target) for line in lines if line == "%"], n
        _, heads = _data_cells(job.source)
        found = [line for lines in _pages(job.target) for line in lines if _cells(line)[0] in heads]
        assert len(found) >= 5, n  # every table's header is on a page
    # The check sees what the keeps prevent: the same summary without them ends a page with a header line.
    assert _foot_problems(jobs[-1].source, jobs[-1].target) != []

"""The layout check of rendered documents: type area, one-sheet ballots, split names, lone closings, 仿宋 body.

`check_pdf` reads one PDF's text boxes with a single ``pdftotext -bbox-layout`` call (exact positions in pt, no
OCR) and the font names from the PDF's own bytes, and returns Chinese findings naming the document and page:

* ``LAYOUT-OUTSIDE-AREA``: text outside the GB/T 9704 type area (A4; margins 上37 下35 左28 右26 mm; ballots,
  which are not 公文, use the compact margins the templates give them: 上25 下20 mm). The page-number line
  ("— 1 —", below the type area) is allowed, and so is one trailing punctuation mark hanging past the right edge
  (as Word allows).
* ``LAYOUT-BALLOT-SHEETS``: a ballot (kind ``ballot``) on more than one page.
* ``LAYOUT-NAME-SPLIT``: a name the document prints (``names``) broken across two lines of a table cell or a
  column (a line of running text filled to the right margin may break anywhere, as Chinese typesetting does).
* ``LAYOUT-CLOSING-ALONE``: a last page that holds only closing lines (特此公告, the 署名, the 成文日期, 印章).
* ``LAYOUT-BODY-FONT``: no 仿宋 face (FangSong, 仿宋, FandolFang …) among the PDF's fonts.

`check_documents` converts many .docx files with `archive.pdf.convert` (one LibreOffice process per worker,
reused for all its documents, killed with huanjie) and checks each PDF.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from . import model, records
from .archive import pdf as lo
from .batch import report as batch_report
from .batch.unit import OK, SKIPPED
from .findings import Finding, Severity

__all__ = [
    "OUTSIDE",
    "BALLOT_SHEETS",
    "NAME_SPLIT",
    "CLOSING_ALONE",
    "BODY_FONT",
    "NOT_CHECKED",
    "TypeArea",
    "type_area",
    "check_pdf",
    "Item",
    "LayoutResult",
    "check_documents",
    "printed_names",
    "record_names",
    "available",
    "check_pdfs",
    "check_batch",
    "RENDER_DEFAULT",
]

# `huanjie render` checks the layout by default wherever LibreOffice and poppler are installed (--no-check-layout
# skips it); the test suite turns the default off for the tests that only look at the .docx (tests/conftest.py).
RENDER_DEFAULT = True

OUTSIDE = "LAYOUT-OUTSIDE-AREA"
BALLOT_SHEETS = "LAYOUT-BALLOT-SHEETS"
NAME_SPLIT = "LAYOUT-NAME-SPLIT"
CLOSING_ALONE = "LAYOUT-CLOSING-ALONE"
BODY_FONT = "LAYOUT-BODY-FONT"
NOT_CHECKED = "LAYOUT-NOT-CHECKED"

GBT9704 = "GB/T 9704-2012《党政机关公文格式》"
MM = 72 / 25.4  # pt per mm
TOLERANCE = 1.0  # pt: glyph boxes of a full justified line end up to a few tenths past the edge
# Marks that may hang past the right edge of the type area (标点悬挂), as Word allows.
HANGING = set("，。、；：？！”’）》」』〉】〕,.;:!?)")
PAGE_NUMBER = re.compile(r"^[—–-]\s*\d+\s*[—–-]$")
CLOSING = [
    re.compile(r"^特此(公告|通知|公示|证明)。?$"),
    re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$"),
    re.compile(r"^年\s*月\s*日$"),
    re.compile(r"^[（(](印|盖章|公章)[)）]$"),
]
FANGSONG = re.compile(r"fangsong|fang|仿宋|fzfs|simfang|stfangsong", re.IGNORECASE)
_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class TypeArea:
    """The type area of a page in pt from the top-left corner, and its margins in mm for the messages."""

    top: float
    bottom: float
    left: float
    right: float
    margins: str


# Kinds printed from the ballot template (选票.docx): the 党员大会's and the 支部委员会's own (公推直选).
BALLOT_KINDS = frozenset({"ballot", "plenary_ballot"})


def type_area(kind_key: str, width: float = 595.3, height: float = 841.89) -> TypeArea:
    """The type area the templates give `kind_key` (see ``tools/make_templates.py`` ``setup_page``)."""
    if kind_key in BALLOT_KINDS:  # compact: 1417 / 1134 twips top and bottom, not a 公文
        top, bottom = 1417 / 20, 1134 / 20
        margins = "上25、下20、左28、右26毫米（选票）"
    elif kind_key == "tally":  # the 计票单: the ballot's compact margins, on a landscape page
        top, bottom = 1417 / 20, 1134 / 20
        margins = "上25、下20、左28、右26毫米（计票单，横向）"
    else:  # GB/T 9704: 2098 / 1984 twips
        top, bottom = 2098 / 20, 1984 / 20
        margins = "上37、下35、左28、右26毫米"
    return TypeArea(top, height - bottom, 1587 / 20, width - 1474 / 20, margins)


@dataclass(frozen=True)
class _Line:
    x0: float
    y0: float
    x1: float
    y1: float
    words: tuple[str, ...]
    spans: tuple[tuple[float, float], ...] = ()  # (xMin, xMax) of each word
    last_x0: float = 0.0  # where the last word starts

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def compact(self) -> str:
        return "".join(self.words)


@dataclass
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line] = field(default_factory=list)


# PDF/A files carry an OutputIntent (an sRGB ICC profile). poppler builds colour transforms from it for every page
# it reads (lcms: ~40 ms a page, 80-90 % of a ``pdftotext`` run on these documents, and it does not move a single
# text box). The text is therefore read from a copy of the bytes whose catalogue key is renamed to a key poppler
# does not know, of the same length (every xref offset stays right), fed on stdin: no file is written.
_OUTPUT_INTENTS, _NO_INTENTS = b"/OutputIntents", b"/XutputIntents"


def _read_boxes(pdf: str | os.PathLike, data: bytes | None = None) -> list[_Page]:
    """Pages and text lines of a PDF (`data`: its bytes, when already read): one ``pdftotext -bbox-layout`` call."""
    exe = lo.find_tool("pdftotext")
    if data is None:
        data = Path(pdf).read_bytes()
    out = None
    if _OUTPUT_INTENTS in data:
        out = subprocess.run(
            [exe, "-bbox-layout", "fd://0", "-"],
            input=data.replace(_OUTPUT_INTENTS, _NO_INTENTS),
            capture_output=True,
            timeout=120,
        )
        if out.returncode != 0:
            out = None  # a poppler without fd://0, or a PDF the renaming upset: read the file itself
    if out is None:
        out = subprocess.run([exe, "-bbox-layout", str(pdf), "-"], capture_output=True, timeout=120)
    if out.returncode != 0:
        raise ValueError(out.stderr.decode("utf-8", "replace").strip() or "pdftotext 无法读取该 PDF")
    return _pages_of(out.stdout)


def _pages_of(xhtml: bytes) -> list[_Page]:
    root = ElementTree.fromstring(xhtml)
    pages = []
    for number, page in enumerate(root.iter(f"{_XHTML}page"), start=1):
        item = _Page(number, float(page.get("width", 0)), float(page.get("height", 0)))
        for line in page.iter(f"{_XHTML}line"):
            kept = [w for w in line.iter(f"{_XHTML}word") if (w.text or "").strip()]
            if kept:
                box = [float(line.get(k, 0)) for k in ("xMin", "yMin", "xMax", "yMax")]
                words = tuple((w.text or "").strip() for w in kept)
                spans = tuple((float(w.get("xMin", 0)), float(w.get("xMax", 0))) for w in kept)
                item.lines.append(_Line(box[0], box[1], box[2], box[3], words, spans, spans[-1][0]))
        pages.append(item)
    return pages


_BASEFONT = re.compile(rb"/BaseFont\s*/([^\s/<>\[\]()]+)")


def _font_names(pdf: str | os.PathLike, data: bytes | None = None) -> list[str]:
    """The /BaseFont names of the PDF (subset tag removed, #xx decoded), read from its bytes: no second call."""
    if data is None:
        data = Path(pdf).read_bytes()
    names = []
    for raw in _BASEFONT.findall(data):
        name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).decode("utf-8", "replace")
        name = re.sub(r"^[A-Z]{6}\+", "", name)
        if name not in names:
            names.append(name)
    if not names and b"/ObjStm" in data:  # fonts inside compressed object streams: ask pdffonts
        names = [f.family for f in lo.pdf_fonts(pdf)]
    return names


def _mm(points: float) -> str:
    return f"{points / MM:.1f}"


def _snippet(text: str, tail: bool = False) -> str:
    text = text.replace(" ", "")
    if len(text) <= 14:
        return text
    return "…" + text[-12:] if tail else text[:12] + "…"


def _overshoot(line: _Line, area: TypeArea) -> tuple[str, float]:
    """The side where `line` leaves the type area most, and by how much (pt); ("", 0) when it stays inside."""
    right = line.x1 - area.right
    last = line.words[-1]
    if right > TOLERANCE and last[-1] in HANGING:
        pitch = (line.x1 - line.last_x0) / len(last)  # the last word's characters are CJK, of one width
        if line.x1 - pitch * 1.1 - area.right <= TOLERANCE:
            right = 0.0  # only the trailing mark hangs outside: allowed
    sides = {
        "右": right,
        "左": area.left - line.x0,
        "上": area.top - line.y0,
        "下": line.y1 - area.bottom,
    }
    side = max(sides, key=lambda s: sides[s])
    return (side, sides[side]) if sides[side] > TOLERANCE else ("", 0.0)


def _outside(page: _Page, area: TypeArea, document: str) -> list[Finding]:
    bad = []
    for line in page.lines:
        side, by = _overshoot(line, area)
        if not side:
            continue
        if side == "下" and line.y0 >= area.bottom - TOLERANCE and PAGE_NUMBER.match(line.text):
            continue  # the page-number line sits below the type area by design
        bad.append((by, side, line))
    if not bad:
        return []
    by, side, line = max(bad, key=lambda b: b[0])
    edge = "，已超出纸张边缘" if (line.x1 > page.width or line.x0 < 0 or line.y1 > page.height) else ""
    count = f"共{len(bad)}行文字超出版心，" if len(bad) > 1 else ""
    message = (
        f"{document} 第{page.number}页：{count}“{_snippet(line.text, tail=side == '右')}”超出版心{side}边界"
        f" {_mm(by)} 毫米{edge}（版心页边距：{area.margins}）；请缩短该处文字（如署名、单位名称）后重新生成，"
        "或调整模板版式。"
    )
    return [Finding(OUTSIDE, Severity.ERROR, message, file=document, citation=f"{GBT9704} 5.2.1")]


def _below(upper: _Line, lower: _Line) -> bool:
    """`lower` is the line right after `upper` (same page, next row down)."""
    height = upper.y1 - upper.y0
    return lower.y0 > upper.y0 + height / 2 and lower.y0 - upper.y1 < height


def _split_names(page: _Page, area: TypeArea, names: Sequence[str], document: str) -> list[Finding]:
    heads: dict[str, list[str]] = {}  # the first k characters of a name -> the names that start so
    for name in dict.fromkeys(n.strip() for n in names):
        for k in range(1, len(name)):
            heads.setdefault(name[:k], []).append(name)
    if not heads:
        return []
    longest = max(len(h) for h in heads)
    found: list[Finding] = []
    seen: set[str] = set()
    for upper in page.lines:
        # pdftotext joins the cells of a table row into one line: look at each word (cell) and the word under it
        for end, (x0, x1) in zip(upper.words, upper.spans, strict=True):
            if x1 >= area.right - 2.0:
                continue  # a line filled to the margin is running text, which may break anywhere
            pairs = [
                (n, k) for k in range(1, min(longest, len(end)) + 1) for n in heads.get(end[-k:], ()) if n not in seen
            ]
            if pairs:
                found += _split_below(page, upper, (x0, x1), pairs, seen, document)
    return found


def _split_below(
    page: _Page, upper: _Line, span: tuple[float, float], pairs: list[tuple[str, int]], seen: set[str], document: str
) -> list[Finding]:
    found = []
    for lower in page.lines:
        if lower is upper or not _below(upper, lower):
            continue
        for start, (x0, x1) in zip(lower.words, lower.spans, strict=True):
            if not (x0 < span[1] and x1 > span[0]):
                continue  # not under the word: another cell
            for name, k in pairs:
                rest = name[k:]
                # the rest starts the next line, or fills that cell's line whole and goes on below (three lines)
                if name in seen or not (start.startswith(rest) or rest.startswith(start)):
                    continue
                seen.add(name)
                found.append(
                    Finding(
                        NAME_SPLIT,
                        Severity.ERROR,
                        f"{document} 第{page.number}页：姓名“{name}”被拆在两行（“{name[:k]}”与“{rest}”），"
                        "张贴时容易误读；请调整版式（如加宽姓名栏或缩小该格字号）后重新生成。",
                        file=document,
                    )
                )
    return found


def _is_closing(line: _Line, area: TypeArea) -> bool:
    text = line.compact
    if any(pattern.match(text) for pattern in CLOSING) or PAGE_NUMBER.match(line.text):
        return True
    # The 署名 block stands right of the middle of the type area (centred over the 成文日期, 右空四字).
    return line.x0 >= area.left + (area.right - area.left) * 0.4 or text.endswith(("（印）", "(印)"))


def _closing_alone(pages: list[_Page], area: TypeArea, document: str) -> list[Finding]:
    if len(pages) < 2:
        return []
    last = pages[-1]
    if any(not _is_closing(line, area) for line in last.lines):
        return []
    message = (
        f"{document} 第{last.number}页（最后一页）只有结尾的特此公告、署名或成文日期，没有正文；"
        "GB/T 9704 要求调整行距和字距，使落款与正文在同一页。请调整版式后重新生成。"
    )
    return [Finding(CLOSING_ALONE, Severity.ERROR, message, file=document, citation=f"{GBT9704} 7.3.5.4")]


def _body_font(pdf: str | os.PathLike, document: str, data: bytes | None = None) -> list[Finding]:
    fonts = _font_names(pdf, data)
    if any(FANGSONG.search(name) for name in fonts):
        return []
    listed = "、".join(fonts) or "无"
    message = (
        f"{document}：PDF 正文没有使用仿宋字体（PDF 中的字体：{listed}）；请安装仿宋字体"
        "（如 texlive-lang-chinese 中的 FandolFang，运行 bash tools/system-deps.sh），"
        "并确认 templates/fonts.conf 把 仿宋_GB2312 映射到该字体。"
    )
    return [Finding(BODY_FONT, Severity.WARNING, message, file=document, citation=f"{GBT9704} 7.1")]


def check_pdf(
    pdf_path: str | os.PathLike, kind_key: str, *, names: Iterable[str] = (), document: str = "文件名"
) -> list[Finding]:
    """The layout findings of one rendered document's PDF (see the module docstring), in page order.

    `kind_key` is the document kind (``ballot`` has its own margins and must fit one sheet); `names` are the names
    the document prints; `document` names it in the messages. Raises `archive.pdf.ToolMissing` without poppler.
    """
    data = Path(pdf_path).read_bytes()  # read once: the text boxes and the font names both come from it
    pages = _read_boxes(pdf_path, data)
    if not pages:
        return []
    area = type_area(kind_key, pages[0].width, pages[0].height)
    names = list(names)
    findings: list[Finding] = []
    if kind_key in BALLOT_KINDS and len(pages) > 1:
        findings.append(
            Finding(
                BALLOT_SHEETS,
                Severity.ERROR,
                f"{document}：选票共{len(pages)}页，一张选票必须印在一张纸上；"
                "请调整选票版式（行高、分两栏、缩小字号），或减少一张选票上的职位。",
                file=document,
            )
        )
    for page in pages:
        findings += _outside(page, area, document)
        findings += _split_names(page, area, names, document)
    findings += _closing_alone(pages, area, document)
    if any(page.lines for page in pages):  # a PDF without text has no body to set in 仿宋
        findings += _body_font(pdf_path, document, data)
    return findings


# --------------------------------------------------------------------------------------------
# Many documents: one LibreOffice process per worker, reused
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One document to check: its .docx, kind, the names it prints and its name in messages."""

    docx: str
    kind: str
    names: tuple[str, ...] = ()
    document: str = ""


@dataclass
class LayoutResult:
    findings: list[Finding] = field(default_factory=list)
    checked: int = 0
    seconds_convert: float = 0.0


def check_documents(
    items: Sequence[Item],
    workers: int | None = None,
    timeout: float = 120.0,
    progress: Callable[[int, int], None] | None = None,
    workdir: str | None = None,
    converter: Callable[..., lo.ConvertResult] | None = None,
) -> LayoutResult:
    """Convert every item with `archive.pdf.convert` (one LibreOffice per worker, reused) and check each PDF.

    `converter`: another function of `convert`'s signature to make the PDFs (`archive.distributed.ClusterConverter`).

    A document LibreOffice cannot convert gets a ``LAYOUT-NOT-CHECKED`` warning. Raises `ToolMissing` when
    LibreOffice or poppler is missing.
    """
    result = LayoutResult()
    if not items:
        return result
    lo.find_tool("pdftotext")
    with tempfile.TemporaryDirectory(prefix="huanjie-layout-", dir=workdir) as root:
        jobs = [lo.Job(item.docx, os.path.join(root, f"{n:06d}.pdf")) for n, item in enumerate(items)]
        convert = converter or lo.convert
        converted = convert(jobs, workers=workers, timeout=timeout, progress=progress, workdir=root)
        result.seconds_convert = converted.seconds
        todo = []
        for n, item in enumerate(items):
            document = item.document or os.path.basename(item.docx)
            if n in converted.failed:
                result.findings.append(not_checked(document, converted.failed[n]))
            else:
                todo.append((jobs[n].target, Item(item.docx, item.kind, item.names, document)))
        result.findings += check_pdfs(todo, workers)
        result.checked = len(todo)
    return result


def check_pdfs(pairs: Sequence[tuple[str, Item]], workers: int | None = None) -> list[Finding]:
    """`check_pdf` of each (PDF, item), `workers` poppler calls at a time; findings in the order of `pairs`."""

    def one(pair: tuple[str, Item]) -> list[Finding]:
        pdf, item = pair
        document = item.document or os.path.basename(item.docx)
        try:
            return check_pdf(pdf, item.kind, names=item.names, document=document)
        except (ValueError, ElementTree.ParseError, OSError, subprocess.SubprocessError) as exc:
            return [not_checked(document, f"无法读取 PDF：{exc}")]

    with ThreadPoolExecutor(max_workers=max(1, workers or os.cpu_count() or 1)) as pool:
        return [f for found in pool.map(one, pairs) for f in found]


def available() -> bool:
    """Whether LibreOffice and poppler are installed (the check can run)."""
    return bool((shutil.which("soffice") or shutil.which("libreoffice")) and shutil.which("pdftotext"))


def record_names(path: str) -> tuple[str, ...]:
    """`printed_names` of the record file at `path`; () when it cannot be read (its unit failed anyway)."""
    record, _ = records.load(path)
    return printed_names(record.data) if record is not None and isinstance(record.data, dict) else ()


def check_batch(
    out: str,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    converter: Callable[..., lo.ConvertResult] | None = None,
) -> LayoutResult:
    """Check the current documents of a batch output, by its report.json: those of every unit rendered now or
    left unchanged (a failed unit's documents are stale and not checked) and the level summaries."""
    report = batch_report.read_report(out)
    items = []
    for unit in report.units:
        if unit.status not in (OK, SKIPPED):
            continue
        names = record_names(os.path.join(report.header.source, unit.rel))
        for doc in unit.documents:
            items.append(Item(os.path.join(out, doc.path), doc.kind, names, doc.path))
    items += [Item(os.path.join(out, s.path), "summary", (), s.path) for s in report.summaries]
    return check_documents(items, workers=workers, progress=progress, converter=converter)


def not_checked(document: str, why: str) -> Finding:
    """A document whose layout could not be checked (its PDF could not be made or read)."""
    if not re.search(r"[\u4e00-\u9fff]", why):  # LibreOffice's own English message
        why = f"LibreOffice 无法转换该文件：{why}"
    return Finding(
        NOT_CHECKED,
        Severity.WARNING,
        f"{document}：未能检查版式（{why}）；请用 Word 或 WPS 打开确认版式。",
        file=document,
    )


def printed_names(data: dict) -> tuple[str, ...]:
    """The names of people a record's documents print: candidates, 另选 names with votes, the committee."""
    names: list[str] = []
    committee = data.get("committee") or {}
    if isinstance(committee.get("chair"), str):
        names.append(committee["chair"])
    for key in ("vice_chairs", "members"):
        names += [n for n in committee.get(key) or [] if isinstance(n, str)]
    for contest in model.contests(data):
        names += [c["name"] for c in contest.candidates if isinstance(c.get("name"), str)]
        for round_ in contest.data.get("rounds") or []:
            for votes in (round_.get("votes") or {}).values():
                if isinstance(votes, dict):
                    names += [n for n in votes if isinstance(n, str)]
    return tuple(dict.fromkeys(n for n in names if n))

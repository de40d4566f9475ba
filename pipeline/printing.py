"""Printable output of one render: a PDF beside each document, 合订 bundles of per-person kinds, the 打印清单.

`PrintStep` is what `render.render_record(printing=…)` calls: it names its files before any document is written
(so a user's file in the way stops the render before it starts) and writes them after the documents, from the
rendered files themselves:

* *Bundles* (``--bundle``): the documents of one per-person kind (当选证书, the three 承诺书) in one .docx, one
  person per section, in the plan's order. They come from one template, so every part but the body is the same
  (checked: a bundle is refused rather than made from documents that differ elsewhere); the body of each is
  appended with its own section settings (the certificate's page border, its footer references), and page
  numbering restarts in every section that has a footer, as in the single documents.
* *PDFs* (``--pdf``): every document and bundle converted in one LibreOffice call (`archive.pdf.convert`, one
  worker), into a work folder inside the output folder and renamed into place.
* *打印清单.xlsx*: what to print, how many copies, on what, in the order needed (`print_rows`).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import render
from .archive import pdf as pdfs
from .documents import Election, find_kind
from .documents.plan import Meta, Planned
from .errors import HuanjieError
from .fsutil import write_atomic
from .words import ROUND_NAMES

__all__ = [
    "BUNDLED",
    "LIST_NAME",
    "LibreOfficeMissing",
    "PrintFailed",
    "PrintStep",
    "PrintRow",
    "bundle_docx",
    "bundle_name",
    "pdf_name",
    "paper_of",
    "print_rows",
    "print_list_xlsx",
]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
BUNDLED = ("candidate_pledge", "certificate", "winner_pledge", "discipline_pledge")
LIST_NAME = "打印清单.xlsx"
# Parts that differ between documents of one template: the body and the properties.
_OWN_PARTS = {"word/document.xml", "docProps/core.xml", "docProps/app.xml", "docProps/thumbnail.jpeg"}
# sectPr children that come before pgNumType (ECMA-376 CT_SectPr sequence).
_BEFORE_PGNUM = {
    f"{_W}{n}"
    for n in ("headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar")
    + ("paperSrc", "pgBorders", "lnNumType")
}
NOTICES = ("committee", "voters", "candidates_initial", "candidates_formal", "results", "invalid", "election_notice")
STAGES = ("选举日前", "选举日", "选举后")
_STAGE = {
    "committee": 0,
    "voters": 0,
    "candidates_initial": 0,
    "candidates_formal": 0,
    "candidate_pledge": 0,
    "discipline_pledge": 0,
    "procedure": 0,
    "election_notice": 0,
    "voter_card": 0,
    "proxy": 0,
    "ballot": 1,
    "results": 2,
    "invalid": 2,
    "certificate": 2,
    "winner_pledge": 2,
    "summary": 2,
}


class LibreOfficeMissing(HuanjieError):
    """`--pdf` without LibreOffice: said before anything is written (exit code 2)."""

    def __init__(self) -> None:
        super().__init__(
            "生成 PDF（--pdf）需要 LibreOffice，但找不到 soffice 或 libreoffice 程序，未生成任何文书。"
            "请运行 make sysdeps（或 bash tools/system-deps.sh）安装 LibreOffice 和字体后重试，或去掉 --pdf。"
        )


class PrintFailed(HuanjieError):
    """A bundle or a PDF could not be made (exit code 2); the documents themselves were written."""


def bundle_name(kind_key: str, election_kind: str | None = None) -> str:
    """07-当选证书-合订.docx (the kind's title for `election_kind`: 04-候选人承诺书-合订.docx for a Party record)"""
    return f"{find_kind(kind_key).prefix_for(election_kind)}-合订.docx"


def pdf_name(docx_name: str) -> str:
    return os.path.splitext(docx_name)[0] + ".pdf"


# --------------------------------------------------------------------------------------------
# Bundles
# --------------------------------------------------------------------------------------------
def _restart_numbering(sect: etree._Element) -> None:
    """Page numbers restart at 1 in a section with a footer (each single document starts at 1)."""
    if sect.find(f"{_W}footerReference") is None:
        return
    pg = sect.find(f"{_W}pgNumType")
    if pg is None:
        pg = etree.Element(f"{_W}pgNumType")
        index = sum(1 for child in sect if child.tag in _BEFORE_PGNUM)
        sect.insert(index, pg)
    pg.set(f"{_W}start", "1")


def _end_section(content: list[etree._Element], sect: etree._Element) -> list[etree._Element]:
    """`content` ending with `sect` as a paragraph's section break (in its last paragraph, or a new one)."""
    last = content[-1] if content else None
    if last is None or last.tag != f"{_W}p":
        last = etree.Element(f"{_W}p")
        content = [*content, last]
    ppr = last.find(f"{_W}pPr")
    if ppr is None:
        ppr = etree.Element(f"{_W}pPr")
        last.insert(0, ppr)
    change = ppr.find(f"{_W}pPrChange")
    if change is not None:
        change.addprevious(sect)
    else:
        ppr.append(sect)
    return content


def bundle_docx(documents: list[tuple[str, bytes]], title: str) -> bytes:
    """One .docx of `documents` ((name, bytes) from one template), one section each, titled `title`.

    Raises `PrintFailed` when they do not come from one template (a part other than the body differs).
    """
    zips = [zipfile.ZipFile(io.BytesIO(data)) for _, data in documents]
    base = zips[0]
    shared = {n: base.read(n) for n in base.namelist() if n not in _OWN_PARTS}
    for (name, _), other in zip(documents[1:], zips[1:], strict=True):
        theirs = {n: other.read(n) for n in other.namelist() if n not in _OWN_PARTS}
        if theirs != shared:
            differ = sorted(n for n in set(theirs) | set(shared) if theirs.get(n) != shared.get(n))
            raise PrintFailed(
                f"无法合订 {name}：它与 {documents[0][0]} 的模板部件不同（{'、'.join(differ[:3])}），"
                "请用同一套模板重新生成后再合订。"
            )
    trees = [etree.fromstring(z.read("word/document.xml")) for z in zips]
    bodies = [tree.find(f"{_W}body") for tree in trees]
    parts: list[etree._Element] = []
    for index, each in enumerate(bodies):
        children = list(each) if each is not None else []
        if not children or children[-1].tag != f"{_W}sectPr":
            raise PrintFailed(f"无法合订 {documents[index][0]}：文书中没有页面设置（w:sectPr），请重新生成后再合订。")
        sect, content = children[-1], children[:-1]
        _restart_numbering(sect)
        parts += [*content, sect] if index == len(bodies) - 1 else _end_section(content, sect)
    body = bodies[0]
    assert body is not None
    for child in list(body):
        body.remove(child)
    body.extend(parts)
    files = {n: base.read(n) for n in base.namelist()}
    files["word/document.xml"] = etree.tostring(trees[0], xml_declaration=True, encoding="UTF-8", standalone=True)
    render._set_title(files, title)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in base.namelist():
            target.writestr(name, files[name])
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# The print list
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PrintRow:
    """One line of the 打印清单: when, what, which file, how many copies (None: the record cannot say), on what."""

    stage: str
    title: str
    file: str
    copies: int | None
    paper: str
    note: str = ""


def _settings(election: Election) -> tuple[list[str], int | None]:
    documents = election.data.get("documents") or {}
    places = [str(p) for p in documents.get("posting_places") or []]
    reserve = documents.get("ballot_reserve")
    return places, reserve if isinstance(reserve, int) else None


def _ballot_copies(election: Election, context: dict, reserve: int | None) -> tuple[int | None, str]:
    view = next((v for v in election.views if v.name == context.get("contest_name")), None)
    registered = view.registered if view is not None else None
    what = f"{context.get('contest_name') or ''}{context.get('post') or ''}{context.get('round_name') or ''}"
    if registered is None:
        return None, f"记录中没有选民数（electorate.registered），无法计算{what}选票份数，请按登记选民数加备用票印制。"
    extra = reserve or 0
    note = f"选民 {registered} 人 + 备用 {extra} 张" + (
        "" if reserve is not None else "（记录未设 documents.ballot_reserve）"
    )
    if context.get("round_name") in (ROUND_NAMES["runoff"], ROUND_NAMES["revote"]):
        note += "；仅在需要另行选举或重新投票时印制"
    return registered + extra, note + "。"


_PAPERS = {(210, 297): "A4", (297, 420): "A3", (176, 250): "B5", (148, 210): "A5"}


def paper_of(docx: str | os.PathLike) -> str:
    """The paper of a document's first section: A4, A3 … (横向 when landscape), else its size in millimetres."""
    try:
        with zipfile.ZipFile(docx) as z:
            tree = etree.fromstring(z.read("word/document.xml"))
        size = tree.find(f".//{_W}pgSz")
        w, h = (round(int(size.get(f"{_W}{a}") or 0) / 56.6929) for a in ("w", "h"))  # type: ignore[union-attr]
    except (OSError, KeyError, ValueError, AttributeError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return "A4"
    name = _PAPERS.get((min(w, h), max(w, h)))
    if name is None:
        return f"{w}×{h} 毫米"
    return name + ("横向" if w > h else "")


def print_rows(
    election: Election, files: Iterable[tuple[Planned, str]], bundles: dict[str, str], folder: str = ""
) -> list[PrintRow]:
    """The 打印清单 of the documents written (`files`: planned document, file name), in the order they are needed.

    公告: one per posting place of the record (``documents.posting_places``), else 1 with a note. 选票: the
    contest's registered voters plus ``documents.ballot_reserve`` (0 when not set), per post and round. Certificates,
    pledges and the summary: one each (`bundles`: kind → bundle file, named in the note). The paper is read from
    each document in `folder` (its page size), A4 without one.
    """
    places, reserve = _settings(election)
    rows: list[tuple[int, int, int, PrintRow]] = []
    for order, (planned, name) in enumerate(files):
        key = planned.kind.key
        copies: int | None = 1
        note = ""
        if key in NOTICES:
            copies = len(places) or 1
            note = (
                f"张贴于：{'、'.join(places)}。"
                if places
                else "记录中没有张贴地点（documents.posting_places），按 1 份计；请按实际张贴处数量打印。"
            )
        elif key == "ballot":
            copies, note = _ballot_copies(election, planned.instance.context, reserve)
        elif key in bundles:
            note = f"每人 1 份；也可直接打印合订本 {bundles[key]}。"
        elif key == "summary":
            note = "存档 1 份；需要报送上级的另行加印。"
        paper = paper_of(os.path.join(folder, name)) if folder else "A4"
        row = PrintRow(STAGES[_STAGE.get(key, 2)], planned.title, name, copies, paper, note)
        rows.append((_STAGE.get(key, 2), planned.kind.number, order, row))
    return [row for *_, row in sorted(rows, key=lambda item: item[:3])]


def print_list_xlsx(rows: list[PrintRow], unit: str) -> bytes:
    """打印清单.xlsx: one sheet, a title line, then 序号 阶段 文书 文件 份数 纸张 说明."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "打印清单"
    sheet.append([f"{unit}打印清单"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["序号", "阶段", "文书", "文件", "份数", "纸张", "说明"])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for index, row in enumerate(rows, 1):
        copies = row.copies if row.copies is not None else "待定"
        sheet.append([index, row.stage, row.title, row.file, copies, row.paper, row.note])
    for column, width in zip("ABCDEFG", (6, 10, 30, 40, 8, 6, 60), strict=True):
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=3):
        line[6].alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# The step render calls
# --------------------------------------------------------------------------------------------
@dataclass
class PrintStep:
    """`render --pdf`/`--bundle`: see the module docstring. Made before rendering (it looks for LibreOffice)."""

    election: Election
    pdf: bool = False
    bundle: bool = False
    soffice: str = ""
    timeout: float = 300.0
    _bundles: dict[str, list[Planned]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.pdf and not self.soffice:
            try:
                self.soffice = pdfs.find_tool("soffice", "libreoffice")
            except pdfs.ToolMissing:
                raise LibreOfficeMissing() from None

    def _groups(self, planned: list[Planned]) -> dict[str, list[Planned]]:
        groups: dict[str, list[Planned]] = {}
        if self.bundle:
            for p in planned:
                if p.kind.key in BUNDLED:
                    groups.setdefault(p.kind.key, []).append(p)
        return groups

    def names(self, planned: list[Planned]) -> list[str]:
        """Every file this step will write for `planned` (before placement)."""
        bundles = [bundle_name(key, self.election.kind) for key in self._groups(planned)]
        pdf = [pdf_name(n) for n in [p.file_name for p in planned] + bundles] if self.pdf else []
        return bundles + pdf + [LIST_NAME]

    def write(self, planned: list[Planned], report: render.RenderReport, names: dict[str, str]) -> None:
        """Write the bundles, the PDFs and the 打印清单 of the documents `report` wrote (`names`: planned → name).

        Each file goes into `report.prints` as soon as it is in place, so a failure half-way (`PrintFailed`) still
        leaves every file written owned by the unit record render writes next.
        """
        outdir = Path(report.folder)
        docs = dict(zip((p.file_name for p in planned), report.written, strict=True))
        written = report.prints
        bundles: dict[str, str] = {}
        for key, group in self._groups(planned).items():
            kind = find_kind(key)
            title = f"{kind.title_for(self.election.kind)}（合订）"
            parts = [(p.file_name, Path(docs[p.file_name].path).read_bytes()) for p in group]
            data = bundle_docx(parts, title)
            path = outdir / names[bundle_name(key, self.election.kind)]
            written.append(_write(path, data, key, title, group[0].meta))
            bundles[key] = os.path.basename(path)
        if self.pdf:
            sources = [(p.file_name, docs[p.file_name]) for p in planned]
            sources += [(bundle_name(w.kind, self.election.kind), w) for w in list(written)]
            self._pdfs(outdir, sources, names, written)
        files = ((p, os.path.basename(docs[p.file_name].path)) for p in planned)
        rows = print_rows(self.election, files, bundles, str(outdir))
        data = print_list_xlsx(rows, str(self.election.unit.get("name") or ""))
        written.append(_write(outdir / names[LIST_NAME], data, "print_list", "打印清单", Meta(title="打印清单")))

    def _pdfs(
        self,
        outdir: Path,
        sources: list[tuple[str, render.WrittenFile]],
        names: dict[str, str],
        written: list[render.WrittenFile],
    ) -> None:
        work = tempfile.mkdtemp(prefix=f".~huanjie-print-{os.getpid()}-", dir=outdir)
        try:
            jobs = [pdfs.Job(w.path, os.path.join(work, f"{i:06d}.pdf")) for i, (_, w) in enumerate(sources)]
            result = pdfs.convert(
                jobs, workers=1, timeout=self.timeout, soffice=self.soffice, batch_size=max(1, len(jobs)), workdir=work
            )
            if result.failed:
                index, why = sorted(result.failed.items())[0]
                raise PrintFailed(
                    f"{jobs[index].source} 转换为 PDF 失败：{why}。Word 文书已生成；"
                    "请检查 LibreOffice 是否可用（make sysdeps），然后重新运行 huanjie render --pdf。"
                )
            for (name, source), job in zip(sources, jobs, strict=True):
                path = outdir / names[pdf_name(name)]
                os.replace(job.target, path)
                written.append(_written(path, source.kind, f"{source.title}（PDF）", source.meta))
        finally:
            shutil.rmtree(work, ignore_errors=True)


def _write(path: Path, data: bytes, kind: str, title: str, meta: Meta) -> render.WrittenFile:
    write_atomic(str(path), data, overwrite=True)
    return _written(path, kind, title, meta)


def _written(path: Path, kind: str, title: str, meta: Meta) -> render.WrittenFile:
    from .unitrecord import hash_file

    sha, size = hash_file(path)
    return render.WrittenFile(kind, title, str(path), meta, sha, size)

"""Gathering the input of a package from what batch or render recorded, re-checking each record under today's rules.

One kind of input: the unit records (``.huanjie-unit.json``) and, for a batch, its typed report
(`batch.read_report`). They list every document with its SHA-256 and its catalogue data (题名, 责任者, 日期,
文号, 文种), computed once by `documents.plan` when the document was rendered; archive takes them as they
are and computes them again nowhere. The one deliberate recomputation is `recheck`: each record is checked
again under the rules of the program that archives, because the law profiles may have changed since.

Output of huanjie 0.1.0 carries no catalogue data (its unit records are format 1, a render folder has none):
for such documents the catalogue data is asked of `documents.plan` for the re-checked election, the one
function render itself uses; a level summary of 0.1.0 is described from its file's properties.

A unit is refused (listed in the 说明文件, the check report and the result, never archived) when its
record has rule errors or cannot be read, was changed after its documents were made, one of its
documents is missing, was altered after generation (hash) or is a draft (``草稿（未通过校验）`` in a
header). Level summaries of a batch become units of their own, one per level folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

from .. import __version__, batch, unitrecord
from .. import check as checking
from ..batch.report import BatchReport, ReportDocument, ReportSummary, ReportUnit
from ..batch.summaries import describe_levels
from ..documents import GENRE, Election, Waiting, find_kind
from ..documents.plan import date8, plan
from ..documents.summary import Digest
from ..findings import Finding, Severity, has_errors, sort_key
from ..render import DRAFT_MARK
from ..unitrecord import Meta
from .errors import ArchiveError
from .items import Doc, Input, Unit
from .layout import BATCH_DIR, RECORDS_DIR

__all__ = ["collect", "collect_batch", "collect_render", "recheck", "is_draft", "sha256_file"]

Progress = Callable[[str, int, int], None]


def collect(source: str, records: str | None, record: str | None, progress: Progress) -> Input:
    """The units of `source`: a batch output (it has report.json) or a render output folder (`record` is its record)."""
    if os.path.isfile(os.path.join(source, batch.REPORT_JSON)):
        if not os.path.isfile(os.path.join(source, batch.MANIFEST)):
            # batch writes manifest.json last: without it the run was interrupted and OUT may be half updated.
            raise ArchiveError(
                f"{source} 中有 report.json，但没有文件清单 manifest.json：生成它的 huanjie batch 没有运行完"
                "（被中断或出错）。请用同样的命令再次运行 huanjie batch（已完成的单位会跳过），完成后再归档。"
            )
        return collect_batch(source, records, progress)
    return collect_render(source, record)


# --------------------------------------------------------------------------------------------
# The deliberate re-check, and what the .docx files say of themselves
# --------------------------------------------------------------------------------------------
def recheck(path: str) -> tuple[list[Finding], Election | None, str]:
    """Check the record again under the rules of the program that archives: (findings, election, refusal reason).

    A deliberate safeguard, not a recomputation: the law profiles and rules may have changed since the
    documents were made, and a record that fails today's checks is not archived. The reason is "" for
    a record that passes; then `election` is the evaluated election.
    """
    result = checking.check_file(path)
    findings = sorted(result.findings, key=sort_key)
    if result.record is None:
        return findings, None, "记录无法读取"
    if has_errors(result.findings) or result.outcome is None:
        ids = "、".join(dict.fromkeys(f.id for f in findings if f.severity is Severity.ERROR))
        return findings, None, f"记录有错误（{ids}）"
    return findings, Election.from_check(result), ""


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def is_draft(path: str) -> bool:
    """A document rendered with --draft: the draft mark in one of its headers."""
    try:
        with zipfile.ZipFile(path) as docx:
            for name in docx.namelist():
                if re.fullmatch(r"word/header[^/]*\.xml", name) and DRAFT_MARK.encode() in docx.read(name):
                    return True
    except (OSError, zipfile.BadZipFile):
        return False
    return False


def _docx_title(path: str) -> str:
    try:
        with zipfile.ZipFile(path) as docx:
            core = ElementTree.fromstring(docx.read("docProps/core.xml"))
        element = core.find("{http://purl.org/dc/elements/1.1/}title")
        return (element.text or "").strip() if element is not None else ""
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return ""


# --------------------------------------------------------------------------------------------
# Catalogue data: as recorded, or (0.1.0 output) as documents.plan gives it
# --------------------------------------------------------------------------------------------
def _planned_meta(election: Election) -> dict[str, Meta]:
    """File name → catalogue data of the election's documents, for output that did not record it (0.1.0).

    A kind titled per election kind (a Party record's 候选人承诺书) was named by its one title in 0.1.0
    (04-候选人竞争承诺书-…): that name is also known, with the title it had then."""
    found: dict[str, Meta] = {}
    for planned in plan(election):
        found[planned.file_name] = planned.meta
        new, old = planned.kind.prefix_for(election.kind), planned.kind.prefix
        if new != old and planned.file_name.startswith(new):
            title = planned.meta.title.replace(planned.kind.title_for(election.kind), planned.kind.title)
            found.setdefault(old + planned.file_name[len(new) :], replace(planned.meta, title=title))
    return found


def _by_hand(path: str, election: Election) -> Meta:
    """Catalogue data of a document the record does not explain (a file added by hand)."""
    heading = _docx_title(path) or Path(path).stem
    return Meta(
        title=f"{election.election_name}{heading}",
        author=election.signatory,
        date=date8(election.raw_date()),
        note="题名取自文件属性",
    )


def _doc(unit: Unit, rel: str, path: str, kind: str, meta: Meta) -> Doc:
    known = find_kind(kind) if kind in GENRE else None
    return Doc(
        rel=rel,
        path=path,
        kind=kind if known else "",
        title=meta.title,
        author=meta.author,
        date=meta.date,
        number=meta.number,
        note=meta.note,
        genre=meta.genre or GENRE.get(kind, ""),
        unit=unit.rel,
        record=unit.record_rel,
        template=known.template if known else "",
    )


class _Describer:
    """The catalogue data of one unit's documents: recorded meta first, then (0.1.0) the plan, then the file."""

    def __init__(self, election: Election):
        self.election = election
        self._planned: dict[str, Meta] | None = None

    def __call__(self, name: str, path: str, meta: Meta | None) -> tuple[Meta, bool]:
        """(meta, whether the plan knows the file)."""
        if meta is not None:
            return meta, True
        if self._planned is None:
            self._planned = _planned_meta(self.election)
        found = self._planned.get(name)
        return (found, True) if found is not None else (_by_hand(path, self.election), False)


def _check_file(path: str, shown: str, sha256: str, against: str = " report.json ", again: str = "batch") -> str:
    """Why a recorded document cannot be archived ("" when it can)."""
    if not os.path.isfile(path):
        return f"文书 {shown} 缺失；请重新运行 huanjie {again}"
    if sha256 and sha256_file(path) != sha256:
        return f"文书 {shown} 在生成之后被改动（SHA-256 与{against}不符）"
    if is_draft(path):
        return f"文书 {shown} 为草稿"
    return ""


# --------------------------------------------------------------------------------------------
# A render output folder: one unit, its record given
# --------------------------------------------------------------------------------------------
def collect_render(folder: str, record: str | None) -> Input:
    """The one unit of a ``huanjie render`` folder: the documents of its unit record (0.1.0: its .docx files)."""
    if not record:
        raise ArchiveError(
            f"{folder} 中没有 report.json，不是批量生成的输出文件夹。单个单位的文书文件夹请用 --record "
            "指定生成这些文书的记录文件；批量输出请先完整运行 huanjie batch。"
        )
    if not os.path.isfile(record):
        raise ArchiveError(f"找不到记录文件 {record}。")
    recorded = unitrecord.read(folder)
    if recorded is not None:
        files = [(d.name, d.kind, d.sha256, d.meta) for d in recorded.documents]
    else:
        names = sorted(f for f in os.listdir(folder) if f.endswith(".docx") and not f.startswith((".", "~$")))
        files = [(name, "", "", None) for name in names]
    if not files:
        raise ArchiveError(f"文件夹 {folder} 中没有 Word 文书（.docx）。")
    rel = os.path.basename(record)
    unit = Unit(rel=rel, label=rel, record_path=record, record_rel=f"{RECORDS_DIR}/{rel}")
    unit.findings, election, reason = recheck(record)
    if reason or election is None:
        unit.refuse(reason, "校验")
    elif drafts := [name for name, *_ in files if is_draft(os.path.join(folder, name))]:
        unit.refuse(f"文书为草稿（{'、'.join(drafts[:3])}{'等' if len(drafts) > 3 else ''}）", "文书")
    else:
        _render_documents(unit, folder, files, election)
    return Input(kind="render", root=folder, units=[unit], records_root=os.path.dirname(os.path.abspath(record)))


def _render_documents(
    unit: Unit, folder: str, files: list[tuple[str, str, str, Meta | None]], election: Election
) -> None:
    describe = _Describer(election)
    for name, kind, sha256, meta in files:
        path = os.path.join(folder, name)
        problem = _check_file(path, name, sha256, "生成时的记录", "render") if sha256 else ""
        if problem:
            unit.refuse(problem, "文书")
            unit.documents.clear()
            return
        found, known = describe(name, path, meta)
        unit.documents.append(_doc(unit, name, path, (kind or _kind_of(name)) if known else "", found))


def _kind_of(name: str) -> str:
    """The kind of a 0.1.0 render file from its number prefix (01-…): render named every file that way."""
    try:
        return find_kind(name.split("-", 1)[0]).key
    except Exception:  # noqa: BLE001 - a file not named by render has no kind
        return ""


# --------------------------------------------------------------------------------------------
# A batch output folder: the typed report, the unit records, the records folder
# --------------------------------------------------------------------------------------------
def collect_batch(out: str, records: str | None, progress: Progress) -> Input:
    """Every unit of the batch report (re-checked, its documents checked against their hashes), then the summaries."""
    try:
        report = batch.read_report(out)
    except batch.ReportProblem as exc:
        raise ArchiveError(str(exc)) from None
    source = report.header.source
    records_root = _records_root(records or source)
    settings = batch.Settings(
        templates_dir=report.header.templates_dir,
        templates_hash=report.header.templates_sha256,
        version=report.header.version,
    )
    units: list[Unit] = []
    for done, entry in enumerate(report.units, 1):
        units.append(_batch_unit(entry, out, records_root, settings))
        progress("检查记录", done, len(report.units))
    legacy = _legacy_summaries(report, out, source or records_root)
    units += [_summary_unit(entry, out, legacy) for entry in report.summaries]
    return Input(
        kind="batch",
        root=out,
        units=units,
        records_root=records_root,
        report=_report_dict(out),
        templates_dir=report.header.templates_dir,
        extra=_batch_files(out),
        version=report.header.version or __version__,
    )


def _report_dict(out: str) -> dict:
    """The report as the package's check report quotes it (raw JSON: every key the batch wrote)."""
    import json

    with open(os.path.join(out, batch.REPORT_JSON), "rb") as handle:
        data = json.loads(handle.read().decode("utf-8"))
    return data if isinstance(data, dict) else {}


def _records_root(records_root: str) -> str:
    if not records_root or not os.path.isdir(records_root):
        raise ArchiveError(
            f"找不到选举记录文件夹 {records_root or '（report.json 中没有 source）'}；"
            "数据包要收入这些记录，请用 --records 指定批量生成时的记录文件夹。"
        )
    return records_root


def _batch_unit(entry: ReportUnit, out: str, records_root: str, settings: batch.Settings) -> Unit:
    """One unit of the report: refused, or with its documents described."""
    unit = Unit(
        rel=entry.rel,
        label=entry.rel,
        record_path=os.path.join(records_root, *entry.rel.split("/")),
        record_rel=f"{RECORDS_DIR}/{entry.rel}",
    )
    unit.findings = list(entry.findings)
    if entry.status == batch.FAILED:
        unit.refuse(_failed_reason(entry), "校验")
        return unit
    folder = entry.folder or entry.rel.rsplit(".", 1)[0]
    changed = _record_changed(unit.record_path, unitrecord.read(os.path.join(out, *folder.split("/"))), settings)
    if changed:
        unit.refuse(changed, "校验")
        return unit
    unit.findings, election, reason = recheck(unit.record_path)
    if reason or election is None:
        unit.refuse(reason, "校验")
        return unit
    problem = next((p for p in (_check_file(*_located(d, out)) for d in entry.documents) if p), "")
    if problem:
        unit.refuse(problem, "文书")
        return unit
    describe = _Describer(election)
    for doc in entry.documents:
        path = _located(doc, out)[0]
        meta, known = describe(os.path.basename(path), path, doc.meta)
        unit.documents.append(_doc(unit, doc.path, path, doc.kind if known else "", meta))
    return unit


def _located(doc: ReportDocument, out: str) -> tuple[str, str, str]:
    """(path on disk, path as shown, SHA-256) of a document of the report."""
    return os.path.join(out, *doc.path.split("/")), doc.path, doc.sha256


def _failed_reason(entry: ReportUnit) -> str:
    errors = [f.id for f in entry.findings if f.severity is Severity.ERROR]
    stale = "；保留的上次文书已过期，不归档" if entry.stale else ""
    if errors:
        return f"记录有错误（{'、'.join(dict.fromkeys(errors))}）{stale}"
    return f"文书未生成（{entry.error or '生成失败'}）{stale}"


def _record_changed(path: str, stamp: unitrecord.UnitRecord | None, settings: batch.Settings) -> str:
    """Why the record cannot be trusted to be the one the documents were made from ("" when it can)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError:
        return f"找不到记录文件 {path}"
    if stamp and stamp.key and settings.templates_hash and stamp.key != batch.unit_key(raw, settings):
        return "记录在生成文书之后已修改；请重新运行 huanjie batch"
    return ""


def _legacy_summaries(report: BatchReport, out: str, src: str) -> dict[str, Meta]:
    """Catalogue data of summaries a 0.1.0 batch did not record, from the digests in its unit records (else {})."""
    if all(s.meta is not None for s in report.summaries):
        return {}
    units: list[tuple[str, Digest | None]] = []
    for entry in report.units:
        stamp = unitrecord.read(os.path.join(out, *entry.folder.split("/"))) if entry.folder else None
        digest = stamp.digest if stamp is not None and entry.status != batch.FAILED else None
        units.append((entry.rel, Digest.from_dict(digest) if digest else None))
    try:
        return describe_levels(units, src)
    except Waiting:
        return {}


def _summary_unit(entry: ReportSummary, out: str, legacy: dict[str, Meta]) -> Unit:
    """A level summary of the report as a unit of its own (its level folder), described as the batch recorded it."""
    rel = entry.path
    level = rel.rsplit("/", 1)[0] if "/" in rel else ""
    unit = Unit(rel=level or ".", label=f"{level or '（最上层）'} 工作总结", level=True)
    path = os.path.join(out, *rel.split("/"))
    if not os.path.isfile(path):
        unit.refuse(f"工作总结 {rel} 缺失；请重新运行 huanjie batch", "文书")
        return unit
    if entry.sha256 and sha256_file(path) != entry.sha256:
        unit.refuse(f"工作总结 {rel} 在生成之后被改动（SHA-256 与 report.json 不符）", "文书")
        return unit
    meta = (
        entry.meta
        or legacy.get(rel)
        or Meta(
            title=_docx_title(path) or find_kind("summary").title,
            author=level.rsplit("/", 1)[-1],
            genre=GENRE["summary"],
            note="题名取自文件属性",
        )
    )
    unit.documents.append(_doc(unit, rel, path, "summary", meta))
    return unit


def _batch_files(out: str) -> dict[str, str]:
    """The batch's own report, workbook and manifest, for 其他/批量生成/."""
    extra = {}
    for name in (batch.REPORT_JSON, batch.REPORT_XLSX, batch.MANIFEST):
        if os.path.isfile(os.path.join(out, name)):
            extra[f"{BATCH_DIR}/{name}"] = os.path.join(out, name)
    return extra

"""Gathering the input of a package from a batch or render output folder, re-checking each record under today's rules.

A unit is refused (listed in the 说明文件, the check report and the result, never archived) when its
record has rule errors or cannot be read, was changed after its documents were made, one of its
documents is missing, was altered after generation (hash) or is a draft (``草稿（未通过校验）`` in a
header). Level summaries of a batch become units of their own, one per level folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from .. import __version__, batch
from .. import check as checking
from ..aggregate import SUMMARY_FILE, TreeFold, common_root, folder_of, level_names
from ..documents import KINDS, DocumentKind, Election, Waiting, find_kind
from ..documents import summary as summary_doc
from ..documents.summary import Digest
from ..findings import has_errors, sort_key
from ..render import DRAFT_MARK, file_name
from .contents import PERSONAL
from .errors import ArchiveError
from .items import Doc, Input, Unit
from .layout import BATCH_DIR, RECORDS_DIR

__all__ = ["collect", "collect_batch", "collect_render", "recheck", "is_draft", "sha256_file"]

Progress = Callable[[str, int, int], None]


def collect(source: str, records: str | None, record: str | None, progress: Progress) -> Input:
    """The units of `source`: a batch output (it has report.json) or a render output folder (`record` is its record)."""
    if os.path.isfile(os.path.join(source, batch.REPORT_JSON)):
        return collect_batch(source, records, progress)
    return collect_render(source, record)


# --------------------------------------------------------------------------------------------
# The deliberate re-check, and what the .docx files say of themselves
# --------------------------------------------------------------------------------------------
def recheck(path: str) -> tuple[list[dict], Election | None, str]:
    """Check the record again under the rules of the program that archives: (findings, election, refusal reason).

    A deliberate safeguard, not a recomputation: the law profiles and rules may have changed since the
    documents were made, and a record that fails today's checks is not archived. The reason is "" for
    a record that passes; then `election` is the evaluated election.
    """
    result = checking.check_file(path)
    findings = [f.to_dict() for f in sorted(result.findings, key=sort_key)]
    if result.record is None:
        return findings, None, "记录无法读取"
    if has_errors(result.findings) or result.outcome is None:
        ids = "、".join(dict.fromkeys(f["id"] for f in findings if f["severity"] == "error"))
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
# Catalogue data (题名, 责任者, 日期, 文号, 备注) of the documents, from their record
# --------------------------------------------------------------------------------------------
def _instances_by_name(election: Election) -> dict[str, tuple[DocumentKind, Any]]:
    """File name → (kind, instance), named exactly as `render.render_record` names them."""
    used: set[str] = set()
    out: dict[str, tuple[DocumentKind, Any]] = {}
    for kind in KINDS:
        try:
            instances = kind.build(election)
        except Waiting:
            continue
        for instance in instances:
            name = file_name(kind, instance.suffix)
            stem, n = name[:-5], 2
            while name in used:
                name = f"{stem}-{n}.docx"
                n += 1
            used.add(name)
            out[name] = (kind, instance)
    return out


_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def _date8(text: Any) -> str:
    if text is None:
        return ""
    if isinstance(text, (dt.date, dt.datetime)):
        return text.strftime("%Y%m%d")
    text = str(text)
    match = _DATE.search(text)
    if match:
        return f"{int(match.group(1)):04d}{int(match.group(2)):02d}{int(match.group(3)):02d}"
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", text)
    if match:
        return f"{int(match.group(1)):04d}{int(match.group(2)):02d}{int(match.group(3)):02d}"
    return ""


def _describe(kind: DocumentKind, context: dict, election: Election | None) -> dict:
    """题名, 责任者, 日期, 文件编号, 备注 of one document from its context."""
    lines = context.get("title_lines") or []
    name = context.get("name", "")
    if kind.key in PERSONAL:
        title = f"{context.get('election_name', '')}{kind.title}（{name}）"
        author = name
    elif kind.key == "certificate":
        title = f"{context.get('office', '')}当选证书（{name}）"
        author = context.get("issuer") or context.get("signatory", "")
    elif lines:
        title = "".join(lines) + context.get("subtitle", "")
        round_name = context.get("round_name", "")
        if kind.key == "ballot" and round_name and round_name != "选举" and round_name not in title:
            title += f"（{round_name}）"
        author = context.get("author") or context.get("signatory", "")
    else:
        title = f"{context.get('election_name', '')}{kind.title}"
        author = context.get("author") or context.get("signatory", "")
    date = _date8(context.get("date_text"))
    note = ""
    if not date and election is not None:
        date = _date8(election.raw_date())
        note = "成文日期留待手写，目录日期取选举日期" if date else ""
    return {"title": title, "author": author, "date": date, "number": context.get("doc_number", ""), "note": note}


def _fallback(path: str, unit_label: str, election: Election | None, kind: str = "", title: str = "") -> dict:
    """Metadata of a document the record does not explain (a file added by hand)."""
    heading = _docx_title(path) or title or Path(path).stem
    author = election.signatory if election is not None else unit_label
    date = _date8(election.raw_date()) if election is not None else ""
    return {
        "title": f"{election.election_name}{heading}" if election is not None else heading,
        "author": author,
        "date": date,
        "number": "",
        "note": "题名取自文件属性",
    }


def _unit_documents(unit: Unit, election: Election | None, files: list[tuple[str, str, str, str]]) -> None:
    """Describe `files` ([(rel in OUT, path, kind, title)]) of a unit from its record."""
    names = _instances_by_name(election) if election is not None else {}
    for rel, path, kind_key, title in files:
        name = os.path.basename(path)
        found = names.get(name)
        if found is not None:
            kind, instance = found
            described = _describe(kind, instance.context, election)
            kind_key = kind.key
            template = kind.template
        else:
            described = _fallback(path, unit.label, election, kind_key, title)
            template = ""
        unit.documents.append(
            Doc(
                rel=rel, path=path, kind=kind_key, unit=unit.rel, record=unit.record_rel, template=template, **described
            )
        )


# --------------------------------------------------------------------------------------------
# A render output folder: one unit, its record given
# --------------------------------------------------------------------------------------------
def collect_render(folder: str, record: str | None) -> Input:
    """The one unit of a ``huanjie render`` folder: its .docx files, described from `record`."""
    if not record:
        raise ArchiveError(
            f"{folder} 中没有 report.json，不是批量生成的输出文件夹。单个单位的文书文件夹请用 --record "
            "指定生成这些文书的记录文件；批量输出请先完整运行 huanjie batch。"
        )
    if not os.path.isfile(record):
        raise ArchiveError(f"找不到记录文件 {record}。")
    files = sorted(f for f in os.listdir(folder) if f.endswith(".docx") and not f.startswith((".", "~$")))
    if not files:
        raise ArchiveError(f"文件夹 {folder} 中没有 Word 文书（.docx）。")
    rel = os.path.basename(record)
    unit = Unit(rel=rel, label=rel, record_path=record, record_rel=f"{RECORDS_DIR}/{rel}")
    unit.findings, election, reason = recheck(record)
    if reason:
        unit.refuse(reason, "校验")
    else:
        drafts = [f for f in files if is_draft(os.path.join(folder, f))]
        if drafts:
            unit.refuse(f"文书为草稿（{'、'.join(drafts[:3])}{'等' if len(drafts) > 3 else ''}）", "文书")
        else:
            _unit_documents(unit, election, [(f, os.path.join(folder, f), "", "") for f in files])
    return Input(kind="render", root=folder, units=[unit], records_root=os.path.dirname(os.path.abspath(record)))


# --------------------------------------------------------------------------------------------
# A batch output folder: report.json, the unit stamps, the records folder
# --------------------------------------------------------------------------------------------
def collect_batch(out: str, records: str | None, progress: Progress) -> Input:
    """Every unit of report.json (re-checked, its documents checked against their hashes), then the level summaries."""
    report, entries = _read_report(out)
    source = report.get("source") or ""
    records_root = _records_root(records or source)
    templates = report.get("templates") or {}
    settings = batch.Settings(
        templates_dir=templates.get("dir"),
        templates_hash=templates.get("sha256", ""),
        version=report.get("version", ""),
    )
    units: list[Unit] = []
    digests: list[tuple[str, Digest | None]] = []
    for done, entry in enumerate(entries, 1):
        unit, digest = _batch_unit(entry, out, records_root, settings)
        units.append(unit)
        digests.append((unit.rel, digest))
        progress("检查记录", done, len(entries))
    contexts = _level_contexts(digests, source or records_root)
    units += [_summary_unit(entry, out, contexts) for entry in report.get("summaries") or []]
    return Input(
        kind="batch",
        root=out,
        units=units,
        records_root=records_root,
        report=report,
        templates_dir=templates.get("dir"),
        extra=_batch_files(out),
        version=report.get("version") or __version__,
    )


def _read_report(out: str) -> tuple[dict, list[dict]]:
    """report.json and its list of units."""
    try:
        with open(os.path.join(out, batch.REPORT_JSON), "rb") as handle:
            report = json.loads(handle.read().decode("utf-8"))
        entries = report["units"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ArchiveError(f"{out}/report.json 无法读取或不完整（{exc}）；请重新运行 huanjie batch。") from None
    return report, entries


def _records_root(records_root: str) -> str:
    if not records_root or not os.path.isdir(records_root):
        raise ArchiveError(
            f"找不到选举记录文件夹 {records_root or '（report.json 中没有 source）'}；"
            "数据包要收入这些记录，请用 --records 指定批量生成时的记录文件夹。"
        )
    return records_root


def _batch_unit(entry: dict, out: str, records_root: str, settings: batch.Settings) -> tuple[Unit, Digest | None]:
    """One unit of the report and its summary digest (None when it has none; for the level summaries)."""
    rel = entry["path"]
    folder = entry.get("folder") or rel.rsplit(".", 1)[0]
    unit = Unit(
        rel=rel,
        label=rel,
        record_path=os.path.join(records_root, *rel.split("/")),
        record_rel=f"{RECORDS_DIR}/{rel}",
    )
    unit.findings = list(entry.get("findings") or [])
    stamp = batch.read_stamp(os.path.join(out, *folder.split("/")))
    digest = (
        Digest.from_dict(stamp["result"]["digest"]) if stamp and (stamp.get("result") or {}).get("digest") else None
    )
    if entry.get("status") == batch.FAILED:
        unit.refuse(_failed_reason(entry, unit.findings), "校验")
        return unit, None
    changed = _record_changed(unit.record_path, stamp, settings)
    if changed:
        unit.refuse(changed, "校验")
        return unit, digest
    unit.findings, election, reason = recheck(unit.record_path)
    if reason or election is None:
        unit.refuse(reason, "校验")
        return unit, digest
    if digest is None:
        try:
            digest = summary_doc.digest(election)
        except Waiting:
            digest = None
    files, problem = _batch_documents(entry, out)
    if problem:
        unit.refuse(problem, "文书")
    else:
        _unit_documents(unit, election, files)
    return unit, digest


def _failed_reason(entry: dict, findings: list[dict]) -> str:
    errors = [f.get("id", "") for f in findings if f.get("severity") == "error"]
    if errors:
        return f"记录有错误（{'、'.join(dict.fromkeys(errors))}）"
    return f"文书未生成（{entry.get('error') or '生成失败'}）"


def _record_changed(path: str, stamp: dict | None, settings: batch.Settings) -> str:
    """Why the record cannot be trusted to be the one the documents were made from ("" when it can)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError:
        return f"找不到记录文件 {path}"
    if stamp and stamp.get("key") and settings.templates_hash and stamp["key"] != batch.unit_key(raw, settings):
        return "记录在生成文书之后已修改；请重新运行 huanjie batch"
    return ""


def _batch_documents(entry: dict, out: str) -> tuple[list[tuple[str, str, str, str]], str]:
    """The unit's documents as [(rel, path, kind, title)], or the first problem with them."""
    files = []
    for doc in entry.get("documents") or []:
        path = os.path.join(out, *doc["path"].split("/"))
        if not os.path.isfile(path):
            return [], f"文书 {doc['path']} 缺失；请重新运行 huanjie batch"
        if doc.get("sha256") and sha256_file(path) != doc["sha256"]:
            return [], f"文书 {doc['path']} 在生成之后被改动（SHA-256 与 report.json 不符）"
        if is_draft(path):
            return [], f"文书 {doc['path']} 为草稿"
        files.append((doc["path"], path, doc.get("kind", ""), doc.get("title", "")))
    return files, ""


def _level_contexts(digests: list[tuple[str, Digest | None]], root: str) -> dict[str, dict]:
    """Level summary path → its context, rebuilt from the same digests the batch used (for title, author, date)."""
    contexts: dict[str, dict] = {}

    def on_level(folder: tuple[str, ...], children: list[Digest]) -> None:
        try:
            instance = summary_doc.build_many(children, **level_names(folder, root))
        except Waiting:
            return
        contexts["/".join(folder + (SUMMARY_FILE,))] = instance.context

    rels = [rel for rel, _ in digests]
    if rels:
        fold = TreeFold(common_root(rels), on_level)
        for rel, digest in digests:
            fold.add(folder_of(rel), digest)
        fold.finish()
    return contexts


def _summary_unit(entry: dict, out: str, contexts: dict[str, dict]) -> Unit:
    """A level summary of the report as a unit of its own (its level folder)."""
    kind = find_kind("summary")
    rel = entry["path"]
    level = rel.rsplit("/", 1)[0] if "/" in rel else ""
    unit = Unit(rel=level or ".", label=f"{level or '（最上层）'} 工作总结", level=True)
    path = os.path.join(out, *rel.split("/"))
    if not os.path.isfile(path):
        unit.refuse(f"工作总结 {rel} 缺失；请重新运行 huanjie batch", "文书")
        return unit
    if entry.get("sha256") and sha256_file(path) != entry["sha256"]:
        unit.refuse(f"工作总结 {rel} 在生成之后被改动（SHA-256 与 report.json 不符）", "文书")
        return unit
    context = contexts.get(rel)
    if context is not None:
        described = _describe(kind, context, None)
    else:
        described = _fallback(path, level, None, "summary", kind.title)
    if not described["author"]:
        described["author"] = level.rsplit("/", 1)[-1]
    unit.documents.append(Doc(rel=rel, path=path, kind="summary", unit=unit.rel, template=kind.template, **described))
    return unit


def _batch_files(out: str) -> dict[str, str]:
    """The batch's own report, workbook and manifest, for 其他/批量生成/."""
    extra = {}
    for name in (batch.REPORT_JSON, batch.REPORT_XLSX, batch.MANIFEST):
        if os.path.isfile(os.path.join(out, name)):
            extra[f"{BATCH_DIR}/{name}"] = os.path.join(out, name)
    return extra

"""Archival submission package (归档数据包): PDF/A-2b, 档号, DA/T 46 metadata, SHA-256 and SM3 manifests.

`build_package(OUT, PACKAGE.zip)` is ``huanjie archive``; `verify_package(PACKAGE.zip)` is ``huanjie
verify``. This module never prints and never exits: progress goes through a callback, problems are
exceptions with Chinese messages (`ArchiveError` and subclasses) or entries of the results.

Input
-----
* A batch output (``huanjie batch DIR -o OUT``): ``OUT/report.json`` lists every unit, its status,
  findings and documents (with SHA-256), and the level summaries. The records are read from the
  report's ``source`` folder (or ``records=``), because the package carries them.
* A single render output folder (``huanjie render FILE -o DIR``): its .docx files, with the record
  given as ``record=``.

A unit is refused (listed in the 说明文件, the check report and the result, never archived) when its
record has rule errors or cannot be read, was changed after its documents were made, one of its
documents is missing, was altered after generation (hash) or is a draft (``草稿（未通过校验）`` in a
header), or one of its documents could not be converted to PDF/A. Level summaries of a batch are
archived as items of their level folder.

Package layout (after 《电子档案移交与接收办法》 and DA/T 22-2015)
----------------------------------------------------
::

    说明文件.txt                     producer, dates, programs and versions, fonts used, standards, refusals
    文件目录.xml / .json / .xlsx     one entry per 件: 顺序号, 档号, 文号, 责任者, 题名, 日期, 密级, 页数, 备注 …
    电子档案/<年度>/<保管期限>/<档号>/
        <档号>.pdf                   PDF/A-2b preservation copy (LibreOffice)
        <档号>.docx                  the original Word document
        <档号>.xml / <档号>.json     DA/T 46 metadata of the 件 (same content)
    其他/记录/…                      the input records (paths as under the records folder)
    其他/校验报告.json               every unit: archived or refused, why, its findings
    其他/批量生成/…                  the batch's report.json, 批量报告.xlsx, manifest.json (batch input only)
    其他/模板/…                      the templates and fonts.conf used, so the documents can be regenerated
    其他/档号设置.yaml               the numbering settings used
    manifest-sha256.txt, manifest-sm3.txt          "<hex>  <path>" for every file above
    tagmanifest-sha256.txt, tagmanifest-sm3.txt    the same for the two manifests

Determinism: entries are sorted by path and all carry the same time (the latest document date of
the records, 00:00); metadata, catalogues and manifests are written in a fixed order; the .xlsx
files are re-zipped with fixed times. The PDFs are not byte-reproducible: LibreOffice writes the
conversion time into their Info dictionary, XMP and ICC profile, and a random /ID.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import yaml

from . import __version__, fsutil, pdf, sm3
from . import check as checking
from .aggregate import SUMMARY_FILE, TreeFold, common_root, folder_of, level_names
from .documents import KINDS, DocumentKind, Election, UnknownKind, Waiting, find_kind
from .documents import summary as summary_doc
from .documents.summary import Digest
from .errors import DATA, HuanjieError
from .findings import has_errors, sort_key
from .fsutil import mode_for, os_reason
from .render import DRAFT_MARK, TEMPLATES_DIR, file_name

__all__ = [
    "ArchiveError",
    "SettingsError",
    "PackageExists",
    "NothingToArchive",
    "PackageUnreadable",
    "ArchiveSettings",
    "load_settings",
    "ArchiveEvent",
    "ArchiveResult",
    "Refusal",
    "build_package",
    "verify_package",
    "VerifyResult",
    "Problem",
    "dang_hao",
    "RETENTION",
    "README_FILE",
    "CATALOGUE",
    "MANIFESTS",
    "TAGMANIFESTS",
    "SETTINGS_HELP",
]

README_FILE = "说明文件.txt"
CATALOGUE = "文件目录"
ITEMS_DIR = "电子档案"
OTHER_DIR = "其他"
RECORDS_DIR = f"{OTHER_DIR}/记录"
CHECK_REPORT = f"{OTHER_DIR}/校验报告.json"
BATCH_DIR = f"{OTHER_DIR}/批量生成"
TEMPLATES_COPY = f"{OTHER_DIR}/模板"
SETTINGS_COPY = f"{OTHER_DIR}/档号设置.yaml"
MANIFESTS = {"sha256": "manifest-sha256.txt", "sm3": "manifest-sm3.txt"}
TAGMANIFESTS = {"sha256": "tagmanifest-sha256.txt", "sm3": "tagmanifest-sm3.txt"}
TOP_FILES = [
    README_FILE,
    f"{CATALOGUE}.xml",
    f"{CATALOGUE}.json",
    f"{CATALOGUE}.xlsx",
    *MANIFESTS.values(),
    *TAGMANIFESTS.values(),
]
ALGORITHM_NAMES = {"sha256": "SHA-256", "sm3": "SM3"}

RETENTION = {"Y": "永久", "D30": "定期30年", "D10": "定期10年"}
CATEGORY = "WS"  # 文书
SEP = "\u00b7"  # “·” between codes of the same level (DA/T 22-2015)
DEFAULT_FONDS = "0001"

GENRE = {
    "committee": "公告",
    "voters": "公告",
    "candidates_initial": "公告",
    "candidates_formal": "公告",
    "results": "公告",
    "ballot": "选票",
    "certificate": "证书",
    "candidate_pledge": "承诺书",
    "winner_pledge": "承诺书",
    "discipline_pledge": "承诺书",
    "summary": "总结",
}
PERSONAL = {"candidate_pledge", "winner_pledge", "discipline_pledge"}

STANDARDS = [
    "GB/T 9704-2012《党政机关公文格式》（文书版式）",
    "DA/T 22-2015《归档文件整理规则》（以件为单位整理；档号结构 全宗号-门类代码·年度-保管期限-机构（问题）代码-件号；归档文件目录）",
    "DA/T 46-2009《文书类电子文件元数据方案》（每件的元数据，采用其中适用的元素）",
    "GB/T 18894-2016《电子文件归档与电子档案管理规范》（以版式文件 PDF/A 为长期保存格式，同时保留原始格式）",
    "ISO 19005-2:2011（PDF/A-2b）",
    "DA/T 70-2018《文书类电子档案检测一般要求》（真实性、完整性、可用性、安全性检测，可用 huanjie verify 复核）",
    "GB/T 32905-2016《信息安全技术 SM3密码杂凑算法》及 SHA-256（FIPS 180-4）：每个文件的数字摘要",
    "《电子档案移交与接收办法》（2012）：数据包目录结构、说明文件与文件目录",
]

SETTINGS_HELP = """\
档号设置（设置文件为 YAML，命令行选项优先于设置文件）：
  全宗号（fonds）        4 位字母或数字，由档案馆分配，如 J012；默认 0001（仅供演示）
  年度（year）           4 位年份；默认取每件文书的成文日期所在年度
  保管期限（retention）  Y（永久）、D30（定期30年）、D10（定期10年）；默认 Y
  机构代码（org）        可选的机构（问题）代码，如 BGS；不填则档号中没有这一级
  起始件号（start）      每个类别（年度、保管期限、机构相同）中第一件的件号，默认 1；续编时填上次的末件号加 1
  立档单位（producer）   说明文件和元数据中的立档单位名称；默认取记录的上级单位（如 青石县）
  各类保管期限（retention_by_kind）  按文书种类设保管期限，如 {选票: D30, 严肃换届纪律承诺书: D10}
档号形如 J012-WS·2026-Y-BGS-0001（“·”为间隔号 U+00B7）。"""


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------
class ArchiveError(HuanjieError):
    """The package cannot be made at all (unusable input, settings or output); str() is Chinese."""


class SettingsError(ArchiveError):
    pass


class PackageExists(ArchiveError):
    def __init__(self, path: str):
        super().__init__(f"数据包 {path} 已存在，未覆盖。如确需覆盖，请加 --force。")
        self.path = path


class NothingToArchive(ArchiveError):
    """Every unit was refused: no package is written."""

    code = DATA

    def __init__(self, refused: list[Refusal]):
        super().__init__("没有可以归档的文书：所有单位都未通过归档检查，未生成数据包。")
        self.refused = refused


class PackageUnreadable(ArchiveError):
    """The package is not a readable zip file; str() is Chinese."""


# --------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------
_KEYS = {
    "fonds": ("fonds", "全宗号"),
    "year": ("year", "年度"),
    "retention": ("retention", "保管期限"),
    "org": ("org", "机构代码", "机构（问题）代码", "机构"),
    "start": ("start", "起始件号"),
    "producer": ("producer", "立档单位"),
    "retention_by_kind": ("retention_by_kind", "各类保管期限"),
}
_RETENTION_WORDS = {
    "Y": "Y",
    "永久": "Y",
    "D30": "D30",
    "30": "D30",
    "定期30年": "D30",
    "D10": "D10",
    "10": "D10",
    "定期10年": "D10",
}


@dataclass(frozen=True)
class ArchiveSettings:
    """How items are numbered (DA/T 22-2015 档号) and who produced them."""

    fonds: str = DEFAULT_FONDS
    year: int | None = None
    retention: str = "Y"
    org: str = ""
    start: int = 1
    producer: str = ""
    retention_by_kind: dict[str, str] = field(default_factory=dict)  # kind key → Y/D30/D10
    defaulted: tuple[str, ...] = ()  # settings left at their demo default (reported)

    @classmethod
    def make(cls, data: dict | None = None, source: str = "命令行", **overrides: Any) -> ArchiveSettings:
        """Settings from a mapping (a settings file, Chinese or English keys) and options (override)."""
        data = dict(data or {})
        values: dict[str, Any] = {}
        known = {alias: key for key, aliases in _KEYS.items() for alias in aliases}
        for name, value in data.items():
            if name not in known:
                raise SettingsError(
                    f"{source}：不认识的设置“{name}”。可用："
                    + "、".join(f"{a[1]}（{a[0]}）" for a in _KEYS.values())
                    + "。"
                )
            values[known[name]] = value
        for name, value in overrides.items():
            if value is not None:
                values[name] = value
        defaulted = tuple(k for k in ("fonds",) if k not in values)
        fonds = str(values.get("fonds", DEFAULT_FONDS)).strip().upper()
        if not re.fullmatch(r"[0-9A-Z]{4}", fonds):
            raise SettingsError(f"{source}：全宗号“{fonds}”应为 4 位字母或数字，如 J012。")
        year = values.get("year")
        if year is not None and year != "":
            try:
                year = int(str(year).strip())
            except ValueError:
                year = -1
            if not 1900 <= year <= 2999:
                raise SettingsError(f"{source}：年度“{values.get('year')}”应为 4 位年份，如 2026。")
        else:
            year = None
        retention = _retention(values.get("retention", "Y"), source, "保管期限")
        org = str(values.get("org") or "").strip().upper()
        if org and not re.fullmatch(r"[0-9A-Z]{1,10}", org):
            raise SettingsError(f"{source}：机构代码“{org}”应为 1 至 10 位字母或数字，如 BGS。")
        try:
            start = int(str(values.get("start", 1)).strip())
        except ValueError:
            start = 0
        if not 1 <= start <= 9999:
            raise SettingsError(f"{source}：起始件号“{values.get('start')}”应为 1 至 9999 的整数。")
        by_kind_raw = values.get("retention_by_kind") or {}
        if not isinstance(by_kind_raw, dict):
            raise SettingsError(f"{source}：各类保管期限应写成“文书种类: 保管期限”的对照表。")
        by_kind = {}
        for name, value in by_kind_raw.items():
            try:
                kind = find_kind(str(name))
            except UnknownKind as exc:
                raise SettingsError(f"{source}：各类保管期限中：{exc}") from None
            by_kind[kind.key] = _retention(value, source, f"{name} 的保管期限")
        return cls(
            fonds=fonds,
            year=year,
            retention=retention,
            org=org,
            start=start,
            producer=str(values.get("producer") or "").strip(),
            retention_by_kind=by_kind,
            defaulted=defaulted,
        )

    def retention_for(self, kind: str) -> str:
        return self.retention_by_kind.get(kind, self.retention)

    def to_yaml(self) -> str:
        data = {
            "全宗号": self.fonds,
            "门类代码": CATEGORY,
            "年度": self.year if self.year else "（按每件文书的成文日期）",
            "保管期限": self.retention,
            "机构代码": self.org or None,
            "起始件号": self.start,
            "立档单位": self.producer or None,
            "各类保管期限": {find_kind(k).title: v for k, v in sorted(self.retention_by_kind.items())} or None,
        }
        head = "# huanjie archive 使用的档号设置（DA/T 22-2015）：全宗号-门类代码·年度-保管期限-机构代码-件号\n"
        return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _retention(value: Any, source: str, what: str) -> str:
    code = _RETENTION_WORDS.get(str(value).strip().upper() if str(value).strip()[:1] in "YyDd" else str(value).strip())
    if code is None:
        raise SettingsError(f"{source}：{what}“{value}”应为 Y（永久）、D30（定期30年）或 D10（定期10年）。")
    return code


def load_settings(path: str, **overrides: Any) -> ArchiveSettings:
    """Settings from a YAML file, with command-line overrides; SettingsError when unusable."""
    try:
        with open(path, "rb") as handle:
            data = yaml.safe_load(handle.read().decode("utf-8-sig"))
    except OSError as exc:
        raise SettingsError(f"无法读取设置文件 {path}（{os_reason(exc)}）。") from None
    except UnicodeDecodeError:
        raise SettingsError(
            f"设置文件 {path} 不是 UTF-8 编码；请用记事本或 WPS 打开，“另存为”时编码选择 UTF-8。"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列附近" if mark is not None else "其中"
        raise SettingsError(
            f"设置文件 {path} 不是有效的 YAML：{where}有格式错误（如缩进不齐、冒号后缺空格、"
            "引号或括号没有闭合），请改正后重试（可用的设置见 huanjie archive --help）。"
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SettingsError(f"设置文件 {path} 应为“设置: 值”的列表。")
    return ArchiveSettings.make(data, source=f"设置文件 {path}", **overrides)


def dang_hao(settings: ArchiveSettings, year: int, retention: str, number: int) -> str:
    """J012-WS·2026-Y-BGS-0001 (no 机构 level when the settings have none)."""
    parts = [settings.fonds, f"{CATEGORY}{SEP}{year}", retention]
    if settings.org:
        parts.append(settings.org)
    parts.append(f"{number:04d}")
    return "-".join(parts)


# --------------------------------------------------------------------------------------------
# What goes in: units and their documents
# --------------------------------------------------------------------------------------------
@dataclass
class _Doc:
    rel: str  # path in OUT, "/"-separated (for a render folder: the file name)
    path: str  # the .docx on disk
    kind: str  # document kind key ("" when unknown)
    title: str  # 题名
    author: str  # 责任者
    date: str  # 日期, 8 digits
    number: str = ""  # 文件编号（文号）
    note: str = ""  # 备注
    unit: str = ""  # the unit's record (rel) or the level folder
    record: str = ""  # path of the record copy in the package ("" for a level summary)
    template: str = ""


@dataclass
class _Unit:
    rel: str  # record path relative to the records folder; a level folder for summaries
    label: str  # what the 说明文件 calls it
    record_path: str = ""  # the record on disk
    record_rel: str = ""  # the record's path under 其他/记录/
    documents: list[_Doc] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    refusal: str = ""
    stage: str = ""
    level: bool = False


@dataclass
class Refusal:
    """A unit (or a level summary) not archived, and why (Chinese)."""

    unit: str
    reason: str
    stage: str  # 校验 | 文书 | 转换
    findings: list[dict] = field(default_factory=list)

    def line(self) -> str:
        return f"{self.unit}：{self.reason}"


@dataclass
class _Input:
    kind: str  # "batch" | "render"
    root: str  # OUT
    units: list[_Unit]
    records_root: str = ""
    report: dict | None = None
    templates_dir: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # package path → file on disk
    version: str = __version__  # the huanjie that made the documents


def _sha256_file(path: str) -> str:
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


def _unit_documents(unit: _Unit, election: Election | None, files: list[tuple[str, str, str, str]]) -> None:
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
            _Doc(
                rel=rel, path=path, kind=kind_key, unit=unit.rel, record=unit.record_rel, template=template, **described
            )
        )


def _check_record(path: str) -> tuple[Any, list[dict], Election | None, str]:
    """(check result, findings, election or None, refusal reason or "")."""
    result = checking.check_file(path)
    findings = [f.to_dict() for f in sorted(result.findings, key=sort_key)]
    if result.record is None:
        return result, findings, None, "记录无法读取"
    if has_errors(result.findings) or result.outcome is None:
        ids = "、".join(dict.fromkeys(f["id"] for f in findings if f["severity"] == "error"))
        return result, findings, None, f"记录有错误（{ids}）"
    election = Election.from_check(result)
    return result, findings, election, ""


def _collect_render(folder: str, record: str | None) -> _Input:
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
    unit = _Unit(rel=rel, label=rel, record_path=record, record_rel=f"{RECORDS_DIR}/{rel}")
    _, unit.findings, election, reason = _check_record(record)
    if reason:
        unit.refusal, unit.stage = reason, "校验"
    else:
        drafts = [f for f in files if is_draft(os.path.join(folder, f))]
        if drafts:
            unit.refusal, unit.stage = f"文书为草稿（{'、'.join(drafts[:3])}{'等' if len(drafts) > 3 else ''}）", "文书"
        else:
            _unit_documents(unit, election, [(f, os.path.join(folder, f), "", "") for f in files])
    return _Input(kind="render", root=folder, units=[unit], records_root=os.path.dirname(os.path.abspath(record)))


def _collect_batch(out: str, records: str | None, progress: Callable[[str, int, int], None]) -> _Input:
    from . import batch

    try:
        with open(os.path.join(out, batch.REPORT_JSON), "rb") as handle:
            report = json.loads(handle.read().decode("utf-8"))
        units_data = report["units"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ArchiveError(f"{out}/report.json 无法读取或不完整（{exc}）；请重新运行 huanjie batch。") from None
    source = report.get("source") or ""
    records_root = records or source
    if not records_root or not os.path.isdir(records_root):
        raise ArchiveError(
            f"找不到选举记录文件夹 {records_root or '（report.json 中没有 source）'}；"
            "数据包要收入这些记录，请用 --records 指定批量生成时的记录文件夹。"
        )
    templates = report.get("templates") or {}
    settings = batch.Settings(
        templates_dir=templates.get("dir"),
        templates_hash=templates.get("sha256", ""),
        version=report.get("version", ""),
    )
    units: list[_Unit] = []
    digests: list[tuple[str, Digest | None]] = []
    total = len(units_data)
    for done, entry in enumerate(units_data, 1):
        rel = entry["path"]
        folder = entry.get("folder") or rel.rsplit(".", 1)[0]
        unit = _Unit(
            rel=rel,
            label=rel,
            record_path=os.path.join(records_root, *rel.split("/")),
            record_rel=f"{RECORDS_DIR}/{rel}",
        )
        units.append(unit)
        unit.findings = list(entry.get("findings") or [])
        digest: Digest | None = None
        stamp = batch.read_stamp(os.path.join(out, *folder.split("/")))
        if stamp and (stamp.get("result") or {}).get("digest"):
            digest = Digest.from_dict(stamp["result"]["digest"])
        if entry.get("status") == batch.FAILED:
            errors = [f.get("id", "") for f in unit.findings if f.get("severity") == "error"]
            unit.refusal = (
                f"记录有错误（{'、'.join(dict.fromkeys(errors))}）"
                if errors
                else f"文书未生成（{entry.get('error') or '生成失败'}）"
            )
            unit.stage = "校验"
            digests.append((rel, None))
            progress("检查记录", done, total)
            continue
        digests.append((rel, digest))
        try:
            with open(unit.record_path, "rb") as handle:
                raw = handle.read()
        except OSError:
            unit.refusal, unit.stage = f"找不到记录文件 {unit.record_path}", "校验"
            progress("检查记录", done, total)
            continue
        if stamp and stamp.get("key") and settings.templates_hash and stamp["key"] != batch.unit_key(raw, settings):
            unit.refusal, unit.stage = "记录在生成文书之后已修改；请重新运行 huanjie batch", "校验"
            progress("检查记录", done, total)
            continue
        _, unit.findings, election, reason = _check_record(unit.record_path)
        if reason:
            unit.refusal, unit.stage = reason, "校验"
            progress("检查记录", done, total)
            continue
        if digest is None:
            try:
                digest = summary_doc.digest(election)
            except Waiting:
                digest = None
            digests[-1] = (rel, digest)
        files, problem = [], ""
        for doc in entry.get("documents") or []:
            path = os.path.join(out, *doc["path"].split("/"))
            if not os.path.isfile(path):
                problem = f"文书 {doc['path']} 缺失；请重新运行 huanjie batch"
                break
            if doc.get("sha256") and _sha256_file(path) != doc["sha256"]:
                problem = f"文书 {doc['path']} 在生成之后被改动（SHA-256 与 report.json 不符）"
                break
            if is_draft(path):
                problem = f"文书 {doc['path']} 为草稿"
                break
            files.append((doc["path"], path, doc.get("kind", ""), doc.get("title", "")))
        if problem:
            unit.refusal, unit.stage = problem, "文书"
        else:
            _unit_documents(unit, election, files)
        progress("检查记录", done, total)
    # Level summaries: rebuilt from the same digests the batch used, for their title, author and date.
    contexts: dict[str, dict] = {}

    def on_level(folder: tuple[str, ...], children: list[Digest]) -> None:
        try:
            instance = summary_doc.build_many(children, **level_names(folder, source or records_root))
        except Waiting:
            return
        contexts["/".join(folder + (SUMMARY_FILE,))] = instance.context

    rels = [rel for rel, _ in digests]
    if rels:
        fold = TreeFold(common_root(rels), on_level)
        for rel, digest in digests:
            fold.add(folder_of(rel), digest)
        fold.finish()
    kind = find_kind("summary")
    for entry in report.get("summaries") or []:
        rel = entry["path"]
        level = rel.rsplit("/", 1)[0] if "/" in rel else ""
        unit = _Unit(rel=level or ".", label=f"{level or '（最上层）'} 工作总结", level=True)
        path = os.path.join(out, *rel.split("/"))
        if not os.path.isfile(path):
            unit.refusal, unit.stage = f"工作总结 {rel} 缺失；请重新运行 huanjie batch", "文书"
        elif entry.get("sha256") and _sha256_file(path) != entry["sha256"]:
            unit.refusal, unit.stage = f"工作总结 {rel} 在生成之后被改动（SHA-256 与 report.json 不符）", "文书"
        else:
            context = contexts.get(rel)
            if context is not None:
                described = _describe(kind, context, None)
            else:
                described = _fallback(path, level, None, "summary", kind.title)
            if not described["author"]:
                described["author"] = level.rsplit("/", 1)[-1]
            unit.documents.append(
                _Doc(rel=rel, path=path, kind="summary", unit=unit.rel, template=kind.template, **described)
            )
        units.append(unit)
    extra = {}
    for name in (batch.REPORT_JSON, batch.REPORT_XLSX, batch.MANIFEST):
        if os.path.isfile(os.path.join(out, name)):
            extra[f"{BATCH_DIR}/{name}"] = os.path.join(out, name)
    return _Input(
        kind="batch",
        root=out,
        units=units,
        records_root=records_root,
        report=report,
        templates_dir=templates.get("dir"),
        extra=extra,
        version=report.get("version") or __version__,
    )


def _tree_key(rel: str) -> tuple:
    """Tree order of paths: in each folder its files first, then its sub-folders, all sorted."""
    parts = rel.split("/")
    return tuple((1, p) for p in parts[:-1]) + ((0, parts[-1]),)


# --------------------------------------------------------------------------------------------
# Progress and result
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArchiveEvent:
    """One step: `stage` (检查记录, 转换 PDF, 检查 PDF, 写入数据包), `done` of `total`."""

    stage: str
    done: int
    total: int


@dataclass
class ArchiveResult:
    package: str
    items: int = 0
    files: int = 0
    units: int = 0  # units with documents archived (level summaries not counted)
    summaries: int = 0  # level summaries archived
    refused: list[Refusal] = field(default_factory=list)
    first: str = ""  # first and last 档号
    last: str = ""
    fonts: dict[str, dict] = field(default_factory=dict)  # font (no subset tag) → {documents, embedded}
    warnings: list[str] = field(default_factory=list)
    libreoffice: str = ""
    seconds: float = 0.0
    convert_seconds: float = 0.0
    settings: ArchiveSettings | None = None

    @property
    def conversion_failed(self) -> bool:
        return any(r.stage == "转换" for r in self.refused)

    @property
    def exit_code(self) -> int:
        return 1 if self.conversion_failed else 0


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------
@dataclass
class _Item:
    doc: _Doc
    pdf: str  # converted PDF (staging)
    pages: int = 0
    version: str = ""
    fonts: list[pdf.FontInfo] = field(default_factory=list)
    year: int = 0
    retention: str = "Y"
    number: int = 0
    dh: str = ""

    @property
    def folder(self) -> str:
        return f"{ITEMS_DIR}/{self.year}/{self.retention}/{self.dh}"


def build_package(
    source: str,
    package: str,
    settings: ArchiveSettings | None = None,
    *,
    force: bool = False,
    workers: int | None = None,
    timeout: float = 120.0,
    records: str | None = None,
    record: str | None = None,
    made_on: dt.date | None = None,
    progress: Callable[[ArchiveEvent], None] | None = None,
) -> ArchiveResult:
    """Convert, describe, number and package the documents of `source` into the zip `package`.

    `source`: a batch output folder (with report.json) or a render output folder (then `record`
    names its record). `records`: the records folder when report.json's source has moved.
    `workers`/`timeout`: LibreOffice processes and seconds per document. `made_on`: the 制作日期
    of the 说明文件 (default today). Raises `ArchiveError` (and subclasses) when no package can
    be made; refused units are only listed in the result.
    """
    started = time.perf_counter()
    settings = settings or ArchiveSettings.make()

    def tell(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(ArchiveEvent(stage, done, total))

    if os.path.exists(source) and not os.path.isdir(source):
        raise ArchiveError(f"{source} 是文件，不是文件夹；请给出 huanjie batch 或 huanjie render 的输出文件夹。")
    if not os.path.isdir(source):
        raise ArchiveError(f"找不到文件夹 {source}。")
    package = os.path.abspath(package)
    blocker = fsutil.file_in_path(os.path.dirname(package))
    if blocker is not None:
        raise ArchiveError(f"无法写入数据包 {package}：路径中的 {blocker} 是文件，不是文件夹。")
    if os.path.isdir(package):
        raise ArchiveError(f"{package} 是文件夹；请给出数据包文件名，如 青石县.zip。")
    if not force and os.path.exists(package):
        raise PackageExists(package)
    soffice = pdf.find_tool("soffice", "libreoffice")
    pdf.find_tool("pdffonts")
    if os.path.isfile(os.path.join(source, "report.json")):
        data = _collect_batch(source, records, tell)
    else:
        data = _collect_render(source, record)
    result = ArchiveResult(package=package, settings=settings)
    docs = sorted((d for u in data.units if not u.refusal for d in u.documents), key=lambda d: _tree_key(d.rel))
    if not docs:
        raise NothingToArchive([_refusal(u) for u in data.units if u.refusal])
    fsutil.make_dirs(os.path.dirname(package))
    work = tempfile.mkdtemp(prefix=".~huanjie-archive-", dir=os.path.dirname(package))
    try:
        result.libreoffice = pdf.soffice_version(soffice)
        jobs = [pdf.Job(d.path, os.path.join(work, "pdf", f"{i:06d}.pdf")) for i, d in enumerate(docs)]
        converted = pdf.convert(
            jobs,
            workers=workers,
            timeout=timeout,
            soffice=soffice,
            progress=lambda done, total: tell("转换 PDF", done, total),
            workdir=work,
        )
        result.convert_seconds = converted.seconds
        by_unit = {u.rel: u for u in data.units}
        for index, reason in sorted(converted.failed.items()):
            unit = by_unit[docs[index].unit]
            if not unit.refusal:
                unit.refusal, unit.stage = f"{docs[index].rel} 无法转换为 PDF/A（{reason}）", "转换"
        items = [_Item(d, jobs[i].target) for i, d in enumerate(docs) if not by_unit[d.unit].refusal]
        _inspect(items, workers, tell, by_unit)
        items = [it for it in items if not by_unit[it.doc.unit].refusal]
        if not items:
            raise NothingToArchive([_refusal(u) for u in data.units if u.refusal])
        _number(items, settings)
        result.refused = [_refusal(u) for u in data.units if u.refusal]
        result.items = len(items)
        archived = {it.doc.unit for it in items}
        result.units = sum(1 for u in data.units if u.rel in archived and not u.level)
        result.summaries = sum(1 for u in data.units if u.rel in archived and u.level)
        result.first, result.last = items[0].dh, items[-1].dh
        result.fonts = _font_table(items)
        result.warnings = _font_warnings(result.fonts)
        if settings.defaulted:
            result.warnings.insert(
                0,
                f"未设置全宗号，使用了演示用的默认值 {DEFAULT_FONDS}；正式移交前请用 --fonds "
                "或设置文件填写档案馆分配的全宗号。",
            )
        entries = _package_files(data, items, settings, result, made_on or dt.date.today())
        stamp = _zip_time(items)
        tell("写入数据包", 0, len(entries))
        _write_zip(entries, package, stamp, force, work, lambda done: tell("写入数据包", done, len(entries)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result.seconds = time.perf_counter() - started
    return result


def _refusal(unit: _Unit) -> Refusal:
    return Refusal(
        unit=unit.label,
        reason=unit.refusal,
        stage=unit.stage,
        findings=[f for f in unit.findings if f.get("severity") == "error"],
    )


def _inspect(items: list[_Item], workers: int | None, tell, by_unit: dict[str, _Unit]) -> None:
    """Pages, PDF version, fonts and the PDF/A claim of every converted PDF."""
    done = 0

    def one(item: _Item) -> str:
        data = Path(item.pdf).read_bytes()
        item.version = pdf.pdf_version(data)
        item.pages = pdf.pdf_pages(item.pdf, data) or 0
        claim = pdf.pdfa_claim(data)
        item.fonts = pdf.pdf_fonts(item.pdf)
        if claim != ("2", "B"):
            return f"{item.doc.rel} 转换后的 PDF 没有 PDF/A-2b 声明（XMP pdfaid：{claim}）"
        if not item.pages:
            return f"{item.doc.rel} 转换后的 PDF 无法读取页数"
        return ""

    with ThreadPoolExecutor(max_workers=max(1, workers or os.cpu_count() or 1)) as pool:
        for item, problem in zip(items, pool.map(one, items), strict=False):
            done += 1
            tell("检查 PDF", done, len(items))
            unit = by_unit[item.doc.unit]
            if problem and not unit.refusal:
                unit.refusal, unit.stage = problem, "转换"


def _number(items: list[_Item], settings: ArchiveSettings) -> None:
    counters: dict[tuple[int, str], int] = {}
    fallback_year = max((int(it.doc.date[:4]) for it in items if it.doc.date), default=dt.date.today().year)
    for item in items:
        item.year = settings.year or (int(item.doc.date[:4]) if item.doc.date else fallback_year)
        item.retention = settings.retention_for(item.doc.kind)
        key = (item.year, item.retention)
        counters[key] = counters.get(key, settings.start - 1) + 1
        if counters[key] > 9999:
            raise ArchiveError(
                f"{item.year} 年度保管期限 {item.retention} 的文书超过 9999 件，件号不够用；"
                "请分批归档（用起始件号续编）。"
            )
        item.number = counters[key]
        item.dh = dang_hao(settings, item.year, item.retention, item.number)


def _font_table(items: list[_Item]) -> dict[str, dict]:
    table: dict[str, dict] = {}
    for item in items:
        for family in sorted({font.family for font in item.fonts}):
            table.setdefault(family, {"type": "", "documents": 0, "embedded": True})["documents"] += 1
        for font in item.fonts:
            row = table[font.family]
            row["type"] = row["type"] or font.type
            row["embedded"] = row["embedded"] and font.embedded
    return dict(sorted(table.items()))


def _font_warnings(fonts: dict[str, dict]) -> list[str]:
    warnings = []
    missing = [name for name, row in fonts.items() if not row["embedded"]]
    if missing:
        warnings.append(f"有字体未嵌入 PDF：{'、'.join(missing)}；这些 PDF 不符合 PDF/A。")
    dejavu = [name for name in fonts if "DejaVu" in name]
    if dejavu:
        warnings.append(
            f"PDF 中用了 {'、'.join(dejavu)}：字体替换（templates/fonts.conf）可能未生效，"
            f"中文可能未用中文字体排版。请安装：{pdf.INSTALL_HINT}"
        )
    return warnings


def _zip_time(items: list[_Item]) -> tuple[int, int, int, int, int, int]:
    """Every entry's time: the latest document date of the records (00:00), for reproducible zips."""
    dates = [it.doc.date for it in items if len(it.doc.date) == 8]
    if not dates:
        return (2026, 1, 1, 0, 0, 0)
    last = max(dates)
    year = min(max(int(last[:4]), 1980), 2107)
    return (year, int(last[4:6]), int(last[6:8]), 0, 0, 0)


# --------------------------------------------------------------------------------------------
# The files of the package
# --------------------------------------------------------------------------------------------
PDF_FORMAT = "PDF/A-2b（ISO 19005-2:2011）"
DOCX_FORMAT = "Office Open XML 文字处理文档（.docx，ISO/IEC 29500）"


def _metadata(
    item: _Item,
    settings: ArchiveSettings,
    producer: str,
    libreoffice: str,
    version: str,
    pdf_bytes: tuple[int, str, str],
    docx_bytes: tuple[int, str, str],
) -> dict:
    doc = item.doc
    dh_parts = {
        "档号": item.dh,
        "全宗号": settings.fonds,
        "门类代码": CATEGORY,
        "年度": str(item.year),
        "保管期限": item.retention,
    }
    if settings.org:
        dh_parts["机构或问题"] = settings.org
    dh_parts["件号"] = f"{item.number:04d}"
    content = {"题名": doc.title}
    if doc.number:
        content["文件编号"] = doc.number
    content |= {"责任者": doc.author, "日期": doc.date, "文种": GENRE.get(doc.kind, "")}
    creator = f"huanjie {version}" + (f"（模板 {doc.template}）" if doc.template else "")
    files = [
        {
            "计算机文件名": f"{item.dh}.pdf",
            "格式信息": f"{PDF_FORMAT}，PDF {item.version}",
            "计算机文件大小": pdf_bytes[0],
            "文档创建程序": f"{libreoffice}（PDF/A-2b 导出，源文件由 {creator} 生成）",
            "SHA256": pdf_bytes[1],
            "SM3": pdf_bytes[2],
            "用途": "长期保存版本",
        },
        {
            "计算机文件名": f"{item.dh}.docx",
            "格式信息": DOCX_FORMAT,
            "计算机文件大小": docx_bytes[0],
            "文档创建程序": creator,
            "SHA256": docx_bytes[1],
            "SM3": docx_bytes[2],
            "用途": "原始格式",
        },
    ]
    notes = {
        "单位": doc.unit if doc.record else doc.unit.rstrip("/"),
        "原文件名": doc.rel.rsplit("/", 1)[-1],
        "原路径": doc.rel,
        "文书种类": doc.kind,
    }
    if doc.record:
        notes["选举记录"] = doc.record
    if doc.note:
        notes["说明"] = doc.note
    return {
        "元数据方案": "DA/T 46-2009 文书类电子文件元数据方案（适用元素）",
        "聚合层次": "件",
        "来源": {"立档单位名称": producer},
        "档号": dh_parts,
        "内容描述": content,
        "形式特征": {"页数": item.pages, "语种": "汉语", "稿本": "正本"},
        "电子属性": files,
        "附注": notes,
    }


def _to_xml(root_name: str, data: dict, attrs: dict | None = None) -> bytes:
    root = ElementTree.Element(root_name, attrs or {})

    def fill(parent: ElementTree.Element, key: str, value: Any) -> None:
        if isinstance(value, dict):
            element = ElementTree.SubElement(parent, key)
            for k, v in value.items():
                fill(element, k, v)
        elif isinstance(value, list):
            for v in value:
                fill(parent, key, v)
        else:
            element = ElementTree.SubElement(parent, key)
            element.text = "" if value is None else str(value)

    for key, value in data.items():
        fill(root, key, value)
    ElementTree.indent(root, space="  ")
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        + ElementTree.tostring(root, encoding="utf-8", xml_declaration=False)
        + b"\n"
    )


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _digests(data: bytes) -> tuple[int, str, str]:
    return len(data), hashlib.sha256(data).hexdigest(), sm3.new(data).hexdigest()


CATALOGUE_COLUMNS = [
    "顺序号",
    "档号",
    "文号",
    "责任者",
    "题名",
    "日期",
    "密级",
    "页数",
    "备注",
    "电子档案名称",
    "原始格式",
    "单位",
]
CATALOGUE_WIDTHS = [8, 26, 18, 26, 60, 11, 6, 6, 30, 62, 62, 44]


def _catalogue_entry(n: int, item: _Item) -> dict:
    doc = item.doc
    return {
        "顺序号": n,
        "档号": item.dh,
        "文号": doc.number,
        "责任者": doc.author,
        "题名": doc.title,
        "日期": doc.date,
        "密级": "",
        "页数": item.pages,
        "备注": doc.note,
        "电子档案名称": f"{item.folder}/{item.dh}.pdf",
        "原始格式": f"{item.folder}/{item.dh}.docx",
        "单位": doc.unit,
    }


def _xlsx(entries: list[dict], stamp: tuple) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "归档文件目录"
    sheet.append(CATALOGUE_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for entry in entries:
        sheet.append([entry[c] for c in CATALOGUE_COLUMNS])
    for i, width in enumerate(CATALOGUE_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    for row in sheet.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    fixed = dt.datetime(*stamp)
    book.properties.creator = "huanjie"
    book.properties.created = fixed
    book.properties.modified = fixed
    buffer = io.BytesIO()
    book.save(buffer)
    return _normalise_zip(buffer.getvalue(), stamp)


def _normalise_zip(data: bytes, stamp: tuple) -> bytes:
    """The same zip with every entry at `stamp`, in its order: a reproducible .xlsx."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fresh = zipfile.ZipInfo(info.filename, date_time=stamp)
            fresh.compress_type = zipfile.ZIP_DEFLATED
            fresh.external_attr = 0o644 << 16
            fresh.create_system = 3
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps “modified” with the time of saving
                when = dt.datetime(*stamp).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                data = re.sub(
                    rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + when + rb"\g<2>", data
                )
            dst.writestr(fresh, data)
    return out.getvalue()


def _producer(data: _Input, settings: ArchiveSettings, items: list[_Item]) -> str:
    if settings.producer:
        return settings.producer
    if data.kind == "batch":
        rels = [u.rel for u in data.units if not u.level]
        root = common_root(rels)
        if root:
            return root[0]
        return os.path.basename(os.path.abspath(data.records_root).rstrip(os.sep))
    authors = [it.doc.author for it in items if it.doc.kind not in PERSONAL]
    return authors[0] if authors else ""


def _package_files(
    data: _Input, items: list[_Item], settings: ArchiveSettings, result: ArchiveResult, made_on: dt.date
) -> dict[str, bytes | str]:
    """Package path → bytes (or a file on disk), manifests included."""
    files: dict[str, bytes | str] = {}
    producer = _producer(data, settings, items)
    stamp = _zip_time(items)
    catalogue = []
    for n, item in enumerate(items, 1):
        pdf_data = Path(item.pdf).read_bytes()
        docx_data = Path(item.doc.path).read_bytes()
        meta = _metadata(
            item, settings, producer, result.libreoffice, data.version, _digests(pdf_data), _digests(docx_data)
        )
        files[f"{item.folder}/{item.dh}.pdf"] = item.pdf
        files[f"{item.folder}/{item.dh}.docx"] = item.doc.path
        files[f"{item.folder}/{item.dh}.json"] = _json(meta)
        files[f"{item.folder}/{item.dh}.xml"] = _to_xml("文件", meta, {"档号": item.dh})
        catalogue.append(_catalogue_entry(n, item))
    files[f"{CATALOGUE}.json"] = _json(
        {"题名": f"{producer}换届选举归档文件目录", "立档单位": producer, "件数": len(catalogue), "文件": catalogue}
    )
    files[f"{CATALOGUE}.xml"] = _to_xml(
        CATALOGUE, {"文件": catalogue}, {"立档单位": producer, "件数": str(len(catalogue))}
    )
    files[f"{CATALOGUE}.xlsx"] = _xlsx(catalogue, stamp)
    # Records, check report, batch originals, templates, settings.
    archived = {it.doc.unit for it in items}
    units_report = []
    for unit in data.units:
        if unit.record_path and unit.rel in archived:
            files[unit.record_rel] = unit.record_path
        units_report.append(
            {
                "单位": unit.label,
                "记录": unit.record_rel if unit.rel in archived else "",
                "结论": "归档" if unit.rel in archived else "拒收",
                "原因": unit.refusal,
                "环节": unit.stage,
                "件数": sum(1 for it in items if it.doc.unit == unit.rel),
                "问题": unit.findings,
            }
        )
    files[CHECK_REPORT] = _json(
        {
            "程序": f"huanjie {__version__}",
            "说明": "归档前对每个单位的检查：记录校验结果（错误、警告、"
            "提示）、文书是否齐全未改动、是否草稿、能否转换为 PDF/A。",
            "单位": units_report,
        }
    )
    for name, path in data.extra.items():
        files[name] = path
    templates_dir = data.templates_dir
    for kind in KINDS:
        own = Path(templates_dir) / kind.template if templates_dir else None
        path = own if own is not None and own.exists() else TEMPLATES_DIR / kind.template
        if path.exists():
            files[f"{TEMPLATES_COPY}/{kind.template}"] = str(path)
    files[f"{TEMPLATES_COPY}/fonts.conf"] = str(pdf.FONTS_CONF)
    files[SETTINGS_COPY] = settings.to_yaml().encode("utf-8")
    result.files = len(files) + 1 + len(MANIFESTS) + len(TAGMANIFESTS)
    files[README_FILE] = _readme(data, items, settings, result, producer, made_on).encode("utf-8")
    # Manifests over everything above, then tag manifests over the manifests.
    digests: dict[str, tuple[str, str]] = {}
    for path in sorted(files):
        value = files[path]
        blob = value if isinstance(value, bytes) else Path(value).read_bytes()
        digests[path] = (hashlib.sha256(blob).hexdigest(), sm3.new(blob).hexdigest())
    for i, name in enumerate(MANIFESTS.values()):
        files[name] = "".join(f"{digests[p][i]}  {p}\n" for p in sorted(digests)).encode("utf-8")
    for algorithm, name in TAGMANIFESTS.items():
        h = (lambda b: hashlib.sha256(b).hexdigest()) if algorithm == "sha256" else (lambda b: sm3.new(b).hexdigest())
        files[name] = "".join(f"{h(files[m])}  {m}\n" for m in sorted(MANIFESTS.values())).encode("utf-8")
    return files


def _readme(
    data: _Input, items: list[_Item], settings: ArchiveSettings, result: ArchiveResult, producer: str, made_on: dt.date
) -> str:
    refused = [u for u in data.units if u.refusal]
    years = sorted({it.year for it in items})
    retentions = sorted({it.retention for it in items})
    lines = [
        "归档数据包说明文件",
        "",
        "一、基本信息",
        f"立档单位：{producer}",
        f"内容：{producer}换届选举文书（公告、选票、当选证书、承诺书、工作总结等）",
        f"制作日期：{made_on.strftime('%Y年%m月%d日')}",
        f"件数：{len(items)} 件（单位 {result.units} 个"
        + (f"，各级工作总结 {result.summaries} 份" if result.summaries else "")
        + f"）；文件数：{result.files} 个（含本说明文件和清单）",
        f"档号：{items[0].dh} 至 {items[-1].dh}" if len(items) > 1 else f"档号：{items[0].dh}",
        f"全宗号 {settings.fonds}；门类代码 {CATEGORY}（文书）；年度 {'、'.join(map(str, years))}；保管期限 "
        + "、".join(f"{r}（{RETENTION[r]}）" for r in retentions)
        + (f"；机构（问题）代码 {settings.org}" if settings.org else "")
        + f"；起始件号 {settings.start:04d}",
        "",
        "二、制作程序",
        f"文书生成：huanjie {data.version}（由选举记录和 Word 模板生成 .docx，GB/T 9704-2012 版式）"
        + (f"；打包：huanjie {__version__}" if data.version != __version__ else ""),
        f"格式转换：{result.libreoffice}，无界面模式，PDF/A-2b 导出（SelectPdfVersion=2）",
        f"字体检查：{pdf.poppler_version()}（pdffonts）",
        f"数字摘要：SHA-256；SM3（{'OpenSSL' if sm3.HASHLIB_HAS_SM3 else '纯 Python 实现'}）",
        "",
        "三、字体",
        "文书中写的是中文 Windows 字体名（方正小标宋简体、仿宋_GB2312、楷体_GB2312、黑体、宋体、Times New Roman），",
        "转换时按 其他/模板/fonts.conf 替换为开源字体。PDF 中实际使用并嵌入的字体（pdffonts 读取）：",
    ]
    for name, row in result.fonts.items():
        lines.append(f"  {name}（{row['type']}）：{row['documents']} 件，{'已嵌入' if row['embedded'] else '未嵌入'}")
    lines += [
        "",
        "四、遵循的标准和规定",
        *[f"  {s}" for s in STANDARDS],
        "  说明：PDF/A-2b 声明由 LibreOffice 写入，未用 veraPDF 等工具另行验证。",
        "",
        "五、目录结构",
        f"  {README_FILE}：本文件",
        f"  {CATALOGUE}.xml、{CATALOGUE}.json、{CATALOGUE}.xlsx：归档文件目录，每件一条（顺序号、档号、文号、责任者、题名、日期、密级、页数、备注）",
        f"  {ITEMS_DIR}/<年度>/<保管期限>/<档号>/：每件一个文件夹：<档号>.pdf（PDF/A-2b 长期保存版本）、<档号>.docx（原始格式）、"
        "<档号>.xml 和 <档号>.json（DA/T 46 元数据，内容相同）",
        f"  {RECORDS_DIR}/：生成这些文书的选举记录（YAML）",
        f"  {CHECK_REPORT}：每个单位的归档检查结论、原因和校验问题",
    ]
    if data.kind == "batch":
        lines.append(f"  {BATCH_DIR}/：批量生成的报告（report.json、批量报告.xlsx）和文件清单（manifest.json）")
    lines += [
        f"  {TEMPLATES_COPY}/：生成文书所用的模板和字体替换文件",
        f"  {SETTINGS_COPY}：档号设置",
        "  manifest-sha256.txt、manifest-sm3.txt：除清单外每个文件的 SHA-256 和 SM3 摘要（“摘要  路径”，每行一个）",
        "  tagmanifest-sha256.txt、tagmanifest-sm3.txt：两个清单文件的摘要",
        "",
        "六、重新生成与校验",
        "  校验本数据包：huanjie verify 本数据包.zip（重新计算每个文件的摘要，核对目录结构、PDF/A 声明和元数据）",
    ]
    if data.kind == "batch":
        lines.append(
            f"  重新生成文书：把 {RECORDS_DIR}/ 复制为记录文件夹，运行 huanjie batch 记录文件夹 -o 输出文件夹"
            f"（huanjie {data.version}，同样的模板时文书逐字节相同），再运行 huanjie archive。"
        )
    else:
        lines.append(
            f"  重新生成文书：huanjie render {RECORDS_DIR}/<记录>.yaml -o 输出文件夹（huanjie {data.version}），"
            "再运行 huanjie archive 输出文件夹 --record <记录>.yaml。"
        )
    lines += ["", "七、未归档的单位"]
    if refused:
        lines.append(f"以下 {len(refused)} 个单位（或工作总结）未归档，原因见 {CHECK_REPORT}：")
        for unit in refused:
            lines.append(f"  {unit.label}：{unit.refusal}")
    else:
        lines.append("无。")
    if result.warnings:
        lines += ["", "八、提示", *[f"  {w}" for w in result.warnings]]
    return "\n".join(lines) + "\n"


def _write_zip(
    entries: dict[str, bytes | str], package: str, stamp: tuple, force: bool, work: str, tick: Callable[[int], None]
) -> None:
    """Write the zip beside `package` and rename it into place (never over a package unless `force`)."""
    handle, temp = tempfile.mkstemp(prefix=".~", suffix=".zip.tmp", dir=os.path.dirname(package))
    os.close(handle)
    try:
        os.chmod(temp, mode_for(package))
        with zipfile.ZipFile(temp, "w", allowZip64=True) as archive:
            for done, name in enumerate(sorted(entries), 1):
                value = entries[name]
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.external_attr = 0o644 << 16
                info.create_system = 3
                stored = name.endswith((".pdf", ".docx", ".xlsx"))
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                if isinstance(value, bytes):
                    archive.writestr(info, value)
                else:
                    with open(value, "rb") as src, archive.open(info, "w", force_zip64=True) as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
                tick(done)
        with open(temp, "rb+") as sync:
            os.fsync(sync.fileno())
        try:
            fsutil.place(temp, package, overwrite=force)
        except fsutil.OutputExists:
            raise PackageExists(package) from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


# --------------------------------------------------------------------------------------------
# Verifying
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    path: str  # the file in the package ("" for the package as a whole)
    message: str  # Chinese

    def line(self) -> str:
        return f"{self.path}：{self.message}" if self.path else self.message


@dataclass
class VerifyResult:
    package: str
    files: int = 0
    items: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


_MANIFEST_LINE = re.compile(r"^([0-9a-f]{64})  (\S.*)$")
_ITEM_FILE = re.compile(rf"^{ITEMS_DIR}/(\d{{4}})/(Y|D30|D10)/([^/]+)/([^/]+)$")


def _parse_manifest(text: str, name: str, problems: list[Problem]) -> dict[str, str]:
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _MANIFEST_LINE.match(line)
        if not match:
            problems.append(Problem(name, f"第 {n} 行格式不对（应为“64 位十六进制摘要、两个空格、路径”）：{line[:80]}"))
            continue
        if match.group(2) in out:
            problems.append(Problem(name, f"第 {n} 行重复列出 {match.group(2)}"))
        out[match.group(2)] = match.group(1)
    return out


def _xml_to_data(element: ElementTree.Element, lists: frozenset[str]) -> dict:
    data: dict[str, Any] = {}
    for child in element:
        value: Any = _xml_to_data(child, lists) if len(child) else (child.text or "")
        if child.tag in lists:
            data.setdefault(child.tag, []).append(value)
        else:
            data[child.tag] = value
    return data


def _stringify(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stringify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify(v) for v in value]
    return "" if value is None else str(value)


class _Reader:
    """The package's files: every digest computed in one streamed pass, the bytes of small files kept."""

    KEEP = 4 << 20

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.digests: dict[str, dict[str, str]] = {}
        self.sizes: dict[str, int] = {}
        self.cache: dict[str, bytes] = {}

    def scan(self, info: zipfile.ZipInfo) -> None:
        hashers = {"sha256": hashlib.sha256(), "sm3": sm3.new()}
        size = 0
        keep = info.file_size <= self.KEEP and not info.filename.endswith((".pdf", ".docx"))
        parts = []
        with self.archive.open(info) as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                size += len(chunk)
                for h in hashers.values():
                    h.update(chunk)
                if keep:
                    parts.append(chunk)
        self.digests[info.filename] = {k: h.hexdigest() for k, h in hashers.items()}
        self.sizes[info.filename] = size
        if keep:
            self.cache[info.filename] = b"".join(parts)

    def __contains__(self, name: object) -> bool:
        return name in self.digests

    def get(self, name: str) -> bytes:
        if name in self.cache:
            return self.cache[name]
        return self.archive.read(name)


def verify_package(path: str, progress: Callable[[int, int], None] | None = None) -> VerifyResult:
    """Re-hash every file of the package and check its layout, PDF/A claims and metadata.

    Raises `PackageUnreadable` when `path` is not a readable zip; every other problem is a
    `Problem` (file, Chinese message) in the result. Large files are streamed, not held in memory.
    """
    result = VerifyResult(package=path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise PackageUnreadable(f"找不到数据包 {path}。") from None
    except IsADirectoryError:
        raise PackageUnreadable(f"{path} 是文件夹，不是数据包（.zip）。") from None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        reason = (
            os_reason(exc)
            if isinstance(exc, OSError) and exc.errno
            else "文件内容不是 zip 格式，可能已损坏或误选了其他文件"
        )
        raise PackageUnreadable(f"无法读取数据包 {path}：不是有效的 zip 文件（{reason}）。") from None
    with archive:
        _verify(archive, result, progress)
    return result


def _verify(archive: zipfile.ZipFile, result: VerifyResult, progress: Callable[[int, int], None] | None) -> None:
    problems = result.problems
    infos = [i for i in archive.infolist() if not i.is_dir()]
    names = [i.filename for i in infos]
    result.files = len(names)
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        if name in seen:
            problems.append(Problem(name, "在数据包中出现了不止一次"))
        seen.add(name)
        if name.startswith("/") or ".." in name.split("/") or "\\" in name:
            problems.append(Problem(name, "路径不安全（绝对路径或含 ..）"))
        if info.flag_bits & 0x1:
            problems.append(Problem(name, "文件被加密；归档数据包不得加密"))
    files = _Reader(archive)
    for done, info in enumerate(infos, 1):
        try:
            files.scan(info)
        except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
            problems.append(Problem(info.filename, f"无法读出（zip 数据损坏：{exc}）"))
        if progress is not None:
            progress(done, len(infos))
    for name in TOP_FILES:
        if name not in seen:
            problems.append(Problem(name, "缺少这个文件（数据包结构不完整）"))
    # Manifests, then the tag manifests over them.
    manifests: dict[str, dict[str, str]] = {}
    for algorithm, name in MANIFESTS.items():
        if name in files:
            manifests[algorithm] = _parse_manifest(files.get(name).decode("utf-8", "replace"), name, problems)
    own = set(MANIFESTS.values()) | set(TAGMANIFESTS.values())
    for algorithm, listed in manifests.items():
        name = MANIFESTS[algorithm]
        label = ALGORITHM_NAMES[algorithm]
        for file in names:
            if file in own:
                continue
            if file not in listed:
                problems.append(Problem(file, f"没有列入 {name}（来历不明的文件，或清单被改动）"))
            elif file in files:
                actual = files.digests[file][algorithm]
                if actual != listed[file]:
                    problems.append(
                        Problem(
                            file,
                            f"{label} 摘要与 {name} 不符（清单 {listed[file][:16]}…，实际 "
                            f"{actual[:16]}…）：文件已被改动或损坏",
                        )
                    )
        for file in listed:
            if file not in seen:
                problems.append(Problem(file, f"{name} 中列出了这个文件，但数据包中没有"))
    for algorithm, name in TAGMANIFESTS.items():
        if name not in files:
            continue
        listed = _parse_manifest(files.get(name).decode("utf-8", "replace"), name, problems)
        for manifest in MANIFESTS.values():
            if manifest not in listed:
                problems.append(Problem(manifest, f"没有列入 {name}"))
            elif manifest in files and files.digests[manifest][algorithm] != listed[manifest]:
                problems.append(Problem(manifest, f"{ALGORITHM_NAMES[algorithm]} 摘要与 {name} 不符：清单文件已被改动"))
    # Layout: items, other files.
    items: dict[str, dict[str, str]] = {}  # 档号 → {suffix: path}
    folders: dict[str, str] = {}
    for file in names:
        if file in TOP_FILES:
            continue
        match = _ITEM_FILE.match(file)
        if match:
            _, _, dh, base = match.groups()
            stem, _, suffix = base.rpartition(".")
            if stem != dh or suffix not in ("pdf", "docx", "xml", "json"):
                problems.append(Problem(file, f"文件名应为 {dh}.pdf、{dh}.docx、{dh}.xml 或 {dh}.json"))
                continue
            items.setdefault(dh, {})[suffix] = file
            folders[dh] = file.rsplit("/", 1)[0]
            continue
        if file.startswith(f"{OTHER_DIR}/"):
            continue
        problems.append(
            Problem(file, f"不在规定的位置（应在 {ITEMS_DIR}/<年度>/<保管期限>/<档号>/ 或 {OTHER_DIR}/ 下）")
        )
    result.items = len(items)
    # The catalogue, in JSON and XML.
    catalogue: list[dict] = []
    if f"{CATALOGUE}.json" in files:
        try:
            catalogue = json.loads(files.get(f"{CATALOGUE}.json").decode("utf-8"))["文件"]
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(Problem(f"{CATALOGUE}.json", f"无法读取（{exc}）"))
    if f"{CATALOGUE}.xml" in files:
        try:
            root = ElementTree.fromstring(files.get(f"{CATALOGUE}.xml"))
            xml_entries = [_xml_to_data(e, frozenset()) for e in root.findall("文件")]
            if [_stringify(e) for e in catalogue] != xml_entries:
                problems.append(Problem(f"{CATALOGUE}.xml", f"与 {CATALOGUE}.json 的内容不一致"))
        except ElementTree.ParseError as exc:
            problems.append(Problem(f"{CATALOGUE}.xml", f"不是有效的 XML（{exc}）"))
    listed_dh = []
    for n, entry in enumerate(catalogue, 1):
        dh = str(entry.get("档号", ""))
        listed_dh.append(dh)
        if entry.get("顺序号") != n:
            problems.append(Problem(f"{CATALOGUE}.json", f"第 {n} 条的顺序号是 {entry.get('顺序号')}，应为 {n}"))
        if dh not in items:
            problems.append(Problem(f"{CATALOGUE}.json", f"第 {n} 条（档号 {dh}）在 {ITEMS_DIR}/ 中没有对应的文件夹"))
    for dh in sorted(set(items) - set(listed_dh)):
        problems.append(Problem(folders[dh] + "/", f"档号 {dh} 没有列入{CATALOGUE}"))
    by_dh = {str(e.get("档号", "")): e for e in catalogue}
    for dh in sorted(items):
        _verify_item(dh, folders[dh], items[dh], files, by_dh.get(dh), problems)


def _verify_item(
    dh: str, folder: str, files: dict[str, str], blobs: _Reader, entry: dict | None, problems: list[Problem]
) -> None:
    for suffix in ("pdf", "docx", "xml", "json"):
        if suffix not in files:
            problems.append(
                Problem(f"{folder}/{dh}.{suffix}", "缺少这个文件（每件应有 PDF、原始 .docx、XML 和 JSON 元数据）")
            )
    year, retention = folder.split("/")[1:3]
    meta_path = files.get("json")
    meta: dict | None = None
    if meta_path in blobs:
        try:
            meta = json.loads(blobs.get(meta_path).decode("utf-8"))
        except ValueError as exc:
            problems.append(Problem(meta_path, f"不是有效的 JSON（{exc}）"))
    xml_path = files.get("xml")
    if xml_path in blobs:
        try:
            root = ElementTree.fromstring(blobs.get(xml_path))
            if meta is not None and _xml_to_data(root, frozenset({"电子属性"})) != _stringify(meta):
                problems.append(Problem(xml_path, f"与 {dh}.json 的元数据不一致"))
            if root.get("档号") != dh:
                problems.append(Problem(xml_path, f"根元素的档号为 {root.get('档号')}，应为 {dh}"))
        except ElementTree.ParseError as exc:
            problems.append(Problem(xml_path, f"不是有效的 XML（{exc}）"))
    pdf_path = files.get("pdf")
    pdf_data = blobs.get(pdf_path) if pdf_path in blobs else None
    pages = None
    if pdf_data is not None:
        if not pdf_data.startswith(b"%PDF-") or b"%%EOF" not in pdf_data[-1024:]:
            problems.append(Problem(pdf_path, "不是完整的 PDF 文件"))
        claim = pdf.pdfa_claim(pdf_data)
        if claim is None:
            problems.append(Problem(pdf_path, "XMP 元数据中没有 PDF/A 声明（pdfaid:part、pdfaid:conformance）"))
        elif claim != ("2", "B"):
            problems.append(
                Problem(
                    pdf_path,
                    f"PDF/A 声明为 part={claim[0]}、conformance={claim[1]}，应为 PDF/A-2b（part=2、conformance=B）",
                )
            )
        pages = pdf.pdf_pages(None, pdf_data)
        if pages is None:
            problems.append(Problem(pdf_path, "无法读取页数"))
    docx_path = files.get("docx")
    if docx_path in blobs:
        try:
            with zipfile.ZipFile(io.BytesIO(blobs.get(docx_path))) as docx:
                docx.getinfo("word/document.xml")
        except (zipfile.BadZipFile, KeyError):
            problems.append(Problem(docx_path, "不是有效的 Word 文档（.docx）"))
    if meta is None:
        return
    where = meta_path
    try:
        code = meta["档号"]
        content = meta["内容描述"]
        form = meta["形式特征"]
        electronic = meta["电子属性"]
    except (KeyError, TypeError):
        problems.append(Problem(where, "缺少 DA/T 46 元素（档号、内容描述、形式特征、电子属性）"))
        return
    if code.get("档号") != dh:
        problems.append(Problem(where, f"档号为 {code.get('档号')}，与文件夹 {dh} 不符"))
    if str(code.get("年度")) != year or code.get("保管期限") != retention:
        problems.append(
            Problem(
                where, f"年度 {code.get('年度')}、保管期限 {code.get('保管期限')} 与所在文件夹 {year}/{retention} 不符"
            )
        )
    expected = "-".join(
        p
        for p in [
            code.get("全宗号"),
            f"{code.get('门类代码')}{SEP}{code.get('年度')}",
            code.get("保管期限"),
            code.get("机构或问题"),
            code.get("件号"),
        ]
        if p
    )
    if expected != dh:
        problems.append(Problem(where, f"档号各项（{expected}）与档号 {dh} 不符"))
    for element in ("题名", "责任者", "日期", "文种"):
        if not content.get(element):
            problems.append(Problem(where, f"缺少元素“{element}”"))
    if content.get("日期") and not re.fullmatch(r"\d{8}", str(content["日期"])):
        problems.append(Problem(where, f"日期“{content['日期']}”应为 8 位数字，如 20260418"))
    if pages is not None and form.get("页数") != pages:
        problems.append(Problem(where, f"页数为 {form.get('页数')}，而 {dh}.pdf 有 {pages} 页"))
    described = {}
    for row in electronic if isinstance(electronic, list) else []:
        described[row.get("计算机文件名")] = row
    for suffix in ("pdf", "docx"):
        name = f"{dh}.{suffix}"
        row = described.get(name)
        if row is None:
            problems.append(Problem(where, f"电子属性中没有计算机文件名为 {name} 的文件"))
            continue
        path = files.get(suffix, "")
        if path not in blobs:
            continue
        size = blobs.sizes[path]
        if row.get("计算机文件大小") != size:
            problems.append(
                Problem(where, f"{name} 的计算机文件大小记为 {row.get('计算机文件大小')} 字节，实际为 {size} 字节")
            )
        if row.get("SHA256") != blobs.digests[path]["sha256"]:
            problems.append(Problem(where, f"{name} 的 SHA256 与文件不符"))
        if row.get("SM3") != blobs.digests[path]["sm3"]:
            problems.append(Problem(where, f"{name} 的 SM3 与文件不符"))
        if not row.get("格式信息") or not row.get("文档创建程序"):
            problems.append(Problem(where, f"{name} 缺少格式信息或文档创建程序"))
    for name in described:
        if name not in (f"{dh}.pdf", f"{dh}.docx"):
            problems.append(Problem(where, f"电子属性中的计算机文件名 {name} 在文件夹中没有对应的文件"))
    if entry is not None:
        pairs = {
            "题名": content.get("题名"),
            "责任者": content.get("责任者"),
            "日期": content.get("日期"),
            "文号": content.get("文件编号", ""),
            "页数": form.get("页数"),
        }
        for key, value in pairs.items():
            if entry.get(key) != value:
                problems.append(
                    Problem(f"{CATALOGUE}.json", f"档号 {dh} 的{key}为“{entry.get(key)}”，与元数据“{value}”不符")
                )
        if entry.get("电子档案名称") != f"{folder}/{dh}.pdf":
            problems.append(Problem(f"{CATALOGUE}.json", f"档号 {dh} 的电子档案名称应为 {folder}/{dh}.pdf"))

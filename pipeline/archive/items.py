"""The data of one archive run: the documents and units gathered, the items made of them, refusals and the result."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import __version__
from ..findings import Finding, Severity
from .layout import item_folder
from .pdf import FontInfo
from .scans import Scan
from .settings import ArchiveSettings

__all__ = ["Doc", "Unit", "Input", "Item", "Refusal", "ArchiveEvent", "ArchiveResult"]


@dataclass
class Doc:
    """One .docx to archive and its catalogue data (题名, 责任者, 日期, 文号)."""

    rel: str  # path in OUT, "/"-separated (for a render folder: the file name)
    path: str  # the .docx on disk
    kind: str  # document kind key ("" when unknown)
    title: str  # 题名
    author: str  # 责任者
    date: str  # 日期, 8 digits
    number: str = ""  # 文件编号（文号）
    note: str = ""  # 备注
    genre: str = ""  # 文种
    unit: str = ""  # the unit's record (rel) or the level folder
    record: str = ""  # path of the record copy in the package ("" for a level summary)
    template: str = ""


@dataclass
class Unit:
    """A record and its documents, or a level folder and its summary: archived whole or refused whole."""

    rel: str  # record path relative to the records folder; a level folder for summaries
    label: str  # what the 说明文件 calls it
    record_path: str = ""  # the record on disk
    record_rel: str = ""  # the record's path under 其他/记录/
    documents: list[Doc] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    refusal: str = ""
    stage: str = ""
    level: bool = False

    def refuse(self, reason: str, stage: str) -> None:
        self.refusal, self.stage = reason, stage

    def as_refusal(self) -> Refusal:
        return Refusal(
            unit=self.label,
            reason=self.refusal,
            stage=self.stage,
            findings=[f for f in self.findings if f.severity is Severity.ERROR],
        )


@dataclass
class Refusal:
    """A unit (or a level summary) not archived, and why (Chinese)."""

    unit: str
    reason: str
    stage: str  # 校验 | 文书 | 转换
    findings: list[Finding] = field(default_factory=list)

    def line(self) -> str:
        return f"{self.unit}：{self.reason}"


@dataclass
class Input:
    """Everything gathered from a batch or render output folder."""

    kind: str  # "batch" | "render"
    root: str  # OUT
    units: list[Unit]
    records_root: str = ""
    report: dict | None = None
    templates_dir: str | None = None
    extra: dict[str, str] = field(default_factory=dict)  # package path → file on disk
    version: str = __version__  # the huanjie that made the documents

    def refusals(self) -> list[Refusal]:
        return [u.as_refusal() for u in self.units if u.refusal]


@dataclass
class Item:
    """One 件 of the package: a document, its converted PDF, what inspection found and its 档号."""

    doc: Doc
    pdf: str  # converted PDF (staging)
    pages: int = 0
    version: str = ""
    fonts: list[FontInfo] = field(default_factory=list)
    year: int = 0
    retention: str = "Y"
    number: int = 0
    dh: str = ""
    scans: list[Scan] = field(default_factory=list)  # scans of the signed paper original (archive --scans)

    @property
    def folder(self) -> str:
        return item_folder(self.year, self.retention, self.dh)


@dataclass(frozen=True)
class ArchiveEvent:
    """One step: `stage` (检查记录, 转换 PDF, 检查 PDF, 写入数据包), `done` of `total`."""

    stage: str
    done: int
    total: int


@dataclass
class ArchiveResult:
    """What `build_package` made: counts, 档号 range, refusals, fonts, warnings and times."""

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
    layout: list[Finding] = field(default_factory=list)  # the layout check of the archived PDFs (never blocks)
    layout_checked: int = 0
    libreoffice: str = ""
    seconds: float = 0.0
    convert_seconds: float = 0.0
    settings: ArchiveSettings | None = None
    signer: str = ""  # who signed the manifests ("" unsigned)
    scans: int = 0  # scans of paper originals attached
    verapdf: str = ""  # veraPDF's verdict on the PDFs ("" when veraPDF is not installed)

    @property
    def conversion_failed(self) -> bool:
        return any(r.stage == "转换" for r in self.refused)

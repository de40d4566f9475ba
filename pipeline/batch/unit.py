"""One unit of a batch: the pure task `process_unit(UnitTask) -> UnitResult`, its stamp key and the skip check.

`process_unit` is the whole per-unit job and a pure function of its inputs: the record file, the template
files, the settings (template folder, the stamp key) and the program version. It reads the record file once,
checks it and, when it has no error, renders exactly its documents' plan into a temp folder beside the unit
folder, writes the unit record (`unitrecord`, last) and swaps the folder into place (`folders`). It returns a
small picklable/JSON-able `UnitResult`. `plan` (kept under its 0.1.0 name; also `skip_if_unchanged`) decides
from the stamp alone whether a unit can be skipped.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass, field

from .. import __version__, records, unitrecord
from .. import check as checking
from ..documents import KINDS, Election, Waiting
from ..documents import summary as summary_doc
from ..findings import Finding, has_errors, sort_key
from ..fsutil import os_reason
from ..render import RenderError, render_record, template_path
from ..unitrecord import STAMP, DocumentEntry, SkippedEntry, UnitRecord
from .folders import TMP_MARK, remove_tree, side, swap_into_place

__all__ = [
    "OK",
    "FAILED",
    "SKIPPED",
    "STATUS_TEXT",
    "STAMP",
    "STAMP_FORMAT",
    "Settings",
    "UnitTask",
    "UnitResult",
    "unit_key",
    "templates_fingerprint",
    "process_unit",
    "plan",
    "skip_if_unchanged",
    "read_stamp",
    "hash_file",
]

STAMP_FORMAT = unitrecord.FORMAT
# The stamp key's own recipe version, part of the key; unchanged since 0.1.0 so the archive still matches the
# keys of a 0.1.0 output. A stamp of an older *format* is re-rendered by `plan` all the same.
KEY_FORMAT = 1

OK, FAILED, SKIPPED = "ok", "failed", "skipped-unchanged"
STATUS_TEXT = {OK: "已生成", FAILED: "未通过", SKIPPED: "未改变，已跳过"}


@dataclass(frozen=True)
class Settings:
    """What every unit shares: the template folder (None: the built-in templates) and its fingerprint."""

    templates_dir: str | None = None
    templates_hash: str = ""
    version: str = __version__


@dataclass(frozen=True)
class UnitTask:
    source: str  # the record file (as given: DIR joined with rel)
    rel: str  # the record relative to DIR, "/"-separated: 青石县/河湾镇/柳林村.yaml
    outdir: str  # the unit's folder: OUT/青石县/河湾镇/柳林村
    settings: Settings


@dataclass
class UnitResult:
    """What became of one unit: small, picklable and JSON-able (`to_dict` / `from_dict`)."""

    rel: str
    folder: str  # the unit folder relative to OUT
    status: str  # ok | failed | skipped-unchanged
    key: str = ""  # the stamp key (record, templates, version)
    findings: list[Finding] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)  # {name, kind, title, sha256, size, meta}
    skipped: list[dict] = field(default_factory=list)  # {kind, title, field, reason}
    error: str = ""  # why rendering failed (not a finding)
    durations: dict = field(default_factory=dict)  # seconds: check, render, total
    digest: dict | None = None  # documents.summary.Digest.to_dict() when counted

    def to_dict(self) -> dict:
        return {
            "rel": self.rel,
            "folder": self.folder,
            "status": self.status,
            "key": self.key,
            "findings": [f.to_dict() for f in self.findings],
            "documents": [dict(d) for d in self.documents],
            "skipped": [dict(s) for s in self.skipped],
            "error": self.error,
            "durations": dict(self.durations),
            "digest": self.digest,
        }

    @classmethod
    def from_dict(cls, data: dict) -> UnitResult:
        values = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        values["findings"] = [
            f if isinstance(f, Finding) else Finding.from_dict(f) for f in values.get("findings") or []
        ]
        return cls(**values)

    def count(self, severity: str) -> int:
        """Findings of one severity: "error", "warning" or "info"."""
        return sum(f.severity.value == severity for f in self.findings)

    def to_record(self, version: str) -> UnitRecord:
        """The unit record (stamp) of this result."""
        return UnitRecord(
            status=self.status,
            key=self.key,
            version=version,
            rel=self.rel,
            folder=self.folder,
            findings=list(self.findings),
            documents=[DocumentEntry.from_dict(d) for d in self.documents],
            skipped=[SkippedEntry.from_dict(s) for s in self.skipped],
            error=self.error,
            durations=dict(self.durations),
            digest=self.digest,
        )

    @classmethod
    def from_record(cls, record: UnitRecord) -> UnitResult:
        return cls(
            rel=record.rel,
            folder=record.folder,
            status=record.status,
            key=record.key,
            findings=list(record.findings),
            documents=[d.to_dict() for d in record.documents],
            skipped=[s.to_dict() for s in record.skipped],
            error=record.error,
            durations=dict(record.durations),
            digest=record.digest,
        )


def unit_key(record_bytes: bytes, settings: Settings) -> str:
    """The stamp key: a unit is re-rendered when its record, the templates or the program change."""
    h = hashlib.sha256()
    h.update(hashlib.sha256(record_bytes).digest())
    h.update(settings.templates_hash.encode())
    h.update(settings.version.encode())
    h.update(str(KEY_FORMAT).encode())
    return h.hexdigest()


def templates_fingerprint(templates_dir: str | None) -> str:
    """SHA-256 over every template a unit or a summary may use (a local folder's, else built-in)."""
    h = hashlib.sha256()
    for kind in KINDS:
        path = template_path(kind, templates_dir)
        with open(path, "rb") as handle:
            h.update(kind.template.encode() + b"\0" + hashlib.sha256(handle.read()).digest())
    return h.hexdigest()


def hash_file(path: str) -> tuple[str, int]:
    """SHA-256 and size of a file, read in chunks."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _now() -> float:
    return time.perf_counter()


def _read(source: str) -> bytes | None:
    return records.read_bytes(source)[0]  # bounded, never opens a FIFO or a device; check_file says why


def _check(source: str, raw: bytes | None) -> checking.CheckResult:
    """The check of the record whose bytes are `raw`; the rare unusual file goes through `check_file` for its message."""
    if raw is None or len(raw) > records.MAX_BYTES:
        return checking.check_file(source)
    text, findings = records.decode(raw, source)
    if text is None:
        return checking.CheckResult(file=source, record=None, findings=findings)
    if not text.strip():
        return checking.check_file(source)
    record, findings = records.parse(text, source)
    if record is None:
        return checking.CheckResult(file=source, record=None, findings=findings)
    return checking.check_record(record, findings)


def _failed(task: UnitTask, result: UnitResult, raw: bytes | None, start: float) -> UnitResult:
    if raw is None and not result.findings:
        result.error = "无法读取记录文件。"
    try:
        remove_tree(task.outdir)  # OUT never keeps documents of a record that no longer passes
    except OSError as exc:
        result.error = f"无法删除旧的文书文件夹（{os_reason(exc)}）。"
    result.durations["total"] = round(_now() - start, 4)
    return result


def _render_error(exc: Exception, task: UnitTask) -> str:
    if isinstance(exc, RenderError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"写入文书时出错：{os_reason(exc)}（{exc.filename or task.outdir}）。"
    return f"生成文书时出错：{type(exc).__name__}: {exc}"


def _render_into(tmp: str, task: UnitTask, checked: checking.CheckResult, result: UnitResult) -> None:
    election = Election.from_check(checked)
    report = render_record(election, tmp, templates_dir=task.settings.templates_dir, record_unit=False)
    result.documents = [w.entry().to_dict() for w in report.written]
    result.skipped = [SkippedEntry(s.kind, s.title, s.field, s.reason).to_dict() for s in report.skipped]
    try:
        result.digest = summary_doc.digest(election).to_dict()
    except Waiting:
        result.digest = None


def process_unit(task: UnitTask) -> UnitResult:
    """Check one record and, when it has no error, render all its documents into its folder.

    Never raises for a problem of the unit (unreadable record, rule errors, a template or
    rendering error, a write error): the result says `failed` with findings or `error`. Only an
    interruption (KeyboardInterrupt, SystemExit) propagates, after removing the temp folder.
    """
    start = _now()
    result = UnitResult(rel=task.rel, folder=task.rel.rsplit(".", 1)[0], status=FAILED)
    raw = _read(task.source)
    if raw is not None:
        result.key = unit_key(raw, task.settings)
    checked = _check(task.source, raw)
    result.findings = sorted(checked.findings, key=sort_key)
    result.durations["check"] = round(_now() - start, 4)
    if checked.record is None or has_errors(checked.findings) or raw is None:
        return _failed(task, result, raw, start)
    render_start = _now()
    tmp = side(task.outdir, TMP_MARK)
    try:
        _render_into(tmp, task, checked, result)
        result.status = OK
        result.durations["render"] = round(_now() - render_start, 4)
        result.durations["total"] = round(_now() - start, 4)
        os.makedirs(tmp, exist_ok=True)  # a record with no document at all still gets its folder
        unitrecord.write(tmp, result.to_record(task.settings.version))  # last: the folder is complete
        swap_into_place(tmp, task.outdir)
    except Exception as exc:  # noqa: BLE001 - a unit's failure never stops the others
        shutil.rmtree(tmp, ignore_errors=True)
        result.status, result.documents, result.skipped, result.digest = FAILED, [], [], None
        result.error = _render_error(exc, task)
        result.durations["total"] = round(_now() - start, 4)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result


def read_stamp(outdir: str) -> dict | None:
    """The unit record of `outdir` as JSON (format 1 of 0.1.0 or the current one), or None."""
    return unitrecord.read_json(outdir)


def skip_if_unchanged(task: UnitTask, force: bool = False) -> UnitResult | None:
    """The unit's result if it can be skipped (record, templates, version unchanged; files intact), else None.

    A stamp of an older format (0.1.0: documents without catalogue data) is never reused: the unit is rendered
    again, so every current stamp carries the catalogue data.
    """
    if force:
        return None
    record = unitrecord.read(task.outdir)
    if record is None or record.format != STAMP_FORMAT:
        return None
    raw = _read(task.source)
    if raw is None or record.key != unit_key(raw, task.settings):
        return None
    for doc in record.documents:
        try:
            if os.path.getsize(os.path.join(task.outdir, doc.name)) != doc.size:
                return None
        except OSError:
            return None
    result = UnitResult.from_record(record)
    result.status = SKIPPED
    result.rel = task.rel
    result.durations = {"total": 0.0}
    return result


plan = skip_if_unchanged  # the 0.1.0 name (pipeline.batch.plan)

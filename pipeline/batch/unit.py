"""One unit of a batch: the pure task `process_unit(UnitTask) -> UnitResult`, its stamp key and the skip check.

`process_unit` is the whole per-unit job and a pure function of its inputs: the record file, the template
files, the settings (template folder, the stamp key) and the program version. It reads the record file once,
checks it and, when it has no error, renders exactly its documents' plan into a temp folder beside the unit
folder, names them against the files already there (`unitrecord.place`: a document edited by hand is kept and
the new version written beside it; a user's file of the same name fails the unit), writes the unit record
(`unitrecord`, last) and swaps the folder into place keeping the user's files (`folders`). It returns a small
picklable/JSON-able `UnitResult`. A unit that fails keeps the documents it had (``stale``): they stay, are
listed, and a note `unitrecord.STALE_NOTE` in the folder says why they are out of date. `plan` (kept under its
0.1.0 name; also `skip_if_unchanged`) decides from the stamp alone whether a unit can be skipped.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import __version__, records, unitrecord
from .. import check as checking
from ..documents import KINDS, Election, Waiting
from ..documents import summary as summary_doc
from ..findings import Finding, Severity, has_errors, sort_key
from ..fsutil import make_dirs, os_reason, write_atomic
from ..render import RenderError, render_record, template_path
from ..unitrecord import STALE_NOTE, STAMP, DocumentEntry, KeptEntry, SkippedEntry, UnitRecord, hash_file
from .folders import TMP_MARK, recover, side, swap_into_place

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
    "warm",
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
STALE_TEXT = "未通过（保留上次生成的文书，已过期）"


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
    stale: bool = False  # failed, but the documents of an earlier run are kept (listed in `documents`)
    note: dict | None = None  # {name, sha256} of the stale note written into the folder
    kept: list[dict] = field(default_factory=list)  # {name, new}: edited by hand and kept, new version beside
    prints: list[dict] = field(default_factory=list)  # files made beside documents (花名册.xlsx), as `documents`

    @property
    def status_text(self) -> str:
        """The status in Chinese, as the workbook and the progress lines say it."""
        return STALE_TEXT if self.stale else STATUS_TEXT[self.status]

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
            "stale": self.stale,
            "note": self.note,
            "kept": [dict(k) for k in self.kept],
            "prints": [dict(p) for p in self.prints],
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
            kept=[KeptEntry.from_dict(k) for k in self.kept],
            prints=[DocumentEntry.from_dict(p) for p in self.prints],
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
            kept=[k.to_dict() for k in record.kept],
            prints=[p.to_dict() for p in record.prints],
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


def _now() -> float:
    return time.perf_counter()


def _read(source: str) -> bytes | None:
    return records.read_bytes(source)[0]  # bounded, never opens a FIFO or a device; check_file says why


def _check(source: str, raw: bytes | None) -> checking.CheckResult:
    """The check of the record whose bytes are `raw`; the rare unusual file goes through `check_file` for its message."""
    if raw is None or len(raw) > records.MAX_BYTES or source.lower().endswith(".xlsx"):  # a workbook: records.load
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


def _note_text(task: UnitTask, result: UnitResult) -> str:
    """The stale note: which documents are out of date, why (the record's errors or the rendering error), what to do."""
    why = [f"{f.location()}  {f.id}：{f.message}" for f in result.findings if f.severity is Severity.ERROR]
    if result.error:
        why.append(f"生成失败：{result.error}")
    lines = [
        "本文件夹中的文书是上次生成的，已经过期，请勿使用。",
        "",
        f"记录 {task.rel} 本次未通过，没有重新生成文书；上次生成的 {len(result.documents)} 份文书保留在这里，"
        "没有删除，但它们与现在的记录不符。原因：",
        *(f"  {line}" for line in why or ["（见批量报告）"]),
        "",
        "请按批量报告（批量报告.xlsx 的“问题”表）改正记录后重新运行 huanjie batch；生成成功后，"
        "新的文书会替换这些文书，本说明文件也会自动删除。",
    ]
    return "\n".join(lines) + "\n"


def keep_stale(task: UnitTask, result: UnitResult) -> None:
    """`_keep_stale` for the pool boundary (`runner`): a unit whose task crashed or whose worker died keeps the
    documents of an earlier run too, listed and marked stale; never raises."""
    try:
        _keep_stale(task, result)
    except Exception:  # noqa: BLE001 - the unit has failed already; its documents stay on disk either way
        pass


def _keep_stale(task: UnitTask, result: UnitResult) -> None:
    """A unit that failed keeps the documents an earlier run made (those still unchanged): listed, marked stale."""
    earlier = unitrecord.read(task.outdir) if os.path.isdir(task.outdir) else None
    mine = unitrecord.owned(task.outdir, earlier)
    documents = [d for d in earlier.documents if d.name in mine] if earlier is not None else []
    result.documents, result.skipped, result.digest = [d.to_dict() for d in documents], [], None
    prints = [p for p in earlier.prints if p.name in mine] if earlier is not None else []
    result.prints = [p.to_dict() for p in prints]  # the 花名册 .xlsx stays huanjie's, stale with its .docx
    if not documents:
        return
    result.stale = True
    data = _note_text(task, result).encode("utf-8")
    try:
        write_atomic(os.path.join(task.outdir, STALE_NOTE), data, overwrite=True)
        result.note = {"name": STALE_NOTE, "sha256": hashlib.sha256(data).hexdigest()}
    except OSError as exc:
        why = f"无法写入说明文件 {STALE_NOTE}（{os_reason(exc)}）"
        result.error = f"{result.error}；{why}。" if result.error else f"{why}。"


def _failed(task: UnitTask, result: UnitResult, raw: bytes | None, start: float) -> UnitResult:
    if raw is None and not result.findings:
        result.error = "无法读取记录文件。"
    _keep_stale(task, result)  # never deleted: an earlier run's documents stay, marked stale
    result.durations["total"] = round(_now() - start, 4)
    return result


class _Blocked(Exception):
    """A file huanjie did not write stands where a document of the unit would go: the unit fails, nothing moves."""


def _blocked_message(task: UnitTask, name: str) -> str:
    folder = task.rel.rsplit(".", 1)[0]
    return (
        f"文书文件夹 {folder} 中已有不是 huanjie 生成的文件 {name}，与要写入的文件同名；为免覆盖，该单位未生成。"
        "请把这个文件移走或改名（或把记录文件改名），然后重新运行。"
    )


def _place(tmp: str, task: UnitTask, result: UnitResult) -> set[str] | None:
    """Name the new documents in `tmp` against the unit folder's files; the documents huanjie owns there.

    A document edited by hand is kept: the new version is renamed in `tmp` to ``NAME（新）.docx``. A user's file
    (or folder) with a planned name raises `_Blocked`.
    """
    if not os.path.lexists(task.outdir):
        return None
    if not os.path.isdir(task.outdir) or os.path.islink(task.outdir):
        folder = task.rel.rsplit(".", 1)[0]
        raise _Blocked(
            f"输出文件夹中已有 {folder}，但它不是文件夹（或是快捷方式），不是 huanjie 生成的；为免覆盖，该单位未生成。"
            "请把它移走或改名（或把记录文件改名），然后重新运行。"
        )
    earlier = unitrecord.read(task.outdir)
    mine = unitrecord.owned(task.outdir, earlier)
    files = [*result.documents, *result.prints]
    placement = unitrecord.place(task.outdir, [d["name"] for d in files], earlier, mine)
    if placement.blocked:
        raise _Blocked(_blocked_message(task, placement.blocked[0]))
    for doc in files:
        new = placement.names[doc["name"]]
        if new != doc["name"]:
            os.rename(os.path.join(tmp, doc["name"]), os.path.join(tmp, new))
            doc["name"] = new
    result.kept = [k.to_dict() for k in placement.kept]
    return mine


def _render_error(exc: Exception, task: UnitTask) -> str:
    if isinstance(exc, RenderError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"写入文书时出错：{os_reason(exc)}（{exc.filename or task.outdir}）。"
    return f"生成文书时出错：{type(exc).__name__}: {exc}"


def _render_into(tmp: str, task: UnitTask, checked: checking.CheckResult, result: UnitResult) -> None:
    election = Election.from_check(checked)
    report = render_record(
        election, tmp, templates_dir=task.settings.templates_dir, record_unit=False, companions=True, fresh=True
    )
    result.documents = [w.entry().to_dict() for w in report.written]
    # The 花名册 .xlsx beside its .docx: listed in the stamp's `prints`, so the next run knows it as huanjie's.
    result.prints = [w.entry().to_dict() for w in report.prints]
    result.skipped = [SkippedEntry(s.kind, s.title, s.field, s.reason).to_dict() for s in report.skipped]
    try:
        result.digest = summary_doc.digest(election).to_dict()
    except Waiting:
        result.digest = None


def process_unit(task: UnitTask) -> UnitResult:
    """Check one record and, when it has no error, render all its documents into its folder.

    Never raises for a problem of the unit (unreadable record, rule errors, a template or
    rendering error, a write error, a user's file in the way): the result says `failed` with findings or
    `error`, and the documents of an earlier run stay (`stale`). Only an interruption (KeyboardInterrupt,
    SystemExit) propagates, after repairing the unit folder (`folders.recover`).
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

    def make(tmp: str) -> None:
        _render_into(tmp, task, checked, result)
        os.makedirs(tmp, exist_ok=True)  # a record with no document at all still gets its folder

    def done() -> None:
        result.status = OK
        result.durations["render"] = round(_now() - render_start, 4)
        result.durations["total"] = round(_now() - start, 4)

    if not _settle(task, result, make, done):
        result.durations["total"] = round(_now() - start, 4)
    return result


def _settle(task: UnitTask, result: UnitResult, make: Callable[[str], None], done: Callable[[], None]) -> bool:
    """The unit's folder made anew: `make(tmp)` fills a temp folder beside it, the names are placed against the
    files in OUT (`_place`), `done()` completes the result, the unit record goes last, then one flush and the swap.

    False (the unit failed, its folder repaired, an earlier run's documents kept stale) for any problem of the
    unit; an interruption repairs the folder and propagates.
    """
    tmp = side(task.outdir, TMP_MARK)
    try:
        make(tmp)
        mine = _place(tmp, task, result)
        done()
        unitrecord.write(tmp, result.to_record(task.settings.version))  # last: the folder is complete
        flush_folder(tmp)  # on disk before it takes the unit folder's place
        swap_into_place(tmp, task.outdir, mine)
        return True
    except Exception as exc:  # noqa: BLE001 - a unit's failure never stops the others
        _undo(task)
        result.status, result.kept = FAILED, []
        result.error = str(exc) if isinstance(exc, _Blocked) else _render_error(exc, task)
        keep_stale(task, result)
        return False
    except BaseException:
        _undo(task)
        raise


def warm() -> None:
    """Load in this process, once, what every unit's task reads on its first unit: the profiles, the JSON
    Schemas' validators (the record's and the level input's), the rule exception catalogue, the stroke tables
    and the starters' sample values.

    The pool's workers are forked after this (`runner.Runner`), so they inherit it all instead of each loading
    it again on its first unit (about 0.15 s of CPU per worker, what kept 2 jobs from 1.85× of one). The caches
    are the modules' own (`functools.cache`); this only fills them early, so nothing a unit computes changes.
    """
    from .. import profile, schema, starter, strokes
    from ..rules import exceptions, placeholders
    from .levelinput import LEVEL_SCHEMA

    profile.profiles()
    schema._validator()
    schema._validator(LEVEL_SCHEMA)
    schema._roll_items()
    schema._valid()
    exceptions.catalogue()
    strokes._table()
    strokes._structure()
    for stem in [*starter.KINDS, *starter.VARIANTS]:
        placeholders._samples(stem)


_syncfs: Callable[[int], int] | None | bool = False  # False: not looked up yet; None: not available


def _find_syncfs() -> Callable[[int], int] | None:
    """Linux's syncfs(2) through libc, or None (another system, or no libc to load)."""
    try:
        import ctypes

        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function


def flush_folder(folder: str) -> None:
    """Get every file of the unit's temp folder (written without a fsync each, `render_record(fresh=True)`) to disk.

    One syncfs(2) of the folder's file system where Linux has it: one journal commit for the unit's forty-odd files
    instead of one per file (the per-file fsyncs were a third of a batch's time on ext4). Elsewhere, or when it
    fails, each file is fsynced.
    """
    global _syncfs
    if _syncfs is False:
        _syncfs = _find_syncfs()
    if callable(_syncfs):
        fd = os.open(folder, os.O_RDONLY)
        try:
            if _syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False):
            fd = os.open(entry.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _undo(task: UnitTask) -> None:
    """After a failure or an interruption midway: the unit folder complete again, user files moved in go back."""
    recover(os.path.dirname(task.outdir), os.path.basename(task.outdir))


def land(task: UnitTask, result: UnitResult, files: list[tuple[str, bytes]]) -> UnitResult:
    """Put a unit whose documents were made elsewhere (a Dask worker: `files`, their names and bytes) into its
    folder in OUT, as `process_unit` puts its own: a temp folder beside it, placed against the user's files,
    on disk, then swapped in.

    A failed unit keeps the documents an earlier run left in OUT, marked stale. Never raises for the unit;
    an interruption repairs the unit folder and propagates.
    """
    if result.status != OK:
        keep_stale(task, result)
        return result

    def make(tmp: str) -> None:
        make_dirs(tmp)
        for name, data in files:
            with open(os.path.join(tmp, name), "wb") as handle:
                handle.write(data)

    _settle(task, result, make, lambda: None)
    return result


def read_stamp(outdir: str) -> dict | None:
    """The unit record of `outdir` as JSON (format 1 of 0.1.0 or the current one), or None."""
    return unitrecord.read_json(outdir)


def skip_if_unchanged(task: UnitTask, force: bool = False) -> UnitResult | None:
    """The unit's result if it can be skipped (record, templates, version unchanged; files intact; its digest of
    the current `summary.DIGEST_FORMAT`), else None.

    A stamp of an older format (0.1.0: documents without catalogue data) is never reused: the unit is rendered
    again, so every current stamp carries the catalogue data.
    """
    if force or os.path.lexists(os.path.join(task.outdir, STALE_NOTE)):
        return None  # a stale unit is rendered again, so its note goes when it passes
    record = unitrecord.read(task.outdir)
    if record is None or record.format != STAMP_FORMAT:
        return None
    raw = _read(task.source)
    if raw is None or record.key != unit_key(raw, task.settings):
        return None
    if record.digest is not None and record.digest.get("format", 1) != summary_doc.DIGEST_FORMAT:
        return None  # digested by a program that counted otherwise: processed again, never mixed in a summary
    for doc in [*record.documents, *record.prints]:  # a 花名册 .xlsx removed by hand is made again
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

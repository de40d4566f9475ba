"""Batch generation: every document of every unit of a tree of records, in parallel, resumable.

``huanjie batch DIR -o OUT`` is `run_batch`; this module never prints (progress goes through a
callback) and never exits.

What a run does
---------------
1. `aggregate.discover` lists the records of DIR in tree order (``青石县/河湾镇/柳林村.yaml``).
2. Leftovers of an interrupted run in OUT are repaired or removed (`recover`), unit folders whose
   record is gone are removed, and the old report and manifest are deleted (OUT has a report and a
   manifest only after a run that finished).
3. Each unit is either skipped (its stamp says the record bytes, the templates and the program
   version are unchanged, and its documents are still there) or handed to `process_unit`, in a
   `ProcessPoolExecutor` (``jobs`` processes; ``jobs=1`` runs in this process, no pool). A unit
   checks its record and, when it has no error, renders all its documents. Results are consumed
   in tree order through a bounded window, so memory does not grow with the tree.
4. As results come in, the report (`report.json`, streamed), the workbook (`批量报告.xlsx`,
   openpyxl write-only) and the per-level work summaries (`aggregate.TreeFold`) are written;
   ``manifest.json`` (SHA-256 of every output file, sorted by path) is written last.

Files and atomicity
-------------------
``OUT/青石县/河湾镇/柳林村/`` holds one unit's documents and its stamp ``.huanjie-unit.json``. A
unit is rendered into ``.huanjie-tmp-柳林村-…`` beside it; the stamp is written last; then the old
folder is renamed aside (``.huanjie-old-柳林村-…``), the new one renamed into place and the old one
deleted. Every file is written with temp + rename. So after Ctrl-C, a kill, or a crash a unit
folder is the old complete one or the new complete one; for the instant between the two renames
it is absent, and the next run (or the interrupted run's own clean-up) puts back the complete
folder it finds (the new one if its stamp is there, else the old one). A unit whose record now
has errors loses its old folder: OUT only ever holds documents of the records as they are.

Scale-out (Dask, Ray, a cluster)
--------------------------------
`process_unit(UnitTask) -> UnitResult` is the whole per-unit job and a pure function of its
inputs: the record file, the template files, the settings (template folder, the stamp key) and
the program version. It reads nothing else, writes only inside the unit's own output folder (and
its temp siblings), keeps no state between calls except the per-process template cache, and
returns a small picklable/JSON-able `UnitResult` (status, findings, file names and hashes, the
summary digest). Another executor needs:
  * the same code and templates on every worker (same `pipeline.__version__`; a
    ``--templates`` folder copied or mounted at the same path, or the path rewritten in
    `Settings.templates_dir`),
  * the record files readable and the output folder writable by the workers at the paths in the
    task (a shared file system), or a thin wrapper that copies the record in and the unit folder
    out (the folder is complete when its stamp exists, so it can be shipped as one archive),
  * ``submit(process_unit, task)`` per unit, and the results fed back in tree order to the
    report/summary side (`_Finisher`), which is cheap and stays on one machine. `plan` decides
    which units to skip (it only reads stamps) and can run anywhere that sees OUT.
Rendering is deterministic (no time stamps in documents), so re-running a task elsewhere gives
the same bytes and the same hashes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from typing import Any

import pipeline as _package

from . import __version__
from . import check as checking
from .aggregate import (
    SUMMARY_FILE,
    SourceProblem,
    TreeFold,
    common_root,
    discover,
    folder_of,
    level_names,
    render_digests,
)
from .documents import KINDS, Election, Waiting
from .documents import summary as summary_doc
from .documents.summary import Digest
from .errors import HuanjieError
from .findings import has_errors, sort_key
from .fsutil import make_dirs, mode_for, os_reason, write_atomic
from .render import RenderError, compile_template, render_record, template_path

__all__ = [
    "BatchError",
    "SourceProblem",
    "Settings",
    "UnitTask",
    "UnitResult",
    "ProgressEvent",
    "BatchResult",
    "process_unit",
    "plan",
    "run_batch",
    "recover",
    "templates_fingerprint",
    "unit_key",
    "STAMP",
    "REPORT_JSON",
    "REPORT_XLSX",
    "MANIFEST",
    "SUMMARY_FILE",
]

STAMP = ".huanjie-unit.json"
TMP_MARK = ".huanjie-tmp-"
OLD_MARK = ".huanjie-old-"
REPORT_JSON = "report.json"
REPORT_XLSX = "批量报告.xlsx"
MANIFEST = "manifest.json"
STAMP_FORMAT = 1

OK, FAILED, SKIPPED = "ok", "failed", "skipped-unchanged"
STATUS_TEXT = {OK: "已生成", FAILED: "未通过", SKIPPED: "未改变，已跳过"}


class BatchError(HuanjieError):
    """The batch cannot run at all (unusable DIR or OUT, broken templates); str() is Chinese."""


# --------------------------------------------------------------------------------------------
# The per-unit task (pure: inputs in, files and a small result out)
# --------------------------------------------------------------------------------------------
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
    findings: list[dict] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)  # {name, kind, title, sha256, size}
    skipped: list[dict] = field(default_factory=list)  # {kind, title, field, reason}
    error: str = ""  # why rendering failed (not a finding)
    durations: dict = field(default_factory=dict)  # seconds: check, render, total
    digest: dict | None = None  # documents.summary.Digest.to_dict() when counted

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> UnitResult:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def count(self, severity: str) -> int:
        """Findings of one severity: "error", "warning" or "info"."""
        return sum(f.get("severity") == severity for f in self.findings)


def unit_key(record_bytes: bytes, settings: Settings) -> str:
    """The stamp key: a unit is re-rendered when its record, the templates or the program change."""
    h = hashlib.sha256()
    h.update(hashlib.sha256(record_bytes).digest())
    h.update(settings.templates_hash.encode())
    h.update(settings.version.encode())
    h.update(str(STAMP_FORMAT).encode())
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


def _hash_file(path: str) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _side(outdir: str, mark: str) -> str:
    parent, name = os.path.split(outdir)
    return os.path.join(parent, f"{mark}{name}-{os.getpid()}-{uuid.uuid4().hex[:8]}")


def _remove_tree(path: str) -> None:
    """Remove a folder: renamed aside first, so a half-deleted folder never has the unit's name."""
    if not os.path.lexists(path):
        return
    aside = _side(path, OLD_MARK)
    os.rename(path, aside)
    shutil.rmtree(aside, ignore_errors=True)


def _swap_into_place(tmp: str, outdir: str) -> None:
    old = None
    if os.path.lexists(outdir):
        old = _side(outdir, OLD_MARK)
        os.rename(outdir, old)
    os.rename(tmp, outdir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def process_unit(task: UnitTask) -> UnitResult:
    """Check one record and, when it has no error, render all its documents into its folder.

    Never raises for a problem of the unit (unreadable record, rule errors, a template or
    rendering error, a write error): the result says `failed` with findings or `error`. Only an
    interruption (KeyboardInterrupt, SystemExit) propagates, after removing the temp folder.
    """
    start = _now()
    rel_folder = task.rel.rsplit(".", 1)[0]
    result = UnitResult(rel=task.rel, folder=rel_folder, status=FAILED)
    try:
        with open(task.source, "rb") as handle:
            raw = handle.read()
        result.key = unit_key(raw, task.settings)
    except OSError:
        raw = None
    checked = checking.check_file(task.source)
    result.findings = [f.to_dict() for f in sorted(checked.findings, key=sort_key)]
    result.durations["check"] = round(_now() - start, 4)
    if checked.record is None or has_errors(checked.findings) or raw is None:
        if raw is None and not checked.findings:
            result.error = "无法读取记录文件。"
        try:
            _remove_tree(task.outdir)  # OUT never keeps documents of a record that no longer passes
        except OSError as exc:
            result.error = f"无法删除旧的文书文件夹（{os_reason(exc)}）。"
        result.durations["total"] = round(_now() - start, 4)
        return result
    render_start = _now()
    tmp = _side(task.outdir, TMP_MARK)
    try:
        election = Election.from_check(checked)
        report = render_record(election, tmp, templates_dir=task.settings.templates_dir)
        for written in report.written:
            name = os.path.basename(written.path)
            sha, size = _hash_file(written.path)
            result.documents.append(
                {"name": name, "kind": written.kind, "title": written.title, "sha256": sha, "size": size}
            )
        result.skipped = [asdict(s) for s in report.skipped]
        try:
            result.digest = summary_doc.digest(election).to_dict()
        except Waiting:
            result.digest = None
        result.status = OK
        result.durations["render"] = round(_now() - render_start, 4)
        result.durations["total"] = round(_now() - start, 4)
        stamp = {
            "format": STAMP_FORMAT,
            "key": result.key,
            "version": task.settings.version,
            "result": result.to_dict(),
        }
        os.makedirs(tmp, exist_ok=True)  # a record with no document at all still gets its folder
        write_atomic(
            os.path.join(tmp, STAMP), json.dumps(stamp, ensure_ascii=False, indent=1).encode("utf-8"), overwrite=True
        )
        _swap_into_place(tmp, task.outdir)
    except Exception as exc:  # noqa: BLE001 - a unit's failure never stops the others
        shutil.rmtree(tmp, ignore_errors=True)
        result.status = FAILED
        result.documents = []
        result.skipped = []
        result.digest = None
        if isinstance(exc, RenderError):
            result.error = str(exc)
        elif isinstance(exc, OSError):
            result.error = f"写入文书时出错：{os_reason(exc)}（{exc.filename or task.outdir}）。"
        else:
            result.error = f"生成文书时出错：{type(exc).__name__}: {exc}"
        result.durations["total"] = round(_now() - start, 4)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result


# --------------------------------------------------------------------------------------------
# Stamps, planning, recovery
# --------------------------------------------------------------------------------------------
def read_stamp(outdir: str) -> dict | None:
    try:
        with open(os.path.join(outdir, STAMP), "rb") as handle:
            stamp = json.loads(handle.read().decode("utf-8"))
        return stamp if isinstance(stamp, dict) and stamp.get("format") == STAMP_FORMAT else None
    except (OSError, ValueError):
        return None


def plan(task: UnitTask, force: bool = False) -> UnitResult | None:
    """The unit's result if it can be skipped (record, templates, version unchanged; files intact), else None."""
    if force:
        return None
    stamp = read_stamp(task.outdir)
    if stamp is None:
        return None
    try:
        with open(task.source, "rb") as handle:
            key = unit_key(handle.read(), task.settings)
    except OSError:
        return None
    if stamp.get("key") != key:
        return None
    try:
        result = UnitResult.from_dict(stamp["result"])
    except (KeyError, TypeError):
        return None
    for doc in result.documents:
        try:
            if os.path.getsize(os.path.join(task.outdir, doc["name"])) != doc["size"]:
                return None
        except (OSError, KeyError):
            return None
    result.status = SKIPPED
    result.rel = task.rel
    result.durations = {"total": 0.0}
    return result


def recover(parent: str, name: str | None = None) -> None:
    """Repair what an interrupted run left in `parent` (for unit `name`, or for every unit).

    For each unit with temp or old folders beside it: if the unit folder is missing, the complete
    new one (its stamp is written last) is put in place, else the old one; the rest is removed.
    Stray temp files of `fsutil.write_atomic` (``.~….tmp``) are removed too.
    """
    try:
        entries = os.listdir(parent)
    except OSError:
        return
    leftovers: dict[str, list[tuple[str, str]]] = {}
    for entry in entries:
        for mark in (TMP_MARK, OLD_MARK):
            if entry.startswith(mark):
                unit = entry[len(mark) :].rsplit("-", 2)[0]
                if name is None or unit == name:
                    leftovers.setdefault(unit, []).append((mark, os.path.join(parent, entry)))
        if name is None and entry.startswith(".~") and entry.endswith(".tmp"):
            try:
                os.unlink(os.path.join(parent, entry))
            except OSError:
                pass
    for unit, items in leftovers.items():
        final = os.path.join(parent, unit)
        if not os.path.lexists(final):
            complete = [p for mark, p in items if mark == TMP_MARK and os.path.exists(os.path.join(p, STAMP))]
            old = [p for mark, p in items if mark == OLD_MARK and os.path.exists(os.path.join(p, STAMP))]
            chosen = (complete or old or [None])[0]
            if chosen is not None:
                try:
                    os.rename(chosen, final)
                except OSError:
                    pass
        for _, path in items:
            if os.path.lexists(path):
                shutil.rmtree(path, ignore_errors=True)


def _prepare_out(out: str, unit_folders: set[str]) -> set[str]:
    """Clean OUT before a run: leftovers, orphan unit folders, old report; the summaries found."""
    summaries: set[str] = set()
    for name in (MANIFEST, REPORT_JSON, REPORT_XLSX):
        try:
            os.unlink(os.path.join(out, name))
        except FileNotFoundError:
            pass
    for folder, dirs, files in os.walk(out):
        rel = os.path.relpath(folder, out).replace(os.sep, "/")
        rel = "" if rel == "." else rel
        if any(d.startswith((TMP_MARK, OLD_MARK)) for d in dirs) or any(
            f.startswith(".~") and f.endswith(".tmp") for f in files
        ):
            recover(folder)
            dirs[:] = [d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d))]
        if STAMP in files and rel:
            if rel not in unit_folders:
                _remove_tree(folder)  # the unit's record is gone from DIR
            dirs[:] = []
            continue
        if SUMMARY_FILE in files:
            summaries.add(f"{rel}/{SUMMARY_FILE}" if rel else SUMMARY_FILE)
        dirs.sort()
    return summaries


# --------------------------------------------------------------------------------------------
# Progress, result
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProgressEvent:
    """One step of a run, for the caller's progress display.

    kind "unit": a unit is done (`done` of `total`, its `result`); kind "summary": a work summary
    was written (`path` relative to OUT, `units` in it).
    """

    kind: str
    done: int
    total: int
    result: UnitResult | None = None
    path: str = ""
    units: int = 0


@dataclass
class BatchResult:
    out: str
    total: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    documents: int = 0  # documents of ok and skipped units
    rendered: int = 0  # documents written by this run
    summaries: list[str] = field(default_factory=list)
    failures: list[UnitResult] = field(default_factory=list)  # failed units (findings, error)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


# --------------------------------------------------------------------------------------------
# Writing the report (streamed) and the workbook
# --------------------------------------------------------------------------------------------
class _AtomicStream:
    """A text file written in pieces to a temp file beside it, renamed into place on `commit`."""

    def __init__(self, path: str):
        self.path = path
        handle, self.temp = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=os.path.dirname(path))
        os.chmod(self.temp, mode_for(path))
        self.handle = os.fdopen(handle, "w", encoding="utf-8")

    def write(self, text: str) -> None:
        self.handle.write(text)

    def commit(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.replace(self.temp, self.path)

    def discard(self) -> None:
        if not self.handle.closed:
            self.handle.close()
        if os.path.exists(self.temp):
            os.unlink(self.temp)


SUMMARY_HEADER = ["单位", "状态", "错误", "警告", "提示", "已生成文书", "跳过文书", "用时（秒）", "说明"]
SUMMARY_WIDTHS = [44, 16, 8, 8, 8, 12, 10, 12, 60]
FINDINGS_HEADER = ["单位", "文件:行:列", "严重程度", "编号", "说明", "依据"]
FINDINGS_WIDTHS = [44, 56, 10, 28, 80, 50]


class _Workbook:
    """批量报告.xlsx: sheet 汇总 (a row per unit) and 问题 (a row per finding), streamed (write-only)."""

    def __init__(self, path: str):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        self.path = path
        self._cell = WriteOnlyCell
        self.book = Workbook(write_only=True)
        fixed = dt.datetime(2026, 1, 1)
        self.book.properties.creator = "huanjie"
        self.book.properties.created = fixed
        self.book.properties.modified = fixed
        self._bold = Font(bold=True)
        self._fill = PatternFill("solid", fgColor="DDEBF7")
        self._wrap = Alignment(wrap_text=True, vertical="top")
        self.units = self._sheet("汇总", SUMMARY_HEADER, SUMMARY_WIDTHS)
        self.problems = self._sheet("问题", FINDINGS_HEADER, FINDINGS_WIDTHS)

    def _sheet(self, title: str, header: list[str], widths: list[int]):
        from openpyxl.utils import get_column_letter

        sheet = self.book.create_sheet(title)
        for i, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = "A2"
        cells = []
        for text in header:
            cell = self._cell(sheet, value=text)
            cell.font = self._bold
            cell.fill = self._fill
            cells.append(cell)
        sheet.append(cells)
        return sheet

    def add(self, result: UnitResult) -> None:
        note = result.error
        if not note and result.status != FAILED and result.skipped:
            note = "；".join(f"{s['title']}：等待 {s['field']}" for s in result.skipped)
        if not note and result.status == FAILED:
            note = "；".join(sorted({f["id"] for f in result.findings if f.get("severity") == "error"}))
        self.units.append(
            [
                result.rel,
                STATUS_TEXT[result.status],
                result.count("error"),
                result.count("warning"),
                result.count("info"),
                len(result.documents),
                len(result.skipped),
                result.durations.get("total", 0.0),
                note,
            ]
        )
        if result.error:
            self.problems.append([result.rel, result.rel, "错误", "", f"生成失败：{result.error}", ""])
        for f in result.findings:
            message = f.get("message", "") + (f"（字段 {f['path']}）" if f.get("path") else "")
            self.problems.append(
                [result.rel, _location(f), f.get("severity_label", ""), f.get("id", ""), message, f.get("citation", "")]
            )

    def discard(self) -> None:
        """Close the streamed sheets and remove their temp files (an interrupted run)."""
        for sheet in (self.units, self.problems):
            try:
                sheet.close()
                sheet._writer.cleanup()
            except Exception:  # noqa: BLE001 - best effort while stopping
                pass

    def save(self) -> None:
        handle, temp = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=os.path.dirname(self.path))
        os.close(handle)
        try:
            self.book.save(temp)
            os.chmod(temp, mode_for(self.path))
            os.replace(temp, self.path)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)


def _location(data: dict) -> str:
    """path:line:column of a finding given as a dict (as `Finding.location`)."""
    parts = [data.get("file") or "-"]
    if data.get("line") is not None:
        parts.append(str(data["line"]))
        if data.get("column") is not None:
            parts.append(str(data["column"]))
    return ":".join(parts)


class _Finisher:
    """Consumes unit results in tree order: report, workbook, summaries, manifest entries."""

    def __init__(
        self,
        src: str,
        out: str,
        root: tuple[str, ...],
        units: list[str],
        settings: Settings,
        jobs: int,
        force: bool,
        progress: Callable[[ProgressEvent], None] | None,
        old_summaries: set[str],
    ):
        self.out = out
        self.units = units
        self.settings = settings
        self.progress = progress
        self.result = BatchResult(out=out, total=len(units))
        self.manifest: list[tuple[str, str]] = []
        self.summary_docs: list[dict] = []
        self.old_summaries = old_summaries
        self.report = _AtomicStream(os.path.join(out, REPORT_JSON))
        self.book = _Workbook(os.path.join(out, REPORT_XLSX))
        head = {
            "program": "huanjie",
            "version": settings.version,
            "source": os.path.abspath(src),
            "output": os.path.abspath(out),
            "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "jobs": jobs,
            "force": force,
            "templates": {"dir": settings.templates_dir, "sha256": settings.templates_hash},
        }
        self.report.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "units": [')
        self._first = True
        self.done = 0
        self.fold = TreeFold(root, self._summary)
        self._src = src

    def _summary(self, folder: tuple[str, ...], children: list[Digest]) -> None:
        rel = "/".join(folder + (SUMMARY_FILE,))
        sha = render_digests(
            children,
            os.path.join(self.out, *folder, SUMMARY_FILE),
            self.settings.templates_dir,
            **level_names(folder, self._src),
        )
        units = sum(c.units for c in children)
        self.manifest.append((rel, sha))
        self.summary_docs.append({"path": rel, "units": units, "sha256": sha})
        self.result.summaries.append(rel)
        if self.progress is not None:
            self.progress(ProgressEvent("summary", self.done, self.result.total, path=rel, units=units))

    def add(self, unit: UnitResult) -> None:
        self.done += 1
        r = self.result
        if unit.status == OK:
            r.ok += 1
            r.rendered += len(unit.documents)
        elif unit.status == SKIPPED:
            r.skipped += 1
        else:
            r.failed += 1
            r.failures.append(unit)
        if unit.status != FAILED:
            r.documents += len(unit.documents)
            for doc in unit.documents:
                self.manifest.append((f"{unit.folder}/{doc['name']}", doc["sha256"]))
        entry = {
            "path": unit.rel,
            "folder": unit.folder if unit.status != FAILED else None,
            "status": unit.status,
            "error": unit.error,
            "findings": unit.findings,
            "documents": [
                {"path": f"{unit.folder}/{d['name']}", "kind": d["kind"], "title": d["title"], "sha256": d["sha256"]}
                for d in unit.documents
            ],
            "skipped_documents": unit.skipped,
            "durations": unit.durations,
        }
        self.report.write(("\n  " if self._first else ",\n  ") + json.dumps(entry, ensure_ascii=False))
        self._first = False
        self.book.add(unit)
        if self.progress is not None:
            self.progress(ProgressEvent("unit", self.done, r.total, result=unit))
        digest = Digest.from_dict(unit.digest) if unit.digest and unit.status != FAILED else None
        self.fold.add(folder_of(unit.rel), digest)

    def finish(self, seconds: float) -> BatchResult:
        self.fold.finish()
        for stale in self.old_summaries - set(self.result.summaries):
            try:
                os.unlink(os.path.join(self.out, *stale.split("/")))
            except OSError:
                pass
        r = self.result
        r.seconds = seconds
        totals = {
            "units": r.total,
            "ok": r.ok,
            "failed": r.failed,
            "skipped-unchanged": r.skipped,
            "documents": r.documents,
            "rendered": r.rendered,
            "summaries": len(r.summaries),
            "seconds": round(seconds, 3),
        }
        tail = {
            "summaries": self.summary_docs,
            "totals": totals,
            "finished": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        self.report.write("\n ],\n" + json.dumps(tail, ensure_ascii=False, indent=1)[2:] + "\n")
        self.report.commit()
        self.book.save()
        for name in (REPORT_JSON, REPORT_XLSX):
            self.manifest.append((name, _hash_file(os.path.join(self.out, name))[0]))
        files = dict(sorted(self.manifest))
        manifest = {"program": "huanjie", "version": self.settings.version, "algorithm": "sha256", "files": files}
        write_atomic(
            os.path.join(self.out, MANIFEST),
            (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
            overwrite=True,
        )
        return r

    def abort(self) -> None:
        self.report.discard()
        self.book.discard()


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------
def _init_worker() -> None:
    # Ctrl-C reaches the whole process group: only the parent handles it (it stops the workers
    # and repairs what they leave). A worker dies on SIGTERM without running Python code.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _isolated(task: UnitTask) -> UnitResult:
    """Run one task alone in a fresh process (after a worker died): its own crash only fails it."""
    pool = ProcessPoolExecutor(max_workers=1, initializer=_init_worker)
    try:
        return pool.submit(process_unit, task).result()
    except BrokenProcessPool:
        recover(os.path.dirname(task.outdir), os.path.basename(task.outdir))
        return UnitResult(
            rel=task.rel,
            folder=task.rel.rsplit(".", 1)[0],
            status=FAILED,
            error="处理该单位时工作进程意外退出（可能内存不足或被终止）。",
        )
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _stop_pool(pool: ProcessPoolExecutor | None) -> None:
    if pool is None:
        return
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=10)


def _check_out(src: str, out: str) -> None:
    if os.path.realpath(src) == os.path.realpath(out):
        raise BatchError("输出文件夹不能与记录文件夹相同；请用 -o 指定另一个文件夹。")
    if os.path.exists(out) and not os.path.isdir(out):
        raise BatchError(f"{out} 已存在且不是文件夹，无法作为输出文件夹。")
    if os.path.isdir(out) and not _is_batch_output(out):
        raise BatchError(
            f"输出文件夹 {out} 中已有其他文件，但它不是 huanjie batch 的输出文件夹；批量生成会更新和删除"
            "输出文件夹中的文书，为免误删这些文件，未开始生成。请用 -o 指定一个新的或空的文件夹。"
        )
    try:
        make_dirs(out)
    except OSError as exc:
        raise BatchError(f"无法建立输出文件夹 {out}（{os_reason(exc)}）。") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise BatchError(f"没有写入输出文件夹 {out} 的权限。")


def _is_batch_output(out: str) -> bool:
    """Empty, or written by an earlier (possibly interrupted) run: a report, a manifest, a stamp or a temp folder."""
    try:
        entries = os.listdir(out)
    except OSError:
        return True  # the caller reports what is wrong with the folder
    if not entries or MANIFEST in entries or REPORT_JSON in entries:
        return True
    for _folder, dirs, files in os.walk(out):
        if STAMP in files or any(d.startswith((TMP_MARK, OLD_MARK)) for d in dirs):
            return True
    return False


def _unit_folders(units: list[str]) -> list[str]:
    folders = [rel.rsplit(".", 1)[0] for rel in units]
    seen: dict[str, str] = {}
    dirs = {"/".join(folder_of(rel)[:i]) for rel in units for i in range(1, len(folder_of(rel)) + 1)}
    for rel, folder in zip(units, folders, strict=False):
        if folder in seen:
            raise BatchError(f"{seen[folder]} 与 {rel} 的文书会写入同一个文件夹 {folder}；请改名其中一个。")
        if folder in dirs:
            raise BatchError(f"{rel} 的文书文件夹 {folder} 与记录文件夹 {folder}/ 同名；请改名其中一个。")
        if os.path.basename(folder) + ".docx" == SUMMARY_FILE or folder.rsplit("/", 1)[-1].startswith("."):
            raise BatchError(f"记录文件名 {rel} 与批量生成的其他文件重名；请改名。")
        seen[folder] = rel
    return folders


def run_batch(
    src: str,
    out: str,
    jobs: int | None = None,
    force: bool = False,
    templates_dir: str | None = None,
    progress: Callable[[ProgressEvent], None] | None = None,
) -> BatchResult:
    """Check and render every record under `src` into `out` (see the module docstring).

    `jobs`: worker processes (None: os.cpu_count(); 1: in this process). `force`: re-render
    units even when unchanged. `progress` receives a `ProgressEvent` per unit and per summary.
    Raises `SourceProblem` / `BatchError` when the run cannot start (exit code 2); a failing unit
    is only counted in the result. KeyboardInterrupt stops the workers, repairs the unit folders
    being written, and propagates; no report or manifest is written then.
    """
    started = _now()
    jobs = max(1, jobs or os.cpu_count() or 1)
    units = discover(src, exclude=[os.path.abspath(out)])
    folders = _unit_folders(units)
    jobs = min(jobs, len(units))
    _check_out(src, out)
    try:
        compiled_ok = [compile_template(template_path(kind, templates_dir)) for kind in KINDS]
        settings = Settings(
            templates_dir=os.path.abspath(templates_dir) if templates_dir else None,
            templates_hash=templates_fingerprint(templates_dir),
            version=_package.__version__,
        )
    except RenderError as exc:
        raise BatchError(str(exc)) from None
    except OSError as exc:
        raise BatchError(f"无法读取模板（{os_reason(exc)}）。") from None
    del compiled_ok
    old_summaries = _prepare_out(out, set(folders))
    finisher = _Finisher(src, out, common_root(units), units, settings, jobs, force, progress, old_summaries)
    tasks = (
        UnitTask(
            source=os.path.join(src, *rel.split("/")),
            rel=rel,
            outdir=os.path.join(out, *folder.split("/")),
            settings=settings,
        )
        for rel, folder in zip(units, folders, strict=False)
    )
    runner = _Runner(jobs, force) if jobs > 1 else None
    in_flight: list[UnitTask] = []
    try:
        if runner is None:
            for task in tasks:
                in_flight[:] = [task]
                finisher.add(plan(task, force) or process_unit(task))
                in_flight.clear()
        else:
            for unit in runner.ordered(tasks):
                finisher.add(unit)
        return finisher.finish(_now() - started)
    except BaseException:
        finisher.abort()
        if runner is not None:
            runner.stop()
            in_flight = runner.in_flight
        for task in in_flight:
            recover(os.path.dirname(task.outdir), os.path.basename(task.outdir))
        raise
    finally:
        if runner is not None:
            runner.close()


class _Runner:
    """A process pool fed through a bounded window; results come back in tree order.

    When a worker process dies (BrokenProcessPool), every unit that was in flight and not yet
    finished is re-run alone in a fresh process, so only a unit that itself kills its process
    fails; then a new pool takes over.
    """

    def __init__(self, jobs: int, force: bool):
        self.jobs = jobs
        self.force = force
        self.window = max(4 * jobs, 16)
        self.pool: ProcessPoolExecutor | None = self._new_pool()
        self.in_flight: list[UnitTask] = []

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.jobs, initializer=_init_worker)

    def ordered(self, tasks: Iterator[UnitTask]) -> Iterator[UnitResult]:
        queue: deque[list[Any]] = deque()  # [task, future | None, result | None, run alone]
        exhausted = False
        while True:
            while not exhausted and len(queue) < self.window:
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                skipped = plan(task, self.force)
                if skipped is not None:
                    queue.append([task, None, skipped, False])
                else:
                    self.in_flight.append(task)
                    queue.append([task, self.pool.submit(process_unit, task), None, False])
            if not queue:
                return
            entry = queue.popleft()
            task, future, result, alone = entry
            if result is None:
                if alone:
                    result = _isolated(task)
                else:
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        self._broken([entry, *queue])
                        queue.appendleft(entry)
                        continue
                self.in_flight.remove(task)
            yield result

    def _broken(self, items: list[list[Any]]) -> None:
        _stop_pool(self.pool)
        self.pool = self._new_pool()
        for item in items:
            future = item[1]
            if future is None or item[2] is not None:
                continue
            if future.done() and not future.cancelled() and future.exception() is None:
                item[2] = future.result()
                self.in_flight.remove(item[0])
                continue
            recover(os.path.dirname(item[0].outdir), os.path.basename(item[0].outdir))
            item[1], item[3] = None, True

    def stop(self) -> None:
        _stop_pool(self.pool)
        self.pool = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None


def finding_lines(unit: UnitResult) -> list[str]:
    """Human lines of a failed unit: its findings as `findings.format_human` writes them, or its error."""
    lines = []
    for f in unit.findings:
        text = f"{_location(f)}  {f.get('severity_label', '')}  {f.get('id', '')}  {f.get('message', '')}"
        if f.get("path"):
            text += f"（字段 {f['path']}）"
        if f.get("citation"):
            text += f"\n    依据：{f['citation']}"
        lines.append(text)
    if unit.error:
        lines.append(f"{unit.rel}  错误  生成失败：{unit.error}")
    return lines

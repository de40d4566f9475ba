"""Aggregated work summaries of a tree of records: one 换届选举工作总结 per level (乡镇/街道, 县 …).

A tree is ``DIR/<县>/<乡镇>/<单位>.yaml``. Every clean record with a count gives a small `Digest`
(`documents.summary.digest`); a folder's summary is made from the digests of what it holds
directly: its units (a township: one row per unit, 表1 one row per contest) or its sub-folders
(a county: one row per township, each the sum of its units). All totals and shares are computed
from summed counts (`stats.aggregate`, `formatting.percent`), never by averaging percentages.

`TreeFold` does this in one pass over the units in tree order, holding only the digests of the
folders still open (memory grows with the depth and width of the tree, not with its size).
`discover` gives that order; `summarise` is the core of ``huanjie summary DIR -o FILE.docx``.
The core never prints: progress goes through an optional callback.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from . import check as checking
from .documents import Election, Waiting, find_kind
from .documents import summary as summary_doc
from .documents.summary import Digest
from .errors import HuanjieError
from .findings import Finding, has_errors
from .fsutil import os_reason, write_atomic
from .render import DataMissing, compile_template, render_template, template_path

__all__ = [
    "SUMMARY_FILE",
    "SourceProblem",
    "discover",
    "common_root",
    "TreeFold",
    "render_digests",
    "digest_record",
    "UnitDigest",
    "SummaryOutcome",
    "summarise",
]

SUMMARY_FILE = "换届选举工作总结.docx"
SUFFIXES = (".yaml", ".yml")


class SourceProblem(HuanjieError):
    """DIR cannot be used (missing, not a folder, no records, clashing names); str() is Chinese."""


# --------------------------------------------------------------------------------------------
# The tree
# --------------------------------------------------------------------------------------------
def discover(src: str, exclude: Iterable[str] = ()) -> list[str]:
    """Every record under `src` as a path relative to it with "/" separators, in tree order.

    Tree order: in each folder its record files (sorted), then its sub-folders (sorted), depth
    first, so every folder's records are contiguous. Hidden files and folders (".…") and the
    folders in `exclude` (e.g. an output folder inside `src`) are skipped.
    """
    if not os.path.exists(src):
        raise SourceProblem(f"找不到文件夹 {src}。")
    if not os.path.isdir(src):
        raise SourceProblem(f"{src} 不是文件夹；请给出存放选举记录（.yaml）的文件夹。")
    skip = {os.path.realpath(p) for p in exclude}
    out: list[str] = []

    def walk(folder: str, rel: tuple[str, ...]) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            raise SourceProblem(f"无法读取文件夹 {folder}（{os_reason(exc)}）。") from None
        dirs = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                if os.path.realpath(entry.path) not in skip:
                    dirs.append(entry)
            elif entry.name.endswith(SUFFIXES):
                out.append("/".join(rel + (entry.name,)))
        for entry in dirs:
            walk(entry.path, rel + (entry.name,))

    walk(src, ())
    if not out:
        raise SourceProblem(f"文件夹 {src} 中没有选举记录（.yaml 文件）。")
    return out


def folder_of(rel: str) -> tuple[str, ...]:
    return tuple(rel.split("/")[:-1])


def common_root(units: Iterable[str]) -> tuple[str, ...]:
    """The deepest folder holding every unit: where the top summary goes (a county, a township)."""
    root: tuple[str, ...] | None = None
    for rel in units:
        folder = folder_of(rel)
        if root is None:
            root = folder
            continue
        n = 0
        while n < min(len(root), len(folder)) and root[n] == folder[n]:
            n += 1
        root = root[:n]
    return root or ()


class TreeFold:
    """Folds unit digests, fed in tree order, into one summary per folder at or below `root`.

    ``add(folder, digest)`` for every unit (digest None for a unit without a clean count);
    ``finish()`` at the end. ``on_level(folder, children)`` is called once per folder, deepest
    first, with the digests of what it holds directly (its units, then its sub-folders as areas),
    when it has at least one; the folder's own area digest is then passed up to its parent.
    """

    def __init__(self, root: tuple[str, ...], on_level: Callable[[tuple[str, ...], list[Digest]], None]):
        self.root = tuple(root)
        self.on_level = on_level
        self._stack: list[tuple[tuple[str, ...], list[Digest]]] = [(self.root, [])]

    def add(self, folder: tuple[str, ...], digest: Digest | None) -> None:
        folder = tuple(folder)
        if folder[: len(self.root)] != self.root:
            raise ValueError(f"{'/'.join(folder)} is not under {'/'.join(self.root)}")
        while folder[: len(self._stack[-1][0])] != self._stack[-1][0]:
            self._close()
        while len(self._stack[-1][0]) < len(folder):
            self._stack.append((folder[: len(self._stack[-1][0]) + 1], []))
        if digest is not None:
            self._stack[-1][1].append(digest)

    def _close(self) -> None:
        folder, children = self._stack.pop()
        if children:
            self.on_level(folder, children)
            self._stack[-1][1].append(summary_doc.area(folder[-1], children))

    def finish(self) -> None:
        while len(self._stack) > 1:
            self._close()
        folder, children = self._stack.pop()
        if children:
            self.on_level(folder, children)
        self._stack = [(self.root, [])]


def made_by_huanjie(path: str) -> bool:
    """Whether the Word file at `path` was generated by huanjie (its core properties name huanjie as creator)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return False
    return "<dc:creator>huanjie</dc:creator>" in core


def level_names(folder: tuple[str, ...], src: str) -> dict:
    """How a folder's summary names its area: the folder's name; for DIR itself, the records'
    common `unit.parents`, else DIR's name."""
    if folder:
        return {"place": folder[-1]}
    return {"fallback": os.path.basename(os.path.abspath(src).rstrip(os.sep))}


def render_digests(
    children: list[Digest],
    path: str,
    templates_dir: str | os.PathLike | None = None,
    title: str | None = None,
    author: str | None = None,
    place: str = "",
    fallback: str = "",
) -> str:
    """Write the summary of `children` to `path` (atomically); its SHA-256. See `summary.build_many`."""
    kind = find_kind("summary")
    instance = summary_doc.build_many(children, title=title, author=author, place=place, fallback=fallback)
    compiled = compile_template(template_path(kind, templates_dir))
    data = render_template(compiled, instance.context, title=kind.title)
    write_atomic(str(path), data, overwrite=True)
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------------------------
# huanjie summary DIR -o FILE.docx
# --------------------------------------------------------------------------------------------
@dataclass
class UnitDigest:
    """One record as the summary sees it: used (with its digest) or left out, and why."""

    rel: str
    digest: Digest | None
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""  # why it was left out ("" when used)

    @property
    def used(self) -> bool:
        return self.digest is not None


def digest_record(path: str, rel: str = "") -> UnitDigest:
    """Check one record file and digest it when it is clean and counted (a pure function)."""
    result = checking.check_file(path)
    if result.record is None or has_errors(result.findings):
        reason = "记录无法读取" if result.unreadable else "记录有错误"
        return UnitDigest(rel or path, None, result.findings, reason)
    election = Election.from_check(result)
    try:
        return UnitDigest(rel or path, summary_doc.digest(election), result.findings)
    except Waiting as waiting:
        return UnitDigest(rel or path, None, result.findings, waiting.reason)


def _digest_task(args: tuple[str, str]) -> UnitDigest:
    return digest_record(*args)


@dataclass
class SummaryOutcome:
    path: str
    sha256: str
    units: int  # records in the figures
    left_out: list[UnitDigest]  # records not in the figures, with their reason and findings

    @property
    def errors(self) -> bool:
        return any(has_errors(u.findings) for u in self.left_out)


def summarise(
    src: str,
    out_file: str,
    templates_dir: str | os.PathLike | None = None,
    title: str | None = None,
    author: str | None = None,
    jobs: int = 1,
    progress: Callable[[UnitDigest, int, int], None] | None = None,
) -> SummaryOutcome:
    """The 换届选举工作总结 of every clean counted record under `src`, written to `out_file`.

    The summary is made at the deepest folder holding every record: a township's has a row per
    unit, a county's a row per township. Records with errors or without a count are left out and
    listed. Raises `SourceProblem` for an unusable `src`, `render.DataMissing` when no record can
    be counted, `render.RenderError` for a template problem.
    """
    units = discover(
        src,
        exclude=[os.path.dirname(os.path.abspath(out_file))]
        if os.path.abspath(out_file).startswith(os.path.abspath(src) + os.sep)
        else (),
    )
    root = common_root(units)
    tasks = [(os.path.join(src, *rel.split("/")), rel) for rel in units]
    left_out: list[UnitDigest] = []
    top: list[list[Digest]] = []

    def on_level(folder: tuple[str, ...], children: list[Digest]) -> None:
        if folder == root:
            top.append(children)

    fold = TreeFold(root, on_level)
    if jobs > 1 and len(tasks) > 1:
        pool = ProcessPoolExecutor(max_workers=jobs)
        results = pool.map(_digest_task, tasks, chunksize=max(1, min(32, len(tasks) // (jobs * 4) or 1)))
    else:
        pool = None
        results = map(_digest_task, tasks)
    try:
        for done, item in enumerate(results, 1):
            if not item.used:
                left_out.append(item)
            fold.add(folder_of(item.rel), item.digest)
            if progress is not None:
                progress(item, done, len(tasks))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    fold.finish()
    if not top:
        raise DataMissing(find_kind("summary"), "rounds[].votes", "没有通过校验且已计票的选举记录")
    sha = render_digests(top[0], out_file, templates_dir, title=title, author=author, **level_names(root, src))
    return SummaryOutcome(out_file, sha, sum(c.units for c in top[0]), left_out)

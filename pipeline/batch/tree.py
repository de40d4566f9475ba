"""The tree of records: discovering units in tree order, their folders, and folding them level by level.

A tree is ``DIR/<县>/<乡镇>/<单位>.yaml``. `discover` lists its records in tree order (each folder's records,
then its sub-folders, depth first), so every folder's records are contiguous; `TreeFold` folds per-unit
digests, fed in that order, into one summary per folder while holding only the folders still open.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from ..documents import summary as summary_doc
from ..documents.summary import Digest
from ..errors import HuanjieError
from ..fsutil import os_reason
from .levelinput import LEVEL_FILE

__all__ = ["SUMMARY_FILE", "SUFFIXES", "SourceProblem", "discover", "folder_of", "common_root", "TreeFold"]

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
    folders in `exclude` (e.g. an output folder inside `src`) are skipped. Symbolic links to folders
    are not followed (as ``huanjie check DIR``, whose os.walk does not follow them either): a link may
    lead out of the tree or round in a circle. A record file is listed whatever it is (a link, a FIFO,
    a device, a link loop): `records.read_bytes` refuses what is not a regular file without opening
    it, and that unit fails with the reason while the rest of the tree runs.
    """
    if not os.path.exists(src):
        raise SourceProblem(f"找不到文件夹 {src}。")
    if not os.path.isdir(src):
        raise SourceProblem(f"{src} 不是文件夹；请给出存放选举记录（.yaml 或记录工作簿 .xlsx）的文件夹。")
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
            if entry.is_dir(follow_symlinks=False):  # never a link: it may lead out of the tree or in a circle
                if os.path.realpath(entry.path) not in skip:
                    dirs.append(entry)
            elif entry.name.endswith(SUFFIXES) and entry.name != LEVEL_FILE and not _links_to_folder(entry):
                out.append("/".join(rel + (entry.name,)))  # a FIFO, a device or a loop becomes a failed unit
            elif entry.name.lower().endswith(".xlsx") and _record_workbook(entry):
                out.append("/".join(rel + (entry.name,)))
        for entry in dirs:
            walk(entry.path, rel + (entry.name,))

    walk(src, ())
    if not out:
        raise SourceProblem(f"文件夹 {src} 中没有选举记录（.yaml 文件或记录工作簿 .xlsx）。")
    return out


def _record_workbook(entry: os.DirEntry) -> bool:
    """A regular .xlsx file made as a record (`huanjie new --xlsx`, `convert`): its hidden _其他 sheet has the
    marker. An import sheet, a 批量报告.xlsx, a 打印清单.xlsx or an exported 花名册 has not, and is no record."""
    from ..sheets.record import is_record_workbook

    try:
        if not entry.is_file(follow_symlinks=False) or entry.stat().st_size > 5 * 1024 * 1024:
            return False
    except OSError:
        return False
    return is_record_workbook(entry.path)


def _links_to_folder(entry: os.DirEntry) -> bool:
    """A symbolic link that leads to a folder (not followed, not a record); a broken or looping link is not."""
    return entry.is_symlink() and os.path.isdir(entry.path)


def folder_of(rel: str) -> tuple[str, ...]:
    """The folders of a unit's record: 青石县/河湾镇/柳林村.yaml -> ("青石县", "河湾镇")."""
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

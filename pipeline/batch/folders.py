"""The folders of a batch output: unit folders swapped in atomically, leftovers recovered, OUT guarded.

``OUT/青石县/河湾镇/柳林村/`` holds one unit's documents and its unit record ``.huanjie-unit.json``. A unit is
rendered into ``.huanjie-tmp-柳林村-…`` beside it; the record is written last; then the old folder is renamed
aside (``.huanjie-old-柳林村-…``), the new one renamed into place and the old one deleted. So after Ctrl-C, a
kill or a crash a unit folder is the old complete one or the new complete one; for the instant between the two
renames it is absent, and `recover` puts back the complete folder it finds (the new one if its record is
there, else the old one). The guards refuse an OUT that is not (or was not) a batch output.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid

from ..errors import HuanjieError
from ..fsutil import make_dirs, os_reason
from ..unitrecord import STAMP
from .tree import SUMMARY_FILE, folder_of

__all__ = [
    "BatchError",
    "TMP_MARK",
    "OLD_MARK",
    "REPORT_JSON",
    "REPORT_XLSX",
    "MANIFEST",
    "side",
    "remove_tree",
    "swap_into_place",
    "recover",
    "prepare_out",
    "check_out",
    "is_batch_output",
    "unit_folders",
]

TMP_MARK = ".huanjie-tmp-"
OLD_MARK = ".huanjie-old-"
REPORT_JSON = "report.json"
REPORT_XLSX = "批量报告.xlsx"
MANIFEST = "manifest.json"


class BatchError(HuanjieError):
    """The batch cannot run at all (unusable DIR or OUT, broken templates); str() is Chinese."""


NAME_MAX = 255  # bytes of one path component (Linux, and most file systems)
_SIDE_TAIL = 1 + 10 + 1 + 8  # "-<pid>-<8 hex>"
_CUT = re.compile(r"~[0-9a-f]{8}$")


def side_name(name: str) -> str:
    """The unit's name as it appears in its side folders: itself, or cut by bytes and tagged with its hash.

    Any name a record file can have fits as a side folder: a name too long for ``mark + name + tail`` within
    `NAME_MAX` bytes is cut at a character boundary and ends in ``~<8 hex of its SHA-256>``.
    """
    room = NAME_MAX - len(TMP_MARK.encode()) - _SIDE_TAIL
    raw = name.encode("utf-8", "surrogateescape")
    if len(raw) <= room:
        return name
    tag = "~" + hashlib.sha256(raw).hexdigest()[:8]
    cut = raw[: room - len(tag)].decode("utf-8", "ignore")
    return cut + tag


def side(outdir: str, mark: str) -> str:
    """A fresh sibling of `outdir` named with `mark` (temp or old), unique to this process, at most NAME_MAX bytes."""
    parent, name = os.path.split(outdir)
    return os.path.join(parent, f"{mark}{side_name(name)}-{os.getpid()}-{uuid.uuid4().hex[:8]}")


def remove_tree(path: str) -> None:
    """Remove a folder: renamed aside first, so a half-deleted folder never has the unit's name."""
    if not os.path.lexists(path):
        return
    aside = side(path, OLD_MARK)
    os.rename(path, aside)
    shutil.rmtree(aside, ignore_errors=True)


def swap_into_place(tmp: str, outdir: str) -> None:
    """Put the complete folder `tmp` where `outdir` is, the old one renamed aside and deleted."""
    old = None
    if os.path.lexists(outdir):
        old = side(outdir, OLD_MARK)
        os.rename(outdir, old)
    os.rename(tmp, outdir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _unit_of(parent: str, entry: str, short: str, names: dict[str, str]) -> str:
    """The unit name behind a side folder's `short` name: itself, a sibling folder's, or its stamp's."""
    if short in names:
        return names[short]
    if not _CUT.search(short):
        return short
    try:
        with open(os.path.join(parent, entry, STAMP), encoding="utf-8") as handle:
            data = json.load(handle)
        folder = str((data.get("result") or data).get("folder") or "")
    except (OSError, ValueError, AttributeError):
        return short
    unit = folder.rsplit("/", 1)[-1]
    return unit if unit and side_name(unit) == short else short


def _leftovers(parent: str, entries: list[str], name: str | None) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    names = {side_name(e): e for e in entries if not e.startswith((TMP_MARK, OLD_MARK))}
    if name is not None:
        names[side_name(name)] = name
    for entry in entries:
        for mark in (TMP_MARK, OLD_MARK):
            if entry.startswith(mark):
                unit = _unit_of(parent, entry, entry[len(mark) :].rsplit("-", 2)[0], names)
                if name is None or unit == name:
                    found.setdefault(unit, []).append((mark, os.path.join(parent, entry)))
        if name is None and entry.startswith(".~") and entry.endswith(".tmp"):
            try:
                os.unlink(os.path.join(parent, entry))
            except OSError:
                pass
    return found


def recover(parent: str, name: str | None = None) -> None:
    """Repair what an interrupted run left in `parent` (for unit `name`, or for every unit).

    For each unit with temp or old folders beside it: if the unit folder is missing, the complete
    new one (its unit record is written last) is put in place, else the old one; the rest is removed.
    Stray temp files of `fsutil.write_atomic` (``.~….tmp``) are removed too.
    """
    try:
        entries = os.listdir(parent)
    except OSError:
        return
    for unit, items in _leftovers(parent, entries, name).items():
        final = os.path.join(parent, unit)
        if not os.path.lexists(final):
            complete = [p for mark, p in items if mark == TMP_MARK and os.path.exists(os.path.join(p, STAMP))]
            old = [p for mark, p in items if mark == OLD_MARK and os.path.exists(os.path.join(p, STAMP))]
            chosen = (complete or old or [""])[0]
            if chosen:
                try:
                    os.rename(chosen, final)
                except OSError:
                    pass
        for _, path in items:
            if os.path.lexists(path):
                shutil.rmtree(path, ignore_errors=True)


def prepare_out(out: str, unit_folders: set[str]) -> set[str]:
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
                remove_tree(folder)  # the unit's record is gone from DIR
            dirs[:] = []
            continue
        if SUMMARY_FILE in files:
            summaries.add(f"{rel}/{SUMMARY_FILE}" if rel else SUMMARY_FILE)
        dirs.sort()
    return summaries


def check_out(src: str, out: str) -> None:
    """Refuse an OUT that is DIR, a file, or a folder of other files; create it; it must be writable."""
    if os.path.realpath(src) == os.path.realpath(out):
        raise BatchError("输出文件夹不能与记录文件夹相同；请用 -o 指定另一个文件夹。")
    if os.path.exists(out) and not os.path.isdir(out):
        raise BatchError(f"{out} 已存在且不是文件夹，无法作为输出文件夹。")
    if os.path.isdir(out) and not is_batch_output(out):
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


def is_batch_output(out: str) -> bool:
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


def unit_folders(units: list[str]) -> list[str]:
    """The output folder of each unit (its record path without the suffix); BatchError when two would clash."""
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

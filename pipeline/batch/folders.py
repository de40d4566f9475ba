"""The folders of a batch output: unit folders swapped in atomically, user files kept, leftovers recovered, OUT guarded.

``OUT/青石县/河湾镇/柳林村/`` holds one unit's documents and its unit record ``.huanjie-unit.json``, and may hold
files of the user's (a signed scan, a folder of photos, a document edited by hand). Only the documents the unit
record lists, unchanged (`unitrecord.owned`), the record itself and the stale note are huanjie's; everything
else is the user's (`unitrecord.foreign`) and is never replaced or deleted.

A unit is rendered into ``.huanjie-tmp-柳林村-…`` beside its folder; `unit.process_unit` names the new documents
(`unitrecord.place`: beside a document edited by hand, or refused when a user's file has the name) and writes
the record last. Then `swap_into_place` moves the user's entries of the old folder into the new one (each a
rename on the same disk), renames the old folder aside (``.huanjie-old-柳林村-…``), the new one into place, and
removes from the old one only what huanjie wrote (`salvage`: anything else found there is moved over too).

So after Ctrl-C, a kill or a crash the unit folder is the old complete one or the new complete one, and no user
file is lost: a user's file is in the unit folder or in the unit's complete temp folder, and `recover` (run at
the start of every batch, and for the units in flight when one is interrupted) moves it back. For the instant
between the two renames the unit folder is absent, and `recover` puts back the complete folder it finds (the
new one if its record is there, else the old one). A temp folder without its record holds only half-written
documents (user files are moved in after the record) and is removed. The guards refuse an OUT that is not (or
was not) a batch output.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid

from .. import unitrecord
from ..errors import HuanjieError
from ..fsutil import make_dirs, os_reason
from ..unitrecord import STALE_NOTE, STAMP
from .statsheet import STATSHEET_FILE
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
    "remove_unit",
    "salvage",
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


def _free(folder: str, name: str) -> str:
    """`name` if `folder` has no entry of that name, else ``NAME（恢复）…``: a recovered file never replaces one."""
    if not os.path.lexists(os.path.join(folder, name)):
        return name
    return unitrecord.beside(name, lambda n: os.path.lexists(os.path.join(folder, n)), word="恢复")


def salvage(leftover: str, final: str, by_hash: bool = True) -> bool:
    """Move the user's entries of a temp or old folder into the unit folder `final`, then remove the rest.

    A temp folder without its unit record holds only documents half written by huanjie: it is removed whole.
    Otherwise the entries its record does not list (with `by_hash`, also those changed since: hashed) are moved
    into `final` (under a free name). False when some could not be moved: the leftover then stays for the next run.
    """
    record = unitrecord.read(leftover)
    name = os.path.basename(leftover)
    if record is None and name.startswith(TMP_MARK) and not os.path.lexists(os.path.join(leftover, STAMP)):
        shutil.rmtree(leftover, ignore_errors=True)
        return True
    mine = None if by_hash or record is None else {d.name for d in [*record.documents, *record.prints]}
    moved = True
    for entry in unitrecord.foreign(leftover, record, mine):
        try:
            make_dirs(final)
            os.rename(os.path.join(leftover, entry), os.path.join(final, _free(final, entry)))
        except OSError:
            moved = False
    if moved:
        shutil.rmtree(leftover, ignore_errors=True)
    return moved


def swap_into_place(tmp: str, outdir: str, mine: set[str] | None = None) -> None:
    """Put the complete folder `tmp` where `outdir` is, keeping every user entry of `outdir` (see the docstring).

    `mine`: the documents of `outdir` huanjie wrote and still owns (`unitrecord.owned`, already hashed by the
    caller); the other entries (but the unit record and the stale note) move into `tmp` first. The caller made
    sure no name clashes (`unitrecord.place`).
    """
    if not os.path.lexists(outdir):
        os.rename(tmp, outdir)
        return
    record = unitrecord.read(outdir)
    for entry in unitrecord.foreign(outdir, record, mine):
        os.rename(os.path.join(outdir, entry), os.path.join(tmp, entry))
    old = side(outdir, OLD_MARK)
    os.rename(outdir, old)
    try:
        os.rename(tmp, outdir)
    except OSError:
        os.rename(old, outdir)
        raise
    salvage(old, outdir, by_hash=False)


def remove_unit(folder: str) -> None:
    """Remove what huanjie wrote into a unit folder (its record is gone from DIR); the folder only if then empty.

    The documents the unit record lists and that are unchanged go first, the stale note, the unit record last
    (a kill midway leaves a folder the next run cleans again); a user's files stay, in place.
    """
    record = unitrecord.read(folder)
    for name in sorted(unitrecord.owned(folder, record)) + [STALE_NOTE, STAMP]:
        try:
            os.unlink(os.path.join(folder, name))
        except FileNotFoundError:
            pass
    try:
        os.rmdir(folder)
    except OSError:
        pass  # the user's files are still in it


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
            # an old folder without a record: a user's folder renamed aside by a swap into it; never lost
            users = [p for mark, p in items if mark == OLD_MARK and os.path.isdir(p)]
            chosen = (complete or old or users or [""])[0]
            if chosen:
                try:
                    os.rename(chosen, final)
                except OSError:
                    pass
        for _, path in items:
            if os.path.lexists(path):
                salvage(path, final)


LEVEL_FILES = (SUMMARY_FILE, STATSHEET_FILE)  # a level's summary and its 统计表


def is_level_file(name: str) -> bool:
    """A level's summary or 统计表, or a new one written beside a kept file (``NAME（新）.docx``, ``NAME（新2）…``)."""
    for base in LEVEL_FILES:
        stem, ext = os.path.splitext(base)
        if name == base or (name.startswith(stem + "（新") and name.endswith("）" + ext)):
            return True
    return False


def level_hashes(out: str) -> dict[str, str]:
    """The level files the last run's manifest.json lists (path in OUT → SHA-256), read line by line: the
    manifest of a province holds millions of lines, and only the levels' are wanted."""
    stems = [os.path.splitext(base)[0] for base in LEVEL_FILES]
    found: dict[str, str] = {}
    try:
        with open(os.path.join(out, MANIFEST), encoding="utf-8") as handle:
            for line in handle:
                if not any(f"/{stem}" in line or f'"{stem}' in line for stem in stems):
                    continue
                text = line.strip().rstrip(",")
                try:
                    entry = json.loads("{" + text + "}")
                except ValueError:
                    continue
                for rel, sha in entry.items():
                    if isinstance(sha, str) and is_level_file(rel.rsplit("/", 1)[-1]):
                        found[rel] = sha
    except (OSError, UnicodeDecodeError):
        return {}
    return found


def prepare_out(out: str, unit_folders: set[str]) -> dict[str, str | None]:
    """Clean OUT before a run: leftovers, orphan unit folders, old report. Returns the level files found
    (summaries, 统计表, new ones written beside kept files), each with its SHA-256 in the last manifest (or None)."""
    known = level_hashes(out)
    summaries: dict[str, str | None] = {}
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
            files = [f for f in os.listdir(folder) if os.path.isfile(os.path.join(folder, f))]
            dirs[:] = [d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d))]
        if STAMP in files and rel:
            if rel not in unit_folders:
                remove_unit(folder)  # the unit's record is gone from DIR: what huanjie wrote goes, the rest stays
            dirs[:] = []
            continue
        for name in files:
            if is_level_file(name):
                path = f"{rel}/{name}" if rel else name
                summaries[path] = known.get(path)
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


_OURS = re.compile(r'\A\{\s*"program"\s*:\s*"huanjie"\s*,')


def _written_by_huanjie(path: str) -> bool:
    """Whether the report or manifest at `path` is one huanjie wrote: a JSON object opening with its program key."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(256)
    except OSError:
        return False
    return bool(_OURS.match(head.decode("utf-8", errors="replace")))


def is_batch_output(out: str) -> bool:
    """Empty, or written by an earlier (possibly interrupted) run: a report, a manifest, a stamp or a temp folder.

    A ``report.json`` or ``manifest.json`` counts only when huanjie wrote it (a user's file of that name does not).
    """
    try:
        entries = os.listdir(out)
    except OSError:
        return True  # the caller reports what is wrong with the folder
    if not entries or any(_written_by_huanjie(os.path.join(out, n)) for n in (MANIFEST, REPORT_JSON) if n in entries):
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

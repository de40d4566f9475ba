"""Where things go in an archival package: its fixed paths and names, the order of items, the zip and folder writers."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable

from .. import fsutil
from ..fsutil import mode_for
from .errors import PackageExists

__all__ = [
    "README_FILE",
    "CATALOGUE",
    "ITEMS_DIR",
    "OTHER_DIR",
    "RECORDS_DIR",
    "CHECK_REPORT",
    "BATCH_DIR",
    "TEMPLATES_COPY",
    "SETTINGS_COPY",
    "MANIFESTS",
    "TAGMANIFESTS",
    "TOP_FILES",
    "ALGORITHM_NAMES",
    "ITEM_FILE",
    "item_folder",
    "tree_key",
    "write_zip",
    "write_folder",
    "is_zip_name",
    "is_package_folder",
    "zip_time",
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

# 电子档案/<年度>/<保管期限>/<档号>/<file>
ITEM_FILE = re.compile(rf"^{ITEMS_DIR}/(\d{{4}})/(Y|D30|D10)/([^/]+)/([^/]+)$")


def item_folder(year: int, retention: str, dh: str) -> str:
    """The folder of one 件: 电子档案/<年度>/<保管期限>/<档号>."""
    return f"{ITEMS_DIR}/{year}/{retention}/{dh}"


def tree_key(rel: str) -> tuple:
    """Tree order of paths: in each folder its files first, then its sub-folders, all sorted."""
    parts = rel.split("/")
    return tuple((1, p) for p in parts[:-1]) + ((0, parts[-1]),)


def write_zip(
    entries: dict[str, bytes | str],
    package: str,
    stamp: tuple,
    force: bool,
    tick: Callable[[int], None],
    temp_dir: str | None = None,
) -> None:
    """Write the zip beside `package` and rename it into place (never over a package unless `force`).

    `temp_dir`: where the zip is written first (on the package's disk; archive uses its work folder).

    `entries`: package path → bytes, or the path of a file on disk (streamed). Entries are sorted
    by path and all carry the time `stamp`; PDFs, .docx and .xlsx are stored, the rest deflated.
    """
    handle, temp = tempfile.mkstemp(prefix=".~", suffix=".zip.tmp", dir=temp_dir or os.path.dirname(package))
    os.close(handle)
    try:
        os.chmod(temp, mode_for(package))
        with zipfile.ZipFile(temp, "w", allowZip64=True) as archive:
            for done, name in enumerate(sorted(entries), 1):
                _write_entry(archive, name, entries[name], stamp)
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


def is_zip_name(package: str) -> bool:
    """Whether `package` names a zip package (``….zip``); any other name is a folder package."""
    return package.lower().endswith(".zip")


def is_package_folder(path: str) -> bool:
    """Whether the folder `path` holds a package (its SHA-256 manifest), so that --force may replace it."""
    return os.path.isfile(os.path.join(path, MANIFESTS["sha256"]))


def write_folder(
    entries: dict[str, bytes | str],
    package: str,
    stamp: tuple,
    force: bool,
    tick: Callable[[int], None],
    temp_dir: str | None = None,
) -> None:
    """Write the package as a folder: built in a temporary sibling folder, then renamed into place.

    `entries` as for `write_zip`. Every file and folder carries the time `stamp`; each file is synced before the
    rename, so a crash leaves either no package or a whole one. An existing package folder is replaced only
    with `force` (the old one is moved aside first, then removed); anything else at `package` is never touched.
    """
    parent = temp_dir or os.path.dirname(package)
    staging = tempfile.mkdtemp(prefix=".~", suffix=".folder.tmp", dir=parent)
    when = _epoch(stamp)
    file_mode = 0o666 & ~_umask()
    try:
        os.chmod(staging, 0o777 & ~_umask())
        folders = set()
        for done, name in enumerate(sorted(entries), 1):
            target = os.path.join(staging, *name.split("/"))
            folder = os.path.dirname(target)
            if folder not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            _write_file(target, entries[name], file_mode)
            os.utime(target, (when, when))
            tick(done)
        for folder in sorted(folders | {staging}, key=len, reverse=True):
            os.utime(folder, (when, when))
        _place_folder(staging, package, force, parent)
    finally:
        if os.path.exists(staging):
            shutil.rmtree(staging, ignore_errors=True)


def _write_file(target: str, value: bytes | str, file_mode: int) -> None:
    with open(target, "wb") as dst:
        if isinstance(value, bytes):
            dst.write(value)
        else:
            with open(value, "rb") as src:
                shutil.copyfileobj(src, dst, 1 << 20)
        dst.flush()
        os.fsync(dst.fileno())
    os.chmod(target, file_mode)


def _place_folder(staging: str, package: str, force: bool, work: str) -> None:
    """Rename `staging` to `package`; with `force` the old package is first moved into `work` (archive's work
    folder, which a killed run's successor removes), so that no half-removed package is ever at `package`."""
    if not os.path.lexists(package):
        os.rename(staging, package)
        return
    if not force:
        raise PackageExists(package)
    old = tempfile.mkdtemp(prefix=".~", suffix=".old.tmp", dir=work)
    moved = os.path.join(old, "package")
    os.rename(package, moved)
    try:
        os.rename(staging, package)
    except OSError:
        os.rename(moved, package)  # put the old package back: never leave neither
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _epoch(stamp: tuple) -> float:
    import datetime as dt

    return dt.datetime(*stamp).timestamp()


def _write_entry(archive: zipfile.ZipFile, name: str, value: bytes | str, stamp: tuple) -> None:
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


def zip_time(dates: list[str]) -> tuple[int, int, int, int, int, int]:
    """Every entry's time: the latest of the documents' dates (8 digits), at 00:00, for reproducible zips."""
    dates = [d for d in dates if len(d) == 8]
    if not dates:
        return (2026, 1, 1, 0, 0, 0)
    last = max(dates)
    year = min(max(int(last[:4]), 1980), 2107)
    return (year, int(last[4:6]), int(last[6:8]), 0, 0, 0)

"""huanjie archive: `build_package`, the story of one run (gather, convert, inspect, number, describe, write)."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from .. import fsutil, layoutcheck, procs
from ..batch.lock import refuse_while_writing
from ..findings import Finding
from . import pdf
from .collect import collect
from .contents import package_files
from .errors import ArchiveError, NothingToArchive, PackageExists
from .items import ArchiveEvent, ArchiveResult, Doc, Input, Item, Unit
from .layout import is_package_folder, is_zip_name, tree_key, write_folder, write_zip, zip_time
from .scans import ScanMatch, match_scans
from .settings import DEFAULT_FONDS, ArchiveSettings, dang_hao
from .sign import PrivateKey

if TYPE_CHECKING:
    from .distributed import ClusterConverter as Converter

__all__ = ["build_package", "DiskFull", "clean_leftovers", "WORK_MARK"]

WORK_MARK = ".~huanjie-archive-"  # + pid + random: the work folder of one run, beside the package
LEGACY_AGE = 12 * 3600  # seconds untouched after which a leftover without our pid (0.1.0) is removed
PROFILE_BYTES = 2 << 20  # room for one LibreOffice profile
MB = 1 << 20

Tell = Callable[[str, int, int], None]


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
    key: PrivateKey | None = None,
    scans: str | None = None,
    converter: Converter | None = None,
) -> ArchiveResult:
    """Convert, describe, number and package the documents of `source` into `package`: a folder, or a zip
    when its name ends in ``.zip``.

    `source`: a batch output folder (with report.json) or a render output folder (then `record`
    names its record). `records`: the records folder when report.json's source has moved. `key`: the private key
    that signs the manifests (`sign.load_private_key`; the package gets 签名.json). `scans`: a folder of scans of
    the signed paper originals, attached to their documents (`scans.match_scans`).
    `workers`/`timeout`: LibreOffice processes and seconds per document. `converter`: where the PDFs are made,
    `pdf.convert`'s signature (default `pdf.convert` on this machine; `distributed.ClusterConverter` on a Dask
    cluster, whose workers then need LibreOffice and this machine only poppler). `made_on`: the 制作日期
    of the 说明文件 (default today). Raises `ArchiveError` (and subclasses) when no package can
    be made; refused units are only listed in the result.
    """
    started = time.perf_counter()
    settings = settings or ArchiveSettings.make()

    def tell(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(ArchiveEvent(stage, done, total))

    package = _check_places(source, package, force)
    refuse_while_writing(source, "归档需要完整的批量输出，请等它完成后再运行 huanjie archive。")
    soffice = pdf.find_tool("soffice", "libreoffice") if converter is None else ""
    pdf.find_tool("pdffonts")
    data = collect(source, records, record, tell)
    docs = sorted((d for u in data.units if not u.refusal for d in u.documents), key=lambda d: tree_key(d.rel))
    if not docs:
        raise NothingToArchive(data.refusals())
    matched = match_scans(scans, [d.rel for d in docs]) if scans else None
    result = ArchiveResult(package=package, settings=settings, signer=key.signer if key else "")
    folder = os.path.dirname(package)
    fsutil.make_dirs(folder)
    clean_leftovers(folder)
    space = _Space(folder, docs, workers)
    space.check()
    work = tempfile.mkdtemp(prefix=f"{WORK_MARK}{os.getpid()}-", dir=folder)
    try:
        result.libreoffice = pdf.soffice_version(soffice) if converter is None else converter.version()
        by_unit = {u.rel: u for u in data.units}
        items = _convert(docs, by_unit, result, work, soffice, workers, timeout, tell, converter)
        if any(by_unit[d.unit].refusal for d in docs) and space.short():
            raise _NoSpace  # LibreOffice failed (exit code 134 or no PDF) because the disk filled up
        _inspect(items, workers, tell, by_unit)
        items = [it for it in items if not by_unit[it.doc.unit].refusal]
        if not items:
            raise NothingToArchive(data.refusals())
        if matched is not None:
            _attach(items, matched, by_unit, docs, result)
        result.layout = _layout(items, by_unit, workers, tell)
        result.layout_checked = len(items)
        space.pdfs = [os.path.getsize(it.pdf) for it in items]
        _number(items, settings)
        _describe(items, workers, tell)
        _verapdf(items, result, tell)
        _summarise(result, data, items, settings)
        entries = package_files(data, items, settings, result, made_on or dt.date.today(), key)
        tell("写入数据包", 0, len(entries))
        stamp = zip_time([it.doc.date for it in items])
        writer = write_zip if is_zip_name(package) else write_folder
        writer(entries, package, stamp, force, lambda done: tell("写入数据包", done, len(entries)), temp_dir=work)
    except _NoSpace:
        full = True
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        full = True
    else:
        full = False
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if full:
        raise space.error()
    result.seconds = time.perf_counter() - started
    return result


class _NoSpace(Exception):
    """Inside a run: the disk is full; raised as `DiskFull` once the work folder is removed."""


class DiskFull(ArchiveError):
    """The package's disk has too little free space (our writes or LibreOffice's failed with ENOSPC)."""

    def __init__(self, folder: str, need_mb: int, free_mb: int):
        super().__init__(
            f"磁盘空间不足：在 {folder} 生成数据包需要约 {need_mb} MB，剩余 {free_mb} MB。"
            "请清理该磁盘，或用 -o 把数据包写到空间更大的磁盘，然后重新运行 huanjie archive。"
        )
        self.need_mb = need_mb
        self.free_mb = free_mb


class _Space:
    """The free space a run needs beside the package: the PDFs in the work folder, the zip (.docx and PDFs)."""

    def __init__(self, folder: str, docs: list[Doc], workers: int | None):
        self.folder = folder
        self.docx = sum(_size(d.path) for d in docs)
        self.count = len(docs)
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.pdfs: list[int] = []  # sizes of the PDFs made, once known

    def need(self) -> int:
        """Bytes: the .docx once, the PDFs twice (work folder and zip), a LibreOffice profile per worker."""
        pdf_bytes = sum(self.pdfs) * self.count // len(self.pdfs) if self.pdfs else 2 * self.docx
        return self.docx + 2 * pdf_bytes + self.workers * PROFILE_BYTES

    def free(self) -> int:
        try:
            return shutil.disk_usage(self.folder).free
        except OSError:
            return 1 << 62

    def check(self) -> None:
        """Before converting: refuse at once when not even the .docx and the smallest PDFs would fit."""
        if self.free() < self.docx + self.docx // 2:
            raise self.error()

    def short(self) -> bool:
        """After LibreOffice failed: is the disk (nearly) full?"""
        return self.free() < max(self.need() // 4, 4 * PROFILE_BYTES)

    def error(self) -> DiskFull:
        return DiskFull(self.folder, -(-self.need() // MB), self.free() // MB)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def clean_leftovers(folder: str) -> list[str]:
    """Remove what killed archive runs left in `folder`: work folders of dead pids, and old 0.1.0 leftovers.

    Ours only: ``.~huanjie-archive-<pid>-…`` whose process no longer runs; folders of 0.1.0
    (``.~huanjie-archive-…``, no pid) and its ``.~….zip.tmp`` files once untouched for `LEGACY_AGE` seconds.
    """
    removed: list[str] = []
    try:
        entries = os.listdir(folder)
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        path = os.path.join(folder, entry)
        if entry.startswith(WORK_MARK):
            pid = entry[len(WORK_MARK) :].split("-", 1)[0]
            stale = not procs.pid_alive(int(pid)) if pid.isdigit() and "-" in entry[len(WORK_MARK) :] else None
        elif entry.startswith(".~") and entry.endswith(".zip.tmp"):
            stale = None
        else:
            continue
        if stale is None:  # not named by this version: only when nobody has touched it for long
            try:
                stale = now - os.lstat(path).st_mtime > LEGACY_AGE
            except OSError:
                continue
        if not stale:
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                continue
        removed.append(entry)
    return removed


def _check_places(source: str, package: str, force: bool) -> str:
    """The package's absolute path, once `source` is a folder and `package` can be written."""
    if os.path.exists(source) and not os.path.isdir(source):
        raise ArchiveError(f"{source} 是文件，不是文件夹；请给出 huanjie batch 或 huanjie render 的输出文件夹。")
    if not os.path.isdir(source):
        raise ArchiveError(f"找不到文件夹 {source}。")
    package = os.path.abspath(package)
    blocker = fsutil.file_in_path(os.path.dirname(package))
    if blocker is not None:
        raise ArchiveError(f"无法写入数据包 {package}：路径中的 {blocker} 是文件，不是文件夹。")
    if is_zip_name(package):
        if os.path.isdir(package):
            raise ArchiveError(
                f"{package} 是文件夹；zip 数据包请给出文件名，如 青石县.zip（不以 .zip 结尾时生成文件夹）。"
            )
    elif os.path.lexists(package) and not os.path.isdir(package):
        raise ArchiveError(f"{package} 是文件，不是文件夹；文件夹数据包请换一个名称，zip 数据包的名称应以 .zip 结尾。")
    elif os.path.isdir(package) and force and not is_package_folder(package) and os.listdir(package):
        raise ArchiveError(
            f"{package} 是已有的文件夹，但不是 huanjie 生成的数据包（没有 manifest-sha256.txt），"
            "即使加了 --force 也不覆盖；请换一个数据包名称。"
        )
    if not is_zip_name(package) and os.path.abspath(source) in (package, *[str(p) for p in Path(package).parents]):
        raise ArchiveError(f"数据包 {package} 不能写在要归档的文件夹 {source} 里面；请写到它的外面。")
    if not force and os.path.lexists(package):
        raise PackageExists(package)
    return package


def _convert(
    docs: list[Doc],
    by_unit: dict[str, Unit],
    result: ArchiveResult,
    work: str,
    soffice: str,
    workers: int | None,
    timeout: float,
    tell: Tell,
    converter: Converter | None = None,
) -> list[Item]:
    """PDF/A-2b of every document (`pdf.convert`, or `converter`); a unit with a document that fails is refused at
    stage 转换."""
    jobs = [pdf.Job(d.path, os.path.join(work, "pdf", f"{i:06d}.pdf")) for i, d in enumerate(docs)]
    converted = (converter or pdf.convert)(
        jobs,
        workers=workers,
        timeout=timeout,
        soffice=soffice or None,
        progress=lambda done, total: tell("转换 PDF", done, total),
        workdir=work,
    )
    result.convert_seconds = converted.seconds
    for index, reason in sorted(converted.failed.items()):
        unit = by_unit[docs[index].unit]
        if not unit.refusal:
            unit.refuse(f"{docs[index].rel} 无法转换为 PDF/A（{reason}）", "转换")
    return [Item(d, jobs[i].target) for i, d in enumerate(docs) if not by_unit[d.unit].refusal]


def _inspect(items: list[Item], workers: int | None, tell: Tell, by_unit: dict[str, Unit]) -> None:
    """Pages, PDF version, fonts and the PDF/A claim of every converted PDF."""
    done = 0

    def one(item: Item) -> str:
        data = Path(item.pdf).read_bytes()
        item.version = pdf.pdf_version(data)
        facts = pdf.inspect_pdf(data)
        item.pages = facts.pages or 0
        claim = facts.claim
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
                unit.refuse(problem, "转换")


def _layout(items: list[Item], by_unit: dict[str, Unit], workers: int | None, tell: Tell) -> list[Finding]:
    """The layout check of the PDFs just converted (no second conversion): what was posted is archived as it is,
    so its findings are reported, never a reason to refuse a unit."""
    names: dict[str, tuple[str, ...]] = {}
    pairs = []
    for item in items:
        unit = by_unit[item.doc.unit]
        if unit.rel not in names:
            names[unit.rel] = layoutcheck.record_names(unit.record_path) if unit.record_path else ()
        pairs.append((item.pdf, layoutcheck.Item(item.doc.path, item.doc.kind, names[unit.rel], item.doc.rel)))
    tell("检查版式", 0, len(pairs))
    found = layoutcheck.check_pdfs(pairs, workers)
    tell("检查版式", len(pairs), len(pairs))
    return found


def _number(items: list[Item], settings: ArchiveSettings) -> None:
    """Year, retention and 件号 of every item, counted per (year, retention) from the settings' start."""
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


def _attach(
    items: list[Item], matched: ScanMatch, by_unit: dict[str, Unit], docs: list[Doc], result: ArchiveResult
) -> None:
    """Each item's scans (in name order); the scans of refused units and those matching nothing become warnings."""
    for item in items:
        item.scans = sorted(matched.by_doc.get(item.doc.rel, []), key=lambda s: s.rel)
    archived = {item.doc.rel for item in items}
    for doc in docs:
        for scan in matched.by_doc.get(doc.rel, []):
            if doc.rel not in archived:
                matched.left_out.append(f"扫描件 {scan.rel}：所属单位 {by_unit[doc.unit].label} 未归档，扫描件也未归档")
    result.warnings += matched.left_out
    result.scans = sum(len(item.scans) for item in items)


def _describe(items: list[Item], workers: int | None, tell: Tell) -> None:
    """The catalogue's 题名, 责任者, 文种, 档号 and 成文日期 as each PDF's document properties (before it is hashed)."""
    done = 0

    def one(item: Item) -> None:
        doc = item.doc
        pdf.set_properties(item.pdf, doc.title, doc.author, doc.genre, item.dh, doc.date)

    tell("写入 PDF 文档属性", 0, len(items))
    with ThreadPoolExecutor(max_workers=max(1, workers or os.cpu_count() or 1)) as pool:
        for _ in pool.map(one, items):
            done += 1
            tell("写入 PDF 文档属性", done, len(items))


def _verapdf(items: list[Item], result: ArchiveResult, tell: Tell) -> None:
    """veraPDF's verdict on the final PDFs, when it is installed: recorded in the 说明文件, failures as warnings."""
    if shutil.which("verapdf") is None:
        return
    tell("veraPDF 检验", 0, len(items))
    verdict = pdf.verapdf([item.pdf for item in items])
    tell("veraPDF 检验", len(items), len(items))
    if verdict is None:
        return
    version, passed = verdict
    good = [item for item in items if passed.get(item.pdf) is True]
    result.verapdf = f"{version}：{len(items)} 件 PDF 中 {len(good)} 件符合 PDF/A-2b"
    bad = [item.doc.rel for item in items if passed.get(item.pdf) is not True]
    if bad:
        result.warnings.append(
            f"veraPDF 检验有 {len(bad)} 件 PDF 不符合 PDF/A-2b 或没有结论：{'、'.join(bad[:10])}"
            + ("等" if len(bad) > 10 else "")
        )


def _summarise(result: ArchiveResult, data: Input, items: list[Item], settings: ArchiveSettings) -> None:
    """Counts, 档号 range, refusals, fonts and warnings of the run, into `result`."""
    result.refused = data.refusals()
    result.items = len(items)
    archived = {it.doc.unit for it in items}
    result.units = sum(1 for u in data.units if u.rel in archived and not u.level)
    result.summaries = sum(1 for u in data.units if u.rel in archived and u.level)
    result.first, result.last = items[0].dh, items[-1].dh
    result.fonts = _font_table(items)
    result.warnings = _font_warnings(result.fonts) + result.warnings
    if settings.defaulted:
        result.warnings.insert(
            0,
            f"未设置全宗号，使用了演示用的默认值 {DEFAULT_FONDS}；正式移交前请用 --fonds "
            "或设置文件填写档案馆分配的全宗号。",
        )


def _font_table(items: list[Item]) -> dict[str, dict]:
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

"""Word → PDF/A-2b with LibreOffice headless, and what poppler and the PDF itself say about the result.

Conversion (`convert`)
----------------------
* Documents are converted in batches: one ``soffice --convert-to`` call converts many documents
  (LibreOffice's start-up, about a second, is paid once per call, not per document).
* ``workers`` calls run in parallel, each with its own LibreOffice profile directory
  (``-env:UserInstallation=file://…``): two LibreOffice processes sharing a profile hand their
  work to each other or fail. A worker keeps its profile for all its batches.
* Every call runs with ``FONTCONFIG_FILE=templates/fonts.conf`` (see that file): the documents name
  the fonts of a Chinese Windows installation (仿宋_GB2312, 方正小标宋简体 …); without the aliases
  fontconfig answers DejaVu Sans and the Chinese text is set in a fallback face.
* The export filter asks for PDF/A-2b (``SelectPdfVersion`` 2, JSON filter options: LibreOffice
  silently ignores the legacy ``SelectPdfVersion=2`` form).
* Inputs are staged under short ASCII names (``000017.docx``), so documents of different units
  with the same file name cannot collide, then the PDFs are moved to their destinations.
* Timeout and retry: LibreOffice prints one ``convert … ->`` line per document as it goes; a call
  that prints nothing for ``timeout`` seconds (plus a start-up allowance for the first document)
  is killed (its whole process group). The first document without a valid PDF after a killed or
  crashed call is the culprit: it is retried once on its own; the documents after it, never
  attempted, go back into the queue. After a call that ended normally, every document without a
  valid PDF is retried once on its own. A document failing its retry is reported, never raised.
* ``progress(done, total)`` is called as documents are converted (from worker threads, serialised).

Inspection: `inspect_pdf` (pikepdf: pages, the XMP ``pdfaid`` part and conformance, fonts and their embedding,
the Info properties; `pdf_pages` and `pdfa_claim` are its parts), `pdf_fonts` (pdffonts), `pdf_version`.
`set_properties` writes 题名, 责任者, 文种, 档号 and 成文日期 into Info and XMP with pikepdf. Missing programs raise `ToolMissing` with
the Debian packages to install.
"""

from __future__ import annotations

import io
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from .. import procs
from ..errors import HuanjieError
from ..fsutil import os_reason
from ..paths import TEMPLATES_DIR

__all__ = [
    "ToolMissing",
    "Job",
    "ConvertResult",
    "convert",
    "find_tool",
    "soffice_version",
    "poppler_version",
    "lo_env",
    "pdf_fonts",
    "FontInfo",
    "pdf_pages",
    "pdfa_claim",
    "inspect_pdf",
    "PdfFacts",
    "set_properties",
    "pdf_date",
    "PROPERTY_KEYS",
    "verapdf",
    "pdf_version",
    "is_complete_pdf",
    "FONTS_CONF",
    "PDFA_FILTER",
    "INSTALL_HINT",
    "SYSTEM_PACKAGES",
]

FONTS_CONF = TEMPLATES_DIR / "fonts.conf"
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
SYSTEM_PACKAGES = "libreoffice-writer-nogui poppler-utils fonts-noto-cjk fonts-arphic-ukai fonts-liberation2"
INSTALL_HINT = f"sudo apt-get install {SYSTEM_PACKAGES}（或运行 bash tools/system-deps.sh）"
STARTUP_ALLOWANCE = 60.0  # seconds added to the timeout of a call's first document (profile creation)
MAX_BATCH = 200  # documents per soffice call at most


class ToolMissing(HuanjieError):
    """A program the conversion or the checks need is not installed; str() says how to install it."""

    def __init__(self, names: Iterable[str]):
        self.names = list(names)
        super().__init__(f"找不到 {' 或 '.join(self.names)}。请安装：{INSTALL_HINT}")


def find_tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise ToolMissing(names)


def lo_env(profile: str | os.PathLike | None = None) -> dict[str, str]:
    """The environment of a LibreOffice process: the font aliases, and HOME inside its profile."""
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
    if profile is not None:
        env["HOME"] = str(profile)
    return env


def soffice_version(soffice: str | None = None) -> str:
    """“LibreOffice 7.4.7.2 40(Build:2)”."""
    exe = soffice or find_tool("soffice", "libreoffice")
    with tempfile.TemporaryDirectory(prefix="huanjie-lo-") as home:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, env=lo_env(home), timeout=120)
    lines = [line.strip() for line in out.stdout.splitlines() if line.strip().startswith("LibreOffice")]
    return lines[0] if lines else (out.stdout.strip().splitlines() or ["LibreOffice（版本未知）"])[-1]


def poppler_version() -> str:
    exe = find_tool("pdffonts")
    out = subprocess.run([exe, "-v"], capture_output=True, text=True, timeout=30)
    match = re.search(r"version\s+([\d.]+)", out.stderr + out.stdout)
    return f"poppler-utils {match.group(1)}" if match else "poppler-utils"


# --------------------------------------------------------------------------------------------
# Conversion
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Job:
    source: str  # the .docx
    target: str  # where its PDF goes


@dataclass
class ConvertResult:
    converted: list[int] = field(default_factory=list)  # indexes of the jobs converted
    failed: dict[int, str] = field(default_factory=dict)  # index → why (Chinese)
    calls: int = 0  # soffice calls made
    seconds: float = 0.0
    version: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed


def is_complete_pdf(path: str | os.PathLike) -> bool:
    """A whole PDF: starts with %PDF- and has %%EOF near its end (a killed writer leaves neither)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(5)
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 1024))
            tail = handle.read()
    except OSError:
        return False
    return head == b"%PDF-" and b"%%EOF" in tail


@dataclass
class _Batch:
    items: list[int]
    alone: bool = False  # a retry: exactly one document


class _Converter:
    def __init__(
        self,
        jobs: list[Job],
        workers: int,
        timeout: float,
        soffice: str,
        pdfa: bool,
        progress: Callable[[int, int], None] | None,
        batch_size: int | None,
    ):
        self.jobs = jobs
        self.workers = workers
        self.timeout = timeout
        self.soffice = soffice
        self.filter = PDFA_FILTER if pdfa else "pdf"
        self.progress = progress
        self.result = ConvertResult()
        self.attempts = [0] * len(jobs)
        self.lock = threading.Lock()
        self.queue: queue.Queue[_Batch] = queue.Queue()
        self.pending = 0  # batches queued or running
        self.done: set[int] = set()
        self.seen: set[int] = set()
        self.stop = threading.Event()
        self.procs: set[subprocess.Popen] = set()
        self.error: BaseException | None = None
        size = batch_size or max(1, min(MAX_BATCH, -(-len(jobs) // max(1, workers))))
        for start in range(0, len(jobs), size):
            self._put(_Batch(list(range(start, min(len(jobs), start + size)))))

    def abort(self) -> None:
        self.stop.set()
        with self.lock:
            procs = list(self.procs)
        for proc in procs:
            _kill_group(proc)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass

    def _put(self, batch: _Batch) -> None:
        with self.lock:
            self.pending += 1
        self.queue.put(batch)

    def _tick(self, index: int) -> None:
        with self.lock:
            if index in self.seen:
                return
            self.seen.add(index)
            done = len(self.seen)
        if self.progress is not None:
            self.progress(done, len(self.jobs))

    def run(self, root: str) -> ConvertResult:
        start = time.perf_counter()
        threads = [
            threading.Thread(target=self._worker, args=(os.path.join(root, f"w{n}"),), daemon=True)
            for n in range(max(1, min(self.workers, self.queue.qsize())))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if self.error is not None:
            raise self.error
        self.result.converted = sorted(self.done)
        self.result.seconds = time.perf_counter() - start
        return self.result

    def _worker(self, home: str) -> None:
        profile = os.path.join(home, "profile")
        os.makedirs(profile, exist_ok=True)
        call = 0
        try:
            while not self.stop.is_set():
                with self.lock:
                    if self.pending == 0:
                        return
                try:
                    batch = self.queue.get(timeout=0.2)
                except queue.Empty:
                    continue
                call += 1
                try:
                    self._convert(batch, os.path.join(home, f"c{call}"), profile)
                finally:
                    with self.lock:
                        self.pending -= 1
        except BaseException as exc:  # noqa: BLE001 - surfaced by run()
            self.error = exc
            self.stop.set()

    def _convert(self, batch: _Batch, work: str, profile: str) -> None:
        indir, outdir = os.path.join(work, "in"), os.path.join(work, "out")
        os.makedirs(indir)
        os.makedirs(outdir)
        staged: dict[str, int] = {}
        unreadable = []
        for index in batch.items:
            name = f"{index:06d}"
            path = os.path.join(indir, name + ".docx")
            try:
                try:
                    os.link(self.jobs[index].source, path)
                except OSError:
                    shutil.copyfile(self.jobs[index].source, path)
            except OSError as exc:
                unreadable.append(index)
                with self.lock:
                    self.result.failed[index] = f"无法读取 {self.jobs[index].source}（{os_reason(exc)}）"
                self._tick(index)
                continue
            staged[name] = index
        batch = _Batch([i for i in batch.items if i not in unreadable], batch.alone)
        if not batch.items:
            shutil.rmtree(work, ignore_errors=True)
            return
        order = [os.path.join(indir, f"{i:06d}.docx") for i in batch.items]
        if batch.alone:
            self.attempts[batch.items[0]] += 1
        normal, message = self._soffice(order, outdir, profile, staged)
        with self.lock:
            self.result.calls += 1
        missing = []
        for index in batch.items:
            pdf = os.path.join(outdir, f"{index:06d}.pdf")
            if is_complete_pdf(pdf):
                target = self.jobs[index].target
                os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
                shutil.move(pdf, target)
                with self.lock:
                    self.done.add(index)
                    self.result.failed.pop(index, None)
                self._tick(index)
            else:
                if os.path.exists(pdf):
                    os.unlink(pdf)
                missing.append(index)
        shutil.rmtree(work, ignore_errors=True)
        if not missing:
            return
        if batch.alone:
            index = missing[0]
            if self.attempts[index] >= 2:
                with self.lock:
                    self.result.failed[index] = message or "LibreOffice 未生成 PDF"
                self._tick(index)
            else:
                self._put(_Batch([index], alone=True))
            return
        if normal:
            # Every document was attempted: each missing one gets its retry alone.
            for index in missing:
                self.attempts[index] += 1
                self._put(_Batch([index], alone=True))
            return
        # Killed or crashed: the first missing document is the culprit; the rest were not reached.
        culprit, rest = missing[0], missing[1:]
        self.attempts[culprit] += 1
        self._put(_Batch([culprit], alone=True))
        if rest:
            self._put(_Batch(rest))

    def _soffice(self, files: list[str], outdir: str, profile: str, staged: dict[str, int]) -> tuple[bool, str]:
        """Run one call; (ended normally, a Chinese reason when it did not)."""
        command = [
            self.soffice,
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={Path(os.path.abspath(profile)).as_uri()}",
            "--convert-to",
            self.filter,
            "--outdir",
            outdir,
            *files,
        ]
        # Its own process group, under a guard that kills that group when huanjie dies (even by SIGKILL):
        # LibreOffice's soffice.bin is a grandchild, out of reach of a death signal set on soffice itself.
        proc = subprocess.Popen(
            procs.guarded(command),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=lo_env(profile),
            start_new_session=True,
        )
        lines: queue.Queue[bytes | None] = queue.Queue()

        def read() -> None:
            assert proc.stdout is not None
            for raw in proc.stdout:
                lines.put(raw)
            lines.put(None)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        output: list[str] = []
        deadline = time.monotonic() + self.timeout + STARTUP_ALLOWANCE
        killed = ""
        with self.lock:
            self.procs.add(proc)
        while True:
            if self.stop.is_set():
                killed = "已中止"
                _kill_group(proc)
                break
            try:
                raw = lines.get(timeout=max(0.05, min(0.5, deadline - time.monotonic())))
            except queue.Empty:
                if time.monotonic() >= deadline:
                    killed = f"LibreOffice 超过 {self.timeout:g} 秒没有完成，已终止"
                    _kill_group(proc)
                    break
                continue
            if raw is None:
                break
            line = raw.decode("utf-8", "replace").rstrip()
            output.append(line)
            match = re.match(r"convert (.*?) -> ", line)
            if match:
                index = staged.get(Path(match.group(1)).stem)
                deadline = time.monotonic() + self.timeout
                if index is not None:
                    self._tick(index)
        try:
            code = proc.wait(timeout=max(5.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            code = proc.wait()
            killed = killed or f"LibreOffice 超过 {self.timeout:g} 秒没有退出，已终止"
        reader.join(timeout=5)
        with self.lock:
            self.procs.discard(proc)
        if killed:
            return False, killed
        if code != 0:
            tail = "；".join(line for line in output[-3:] if line and not line.startswith("convert "))
            return False, f"LibreOffice 异常退出（退出码 {code}）" + (f"：{tail}" if tail else "")
        errors = [line for line in output if line.lower().startswith("error")]
        return True, ("；".join(errors[-2:]) if errors else "LibreOffice 未生成 PDF")


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL to the group this call started (guard → soffice/oosplash → soffice.bin), and wait until it is gone.

    The guard is reaped here; LibreOffice's processes, its grandchildren, by init: a few moments at most.
    """
    procs.kill_group(proc.pid)
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        proc.poll()
        try:
            os.killpg(proc.pid, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.01)


def convert(
    jobs: list[Job],
    workers: int | None = None,
    timeout: float = 120.0,
    pdfa: bool = True,
    progress: Callable[[int, int], None] | None = None,
    soffice: str | None = None,
    batch_size: int | None = None,
    workdir: str | None = None,
) -> ConvertResult:
    """Convert every job's .docx to its target PDF (PDF/A-2b unless `pdfa` is false).

    `workers` LibreOffice processes in parallel (default: the CPU count); documents are split into
    batches of at most `batch_size` (default: an even share per worker, at most 200). `timeout`:
    seconds a document may take. Never raises for a document that fails (see `ConvertResult.failed`);
    raises `ToolMissing` when LibreOffice is not installed.
    """
    exe = soffice or find_tool("soffice", "libreoffice")
    result = ConvertResult()
    if not jobs:
        return result
    workers = max(1, workers or os.cpu_count() or 1)
    converter = _Converter(list(jobs), workers, timeout, exe, pdfa, progress, batch_size)
    with tempfile.TemporaryDirectory(prefix="huanjie-pdf-", dir=workdir) as root:
        try:
            return converter.run(root)
        except BaseException:
            # Ctrl-C, SIGTERM (as KeyboardInterrupt) or an error: no LibreOffice outlives the call.
            converter.abort()
            raise


# --------------------------------------------------------------------------------------------
# Inspection
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FontInfo:
    name: str  # as in the PDF, subset tag included: BAAAAA+NotoSerifCJKjp-Regular
    type: str
    embedded: bool
    subset: bool

    @property
    def family(self) -> str:
        """The name without the subset tag."""
        return re.sub(r"^[A-Z]{6}\+", "", self.name)


def pdf_fonts(path: str | os.PathLike) -> list[FontInfo]:
    """The fonts of a PDF as pdffonts lists them."""
    exe = find_tool("pdffonts")
    out = subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise ValueError(out.stderr.strip() or f"pdffonts 无法读取 {path}")
    fonts = []
    for line in out.stdout.splitlines()[2:]:
        cols = line.split()
        if len(cols) < 7:
            continue
        fonts.append(
            FontInfo(name=cols[0], type=" ".join(cols[1:-6]), embedded=cols[-5] == "yes", subset=cols[-4] == "yes")
        )
    return fonts


def pdf_version(data: bytes) -> str:
    match = re.match(rb"%PDF-(\d\.\d)", data[:16])
    return match.group(1).decode() if match else ""


# Bounded parsing: every scan below is linear in the size of the PDF, whatever it holds.
PDFINFO_LIMIT = 64 << 20  # kept for old callers: no PDF is written to a temp file any more
XMP_LIMIT = 4 << 20  # bytes an XMP packet may inflate to (LibreOffice writes a few KB)
_XMP_OPEN, _XMP_CLOSE = b"<x:xmpmeta", b"</x:xmpmeta>"


def pdf_pages(path: str | os.PathLike | None, data: bytes | None = None, fallback: bool = True) -> int | None:
    """Page count, read with pikepdf (qpdf) from the page tree; None when the PDF cannot be opened.

    `fallback` is kept for old callers and ignored: no external program is run (pdfinfo's time on crafted input
    grew faster than its size), and bytes given without a file are never written to a temp file.
    """
    if data is None:
        if path is None:
            raise ValueError("pdf_pages needs the path or the data of the PDF")
        data = Path(path).read_bytes()
    return inspect_pdf(data).pages


PDFAID = "http://www.aiim.org/pdfa/ns/id/"


def _packets_in(data: bytes) -> list[bytes]:
    """The ``<x:xmpmeta …>…</x:xmpmeta>`` packets of `data`, found in one linear scan (no regex backtracking)."""
    packets: list[bytes] = []
    pos = 0
    while True:
        begin = data.find(_XMP_OPEN, pos)
        if begin < 0:
            return packets
        after = data[begin + len(_XMP_OPEN) : begin + len(_XMP_OPEN) + 1]
        if after.isalnum() or after == b"_":  # the regex's \b: <x:xmpmetaX is another tag
            pos = begin + len(_XMP_OPEN)
            continue
        end = data.find(_XMP_CLOSE, begin)
        if end < 0:
            return packets  # no closing tag after this opening, so none after any later one
        pos = end + len(_XMP_CLOSE)
        if pos - begin <= XMP_LIMIT:
            packets.append(data[begin:pos])


def _inflate(stream: bytes) -> bytes | None:
    """A FlateDecode stream inflated to at most `XMP_LIMIT` bytes; None when it is broken or inflates further."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(stream, XMP_LIMIT + 1)
    except zlib.error:
        return None
    return None if len(out) > XMP_LIMIT else out


def _claim_of(packets: list[bytes]) -> tuple[str, str] | None:
    for packet in packets:
        try:
            root = ElementTree.fromstring(packet)
        except ElementTree.ParseError:
            continue
        part = conformance = None
        for element in root.iter():
            for key in ("part", "conformance"):
                attr = element.get(f"{{{PDFAID}}}{key}")
                if attr is not None:
                    part, conformance = (attr, conformance) if key == "part" else (part, attr)
            if element.tag == f"{{{PDFAID}}}part":
                part = (element.text or "").strip()
            elif element.tag == f"{{{PDFAID}}}conformance":
                conformance = (element.text or "").strip()
        if part is not None:
            return part, conformance or ""
    return None


def pdfa_claim(data: bytes) -> tuple[str, str] | None:
    """(part, conformance) from the XMP pdfaid entries of the document catalogue's /Metadata, e.g. ("2", "B");
    None without a claim (or when the PDF cannot be opened)."""
    return inspect_pdf(data).claim


# --------------------------------------------------------------------------------------------
# pikepdf: what a PDF holds, and its document properties
# --------------------------------------------------------------------------------------------
FONT_TYPES = {"Type1": "Type 1", "MMType1": "Type 1", "TrueType": "TrueType", "Type0": "CID", "Type3": "Type 3"}
FONT_LIMIT = 10_000  # font dictionaries looked at per PDF (LibreOffice writes a handful)
PROPERTY_KEYS = ("Title", "Author", "Subject", "Keywords", "CreationDate")


@dataclass
class PdfFacts:
    """What pikepdf reads in a PDF: pages, the PDF/A claim, the fonts and their embedding, the Info properties."""

    pages: int | None = None
    claim: tuple[str, str] | None = None
    fonts: list[FontInfo] = field(default_factory=list)
    info: dict[str, str] = field(default_factory=dict)  # Title, Author, Subject, Keywords, CreationDate
    error: str = ""  # why the PDF could not be opened ("" when it could)


def inspect_pdf(data: bytes) -> PdfFacts:
    """Open `data` with pikepdf and read its facts. Bounded: nothing is written to disk; the XMP packet is inflated
    to at most `XMP_LIMIT` bytes (never through qpdf's own decoder, which would inflate a bomb whole); at most
    `FONT_LIMIT` font dictionaries are read."""
    import pikepdf

    facts = PdfFacts()
    try:
        doc = pikepdf.open(io.BytesIO(data))
    except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
        facts.error = "PDF 结构损坏，无法打开" + ("（文件已加密）" if isinstance(exc, pikepdf.PasswordError) else "")
        return facts
    with doc:
        try:
            facts.pages = len(doc.pages)
        except (pikepdf.PdfError, RuntimeError, ValueError):
            facts.pages = None
        facts.claim = _claim_of(_catalogue_xmp(doc))
        facts.fonts = _fonts(doc)
        facts.info = _info(doc)
    return facts


def _catalogue_xmp(doc) -> list[bytes]:
    import pikepdf

    try:
        meta = doc.Root.get("/Metadata")
        if not isinstance(meta, pikepdf.Stream):
            return []
        raw = meta.read_raw_bytes()
        filters = meta.get("/Filter")
    except (pikepdf.PdfError, RuntimeError, ValueError, AttributeError):
        return []
    names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)] if filters else []
    if names == ["/FlateDecode"]:
        inflated = _inflate(raw)
        raw = inflated if inflated is not None else b""
    elif names:
        return []
    return _packets_in(raw)


def _font_info(font) -> FontInfo | None:
    import pikepdf

    if not isinstance(font, pikepdf.Dictionary):
        return None
    base = str(font.get("/BaseFont", "")).lstrip("/")
    subtype = str(font.get("/Subtype", "")).lstrip("/")
    descriptor = font.get("/FontDescriptor")
    if subtype == "Type0":
        descendants = font.get("/DescendantFonts")
        first = descendants[0] if isinstance(descendants, pikepdf.Array) and len(descendants) else None
        descriptor = first.get("/FontDescriptor") if isinstance(first, pikepdf.Dictionary) else None
    if subtype == "Type3":
        embedded = True  # its glyphs are content streams inside the PDF
    else:
        embedded = isinstance(descriptor, pikepdf.Dictionary) and any(
            k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
        )
    return FontInfo(
        name=base or "（无名字体）",
        type=FONT_TYPES.get(subtype, subtype),
        embedded=embedded,
        subset=bool(re.match(r"^[A-Z]{6}\+", base)),
    )


def _fonts(doc) -> list[FontInfo]:
    """Every font of every page and of the forms the pages draw, once each (by object)."""
    import pikepdf

    fonts: list[FontInfo] = []
    seen: set = set()
    looked = 0

    def take(resources) -> None:
        nonlocal looked
        if not isinstance(resources, pikepdf.Dictionary):
            return
        table = resources.get("/Font")
        if isinstance(table, pikepdf.Dictionary):
            for _, font in table.items():
                looked += 1
                if looked > FONT_LIMIT:
                    return
                key = font.objgen if font.is_indirect else id(font)
                if key in seen:
                    continue
                seen.add(key)
                info = _font_info(font)
                if info is not None:
                    fonts.append(info)

    try:
        for page in doc.pages:
            resources = page.obj.get("/Resources")
            take(resources)
            xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
            if isinstance(xobjects, pikepdf.Dictionary):
                for _, xobject in xobjects.items():
                    if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form":
                        take(xobject.get("/Resources"))
            if looked > FONT_LIMIT:
                break
    except (pikepdf.PdfError, RuntimeError, ValueError):
        pass
    return fonts


def _info(doc) -> dict[str, str]:
    import pikepdf

    out: dict[str, str] = {}
    try:
        info = doc.docinfo
        for key in PROPERTY_KEYS:
            value = info.get(f"/{key}")
            if value is not None:
                out[key] = str(value)
    except (pikepdf.PdfError, RuntimeError, ValueError, AttributeError):
        pass
    return out


def pdf_date(date: str) -> str:
    """An Info date (``D:20260318000000``) of an 8-digit date; "" for anything else."""
    return f"D:{date}000000" if re.fullmatch(r"\d{8}", date or "") else ""


def set_properties(path: str, title: str, author: str, subject: str, keywords: str, date: str) -> None:
    """Write the document properties into the PDF at `path`, in its Info dictionary and its XMP alike (PDF/A wants
    both to agree): Title = 题名, Author = 责任者, Subject = 文种, Keywords = 文种 and 档号, CreationDate = 成文日期
    (`date`, 8 digits; left as LibreOffice wrote it when empty). The PDF/A identification is kept."""
    import datetime as dt

    import pikepdf

    with pikepdf.open(path, allow_overwriting_input=True) as doc:
        with doc.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = title
            meta["dc:creator"] = [author]
            meta["dc:description"] = subject
            meta["pdf:Keywords"] = keywords
            if pdf_date(date):
                meta["xmp:CreateDate"] = dt.datetime.strptime(date, "%Y%m%d").isoformat()
        if pdf_date(date):
            doc.docinfo["/CreationDate"] = pdf_date(date)
        doc.save(path)


VERAPDF_TIMEOUT = 600  # seconds for one veraPDF run over a package's PDFs


def verapdf(paths: list[str]) -> tuple[str, dict[str, bool]] | None:
    """veraPDF's verdict (PDF/A-2b profile) on each of `paths`, when ``verapdf`` is on PATH: (its version line,
    path → passed). None when veraPDF is not installed (it is optional: not in Debian or on PyPI). A path veraPDF
    gave no verdict on is absent from the dict."""
    exe = shutil.which("verapdf")
    if exe is None or not paths:
        return None
    try:
        version = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=120).stdout
        run = subprocess.run(
            [exe, "--flavour", "2b", "--format", "text", *paths],
            capture_output=True,
            text=True,
            timeout=VERAPDF_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired):
        return (f"veraPDF（{exe}）未能运行完成", {})
    verdicts: dict[str, bool] = {}
    for line in run.stdout.splitlines():
        word, _, rest = line.strip().partition(" ")
        if word in ("PASS", "FAIL"):
            for path in paths:
                if rest.startswith(path):
                    verdicts[path] = word == "PASS"
    name = next((v.strip() for v in version.splitlines() if v.strip()), "veraPDF")
    return name, verdicts

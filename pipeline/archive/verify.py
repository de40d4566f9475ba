"""huanjie verify: re-hash every file of a package and check its layout, catalogue, PDF/A claims and metadata.

Each check is a small function returning the `Problem`s it found (a file in the package, a Chinese
message), run in a fixed order so that the report reads the same every time.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree import ElementTree

from ..fsutil import os_reason
from . import pdf, sm3
from .errors import PackageUnreadable
from .layout import ALGORITHM_NAMES, CATALOGUE, ITEM_FILE, ITEMS_DIR, MANIFESTS, OTHER_DIR, TAGMANIFESTS, TOP_FILES
from .scans import SCAN_NAME, scan_kind
from .settings import SEP
from .sign import SIGNATURE_FILE, PublicKey, read_statement

__all__ = ["verify_package", "VerifyResult", "Problem"]

ITEM_SUFFIXES = ("pdf", "docx", "xml", "json")
BINARY = (".pdf", ".docx", ".jpg", ".tif")  # never kept in memory after hashing; read up to DOCUMENT_LIMIT
ITEM_LISTS = frozenset({"电子属性", "机构人员实体", "业务实体"})  # elements of an item's XML that repeat


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a package."""

    path: str  # the file in the package ("" for the package as a whole)
    message: str  # Chinese

    def line(self) -> str:
        return f"{self.path}：{self.message}" if self.path else self.message


@dataclass
class VerifyResult:
    """What `verify_package` found: counts and every problem."""

    package: str
    files: int = 0
    items: int = 0
    problems: list[Problem] = field(default_factory=list)
    signed: bool = False  # the package has 签名.json
    signer: str = ""  # as the signature file (or, once checked, the public key) names it
    fingerprint: str = ""
    signature_checked: bool = False  # a public key was given and verified the signature
    verapdf: str = ""  # veraPDF's verdict over the PDFs, when veraPDF is installed ("" when it is not)

    @property
    def ok(self) -> bool:
        return not self.problems


_MANIFEST_LINE = re.compile(r"^([0-9a-f]{64})  (\S.*)$")


# The caps of verify: a package is hostile input. Nothing huanjie writes comes near them (a county's largest
# files, its catalogue and manifests, are tens of MB; its PDFs a few MB, each PDF/docx member deflated ~1:1).
MEMBER_LIMIT = 1 << 30  # bytes one member may inflate to: hashing a bigger one is refused
RATIO_LIMIT = 100  # inflated : compressed, for members inflating beyond RATIO_FLOOR
RATIO_FLOOR = 16 << 20  # a small member may compress as well as it likes
DOCUMENT_LIMIT = 64 << 20  # a PDF or .docx read into memory to look inside it
TEXT_LIMIT = 256 << 20  # a manifest, catalogue or metadata file read into memory
_MiB = 1 << 20


def _mb(size: int) -> str:
    return f"{size / _MiB:.0f} MB" if size >= _MiB else f"{size} 字节"


def _refusal(info: zipfile.ZipInfo) -> str | None:
    """Why a member is not even opened (its central-directory sizes break a cap), or None."""
    if info.file_size > MEMBER_LIMIT:
        return f"解压后有 {_mb(info.file_size)}，超过单个文件 {_mb(MEMBER_LIMIT)} 的上限，未读取（疑似“zip 炸弹”）"
    if info.file_size > RATIO_FLOOR and info.file_size > RATIO_LIMIT * max(info.compress_size, 1):
        return (
            f"压缩比过高：压缩后 {_mb(info.compress_size)}，解压后 {_mb(info.file_size)}，超过 {RATIO_LIMIT}:1 的上限，"
            "未读取（疑似“zip 炸弹”）"
        )
    return None


class _TooLarge(Exception):
    """A member is bigger than what may be read of it."""


@dataclass
class _Member:
    """One file of a package: its "/"-separated name, size (as the zip's directory or the folder says), packed size."""

    name: str
    size: int
    packed: int
    info: zipfile.ZipInfo | None = None  # a zip member
    path: str = ""  # a file of a folder package


class _Reader:
    """The package's files: every digest computed in one streamed pass, the bytes of small files kept.

    Nothing is read beyond the caps above: a member that would inflate past `MEMBER_LIMIT` or `RATIO_LIMIT` is
    never opened (and the stream is cut at the same point should the sizes lie), and `get` holds a member in
    memory only up to `DOCUMENT_LIMIT` (PDF, .docx) or `TEXT_LIMIT` (everything else).
    """

    KEEP = 4 << 20

    def __init__(self, opener: Callable[[Any], IO[bytes]]):
        self.opener = opener  # zip member or file → a binary stream
        self.digests: dict[str, dict[str, str]] = {}
        self.sizes: dict[str, int] = {}
        self.cache: dict[str, bytes] = {}
        self.members: dict[str, _Member] = {}

    def _open(self, member: _Member) -> IO[bytes]:
        return self.opener(member.info if member.info is not None else member.path)

    def scan(self, member: _Member) -> None:
        hashers = {"sha256": hashlib.sha256(), "sm3": sm3.new()}
        size = 0
        limit = min(MEMBER_LIMIT, max(RATIO_FLOOR, RATIO_LIMIT * max(member.packed, 1)))
        keep = member.size <= self.KEEP and not member.name.endswith(BINARY)
        parts = []
        with self._open(member) as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                size += len(chunk)
                if size > limit:  # the central directory lied about the size (or a folder's file grew)
                    raise _TooLarge(f"解压后超过 {_mb(limit)}（超过大小或压缩比的上限），未读完（疑似“zip 炸弹”）")
                for h in hashers.values():
                    h.update(chunk)
                if keep:
                    parts.append(chunk)
        self.digests[member.name] = {k: h.hexdigest() for k, h in hashers.items()}
        self.sizes[member.name] = size
        self.members[member.name] = member
        if keep:
            self.cache[member.name] = b"".join(parts)

    def __contains__(self, name: object) -> bool:
        return name in self.digests

    def limit(self, name: str) -> int:
        return DOCUMENT_LIMIT if name.endswith(BINARY) else TEXT_LIMIT

    def fits(self, name: str) -> bool:
        """Whether `name` may be read into memory."""
        return self.sizes[name] <= self.limit(name)

    def too_large(self, name: str) -> Problem:
        return Problem(name, f"有 {_mb(self.sizes[name])}，超过可检查内容的 {_mb(self.limit(name))} 上限，未检查其内容")

    def get(self, name: str) -> bytes:
        if name in self.cache:
            return self.cache[name]
        if not self.fits(name):
            raise _TooLarge(self.too_large(name).message)
        with self._open(self.members[name]) as handle:
            return handle.read(self.limit(name) + 1)


def _open_no_follow(path: str) -> IO[bytes]:
    """A folder package's file, never through a symbolic link (O_NOFOLLOW), never blocking on a FIFO."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "不是普通文件")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class _FolderReader(_Reader):
    """A folder package: its regular files, walked without following links; links and special files are problems."""

    def __init__(self, root: str):
        super().__init__(_open_no_follow)
        self.root = root
        self.found: list[Problem] = []

    def walk(self) -> list[_Member]:
        members = []
        for folder, dirs, files in os.walk(self.root, followlinks=False):
            rel_folder = os.path.relpath(folder, self.root)
            for name in sorted(dirs + files):
                path = os.path.join(folder, name)
                rel = name if rel_folder == "." else f"{rel_folder.replace(os.sep, '/')}/{name}"
                try:
                    info = os.lstat(path)
                except OSError as exc:
                    self.found.append(Problem(rel, f"无法读取（{os_reason(exc)}）"))
                    continue
                if stat.S_ISLNK(info.st_mode):
                    self.found.append(Problem(rel, _link_message(path)))
                    if name in dirs:
                        dirs.remove(name)
                elif stat.S_ISDIR(info.st_mode):
                    continue
                elif not stat.S_ISREG(info.st_mode):
                    self.found.append(
                        Problem(rel, "不是普通文件（是命名管道、设备或套接字），数据包中不得有这类文件；未读取")
                    )
                elif "\\" in name:
                    self.found.append(Problem(rel, "文件名中有反斜杠“\\”，在 Windows 上无法还原；未读取"))
                else:
                    members.append(_Member(rel, info.st_size, info.st_size, path=path))
        members.sort(key=lambda m: m.name)
        return members


def _link_message(path: str) -> str:
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    return f"是符号链接（指向 {target}），数据包中不得有符号链接（移交时可能丢失或指向包外的文件）；未跟随、未读取"


@dataclass
class _Item:
    """The files of one 件 found in the package: 档号, its folder, suffix → path."""

    dh: str
    folder: str
    files: dict[str, str] = field(default_factory=dict)


def verify_package(
    path: str, progress: Callable[[int, int], None] | None = None, key: PublicKey | None = None
) -> VerifyResult:
    """Re-hash every file of the package (a folder or a zip) and check its layout, PDF/A and metadata.

    Raises `PackageUnreadable` when `path` is neither a folder nor a readable zip; every other problem is a
    `Problem` (file, Chinese message) in the result. Large files are streamed, not held in memory; nothing is
    extracted or written outside a temporary folder. `key`: the signer's public key; the signature of a signed
    package is then checked (without it only its agreement with the manifests).
    """
    result = VerifyResult(package=path)
    try:
        kind = os.stat(path).st_mode
    except FileNotFoundError:
        raise PackageUnreadable(f"找不到数据包 {path}。") from None
    except OSError as exc:
        raise PackageUnreadable(f"无法读取数据包 {path}（{os_reason(exc)}）。") from None
    if stat.S_ISDIR(kind):
        files = _FolderReader(path)
        _verify(files, files.walk(), [], result, progress, key=key)
        return result
    if not stat.S_ISREG(kind):  # a FIFO or a device: opening it could block forever
        raise PackageUnreadable(f"{path} 不是普通文件（是命名管道、设备或套接字），也不是文件夹，不是数据包，未读取。")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PackageUnreadable(_unreadable_zip(path, exc)) from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        found, unsafe = _check_entries(infos)  # before anything is hashed: a repeated entry is read at most once
        members = [_Member(i.filename, i.file_size, i.compress_size, info=i) for i in infos]
        safe = [m for m in members if id(m.info) not in unsafe]
        _verify(_Reader(archive.open), members, found, result, progress, safe, key)
    return result


def _unreadable_zip(path: str, exc: Exception) -> str:
    """The Chinese message for a file that zipfile cannot open: truncated, not a zip, or unreadable."""
    if isinstance(exc, OSError) and exc.errno:
        return f"无法读取数据包 {path}：{os_reason(exc)}。"
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 65557))
            tail = handle.read()
    except OSError:
        head, tail = b"", b""
    if head == b"PK\x03\x04" and _truncated(tail):
        return (
            f"数据包 {path} 不完整：zip 文件末尾的文件目录缺失（{_mb(size)}，文件被截断，可能复制或下载没有完成）；"
            "请重新复制完整的数据包后再校验。"
        )
    if head == b"PK\x03\x04":
        return f"数据包 {path} 已损坏：zip 文件末尾的文件目录无法读取；请重新复制数据包后再校验。"
    return f"无法读取数据包 {path}：不是有效的 zip 文件（文件内容不是 zip 格式，可能已损坏或误选了其他文件）。"


def _truncated(tail: bytes) -> bool:
    """Whether the last 64 KiB of a zip show it cut short: no end-of-directory record, or one cut short itself."""
    at = tail.rfind(b"PK\x05\x06")
    return at < 0 or len(tail) - at < 22


def _verify(
    files: _Reader,
    members: list[_Member],
    found: list[Problem],
    result: VerifyResult,
    progress: Callable[[int, int], None] | None,
    readable: list[_Member] | None = None,
    key: PublicKey | None = None,
) -> None:
    names = [m.name for m in members]
    result.files = len(names)
    problems = result.problems
    problems += found
    problems += _read_all(files, members if readable is None else readable, progress)
    problems += _check_top_files(names)
    problems += _check_manifests(files, names)
    problems += _check_tag_manifests(files)
    problems += _check_signature(files, key, result)
    items, layout_problems = _find_items(names)
    problems += layout_problems
    result.items = len(items)
    catalogue, catalogue_problems = _read_catalogue(files)
    problems += catalogue_problems
    problems += _check_catalogue(catalogue, items)
    by_dh = {str(e.get("档号", "")): e for e in catalogue}
    for dh in sorted(items):
        problems += _verify_item(items[dh], files, by_dh.get(dh))
    problems += _run_verapdf(
        files, sorted(f for it in items.values() for s, f in it.files.items() if s == "pdf"), result
    )


def _run_verapdf(files: _Reader, pdfs: list[str], result: VerifyResult) -> list[Problem]:
    """veraPDF over every item PDF, when it is installed: the PDFs of a zip are copied into a temporary folder
    (removed afterwards); a folder package's are checked where they are."""
    if not pdfs or shutil.which("verapdf") is None:
        return []
    readable = [name for name in pdfs if name in files and files.fits(name)]
    with tempfile.TemporaryDirectory(prefix="huanjie-verapdf-") as temp:
        paths = {}
        for n, name in enumerate(readable):
            member = files.members[name]
            if member.path:
                paths[name] = member.path
            else:
                paths[name] = os.path.join(temp, f"{n:06d}.pdf")
                with open(paths[name], "wb") as out:
                    out.write(files.get(name))
        verdict = pdf.verapdf(list(paths.values()))
    if verdict is None:
        return []
    version, passed = verdict
    good = sum(1 for name in readable if passed.get(paths[name]) is True)
    result.verapdf = f"{version}：{len(readable)} 件 PDF 中 {good} 件符合 PDF/A-2b"
    problems = []
    for name in readable:
        state = passed.get(paths[name])
        if state is False:
            problems.append(Problem(name, "veraPDF 检验不符合 PDF/A-2b"))
        elif state is None:
            problems.append(Problem(name, "veraPDF 没有给出检验结论"))
    return problems


# --------------------------------------------------------------------------------------------
# The zip entries and the manifests
# --------------------------------------------------------------------------------------------
def _check_entries(infos: list[zipfile.ZipInfo]) -> tuple[list[Problem], set[int]]:
    """Each name once, its own bytes, a safe relative path, nothing encrypted; and the entries never to read.

    A repeated name is reported once per repetition and only its first entry is read; an entry whose data
    starts inside another's (central-directory records pointing at one deflated member: each would be
    inflated and hashed again) is reported and not read; nor is one whose sizes break the caps.
    """
    problems = []
    unsafe: set[int] = set()
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        if name in seen:
            problems.append(Problem(name, "在数据包中出现了不止一次"))
            unsafe.add(id(info))
        seen.add(name)
        unsafe_path = _unsafe_path(name)
        if unsafe_path:
            problems.append(Problem(name, unsafe_path))
        if info.flag_bits & 0x1:
            problems.append(Problem(name, "文件被加密；归档数据包不得加密"))
        refusal = _refusal(info)
        if refusal is not None:
            problems.append(Problem(name, refusal))
            unsafe.add(id(info))
    problems += _overlaps([i for i in infos if id(i) not in unsafe], unsafe)
    return problems, unsafe


def _unsafe_path(name: str) -> str:
    """Why a member name could write outside the folder it is extracted into ("" when it is safe)."""
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "路径不安全：是绝对路径，解压时会写到数据包文件夹以外的地方（数据包被篡改）"
    if ".." in name.replace("\\", "/").split("/"):
        return "路径不安全：含“..”，解压时会写到数据包文件夹以外的地方（数据包被篡改）"
    if "\\" in name:
        return "路径不安全：含反斜杠“\\”，在 Windows 上会被当作文件夹分隔符"
    return ""


def _overlaps(infos: list[zipfile.ZipInfo], unsafe: set[int]) -> list[Problem]:
    """Entries whose data begins inside the data of the entry before them in the file (added to `unsafe`)."""
    problems = []
    end, owner = -1, ""
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset < end:
            problems.append(Problem(info.filename, f"与 {owner} 共用数据包中的同一段数据（数据包被篡改），未读取"))
            unsafe.add(id(info))
            continue
        end = info.header_offset + 30 + info.compress_size  # the least a local header and its data take
        owner = info.filename
    return problems


def _read_all(files: _Reader, members: list[_Member], progress: Callable[[int, int], None] | None) -> list[Problem]:
    """Stream every file once (digests, sizes); a file that cannot be read is a problem."""
    problems = []
    if isinstance(files, _FolderReader):
        problems += files.found
    for done, member in enumerate(members, 1):
        try:
            if member.info is None and member.size > MEMBER_LIMIT:
                raise _TooLarge(f"有 {_mb(member.size)}，超过单个文件 {_mb(MEMBER_LIMIT)} 的上限，未读取")
            files.scan(member)
        except _TooLarge as exc:
            problems.append(Problem(member.name, str(exc)))
        except OSError as exc:
            if member.info is None:
                problems.append(Problem(member.name, f"无法读取（{os_reason(exc) if exc.errno else exc}）"))
            else:
                problems.append(Problem(member.name, f"无法读出（zip 数据损坏：{exc}）"))
        except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError) as exc:
            problems.append(Problem(member.name, f"无法读出（zip 数据损坏：{exc}）"))
        if progress is not None:
            progress(done, len(members))
    return problems


def _check_top_files(names: list[str]) -> list[Problem]:
    present = set(names)
    return [Problem(name, "缺少这个文件（数据包结构不完整）") for name in TOP_FILES if name not in present]


def _parse_manifest(text: str, name: str) -> tuple[dict[str, str], list[Problem]]:
    """path → digest of a manifest's "<hex>  <path>" lines, and its malformed or repeated lines."""
    out: dict[str, str] = {}
    problems = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _MANIFEST_LINE.match(line)
        if not match:
            problems.append(Problem(name, f"第 {n} 行格式不对（应为“64 位十六进制摘要、两个空格、路径”）：{line[:80]}"))
            continue
        if match.group(2) in out:
            problems.append(Problem(name, f"第 {n} 行重复列出 {match.group(2)}"))
        out[match.group(2)] = match.group(1)
    return out, problems


def _check_manifests(files: _Reader, names: list[str]) -> list[Problem]:
    """Both manifests read first, then every file against each: listed, same digest, present."""
    problems = []
    manifests: dict[str, dict[str, str]] = {}
    for algorithm, name in MANIFESTS.items():
        if name in files:
            if not files.fits(name):
                problems.append(files.too_large(name))
                continue
            manifests[algorithm], found = _parse_manifest(files.get(name).decode("utf-8", "replace"), name)
            problems += found
    for algorithm, listed in manifests.items():
        problems += _check_manifest(files, names, algorithm, listed)
    return problems


def _check_manifest(files: _Reader, names: list[str], algorithm: str, listed: dict[str, str]) -> list[Problem]:
    problems = []
    name = MANIFESTS[algorithm]
    label = ALGORITHM_NAMES[algorithm]
    own = set(MANIFESTS.values()) | set(TAGMANIFESTS.values()) | {SIGNATURE_FILE}
    for file in names:
        if file in own:
            continue
        if file not in listed:
            problems.append(Problem(file, f"没有列入 {name}（来历不明的文件，或清单被改动）"))
        elif file in files:
            actual = files.digests[file][algorithm]
            if actual != listed[file]:
                problems.append(
                    Problem(
                        file,
                        f"{label} 摘要与 {name} 不符（清单 {listed[file][:16]}…，实际 {actual[:16]}…）：文件已被改动或损坏",
                    )
                )
    present = set(names)
    problems += [Problem(file, f"{name} 中列出了这个文件，但数据包中没有") for file in listed if file not in present]
    return problems


def _check_tag_manifests(files: _Reader) -> list[Problem]:
    """Each tag manifest lists both manifests with their digests."""
    problems = []
    for algorithm, name in TAGMANIFESTS.items():
        if name not in files:
            continue
        if not files.fits(name):
            problems.append(files.too_large(name))
            continue
        listed, found = _parse_manifest(files.get(name).decode("utf-8", "replace"), name)
        problems += found
        for manifest in MANIFESTS.values():
            if manifest not in listed:
                problems.append(Problem(manifest, f"没有列入 {name}"))
            elif manifest in files and files.digests[manifest][algorithm] != listed[manifest]:
                problems.append(Problem(manifest, f"{ALGORITHM_NAMES[algorithm]} 摘要与 {name} 不符：清单文件已被改动"))
    return problems


def _check_signature(files: _Reader, key: PublicKey | None, result: VerifyResult) -> list[Problem]:
    """签名.json: it covers exactly the four manifests as they are now, and (with `key`) its signature verifies."""
    if SIGNATURE_FILE not in files:
        if key is not None:
            return [Problem("", f"数据包未签名（没有 {SIGNATURE_FILE}），无法用“{key.signer}”的公钥核对其来源")]
        return []
    result.signed = True
    if not files.fits(SIGNATURE_FILE):
        return [files.too_large(SIGNATURE_FILE)]
    try:
        statement = read_statement(files.get(SIGNATURE_FILE))
    except ValueError as exc:
        return [Problem(SIGNATURE_FILE, f"无法读取签名（{exc}）")]
    result.signer, result.fingerprint = statement.signer, statement.fingerprint
    problems = []
    covered = [*MANIFESTS.values(), *TAGMANIFESTS.values()]
    for name in covered:
        listed = statement.digests.get(name)
        if listed is None:
            problems.append(Problem(SIGNATURE_FILE, f"签名没有覆盖 {name}"))
        elif name in files and (
            listed.get("SHA-256") != files.digests[name]["sha256"] or listed.get("SM3") != files.digests[name]["sm3"]
        ):
            problems.append(Problem(name, f"与 {SIGNATURE_FILE} 中签名时的摘要不符：清单在签名之后被改动过"))
    for name in sorted(set(statement.digests) - set(covered)):
        problems.append(Problem(SIGNATURE_FILE, f"签名覆盖了不属于数据包清单的 {name}"))
    if key is not None:
        why = statement.check(key)
        if why:
            problems.append(Problem(SIGNATURE_FILE, why))
        else:
            result.signature_checked = True
            result.signer = key.signer
    return problems


# --------------------------------------------------------------------------------------------
# Layout and catalogue
# --------------------------------------------------------------------------------------------
def _find_items(names: list[str]) -> tuple[dict[str, _Item], list[Problem]]:
    """The 件 of the package by 档号, and the files that are neither an item's nor under 其他/."""
    items: dict[str, _Item] = {}
    problems = []
    for file in names:
        if file in TOP_FILES or file == SIGNATURE_FILE or file.startswith(f"{OTHER_DIR}/"):
            continue
        match = ITEM_FILE.match(file)
        if not match:
            problems.append(
                Problem(file, f"不在规定的位置（应在 {ITEMS_DIR}/<年度>/<保管期限>/<档号>/ 或 {OTHER_DIR}/ 下）")
            )
            continue
        _, _, dh, base = match.groups()
        stem, _, suffix = base.rpartition(".")
        scan = SCAN_NAME.match(base)
        if scan is not None and scan.group(1) == dh:
            suffix = base[len(dh) + 1 :]  # 扫描01.jpg
        elif stem != dh or suffix not in ITEM_SUFFIXES:
            problems.append(
                Problem(
                    file, f"文件名应为 {dh}.pdf、{dh}.docx、{dh}.xml、{dh}.json 或扫描件 {dh}-扫描01.jpg（.pdf、.tif）"
                )
            )
            continue
        item = items.setdefault(dh, _Item(dh, file.rsplit("/", 1)[0]))
        item.files[suffix] = file
        item.folder = file.rsplit("/", 1)[0]
    return items, problems


def _read_catalogue(files: _Reader) -> tuple[list[dict], list[Problem]]:
    """The entries of 文件目录.json, and whether 文件目录.xml says the same."""
    catalogue: list[dict] = []
    problems = []
    for name in (f"{CATALOGUE}.json", f"{CATALOGUE}.xml"):
        if name in files and not files.fits(name):
            return catalogue, [files.too_large(name)]
    if f"{CATALOGUE}.json" in files:
        try:
            catalogue = json.loads(files.get(f"{CATALOGUE}.json").decode("utf-8"))["文件"]
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(Problem(f"{CATALOGUE}.json", f"无法读取（{exc}）"))
    if f"{CATALOGUE}.xml" in files:
        try:
            root = ElementTree.fromstring(files.get(f"{CATALOGUE}.xml"))
            xml_entries = [_xml_to_data(e, frozenset()) for e in root.findall("文件")]
            if [_stringify(e) for e in catalogue] != xml_entries:
                problems.append(Problem(f"{CATALOGUE}.xml", f"与 {CATALOGUE}.json 的内容不一致"))
        except ElementTree.ParseError as exc:
            problems.append(Problem(f"{CATALOGUE}.xml", f"不是有效的 XML（{exc}）"))
    return catalogue, problems


def _check_catalogue(catalogue: list[dict], items: dict[str, _Item]) -> list[Problem]:
    """Entries numbered 1, 2, …, one per item folder, every item listed."""
    problems = []
    listed = []
    for n, entry in enumerate(catalogue, 1):
        dh = str(entry.get("档号", ""))
        listed.append(dh)
        if entry.get("顺序号") != n:
            problems.append(Problem(f"{CATALOGUE}.json", f"第 {n} 条的顺序号是 {entry.get('顺序号')}，应为 {n}"))
        if dh not in items:
            problems.append(Problem(f"{CATALOGUE}.json", f"第 {n} 条（档号 {dh}）在 {ITEMS_DIR}/ 中没有对应的文件夹"))
    for dh in sorted(set(items) - set(listed)):
        problems.append(Problem(items[dh].folder + "/", f"档号 {dh} 没有列入{CATALOGUE}"))
    return problems


def _xml_to_data(element: ElementTree.Element, lists: frozenset[str]) -> dict:
    data: dict[str, Any] = {}
    for child in element:
        value: Any = _xml_to_data(child, lists) if len(child) else (child.text or "")
        if child.tag in lists:
            data.setdefault(child.tag, []).append(value)
        else:
            data[child.tag] = value
    return data


def _stringify(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stringify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify(v) for v in value]
    return "" if value is None else str(value)


# --------------------------------------------------------------------------------------------
# One 件
# --------------------------------------------------------------------------------------------
def _verify_item(item: _Item, blobs: _Reader, entry: dict | None) -> list[Problem]:
    """Its four files, each readable as what it claims to be, and its metadata against them and the catalogue."""
    problems = _check_item_files(item)
    meta, found = _read_metadata(item, blobs)
    problems += found
    problems += _check_item_xml(item, blobs, meta)
    facts, found = _check_pdf(item.files.get("pdf"), blobs)
    problems += found
    pages = facts.pages if facts is not None else None
    problems += _check_docx(item.files.get("docx"), blobs)
    if meta is None:
        return problems
    where = item.files["json"]
    try:
        code, content, form, electronic = meta["档号"], meta["内容描述"], meta["形式特征"], meta["电子属性"]
    except (KeyError, TypeError):
        return problems + [Problem(where, "缺少 DA/T 46 元素（档号、内容描述、形式特征、电子属性）")]
    problems += _check_code(item, code, where)
    problems += _check_content(content, where)
    if pages is not None and form.get("页数") != pages:
        problems.append(Problem(where, f"页数为 {form.get('页数')}，而 {item.dh}.pdf 有 {pages} 页"))
    problems += _check_electronic(item, blobs, electronic, where)
    if facts is not None and "业务实体" in meta:  # made by this version: the PDF carries the catalogue's properties
        problems += _check_properties(item, facts, content, code)
    if entry is not None:
        problems += _check_entry(item, entry, content, form)
    return problems


def _check_item_files(item: _Item) -> list[Problem]:
    return [
        Problem(f"{item.folder}/{item.dh}.{suffix}", "缺少这个文件（每件应有 PDF、原始 .docx、XML 和 JSON 元数据）")
        for suffix in ITEM_SUFFIXES
        if suffix not in item.files
    ]


def _read_metadata(item: _Item, blobs: _Reader) -> tuple[dict | None, list[Problem]]:
    path = item.files.get("json")
    if path is None or path not in blobs:
        return None, []
    if not blobs.fits(path):
        return None, [blobs.too_large(path)]
    try:
        return json.loads(blobs.get(path).decode("utf-8")), []
    except ValueError as exc:
        return None, [Problem(path, f"不是有效的 JSON（{exc}）")]


def _check_item_xml(item: _Item, blobs: _Reader, meta: dict | None) -> list[Problem]:
    """<档号>.xml: valid, the same metadata as the JSON, the 档号 on its root."""
    path = item.files.get("xml")
    if path is None or path not in blobs:
        return []
    if not blobs.fits(path):
        return [blobs.too_large(path)]
    problems = []
    try:
        root = ElementTree.fromstring(blobs.get(path))
        if meta is not None and _xml_to_data(root, ITEM_LISTS) != _stringify(meta):
            problems.append(Problem(path, f"与 {item.dh}.json 的元数据不一致"))
        if root.get("档号") != item.dh:
            problems.append(Problem(path, f"根元素的档号为 {root.get('档号')}，应为 {item.dh}"))
    except ElementTree.ParseError as exc:
        problems.append(Problem(path, f"不是有效的 XML（{exc}）"))
    return problems


def _check_pdf(path: str | None, blobs: _Reader) -> tuple[pdf.PdfFacts | None, list[Problem]]:
    """A complete PDF that pikepdf opens, with a PDF/A-2b identification and every font embedded; its facts."""
    if path is None or path not in blobs:
        return None, []
    if not blobs.fits(path):
        return None, [blobs.too_large(path)]
    data = blobs.get(path)
    problems = []
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        problems.append(Problem(path, "不是完整的 PDF 文件"))
    facts = pdf.inspect_pdf(data)
    if facts.error:
        return None, problems + [Problem(path, f"{facts.error}（无法读取页数、PDF/A 标识和字体）")]
    claim = facts.claim
    if claim is None:
        problems.append(Problem(path, "XMP 元数据中没有 PDF/A 标识（pdfaid:part、pdfaid:conformance）"))
    elif claim != ("2", "B"):
        problems.append(
            Problem(
                path,
                f"PDF/A 标识为 part={claim[0]}、conformance={claim[1]}，应为 PDF/A-2b（part=2、conformance=B）",
            )
        )
    if facts.pages is None:
        problems.append(Problem(path, "无法读取页数"))
    missing = sorted({f.family for f in facts.fonts if not f.embedded})
    if missing:
        problems.append(Problem(path, f"有字体未嵌入：{'、'.join(missing)}（PDF/A 要求嵌入全部字体）"))
    return facts, problems


def _check_properties(item: _Item, facts: pdf.PdfFacts, content: dict, code: dict) -> list[Problem]:
    """The PDF's document properties say what the catalogue says: Title 题名, Author 责任者, Subject 文种,
    Keywords 档号, CreationDate 成文日期 (packages of this version on; older ones wrote "huanjie" and a generic title)."""
    expected = {
        "Title": content.get("题名", ""),
        "Author": content.get("责任者", ""),
        "Subject": content.get("文种", ""),
        "Keywords": code.get("档号", ""),
    }
    if pdf.pdf_date(str(content.get("日期", ""))):
        expected["CreationDate"] = pdf.pdf_date(str(content["日期"]))
    labels = {"Title": "题名", "Author": "责任者", "Subject": "文种", "Keywords": "档号", "CreationDate": "成文日期"}
    path = item.files["pdf"]
    return [
        Problem(path, f"文档属性 {key} 为“{facts.info.get(key, '')}”，应为{labels[key]}“{value}”")
        for key, value in expected.items()
        if facts.info.get(key, "") != value
    ]


def _check_docx(path: str | None, blobs: _Reader) -> list[Problem]:
    if path is None or path not in blobs:
        return []
    if not blobs.fits(path):
        return [blobs.too_large(path)]
    try:
        with zipfile.ZipFile(io.BytesIO(blobs.get(path))) as docx:
            docx.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError):
        return [Problem(path, "不是有效的 Word 文档（.docx）")]
    return []


def _check_code(item: _Item, code: dict, where: str) -> list[Problem]:
    """The 档号 element: the folder's 档号, year and retention, and its parts joined make the 档号."""
    dh = item.dh
    year, retention = item.folder.split("/")[1:3]
    problems = []
    if code.get("档号") != dh:
        problems.append(Problem(where, f"档号为 {code.get('档号')}，与文件夹 {dh} 不符"))
    if str(code.get("年度")) != year or code.get("保管期限") != retention:
        problems.append(
            Problem(
                where, f"年度 {code.get('年度')}、保管期限 {code.get('保管期限')} 与所在文件夹 {year}/{retention} 不符"
            )
        )
    parts = [
        code.get("全宗号"),
        f"{code.get('门类代码')}{SEP}{code.get('年度')}",
        code.get("保管期限"),
        code.get("机构或问题"),
        code.get("件号"),
    ]
    expected = "-".join(p for p in parts if p)
    if expected != dh:
        problems.append(Problem(where, f"档号各项（{expected}）与档号 {dh} 不符"))
    return problems


def _check_content(content: dict, where: str) -> list[Problem]:
    problems = [
        Problem(where, f"缺少元素“{element}”")
        for element in ("题名", "责任者", "日期", "文种")
        if not content.get(element)
    ]
    if content.get("日期") and not re.fullmatch(r"\d{8}", str(content["日期"])):
        problems.append(Problem(where, f"日期“{content['日期']}”应为 8 位数字，如 20260418"))
    return problems


def _check_electronic(item: _Item, blobs: _Reader, electronic: Any, where: str) -> list[Problem]:
    """电子属性: one row for the PDF and one for the .docx, with their sizes and digests; no other row."""
    dh = item.dh
    described = {}
    for row in electronic if isinstance(electronic, list) else []:
        described[row.get("计算机文件名")] = row
    problems = []
    scans = sorted(k for k in item.files if k.startswith("扫描"))
    for suffix in ("pdf", "docx", *scans):
        name = f"{dh}.{suffix}" if suffix in ("pdf", "docx") else f"{dh}-{suffix}"
        row = described.get(name)
        if row is None:
            problems.append(Problem(where, f"电子属性中没有计算机文件名为 {name} 的文件"))
            continue
        path = item.files.get(suffix, "")
        if path in blobs:
            problems += _check_file_row(row, name, path, blobs, where)
    for suffix in scans:
        problems += _check_scan(item.files[suffix], blobs)
    for name in described:
        if name not in (f"{dh}.pdf", f"{dh}.docx", *[f"{dh}-{suffix}" for suffix in scans]):
            problems.append(Problem(where, f"电子属性中的计算机文件名 {name} 在文件夹中没有对应的文件"))
    return problems


def _check_scan(path: str, blobs: _Reader) -> list[Problem]:
    """A scan is what its name says: a PDF, JPEG or TIFF by its first bytes."""
    if path not in blobs or not blobs.fits(path):
        return [] if path not in blobs else [blobs.too_large(path)]
    kind = path.rsplit(".", 1)[-1]
    actual = scan_kind(blobs.get(path)[:8])
    if actual != kind:
        return [Problem(path, f"扫描件的内容不是 {kind.upper()} 格式" + (f"（是 {actual.upper()}）" if actual else ""))]
    return []


def _check_file_row(row: dict, name: str, path: str, blobs: _Reader, where: str) -> list[Problem]:
    problems = []
    size = blobs.sizes[path]
    if row.get("计算机文件大小") != size:
        problems.append(
            Problem(where, f"{name} 的计算机文件大小记为 {row.get('计算机文件大小')} 字节，实际为 {size} 字节")
        )
    if row.get("SHA256") != blobs.digests[path]["sha256"]:
        problems.append(Problem(where, f"{name} 的 SHA256 与文件不符"))
    if row.get("SM3") != blobs.digests[path]["sm3"]:
        problems.append(Problem(where, f"{name} 的 SM3 与文件不符"))
    if not row.get("格式信息") or not row.get("文档创建程序"):
        problems.append(Problem(where, f"{name} 缺少格式信息或文档创建程序"))
    return problems


def _check_entry(item: _Item, entry: dict, content: dict, form: dict) -> list[Problem]:
    """The item's catalogue entry says what its metadata says."""
    dh = item.dh
    pairs = {
        "题名": content.get("题名"),
        "责任者": content.get("责任者"),
        "日期": content.get("日期"),
        "文号": content.get("文件编号", ""),
        "页数": form.get("页数"),
    }
    problems = [
        Problem(f"{CATALOGUE}.json", f"档号 {dh} 的{key}为“{entry.get(key)}”，与元数据“{value}”不符")
        for key, value in pairs.items()
        if entry.get(key) != value
    ]
    if entry.get("电子档案名称") != f"{item.folder}/{dh}.pdf":
        problems.append(Problem(f"{CATALOGUE}.json", f"档号 {dh} 的电子档案名称应为 {item.folder}/{dh}.pdf"))
    return problems

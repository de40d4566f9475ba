"""The workspace behind the page: paths kept inside it, records listed and cached, saves kept in a history."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from .. import check as checking
from .. import records
from ..check import CheckResult
from ..errors import HuanjieError
from ..findings import Finding, Severity
from ..fsutil import make_dirs, write_atomic

HISTORY = ".huanjie-history"
RECORD_SUFFIXES = (".yaml", ".yml")


class OutsideWorkspace(HuanjieError):
    """A path from a request that does not stay inside the workspace (`..`, absolute, a symlink out)."""


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@dataclass
class Loaded:
    """One record file as the page sees it: its bytes and text, and the check of that text."""

    rel: str
    path: str
    raw: bytes
    text: str | None
    result: CheckResult

    @property
    def hash(self) -> str:
        return digest(self.raw)

    @property
    def status(self) -> str:
        """clean | warnings | errors"""
        severities = {f.severity for f in self.result.findings}
        if Severity.ERROR in severities or self.result.record is None:
            return "errors"
        return "warnings" if Severity.WARNING in severities else "clean"

    @property
    def syntax_error(self) -> Finding | None:
        """The finding that keeps the text from being read at all (the raw editor shows it)."""
        if self.result.record is not None:
            return None
        return next((f for f in self.result.findings if f.severity is Severity.ERROR), None)


class Workspace:
    """The folder the server may read and write; nothing outside it is touched."""

    def __init__(self, root: Path):
        self.root = Path(os.path.realpath(root))
        self._cache: dict[str, tuple[int, int, Loaded]] = {}
        self._lock = threading.Lock()
        self._reading: dict[str, threading.Lock] = {}  # one per file: a file being read is not read twice at once
        # The parts of the records' texts read so far: a save re-reads only the part it changed (`records.ParseCache`).
        self.parse_cache = records.ParseCache()

    # -- paths ---------------------------------------------------------------------------------------------------
    def resolve(self, rel: str) -> Path:
        """The real path of `rel` inside the workspace; OutsideWorkspace for anything that would leave it."""
        if not rel or "\x00" in rel or "\\" in rel or rel.startswith("/") or os.path.isabs(rel):
            raise OutsideWorkspace(rel)
        parts = rel.split("/")
        if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
            raise OutsideWorkspace(rel)
        real = Path(os.path.realpath(self.root.joinpath(*parts)))
        if real != self.root and self.root not in real.parents:
            raise OutsideWorkspace(rel)
        return real

    def rel(self, path: Path | str) -> str:
        return Path(path).relative_to(self.root).as_posix()

    def folders(self) -> list[str]:
        """Folders of the workspace holding records (for the batch page), the workspace itself as "."."""
        found = {"."}
        for rel in self.record_files():
            parent = os.path.dirname(rel)
            while parent:
                found.add(parent)
                parent = os.path.dirname(parent)
        return sorted(found)

    def record_files(self) -> list[str]:
        out: list[str] = []
        for top, dirs, names in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(top, d)))
            for name in sorted(names):
                full = os.path.join(top, name)
                if name.endswith(RECORD_SUFFIXES) and not name.startswith(".") and not os.path.islink(full):
                    out.append(self.rel(full))
        return out

    # -- records -------------------------------------------------------------------------------------------------
    def load(self, rel: str) -> Loaded:
        """The record at `rel`, read and checked, from the cache while the file is unchanged."""
        path = self.resolve(rel)
        key = str(path)
        with self._lock:
            reading = self._reading.setdefault(key, threading.Lock())
        with reading:  # a request for a file the warm-up is reading waits for it rather than reading it again
            stat = path.stat()
            with self._lock:
                hit = self._cache.get(key)
            if hit is not None and hit[0] == stat.st_mtime_ns and hit[1] == stat.st_size:
                return hit[2]
            raw = path.read_bytes()
            loaded = self._check(rel, str(path), raw)
            with self._lock:
                self._cache[key] = (stat.st_mtime_ns, stat.st_size, loaded)
            return loaded

    def warm(self) -> None:
        """Read and check every record of the workspace into the cache (`huanjie serve` does it in the background
        as it starts, so the first opening of a 5,000-voter record is not a 0.4 s read). Never raises: a record that
        cannot be read is read again, and its problem shown, when it is opened."""
        for rel in self.record_files():
            try:
                self.load(rel)
            except Exception:  # noqa: BLE001 - the warm-up must not end the server; the page reports it on opening
                continue

    def _check(self, rel: str, path: str, raw: bytes) -> Loaded:
        text, findings = records.decode(raw, rel)
        if text is None:
            return Loaded(rel, path, raw, None, CheckResult(file=rel, record=None, findings=findings))
        if not text.strip():
            record, findings = (
                None,
                [
                    Finding(
                        id="FILE-EMPTY",
                        severity=Severity.ERROR,
                        file=rel,
                        line=1,
                        column=1,
                        message="记录为空：文件中没有任何内容。",
                    )
                ],
            )
        else:
            record, findings = records.parse(text, rel, self.parse_cache)
        if record is None:
            return Loaded(rel, path, raw, text, CheckResult(file=rel, record=None, findings=findings))
        return Loaded(rel, path, raw, text, checking.check_record(record, findings))

    def write(
        self,
        rel: str,
        new_text: str,
        expected_hash: str | None,
        parsed: tuple[records.Record, list[Finding]] | None = None,
    ) -> Loaded:
        """Write the record atomically, the previous version kept in the history; Conflict if it changed meanwhile.

        `parsed`: the new text's Record and loader findings when the caller has them (a save reads its text back).
        """
        path = self.resolve(rel)
        raw = path.read_bytes() if path.exists() else None
        if expected_hash is not None and raw is not None and digest(raw) != expected_hash:
            raise Conflict(rel)
        data = new_text.encode("utf-8")
        if raw is not None:
            self.keep(rel, raw)
        write_atomic(str(path), data, overwrite=raw is not None)
        if parsed is not None:
            loaded = Loaded(rel, str(path), data, new_text, checking.check_record(parsed[0], parsed[1]))
        else:
            loaded = self._check(rel, str(path), data)
        stat = path.stat()
        with self._lock:
            self._cache[str(path)] = (stat.st_mtime_ns, stat.st_size, loaded)
        return loaded

    def create(self, rel: str, text: str) -> Loaded:
        path = self.resolve(rel)
        make_dirs(str(path.parent))
        write_atomic(str(path), text.encode("utf-8"), overwrite=False)  # never over a user's file
        return self.load(rel)

    def parse_bytes(self, rel: str, raw: bytes) -> records.Record | None:
        text, _ = records.decode(raw, rel)
        return records.parse(text, rel, self.parse_cache)[0] if text is not None else None

    # -- history -------------------------------------------------------------------------------------------------
    def history_dir(self, rel: str) -> Path:
        return self.root / HISTORY / rel

    def keep(self, rel: str, raw: bytes) -> str:
        folder = self.history_dir(rel)
        make_dirs(str(folder))
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        name = f"{stamp}.yaml"
        write_atomic(str(folder / name), raw)
        return name

    def versions(self, rel: str) -> list[tuple[str, int]]:
        """(version name, size) of the kept versions of `rel`, newest first."""
        folder = self.history_dir(rel)
        if not folder.is_dir():
            return []
        names = sorted((n for n in os.listdir(folder) if n.endswith(".yaml")), reverse=True)
        return [(n, (folder / n).stat().st_size) for n in names]

    def version_bytes(self, rel: str, name: str) -> bytes:
        if name not in {n for n, _ in self.versions(rel)}:
            raise OutsideWorkspace(name)
        return (self.history_dir(rel) / name).read_bytes()


class Conflict(HuanjieError):
    """The record changed on disk since the form was opened (another tab, an editor, the CLI)."""


CONFLICT_MESSAGE = "未保存：此记录已在其他窗口或程序中被修改过。请重新打开此页，核对后再填写您的修改。"

"""What was produced for one unit: the stamp file ``.huanjie-unit.json`` in its folder, typed, written and read.

Ground floor: imports only `findings` and `fsutil`. `huanjie render` writes it into its output folder and
`huanjie batch` into every unit folder (written last: a unit folder is complete when its record is there), so
a render folder is a one-unit batch output and the archive has one kind of input.

The file (JSON, UTF-8)::

    {"format": 2, "key": "<stamp key or ''>", "version": "0.1.0",
     "result": {"rel": …, "folder": …, "status": "ok", "key": …, "findings": [Finding.to_dict() …],
                "documents": [{"name", "kind", "title", "sha256", "size", "meta": Meta.to_dict()} …],
                "skipped": [{"kind", "title", "field", "reason"} …], "error": "", "durations": {…},
                "digest": {…} | null}}

Format 1 (huanjie 0.1.0) has the same shape without ``meta``; `read` accepts it (documents without meta,
``format`` 1) and callers that resume work re-render such a unit. ``kept`` (optional, added later in format 2)
lists documents huanjie once wrote that were edited by hand and kept: ``[{"name", "new"}]``, the edited file and
the name the new version was written under. ``prints`` (optional, format 2) lists the print files
huanjie wrote beside the documents (``render --pdf``/``--bundle``: PDFs, 合订 bundles, the 打印清单), with the
same fields as ``documents``: they are owned like documents but are not documents to archive.

The record is also how huanjie knows which files of a folder are its own: `owned` gives the recorded documents
still as written (same size and SHA-256); everything else in the folder (`foreign`) is the user's and is never
replaced or removed. `place` decides where each new document goes: its own name, or beside a document edited
by hand (``NAME（新）.docx``), and which planned names are taken by a file huanjie did not write.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import asdict, dataclass, field

from .findings import Finding
from .fsutil import write_atomic

__all__ = [
    "STAMP",
    "STALE_NOTE",
    "FORMAT",
    "READABLE_FORMATS",
    "Meta",
    "DocumentEntry",
    "SkippedEntry",
    "UnitRecord",
    "write",
    "read",
    "read_json",
    "KeptEntry",
    "Placement",
    "hash_file",
    "matches",
    "owned",
    "foreign",
    "place",
    "beside",
]

STAMP = ".huanjie-unit.json"
STALE_NOTE = "文书已过期-请勿使用.txt"  # written by batch into the folder of a unit that newly failed
FORMAT = 2  # 2: documents carry their catalogue data (meta); 1: huanjie 0.1.0
READABLE_FORMATS = (1, 2)


@dataclass(frozen=True)
class Meta:
    """题名 title, 责任者 author, 日期 date (YYYYMMDD), 文号 number, 文种 genre, 备注 note of one document.

    Made by `documents.plan` (which re-exports it); kept here so the unit record stays on the ground floor.
    """

    title: str = ""
    author: str = ""
    date: str = ""
    number: str = ""
    genre: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> Meta:
        """The inverse of `to_dict`; missing keys are empty, unknown keys are ignored."""
        data = data or {}
        return cls(**{name: str(data.get(name) or "") for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class DocumentEntry:
    """One document written: its file name in the unit folder, kind, display title, hash, size and catalogue data."""

    name: str
    kind: str
    title: str
    sha256: str
    size: int
    meta: Meta | None = None  # None: written by huanjie 0.1.0 (format 1)

    def to_dict(self) -> dict:
        data: dict = {"name": self.name, "kind": self.kind, "title": self.title, "sha256": self.sha256}
        data["size"] = self.size
        if self.meta is not None:
            data["meta"] = self.meta.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> DocumentEntry:
        return cls(
            name=str(data["name"]),
            kind=str(data.get("kind") or ""),
            title=str(data.get("title") or ""),
            sha256=str(data.get("sha256") or ""),
            size=int(data.get("size") or 0),
            meta=Meta.from_dict(data["meta"]) if isinstance(data.get("meta"), dict) else None,
        )


@dataclass(frozen=True)
class SkippedEntry:
    """A document kind not written because the record lacks its data: the field it waits for and why."""

    kind: str
    title: str
    field: str
    reason: str

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SkippedEntry:
        return cls(**{name: str(data.get(name) or "") for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class KeptEntry:
    """A document edited by hand and kept under its name; the new version was written as `new`."""

    name: str
    new: str

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> KeptEntry:
        return cls(str(data.get("name") or ""), str(data.get("new") or ""))


@dataclass
class UnitRecord:
    """The typed content of one stamp file (see the module docstring)."""

    status: str  # ok | draft (render --draft) | failed | skipped-unchanged
    key: str = ""  # batch's stamp key (record, templates, version); "" for huanjie render
    version: str = ""  # the huanjie that wrote the documents
    rel: str = ""  # the record relative to the batch's DIR ("" or the record's file name for render)
    folder: str = ""  # the unit folder relative to OUT ("" for render)
    findings: list[Finding] = field(default_factory=list)
    documents: list[DocumentEntry] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)
    error: str = ""
    durations: dict = field(default_factory=dict)
    digest: dict | None = None  # documents.summary.Digest.to_dict() when counted
    format: int = FORMAT
    kept: list[KeptEntry] = field(default_factory=list)  # documents edited by hand, kept; new version beside
    prints: list[DocumentEntry] = field(default_factory=list)  # PDFs, bundles, 打印清单: owned, never archived

    def to_dict(self) -> dict:
        result = {
            "rel": self.rel,
            "folder": self.folder,
            "status": self.status,
            "key": self.key,
            "findings": [f.to_dict() for f in self.findings],
            "documents": [d.to_dict() for d in self.documents],
            "skipped": [s.to_dict() for s in self.skipped],
            "error": self.error,
            "durations": dict(self.durations),
            "digest": self.digest,
        }
        if self.kept:
            result["kept"] = [k.to_dict() for k in self.kept]
        if self.prints:
            result["prints"] = [p.to_dict() for p in self.prints]
        return {"format": FORMAT, "key": self.key, "version": self.version, "result": result}

    @classmethod
    def from_dict(cls, data: dict) -> UnitRecord:
        """The record of a stamp's JSON (format 1 or 2); KeyError, TypeError or ValueError when it is not one."""
        if data.get("format") not in READABLE_FORMATS:
            raise ValueError(f"unknown unit record format {data.get('format')!r}")
        result = data["result"]
        return cls(
            status=str(result.get("status") or ""),
            key=str(data.get("key") or result.get("key") or ""),
            version=str(data.get("version") or ""),
            rel=str(result.get("rel") or ""),
            folder=str(result.get("folder") or ""),
            findings=[Finding.from_dict(f) for f in result.get("findings") or []],
            documents=[DocumentEntry.from_dict(d) for d in result.get("documents") or []],
            skipped=[SkippedEntry.from_dict(s) for s in result.get("skipped") or []],
            error=str(result.get("error") or ""),
            durations=dict(result.get("durations") or {}),
            digest=result.get("digest"),
            format=int(data["format"]),
            kept=[KeptEntry.from_dict(k) for k in result.get("kept") or []],
            prints=[DocumentEntry.from_dict(p) for p in result.get("prints") or []],
        )


def write(folder: str | os.PathLike, record: UnitRecord) -> str:
    """Write `record` as the stamp of `folder` (atomically, replacing an older one); its path."""
    path = os.path.join(folder, STAMP)
    data = json.dumps(record.to_dict(), ensure_ascii=False, indent=1).encode("utf-8")
    write_atomic(path, data, overwrite=True)
    return path


def read_json(folder: str | os.PathLike) -> dict | None:
    """The stamp of `folder` as JSON when it is a readable unit record (format 1 or 2), else None."""
    try:
        with open(os.path.join(folder, STAMP), "rb") as handle:
            data = json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") not in READABLE_FORMATS:
        return None
    return data


def read(folder: str | os.PathLike) -> UnitRecord | None:
    """The unit record of `folder`, or None when there is none or it cannot be read."""
    data = read_json(folder)
    if data is None:
        return None
    try:
        return UnitRecord.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


# --------------------------------------------------------------------------------------------
# Which files of a folder huanjie wrote, and where new documents may go
# --------------------------------------------------------------------------------------------
def hash_file(path: str | os.PathLike) -> tuple[str, int]:
    """SHA-256 and size of a file, read in chunks."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def matches(path: str | os.PathLike, entry: DocumentEntry) -> bool:
    """Whether the file at `path` is still the document `entry` records (a regular file, same size and SHA-256)."""
    try:
        if not os.path.isfile(path) or os.path.islink(path) or os.path.getsize(path) != entry.size:
            return False
        return hash_file(path)[0] == entry.sha256
    except OSError:
        return False


def owned(folder: str | os.PathLike, record: UnitRecord | None) -> set[str]:
    """Names of the documents (and print files) of `record` that are in `folder` exactly as huanjie wrote them."""
    if record is None:
        return set()
    return {d.name for d in [*record.documents, *record.prints] if matches(os.path.join(folder, d.name), d)}


def foreign(folder: str | os.PathLike, record: UnitRecord | None, mine: set[str] | None = None) -> list[str]:
    """Entries of `folder` huanjie did not write (or that were edited since): never replaced or removed.

    Without a record every entry is foreign. `mine` (the result of `owned`) saves hashing again.
    """
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return []
    if record is None:
        return entries
    mine = owned(folder, record) if mine is None else mine
    return [e for e in entries if e not in mine and e not in (STAMP, STALE_NOTE)]


def beside(name: str, taken, word: str = "新") -> str:
    """The name of a new version written beside a kept file: ``NAME（新）.docx``, else ``NAME（新2）.docx`` …"""
    stem, ext = os.path.splitext(name)
    n = 1
    while True:
        candidate = f"{stem}（{word}{n if n > 1 else ''}）{ext}"
        if not taken(candidate):
            return candidate
        n += 1


@dataclass
class Placement:
    """Where the new documents of a folder go: `names` planned name → name written, `kept`, and `blocked`.

    `blocked` are planned names (or the unit record's own) taken by a file huanjie did not write: the caller
    refuses rather than overwrite them.
    """

    names: dict[str, str] = field(default_factory=dict)
    kept: list[KeptEntry] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


# What huanjie writes in docProps/core.xml of every document (the templates' fixed properties): Word, WPS and
# LibreOffice replace both when they save, so a file that still has them was not edited since huanjie wrote it.
FIXED_MODIFIED = (
    ">2026-01-01T00:00:00Z</dcterms:modified>"  # also in huanjie's workbooks (openpyxl writes no lastModifiedBy)
)
_UNTOUCHED = (b"<cp:lastModifiedBy>huanjie</cp:lastModifiedBy>", FIXED_MODIFIED.encode())


def untouched_document(path: str | os.PathLike) -> bool:
    """A .docx as an earlier huanjie (0.1.0, which kept no unit record) wrote it and nobody saved since."""
    try:
        if not os.path.isfile(path) or os.path.islink(path) or not str(path).endswith(".docx"):
            return False
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/core.xml")
            if info.file_size > 64 * 1024:
                return False
            core = archive.read(info)
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, ValueError):
        return False
    return all(mark in core for mark in _UNTOUCHED)


def place(
    folder: str | os.PathLike, planned: list[str], record: UnitRecord | None, mine: set[str] | None = None
) -> Placement:
    """Decide the name of each planned document in `folder` given its unit record (see `Placement`).

    A planned name that is free, or holds the recorded document unchanged, is written as is. One that holds a
    document huanjie wrote and the user edited (its SHA-256 differs from the record, or an earlier run kept it)
    is kept: the new version goes beside it (`beside`). Any other file in the way is `blocked`.
    """
    mine = owned(folder, record) if mine is None else mine
    if record is None:  # a 0.1.0 render folder: its documents, if nobody edited them, are huanjie's too
        mine = mine | {n for n in planned if untouched_document(os.path.join(folder, n))}
    recorded = {d.name for d in [*record.documents, *record.prints]} if record is not None else set()
    was_kept = {k.name for k in record.kept} if record is not None else set()
    result = Placement()
    if record is None:
        result.blocked = [n for n in (STAMP, STALE_NOTE) if os.path.lexists(os.path.join(folder, n))]
    chosen: set[str] = set()

    def taken(name: str) -> bool:
        if name in chosen or name in planned:
            return True
        return os.path.lexists(os.path.join(folder, name)) and name not in mine

    for name in planned:
        if not os.path.lexists(os.path.join(folder, name)) or name in mine:
            result.names[name] = name
        elif name in recorded or name in was_kept:
            new = beside(name, taken)
            result.names[name] = new
            result.kept.append(KeptEntry(name, new))
        else:
            result.blocked.append(name)
            result.names[name] = name
        chosen.add(result.names[name])
    return result

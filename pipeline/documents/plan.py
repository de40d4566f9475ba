"""The documents of one election as a plan: each with its kind, instance, file name and catalogue data.

`plan(election)` builds every document kind once and says what would be written, in catalogue order:
``Planned`` documents (kind, instance with its context, file name, `Meta`) and ``Skipped`` kinds whose data
is not in the record yet (the `Waiting` signal). Render writes exactly the plan; the unit record and
batch's report carry each document's `Meta`, so nobody has to rebuild a context to learn a title.

File names (``03-正式候选人名单公告.docx``, ``07-当选证书-王建国.docx``) are made here: the kind's prefix, the
instance's suffix, characters Windows forbids and control or format characters (`safetext.file_safe`: bidi
overrides, line separators, C1 controls, lone surrogates …, which check refuses in names anyway) replaced by
``_``, and ``-2``, ``-3`` … added to a name that is already taken within the same election.

`Meta` (defined in the ground-floor `unitrecord`, re-exported here) is the catalogue data of one document (DA/T 22-2015 归档文件目录). In JSON (`to_dict`) its keys are
English: ``title`` 题名, ``author`` 责任者, ``date`` 日期 (YYYYMMDD or ""), ``number`` 文号 (文件编号),
``genre`` 文种, ``note`` 备注 (e.g. why the date is the election day).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..safetext import file_safe
from ..unitrecord import Meta
from . import GENRE, KINDS, PERSONAL, DocumentKind, Election, Instance, Waiting, find_kind

__all__ = ["Meta", "Planned", "Skipped", "Plan", "plan", "kinds", "file_name", "unique_name", "describe", "date8"]

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_ISO = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*")


@dataclass(frozen=True)
class Planned:
    """One document to write: its kind, its instance (context, suffix), its file name and its catalogue data."""

    kind: DocumentKind
    instance: Instance
    file_name: str
    meta: Meta
    kind_title: str = ""  # the kind's title for this record's election kind (`DocumentKind.title_for`)

    @property
    def title(self) -> str:
        """The display title written into the document's properties: 当选证书-王建国."""
        return (self.kind_title or self.kind.title) + (f"-{self.instance.suffix}" if self.instance.suffix else "")


@dataclass(frozen=True)
class Skipped:
    """A document kind whose data is not in the record yet: the field it waits for and why."""

    kind: DocumentKind
    field: str
    reason: str


class Plan(list[Planned]):
    """The result of `plan`: a list of the documents to write, and `skipped`, the kinds waiting for data."""

    def __init__(self, documents: Iterable[Planned] = (), skipped: Iterable[Skipped] = ()):
        super().__init__(documents)
        self.skipped: list[Skipped] = list(skipped)

    @property
    def documents(self) -> list[Planned]:
        return list(self)


def file_name(kind: DocumentKind, suffix: str = "", election_kind: str | None = None) -> str:
    """03-正式候选人名单公告.docx, 07-当选证书-王建国.docx: sortable and self-explaining."""
    text = kind.prefix_for(election_kind) + (f"-{suffix}" if suffix else "")
    text = _UNSAFE.sub("_", file_safe(text)).strip(" .")
    return text[:150] + ".docx"


def unique_name(name: str, used: set[str]) -> str:
    """`name`, or ``stem-2.docx``, ``stem-3.docx`` … when it is taken; the result is added to `used`."""
    stem, n = name[:-5], 2
    while name in used:
        name = f"{stem}-{n}.docx"
        n += 1
    used.add(name)
    return name


def date8(value: Any) -> str:
    """2026年3月18日, 2026-03-18 or a date as 20260318; "" when it is not a date."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y%m%d")
    text = str(value)
    match = _DATE.search(text) or _ISO.fullmatch(text)
    if match:
        return f"{int(match.group(1)):04d}{int(match.group(2)):02d}{int(match.group(3)):02d}"
    return ""


def _title_and_author(kind: DocumentKind, context: dict, election_kind: str | None = None) -> tuple[str, str]:
    lines = context.get("title_lines") or []
    name = context.get("name", "")
    if kind.key in PERSONAL:
        return f"{context.get('election_name', '')}{kind.title_for(election_kind)}（{name}）", name
    if kind.key == "certificate":
        return f"{context.get('office', '')}当选证书（{name}）", context.get("issuer") or context.get("signatory", "")
    author = context.get("author") or context.get("signatory", "")
    if not lines:
        return f"{context.get('election_name', '')}{kind.title}", author
    title = "".join(lines) + context.get("subtitle", "")
    round_name = context.get("round_name", "")
    if kind.key == "ballot" and round_name and round_name != "选举" and round_name not in title:
        title += f"（{round_name}）"
    return title, author


def describe(kind: DocumentKind, context: dict, election: Election | None = None) -> Meta:
    """The catalogue data of one document from its context (and its election, for a date left to hand-writing)."""
    title, author = _title_and_author(kind, context, election.kind if election is not None else None)
    date = date8(context.get("date_text"))
    note = ""
    if not date and election is not None:
        date = date8(election.raw_date())
        note = "成文日期留待手写，目录日期取选举日期" if date else ""
    return Meta(
        title=title,
        author=author,
        date=date,
        number=context.get("doc_number", ""),
        genre=GENRE.get(kind.key, ""),
        note=note,
    )


def kinds(only: Iterable[str] | str | None) -> list[DocumentKind]:
    """The kinds `only` names (keys, titles or numbers), in the order named and without repeats; None: all."""
    if only is None:
        return list(KINDS)
    if isinstance(only, str):
        only = [only]
    chosen: list[DocumentKind] = []
    for name in only:
        kind = find_kind(name)
        if kind not in chosen:
            chosen.append(kind)
    return chosen


def plan(election: Election, only: Iterable[str] | str | None = None) -> Plan:
    """Every document of `election` (or only the kinds named: keys, titles or numbers), built once.

    A kind whose builder raises `Waiting` is listed in `Plan.skipped`; an unknown name raises
    `documents.UnknownKind`. The plan is a list of `Planned` with the skipped kinds in `.skipped`.
    """
    documents: list[Planned] = []
    skipped: list[Skipped] = []
    used: set[str] = set()
    for kind in kinds(only):
        try:
            instances = kind.build(election)
        except Waiting as waiting:
            skipped.append(Skipped(kind, waiting.field, waiting.reason))
            continue
        for instance in instances:
            name = unique_name(file_name(kind, instance.suffix, election.kind), used)
            meta = describe(kind, instance.context, election)
            documents.append(Planned(kind, instance, name, meta, kind.title_for(election.kind)))
    return Plan(documents, skipped)

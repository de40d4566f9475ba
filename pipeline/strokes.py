"""姓氏笔画 ordering of personal names, per GF 3003-1999 《姓氏笔画排序规则》.

This is the order used on official candidate lists and ballots
("按姓氏笔画排序").  Names are compared character by character:

1. fewer total strokes first;
2. equal stroke count: compare the stroke sequences (笔顺) position by
   position in the order 横(1) 竖(2) 撇(3) 点(4) 折(5), i.e. first stroke,
   then second stroke, ...;
3. different characters with identical count and sequence (孔/巴 5215,
   叶/申 25112, 次/衣 413534): structure decides, 左右 before 上下 before 整体
   (独体 and every other shape), so every 孔 name precedes every 巴 name, as on
   the published lists of the 20th Party Congress; the names are *not* merged
   by going on to the next character;
4. same character, or identical count, sequence and structure (土/士, both
   整体), or a tie group without structure data: move on to the next
   character of the name.

Stroke data comes from ``pipeline/data/strokes.tsv``, which covers all 6,763
GB 2312 hanzi and 8,077 of the 8,105 characters of 通用规范汉字表; the structure
of every character whose sequence is shared comes from
``pipeline/data/structure.tsv`` (both described in
``pipeline/data/STROKES-SOURCE.md``).

Names of different length -- the ``convention`` parameter
-----------------------------------------------------------
``"surname"`` (姓氏笔画, the default)
    Only a **two-character** name gets an empty position after the surname,
    as typeset on a list ("田　富" vs "田大利").  The empty position sorts
    before every character ("单名的名字第一字按○画计，排在双名之前"), so after an
    equal surname a two-character name precedes every longer one, whatever
    its characters:

        田富 < 田大利      (田 = 田, then ○ < 大)

    Names of three or more characters compare character by character among
    themselves: 马和帕丽 sorts among the three-character 马 names by 和
    (马力强 < 马和帕丽 < 马俊峰, since 力 2 < 和 8 < 俊 9), as on published lists.
``"fullname"`` (姓名笔画)
    The names are compared directly position by position; only when one name
    is a prefix of the other does the shorter one come first:

        田大利 < 田富      (田 = 田, then 大 (3 strokes) < 富 (12 strokes))

For names of equal length both conventions agree.

Compound surnames (欧阳, 司马, 诸葛, 上官, 端木 ...) need no special handling:
the characters are compared like any others, so 欧阳 sorts by 欧 (8 strokes)
among the 8-stroke surnames, and 欧阳少东 precedes 欧阳明 (少 4 < 明 8) under
both conventions.  Surnames are not
looked up: the first character always takes the surname position.

Ignored characters: whitespace of any kind (a name typed as "王 芳" sorts as
王芳), invisible format characters (zero-width space, BOM), and the middle
dots of transcribed minority names (· U+00B7, ‧ U+2027, ・ U+30FB, • U+2022,
･ U+FF65, ∙ U+2219, ⋅ U+22C5): 买买提·艾力 sorts as 买买提艾力.

Characters missing from the table (rare CJK extensions, Latin letters,
digits, other punctuation) are looked up once more under their NFKC form; if
still missing they sort after every known character at the same position,
among themselves by code point.  ``unknown_chars`` lists them so callers can
warn.

Ties: names whose keys are fully equal (e.g. 王芳 and "王 芳") are ordered by
the code points of the compared characters and then of the original string,
so the result never depends on the input order of distinct names; equal
strings keep their input order (the sort is stable).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from importlib import resources

__all__ = ["CONVENTIONS", "NameKey", "name_key", "sort_names", "stroke_info", "structure_class", "unknown_chars"]

CONVENTIONS = ("surname", "fullname")
# What name_key returns: (the per-character stroke keys, the characters compared, the name itself).
NameKey = tuple[tuple[object, ...], str, str]

_MIDDLE_DOTS = frozenset("\u00b7\u2027\u30fb\u2022\uff65\u2219\u22c5")

# Per-position keys.  They compare by their first element first, so an empty
# position < any known character < any unknown character.
_EMPTY = (0,)
_KNOWN = 1  # (1, stroke count, sequence string of digits 1-5, structure class)
_UNKNOWN = 2  # (2, code point)

# Structure classes of structure.tsv: 1 左右, 2 上下, 3 整体; 0 = no structure
# data (a sequence shared with no other character, or a group without data).
_NO_STRUCTURE = 0


@functools.cache
def _table() -> dict[str, str]:
    """Load {character: stroke sequence} from the packaged data file (once)."""
    text = resources.files("pipeline").joinpath("data").joinpath("strokes.tsv").read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        ch, seq = line.split("\t")[:2]
        table[ch] = seq
    return table


@functools.cache
def _structure() -> dict[str, int]:
    """Load {character: structure class} from the packaged structure table (once)."""
    text = resources.files("pipeline").joinpath("data").joinpath("structure.tsv").read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        ch, cls = line.split("\t")[:2]
        table[ch] = int(cls)
    return table


def _resolve(ch: str) -> tuple[str, str] | None:
    """(the character found in the table, its sequence), trying the NFKC form second."""
    table = _table()
    seq = table.get(ch)
    if seq is not None:
        return ch, seq
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) == 1 and folded != ch:
        seq = table.get(folded)
        if seq is not None:
            return folded, seq
    return None


def _lookup(ch: str) -> str | None:
    found = _resolve(ch)
    return None if found is None else found[1]


def _is_ignored(ch: str) -> bool:
    return ch.isspace() or ch in _MIDDLE_DOTS or unicodedata.category(ch) in ("Cf", "Cc")


def _compared_chars(name: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"姓名必须是字符串，收到 {type(name).__name__}")
    return "".join(ch for ch in name if not _is_ignored(ch))


@functools.cache
def _char_key(ch: str) -> tuple[int, ...] | tuple[int, int, str, int]:
    found = _resolve(ch)
    if found is None:
        return (_UNKNOWN, ord(ch))
    base, seq = found
    return (_KNOWN, len(seq), seq, _structure().get(base, _NO_STRUCTURE))


def structure_class(ch: str) -> int | None:
    """Structure class used to break a tie of identical sequences: 1 左右, 2 上下, 3 整体.

    None when ``ch`` shares its stroke sequence with no other character of the
    table (or its group has no structure data): then no structure is needed.
    """
    if not isinstance(ch, str) or len(ch) != 1:
        raise ValueError(f"structure_class 需要单个字符，收到 {ch!r}")
    found = _resolve(ch)
    if found is None:
        return None
    cls = _structure().get(found[0], _NO_STRUCTURE)
    return cls or None


def _check_convention(convention: str) -> None:
    if convention not in CONVENTIONS:
        raise ValueError(
            f"未知的排序规则 convention={convention!r}，应为 'surname'（姓氏笔画）或 'fullname'（姓名笔画）"
        )


def _names_list(names: Iterable[str]) -> list[str]:
    if isinstance(names, str):
        raise TypeError("names 应为姓名的列表，而不是单个字符串")
    return list(names)


def stroke_info(ch: str) -> tuple[int, str] | None:
    """Return (total strokes, stroke sequence such as "2511") or None if unknown.

    ``ch`` must be a single character.  The sequence uses 1 横 2 竖 3 撇 4 点 5 折.
    """
    if not isinstance(ch, str) or len(ch) != 1:
        raise ValueError(f"stroke_info 需要单个字符，收到 {ch!r}")
    seq = _lookup(ch)
    return None if seq is None else (len(seq), seq)


def name_key(name: str, convention: str = "surname") -> NameKey:
    """Sort key of ``name`` under ``convention`` ("surname" or "fullname")."""
    _check_convention(convention)
    chars = _compared_chars(name)
    keys = tuple(_char_key(ch) for ch in chars)
    main: tuple[object, ...]
    if convention == "surname" and len(keys) == 2:
        main = (keys[0], _EMPTY, keys[1])  # the empty slot of a two-character name
    else:
        main = keys
    return (main, chars, name)


def sort_names(names: Iterable[str], convention: str = "surname") -> list[str]:
    """Return ``names`` in 姓氏笔画 order (a new list; the input is not modified)."""
    _check_convention(convention)
    items = _names_list(names)
    return sorted(items, key=lambda n: name_key(n, convention))


def unknown_chars(names: Iterable[str]) -> list[str]:
    """Distinct characters of ``names`` missing from the stroke table, in first-seen order.

    Ignored characters (whitespace, middle dots, format characters) are never
    reported.
    """
    seen: dict[str, None] = {}
    for name in _names_list(names):
        for ch in _compared_chars(name):
            if ch not in seen and _lookup(ch) is None:
                seen[ch] = None
    return list(seen)

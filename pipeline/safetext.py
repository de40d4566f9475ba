"""Text safe to show, store and use as a name: control and format characters made visible, found and named.

One place decides which characters are unsafe and how they are shown:

* `visible(text)` replaces every control or format character, line separator, lone surrogate and noncharacter by a
  visible escape (``\\x1b``, ``\\u202e``, ``\\ud800``), so a value quoted in a finding, the report, the workbook or on
  the terminal can neither drive the terminal, reorder what is shown (bidi overrides) nor break an encoder
  (openpyxl refuses C0 controls, UTF-8 refuses lone surrogates). `visible_data` does it to every string of a
  JSON-able value.
* `first_unsafe(text, NAME)` finds the first character a name may not contain (its 1-based position and its
  Chinese description); `first_unsafe(text, TEXT)` the same for free text, which may keep tabs, line breaks and
  invisible joiners.
* `file_safe(text)` replaces the characters a name may not contain by ``_`` (file and folder names).

The name rule rejects every character of Unicode categories Cc (C0 controls including tab and line feed, DEL, C1
controls including U+0085), Cf (format characters: bidi controls and marks, zero-width space, ZWNJ and ZWJ, soft
hyphen, BOM, tag characters), Cs (lone surrogates), Zl and Zp (U+2028, U+2029) and the noncharacters (U+FDD0-FDEF,
U+xxFFFE, U+xxFFFF). Chinese names need none of them; ZWJ and ZWNJ join emoji and Indic or Persian letters, but in a
name they only make two names that look the same compare different (a duplicate or a relative no check would find).
Private-use characters stay allowed: rare characters of names are still typed through them (GB 18030 user areas).
"""

from __future__ import annotations

import unicodedata
from typing import Any

__all__ = ["NAME", "TEXT", "describe_char", "file_safe", "first_unsafe", "is_unsafe", "visible", "visible_data"]

NAME = "name"  # names of people, posts, units and places: one line, nothing invisible
TEXT = "text"  # free text (reasons, notes, practices): tab and line feed allowed, invisible joiners allowed

_C0 = [
    "NUL",
    "SOH",
    "STX",
    "ETX",
    "EOT",
    "ENQ",
    "ACK",
    "BEL",
    "BS",
    "HT",
    "LF",
    "VT",
    "FF",
    "CR",
    "SO",
    "SI",
    "DLE",
    "DC1",
    "DC2",
    "DC3",
    "DC4",
    "NAK",
    "SYN",
    "ETB",
    "CAN",
    "EM",
    "SUB",
    "ESC",
    "FS",
    "GS",
    "RS",
    "US",
]
_C1 = [
    "PAD",
    "HOP",
    "BPH",
    "NBH",
    "IND",
    "NEL",
    "SSA",
    "ESA",
    "HTS",
    "HTJ",
    "VTS",
    "PLD",
    "PLU",
    "RI",
    "SS2",
    "SS3",
    "DCS",
    "PU1",
    "PU2",
    "STS",
    "CCH",
    "MW",
    "SPA",
    "EPA",
    "SOS",
    "SGCI",
    "SCI",
    "CSI",
    "ST",
    "OSC",
    "PM",
    "APC",
]
_BIDI = {
    0x061C: "ALM",
    0x200E: "LRM",
    0x200F: "RLM",
    0x202A: "LRE",
    0x202B: "RLE",
    0x202C: "PDF",
    0x202D: "LRO",
    0x202E: "RLO",
    0x2066: "LRI",
    0x2067: "RLI",
    0x2068: "FSI",
    0x2069: "PDI",
}
_SPECIAL = {
    0x09: "制表符 Tab",
    0x0A: "换行符 LF",
    0x0D: "回车符 CR",
    0x85: "换行符 NEL",
    0x7F: "控制字符 DEL",
    0x00AD: "软连字符",
    0x200B: "零宽空格",
    0x200C: "零宽不连字 ZWNJ",
    0x200D: "零宽连字 ZWJ",
    0x2028: "行分隔符",
    0x2029: "段分隔符",
    0xFEFF: "字节顺序标记 BOM",
}
_TEXT_ALLOWED = {"\t", "\n"}


def _noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def is_unsafe(char: str, rule: str = NAME) -> bool:
    """Whether `char` may not appear under `rule` (NAME or TEXT); see the module docstring."""
    code = ord(char)
    category = unicodedata.category(char)
    if rule == TEXT:
        if char in _TEXT_ALLOWED:
            return False
        if category == "Cf":
            return code in _BIDI
    return category in ("Cc", "Cf", "Cs", "Zl", "Zp") or _noncharacter(code)


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str, keep: str = "") -> str:
    """`text` with every unsafe character (the name rule) except those in `keep` replaced by a visible escape."""
    if text.isprintable():
        return text  # the common case, fast: every unsafe character is one str.isprintable refuses
    return "".join(_escape(c) if c not in keep and is_unsafe(c) else c for c in text)


def visible_data(value: Any) -> Any:
    """`value` (JSON-able: dicts, lists, strings …) with `visible` applied to every string, keys included."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible_data(k): visible_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [visible_data(v) for v in value]
    return value


def describe_char(char: str) -> str:
    """How a character is named in a message: 控制字符 ESC（U+001B）, 文字方向控制符 RLO（U+202E）."""
    code = ord(char)
    where = f"U+{code:04X}"
    category = unicodedata.category(char)
    if code in _SPECIAL:
        return f"{_SPECIAL[code]}（{where}）"
    if code < 0x20:
        return f"控制字符 {_C0[code]}（{where}）"
    if 0x80 <= code < 0xA0:
        return f"控制字符 {_C1[code - 0x80]}（{where}）"
    if code in _BIDI:
        return f"文字方向控制符 {_BIDI[code]}（{where}）"
    if category == "Cs":
        return f"不成对的代理码位（{where}，不是有效的字符）"
    if _noncharacter(code):
        return f"非字符（{where}，不是有效的字符）"
    if category == "Cf":
        return f"不可见的格式字符 {unicodedata.name(char, '')}（{where}）".replace(" （", "（")
    return f"控制字符（{where}）"


def first_unsafe(text: str, rule: str = NAME) -> tuple[int, str] | None:
    """(1-based position, description) of the first character of `text` that `rule` forbids, or None."""
    if text.isprintable():
        return None  # the common case, fast (every forbidden character is one str.isprintable refuses)
    for position, char in enumerate(text, 1):
        if is_unsafe(char, rule):
            return position, describe_char(char)
    return None


def file_safe(text: str, by: str = "_") -> str:
    """`text` with every run of characters a name may not contain replaced by one `by` (file and folder names)."""
    if text.isprintable():
        return text
    out: list[str] = []
    replaced = False  # whether the last character was replaced
    for char in text:
        unsafe = is_unsafe(char)
        if not unsafe:
            out.append(char)
        elif not replaced:
            out.append(by)
        replaced = unsafe
    return "".join(out)

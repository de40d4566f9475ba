"""Writing .docx (zip) files fast: parts a template leaves unchanged are compressed once.

A rendered document differs from its template only in a few parts (the document body,
headers, core properties); styles, fonts, themes and numbering are the same bytes every time.
`Member.of` deflates a part once, when the template is compiled; `build` writes the zip from
ready members and deflates only the parts that changed. The output is a plain zip that
zipfile, python-docx, Word, WPS and LibreOffice read, and it is deterministic: the same
members give the same bytes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

_DEFLATED = 8
_LEVEL = 6
_UTF8_FLAG = 0x800
_FILE_ATTR = 0o644 << 16


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _dos(date_time: tuple) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return (hour << 11) | (minute << 5) | (second // 2), ((max(year, 1980) - 1980) << 9) | (month << 5) | day


@dataclass(frozen=True)
class Member:
    """One zip entry, already deflated."""

    name: str
    crc: int
    size: int
    compressed: bytes
    date_time: tuple = (2026, 1, 1, 0, 0, 0)

    @classmethod
    def of(cls, name: str, data: bytes, date_time: tuple = (2026, 1, 1, 0, 0, 0)) -> Member:
        return cls(name, zlib.crc32(data), len(data), _deflate(data), tuple(date_time))


def build(members: Iterable[Member]) -> bytes:
    """The bytes of a zip holding `members` in order."""
    out = bytearray()
    central = bytearray()
    count = 0
    for m in members:
        name = m.name.encode("utf-8")
        flags = 0 if name.isascii() else _UTF8_FLAG
        time, date = _dos(m.date_time)
        offset = len(out)
        out += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, flags, _DEFLATED, time, date, m.crc, len(m.compressed), m.size, len(name), 0
        )
        out += name
        out += m.compressed
        central += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            flags,
            _DEFLATED,
            time,
            date,
            m.crc,
            len(m.compressed),
            m.size,
            len(name),
            0,
            0,
            0,
            0,
            _FILE_ATTR,
            offset,
        )
        central += name
        count += 1
    start = len(out)
    out += central
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), start, 0)
    return bytes(out)

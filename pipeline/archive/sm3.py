"""SM3 (GB/T 32905-2016) digests: OpenSSL's through hashlib where it has one, else pure Python.

``sm3.new()`` returns a hashlib-like object (``update``, ``digest``, ``hexdigest``, ``copy``,
``name``, ``digest_size``, ``block_size``). Debian's and most Linux OpenSSL 3 builds provide
``hashlib.new("sm3")``; some builds (FIPS, LibreSSL, older macOS/Windows Pythons) do not, and the
archive manifests must still be written and checked there, so `SM3` implements the algorithm
directly. It is exact but slow (about 1–2 MB/s): fine for a fallback, not a substitute.
"""

from __future__ import annotations

import hashlib
import struct

__all__ = ["new", "sm3_hex", "SM3", "HASHLIB_HAS_SM3", "file_digest"]


def _hashlib_sm3():
    try:
        return hashlib.new("sm3")
    except (ValueError, TypeError):
        return None


HASHLIB_HAS_SM3 = _hashlib_sm3() is not None

_IV = (0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600, 0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E)
_MASK = 0xFFFFFFFF


def _rotl(x: int, n: int) -> int:
    n %= 32
    return ((x << n) | (x >> (32 - n))) & _MASK


_T = [_rotl(0x79CC4519 if j < 16 else 0x7A879D8A, j) for j in range(64)]  # T_j <<< j, precomputed


def _compress(v: tuple[int, ...], block: bytes) -> tuple[int, ...]:
    w = list(struct.unpack(">16I", block))
    for j in range(16, 68):
        x = w[j - 16] ^ w[j - 9] ^ _rotl(w[j - 3], 15)
        w.append((x ^ _rotl(x, 15) ^ _rotl(x, 23)) ^ _rotl(w[j - 13], 7) ^ w[j - 6])
    a, b, c, d, e, f, g, h = v
    for j in range(64):
        a12 = _rotl(a, 12)
        ss1 = _rotl((a12 + e + _T[j]) & _MASK, 7)
        ss2 = ss1 ^ a12
        if j < 16:
            ff = a ^ b ^ c
            gg = e ^ f ^ g
        else:
            ff = (a & b) | (a & c) | (b & c)
            gg = (e & f) | (~e & g)
        tt1 = (ff + d + ss2 + (w[j] ^ w[j + 4])) & _MASK
        tt2 = (gg + h + ss1 + w[j]) & _MASK
        d, c, b, a = c, _rotl(b, 9), a, tt1
        h, g, f = g, _rotl(f, 19), e
        e = tt2 ^ _rotl(tt2, 9) ^ _rotl(tt2, 17)
    return tuple(x ^ y for x, y in zip((a, b, c, d, e, f, g, h), v, strict=False))


class SM3:
    """Pure-Python SM3 with the hashlib interface."""

    name = "sm3"
    digest_size = 32
    block_size = 64

    def __init__(self, data: bytes = b""):
        self._v: tuple[int, ...] = _IV
        self._buffer = b""
        self._length = 0
        if data:
            self.update(data)

    def update(self, data: bytes) -> None:
        data = bytes(data)
        self._length += len(data)
        buffer = self._buffer + data
        full = len(buffer) - len(buffer) % 64
        v = self._v
        for i in range(0, full, 64):
            v = _compress(v, buffer[i : i + 64])
        self._v = v
        self._buffer = buffer[full:]

    def copy(self) -> SM3:
        other = SM3.__new__(SM3)
        other._v, other._buffer, other._length = self._v, self._buffer, self._length
        return other

    def digest(self) -> bytes:
        bits = self._length * 8
        tail = self._buffer + b"\x80" + b"\x00" * ((55 - len(self._buffer)) % 64) + struct.pack(">Q", bits)
        v = self._v
        for i in range(0, len(tail), 64):
            v = _compress(v, tail[i : i + 64])
        return struct.pack(">8I", *v)

    def hexdigest(self) -> str:
        return self.digest().hex()


def new(data: bytes = b""):
    """An SM3 hash object: hashlib's (OpenSSL) when available, else `SM3`."""
    h = _hashlib_sm3()
    if h is None:
        h = SM3()
    if data:
        h.update(data)
    return h


def sm3_hex(data: bytes) -> str:
    return new(data).hexdigest()


def file_digest(handle, algorithm: str = "sm3") -> str:
    """Hex digest of an open binary file (read in 1 MiB pieces); `algorithm` is "sm3" or a hashlib name."""
    h = new() if algorithm == "sm3" else hashlib.new(algorithm)
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        h.update(chunk)
    return h.hexdigest()

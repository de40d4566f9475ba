"""SM3 (GB/T 32905-2016): the pure-Python fallback and hashlib's, against the standard's test vectors."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from pipeline.archive import sm3

# GB/T 32905-2016, 附录 A: example 1 ("abc") and example 2 ("abcd" × 16, 512 bits).
VECTORS = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]


@pytest.mark.parametrize("data,digest", VECTORS)
def test_pure_python_matches_the_standard_vectors(data, digest):
    assert sm3.SM3(data).hexdigest() == digest


@pytest.mark.parametrize("data,digest", VECTORS)
def test_new_matches_the_standard_vectors(data, digest):
    assert sm3.new(data).hexdigest() == digest
    assert sm3.sm3_hex(data) == digest


def test_pure_python_in_pieces_and_copies():
    data = bytes(range(256)) * 5
    whole = sm3.SM3(data).hexdigest()
    h = sm3.SM3()
    for i in range(0, len(data), 37):
        h.update(data[i : i + 37])
    snapshot = h.copy()
    assert h.hexdigest() == whole
    assert h.hexdigest() == whole  # digest() does not consume the state
    snapshot.update(b"x")
    assert snapshot.hexdigest() == sm3.SM3(data + b"x").hexdigest()
    assert (sm3.SM3.name, sm3.SM3.digest_size, sm3.SM3.block_size) == ("sm3", 32, 64)


# Digests of bytes((7 * i) % 256 for i in range(n)) computed with OpenSSL 3.0 (`openssl dgst -sm3`
# gives the same): lengths around the 55/56/64-byte padding boundaries and several blocks.
BOUNDARIES = [
    (0, "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"),
    (1, "2daef60e7a0b8f5e024c81cd2ab3109f2b4f155cf83adeb2ae5532f74a157fdf"),
    (55, "bb906f10dc23cd984ab17e9f40aa832ef0b817048ffc23800ab53231d2bd65c5"),
    (56, "3f6742a139a4d8208a8cc55516d6b63df0068cf8808a937d308964853c1ef11e"),
    (63, "ba49ac22c10d973ed8ac4131b99780f351040cf20b26a66b2f0a5491b36e8288"),
    (64, "05af7742af150e27f389620de2a5d866adc0582a079bb8a45d1067d5847adfdc"),
    (65, "5a8bf00de8292189d6941fa9292ef77096b41029e0467c164fdf5f988e6be6ec"),
    (119, "7f8630a15b47c4dabbe20c714ec4d649279aa8cee67d93a91793044b1c3fc9cb"),
    (120, "4cd8f7cf62ef04429f11be97b734e8e55428d3cadd1113cfc68b94601d23e9fb"),
    (128, "20da28d0b684b10e9c2dd79dcde40f5164c830c595232a2ce16f2d2c45cd459f"),
    (1000, "e530c5f66ef05f236bc0efa85a156f79acd748ab4e173498baa64fc6ed76cdfa"),
]


@pytest.mark.parametrize("n,digest", BOUNDARIES)
def test_padding_boundaries(n, digest):
    data = bytes((7 * i) % 256 for i in range(n))
    assert sm3.SM3(data).hexdigest() == digest
    assert sm3.new(data).hexdigest() == digest


def test_random_data_agrees_with_openssl_when_it_has_sm3():
    data = os.urandom(3000)
    if sm3.HASHLIB_HAS_SM3:
        assert sm3.SM3(data).hexdigest() == hashlib.new("sm3", data).hexdigest()
    else:  # this Python's OpenSSL has no SM3: new() is the fallback itself
        assert isinstance(sm3.new(), sm3.SM3)


def test_fallback_is_used_when_openssl_has_no_sm3(monkeypatch):
    monkeypatch.setattr(sm3, "_hashlib_sm3", lambda: None)
    h = sm3.new(b"abc")
    assert isinstance(h, sm3.SM3)
    assert h.hexdigest() == VECTORS[0][1]


def test_file_digest():
    assert sm3.file_digest(io.BytesIO(b"abcd" * 16)) == VECTORS[1][1]
    assert sm3.file_digest(io.BytesIO(b"abc"), "sha256") == hashlib.sha256(b"abc").hexdigest()

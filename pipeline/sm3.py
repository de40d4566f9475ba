"""Old import path of `pipeline.archive.sm3` (SM3 digests, GB/T 32905-2016), kept for users."""

from .archive.sm3 import HASHLIB_HAS_SM3, SM3, file_digest, new, sm3_hex

__all__ = ["new", "sm3_hex", "SM3", "HASHLIB_HAS_SM3", "file_digest"]

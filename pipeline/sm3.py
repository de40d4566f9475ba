"""Old import path of `pipeline.archive.sm3` (SM3 digests, GB/T 32905-2016), kept for users."""

from .archive.sm3 import *  # noqa: F403 - the same public names, listed once in archive/sm3.py
from .archive.sm3 import __all__  # noqa: F401

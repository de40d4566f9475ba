"""Writing files so that a reader never sees a half-written one and no user file is overwritten unasked."""

from __future__ import annotations

import os
import tempfile


class OutputExists(Exception):
    """The target exists and overwriting was not asked for."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


def write_atomic(path: str, data: bytes, overwrite: bool = False) -> None:
    """Write `data` to a temporary file beside `path`, then rename it into place."""
    if not overwrite and os.path.exists(path):
        raise OutputExists(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=directory)
    try:
        # mkstemp creates the file 0600; give it the mode an ordinary new file (or the file it
        # replaces) would have, so a colleague or a file share can still read it.
        os.chmod(temp, mode_for(path))
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        place(temp, path, overwrite)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def place(temp: str, path: str, overwrite: bool) -> None:
    """Move a finished temporary file to `path`; without `overwrite`, never replace an existing file."""
    if overwrite:
        os.replace(temp, path)
        return
    # link() fails if the target appeared meanwhile: never clobber a user's file.
    try:
        os.link(temp, path)
    except FileExistsError:
        raise OutputExists(path) from None
    except OSError:
        if os.path.exists(path):
            raise OutputExists(path) from None
        os.replace(temp, path)


def mode_for(path: str) -> int:
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask

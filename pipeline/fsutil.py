"""Writing files so that a reader never sees a half-written one and no user file is overwritten unasked."""

from __future__ import annotations

import errno
import os
import tempfile

_REASONS = {
    errno.EEXIST: "已有同名的文件",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.ENOENT: "路径不存在",
    errno.ENAMETOOLONG: "文件名太长",
}


def os_reason(exc: OSError) -> str:
    """A Chinese reason for an operating-system error, for messages users read."""
    return _REASONS.get(exc.errno, exc.strerror or "系统错误")


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

"""Writing files so that a reader never sees a half-written one and no user file is overwritten unasked."""

from __future__ import annotations

import errno
import os
import tempfile

from .errors import HuanjieError

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
    errno.EBUSY: "文件正被其他程序占用",
    errno.ETXTBSY: "文件正被其他程序占用",
    errno.EIO: "磁盘读写出错",
    errno.ELOOP: "路径中的快捷方式（符号链接）循环引用",
    errno.EMFILE: "同时打开的文件太多",
    errno.ENFILE: "同时打开的文件太多",
    errno.EFBIG: "文件太大",
    errno.EDQUOT: "磁盘配额已用完",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.EXDEV: "不能跨磁盘移动文件",
    errno.EINVAL: "文件名或路径无效",
}


def os_reason(exc: OSError) -> str:
    """A Chinese reason for an operating-system error, for messages users read."""
    # Never the operating system's own (English) text: users read only Chinese.
    reason = _REASONS.get(exc.errno) if exc.errno is not None else None
    if reason is None:
        name = errno.errorcode.get(exc.errno) if isinstance(exc.errno, int) else None
        reason = f"系统错误 {name}" if name else "系统错误"
    return reason


def file_in_path(path: str) -> str | None:
    """The first component of `path` (or `path` itself) that exists and is not a folder, if any."""
    current = os.path.abspath(path)
    parts = []
    while True:
        parts.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for part in reversed(parts):
        if os.path.lexists(part) and not os.path.isdir(part):
            return part
        if not os.path.exists(part):
            return None
    return None


def make_dirs(path: str) -> None:
    """os.makedirs(exist_ok=True), but a file standing where a folder should be is ENOTDIR, not EEXIST.

    (makedirs reports "File exists" when a component of the path is a file, which reads as
    "已有同名的文件" and does not tell the user which part of the path is wrong.)
    """
    try:
        os.makedirs(path, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = file_in_path(path)
        if blocker is None:
            raise
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), blocker) from None


class OutputExists(HuanjieError):
    """The target exists and overwriting was not asked for."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


def write_atomic(path: str, data: bytes, overwrite: bool = False) -> None:
    """Write `data` to a temporary file beside `path`, then rename it into place."""
    if not overwrite and os.path.exists(path):
        raise OutputExists(path)
    directory = os.path.dirname(os.path.abspath(path))
    make_dirs(directory)
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

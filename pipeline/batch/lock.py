"""One writer per batch output: the lock file ``.huanjie-batch.lock`` in OUT, its holder, stale locks taken over.

`run_batch` takes the lock before it cleans anything in OUT and releases it when the run ends (finished,
failed or interrupted). The file holds the holder's pid, host and start time (JSON); it is held with
``fcntl.flock`` as long as the holder's process (and its pool workers) live, so a lock whose process was
killed, even with SIGKILL, is free again: the next run takes it over with a notice. Where ``flock`` is not
available, the pid decides (alive on this host: held). `holder` lets a reader of OUT (archive, summary) ask
whether a batch is writing it right now.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass

from ..procs import pid_alive
from .folders import BatchError

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

__all__ = ["LOCK_FILE", "Holder", "BatchLocked", "BatchLock", "holder", "holder_above", "refuse_while_writing"]

LOCK_FILE = ".huanjie-batch.lock"


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) the lock of an OUT."""

    pid: int
    host: str
    started: str  # ISO time, local

    def who(self) -> str:
        """“进程 1234，始于 2026-12-01 23:10:05” (the host too when it is another machine)."""
        when = self.started.replace("T", " ")[:19] or "时间不明"
        where = "" if self.host == socket.gethostname() else f"计算机 {self.host} 上的"
        return f"{where}进程 {self.pid}，始于 {when}"


class BatchLocked(BatchError):
    """Another huanjie batch is writing this OUT (exit code 2); nothing was changed."""

    def __init__(self, message: str, holder: Holder):
        super().__init__(message)
        self.holder = holder


def _read(path: str) -> Holder:
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read(4096).decode("utf-8"))
        return Holder(int(data.get("pid", 0)), str(data.get("host", "")), str(data.get("started", "")))
    except (OSError, ValueError, TypeError, AttributeError):
        return Holder(0, "", "")


def _flock(fd: int) -> bool | None:
    """Try the exclusive lock: True taken, False held by another, None when this file system has no flock."""
    if fcntl is None:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError:
        return None


def _alive(info: Holder) -> bool:
    return info.host != socket.gethostname() or pid_alive(info.pid) if info.pid else False


def holder(out: str) -> Holder | None:
    """The live holder of the lock of `out`, or None when no batch is writing it."""
    path = os.path.join(out, LOCK_FILE)
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        taken = _flock(fd)
        info = _read(path)
        if taken is None:
            return info if _alive(info) else None
        return None if taken else info
    finally:
        os.close(fd)  # closing drops the probe's own lock, if it took one


def holder_above(path: str) -> tuple[str, Holder] | None:
    """The batch writing `path` or a folder above it right now: (its OUT, holder), or None."""
    current = os.path.abspath(path)
    while True:
        found = holder(current)
        if found is not None:
            return current, found
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def refuse_while_writing(path: str, then: str) -> None:
    """BatchLocked when a batch is writing `path` or a folder above it; `then` says what to do instead."""
    found = holder_above(path)
    if found is not None:
        out, info = found
        raise BatchLocked(f"另一个 huanjie batch（{info.who()}）正在写入输出文件夹 {out}；{then}", info)


def refusal(out: str, info: Holder) -> str:
    return f"另一个 huanjie batch（{info.who()}）正在写入此输出文件夹 {out}；请等它完成后再运行，或换一个 -o。"


class BatchLock:
    """The lock of one OUT, held by this process from `acquire` to `release`."""

    def __init__(self, out: str):
        self.out = out
        self.path = os.path.join(out, LOCK_FILE)
        self.fd: int | None = None
        self.notice = ""  # set when a stale lock was taken over

    def check_free(self) -> None:
        """Before OUT is touched: BatchLocked if a live batch holds it; a stale lock file is noted and removed."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            taken = _flock(fd)
            info = _read(self.path)
            if taken is False or (taken is None and _alive(info)):
                raise BatchLocked(refusal(self.out, info), info)
            try:
                if os.path.samestat(os.fstat(fd), os.stat(self.path)):  # not a new run's lock meanwhile
                    os.unlink(self.path)
            except FileNotFoundError:
                pass
        finally:
            os.close(fd)
        self.notice = (
            f"输出文件夹 {self.out} 中有上次运行留下的锁文件 {LOCK_FILE}（{info.who()}，该进程已不在运行），"
            "已接管；上次运行可能被中断，本次会修复并继续。"
        )

    def acquire(self, prepare: Callable[[], None] = lambda: None) -> None:
        """Take the lock; `prepare` (the checks that create OUT) runs first, once the lock is known free.

        The lock file is written and locked under a temporary name and linked into place, so it never
        appears empty or unlocked; link() fails when another run's lock is there.
        """
        self.check_free()
        try:
            prepare()
        except BatchError:
            info = holder(self.out)  # another run took it meanwhile: say so, not that OUT is foreign
            if info is not None:
                raise BatchLocked(refusal(self.out, info), info) from None
            raise
        body = {
            "program": "huanjie batch",
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        temp = os.path.join(self.out, f".~{LOCK_FILE}-{os.getpid()}.tmp")
        fd = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            _flock(fd)
            os.write(fd, json.dumps(body, ensure_ascii=False).encode("utf-8") + b"\n")
            os.fsync(fd)
            for _ in range(3):
                try:
                    os.link(temp, self.path)
                    break
                except FileExistsError:
                    self.check_free()  # raises while a live run holds it; a stale one is removed
                except OSError:  # no hard links on this file system: create the lock file itself
                    os.close(fd)
                    fd = -1
                    fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
                    _flock(fd)
                    os.write(fd, json.dumps(body, ensure_ascii=False).encode("utf-8") + b"\n")
                    break
            else:
                info = holder(self.out) or Holder(0, "", "")
                raise BatchLocked(refusal(self.out, info), info)
        except BaseException:
            if fd >= 0:
                os.close(fd)
            raise
        finally:
            os.unlink(temp)
        self.fd = fd

    def release(self) -> None:
        """Remove the lock file, then let go of it (the file is gone before another run can take it)."""
        if self.fd is None:
            return
        try:
            os.unlink(self.path)
        except OSError:
            pass
        os.close(self.fd)
        self.fd = None

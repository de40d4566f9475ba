"""Child processes that die with their parent: the death signal, a guard for LibreOffice, and whether a pid lives.

A worker of the batch pool and a LibreOffice call must never outlive the huanjie process that started them,
even when it is killed with SIGKILL (no Python code runs then). Three means, each covering the others' gaps:

* Linux's death signal (``prctl(PR_SET_PDEATHSIG)``): the kernel signals the child when its parent dies. It is
  set in the child, so the parent may already be gone by then (the fork race): the child checks its parent's
  pid right after setting it. It is not inherited by the child's own children.
* A watcher thread in a pool worker (`die_with_parent`): it ends the worker when the parent's sentinel (the
  pipe multiprocessing gives every child) closes or ``os.getppid()`` changes. This works where there is no
  death signal (macOS, the BSDs).
* `guarded(command)`: LibreOffice is a shell script that runs ``oosplash``, which starts ``soffice.bin`` as its
  child: a death signal on the script reaches only oosplash. So the command is run under a small guard, the
  leader of a new process group (start it with ``start_new_session=True``); when huanjie dies, the guard
  gets its death signal (or sees its parent change) and kills its whole group, soffice.bin included. Killing
  the group (`kill_group`) stops everything the call started; the guard passes on the command's exit code.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading

__all__ = ["set_death_signal", "die_with_parent", "guarded", "kill_group", "pid_alive"]

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 1.0  # how often the portable fallbacks look at the parent


def set_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Ask the kernel to send `sig` to this process when its parent (thread) ends; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _parent_pid() -> tuple[int, object | None]:
    """The pid of the process that started this one and, in a multiprocessing child, its sentinel."""
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is not None and parent.pid is not None:
        return parent.pid, getattr(parent, "sentinel", None)
    return os.getppid(), None


def die_with_parent() -> None:
    """In a child process: end at once (os._exit) when the parent dies, even by SIGKILL (see the module docstring)."""
    from multiprocessing.connection import wait

    set_death_signal(signal.SIGKILL)
    parent, sentinel = _parent_pid()
    first = os.getppid()

    def gone(timeout: float) -> bool:
        if sentinel is not None:
            try:
                if wait([sentinel], timeout=timeout):  # type: ignore[list-item]
                    return True
            except OSError:
                pass
        elif timeout:
            threading.Event().wait(timeout)
        return os.getppid() != first or not pid_alive(parent)

    if gone(0):
        os._exit(1)  # the parent died before the death signal was set (the fork race)

    def watch() -> None:
        while not gone(POLL_SECONDS):
            pass
        os._exit(1)

    threading.Thread(target=watch, name="huanjie-parent-watch", daemon=True).start()


# The guard runs as `python -I -S -c _GUARD PARENT_PID COMMAND…`: only the standard library, started in
# well under 100 ms. It is the leader of its process group; its SIGTERM (its death signal, or a timer
# that finds its parent changed) kills the whole group with SIGKILL.
_GUARD = r"""
import ctypes, ctypes.util, os, signal, sys
parent = int(sys.argv[1])
def end(*_):
    os.killpg(os.getpgrp(), signal.SIGKILL)
signal.signal(signal.SIGTERM, end)
if sys.platform.startswith("linux"):
    try:
        ctypes.CDLL(ctypes.util.find_library("c") or None).prctl(1, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass
if os.getppid() != parent:
    end()
child = os.fork()
if child == 0:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
def look(*_):
    if os.getppid() != parent:
        end()
signal.signal(signal.SIGALRM, look)
signal.setitimer(signal.ITIMER_REAL, 1.0, 1.0)
_, status = os.waitpid(child, 0)
signal.setitimer(signal.ITIMER_REAL, 0)
if os.WIFSIGNALED(status):
    signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    os.kill(os.getpid(), os.WTERMSIG(status))
os._exit(os.waitstatus_to_exitcode(status))
"""


def guarded(command: list[str]) -> list[str]:
    """`command` run under the guard: start it with ``start_new_session=True``; it dies with this process."""
    return [sys.executable, "-I", "-S", "-c", _GUARD, str(os.getpid()), *command]


def kill_group(pid: int) -> None:
    """SIGKILL to the process group led by `pid` (a call started with ``start_new_session=True``)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this machine (a zombie counts as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except OSError:
        return True

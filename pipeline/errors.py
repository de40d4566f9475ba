"""The one base of every public exception: a Chinese message for the user and the exit code the CLI maps it to.

Ground floor: imports nothing of huanjie. Each module keeps its own subclasses next to the code that raises them
(`render.RenderError`, `batch.BatchError`, `archive.ArchiveError` …); the CLI needs one ``except HuanjieError``.
Exit codes (README): 0 ok, 1 findings in the data, 2 unusable invocation or input.
"""

from __future__ import annotations

__all__ = ["HuanjieError", "DATA", "UNUSABLE"]

DATA = 1  # the input was read, but its data has problems (findings, a document whose data is missing)
UNUSABLE = 2  # the invocation or the input cannot be used at all


class HuanjieError(Exception):
    """A problem the user must fix; str() is a Chinese sentence; `code` is the exit code for the CLI."""

    code: int = UNUSABLE

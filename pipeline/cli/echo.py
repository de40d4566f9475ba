"""Printing for the command line: `echo` shows only visible text (no raw control, bidi or surrogate character)."""

from __future__ import annotations

from typing import Any

import click

from ..safetext import visible

__all__ = ["echo"]


def echo(message: Any = "", err: bool = False) -> None:
    """`click.echo` of `message` through `safetext.visible` (line breaks and tabs kept).

    Every line huanjie prints may quote a record, a file name or an exception: an ESC sequence, a bidi override or
    a lone surrogate in it is shown as ``\\x1b``, ``\\u202e``, ``\\ud800`` instead of driving the terminal or breaking
    the encoder.
    """
    click.echo(visible(str(message), keep="\n\t"), err=err)

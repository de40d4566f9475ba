"""Commented starter records (`huanjie new KIND`), one per election kind."""

from __future__ import annotations

from importlib import resources

from .errors import HuanjieError
from .words import KIND_ALIASES, KIND_NAMES

# The kinds (identifier -> Chinese name) and what a secretary may type instead: `pipeline.words`.
KINDS = KIND_NAMES
ALIASES = KIND_ALIASES


class UnknownKind(HuanjieError, ValueError):
    """An election kind that has no starter."""


def resolve_kind(name: str) -> str:
    kind = ALIASES.get(name.strip(), name.strip())
    if kind not in KINDS:
        raise UnknownKind(name)
    return kind


def starter_text(kind: str) -> str:
    """The starter record of `kind` (an identifier or a Chinese alias) as UTF-8 text."""
    kind = resolve_kind(kind)
    return resources.files("pipeline").joinpath("starters", f"{kind}.yaml").read_text(encoding="utf-8")

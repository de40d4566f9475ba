"""Commented starter records (`huanjie new KIND`), one per election kind, and variants such as 公推直选."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any

from .errors import HuanjieError
from .words import KIND_ALIASES, KIND_NAMES

# The kinds (identifier -> Chinese name) and what a secretary may type instead: `pipeline.words`.
KINDS = KIND_NAMES
ALIASES = KIND_ALIASES

# Starters of one kind's particular way of electing (file stem -> (kind, Chinese name)): a 党支部 that elects by
# 公推直选 (issue 14) fills in the `gongtui` steps the plain 党支部 starter does not have.
VARIANTS: dict[str, tuple[str, str]] = {
    "party_branch-gongtui": ("party_branch", "党支部委员会公推直选"),
}
VARIANT_ALIASES: dict[str, str] = {
    "gongtui": "party_branch-gongtui",
    "公推直选": "party_branch-gongtui",
    "党支部公推直选": "party_branch-gongtui",
    "公推直选党支部": "party_branch-gongtui",
}


class UnknownKind(HuanjieError, ValueError):
    """An election kind that has no starter."""


def resolve_starter(name: str) -> str:
    """The starter a secretary means: a kind identifier or a variant's file stem (公推直选 → party_branch-gongtui)."""
    key = name.strip()
    key = VARIANT_ALIASES.get(key, ALIASES.get(key, key))
    if key not in KINDS and key not in VARIANTS:
        raise UnknownKind(name)
    return key


def resolve_kind(name: str) -> str:
    """The election kind of what `name` names (公推直选 is a party_branch)."""
    key = resolve_starter(name)
    return VARIANTS[key][0] if key in VARIANTS else key


def starter_title(name: str) -> str:
    """The Chinese name of the starter `name` names: 居民委员会, 党支部委员会公推直选."""
    key = resolve_starter(name)
    return VARIANTS[key][1] if key in VARIANTS else KINDS[key]


def starter_of(data: Mapping[str, Any]) -> str:
    """The starter a record was begun from, by its content: a 党支部 record with `gongtui` is a 公推直选 one."""
    kind = str(data.get("kind") or "")
    if kind == "party_branch" and isinstance(data.get("gongtui"), dict):
        return "party_branch-gongtui"
    return kind


def variants_text() -> str:
    """The sentence the unknown-kind message adds: 另有样板：公推直选（党支部委员会公推直选）。"""
    names: dict[str, str] = {}
    for alias, stem in VARIANT_ALIASES.items():
        if not alias.isascii():
            names.setdefault(VARIANTS[stem][1], alias)
    return "另有样板：" + "、".join(f"{alias}（{title}）" for title, alias in names.items()) + "。"


def starter_text(kind: str) -> str:
    """The starter record of `kind` (an identifier, a Chinese alias or a variant such as 公推直选) as UTF-8 text."""
    stem = resolve_starter(kind)
    return resources.files("pipeline").joinpath("starters", f"{stem}.yaml").read_text(encoding="utf-8")

"""Commented starter records (`huanjie new KIND`), one per election kind."""

from __future__ import annotations

from importlib import resources

from .errors import HuanjieError

KINDS = {
    "village_committee": "村民委员会",
    "residents_committee": "居民委员会",
    "party_branch": "党支部委员会",
    "deputy": "县乡人大代表",
    "building_leader": "楼栋长/居民小组长",
}

# What a secretary may type instead of the identifier.
ALIASES = {
    "村委会": "village_committee",
    "村民委员会": "village_committee",
    "居委会": "residents_committee",
    "居民委员会": "residents_committee",
    "党支部": "party_branch",
    "党支部委员会": "party_branch",
    "人大代表": "deputy",
    "人大": "deputy",
    "县乡人大代表": "deputy",
    "楼栋长": "building_leader",
    "居民小组长": "building_leader",
}


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

"""Rule profiles: the parameters of each election kind and legal basis, as data.

Profiles live in `profiles/*.yaml` (one per kind and basis) and `profiles/provinces/*.yaml`
(overrides keyed by base profile id). Thresholds are exact fractions: "more than half" of 1486
is `2 * x > 1486`, never a float comparison.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ..errors import HuanjieError
from ..model import election_day

KIND_NAMES = {
    "village_committee": "村民委员会",
    "residents_committee": "居民委员会",
    "party_branch": "党支部委员会",
    "deputy": "县乡人大代表",
    "building_leader": "楼栋长/居民小组长",
}


class ProfileError(HuanjieError, ValueError):
    """A record names a profile or legal basis that does not exist; the message is for the user."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Threshold:
    """`value` passes when value/base > fraction (or >= when inclusive)."""

    fraction: Fraction
    inclusive: bool

    @classmethod
    def from_spec(cls, spec: dict) -> Threshold:
        return cls(Fraction(str(spec["fraction"])), bool(spec.get("inclusive", False)))

    def passes(self, value: int, base: int) -> bool:
        needed = self.fraction * base
        return value >= needed if self.inclusive else value > needed

    def minimum(self, base: int) -> int:
        """The smallest whole number that passes."""
        needed = self.fraction * base
        if self.inclusive:
            return math.ceil(needed)
        return math.floor(needed) + 1

    def describe(self) -> str:
        """Chinese wording: 过半数 / 超过三分之二 / 不少于三分之一."""
        names = {
            Fraction(1, 2): "半数",
            Fraction(2, 3): "三分之二",
            Fraction(4, 5): "五分之四",
            Fraction(1, 3): "三分之一",
        }
        name = names.get(self.fraction, f"{self.fraction.numerator}/{self.fraction.denominator}")
        return f"不少于{name}" if self.inclusive else f"超过{name}"


@dataclass(frozen=True)
class Profile:
    """One resolved profile (base plus province overrides)."""

    data: dict
    province: str = "default"

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def kind(self) -> str:
        return self.data["kind"]

    def cite(self, article: str | None) -> str:
        """Citation text: 《…》第十八条, or the law alone when the article is unknown."""
        article = (article or "").strip()
        if not article:
            return self.data["law"]
        if article.startswith("第"):
            return f"{self.data['law'].split('、')[0]}{article}"
        return article

    def threshold(self, section: str, method: str | None = None) -> Threshold:
        spec = dict(self.data[section])
        if method and method in (spec.get("by_method") or {}):
            spec.update(spec["by_method"][method])
        return Threshold.from_spec(spec)


def _read_yaml(name: str) -> dict:
    text = resources.files("pipeline.rules").joinpath("profiles", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def base_profiles() -> dict[str, dict]:
    folder = resources.files("pipeline.rules").joinpath("profiles")
    out = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".yaml"):
            data = _read_yaml(entry.name)
            out[data["id"]] = data
    return out


@cache
def provinces() -> dict[str, dict]:
    folder = resources.files("pipeline.rules").joinpath("profiles", "provinces")
    return {e.name[:-5]: _read_yaml(f"provinces/{e.name}") for e in folder.iterdir() if e.name.endswith(".yaml")}


def _merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def default_basis(kind: str, day: dt.date | None) -> int | str:
    """The legal basis that applies to an election of `kind` held on `day`."""
    candidates = [p for p in base_profiles().values() if p["kind"] == kind]
    if day is not None:
        for p in candidates:
            start = dt.date.fromisoformat(str(p["applies_from"]))
            end = dt.date.fromisoformat(str(p["applies_until"])) if p.get("applies_until") else dt.date.max
            if start <= day <= end:
                return p["legal_basis"]
    # No date yet: the newest rules.
    return max(candidates, key=lambda p: str(p["applies_from"]))["legal_basis"]


def select(record: dict) -> Profile:
    """The profile a record names (kind, legal_basis, profile), with defaults by kind and date."""
    kind = record["kind"]
    basis = record.get("legal_basis") or default_basis(kind, election_day(record))
    profile_id = f"{kind}-{basis}"
    bases = base_profiles()
    if profile_id not in bases:
        available = "、".join(str(p["legal_basis"]) for p in bases.values() if p["kind"] == kind)
        raise ProfileError(
            f"{KIND_NAMES[kind]}选举没有 {basis} 版规则；可用的法律依据版本：{available}。", "legal_basis"
        )
    data = bases[profile_id]
    province = record.get("profile") or "default"
    if province != "default":
        table = provinces()
        if province not in table:
            known = "、".join(["default", *sorted(table)])
            raise ProfileError(f"没有名为“{province}”的规则配置；可用：{known}。", "profile")
        data = _merge(data, table[province].get(profile_id, {}))
    return Profile(data=data, province=province)

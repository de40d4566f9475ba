"""Rule profiles: the legal parameters of each election kind and basis, read from data and checked once, as types.

Profiles live in `profiles/*.yaml` (one per kind and legal basis) and `profiles/provinces/*.yaml` (overrides
keyed by base profile id, merged key by key). `build_profile` turns one profile mapping into a frozen `Profile`
(a dataclass per section: `SizeRule`, `TurnoutRule`, `WinRule` …) or returns every problem it found as
`(key, error)` pairs; the shipped files are program data, so a broken one raises `InvalidProfile` listing them
all. Built profiles are cached for the process: they are immutable.

Thresholds are exact fractions: "more than half" of 1486 is `2 * x > 1486`, never a float comparison.
Ground floor: imports only `errors` and `words`.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any, Literal, cast

import yaml

from .errors import UNUSABLE, HuanjieError
from .words import FRACTION_NAMES, KIND_NAMES, METHOD_NAMES, fraction_name

__all__ = [
    "KIND_NAMES",
    "Problem",
    "ProfileError",
    "InvalidProfile",
    "Threshold",
    "Citing",
    "WomenRule",
    "SizeRule",
    "Deadline",
    "Deadlines",
    "ObjectionRule",
    "SurplusRule",
    "TurnoutRule",
    "WinRule",
    "RunoffFloor",
    "RunoffRule",
    "ProxyRule",
    "MobileBoxRule",
    "TellersRule",
    "NominationCap",
    "DeputyDistricts",
    "MinElected",
    "ReconciliationRule",
    "RelativeCheck",
    "RelativesRule",
    "VoterRollRule",
    "RecommendationRule",
    "Profile",
    "build_profile",
    "load_profile",
    "base_profiles",
    "provinces",
    "profiles",
    "profile_data",
    "default_basis",
    "in_force",
    "earliest",
    "election_day",
    "select",
]

Problem = tuple[str, str]  # (key, error): "turnout.fraction", "应为分数……"

Measure = Literal["participants", "present"]
TurnoutBase = Literal["registered", "expected"]
FloorBase = Literal["returned", "present"]
SurplusKind = Literal["more_than_seats", "ratio_range", "min_percent", "none"]
Scope = Literal["overall", "per_post"]
Reconciliation = Literal["returned_le_issued", "returned_le_participants", "returned_le_present"]
Section = Literal["turnout", "win"]


class ProfileError(HuanjieError, ValueError):
    """A record names a profile or legal basis that does not exist; the message is for the user."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class InvalidProfile(HuanjieError, ValueError):
    """A profile file of the program is broken; `problems` lists every `(key, error)` found in it."""

    code = UNUSABLE

    def __init__(self, name: str, problems: list[Problem]):
        lines = "\n".join(f"  {key or '（整个文件）'}：{error}" for key, error in problems)
        super().__init__(f"规则配置 {name} 有误，共 {len(problems)} 处：\n{lines}")
        self.name = name
        self.problems = problems


# --------------------------------------------------------------------------------------------
# The typed profile
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Threshold:
    """`value` passes when value/base > fraction (or >= when inclusive)."""

    fraction: Fraction
    inclusive: bool

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> Threshold:
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
        name = fraction_name(self.fraction, FRACTION_NAMES)
        return f"不少于{name}" if self.inclusive else f"超过{name}"


@dataclass(frozen=True)
class Citing:
    """A rule that is on or off, with the article it cites (`women_required`, `committee_withdraws`)."""

    article: str


@dataclass(frozen=True)
class Publicity:
    """The results are posted for a set time (公示期) in which objections go to `to`, citing `article`."""

    days: int
    to: str
    article: str


@dataclass(frozen=True)
class Filing:
    """The elected are filed (备案) with `to` on a 备案表 titled `title`; the body records, it does not review."""

    to: str
    title: str
    article: str


WomenRemedy = Literal["reserved_seat", "runoff_among_women", "warning"]


@dataclass(frozen=True)
class WomenRule:
    """`women_required`: at least one woman member, and what follows when the final tally elects none.

    `remedy`: `reserved_seat` (四川 §34: the woman with the most votes above half takes a `post` seat, else one
    `post` seat is elected again among women), `runoff_among_women` (one `post` seat elected again among
    women), `warning` (the law says no more: only a warning)."""

    article: str
    remedy: WomenRemedy = "warning"
    post: str = "委员"


@dataclass(frozen=True)
class SizeRule:
    """Seats of the body elected, per contest: `min` to `max`; below `min_registered` voters no rule."""

    min: int
    max: int
    article: str
    severity: Literal["error", "warning"] = "error"
    per: str | None = None
    min_registered: int | None = None


@dataclass(frozen=True)
class Deadline:
    """A list published at least `days` before 选举日."""

    days: int
    article: str


@dataclass(frozen=True)
class Deadlines:
    """The publication deadlines of the voter list and the initial and formal candidate lists."""

    voter_list: Deadline | None
    initial_candidates: Deadline | None
    formal_candidates: Deadline | None

    def get(self, key: str) -> Deadline | None:
        """The deadline of a list by its key (`voter_list` …), None without one."""
        value: Deadline | None = getattr(self, key)
        return value


@dataclass(frozen=True)
class ObjectionRule:
    """Objections to the voter list within `days` (from the next day), decided within `decision_days`."""

    days: int
    decision_days: int
    article: str


@dataclass(frozen=True)
class SurplusRule:
    """差额: how many more formal candidates than seats (see `rules.surplus`)."""

    rule: SurplusKind
    scope: Scope
    article: str
    ratio: tuple[Fraction, Fraction] | None = None
    percent: Fraction | None = None
    exempt_posts: tuple[str, ...] = ()
    per_post_extra: Mapping[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class TurnoutRule:
    """Is a round valid: `measure` against `base` (expected = registered − excluded) passes the fraction."""

    measure: Measure
    base: TurnoutBase
    fraction: Fraction
    inclusive: bool
    article: str
    by_method: Mapping[str, Threshold] = field(default_factory=dict)
    boundary_disputed: bool = False

    def threshold(self, method: str | None = None) -> Threshold:
        """The threshold for a method (its own under `by_method`, else the rule's)."""
        if method and method in self.by_method:
            return self.by_method[method]
        return Threshold(self.fraction, self.inclusive)


@dataclass(frozen=True)
class WinRule:
    """Votes a candidate needs in a first round, against `base`."""

    base: Measure
    fraction: Fraction
    inclusive: bool
    article: str
    by_method: Mapping[str, Threshold] = field(default_factory=dict)

    def threshold(self, method: str | None = None) -> Threshold:
        if method and method in self.by_method:
            return self.by_method[method]
        return Threshold(self.fraction, self.inclusive)


@dataclass(frozen=True)
class RunoffFloor:
    """The least votes that win a 另行选举: a share of the ballots returned or of those present."""

    fraction: Fraction
    base: FloorBase
    inclusive: bool

    @property
    def threshold(self) -> Threshold:
        return Threshold(self.fraction, self.inclusive)


@dataclass(frozen=True)
class RunoffRule:
    """另行选举: its floor, and its candidates: seats + `extra_candidates` (a number, or "ratio")."""

    floor: RunoffFloor
    extra_candidates: int | Literal["ratio"]
    article: str


@dataclass(frozen=True)
class ProxyRule:
    """委托投票."""

    allowed: bool
    article: str
    max_per_holder: int | None = None
    candidates_may_hold: bool = True
    relatives_only: bool = False
    forbidden_methods: tuple[str, ...] = ()


@dataclass(frozen=True)
class MobileBoxRule:
    """流动票箱: allowed at all and per method, and the least tellers per box."""

    allowed: bool
    article: str
    min_tellers: int = 0
    forbidden_methods: tuple[str, ...] = ()


@dataclass(frozen=True)
class TellersRule:
    """监票人: whether a candidate may serve as one."""

    candidates_barred: bool
    article: str


@dataclass(frozen=True)
class NominationCap:
    """One nominator may not nominate more candidates than seats, except those named here (选民联名)."""

    article: str
    exempt_nominators: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeputyDistricts:
    """人大 选区 work: the articles on 选民登记 (its changes add up), 联名推荐 (fewest co-signers) and 预选."""

    registration_article: str
    cosigners: int
    cosigners_article: str
    preselection_article: str
    # 每一选区选一名至三名代表 (选举法第二十五条): outside the range is an error.
    seats_min: int = 1
    seats_max: int = 3
    seats_article: str = ""
    # 各选区每一代表所代表的人口数应当大致相等 (the same article): a 选区 whose voters per seat differ from the
    # record's average by more than `balance_percent` % is a hint (the law sets no figure). None: not checked.
    balance_percent: int | None = None
    balance_article: str = ""


@dataclass(frozen=True)
class WomenShare:
    """A share of the 代表 elected that must be women (妇女村民代表…三分之一以上), for the bodies named."""

    fraction: Fraction
    severity: Literal["error", "warning"]
    article: str
    bodies: tuple[str, ...]  # the `body` values it applies to (a record without `body` is the first)


@dataclass(frozen=True)
class MinElected:
    """The fewest members a body may have once the tally is final (fewer: elect again)."""

    count: int
    article: str


@dataclass(frozen=True)
class ReconciliationRule:
    """Ballots returned may not exceed those issued, the participants or those present."""

    rule: Reconciliation
    article: str


@dataclass(frozen=True)
class RelativeCheck:
    """One 近亲属回避 check: the severity of its finding and the article it cites."""

    severity: Literal["error", "warning"]
    article: str


@dataclass(frozen=True)
class RelativesRule:
    """近亲属回避: which checks apply (None: not under this profile).

    `committee`: a 选举委员会 member whose near relative stands must withdraw; `tellers`: a candidate's near
    relative may not serve as 监票人; `elected`: no two members elected are near relatives, and with
    `keep_by_post` the province's rule of who keeps the post (no one declared: the higher post, then more votes,
    then a revote).
    """

    committee: RelativeCheck | None = None
    tellers: RelativeCheck | None = None
    elected: RelativeCheck | None = None
    keep_by_post: bool = False
    # `committee_members`: the same term's 村（居）民委员会 members and their near relatives may not serve on the body
    # elected (村务监督委员会, 村委会法第三十二条); the members are the record's `same_term.committee_members`.
    committee_members: RelativeCheck | None = None


@dataclass(frozen=True)
class VoterRollRule:
    """The roll's checks and privacy (`voter_roll`): the voting age on the election day and the article that sets
    it (None: no age check), and how many leading and trailing characters of an ID number a document that must
    print one (the 选民证) keeps, the rest masked (`idnumber.mask`); posted notices never print one."""

    min_age: int | None = None
    article: str = ""
    id_mask: tuple[int, int] = (6, 4)


@dataclass(frozen=True)
class RecommendationRule:
    """公推直选's 推荐 stage: how 党员推荐 and 群众推荐 votes make the 候选人预备人选 (see `pipeline.gongtui`).

    Each recommended person's score is `members_weight` × (党员推荐票 / 参加党员推荐人数) + `masses_weight` ×
    (群众推荐票 / 参加群众推荐人数), exact fractions; only those whose 党员推荐票 pass `members_min` (and 群众推荐票
    `masses_min`, when set) qualify, and the best `seats + ⌈seats × surplus_percent / 100⌉` become 预备人选.
    """

    members_weight: Fraction
    masses_weight: Fraction
    members_min: Threshold | None
    masses_min: Threshold | None
    surplus_percent: Fraction
    article: str


@dataclass(frozen=True)
class Profile:
    """One resolved profile (base plus province overrides), checked and typed."""

    id: str
    kind: str
    legal_basis: int | str
    law: str
    short_law: str
    applies_from: dt.date
    applies_until: dt.date | None
    size: SizeRule | None
    women_required: WomenRule | None
    committee_withdraws: Citing | None
    deadlines: Deadlines
    objection: ObjectionRule | None
    surplus: SurplusRule
    turnout: TurnoutRule
    win: WinRule
    runoff: RunoffRule
    proxy: ProxyRule
    mobile_box: MobileBoxRule
    tellers: TellersRule | None
    nomination_cap: NominationCap | None
    min_elected: MinElected | None
    reconciliation: ReconciliationRule
    list_order: Literal["strokes", "votes"] = "strokes"
    strokes_convention: Literal["surname", "fullname"] = "surname"
    province: str = "default"
    # The text in force before `applies_from` that no shipped profile models ("": none known).
    preceded_by: str = ""
    # Reason categories of members left out of the expected attendance (`electorate.exclusions`); empty: any.
    exclusion_reasons: tuple[str, ...] = ()
    # 近亲属回避 (`pipeline.rules.relatives`); None: no relatives checks under this profile.
    relatives: RelativesRule | None = None
    # The basis as a posted document names it ("" : `law`): `law` may carry notes for people who keep the data
    # (地方实践, a year tag) that a notice must not print.
    law_cited: str = ""
    # 公示期 of the results notice (`results_publicity`); None: the notice states none.
    results_publicity: Publicity | None = None
    # 人大 选区 work (`pipeline.rules.districts`); None: not a 人大 profile.
    districts: DeputyDistricts | None = None
    # The basis as a posted document names it for one `body` of the kind (居务监督委员会: the 居委会法), else
    # `law_cited`.
    body_law: tuple[tuple[str, str], ...] = ()
    # The roll imported from a sheet (`voter_roll`): voting age and how ID numbers are masked in documents.
    voter_roll: VoterRollRule = VoterRollRule()
    # 公推直选's 推荐 stage (`pipeline.gongtui`); None: the profile sets no 推荐 rule.
    recommendation: RecommendationRule | None = None
    # 备案 of the elected with the 街道/乡镇 (备案表, document 33); None: the profile names no filing.
    filing: Filing | None = None
    # Women among the 代表 elected (`representative` records, REPRESENTATIVE-WOMEN); None: not required.
    women_share: WomenShare | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], province: str = "default") -> Profile:
        """The profile of a mapping as in the YAML files; `InvalidProfile` lists every problem."""
        return load_profile(data, province)

    def cite(self, article: str | None) -> str:
        """Citation text: 《…》第十八条, or the law alone when the article is unknown."""
        article = (article or "").strip()
        if not article:
            return self.law
        if article.startswith("第"):
            return f"{self.law.split('、')[0]}{article}"
        return article

    def threshold(self, section: Section, method: str | None = None) -> Threshold:
        """The turnout or win threshold for a method (`profile.turnout.threshold(method)` reads the same)."""
        return self.turnout.threshold(method) if section == "turnout" else self.win.threshold(method)


# --------------------------------------------------------------------------------------------
# Building and checking (every problem at once)
# --------------------------------------------------------------------------------------------
_MISSING: Any = object()

_TYPE_WORDS = {str: "文字", int: "整数", bool: " true 或 false", dict: "键值表", list: "列表"}


def _shown(value: object) -> str:
    return "null" if value is None else str(value)


class _Section:
    """One mapping of a profile, read key by key; problems go to a shared list under dotted keys."""

    def __init__(self, data: Mapping[str, Any], prefix: str, problems: list[Problem], known: tuple[str, ...]):
        self.data = data
        self.prefix = prefix
        self.problems = problems
        for key in data:
            if key not in known:
                self.problem(str(key), f"未知的键；此处可用的键：{'、'.join(known)}")

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def problem(self, name: str, error: str) -> None:
        self.problems.append((self.key(name), error))

    def raw(self, name: str, default: Any = _MISSING) -> Any:
        if name in self.data:
            return self.data[name]
        if default is _MISSING:
            self.problem(name, "缺少此键")
        return default

    def typed(self, name: str, kind: type, fallback: Any, default: Any = _MISSING, nullable: bool = False) -> Any:
        """The value of `name` when it has type `kind` (or is null and may be), else `fallback` and a problem."""
        value = self.raw(name, default)
        if value is _MISSING:
            return fallback
        if value is None and nullable:
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            null = "或 null" if nullable else ""
            self.problem(name, f"应为{_TYPE_WORDS[kind]}{null}，实为“{_shown(value)}”")
            return fallback
        return value

    def text(self, name: str, default: Any = _MISSING) -> str:
        value: str = self.typed(name, str, "", default)
        return value

    def integer(self, name: str, default: Any = _MISSING, nullable: bool = False, low: int = 0) -> int | None:
        value: int | None = self.typed(name, int, low, default, nullable)
        if value is not None and value < low:
            self.problem(name, f"应不小于 {low}，实为 {value}")
        return value

    def count(self, name: str, default: Any = _MISSING, low: int = 0) -> int:
        value = self.integer(name, default, low=low)
        return low if value is None else value

    def flag(self, name: str, default: Any = _MISSING) -> bool:
        value: bool = self.typed(name, bool, False, default)
        return value

    def choice(self, name: str, options: tuple[str, ...], default: Any = _MISSING) -> str:
        value = self.raw(name, default)
        if value is _MISSING:
            return options[0]
        if value not in options:
            self.problem(name, f"应为以下之一：{'、'.join(options)}；实为“{_shown(value)}”")
            return options[0]
        return cast(str, value)

    def fraction(self, name: str, default: Any = _MISSING, top: Fraction | None = Fraction(1)) -> Fraction:
        value = self.raw(name, default)
        if value is _MISSING:
            return Fraction(1, 2)
        return _fraction(value, self.key(name), self.problems, top)

    def words(self, name: str, options: Mapping[str, str] | None = None) -> tuple[str, ...]:
        """A list of strings (method identifiers when `options` is given); missing or null: empty."""
        value = self.raw(name, None)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(name, f"应为文字的列表，实为“{_shown(value)}”")
            return ()
        for item in value:
            if options is not None and item not in options:
                self.problem(name, f"未知的选举方式“{item}”；可用：{'、'.join(options)}")
        return tuple(value)

    def section(self, name: str, known: tuple[str, ...], nullable: bool = False) -> _Section | None:
        """A nested mapping (None when it is null and may be, or when it is broken)."""
        value = self.raw(name, None if nullable else _MISSING)
        if value is None or value is _MISSING:
            return None
        if not isinstance(value, Mapping):
            self.problem(name, f"应为键值表{'或 null' if nullable else ''}，实为“{_shown(value)}”")
            return None
        return _Section(value, self.key(name), self.problems, known)


def _fraction(value: object, key: str, problems: list[Problem], top: Fraction | None) -> Fraction:
    """An exact fraction from "1/2" or a whole number; 0 < value (≤ top when given)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        problems.append((key, f'应为分数，如 "1/2"，实为“{_shown(value)}”'))
        return Fraction(1, 2)
    try:
        result = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        problems.append((key, f'应为分数，如 "1/2"，实为“{_shown(value)}”'))
        return Fraction(1, 2)
    if result <= 0 or (top is not None and result > top):
        bound = f" 且不大于 {top}" if top is not None else ""
        problems.append((key, f"应大于 0{bound}，实为 {value}"))
    return result


def _date(s: _Section, name: str, nullable: bool = False) -> dt.date | None:
    value = s.raw(name)
    if value is _MISSING or (value is None and nullable):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        s.problem(name, f"应为日期，如 2026-01-01，实为“{_shown(value)}”")
        return None


def _thresholds(s: _Section, base: Threshold) -> dict[str, Threshold]:
    """`by_method`: a method's own fraction and inclusiveness, each defaulting to the section's."""
    out: dict[str, Threshold] = {}
    table = s.section("by_method", tuple(METHOD_NAMES), nullable=True)
    if table is None:
        return out
    for method in table.data:
        if method not in METHOD_NAMES:
            continue  # already said: an unknown key
        entry = table.section(str(method), ("fraction", "inclusive"))
        if entry is not None:
            out[str(method)] = Threshold(
                entry.fraction("fraction", str(base.fraction)), entry.flag("inclusive", base.inclusive)
            )
    return out


def _size(p: _Section) -> SizeRule | None:
    s = p.section("size", ("min", "max", "article", "per", "severity", "min_registered"), nullable=True)
    if s is None:
        return None
    low, high = s.count("min"), s.count("max")
    if high < low:
        s.problem("max", f"应不小于 min（{low}），实为 {high}")
    per = s.typed("per", str, None, None, nullable=True)
    return SizeRule(
        min=low,
        max=high,
        article=s.text("article"),
        severity=cast(Literal["error", "warning"], s.choice("severity", ("error", "warning"), "error")),
        per=per,
        min_registered=s.integer("min_registered", None, nullable=True),
    )


def _citing(p: _Section, name: str) -> Citing | None:
    s = p.section(name, ("article",), nullable=True)
    return None if s is None else Citing(article=s.text("article"))


def _publicity(p: _Section) -> Publicity | None:
    s = p.section("results_publicity", ("days", "to", "article"), nullable=True)
    if s is None:
        return None
    return Publicity(days=s.integer("days", low=1) or 1, to=s.text("to", ""), article=s.text("article", ""))


def _filing(p: _Section) -> Filing | None:
    s = p.section("filing", ("to", "title", "article"), nullable=True)
    if s is None:
        return None
    return Filing(to=s.text("to"), title=s.text("title"), article=s.text("article", ""))


def _districts(p: _Section) -> DeputyDistricts | None:
    s = p.section("districts", ("registration", "cosigners", "preselection", "seats", "balance"), nullable=True)
    if s is None:
        return None
    registration = s.section("registration", ("article",), nullable=True)
    cosigners = s.section("cosigners", ("count", "article"), nullable=True)
    preselection = s.section("preselection", ("article",), nullable=True)
    seats = s.section("seats", ("min", "max", "article"), nullable=True)
    balance = s.section("balance", ("percent", "article"), nullable=True)
    return DeputyDistricts(
        registration_article=registration.text("article", "") if registration else "",
        cosigners=cosigners.count("count", 10, low=1) if cosigners else 10,
        cosigners_article=cosigners.text("article", "") if cosigners else "",
        preselection_article=preselection.text("article", "") if preselection else "",
        seats_min=seats.count("min", 1, low=1) if seats else 1,
        seats_max=seats.count("max", 3, low=1) if seats else 3,
        seats_article=seats.text("article", "") if seats else "",
        balance_percent=balance.count("percent", 40, low=1) if balance else None,
        balance_article=balance.text("article", "") if balance else "",
    )


def _women_share(p: _Section) -> WomenShare | None:
    s = p.section("women_share", ("fraction", "severity", "article", "bodies"), nullable=True)
    if s is None:
        return None
    return WomenShare(
        fraction=s.fraction("fraction"),
        severity=cast(Literal["error", "warning"], s.choice("severity", ("error", "warning"), "error")),
        article=s.text("article"),
        bodies=s.words("bodies"),
    )


def _women(p: _Section) -> WomenRule | None:
    s = p.section("women_required", ("article", "remedy", "post"), nullable=True)
    if s is None:
        return None
    remedy = s.choice("remedy", ("reserved_seat", "runoff_among_women", "warning"), "warning")
    return WomenRule(article=s.text("article"), remedy=cast(WomenRemedy, remedy), post=s.text("post", "委员") or "委员")


def _deadlines(p: _Section) -> Deadlines:
    keys = ("voter_list", "initial_candidates", "formal_candidates")
    s = p.section("deadlines", keys)
    found: dict[str, Deadline | None] = dict.fromkeys(keys)
    if s is not None:
        for key in keys:
            entry = s.section(key, ("days", "article"), nullable=True)
            if entry is not None:
                found[key] = Deadline(days=entry.count("days"), article=entry.text("article"))
    return Deadlines(**found)


def _objection(p: _Section) -> ObjectionRule | None:
    s = p.section("objection", ("days", "decision_days", "article"), nullable=True)
    if s is None:
        return None
    return ObjectionRule(days=s.count("days"), decision_days=s.count("decision_days"), article=s.text("article"))


def _per_post_extra(s: _Section) -> dict[str, tuple[int, int]]:
    value = s.raw("per_post_extra", None)
    out: dict[str, tuple[int, int]] = {}
    if value is None:
        return out
    if not isinstance(value, Mapping):
        s.problem("per_post_extra", f"应为键值表（职位: [最少, 最多]），实为“{_shown(value)}”")
        return out
    for post, pair in value.items():
        ok = isinstance(pair, list) and len(pair) == 2 and all(type(n) is int and n >= 0 for n in pair)
        if not ok or pair[0] > pair[1]:
            s.problem(f"per_post_extra.{post}", f"应为 [最少, 最多] 两个不小于 0 的整数，实为“{_shown(pair)}”")
            continue
        out[str(post)] = (pair[0], pair[1])
    return out


def _surplus(p: _Section) -> SurplusRule:
    known = ("rule", "scope", "ratio", "percent", "exempt_posts", "per_post_extra", "article")
    s = p.section("surplus", known) or _Section({}, "surplus", [], known)
    rule = cast(SurplusKind, s.choice("rule", ("more_than_seats", "ratio_range", "min_percent", "none")))
    ratio: tuple[Fraction, Fraction] | None = None
    raw = s.raw("ratio", None if rule != "ratio_range" else _MISSING)
    if raw is not None and raw is not _MISSING:
        if isinstance(raw, list) and len(raw) == 2:
            low, high = (_fraction(x, f"surplus.ratio[{i}]", s.problems, None) for i, x in enumerate(raw))
            if high < low:
                s.problem("ratio", f"下限应不大于上限，实为“{_shown(raw)}”")
            ratio = (low, high)
        else:
            s.problem("ratio", f"应为 [下限, 上限] 两个分数，实为“{_shown(raw)}”")
    percent = None
    if "percent" in s.data or rule == "min_percent":
        percent = s.fraction("percent", top=None)
    return SurplusRule(
        rule=rule,
        scope=cast(Scope, s.choice("scope", ("overall", "per_post"))),
        article=s.text("article"),
        ratio=ratio,
        percent=percent,
        exempt_posts=s.words("exempt_posts"),
        per_post_extra=_per_post_extra(s),
    )


def _turnout(p: _Section) -> TurnoutRule:
    known = ("measure", "base", "fraction", "inclusive", "by_method", "boundary_disputed", "article")
    s = p.section("turnout", known) or _Section({}, "turnout", [], known)
    fraction, inclusive = s.fraction("fraction"), s.flag("inclusive", False)
    return TurnoutRule(
        measure=cast(Measure, s.choice("measure", ("participants", "present"))),
        base=cast(TurnoutBase, s.choice("base", ("registered", "expected"))),
        fraction=fraction,
        inclusive=inclusive,
        article=s.text("article"),
        by_method=_thresholds(s, Threshold(fraction, inclusive)),
        boundary_disputed=s.flag("boundary_disputed", False),
    )


def _win(p: _Section) -> WinRule:
    known = ("base", "fraction", "inclusive", "by_method", "article")
    s = p.section("win", known) or _Section({}, "win", [], known)
    fraction, inclusive = s.fraction("fraction"), s.flag("inclusive", False)
    return WinRule(
        base=cast(Measure, s.choice("base", ("participants", "present"))),
        fraction=fraction,
        inclusive=inclusive,
        article=s.text("article"),
        by_method=_thresholds(s, Threshold(fraction, inclusive)),
    )


def _runoff(p: _Section) -> RunoffRule:
    known = ("floor", "extra_candidates", "article")
    s = p.section("runoff", known) or _Section({}, "runoff", [], known)
    f = s.section("floor", ("fraction", "base", "inclusive")) or _Section({}, "runoff.floor", [], ())
    floor = RunoffFloor(
        fraction=f.fraction("fraction"),
        base=cast(FloorBase, f.choice("base", ("returned", "present"))),
        inclusive=f.flag("inclusive", False),
    )
    extra = s.raw("extra_candidates")
    if extra != "ratio" and (type(extra) is not int or extra < 0):
        if extra is not _MISSING:
            s.problem("extra_candidates", f"应为不小于 0 的整数或 ratio，实为“{_shown(extra)}”")
        extra = 1
    return RunoffRule(floor=floor, extra_candidates=extra, article=s.text("article"))


def _proxy(p: _Section) -> ProxyRule:
    known = (
        "allowed",
        "max_per_holder",
        "candidates_may_hold",
        "relatives_only",
        "forbidden_methods",
        "article",
    )
    s = p.section("proxy", known) or _Section({}, "proxy", [], known)
    return ProxyRule(
        allowed=s.flag("allowed"),
        article=s.text("article"),
        max_per_holder=s.integer("max_per_holder", None, nullable=True),
        candidates_may_hold=s.flag("candidates_may_hold", True),
        relatives_only=s.flag("relatives_only", False),
        forbidden_methods=s.words("forbidden_methods", METHOD_NAMES),
    )


def _mobile_box(p: _Section) -> MobileBoxRule:
    known = ("allowed", "min_tellers", "forbidden_methods", "article")
    s = p.section("mobile_box", known) or _Section({}, "mobile_box", [], known)
    return MobileBoxRule(
        allowed=s.flag("allowed"),
        article=s.text("article"),
        min_tellers=s.count("min_tellers", 0),
        forbidden_methods=s.words("forbidden_methods", METHOD_NAMES),
    )


def _tellers(p: _Section) -> TellersRule | None:
    s = p.section("tellers", ("candidates_barred", "article"), nullable=True)
    if s is None:
        return None
    return TellersRule(candidates_barred=s.flag("candidates_barred", False), article=s.text("article"))


def _nomination_cap(p: _Section) -> NominationCap | None:
    s = p.section("nomination_cap", ("exempt_nominators", "article"), nullable=True)
    if s is None:
        return None
    return NominationCap(article=s.text("article"), exempt_nominators=s.words("exempt_nominators"))


def _min_elected(p: _Section) -> MinElected | None:
    s = p.section("min_elected", ("count", "article"), nullable=True)
    return None if s is None else MinElected(count=s.count("count", low=1), article=s.text("article"))


def _reconciliation(p: _Section) -> ReconciliationRule:
    known = ("rule", "article")
    s = p.section("reconciliation", known) or _Section({}, "reconciliation", [], known)
    options = ("returned_le_issued", "returned_le_participants", "returned_le_present")
    return ReconciliationRule(rule=cast(Reconciliation, s.choice("rule", options)), article=s.text("article"))


def _relative_check(s: _Section, name: str) -> RelativeCheck | None:
    entry = s.section(name, ("severity", "article"), nullable=True)
    if entry is None:
        return None
    severity = cast(Literal["error", "warning"], entry.choice("severity", ("error", "warning")))
    return RelativeCheck(severity=severity, article=entry.text("article"))


def _relatives(p: _Section) -> RelativesRule | None:
    s = p.section("relatives", ("committee", "tellers", "elected", "keep_by_post", "committee_members"), nullable=True)
    if s is None:
        return None
    return RelativesRule(
        committee=_relative_check(s, "committee"),
        tellers=_relative_check(s, "tellers"),
        elected=_relative_check(s, "elected"),
        keep_by_post=s.flag("keep_by_post", False),
        committee_members=_relative_check(s, "committee_members") if "committee_members" in s.data else None,
    )


def _voter_roll(p: _Section) -> VoterRollRule:
    s = p.section("voter_roll", ("min_age", "article", "id_mask"), nullable=True)
    if s is None:
        return VoterRollRule()
    mask = s.section("id_mask", ("head", "tail"), nullable=True)
    keep = (6, 4) if mask is None else (mask.count("head", 6), mask.count("tail", 4))
    if sum(keep) >= 18:
        s.problem("id_mask", f"保留的位数（{keep[0]} + {keep[1]}）应少于 18，否则号码没有被遮盖")
    return VoterRollRule(min_age=s.integer("min_age", None, nullable=True), article=s.text("article", ""), id_mask=keep)


def _share(s: _Section, name: str) -> Threshold | None:
    entry = s.section(name, ("fraction", "inclusive"), nullable=True)
    if entry is None:
        return None
    return Threshold(entry.fraction("fraction"), entry.flag("inclusive", False))


def _recommendation(p: _Section) -> RecommendationRule | None:
    known = ("members_weight", "masses_weight", "members_min", "masses_min", "surplus_percent", "article")
    s = p.section("recommendation", known, nullable=True)
    if s is None:
        return None
    members = s.fraction("members_weight")
    masses = s.fraction("masses_weight", top=Fraction(1))
    if members + masses != 1:
        s.problem(
            "masses_weight", f"党员推荐与群众推荐的权重之和应为 1，实为 {members} + {masses} = {members + masses}"
        )
    percent = s.count("surplus_percent", 20)
    return RecommendationRule(
        members_weight=members,
        masses_weight=masses,
        members_min=_share(s, "members_min"),
        masses_min=_share(s, "masses_min"),
        surplus_percent=Fraction(percent),
        article=s.text("article", ""),
    )


_SECTIONS: dict[str, Callable[[_Section], Any]] = {
    "size": _size,
    "women_required": _women,
    "committee_withdraws": lambda p: _citing(p, "committee_withdraws"),
    "deadlines": _deadlines,
    "objection": _objection,
    "surplus": _surplus,
    "turnout": _turnout,
    "win": _win,
    "runoff": _runoff,
    "proxy": _proxy,
    "mobile_box": _mobile_box,
    "tellers": _tellers,
    "nomination_cap": _nomination_cap,
    "min_elected": _min_elected,
    "reconciliation": _reconciliation,
    "relatives": _relatives,
    "voter_roll": _voter_roll,
    "recommendation": _recommendation,
}
_TOP = ("id", "kind", "legal_basis", "law", "short_law", "applies_from", "applies_until", *_SECTIONS)
_TOP += ("list_order", "strokes_convention", "preceded_by", "exclusion_reasons", "law_cited", "results_publicity")
_TOP += ("districts",)
_TOP += ("body_law",)
_TOP += ("filing",)
_TOP += ("women_share",)


def _body_law(p: _Section) -> tuple[tuple[str, str], ...]:
    table = p.raw("body_law", {})
    if not isinstance(table, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
        p.problem("body_law", f"应为键值表（组织名称 → 依据文字），实为“{_shown(table)}”")
        return ()
    return tuple(table.items())


def build_profile(data: object, province: str = "default") -> Profile | list[Problem]:
    """The typed profile of one profile mapping (as in the YAML files), or every problem found in it."""
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        return [("", f"应为键值表，实为“{_shown(data)}”")]
    p = _Section(data, "", problems, _TOP)
    kind = p.choice("kind", tuple(KIND_NAMES))
    basis = p.raw("legal_basis")
    if basis is not _MISSING and (isinstance(basis, bool) or not isinstance(basis, (int, str))):
        p.problem("legal_basis", f"应为年份或文字，实为“{_shown(basis)}”")
    ident = p.text("id")
    if data.get("kind") == kind and basis is not _MISSING and ident and ident != f"{kind}-{basis}":
        p.problem("id", f"应为“{kind}-{basis}”（kind-legal_basis），实为“{ident}”")
    sections = {name: read(p) for name, read in _SECTIONS.items()}
    applies_from = _date(p, "applies_from")
    profile = Profile(
        id=ident,
        kind=kind,
        legal_basis=basis if isinstance(basis, (int, str)) else "",
        law=p.text("law"),
        short_law=p.text("short_law"),
        applies_from=applies_from or dt.date.min,
        applies_until=_date(p, "applies_until", nullable=True),
        list_order=cast(Literal["strokes", "votes"], p.choice("list_order", ("strokes", "votes"), "strokes")),
        strokes_convention=cast(
            Literal["surname", "fullname"], p.choice("strokes_convention", ("surname", "fullname"), "surname")
        ),
        province=province,
        preceded_by=p.text("preceded_by", ""),
        exclusion_reasons=p.words("exclusion_reasons"),
        law_cited=p.text("law_cited", ""),
        results_publicity=_publicity(p),
        districts=_districts(p),
        body_law=_body_law(p),
        filing=_filing(p),
        women_share=_women_share(p),
        **sections,
    )
    return problems or profile


def load_profile(data: Mapping[str, Any], province: str = "default") -> Profile:
    """`build_profile`, raising `InvalidProfile` with every problem when the data is broken."""
    built = build_profile(data, province)
    if isinstance(built, Profile):
        return built
    name = str(data.get("id") or "?") + ("" if province == "default" else f"（省级配置 {province}）")
    raise InvalidProfile(name, built)


# --------------------------------------------------------------------------------------------
# The shipped files
# --------------------------------------------------------------------------------------------
def _read_yaml(name: str) -> Any:
    text = resources.files("pipeline").joinpath("profiles", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def base_profiles() -> dict[str, dict[str, Any]]:
    """The base profile files as read, by id (data; `profiles()` has them built)."""
    folder = resources.files("pipeline").joinpath("profiles")
    out: dict[str, dict[str, Any]] = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".yaml"):
            data = _read_yaml(entry.name)
            if not isinstance(data, dict) or not isinstance(data.get("id"), str):
                raise InvalidProfile(entry.name, [("id", "缺少此键")])
            out[data["id"]] = data
    return out


@cache
def provinces() -> dict[str, dict[str, Any]]:
    """The province override files as read, by province name: {base profile id: overrides}."""
    folder = resources.files("pipeline").joinpath("profiles", "provinces")
    out: dict[str, dict[str, Any]] = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".yaml"):
            data = _read_yaml(f"provinces/{entry.name}")
            if not isinstance(data, dict):
                raise InvalidProfile(f"provinces/{entry.name}", [("", "应为键值表：基础规则配置的 id → 要覆盖的键")])
            out[entry.name[:-5]] = data
    return out


@cache
def profiles() -> dict[str, Profile]:
    """Every base profile, built (once per process)."""
    return {profile_id: load_profile(data) for profile_id, data in base_profiles().items()}


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def profile_data(profile_id: str, province: str = "default") -> dict[str, Any]:
    """The mapping a profile is built from: the base file with the province's overrides merged in (a copy)."""
    bases = base_profiles()
    if province == "default":
        return copy.deepcopy(bases[profile_id])
    table = provinces()[province]
    strangers = [(str(key), "没有这个基础规则配置") for key in table if key not in bases]
    if strangers:
        raise InvalidProfile(f"provinces/{province}.yaml", strangers)
    override = table.get(profile_id) or {}
    if not isinstance(override, Mapping):
        raise InvalidProfile(f"provinces/{province}.yaml", [(profile_id, "应为键值表")])
    return _merge(bases[profile_id], override)


@cache
def _resolved(profile_id: str, province: str) -> Profile:
    """A base profile with a province's overrides merged in, built once."""
    if province == "default":
        return profiles()[profile_id]
    return load_profile(profile_data(profile_id, province), province)


def in_force(kind: str, day: dt.date) -> Profile | None:
    """The shipped base profile of `kind` whose `applies_from`…`applies_until` covers `day` (None: no such)."""
    for p in profiles().values():
        if p.kind == kind and p.applies_from <= day <= (p.applies_until or dt.date.max):
            return p
    return None


def earliest(kind: str) -> Profile:
    """The shipped base profile of `kind` that applies from the earliest day."""
    return min((p for p in profiles().values() if p.kind == kind), key=lambda p: p.applies_from)


def default_basis(kind: str, day: dt.date | None) -> int | str:
    """The legal basis that applies to an election of `kind` held on `day`."""
    candidates = [p for p in profiles().values() if p.kind == kind]
    if day is not None:
        found = in_force(kind, day)
        if found is not None:
            return found.legal_basis
    # No date yet: the newest rules.
    return max(candidates, key=lambda p: p.applies_from).legal_basis


def election_day(record: Mapping[str, Any]) -> dt.date | None:
    """`schedule.election_day` as a date (read as `model.election_day` does; this floor stays below model)."""
    value = (record.get("schedule") or {}).get("election_day")
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def select(record: Mapping[str, Any]) -> Profile:
    """The profile a record names (kind, legal_basis, profile), with defaults by kind and date."""
    kind = record["kind"]
    basis = record.get("legal_basis") or default_basis(kind, election_day(record))
    profile_id = f"{kind}-{basis}"
    built = profiles()
    if profile_id not in built:
        same_kind = sorted((p for p in built.values() if p.kind == kind), key=lambda p: p.applies_from)
        available = "、".join(str(p.legal_basis) for p in same_kind)
        raise ProfileError(
            f"{KIND_NAMES[kind]}选举没有 {basis} 版规则；可用的法律依据版本：{available}。", "legal_basis"
        )
    province = record.get("profile") or "default"
    if province != "default" and province not in provinces():
        known = "、".join(["default", *sorted(provinces())])
        raise ProfileError(f"没有名为“{province}”的规则配置；可用：{known}。", "profile")
    return _resolved(profile_id, province)

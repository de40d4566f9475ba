"""Statistics of an election, computed from the record and its outcome (never typed by users).

The figures are the ones real work summaries report: 参选率, 女性占, 年龄段, 文化程度
(初中及以下 / 高中及中专 / 大专及以上), 中共党员占, 继任（连任）占, 一次选举成功, 另行选举.
Shares are of the members elected and go through `formatting.percent` (half up, one rule).

Conventions (documented because records only give a birth year and month):
* Age is counted on the election day (`schedule.election_day`, else the first round's date), in
  whole years, taking the birthday as the 1st of the birth month: someone born 1990-04 is 36 on
  2026-04-18 and on 2026-04-01. Without an election day or a birth month the age is unknown.
* Turnout uses, per contest, the last round of type `first` that has both numbers (a re-run after
  an invalid first round replaces it) and the profile's own measure and base: participants (or
  ballots returned) over registered voters; for the Party, members present over the expected
  attendance (registered − excluded). `registered` itself is the sum over all contests.
* Shares are shown with the record's `documents.percent_places` decimals (0–4, default 2); the
  places travel with the `Stats`, so every text made from them (the outcome report, the checks
  of typed figures) shows the same rounding.
* Seats held by an appointee (组织委派, `appointment`) are counted in `appointed` (and the contests in
  `contests_appointed`), never in `elected`, nor in the shares and the structure, nor in `vacant`.
* A round void by its figures (turnout, more ballots returned than issued) is counted in `invalid_rounds`; a
  contest that re-ran it validly (重新选举) in `contests_rerun`, one still to re-run in `contests_rerun_pending`.
  Nobody is elected by a void round: the members come from the valid rounds only.
* A level may choose the places per figure (`figure_places`, issue 17 item 5: seeds print "97.06%" for the
  参选率 beside "17%" for the women's share): keys `turnout` (参选率 / 到会率), `share` (every share of the
  members: 女性, 党员, 连任, age, schooling), `women`, `party` and `incumbents` (one of those shares, else `share`),
  `success` (一次选举成功率, 完成率) and `registration` (登记率); a figure not named uses `places`. The rounding rule stays the one of `formatting` (half up, exact).
* Party members are 中共党员 and 中共预备党员. A write-in winner has no recorded details and is
  counted as unknown in every breakdown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from fractions import Fraction
from typing import Any

from .formatting import percent, ratio
from .model import Data, contests, election_day, parse_date
from .outcome import ContestOutcome, Outcome

__all__ = [
    "Stats",
    "compute_stats",
    "record_places",
    "first_round_turnout",
    "DEFAULT_PLACES",
    "aggregate",
    "AGE_BANDS",
    "EDUCATION_GROUPS",
    "SEXES",
    "UNKNOWN",
    "age_band",
    "education_group",
    "age_on",
    "FIGURES",
    "with_places",
    "rebanded",
    "age_band_labels",
]

UNKNOWN = "未填"
DEFAULT_PLACES = 2
SEXES = ("男", "女")
AGE_BANDS = ("35岁及以下", "36至45岁", "46至55岁", "56岁及以上")
EDUCATION_GROUPS = ("大专及以上", "高中及中专", "初中及以下")
_EDUCATION = {
    "研究生": "大专及以上",
    "大学本科": "大专及以上",
    "大专": "大专及以上",
    "高中": "高中及中专",
    "中专": "高中及中专",
    "初中": "初中及以下",
    "小学": "初中及以下",
    "文盲或半文盲": "初中及以下",
}
_PARTY = {"中共党员", "中共预备党员"}
# The figures a level may give their own places; a share of the members falls back on "share" (seed 003 prints
# 女性 xx%, 中共党员 xx.x%, 继任 xx.xx%).
FIGURES = ("turnout", "share", "women", "party", "incumbents", "success", "registration")
_SHARE_FIGURES = ("women", "party", "incumbents")


def _zeros(keys: Iterable[str]) -> dict[str, int]:
    return {k: 0 for k in (*keys, UNKNOWN)}


@dataclass(frozen=True)
class Stats:
    """Counts of one record (or, after `aggregate`, of many). Shares are derived, never stored."""

    places: int = DEFAULT_PLACES
    contests: int = 0
    contests_counted: int = 0  # contests with at least one round
    registered: int = 0  # sum of electorate.registered
    turnout_base: int = 0  # base of the turnout (registered or expected) of counted contests
    participants: int = 0  # participants (or present) of those contests' first rounds
    seats: int = 0
    candidates: int = 0  # formal, not withdrawn
    elected: int = 0
    vacant: int = 0
    sex: dict[str, int] = field(default_factory=lambda: _zeros(SEXES))
    age: dict[str, int] = field(default_factory=lambda: _zeros(AGE_BANDS))
    education: dict[str, int] = field(default_factory=lambda: _zeros(EDUCATION_GROUPS))
    party: int = 0
    incumbents: int = 0  # incumbents re-elected (继任)
    filled_first_round: int = 0  # contests whose seats were all filled in the first round
    runoffs_held: int = 0  # 另行选举 rounds held
    contests_with_runoff: int = 0
    contests_with_vacancies: int = 0
    # Contests whose final tally elects no woman where the profile requires one (`ContestOutcome.women_seat`),
    # and of them: one seat to elect again among women, a woman above half to take a seat (the rest: warning).
    no_woman: int = 0
    no_woman_runoff: int = 0
    no_woman_qualified: int = 0
    appointed: int = 0  # seats held by someone the organisation appointed (组织委派): never in `elected`
    contests_appointed: int = 0  # contests with at least one appointee
    # Rounds void by the figures (turnout not reached, more ballots returned than issued; not a round lacking
    # data), the contests that re-ran such a round validly (重新选举), and those where one is still to re-run.
    invalid_rounds: int = 0
    contests_rerun: int = 0
    contests_rerun_pending: int = 0
    # Members elected here who already hold a post of the first tier of the same 换届 (candidate `first_tier`:
    # a 楼栋长 elected 小组长): counted in `elected` (a post filled) but not again as people, so the structure
    # breakdowns and the shares leave them out (`members`).
    repeat_members: int = 0
    # Places per figure (`FIGURES`), when a level wants them to differ from `places`; not a count.
    figure_places: dict[str, int] = field(default_factory=dict)
    # Ages of the members whose age is known, summed (平均年龄 = age_total / age_known).
    age_total: int = 0
    age_known: int = 0
    # The raw distributions behind `age` and `education`, so a level can band them its own way (`rebanded`):
    # age in whole years ("46") -> members; schooling as recorded ("高中") -> members.
    ages: dict[str, int] = field(default_factory=dict)
    schooling: dict[str, int] = field(default_factory=dict)

    def places_for(self, figure: str) -> int:
        """Decimals of one figure (`FIGURES`): the level's choice for it, else `places`."""
        if figure in self.figure_places:
            return self.figure_places[figure]
        if figure in _SHARE_FIGURES:
            return self.figure_places.get("share", self.places)
        return self.places

    def percent(self, figure: str, numerator: int | None, denominator: int | None) -> str:
        """A percentage of one figure at its places ("—" when the denominator is 0 or unknown)."""
        return percent(numerator, denominator, self.places_for(figure))

    # -- derived -----------------------------------------------------------------------------
    @property
    def turnout_fraction(self) -> Fraction | None:
        return Fraction(self.participants, self.turnout_base) if self.turnout_base else None

    @property
    def turnout(self) -> str:
        return self.percent("turnout", self.participants, self.turnout_base)

    @property
    def members(self) -> int:
        """The people newly elected: posts filled less those held by a first-tier member counted already."""
        return self.elected - self.repeat_members

    @property
    def average_age(self) -> str:
        """平均年龄 of the members whose age is known, to one decimal, half up ("—" when none is known)."""
        if not self.age_known:
            return "—"
        return str(ratio(self.age_total, self.age_known, 1))

    def share(self, count: int) -> str:
        """A count's share of the members elected ("—" when nobody is elected)."""
        return self.percent("share", count, self.members)

    @property
    def women(self) -> int:
        return self.sex.get("女", 0)

    @property
    def women_share(self) -> str:
        return self.percent("women", self.women, self.members)

    @property
    def party_share(self) -> str:
        return self.percent("party", self.party, self.members)

    @property
    def incumbent_share(self) -> str:
        return self.percent("incumbents", self.incumbents, self.members)

    @property
    def first_round_success(self) -> str:
        """Share of counted contests filled in the first round (一次选举成功率)."""
        return self.percent("success", self.filled_first_round, self.contests_counted)

    def to_dict(self) -> Data:
        data = asdict(self)
        fraction = self.turnout_fraction
        data.update(
            turnout=self.turnout,
            turnout_fraction=None if fraction is None else f"{fraction.numerator}/{fraction.denominator}",
            sex_share={k: self.share(v) for k, v in self.sex.items()},
            age_share={k: self.share(v) for k, v in self.age.items()},
            education_share={k: self.share(v) for k, v in self.education.items()},
            women=self.women,
            women_share=self.women_share,
            party_share=self.party_share,
            incumbent_share=self.incumbent_share,
            first_round_success=self.first_round_success,
            members=self.members,
        )
        return data


# ---------------------------------------------------------------------------------------------
# Classifying one member
# ---------------------------------------------------------------------------------------------
def age_on(birth: str | None, day: dt.date | None) -> int | None:
    """Whole years on `day` for a birth "YYYY-MM", the birthday taken as the 1st of the month."""
    if not birth or day is None:
        return None
    try:
        year, month = (int(part) for part in str(birth).split("-")[:2])
    except ValueError:
        return None
    if not 1 <= month <= 12:
        return None
    return day.year - year - (1 if day.month < month else 0)


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return UNKNOWN
    if age <= 35:
        return AGE_BANDS[0]
    if age <= 45:
        return AGE_BANDS[1]
    if age <= 55:
        return AGE_BANDS[2]
    return AGE_BANDS[3]


def education_group(education: str | None) -> str:
    return _EDUCATION.get(education or "", UNKNOWN)


def _reference_day(data: Data) -> dt.date | None:
    day = election_day(data)
    if day is not None:
        return day
    for contest in contests(data):
        for rnd in contest.rounds:
            found = parse_date(rnd.get("date")) if isinstance(rnd, dict) else None
            if found is not None:
                return found
    return None


def _find_candidate(candidates: list[Data], name: str, post: str) -> Data | None:
    same_post = [c for c in candidates if c.get("name") == name and c.get("post") == post]
    any_post = [c for c in candidates if c.get("name") == name]
    found = same_post or any_post
    return found[0] if found else None


# ---------------------------------------------------------------------------------------------
# One record
# ---------------------------------------------------------------------------------------------
def first_round_turnout(outcome: ContestOutcome) -> tuple[int, int] | None:
    """(participants, base) of the last `first` round of a contest with both numbers, else None.

    The one turnout of a contest that the statistics and the 工作总结 both use: a re-run after an invalid first
    round replaces it.
    """
    for r in reversed(outcome.rounds):
        if r.type == "first" and r.turnout_value is not None and r.turnout_base is not None:
            return r.turnout_value, r.turnout_base
    return None


def _filled_first_round(outcome: ContestOutcome) -> bool:
    firsts = [r for r in outcome.rounds if r.type == "first"]
    if not firsts or not firsts[0].valid or not outcome.seats:
        return False
    elected = {p.post: len(p.elected) for p in firsts[0].posts}
    return all(elected.get(post, 0) >= n for post, n in outcome.seats.items())


def record_places(data: Data) -> int:
    """Decimals of the shares a record asks for (`documents.percent_places`), else 2."""
    documents = data.get("documents") if isinstance(data, dict) else None
    places = documents.get("percent_places") if isinstance(documents, dict) else None
    if isinstance(places, int) and not isinstance(places, bool) and places >= 0:
        return places
    return DEFAULT_PLACES


def compute_stats(data: Data, outcome: Outcome, places: int | None = None) -> Stats:
    """The statistics of one record and its computed outcome.

    `places`: decimals of the shares; by default the record's `documents.percent_places`, else 2.
    """
    if places is None:
        places = record_places(data)
    day = _reference_day(data)
    views = contests(data)
    sex, age, education = _zeros(SEXES), _zeros(AGE_BANDS), _zeros(EDUCATION_GROUPS)
    ages: dict[str, int] = {}
    schooling: dict[str, int] = {}
    totals: dict[str, Any] = dict(
        registered=0,
        turnout_base=0,
        participants=0,
        seats=0,
        candidates=0,
        elected=0,
        vacant=0,
        party=0,
        incumbents=0,
        filled_first_round=0,
        runoffs_held=0,
        contests_with_runoff=0,
        contests_with_vacancies=0,
        contests_counted=0,
        no_woman=0,
        no_woman_runoff=0,
        no_woman_qualified=0,
        appointed=0,
        contests_appointed=0,
        invalid_rounds=0,
        contests_rerun=0,
        contests_rerun_pending=0,
        repeat_members=0,
        age_total=0,
        age_known=0,
    )
    for view, result in zip(views, outcome.contests, strict=False):
        totals["registered"] += view.registered or 0
        totals["seats"] += view.total_seats
        totals["candidates"] += len(view.formal_candidates())
        appointed = sum(len(names) for names in result.appointed.values())
        totals["appointed"] += appointed
        totals["contests_appointed"] += bool(appointed)
        if result.stage == "appointed":  # no vote held: its open seats are vacancies, its appointees not elected
            vacant = sum(result.vacant.values())
            totals["vacant"] += vacant
            totals["contests_with_vacancies"] += bool(vacant)
        if result.stage != "counted":
            continue
        totals["contests_counted"] += 1
        turnout = first_round_turnout(result)
        if turnout is not None:
            totals["participants"] += turnout[0]
            totals["turnout_base"] += turnout[1]
        totals["filled_first_round"] += _filled_first_round(result)
        runoffs = sum(1 for r in result.rounds if r.type == "runoff")
        totals["runoffs_held"] += runoffs
        totals["contests_with_runoff"] += bool(runoffs)
        vacant = sum(result.vacant.values())
        totals["vacant"] += vacant
        totals["contests_with_vacancies"] += bool(vacant)
        void = [r.index for r in result.rounds if not r.valid and not r.missing]
        totals["invalid_rounds"] += len(void)
        totals["contests_rerun"] += any(i in result.reruns for i in void)
        totals["contests_rerun_pending"] += any(i not in result.reruns for i in void)
        totals["no_woman"] += bool(result.women_seat)
        totals["no_woman_runoff"] += result.women_seat == "runoff"
        totals["no_woman_qualified"] += result.women_seat == "qualified"
        for post, names in result.elected.items():
            for name in names:
                person: Data = _find_candidate(view.candidates, name, post) or {}
                totals["elected"] += 1
                if person.get("first_tier"):
                    totals["repeat_members"] += 1
                    continue
                gender = person.get("gender")
                sex[gender if gender in SEXES else UNKNOWN] += 1
                years = age_on(person.get("birth"), day)
                age[age_band(years)] += 1
                if years is not None and years >= 0:
                    totals["age_total"] += years
                    totals["age_known"] += 1
                    ages[str(years)] = ages.get(str(years), 0) + 1
                education[education_group(person.get("education"))] += 1
                school = str(person.get("education")) if person.get("education") in _EDUCATION else UNKNOWN
                schooling[school] = schooling.get(school, 0) + 1
                totals["party"] += person.get("politics") in _PARTY
                totals["incumbents"] += person.get("incumbent") is True
    return Stats(
        places=places,
        contests=len(views),
        sex=sex,
        age=age,
        education=education,
        ages=ages,
        schooling=schooling,
        **totals,
    )


def aggregate(items: Iterable[Stats], places: int | None = None) -> Stats:
    """Sum the counts of many records; shares are recomputed from the sums."""
    records = list(items)
    if places is None:
        places = records[0].places if records else DEFAULT_PLACES
    # Every field but the places and the three breakdowns is a count (a new breakdown must be added here).
    counts: dict[str, Any] = {
        f.name: sum(getattr(item, f.name) for item in records)
        for f in fields(Stats)
        if f.name not in ("places", "sex", "age", "education", "figure_places", "ages", "schooling")
    }
    return Stats(
        places=places,
        figure_places=dict(records[0].figure_places) if records else {},
        sex=_merged(_zeros(SEXES), (item.sex for item in records)),
        age=_merged(_zeros(AGE_BANDS), (item.age for item in records)),
        education=_merged(_zeros(EDUCATION_GROUPS), (item.education for item in records)),
        ages=_merged({}, (item.ages for item in records)),
        schooling=_merged({}, (item.schooling for item in records)),
        **counts,
    )


def age_band_labels(cuts: list[int]) -> list[str]:
    """Labels of the bands a level asks for: [40, 55] -> 40岁以下, 40至54岁, 55岁及以上; [50] -> 50岁以下, 50岁及以上.

    A cut starts a band: below the first cut, from each cut to the year before the next, the last cut and over."""
    cuts = sorted(set(cuts))
    labels = [f"{cuts[0]}岁以下"]
    labels += [f"{a}至{b - 1}岁" for a, b in zip(cuts, cuts[1:], strict=False)]
    labels.append(f"{cuts[-1]}岁及以上")
    return labels


def rebanded(stats: Stats, cuts: list[int] | None = None, groups: dict[str, list[str]] | None = None) -> Stats:
    """The same counts with the level's own age bands (`cuts`) and schooling groups (group -> values recorded).

    Needs the raw distributions (`ages`, `schooling`); a `Stats` without them (stored by an earlier version) keeps
    its bands. Members whose age or schooling is unknown stay under 未填.
    """
    age, education = stats.age, stats.education
    if cuts and (stats.ages or not stats.age_known):
        labels = age_band_labels(cuts)
        ordered = sorted(set(cuts))
        age = {label: 0 for label in labels}
        for years, n in stats.ages.items():
            index = sum(1 for cut in ordered if int(years) >= cut)
            age[labels[index]] += n
        age[UNKNOWN] = stats.members - sum(age.values())
    if groups and (stats.schooling or not stats.members):
        education = {name: 0 for name in groups}
        for value, n in stats.schooling.items():
            name = next((g for g, values in groups.items() if value in values), UNKNOWN)
            education[name] = education.get(name, 0) + n
        education.setdefault(UNKNOWN, 0)
    return replace(stats, age=age, education=education)


def with_places(stats: Stats, places: int, figure_places: dict[str, int] | None = None) -> Stats:
    """The same counts shown at other places (a level's choice applied to its units' rows)."""
    return replace(stats, places=places, figure_places=dict(figure_places or {}))


def _merged(start: dict[str, int], breakdowns: Iterable[dict[str, int]]) -> dict[str, int]:
    """The sum of `breakdowns` key by key, in the order of `start` and then of first appearance."""
    total = dict(start)
    for breakdown in breakdowns:
        for key, value in breakdown.items():
            total[key] = total.get(key, 0) + value
    return total

"""Context builder of the 换届选举工作总结, for one record or many (a township, a county).

一、基本情况 is written from computed statistics (`pipeline.stats`): sentences with the figures and
two tables. 二、主要做法, 三、存在问题, 四、下一步打算 come from each record's `summary`; a section
without material is left out and the following ones are renumbered.

Many records (a township, a county) go through small `Digest`s (`digest`, `area`, `build_many`):
totals, then per-unit tables (表1 选举基本情况, 表2 各单位选举结果, 表3 新当选成员结构, 表4 and 表5
新当选成员结构 by unit), every total and share recomputed from summed counts. A batch keeps only
digests, never the records, and a county's summary is made from its townships' digests.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import TypedDict

from .. import formatting
from ..model import parse_date
from ..outcome import ContestOutcome, RoundResult
from ..rules.bodies import COMMITTEE_KINDS, PARTY_KINDS, elected_posts, holdings, is_one_shoulder, unit_key
from ..stats import (
    DEFAULT_PLACES,
    SEXES,
    UNKNOWN,
    Stats,
    aggregate,
    first_round_turnout,
    rebanded,
    with_places,
)
from ..words import KIND_NAMES, KIND_SHORT, LATER_ROUND_ACTIONS, METHOD_TEXT
from .common import Election, Instance, Waiting, cdate, heading_number, split_title, tight

DEPUTY_KIND = "deputy"

PUBLICITY = (
    ("banners", "悬挂横幅{n}条"),
    ("notices", "张贴公告、标语{n}份"),
    ("letters", "发放致选民的一封信{n}份"),
    ("meetings", "召开动员会{n}次"),
)


def _row(
    label: str,
    registered: int,
    participants: int | None,
    base: int | None,
    seats: int,
    candidates: int,
    elected: int,
    runoffs: int,
    places: int = DEFAULT_PLACES,
) -> list[str]:
    return [
        label,
        str(registered),
        "—" if participants is None else str(participants),
        formatting.percent(participants, base, places),
        str(seats),
        str(candidates),
        str(elected),
        str(runoffs),
    ]


def _total_row(stats: Stats) -> list[str]:
    """The 合计 row of 表1: the summed counts, the turnout from them (never an average of shares)."""
    counted = bool(stats.turnout_base)
    turnout = stats.turnout if counted else "—"
    return [
        "合计",
        str(stats.registered),
        str(stats.participants) if counted else "—",
        turnout,
        str(stats.seats),
        str(stats.candidates),
        str(stats.elected),
        str(stats.runoffs_held),
    ]


def _contest_rows(e: Election, label_unit: bool) -> list[list[str]]:
    rows = []
    for view, result in e.pairs():
        turnout = first_round_turnout(result)
        label = e.unit_short if label_unit else view.name
        if label_unit and e.multi and len(e.views) > 1:
            label = f"{e.unit_short}{view.name}"
        rows.append(
            _row(
                label,
                view.registered or 0,
                turnout[0] if turnout else None,
                turnout[1] if turnout else None,
                view.total_seats,
                len(view.formal_candidates()),
                sum(len(n) for n in result.elected.values()),
                sum(1 for r in result.rounds if r.type == "runoff"),
                e.stats.places_for("turnout"),
            )
        )
    return rows


def _structure_groups(stats: Stats) -> list[dict]:
    """Table 2 rows grouped by category (the category cell is merged down its rows)."""
    groups = []

    def add(category: str, counts: dict[str, int], keys) -> None:
        rows = [[key, str(counts.get(key, 0)), stats.share(counts.get(key, 0))] for key in keys]
        if counts.get(UNKNOWN):
            rows.append(["未填", str(counts[UNKNOWN]), stats.share(counts[UNKNOWN])])
        groups.append({"name": category, "rows": rows})

    add("性别", stats.sex, SEXES)
    add("年龄", stats.age, _keys(stats.age))
    add("文化程度", stats.education, _keys(stats.education))
    groups.append({"name": "政治面貌", "rows": [["中共党员（含预备党员）", str(stats.party), stats.party_share]]})
    groups.append({"name": "连任情况", "rows": [["连任", str(stats.incumbents), stats.incumbent_share]]})
    return groups


def _keys(counts: dict[str, int]) -> list[str]:
    """The bands or groups of a breakdown, in order, without 未填 (the level's own, or the default ones)."""
    return [k for k in counts if k != UNKNOWN]


def _breakdown(counts: dict[str, int], keys) -> str:
    return "，".join(f"{k}{counts.get(k, 0)}名" for k in keys if counts.get(k, 0))


def _elected_by_post(e: Election) -> str:
    counts: dict[str, int] = {}
    for _, result in e.pairs():
        for post, names in result.elected.items():
            counts[post] = counts.get(post, 0) + len(names)
    return "、".join(f"{post}{n}名" for post, n in counts.items() if n)


def _process_sentence(e: Election) -> str:
    """How the seats were filled: one round, 另行选举, revotes, vacancies."""
    parts = []
    for view, result in e.pairs():
        if not result.rounds:
            continue
        first = result.rounds[0]
        first_elected = sum(len(p.elected) for p in first.posts)
        later = [r for r in result.rounds[1:]]
        where = f"{view.name}" if e.multi and len(e.views) > 1 else ""
        vacant = sum(result.vacant.values())
        if not later and not vacant:
            continue
        text = f"{where}首次投票" + (_void_words(first, result) or f"选出{first_elected}名")
        for rnd in later:
            got = sum(len(p.elected) for p in rnd.posts)
            kind = LATER_ROUND_ACTIONS[rnd.type]
            date = parse_date(rnd.date)
            when = "当日" if date and first.date and rnd.date == first.date else (cdate(rnd.date, "") or "随后")
            text += f"，{when}{kind}" + (_void_words(rnd, result) or f"选出{got}名")
        if vacant:
            text += f"，尚缺{vacant}名"
        parts.append(text)
    return "；".join(parts) + "。" if parts else ""


def _void_words(rnd: RoundResult, result: ContestOutcome) -> str:
    """因参加投票40人未超过登记选民100人的半数（至少需51人）无效 for a round void by its figures, else ""."""
    if rnd.valid or rnd.missing:
        return ""
    causes = [r.removesuffix("，本轮选举无效。") for r in rnd.reasons if r.endswith("本轮选举无效。")]
    cause = "；".join(tight(c).replace("，", "") for c in causes)
    pending = "" if rnd.index in result.reruns else "，尚未重新选举"
    return (f"因{cause}无效" if cause else "无效") + pending


def _appointment_sentence(e: Election) -> str:
    """，另有1栋楼暂由组织委派一人代楼栋长 (seed 000) — the seats an appointee holds, never counted as elected."""
    contests_appointed = 0
    posts: dict[str, int] = {}
    bodies: list[str] = []
    for view, result in e.pairs():
        if not any(result.appointed.values()):
            continue
        contests_appointed += 1
        for post, names in result.appointed.items():
            posts[post] = posts.get(post, 0) + len(names)
        for appointment in view.appointments:
            by = str(appointment.get("appointed_by") or "").strip()
            if by and by not in bodies:
                bodies.append(by)
    if not posts:
        return ""
    by = "、".join(bodies) or "组织"
    people = sum(posts.values())
    if e.multi and len(e.views) > 1 and all("楼栋" in post for post in posts):
        who = "一人" if people == 1 else f"{people}人"
        return f"，另有{contests_appointed}栋楼暂由{by}委派{who}代{'、'.join(posts)}"
    held = "、".join(f"{post}{n}名" for post, n in posts.items())
    where = f"{contests_appointed}个场次的" if e.multi and len(e.views) > 1 else ""
    return f"，另有{where}{held}由{by}委派暂代"


def _text(text: str) -> dict:
    return {"kind": "text", "text": text, "keep": False}


def repeat_words(stats: Stats) -> str:
    """（另有31名当选人已在同届第一级选举中当选，不重复计算） after 新当选的N名成员中, or ""."""
    if not stats.repeat_members:
        return ""
    return f"（另有{stats.repeat_members}名当选人已在同届第一级选举中当选，不重复计算）"


def only_repeats_words(stats: Stats) -> str:
    """When every member elected holds a first-tier post already: why there is no structure table."""
    return f"当选的{stats.repeat_members}人均已在同届第一级选举中当选，已在该级统计，不再重复统计成员结构。"


def rerun_words(stats: Stats) -> str:
    """；1个场次投票无效，已重新选举 (and those still to re-run) — "" when every round was valid."""
    parts = []
    if stats.contests_rerun:
        parts.append(f"{stats.contests_rerun}个场次投票无效，已重新选举")
    if stats.contests_rerun_pending:
        parts.append(f"{stats.contests_rerun_pending}个场次投票无效，尚未重新选举")
    return "".join(f"；{p}" for p in parts)


def women_sentence(stats: Stats, units: int = 1) -> str:
    """Units whose final tally elected no woman member where one is required, and what follows ("" if none).

    One record (`units` 1) says what its unit must do; many say how many units, and how many of each step."""
    if not stats.no_woman:
        return ""
    runoff, qualified = stats.no_woman_runoff, stats.no_woman_qualified
    warned = stats.no_woman - runoff - qualified
    steps = {
        "runoff": "须在委员名额中确定一个名额另行选举妇女成员",
        "qualified": "须首先确定获得过半数选票的妇女中得票最多的一人当选委员",
        "warning": "须报乡镇（街道）换届选举工作指导机构研究处理（法律未再规定另行选举等办法）",
    }
    counts = {"runoff": runoff, "qualified": qualified, "warning": warned}
    if units == 1 and stats.no_woman == 1:
        which = next(key for key, n in counts.items() if n)
        return f"当选成员中没有女性，{steps[which]}。"
    parts = [f"{n}个{steps[key]}" for key, n in counts.items() if n]
    if len(parts) == 1:
        only = next(key for key, n in counts.items() if n)
        return f"{stats.no_woman}个单位当选成员中没有女性，{steps[only]}。"
    return f"{stats.no_woman}个单位当选成员中没有女性，其中{'，'.join(parts)}。"


def _basic_blocks(e: Election, stats: Stats) -> list[dict]:
    """One record: sentences with the figures, 表1 after the turnout and seats, 表2 after the structure.

    The section always ends with a sentence, never with a table, so the last paragraph can be
    kept with the signature. (Many records: `build_many`.)
    """
    intro: list[dict] = []
    facts = []
    if e.unit.get("groups"):
        noun = "村民小组" if e.kind == "village_committee" else "居民小组"
        facts.append(f"{e.unit['groups']}个{noun}")
    if e.unit.get("households"):
        facts.append(f"{e.unit['households']}户")
    if e.unit.get("population"):
        facts.append(f"{e.unit['population']}人")
    if facts:
        intro.append(_text(f"{e.unit_short}共有{'、'.join(facts)}。"))
    noun, unit = e.elector
    method = METHOD_TEXT.get(e.method or "", "")
    text = f"本次选举{'采取' + method + '方式，' if method else ''}登记{noun}{stats.registered}{unit}"
    if stats.turnout_base:
        lab = e.turnout_labels()
        text += f"，{lab.measure}{stats.participants}{lab.unit}，{lab.rate}{stats.turnout}"
    intro.append(_text(text + "。"))
    if recommendation_words(e):
        intro.append(_text(recommendation_words(e)))
    posts = _elected_by_post(e)
    if e.kind == "deputy":
        text = (
            f"本次选举共{stats.contests}个选区，应选代表{stats.seats}名，正式候选人{stats.candidates}名，"
            f"选举产生{e.body}{stats.elected}名"
        )
    elif e.kind in ("building_leader", "group_leader", "representative"):
        text = (
            f"本次选举共{stats.contests}个场次，应选{stats.seats}名，正式候选人{stats.candidates}名，"
            f"选举产生{posts or e.body + str(stats.elected) + '名'}"
        )
    else:
        text = f"本次选举应选{stats.seats}名，正式候选人{stats.candidates}名，选举产生{e.body}成员{stats.elected}名" + (
            f"，其中{posts}" if posts else ""
        )
    if stats.vacant:
        text += f"，尚缺{stats.vacant}名"
    text += _appointment_sentence(e) + "。" + _process_sentence(e)
    text += women_sentence(stats)
    if stats.contests > 1:
        text += (
            f"{stats.contests_counted}个{'选区' if e.kind == 'deputy' else '场次'}中，{stats.filled_first_round}个首次投票即选出全部名额，"
            f"一次选举成功率{stats.first_round_success}。"
        )
    intro.append(_text(text))
    rows = _contest_rows(e, label_unit=False)
    if len(rows) > 1:
        rows.append(_total_row(stats))
    table1 = {
        "kind": "table",
        "caption": "表1　选举基本情况",
        "header": ["场次", "登记", "参加投票", "参选率", "应选", "候选人", "当选", "另行选举"],
        "rows": rows,
    }
    if not stats.members:
        # Nothing to break down: the table, then the sentence on the seats (and on members counted already).
        last = intro[-1]
        if stats.repeat_members:
            last = _text(last["text"] + only_repeats_words(stats))
        return intro[:-1] + [table1, last]
    who = "当选的{n}名代表中" if e.kind == "deputy" else "新当选的{n}名成员中"
    structure = _text(
        f"{who.format(n=stats.members)}{repeat_words(stats)}，女性{stats.women}名，占{stats.women_share}；"
        + party_words(stats, e.kind in PARTY_KINDS)
        + f"连任{stats.incumbents}名，占{stats.incumbent_share}。"
    )
    table2 = {
        "kind": "groups",
        "caption": "表2　新当选成员结构",
        "header": ["类别", "项目", "人数", "占当选成员"],
        "groups": _structure_groups(stats),
    }
    profile = _age_and_schooling(stats)
    closing = [_text(f"从表2看，{profile}。")] if profile else [structure]
    return intro + [table1] + ([structure] if profile else []) + [table2] + closing


NARRATIVE = (("practices", "主要做法"), ("problems", "存在问题"), ("next_steps", "下一步打算"))


def _narrative_texts(e: Election) -> dict[str, list[str]]:
    """The record's material for 主要做法, 存在问题, 下一步打算 (the publicity sentence first)."""
    summary = e.data.get("summary") or {}
    out: dict[str, list[str]] = {key: [] for key, _ in NARRATIVE}
    publicity = summary.get("publicity") or {}
    said = [template.format(n=publicity[key]) for key, template in PUBLICITY if publicity.get(key) is not None]
    if said:
        out["practices"].append(f"广泛宣传发动，{'，'.join(said)}。")
    for key in out:
        for text in summary.get(key) or []:
            text = str(text).strip()
            if text:
                out[key].append(text)
    return out


def _dates(e: Election) -> list:
    """Every date known of the record: schedule, committee, rounds."""
    dates = [parse_date(v) for v in e.schedule.values()]
    dates.append(parse_date((e.committee or {}).get("formed_on")))
    dates.extend(parse_date(r.date) for c in e.outcome.contests for r in c.rounds)
    return sorted(d for d in dates if d)


def _intro(subject: str, first, last, procedures: str = "选民登记、候选人提名、投票选举") -> str:
    intro = subject
    if first:
        intro = (f"{cdate(first)}至{cdate(last)}，" + intro) if first != last else f"{cdate(first)}，{intro}"
    return intro + f"，依法完成{procedures}等各项程序。现将有关情况总结如下："


class _Section(TypedDict):
    """One part of the 工作总结 as the template reads it."""

    heading: str
    blocks: list[dict]
    name: str


def _finish(
    basic: list[dict],
    narrative: dict[str, list[dict]],
    title_lines: list[str],
    intro: str,
    author: str,
    date_raw,
    units: int,
) -> Instance:
    sections: list[_Section] = [{"heading": "", "blocks": basic, "name": "基本情况"}]
    for key, name in NARRATIVE:
        if narrative.get(key):
            sections.append({"heading": "", "blocks": narrative[key], "name": name})
    for i, section in enumerate(sections):
        section["heading"] = f"{heading_number(1, i + 1)}{section['name']}"
    last = sections[-1]["blocks"][-1]
    if last["kind"] == "text":
        last["keep"] = True  # kept with the signature: it never stands alone on a page
    ctx = {
        "title_lines": split_title(title_lines),
        "intro": intro,
        "sections": sections,
        "author": author,
        "date_text": cdate(date_raw),
        "units": str(units),
    }
    return Instance("", ctx)


def _counted(e: Election) -> bool:
    """Whether a record has something to summarise: a round held, or a seat filled by appointment."""
    return any(r.rounds or any(r.appointed.values()) for r in e.outcome.contests)


def _without_place(name: str, e: Election) -> str:
    """第十二届居民委员会换届选举 after 阳光社区开展 (never “柳林村开展柳林村…”); a name of another place stays."""
    for prefix in (e.unit_short, e.unit_name):
        if prefix and name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :]
    return name


def recommendation_words(e: Election) -> str:
    """公推直选 推荐 stage: 经党员推荐和群众推荐，产生书记候选人预备人选2名（…）。 ("" without one)."""
    found = e.outcome.recommendation
    if found is None or not found.qualified:
        return ""
    present = []
    if found.members_present:
        present.append(f"参加推荐的党员{found.members_present}名")
    if found.masses_present:
        present.append(f"群众{found.masses_present}名")
    said = f"（{'、'.join(present)}）" if present else ""
    return (
        f"公开推荐阶段，经党员推荐和群众推荐{said}，按规定确定{found.post}候选人预备人选{len(found.qualified)}名："
        f"{'、'.join(found.qualified)}。"
    )


def build(elections: list[Election], title: str | None = None, author: str | None = None) -> Instance:
    """The work summary of one or many records (many: through their digests, see `build_many`)."""
    if not elections:
        raise Waiting("rounds[].votes", "没有可汇总的选举记录")
    counted = [e for e in elections if _counted(e)]
    if not counted:
        raise Waiting("rounds[].votes", "尚无计票结果，无法统计选举基本情况")
    if len(counted) > 1:
        return build_many([digest(e) for e in counted], title=title, author=author)
    first = counted[0]
    default_author = (first.data.get("summary") or {}).get("author") or first.signatory
    dates = _dates(first)
    intro = _intro(
        f"{first.unit_short}开展{_without_place(first.election_name, first)}工作",
        dates[0] if dates else None,
        dates[-1] if dates else None,
        first.procedures,
    )
    narrative = {key: [_text(t) for t in texts] for key, texts in _narrative_texts(first).items()}
    date_raw = (
        first.settings.get("issue_date")
        or first.schedule.get("results_published")
        or first.schedule.get("election_day")
    )
    return _finish(
        _basic_blocks(first, first.stats),
        narrative,
        [title] if title else [first.election_name, "工作总结"],
        intro,
        author or default_author or first.signatory,
        date_raw,
        1,
    )


# --------------------------------------------------------------------------------------------
# Many records: digests and the township / county summary
# --------------------------------------------------------------------------------------------


def stats_from_dict(data: dict) -> Stats:
    """A `Stats` back from `Stats.to_dict()` (or `asdict`): the counts only, shares are derived."""
    return Stats(**{f.name: data[f.name] for f in fields(Stats) if f.name in data})


# The version of what a `Digest` holds and how it is computed, stored with every digest (`to_dict`). A batch reuses
# the digest in an unchanged unit's stamp only when it has this version (`batch.unit.skip_if_unchanged`), so a
# program that digests differently never mixes old and new digests in one summary. Raise it whenever a field is
# added or a figure is counted differently. 1 (no "format" key): up to 0.x; 2: unit facts, kinds, 推荐 stage,
# 人大 districts and electorate (issue 17 item 1).
DIGEST_FORMAT = 2


@dataclass
class Digest:
    """What the summary of many records needs from one record, or from one area (乡镇, 县).

    Small and JSON-serialisable (`to_dict` / `from_dict`), so a batch can keep or store it instead
    of the record: a county summary is made from its townships' digests, a township's from its
    units'. `contests` holds the rows of 表1 of a record ([contest name or "", registered,
    participants, turnout base, seats, candidates, elected, 另行选举 rounds]); an area has none and
    gets one row from its `stats`.
    """

    label: str
    stats: Stats
    kind_word: str = ""
    parents: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    units: int = 1
    contests: list[list] = field(default_factory=list)
    first_date: str | None = None
    last_date: str | None = None
    issued: str | None = None
    signatory: str = ""
    narrative: dict[str, list[str]] = field(default_factory=dict)
    # 一肩挑/交叉任职 (issue 14 item 4): a record's kind and its elected by post (Party branch and committee
    # records only), and an area's holdings found below it: [place, name, Party post, committee post].
    kind: str = ""
    posts: dict[str, list[str]] = field(default_factory=dict)
    cross: list[list[str]] = field(default_factory=list)
    # Honest coverage (issue 17 item 4): the units below that are not in the figures, [name, reason]. A unit left
    # out is fed to the fold as a digest with `units` 0 and its own entry here (`left_out_digest`).
    left_out: list[list[str]] = field(default_factory=list)
    # Figures by kind and by post (issue 17 item 1), never added across kinds that count different things:
    # electorate key (`ELECTORATE_WORDS`) -> [units, registered, turnout base, participants]; post ->
    # {seats, candidates, elected, vacant, party, incumbents} of the members elected to it.
    electorates: dict[str, list[int]] = field(default_factory=dict)
    by_post: dict[str, dict[str, int]] = field(default_factory=dict)
    # 完成率: the day each unit below filled all its seats (its last round) -> units; a unit still short is absent.
    completions: dict[str, int] = field(default_factory=dict)
    # Units below still short of a 主任 or 书记 after the vote: [place and name, post] (seed 004 篇4 names them).
    heads_missing: list[list[str]] = field(default_factory=list)
    # 登记率: [population, registered] summed over the units below that elect by all voters and give
    # `unit.population`, and [units without a population] — the rate is stated only when none is missing.
    population: list[int] = field(default_factory=list)
    # What the committee records (村委会, 居委会) say of their unit (issue 17 item 1): `unit.population`,
    # `unit.groups`, `unit.households` -> [sum, units giving it, units not giving it]; and committee kind -> units.
    facts: dict[str, list[int]] = field(default_factory=dict)
    unit_kinds: dict[str, int] = field(default_factory=dict)
    # The 公推直选 推荐 stage: post -> [units, 参加推荐的党员, 参加推荐的群众, 候选人预备人选].
    recommendation: dict[str, list[int]] = field(default_factory=dict)
    # 人大代表 records: [选区 (contests), records]; their electorate is `deputy`, their post 人大代表.
    districts: list[int] = field(default_factory=list)

    @property
    def counted(self) -> bool:
        """Whether this digest brings figures (a unit counted, or an area with at least one)."""
        return self.units > 0

    def to_dict(self) -> dict:
        data = asdict(self)
        data["stats"] = asdict(self.stats)
        data["format"] = DIGEST_FORMAT
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Digest:
        values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        values["stats"] = stats_from_dict(data["stats"])
        return cls(**values)


# What one kind of electorate is called in a level summary: (who is counted, what the turnout counts, unit, rate).
ELECTORATE_WORDS: dict[str, tuple[str, str, str, str]] = {
    "all_voters": ("登记选民", "参加投票", "人", "参选率"),
    "household_representative": ("登记户代表", "参加投票", "户", "参选率"),
    "resident_representative": ("居民代表", "参加投票", "人", "参选率"),
    "villager_representative": ("村民代表", "参加投票", "人", "参选率"),
    "leaders_and_representatives": ("楼栋长和居民代表", "参加投票", "人", "参选率"),
    "present": ("应到会有选举权的党员", "实到会", "人", "到会率"),
    "deputy": ("人大代表选举登记选民", "参加投票", "人", "参选率"),
}
POST_KEYS = ("seats", "candidates", "elected", "vacant", "party", "incumbents")


def electorate_key(e: Election) -> str:
    """Which electorate a record counts (`ELECTORATE_WORDS`): the Party's members present, else its method's."""
    if e.profile.turnout.measure == "present" or e.kind in PARTY_KINDS:
        return "present"
    if e.kind == DEPUTY_KIND:  # the same people as a village's voters, another election: never added to them
        return "deputy"
    return e.method if e.method in ELECTORATE_WORDS else "all_voters"


def _electorates(e: Election) -> dict[str, list[int]]:
    s = e.stats
    return {electorate_key(e): [1, s.registered, s.turnout_base, s.participants]}


def _by_post(e: Election) -> dict[str, dict[str, int]]:
    """Seats, candidates, elected and vacancies per post; 党员 and 连任 among those elected to it."""
    out: dict[str, dict[str, int]] = {}
    for view, result in e.pairs():
        posts = list(dict.fromkeys([*view.seats, *result.elected]))
        for post in posts:
            # A Party 委员 is not a committee's 委员: never added together at a level.
            key = f"党组织{post}" if e.kind in PARTY_KINDS and post == "委员" else post
            key = f"人大{post}" if e.kind == DEPUTY_KIND and post == "代表" else key  # never a 村民代表
            row = out.setdefault(key, dict.fromkeys(POST_KEYS, 0))
            row["seats"] += view.seats.get(post, 0)
            row["candidates"] += len(view.formal_candidates(post))
            if result.stage == "counted" or result.stage == "appointed":
                row["vacant"] += result.vacant.get(post, 0)
            for name in result.elected.get(post, []):
                person = e.candidate(view, name, post)
                row["elected"] += 1
                row["party"] += person.get("politics") in ("中共党员", "中共预备党员")
                row["incumbents"] += person.get("incumbent") is True
    return out


def _completion(e: Election) -> dict[str, int]:
    """{day: 1} when every seat of the record is filled (the day of its last round), else {} (still short)."""
    s = e.stats
    if s.vacant or s.contests_with_vacancies or s.contests_rerun_pending or not s.contests_counted:
        return {}
    days = [parse_date(r.date) for c in e.outcome.contests for r in c.rounds]
    known = sorted(d for d in days if d)
    return {known[-1].isoformat(): 1} if known else {}


def _population(e: Election) -> list[int]:
    """[population, registered voters, units missing a population] of a record electing by all voters, else []."""
    if electorate_key(e) != "all_voters":
        return []
    population = e.unit.get("population")
    if isinstance(population, int) and not isinstance(population, bool) and population > 0:
        return [population, e.stats.registered, 0]
    return [0, 0, 1]


FACTS = ("groups", "population", "households")


def _facts(e: Election) -> dict[str, list[int]]:
    """[value, 1, 0] (or [0, 0, 1] when not given) of `unit.groups`, `population`, `households` of a committee record."""
    if e.kind not in COMMITTEE_KINDS:
        return {}
    out: dict[str, list[int]] = {}
    for key in FACTS:
        value = e.unit.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            out[key] = [value, 1, 0]
        else:
            out[key] = [0, 0, 1]
    return out


_GROUP_WORDS = {"village_committee": "村民小组", "residents_committee": "居民小组"}


def facts_words(children: list[Digest], names: dict[str, str] | None = None) -> str:
    """5个村（居）民委员会中，场镇社区1个，农村社区4个；共有村（居）民小组40个，总人口8500人。 ("" without committee
    records; the kinds are listed when there are two).

    `names`: the level's own words for the kinds (`_汇总.yaml` community_words: 居民委员会 -> 场镇社区). A figure
    some units do not give is stated with how many lack it; one no unit gives is not stated."""
    kinds = _merge_kinds(children)
    if not kinds:
        return ""
    names = names or {}

    def named(kind: str) -> str:
        return names.get(KIND_NAMES[kind], KIND_NAMES[kind])

    parts = []
    listed = len(kinds) > 1
    if listed:
        parts.append(
            f"{sum(kinds.values())}个村（居）民委员会中，" + "，".join(f"{named(k)}{n}个" for k, n in kinds.items())
        )
    facts = _merge_counts(c.facts for c in children)
    group_word = _GROUP_WORDS[next(iter(kinds))] if len(kinds) == 1 else "村（居）民小组"
    said = []
    for key, (what, unit, lacking) in {
        "groups": (f"共有{group_word}", "个", "小组数"),
        "population": ("总人口", "人", "人口数"),
    }.items():
        total, given, missing = facts.get(key, [0, 0, 0])
        if not given:
            continue
        said.append(f"{what}{total}{unit}" + (f"（另有{missing}个单位未填{lacking}）" if missing else ""))
    if said:
        kind, n = next(iter(kinds.items()))
        parts.append(("" if listed else f"{n}个{named(kind)}") + "，".join(said))
    return "；".join(parts) + "。" if parts else ""


def _merge_kinds(children: list[Digest]) -> dict[str, int]:
    total: dict[str, int] = {}
    for c in children:
        kinds = c.unit_kinds or ({c.kind: c.units} if c.kind in COMMITTEE_KINDS else {})
        for kind, n in kinds.items():
            total[kind] = total.get(kind, 0) + n
    return {k: total[k] for k in ("residents_committee", "village_committee") if total.get(k)}


def _recommendation(e: Election) -> dict[str, list[int]]:
    found = e.outcome.recommendation
    if found is None or not found.qualified:
        return {}
    post = f"党组织{found.post}" if e.kind in PARTY_KINDS and found.post == "委员" else found.post
    return {post: [1, found.members_present or 0, found.masses_present or 0, len(found.qualified)]}


def recommendation_level_words(recommendation: dict[str, list[int]]) -> str:
    """公开推荐阶段，2个单位经党员推荐和群众推荐（参加推荐的党员150名、群众100名），确定书记候选人预备人选6名。"""
    parts = []
    for post, (units, members, masses, qualified) in recommendation.items():
        present = [f"参加推荐的党员{members}名" if members else "", f"群众{masses}名" if masses else ""]
        said = "、".join(p for p in present if p)
        parts.append(
            f"{units}个单位经党员推荐和群众推荐{f'（{said}）' if said else ''}，确定{post}候选人预备人选{qualified}名"
        )
    return f"公开推荐阶段，{'；'.join(parts)}。" if parts else ""


def districts_words(districts: list[int]) -> str:
    """人大代表选举共划分选区4个。 ("" without 人大代表 records)."""
    return f"人大代表选举共划分选区{districts[0]}个。" if districts and districts[0] else ""


def _merge_population(children: list[Digest]) -> list[int]:
    found = [c.population for c in children if c.population]
    if not found:
        return []
    return [sum(p[0] for p in found), sum(p[1] for p in found), sum(p[2] for p in found)]


def registration_words(children: list[Digest], stats: Stats) -> str:
    """，占总人口的67.10% after 登记选民N人 — only when every unit electing by all voters gives its population."""
    if not all(c.electorates for c in children):
        return ""
    merged = _merge_population(children)
    if not merged or merged[2] or not merged[0]:
        return ""
    return f"，占总人口的{stats.percent('registration', merged[1], merged[0])}"


def _merge_completions(children: list[Digest]) -> dict[str, int]:
    total: dict[str, int] = {}
    for c in children:
        for day, n in c.completions.items():
            total[day] = total.get(day, 0) + n
    return total


def heads_missing_words(children: list[Digest]) -> str:
    """2个单位未选出主任：吴起镇侯岔村、周湾镇牧兴庄村。 ("" when every unit has its head)."""
    found: dict[str, list[str]] = {}
    for c in children:
        prefix = c.label if c.kind == "" and not c.contests else ""
        for name, post in c.heads_missing:
            found.setdefault(post, []).append(prefix + name)
    return "".join(f"{len(names)}个单位未选出{post}：{'、'.join(names)}。" for post, names in found.items())


def area_words(children: list[Digest]) -> str:
    """共辖9个乡镇、1个街道， when the children are townships (a county's summary); else ""."""
    areas = [c.label for c in children if c.kind == "" and not c.contests]
    if not areas or len(areas) != len(children):
        return ""
    streets = sum(1 for a in areas if a.endswith("街道") or a.endswith("街道办"))
    towns = len(areas) - streets
    parts = [f"{towns}个乡镇" if towns else "", f"{streets}个街道" if streets else ""]
    return f"共辖{'、'.join(p for p in parts if p)}，"


def completion_words(completions: dict[str, int], by: str | None, total: int, stats: Stats) -> str:
    """截至2026年3月30日，已完成换届选举（选足全部名额）的单位162个，占99%（完成率）。 ("" without a date)."""
    day = parse_date(by) if by else None
    if day is None or not total:
        return ""
    done = sum(n for d, n in completions.items() if (parse_date(d) or day) <= day)
    rate = stats.percent("success", done, total)
    return f"截至{cdate(day)}，已完成换届选举（选足全部名额）的单位{done}个，占{rate}。"


def _merge_counts(dicts) -> dict:
    """Sum nested counts: {key: [n, …]} or {key: {field: n}} key by key, in order of first appearance."""
    total: dict = {}
    for d in dicts:
        for key, value in d.items():
            if isinstance(value, dict):
                row = total.setdefault(key, dict.fromkeys(value, 0))
                for k, n in value.items():
                    row[k] = row.get(k, 0) + n
            else:
                row = total.setdefault(key, [0] * len(value))
                total[key] = [a + b for a, b in zip(row, value, strict=False)]
    return total


def electorate_words(electorates: dict[str, list[int]], stats: Stats, registration: str = "") -> str:
    """登记选民80150人，参加投票77790人，参选率97.06%；应到会有选举权的党员14人，实到会13人，到会率92.86%"""
    parts = []
    for key, (_, registered, base, participants) in electorates.items():
        who, measure, unit, rate = ELECTORATE_WORDS.get(key, ELECTORATE_WORDS["all_voters"])
        shown = base if key == "present" else registered
        text = f"{who}{shown}{unit}" + (registration if key == "all_voters" else "")
        if base:
            text += f"，{measure}{participants}{unit}，{rate}{stats.percent('turnout', participants, base)}"
        parts.append(text)
    return "；".join(parts)


def post_words(by_post: dict[str, dict[str, int]]) -> str:
    """应选主任164名，实际选出162名；应选委员328名，实际选出324名 (the posts in order of first appearance)."""
    parts = []
    for post, row in by_post.items():
        if not row["seats"] and not row["elected"]:
            continue
        text = f"应选{post}{row['seats']}名，实际选出{row['elected']}名"
        if row["vacant"]:
            text += f"，缺额{row['vacant']}名"
        parts.append(text)
    return "；".join(parts)


def head_words(by_post: dict[str, dict[str, int]]) -> str:
    """主任中中共党员98名，连任62名，新当选100名 — for the first post that heads a body (主任, 书记), else ""."""
    for post in ("主任", "书记"):
        row = by_post.get(post)
        if row and row["elected"]:
            new = row["elected"] - row["incumbents"]
            return f"当选{post}中，中共党员{row['party']}名，连选连任{row['incumbents']}名，新当选{new}名"
    return ""


def digest(e: Election) -> Digest:
    """The digest of one counted record (`Waiting` if it has no count yet)."""
    if not _counted(e):
        raise Waiting("rounds[].votes", "尚无计票结果，无法统计选举基本情况")
    rows = []
    for view, result in e.pairs():
        turnout = first_round_turnout(result)
        rows.append(
            [
                view.name if e.multi and len(e.views) > 1 else "",
                view.registered or 0,
                turnout[0] if turnout else None,
                turnout[1] if turnout else None,
                view.total_seats,
                len(view.formal_candidates()),
                sum(len(n) for n in result.elected.values()),
                sum(1 for r in result.rounds if r.type == "runoff"),
            ]
        )
    dates = _dates(e)
    return Digest(
        label=e.unit_short,
        stats=e.stats,
        kind_word=KIND_SHORT.get(e.kind, ""),
        parents=[str(p) for p in e.unit.get("parents") or []],
        bodies=[e.body],
        units=1,
        contests=rows,
        first_date=dates[0].isoformat() if dates else None,
        last_date=dates[-1].isoformat() if dates else None,
        issued=e.schedule.get("results_published") or e.schedule.get("election_day"),
        signatory=e.signatory,
        narrative=_narrative_texts(e),
        kind=e.kind,
        posts=elected_posts(e.outcome) if e.kind in (*PARTY_KINDS, *COMMITTEE_KINDS) else {},
        electorates=_electorates(e),
        by_post=_by_post(e),
        completions=_completion(e),
        population=_population(e),
        facts=_facts(e),
        unit_kinds={e.kind: 1} if e.kind in COMMITTEE_KINDS else {},
        recommendation=_recommendation(e),
        districts=[len(e.views), 1] if e.kind == DEPUTY_KIND else [],
        heads_missing=[[e.unit_short, post] for post in ("主任", "书记") if _by_post(e).get(post, {}).get("vacant")],
    )


def cross_held(children: list[Digest]) -> list[list[str]]:
    """一肩挑 and 交叉任职 below an area: its children's, and those of a Party and a committee record of one place."""
    found = [row for c in children for row in c.cross]
    parties = {unit_key(c.label): c for c in children if c.kind in PARTY_KINDS}
    for c in children:
        party = parties.get(unit_key(c.label)) if c.kind in COMMITTEE_KINDS else None
        if party is not None:
            found += [[unit_key(c.label), *h] for h in holdings(party.posts, c.posts)]
    return found


def cross_words(cross: list[list[str]]) -> str:
    """“一肩挑”的单位1个（白玉社区王国强）；交叉任职2人（…）。 — or "" when nobody holds both."""
    if not cross:
        return ""
    one = [f"{place}{name}" for place, name, party, post in cross if is_one_shoulder((name, party, post))]
    other = [f"{place}{name}" for place, name, party, post in cross if not is_one_shoulder((name, party, post))]
    parts = []
    if one:
        parts.append(f"党组织书记经选举担任村（居）民委员会主任、实行“一肩挑”的单位{len(one)}个（{'、'.join(one)}）")
    if other:
        parts.append(f"党组织成员与村（居）民委员会成员交叉任职{len(other)}人（{'、'.join(other)}）")
    return "；".join(parts) + "。"


def _common(lists: list[list[str]]) -> list[str]:
    common: list[str] = []
    for level in zip(*lists, strict=False):
        if len(set(level)) == 1:
            common.append(level[0])
        else:
            break
    return common


LEFT_OUT_KIND = "left_out"


def left_out_digest(name: str, reason: str) -> Digest:
    """The stand-in of a unit not in the figures: no counts, its name and why it is left out."""
    return Digest(label=name, stats=Stats(), units=0, kind=LEFT_OUT_KIND, left_out=[[name, reason]])


def left_out_below(label: str, children: list[Digest]) -> list[list[str]]:
    """The units left out below an area: a sub-area's named with its place first (河西街道大坪村村委会)."""
    found: list[list[str]] = []
    for c in children:
        prefix = c.label if c.kind == "" and not c.contests else ""
        found += [[prefix + name, reason] for name, reason in c.left_out]
    return found


def coverage_words(units: int, left_out: list[list[str]], missing: int = 0) -> str:
    """其中N个单位计入本总结；另有3个单位未计入：A、B（记录未通过校验），C（尚无计票结果）。 ("" when none is left out).

    `missing`: units the level has (`_汇总.yaml` units_total) of which no record came in at all."""
    if not left_out and not missing:
        return ""
    pending = f"另有{missing}个单位尚未报送选举记录。" if missing else ""
    if not left_out:
        return f"其中{units}个单位的选举情况计入本总结；{pending}"
    by_reason: dict[str, list[str]] = {}
    for name, reason in left_out:
        by_reason.setdefault(reason, []).append(name)
    listed = "；".join(f"{'、'.join(names)}（{reason}）" for reason, names in by_reason.items())
    return f"其中{units}个单位的选举情况计入本总结；另有{len(left_out)}个单位未计入：{listed}。{pending}"


def area(label: str, children: list[Digest]) -> Digest:
    """The digest of an area (a township, a county) from its children's: counts summed, no narrative."""
    left_out = left_out_below(label, children)
    children = [c for c in children if c.counted]
    firsts = [c.first_date for c in children if c.first_date]
    lasts = [c.last_date for c in children if c.last_date]
    issued = [c.issued for c in children if c.issued]
    return Digest(
        label=label,
        stats=aggregate([c.stats for c in children]),
        parents=_common([c.parents for c in children]),
        bodies=list(dict.fromkeys(b for c in children for b in c.bodies)),
        units=sum(c.units for c in children),
        first_date=min(firsts) if firsts else None,
        last_date=max(lasts) if lasts else None,
        issued=max(issued) if issued else None,
        cross=cross_held(children),
        left_out=left_out,
        electorates=_merge_counts(c.electorates for c in children),
        by_post=_merge_counts(c.by_post for c in children),
        completions=_merge_completions(children),
        population=_merge_population(children),
        facts=_merge_counts(c.facts for c in children),
        unit_kinds=_merge_kinds(children),
        recommendation=_merge_counts(c.recommendation for c in children),
        districts=_merge_districts(children),
        heads_missing=[
            [(c.label if c.kind == "" and not c.contests else "") + name, post]
            for c in children
            for name, post in c.heads_missing
        ],
    )


def _merge_districts(children: list[Digest]) -> list[int]:
    found = [c.districts for c in children if c.districts]
    return [sum(d[0] for d in found), sum(d[1] for d in found)] if found else []


def row_labels(children: list[Digest]) -> list[str]:
    """The labels of a level's rows (`_labels`): a place with two records gets their kinds added."""
    return _labels(children)


def _labels(children: list[Digest]) -> list[str]:
    """Row labels; two records of one place (电厂社区 居委会 and 楼栋长) get their kind added."""
    counts: dict[str, int] = {}
    for c in children:
        counts[c.label] = counts.get(c.label, 0) + 1
    return [f"{c.label}{c.kind_word}" if counts[c.label] > 1 and c.kind_word else c.label for c in children]


def _stats_row(label: str, s: Stats) -> list[str]:
    return _row(
        label,
        s.registered,
        s.participants if s.turnout_base else None,
        s.turnout_base or None,
        s.seats,
        s.candidates,
        s.elected,
        s.runoffs_held,
        s.places_for("turnout"),
    )


TABLE_COLUMNS = 8


def _per_unit_table(
    caption: str, header: list[str], children: list[Digest], labels: list[str], stats: Stats, cells
) -> dict:
    rows = [[label] + [str(v) for v in cells(c.stats)] for label, c in zip(labels, children, strict=False)]
    rows.append(["合计"] + [str(v) for v in cells(stats)])
    width = TABLE_COLUMNS  # the template's tables have eight columns: pad a narrower one
    return {
        "kind": "table",
        "caption": caption,
        "header": header + [""] * (width - len(header)),
        "rows": [row + [""] * (width - len(row)) for row in rows],
    }


def _many_blocks(
    children: list[Digest],
    stats: Stats,
    units: int,
    left_out: list[list[str]] | None = None,
    previous: dict | None = None,
    missing: int = 0,
    completed: str = "",
    community_words: dict[str, str] | None = None,
) -> list[dict]:
    """基本情况 of many records: totals in sentences, 表1–表5 with one row per unit (or per area).

    表1 选举基本情况 (a record with several contests has a row per contest), 表2 各单位选举结果,
    表3 新当选成员结构 (totals), 表4 and 表5 新当选成员结构 per unit. Every total and share is
    computed from the summed counts (`stats.aggregate`, `formatting.percent`), never by averaging
    the units' percentages. The section ends with a sentence.
    """
    labels = _labels(children)
    # By kind only when every child says it (a digest stored by an earlier version does not).
    electorates = _merge_counts(c.electorates for c in children) if all(c.electorates for c in children) else {}
    by_post = _merge_counts(c.by_post for c in children) if all(c.by_post for c in children) else {}
    kinds = {bool(c.contests) for c in children}
    unit_word = "单位" if kinds == {True} else "地区" if kinds == {False} else "单位或地区"
    rows: list[list[str]] = []
    for label, c in zip(labels, children, strict=False):
        if c.contests:
            rows.extend(
                _row(c.label + suffix if suffix else label, *values, places=stats.places_for("turnout"))  # type: ignore[misc]
                for suffix, *values in c.contests
            )
        else:
            rows.append(_stats_row(label, c.stats))
    rows.append(_total_row(stats))
    table1 = {
        "kind": "table",
        "caption": "表1　选举基本情况",
        "header": [
            f"{unit_word}或场次" if unit_word == "单位" else unit_word,
            "登记",
            "参加投票",
            "参选率",
            "应选",
            "候选人",
            "当选",
            "另行选举",
        ],
        "rows": rows,
    }
    table2 = _per_unit_table(
        f"表2　各{unit_word}选举结果",
        [unit_word, "选举场次", "已计票", "一次选举成功", "另行选举场次", "未选足场次", "缺额", "一次选举成功率"],
        children,
        labels,
        stats,
        lambda s: [
            s.contests,
            s.contests_counted,
            s.filled_first_round,
            s.contests_with_runoff,
            s.contests_with_vacancies,
            s.vacant,
            s.first_round_success,
        ],
    )
    opening = _text(
        facts_words(children, community_words) + f"本次共有{units + len(left_out or []) + missing}个单位进行换届选举，"
        f"{coverage_words(units, left_out or [], missing)}"
        + (
            electorate_words(electorates, stats, registration_words(children, stats))
            if electorates
            else _mixed_electorate(stats)
        )
        + "（详见表1）。"
    )
    results = _text(
        f"应选{stats.seats}名，正式候选人{stats.candidates}名，当选{stats.elected}名"
        + (f"，尚缺{stats.vacant}名" if stats.vacant else "")
        + (
            f"，另有{stats.appointed}名由组织委派暂代（{stats.contests_appointed}个场次，不计入当选）"
            if stats.appointed
            else ""
        )
        + "。"
        + completed
        + f"{stats.contests_counted}个选举场次中，{stats.filled_first_round}个首次投票即选出全部名额，"
        f"一次选举成功率{stats.first_round_success}；"
        + (
            f"另行选举{stats.runoffs_held}次，涉及{stats.contests_with_runoff}个场次"
            if stats.runoffs_held
            else "没有场次需要另行选举"
        )
        + (f"；{stats.contests_with_vacancies}个场次未选足名额" if stats.contests_with_vacancies else "")
        + rerun_words(stats)
        + "（详见表2）。"
        + districts_words(_merge_districts(children))
        + recommendation_level_words(_merge_counts(c.recommendation for c in children))
        + (f"分职务看，{post_words(by_post)}。" if post_words(by_post) else "")
        + (f"{head_words(by_post)}。" if head_words(by_post) else "")
        + heads_missing_words(children)
        + women_sentence(stats, units)
        + cross_words(cross_held(children))
    )
    if not stats.members:
        if stats.repeat_members:
            results = _text(results["text"] + only_repeats_words(stats))
        return [opening, table1, table2, results]
    structure = _text(
        f"新当选的{stats.members}名成员中{repeat_words(stats)}，女性{stats.women}名，占{stats.women_share}；"
        + party_words(stats, bool(children) and all(c.kind in PARTY_KINDS for c in children))
        + f"连任{stats.incumbents}名，占{stats.incumbent_share}"
        + (f"，平均年龄{stats.average_age}岁" if stats.age_known else "")
        + f"（详见表3，各{unit_word}情况见表4、表5）。"
        + previous_words(stats, previous or {})
    )
    table3 = {
        "kind": "groups",
        "caption": "表3　新当选成员结构",
        "header": ["类别", "项目", "人数", "占当选成员"],
        "groups": _structure_groups(stats),
    }
    # The template's per-unit tables have eight columns: a level with fewer bands or groups gets 平均年龄 / 新当选
    # in the spare column (the schema allows at most four bands and three groups).
    bands, groups = _keys(stats.age), _keys(stats.education)
    age_extra = [("平均年龄", lambda s: s.average_age)] if len(bands) < 4 else []
    school_extra = [("新当选", lambda s: s.members - s.incumbents)] if len(groups) < 3 else []
    table4 = _per_unit_table(
        f"表4　各{unit_word}新当选成员性别和年龄",
        [unit_word, "当选", *SEXES, *bands, *(h for h, _ in age_extra)],
        children,
        labels,
        stats,
        lambda s: [
            s.members,
            *(s.sex.get(k, 0) for k in SEXES),
            *(s.age.get(k, 0) for k in bands),
            *(f(s) for _, f in age_extra),
        ],
    )
    # 党员占比 last: the widest column of the template (21 mm) holds "100.00%" on one line, the 15 mm ones do not.
    table5 = _per_unit_table(
        f"表5　各{unit_word}新当选成员文化程度、政治面貌和连任情况",
        [unit_word, "当选", *groups, "中共党员", "连任", *(h for h, _ in school_extra), "党员占比"],
        children,
        labels,
        stats,
        lambda s: [
            s.members,
            *(s.education.get(k, 0) for k in groups),
            s.party,
            s.incumbents,
            *(f(s) for _, f in school_extra),
            s.party_share,
        ],
    )
    profile = _age_and_schooling(stats)
    closing = (
        _text(f"从表3看，{profile}。")
        if profile
        else _text(f"共选出{stats.members}名成员，各{unit_word}情况见表4、表5。")
    )
    return [opening, table1, results, table2, structure, table3, table4, table5, closing]


def previous_words(stats: Stats, previous: dict) -> str:
    """与上届相比：成员由70名减为66名，平均年龄由48.6岁降为45.2岁，女性由10名增为22名。 ("" without a previous term)."""

    def change(name: str, before, after, unit: str) -> str:
        if before == after:
            return f"{name}与上届持平（{after}{unit}）"
        verb = "增为" if after > before else ("降为" if name == "平均年龄" else "减为")
        return f"{name}由{before}{unit}{verb}{after}{unit}"

    parts = []
    if isinstance(previous.get("members"), int):
        parts.append(change("成员", previous["members"], stats.members, "名"))
    if isinstance(previous.get("average_age"), (int, float)) and stats.age_known:
        before = formatting.ratio(formatting.Decimal(str(previous["average_age"])), 1, 1)
        parts.append(change("平均年龄", before, formatting.ratio(stats.age_total, stats.age_known, 1), "岁"))
    if isinstance(previous.get("women"), int):
        parts.append(change("女性成员", previous["women"], stats.women, "名"))
    if isinstance(previous.get("party"), int):
        parts.append(change("中共党员", previous["party"], stats.party, "名"))
    return f"与上届相比，{'，'.join(parts)}。" if parts else ""


def party_words(stats: Stats, party_body: bool = False) -> str:
    """中共党员（含预备党员）57名，占86.36%； — “均为中共党员”, never “占100.00%”; nothing for a Party body."""
    if party_body:
        return ""
    if stats.members and stats.party == stats.members:
        return "均为中共党员（含预备党员）；"
    return f"中共党员（含预备党员）{stats.party}名，占{stats.party_share}；"


def _mixed_electorate(stats: Stats) -> str:
    """The figures of digests that do not tell their kinds apart (stored by huanjie before issue 17)."""
    return f"登记{stats.registered}人（户），参加投票{stats.participants}人（户），参选率{stats.turnout}"


def _age_and_schooling(stats) -> str:
    """年龄结构为…；文化程度为… from the counts that are known (empty when neither is)."""
    parts = []
    ages = _breakdown(stats.age, _keys(stats.age))
    schooling = _breakdown(stats.education, _keys(stats.education))
    if ages:
        parts.append(f"年龄结构为{ages}")
    if schooling:
        parts.append(f"文化程度为{schooling}")
    return "；".join(parts)


def _what(where: str, bodies: list[str]) -> str:
    """青石县村民委员会、居民委员会 — or 青石县基层组织 when the list would not fit on a title line."""
    listed = f"{where}{'、'.join(bodies)}"
    return listed if len(listed) <= 20 else f"{where}基层组织"


def build_many(
    children: list[Digest],
    title: str | None = None,
    author: str | None = None,
    place: str = "",
    fallback: str = "",
    places: int | None = None,
    figure_places: dict[str, int] | None = None,
    own: dict[str, list[str]] | None = None,
    previous: dict | None = None,
    date: str | None = None,
    expected: int | None = None,
    age_bands: list[int] | None = None,
    schooling_groups: dict[str, list[str]] | None = None,
    finished_by: str | None = None,
    community_words: dict[str, str] | None = None,
) -> Instance:
    """The 换届选举工作总结 of a township or county from the digests of its units (or its areas).

    The area is named `place` when given (a batch names it after its folder: 河湾镇), else after
    the last level the records' `unit.parents` share, else `fallback`. Narrative sections hold
    each record's material prefixed by its name; areas bring none.
    """
    left_out = left_out_below("", children)
    places_below = area_words(children)  # every township, counted or not
    children = [c for c in children if c.counted]
    if not children:
        raise Waiting("rounds[].votes", "没有可汇总的选举记录")
    # The level may say it has more units than records came in (`_汇总.yaml` units_total).
    missing = max(0, (expected or 0) - sum(c.units for c in children) - len(left_out))
    stats = aggregate([c.stats for c in children])
    if places is not None or figure_places:
        stats = with_places(stats, stats.places if places is None else places, figure_places)
    stats = rebanded(stats, age_bands, schooling_groups)
    # Every row shows the level's places and bands, whatever each unit's record asked for (one table, one rounding).
    children = [
        replace(c, stats=rebanded(with_places(c.stats, stats.places, stats.figure_places), age_bands, schooling_groups))
        for c in children
    ]
    units = sum(c.units for c in children)
    common = _common([c.parents for c in children])
    where = place or (common[-1] if common else fallback)
    bodies = list(dict.fromkeys(b for c in children for b in c.bodies))
    firsts = [c.first_date for c in children if c.first_date]
    lasts = [c.last_date for c in children if c.last_date]
    party_only = all(c.kind in PARTY_KINDS for c in children)
    intro = _intro(
        f"{where}{places_below}共有{units + len(left_out) + missing}个单位开展换届选举工作",
        min(firsts) if firsts else None,
        max(lasts) if lasts else None,
        *(("候选人推荐、党员大会选举",) if party_only else ()),
    )
    narrative: dict[str, list[dict]] = {key: [] for key, _ in NARRATIVE}
    for key, texts in (own or {}).items():  # the level's own text (`_汇总.yaml`) before its units'
        narrative.setdefault(key, []).extend(_text(t) for t in texts)
    for label, c in zip(_labels(children), children, strict=False):
        for key, texts in c.narrative.items():
            narrative.setdefault(key, []).extend(_text(f"{label}：{t}") for t in texts)
    issued = [c.issued for c in children if c.issued]
    return _finish(
        _many_blocks(
            children,
            stats,
            units,
            left_out,
            previous or {},
            missing,
            completion_words(_merge_completions(children), finished_by, units + len(left_out) + missing, stats),
            community_words,
        ),
        narrative,
        [title] if title else [_what(where, bodies), "换届选举工作总结"],
        intro,
        author or where or children[0].signatory,
        date or (max(issued) if issued else None),
        units,
    )


def summary(e: Election) -> list[Instance]:
    return [build([e])]


SUMMARY_VARIABLES = {
    "title_lines": "标题各行（列表）",
    "intro": "导语：时间、单位、工作概况",
    "sections": "各部分（列表）：一、基本情况，以及记录中有素材的 主要做法、存在问题、下一步打算（序号已按实际部分重排），每项：",
    "sections[].heading": "部分标题，如 一、基本情况",
    "sections[].name": "部分名称，如 基本情况",
    "sections[].blocks": "该部分的内容块（列表），每项：",
    "sections[].blocks[].kind": "内容块类型：text 段落；table 八列表格（表1 选举基本情况；多个单位汇总时还有各单位的表2、表4、表5）；groups 分组的四列表格（新当选成员结构）；heading 小标题",
    "sections[].blocks[].text": "段落文字（kind 为 text 或 heading 时）",
    "sections[].blocks[].keep": "kind 为 text 时：是否与后面的落款保持在同一页（只有全文最后一段为真）",
    "sections[].blocks[].caption": "表格标题（kind 为 table 或 groups 时）",
    "sections[].blocks[].header": "表头各列（列表）",
    "sections[].blocks[].rows": "kind 为 table 时：表格各行（列表的列表），数字和百分比均已算好",
    "sections[].blocks[].groups": "kind 为 groups 时：各组（列表），每项：",
    "sections[].blocks[].groups[].name": "类别，如 性别、年龄（表格中该列向下合并）",
    "sections[].blocks[].groups[].rows": "该类别各行（列表的列表）：项目、人数、占当选成员的比例",
    "author": "落款单位（summary.author，未填时为落款单位；多个记录时为共同的上级）",
    "date_text": "成文日期",
    "units": "汇总的单位（记录）数",
}

"""What every context builder shares: the election bundle, wording per election kind, ready values.

Builders hand templates only finished strings and lists: dates as 2026年3月18日, 文号 with 〔〕,
names in 姓氏笔画 order, counts and percentages already formatted. Templates never compute.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from .. import formatting, strokes
from ..check import CheckResult
from ..errors import HuanjieError
from ..model import Contest, parse_date
from ..outcome import ContestOutcome, Outcome, RoundResult, labels
from ..profile import Profile
from ..stats import Stats
from ..words import (
    ASSEMBLY,
    BODY_ASSEMBLY,
    BODY_NAMES,
    BODY_SUPERVISORS,
    ELECTOR,
    KIND_BODY,
    ORDER_NAMES,
    REPRESENTATIVES,
    SUPERVISORS,
    body_name,
)

BLANK_DATE = "　　　　年　　月　　日"  # for a date written by hand (承诺书 signed on paper)
DASH = "—"


class NotEvaluated(HuanjieError):
    """A check result without outcome (unreadable, schema errors, unknown profile): no documents can be made."""

    def __init__(self, file: str = ""):
        where = f"{file}：" if file else ""
        super().__init__(f"{where}记录未通过格式校验，无法计算选举结果，不能生成文书；请先按校验提示改正。")
        self.file = file


class Waiting(Exception):
    """A document whose data is not in the record yet.

    `field` is the record field it waits for (e.g. ``rounds[].votes``), `reason` a Chinese clause
    saying what is missing (e.g. ``尚无计票结果``).
    """

    def __init__(self, field: str, reason: str):
        super().__init__(f"{reason}（等待 {field}）")
        self.field = field
        self.reason = reason


def no_formal_candidates(e: Election) -> Waiting:
    """What a document that needs formal candidates waits for: any candidate, or a formal one."""
    if not any(view.candidates for view in e.views):
        return Waiting("candidates", "记录中还没有候选人")
    return Waiting("candidates[].formal", "记录中还没有正式候选人")


@dataclass(frozen=True)
class Instance:
    """One document to write: a file-name suffix (may be empty), its context and its display title."""

    suffix: str
    context: dict
    title: str = ""


def tight(text: str) -> str:
    """Drop the spaces the console reports put around numbers: “参加投票 41 户” → “参加投票41户”."""
    return re.sub(r"(?<=\S) (?=\S)", "", text).strip()


def cdate(value: Any, blank: str = BLANK_DATE) -> str:
    """2026-03-18 → 2026年3月18日; a missing or unreadable date gives a blank to fill by hand."""
    day = parse_date(value) if value else None
    return formatting.chinese_date(day) if day else blank


def year_month(value: Any) -> str:
    if not value:
        return DASH
    try:
        return formatting.year_month(str(value))
    except (ValueError, TypeError):
        return str(value)


def or_dash(value: Any) -> str:
    if value is None or value == "":
        return DASH
    return str(value)


def numeral(n: int) -> str:
    """Chinese numeral for headings (一, 二, …) and counts written out in prose (五日)."""
    return formatting.chinese_numeral(n)


# Where a title may break: after these words (a place, a 届, a body, the election); never inside one.
_BREAK_AFTER = (
    "省",
    "市",
    "县",
    "区",
    "镇",
    "乡",
    "街道",
    "村",
    "社区",
    "届",
    "委员会",
    "换届选举",
    "选举",
    "支部",
    "小组",
    "选区",
)
# …unless the next characters continue the word: 村民委员会, 社区居民委员会, 选举委员会, 区选举委员会 …
_NO_BREAK_BEFORE = ("民", "委", "居", "党", "工作", "委员会", "选举委员会", "人民")


def _breaks(part: str) -> list[int]:
    at = []
    for i in range(1, len(part)):
        if any(part[:i].endswith(w) for w in _BREAK_AFTER) and not part[i:].startswith(_NO_BREAK_BEFORE):
            at.append(i)
    return at


def _balanced(part: str, width: int) -> list[str] | None:
    """`part` in the fewest lines of at most `width` characters broken only at word ends, the most even
    such lines; None when no such breaking exists."""
    points = [0, *_breaks(part), len(part)]
    best: dict[int, tuple[int, int, list[int]]] = {0: (0, 0, [0])}  # end -> (lines, badness, breaks)
    for j in points[1:]:
        for i in points:
            if i >= j or i not in best or j - i > width:
                continue
            lines, bad, path = best[i]
            cand = (lines + 1, bad + (width - (j - i)) ** 2, [*path, j])
            if j not in best or cand[:2] < best[j][:2]:
                best[j] = cand
    if len(part) not in best:
        return None
    path = best[len(part)][2]
    return [part[a:b] for a, b in zip(path, path[1:], strict=False)]


def split_title(parts: list[str], width: int = 20) -> list[str]:
    """Title lines of at most `width` characters (二号 on a 156 mm line), breaking between parts.

    `parts` are the natural pieces of the title, e.g. ["阳光社区第十二届居民委员会换届选举",
    "正式候选人名单公告"]: they stay whole when they fit, and join when together they fit. A piece too long
    for one line breaks after a word (a place, 届, 委员会, 换届选举 …; GB/T 9704 §7.2.3 "回行时要做到词意完整"),
    into even lines; only a piece with no such place is cut into equal lengths.
    """
    lines: list[str] = []
    for part in parts:
        if not part:
            continue
        if lines and len(lines[-1]) + len(part) <= width:
            lines[-1] += part
            continue
        if len(part) > width:
            words = _balanced(part, width)
            if words:
                lines.extend(words)
                continue
        while len(part) > width:
            # Break a long piece into nearly equal lines rather than one full line and a stub.
            count = -(-len(part) // width)
            size = -(-len(part) // count)
            lines.append(part[:size])
            part = part[size:]
        lines.append(part)
    return lines


def titled(name: str, document: str) -> list[str]:
    """Title parts of a document of an election: [“…换届选举”, “选举结果公告”] without “选举选举”."""
    if name.endswith("选举") and document.startswith("选举") and len(document) > 2:
        document = document[2:]
    return [name, document]


def heading_number(level: int, n: int) -> str:
    """一、 / （一） / 1. / （1） for heading levels 1–4 (n from 1)."""
    if level == 1:
        return f"{numeral(n)}、"
    if level == 2:
        return f"（{numeral(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


@dataclass
class Election:
    """One record with everything builders need, computed once."""

    data: dict
    profile: Profile
    outcome: Outcome
    stats: Stats
    file: str = ""
    views: list[Contest] = field(default_factory=list)
    # (contests of the record, this one's index) when the election is seen from one 选区 (`per_contest`).
    spread: tuple[int, int] = (1, 0)

    @classmethod
    def from_check(cls, result: CheckResult) -> Election:
        """The election of a `check.CheckResult`, reusing its profile, outcome, statistics and views.

        This is the only way to an `Election`: a result that is not evaluated (unreadable, schema errors, unknown
        profile) raises `NotEvaluated`; rule errors do not (drafts are made from such results).
        """
        if result.record is None or result.profile is None or result.outcome is None or result.stats is None:
            raise NotEvaluated(result.file)
        return cls(
            data=result.record.data,
            profile=result.profile,
            outcome=result.outcome,
            stats=result.stats,
            file=result.file,
            views=list(result.views),
        )

    # --- record parts --------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self.data["kind"]

    @property
    def method(self) -> str | None:
        return self.data.get("method")

    @property
    def unit(self) -> dict:
        return self.data.get("unit") or {}

    @property
    def unit_name(self) -> str:
        return self.unit.get("name", "")

    @property
    def unit_short(self) -> str:
        return self.unit.get("short_name") or self.unit_name

    @property
    def term(self) -> str:
        return self.data.get("term") or ""

    @property
    def schedule(self) -> dict:
        return self.data.get("schedule") or {}

    @property
    def committee(self) -> dict:
        return self.data.get("committee") or {}

    @property
    def settings(self) -> dict:
        return self.data.get("documents") or {}

    @property
    def multi(self) -> bool:
        """Whether the record lists its contests under `contests` (headings name each contest)."""
        return "contests" in self.data

    @property
    def law(self) -> str:
        """The basis as a notice prints it: the profile's `law_cited`, else its `law`."""
        return dict(self.profile.body_law).get(self.body) or self.profile.law_cited or self.profile.law

    @property
    def convention(self) -> str:
        return self.profile.strokes_convention

    @property
    def order_words(self) -> str:
        return ORDER_NAMES[self.profile.strokes_convention]

    def sort(self, names: list[str]) -> list[str]:
        return strokes.sort_names(list(names), convention=self.convention)

    # --- wording -------------------------------------------------------------------------------
    @property
    def posts(self) -> list[str]:
        seen: dict[str, None] = {}
        for view in self.views:
            for post in view.seats:
                seen[str(post)] = None
        return list(seen)

    @property
    def body(self) -> str:
        """What is elected: 居民委员会, 支部委员会, 楼栋长 …"""
        if self.kind == "building_leader":
            return "、".join(self.posts) or "楼栋长"
        if self.kind in BODY_NAMES:  # 村务监督委员会, 居民小组长, 村民代表 (issue 14 item 4)
            return body_name(self.kind, self.data.get("body"))
        if self.kind == "deputy":
            return "人民代表大会代表"
        return KIND_BODY[self.kind]

    @property
    def county(self) -> str:
        parents = self.unit.get("parents") or []
        return parents[0] if parents else self.unit_short

    @property
    def election_name(self) -> str:
        """阳光社区第十二届居民委员会换届选举, 青石县第十九届人民代表大会代表选举 …"""
        if self.kind == "party_branch":
            return f"{self.unit_name}换届选举"
        if self.kind == "deputy":
            return f"{self.county}{self.term}人民代表大会代表选举"
        if self.kind in ("building_leader", *BODY_NAMES):
            return f"{self.unit_short}{self.term}{self.body}选举"
        return f"{self.unit_short}{self.term}{self.body}换届选举"

    def post_full(self, post: str, contest: Contest | None = None) -> str:
        """The office as written on a certificate: 阳光社区第十二届居民委员会主任 …"""
        if self.kind == "party_branch":
            return f"{self.unit_name}{post}"
        if self.kind == "deputy":
            return f"{self.county}{self.term}人民代表大会代表"
        if self.kind in ("building_leader", "group_leader", "representative"):
            where = contest.name if contest is not None and self.multi else ""
            return f"{self.unit_short}{where}{post}"
        return f"{self.unit_short}{self.term}{self.body}{post}"

    @property
    def elector(self) -> tuple[str, str]:
        return ELECTOR.get(self.method or "all_voters", ELECTOR["all_voters"])

    @property
    def voter_noun(self) -> str:
        """Who votes, in pledges: 选民, 户代表, 居民代表 or 党员 (a 党支部 has no 选民)."""
        if self.kind == "party_branch" or self.method == "party_meeting":
            return "党员"
        return REPRESENTATIVES.get(self.method or "", "选民")

    @property
    def supervisors(self) -> str:
        """Whose supervision a candidate accepts: 党员和群众, 村民和社会, 居民和社会, 选民和社会."""
        return BODY_SUPERVISORS.get(self.body) or SUPERVISORS[self.kind]

    @property
    def assembly(self) -> str:
        """Where the elected report back (当选履职承诺书): 居民会议, 党员大会, 本居民小组会议 …"""
        return BODY_ASSEMBLY.get(self.body) or ASSEMBLY[self.kind]

    @property
    def procedures(self) -> str:
        """The procedures the committee organises: a 党支部 registers no 选民."""
        if self.kind == "party_branch" or self.method == "party_meeting":
            return "党员选举资格审查、候选人推荐、投票选举"
        registration = REPRESENTATIVES.get(self.method or "", "选民")
        return f"{registration}登记、候选人提名、投票选举"

    @property
    def committee_name(self) -> str:
        return self.committee.get("name") or self.settings.get("signatory") or self.unit_name

    @property
    def signatory(self) -> str:
        return self.settings.get("signatory") or self.committee_name

    @property
    def place(self) -> str:
        """Where the vote is held: the contest's own `place` when the election has one contest, else
        documents.place (a notice for several contests names each contest's place with `place_of`)."""
        if len(self.views) == 1 and self.views[0].data.get("place"):
            return str(self.views[0].data["place"])
        return self.settings.get("place", "")

    def place_of(self, view: Contest) -> str:
        return str(view.data.get("place") or self.settings.get("place", ""))

    @property
    def posted_per_contest(self) -> bool:
        """人大 notices of several 选区 are posted per 选区 (选举法 §28, §31: lists and results by 选区)."""
        return self.kind == "deputy" and self.multi and len(self.views) > 1

    def per_contest(self) -> list[tuple[Contest, Election]]:
        """(选区, the election seen from that 选区 alone), numbered apart (`doc_number`)."""
        out = []
        for index, (view, result) in enumerate(self.pairs()):
            one = dataclasses.replace(self, views=[view], outcome=dataclasses.replace(self.outcome, contests=[result]))
            one.spread = (len(self.views), index)
            out.append((view, one))
        return out

    @property
    def county_level(self) -> bool:
        """Deputies of a county or district 人大, elected in a township's 选区 (the unit names its parents)."""
        return self.kind == "deputy" and bool(self.unit.get("parents")) and self.county != self.unit_short

    @property
    def results_issuer(self) -> str:
        """Who confirms and announces the results: the county/district 选举委员会 for its deputies."""
        if self.settings.get("results_signatory"):
            return str(self.settings["results_signatory"])
        return f"{self.county}选举委员会" if self.county_level else self.signatory

    def date(self, *keys: str) -> str:
        """The first schedule date among `keys`, then documents.issue_date, as 2026年3月18日 (or blank)."""
        for key in keys:
            if self.schedule.get(key):
                return cdate(self.schedule[key])
        return cdate(self.settings.get("issue_date"))

    def raw_date(self, *keys: str) -> str | None:
        for key in keys:
            if self.schedule.get(key):
                return self.schedule[key]
        return self.settings.get("issue_date") or self.schedule.get("election_day")

    # --- 文号 ----------------------------------------------------------------------------------
    # Fixed slots so a notice keeps its number whichever documents are rendered first.
    NUMBER_SLOTS = {"committee": 0, "voters": 1, "candidates_initial": 2, "candidates_formal": 3, "results": 4}

    def doc_number(self, slot: str, date: str | None, round_index: int = 0) -> str:
        """阳选委〔2026〕3号, or （第3号） when the record sets no number prefix."""
        start = self.settings.get("first_number") or 1
        n = start + self.NUMBER_SLOTS[slot] + round_index
        count, index = self.spread
        if count > 1 and slot != "committee":
            # One notice per 选区: each slot holds `count` consecutive numbers, in the record's 选区 order.
            n = start + 1 + (self.NUMBER_SLOTS[slot] - 1 + round_index) * count + index
        prefix = self.settings.get("number_prefix")
        day = parse_date(date) if date else None
        if day is None:
            day = parse_date(self.schedule.get("election_day"))
        if prefix and day is not None:
            return formatting.doc_number(prefix, day.year, n)
        return f"（第{n}号）"

    # --- outcome helpers -----------------------------------------------------------------------
    def pairs(self) -> list[tuple[Contest, ContestOutcome]]:
        return list(zip(self.views, self.outcome.contests, strict=False))

    def contest_heading(self, index: int, contest: Contest) -> str:
        """（一）1号楼 when a record has several contests; the bare name (第七选区) when it has one
        under `contests`; nothing for a single-contest record."""
        if not self.multi:
            return ""
        if len(self.views) == 1:
            return contest.name
        return f"{heading_number(2, index + 1)}{contest.name}"

    @property
    def post_level(self) -> int:
        """Heading level of the posts: 3 under numbered contest headings, else 2."""
        return 3 if self.multi and len(self.views) > 1 else 2

    def turnout_labels(self):
        return labels(self.profile, self.method)

    def elected_round(self, result: ContestOutcome, post: str, name: str) -> RoundResult | None:
        for rnd in result.rounds:
            for post_result in rnd.posts:
                if post_result.post == post and name in post_result.elected:
                    return rnd
        return None

    def candidate(self, contest: Contest, name: str, post: str | None = None) -> dict:
        found = [c for c in contest.candidates if c.get("name") == name and (post is None or c.get("post") == post)]
        if not found and post is not None:
            found = [c for c in contest.candidates if c.get("name") == name]
        return found[0] if found else {}


def approved_words(e: Election) -> str:
    """How a Party notice cites the higher organisation's consent: its 批复 (公推直选 `gongtui.approval`) once it has
    arrived, 经中共灯湖街道工作委员会批复同意（灯湖党工〔2026〕31号）, else 经上级党组织审查同意."""
    gongtui = e.data.get("gongtui") or {}
    approval = gongtui.get("approval")
    if not approval:
        return "经上级党组织审查同意"
    by = approval.get("by") or (gongtui.get("request") or {}).get("to") or "上级党组织"
    number = f"（{approval['number']}）" if approval.get("number") else ""
    return f"经{by}批复同意{number}"


def common_context(e: Election) -> dict:
    """Variables every template may use."""
    return {
        "unit_name": e.unit_name,
        "unit_short": e.unit_short,
        "term": e.term,
        "election_name": e.election_name,
        "body": e.body,
        "law": e.law,
        "committee_name": e.committee_name,
        "signatory": e.signatory,
    }


COMMON_VARIABLES = {
    "unit_name": "单位全称，如 阳光社区居民委员会",
    "unit_short": "单位简称，如 阳光社区",
    "term": "届次，如 第十二届（未填时为空）",
    "election_name": "本次选举的名称，如 阳光社区第十二届居民委员会换届选举",
    "body": "选举产生的组织或职务，如 居民委员会、支部委员会、楼栋长",
    "law": "适用的法律法规全称（带书名号），如 《中华人民共和国城市居民委员会组织法》（2025年修订）",
    "committee_name": "选举委员会（或选举工作小组）名称",
    "signatory": "落款单位（documents.signatory，未填时为选举委员会名称）",
}

NOTICE_VARIABLES = {
    "title_lines": "标题各行（列表；已按每行不超过20字、在词语之间断开）",
    "doc_number": "文号，如 阳选委〔2026〕3号；记录未设 documents.number_prefix 时为 （第3号）",
    "date_text": "成文日期，如 2026年3月18日；记录中没有日期时为留待手写的“　年　月　日”",
}

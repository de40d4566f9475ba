"""Turnout and majority: is each round valid, and what the tally leaves to do.

The numbers (measure, base, minimum) and who is elected come from the outcome
(`pipeline.outcome.compute`); this module only turns them into findings with the profile's
wording and citation. Strictness: "过半数"/"超过" exclude the bound (`2x > base`, `5x > 4·base`);
a value exactly on the bound fails and the message says so, since some guides wrongly accept it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import Finding, Severity
from ..model import Contest, contests
from ..outcome import rerun_text
from ..profile import Profile
from ..records import Record
from ..words import VOID_ROUND, fraction_name
from .completeness import electorate_words, label, names_cn, round_label, round_type

if TYPE_CHECKING:  # pragma: no cover
    from ..outcome import ContestOutcome, Outcome, PostResult, RoundResult


def check(record: Record, profile: Profile, outcome: Outcome) -> list[Finding]:
    all_contests = contests(record.data)
    out: list[Finding] = []
    for contest, result in zip(all_contests, outcome.contests, strict=False):
        where = label(contest, all_contests)
        out += _excluded(record, profile, contest, where)
        for rnd in result.rounds:
            out += _turnout(record, profile, contest, rnd, where, result.reruns.get(rnd.index))
        out += _pending(record, profile, contest, result, where)
        out += _runoff_matches(record, profile, contest, result, where)
    return out


def _excluded(record: Record, profile: Profile, contest: Contest, where: str) -> list[Finding]:
    """`excluded` only lowers the base where the profile counts from the expected attendance (O5)."""
    out = _exclusions(record, profile, contest, where)
    excluded = contest.electorate.get("excluded")
    registered = contest.registered
    if not excluded:
        return out
    path = contest.at("electorate", "excluded")
    citation = profile.cite(profile.turnout.article)
    unit, noun = electorate_words(record.data, profile)
    if registered is not None and excluded >= registered:
        text = (
            f"{where}不计入人数 {excluded} {unit}，多于登记人数 {registered} {unit}。请核对 electorate 中的数字。"
            if excluded > registered
            else f"{where}不计入人数 {excluded} {unit}，等于登记人数 {registered} {unit}：全部{noun}都不计入，"
            "没有人可以参加选举。请核对 electorate 中的数字。"
        )
        return [*out, record.finding("TURNOUT-EXCLUDED", Severity.ERROR, text, path, citation=citation)]
    if profile.turnout.base == "expected":
        return out + _beyond_expected(record, profile, contest, excluded, where)
    return [
        *out,
        record.finding(
            "TURNOUT-EXCLUDED",
            Severity.WARNING,
            f"{where}填写了不计入人数 {excluded} {unit}，但按所选规则，参加投票是否过半以全部{noun}为基数，不能扣除。"
            "如本省条例允许不计入（如联系不上、未委托投票的外出人员），请在 profile 中选用本省的规则配置；否则请删去 excluded。",
            path,
            citation=citation,
        ),
    ]


def _beyond_expected(record: Record, profile: Profile, contest: Contest, excluded: int, where: str) -> list[Finding]:
    """Those present (or voting) in a round cannot outnumber the expected attendance (registered − excluded)."""
    registered = contest.registered
    if registered is None:
        return []
    expected = registered - excluded
    unit, noun = electorate_words(record.data, profile)
    field, what, base_name = (
        ("present", "实到会", "应到会人数")
        if profile.turnout.measure == "present"
        else ("participants", "参加投票", f"计入基数的{noun}")
    )
    out = []
    for index, rnd in enumerate(contest.rounds):
        value = rnd.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or value <= expected or value > registered:
            continue  # more than registered: BALLOT-PARTICIPANTS says so
        out.append(
            record.finding(
                "TURNOUT-PRESENT",
                Severity.ERROR,
                f"{where}{round_label(contest, index, rnd)}{what} {value} {unit}，多于{base_name} {expected} {unit}"
                f"（登记 {registered} {unit}，不计入 {excluded} {unit}）。不计入的人员不应到会投票；"
                f"请核对 {field} 和不计入人数 excluded。",
                contest.at("rounds", index, field),
                citation=profile.cite(profile.turnout.article),
            )
        )
    return out


def _exclusions(record: Record, profile: Profile, contest: Contest, where: str) -> list[Finding]:
    """`electorate.exclusions`: each entry has a reason category of the profile; together they make `excluded`."""
    entries = contest.electorate.get("exclusions")
    if not entries:
        return []
    unit, _ = electorate_words(record.data, profile)
    citation = profile.cite(profile.turnout.article)
    out = []
    reasons = profile.exclusion_reasons
    for index, entry in enumerate(entries):
        if reasons and entry["reason"] not in reasons:
            out.append(
                record.finding(
                    "TURNOUT-EXCLUSIONS",
                    Severity.WARNING,
                    f"{where}不计入原因“{entry['reason']}”不是规定的原因类别。可不计入的情形：{'、'.join(reasons)}。"
                    "请改用其中之一，或核对此人是否应计入。",
                    contest.at("electorate", "exclusions", index, "reason"),
                    citation=citation,
                )
            )
        if entry.get("name") and entry.get("count", 1) != 1:
            out.append(
                record.finding(
                    "TURNOUT-EXCLUSIONS",
                    Severity.ERROR,
                    f"{where}不计入明细第 {index + 1} 项写了姓名{entry['name']}，人数却是 {entry['count']}。"
                    "写姓名的一项只算一人：请删去 count，或分项填写。",
                    contest.at("electorate", "exclusions", index, "count"),
                )
            )
    total = sum(entry.get("count", 1) for entry in entries)
    excluded = contest.electorate.get("excluded")
    if excluded is None:
        out.append(
            record.finding(
                "TURNOUT-EXCLUSIONS",
                Severity.ERROR,
                f"{where}填写了不计入明细（共 {total} {unit}），但没有填写不计入人数。请在 electorate 中填写 excluded: {total}。",
                contest.at("electorate", "exclusions"),
            )
        )
    elif total != excluded:
        out.append(
            record.finding(
                "TURNOUT-EXCLUSIONS",
                Severity.ERROR,
                f"{where}不计入明细共 {total} {unit}，与不计入人数 excluded {excluded} {unit}不符。请核对两处数字。",
                contest.at("electorate", "excluded"),
            )
        )
    return out


def _turnout(
    record: Record, profile: Profile, contest: Contest, rnd: RoundResult, where: str, rerun: int | None = None
) -> list[Finding]:
    """The round's turnout below the minimum: the round is void; say by how much and what follows.

    Once a later valid round repeats it (`rerun`, 重新选举) the void round is history: a 提示 (RERUN-HELD)."""
    value, base, needed = rnd.turnout_value, rnd.turnout_base, rnd.turnout_needed
    if value is None or base is None or needed is None or value >= needed:
        return []
    spec = profile.turnout
    threshold = spec.threshold(record.data.get("method"))
    record_round = contest.rounds[rnd.index]
    unit, measure, noun, field = _turnout_words(record, profile, contest, record_round, base)
    name = fraction_name(threshold.fraction)
    verb = "不足" if threshold.inclusive else "未超过"
    text = (
        f"{where}{round_label(contest, rnd.index, record_round)}{measure} {value} {unit}，"
        f"{verb}{noun}的{name}（至少需 {needed} {unit}），选举无效。"
    )
    if not threshold.inclusive and value * threshold.fraction.denominator == base * threshold.fraction.numerator:
        text += f"恰好{name}不算“超过{name}”"
        text += "（有的辅导材料认为达到即可，但规定是“超过”）。" if spec.boundary_disputed else "。"
    if rerun is not None:
        note = f"{text[:-1]}，{rerun_text(contest, rnd.index, rerun)}，选举结果以重新选举为准。"
        path = contest.at("rounds", rnd.index, *field)
        return [record.finding("RERUN-HELD", Severity.INFO, note, path, citation=profile.cite(spec.article))]
    text += _what_follows(record_round)
    return [
        record.finding(
            "TURNOUT-MAJORITY",
            Severity.ERROR,
            text,
            contest.at("rounds", rnd.index, *field),
            citation=profile.cite(spec.article),
        )
    ]


def _turnout_words(
    record: Record, profile: Profile, contest: Contest, record_round: dict, base: int
) -> tuple[str, str, str, tuple[str, ...]]:
    """(unit, what was counted, the base in words with its number, path of the counted field)."""
    spec = profile.turnout
    unit, noun = electorate_words(record.data, profile)
    field: tuple[str, ...]
    if spec.measure == "present":
        measure, field, noun = "实到会有选举权的人数", ("present",), "应到会人数"
    else:
        measure = "参加投票"
        field = ("participants",) if record_round.get("participants") is not None else ("ballots", "returned")
    note = ""
    registered = contest.registered  # never None here: a turnout base is only computed from a registered count
    if spec.base == "expected" and registered is not None and base != registered:
        note = f"（登记 {registered} {unit}，不计入 {registered - base} {unit}）"
        noun = noun if spec.measure == "present" else f"计入基数的{noun}"
    return unit, measure, f"{noun} {base} {unit}{note}", field


def _what_follows(record_round: dict) -> str:
    what, again = VOID_ROUND.get(round_type(record_round), VOID_ROUND["first"])
    return f"{what}不能产生当选人，应重新组织{again}；请先核对人数是否录错。"


def _last_by_post(result: ContestOutcome) -> dict[str, tuple]:
    """Post -> (round result, post result) of the last round that voted on the post."""
    out = {}
    for rnd in result.rounds:
        for post in rnd.posts:
            out[post.post] = (rnd, post)
    return out


def _pending(record: Record, profile: Profile, contest: Contest, result: ContestOutcome, where: str) -> list[Finding]:
    """After the last round in the record: a tie to revote, seats left for 另行选举, seats left vacant."""
    out = []
    for post, (rnd, post_result) in _last_by_post(result).items():
        if not rnd.valid:  # TURNOUT-MAJORITY or BALLOT-RETURNED already says what follows
            continue
        path = contest.at("rounds", rnd.index, "votes", post)
        title = where + round_label(contest, rnd.index, contest.rounds[rnd.index])
        if post_result.revote_among:
            out.append(
                record.finding(
                    "MAJORITY-TIE",
                    Severity.WARNING,
                    f"{title}{post}职位{names_cn(post_result.revote_among)}得票相等，争 {post_result.revote_seats} 个名额，"
                    "须就票数相等的候选人重新投票决定（不得抽签）。请在 rounds 中录入重新投票（type: revote）的结果。",
                    path,
                    citation=profile.cite(profile.win.article),
                )
            )
        if post_result.seats_left > len(result.appointed.get(post, [])):  # appointees fill seats (组织委派)
            elected = len(post_result.elected)
            who = f"只有 {elected} 名当选" if elected else "没有人当选"
            out.append(
                record.finding(
                    "MAJORITY-SHORTFALL",
                    Severity.INFO,
                    f"{title}{post}职位应选 {post_result.seats} 名，{who}（{post_result.rule}），尚缺 {post_result.seats_left} 名，"
                    f"应另行选举；{_runoff_list_text(post_result)}"
                    "请在 rounds 中录入另行选举（type: runoff）的结果。",
                    path,
                    citation=profile.cite(profile.runoff.article),
                )
            )
        if post_result.vacant and not post_result.revote_among:
            out.append(
                record.finding(
                    "MAJORITY-VACANT",
                    Severity.INFO,
                    f"{title}{post}职位仍缺 {post_result.vacant} 名（{post_result.rule}）。"
                    "该名额暂作缺额，或依本省规定再行选举。",
                    path,
                    citation=profile.cite(profile.runoff.article),
                )
            )
    return out


def _runoff_list_text(post_result: PostResult) -> str:
    """Who stands in the 另行选举: the list, or the tie for its last places that must be resolved first."""
    if not post_result.runoff_tied:
        return f"候选人为未当选人中得票多的：{names_cn(post_result.runoff_candidates)}。"
    settled = f"按得票已确定{names_cn(post_result.runoff_candidates)}，" if post_result.runoff_candidates else ""
    wanted = len(post_result.runoff_candidates) + post_result.runoff_tied_places
    return (
        f"候选人应为 {wanted} 名，{settled}{names_cn(post_result.runoff_tied)}得票相等"
        f"（各 {post_result.runoff_tied_votes} 票），争余下 {post_result.runoff_tied_places} 个候选人名额，"
        "须先解决这一票数相等，候选人名单方能确定。"
    )


def _runoff_matches(
    record: Record, profile: Profile, contest: Contest, result: ContestOutcome, where: str
) -> list[Finding]:
    """A 另行选举 fills only the seats left by the previous round, among its designated candidates."""
    out = []
    left: dict[str, object] = {}
    for rnd in result.rounds:
        record_round = contest.rounds[rnd.index]
        if round_type(record_round) == "runoff":
            out += _runoff_round(record, profile, contest, rnd.index, record_round, left, where)
        if rnd.valid and round_type(record_round) == "first":
            left = {p.post: p for p in rnd.posts}
    return out


def _runoff_round(
    record: Record, profile: Profile, contest: Contest, index: int, record_round: dict, left: dict, where: str
) -> list[Finding]:
    out = []
    title = where + round_label(contest, index, record_round)
    citation = profile.cite(profile.runoff.article)
    posts = list(record_round.get("posts") or record_round.get("seats") or record_round.get("votes") or {})
    for post in posts:
        first = left.get(post)
        if first is None:
            continue
        seats = (record_round.get("seats") or {}).get(post)
        if not first.seats_left:
            why = (
                "有人得票相等，应就票数相等的候选人重新投票（type: revote），而不是另行选举"
                if first.revote_among
                else "已全部选出，不需要另行选举"
            )
            out.append(
                record.finding(
                    "RUNOFF-SEATS",
                    Severity.ERROR,
                    f"{title}{post}职位另行选举，但首次选举后该职位{why}。请核对本轮的轮次类型和职位。",
                    contest.at("rounds", index, "seats", post) if seats is not None else contest.at("rounds", index),
                    citation=citation,
                )
            )
            continue
        if seats is not None and first.seats_left < seats <= contest.seats.get(post, seats):
            out.append(
                record.finding(
                    "RUNOFF-SEATS",
                    Severity.ERROR,
                    f"{title}{post}职位另行选举 {seats} 名，但首次选举后该职位只缺 {first.seats_left} 名。"
                    "请核对本轮的 seats。",
                    contest.at("rounds", index, "seats", post),
                    citation=citation,
                )
            )
        names = list((record_round.get("votes") or {}).get(post, {}))
        strangers = [n for n in names if n not in first.runoff_candidates and n not in first.runoff_tied]
        if first.runoff_candidates and strangers:
            out.append(
                record.finding(
                    "RUNOFF-CANDIDATES",
                    Severity.WARNING,
                    f"{title}{post}职位的候选人中有{names_cn(strangers)}，但按首次选举的得票，另行选举的候选人应为"
                    f"{names_cn(first.runoff_candidates)}（未当选人中得票多的）。请核对另行选举的候选人。",
                    contest.at("rounds", index, "votes", post),
                    citation=citation,
                )
            )
    return out

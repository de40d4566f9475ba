"""Ballot arithmetic of each round: reconciliation, invalid and blank ballots, votes, the 流动票箱 and its tellers.

Reconciliation may void the election; participants, votes per candidate and per post are checked against the
ballots.

valid ballots = returned − invalid. Each candidate's votes ≤ valid; the marks of a post (votes
plus 另选他人) ≤ valid × seats of the post in the round, since a ballot marking more names
than seats is void.
"""

from __future__ import annotations

from ..findings import Finding, Severity
from ..model import Contest, contests
from ..outcome import compute, rerun_text
from ..profile import MobileBoxRule, Profile
from ..records import Record
from .completeness import electorate_words, label, round_label, round_seats, valid_ballots

# reconciliation rule -> (the field returned ballots are compared with, its name)
RECONCILE = {
    "returned_le_issued": ("issued", "发出选票数"),
    "returned_le_participants": ("participants", "参加投票人数"),
    "returned_le_present": ("present", "实到会有选举权的人数"),
}


def check(record: Record, profile: Profile) -> list[Finding]:
    all_contests = contests(record.data)
    out: list[Finding] = []
    for contest in all_contests:
        where = label(contest, all_contests)
        for i, rnd in enumerate(contest.rounds):
            title = where + round_label(contest, i, rnd)
            out += _reconcile(record, profile, contest, i, rnd, title)
            out += _counts(record, contest, i, rnd, title)
            out += _people(record, profile, contest, i, rnd, title)
            out += _votes(record, contest, i, rnd, title)
            out += _marks(record, contest, i, rnd, title)
            out += _mobile_boxes(record, profile, contest, i, rnd, title)
    return out


def _figure(rnd: dict, field: str) -> int | None:
    if field in ("issued", "returned", "invalid", "blank"):
        return rnd.get("ballots", {}).get(field)
    return rnd.get(field)


def _reconcile(record: Record, profile: Profile, contest: Contest, i: int, rnd: dict, title: str) -> list[Finding]:
    """Returned ballots against the profile's base (void when more), and never more than issued."""
    spec = profile.reconciliation
    field, name = RECONCILE[spec.rule]
    returned, base = _figure(rnd, "returned"), _figure(rnd, field)
    unit = "张" if field == "issued" else electorate_words(record.data, profile)[0]
    path = contest.at("rounds", i, "ballots", "returned")
    out = []
    if returned is not None and base is not None and returned > base:
        rerun = _rerun(record, profile, contest, i)
        if rerun is not None:
            out.append(
                record.finding(
                    "RERUN-HELD",
                    Severity.INFO,
                    f"{title}收回选票 {returned} 张，多于{name} {base} {unit}，本次选举无效，"
                    f"{rerun_text(contest, i, rerun)}，选举结果以重新选举为准。",
                    path,
                    citation=profile.cite(spec.article),
                )
            )
            return out  # the repeat decides; more returned than issued is part of the same void round
        out.append(
            record.finding(
                "BALLOT-RETURNED",
                Severity.ERROR,
                f"{title}收回选票 {returned} 张，多于{name} {base} {unit}；收回（所投）的选票多于{name}的，本次选举无效，"
                "应重新投票。请先核对数字是否录错。",
                path,
                citation=profile.cite(spec.article),
            )
        )
    issued = _figure(rnd, "issued")
    if field != "issued" and returned is not None and issued is not None and returned > issued:
        out.append(
            record.finding(
                "BALLOT-RETURNED",
                Severity.ERROR,
                f"{title}收回选票 {returned} 张，多于发出选票 {issued} 张，不可能出现；请核对数字，如确有多出的选票，"
                "本次选举应认定无效。",
                path,
                citation=profile.cite(spec.article),
            )
        )
    return out


def _rerun(record: Record, profile: Profile, contest: Contest, i: int) -> int | None:
    """The later valid round repeating the void round `i` of `contest` (重新选举), if any, from the tally."""
    outcome = compute(record.data, profile)
    for view, result in zip(contests(record.data), outcome.contests, strict=False):
        if view.path == contest.path:
            return result.reruns.get(i)
    return None


def _counts(record: Record, contest: Contest, i: int, rnd: dict, title: str) -> list[Finding]:
    """invalid ≤ returned; blank ≤ valid."""
    ballots = rnd.get("ballots", {})
    returned, invalid, blank = ballots.get("returned"), ballots.get("invalid", 0), ballots.get("blank")
    if returned is None:
        return []
    if invalid > returned:
        return [
            record.finding(
                "BALLOT-INVALID",
                Severity.ERROR,
                f"{title}无效票 {invalid} 张，多于收回选票 {returned} 张。请核对 ballots 中的数字。",
                contest.at("rounds", i, "ballots", "invalid"),
            )
        ]
    valid = returned - invalid
    if blank is not None and blank > valid:
        return [
            record.finding(
                "BALLOT-BLANK",
                Severity.ERROR,
                f"{title}弃权票（空白票）{blank} 张，多于有效票 {valid} 张（收回 {returned} 张减无效 {invalid} 张）。"
                "空白票是有效票的一部分，请核对 ballots 中的数字。",
                contest.at("rounds", i, "ballots", "blank"),
            )
        ]
    return []


def _people(record: Record, profile: Profile, contest: Contest, i: int, rnd: dict, title: str) -> list[Finding]:
    """participants ≤ registered; for a meeting present ≤ registered and participants ≤ present."""
    unit, noun = electorate_words(record.data, profile)
    registered = contest.registered
    out = []
    checks = [
        ("participants", "参加投票", rnd.get("participants"), registered, noun),
        ("present", "实到会", rnd.get("present"), registered, noun),
        ("participants", "参加投票", rnd.get("participants"), rnd.get("present"), "实到会人数"),
    ]
    for field, what, value, base, base_name in checks:
        if value is not None and base is not None and value > base:
            out.append(
                record.finding(
                    "BALLOT-PARTICIPANTS",
                    Severity.ERROR,
                    f"{title}{what} {value} {unit}，多于{base_name} {base} {unit}。请核对数字。",
                    contest.at("rounds", i, field),
                )
            )
    returned = _figure(rnd, "returned")
    given = rnd.get("participants")
    if (
        profile.reconciliation.rule != "returned_le_participants"
        and given is not None
        and returned is not None
        and returned > given
    ):
        out.append(
            record.finding(
                "BALLOT-PARTICIPANTS",
                Severity.WARNING,
                f"{title}收回选票 {returned} 张，多于参加投票 {given} {unit}；每{unit}只能投一张选票，请核对数字。",
                contest.at("rounds", i, "participants"),
            )
        )
    return out


def _votes(record: Record, contest: Contest, i: int, rnd: dict, title: str) -> list[Finding]:
    """No one gets more votes than there are valid ballots."""
    valid = valid_ballots(rnd)
    if valid is None:
        return []
    out = []
    for section in ("votes", "write_ins"):
        for post, tally in (rnd.get(section) or {}).items():
            for name, count in tally.items():
                if count > valid:
                    out.append(
                        record.finding(
                            "BALLOT-VOTES",
                            Severity.ERROR,
                            f"{title}{post}职位 {name} 得 {count} 票，多于有效票 {valid} 张。"
                            "每张有效选票对同一人只能投一票，请核对得票数。",
                            contest.at("rounds", i, section, post, name),
                        )
                    )
    return out


def _marks(record: Record, contest: Contest, i: int, rnd: dict, title: str) -> list[Finding]:
    """The votes of a post (with 另选他人) ≤ valid ballots × seats of the post in this round."""
    valid = valid_ballots(rnd)
    if valid is None:
        return []
    seats = round_seats(contest, rnd)
    out = []
    for post, tally in (rnd.get("votes") or {}).items():
        if post not in seats:
            continue
        extra = sum((rnd.get("write_ins") or {}).get(post, {}).values())
        total = sum(tally.values()) + extra
        limit = valid * seats[post]
        if total > limit:
            with_extra = f"（含另选他人 {extra} 票）" if extra else ""
            out.append(
                record.finding(
                    "BALLOT-MARKS",
                    Severity.ERROR,
                    f"{title}{post}职位得票合计 {total} 票{with_extra}，超过有效票 {valid} 张 × 应选 {seats[post]} 名 = "
                    f"{limit} 票的上限（每张选票最多选 {seats[post]} 人，多选的选票无效）。请核对各人的得票数。",
                    contest.at("rounds", i, "votes", post),
                )
            )
    return out


def _mobile_boxes(record: Record, profile: Profile, contest: Contest, i: int, rnd: dict, title: str) -> list[Finding]:
    boxes = rnd.get("mobile_boxes") or []
    if not boxes:
        return []
    spec = profile.mobile_box
    citation = profile.cite(spec.article)
    if not spec.allowed or record.data.get("method") in spec.forbidden_methods:
        return [
            record.finding(
                "BALLOT-MOBILE-FORBIDDEN",
                Severity.WARNING,
                f"{title}设有流动票箱，但本类选举（或本选举方式）一般不设流动票箱。请核对，或按本地规定说明理由。",
                contest.at("rounds", i, "mobile_boxes"),
                citation=citation,
            )
        ]
    out = []
    for b, box in enumerate(boxes):
        out += _box(record, spec, contest, i, b, box, title, citation)
    out += _box_totals(record, contest, i, rnd, boxes, title)
    return out


def _box(
    record: Record, spec: MobileBoxRule, contest: Contest, i: int, b: int, box: dict, title: str, citation: str
) -> list[Finding]:
    name = box.get("name") or f"第 {b + 1} 个流动票箱"
    out = []
    if box.get("returned") is not None and box.get("issued") is not None and box["returned"] > box["issued"]:
        out.append(
            record.finding(
                "BALLOT-MOBILE",
                Severity.ERROR,
                f"{title}{name}收回选票 {box['returned']} 张，多于该票箱发出的 {box['issued']} 张。请核对数字。",
                contest.at("rounds", i, "mobile_boxes", b, "returned"),
            )
        )
    tellers = box.get("tellers")
    need = spec.min_tellers
    if tellers is None and need:
        out.append(
            record.finding(
                "BALLOT-MOBILE-TELLERS",
                Severity.WARNING,
                f"{title}{name}没有填写监票人员（tellers）。流动票箱应由 {need} 名以上监票人员负责，请补填。",
                contest.at("rounds", i, "mobile_boxes", b),
                citation=citation,
            )
        )
    elif tellers is not None and len(set(tellers)) < need:
        out.append(
            record.finding(
                "BALLOT-MOBILE-TELLERS",
                Severity.ERROR,
                f"{title}{name}只有 {len(set(tellers))} 名监票人员（{'、'.join(tellers)}），应由 {need} 名以上监票人员负责。",
                contest.at("rounds", i, "mobile_boxes", b, "tellers"),
                citation=citation,
            )
        )
    return out


def _box_totals(record: Record, contest: Contest, i: int, rnd: dict, boxes: list[dict], title: str) -> list[Finding]:
    """The boxes together hold no more ballots than the round as a whole."""
    out = []
    for field, what in (("issued", "发出"), ("returned", "收回")):
        total = sum(box.get(field) or 0 for box in boxes)
        whole = _figure(rnd, field)
        if whole is not None and total > whole:
            out.append(
                record.finding(
                    "BALLOT-MOBILE",
                    Severity.ERROR,
                    f"{title}流动票箱共{what}选票 {total} 张，多于本轮{what}选票总数 {whole} 张。"
                    "流动票箱的选票应计入本轮总数，请核对数字。",
                    contest.at("rounds", i, "mobile_boxes"),
                )
            )
    return out

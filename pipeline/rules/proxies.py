"""委托投票: whether and how proxies are allowed, and the plain logic of a proxy.

Allowed at all and per method, the cap per holder, candidates as holders, relatives only; a holder is not also a
principal, and a principal is entrusted once.
"""

from __future__ import annotations

from collections import defaultdict

from ..findings import Finding, Severity
from ..model import Contest, contests
from ..profile import Profile
from ..records import Record
from ..words import ELECTORATE, METHOD_NAMES
from .completeness import label, name_key, names_cn, roll, round_label

# 近亲属 as the 民法典 (第一千零四十五条) defines it, with the everyday words for each relation.
CLOSE_RELATIVES = {
    "近亲属",
    "配偶",
    "夫妻",
    "丈夫",
    "妻子",
    "父母",
    "父亲",
    "母亲",
    "子女",
    "儿子",
    "女儿",
    "兄弟姐妹",
    "兄弟",
    "姐妹",
    "哥哥",
    "姐姐",
    "弟弟",
    "妹妹",
    "祖父母",
    "祖父",
    "祖母",
    "爷爷",
    "奶奶",
    "外祖父母",
    "外祖父",
    "外祖母",
    "外公",
    "外婆",
    "孙子女",
    "孙子",
    "孙女",
    "外孙子女",
    "外孙",
    "外孙女",
}


def check(record: Record, profile: Profile) -> list[Finding]:
    all_contests = contests(record.data)
    out: list[Finding] = []
    for contest in all_contests:
        where = label(contest, all_contests)
        for i, rnd in enumerate(contest.rounds):
            entries = rnd.get("proxies") or []
            if not entries:
                continue
            title = where + round_label(contest, i, rnd)
            forbidden = _forbidden(record, profile, contest, i, title)
            if forbidden:
                out += forbidden
                continue
            out += _cap(record, profile, contest, i, entries, title)
            out += _candidates(record, profile, contest, i, entries, title)
            out += _relatives(record, profile, contest, i, entries, title)
            out += _logic(record, profile, contest, i, entries, title)
            out += _not_voters(record, contest, i, entries, title)
    return out


def _forbidden(record: Record, profile: Profile, contest: Contest, i: int, title: str) -> list[Finding]:
    spec = profile.proxy
    method = record.data.get("method")
    if spec.allowed and method not in spec.forbidden_methods:
        return []
    why = (
        f"采取{METHOD_NAMES.get(method, method)}方式的，不实行委托投票"
        if spec.allowed
        else "本类选举不实行委托投票，因故不能参加投票的人不能委托他人代为投票"
    )
    return [
        record.finding(
            "PROXY-FORBIDDEN",
            Severity.ERROR,
            f"{title}登记了委托投票，但{why}。请删去 proxies，委托票不能计入。",
            contest.at("rounds", i, "proxies"),
            citation=profile.cite(spec.article),
        )
    ]


def _by_holder(entries: list[dict]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for j, entry in enumerate(entries):
        out[name_key(entry["holder"])].append(j)
    return out


def _cap(record: Record, profile: Profile, contest: Contest, i: int, entries: list[dict], title: str) -> list[Finding]:
    """Principals per holder, summed over all the holder's entries in the round."""
    spec = profile.proxy
    cap = spec.max_per_holder
    if cap is None:
        return []
    out = []
    for _, places in _by_holder(entries).items():
        holder = entries[places[0]]["holder"]
        principals = [p for j in places for p in entries[j]["principals"]]
        if len(principals) <= cap:
            continue
        split = f"，分列在 {len(places)} 处" if len(places) > 1 else ""
        out.append(
            record.finding(
                "PROXY-CAP",
                Severity.ERROR,
                f"{title}受委托人 {holder} 接受了 {len(principals)} 人的委托（{names_cn(principals)}{split}），"
                f"每人接受委托不得超过 {cap} 人。请核对委托名单，超出部分的委托无效。",
                contest.at("rounds", i, "proxies", places[0], "principals"),
                citation=profile.cite(spec.article),
            )
        )
    return out


def _candidates(
    record: Record, profile: Profile, contest: Contest, i: int, entries: list[dict], title: str
) -> list[Finding]:
    spec = profile.proxy
    if spec.candidates_may_hold:
        return []
    standing = {name_key(c["name"]): c["post"] for _, c in contest.formal_candidates()}
    return [
        record.finding(
            "PROXY-CANDIDATE",
            Severity.ERROR,
            f"{title}受委托人 {e['holder']} 是{standing[name_key(e['holder'])]}职位的候选人，候选人不得接受委托投票。"
            "请由委托人另行委托其他选民，或删去这项委托。",
            contest.at("rounds", i, "proxies", j, "holder"),
            citation=profile.cite(spec.article),
        )
        for j, e in enumerate(entries)
        if name_key(e["holder"]) in standing
    ]


def _relatives(
    record: Record, profile: Profile, contest: Contest, i: int, entries: list[dict], title: str
) -> list[Finding]:
    spec = profile.proxy
    if not spec.relatives_only:
        return []
    return [
        record.finding(
            "PROXY-RELATIVE",
            Severity.WARNING,
            f"{title}受委托人 {e['holder']} 与委托人的关系填写为“{e['relation']}”，不属于近亲属"
            "（配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女）。只能委托有选举权的近亲属代为投票；"
            "请核对关系，或由委托人改为委托近亲属。",
            contest.at("rounds", i, "proxies", j, "relation"),
            citation=profile.cite(spec.article),
        )
        for j, e in enumerate(entries)
        if e.get("relation") and e["relation"].strip() not in CLOSE_RELATIVES
    ]


def _logic(
    record: Record, profile: Profile, contest: Contest, i: int, entries: list[dict], title: str
) -> list[Finding]:
    """A holder is present, so cannot also be an absent principal; a principal has one proxy."""
    citation = profile.cite(profile.proxy.article)
    holders = {name_key(e["holder"]) for e in entries}
    out = []
    seen: dict[str, int] = {}
    for j, entry in enumerate(entries):
        for k, name in enumerate(entry["principals"]):
            path = contest.at("rounds", i, "proxies", j, "principals", k)
            if name_key(name) in holders:
                out.append(
                    record.finding(
                        "PROXY-HOLDER-PRINCIPAL",
                        Severity.ERROR,
                        f"{title}{name} 既是受委托人，又委托 {entry['holder']} 代为投票。受委托人不得再委托他人，"
                        "外出委托他人投票的人也不能替别人投票；请核对委托名单。",
                        path,
                        citation=citation,
                    )
                )
            if name_key(name) in seen:
                out.append(
                    record.finding(
                        "PROXY-DUPLICATE",
                        Severity.ERROR,
                        f"{title}委托人 {name} 出现了不止一次（又见于 {entries[seen[name_key(name)]]['holder']} 名下）。"
                        "每人只有一个投票权，只能委托一人代为投票；请删去重复的委托。",
                        path,
                        citation=citation,
                    )
                )
            else:
                seen[name_key(name)] = j
    return out


def _not_voters(record: Record, contest: Contest, i: int, entries: list[dict], title: str) -> list[Finding]:
    """Holders and principals must be on the roll, when the record has one."""
    voters = {name_key(name) for _, name in roll(contest)}
    if not voters:
        return []
    unit = ELECTORATE.get(record.data.get("method"), ELECTORATE["all_voters"])[1]
    out = []
    for j, entry in enumerate(entries):
        people = [(contest.at("rounds", i, "proxies", j, "holder"), entry["holder"], "受委托人")]
        people += [
            (contest.at("rounds", i, "proxies", j, "principals", k), name, "委托人")
            for k, name in enumerate(entry["principals"])
        ]
        for path, name, role in people:
            if name_key(name) not in voters:
                out.append(
                    record.finding(
                        "PROXY-NOT-VOTER",
                        Severity.WARNING,
                        f"{title}{role} {name} 不在选民名单（electorate.groups）中。委托人和受委托人都应是{unit}；"
                        "请核对姓名或选民名单。",
                        path,
                    )
                )
    return out

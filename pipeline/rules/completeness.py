"""Stage completeness and cross-references: what a tally needs, and names and posts that must agree.

Also the small structural helpers the other rule modules share (contest labels, round types,
posts and seats of a round, the words for the electorate of each method).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ..findings import Finding, Severity
from ..model import Contest, contests
from ..outcome import write_in_only
from ..profile import Profile
from ..records import Record
from ..words import ELECTORATE, ROUND_TITLES
from .rootcause import near_post

# ---------------------------------------------------------------- shared helpers


def label(contest: Contest, all_contests: list[Contest]) -> str:
    """ "第七选区：" before a message when a record holds several contests, else ""."""
    return f"{contest.name}：" if len(all_contests) > 1 else ""


def round_type(rnd: dict) -> str:
    return rnd.get("type", "first")


def round_title(index: int, rnd: dict) -> str:
    """ "第 2 轮（另行选举）"."""
    return f"第 {index + 1} 轮（{ROUND_TITLES[round_type(rnd)]}）"


def round_label(contest: Contest, index: int, rnd: dict) -> str:
    """The round's title before a message, or "" when the contest has only one round."""
    return round_title(index, rnd) if len(contest.rounds) > 1 else ""


def round_posts(contest: Contest, rnd: dict) -> list[str]:
    """The posts elected in a round: its `posts`, else every post of the contest."""
    return list(rnd.get("posts") or contest.seats)


def round_seats(contest: Contest, rnd: dict) -> dict[str, int]:
    """Post -> seats to fill in a round: the round's own `seats`, else the contest's."""
    own = rnd.get("seats") or {}
    out = {}
    for post in round_posts(contest, rnd):
        count = own.get(post, contest.seats.get(post))
        if count is not None:
            out[post] = count
    return out


def electorate_words(data: dict, profile: Profile) -> tuple[str, str]:
    """(unit, noun) for the electorate of this record's method."""
    method = data.get("method")
    if method in ELECTORATE:
        return ELECTORATE[method]
    if profile.turnout.measure == "present":
        return ELECTORATE["party_meeting"]
    return ELECTORATE["all_voters"]


def valid_ballots(rnd: dict) -> int | None:
    """收回 − 无效, or None when unknown (no returned ballots, or more invalid than returned)."""
    ballots = rnd.get("ballots", {})
    returned, invalid = ballots.get("returned"), ballots.get("invalid", 0)
    if returned is None or invalid > returned:
        return None
    return returned - invalid


def roll(contest: Contest) -> list[tuple[tuple, str]]:
    """(path, name) of every voter of the contest's roll (electorate.groups); a voter may be a name or an object
    with a name (`{name, sex, birth, id_number, …}`, the path then points at its name)."""
    return [
        (contest.at("electorate", "groups", g, "voters", v, "name"), voter["name"])
        if isinstance(voter, dict)
        else (contest.at("electorate", "groups", g, "voters", v), voter)
        for g, group in enumerate(contest.electorate.get("groups", []))
        for v, voter in enumerate(group.get("voters", []))
    ]


def names_cn(names) -> str:
    return "、".join(names)


def name_key(name: str) -> str:
    """A name as identity compares it: NFKC-normalised, every space (ASCII, full-width, tab) removed.

    "张 志刚", "张　志刚" and "张志刚" are the same person; so are "ＬＩ" and "LI". Every rule that
    asks whether two names are one person (duplicates in the roll, candidate vs tally, committee
    members and tellers who stand, proxies) compares these keys, never the typed text.
    """
    return "".join(unicodedata.normalize("NFKC", name).split())


# ---------------------------------------------------------------- checks


def check(record: Record, profile: Profile) -> list[Finding]:
    data = record.data
    all_contests = contests(data)
    out: list[Finding] = []
    for contest in all_contests:
        where = label(contest, all_contests)
        write_in = write_in_only(contest, data)
        out += _posts(record, contest, where)
        out += _write_in_candidates(record, contest, where) if write_in else []
        out += _rounds(record, profile, contest, where, write_in)
        out += _roll(record, contest, where)
    out += _results_without_rounds(record, all_contests)
    return out


def _posts(record: Record, contest: Contest, where: str) -> list[Finding]:
    """Candidates' posts must be posts of `seats`."""
    if not contest.candidates:
        return []
    if not contest.seats:
        return [
            record.finding(
                "SEATS-MISSING",
                Severity.ERROR,
                f"{where}已填写候选人，但没有填写职位及应选名额（seats）。请在 seats 中列出每个职位和应选名额，"
                "如 {post: 委员, count: 3}。",
                contest.at("candidates"),
            )
        ]
    posts = "、".join(contest.seats)
    return [
        record.finding(
            "CANDIDATE-UNKNOWN-POST",
            Severity.ERROR,
            f"{where}候选人 {c['name']} 的参选职位“{c['post']}”不在职位及应选名额（seats）中（现有：{posts}）。"
            f"{_guess(contest, c['post'])}请改正职位名称，或在 seats 中补充该职位。",
            contest.at("candidates", i, "post"),
        )
        for i, c in enumerate(contest.candidates)
        if c["post"] not in contest.seats
    ]


def _guess(contest: Contest, post: str) -> str:
    meant = near_post(list(contest.seats), post)
    return f"是否为“{meant}”？" if meant else ""


def _write_in_candidates(record: Record, contest: Contest, where: str) -> list[Finding]:
    """A 海选 (nomination: write_in) has no candidate list."""
    formal = [c["name"] for _, c in contest.formal_candidates()]
    if not formal:
        return []
    return [
        record.finding(
            "WRITE-IN-CANDIDATES",
            Severity.ERROR,
            f"{where}本场次标为不提名候选人的海选（nomination: write_in），却填写了正式候选人{names_cn(formal)}。"
            "海选的选票不印候选人姓名：如已提名候选人，请删去 nomination: write_in；如确为海选，请删去这些候选人。",
            contest.at("candidates"),
        )
    ]


def _tallied(rnd: dict, write_in: bool) -> dict:
    """The posts a round has counted: its `votes`, and in a 海选 its `write_ins` too."""
    if not write_in:
        return rnd.get("votes") or {}
    return (rnd.get("write_ins") or {}) | (rnd.get("votes") or {})


def _rounds(record: Record, profile: Profile, contest: Contest, where: str, write_in: bool = False) -> list[Finding]:
    out: list[Finding] = []
    first_seen = False
    for i, rnd in enumerate(contest.rounds):
        title = where + round_label(contest, i, rnd)
        if round_type(rnd) != "first" and not first_seen:
            out.append(
                record.finding(
                    "RUNOFF-NO-FIRST",
                    Severity.ERROR,
                    f"{where}{round_title(i, rnd)}之前没有首次选举的轮次。重新投票和另行选举都以首次选举的结果为前提；"
                    "请把首次选举写在 rounds 的第一项（type: first），或改正本轮的轮次类型。",
                    contest.at("rounds", i, "type"),
                )
            )
        first_seen = first_seen or round_type(rnd) == "first"
        out += _round_posts(record, contest, i, rnd, title)
        out += _round_votes(record, contest, i, rnd, title, write_in)
        out += _round_figures(record, profile, contest, i, rnd, title, write_in)
    return out


def _round_posts(record: Record, contest: Contest, i: int, rnd: dict, title: str) -> list[Finding]:
    """Posts named by a round (posts, seats) must be posts of `seats`; a runoff cannot exceed them."""
    if not contest.seats:
        return []
    out = []
    for j, post in enumerate(rnd.get("posts", [])):
        if post not in contest.seats:
            out.append(_unknown_post(record, contest, title, post, contest.at("rounds", i, "posts", j)))
    for post, count in (rnd.get("seats") or {}).items():
        path = contest.at("rounds", i, "seats", post)
        if post not in contest.seats:
            out.append(_unknown_post(record, contest, title, post, path, key=True))
        elif count > contest.seats[post]:
            out.append(
                record.finding(
                    "RUNOFF-SEATS",
                    Severity.ERROR,
                    f"{title}{post}职位应选 {count} 名，多于该职位的应选名额 {contest.seats[post]} 名。"
                    "另行选举只选首次选举尚缺的名额，请核对本轮的 seats。",
                    path,
                )
            )
    return out


def _unknown_post(record: Record, contest: Contest, title: str, post: str, path: tuple, key: bool = False) -> Finding:
    guess = _guess(contest, post)
    return record.finding(
        "VOTES-UNKNOWN-POST",
        Severity.ERROR,
        f"{title}录入了职位“{post}”，但它不在职位及应选名额（seats）中（现有：{'、'.join(contest.seats)}）。"
        f"{guess}请改正职位名称，或在 seats 中补充该职位。",
        path,
        key=key,
    )


def _round_votes(
    record: Record, contest: Contest, i: int, rnd: dict, title: str, write_in: bool = False
) -> list[Finding]:
    """Every name in `votes` is a formal candidate of that post; every post is elected in the round.

    A 海选 has no candidate list: every name of its first round is written in, so none is unknown; a later round
    is held among names the tally set (a revote or 另行选举), checked by `rules.turnout`."""
    votes = rnd.get("votes") or {}
    if votes and not contest.formal_candidates() and not write_in:
        return [
            record.finding(
                "TALLY-NO-CANDIDATES",
                Severity.ERROR,
                f"{title}已录入得票，但没有正式候选人名单。请先在 candidates 中填写候选人（姓名、参选职位），再录入计票结果。",
                contest.at("rounds", i, "votes"),
            )
        ]
    out = []
    in_round = round_posts(contest, rnd)
    for section in ("votes", "write_ins"):
        for post in rnd.get(section) or {}:
            path = contest.at("rounds", i, section, post)
            if contest.seats and post not in contest.seats:
                out.append(_unknown_post(record, contest, title, post, path, key=True))
            elif post not in in_round:
                out.append(
                    record.finding(
                        "VOTES-UNKNOWN-POST",
                        Severity.ERROR,
                        f"{title}只选举{'、'.join(in_round)}，却录入了{post}职位的得票。请核对本轮的 posts 或删去该职位的得票。",
                        path,
                        key=True,
                    )
                )
    for post, tally in ({} if write_in else votes).items():
        formal = {c["name"] for _, c in contest.formal_candidates(post)}
        for name in tally:
            if name not in formal:
                out.append(
                    record.finding(
                        "VOTES-UNKNOWN-CANDIDATE",
                        Severity.ERROR,
                        f"{title}{post}职位的得票中有“{name}”，{_why_not_candidate(contest, post, name)}"
                        "请在 candidates 中补充该候选人（或改正姓名），若是选民另选的人，请把这项得票移到 write_ins 下。",
                        contest.at("rounds", i, "votes", post, name),
                        key=True,
                    )
                )
    out += _left_out(record, contest, i, rnd, title)
    return out


def _left_out(record: Record, contest: Contest, i: int, rnd: dict, title: str) -> list[Finding]:
    """A first round's tally of a post lists every formal candidate of it, a 0 typed as 0.

    A name left out is printed as 0 votes on the results notice; it is more often a line lost
    while typing than a real 0, so it is asked for. Later rounds (revotes, 另行选举) are left
    out: they are between some of the candidates only.
    """
    if round_type(rnd) != "first":
        return []
    out = []
    for post, tally in (rnd.get("votes") or {}).items():
        typed = {name_key(name) for name in tally}
        meant = {near_candidate(contest, post, name) for name in tally}  # a misspelt name is one error, not two
        for _, c in contest.formal_candidates(post):
            if name_key(c["name"]) in typed or c["name"] in meant:
                continue
            out.append(
                record.finding(
                    "TALLY-CANDIDATE-MISSING",
                    Severity.WARNING,
                    f"{title}{post}职位的得票中没有正式候选人“{c['name']}”，结果公告将显示其得 0 票。"
                    f"若是漏录，请补录其得票；若确实未得票，请在 votes.{post} 中写上“{c['name']}: 0”，请填 0 确认。",
                    contest.at("rounds", i, "votes", post),
                    key=True,
                )
            )
    return out


def near_candidate(contest: Contest, post: str, name: str) -> str | None:
    """The formal candidate of `post` that a tally's unknown `name` most likely means: the same name with a note in
    brackets (赵丽娟（女）), or one character different in a name of the same length (张志钢 for 张志刚)."""
    key = name_key(re.sub(r"[（(][^）)]*[）)]$", "", name))
    formal = [c["name"] for _, c in contest.formal_candidates(post)]
    for candidate in formal:
        if name_key(candidate) == key:
            return candidate
    close = [
        c
        for c in formal
        if len(name_key(c)) == len(key) >= 2 and sum(a != b for a, b in zip(name_key(c), key, strict=True)) == 1
    ]
    return close[0] if len(close) == 1 else None


def _why_not_candidate(contest: Contest, post: str, name: str) -> str:
    same = [c for c in contest.candidates if c["name"] == name]
    if not same:
        alike = [c["name"] for c in contest.candidates if name_key(c["name"]) == name_key(name)]
        if alike:
            return (
                f"但候选人名单中写的是“{alike[0]}”，两处只差空格或全角、半角字符。"
                "请把两处写成完全一样（建议都不加空格）。"
            )
        near = near_candidate(contest, post, name)
        return f"但候选人名单中没有此人。是否为“{near}”？" if near else "但候选人名单中没有此人。"
    if all(c["post"] != post for c in same):
        return f"但此人是{'、'.join(c['post'] for c in same)}职位的候选人，不是{post}职位的候选人。"
    if any(c.get("withdrawn") for c in same if c["post"] == post):
        return "但此人已退出（withdrawn: true）。"
    return "但此人只是初步候选人（formal: false），不是正式候选人。"


def _round_figures(
    record: Record, profile: Profile, contest: Contest, i: int, rnd: dict, title: str, write_in: bool = False
) -> list[Finding]:
    """A tally needs the ballots returned, the electorate, and for a meeting the members present."""
    tallied = _tallied(rnd, write_in)
    if not tallied:
        return []
    out = _missing_posts(record, contest, i, rnd, title, tallied)
    if rnd.get("ballots", {}).get("returned") is None:
        out.append(
            record.finding(
                "ROUND-BALLOTS-MISSING",
                Severity.WARNING,
                f"{title}已录入得票，但没有填写收回选票数（ballots.returned），无法核对有效票和得票。"
                "请填写发出、收回和无效选票数。",
                contest.at("rounds", i),
            )
        )
    if contest.registered is None:
        out.append(
            record.finding(
                "ELECTORATE-MISSING",
                Severity.WARNING,
                f"{title}已录入得票，但没有填写登记人数（electorate.registered），无法核对参加投票是否过半。",
                contest.at("electorate") if contest.electorate else contest.at("rounds", i),
            )
        )
    if profile.turnout.measure == "present" and rnd.get("present") is None:
        out.append(
            record.finding(
                "ROUND-PRESENT-MISSING",
                Severity.WARNING,
                f"{title}已录入得票，但没有填写实到会有选举权的人数（present），无法核对到会人数和当选所需票数。",
                contest.at("rounds", i),
                citation=profile.cite(profile.turnout.article),
            )
        )
    return out


def _missing_posts(record: Record, contest: Contest, i: int, rnd: dict, title: str, tallied: dict) -> list[Finding]:
    """A first round (or one naming its posts) needs the votes of every post it elects."""
    if round_type(rnd) != "first" and not rnd.get("posts"):
        return []
    missing = [post for post in round_seats(contest, rnd) if post not in tallied]
    if not missing:
        return []
    return [
        record.finding(
            "ROUND-VOTES-MISSING",
            Severity.WARNING,
            f"{title}应选举{names_cn(missing)}，但没有录入{names_cn(missing)}的得票，无法确定当选人。"
            "请在 votes 中补录；如本轮不选这些职位，请在 posts 中列出本轮选举的职位。",
            contest.at("rounds", i, "votes"),
        )
    ]


def _roll(record: Record, contest: Contest, where: str) -> list[Finding]:
    """The roll by group: its size against `registered`; namesakes noted."""
    voters = roll(contest)
    if not voters:
        return []
    out = []
    registered = contest.registered
    if registered is not None and len(voters) != registered:
        out.append(
            record.finding(
                "ROLL-COUNT",
                Severity.WARNING,
                f"{where}选民名单（按小组）共 {len(voters)} 人，与登记人数 {registered} 人不符。"
                "请核对各小组名单或 electorate.registered。",
                contest.at("electorate", "groups"),
            )
        )
    counts = Counter(name_key(name) for _, name in voters)
    reported = set()
    for path, name in voters:
        key = name_key(name)
        if counts[key] > 1 and key not in reported:
            reported.add(key)
            spellings = list(dict.fromkeys(f"“{n}”" for _, n in voters if name_key(n) == key))
            alike = f"（写法：{'、'.join(spellings)}，只差空格或全角、半角字符）" if len(spellings) > 1 else ""
            out.append(
                record.finding(
                    "ROLL-DUPLICATE",
                    Severity.INFO,
                    f"{where}选民名单中“{name}”出现 {counts[key]} 次{alike}。若是同名的不同选民可不改（建议在姓名后加注区分）；"
                    "若是同一人重复登记，请删去多余的一处。",
                    path,
                )
            )
    return out


def _results_without_rounds(record: Record, all_contests: list[Contest]) -> list[Finding]:
    if "results_published" not in record.data.get("schedule", {}):
        return []
    if any(c.rounds for c in all_contests):
        return []
    return [
        record.finding(
            "RESULTS-NO-ROUNDS",
            Severity.WARNING,
            "日程中填写了选举结果公布日，但没有任何投票轮次（rounds）。请录入计票结果，或删去 results_published。",
            ("schedule", "results_published"),
        )
    ]

"""人大 选区 work: registration changes that add up, the supplementary list's date, 联名 co-signers, the 预选, seats."""

from __future__ import annotations

from ..findings import Finding, Severity
from ..model import Contest, contests, election_day, parse_date
from ..profile import Profile
from ..records import Record
from .completeness import label

# electorate.changes: what adds to the last registration, what is taken off it (选举法第二十七条).
ADDED = (
    ("new_adults", "新满十八周岁"),
    ("restored", "恢复政治权利"),
    ("moved_in", "迁入"),
    ("floating_in", "外来流动人口登记"),
)
REMOVED = (
    ("moved_out", "迁出"),
    ("deceased", "死亡"),
    ("deprived", "被剥夺政治权利"),
    ("suspended", "停止行使选举权利"),
    ("floating_out", "外出人员在现居住地登记"),
)


def check(record: Record, profile: Profile) -> list[Finding]:
    rules = profile.districts
    if rules is None:
        return []
    views = contests(record.data)
    out: list[Finding] = []
    for view in views:
        where = label(view, views)
        out += _changes(record, profile, view, where)
        out += _cosigners(record, profile, view, where)
        out += _preselection(record, profile, view, where)
        out += _seats(record, profile, view, where)
    out += _balance(record, profile, views)
    out += _supplementary_date(record)
    return out


def _seats(record: Record, profile: Profile, view: Contest, where: str) -> list[Finding]:
    """每一选区选一名至三名代表 (选举法第二十五条)."""
    assert profile.districts is not None
    rules = profile.districts
    seats = sum(view.seats.values())
    if not view.seats or rules.seats_min <= seats <= rules.seats_max:
        return []
    return [
        record.finding(
            "DISTRICT-SEATS",
            Severity.ERROR,
            f"{where}应选代表{seats}名；选区的大小按每一选区选{rules.seats_min}名至{rules.seats_max}名代表划分。"
            "请重新划分选区，或核对 seats 的名额。",
            view.at("seats"),
            citation=profile.cite(rules.seats_article),
        )
    ]


def _balance(record: Record, profile: Profile, views: list[Contest]) -> list[Finding]:
    """各选区每一代表所代表的人口数应当大致相等: a hint for a 选区 far from the record's average (by 登记选民数)."""
    assert profile.districts is not None
    rules = profile.districts
    if rules.balance_percent is None:
        return []
    sized: list[tuple[Contest, int, int]] = []
    for view in views:
        registered, count = view.registered, sum(view.seats.values())
        if registered and count:
            sized.append((view, registered, count))
    if len(sized) < 2:
        return []
    voters, seats = sum(r for _, r, _ in sized), sum(n for _, _, n in sized)
    out = []
    for view, registered, count in sized:
        # |registered/count − voters/seats| > percent % of voters/seats, in integers.
        gap = abs(registered * seats - voters * count) * 100
        if gap <= rules.balance_percent * voters * count:
            continue
        per = registered // count
        average = voters // seats
        share = gap // (voters * count)
        out.append(
            record.finding(
                "DISTRICT-BALANCE",
                Severity.INFO,
                f"{view.name}每名代表对应登记选民{per}人，本记录各选区平均{average}人，相差约{share}%"
                f"（超过{rules.balance_percent}%）。各选区每一代表所代表的人口数应当大致相等；记录中只有登记选民数，"
                "程序按选民数比较，请按人口数核对选区划分和名额分配。",
                view.at("electorate", "registered"),
                citation=profile.cite(rules.balance_article),
            )
        )
    return out


def registration_sum(changes: dict) -> tuple[int, str] | None:
    """(the registered figure the changes give, the sum written out), or None without `previous`."""
    if changes.get("previous") is None:
        return None
    total = changes["previous"]
    text = f"上次登记{changes['previous']}人"
    for key, word in ADDED:
        if changes.get(key):
            total += changes[key]
            text += f"＋{word}{changes[key]}人"
    for key, word in REMOVED:
        if changes.get(key):
            total -= changes[key]
            text += f"－{word}{changes[key]}人"
    return total, text


def _changes(record: Record, profile: Profile, view: Contest, where: str) -> list[Finding]:
    assert profile.districts is not None
    changes = view.electorate.get("changes") or {}
    summed = registration_sum(changes)
    registered = view.registered
    if summed is None or registered is None or summed[0] == registered:
        return []
    total, text = summed
    return [
        record.finding(
            "REGISTRATION-CHANGES",
            Severity.ERROR,
            f"{where}选民登记变动与登记人数对不上：{text}＝{total}人，而登记人数（electorate.registered）为"
            f"{registered}人，相差{abs(total - registered)}人。请核对 electorate.changes 各项人数或登记人数。",
            view.at("electorate", "changes"),
            citation=profile.cite(profile.districts.registration_article),
        )
    ]


def joint(candidate: dict) -> bool:
    """A candidate nominated by 选民联名 (the co-signers are given, or the nomination says 联名)."""
    return candidate.get("cosigners") is not None or "联名" in str(candidate.get("nominated_by") or "")


def _cosigners(record: Record, profile: Profile, view: Contest, where: str) -> list[Finding]:
    assert profile.districts is not None
    need = profile.districts.cosigners
    out = []
    for i, c in enumerate(view.candidates):
        signed = c.get("cosigners")
        if signed is None or signed >= need:
            continue
        out.append(
            record.finding(
                "NOMINATION-COSIGNERS",
                Severity.ERROR,
                f"{where}代表候选人{c['name']}由选民联名推荐，联名推荐人数为{signed}人，少于法定的{need}人，"
                f"推荐无效。请核对推荐书上的签名人数（candidates[].cosigners），或删除该候选人。",
                view.at("candidates", i, "cosigners"),
                citation=profile.cite(profile.districts.cosigners_article),
            )
        )
    return out


def _preselection(record: Record, profile: Profile, view: Contest, where: str) -> list[Finding]:
    assert profile.districts is not None
    pre = view.data.get("preselection")
    if not pre:
        return []
    cite = profile.cite(profile.districts.preselection_article)
    names = {c["name"] for c in view.candidates}
    out = []
    for name in pre["votes"]:
        if name not in names:
            out.append(
                record.finding(
                    "PRESELECTION-ORDER",
                    Severity.ERROR,
                    f"{where}预选得票中的“{name}”不在本选区的代表候选人（candidates）中。"
                    "请把他列入初步代表候选人，或改正姓名。",
                    view.at("preselection", "votes", name),
                    citation=cite,
                    key=True,
                )
            )
    out += _preselection_date(record, view, where, pre, cite)
    votes = pre["votes"]
    formal = [c for _, c in view.formal_candidates() if c["name"] in votes]
    dropped = [c for c in view.candidates if not c.get("formal", True) and c["name"] in votes]
    for c in formal:
        above = [d["name"] for d in dropped if votes[d["name"]] > votes[c["name"]]]
        if above:
            out.append(
                record.finding(
                    "PRESELECTION-ORDER",
                    Severity.ERROR,
                    f"{where}正式代表候选人{c['name']}预选得{votes[c['name']]}票，少于未列为正式代表候选人的"
                    f"{'、'.join(above)}（{'、'.join(str(votes[n]) for n in above)}票）。经过预选的，应按预选得票"
                    "多少确定正式代表候选人；请核对预选得票或 candidates[].formal。",
                    view.at("preselection", "votes", c["name"]),
                    citation=cite,
                )
            )
    return out


def _preselection_date(record: Record, view: Contest, where: str, pre: dict, cite: str) -> list[Finding]:
    """The 预选 comes after the initial list is published and before the formal list is."""
    held = parse_date(pre.get("date"))
    schedule = record.data.get("schedule", {})
    initial = parse_date(schedule.get("initial_candidates_published"))
    formal = parse_date(schedule.get("candidates_published"))
    problem = ""
    if held is not None and initial is not None and held < initial:
        problem = f"早于初步代表候选人名单公布日（{initial.isoformat()}）；预选在初步名单公布、讨论协商之后进行"
    elif held is not None and formal is not None and held > formal:
        problem = f"晚于正式代表候选人名单公布日（{formal.isoformat()}）；正式名单应按预选结果确定后公布"
    if not problem:
        return []
    return [
        record.finding(
            "PRESELECTION-DATE",
            Severity.ERROR,
            f"{where}预选日期（preselection.date）为{held.isoformat() if held else ''}，{problem}。请核对日期。",
            view.at("preselection", "date"),
            citation=cite,
        )
    ]


def _supplementary_date(record: Record) -> list[Finding]:
    schedule = record.data.get("schedule", {})
    published = parse_date(schedule.get("supplementary_published"))
    if published is None:
        return []
    voters = parse_date(schedule.get("voter_list_published"))
    day = election_day(record.data)
    problem = ""
    if voters is not None and published < voters:
        problem = f"早于选民名单公布日（{voters.isoformat()}）；补充名单是对已公布名单的补登和除名"
    elif day is not None and published >= day:
        problem = f"不在选举日（{day.isoformat()}）之前；补登、除名应在投票前公布，选民才能参加投票"
    if not problem:
        return []
    return [
        record.finding(
            "SUPPLEMENTARY-DATE",
            Severity.ERROR,
            f"补充选民名单公布日（schedule.supplementary_published）为{published.isoformat()}，{problem}。请改正日期。",
            ("schedule", "supplementary_published"),
        )
    ]

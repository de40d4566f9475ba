"""Context builders of 人大 选区 work: the 选区划分公告, the 补充选民名单公告 and the 选民登记情况表 by 选区."""

from __future__ import annotations

from ..formatting import chinese_numeral, doc_number
from ..model import Contest, parse_date
from ..rules.districts import ADDED, REMOVED
from .common import DASH, Election, Instance, Waiting, cdate, common_context, split_title, titled


def _deputy(e: Election) -> bool:
    return e.kind == "deputy"


def _voters_text(view: Contest) -> str:
    return str(view.registered) if view.registered is not None else DASH


def _after_existing(e: Election) -> int:
    """The first number after those the existing notices take (committee … results, every round, every 选区).

    Earlier versions' numbers stay what they were; the 选区 work's own notices follow them.
    """
    start = e.settings.get("first_number") or 1
    rounds = max((len(v.rounds) for v in e.views), default=1) or 1
    count = len(e.views) if e.posted_per_contest else 1
    if count > 1:
        return start + (3 + rounds) * count + 1
    return start + 4 + rounds


def _number(e: Election, n: int, date: str | None) -> str:
    prefix = e.settings.get("number_prefix")
    day = parse_date(date) if date else None
    if day is None:
        day = parse_date(e.schedule.get("election_day"))
    if prefix and day is not None:
        return doc_number(prefix, day.year, n)
    return f"（第{n}号）"


# --------------------------------------------------------------------------------------------
# The 代表候选人 stage: a 预选 decides the formal list and its order (选举法第三十二条; 1983年规定第十条)
# --------------------------------------------------------------------------------------------
def preselected(view: Contest, people: list[dict], formal: bool = True) -> list[dict]:
    """A formal list (`people` in 姓氏笔画 order) by 预选 votes, most first, when the 选区 held a 预选 of them all."""
    votes = (view.data.get("preselection") or {}).get("votes") or {}
    if not formal or not people or not all(c["name"] in votes for c in people):
        return people
    return sorted(people, key=lambda c: -int(votes[c["name"]]))


def preselection_wording(e: Election, verb: str, order: str) -> tuple[str, str]:
    """How a formal list after a 预选 says it was made and ordered; otherwise `verb` and `order` unchanged."""
    if not any(view.data.get("preselection") for view in e.views) or not _deputy(e):
        return verb, order
    return "经选民小组讨论、协商和预选", f"按预选得票多少为序，得票相等的以{e.order_words}为序"


def preselection_notes(e: Election) -> list[str]:
    """One sentence per 选区 that held a 预选: when, how many took part, and every initial candidate's votes."""
    if not _deputy(e):
        return []
    out = []
    for view in e.views:
        pre = view.data.get("preselection")
        if not pre:
            continue
        where = view.name if e.multi and len(e.views) > 1 else "本选区"
        when = f"于{cdate(pre['date'])}" if pre.get("date") else ""
        took = f"（参加预选{pre['participants']}人）" if pre.get("participants") is not None else ""
        ranked = sorted(pre["votes"].items(), key=lambda item: -item[1])
        out.append(
            f"{where}初步代表候选人{len(view.candidates)}名，经选民小组反复讨论、协商，未能形成较为一致的意见，"
            f"{when}进行预选{took}，按得票多少确定正式代表候选人。预选得票："
            + "、".join(f"{name}{votes}票" for name, votes in ranked)
            + "。"
        )
    return out


# --------------------------------------------------------------------------------------------
# 61 选区划分公告
# --------------------------------------------------------------------------------------------
def districts(e: Election) -> list[Instance]:
    if not _deputy(e):
        return []
    if not any(view.data.get("covers") for view in e.views):
        raise Waiting("contests[].covers", "记录中还没有各选区包括的范围")
    rows = []
    for view in e.views:
        rows.append(
            {
                "name": view.name,
                "covers": "、".join(view.data.get("covers") or []) or DASH,
                "seats": str(view.total_seats),
                "voters": _voters_text(view),
            }
        )
    seats = sum(view.total_seats for view in e.views)
    known = [view.registered for view in e.views if view.registered is not None]
    voters = str(sum(known)) if len(known) == len(e.views) else DASH
    decided = e.results_issuer if e.county_level else e.committee_name
    intro = (
        f"根据{e.law}和有关规定，经{decided}决定，{e.election_name}在{e.unit_short}共划分"
        f"{chinese_numeral(len(e.views))}个选区，应选代表{seats}名（每一选区选一名至三名代表）。"
        "现将各选区的范围、应选代表名额和选民人数公告如下："
    )
    notes = []
    if voters == DASH:
        notes.append("表中未列选民数的选区，以选民名单公布的登记人数为准。")
    else:
        notes.append(f"以上{len(e.views)}个选区共有登记选民{voters}人。各选区的选民名单另行公布。")
    notes.append(
        "选民按所在选区参加选民登记和投票；在选区范围内居住或工作、对所属选区有疑问的，"
        f"请向{e.committee_name}询问"
        + (f"，联系电话：{e.settings['contact']}。" if e.settings.get("contact") else "。")
    )
    if e.schedule.get("election_day"):
        notes.append(f"选举日为{e.date('election_day')}。")
    date_raw = e.raw_date("districts_published")
    ctx = common_context(e) | {
        "title_lines": split_title(titled(e.election_name, "选区划分公告")),
        "doc_number": e.settings.get("districts_number") or _number(e, _after_existing(e), date_raw),
        "intro": intro,
        "districts": rows,
        "total_seats": str(seats),
        "total_voters": voters,
        "notes": notes,
        "date_text": e.date("districts_published"),
        "signatory": decided,
    }
    return [Instance("", ctx)]


DISTRICTS_VARIABLES = {
    "intro": "导语：依据、决定机关、选区个数和应选代表名额",
    "districts": "各选区（列表，按记录中的顺序），每项：",
    "districts[].name": "选区名称，如 第一选区",
    "districts[].covers": "选区范围：包括的村、社区、居民小组或单位，以顿号分隔（contests[].covers）",
    "districts[].seats": "应选代表名额",
    "districts[].voters": "选民数（electorate.registered；未填时为 —）",
    "total_seats": "应选代表名额合计",
    "total_voters": "选民数合计（有选区未填时为 —）",
    "notes": "表后各段（列表）：选民总数、询问渠道和联系电话、选举日",
}


# --------------------------------------------------------------------------------------------
# 62 补充选民名单公告（补登、除名）
# --------------------------------------------------------------------------------------------
def supplementary(e: Election) -> list[Instance]:
    if not _deputy(e):
        return []
    if not any(view.electorate.get("supplementary") for view in e.views):
        raise Waiting("electorate.supplementary", "记录中还没有选民名单公布后补登、除名的选民")
    out = []
    first = _after_existing(e) + 1
    listed = [view for view in e.views if view.electorate.get("supplementary")]
    for index, view in enumerate(listed):
        out.append(Instance(view.name if e.multi else "", _supplementary(e, view, first + index)))
    return out


def _supplementary(e: Election, view: Contest, number: int) -> dict:
    people = view.electorate["supplementary"]
    where = view.name if e.multi else ""
    sections: list[dict] = []
    for action, what in (("补登", "补登选民"), ("除名", "从选民名单中除名")):
        chosen = [p for p in people if p["action"] == action]
        if chosen:
            names = e.sort([p["name"] for p in chosen])
            reasons = {p["name"]: p.get("reason") or DASH for p in chosen}
            sections.append(
                {
                    "heading": f"{chinese_numeral(len(sections) + 1)}、{what}（{len(chosen)}人）",
                    "people": [{"name": n, "reason": reasons[n]} for n in names],
                }
            )
    published = e.schedule.get("voter_list_published")
    since = f"于{cdate(published)}公布后" if published else "公布后"
    intro = (
        f"{e.election_name}{where}选民名单{since}，经{e.committee_name}审核，对漏登、新迁入的选民予以补登，"
        f"对迁出、死亡和依法停止行使选举权利的人员予以除名。现将补充名单公告如下（以{e.order_words}为序）："
    )
    notes = []
    if view.registered is not None:
        notes.append(f"补登、除名后，{where or '本选区'}登记选民{view.registered}人。")
    notes.append(
        "对补充名单有不同意见的，可以自公布之日起五日内向选举委员会提出申诉，"
        "选举委员会应当自收到申诉之日起三日内作出处理决定。"
    )
    if e.schedule.get("election_day"):
        notes.append(f"选举日为{e.date('election_day')}，补登的选民凭选民证参加投票。")
    date_raw = e.raw_date("supplementary_published")
    return common_context(e) | {
        "title_lines": split_title(titled(e.election_name, f"{where}补充选民名单公告")),
        "doc_number": _number(e, number, date_raw),
        "intro": intro,
        "sections": sections,
        "notes": notes,
        "date_text": e.date("supplementary_published"),
        "signatory": e.signatory,
    }


SUPPLEMENTARY_VARIABLES = {
    "intro": "导语：选民名单公布日、审核、补登和除名的事由",
    "sections": "补登、除名两部分（列表；没有人员的部分不列），每项：",
    "sections[].heading": "小标题，如 一、补登选民（2人）",
    "sections[].people": "人员（列表，按姓氏笔画为序），每项：",
    "sections[].people[].name": "姓名",
    "sections[].people[].reason": "原因，如 漏登、迁入、死亡（未填时为 —）",
    "notes": "名单后各段（列表）：补登除名后的登记人数、申诉期限、选举日",
}


# --------------------------------------------------------------------------------------------
# 63 选民登记情况表（按选区）
# --------------------------------------------------------------------------------------------
def registration(e: Election) -> list[Instance]:
    if not _deputy(e):
        return []
    if not any(view.electorate.get("changes") for view in e.views):
        raise Waiting("electorate.changes", "记录中还没有各选区的选民登记变动")
    rows = []
    totals = [0] * 5
    for view in e.views:
        ch = view.electorate.get("changes") or {}
        added = sum(ch.get(k) or 0 for k, _ in ADDED)
        removed = sum(ch.get(k) or 0 for k in ("moved_out", "deceased", "deprived"))
        figures = [ch.get("previous"), added, removed, ch.get("suspended") or 0, ch.get("floating_out") or 0]
        row = {"name": view.name, "registered": _voters_text(view)}
        for key, value in zip(("previous", "added", "removed", "suspended", "floating_out"), figures, strict=True):
            row[key] = DASH if value is None else str(value)
        for i, value in enumerate(figures):
            totals[i] += value or 0
        row["detail"] = _detail(ch)
        rows.append(row)
    known = [v.registered for v in e.views if v.registered is not None]
    total = {
        "registered": str(sum(known)) if len(known) == len(e.views) else DASH,
        "previous": str(totals[0]),
        "added": str(totals[1]),
        "removed": str(totals[2]),
        "suspended": str(totals[3]),
        "floating_out": str(totals[4]),
    }
    notes = [
        "新增含新满十八周岁、恢复政治权利、迁入和外来流动人口凭选民资格证明登记的人数；"
        "除名含迁出、死亡和被剥夺政治权利的人数；停止行使选举权利的被羁押人员和在现居住地登记的外出人员"
        "不计入本选区登记人数。",
    ]
    notes += [f"{r['name']}：{r['detail']}。" for r in rows if r["detail"]]
    date_raw = e.raw_date("voter_list_published")
    ctx = common_context(e) | {
        "title_lines": split_title(titled(e.election_name, "选民登记情况表")),
        "doc_number": "",
        "intro": f"{e.unit_short}各选区选民登记情况如下（单位：人）：",
        "rows": rows,
        "total": total,
        "notes": notes,
        "date_text": cdate(date_raw),
        "signatory": e.signatory,
    }
    return [Instance("", ctx)]


def _detail(changes: dict) -> str:
    parts = [f"{word}{changes[key]}人" for key, word in ADDED + REMOVED if changes.get(key)]
    return "，".join(parts)


REGISTRATION_VARIABLES = {
    "intro": "导语",
    "rows": "各选区（列表），每项：",
    "rows[].name": "选区名称",
    "rows[].previous": "上次登记人数（electorate.changes.previous；未填时为 —）",
    "rows[].added": "新增：新满十八周岁、恢复政治权利、迁入、外来流动人口登记之和",
    "rows[].removed": "除名：迁出、死亡、被剥夺政治权利之和",
    "rows[].suspended": "停止行使选举权利（被羁押）",
    "rows[].floating_out": "外出人员在现居住地登记",
    "rows[].registered": "本次登记人数（electorate.registered）",
    "rows[].detail": "各项变动的文字说明，如 新满十八周岁85人，迁入40人",
    "total": "合计行：",
    "total.previous": "上次登记人数合计",
    "total.added": "新增合计",
    "total.removed": "除名合计",
    "total.suspended": "停止行使选举权利合计",
    "total.floating_out": "外出人员在现居住地登记合计",
    "total.registered": "本次登记人数合计（有选区未填时为 —）",
    "notes": "表后说明（列表）：各栏口径、各选区变动明细",
}

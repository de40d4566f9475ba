"""Context builders of the voting day: 工作人员名单, 计票单, 选票清点报告, 大会议程 and 主持词."""

from __future__ import annotations

from typing import Any

from ..model import Contest, Round
from ..outcome import ContestOutcome, RoundResult
from ..words import ASSEMBLY, REPRESENTATIVES, ROUND_NAMES
from .before import validity_lines
from .common import (
    Election,
    Instance,
    Waiting,
    cdate,
    common_context,
    no_formal_candidates,
    numeral,
    split_title,
    tight,
    titled,
)

TALLY_BOXES = 20  # 正字 boxes per row of the 计票单 (landscape): each box one 正, five votes
STAFF_WORDS = ("总监票人", "监票人", "计票人", "唱票人", "代书人")
TALLY_SIGNERS = ("唱票人", "计票人", "监票人", "总监票人")


def _assembly(e: Election) -> str:
    """The meeting that votes: 党员大会, 户代表会议, 居民代表会议, 选举大会."""
    if e.kind == "party_branch" or e.method == "party_meeting":
        return ASSEMBLY["party_branch"]
    if e.method == "household_representative":
        return "户代表会议"
    if e.method == "resident_representative":
        return "居民代表会议"
    return "选举大会"


def _staff_round(view: Contest) -> Round | None:
    """The first round of a contest that names its 选举工作人员 (staff or tellers)."""
    for rnd in view.round_views:
        if rnd.staff or rnd.data.get("tellers"):
            return rnd
    return None


def staff_roles(rnd: Round | None) -> dict[str, list[str]]:
    """Role word -> names of a round's 选举工作人员, in STAFF_WORDS order; the 总监票人 is not listed again as 监票人."""
    if rnd is None:
        return {word: [] for word in STAFF_WORDS}
    staff = rnd.staff
    chief = staff.get("chief_scrutineer")
    tellers = [n for n in rnd.data.get("tellers") or [] if n != chief]
    return {
        "总监票人": [chief] if chief else [],
        "监票人": tellers,
        "计票人": list(staff.get("counters") or []),
        "唱票人": list(staff.get("callers") or []),
        "代书人": list(staff.get("writers") or []),
    }


# --------------------------------------------------------------------------------------------
# 21 选举工作人员名单公告
# --------------------------------------------------------------------------------------------


def staff(e: Election) -> list[Instance]:
    contests = []
    for index, view in enumerate(e.views):
        rnd = _staff_round(view)
        if rnd is None:
            continue
        roles = [{"role": word, "names": "　".join(names)} for word, names in staff_roles(rnd).items() if names]
        contests.append({"heading": e.contest_heading(index, view), "roles": roles})
    if not contests:
        raise Waiting("rounds[].tellers、rounds[].staff", "记录中还没有监票人、计票人等选举工作人员")
    when = cdate(e.schedule.get("election_day"), blank="选举日")
    intro = f"根据{e.law}和有关规定，经{e.committee_name}研究，{when}{_assembly(e)}的选举工作人员确定如下。现予公告："
    duties = [
        "监票人对发票、投票、开箱、计票的全过程进行监督，总监票人负责召集；计票人在监票人监督下清点选票、统计票数；"
        "唱票人当众逐张唱票；代书人为不能书写选票的选民按其本人意愿代写选票，不得违背其意愿，不得泄露其选择。",
        "候选人及其近亲属不得担任以上工作。对以上人员有不同意见的，请于选举日前向"
        f"{e.committee_name}反映" + (f"，联系电话：{e.settings['contact']}。" if e.settings.get("contact") else "。"),
    ]
    ctx = common_context(e) | {
        "title_lines": split_title(titled(e.election_name, "选举工作人员名单公告")),
        "doc_number": "",
        "intro": intro,
        "contests": contests,
        "duties": duties,
        "date_text": e.date("staff_published"),
        "signatory": e.committee_name,
    }
    return [Instance("", ctx)]


STAFF_VARIABLES = {
    "intro": "导语：依据、选举日和会议、现予公告",
    "contests": "各场次（列表；单场次记录只有一项，heading 为空），每项：",
    "contests[].heading": "场次标题，如 （一）1号楼",
    "contests[].roles": "该场次的工作人员（列表，只列记录中有人的职务），每项：",
    "contests[].roles[].role": "职务：总监票人、监票人、计票人、唱票人、代书人",
    "contests[].roles[].names": "姓名，以全角空格分隔",
    "duties": "正文各段（列表）：各职务的职责；候选人及其近亲属回避和异议渠道",
}

# --------------------------------------------------------------------------------------------
# 22 计票单（唱票记录表）
# --------------------------------------------------------------------------------------------


def _tally_rows(names: list[str], votes: dict[str, int], write_ins: dict[str, int], blanks: int) -> list[dict]:
    rows = [{"no": str(i + 1), "name": n, "votes": str(votes[n]) if n in votes else ""} for i, n in enumerate(names)]
    rows += [{"no": "另选他人", "name": n, "votes": str(v)} for n, v in write_ins.items()]
    rows += [{"no": "另选他人", "name": "", "votes": ""} for _ in range(blanks)]
    return rows


def _signers(rnd: Round | None, words: tuple[str, ...]) -> list[str]:
    """签名 lines of the round's staff: 计票人（李秀兰、田永红）签名：, the names the record gives in brackets."""
    roles = staff_roles(rnd)
    return [f"{word}{'（' + '、'.join(roles[word]) + '）' if roles[word] else ''}签名：" for word in words]


def _tally(
    e: Election,
    view: Contest,
    post: str,
    seats: int,
    names: list[str],
    rtype: str,
    index: int,
    rnd: Round | None,
) -> Instance:
    ordered = e.sort(names)
    votes = rnd.votes.get(post, {}) if rnd is not None else {}
    write_ins = dict(rnd.write_ins.get(post, {})) if rnd is not None else {}
    blanks = 0 if rtype == "revote" else (0 if write_ins else max(1, min(seats, 3)))
    rows = _tally_rows(ordered, votes, write_ins, blanks)
    counted = bool(votes)
    total = sum(votes.get(n, 0) for n in ordered) + sum(write_ins.values()) if counted else ""
    where = view.name if e.multi else ""
    round_word = ROUND_NAMES[rtype]
    label = "" if index == 0 and rtype == "first" else f"第{numeral(index + 1)}轮{round_word}"
    date = (rnd.data.get("date") if rnd is not None else None) or e.schedule.get("election_day")
    suffix = "-".join(p for p in (where, post, f"第{index + 1}轮{round_word}" if label else "") if p)
    ctx = common_context(e) | {
        "title_lines": split_title(titled(e.election_name, "计票单")),
        "subtitle": "（" + "·".join(p for p in (where + post, label) if p) + "）",
        "post": post,
        "round_name": round_word,
        "seats_text": f"应选{post}{seats}名　候选人{len(ordered)}名　{cdate(date, blank='投票日期：　　年　月　日')}",
        "rows": rows,
        "total": str(total),
        "note": f"说明：唱票人每唱一票，计票人在该人一行画一笔，每格一个“正”字（5票），一行满{TALLY_BOXES * 5}票的"
        "在续页同一序号行接着画；另选他人的，先写姓名再计票。计票结束，写明得票数，核对后签名。",
        "signers": _signers(rnd if rnd is not None and rnd.staff else _staff_round(view), TALLY_SIGNERS),
        "date_text": cdate(date),
    }
    return Instance(suffix, ctx)


def tally(e: Election) -> list[Instance]:
    out: list[Instance] = []
    for view, result in e.pairs():
        rounds = view.round_views
        first = rounds[0] if rounds else None
        for post, seats in view.seats.items():
            names = [c["name"] for _, c in view.formal_candidates(post)]
            if names or result.write_in:
                out.append(_tally(e, view, post, seats, names, "first", 0, first))
        out += _later_tallies(e, view, result)
    if not out:
        raise no_formal_candidates(e)
    return out


def _later_tallies(e: Election, view: Contest, result: ContestOutcome) -> list[Instance]:
    out = []
    rounds = view.round_views
    for rr in result.rounds:
        if rr.index == 0 or rr.index >= len(rounds):
            continue
        for pr in rr.posts:
            names = [n for n, _ in pr.tally if n not in pr.write_ins]
            if names:
                out.append(_tally(e, view, pr.post, pr.seats, names, rr.type, rr.index, rounds[rr.index]))
    return out


TALLY_VARIABLES = {
    "subtitle": "副标题：场次、职位和轮次，如 （主任）、（委员·第二轮另行选举）",
    "post": "职位",
    "round_name": "轮次：选举、另行选举 或 重新投票",
    "seats_text": "应选名额、候选人数和投票日期",
    "rows": "各行（列表）：候选人按选票顺序（姓氏笔画），其后为另选他人行，每项：",
    "rows[].no": "序号；另选他人行为“另选他人”",
    "rows[].name": "姓名；空的另选他人行留待手写",
    "rows[].votes": "得票数：记录中已有计票结果时填入，否则为空",
    "total": "合计票数（已计票时），否则为空",
    "note": "计票方法说明",
    "signers": "签名（列表，排在一行）：唱票人、计票人、监票人、总监票人，括号内为记录中的姓名",
}

# --------------------------------------------------------------------------------------------
# 23 选票清点报告
# --------------------------------------------------------------------------------------------


def _count_rows(rnd: Round, rr: RoundResult | None) -> list[list[str]]:
    b = rnd.ballots
    rows = [["发出选票", _n(b.get("issued"))], ["收回选票", _n(b.get("returned"))]]
    for box in rnd.data.get("mobile_boxes") or []:
        where = box.get("name") or "流动票箱"
        rows.append([f"其中{where}（发出/收回）", f"{_n(box.get('issued'))}/{_n(box.get('returned'))}"])
    valid = rr.valid_ballots if rr is not None else None
    rows.append(["有效票", _n(valid)])
    rows.append(["无效票", _n(b.get("invalid"))])
    if b.get("blank") is not None:
        rows.append(["弃权票（空白票）", _n(b.get("blank"))])
    return rows


def _n(value: object) -> str:
    return "—" if value is None else f"{value}张"


def _verdict(rnd: Round, rr: RoundResult | None) -> str:
    b = rnd.ballots
    issued, returned = b.get("issued"), b.get("returned")
    if issued is None or returned is None:
        return "发出或收回选票数未填，不能判定本次投票是否有效。"
    compare = "少于" if returned < issued else ("等于" if returned == issued else "多于")
    if rr is not None and not rr.valid and rr.failures:
        facts = "；".join(tight(f.text).removesuffix("，本轮选举无效。").removesuffix("。") for f in rr.failures)
        return f"收回选票{returned}张，{compare}发出选票{issued}张。{facts}，本次投票无效。"
    if returned > issued:
        return f"收回选票{returned}张，多于发出选票{issued}张，本次投票无效。"
    return f"收回选票{returned}张，{compare}发出选票{issued}张，本次投票有效。"


def ballot_count(e: Election) -> list[Instance]:
    out = []
    for view, result in e.pairs():
        by_index = {rr.index: rr for rr in result.rounds}
        for rnd in view.round_views:
            if not rnd.ballots:
                continue
            rr = by_index.get(rnd.index)
            where = view.name if e.multi else ""
            label = f"第{numeral(rnd.index + 1)}轮{ROUND_NAMES[rnd.type]}"
            place = e.place_of(view) if e.multi else e.place
            at = f"在{place}" if place else ""
            day = cdate(rnd.data.get("date") or e.schedule.get("election_day"), blank="　　年　月　日")
            ctx = common_context(e) | {
                "title_lines": split_title(titled(e.election_name, "选票清点报告")),
                "subtitle": "（" + "·".join(p for p in (where, label) if p) + "）",
                "intro": f"{day}，{where}{_assembly(e)}{at}进行{label}投票。投票结束后，经监票人、计票人"
                "当众开箱清点，选票情况报告如下：",
                "rows": _count_rows(rnd, rr),
                "verdict": _verdict(rnd, rr),
                "signers": _signers(rnd, ("总监票人", "监票人", "计票人")),
                "date_text": day,
            }
            suffix = "-".join(p for p in (where, f"第{rnd.index + 1}轮") if p)
            out.append(Instance(suffix, ctx))
    if not out:
        raise Waiting("rounds[].ballots", "记录中还没有发出、收回选票的数字")
    return out


BALLOT_COUNT_VARIABLES = {
    "subtitle": "副标题：场次和轮次，如 （第一轮选举）",
    "intro": "导语：日期、会议、地点、轮次",
    "rows": "清点结果各行（列表），每项为 [项目, 张数]：发出、收回（及各流动票箱）、有效、无效、弃权",
    "verdict": "收回与发出选票的比较和本次投票是否有效",
    "signers": "签名行（列表）：总监票人、监票人、计票人，括号内为记录中的姓名",
}

# --------------------------------------------------------------------------------------------
# 24 选举大会议程
# --------------------------------------------------------------------------------------------


def _meeting_days(e: Election) -> list[tuple[str | None, list[tuple[int, Contest, Round]]]]:
    """(date, [(contest index, contest, staff round)]) of each voting day: the first rounds that name their staff,
    grouped by the day they are held on (a contest's first-round `date`, else schedule.election_day)."""
    days: dict[str | None, list[tuple[int, Contest, Round]]] = {}
    for index, view in enumerate(e.views):
        rnd = _staff_round(view)
        if rnd is None or rnd.type != "first":
            continue
        day = rnd.data.get("date") or e.schedule.get("election_day")
        days.setdefault(str(day) if day else None, []).append((index, view, rnd))
    return list(days.items())


def _names(names: list[str]) -> str:
    return "、".join(names)


def _in_charge(words: str, names: list[str]) -> str:
    """The 负责人 cell: up to two names (kept on one line), else the role words (the names are in item 3)."""
    return _names(names) if len(names) <= 2 else words


def _agenda_items(e: Election, rnd: Round, views: list[Contest]) -> list[dict]:
    """The numbered items of the 选举大会, with the time (start, end of voting) and who is in charge."""
    roles = staff_roles(rnd)
    chair = rnd.staff.get("chair") or ""
    start, end = rnd.staff.get("start") or "", rnd.staff.get("end") or ""
    noun, _ = e.elector
    seats = "；".join(
        (f"{view.name}：" if len(views) > 1 else "") + "、".join(f"{p}{n}名" for p, n in view.seats.items())
        for view in views
    )
    staff_text = "；".join(f"{word}{_names(names)}" for word, names in roles.items() if names)
    boxes = [str(b.get("name") or "流动票箱") for b in rnd.data.get("mobile_boxes") or []]
    committee_chair = e.committee.get("chair") or ""
    items = [
        (f"宣布{_assembly(e)}开始", start, chair),
        (f"报告应到会{noun}人数和实到会人数，宣布会议有效", "", chair),
        (f"通过选举工作人员名单：{staff_text}", "", chair),
        ("宣读选举办法", "", committee_chair or e.committee_name),
        (f"介绍正式候选人（应选{seats}），候选人按{e.order_words}排列", "", committee_chair or e.committee_name),
        ("讲解选票填写办法和注意事项", "", chair),
        (
            "监票人当众检查票箱" + ("，流动票箱（" + "、".join(boxes) + "）出发" if boxes else ""),
            "",
            _in_charge("监票人", roles["监票人"]),
        ),
        ("清点、发放选票", "", _in_charge("监票人", roles["总监票人"] + roles["监票人"])),
        ("秘密写票、投票" + (f"（{end}投票结束）" if end else ""), f"至{end}" if end else "", chair),
        ("开箱清点选票，唱票、计票", "", _in_charge("唱票人、计票人", roles["唱票人"] + roles["计票人"])),
        ("总监票人报告计票结果，主持人宣布选举结果", "", _names(roles["总监票人"] + ([chair] if chair else []))),
    ]
    return [{"no": str(i + 1), "item": item, "time": time, "by": by} for i, (item, time, by) in enumerate(items)]


def agenda(e: Election) -> list[Instance]:
    days = _meeting_days(e)
    if not days:
        raise Waiting("rounds[].tellers、rounds[].staff", "记录中还没有大会主持人、监票人、计票人等选举工作人员")
    out = []
    for day, held in days:
        views = [view for _, view, _ in held]
        rnd = held[0][2]
        where = "、".join(view.name for view in views) if e.multi and len(days) > 1 else ""
        place = "、".join(dict.fromkeys(e.place_of(v) for v in views if e.place_of(v))) if e.multi else e.place
        start = rnd.staff.get("start") or ""
        ctx = common_context(e) | {
            "title_lines": split_title(titled(e.election_name, f"{_assembly(e)}议程")),
            "subtitle": f"（{where}）" if where else "",
            "meta": [
                "时间："
                + cdate(day, blank="　　年　月　日")
                + (f" {start}" if start else "")
                + "　　主持人："
                + (rnd.staff.get("chair") or "　　　　"),
                "地点：" + (place or "　　　　　　"),
            ],
            "items": _agenda_items(e, rnd, views),
        }
        out.append(Instance(where, ctx))
    return out


AGENDA_VARIABLES = {
    "subtitle": "副标题：各选举日分列时为该日的场次，如 （1号楼、2号楼）；否则为空",
    "meta": "会议信息各行（列表）：时间（日期和 staff.start）、地点、主持人（staff.chair）",
    "items": "议程各项（列表），每项：",
    "items[].no": "序号",
    "items[].item": "议程内容：宣布开会、到会人数、通过工作人员名单、宣读选举办法、介绍候选人、讲解填写办法、检查票箱、"
    "发票、写票投票、计票、宣布结果",
    "items[].time": "时间：开会为 staff.start，写票投票为 至staff.end；其余为空",
    "items[].by": "负责人：记录中的主持人、选举委员会主任等姓名（至多两人；多于两人时写职务，如 监票人）",
}

# --------------------------------------------------------------------------------------------
# 25 主持词
# --------------------------------------------------------------------------------------------

BLANK = "____"


def _figure(value: object, unit: str) -> str:
    """A figure of the day (到会人数, 发出选票): the record's when counted, else a blank to fill by hand."""
    return f"{value}{unit}" if value is not None else f"{BLANK}{unit}"


def _marking(e: Election) -> str:
    if e.kind == "party_branch" or e.method == "party_meeting":
        return "赞成的，在候选人姓名右侧“赞成”栏内划“○”；不赞成的，在“不赞成”栏内划“○”；弃权的，在“弃权”栏内划“○”。"
    return "赞成的，在候选人姓名右侧的符号栏内划“○”；不赞成的，划“×”；弃权的，不划任何符号；另选他人的，在“另选人”栏内写上其姓名，并在右侧划“○”。"


def _elected_text(e: Election, views: list[Contest]) -> str:
    """当选主任：王建国；当选委员：… from the count, else blanks to fill in."""
    parts = []
    for view, result in e.pairs():
        if view not in views:
            continue
        for post in view.seats:
            names = result.elected.get(post, [])
            parts.append(f"{view.name if e.multi else ''}{post}当选人：{'、'.join(names) if names else BLANK * 2}")
    return "；".join(parts)


def _script_sections(e: Election, rnd: Round, views: list[Contest]) -> list[dict]:
    """The chair's lines, item by item of the 议程, with the record's names and the figures known so far."""
    roles = staff_roles(rnd)
    noun, unit = e.elector
    meeting = _assembly(e)
    registered = sum(int((v.data.get("electorate") or {}).get("registered") or 0) for v in views)
    b = rnd.ballots
    present = rnd.data.get("participants", b.get("returned"))
    committee_chair = e.committee.get("chair") or ""
    reader = f"{e.committee_name}主任{committee_chair}同志" if committee_chair else f"{e.committee_name}负责人"
    staff_text = "；".join(f"{word}：{_names(names)}" for word, names in roles.items() if names)
    candidates = []
    for view in views:
        for post, seats in view.seats.items():
            names = e.sort([c["name"] for _, c in view.formal_candidates(post)])
            where = view.name if e.multi else ""
            candidates.append(f"{where}{post}应选{seats}名，正式候选人{len(names)}名：{'、'.join(names) or BLANK}。")
    end = rnd.staff.get("end")
    chief = "".join(roles["总监票人"]) or "总监票人"
    sections = [
        (
            "宣布开会",
            [
                f"各位{noun}：根据{e.law}和有关规定，经{e.committee_name}研究决定，今天召开"
                + f"{e.election_name}{meeting}。".replace("选举选举", "选举"),
                f"本次选举登记{noun}{registered}{unit}，今天到会{_figure(present, unit)}，符合选举办法的规定，可以进行选举。"
                f"现在我宣布，{meeting}开始。",
            ],
        ),
        (
            "通过选举工作人员名单",
            [
                f"经{e.committee_name}提名，本次选举的工作人员为：{staff_text}。以上人员均不是候选人及其近亲属。",
                "同意的请举手。……不同意的请举手。……弃权的请举手。……名单获得通过。",
            ],
        ),
        ("宣读选举办法", [f"请{reader}宣读选举办法。", "选举办法规定：" + validity_lines(e)[0]]),
        ("介绍正式候选人", [f"正式候选人按{e.order_words}排列。", *candidates]),
        (
            "讲解选票填写办法",
            [
                _marking(e),
                "每一职位划“○”的人数多于应选名额的，该职位的选票无效。不能书写选票的，可以委托本人信任的人（候选人除外）代写。",
            ],
        ),
        (
            "检查票箱、发放选票",
            [
                "请监票人" + (f"{_names(roles['监票人'])}同志" if roles["监票人"] else "") + "当众检查票箱。",
                f"请监票人、计票人清点并发放选票。本次发出选票{_figure(b.get('issued'), '张')}。",
            ],
        ),
        (
            "写票、投票",
            [
                "请大家到秘密写票处写票，写好后按顺序投票。" + (f"投票于{end}结束。" if end else ""),
            ],
        ),
        (
            "开箱计票",
            [
                f"投票结束，请监票人、计票人当众开箱清点选票。收回选票{_figure(b.get('returned'), '张')}，"
                "等于或少于发出选票数的，本次投票有效。请唱票人、计票人当众唱票、计票。",
            ],
        ),
        (
            "宣布选举结果",
            [
                f"请总监票人{chief}同志报告计票结果。",
                f"根据计票结果，我宣布：{_elected_text(e, views)}。{meeting}各项议程已经完成，现在我宣布，{meeting}闭幕。",
            ],
        ),
    ]
    return [{"heading": f"{numeral(i + 1)}、{h}", "lines": lines} for i, (h, lines) in enumerate(sections)]


def script(e: Election) -> list[Instance]:
    days = _meeting_days(e)
    if not days:
        raise Waiting("rounds[].tellers、rounds[].staff", "记录中还没有大会主持人、监票人、计票人等选举工作人员")
    out = []
    for _day, held in days:
        views = [view for _, view, _ in held]
        rnd = held[0][2]
        where = "、".join(view.name for view in views) if e.multi and len(days) > 1 else ""
        chair = rnd.staff.get("chair") or "　　　　"
        ctx = common_context(e) | {
            "title_lines": split_title(titled(e.election_name, f"{_assembly(e)}主持词")),
            "subtitle": f"（{where + '·' if where else ''}主持人：{chair}）",
            "sections": _script_sections(e, rnd, views),
        }
        out.append(Instance(where, ctx))
    return out


SCRIPT_VARIABLES = {
    "subtitle": "副标题：（场次·）主持人（staff.chair）",
    "sections": "主持词各部分（列表，顺序同选举大会议程），每项：",
    "sections[].heading": "小标题，如 一、宣布开会",
    "sections[].lines": "主持人的话（列表）：记录中的姓名和数字；投票前未知的数字为“____人”“____张”，当场填写",
}


# --------------------------------------------------------------------------------------------
# 参会通知: the notice calling the meeting that votes (党员大会, 户代表会议, 村民代表会议 …)
# --------------------------------------------------------------------------------------------

# Who is called to a meeting that votes: the methods whose electors meet (a direct vote of all voters is called
# by the 选举公告, 12, instead).
MEETING_METHODS = ("party_meeting", *REPRESENTATIVES)


def _meeting_name(e: Election) -> str:
    if e.method == "villager_representative":
        return "村民代表会议"
    return _assembly(e)


def meeting_notice(e: Election) -> list[Instance]:
    """参会通知: who, when, where, what to bring and what the meeting will do; one per election."""
    if (e.method or "") not in MEETING_METHODS and e.kind != "party_branch":
        return []
    day = e.schedule.get("election_day")
    if not day:
        raise Waiting("schedule.election_day", "记录中没有选举日（会议日期）")
    meeting = _meeting_name(e)
    noun, _ = e.elector
    views = [v for v in e.views if v.seats]
    held = next((r for v in e.views if (r := _staff_round(v)) is not None), None)
    start = (held.staff.get("start") if held is not None else "") or ""
    when = cdate(day) + (f"{start}" if start else "")
    where = e.place or "、".join(dict.fromkeys(e.place_of(v) for v in e.views if e.place_of(v)))
    registered = sum(v.registered or 0 for v in e.views)
    party = e.kind == "party_branch" or e.method == "party_meeting"
    who = f"本支部有选举权的正式党员（共{registered}名）" if party else f"本次选举的{noun}（共{registered}名）"
    if not registered:
        who = who.split("（")[0]
    seats = "；".join(
        (f"{view.name}" if len(views) > 1 else "") + "、".join(f"{p}{n}名" for p, n in view.seats.items())
        for view in views
    )
    bring = "党员证明或本通知" if party else ("参选证" if e.method in REPRESENTATIVES else "选民证")
    polling = e.data.get("polling") or {}
    if polling.get("bring"):
        bring = "、".join(polling["bring"])
    absent = (
        f"因故不能参加的，请会前向{e.signatory}请假；因故未出席会议的党员不能委托他人代为投票。"
        if party
        else f"因故不能参加的，请会前向{e.committee_name}说明。"
    )
    sections: list[dict[str, Any]] = [
        {"heading": "一、会议时间", "lines": [f"{when}{'' if start else '（具体时间另行通知）'}。"]},
        {"heading": "二、会议地点", "lines": [f"{where}。" if where else "另行通知。"]},
        {"heading": "三、参会人员", "lines": [f"{who}。"]},
        {
            "heading": "四、会议议程",
            "lines": [
                f"报告到会人数，通过选举工作人员名单和选举办法，介绍正式候选人，无记名投票选举{seats}，"
                "当场开箱计票，宣布选举结果。"
            ],
        },
        {"heading": "五、有关要求", "lines": [f"请携带{bring}，提前十分钟到场签到。", absent]},
    ]
    for i, section in enumerate(sections):
        section["last"] = i == len(sections) - 1
    addressee = "各位党员：" if party else f"各位{noun}："
    intro = (
        f"根据{e.law}和有关规定，经{e.signatory if party else e.committee_name}研究，定于{cdate(day)}召开{meeting}，"
        f"进行{e.election_name}。现将有关事项通知如下："
    )
    ctx = common_context(e) | {
        "title_lines": split_title([e.unit_name, f"关于召开{meeting}的通知"]),
        "doc_number": "",
        "addressee": addressee,
        "intro": intro,
        "sections": sections,
        "date_text": e.date("election_notice_published"),
        "signatory": e.signatory if party else e.committee_name,
    }
    return [Instance("", ctx)]


MEETING_NOTICE_VARIABLES = {
    "addressee": "称呼，如 各位党员：、各位户代表：",
    "intro": "导语：依据、会议日期和事由",
    "sections": "各部分（列表）：会议时间、地点、参会人员、议程、有关要求；每项：",
    "sections[].heading": "一级标题，如 一、会议时间",
    "sections[].lines": "该部分各段（列表）",
    "sections[].last": "是否最后一部分（其最后一段与特此通知、落款同页）",
}

"""Context builders of Party 公推直选: 推荐结果, the 请示 and 报告 upward, and the 委员会's ballot and result.

All of them apply only to a 党支部 record with `gongtui`: any other record gets none (`[]`). The 推荐 result and the
请示 come from `outcome.recommendation`, the 委员会's ballot and result from `outcome.plenary` (the same ballot and
results builders as the 党员大会's, seen from the 委员会's round), the 报告 from both rounds.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from .. import formatting
from ..gongtui import PLENARY_NAME, Recommendation, plenary_contest
from ..model import parse_date
from ..outcome import ContestOutcome
from . import ballots, notices
from .common import (
    DASH,
    Election,
    Instance,
    Waiting,
    approved_words,
    cdate,
    common_context,
    numeral,
    or_dash,
    split_title,
    year_month,
)

# 文号 of the Party documents follow the notices' numbers: first_number + 10 + offset.
NUMBER_OFFSETS = {"recommend": 10, "request": 11, "plenary": 12, "report": 13}


def _gongtui(e: Election) -> dict:
    if e.kind != "party_branch":
        return {}
    return e.data.get("gongtui") or {}


def _number(e: Election, slot: str, date: str | None, explicit: str | None = None) -> str:
    if explicit:
        return explicit
    start = e.settings.get("first_number") or 1
    n = start + NUMBER_OFFSETS[slot]
    prefix = e.settings.get("number_prefix")
    day = parse_date(date) or parse_date(e.schedule.get("election_day"))
    if prefix and day is not None:
        return formatting.doc_number(prefix, day.year, n)
    return f"（第{n}号）"


def _pct(value: Fraction | None) -> str:
    return DASH if value is None else f"{formatting.ratio(value * 100, 1, 2)}%"


def _superior(e: Election) -> str:
    g = _gongtui(e)
    return (
        (g.get("request") or {}).get("to")
        or (g.get("approval") or {}).get("by")
        or (g.get("report") or {}).get("to")
        or ""
    )


# --------------------------------------------------------------------------------------------
# 公开推荐结果
# --------------------------------------------------------------------------------------------


def _recommendation(e: Election) -> Recommendation:
    rec = e.outcome.recommendation
    if rec is None:
        raise Waiting("gongtui.recommendation.votes", "记录中还没有公开推荐的得票")
    if rec.members_present is None or rec.masses_present is None:
        raise Waiting("gongtui.recommendation.members.present", "记录中还没有参加推荐的人数")
    return rec


def _meeting(e: Election, stage: dict) -> str:
    when = f"于{cdate(stage['date'])}" if stage.get("date") else ""
    where = f"在{stage['place']}" if stage.get("place") else ""
    return f"{e.unit_name}{when}{where}召开公开推荐大会"


def _took_part(stage: dict) -> str:
    members, masses = stage.get("members") or {}, stage.get("masses") or {}
    expected = f"（应参加{members['expected']}名）" if members.get("expected") is not None else ""
    who = masses.get("who") or "群众代表"
    return f"参加党员推荐的党员{members.get('present')}名{expected}，参加群众推荐的{who}{masses.get('present')}名"


def recommend(e: Election) -> list[Instance]:
    stage = _gongtui(e).get("recommendation")
    if not stage:
        return []
    rec = _recommendation(e)
    rows = []
    for person in rec.people:
        rows.append(
            {
                "rank": str(person.rank) if person.rank else DASH,
                "name": person.name,
                "members": str(person.members),
                "members_share": _pct(person.members_share),
                "masses": str(person.masses),
                "masses_share": _pct(person.masses_share),
                "score": DASH if person.score is None else f"{formatting.ratio(person.score * 100, 1, 2)}",
                "result": "列入" if person.qualified else ("待定" if person.name in rec.tied else "未列入"),
            }
        )
    intro = (
        f"根据{e.law}和上级党组织的部署，{_meeting(e, stage)}，对新一届支部委员会{rec.post}人选进行党员推荐和群众推荐，"
        f"{_took_part(stage)}。现将推荐结果公布如下（按综合得分从高到低排列）："
    )
    notes = [f"计分办法：{rec.rule}。综合得分＝党员推荐得票率×党员推荐权重＋群众推荐得票率×群众推荐权重（百分制）。"]
    outs = [p for p in rec.people if not p.qualified]
    if rec.qualified:
        notes.append(
            f"根据推荐结果，{'、'.join(rec.qualified)}等{len(rec.qualified)}名同志（按{e.order_words}为序）列为新一届支部委员会"
            f"{rec.post}候选人预备人选（应选{rec.post}{rec.seats}名，预备人选{rec.quota}名），报{_superior(e) or '上级党组织'}审查。"
        )
    for person in outs:
        notes.append(f"{person.name}：{person.reason}，未列入候选人预备人选。")
    date_raw = stage.get("date")
    ctx = common_context(e) | {
        "title_lines": split_title([e.unit_name, "换届选举公开推荐结果"]),
        "doc_number": _number(e, "recommend", date_raw),
        "intro": intro,
        "rows": rows,
        "notes": notes,
        "date_text": cdate(date_raw),
        "signatory": e.unit_name,
    }
    return [Instance("", ctx)]


RECOMMEND_VARIABLES = {
    "intro": "导语：推荐大会的日期、地点，参加党员推荐、群众推荐的人数",
    "rows": "被推荐人（列表，按综合得分从高到低），每项：",
    "rows[].rank": "名次（得分相同者同一名次；未达到得票要求者为 —）",
    "rows[].name": "姓名",
    "rows[].members": "党员推荐票数",
    "rows[].members_share": "党员推荐得票率，如 90.9%",
    "rows[].masses": "群众推荐票数",
    "rows[].masses_share": "群众推荐得票率",
    "rows[].score": "综合得分（百分制，两位小数），如 89.64",
    "rows[].result": "是否列为候选人预备人选：列入、未列入 或 待定（得分相同，须再次推荐或研究确定）",
    "notes": "表后各段：计分办法、预备人选名单、未列入者及原因",
}

# --------------------------------------------------------------------------------------------
# 请示 and 报告: 公文 to the higher Party organisation
# --------------------------------------------------------------------------------------------


def _person_row(e: Election, name: str, extra: str) -> dict:
    view = e.views[0] if e.views else None
    c = e.candidate(view, name) if view is not None else {}
    return {
        "name": name,
        "gender": or_dash(c.get("gender")),
        "ethnicity": or_dash(c.get("ethnicity")),
        "birth": year_month(c.get("birth")),
        "education": or_dash(c.get("education")),
        "joined": year_month(c.get("joined_party")),
        "workplace": or_dash(c.get("workplace")),
        "extra": extra,
    }


def request(e: Election) -> list[Instance]:
    g = _gongtui(e)
    if not g.get("recommendation"):
        return []
    rec = _recommendation(e)
    to = (g.get("request") or {}).get("to")
    if not to:
        raise Waiting("gongtui.request.to", "记录中还没有请示的主送机关（上级党组织）")
    req = g.get("request") or {}
    stage = g["recommendation"]
    people = {p.name: p for p in rec.people}
    extra = len(rec.qualified) - rec.seats
    body = [
        f"按照{e.law}和上级党组织关于基层党组织换届选举的部署，本支部拟采取公推直选方式进行换届选举。"
        f"{_meeting(e, stage)}，对新一届支部委员会{rec.post}人选进行了党员推荐和群众推荐，{_took_part(stage)}，"
        f"共推荐{len(rec.people)}人。",
        f"按照{rec.rule}的办法计票，{'、'.join(rec.qualified)}等{len(rec.qualified)}名同志（按{e.order_words}为序）"
        f"综合得分在前，列为候选人预备人选。",
    ]
    outs = [p for p in rec.people if not p.qualified]
    if outs:
        body.append("；".join(f"{p.name}{p.reason}" for p in outs) + "，未列入候选人预备人选。")
    body.append(
        f"经支部委员会研究，拟以上述{len(rec.qualified)}名同志为新一届支部委员会{rec.post}候选人预备人选。新一届支部委员会"
        f"拟设{rec.post}{rec.seats}名，候选人预备人选{len(rec.qualified)}名，"
        + (f"差额{extra}名，差额比例为{formatting.percent(extra, rec.seats, 0)}。" if extra > 0 else "未实行差额。")
    )
    body.append("妥否，请批示。")
    rows = []
    for name in rec.qualified:
        person = people[name]
        score = DASH if person.score is None else str(formatting.ratio(person.score * 100, 1, 2))
        rows.append(_person_row(e, name, score))
    contact = req.get("contact")
    ctx = common_context(e) | {
        "title_lines": split_title([f"关于{e.unit_name}换届选举", "候选人预备人选的请示"]),
        "doc_number": _number(e, "request", req.get("date"), req.get("number")),
        "addressee": to,
        "body": body,
        "attachment_title": f"{e.unit_name}{rec.post}候选人预备人选名单",
        "attachment_lines": split_title([e.unit_name, f"{rec.post}候选人预备人选名单"]),
        "header": ["姓名", "性别", "民族", "出生年月", "文化程度", "入党时间", "工作单位及职务", "综合得分"],
        "rows": rows,
        "attachment_notes": [f"以上人员按{e.order_words}为序；综合得分为百分制，计分办法：{rec.rule}。"],
        "note": f"（联系人：{contact}）" if contact else "",
        "date_text": cdate(req.get("date")),
        "signatory": e.unit_name,
        "author": e.unit_name,
    }
    return [Instance("", ctx)]


UPWARD_VARIABLES = {
    "addressee": "主送机关（上级党组织），如 中共灯湖街道工作委员会",
    "body": "正文各段（列表）",
    "attachment_title": "附件名称，如 中共东华社区支部委员会委员候选人预备人选名单",
    "attachment_lines": "附件页标题各行（列表）",
    "header": "附件名单表的表头（列表，8 项）",
    "rows": "附件名单（列表），每项：",
    "rows[].name": "姓名",
    "rows[].gender": "性别",
    "rows[].ethnicity": "民族",
    "rows[].birth": "出生年月，如 1971年4月",
    "rows[].education": "文化程度",
    "rows[].joined": "入党时间，如 1995年6月",
    "rows[].workplace": "工作单位及职务",
    "rows[].extra": "最后一列：请示中为综合得分，报告中为当选职务和得票",
    "attachment_notes": "附件名单表后的说明（列表）",
    "note": "附注，如 （联系人：付建明，电话 028-80000000）；没有时为空",
    "author": "责任者（归档目录）：本支部委员会",
}

# --------------------------------------------------------------------------------------------
# The 委员会's round: ballot and result
# --------------------------------------------------------------------------------------------


def _plenary(e: Election) -> tuple[Election, ContestOutcome]:
    result = e.outcome.plenary
    members = [n for names in (e.outcome.contests[0].elected.values() if e.outcome.contests else []) for n in names]
    view = plenary_contest(e.data, members)
    if result is None or view is None:
        raise Waiting("gongtui.plenary", "记录中还没有支部委员会选举书记、副书记的内容")
    one = dataclasses.replace(e, views=[view], outcome=dataclasses.replace(e.outcome, contests=[result]))
    return one, result


def _plenary_posts(result: ContestOutcome) -> str:
    return "、".join(result.seats) or "书记"


def plenary_ballot(e: Election) -> list[Instance]:
    if not _gongtui(e).get("plenary"):
        return []
    one, result = _plenary(e)
    if not result.seats:
        raise Waiting("gongtui.plenary.seats", "记录中还没有委员会选举的职位及名额")
    out = []
    for instance in ballots.ballots(one):
        ctx = dict(instance.context)
        ctx["title_lines"] = split_title([e.unit_name, "第一次全体会议选票"])
        ctx["signatory"] = e.unit_name
        ctx["contest_name"] = PLENARY_NAME
        plenary = _gongtui(e)["plenary"]
        if plenary.get("date") and instance.context.get("round_name") == "选举":
            ctx["date_text"] = cdate(plenary["date"])
        out.append(Instance(instance.suffix, ctx, instance.title))
    return out


def _as_committee(text: str) -> str:
    return text.replace("有选举权的党员", "委员")


def plenary_results(e: Election) -> list[Instance]:
    plenary = _gongtui(e).get("plenary")
    if not plenary:
        return []
    one, result = _plenary(e)
    if not result.rounds:
        raise Waiting("gongtui.plenary.rounds[].votes", "委员会选举书记、副书记尚无计票结果")
    out = []
    posts = _plenary_posts(result)
    members = one.views[0].registered
    for instance in notices.results(one):
        ctx = dict(instance.context)
        when = f"于{cdate(plenary['date'])}" if plenary.get("date") else ""
        where = f"在{plenary['place']}" if plenary.get("place") else ""
        ctx["title_lines"] = split_title([e.unit_name, f"选举{posts}结果公告"])
        ctx["intro"] = (
            f"{e.unit_name}{when}{where}召开第一次全体会议，由党员大会选出的{members or '　'}名委员选举{posts}。"
            "根据计票结果，现将选举结果公告如下："
        )
        contests = []
        for contest in ctx.get("contests") or []:
            c = dict(contest)
            c["heading"] = ""
            c["figures"] = [_as_committee(t) for t in c.get("figures") or []]
            c["outcome"] = [_as_committee(t) for t in c.get("outcome") or []]
            contests.append(c)
        ctx["contests"] = contests
        ctx["doc_number"] = _number(e, "plenary", plenary.get("date"))
        ctx["signatory"] = e.unit_name
        out.append(Instance(instance.suffix, ctx, instance.title))
    return out


# --------------------------------------------------------------------------------------------
# 关于…选举结果的报告
# --------------------------------------------------------------------------------------------


def _votes_of(result: ContestOutcome, post: str, name: str) -> int | None:
    for rnd in result.rounds:
        for p in rnd.posts:
            if p.post == post and name in p.elected:
                return dict(p.tally).get(name)
    return None


def _meeting_paragraph(e: Election, main: ContestOutcome) -> str:
    first = next((r for r in main.rounds if r.valid), None)
    day = cdate(first.date or e.schedule.get("election_day")) if first else e.date("election_day")
    view = e.views[0]
    registered = view.registered
    parts = [f"{day}，本支部召开党员大会，采取无记名投票、差额选举的方式选举新一届支部委员会。"]
    if first is not None:
        parts.append(
            f"本支部有选举权的正式党员{or_dash(registered)}名，实到会{or_dash(first.turnout_value)}名；"
            f"发出选票{or_dash(first.issued)}张，收回{or_dash(first.returned)}张，其中有效票{or_dash(first.valid_ballots)}张、"
            f"无效票{or_dash(first.invalid)}张，选举有效。"
        )
    for post, names in main.elected.items():
        if not names:
            continue
        formal = len(view.formal_candidates(post))
        votes = "、".join(f"{n}{_votes_of(main, post, n)}票" for n in names)
        parts.append(
            f"{post}应选{main.seats.get(post)}名，候选人{formal}名；{'、'.join(names)}当选为{post}（按得票多少为序：{votes}）。"
        )
    return "".join(parts)


def _plenary_paragraph(e: Election, result: ContestOutcome, members: int | None) -> str:
    plenary = _gongtui(e).get("plenary") or {}
    first = next((r for r in result.rounds if r.valid), None)
    day = cdate(plenary.get("date")) if plenary.get("date") else "同日"
    parts = [f"{day}，新一届支部委员会召开第一次全体会议，选举{_plenary_posts(result)}。"]
    if first is not None:
        parts.append(
            f"应到会委员{or_dash(members)}名，实到会{or_dash(first.turnout_value)}名；发出选票{or_dash(first.issued)}张，"
            f"收回{or_dash(first.returned)}张，有效票{or_dash(first.valid_ballots)}张。"
        )
    for post, names in result.elected.items():
        formal = len([c for c in plenary.get("candidates") or [] if c.get("post") == post])
        way = "等额" if formal == result.seats.get(post) else "差额"
        for name in names:
            parts.append(f"{post}{way}选举，{name}得{_votes_of(result, post, name)}票，当选为{post}。")
    return "".join(parts)


def report(e: Election) -> list[Instance]:
    g = _gongtui(e)
    if not g:
        return []
    main = e.outcome.contests[0] if e.outcome.contests else None
    if main is None or main.stage != "counted" or not any(main.elected.values()):
        raise Waiting("rounds[].votes", "党员大会尚无计票结果")
    result = e.outcome.plenary
    if result is None or not any(result.elected.values()):
        raise Waiting("gongtui.plenary.rounds[].votes", "支部委员会尚未选出书记、副书记")
    rep = g.get("report") or {}
    to = rep.get("to") or _superior(e)
    if not to:
        raise Waiting("gongtui.report.to", "记录中还没有报告的主送机关（上级党组织）")
    members = [n for names in main.elected.values() for n in names]
    title_noun = "选举结果的报告"
    body = [
        f"根据{e.law}，{approved_words(e)}，{e.unit_name}按照公推直选的程序完成了换届选举。现将选举结果报告如下：",
    ]
    headings = [
        f"{numeral(1)}、党员大会选举支部委员会情况",
        f"{numeral(2)}、支部委员会选举{_plenary_posts(result)}情况",
    ]
    sections = [
        {"heading": headings[0], "text": _meeting_paragraph(e, main)},
        {"heading": headings[1], "text": _plenary_paragraph(e, result, len(members))},
    ]
    roles: dict[str, str] = {}
    for post, names in result.elected.items():
        for name in names:
            roles.setdefault(name, post)
    ordered = [n for n in members if n in roles] + e.sort([n for n in members if n not in roles])
    rows = []
    for name in ordered:
        post = roles.get(name, "委员")
        rows.append(_person_row(e, name, post))
    lineup = "；".join(f"{post}{'、'.join(names)}" for post, names in result.elected.items() if names)
    closing_text = (
        f"新一届支部委员会由{len(members)}名委员组成：{lineup}；委员{'、'.join(e.sort(members))}（按{e.order_words}为序）。"
        "以上选举结果，请予审批。"
    )
    ctx = common_context(e) | {
        "title_lines": split_title([f"关于{e.unit_name}", f"换届{title_noun}"]),
        "doc_number": _number(e, "report", rep.get("date"), rep.get("number")),
        "addressee": to,
        "body": body,
        "sections": sections,
        "closing_text": closing_text,
        "attachment_title": f"{e.unit_name}新一届委员会组成人员名单",
        "attachment_lines": split_title([e.unit_name, "新一届委员会组成人员名单"]),
        "header": ["姓名", "性别", "民族", "出生年月", "文化程度", "入党时间", "工作单位及职务", "职务"],
        "rows": rows,
        "attachment_notes": [f"书记、副书记在前，其余委员按{e.order_words}为序。"],
        "note": "",
        "date_text": cdate(rep.get("date")),
        "signatory": e.unit_name,
        "author": e.unit_name,
    }
    return [Instance("", ctx)]


REPORT_VARIABLES = UPWARD_VARIABLES | {
    "body": "导语（列表）：依据、上级批复和“现将选举结果报告如下”",
    "sections": "正文各部分（列表），每项：",
    "sections[].heading": "一级标题，如 一、党员大会选举支部委员会情况",
    "sections[].text": "该部分正文：到会、选票和当选情况",
    "closing_text": "结尾段：新一届委员会组成人员和“请予审批”",
}

"""Context builders of the documents made for one person: certificates and the three 承诺书."""

from __future__ import annotations

from .. import formatting
from ..model import parse_date
from .common import (
    BLANK_DATE,
    Election,
    Instance,
    Waiting,
    cdate,
    common_context,
    no_formal_candidates,
    year_month,
)


def _winners(e: Election):
    """(contest, post, name, round) of everyone elected, in post order then 姓氏笔画."""
    out = []
    for view, result in e.pairs():
        for post, names in result.elected.items():
            for name in e.sort(names):
                out.append((view, post, name, e.elected_round(result, post, name)))
    return out


def _name_suffix(e: Election, view, name: str, names_seen: dict[str, int]) -> str:
    """File-name suffix: the name, with the contest when the same name is elected twice."""
    if names_seen.get(name, 0) > 1 and e.multi:
        return f"{view.name}-{name}"
    return name


def certificates(e: Election) -> list[Instance]:
    winners = _winners(e)
    if not winners:
        if any(r.rounds for r in e.outcome.contests):
            raise Waiting("rounds[].votes", "计票结果中还没有当选人")
        raise Waiting("rounds[].votes", "尚无计票结果")
    counts: dict[str, int] = {}
    for _, _, name, _ in winners:
        counts[name] = counts.get(name, 0) + 1
    # County deputies get theirs from the county/district 选举委员会 that confirmed the result (results_issuer).
    issuer = e.settings.get("certificate_issuer") or (e.results_issuer if e.county_level else e.signatory)
    out = []
    for index, (view, post, name, rnd) in enumerate(winners):
        date = rnd.date if rnd and rnd.date else e.schedule.get("election_day")
        office = e.post_full(post, view)
        if e.kind == "deputy":
            text = f"在{cdate(date)}举行的{e.election_name}中，你由{view.name}选民依法选举，当选为{office}。"
            if e.county_level:
                text = text[:-1] + f"，经{e.results_issuer}确认当选有效。"
        else:
            text = f"在{cdate(date)}举行的{e.election_name}中，你当选为{office}。"
        ctx = common_context(e) | {
            "name": name,
            "post": post,
            "office": office,
            "text": text,
            "issuer": issuer,
            "date_text": cdate(e.schedule.get("results_published") or date),
            "number_text": certificate_number(e, index, date),
        }
        out.append(Instance(_name_suffix(e, view, name, counts), ctx))
    out += _plenary_certificates(e, issuer, len(out))
    return out


def _plenary_certificates(e: Election, issuer: str, first_index: int) -> list[Instance]:
    """公推直选: the 书记 and 副书记 the 委员会's first plenary elected (`Outcome.plenary`) get a certificate for that
    post too, numbered after the 党员大会's; the file is 07-当选证书-付建明-书记, since the same person also has one as
    委员."""
    result = e.outcome.plenary
    plenary = (e.data.get("gongtui") or {}).get("plenary") if e.kind == "party_branch" else None
    if result is None or not isinstance(plenary, dict):
        return []
    out = []
    index = first_index
    for post, names in result.elected.items():
        for name in e.sort(names):
            rnd = e.elected_round(result, post, name)
            date = (rnd.date if rnd and rnd.date else None) or plenary.get("date") or e.schedule.get("election_day")
            office = e.post_full(post)
            text = f"在{cdate(date)}召开的{e.unit_name}第一次全体会议上，你当选为{office}。"
            ctx = common_context(e) | {
                "name": name,
                "post": post,
                "office": office,
                "text": text,
                "issuer": issuer,
                "date_text": cdate(date),
                "number_text": certificate_number(e, index, date),
            }
            out.append(Instance(f"{name}-{post}", ctx))
            index += 1
    return out


def certificate_number(e: Election, index: int, date: str | None) -> str:
    """编号：柳选证〔2026〕3号 (documents.certificate_prefix), or 编号：第3号: the certificates of an election are
    numbered from documents.certificate_first_number (default 1) in the order they are made (post, then 姓氏笔画)."""
    n = (e.settings.get("certificate_first_number") or 1) + index
    prefix = e.settings.get("certificate_prefix")
    day = parse_date(date) if date else None
    if prefix and day is not None:
        return f"编号：{formatting.doc_number(prefix, day.year, n)}"
    return f"编号：第{n}号"


CERTIFICATE_VARIABLES = {
    "name": "当选人姓名",
    "post": "职位",
    "office": "当选的完整职务，如 阳光社区第十二届居民委员会主任",
    "text": "证书正文：选举日期、选举名称和当选职务",
    "issuer": "颁证机关（documents.certificate_issuer，未填时为落款单位）",
    "date_text": "颁证日期",
    "number_text": "证书编号，如 编号：柳选证〔2026〕3号（documents.certificate_prefix；未设时为 编号：第3号）",
}

# --------------------------------------------------------------------------------------------
# 候选人竞争承诺书
# --------------------------------------------------------------------------------------------


def _person(c: dict) -> str:
    parts = [p for p in (c.get("gender"), c.get("ethnicity")) if p]
    if c.get("birth"):
        parts.append(f"{year_month(c['birth'])}出生")
    if c.get("politics"):
        parts.append(c["politics"])
    return "，".join(parts)


def candidate_pledges(e: Election) -> list[Instance]:
    people = []
    for view in e.views:
        for _, c in view.formal_candidates():
            people.append((view, c))
    if not people:
        raise no_formal_candidates(e)
    order = {n: i for i, n in enumerate(e.sort([c["name"] for _, c in people]))}
    people.sort(key=lambda vc: (order[vc[1]["name"]], vc[1].get("post", "")))
    counts: dict[str, int] = {}
    for _, c in people:
        counts[c["name"]] = counts.get(c["name"], 0) + 1
    out = []
    for view, c in people:
        where = f"{view.name}" if e.multi and len(e.views) > 1 else ""
        about = _person(c)
        intro = (
            f"本人{c['name']}"
            + (f"，{about}" if about else "")
            + f"，是{e.election_name}{where}{c['post']}候选人。为维护选举的公平公正，本人郑重承诺："
        )
        party = e.kind == "party_branch"
        # Party documents speak Party language: no 竞争, and the Party's own rules before the law.
        rules = "党章党规、国家法律法规" if party else "法律法规"
        items = [
            f"一、遵守{rules}和选举工作各项规定，服从{e.committee_name}的组织安排。",
            "二、通过正当途径介绍本人情况和工作设想，不作脱离实际、无法兑现的承诺。",
            "三、不以请客送礼、发放钱物、许诺好处等方式拉票，不委托亲友代为拉票。",
            "四、不编造散布虚假信息，不诋毁其他候选人，不组织或煽动他人干扰选举。",
            f"五、不借助宗族、宗教或其他势力影响{e.voter_noun}，不妨碍{e.voter_noun}依法自由投票。",
            "六、尊重选举结果。当选后依法履职，落选后支持新一届班子开展工作。",
        ]
        consequence = "党组织按照有关规定作出的处理" if party else "取消候选人资格或确认当选无效等处理"
        closing = f"以上承诺接受{e.supervisors}监督。如有违反，本人自愿接受{consequence}。"
        ctx = common_context(e) | {
            "heading": "候选人承诺书" if party else "候选人竞争承诺书",
            "name": c["name"],
            "post": c["post"],
            "intro": intro,
            "items": items,
            "closing": closing,
            "date_text": BLANK_DATE,
        }
        suffix = f"{view.name}-{c['name']}" if counts[c["name"]] > 1 and e.multi else c["name"]
        if counts[c["name"]] > 1 and not e.multi:
            suffix = f"{c['name']}-{c['post']}"
        out.append(Instance(suffix, ctx))
    return out


PLEDGE_VARIABLES = {
    "heading": "标题",
    "name": "承诺人姓名",
    "intro": "导语：承诺人身份和承诺事由",
    "items": "承诺事项（列表，已编号 一、二、…）",
    "closing": "结语：监督方式和违诺后果",
    "date_text": "签署日期：留待手写的“　年　月　日”",
}

CANDIDATE_PLEDGE_VARIABLES = PLEDGE_VARIABLES | {"post": "参选职位"}

# --------------------------------------------------------------------------------------------
# 当选履职承诺书
# --------------------------------------------------------------------------------------------


def winner_pledges(e: Election) -> list[Instance]:
    winners = _winners(e)
    if not winners:
        raise Waiting("rounds[].votes", "尚无当选人")
    counts: dict[str, int] = {}
    for _, _, name, _ in winners:
        counts[name] = counts.get(name, 0) + 1
    assembly = e.assembly
    out = []
    for view, post, name, _ in winners:
        office = e.post_full(post, view)
        intro = f"本人{name}，在{e.election_name}中当选为{office}。任期内，本人郑重承诺："
        items = [
            "一、遵守宪法法律，坚持党的领导，依法依规履行职责。",
            "二、坚持公开办事，重大事项集体决定、按时公开。",
            "三、廉洁自律，不以权谋私，不违规处置集体资产。",
            "四、密切联系群众，帮助解决群众急难愁盼问题。",
            f"五、每年向{assembly}报告履职情况。",
        ]
        closing = "如违反以上承诺，本人自愿接受罢免或辞去职务。"
        ctx = common_context(e) | {
            "heading": "当选履职承诺书",
            "name": name,
            "post": post,
            "office": office,
            "intro": intro,
            "items": items,
            "goals_title": "本人任期内的主要履职目标：",
            "goal_lines": [f"{i}." + "＿" * 24 for i in (1, 2, 3)],
            "closing": closing,
            "date_text": BLANK_DATE,
        }
        out.append(Instance(_name_suffix(e, view, name, counts), ctx))
    return out


WINNER_PLEDGE_VARIABLES = PLEDGE_VARIABLES | {
    "post": "当选职位",
    "office": "当选的完整职务",
    "goals_title": "履职目标小标题",
    "goal_lines": "留待手写的履职目标横线（列表）；为空列表时模板省略这一段",
}

# --------------------------------------------------------------------------------------------
# 严肃换届纪律承诺书
# --------------------------------------------------------------------------------------------


def discipline_pledges(e: Election) -> list[Instance]:
    signers = list(dict.fromkeys(e.settings.get("discipline_signers") or []))
    if not signers:
        raise Waiting("documents.discipline_signers", "记录中没有列出签订纪律承诺书的人员")
    out = []
    for name in e.sort(signers):
        intro = f"本人{name}，参加{e.election_name}。为严肃换届纪律、保证换届风清气正，本人郑重承诺做到："
        items = [
            "一、严禁请客送礼、发放钱物、许诺好处拉票贿选；",
            "二、严禁借助宗族、宗教、家族或黑恶势力干扰选举；",
            f"三、严禁以暴力、威胁、欺骗等手段妨害{e.voter_noun}投票；",
            "四、严禁编造散布谣言、诬告陷害他人；",
            "五、严禁伪造、涂改、损毁选票或者虚报选举结果；",
            "六、严禁违反程序，擅自简化或变更法定选举步骤；",
            "七、严禁违规突击花钱、转移集体资金资产；",
            "八、严禁打击报复检举人、落选人和选举工作人员。",
        ]
        closing = "如有违反，本人自愿接受组织处理；构成违法的，依法承担法律责任。"
        ctx = common_context(e) | {
            "heading": "严肃换届纪律承诺书",
            "name": name,
            "intro": intro,
            "items": items,
            "closing": closing,
            "date_text": BLANK_DATE,
        }
        out.append(Instance(name, ctx))
    return out


DISCIPLINE_PLEDGE_VARIABLES = PLEDGE_VARIABLES

"""Context builders of the documents before the vote: 选举办法, 选举公告, 选民证 and 委托投票证."""

from __future__ import annotations

from typing import Any

from ..model import Contest, parse_date, voter_name
from ..outcome import labels
from ..profile import Threshold
from ..words import METHOD_TEXT, REPRESENTATIVES
from .common import Election, Instance, Waiting, cdate, common_context, numeral, split_title, titled

# Kinds that post notices to voters and hand out cards: a Party branch convenes its members instead.
_VOTERS_KINDS = ("village_committee", "residents_committee", "building_leader", "deputy")
_WEEKDAYS = "一二三四五六日"


def _cite(e: Election, article: str) -> str:
    """《…》第十八条; a practice named by the profile (省级选举办法) as it is; the law alone when unknown."""
    cite = e.profile.cite(article) if (article or "").strip() else e.law
    for ordinal in ("之一", "之二"):
        cite = cite.removesuffix(ordinal)
    return cite


def _seats_text(view: Contest) -> str:
    """主任1名、副主任1名、委员3名."""
    return "、".join(f"{post}{count}名" for post, count in view.seats.items())


def _split(threshold: Threshold) -> tuple[str, str]:
    """(超过, 半数) or (不少于, 三分之一)."""
    text = threshold.describe()
    verb = "不少于" if text.startswith("不少于") else "超过"
    return verb, text[len(verb) :]


def _elector(e: Election) -> str:
    """Who votes, in running text: 选民, 户代表, 居民代表, 党员."""
    return e.voter_noun


# --------------------------------------------------------------------------------------------
# The rules of the vote, shared by the 选举办法 and the 选举公告
# --------------------------------------------------------------------------------------------


def validity_lines(e: Election) -> list[str]:
    """When the vote is valid and who is elected, with the profile's thresholds and the articles they cite."""
    p = e.profile
    lab = labels(p, e.method)
    verb, share = _split(p.turnout.threshold(e.method))
    if p.turnout.measure == "present":
        turnout = f"到会有选举权的党员{verb}应到会人数的{share}，方可进行选举"
    else:
        measure = lab.measure if lab.measure.startswith("参加投票的") else f"参加投票的{_elector(e)}"
        turnout = f"{measure}{verb}{lab.base}的{share}，选举有效"
    wverb, wshare = _split(p.win.threshold(e.method))
    if p.win.base == "present":
        win = f"候选人获得的赞成票{wverb}实到会有选举权的党员的{wshare}，始得当选"
    else:
        measure = lab.measure if lab.measure.startswith("参加投票的") else f"参加投票的{_elector(e)}"
        win = f"候选人获得的选票{wverb}{measure}的{wshare}，始得当选"
    cites = "和".join(dict.fromkeys(_cite(e, a) for a in (p.turnout.article, p.win.article)))
    lines = [f"{turnout}；{win}（{cites}）。"]
    floor = p.runoff.floor
    fverb, fshare = _split(floor.threshold)
    base = "实到会有选举权的党员" if floor.base == "present" else "已投选票数"
    extra = p.runoff.extra_candidates
    candidates = "差额" if extra == "ratio" else f"比应选名额多{numeral(extra)}人"
    lines.append(
        "获得规定票数的当选人数少于应选名额时，不足的名额在本次选举大会上另行选举（不能当日进行的，另定日期）；"
        f"另行选举以未当选的候选人中得票多的为候选人，候选人数{candidates}，"
        f"以得票多的当选，但所得票数{'不得少于' if fverb == '不少于' else '须超过'}{base}的{fshare}"
        f"（{_cite(e, p.runoff.article)}）。"
    )
    lines.append(
        "获得规定票数的候选人多于应选名额时，以得票多的当选；票数相等不能确定当选人时，应当就票数相等的候选人再次投票，以得票多的当选。"
    )
    return lines


def voting_lines(e: Election) -> list[str]:
    """How votes are cast: secret writing booths, 代写, 委托 and 流动票箱, as the profile allows them."""
    p = e.profile
    procedure = e.data.get("procedure") or {}
    booths = procedure.get("writing_booths")
    booth = f"设立秘密写票处{booths}个" if booths else "设立秘密写票处"
    lines = [
        f"选举采用无记名投票的方式。投票会场{booth}，{_elector(e)}应当到秘密写票处填写选票，任何人不得看他人写票。"
    ]
    lines.append(_scribe_line(e))
    lines.append(proxy_rule(e))
    if p.mobile_box.allowed and (e.method or "") not in p.mobile_box.forbidden_methods:
        tellers = _box_tellers(e)
        lines.append(
            f"对因患病等原因行动不便或者居住分散并且交通不便的{_elector(e)}，可以设立流动票箱投票"
            f"{tellers}（{_cite(e, p.mobile_box.article)}）。"
        )
    return lines


def _count_word(n: int) -> str:
    """两名 rather than 二名 for a count of people."""
    return "两" if n == 2 else numeral(n)


def _box_tellers(e: Election) -> str:
    n = e.profile.mobile_box.min_tellers
    return f"，每个流动票箱由{_count_word(n)}名以上监票人员负责" if n else ""


def _scribe_line(e: Election) -> str:
    """代写: by someone the voter trusts; never a candidate (a Party member: a non-candidate, 条例第二十四条)."""
    who = "非候选人" if e.kind == "party_branch" else "其信任的人（候选人及其近亲属除外）"
    line = f"{_elector(e)}因文盲或者残疾等原因不能填写选票的，可以委托{who}按照本人的意志代写。"
    scribes = (e.data.get("procedure") or {}).get("scribes") or []
    if scribes:
        line += f"{e.committee_name}指定{'、'.join(e.sort(scribes))}为代写人。"
    return line


def proxy_allowed(e: Election) -> bool:
    return e.profile.proxy.allowed and (e.method or "") not in e.profile.proxy.forbidden_methods


def proxy_rule(e: Election) -> str:
    """The 委托投票 rule of the profile, in one sentence, with its article."""
    p = e.profile.proxy
    cite = _cite(e, p.article)
    if not p.allowed:
        if e.kind == "party_branch" or e.method == "party_meeting":
            return f"因故未出席会议的党员不能委托他人代为投票（{cite}）。"
        return f"本次选举不实行委托投票（{cite}）。"
    if (e.method or "") in p.forbidden_methods:
        return f"采取{METHOD_TEXT[e.method or 'all_voters']}方式的，不实行委托投票（{cite}）。"
    whom = "本村有选举权的近亲属" if p.relatives_only else "其他选民"
    if e.kind == "village_committee" and not p.relatives_only:
        whom = "本村有选举权的近亲属或者其他村民"
    elif e.kind == "residents_committee":
        whom = "本社区其他选民"
    consent = "经选举委员会同意，" if e.kind == "deputy" else ""
    parts = [f"选举期间外出不能参加投票的{_elector(e)}，{consent}可以书面委托{whom}代为投票"]
    if p.max_per_holder:
        parts.append(f"每一{_elector(e)}接受的委托不得超过{numeral(p.max_per_holder)}人")
    if not p.candidates_may_hold:
        parts.append("候选人不得接受委托投票")
    parts.append("受委托人应当按照委托人的意愿投票，不得再委托他人")
    return "，".join(parts) + f"（{cite}）。"


# --------------------------------------------------------------------------------------------
# 选举办法
# --------------------------------------------------------------------------------------------


def _method_line(e: Election, views: list[Contest]) -> str:
    body = e.body
    seats = "；".join((f"{v.name}" if e.multi and len(views) > 1 else "") + _seats_text(v) for v in views if v.seats)
    size = sum(v.total_seats for v in views)
    if e.kind == "party_branch":
        how = "由党员大会以无记名投票的方式选举产生"
    elif e.method == "household_representative":
        how = "采取每户派代表的方式，由户代表以无记名投票的方式选举产生"
    elif e.method == "resident_representative":
        how = "由居民代表以无记名投票的方式选举产生"
    else:
        how = f"由有选举权的{_elector(e)}以无记名投票的方式直接选举产生"
    head = f"本届{body}应选{size}名" if e.kind != "building_leader" else f"本次选举应选{body}{size}名"
    return f"{head}（{seats}），{how}。"


def _nomination_line(e: Election) -> str:
    if e.data.get("nomination") == "write_in":
        return "本次选举不提名候选人，由选举人在选票上直接填写所选的人；得票符合本办法规定的当选。"
    if e.kind == "party_branch":
        return (
            "候选人由支部委员会根据多数党员的意见确定，报上级党组织审查同意后，提交党员大会讨论；"
            "正式候选人按姓氏笔画为序列入选票。"
        )
    return f"候选人由{_elector(e)}依法提名；{e.procedures.split('、')[1]}结束后，正式候选人按{e.order_words}为序公布并列入选票。"


def _surplus_line(e: Election) -> str:
    s = e.profile.surplus
    cite = _cite(e, s.article)
    if s.rule == "more_than_seats":
        return f"实行差额选举，正式候选人人数应当多于应选名额（{cite}）。"
    if s.rule == "min_percent" and s.percent is not None:
        exempt = f"（{'、'.join(s.exempt_posts)}可以实行等额选举）" if s.exempt_posts else ""
        return f"实行差额选举，候选人数应当多于应选人数的百分之{numeral(int(s.percent))}{exempt}（{cite}）。"
    if s.rule == "ratio_range" and s.ratio is not None:
        low, high = s.ratio
        return f"实行差额选举，候选人数应当多于应选名额{low}至{high}倍（{cite}）。".replace("/", "分之")
    return "本次选举按规定确定候选人人数。"


def _register_line(e: Election) -> str:
    deadline = e.profile.deadlines.voter_list
    if e.kind == "party_branch":
        return "有选举权的党员名单由支部委员会审核确定，不计入应到会人数的党员须经上级党组织同意。"
    when = f"于选举日的{numeral(deadline.days)}日前" if deadline else "于选举日前"
    cite = f"（{_cite(e, deadline.article)}）" if deadline else ""
    objection = e.profile.objection
    tail = (
        f"对名单有不同意见的，可以自名单公布之日起{numeral(objection.days)}日内向选举委员会申诉，"
        f"选举委员会应当自收到申诉之日起{numeral(objection.decision_days)}日内作出处理决定"
        if objection
        else ""
    )
    noun = REPRESENTATIVES.get(e.method or "", "选民")
    tail = tail.replace("选举委员会", e.committee_name)
    return f"{noun}名单由{e.committee_name}登记，{when}公布{cite}" + (f"；{tail}。" if tail else "。")


def procedure(e: Election) -> list[Instance]:
    """选举办法: the procedure the meeting adopts. A 人大 election has none of its own: the 选举法 and the
    province's 实施细则 are its procedure, and the 选举委员会 adopts no 办法 per 选区."""
    if e.kind == "deputy":
        return []
    proc = e.data.get("procedure") or {}
    if not proc.get("adopted_by"):
        raise Waiting("procedure.adopted_by", "记录中没有通过选举办法的会议")
    views = [v for v in e.views if v.seats]
    unit = e.unit_short
    law = e.law
    articles = [
        f"为做好{e.election_name}工作，根据{law}和有关规定，结合{unit}实际，制定本办法。",
        f"本次选举由{e.committee_name}主持。{e.committee_name}负责组织{e.procedures}等工作。",
        _method_line(e, views),
        _register_line(e),
        _nomination_line(e),
        _surplus_line(e),
        *voting_lines(e),
        "投票结束后，由监票人、计票人当众开箱，清点选票，公开唱票、计票，当场公布选举结果。"
        + _reconcile(e)
        + "每张选票所选人数等于或者少于应选名额的有效，多于应选名额的作废。",
        *validity_lines(e),
        f"本办法经{proc['adopted_by']}通过后施行，由{e.committee_name}负责解释。",
    ]
    adopted = cdate(proc.get("adopted_on"), blank="　　年　　月　　日")
    ctx = common_context(e) | {
        "title_lines": split_title(titled(e.election_name, "选举办法")),
        "adopted_text": f"（{adopted}{proc['adopted_by']}通过）",
        "articles": [f"第{numeral(i + 1)}条　{text}" for i, text in enumerate(articles)],
        "date_text": cdate(proc.get("adopted_on")),
    }
    return [Instance("", ctx)]


def _reconcile(e: Election) -> str:
    rule = e.profile.reconciliation.rule
    than = {
        "returned_le_issued": "发出的选票",
        "returned_le_participants": "投票人数",
        "returned_le_present": "到会人数",
    }
    return f"收回的选票多于{than[rule]}的，选举无效；等于或者少于的，选举有效。"


PROCEDURE_VARIABLES = {
    "adopted_text": "标题下的通过说明，如 （2026年3月10日柳林村村民代表会议通过）",
    "articles": "各条（列表），已编号：第一条　……",
}

# --------------------------------------------------------------------------------------------
# 选举公告（选举日公告）
# --------------------------------------------------------------------------------------------


def _day(value) -> str:
    day = parse_date(value)
    if day is None:
        return ""
    return f"{cdate(day)}（星期{_WEEKDAYS[day.weekday()]}）"


def _time_lines(e: Election) -> list[str]:
    sched = e.schedule
    polling = e.data.get("polling") or {}
    sessions = polling.get("sessions") or []
    day = _day(sched.get("election_day"))
    if sessions:
        by_day: dict[str, list[str]] = {}
        for s in sessions:
            when = _day(s.get("date")) or day
            text = s["time"] + (f"（{s['note']}）" if s.get("note") else "")
            by_day.setdefault(when, []).append(text)
        count = len(sessions)
        days = "；".join(f"{when}{'、'.join(times)}" for when, times in by_day.items())
        return [f"投票分{count}场进行：{days}。请{_elector(e)}按通知的场次到场投票。"]
    return [f"选举日定于{day}，投票时间为{polling['time']}。"]


def _place_lines(e: Election) -> list[str]:
    polling = e.data.get("polling") or {}
    stations = polling.get("stations") or []
    lines = []
    place = e.place
    own = {e.place_of(v) for v in e.views}
    if len(e.views) > 1 and len(own) > 1:
        places = [f"{v.name}在{e.place_of(v)}" for v in e.views if e.place_of(v)]
        if places:
            lines.append("投票地点：" + "；".join(places) + "。")
    elif len(e.views) > 1 and own and next(iter(own)):
        lines.append(f"中心投票会场设在{next(iter(own))}。")
    elif place:
        lines.append(f"中心投票会场设在{place}。")
    if stations:
        lines.append(f"另设投票站{len(stations)}个：")
        for s in stations:
            text = s["name"]
            if s.get("place"):
                text += f"，设在{s['place']}"
            if s.get("covers"):
                text += f"，{s['covers']}的{_elector(e)}在本站投票"
            if s.get("time"):
                text += f"，投票时间为{s['time']}"
            lines.append(text + "。")
    boxes = polling.get("mobile_boxes") or []
    if boxes:
        listed = "；".join(b["name"] + (f"，服务{b['covers']}" if b.get("covers") else "") for b in boxes)
        lines.append(
            f"设流动票箱{len(boxes)}个（{listed}），为因患病等原因行动不便或者居住分散并且交通不便的"
            f"{_elector(e)}上门接受投票" + _box_tellers(e) + "。"
        )
    if not lines:
        lines.append("投票地点另行通知。")
    return lines


def _bring(e: Election) -> str:
    polling = e.data.get("polling") or {}
    bring = polling.get("bring") or [_card_word(e)]
    return "、".join(bring)


def _card_word(e: Election) -> str:
    """选民证, or 参选证 where a household or a representative votes."""
    return "参选证" if e.method in REPRESENTATIVES else "选民证"


def election_notice(e: Election) -> list[Instance]:
    """选举公告: when, where and how to vote. A Party branch convenes its 党员大会 by notice to the members."""
    if e.kind not in _VOTERS_KINDS:
        return []
    sched = e.schedule
    if not sched.get("election_day"):
        raise Waiting("schedule.election_day", "记录中没有选举日")
    polling = e.data.get("polling") or {}
    stations = polling.get("stations") or []
    if not (polling.get("time") or polling.get("sessions") or any(s.get("time") for s in stations)):
        raise Waiting("polling.time", "记录中没有投票时间")
    if not polling.get("time") and not polling.get("sessions"):
        time_lines = [f"选举日定于{_day(sched['election_day'])}，各投票站的投票时间见下条。"]
    else:
        time_lines = _time_lines(e)
    views = [v for v in e.views if v.seats]
    seats = "；".join((f"{v.name}" if e.multi and len(views) > 1 else "") + _seats_text(v) for v in views)
    formal = sched.get("candidates_published")
    seat_line = f"本次选举应选{seats}。" + (
        f"正式候选人名单已于{cdate(formal)}公布。" if formal else "正式候选人名单另行公布。"
    )
    bring = _bring(e)
    how = [
        f"{_elector(e)}凭{bring}领取选票，在秘密写票处填写选票后投入票箱；遗失{_card_word(e)}的，"
        f"请于选举日前到{e.committee_name}补办。",
        _scribe_line(e),
        proxy_rule(e),
    ]
    deadline = (e.data.get("polling") or {}).get("proxy_deadline")
    if proxy_allowed(e) and deadline:
        how.append(f"办理委托投票的，请委托人于{cdate(deadline)}前到{e.committee_name}填写委托投票证。")
    sections: list[dict[str, Any]] = [
        {"heading": "一、选举日期和投票时间", "lines": time_lines},
        {"heading": "二、投票地点", "lines": _place_lines(e)},
        {"heading": "三、应选名额", "lines": [seat_line]},
        {"heading": "四、投票办法", "lines": how},
        {"heading": "五、选举有效和当选", "lines": validity_lines(e)[:1]},
    ]
    for i, section in enumerate(sections):
        section["last"] = i == len(sections) - 1
    intro = f"根据{e.law}和有关规定，经{e.committee_name}研究决定，现将{e.election_name}的有关事项公告如下："
    ctx = common_context(e) | {
        "title_lines": split_title(titled(e.election_name, "选举公告")),
        "doc_number": "",
        "intro": intro,
        "sections": sections,
        "date_text": e.date("election_notice_published"),
        "signatory": e.committee_name,
    }
    return [Instance("", ctx)]


ELECTION_NOTICE_VARIABLES = {
    "intro": "导语",
    "sections": "各部分（列表），每项：",
    "sections[].heading": "一级标题，如 一、选举日期和投票时间",
    "sections[].lines": "该部分各段（列表）",
    "sections[].last": "是否最后一部分（其最后一段与特此公告、落款同页）",
}

# --------------------------------------------------------------------------------------------
# 选民证
# --------------------------------------------------------------------------------------------

CARDS_PER_ROW = 2


def roll(e: Election) -> list[tuple[Contest, str, str]]:
    """(contest, group, voter name) of every voter of the roll, in the record's order."""
    out = []
    for view in e.views:
        for group in view.electorate.get("groups") or []:
            for entry in group.get("voters") or []:
                name = voter_name(entry)
                if name:
                    out.append((view, str(group.get("name") or ""), name))
    return out


def _number(prefix: str, n: int, width: int) -> str:
    return f"{prefix or '第'}{n:0{width}d}号"


def voter_cards(e: Election) -> list[Instance]:
    """选民证: one card per voter of the roll, eight to an A4 sheet, to be cut along the dashed lines."""
    if e.kind not in _VOTERS_KINDS:
        return []
    voters = roll(e)
    if not voters:
        raise Waiting("electorate.groups[].voters", "记录中没有选民名单，无法逐人制作选民证")
    prefix = e.settings.get("voter_card_prefix") or ""
    width = max(4, len(str(len(voters))))
    date = cdate(e.schedule.get("election_day"), blank="　　年　　月　　日")
    word = "　".join(_card_word(e))
    cards = []
    for n, (view, group, name) in enumerate(voters, start=1):
        where = f"{view.name}　{group}" if e.multi and len(e.views) > 1 else group
        cards.append({"number": _number(prefix, n, width), "name": name, "group": where})
    if len(cards) % CARDS_PER_ROW:
        cards.append({"number": "", "name": "", "group": ""})  # a spare card, filled in by hand
    rows = [{"left": cards[i], "right": cards[i + 1]} for i in range(0, len(cards), CARDS_PER_ROW)]
    ctx = common_context(e) | {
        "card_title": word,
        "election_date": date,
        "seal": f"{e.committee_name}（盖章）",
        "rows": rows,
        "count": len(voters),
        "date_text": date,
    }
    return [Instance("", ctx)]


VOTER_CARD_VARIABLES = {
    "card_title": "证件名称，如 选　民　证（户代表、居民代表选举为 参　选　证）",
    "election_date": "选举日期，如 2026年4月18日",
    "seal": "盖章处，如 柳林村村民选举委员会（盖章）",
    "count": "选民证张数",
    "rows": "卡片行（列表，每行两张），每项 left、right 各为一张：",
    "rows[].left.number": "选民证编号，如 柳选证0001号（documents.voter_card_prefix 为代字）；补足一行的空白证为空",
    "rows[].left.name": "选民姓名",
    "rows[].left.group": "所在小组（多场次记录为 场次　小组）",
    "rows[].left": "左边一张",
    "rows[].right": "右边一张（与 left 相同的 number、name、group）",
    "rows[].right.number": "选民证编号",
    "rows[].right.name": "选民姓名",
    "rows[].right.group": "所在小组",
}

# --------------------------------------------------------------------------------------------
# 委托投票证（委托书）
# --------------------------------------------------------------------------------------------


def _proxy_posts(e: Election, view: Contest, rnd: dict) -> str:
    posts = rnd.get("posts") or list(view.seats)
    return "、".join(posts)


def proxies(e: Election) -> list[Instance]:
    """委托投票证: one page per 委托人 and 受委托人 listed in `rounds[].proxies`, for the first round that lists them."""
    if not proxy_allowed(e):
        return []
    p = e.profile.proxy
    entries = []
    seen: set[tuple[str, str, str]] = set()
    for view in e.views:
        for rnd in view.rounds:
            for item in rnd.get("proxies") or []:
                for principal in item.get("principals") or []:
                    key = (view.name, principal, item["holder"])
                    if key in seen:
                        continue
                    seen.add(key)
                    entries.append((view, rnd, item, principal))
    if not entries:
        return []
    day = e.schedule.get("election_day")
    cards = []
    for view, rnd, item, principal in entries:
        when = rnd.get("date") or day
        relation = item.get("relation") or ""
        where = f"{view.name}" if e.multi and len(e.views) > 1 else ""
        text = (
            f"本人{principal}因选举期间外出，不能参加{cdate(when, blank='　　年　　月　　日')}"
            f"{where}{e.election_name}的投票，现书面委托{relation}{item['holder']}代为投票。"
        )
        cards.append(
            {
                "principal": principal,
                "holder": item["holder"],
                "relation": relation or "　　　　",
                "posts": _proxy_posts(e, view, rnd),
                "text": text,
            }
        )
    rules = [proxy_rule(e)]
    if p.max_per_holder:
        rules.append(f"受委托人凭本证和委托人的{_card_word(e)}领取选票；本证一式两份，选举委员会留存一份。")
    ctx = common_context(e) | {
        "title_lines": split_title(["委托投票证"]),
        "proxies": cards,
        "rules": rules,
        "consent": "经审核，同意委托。",
        "seal": f"{e.committee_name}（盖章）",
        "date_text": "　　　　年　　月　　日",
        "count": len(cards),
    }
    return [Instance("", ctx)]


PROXY_VARIABLES = {
    "proxies": "委托（列表，每项一页）：",
    "proxies[].principal": "委托人姓名",
    "proxies[].holder": "受委托人姓名",
    "proxies[].relation": "与委托人关系（rounds[].proxies[].relation；未填时留空待填）",
    "proxies[].posts": "委托投票的职位，如 主任、副主任、委员",
    "proxies[].text": "委托事由和内容",
    "rules": "委托投票的规定（列表）：每人接受委托的上限、候选人不得接受委托、近亲属等，引用规定条款",
    "consent": "选举委员会审核意见，如 经审核，同意委托。",
    "seal": "盖章处，如 柳林村村民选举委员会（盖章）",
    "count": "委托份数",
}

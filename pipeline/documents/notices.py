"""Context builders of the posted notices: committee, voter roll, candidate lists, results, a void vote."""

from __future__ import annotations

import math

from .. import formatting
from ..model import Contest
from ..outcome import ContestOutcome, PostResult, RoundFailure, RoundResult, rerun_text
from ..words import REPRESENTATIVES, RERUN_ACTIONS, ROUND_ACTIONS, ROUND_NAMES
from .common import (
    Election,
    Instance,
    Waiting,
    approved_words,
    cdate,
    common_context,
    heading_number,
    no_formal_candidates,
    numeral,
    or_dash,
    split_title,
    tight,
    titled,
    year_month,
)
from .deputy import preselected, preselection_notes, preselection_wording

# --------------------------------------------------------------------------------------------
# 选举委员会成员公告
# --------------------------------------------------------------------------------------------


def _pad_role(role: str) -> str:
    """主任 → 主　任 so two- and three-character roles line up."""
    return "　".join(role) if len(role) == 2 else role


def committee(e: Election) -> list[Instance]:
    c = e.committee
    if not c.get("chair") and not c.get("members"):
        raise Waiting("committee.chair、committee.members", "记录中还没有选举委员会成员")
    group = e.committee_name.endswith("小组")
    chair_role, vice_role, member_role = ("组长", "副组长", "成员") if group else ("主任", "副主任", "委员")
    roles = []
    if c.get("chair"):
        roles.append({"role": _pad_role(chair_role), "names": c["chair"]})
    if c.get("vice_chairs"):
        roles.append({"role": _pad_role(vice_role), "names": "　".join(e.sort(c["vice_chairs"]))})
    if c.get("members"):
        members = e.sort(c["members"])
        roles.append({"role": _pad_role(member_role), "names": "　".join(members)})
    count = (1 if c.get("chair") else 0) + len(c.get("vice_chairs") or []) + len(c.get("members") or [])
    # The order is said in the intro, not after the names, where "（按姓氏笔画为序）" wrapped and left "序）"
    # alone at the start of a line (review 2026-12 §2, 01).
    order = f"（{member_role}按{e.order_words}为序）" if len(c.get("members") or []) > 1 else ""
    intro = f"根据{e.law}和有关规定，{_formed(e)}，{e.committee_name}由以下{count}名成员组成{order}。现予公告："
    duties = [
        f"{e.committee_name}负责主持{e.election_name}工作，{'按照规定' if e.kind == 'party_branch' else '依法'}组织{e.procedures}等事项。"
    ]
    if e.kind == "deputy":
        duties.append(f"{e.committee_name}的组成人员被提名为代表候选人的，应当辞去选举委员会的职务。")
    elif e.profile.committee_withdraws:
        duties.append(f"{e.committee_name}成员被提名为候选人的，应当退出{e.committee_name}，所缺名额依照规定递补。")
    contact = e.settings.get("contact")
    # Only a committee chosen by the voters (村/居/楼栋) invites objections to its members: a 人大 选举委员会 is
    # appointed by the 县级人大常委会 (选举法第十条), a Party 工作小组 is set up by the branch with the higher
    # organisation's approval.
    if e.kind in ("village_committee", "residents_committee", "building_leader"):
        duties.append(
            "对以上成员有不同意见的，可以自本公告发布之日起五日内向"
            f"{_committee_issuer(e)}反映" + (f"，联系电话：{contact}。" if contact else "。")
        )
    elif contact:
        duties.append(f"联系电话：{contact}。")
    date_raw = e.raw_date("committee_published") if (e.schedule.get("committee_published")) else c.get("formed_on")
    date_text = (
        e.date("committee_published")
        if e.schedule.get("committee_published")
        else cdate(c.get("formed_on") or e.settings.get("issue_date"))
    )
    ctx = common_context(e) | {
        "title_lines": split_title([e.committee_name, "成员名单公告"]),
        "doc_number": e.doc_number("committee", date_raw),
        "intro": intro,
        "roles": roles,
        "duties": duties,
        "date_text": date_text,
        "signatory": _committee_issuer(e),
    }
    return [Instance("", ctx)]


def _formed(e: Election) -> str:
    """How the committee came to be: appointed (人大), set up (党支部) or chosen (村/居/楼栋), with its date."""
    c = e.committee
    if e.kind == "deputy":
        given = c.get("formed_by") or ""
        how = f"经{given}" if "任命" in given else f"经{e.county}人民代表大会常务委员会任命"
    elif e.kind == "party_branch":
        how = f"经{c['formed_by']}" if c.get("formed_by") else "经支部委员会研究并报上级党组织同意"
    else:
        how = f"经{c['formed_by']}" if c.get("formed_by") else "经推选"
    return f"{cdate(c['formed_on'])}，{how}" if c.get("formed_on") else how


def _counted_by(e: Election) -> str:
    """Whose count a results notice cites: a 党支部's votes are counted by 计票人 under the 监票人."""
    if e.kind == "party_branch":
        return ""
    return f"{e.committee_name}的"


def _committee_issuer(e: Election) -> str:
    """村/居 committees are announced by the outgoing 村（居）民委员会; others by the signatory."""
    if e.kind in ("village_committee", "residents_committee", "building_leader"):
        return e.unit_name or e.signatory
    return e.signatory


COMMITTEE_VARIABLES = {
    "intro": "导语：依据、推选方式和日期、成员人数",
    "roles": "按职务分列的成员（列表），每项：",
    "roles[].role": "职务，如 主　任、副主任、委　员（两字职务中间加全角空格以便对齐）",
    "roles[].names": "该职务的成员姓名，以全角空格分隔；委员多于一人时按姓氏笔画为序（导语中注明）",
    "duties": "正文各段（列表）：职责、候选人退出规定、异议渠道和联系电话",
}

# --------------------------------------------------------------------------------------------
# 选民名单公告
# --------------------------------------------------------------------------------------------


def _posted(e: Election, build) -> list[Instance]:
    """`build(e)`, or one notice per 选区 where the law posts them so (`Election.posted_per_contest`): each
    titled with its 选区, numbered apart, with its own 投票地点, in a file named after it."""
    if not e.posted_per_contest:
        return build(e)
    out = []
    for view, one in e.per_contest():
        try:
            instances = build(one)
        except Waiting:
            continue
        for instance in instances:
            ctx = dict(instance.context)
            title = "".join(ctx.get("title_lines") or [])
            if title.startswith(e.election_name):
                rest = title[len(e.election_name) :]
                # `titled` dropped the 选举 of 选举结果公告 after “…选举”; after the 选区's name it is needed again.
                rest = "选举结果公告" if rest == "结果公告" else rest
                ctx["title_lines"] = split_title([e.election_name + view.name, rest])
            suffix = "-".join(p for p in (view.name, instance.suffix) if p)
            out.append(Instance(suffix, ctx, instance.title))
    return out or build(e)


def _places(e: Election) -> str:
    """ "，投票地点为…" for one place; each contest's own place when the contests vote in different places."""
    places = {view.name: e.place_of(view) for view in e.views}
    if len(e.views) > 1 and len(set(places.values())) > 1:
        return "，投票地点：" + "；".join(f"{name}为{place}" for name, place in places.items() if place)
    place = e.place
    return f"，投票地点为{place}" if place else ""


ROLL_COLUMNS = 5  # names per line (tab stops of 公文-名单 at fifths of the line)
ROLL_SLOT = 5  # characters that fit one column at 三号


def roll_lines(names: list[str], columns: int = ROLL_COLUMNS, slot: int = ROLL_SLOT) -> list[str]:
    """Names joined by tabs, `columns` to a line; a long name takes as many columns as it needs."""
    lines: list[str] = []
    current: list[str] = []
    used = 0
    for name in names:
        need = max(1, -(-(len(name) + 1) // (slot + 1)))
        if current and used + need > columns:
            lines.append("\t".join(current))
            current, used = [], 0
        current.append(name)
        used += need
    if current:
        lines.append("\t".join(current))
    return lines


PAGE_LINES = 22  # lines of the GB/T 9704 grid on a page (28.95 pt each)
TITLE_LINE_PT = 36.0  # a 2号 title line, off the grid
GRID_PT = 28.95
LINE_CHARS = 28  # characters of 三号 on a body line


def _first_free(title_lines: int, numbered: bool, intro: str) -> int:
    """Grid lines left on page 1 after the title, 文号, blank line and intro, one line of safety off.

    Every character of the intro counts as a full one (digits are narrower), so the estimate errs on the
    side of fewer lines: the page then ends a line early instead of breaking before our page break."""
    used = math.ceil(title_lines * TITLE_LINE_PT / GRID_PT) + (1 if numbered else 0) + 1
    used += math.ceil((len(intro) + 2) / LINE_CHARS)
    return PAGE_LINES - used - 1


def roll_parts(groups: list[dict], free: int, page: int = PAGE_LINES) -> None:
    """Cuts each group's `lines` into `parts`, one per page it covers: each part is {heading, lines,
    break_before}; a part on a continuation page starts a new page under "<group>（续）", so every page of a
    long roll says which group it lists. `free` is the number of lines left on the page the roll starts on.
    The roll's lines are one grid line each (公文-名单), so the pages are counted, not guessed, after page 1."""
    for group in groups:
        lines = list(group["lines"])
        parts = []
        heading, brk = group["heading"], False
        if free < 3:  # a heading and two lines at least, else the group starts on the next page
            brk, free = True, page
        while True:
            room = max(1, free - 1)
            take, lines = lines[:room], lines[room:]
            parts.append({"heading": heading, "lines": take, "break_before": brk})
            free -= 1 + len(take)
            if not lines:
                break
            heading, brk, free = f"{group['name']}（续）", True, page
        group["parts"] = parts


def voters(e: Election) -> list[Instance]:
    return _posted(e, _voters)


def _voters(e: Election) -> list[Instance]:
    registered = [v.registered for v in e.views if v.registered is not None]
    if len(registered) < len(e.views) or not registered:
        raise Waiting("electorate.registered", "记录中还没有登记选民数")
    if not e.schedule.get("election_day"):
        raise Waiting("schedule.election_day", "记录中还没有选举日")
    noun, unit = e.elector
    total = sum(registered)
    women = [v.electorate["women"] for v in e.views if v.electorate.get("women") is not None]
    women_text = (
        f"（其中女性{sum(women)}{unit}）"
        if len(women) == len(e.views) and e.method != "household_representative"
        else ""
    )
    parts = ""
    if e.multi and len(e.views) > 1:
        parts = "，其中" + "、".join(f"{v.name}{v.registered}{unit}" for v in e.views)
    groups: list[dict] = []
    for view in e.views:
        for group in view.electorate.get("groups") or []:
            # Names only: a roll imported from a sheet also holds ID numbers and addresses, never posted.
            names = e.sort([v["name"] if isinstance(v, dict) else v for v in group.get("voters") or []])
            prefix = f"{view.name}　" if e.multi and len(e.views) > 1 else ""
            groups.append(
                {
                    "name": f"{prefix}{group['name']}",
                    "count": f"{len(names)}{unit}",
                    "heading": f"{prefix}{group['name']}（{len(names)}{unit}）",
                    "lines": roll_lines(names),
                }
            )
    listed = sum(len(g.get("voters") or []) for v in e.views for g in v.electorate.get("groups") or [])
    if groups:
        tail = f"现将名单按{'小组' if e.kind != 'party_branch' else '党小组'}公告如下（组内以{e.order_words}为序）："
    else:
        tail = "名单已在本单位公开张贴，欢迎查阅。"
    intro = (
        f"根据{e.law}和有关规定，{e.election_name}定于{e.date('election_day')}举行。"
        f"经登记和审核，本次选举共登记{noun}{total}{unit}{women_text}{parts}。{tail}"
    )
    notes = []
    for view in e.views:
        excluded = view.electorate.get("excluded")
        if excluded:
            reason = (view.electorate.get("excluded_reason") or "").rstrip("。")
            notes.append(
                f"另有{excluded}名党员：{reason}。" if reason else f"另有{excluded}名党员经批准不计入应到会人数。"
            )
    if groups and listed != total and e.kind != "party_branch":
        notes.append(f"以上名单列出{listed}{unit}，其余{noun}名单在各小组张贴公布。")
    if e.kind in ("village_committee", "residents_committee", "deputy"):
        notes.append(
            "对公布的名单有不同意见的，可以自名单公布之日起五日内向选举委员会提出申诉，"
            "选举委员会应当自收到申诉之日起三日内作出处理决定。"
            + (
                # 选举法（2020年修正）第二十九条第二款.
                "申诉人对处理决定不服的，可以在选举日的五日以前向人民法院起诉，人民法院应当在选举日以前作出判决，"
                "人民法院的判决为最后决定。"
                if e.kind == "deputy"
                else ""
            )
        )
    notes.append(f"选举日为{e.date('election_day')}{_places(e)}。请{noun}按时参加投票。")
    title_noun = (
        "党员名单公告" if e.kind == "party_branch" else f"{REPRESENTATIVES.get(e.method or '', '选民')}名单公告"
    )
    date_raw = e.raw_date("voter_list_published")
    doc_number = e.doc_number("voters", date_raw)
    base = common_context(e) | {
        "doc_number": doc_number,
        "notes": notes,
        "date_text": e.date("voter_list_published"),
        "signatory": e.signatory,
    }
    if groups and e.settings.get("voter_list") == "per_group":
        # One notice per group, posted in that group: the same notice (one 文号) cut into the groups' parts.
        out = []
        for group in groups:
            title_lines = split_title([e.election_name, group["name"] + title_noun])
            one = intro.replace(tail, f"现将{group['name']}名单（{group['count']}）公告如下（以{e.order_words}为序）：")
            roll_parts([group], _first_free(len(title_lines), bool(doc_number), one))
            out.append(Instance(group["name"], base | {"title_lines": title_lines, "intro": one, "groups": [group]}))
        return out
    title_lines = split_title([e.election_name, title_noun])
    roll_parts(groups, _first_free(len(title_lines), bool(doc_number), intro))
    return [Instance("", base | {"title_lines": title_lines, "intro": intro, "groups": groups})]


VOTERS_VARIABLES = {
    "intro": "导语：选举日、登记人数（按场次分列）、名单排列方式",
    "groups": "按小组分列的名单（列表；记录中没有 electorate.groups 时为空），每项：",
    "groups[].heading": "小组标题，如 第一党小组（16人）",
    "groups[].name": "小组名称，如 第一村民小组",
    "groups[].count": "该组人数，如 500人",
    "groups[].lines": "该组名单的各行（列表），按姓氏笔画为序，每行5个姓名，以制表符分隔（模板中“公文-名单”样式的制表位对齐成列）",
    "groups[].parts": "该组名单按页分段（列表），每项：",
    "groups[].parts[].heading": "本段标题：第一段为小组标题，续页上为“第一村民小组（续）”",
    "groups[].parts[].lines": "本段（一页内）的名单各行",
    "groups[].parts[].break_before": "本段是否从新的一页开始（续页为真）",
    "notes": "名单后的各段（列表）：不计入人数、申诉期限、选举日和投票地点",
}

# --------------------------------------------------------------------------------------------
# 候选人名单公告（初步 / 正式）
# --------------------------------------------------------------------------------------------


def _nouns(e: Election, formal: bool) -> tuple[str, str]:
    """(title noun, noun in headings) for the initial or formal list."""
    if e.kind == "party_branch":
        return ("候选人预备人选", "预备人选") if formal else ("候选人初步人选", "初步人选")
    if e.kind == "deputy":
        return ("正式代表候选人", "正式代表候选人") if formal else ("初步代表候选人", "初步代表候选人")
    return ("正式候选人", "正式候选人") if formal else ("初步候选人", "初步候选人")


def _difference(seats: int, count: int) -> str:
    if count > seats:
        return f"差额{count - seats}名"
    if count == seats:
        return "等额"
    return f"少于应选名额{seats - count}名"


def _candidate_row(e: Election, c: dict, formal: bool = True) -> dict:
    nominated = or_dash(c.get("nominated_by"))
    if not formal and c.get("nomination_votes") is not None:
        nominated += f"（{c['nomination_votes']}票）"
    if not formal and c.get("cosigners") is not None:
        nominated += f"（{c['cosigners']}人联名）"
    return {
        "name": c["name"],
        "gender": or_dash(c.get("gender")),
        "ethnicity": or_dash(c.get("ethnicity")),
        "birth": year_month(c.get("birth")),
        "education": or_dash(c.get("education")),
        # A Party list shows 入党时间 (`_joined_column`): 政治面貌 would say 中共党员 for everyone.
        "politics": year_month(c.get("joined_party")) if _joined_column(e) else or_dash(c.get("politics")),
        "workplace": or_dash(c.get("workplace")),
        "nominated_by": nominated,
        "post": c.get("post", ""),
    }


def _joined_column(e: Election) -> bool:
    """A Party list whose record gives 入党时间 (candidates[].joined_party) shows it instead of 政治面貌."""
    return e.kind == "party_branch" and any(c.get("joined_party") for v in e.views for c in v.candidates)


def _by_votes(e: Election, formal: bool, people: list[dict]) -> bool:
    """A formal list ordered by votes: the profile says so (list_order: votes) and every candidate has a count."""
    return (
        formal
        and e.profile.list_order == "votes"
        and bool(people)
        and all(c.get("nomination_votes") is not None for c in people)
    )


def _candidate_list(e: Election, formal: bool) -> list[Instance]:
    if not any(view.seats for view in e.views):
        raise Waiting("seats", "记录中还没有职位及应选名额")
    title_noun, noun = _nouns(e, formal)
    contests_ctx: list[dict[str, object]] = []
    totals = []  # (post, seats, count)
    for _ci, view in enumerate(e.views):
        posts: list[dict[str, object]] = []
        for _pi, (post, seats) in enumerate(view.seats.items()):
            if formal:
                people = [c for _, c in view.formal_candidates(post)]
            else:
                people = [c for c in view.candidates if c.get("post") == post]
            if not people:
                continue
            by_name = {c["name"]: c for c in people}
            ordered = [by_name[n] for n in e.sort(list(by_name))]
            if _by_votes(e, formal, people):
                # 按得票多少的顺序张榜公布 (the province's rule); equal counts keep 姓氏笔画 order.
                ordered.sort(key=lambda c: -int(c["nomination_votes"]))
            ordered = preselected(view, ordered, formal)  # 经过预选的，按得票多少的顺序排列
            level = e.post_level
            extra = f"，{_difference(seats, len(ordered))}" if formal else ""
            posts.append(
                {
                    "level": level,
                    "heading": f"{heading_number(level, len(posts) + 1)}{post}（应选{seats}名，{noun}{len(ordered)}名{extra}）",
                    "post": post,
                    "seats": seats,
                    "count": len(ordered),
                    "difference": _difference(seats, len(ordered)),
                    "candidates": [_candidate_row(e, c, formal) for c in ordered],
                }
            )
            totals.append((post, seats, len(ordered)))
        if posts:
            contests_ctx.append(
                {"heading": e.contest_heading(len(contests_ctx), view), "name": view.name, "posts": posts}
            )
    if not contests_ctx:
        if formal:
            raise no_formal_candidates(e)
        raise Waiting("candidates", "记录中还没有候选人")
    seats_total = sum(s for _, s, _ in totals)
    count_total = sum(n for _, _, n in totals)
    voted = formal and all(
        _by_votes(e, formal, [c for _, c in view.formal_candidates()]) for view in e.views if view.candidates
    )
    order = f"按得票多少为序，得票相等的以{e.order_words}为序" if voted else f"以{e.order_words}为序"
    if formal:
        verb = "经审查、酝酿和协商" if e.kind != "party_branch" else approved_words(e)
        verb, order = preselection_wording(e, verb, order)
        intro = (
            f"根据{e.law}和有关规定，{verb}，{e.election_name}{title_noun}已经确定。"
            f"现将{title_noun}名单及基本情况公告如下（{order}）："
        )
    else:
        intro = (
            f"根据{e.law}和有关规定，经依法提名推荐，{e.election_name}{title_noun}已经产生。"
            f"现将{title_noun}名单及基本情况公告如下（以{e.order_words}为序）："
        )
    notes = []
    if formal:
        equal = [p for p, s, n in totals if n == s]
        short = [p for p, s, n in totals if n < s]
        if count_total > seats_total and not equal and not short:
            notes.append(
                f"本次选举应选{seats_total}名，{noun}{count_total}名，多于应选名额{count_total - seats_total}名，"
                "实行差额选举。"
            )
        else:
            text = f"本次选举应选{seats_total}名，{noun}{count_total}名"
            if equal:
                text += f"；其中{'、'.join(dict.fromkeys(equal))}实行等额选举"
            if short:
                text += f"；{'、'.join(dict.fromkeys(short))}候选人少于应选名额"
            notes.append(text + "。")
        notes.extend(preselection_notes(e))
        where = _places(e)
        notes.append(f"选举日为{e.date('election_day')}{where}。")
        slot, date_key = "candidates_formal", "candidates_published"
    else:
        notes.append(f"对以上人选有不同意见的，可以在公告期间向{e.committee_name}反映。")
        slot, date_key = "candidates_initial", "initial_candidates_published"
    date_raw = e.raw_date(date_key)
    ctx = common_context(e) | {
        "title_lines": split_title([e.election_name, f"{title_noun}名单公告"]),
        "doc_number": e.doc_number(slot, date_raw),
        "list_stage": "正式" if formal else "初步",
        "politics_header": "入党时间" if _joined_column(e) else "政治面貌",
        "intro": intro,
        "contests": contests_ctx,
        "notes": notes,
        "date_text": e.date(date_key),
        "signatory": e.signatory,
    }
    return [Instance("", ctx)]


def candidates_initial(e: Election) -> list[Instance]:
    has_initial = any(c.get("formal") is False for v in e.views for c in v.candidates)
    if not e.schedule.get("initial_candidates_published") and not has_initial:
        raise Waiting("schedule.initial_candidates_published", "记录中没有初步候选人名单的公布日期")
    return _posted(e, lambda one: _candidate_list(one, formal=False))


def candidates_formal(e: Election) -> list[Instance]:
    return _posted(e, lambda one: _candidate_list(one, formal=True))


CANDIDATES_VARIABLES = {
    "list_stage": "名单阶段：初步 或 正式",
    "politics_header": "基本情况表第六栏的表头：政治面貌；党组织选举为 入党时间",
    "intro": "导语：依据、产生方式、排序方式",
    "contests": "按选举场次分列（列表；单场次记录只有一项），每项：",
    "contests[].heading": "场次标题，如 （一）1号楼；单场次记录为空",
    "contests[].name": "场次名称",
    "contests[].posts": "按职位分列（列表），每项：",
    "contests[].posts[].level": "职位标题的层级：2 用“公文-二级标题”，3 用“公文-三级标题”",
    "contests[].posts[].heading": "职位标题，如 （一）主任（应选1名，正式候选人2名，差额1名）",
    "contests[].posts[].post": "职位",
    "contests[].posts[].seats": "应选名额",
    "contests[].posts[].count": "候选人数",
    "contests[].posts[].difference": "差额说明，如 差额1名、等额",
    "contests[].posts[].candidates": "候选人（列表，按姓氏笔画为序），每项：",
    "contests[].posts[].candidates[].name": "姓名",
    "contests[].posts[].candidates[].gender": "性别（未填为 —，下同）",
    "contests[].posts[].candidates[].ethnicity": "民族",
    "contests[].posts[].candidates[].birth": "出生年月，如 1972年5月",
    "contests[].posts[].candidates[].education": "文化程度",
    "contests[].posts[].candidates[].politics": "政治面貌；党组织选举为入党时间（candidates[].joined_party），如 2001年7月",
    "contests[].posts[].candidates[].workplace": "工作单位及职务",
    "contests[].posts[].candidates[].nominated_by": "推荐方式；初步名单中有推荐票数时附在后面，如 村党组织提名（1712票）",
    "contests[].posts[].candidates[].post": "参选职位",
    "notes": "名单后的各段（列表）：差额情况、选举日和投票地点或异议渠道",
}

# --------------------------------------------------------------------------------------------
# 选举结果公告
# --------------------------------------------------------------------------------------------


def _turnout_text(e: Election, rnd: RoundResult) -> str:
    lab = e.turnout_labels()
    if rnd.turnout_value is None or rnd.turnout_base is None:
        return ""
    threshold = e.profile.turnout.threshold(e.method).describe()
    base_label = {"应到会": "应到会有选举权的党员"}.get(lab.base, lab.base)
    text = (
        f"{base_label}{rnd.turnout_base}{lab.unit}，{lab.measure}{rnd.turnout_value}{lab.unit}，"
        f"{lab.rate}{formatting.percent(rnd.turnout_value, rnd.turnout_base)}"
    )
    if rnd.valid:
        return text + f"，{threshold}，选举有效。"
    return text + "。"


def _ballot_text(rnd: RoundResult) -> str:
    parts = []
    if rnd.issued is not None:
        parts.append(f"共发出选票{rnd.issued}张")
    if rnd.returned is not None:
        parts.append(f"收回选票{rnd.returned}张")
    tail = []
    if rnd.valid_ballots is not None:
        tail.append(f"有效票{rnd.valid_ballots}张")
    if rnd.invalid is not None:
        tail.append(f"无效票{rnd.invalid}张")
    if not parts and not tail:
        return ""
    text = "，".join(parts)
    if tail:
        text += ("，其中" if parts else "") + "、".join(tail)
    return text + "。"


def _result_mark(post: PostResult, name: str) -> str:
    if name in post.elected:
        return "当选"
    if name in post.revote_among:
        return "票数相等，须重新投票"
    if name in post.runoff_candidates:
        return "另行选举候选人"
    if name in post.runoff_tied:
        return "票数相等，待定另行选举候选人"
    if name in post.write_ins:
        return "另选他人"
    return ""


def _split(desc: str) -> tuple[str, str]:
    """“超过半数” → (“超过”, “半数”); “不少于三分之一” → (“不少于”, “三分之一”)."""
    for verb in ("不少于", "超过"):
        if desc.startswith(verb):
            return verb, desc[len(verb) :]
    return "", desc


def _win_rule(e: Election, rnd: RoundResult, threshold: int | None) -> str:
    """The winning rule with its numbers: 得票超过参加投票的户代表1398户的半数（至少700票）."""
    lab = e.turnout_labels()
    if rnd.type == "runoff":
        floor = e.profile.runoff.floor
        verb, share = _split(floor.threshold.describe())
        if floor.base == "present":
            return f"得票多且{verb}实到会人数的{share}（至少{threshold}票）"
        return f"得票多且{verb}已投选票{rnd.returned}张的{share}（至少{threshold}票）"
    verb, share = _split(e.profile.win.threshold(e.method).describe())
    if e.profile.win.base == "present":
        base = f"实到会有选举权的党员{rnd.turnout_value}人"
    else:
        measure = lab.measure if lab.measure.startswith("参加投票的") else "参加投票的选民"
        base = f"{measure}{rnd.turnout_value}{lab.unit}"
    return f"得票{verb}{base}的{share}（至少{threshold}票）"


def _round_outcome(e: Election, rnd: RoundResult, appointed: dict[str, list[str]] | None = None) -> list[str]:
    """Who is elected in this round and why, then what each post still needs (`appointed`: posts whose open
    seats the organisation filled after this round, which are then not elected again)."""
    if not rnd.valid:
        return []
    out = []
    elected = [p for p in rnd.posts if p.elected]
    if elected:
        who = "，".join(f"{'、'.join(e.sort(p.elected))}当选为{p.post}" for p in elected)
        if rnd.type == "revote":
            out.append(f"经对得票相等的候选人重新投票，以得票多者当选，{who}。")
        else:
            thresholds = sorted({p.threshold for p in elected if p.threshold is not None})
            rule = _win_rule(e, rnd, thresholds[0] if len(thresholds) == 1 else None)
            if len(thresholds) != 1:
                rule = rule.split("（")[0]
            out.append(f"按照{rule}始得当选的规定，{who}。")
    for post in rnd.posts:
        if post.revote_among:
            out.append(
                f"{post.post}：{'、'.join(post.revote_among)}得票相等，须就{post.revote_seats}个名额"
                "重新投票，不得以抽签等方式决定。"
            )
        if post.seats_left and len((appointed or {}).get(post.post, [])) >= post.seats_left:
            out.append(f"{post.post}尚缺{post.seats_left}名。")
        elif post.seats_left and post.runoff_tied:
            settled = f"按本轮得票已确定{'、'.join(post.runoff_candidates)}，" if post.runoff_candidates else ""
            out.append(
                f"{post.post}尚缺{post.seats_left}名，须另行选举；另行选举候选人应为"
                f"{len(post.runoff_candidates) + post.runoff_tied_places}名，{settled}"
                f"{'、'.join(post.runoff_tied)}得票相等，争余下{post.runoff_tied_places}个候选人名额，"
                "待解决这一票数相等后确定候选人名单。"
            )
        elif post.seats_left:
            cands = "、".join(post.runoff_candidates)
            out.append(
                f"{post.post}尚缺{post.seats_left}名，须另行选举"
                + (f"，另行选举候选人为{cands}（按本轮得票多少确定）。" if cands else "。")
            )
        if post.vacant:
            out.append(f"{post.post}仍缺{post.vacant}名，暂作缺额。")
        if not post.elected and not post.revote_among and not post.seats_left and not post.vacant:
            out.append(f"{post.post}本轮无人当选。")
    return out


def _rerun_sentence(view: Contest, result: ContestOutcome, rnd: RoundResult) -> list[str]:
    """An invalid round repeated later: 本轮选举无效，已于2026年4月25日重新选举（第2轮…），以重新选举的结果为准。"""
    rerun = result.reruns.get(rnd.index)
    if rerun is None:
        return []
    return [f"本轮选举无效，{rerun_text(view, rnd.index, rerun)}，以重新选举的结果为准。"]


def _appointed_notes(e: Election) -> list[str]:
    """Contests where no vote was held and the organisation appointed someone: 2号楼未选举，由…委派…暂代楼栋长。"""
    out: list[str] = []
    for view, result in e.pairs():
        if result.stage == "appointed":
            where = view.name if e.multi and len(e.views) > 1 else ""
            out.extend(f"{where}{step}" for step in result.next_steps)
    return out


def _publicity_lines(e: Election) -> list[str]:
    """The 公示期 and where to object, where the profile says the results are posted for a time."""
    rule = e.profile.results_publicity
    if rule is None:
        return []
    to = rule.to or e.committee_name
    contact = e.settings.get("contact")
    phone = f"（联系电话：{contact}）" if contact else ""
    return [f"本公告自发布之日起公示{numeral(rule.days)}日。公示期间，对选举结果有异议的，可以向{to}{phone}实名反映。"]


def results(e: Election) -> list[Instance]:
    return _posted(e, _results)


def _results(e: Election) -> list[Instance]:
    counted = [(v, r) for v, r in e.pairs() if r.rounds]
    if not counted:
        raise Waiting("rounds[].votes", "尚无计票结果")
    indices = sorted({rnd.index for _, r in counted for rnd in r.rounds})
    out = []
    last_index = indices[-1]
    for index in indices:
        if index in void_indices(e):
            continue  # the 选举无效公告 of this round is published instead
        contests_ctx: list[dict[str, object]] = []
        dates = []
        types = []
        repeats = False  # the round repeats an invalid one (重新选举)
        for _ci, (view, result) in enumerate(counted):
            rnd = next((x for x in result.rounds if x.index == index), None)
            if rnd is None:
                continue
            dates.append(rnd.date)
            types.append(rnd.type)
            repeats = repeats or rnd.index in result.reruns.values()
            figures = [t for t in (_turnout_text(e, rnd), _ballot_text(rnd)) if t]
            if not rnd.valid:
                figures.extend(failure_lines(e, view, rnd))
                figures.extend(tight(r) for r in rnd.reasons if "缺少" in r)
            posts: list[dict[str, object]] = []
            for post in rnd.posts:
                level = e.post_level
                tally = [
                    {"number": str(i + 1), "name": name, "votes": str(votes), "result": _result_mark(post, name)}
                    for i, (name, votes) in enumerate(post.tally)
                ]
                posts.append(
                    {
                        "level": level,
                        "heading": f"{heading_number(level, len(posts) + 1)}{post.post}（应选{post.seats}名）",
                        "label": f"{post.post}（应选{post.seats}名）",
                        "post": post.post,
                        "seats": post.seats,
                        "tally": tally,
                    }
                )
            steps = []
            if index == result.rounds[-1].index:
                steps = [tight(s) for s in result.next_steps if s != "全部名额均已选出。"]
                if not steps and all(v == 0 for v in result.vacant.values()):
                    steps = ["全部名额均已选出。"] if len(e.views) == 1 else [f"{view.name}全部名额均已选出。"]
            contests_ctx.append(
                {
                    "heading": e.contest_heading(len(contests_ctx), view),
                    "name": view.name,
                    "figures": figures,
                    "posts": posts,
                    "outcome": _round_outcome(e, rnd, result.appointed if rnd is result.rounds[-1] else None)
                    + _rerun_sentence(view, result, rnd),
                    "next_steps": steps,
                }
            )
        rtype = types[0] if len(set(types)) == 1 else "first"
        date = next((d for d in dates if d), None) or e.schedule.get("election_day")
        where = f"在{e.place}" if e.place else ""
        # County deputies: the county/district 选举委员会 confirms the result and announces it (选举法 §46).
        confirmed = f"经{e.results_issuer}确认有效，" if e.county_level else ""
        intro = (
            f"{e.election_name}于{cdate(date)}{where}进行{RERUN_ACTIONS[rtype] if repeats else ROUND_ACTIONS[rtype]}。"
            f"根据{_counted_by(e)}计票结果，{confirmed}现将选举结果公告如下："
        )
        notes = []
        if index == last_index:
            elected_all = []
            for view, result in counted:
                for post_name, names in result.elected.items():
                    if names:
                        where_post = f"{view.name}{post_name}" if e.multi and len(e.views) > 1 else post_name
                        elected_all.append(f"{where_post}{'、'.join(e.sort(names))}")
            if elected_all and (len(indices) > 1 or len(counted) > 1):
                notes.append(
                    f"经以上投票，本次选举当选人员如下（同一职位按{e.order_words}为序）："
                    + "；".join(elected_all)
                    + "。"
                )
            notes.extend(_appointed_notes(e))
            notes.extend(_publicity_lines(e))
        suffix = "" if index == 0 else f"第{index + 1}轮{ROUND_NAMES.get(rtype, '')}"
        published = e.schedule.get("results_published") if index == 0 else None
        date_raw = published or date
        ctx = common_context(e) | {
            "title_lines": split_title(
                titled(e.election_name, "选举结果公告" if rtype == "first" else f"{ROUND_NAMES[rtype]}结果公告")
            ),
            "doc_number": e.doc_number("results", date_raw, round_index=index),
            "round_name": "选举" if rtype == "first" else ROUND_NAMES[rtype],
            "intro": intro,
            "contests": contests_ctx,
            "notes": notes,
            "date_text": cdate(date_raw),
            "signatory": e.results_issuer,
        }
        out.append(Instance(suffix, ctx))
    return out


# --------------------------------------------------------------------------------------------
# 选举无效公告
# --------------------------------------------------------------------------------------------
VOIDED = {"first": "本轮选举", "runoff": "本次另行选举", "revote": "本次重新投票"}
VOTE_OF = {"first": "本轮", "runoff": "本次另行选举的", "revote": "本次重新投票的"}
BY_HOW_MUCH = {"turnout": "相差", "reconciliation": "多出"}


def _failure_line(failure: RoundFailure) -> str:
    """参加投票40人，未超过登记选民100人的半数（至少需51人），相差11人。"""
    fact = tight(failure.text).removesuffix("，本轮选举无效。").removesuffix("。")
    return f"{fact}，{BY_HOW_MUCH[failure.rule]}{failure.amount}{failure.unit}。"


def _notice_cite(e: Election, article: str) -> str:
    """The citation in a notice: 《…》第十八条; a practice named by the profile (“双过半”之一) without its ordinal."""
    cite = e.profile.cite(article)
    for ordinal in ("之一", "之二"):
        cite = cite.removesuffix(ordinal)
    return cite


def failure_lines(e: Election, view: Contest, rnd: RoundResult) -> list[str]:
    """What voided a round, by how much, and under which article (nothing for a round that lacks data)."""
    if not rnd.failures:
        return []
    cites = "和".join(dict.fromkeys(_notice_cite(e, f.article) for f in rnd.failures))
    who = view.name if e.multi and len(e.views) > 1 else ""
    return [_failure_line(f) for f in rnd.failures] + [
        f"依照{cites}的规定，{who}{VOIDED[rnd.type]}无效，不能产生当选人。"
    ]


def void_indices(e: Election) -> set[int]:
    """Rounds voided by their figures in every contest that held them: a 选举无效公告 instead of a results notice."""
    held: dict[int, list[RoundResult]] = {}
    for _, result in e.pairs():
        for rnd in result.rounds:
            held.setdefault(rnd.index, []).append(rnd)
    return {i for i, rounds in held.items() if all(not r.valid and r.failures for r in rounds)}


def _again_line(e: Election, view: Contest, result: ContestOutcome, rnd: RoundResult) -> str:
    """When the vote is held again: the re-election round of the record, else 另行公告."""
    again = RERUN_ACTIONS[rnd.type]
    who = view.name if e.multi and len(e.views) > 1 else ""
    rerun = result.reruns.get(rnd.index)
    day = view.rounds[rerun].get("date") if rerun is not None else None
    if not day:
        return f"{who}{again}的时间和地点，由{e.signatory}另行公告。"
    where = f"在{e.place}" if e.place else ""
    return f"经{e.signatory}决定，{who}定于{cdate(day)}{where}{again}，届时请准时参加投票。"


def _checked_by(e: Election) -> str:
    """Who counted the void round: the 监票人 and 计票人 of a 党支部, else the 选举委员会."""
    return "监票人、计票人" if e.kind == "party_branch" else e.committee_name


def invalid(e: Election) -> list[Instance]:
    """One notice per round voided by its figures (turnout not reached, more ballots returned than issued, …)."""
    out = []
    for index in sorted(void_indices(e)):
        contests_ctx: list[dict[str, object]] = []
        dates, types = [], []
        for view, result in e.pairs():
            rnd = next((x for x in result.rounds if x.index == index), None)
            if rnd is None:
                continue
            dates.append(rnd.date)
            types.append(rnd.type)
            figures = [t for t in (_turnout_text(e, rnd), _ballot_text(rnd)) if t]
            contests_ctx.append(
                {
                    "heading": e.contest_heading(len(contests_ctx), view),
                    "name": view.name,
                    "figures": figures,
                    "failures": failure_lines(e, view, rnd),
                    "next_steps": [_again_line(e, view, result, rnd)],
                }
            )
        rtype = types[0] if len(set(types)) == 1 else "first"
        date = next((d for d in dates if d), None) or e.schedule.get("election_day")
        where = f"在{e.place}" if e.place else ""
        ctx = common_context(e) | {
            "title_lines": split_title(titled(e.election_name, f"{ROUND_NAMES[rtype]}无效公告")),
            "doc_number": e.doc_number("results", date, round_index=index),
            "round_name": ROUND_NAMES[rtype],
            "intro": (
                f"{e.election_name}于{cdate(date)}{where}进行{ROUND_ACTIONS[rtype]}。经{_checked_by(e)}清点核对，"
                f"现将{VOTE_OF[rtype]}投票情况公告如下："
            ),
            "contests": contests_ctx,
            "date_text": cdate(date),
            "signatory": e.signatory,
        }
        out.append(Instance("" if index == 0 else f"第{index + 1}轮", ctx))
    return out


INVALID_VARIABLES = {
    "round_name": "无效的一轮：选举、另行选举 或 重新投票",
    "intro": "导语：选举名称、日期、地点，本轮选举无效",
    "contests": "投票无效的场次（列表；单场次记录只有一项），每项：",
    "contests[].heading": "场次标题，如 （一）1号楼；单场次记录为空",
    "contests[].name": "场次名称",
    "contests[].figures": "投票情况各段（列表）：登记数、参加投票数、参选率；发出、收回、有效、无效选票数",
    "contests[].failures": "无效的原因各段（列表）：哪一项不符合、相差（或多出）多少，依照哪一条规定选举无效",
    "contests[].next_steps": "重新选举的日期和地点，或“另行公告”",
}


RESULTS_VARIABLES = {
    "round_name": "本轮名称：选举、另行选举 或 重新投票",
    "intro": "导语：选举名称、日期、地点",
    "contests": "按选举场次分列（列表；单场次记录只有一项），每项：",
    "contests[].heading": "场次标题，如 （一）1号楼；单场次记录为空",
    "contests[].name": "场次名称",
    "contests[].figures": "投票情况各段（列表）：登记数、参加投票数、参选率及是否有效；发出、收回、有效、无效选票数",
    "contests[].posts": "按职位分列（列表），每项：",
    "contests[].posts[].level": "职位标题的层级：2 或 3",
    "contests[].posts[].heading": "职位标题，如 （一）主任（应选1名）",
    "contests[].posts[].label": "表格中的职位栏，如 主任（应选1名）（同一职位各行向下合并）",
    "contests[].posts[].post": "职位",
    "contests[].posts[].seats": "本轮应选名额",
    "contests[].posts[].tally": "得票情况（列表，按得票多少为序，票数相等时按姓氏笔画），每项：",
    "contests[].posts[].tally[].number": "序号",
    "contests[].posts[].tally[].name": "姓名（含另选他人）",
    "contests[].posts[].tally[].votes": "得票数",
    "contests[].posts[].tally[].result": "结果：当选、另行选举候选人、票数相等须重新投票、另选他人，或空",
    "contests[].outcome": "结果说明各段（列表）：当选规则（含最低票数）和当选人、尚缺名额和另行选举候选人、须重新投票者",
    "contests[].next_steps": "下一步（列表），如 须另行选举、全部名额均已选出；只在该场次最后一轮的公告中出现",
    "notes": "公告末尾各段（列表）：多轮或多场次时汇总全部当选人员",
}

"""Context builder of the ballots: one per contest, round and post, including the next round due."""

from __future__ import annotations

from ..model import Contest
from ..outcome import ContestOutcome
from ..words import ROUND_NAMES
from .common import Election, Instance, Waiting, cdate, common_context, no_formal_candidates, split_title


def _instructions(e: Election, post: str, seats: int, rtype: str, write_ins: int) -> list[str]:
    lines = []
    if rtype == "runoff":
        lines.append(f"本次为{post}另行选举，应选{seats}名。")
    elif rtype == "revote":
        lines.append(f"本次为对得票相等的{post}候选人重新投票，应选{seats}名。")
    lines.append("赞成的，在候选人姓名右侧的符号栏内划“○”；不赞成的，划“×”；弃权的，不划任何符号。")
    if write_ins:
        lines.append("另选他人的，在“另选人”栏内写上另选人的姓名，并在其右侧符号栏内划“○”。")
    lines.append(f"划“○”的人数（含另选人）多于应选名额{seats}名的，本选票无效；等于或少于应选名额的，有效。")
    lines.append("请用黑色或蓝色钢笔、签字笔填写，符号要准确，字迹要清楚；无法辨认的符号视为弃权。")
    lines.append("选举人不能书写选票的，可以委托他人（候选人除外）按照本人意愿代写。")
    return [f"{i + 1}.{line}" for i, line in enumerate(lines)]


def _write_in_instructions(post: str, seats: int) -> list[str]:
    lines = [
        f"本次选举不提名候选人，由选举人直接填写所选的人（海选），应选{post}{seats}名。",
        "请在“被选人姓名”栏内写上所选的人的姓名，并在其右侧符号栏内划“○”；不选的，不填写。",
        f"所填写的人数多于应选名额{seats}名的，本选票无效；等于或少于应选名额的，有效。",
        "请用黑色或蓝色钢笔、签字笔填写，字迹要清楚；无法辨认的姓名不计票。",
        "选举人不能书写选票的，可以委托他人按照本人意愿代写。",
    ]
    return [f"{i + 1}.{line}" for i, line in enumerate(lines)]


def _write_in_ballot(e: Election, view: Contest, post: str, seats: int, date: str | None) -> Instance:
    """The first-round ballot of a 海选: no printed names, one blank row per seat."""
    instance = _ballot(e, view, post, seats, [], "first", 0, date)
    ctx = instance.context | {
        "rows": [{"number": str(i + 1), "name": ""} for i in range(seats)],
        "seats_text": f"应选{post}{seats}名　不提名候选人",
        "name_header": "被选人姓名",
        "instructions": _write_in_instructions(post, seats),
    }
    return Instance(instance.suffix, ctx)


def _ballot(
    e: Election, view: Contest, post: str, seats: int, names: list[str], rtype: str, round_index: int, date: str | None
) -> Instance:
    ordered = e.sort(names)
    write_ins = max(1, seats)
    rows = [{"number": str(i + 1), "name": name} for i, name in enumerate(ordered)]
    rows += [{"number": "另选人", "name": ""} for _ in range(write_ins)]
    where = f"{view.name}" if e.multi else ""
    round_label = "" if round_index == 0 and rtype == "first" else ROUND_NAMES[rtype]
    subtitle_parts = [p for p in (where + post, round_label) if p]
    subtitle = "（" + "·".join(subtitle_parts) + "）"
    suffix_parts = [p for p in (view.name if e.multi else "", post) if p]
    if round_index or rtype != "first":
        suffix_parts.append(f"第{round_index + 1}轮{ROUND_NAMES[rtype]}")
    ctx = common_context(e) | {
        "title_lines": split_title([e.election_name, "选票"]),
        "subtitle": subtitle,
        "post": post,
        "contest_name": view.name,
        "round_name": ROUND_NAMES[rtype],
        "seats": str(seats),
        "seats_text": f"应选{post}{seats}名　候选人{len(ordered)}名",
        "name_header": "候选人姓名",
        "mark_header": "符号栏",
        "rows": rows,
        "instructions_title": "填写说明",
        "instructions": _instructions(e, post, seats, rtype, write_ins),
        "date_text": cdate(date or e.schedule.get("election_day")),
        "signatory": e.committee_name,
    }
    return Instance("-".join(suffix_parts), ctx)


def _pending(result: ContestOutcome) -> list[tuple[str, int, list[str], str]]:
    """Ballots the next round needs: (post, seats, candidates, type) from the last round's decision."""
    if not result.rounds:
        return []
    last = result.rounds[-1]
    if not last.valid:
        return []
    out = []
    for post in last.posts:
        # Seats the organisation filled by appointment (组织委派) are not elected again.
        seats_left = post.seats_left - len(result.appointed.get(post.post, []))
        if post.revote_among:
            out.append((post.post, post.revote_seats, list(post.revote_among), "revote"))
        elif last.type == "first" and seats_left > 0 and post.runoff_candidates and not post.runoff_tied:
            out.append((post.post, seats_left, list(post.runoff_candidates), "runoff"))
    return out


def ballots(e: Election) -> list[Instance]:
    if not any(view.seats for view in e.views):
        raise Waiting("seats", "记录中还没有职位及应选名额")
    out: list[Instance] = []
    for view, result in e.pairs():
        # The first round: the formal candidates of each post.
        first_date = next((r.date for r in result.rounds if r.index == 0), None) or e.schedule.get("election_day")
        for post, seats in view.seats.items():
            names = [c["name"] for _, c in view.formal_candidates(post)]
            if result.write_in:
                out.append(_write_in_ballot(e, view, post, seats, first_date))
            elif names:
                out.append(_ballot(e, view, post, seats, names, "first", 0, first_date))
        # Later rounds in the record: the names on their tally (write-ins excluded).
        for rnd in result.rounds:
            if rnd.index == 0:
                continue
            for post_result in rnd.posts:
                names = [n for n, _ in post_result.tally if n not in post_result.write_ins]
                if names:
                    out.append(
                        _ballot(e, view, post_result.post, post_result.seats, names, rnd.type, rnd.index, rnd.date)
                    )
        # The round the outcome says must come next.
        next_index = (result.rounds[-1].index + 1) if result.rounds else 1
        for post, seats, names, rtype in _pending(result):
            out.append(_ballot(e, view, post, seats, names, rtype, next_index, None))
    if not out:
        raise no_formal_candidates(e)
    return out


BALLOT_VARIABLES = {
    "subtitle": "副标题：场次、职位和轮次，如 （主任）、（委员·另行选举）、（1号楼楼栋长）",
    "post": "职位",
    "contest_name": "场次名称",
    "round_name": "轮次：选举、另行选举 或 重新投票",
    "seats": "本轮应选名额",
    "seats_text": "应选说明，如 应选主任1名　候选人2名",
    "name_header": "姓名栏表头：候选人姓名",
    "mark_header": "符号栏表头：符号栏",
    "rows": "选票各行（列表）：先为候选人（按姓氏笔画为序），后为与应选名额同数的另选人空行；"
    "海选（nomination: write_in）只有与应选名额同数的空行，每项：",
    "rows[].number": "序号；另选人行为“另选人”",
    "rows[].name": "候选人姓名；另选人行为空",
    "instructions_title": "说明标题：填写说明",
    "instructions": "填写说明各条（列表，已编号）：应选名额、划符号方法、另选他人、无效情形、代写",
}

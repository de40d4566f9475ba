"""Context builder of the ballots: one per contest, round and post, including the next round due."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import DATA, HuanjieError
from ..model import Contest
from ..outcome import ContestOutcome
from ..words import ROUND_NAMES
from .common import Election, Instance, Waiting, cdate, common_context, no_formal_candidates, split_title

# --- one sheet -------------------------------------------------------------------------------------
# The ballot page (tools/make_templates.py `ballot`): A4, top 25 mm, bottom 20 mm, a 156 mm line.
PAGE_PT = 841.89 - 1417 / 20 - 1134 / 20
LINE_PT = 156 * 72 / 25.4
SAFETY_PT = 24  # LibreOffice and Word round line heights differently: keep a margin below the estimate
MM = 72 / 25.4


@dataclass(frozen=True)
class Layout:
    """How a ballot's tables are set: columns of candidates, row height, type sizes (pt)."""

    columns: int
    row_mm: float
    name_pt: float
    note_pt: float

    def name_mm(self, marks: int) -> float:
        """Width of the name column (see the template `ballot` in tools/make_templates.py)."""
        return {(1, 1): 84, (1, 3): 64, (2, 1): 36, (2, 3): 26}[(self.columns, marks)]

    def name_size(self, marks: int, name: str) -> float:
        """The size (pt) that keeps `name` on one line of its cell: the layout's, or smaller for a long name,
        down to 小六 (6.5 pt). The name cells have 0.5 mm side margins."""
        fit = (self.name_mm(marks) - 1.2) * MM / max(len(name), 1)
        return max(6.5, min(self.name_pt, int(fit * 2) / 2))

    def context(self, marks: int) -> dict:
        number_mm = {(1, 1): 22, (1, 3): 20, (2, 1): 17, (2, 3): 16}[(self.columns, marks)]
        number_pt = min(self.name_pt, int((number_mm - 3.8) * MM / 3 * 2) / 2)
        # The header of a two-column Party ballot holds 不赞成 in 14 mm.
        head_pt = 10.5 if (self.columns, marks) == (2, 3) else self.name_pt
        return {
            "columns": self.columns,
            "marks": marks,
            "row_tw": str(round(self.row_mm * 56.693)),
            "name_sz": str(int(self.name_pt * 2)),
            "number_sz": str(int(number_pt * 2)),
            "head_sz": str(int(head_pt * 2)),
            "name_line": str(int(min(self.name_pt * 1.3, self.row_mm * MM) * 20)),
            "note_sz": str(int(self.note_pt * 2)),
            "note_line": str(int(self.note_pt * 1.5 * 20)),
        }


# Tried in order: the first one whose estimate fits the sheet is used.
LAYOUTS = (
    Layout(1, 9, 16, 12),
    Layout(1, 7.5, 16, 12),
    Layout(2, 9, 14, 12),
    Layout(2, 7.5, 14, 10.5),
    Layout(2, 6.5, 12, 10.5),
    Layout(2, 6, 12, 10.5),
)


class BallotTooLong(HuanjieError):
    """A ballot that no layout fits on one sheet."""

    code = DATA

    def __init__(self, file: str, what: str, rows: int):
        where = f"{file}：" if file else ""
        super().__init__(
            f"{where}{what}共{rows}行（候选人及另选人栏），一张A4选票容纳不下，而选票必须是一张。"
            "请核对候选人名单（candidates）；合并选票（documents.ballot: combined）请改为分职位选票（删去该设置）。"
        )
        self.rows = rows


def _text_height(lines: list[str], size: float, pitch: float) -> float:
    per_line = int(LINE_PT / size)
    return sum(-(-max(len(line), 1) // per_line) * pitch for line in lines)


def _height(layout: Layout, title_lines: int, sections: list[tuple[str, int]], notes: list[str]) -> float:
    """Estimated height (pt) of a ballot in `layout`: title, tables, 填写说明 and 署名."""
    height = title_lines * 36 + 2 * 28.95 + 6
    for heading, rows in sections:
        if heading:
            height += 19 + 6
        per_column = -(-rows // layout.columns)
        height += 26 + per_column * max(layout.row_mm * MM, min(layout.name_pt * 1.3, layout.row_mm * MM))
    height += 12 + 19 + _text_height(notes, layout.note_pt, layout.note_pt * 1.5)
    return height + 10 + 2 * 26


def choose_layout(title_lines: int, sections: list[tuple[str, int]], notes: list[str]) -> Layout | None:
    for layout in LAYOUTS:
        if _height(layout, title_lines, sections, notes) <= PAGE_PT - SAFETY_PT:
            return layout
    return None


# --- wording ---------------------------------------------------------------------------------------
def _instructions(e: Election, post: str, seats: int, rtype: str, write_ins: int) -> list[str]:
    lines = []
    if rtype == "runoff":
        lines.append(f"本次为{post}另行选举，应选{seats}名。")
    elif rtype == "revote":
        lines.append(f"本次为对得票相等的{post}候选人重新投票，应选{seats}名，只能在所列候选人中选择。")
    if e.kind == "party_branch":
        lines.append(
            "赞成的，在候选人姓名右侧“赞成”栏内划“○”；不赞成的，在“不赞成”栏内划“○”；弃权的，在“弃权”栏内划“○”。"
        )
        if write_ins:
            lines.append(
                "投不赞成票的，可以另选他人，在“另选人”栏内写上另选人的姓名，并在其右侧“赞成”栏内划“○”；"
                "投弃权票的不能另选他人。"
            )
        lines.append(f"划“赞成”的人数（含另选人）多于应选名额{seats}名的，本选票无效；等于或少于应选名额的，有效。")
    else:
        lines.append("赞成的，在候选人姓名右侧的符号栏内划“○”；不赞成的，划“×”；弃权的，不划任何符号。")
        if write_ins:
            lines.append("另选他人的，在“另选人”栏内写上另选人的姓名，并在其右侧符号栏内划“○”。")
        counted = "（含另选人）" if write_ins else ""
        lines.append(f"划“○”的人数{counted}多于应选名额{seats}名的，本选票无效；等于或少于应选名额的，有效。")
    lines += _closing_lines()
    return [f"{i + 1}.{line}" for i, line in enumerate(lines)]


def _closing_lines() -> list[str]:
    return [
        "请用黑色或蓝色钢笔、签字笔填写，符号要准确，字迹要清楚；无法辨认的符号视为弃权。",
        "选举人不能书写选票的，可以委托他人（候选人除外）按照本人意愿代写。",
    ]


def _combined_instructions(e: Election, posts: list[tuple[str, int]]) -> list[str]:
    names = "、".join(post for post, _ in posts)
    party = e.kind == "party_branch"
    lines = [f"本选票为{names}合并选票（{len(posts)}个职位一张选票），各职位分别计票。"]
    if party:
        lines.append(
            "赞成的，在候选人姓名右侧“赞成”栏内划“○”；不赞成的，在“不赞成”栏内划“○”；弃权的，在“弃权”栏内划“○”。"
        )
        lines.append(
            "投不赞成票的，可以在本职位的“另选人”栏内写上另选人的姓名，并在其右侧“赞成”栏内划“○”；投弃权票的不能另选他人。"
        )
        mark = "划“赞成”"
    else:
        lines.append("赞成的，在候选人姓名右侧的符号栏内划“○”；不赞成的，划“×”；弃权的，不划任何符号。")
        lines.append("另选他人的，在本职位的“另选人”栏内写上另选人的姓名，并在其右侧符号栏内划“○”。")
        mark = "划“○”"
    lines.append(
        f"某一职位{mark}的人数（含另选人）多于该职位应选名额的，该职位的选票无效，不影响其他职位；等于或少于的，有效。"
    )
    lines += _closing_lines()
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


# --- sections and layout -----------------------------------------------------------------------------
def _rows(names: list[str], write_ins: int) -> list[dict]:
    rows = [{"number": str(i + 1), "name": name} for i, name in enumerate(names)]
    return rows + [{"number": "另选人", "name": ""} for _ in range(write_ins)]


def _pairs(rows: list[dict]) -> list[dict]:
    """Two columns read down, then across: the left column holds the first half."""
    half = -(-len(rows) // 2)
    blank = {"number": "", "name": "", "sz": rows[0]["sz"] if rows else "24"}
    return [{"left": rows[i], "right": rows[half + i] if half + i < len(rows) else blank} for i in range(half)]


def _section(heading: str, rows: list[dict]) -> dict:
    return {"heading": heading, "rows": rows, "pairs": []}


def _laid_out(e: Election, what: str, ctx: dict) -> dict:
    """`ctx` with the layout that fits one sheet; `BallotTooLong` when none does."""
    sections = ctx["sections"]
    shape = [(s["heading"], len(s["rows"])) for s in sections]
    layout = choose_layout(len(ctx["title_lines"]), shape, ctx["instructions"])
    if layout is None:
        raise BallotTooLong(e.file, what, sum(rows for _, rows in shape))
    marks = 3 if e.kind == "party_branch" else 1
    # Each name cell has its own size: a long (·-)name is set smaller rather than broken.
    sections = [
        s | {"rows": [r | {"sz": str(int(layout.name_size(marks, r["name"]) * 2))} for r in s["rows"]]}
        for s in sections
    ]
    if layout.columns == 2:
        sections = [s | {"pairs": _pairs(s["rows"])} for s in sections]
    return ctx | {"sections": sections, "layout": layout.context(marks)}


def _base(e: Election, subtitle: str, date: str | None) -> dict:
    return common_context(e) | {
        "title_lines": split_title([e.election_name, "选票"]),
        "subtitle": subtitle,
        "name_header": "候选人姓名",
        "mark_header": "符号栏",
        "instructions_title": "填写说明",
        "date_text": cdate(date or e.schedule.get("election_day")),
        "signatory": e.committee_name,
    }


def _write_in_ballot(e: Election, view: Contest, post: str, seats: int, date: str | None) -> Instance:
    """The first-round ballot of a 海选: no printed names, one blank row per seat."""
    instance = _ballot(e, view, post, seats, [], "first", 0, date)
    rows = [{"number": str(i + 1), "name": ""} for i in range(seats)]
    ctx = instance.context | {
        "rows": rows,
        "sections": [_section("", rows)],
        "seats_text": f"应选{post}{seats}名　不提名候选人",
        "name_header": "被选人姓名",
        "instructions": _write_in_instructions(post, seats),
    }
    return Instance(instance.suffix, _laid_out(e, f"{post}选票", ctx))


def _ballot(
    e: Election, view: Contest, post: str, seats: int, names: list[str], rtype: str, round_index: int, date: str | None
) -> Instance:
    ordered = e.sort(names)
    # A revote is held among the tied candidates only: nobody else can be written in.
    write_ins = 0 if rtype == "revote" else max(1, seats)
    rows = _rows(ordered, write_ins)
    where = f"{view.name}" if e.multi else ""
    round_label = "" if round_index == 0 and rtype == "first" else ROUND_NAMES[rtype]
    subtitle_parts = [p for p in (where + post, round_label) if p]
    suffix_parts = [p for p in (view.name if e.multi else "", post) if p]
    if round_index or rtype != "first":
        suffix_parts.append(f"第{round_index + 1}轮{ROUND_NAMES[rtype]}")
    ctx = _base(e, "（" + "·".join(subtitle_parts) + "）", date) | {
        "post": post,
        "contest_name": view.name,
        "round_name": ROUND_NAMES[rtype],
        "seats": str(seats),
        "seats_text": f"应选{post}{seats}名　候选人{len(ordered)}名",
        "rows": rows,
        "sections": [_section("", rows)],
        "instructions": _instructions(e, post, seats, rtype, write_ins),
    }
    return Instance("-".join(suffix_parts), _laid_out(e, f"{where}{post}选票", ctx))


def _combined(e: Election, view: Contest, posts: list[tuple[str, int, list[str]]], date: str | None) -> Instance:
    """All posts of the first round on one sheet (documents.ballot: combined): a table per post."""
    sections, all_rows = [], []
    for i, (post, seats, names) in enumerate(posts):
        ordered = e.sort(names)
        rows = _rows(ordered, max(1, seats))
        all_rows += rows
        sections.append(_section(f"{i + 1}.{post}（应选{seats}名，候选人{len(ordered)}名）", rows))
    where = f"{view.name}" if e.multi else ""
    post_names = "、".join(post for post, _, _ in posts)
    ctx = _base(e, f"（{where}{post_names}）", date) | {
        "post": post_names,
        "contest_name": view.name,
        "round_name": ROUND_NAMES["first"],
        "seats": str(sum(seats for _, seats, _ in posts)),
        "seats_text": "　".join(f"应选{post}{seats}名" for post, seats, _ in posts),
        "rows": all_rows,
        "sections": sections,
        "instructions": _combined_instructions(e, [(post, seats) for post, seats, _ in posts]),
    }
    return Instance(view.name if e.multi else "", _laid_out(e, f"{where}合并选票", ctx))


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


def _first_round(e: Election, view: Contest, result: ContestOutcome, date: str | None) -> list[Instance]:
    posts = [(post, seats, [c["name"] for _, c in view.formal_candidates(post)]) for post, seats in view.seats.items()]
    if result.write_in:
        return [_write_in_ballot(e, view, post, seats, date) for post, seats, _ in posts]
    posts = [p for p in posts if p[2]]
    if e.settings.get("ballot") == "combined" and len(posts) > 1:
        return [_combined(e, view, posts, date)]
    return [_ballot(e, view, post, seats, names, "first", 0, date) for post, seats, names in posts]


def ballots(e: Election) -> list[Instance]:
    if not any(view.seats for view in e.views):
        raise Waiting("seats", "记录中还没有职位及应选名额")
    out: list[Instance] = []
    for view, result in e.pairs():
        # The first round: the formal candidates of each post (all posts on one sheet when the record says so).
        first_date = next((r.date for r in result.rounds if r.index == 0), None) or e.schedule.get("election_day")
        out += _first_round(e, view, result, first_date)
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
    "subtitle": "副标题：场次、职位和轮次，如 （主任）、（委员·另行选举）、（1号楼楼栋长）、（主任、副主任、委员）",
    "post": "职位（合并选票为各职位，以顿号分隔）",
    "contest_name": "场次名称",
    "round_name": "轮次：选举、另行选举 或 重新投票",
    "seats": "本轮应选名额（合并选票为各职位之和）",
    "seats_text": "应选说明，如 应选主任1名　候选人2名",
    "name_header": "姓名栏表头：候选人姓名",
    "mark_header": "符号栏表头：符号栏",
    "rows": "选票各行（列表）：先为候选人（按姓氏笔画为序），后为与应选名额同数的另选人空行（重新投票没有另选人行）；"
    "海选（nomination: write_in）只有与应选名额同数的空行，每项：",
    "rows[].number": "序号；另选人行为“另选人”",
    "rows[].name": "候选人姓名；另选人行为空",
    "sections": "选票的各表（列表）：分职位选票为一表；合并选票（documents.ballot: combined）每个职位一表，每项：",
    "sections[].heading": "表前的职位说明，如 1.主任（应选1名，候选人2名）；分职位选票为空",
    "sections[].rows": "该表各行，同 rows",
    "sections[].pairs": "两栏排版时的各行（列表），每项 left、right 各为一行（左栏为前一半）；一栏排版时为空",
    "sections[].rows[].number": "序号；另选人行为“另选人”",
    "sections[].rows[].name": "候选人姓名；另选人行为空",
    "sections[].rows[].sz": "该姓名的字号（半磅）：通常同 layout.name_sz，长姓名缩小（不小于小六）以免在格内折行",
    "layout": "版式：选票始终为一张，候选人多时改为两栏、减小行高和字号，每项：",
    "layout.columns": "栏数：1 或 2（两栏时先排满左栏）",
    "layout.marks": "符号栏数：1（符号栏），党组织选举为 3（赞成、不赞成、弃权）",
    "layout.row_tw": "行高（缇，1/20 磅）",
    "layout.name_sz": "姓名字号（半磅，如 32 为三号）；长姓名见 sections[].rows[].sz",
    "layout.number_sz": "序号栏字号（半磅）",
    "layout.head_sz": "表头字号（半磅）",
    "layout.name_line": "姓名行距（缇）",
    "layout.note_sz": "填写说明字号（半磅）",
    "layout.note_line": "填写说明行距（缇）",
    "instructions_title": "说明标题：填写说明",
    "instructions": "填写说明各条（列表，已编号）：应选名额、划符号方法、另选他人、无效情形、代写",
}

"""Context builder of the 换届选举工作总结, for one record or many (a township, a county).

一、基本情况 is written from computed statistics (`pipeline.stats`): sentences with the figures and
two tables. 二、主要做法, 三、存在问题, 四、下一步打算 come from each record's `summary`; a section
without material is left out and the following ones are renumbered.
"""

from __future__ import annotations

from .. import formatting
from ..model import parse_date
from ..outcome import ContestOutcome
from ..stats import AGE_BANDS, EDUCATION_GROUPS, SEXES, UNKNOWN, Stats, aggregate
from .common import Election, Instance, Waiting, cdate, heading_number, split_title

METHOD_TEXT = {
    "all_voters": "全体选民直接投票",
    "household_representative": "每户派代表投票",
    "resident_representative": "居民代表投票",
    "party_meeting": "党员大会选举",
}

PUBLICITY = (
    ("banners", "悬挂横幅{n}条"),
    ("notices", "张贴公告、标语{n}份"),
    ("letters", "发放致选民的一封信{n}份"),
    ("meetings", "召开动员会{n}次"),
)


def _first_turnout(result: ContestOutcome) -> tuple[int, int] | None:
    firsts = [r for r in result.rounds if r.type == "first" and r.turnout_value is not None
              and r.turnout_base is not None]
    return (firsts[-1].turnout_value, firsts[-1].turnout_base) if firsts else None


def _row(label: str, registered: int, participants: int | None, base: int | None, seats: int,
         candidates: int, elected: int, runoffs: int) -> list[str]:
    return [label, str(registered), "—" if participants is None else str(participants),
            formatting.percent(participants, base), str(seats), str(candidates), str(elected), str(runoffs)]


def _contest_rows(e: Election, label_unit: bool) -> list[list[str]]:
    rows = []
    for view, result in e.pairs():
        turnout = _first_turnout(result)
        label = e.unit_short if label_unit else view.name
        if label_unit and e.multi and len(e.views) > 1:
            label = f"{e.unit_short}{view.name}"
        rows.append(_row(label, view.registered or 0, turnout[0] if turnout else None,
                         turnout[1] if turnout else None, view.total_seats, len(view.formal_candidates()),
                         sum(len(n) for n in result.elected.values()),
                         sum(1 for r in result.rounds if r.type == "runoff")))
    return rows


def _structure_groups(stats: Stats) -> list[dict]:
    """Table 2 rows grouped by category (the category cell is merged down its rows)."""
    groups = []

    def add(category: str, counts: dict[str, int], keys) -> None:
        rows = [[key, str(counts.get(key, 0)), stats.share(counts.get(key, 0))] for key in keys]
        if counts.get(UNKNOWN):
            rows.append(["未填", str(counts[UNKNOWN]), stats.share(counts[UNKNOWN])])
        groups.append({"name": category, "rows": rows})

    add("性别", stats.sex, SEXES)
    add("年龄", stats.age, AGE_BANDS)
    add("文化程度", stats.education, EDUCATION_GROUPS)
    groups.append({"name": "政治面貌", "rows": [["中共党员（含预备党员）", str(stats.party), stats.party_share]]})
    groups.append({"name": "连任情况", "rows": [["连任", str(stats.incumbents), stats.incumbent_share]]})
    return groups


def _breakdown(counts: dict[str, int], keys) -> str:
    return "，".join(f"{k}{counts.get(k, 0)}名" for k in keys if counts.get(k, 0))


def _elected_by_post(e: Election) -> str:
    counts: dict[str, int] = {}
    for _, result in e.pairs():
        for post, names in result.elected.items():
            counts[post] = counts.get(post, 0) + len(names)
    return "、".join(f"{post}{n}名" for post, n in counts.items() if n)


def _process_sentence(e: Election) -> str:
    """How the seats were filled: one round, 另行选举, revotes, vacancies."""
    parts = []
    for view, result in e.pairs():
        if not result.rounds:
            continue
        first = result.rounds[0]
        first_elected = sum(len(p.elected) for p in first.posts)
        later = [r for r in result.rounds[1:]]
        where = f"{view.name}" if e.multi and len(e.views) > 1 else ""
        vacant = sum(result.vacant.values())
        if not later and not vacant:
            continue
        text = f"{where}首次投票选出{first_elected}名"
        for rnd in later:
            got = sum(len(p.elected) for p in rnd.posts)
            kind = {"runoff": "另行选举", "revote": "重新投票", "first": "重新选举"}[rnd.type]
            date = parse_date(rnd.date)
            when = "当日" if date and first.date and rnd.date == first.date else (cdate(rnd.date, "") or "随后")
            text += f"，{when}{kind}选出{got}名"
        if vacant:
            text += f"，尚缺{vacant}名"
        parts.append(text)
    return "；".join(parts) + "。" if parts else ""


def _text(text: str) -> dict:
    return {"kind": "text", "text": text, "keep": False}


def _basic_blocks(elections: list[Election], stats: Stats) -> list[dict]:
    """Sentences with the figures, 表1 after the turnout and seats, 表2 after the structure.

    The section always ends with a sentence, never with a table, so the last paragraph can be
    kept with the signature.
    """
    intro: list[dict] = []
    many = len(elections) > 1
    if not many:
        e = elections[0]
        facts = []
        if e.unit.get("groups"):
            noun = "村民小组" if e.kind == "village_committee" else "居民小组"
            facts.append(f"{e.unit['groups']}个{noun}")
        if e.unit.get("households"):
            facts.append(f"{e.unit['households']}户")
        if e.unit.get("population"):
            facts.append(f"{e.unit['population']}人")
        if facts:
            intro.append(_text(f"{e.unit_short}共有{'、'.join(facts)}。"))
        noun, unit = e.elector
        method = METHOD_TEXT.get(e.method or "", "")
        text = f"本次选举{'采取' + method + '方式，' if method else ''}登记{noun}{stats.registered}{unit}"
        if stats.turnout_base:
            lab = e.turnout_labels()
            text += f"，{lab.measure}{stats.participants}{lab.unit}，{lab.rate}{stats.turnout}"
        intro.append(_text(text + "。"))
        posts = _elected_by_post(e)
        if e.kind == "building_leader":
            text = (f"本次选举共{stats.contests}个场次，应选{stats.seats}名，正式候选人{stats.candidates}名，"
                    f"选举产生{posts or e.body + str(stats.elected) + '名'}")
        else:
            text = (f"本次选举应选{stats.seats}名，正式候选人{stats.candidates}名，"
                    f"选举产生{e.body}成员{stats.elected}名" + (f"，其中{posts}" if posts else ""))
        if stats.vacant:
            text += f"，尚缺{stats.vacant}名"
        text += "。" + _process_sentence(e)
        if stats.contests > 1:
            text += (f"{stats.contests_counted}个场次中，{stats.filled_first_round}个首次投票即选出全部名额，"
                     f"一次选举成功率{stats.first_round_success}。")
        intro.append(_text(text))
    else:
        intro.append(_text(f"本次共有{len(elections)}个单位进行换届选举，登记{stats.registered}人（户），"
                           f"参加投票{stats.participants}人（户），参选率{stats.turnout}。"))
        intro.append(_text(
            f"应选{stats.seats}名，正式候选人{stats.candidates}名，当选{stats.elected}名"
            + (f"，尚缺{stats.vacant}名" if stats.vacant else "") + "。"
            f"{stats.contests_counted}个选举场次中，{stats.filled_first_round}个首次投票即选出全部名额，"
            f"一次选举成功率{stats.first_round_success}；另行选举{stats.runoffs_held}次（详见表1）。"))
    rows = []
    for e in elections:
        rows.extend(_contest_rows(e, label_unit=many))
    if len(rows) > 1:
        total_turnout = formatting.percent(stats.participants, stats.turnout_base) if stats.turnout_base else "—"
        rows.append(["合计", str(stats.registered), str(stats.participants) if stats.turnout_base else "—",
                     total_turnout, str(stats.seats), str(stats.candidates), str(stats.elected),
                     str(stats.runoffs_held)])
    table1 = {"kind": "table", "caption": "表1　选举基本情况",
              "header": ["单位或场次" if many else "场次", "登记", "参加投票", "参选率", "应选", "候选人",
                         "当选", "另行选举"],
              "rows": rows}
    if not stats.elected:
        # Nothing to break down: the table, then the sentence on the seats.
        return intro[:-1] + [table1, intro[-1]]
    structure = _text(f"新当选的{stats.elected}名成员中，女性{stats.women}名，占{stats.women_share}；"
                      f"中共党员（含预备党员）{stats.party}名，占{stats.party_share}；"
                      f"连任{stats.incumbents}名，占{stats.incumbent_share}。")
    table2 = {"kind": "groups", "caption": "表2　新当选成员结构",
              "header": ["类别", "项目", "人数", "占当选成员"],
              "groups": _structure_groups(stats)}
    parts = []
    ages = _breakdown(stats.age, AGE_BANDS)
    schooling = _breakdown(stats.education, EDUCATION_GROUPS)
    if ages:
        parts.append(f"年龄结构为{ages}")
    if schooling:
        parts.append(f"文化程度为{schooling}")
    closing = [_text("从表2看，" + "；".join(parts) + "。")] if parts else [structure]
    return intro + [table1] + ([structure] if parts else []) + [table2] + closing


def _narrative(elections: list[Election]) -> dict[str, list[dict]]:
    many = len(elections) > 1
    out: dict[str, list[dict]] = {"practices": [], "problems": [], "next_steps": []}
    for e in elections:
        summary = e.data.get("summary") or {}
        prefix = f"{e.unit_short}：" if many else ""
        publicity = summary.get("publicity") or {}
        said = [template.format(n=publicity[key]) for key, template in PUBLICITY if publicity.get(key) is not None]
        if said:
            out["practices"].append(_text(f"{prefix}广泛宣传发动，{'，'.join(said)}。"))
        for key in out:
            for text in summary.get(key) or []:
                text = str(text).strip()
                if text:
                    out[key].append(_text(prefix + text))
    return out


def build(elections: list[Election], title: str | None = None, author: str | None = None) -> Instance:
    """The work summary of one or many records."""
    if not elections:
        raise Waiting("rounds[].votes", "没有可汇总的选举记录")
    counted = [e for e in elections if any(r.rounds for r in e.outcome.contests)]
    if not counted:
        raise Waiting("rounds[].votes", "尚无计票结果，无法统计选举基本情况")
    stats = aggregate([e.stats for e in counted]) if len(counted) > 1 else counted[0].stats
    many = len(counted) > 1
    first = counted[0]
    if many:
        parents = [list(e.unit.get("parents") or []) for e in counted]
        common: list[str] = []
        for level in zip(*parents):
            if len(set(level)) == 1:
                common.append(level[0])
            else:
                break
        place = common[-1] if common else ""
        bodies = list(dict.fromkeys(e.body for e in counted))
        default_title = [f"{place}{'、'.join(bodies)}", "换届选举工作总结"]
        default_author = place
    else:
        default_title = [first.election_name, "工作总结"]
        default_author = (first.data.get("summary") or {}).get("author") or first.signatory
    # The period: the earliest and latest dates known.
    dates = []
    for e in counted:
        dates.extend(parse_date(v) for v in e.schedule.values())
        dates.append(parse_date((e.committee or {}).get("formed_on")))
        dates.extend(parse_date(r.date) for c in e.outcome.contests for r in c.rounds)
    dates = sorted(d for d in dates if d)
    if many:
        intro = f"{default_author}共有{len(counted)}个单位开展换届选举工作"
    else:
        intro = f"{first.unit_short}开展{first.election_name}工作"
    if dates:
        intro = (f"{cdate(dates[0])}至{cdate(dates[-1])}，" + intro) if dates[0] != dates[-1] else f"{cdate(dates[0])}，{intro}"
    intro += "，依法完成选民登记、候选人提名、投票选举等各项程序。现将有关情况总结如下："
    sections = [{"heading": "", "blocks": _basic_blocks(counted, stats), "name": "基本情况"}]
    narrative = _narrative(counted)
    for key, name in (("practices", "主要做法"), ("problems", "存在问题"), ("next_steps", "下一步打算")):
        if narrative[key]:
            sections.append({"heading": "", "blocks": narrative[key], "name": name})
    for i, section in enumerate(sections):
        section["heading"] = f"{heading_number(1, i + 1)}{section['name']}"
    last = sections[-1]["blocks"][-1]
    if last["kind"] == "text":
        last["keep"] = True  # kept with the signature: it never stands alone on a page
    last_dates = [e.schedule.get("results_published") or e.schedule.get("election_day") for e in counted]
    issue = first.settings.get("issue_date") if not many else None
    date_raw = issue or max((d for d in last_dates if d), default=None)
    ctx = {
        "title_lines": split_title([title] if title else default_title),
        "intro": intro,
        "sections": sections,
        "author": author or default_author or first.signatory,
        "date_text": cdate(date_raw),
        "units": str(len(counted)),
    }
    return Instance("", ctx)


def summary(e: Election) -> list[Instance]:
    return [build([e])]


SUMMARY_VARIABLES = {
    "title_lines": "标题各行（列表）",
    "intro": "导语：时间、单位、工作概况",
    "sections": "各部分（列表）：一、基本情况，以及记录中有素材的 主要做法、存在问题、下一步打算（序号已按实际部分重排），每项：",
    "sections[].heading": "部分标题，如 一、基本情况",
    "sections[].name": "部分名称，如 基本情况",
    "sections[].blocks": "该部分的内容块（列表），每项：",
    "sections[].blocks[].kind": "内容块类型：text 段落；table 八列表格（表1 选举基本情况）；groups 分组的四列表格（表2 新当选成员结构）；heading 小标题",
    "sections[].blocks[].text": "段落文字（kind 为 text 或 heading 时）",
    "sections[].blocks[].keep": "kind 为 text 时：是否与后面的落款保持在同一页（只有全文最后一段为真）",
    "sections[].blocks[].caption": "表格标题（kind 为 table 或 groups 时）",
    "sections[].blocks[].header": "表头各列（列表）",
    "sections[].blocks[].rows": "kind 为 table 时：表格各行（列表的列表），数字和百分比均已算好",
    "sections[].blocks[].groups": "kind 为 groups 时：各组（列表），每项：",
    "sections[].blocks[].groups[].name": "类别，如 性别、年龄（表格中该列向下合并）",
    "sections[].blocks[].groups[].rows": "该类别各行（列表的列表）：项目、人数、占当选成员的比例",
    "author": "落款单位（summary.author，未填时为落款单位；多个记录时为共同的上级）",
    "date_text": "成文日期",
    "units": "汇总的单位（记录）数",
}

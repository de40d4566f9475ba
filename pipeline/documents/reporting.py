"""Context builders of the reports upward: 选举结果报告单, 当选人员花名册 (.docx and .xlsx) and the 备案表."""

from __future__ import annotations

import copy
import io
import os
import zipfile

from .. import formatting
from ..model import parse_date
from ..sheets.columns import column_letter
from ..stats import age_on
from ..words import METHOD_TEXT
from .common import DASH, Election, Instance, Waiting, cdate, common_context, or_dash, split_title, titled, year_month


def township(e: Election) -> str:
    """Whom a unit reports to: the last of its parents (东城街道), else the 上级."""
    parents = e.unit.get("parents") or []
    return str(parents[-1]) if parents else "上级"


def elected_people(e: Election) -> list[dict]:
    """Every person elected, contest by contest and post by post in the record's order, with ready values."""
    day = parse_date(e.schedule.get("election_day"))
    people = []
    for view, result in e.pairs():
        for post in view.seats:
            for name in result.elected.get(post, []):
                c = e.candidate(view, name, post)
                rnd = e.elected_round(result, post, name)
                votes = next(
                    (v for p in (rnd.posts if rnd else []) if p.post == post for n, v in p.tally if n == name), None
                )
                age = age_on(c.get("birth"), day or (parse_date(rnd.date) if rnd else None))
                where = view.name if e.multi else ""
                people.append(
                    {
                        "post": f"{where}{post}",
                        "name": name,
                        "gender": or_dash(c.get("gender")),
                        "ethnicity": or_dash(c.get("ethnicity")),
                        "birth": year_month(c.get("birth")),
                        "born": c.get("birth"),  # as the record has it (YYYY-MM), for a real date in a sheet
                        "age": str(age) if age is not None else DASH,
                        "education": or_dash(c.get("education")),
                        "politics": or_dash(c.get("politics")),
                        "incumbent": _yes_no(c.get("incumbent")),
                        "workplace": or_dash(c.get("workplace")),
                        "votes": str(votes) if votes is not None else DASH,
                    }
                )
    return people


def _yes_no(value: object) -> str:
    return "是" if value is True else "否" if value is False else DASH


def _elected_or_wait(e: Election) -> list[dict]:
    people = elected_people(e)
    if not people:
        raise Waiting("rounds[].votes", "尚无当选人")
    return people


# --------------------------------------------------------------------------------------------
# 31 选举结果报告单
# --------------------------------------------------------------------------------------------


def _seats_text(e: Election) -> str:
    seats: dict[str, int] = {}
    for view in e.views:
        for post, n in view.seats.items():
            seats[post] = seats.get(post, 0) + n
    return "、".join(f"{post}{n}名" for post, n in seats.items())


def report_form(e: Election) -> list[Instance]:
    people = _elected_or_wait(e)
    s = e.stats
    lab = e.turnout_labels()
    noun, unit = e.elector
    women = sum(1 for p in people if p["gender"] == "女")
    party = sum(1 for p in people if p["politics"] in ("中共党员", "中共预备党员"))
    incumbents = sum(1 for p in people if p["incumbent"] == "是")
    ages = [int(p["age"]) for p in people if p["age"].isdigit()]
    average = f"{sum(ages) / len(ages):.1f}岁" if ages else DASH
    rows = [
        ["选举单位", e.unit_name, "选举日期", cdate(e.schedule.get("election_day"), blank=DASH)],
        ["选举方式", METHOD_TEXT.get(e.method or "", DASH), "应选名额", _seats_text(e) or DASH],
        [f"登记{noun}", f"{s.registered}{unit}", lab.measure, f"{s.participants}{unit}"],
        [lab.rate, formatting.percent(s.participants, s.turnout_base, s.places), "正式候选人", f"{s.candidates}名"],
        ["当选人数", f"{len(people)}名", "缺额", f"{s.vacant}名"],
        ["其中女性", f"{women}名", "中共党员", f"{party}名"],
        ["连任", f"{incumbents}名", "平均年龄", average],
    ]
    ctx = common_context(e) | {
        "title_lines": split_title(titled(e.election_name, "选举结果报告单")),
        "to": f"报送：{township(e)}",
        "rows": rows,
        "people": people,
        "reporter": f"填报单位（盖章）：{e.signatory}",
        "contact": "填报人：　　　　　　联系电话：" + str(e.settings.get("contact") or ""),
        "date_text": e.date("reported_on"),
    }
    return [Instance("", ctx)]


REPORT_VARIABLES = {
    "to": "报送单位，如 报送：东城街道（unit.parents 的最后一项）",
    "rows": "基本情况表各行（列表），每行 4 格 [项目, 数值, 项目, 数值]：单位、日期、方式、名额、登记、参加投票、参选率、"
    "候选人、当选、缺额、女性、党员、连任、平均年龄",
    "people": "当选人员（列表，按场次、职位），每项：",
    "people[].post": "职务（多场次时带场次名，如 1号楼楼栋长）",
    "people[].name": "姓名",
    "people[].gender": "性别",
    "people[].ethnicity": "民族",
    "people[].birth": "出生年月，如 1972年5月",
    "people[].born": "出生年月，照记录所写，如 1972-05",
    "people[].age": "选举日的周岁年龄",
    "people[].education": "文化程度",
    "people[].politics": "政治面貌",
    "people[].incumbent": "是否连任：是、否或 —",
    "people[].workplace": "工作单位及职务",
    "people[].votes": "当选那一轮的得票数",
    "reporter": "填报单位（盖章）",
    "contact": "填报人和联系电话（documents.contact）",
}

# --------------------------------------------------------------------------------------------
# 32 当选人员花名册
# --------------------------------------------------------------------------------------------

ROSTER_COLUMNS = (
    ("序号", 6),
    ("职务", 14),
    ("姓名", 10),
    ("性别", 6),
    ("民族", 8),
    ("出生年月", 12),
    ("年龄", 6),
    ("文化程度", 10),
    ("政治面貌", 12),
    ("是否连任", 8),
    ("得票数", 8),
    ("工作单位及职务", 28),
)


def roster(e: Election) -> list[Instance]:
    people = _elected_or_wait(e)
    ctx = common_context(e) | {
        "title_lines": split_title(titled(e.election_name, "当选人员花名册")),
        "people": [p | {"no": str(i + 1)} for i, p in enumerate(people)],
        "reporter": f"填报单位（盖章）：{e.signatory}",
        "date_text": e.date("reported_on"),
    }
    return [Instance("", ctx)]


def roster_row(p: dict) -> list[str]:
    """One person as the .xlsx lists them, in ROSTER_COLUMNS order."""
    keys = ("no", "post", "name", "gender", "ethnicity", "birth", "age", "education", "politics", "incumbent")
    return [p[k] for k in keys] + [p["votes"], p["workplace"]]


def roster_xlsx(context: dict) -> bytes:
    """当选人员花名册.xlsx from the roster's context: A4 landscape, title row, header repeated on every page.

    Written directly (`_roster_direct`) when every value is plain text, else through openpyxl; the same bytes."""
    title = "".join(context["title_lines"])
    rows = [roster_row(person) for person in context["people"]]
    footer = [context["reporter"], "", "", "", "", "", "", "", "", context["date_text"]]
    direct = _roster_direct(title, rows, footer)
    return direct if direct is not None else _roster_openpyxl(title, rows, footer)


def _roster_openpyxl(title: str, rows: list[list], footer: list) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    table_sheet(sheet, "当选人员花名册", title, ROSTER_COLUMNS, rows, footer=footer)
    return stable_xlsx(book)


# --- the roster written without openpyxl -------------------------------------------------------------------------
# openpyxl spends 5 ms on a roster of five people (styles, a temporary file per worksheet, the theme), 8 % of a
# unit's batch time. Every part of the roster but its rows is the same for every roster with at least one person:
# those parts are taken, once per process, from a roster openpyxl makes of one placeholder person (`_skeleton`);
# the rows are written here as openpyxl writes them (inline strings, the title, header and body styles 1, 2 and 3,
# non-ASCII characters as character references). Values openpyxl would treat otherwise (not text, a formula, an
# error code, control characters) take the openpyxl path. tests/test_speed_paths.py compares both.
_SKELETON: dict[str, object] = {}
_ROSTER_STYLES = (1, 2, 3)  # the style indexes of the title cell, the header cells and the body cells
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))


def _plain(value: object) -> bool:
    """Whether openpyxl stores `value` as an inline string written exactly as `_xml_text` writes it."""
    if not isinstance(value, str):
        return False
    if value.startswith("=") or value in _ERROR_CODES:
        return False
    return not any(ch < " " or ch == "\x7f" for ch in value)


def _xml_text(value: str) -> str:
    out = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if out.isascii():
        return out
    return "".join(ch if ord(ch) < 128 else f"&#{ord(ch)};" for ch in out)


def _cell(ref: str, value: str, style: int | None) -> str:
    styled = f' s="{style}"' if style is not None else ""
    if value == "":
        return f'<c r="{ref}"{styled} t="inlineStr"></c>'
    space = ' xml:space="preserve"' if value != value.strip() else ""  # as openpyxl marks spaces around
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t{space}>{_xml_text(value)}</t></is></c>'


def _sheet_rows(title: str, rows: list[list], footer: list) -> tuple[str, int]:
    """The roster's <sheetData> content and its last row number."""
    title_style, head_style, body_style = _ROSTER_STYLES
    out = [f'<row r="1">{_cell("A1", title, title_style)}</row>']
    lines = [([name for name, _ in ROSTER_COLUMNS], head_style), *((row, body_style) for row in rows)]
    for number, (values, style) in enumerate(lines, 2):
        cells = "".join(_cell(f"{column_letter(i)}{number}", v, style) for i, v in enumerate(values))
        out.append(f'<row r="{number}">{cells}</row>')
    last = len(lines) + 1 + 2  # a blank row (written as none), then the footer
    cells = "".join(_cell(f"{column_letter(i)}{last}", v, None) for i, v in enumerate(footer))
    out.append(f'<row r="{last}">{cells}</row>')
    return "".join(out), last


def _skeleton() -> dict[str, object]:
    """The parts of a roster that do not depend on its rows, from openpyxl (once per process)."""
    if not _SKELETON:
        person = ["x"] * len(ROSTER_COLUMNS)
        made = _roster_openpyxl("x", [person], ["x", *[""] * 8, "x"])
        entries = []
        with zipfile.ZipFile(io.BytesIO(made)) as archive:
            for info in archive.infolist():
                entries.append((info.filename, archive.read(info.filename)))
        sheet = dict(entries)["xl/worksheets/sheet1.xml"].decode("utf-8")
        head, rest = sheet.split("<sheetData>", 1)
        _, tail = rest.split("</sheetData>", 1)
        dimension = (
            f'<dimension ref="A1:{column_letter(len(ROSTER_COLUMNS) - 1)}5"/>'  # title, header, x, blank, footer
        )
        assert dimension in head
        before, after = head.split(dimension, 1)
        _SKELETON.update(entries=entries, before=before, after=after, tail=tail)
    return _SKELETON


def _roster_direct(title: str, rows: list[list], footer: list) -> bytes | None:
    if not rows or len(footer) > len(ROSTER_COLUMNS) or any(len(row) != len(ROSTER_COLUMNS) for row in rows):
        return None
    if not all(_plain(v) for v in [title, *footer, *(v for row in rows for v in row)]):
        return None
    skeleton = _skeleton()
    data, last = _sheet_rows(title, rows, footer)
    sheet = (
        f'{skeleton["before"]}<dimension ref="A1:{column_letter(len(ROSTER_COLUMNS) - 1)}{last}"/>{skeleton["after"]}'
        f"<sheetData>{data}</sheetData>{skeleton['tail']}"
    )
    out = io.BytesIO()
    with _StableZip(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, member in skeleton["entries"]:  # type: ignore[attr-defined]
            archive.writestr(name, sheet.encode("utf-8") if name == "xl/worksheets/sheet1.xml" else member)
    return out.getvalue()


def table_sheet(
    sheet,
    name: str,
    title: str,
    columns: tuple[tuple[str, int], ...] | list[tuple[str, int]],
    rows: list[list],
    footer: list | None = None,
    landscape: bool = True,
    formats: dict[int, str] | None = None,
    left: tuple[int, ...] = (),
    note: str | None = None,
) -> None:
    """Lay one table out on `sheet` for people (the roster's .xlsx and `huanjie export` share it).

    Row 1 is `title` merged across the columns; row 2 the bold header, frozen and repeated on every printed
    page; then `rows`, thin borders, centred (the 0-based columns in `left` aligned left), wrapped, in 仿宋.
    `formats` maps a 0-based column to an Excel number format (dates, percentages). `footer` is a row after a
    blank one (the roster's 填报单位 and date); `note` a line under the table, merged across and wrapped. A4, fit
    to the page width, landscape unless told otherwise.
    """
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.title = name
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet["A1"].font = Font(name="仿宋", bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([column for column, _ in columns])
    for row in rows:
        sheet.append(row)
    thin = Side(style="thin")
    formats = formats or {}
    # A cell's style is a few indexes into the workbook's lists of fonts, borders, alignments and formats. The first
    # cell of each combination is styled through openpyxl (which finds or adds the entries, in the same order as
    # ever); the others get a copy of its indexes: the same workbook, without hashing three style objects per cell.
    styled: dict[tuple[str, bool, str | None], StyleArray] = {}
    for line in sheet.iter_rows(min_row=2):
        for index, cell in enumerate(line):
            side = "left" if cell.row > 2 and index in left else "center"
            number = formats[index] if cell.row > 2 and index in formats and not isinstance(cell.value, str) else None
            key = (side, cell.row == 2, number)
            done = styled.get(key)
            if done is not None:
                cell._style = copy.copy(done)
                continue
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(horizontal=side, vertical="center", wrap_text=True)
            cell.font = Font(name="仿宋", size=11, bold=cell.row == 2)
            if number is not None:
                cell.number_format = number
            styled[key] = copy.copy(cell._style)
    for index, (_, width) in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if footer is not None:
        sheet.append([])
        sheet.append(footer)
    if note is not None:
        sheet.append([note])
        row = sheet.max_row
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(columns))
        cell = sheet.cell(row=row, column=1)
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        cell.font = Font(name="仿宋", size=10)
        total = sum(width for _, width in columns)
        sheet.row_dimensions[row].height = 15 * (1 + (2 * len(note)) // max(total, 1))
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "2:2"
    sheet.print_options.horizontalCentered = True
    sheet.freeze_panes = "A3"


# The one time stamp a made .xlsx carries (document properties and zip entries), so that the same record gives the
# same bytes on every run and in every worker (batch's manifest compares them; resume-by-hash relies on them).
_XLSX_TIME = (2000, 1, 1, 0, 0, 0)


def stable_xlsx(book) -> bytes:
    """The workbook's bytes without the time of writing: openpyxl stamps `modified` and every zip entry with now.

    Every entry is written once, as openpyxl hands it over, under `_XLSX_TIME` (no second zip to copy it into)."""
    import datetime as dt

    from openpyxl.writer.excel import ExcelWriter

    when = dt.datetime(*_XLSX_TIME)
    book.properties.created = book.properties.modified = when
    out = io.BytesIO()
    with _StableZip(out, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return out.getvalue()


class _StableZip(zipfile.ZipFile):
    """A zip whose entries all carry `_XLSX_TIME`, deflated, no file attributes: what openpyxl's entries became when
    they were copied into a second zip under fixed `ZipInfo`s (the same bytes, without the copy)."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None) -> None:  # type: ignore[override]
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        entry = zipfile.ZipInfo(name, date_time=_XLSX_TIME)
        entry.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(entry, data.encode("utf-8") if isinstance(data, str) else data)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None) -> None:  # type: ignore[override]
        with open(filename, "rb") as handle:
            self.writestr(arcname or os.path.basename(filename), handle.read())


ROSTER_VARIABLES = {
    "people": "当选人员（列表，按场次、职位），每项同 选举结果报告单 的 people[]，另有：",
    "people[].no": "序号",
    "people[].post": "职务",
    "people[].name": "姓名",
    "people[].gender": "性别",
    "people[].ethnicity": "民族",
    "people[].birth": "出生年月",
    "people[].born": "出生年月，照记录所写，如 1972-05",
    "people[].age": "年龄",
    "people[].education": "文化程度",
    "people[].politics": "政治面貌",
    "people[].incumbent": "是否连任",
    "people[].votes": "得票数",
    "people[].workplace": "工作单位及职务",
    "reporter": "填报单位（盖章）",
}


# --------------------------------------------------------------------------------------------
# 33 备案表
# --------------------------------------------------------------------------------------------


FILING_FIELDS = ("post", "name", "gender", "age", "politics", "education")


def filing(e: Election) -> list[Instance]:
    """The 备案表 the profile names (`filing`): one page to the 街道/乡镇, which files and does not review."""
    f = e.profile.filing
    if f is None:
        return []
    people = _elected_or_wait(e)
    s = e.stats
    noun, unit = e.elector
    to = township(e) if e.unit.get("parents") else f.to
    rows = [
        ["单位", e.unit_name, "选举组织", e.body],
        ["届次", e.term or DASH, "选举日期", cdate(e.schedule.get("election_day"), blank=DASH)],
        ["选举方式", METHOD_TEXT.get(e.method or "", DASH), "应选名额", _seats_text(e) or DASH],
        [f"登记{noun}", f"{s.registered}{unit}", "参加投票", f"{s.participants}{unit}"],
    ]
    ctx = common_context(e) | {
        "title_lines": split_title(titled(e.election_name, f.title)),
        "to": f"备案机关：{to}",
        "rows": rows,
        "people": [{"no": str(i + 1)} | {k: p[k] for k in FILING_FIELDS} for i, p in enumerate(people)],
        "statement": f"以上{len(people)}名人员经{e.election_name}依法选举产生，现报{to}备案。",
        "reporter": f"报送单位（盖章）：{e.signatory}",
        "receiver": f"备案机关（盖章）：{to}　　备案登记人：",
        "date_text": e.date("reported_on"),
    }
    return [Instance("", ctx)]


FILING_VARIABLES = {
    "to": "备案机关，如 备案机关：新城街道（unit.parents 的最后一项；没有时为规则配置 filing.to）",
    "rows": "基本情况各行（列表），每行 4 格 [项目, 数值, 项目, 数值]：单位、组织、届次、日期、方式、名额、登记、参加投票",
    "people": "当选人员（列表，按场次、职位），每项：",
    "people[].no": "序号",
    "people[].post": "职务（多场次时带场次名，如 1号楼楼栋长）",
    "people[].name": "姓名",
    "people[].gender": "性别",
    "people[].age": "选举日的周岁年龄",
    "people[].politics": "政治面貌",
    "people[].education": "文化程度",
    "statement": "报备案的说明：人数、选举名称、备案机关",
    "reporter": "报送单位（盖章）",
    "receiver": "备案机关（盖章）和备案登记人",
}

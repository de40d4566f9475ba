"""The upward 统计表 of a level: 换届选举情况统计表.xlsx, one row per unit (or township), a totals row, print setup.

The layout of a 村（居）民委员会换届选举情况统计表: a title, who reports and when, then per row the electorate of
each kind in its own columns (登记选民 / 户代表 / 居民代表 / 应到会党员, never added across kinds), seats,
candidates, elected, vacancies, 另行选举, 一次选举成功, the 主任 (or 书记) figures, and the structure of the members
elected (sex, party, age bands, 平均年龄, schooling, 连任, 新当选). Every value is computed here (no formula, so
a viewer that does not calculate shows the same figures); shares are numbers with the level's places as their
format. `table_rows` gives the same figures for report.json.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipeline.documents.summary import Digest
from pipeline.formatting import chinese_date, ratio
from pipeline.fsutil import write_atomic
from pipeline.stats import AGE_BANDS, EDUCATION_GROUPS, UNKNOWN, Stats

__all__ = ["STATSHEET_FILE", "Column", "columns", "table_rows", "write_statsheet"]

STATSHEET_FILE = "换届选举情况统计表.xlsx"

# The electorate of each kind, as the sheet's column heads: (登记…, 参加…, rate).
_HEADS = {
    "all_voters": ("登记选民", "参加投票", "参选率"),
    "household_representative": ("登记户代表", "参加投票户代表", "参选率"),
    "resident_representative": ("居民代表", "参加投票居民代表", "参选率"),
    "villager_representative": ("村民代表", "参加投票村民代表", "参选率"),
    "leaders_and_representatives": ("楼栋长和居民代表", "参加投票", "参选率"),
    "present": ("应到会党员", "实到会党员", "到会率"),
    "deputy": ("人大代表选举登记选民", "参加投票", "参选率"),
    "": ("登记", "参加投票", "参选率"),
}


@dataclass(frozen=True)
class Column:
    """One column: its head, width, how a row's value is read, and whether it is a share (shown as a percent)."""

    head: str
    width: int
    value: Callable[[Digest], Any]  # a count, a (numerator, denominator) share, a label, or None
    figure: str = ""  # a share: the figure whose places it uses (`stats.FIGURES`); "" for a count


def _electorates(d: Digest) -> dict[str, list[int]]:
    s = d.stats
    return d.electorates or {"": [d.units, s.registered, s.turnout_base, s.participants]}


def _head_post(children: list[Digest]) -> str:
    for post in ("主任", "书记"):
        if any(c.by_post.get(post, {}).get("elected") for c in children):
            return post
    return ""


def columns(children: list[Digest]) -> list[Column]:
    """The columns of a level's sheet: electorate columns only for the kinds it holds, 主任 columns if any."""
    kinds = list(dict.fromkeys(k for c in children for k in _electorates(c)))
    cols = [Column("单位", 16, lambda d: d.label)]
    for key, head in (("groups", "小组数"), ("population", "总人口")):
        if any(c.facts.get(key, [0, 0])[1] for c in children):
            cols.append(Column(head, 8 if key == "groups" else 9, _reader(_fact, key)))
    for key in kinds:
        registered, voted, rate = _HEADS.get(key, _HEADS[""])

        cols += [
            Column(registered, 10, _reader(_registered, key)),
            Column(voted, 10, _reader(_voted, key)),
            Column(rate, 9, _reader(_pair, key), "turnout"),
        ]
    cols += [
        Column("应选", 7, lambda d: d.stats.seats),
        Column("正式候选人", 8, lambda d: d.stats.candidates),
        Column("当选", 7, lambda d: d.stats.elected),
        Column("缺额", 7, lambda d: d.stats.vacant),
        Column("组织委派", 7, lambda d: d.stats.appointed),
        Column("另行选举（次）", 8, lambda d: d.stats.runoffs_held),
        Column("重新选举（场次）", 8, lambda d: d.stats.contests_rerun),
        Column("选举场次", 7, lambda d: d.stats.contests_counted),
        Column("一次选举成功", 8, lambda d: d.stats.filled_first_round),
        Column("一次选举成功率", 9, lambda d: (d.stats.filled_first_round, d.stats.contests_counted), "success"),
    ]
    post = _head_post(children)
    if post:
        cols += [
            Column(f"{post}应选", 7, lambda d: d.by_post.get(post, {}).get("seats", 0)),
            Column(f"{post}当选", 7, lambda d: d.by_post.get(post, {}).get("elected", 0)),
            Column(f"{post}中党员", 7, lambda d: d.by_post.get(post, {}).get("party", 0)),
            Column(f"{post}连任", 7, lambda d: d.by_post.get(post, {}).get("incumbents", 0)),
        ]
    cols += [
        Column("新当选成员", 8, lambda d: d.stats.members),
        Column("男", 6, lambda d: d.stats.sex.get("男", 0)),
        Column("女", 6, lambda d: d.stats.women),
        Column("女性占比", 8, lambda d: (d.stats.women, d.stats.members), "women"),
        Column("中共党员", 7, lambda d: d.stats.party),
        Column("党员占比", 8, lambda d: (d.stats.party, d.stats.members), "party"),
        *(Column(band, 8, _reader(_age, band)) for band in _keys(children, "age", AGE_BANDS)),
        Column("平均年龄", 7, lambda d: d.stats.average_age if d.stats.age_known else None),
        *(Column(group, 8, _reader(_school, group)) for group in _keys(children, "education", EDUCATION_GROUPS)),
        Column("连任", 6, lambda d: d.stats.incumbents),
        Column("新当选", 6, lambda d: d.stats.members - d.stats.incumbents),
    ]
    return cols


def _keys(children: list[Digest], name: str, default: tuple[str, ...]) -> list[str]:
    """The bands (or groups) of the level's rows: its own when rebanded (`stats.rebanded`), else the default."""
    for c in children:
        return [k for k in getattr(c.stats, name) if k != UNKNOWN]
    return list(default)


def _reader(read: Callable[[Digest, str], Any], key: str) -> Callable[[Digest], Any]:
    return lambda d: read(d, key)


def _age(d: Digest, band: str) -> int:
    return d.stats.age.get(band, 0)


def _school(d: Digest, group: str) -> int:
    return d.stats.education.get(group, 0)


def _fact(d: Digest, key: str) -> int | None:
    """A unit fact summed over the row (`Digest.facts`); "—" when no unit of the row gives it."""
    found = d.facts.get(key)
    return found[0] if found and found[1] else None


def _voted(d: Digest, key: str) -> int | None:
    found = _electorates(d).get(key)
    return found[3] if found else None


def _registered(d: Digest, key: str) -> int | None:
    found = _electorates(d).get(key)
    if not found:
        return None
    return found[2] if key == "present" else found[1]


def _pair(d: Digest, key: str) -> tuple[int, int] | None:
    found = _electorates(d).get(key)
    return (found[3], found[2]) if found and found[2] else None


def _share(value: tuple[int, int] | None, places: int) -> float | None:
    if not value or not value[1]:
        return None
    return float(ratio(value[0] * 100, value[1], places)) / 100


def table_rows(children: list[Digest], total: Digest, stats: Stats) -> dict:
    """The sheet's figures for report.json: heads, one row per child and the totals row (shares as "97.06%")."""
    cols = columns(children)

    def show(col: Column, d: Digest) -> Any:
        value = col.value(d)
        if col.figure:
            if not isinstance(value, tuple) or not value[1]:
                return None
            return f"{ratio(value[0] * 100, value[1], stats.places_for(col.figure))}%"
        return value

    return {
        "columns": [c.head for c in cols],
        "rows": [[show(c, d) for c in cols] for d in children],
        "total": [show(c, total) if i else "合计" for i, c in enumerate(cols)],
    }


def write_statsheet(
    path: str, where: str, children: list[Digest], total: Digest, stats: Stats, date: str | None = None
) -> None:
    """Write the 统计表 of one level (`children`: its units or townships; `total`: their area digest) atomically."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    cols = columns(children)
    book = Workbook()
    sheet = book.active
    sheet.title = "统计表"
    fixed = dt.datetime(2026, 1, 1)
    book.properties.creator = "huanjie"
    book.properties.created = fixed
    book.properties.modified = fixed
    last = get_column_letter(len(cols))
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = f"{where}换届选举情况统计表"
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"] = f"填报单位：{where}" + (f"　　　　填报日期：{chinese_date(date)}" if date else "")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, col in enumerate(cols, 1):
        cell = sheet.cell(row=3, column=i, value=col.head)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = centre
        cell.border = border
        sheet.column_dimensions[get_column_letter(i)].width = col.width
    sheet.row_dimensions[3].height = 45

    def put(row: int, d: Digest, label: str | None = None) -> None:
        for i, col in enumerate(cols, 1):
            value: Any = col.value(d) if label is None or i > 1 else label
            if col.figure:
                places = stats.places_for(col.figure)
                value = _share(value if isinstance(value, tuple) else None, places)
                cell = sheet.cell(row=row, column=i, value=value if value is not None else "—")
                cell.number_format = "0" + ("." + "0" * places if places else "") + "%"
            elif col.head == "平均年龄" and value not in (None, "—"):
                cell = sheet.cell(row=row, column=i, value=float(value))  # type: ignore[arg-type]
                cell.number_format = "0.0"
            else:
                cell = sheet.cell(row=row, column=i, value="—" if value is None else value)
            cell.border = border
            cell.alignment = centre if i > 1 else Alignment(vertical="center", wrap_text=True)

    for n, d in enumerate(children):
        put(4 + n, d)
    total_row = 4 + len(children)
    put(total_row, total, "合计")
    for i in range(1, len(cols) + 1):
        sheet.cell(row=total_row, column=i).font = Font(bold=True)
    sheet.cell(
        row=total_row + 1,
        column=1,
        value="注：各类选举的登记、参加人数分列，不相加；比例均由合计人数计算，不是各单位比例的平均。",
    )
    sheet.freeze_panes = "B4"
    sheet.print_title_rows = "1:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.print_area = f"A1:{last}{total_row + 1}"
    write_atomic(path, _deterministic(book), overwrite=True)


def _deterministic(book) -> bytes:
    """The workbook's bytes with every zip member dated 2026-01-01: the same figures give the same file."""
    import io
    import re
    import zipfile

    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped,
    ):
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving as modified
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
            zipped.writestr(member, data)
    return out.getvalue()

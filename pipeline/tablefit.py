"""Table layout fixed when a document is rendered: columns widened so no name breaks, small tables kept together.

Render calls `fit` on every rendered part with a table (``word/document.xml``); it works on the values
actually written, which only render knows:

* **No name broken in a cell.** A data cell the template marks ``w:noWrap`` (姓名, 民族, 性别, 出生年月,
  得票数) must hold its text on one line. Its column is widened to the longest such value (width
  estimated from the characters: CJK and full-width 1 em, Latin, digits and the name dot ``·`` ½ em,
  plus the cell's side margins and a little slack); the width comes from the spare room of the other
  no-wrap columns and from the columns that may wrap (文化程度, 工作单位, 推荐方式 …), none of which goes
  below `MIN_CHARS` characters; the smallest needs (民族, dates) are met first. A no-wrap column grows to
  `MAX_SHARE` of the table at most; a value still too wide (a long ·-name) is set smaller, never below
  `MIN_SIZE`. The table keeps its total width.
* **Small tables kept together.** In a table of at most `KEEP_ROWS` rows every paragraph of every row
  but the last keeps with the next one (rows are ``cantSplit`` already), so the table moves to the next
  page whole instead of leaving one row behind, unless its estimated height is over `SPLIT_SHARE` of the
  type area: such a table may split between rows (it would otherwise leave most of a page empty), its
  header row kept with the first data row and repeated (``w:tblHeader``) on every page. In a longer table
  each group of rows merged down its first column (``w:vMerge``: one 职位) is kept together the same way;
  a group longer than `KEEP_ROWS` is cut into even chunks, each restarting the merge with the label, so a
  page breaks only between chunks and the merged label is on every page the group covers.
"""

from __future__ import annotations

import copy
import functools
import math
import unicodedata

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"

KEEP_ROWS = 6  # a table (or a merged group) of at most this many rows, header included, is never split
MIN_SIZE = 9.0  # pt: the smallest size a cell is shrunk to
SLACK = 120  # twips (6 pt) of room besides the cell margins, for rounding and kerning
MAX_SHARE = 0.28  # a no-wrap column grows to at most this share of the table; longer values are set smaller
AUTOSPACE = 0.2  # em added where CJK meets Latin letters or digits ("1977年12月")
MIN_CHARS = 2  # a column that may wrap keeps at least this many characters
DEFAULT_MARGIN = 108  # twips: Word's default left/right cell margin when the table sets none
# The sizes (pt) of the table styles of the templates (tools/make_templates.py).
STYLE_SIZES = {
    "GwTableText": 12.0,
    "GwTableHead": 12.0,
    "GwTableText14": 14.0,
    "GwTableHead14": 14.0,
    "GwBallotText": 16.0,
    "GwBallotHead": 16.0,
}
DEFAULT_SIZE = 12.0
# Exact line heights (pt) of those styles.
STYLE_LINES = {
    "GwTableText": 20.0,
    "GwTableHead": 20.0,
    "GwTableText14": 22.0,
    "GwTableHead14": 22.0,
    "GwBallotText": 24.0,
    "GwBallotHead": 24.0,
}
TYPE_AREA_H = 16838 - 2098 - 1984  # twips: the GB/T 9704 type area's height (225 mm)
SPLIT_SHARE = 1 / 3  # a table taller than this share of the type area may split between rows

__all__ = ["fit", "fit_tree", "text_width", "KEEP_ROWS", "MIN_SIZE"]


def _q(tag: str) -> str:
    return _W + tag


# Tags and paths built once (they are looked up for every cell and paragraph of every rendered table).
_TR, _TC, _P, _T, _R = _q("tr"), _q("tc"), _q("p"), _q("t"), _q("r")
_VAL, _WIDTH = _q("val"), _q("w")
_TC_PR, _GRID_SPAN, _NO_WRAP, _TC_W = _q("tcPr"), _q("gridSpan"), _q("noWrap"), _q("tcW")
_P_PR, _P_STYLE_TAG, _R_PR, _SZ = _q("pPr"), _q("pStyle"), _q("rPr"), _q("sz")
_V_MERGE, _TR_PR, _TR_HEIGHT = _q("vMerge"), _q("trPr"), _q("trHeight")
_TBL_GRID, _GRID_COL, _TYPE = _q("tblGrid"), _q("gridCol"), _q("type")
_TBL_PR, _TBL_CELL_MAR = _q("tblPr"), _q("tblCellMar")
_LEFT, _RIGHT, _TOP, _BOTTOM = _q("left"), _q("right"), _q("top"), _q("bottom")


def _first(el: etree._Element, parent: str, child: str) -> etree._Element | None:
    """``el.find("parent/child")`` walked with lxml's C iterators (the ElementPath parse cost per call was a tenth
    of rendering): the first `child` of the first `parent` child of `el` that has one, in document order."""
    for outer in el.iterchildren(parent):
        for inner in outer.iterchildren(child):
            return inner
    return None


def _child(el: etree._Element, tag: str) -> etree._Element | None:
    """``el.find(tag)`` for a plain tag: its first child `tag`, through lxml's C iterator."""
    for child in el.iterchildren(tag):
        return child
    return None


def _run_size(p: etree._Element) -> etree._Element | None:
    """``p.find(".//w:r/w:rPr/w:sz")``: the first run (at any depth) whose properties set a size, its w:sz."""
    for run in p.iter(_R):
        if run is p:
            continue
        for props in run.iterchildren(_R_PR):
            for sz in props.iterchildren(_SZ):
                return sz
    return None


@functools.lru_cache(maxsize=1 << 16)
def text_width(text: str, size: float) -> int:
    """Estimated width in twips of `text` set at `size` pt (CJK 1 em; Latin, digits and ``·`` ½ em).

    Cached: the same names and values recur in every document of a unit (and the function is pure)."""
    ems = 0.0
    last: bool | None = None
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in "WF"
        ems += 1.0 if wide else 0.5
        if last is not None and wide != last and not ch.isspace():
            ems += AUTOSPACE  # LibreOffice (and Word's autoSpaceDE/DN) space CJK from Latin and digits
        last = wide
    return math.ceil(ems * size * 20)


def fit(xml: str) -> str:
    """The part `xml` with its tables fitted (see the module text); unchanged when it has no table."""
    if "<w:tbl>" not in xml and "<w:tbl " not in xml:
        return xml
    root = etree.fromstring(xml.encode("utf-8"))
    if not fit_tree(root):
        return xml
    return etree.tostring(root, encoding="unicode")


def fit_tree(root: etree._Element) -> bool:
    """Fits every table under `root` in place; True when anything changed."""
    changed = False
    for tbl in root.iter(_q("tbl")):
        table = _Table(tbl)
        changed |= _fit_widths(table)
        changed |= _keep_together(table)
    return changed


# --- widths --------------------------------------------------------------------------------------
class _Cell:
    """One cell as the fitting reads it: its row, grid column and span, its tcPr children that matter, and
    (read when first asked for, again only after its font size changed) its paragraphs' sizes and widths."""

    __slots__ = ("row", "col", "span", "tc", "no_wrap", "tcw", "merge", "_paras")

    def __init__(self, row: int, col: int, span: int, tc: etree._Element, no_wrap: bool, tcw, merge):
        self.row, self.col, self.span, self.tc = row, col, span, tc
        self.no_wrap, self.tcw, self.merge = no_wrap, tcw, merge
        self._paras: list[tuple[etree._Element, float, int]] | None = None

    def paragraphs(self) -> list[tuple[etree._Element, float, int]]:
        """(paragraph, size pt, width twips) of every paragraph of the cell with text (`_paragraph_widths`)."""
        if self._paras is None:
            self._paras = _paragraph_widths(self.tc)
        return self._paras

    def changed(self) -> None:
        """The cell's sizes were changed: its paragraphs are read again when next asked for."""
        self._paras = None


class _Table:
    """A table read once for both passes (widths, then keeping rows together): its rows, grid, margins and
    cells. Nothing in the passes adds, removes or re-spans a cell before the last reader is done: widths change
    gridCol and tcW only (and the sizes of cells it shrinks, which it marks `_Cell.changed`); re-labelling a long
    merged group happens only in a table too long for its height to be estimated."""

    def __init__(self, tbl: etree._Element):
        self.tbl = tbl
        self.rows = list(tbl.iterchildren(_TR))
        self.grid = _child(tbl, _TBL_GRID)
        self.cols = (
            [int(c.get(_WIDTH, "0")) for c in self.grid.iterchildren(_GRID_COL)] if self.grid is not None else []
        )
        side = [DEFAULT_MARGIN, DEFAULT_MARGIN]
        pads = [0, 0]
        mar = _first(tbl, _TBL_PR, _TBL_CELL_MAR)  # as find("tblPr/tblCellMar")
        if mar is not None:
            for index, edge in enumerate((_LEFT, _RIGHT)):
                el = _child(mar, edge)
                if el is not None:
                    side[index] = int(el.get(_WIDTH, DEFAULT_MARGIN))
            for index, edge in enumerate((_TOP, _BOTTOM)):
                el = _child(mar, edge)
                if el is not None:
                    pads[index] = int(el.get(_WIDTH, "0"))
        self.margins, self.pads = side[0] + side[1], pads[0] + pads[1]
        self.cells: list[_Cell] = []
        self.merges: list[str] = []  # per row: its first cell's vMerge ("", "restart" or "continue")
        for index, tr in enumerate(self.rows):
            col = 0
            first = True
            merge = ""
            for tc in tr.iterchildren(_TC):
                span_el = tcw = vmerge = None
                no_wrap = False
                for props in tc.iterchildren(_TC_PR):  # as find("tcPr/gridSpan"), find("tcPr/noWrap") … would
                    for el in props.iterchildren(_GRID_SPAN, _NO_WRAP, _TC_W, _V_MERGE):
                        tag = el.tag
                        if tag == _GRID_SPAN:
                            span_el = el if span_el is None else span_el
                        elif tag == _NO_WRAP:
                            no_wrap = True
                        elif tag == _TC_W:
                            tcw = el if tcw is None else tcw
                        elif vmerge is None:
                            vmerge = el
                span = int(span_el.get(_VAL, "1")) if span_el is not None else 1
                if first:
                    merge = "" if vmerge is None else vmerge.get(_VAL, "continue")
                    first = False
                self.cells.append(_Cell(index, col, span, tc, no_wrap, tcw, merge))
                col += span
            self.merges.append(merge)


def _size(p: etree._Element) -> float:
    sz = _run_size(p)
    if sz is not None:
        return int(sz.get(_VAL, "24")) / 2
    style = _first(p, _P_PR, _P_STYLE_TAG)
    return STYLE_SIZES.get(style.get(_VAL, "") if style is not None else "", DEFAULT_SIZE)


def _paragraph_widths(tc: etree._Element) -> list[tuple[etree._Element, float, int]]:
    out = []
    for p in tc.iterchildren(_P):
        text = "".join(p.itertext(_T, with_tail=False))  # the w:t texts, as "".join(t.text or "" …) reads them
        if text:
            size = _size(p)
            out.append((p, size, text_width(text, size)))
    return out


def _fit_widths(table: _Table) -> bool:
    cols = table.cols
    if table.grid is None or not cols:
        return False
    margins = table.margins + SLACK
    need = [0] * len(cols)
    cells = table.cells
    nowrap_cols = {cell.col for cell in cells if cell.span == 1 and cell.no_wrap}
    if not nowrap_cols:
        return False  # no column to widen: nothing has a need, so no deficit
    size = 0.0
    cap = int(sum(cols) * MAX_SHARE)
    for cell in cells:
        col = cell.col
        if cell.span != 1 or col not in nowrap_cols or col >= len(cols):
            continue
        for _p, size_pt, width in cell.paragraphs():  # the header cell of such a column too
            need[col] = max(need[col], min(cap, width + margins))
            size = max(size, size_pt)
    deficit = {c: need[c] - cols[c] for c in nowrap_cols if need[c] > cols[c]}
    if not deficit:
        return False
    least = math.ceil(MIN_CHARS * size * 20) + margins
    floor = [need[c] if c in nowrap_cols else min(cols[c], least) for c in range(len(cols))]
    donors = {c: cols[c] - floor[c] for c in range(len(cols)) if c not in deficit and cols[c] > floor[c]}
    wanted = sum(deficit.values())
    room = sum(donors.values())
    give = min(wanted, room)
    new = list(cols)
    for c, r in donors.items():
        new[c] -= math.floor(give * r / room) if room else 0
    spare = sum(cols) - sum(new)
    for c, d in sorted(deficit.items(), key=lambda item: item[1]):  # small needs (民族, dates) in full first
        grant = min(d, spare)
        new[c] += grant
        spare -= grant
    new[max(range(len(new)), key=lambda c: new[c])] += sum(cols) - sum(new)  # keep the total exact
    for el, w in zip(table.grid.iterchildren(_GRID_COL), new, strict=False):
        el.set(_WIDTH, str(w))
    table.cols = new  # what the gridCols now say, for the height estimate
    for cell in cells:
        col, span = cell.col, cell.span
        if cell.tcw is not None and col + span <= len(new):
            cell.tcw.set(_WIDTH, str(sum(new[col : col + span])))
            cell.tcw.set(_TYPE, "dxa")
        if span == 1 and col in deficit and _shrink(cell.paragraphs(), new[col] - margins):
            cell.changed()
    return True


def _shrink(paragraphs: list[tuple[etree._Element, float, int]], room: int) -> bool:
    """Sets a smaller size on the runs of each of a cell's `paragraphs` wider than `room` twips; True if any."""
    changed = False
    for p, size, width in paragraphs:
        if width <= room:
            continue
        changed = True
        smaller = max(MIN_SIZE, math.floor(size * room / width * 2) / 2)
        for r in p.iter(_q("r")):
            rpr = _child(r, _R_PR)
            if rpr is None:
                rpr = etree.Element(_q("rPr"))
                r.insert(0, rpr)
            for tag in ("sz", "szCs"):
                el = _child(rpr, _q(tag))
                if el is None:
                    el = etree.Element(_q(tag))
                    _insert_rpr(rpr, el)
                el.set(_q("val"), str(int(smaller * 2)))
    return changed


# CT_RPr children after w:sz and w:szCs, for inserting them in schema order.
_RPR_AFTER_SZ = (
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
)


def _insert_rpr(rpr: etree._Element, el: etree._Element) -> None:
    after = _RPR_AFTER_SZ[_RPR_AFTER_SZ.index("szCs") + 1 :] if el.tag == _q("szCs") else _RPR_AFTER_SZ
    for child in rpr:
        if child.tag in {_q(t) for t in after}:
            child.addprevious(el)
            return
    rpr.append(el)


# --- keeping rows together -----------------------------------------------------------------------
_PPR, _KEEP_NEXT, _PSTYLE = _q("pPr"), _q("keepNext"), _q("pStyle")


def _keep_next(p: etree._Element) -> bool:
    ppr = _child(p, _PPR)
    if ppr is None:
        ppr = etree.SubElement(p, _PPR)
        p.insert(0, ppr)
    style = None
    for el in ppr.iterchildren(_KEEP_NEXT, _PSTYLE):  # one walk for find("keepNext") and find("pStyle")
        if el.tag == _KEEP_NEXT:
            return False
        if style is None:
            style = el
    el = etree.Element(_KEEP_NEXT)
    if style is not None:
        style.addnext(el)
    else:
        ppr.insert(0, el)
    return True


def _keep_rows(rows: list[etree._Element]) -> bool:
    changed = False
    for tr in rows[:-1]:
        for p in tr.iter(_P):
            changed |= _keep_next(p)
    return changed


def _groups(rows: list[etree._Element], merges: list[str]) -> list[list[etree._Element]]:
    """The runs of rows merged down their first column (one 职位 each), in order; `merges` holds each row's
    first cell's vMerge ("" when none, "restart" or "continue")."""
    out: list[list[etree._Element]] = []
    group: list[etree._Element] = []
    for tr, state in [*zip(rows, merges, strict=True), (None, "")]:
        if state == "continue" and group:
            group.append(tr)
            continue
        if len(group) > 1:
            out.append(group)
        group = [tr] if state == "restart" and tr is not None else []
    return out


def _relabel(first: etree._Element, tr: etree._Element) -> None:
    """Makes the first cell of `tr` restart the merge with a copy of the label of `first` (a group's first row)."""
    label, cell = first.find(_q("tc")), tr.find(_q("tc"))
    cell.find(f"{_q('tcPr')}/{_q('vMerge')}").set(_q("val"), "restart")
    for p in cell.findall(_q("p")):
        cell.remove(p)
    for p in label.findall(_q("p")):
        cell.append(copy.deepcopy(p))


def _chunk_groups(found: list[list[etree._Element]]) -> list[list[etree._Element]]:
    """Merged groups, those longer than `KEEP_ROWS` cut into even chunks that each carry the label again.

    Each chunk is then kept together, so a page can break only between chunks and the merged 职位 label is on
    every page a group covers (the first cell of each chunk restarts the merge with the label)."""
    out = []
    for group in found:
        if len(group) <= KEEP_ROWS:
            out.append(group)
            continue
        parts = math.ceil(len(group) / KEEP_ROWS)
        size = math.ceil(len(group) / parts)
        for at in range(0, len(group), size):
            chunk = group[at : at + size]
            if at:
                _relabel(group[0], chunk[0])
            out.append(chunk)
    return out


def _line_pt(p: etree._Element, size: float) -> float:
    style = _first(p, _P_PR, _P_STYLE_TAG)
    name = style.get(_VAL, "") if style is not None else ""
    return STYLE_LINES.get(name, size * 1.7)


def _height(table: _Table) -> int:
    """Estimated height of the table in twips: per row the tallest cell (its paragraphs' lines at the width
    they have, plus the cell's top and bottom margins) or the row's set height."""
    cols = table.cols
    side, pad = table.margins + SLACK // 2, table.pads
    heights: list[int] = []
    for tr in table.rows:
        height = _first(tr, _TR_PR, _TR_HEIGHT)
        value = height.get(_VAL, "") if height is not None else ""
        heights.append(int(value) if value.isdigit() else 0)
    for cell in table.cells:
        col, span, no_wrap = cell.col, cell.span, cell.no_wrap
        room = max(1, sum(cols[col : col + span]) - side) if col + span <= len(cols) else 1
        total = 0.0
        for p, size, width in cell.paragraphs():
            lines = 1 if no_wrap else max(1, math.ceil(width / room))
            total += lines * _line_pt(p, size) * 20
        heights[cell.row] = max(heights[cell.row], int(total) + pad)
    return sum(heights)


def _keep_together(table: _Table) -> bool:
    """Small tables whole, merged groups (chunked) whole; a table taller than `SPLIT_SHARE` of the type area
    may split between its rows instead (the header repeats), so it never leaves half a page empty."""
    rows = table.rows
    found = _groups(rows, table.merges)
    changed = any(len(g) > KEEP_ROWS for g in found)
    groups = _chunk_groups(found)
    if len(rows) <= KEEP_ROWS and _height(table) <= TYPE_AREA_H * SPLIT_SHARE:
        return _keep_rows(rows) or changed
    changed |= _keep_rows(rows[:2])  # the header never alone at a page foot
    for group in groups:
        changed |= _keep_rows(group)
    return changed

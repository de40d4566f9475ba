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
        changed |= _fit_widths(tbl)
        changed |= _keep_together(tbl)
    return changed


# --- widths --------------------------------------------------------------------------------------
def _margins(tbl: etree._Element) -> int:
    mar = tbl.find(f"{_q('tblPr')}/{_q('tblCellMar')}")
    total = 0
    for edge in ("left", "right"):
        el = mar.find(_q(edge)) if mar is not None else None
        total += int(el.get(_q("w"), DEFAULT_MARGIN)) if el is not None else DEFAULT_MARGIN
    return total


def _cells_wrap(tbl: etree._Element):
    """(row, grid column, span, tc, whether the cell is w:noWrap) of every cell: its tcPr read once."""
    for tr in tbl.iterchildren(_TR):
        col = 0
        for tc in tr.iterchildren(_TC):
            span_el, no_wrap = None, False
            for props in tc.iterchildren(_TC_PR):  # as find("tcPr/gridSpan") and find("tcPr/noWrap") would
                if span_el is None:
                    span_el = _child(props, _GRID_SPAN)
                if not no_wrap:
                    no_wrap = _child(props, _NO_WRAP) is not None
            span = int(span_el.get(_VAL, "1")) if span_el is not None else 1
            yield tr, col, span, tc, no_wrap
            col += span


def _size(p: etree._Element) -> float:
    sz = _run_size(p)
    if sz is not None:
        return int(sz.get(_VAL, "24")) / 2
    style = _first(p, _P_PR, _P_STYLE_TAG)
    return STYLE_SIZES.get(style.get(_VAL, "") if style is not None else "", DEFAULT_SIZE)


def _paragraph_widths(tc: etree._Element) -> list[tuple[etree._Element, float, int]]:
    out = []
    for p in tc.iterchildren(_P):
        text = "".join(t.text or "" for t in p.iter(_T))
        if text:
            size = _size(p)
            out.append((p, size, text_width(text, size)))
    return out


def _fit_widths(tbl: etree._Element) -> bool:
    grid = tbl.find(_q("tblGrid"))
    if grid is None:
        return False
    cols = [int(c.get(_q("w"), "0")) for c in grid.iterchildren(_q("gridCol"))]
    if not cols:
        return False
    margins = _margins(tbl) + SLACK
    need = [0] * len(cols)
    wraps = list(_cells_wrap(tbl))  # read once: nothing below adds, removes or re-spans a cell
    cells = [(tr, col, span, tc) for tr, col, span, tc, _ in wraps]
    nowrap_cols = {col for _tr, col, span, tc, no_wrap in wraps if span == 1 and no_wrap}
    if not nowrap_cols:
        return False  # no column to widen: nothing has a need, so no deficit
    size = 0.0
    cap = int(sum(cols) * MAX_SHARE)
    for _tr, col, span, tc in cells:
        if span != 1 or col not in nowrap_cols or col >= len(cols):
            continue
        for _p, size_pt, width in _paragraph_widths(tc):  # the header cell of such a column too
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
    for el, w in zip(grid.iterchildren(_q("gridCol")), new, strict=False):
        el.set(_q("w"), str(w))
    for _tr, col, span, tc in cells:
        tcw = _first(tc, _TC_PR, _TC_W)
        if tcw is not None and col + span <= len(new):
            tcw.set(_q("w"), str(sum(new[col : col + span])))
            tcw.set(_q("type"), "dxa")
        if span == 1 and col in deficit:
            _shrink(tc, new[col] - margins)
    return True


def _shrink(tc: etree._Element, room: int) -> None:
    """Sets a smaller size on the runs of each paragraph of `tc` wider than `room` twips."""
    for p, size, width in _paragraph_widths(tc):
        if width <= room:
            continue
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
    if _child(ppr, _KEEP_NEXT) is not None:
        return False
    el = etree.Element(_KEEP_NEXT)
    style = _child(ppr, _PSTYLE)
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


def _merge_state(tr: etree._Element | None) -> str:
    tc = _child(tr, _TC) if tr is not None else None
    vm = _first(tc, _TC_PR, _V_MERGE) if tc is not None else None
    if vm is None:
        return ""
    return vm.get(_q("val"), "continue")


def _groups(rows: list[etree._Element]) -> list[list[etree._Element]]:
    """The runs of rows merged down their first column (one 职位 each), in order."""
    out: list[list[etree._Element]] = []
    group: list[etree._Element] = []
    for tr in [*rows, None]:
        state = _merge_state(tr)
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


def _chunk_groups(rows: list[etree._Element]) -> list[list[etree._Element]]:
    """Merged groups, those longer than `KEEP_ROWS` cut into even chunks that each carry the label again.

    Each chunk is then kept together, so a page can break only between chunks and the merged 职位 label is on
    every page a group covers (the first cell of each chunk restarts the merge with the label)."""
    out = []
    for group in _groups(rows):
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


def _height(tbl: etree._Element) -> int:
    """Estimated height of `tbl` in twips: per row the tallest cell (its paragraphs' lines at the width they
    have, plus the cell's top and bottom margins) or the row's set height."""
    grid = tbl.find(_q("tblGrid"))
    cols = [int(c.get(_q("w"), "0")) for c in grid.iterchildren(_q("gridCol"))] if grid is not None else []
    side, pad = _margins(tbl) + SLACK // 2, _pads(tbl)
    heights: dict[int, int] = {}
    rows = list(tbl.iterchildren(_q("tr")))
    for index, tr in enumerate(rows):
        height = _first(tr, _TR_PR, _TR_HEIGHT)
        least = int(height.get(_q("val"), "0")) if height is not None and height.get(_q("val"), "").isdigit() else 0
        heights[index] = least
    row_of = {id(tr): index for index, tr in enumerate(rows)}  # `rows` holds the elements: their ids are stable
    for tr, col, span, tc, no_wrap in _cells_wrap(tbl):
        room = max(1, sum(cols[col : col + span]) - side) if col + span <= len(cols) else 1
        total = 0.0
        for p, size, width in _paragraph_widths(tc):
            lines = 1 if no_wrap else max(1, math.ceil(width / room))
            total += lines * _line_pt(p, size) * 20
        index = row_of[id(tr)]
        heights[index] = max(heights[index], int(total) + pad)
    return sum(heights.values())


def _pads(tbl: etree._Element) -> int:
    mar = tbl.find(f"{_q('tblPr')}/{_q('tblCellMar')}")
    total = 0
    for edge in ("top", "bottom"):
        el = mar.find(_q(edge)) if mar is not None else None
        total += int(el.get(_q("w"), "0")) if el is not None else 0
    return total


def _keep_together(tbl: etree._Element) -> bool:
    """Small tables whole, merged groups (chunked) whole; a table taller than `SPLIT_SHARE` of the type area
    may split between its rows instead (the header repeats), so it never leaves half a page empty."""
    rows = list(tbl.iterchildren(_q("tr")))
    changed = any(len(g) > KEEP_ROWS for g in _groups(rows))
    groups = _chunk_groups(rows)
    if len(rows) <= KEEP_ROWS and _height(tbl) <= TYPE_AREA_H * SPLIT_SHARE:
        return _keep_rows(rows) or changed
    changed |= _keep_rows(rows[:2])  # the header never alone at a page foot
    for group in groups:
        changed |= _keep_rows(group)
    return changed

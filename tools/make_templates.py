"""Generate the document templates in templates/ (one docxtpl .docx per document kind).

    python tools/make_templates.py            # writes templates/*.docx
    python tools/make_templates.py --check    # exits 1 when a committed template differs

The committed .docx files are what users open and edit in Word or WPS; this script is only how
they were first made. Layout follows GB/T 9704-2012 as written down in
shared/reference/gbt9704-docx.md §1–§2:

* A4 (11906 × 16838 twips); margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm
  (2098 / 1984 / 1587 / 1474 twips); footer 25.1 mm so the page number's dash sits 7 mm below the type area.
* Line grid `w:docGrid w:type="lines" w:linePitch="579"` (22 lines of 28.95 pt) and exact 28.95 pt
  line spacing; body text at 三号 (16 pt) with −0.3 pt character spacing, which gives 28 characters
  a line in Word and LibreOffice alike (the portable form of §2.2; the reference's −0.25 pt made
  LibreOffice 7.4 drop a comma at the end of a full justified line from the PDF).
* Fonts written as the Windows names: 方正小标宋简体 (title), 仿宋_GB2312 (body), 黑体 (level 1
  headings), 楷体_GB2312 (level 2), 宋体 (page numbers); Times New Roman for Latin letters and digits.
  `w:eastAsia` and `w:hAnsi` carry the CJK name with `w:hint="eastAsia"`, `w:ascii` the Latin one.
* Page numbers "— 1 —" in 四号宋体, odd pages right (一字 in), even pages left (一字 in).

Every style has a Chinese name (shown in Word's style pane) and an ASCII style id:
公文-标题 GwTitle, 公文-文号 GwDocNo, 公文-正文 GwBody, 公文-一级标题…四级标题 GwH1–GwH4, 公文-落款
GwSign, 公文-名单 GwRoll, 公文-表格文字 GwTableText, 公文-表格标题行 GwTableHead, 公文-说明 GwNote,
公文-页码 GwPageNum, and the table style 公文-表格 GwTable.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "templates")

# --- page (twips) ------------------------------------------------------------------------------
PAGE_W, PAGE_H = 11906, 16838
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 2098, 1984, 1587, 1474
# Footer 25.1 mm: the stroke of the page number's 一字线 sits 7 mm below the type area (GB/T 9704 §7.5; at 1304 tw
# it measured 9.6 mm in the PDF, review 2026-12 §3).
HEADER_DIST, FOOTER_DIST = 851, 1424
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 8845 twips = 156 mm
LINE_PITCH = 579  # twips = 28.95 pt
LINE = Pt(28.95)
CHAR = 320  # one 三号 character, twips (16 pt)
# −0.3 pt between characters: 28 characters of 三号 fill the 156 mm line in Word and LibreOffice.
# (The reference's −0.25 pt also gives 28, but LibreOffice 7.4 then drops a comma that falls
# at the very end of a justified line from its PDF export; −0.3 pt leaves room for it.)
BODY_CHAR_SPACING = -6
DATE_W = 2100  # "2026年12月18日" at 三号 (Times digits), twips: the axis the 署名 is centred on
# Tables: cell padding above and below (1 mm) so text never touches the rules.
CELL_PAD = 57

# --- fonts ---------------------------------------------------------------------------------------
LATIN = "Times New Roman"
XBS = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"

# rPr children in schema order, for inserting w:spacing at the right place.
_RPR_AFTER_SPACING = (
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)


_PPR_AFTER_SNAP = (
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def set_fonts(rpr, east: str, latin: str = LATIN) -> None:
    """Explicit fonts on an rPr: ascii = Latin, hAnsi/eastAsia = CJK with the eastAsia hint."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), east)
    rfonts.set(qn("w:eastAsia"), east)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:hint"), "eastAsia")


def set_char_spacing(rpr, value: int) -> None:
    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        rpr.insert_element_before(spacing, *_RPR_AFTER_SPACING)
    spacing.set(qn("w:val"), str(value))


def set_lang(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")


def set_indent_chars(ppr, first_chars: int = 0, left_chars: int = 0, right_chars: int = 0) -> None:
    """Indents in characters, written both as *Chars (Word) and as twips (LibreOffice ignores *Chars)."""
    ind = ppr.get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(first_chars * 100))
    ind.set(qn("w:firstLine"), str(first_chars * CHAR))
    if left_chars:
        ind.set(qn("w:leftChars"), str(left_chars * 100))
        ind.set(qn("w:left"), str(left_chars * CHAR))
    if right_chars:
        ind.set(qn("w:rightChars"), str(right_chars * 100))
        ind.set(qn("w:right"), str(right_chars * CHAR))


def set_outline(ppr, level: int) -> None:
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level))
    ppr.append(el)


def paragraph_style(
    doc,
    name: str,
    style_id: str,
    east: str,
    size: float,
    *,
    bold: bool = False,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    first_chars: int = 0,
    char_spacing: int | None = BODY_CHAR_SPACING,
    line=LINE,
    before=0,
    after=0,
    outline: int | None = None,
    keep_next: bool = False,
    latin: str = LATIN,
    base: str = "Normal",
    grid: bool = True,
):
    """A paragraph style; `grid=False` keeps its own line spacing off the page's line grid."""
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id
    style.base_style = doc.styles[base]
    style.quick_style = True
    style.font.size = Pt(size)
    style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    set_fonts(rpr, east, latin)
    if char_spacing is not None:
        set_char_spacing(rpr, char_spacing)
    pf = style.paragraph_format
    pf.alignment = align
    if line is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing = line
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.keep_with_next = keep_next
    pf.widow_control = True
    ppr = style.element.get_or_add_pPr()
    set_indent_chars(ppr, first_chars)
    if not grid:
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        ppr.insert_element_before(snap, *_PPR_AFTER_SNAP)
    if outline is not None:
        set_outline(ppr, outline)
    return style


def define_styles(doc) -> None:
    # Document defaults and Normal: 三号仿宋, Times New Roman digits, exact grid spacing.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr_default, FANGSONG)
    rpr_default.find(qn("w:sz")).set(qn("w:val"), "32")
    rpr_default.find(qn("w:szCs")).set(qn("w:val"), "32")
    lang = rpr_default.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(LINE_PITCH))
    spacing.set(qn("w:lineRule"), "exact")

    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    rpr = normal.element.get_or_add_rPr()
    set_fonts(rpr, FANGSONG)
    set_lang(rpr)
    normal.paragraph_format.line_spacing = LINE
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    # Word: no punctuation hanging past the right margin (a character moves down instead).
    # LibreOffice 7.4 ignores this and may hang a stop or comma; see BODY_CHAR_SPACING.
    no_hang = OxmlElement("w:overflowPunct")
    no_hang.set(qn("w:val"), "0")
    normal.element.get_or_add_pPr().insert_element_before(
        no_hang,
        "w:topLinePunct",
        "w:autoSpaceDE",
        "w:autoSpaceDN",
        "w:bidi",
        "w:adjustRightInd",
        "w:snapToGrid",
        *_PPR_AFTER_SNAP,
    )

    paragraph_style(
        doc,
        "公文-标题",
        "GwTitle",
        XBS,
        22,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        char_spacing=None,
        line=Pt(36),
        keep_next=True,
        grid=False,
    )
    paragraph_style(
        doc, "公文-文号", "GwDocNo", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.CENTER, char_spacing=None, keep_next=True
    )
    paragraph_style(doc, "公文-正文", "GwBody", FANGSONG, 16, first_chars=2)
    paragraph_style(doc, "公文-一级标题", "GwH1", HEITI, 16, first_chars=2, outline=0, keep_next=True)
    paragraph_style(doc, "公文-二级标题", "GwH2", KAITI, 16, first_chars=2, outline=1, keep_next=True)
    paragraph_style(doc, "公文-三级标题", "GwH3", FANGSONG, 16, first_chars=2, outline=2, keep_next=True)
    paragraph_style(doc, "公文-四级标题", "GwH4", FANGSONG, 16, first_chars=2, outline=3, keep_next=True)
    # 落款: the date right-aligned 右空四字, the 署名 centred over it or, when too long, set right (see signature()).
    # The ballot still uses the centre tab at the date's axis.
    sign = paragraph_style(doc, "公文-落款", "GwSign", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.LEFT, char_spacing=None)
    sign.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_W - 4 * CHAR - DATE_W // 2), WD_TAB_ALIGNMENT.CENTER)
    sign.paragraph_format.keep_together = True
    sign.paragraph_format.keep_with_next = True
    # 承诺人 signature lines: a left tab a little right of the middle.
    pledge = paragraph_style(
        doc, "公文-签名", "GwSignLine", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.LEFT, char_spacing=None
    )
    pledge.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_W - 12 * CHAR), WD_TAB_ALIGNMENT.LEFT)
    pledge.paragraph_format.keep_with_next = True
    roll = paragraph_style(doc, "公文-名单", "GwRoll", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.LEFT, char_spacing=None)
    for i in range(1, 5):
        roll.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_W * i // 5), WD_TAB_ALIGNMENT.LEFT)
    paragraph_style(
        doc,
        "公文-表格文字",
        "GwTableText",
        FANGSONG,
        12,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        char_spacing=None,
        line=Pt(20),
        grid=False,
    )
    paragraph_style(
        doc,
        "公文-表格标题行",
        "GwTableHead",
        HEITI,
        12,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        char_spacing=None,
        line=Pt(20),
        grid=False,
    )
    paragraph_style(
        doc,
        "公文-表格文字（四号）",
        "GwTableText14",
        FANGSONG,
        14,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        char_spacing=None,
        line=Pt(22),
        grid=False,
    )
    paragraph_style(
        doc,
        "公文-表格标题行（四号）",
        "GwTableHead14",
        HEITI,
        14,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        char_spacing=None,
        line=Pt(22),
        grid=False,
    )
    paragraph_style(
        doc,
        "公文-表后空行",
        "GwAfterTable",
        FANGSONG,
        10,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        char_spacing=None,
        line=Pt(12),
        grid=False,
    )
    paragraph_style(
        doc,
        "公文-选票文字",
        "GwBallotText",
        FANGSONG,
        16,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        char_spacing=None,
        line=Pt(24),
        grid=False,
    )
    paragraph_style(
        doc,
        "公文-选票表头",
        "GwBallotHead",
        HEITI,
        16,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        char_spacing=None,
        line=Pt(24),
        grid=False,
    )
    paragraph_style(
        doc, "公文-选票说明", "GwBallotNote", FANGSONG, 12, char_spacing=None, line=Pt(19), first_chars=0, grid=False
    )
    paragraph_style(doc, "公文-说明", "GwNote", FANGSONG, 14, char_spacing=None, line=Pt(22), first_chars=0, grid=False)
    paragraph_style(
        doc,
        "公文-页码",
        "GwPageNum",
        SONGTI,
        14,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        char_spacing=None,
        line=None,
        grid=False,
        latin=SONGTI,  # GB/T 9704 §7.5: 4号半角宋体阿拉伯数字, the digits too
    )

    table = doc.styles.add_style("公文-表格", WD_STYLE_TYPE.TABLE)
    table.style_id = "GwTable"
    table.base_style = doc.styles["Normal Table"]
    tblpr = table.element.find(qn("w:tblPr"))
    if tblpr is None:
        tblpr = OxmlElement("w:tblPr")
        table.element.append(tblpr)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "6")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tblpr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge, width in (("left", 40), ("right", 40)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(width))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.append(margins)


def add_page_field(paragraph) -> None:
    """— PAGE — with the field code in the middle."""

    def run(text=None):
        r = paragraph.add_run(text)
        return r

    run("— ")
    r = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    r._r.append(begin)
    r = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    r._r.append(instr)
    r = paragraph.add_run()
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    r._r.append(sep)
    paragraph.add_run("1")
    r = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    r._r.append(end)
    run(" —")


def setup_page(doc, page_numbers: bool = True, border: bool = False, compact: bool = False, grid: bool = True) -> None:
    """GB/T 9704 page; `compact` (ballots, which are not 公文) narrows the top and bottom margins."""
    section = doc.sections[0]
    section.page_width = Twips(PAGE_W)
    section.page_height = Twips(PAGE_H)
    section.top_margin = Twips(1417 if compact else MARGIN_TOP)
    section.bottom_margin = Twips(1134 if compact else MARGIN_BOTTOM)
    section.left_margin = Twips(MARGIN_LEFT)
    section.right_margin = Twips(MARGIN_RIGHT)
    section.header_distance = Twips(HEADER_DIST)
    section.footer_distance = Twips(FOOTER_DIST)
    section.gutter = Twips(0)
    doc_grid = section._sectPr.find(qn("w:docGrid"))
    doc_grid.set(qn("w:linePitch"), str(LINE_PITCH))
    if grid and not compact:
        doc_grid.set(qn("w:type"), "lines")
    if page_numbers:
        doc.settings.odd_and_even_pages_header_footer = True
        odd = section.footer.paragraphs[0]
        odd.style = doc.styles["公文-页码"]
        odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        odd.paragraph_format.right_indent = Twips(280)
        add_page_field(odd)
        even = section.even_page_footer.paragraphs[0]
        even.style = doc.styles["公文-页码"]
        even.alignment = WD_ALIGN_PARAGRAPH.LEFT
        even.paragraph_format.left_indent = Twips(280)
        add_page_field(even)
    if border:
        borders = OxmlElement("w:pgBorders")
        borders.set(qn("w:offsetFrom"), "text")
        for edge in ("top", "left", "bottom", "right"):
            el = OxmlElement(f"w:{edge}")
            el.set(qn("w:val"), "double")
            el.set(qn("w:sz"), "18")
            el.set(qn("w:space"), "24")
            el.set(qn("w:color"), "C00000")
            borders.append(el)
        section._sectPr.insert_element_before(
            borders,
            "w:lnNumType",
            "w:pgNumType",
            "w:cols",
            "w:formProt",
            "w:vAlign",
            "w:noEndnote",
            "w:titlePg",
            "w:textDirection",
            "w:bidi",
            "w:rtlGutter",
            "w:docGrid",
            "w:printerSettings",
            "w:sectPrChange",
        )


# --- building blocks -----------------------------------------------------------------------------
class Builder:
    """A template under construction: paragraphs with Jinja text, control paragraphs, tables."""

    def __init__(
        self, title: str, page_numbers: bool = True, border: bool = False, compact: bool = False, grid: bool = True
    ):
        self.doc = Document()
        # Drop the default empty paragraph.
        body = self.doc.element.body
        for p in list(body.iterchildren(qn("w:p"))):
            body.remove(p)
        define_styles(self.doc)
        setup_page(self.doc, page_numbers=page_numbers, border=border, compact=compact, grid=grid)
        props = self.doc.core_properties
        props.title = title
        props.author = "huanjie"
        props.comments = "huanjie 换届选举文书模板；变量说明见 huanjie templates"
        props.keywords = "换届选举"
        props.last_modified_by = "huanjie"
        props.revision = 1
        import datetime as dt

        stamp = dt.datetime(2026, 1, 1)
        props.created = stamp
        props.modified = stamp

    def p(
        self,
        text: str = "",
        style: str = "公文-正文",
        bold: bool = False,
        align=None,
        size=None,
        keep_next: bool | None = None,
        before: float | None = None,
        after: float | None = None,
        first_chars: int | None = None,
        left_chars: int | None = None,
        line=None,
    ):
        para = self.doc.add_paragraph(style=style)
        if line is not None:
            para.paragraph_format.line_spacing = line
            para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        if text:
            run = para.add_run(text)
            if bold:
                run.bold = True
            if size:
                run.font.size = Pt(size)
        if align is not None:
            para.alignment = align
        if keep_next is not None:
            para.paragraph_format.keep_with_next = keep_next
        if before is not None:
            para.paragraph_format.space_before = Pt(before)
        if after is not None:
            para.paragraph_format.space_after = Pt(after)
        if first_chars is not None or left_chars is not None:
            set_indent_chars(para._p.get_or_add_pPr(), first_chars or 0, left_chars or 0)
        return para

    def ctl(self, tag: str):
        """A paragraph holding only a docxtpl structural tag ({%p ... %}); it vanishes on render."""
        return self.p(tag, style="Normal")

    def paragraphs(
        self,
        seq: str,
        var: str = "para",
        keep_next: bool | None = None,
        keep_last: bool = False,
        keep_when: str = "",
        align=None,
    ):
        """One body paragraph per item of the list `seq`; `keep_last` keeps only the last one with what follows.

        A notice's last body paragraph goes with 特此公告 and the 署名 (its last two lines at least, by widow
        control), so a page never holds only the closing lines (GB/T 9704 §7.3.5.4), without chaining the
        whole end of the notice onto the next page. `keep_when` narrows it (a Jinja condition besides
        ``loop.last``), e.g. only when no later list follows.
        """
        self.ctl(f"{{%p for {var} in {seq} %}}")
        if keep_last:
            self.ctl(f"{{%p if loop.last{' and ' + keep_when if keep_when else ''} %}}")
            self.p(f"{{{{ {var} }}}}", keep_next=True, align=align)
            self.ctl("{%p else %}")
            self.p(f"{{{{ {var} }}}}", keep_next=keep_next, align=align)
            self.ctl("{%p endif %}")
        else:
            self.p(f"{{{{ {var} }}}}", keep_next=keep_next, align=align)
        self.ctl("{%p endfor %}")

    def blank(self):
        return self.p("", style="公文-正文")

    def title(self, lines_var: str = "title_lines"):
        self.ctl(f"{{%p for line in {lines_var} %}}")
        self.p("{{ line }}", style="公文-标题")
        self.ctl("{%p endfor %}")

    def doc_number(self):
        self.ctl("{%p if doc_number %}")
        self.p("{{ doc_number }}", style="公文-文号")
        self.ctl("{%p endif %}")

    def signature(
        self,
        signatory: str = "signatory",
        date: str = "date_text",
        blank_before: bool = True,
        size: float = 16,
        line=None,
        suffix: str = "",
    ):
        """落款: the date 右空四字; the 署名 centred over it, else right-aligned, else smaller, else wrapped.

        GB/T 9704 §7.3.5: the 署名 is centred on the date; a 署名 too long for that is set flush right in the
        type area, then one size smaller (三号 → 小三, or 二号-like certificate sizes → 三号 → 四号), and only a
        署名 too long for one line even then wraps (right-aligned, inside the type area). The choice is made
        by the template from the 署名's length in characters (Latin letters and digits count as whole
        characters, so the estimate errs on the safe side). `suffix` (e.g. "（印）") counts towards it.
        """
        char = int(size * 20)
        date_w = DATE_W * char // CHAR
        right = 4 * char  # 右空四字
        centre_room = 2 * (right + date_w // 2)  # a 署名 this wide centred on the date ends at the type area's edge
        # Sizes to try, each one step down: 三号 → 小三; the certificate's 18 pt → 三号 → 四号.
        sizes = [size, *{18: [16, 14], 16: [15]}.get(int(size), [size - 2])]
        n = f"({signatory}|string|length + {len(suffix)})"
        text = f"{{{{ {signatory} }}}}{suffix}"
        kw = {"style": "公文-落款", "line": line}
        if blank_before:
            self.p("", **kw)
        self.ctl(f"{{%p if {n} <= {centre_room // char} %}}")
        para = self.p(text, size=size if size != 16 else None, align=WD_ALIGN_PARAGRAPH.CENTER, **kw)
        set_indent_chars(para._p.get_or_add_pPr())
        para.paragraph_format.left_indent = Twips(TEXT_W - centre_room)
        for step in sizes[:-1]:
            self.ctl(f"{{%p elif {n} <= {TEXT_W // int(step * 20)} %}}")
            self.p(text, size=step if step != 16 else None, align=WD_ALIGN_PARAGRAPH.RIGHT, **kw)
        self.ctl("{%p else %}")
        # The smallest size; a 署名 too long for one line even so wraps, right-aligned, inside the type area.
        self.p(text, size=sizes[-1], align=WD_ALIGN_PARAGRAPH.RIGHT, **kw)
        self.ctl("{%p endif %}")
        last = self.p(f"{{{{ {date} }}}}", size=size if size != 16 else None, align=WD_ALIGN_PARAGRAPH.RIGHT, **kw)
        set_indent_chars(last._p.get_or_add_pPr(), right_chars=4 if char == CHAR else 0)
        last.paragraph_format.right_indent = Twips(right)
        last.paragraph_format.keep_with_next = False

    def table(
        self,
        widths_mm: list[float],
        header: list[str],
        body: list,
        row_height_mm: float | None = None,
        text_style="公文-表格文字",
        head_style="公文-表格标题行",
        keep_next: bool = False,
        nowrap: frozenset[int] = frozenset(),
    ):
        """A table: a header row repeated on every page, then `body` rows.

        Each body item is either a string, a docxtpl row tag such as ``{%tr for r in rows %}`` that
        gets a row of its own (docxtpl removes that row), or a list of cell texts (a data row).
        A first cell starting with docxtpl's ``{% vm %}`` is merged down the rows of its loop
        (render.py puts the vMerge docxtpl adds back in schema order). `keep_next` keeps the data rows with what
        follows (so a table at the end is never separated from the signature). Data cells of the
        columns in `nowrap` get ``w:noWrap``: render (`pipeline.tablefit`) widens such a column to its
        longest value, so a name or a 民族 is never broken inside its cell.
        """
        table = self.doc.add_table(rows=1 + len(body), cols=len(widths_mm))
        table.style = self.doc.styles["公文-表格"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tblpr = table._tbl.tblPr
        width = OxmlElement("w:tblW")
        width.set(qn("w:w"), str(sum(int(w * 56.693) for w in widths_mm)))
        width.set(qn("w:type"), "dxa")
        existing = tblpr.find(qn("w:tblW"))
        if existing is not None:
            tblpr.remove(existing)
        tblpr.insert(1, width)
        # autofit=False has written w:tblLayout type=fixed in its schema place; add none of our own.
        # Padding above and below, except in rows of a set height (the ballot's), which have their own air.
        pad = 0 if row_height_mm else CELL_PAD
        margins = OxmlElement("w:tblCellMar")
        for edge, value in (("top", pad), ("left", 40), ("bottom", pad), ("right", 40)):
            el = OxmlElement(f"w:{edge}")
            el.set(qn("w:w"), str(value))
            el.set(qn("w:type"), "dxa")
            margins.append(el)
        tblpr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
        grid = table._tbl.tblGrid
        for col, w in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=False):
            col.set(qn("w:w"), str(int(w * 56.693)))

        def fill(r, texts, style, data_row):
            tr = table.rows[r]
            for i, (cell, text) in enumerate(zip(tr.cells, texts, strict=False)):
                cell.width = Twips(int(widths_mm[i] * 56.693))
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                para = cell.paragraphs[0]
                para.style = self.doc.styles[style]
                if text:
                    para.add_run(text)
                if keep_next and data_row:
                    para.paragraph_format.keep_with_next = True
                if data_row and i in nowrap:
                    tcpr = cell._tc.get_or_add_tcPr()
                    tcpr.insert_element_before(
                        OxmlElement("w:noWrap"), "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
                    )
            trpr = tr._tr.get_or_add_trPr()
            trpr.append(OxmlElement("w:cantSplit"))

        fill(0, header, head_style, False)
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for r, item in enumerate(body, start=1):
            if isinstance(item, str):
                fill(r, [item] + [""] * (len(widths_mm) - 1), text_style, False)
            else:
                fill(r, item, text_style, True)
                if row_height_mm:
                    table.rows[r].height = Twips(int(row_height_mm * 56.693))
        return table

    def save(self, name: str) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return normalise_zip(buf.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """Fixed timestamps and order, so regenerating an unchanged template gives identical bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# --- the templates -------------------------------------------------------------------------------
def notice_head(b: Builder):
    b.title()
    b.doc_number()
    b.blank()


def closing(b: Builder, text: str = "特此公告。"):
    """特此公告。 kept with the signature, so the signature never stands alone on a page."""
    b.p(text, keep_next=True)


def committee_notice() -> Builder:
    b = Builder("选举委员会成员公告")
    notice_head(b)
    b.p("{{ intro }}")
    b.ctl("{%p for m in roles %}")
    b.p("{{ m.role }}：{{ m.names }}", first_chars=2)
    b.ctl("{%p endfor %}")
    b.paragraphs("duties", keep_last=True)
    closing(b)
    b.signature()
    return b


def voter_list_notice() -> Builder:
    b = Builder("选民名单公告")
    notice_head(b)
    b.p("{{ intro }}")
    # Each group in parts of one page: a part on a continuation page starts that page under "…（续）"
    # (documents.notices.roll_parts counts the lines), so every page of a long roll names its group.
    b.ctl("{%p for g in groups %}")
    b.ctl("{%p for part in g.parts %}")
    b.ctl("{%p if part.break_before %}")
    b.p("{{ part.heading }}", style="公文-三级标题", bold=True).paragraph_format.page_break_before = True
    b.ctl("{%p else %}")
    b.p("{{ part.heading }}", style="公文-三级标题", bold=True)
    b.ctl("{%p endif %}")
    b.ctl("{%p for line in part.lines %}")
    b.p("{{ line }}", style="公文-名单")
    b.ctl("{%p endfor %}")
    b.ctl("{%p endfor %}")
    b.ctl("{%p endfor %}")
    b.paragraphs("notes", keep_last=True)
    closing(b)
    b.signature()
    return b


CANDIDATE_COLUMNS = [
    # 156 mm = the type area. 出生年月 holds 1958年11月 and 推荐方式 居委会推荐 (小四) on one line.
    (16, "姓名", "{{ c.name }}"),
    (11, "性别", "{{ c.gender }}"),
    (11, "民族", "{{ c.ethnicity }}"),
    (27, "出生年月", "{{ c.birth }}"),
    (20, "文化程度", "{{ c.education }}"),
    (20, "{{ politics_header }}", "{{ c.politics }}"),
    (25, "工作单位及职务", "{{ c.workplace }}"),
    (26, "推荐方式", "{{ c.nominated_by }}"),
]
# Cells that must never break (names, 民族, dates, 政治面貌 or 入党时间 "1995年6月"): marked w:noWrap; render
# widens their column to fit.
NOWRAP_CANDIDATE_COLUMNS = frozenset({0, 1, 2, 3, 5})


def post_heading(b: Builder, var: str = "post"):
    b.ctl(f"{{%p if {var}.level == 2 %}}")
    b.p(f"{{{{ {var}.heading }}}}", style="公文-二级标题")
    b.ctl("{%p else %}")
    b.p(f"{{{{ {var}.heading }}}}", style="公文-三级标题")
    b.ctl("{%p endif %}")


def candidate_list_notice() -> Builder:
    b = Builder("候选人名单公告")
    notice_head(b)
    b.p("{{ intro }}")
    b.ctl("{%p for contest in contests %}")
    b.ctl("{%p if contest.heading %}")
    b.p("{{ contest.heading }}", style="公文-二级标题")
    b.ctl("{%p endif %}")
    b.ctl("{%p for post in contest.posts %}")
    post_heading(b)
    b.table(
        [w for w, _, _ in CANDIDATE_COLUMNS],
        [h for _, h, _ in CANDIDATE_COLUMNS],
        ["{%tr for c in post.candidates %}", [v for _, _, v in CANDIDATE_COLUMNS], "{%tr endfor %}"],
        nowrap=NOWRAP_CANDIDATE_COLUMNS,
    )
    b.p("", style="公文-表后空行")
    b.ctl("{%p endfor %}")
    b.ctl("{%p endfor %}")
    b.paragraphs("notes", keep_last=True)
    closing(b)
    b.signature()
    return b


def ballot() -> Builder:
    """The ballot: one sheet whatever the number of candidates.

    The builder (pipeline/documents/ballots.py) chooses the layout: `layout.columns` (1, or 2 for long lists),
    `layout.marks` (1 符号栏, or 3 for 赞成/不赞成/弃权 on a Party ballot), the row height `layout.row_tw` and the
    type sizes `layout.name_sz`/`layout.note_sz` (half-points) with the note's line pitch `layout.note_line`.
    Those values go into attributes of the XML, so one template covers every layout. `sections` holds one
    table per post: a single post for the per-post ballot, every post for the combined ballot.
    """
    b = Builder("选票", page_numbers=False, compact=True)
    b.title()
    b.p("{{ subtitle }}", style="公文-文号")
    b.p("{{ seats_text }}", style="公文-文号", bold=True, after=6)

    def templated(element, tag: str, **attrs: str) -> None:
        """Set (or add) child `tag` of `element` with Jinja attribute values."""
        child = element.find(qn(tag))
        if child is None:
            child = OxmlElement(tag)
            element.append(child)
        for name, value in attrs.items():
            child.set(qn(name), value)

    def sized(table) -> None:
        """Row height and type sizes of the header and the data row from the layout."""
        for r, size in ((0, "layout.head_sz"), (2, "layout.name_sz")):
            tr = table.rows[r]._tr
            if r:
                templated(tr.get_or_add_trPr(), "w:trHeight", **{"w:val": "{{ layout.row_tw }}"})
            for tc in tr.iter(qn("w:tc")):
                # The 序号 column also holds "另选人": it has a size of its own.
                text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
                cell_size = "layout.number_sz" if r and "number" in text else size
                if r and ".name }}" in text:
                    # A name cell: its own size (a long name is set smaller) and 0.5 mm side margins.
                    cell_size = text.strip("{} ").replace(".name", ".sz")
                    margins = OxmlElement("w:tcMar")
                    for side in ("w:left", "w:right"):
                        edge = OxmlElement(side)
                        edge.set(qn("w:w"), "28")
                        edge.set(qn("w:type"), "dxa")
                        margins.append(edge)
                    tc.tcPr.find(qn("w:vAlign")).addprevious(margins)
                for para in tc.iter(qn("w:p")):
                    if r:
                        spacing = {"w:line": "{{ layout.name_line }}", "w:lineRule": "exact"}
                        templated(para.get_or_add_pPr(), "w:spacing", **spacing)
                    for run in para.iter(qn("w:r")):
                        rpr = run.get_or_add_rPr()
                        templated(rpr, "w:sz", **{"w:val": "{{ " + cell_size + " }}"})
                        templated(rpr, "w:szCs", **{"w:val": "{{ " + cell_size + " }}"})

    one = ["{{ row.number }}", "{{ row.name }}"]
    left = ["{{ row.left.number }}", "{{ row.left.name }}"]
    right = ["{{ row.right.number }}", "{{ row.right.name }}"]
    variants = [
        ("layout.columns == 1 and layout.marks == 1", [22, 84, 50], ["{{ mark_header }}"], one + [""]),
        ("layout.columns == 1", [20, 64, 24, 24, 24], ["赞成", "不赞成", "弃权"], one + ["", "", ""]),
        ("layout.marks == 1", [17, 36, 25] * 2, ["{{ mark_header }}"], left + [""] + right + [""]),
        ("True", [16, 26, 11, 14, 11] * 2, ["赞成", "不赞成", "弃权"], left + [""] * 3 + right + [""] * 3),
    ]
    b.ctl("{%p for section in sections %}")
    b.ctl("{%p if section.heading %}")
    b.p("{{ section.heading }}", style="公文-选票说明", bold=True, keep_next=True, before=4, after=2)
    b.ctl("{%p endif %}")
    for i, (condition, widths, marks, cells) in enumerate(variants):
        b.ctl(("{%p if " if i == 0 else "{%p elif ") + condition + " %}")
        halves = 1 if len(widths) <= 5 else 2
        header = (["序号", "{{ name_header }}", *marks]) * halves
        loop = "section.rows" if halves == 1 else "section.pairs"
        table = b.table(
            widths,
            header,
            ["{%tr for row in " + loop + " %}", cells, "{%tr endfor %}"],
            row_height_mm=9,
            text_style="公文-选票文字",
            head_style="公文-选票表头",
        )
        sized(table)
    b.ctl("{%p endif %}")
    b.ctl("{%p endfor %}")
    b.p("", style="公文-表后空行")
    b.p("{{ instructions_title }}", style="公文-选票说明", bold=True, keep_next=True)
    b.ctl("{%p for line in instructions %}")
    note = b.p("{{ line }}", style="公文-选票说明")
    b.ctl("{%p endfor %}")
    ppr = note._p.get_or_add_pPr()
    templated(ppr, "w:spacing", **{"w:line": "{{ layout.note_line }}", "w:lineRule": "exact"})
    for run in note.runs:
        rpr = run._r.get_or_add_rPr()
        # "×", "○" and the quotes are ambiguous-width: set them in the Chinese face, not the Latin one.
        fonts = rpr.get_or_add_rFonts()
        fonts.set(qn("w:hint"), "eastAsia")
        templated(rpr, "w:sz", **{"w:val": "{{ layout.note_sz }}"})
        templated(rpr, "w:szCs", **{"w:val": "{{ layout.note_sz }}"})
    # No printed "（印）": the committee's seal is pressed on the signature.
    # The 落款 as on every notice (date 右空四字; a long 署名 flush right, then smaller, then wrapped).
    b.signature(line=Pt(26), blank_before=False)
    return b


def contest_opening(b: Builder):
    """The start of each contest of a results or void-vote notice: its heading (several contests), its figures."""
    b.ctl("{%p for contest in contests %}")
    b.ctl("{%p if contest.heading %}")
    b.p("{{ contest.heading }}", style="公文-二级标题")
    b.ctl("{%p endif %}")
    # Figures lines are full of numbers that cannot break ("85.42%，"): set left, so a justified line is
    # never letter-spaced to fill the measure (review §1 #7, the building-leader notice).
    b.paragraphs("contest.figures", align=WD_ALIGN_PARAGRAPH.LEFT)


def results_notice() -> Builder:
    b = Builder("选举结果公告")
    notice_head(b)
    b.p("{{ intro }}")
    contest_opening(b)
    b.p("", style="公文-表后空行")
    b.table(
        [48, 32, 26, 50],
        ["职位", "姓名", "得票数", "结果"],
        [
            "{%tr for post in contest.posts %}",
            "{%tr for t in post.tally %}",
            ["{% vm %}{{ post.label }}", "{{ t.name }}", "{{ t.votes }}", "{{ t.result }}"],
            "{%tr endfor %}",
            "{%tr endfor %}",
        ],
        text_style="公文-表格文字（四号）",
        head_style="公文-表格标题行（四号）",
        nowrap=frozenset({1, 2}),
    )
    b.p("", style="公文-表后空行")
    b.paragraphs("contest.outcome", keep_last=True, keep_when="not contest.next_steps and not notes")
    # Only the last paragraph goes with 特此公告 and the signature (no chain pushing the whole end over).
    b.paragraphs("contest.next_steps", keep_last=True, keep_when="not notes")
    b.ctl("{%p endfor %}")
    b.paragraphs("notes", keep_last=True)
    closing(b)
    b.signature()
    return b


def invalid_notice() -> Builder:
    b = Builder("选举无效公告")
    notice_head(b)
    b.p("{{ intro }}")
    contest_opening(b)
    b.paragraphs("contest.failures")
    # When the vote is held again ends the notice: its last paragraph goes with 特此公告 and the signature.
    b.paragraphs("contest.next_steps", keep_last=True)
    b.ctl("{%p endfor %}")
    closing(b)
    b.signature()
    return b


def certificate() -> Builder:
    # No line grid: the certificate sets its own, larger line spacing.
    b = Builder("当选证书", page_numbers=False, border=True, grid=False)
    b.p("{{ number_text }}", style="公文-正文", size=14, line=Pt(24), first_chars=0, align=WD_ALIGN_PARAGRAPH.RIGHT)
    b.p("", style="公文-正文", line=Pt(86))
    b.p("当 选 证 书", style="公文-标题", size=36, after=54, line=Pt(60))
    big = dict(size=18, line=Pt(40))
    b.p("{{ name }}同志：", style="公文-正文", first_chars=0, **big)
    b.p("{{ text }}", style="公文-正文", **big)
    b.p("特发此证。", style="公文-正文", **big)
    b.p("", style="公文-正文", line=Pt(90))
    # The issuer stays inside the type area, and so inside the border drawn 24 pt outside it.
    b.signature(signatory="issuer", blank_before=False, size=18, line=Pt(40))
    return b


def pledge(title: str, extra_lines: bool = False) -> Builder:
    b = Builder(title)
    b.p("{{ heading }}", style="公文-标题", after=14)
    b.p("{{ intro }}")
    b.paragraphs("items", var="item")
    if extra_lines:
        b.ctl("{%p if goal_lines %}")
        b.p("{{ goals_title }}")
        b.paragraphs("goal_lines", var="line")
        b.ctl("{%p endif %}")
    b.p("{{ closing }}", keep_next=True)
    b.p("\t承诺人（签字）：", style="公文-签名", before=14)
    last = b.p("\t{{ date_text }}", style="公文-签名")
    last.paragraph_format.keep_with_next = False
    return b


def work_summary() -> Builder:
    b = Builder("换届选举工作总结")
    b.title()
    b.blank()
    b.p("{{ intro }}")
    b.ctl("{%p for s in sections %}")
    b.p("{{ s.heading }}", style="公文-一级标题")
    b.ctl("{%p for block in s.blocks %}")
    b.ctl("{%p if block.kind == 'heading' %}")
    b.p("{{ block.text }}", style="公文-二级标题")
    b.ctl("{%p elif block.kind == 'groups' %}")
    b.p("{{ block.caption }}", style="公文-表格标题行", keep_next=True, before=6, after=3)
    b.table(
        [40, 56, 28, 32],
        [f"{{{{ block.header[{i}] }}}}" for i in range(4)],
        [
            "{%tr for g in block.groups %}",
            "{%tr for r in g.rows %}",
            ["{% vm %}{{ g.name }}", "{{ r[0] }}", "{{ r[1] }}", "{{ r[2] }}"],
            "{%tr endfor %}",
            "{%tr endfor %}",
        ],
    )
    b.p("", style="公文-表后空行")
    b.ctl("{%p elif block.kind == 'table' %}")
    b.p("{{ block.caption }}", style="公文-表格标题行", keep_next=True, before=6, after=3)
    b.table(
        [28, 17, 22, 20, 15, 18, 15, 21],
        [f"{{{{ block.header[{i}] }}}}" for i in range(8)],
        ["{%tr for r in block.rows %}", [f"{{{{ r[{i}] }}}}" for i in range(8)], "{%tr endfor %}"],
    )
    b.p("", style="公文-表后空行")
    b.ctl("{%p elif block.keep %}")
    b.p("{{ block.text }}", keep_next=True)
    b.ctl("{%p else %}")
    b.p("{{ block.text }}")
    b.ctl("{%p endif %}")
    b.ctl("{%p endfor %}")
    b.ctl("{%p endfor %}")
    b.signature(signatory="author")
    return b


# ---- templates: before the vote: 选举办法、选举公告、选民证、委托投票证、工作人员名单 (issue 14.1) ----
def procedure_doc() -> Builder:
    """选举办法: title, the adopting meeting and date under it (楷体), then the numbered articles."""
    b = Builder("选举办法")
    b.title()
    para = b.p("{{ adopted_text }}", style="公文-文号")
    set_fonts(para.runs[0]._r.get_or_add_rPr(), KAITI)
    b.blank()
    b.paragraphs("articles", var="article")
    return b


def election_notice_doc() -> Builder:
    """选举公告: the numbered parts (when, where, seats, how to vote, validity), then 特此公告 and the 落款."""
    b = Builder("选举公告")
    notice_head(b)
    b.p("{{ intro }}")
    b.ctl("{%p for s in sections %}")
    b.p("{{ s.heading }}", style="公文-一级标题", keep_next=True)
    # Only the last part's last paragraph goes with 特此公告 and the 落款.
    b.paragraphs("s.lines", var="line", keep_last=True, keep_when="s.last")
    b.ctl("{%p endfor %}")
    closing(b)
    b.signature()
    return b


def meeting_notice_doc() -> Builder:
    """参会通知: the addressee 顶格, the numbered parts (when, where, who, agenda, what to bring), 特此通知 and 落款."""
    b = Builder("参会通知")
    notice_head(b)
    b.p("{{ addressee }}", first_chars=0)
    b.p("{{ intro }}")
    b.ctl("{%p for s in sections %}")
    b.p("{{ s.heading }}", style="公文-一级标题", keep_next=True)
    b.paragraphs("s.lines", var="line", keep_last=True, keep_when="s.last")
    b.ctl("{%p endfor %}")
    closing(b, "特此通知。")
    b.signature()
    return b


CARD_W_MM = 78  # two cards across the 156 mm type area
CARD_H_MM = 55  # four rows to a page: 220 mm of the 225 mm type area


def voter_card_doc() -> Builder:
    """选民证: two cards a row, four rows a page, dashed borders to cut along; each card three paragraphs."""
    b = Builder("选民证", page_numbers=False)
    table = b.table(
        [CARD_W_MM, CARD_W_MM],
        ["", ""],
        ["{%tr for row in rows %}", ["", ""], "{%tr endfor %}"],
        row_height_mm=CARD_H_MM,
        text_style="公文-表格文字",
    )
    # No header row: the first row was the builder's repeated header; drop it.
    table._tbl.remove(table.rows[0]._tr)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "dashed")
        el.set(qn("w:sz"), "6")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "808080")
        borders.append(el)
    tblpr = table._tbl.tblPr
    old = tblpr.find(qn("w:tblBorders"))
    if old is not None:
        tblpr.remove(old)
    tblpr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"
    )
    data = table.rows[1]
    data.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
    for side, cell in zip(("left", "right"), data.cells, strict=True):
        first = cell.paragraphs[0]
        first.style = b.doc.styles["公文-表格标题行"]
        first.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = first.add_run("{{ card_title }}")
        run.bold = True
        run.font.size = Pt(16)
        first.paragraph_format.space_after = Pt(4)
        body = cell.add_paragraph(style=b.doc.styles["公文-表格文字"])
        body.alignment = WD_ALIGN_PARAGRAPH.LEFT
        body.paragraph_format.line_spacing = Pt(19)
        body.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        set_indent_chars(body._p.get_or_add_pPr(), left_chars=0)
        body.paragraph_format.left_indent = Twips(170)
        lines = [
            f"编　　号：{{{{ row.{side}.number }}}}",
            f"姓　　名：{{{{ row.{side}.name }}}}",
            f"所在小组：{{{{ row.{side}.group }}}}",
            "选　　举：{{ election_name }}",
            "选举日期：{{ election_date }}",
        ]
        for i, text in enumerate(lines):
            r = body.add_run(text)
            r.font.size = Pt(12)
            if i < len(lines) - 1:
                r.add_break()
        seal = cell.add_paragraph(style=b.doc.styles["公文-表格文字"])
        seal.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        seal.paragraph_format.space_before = Pt(6)
        seal.paragraph_format.right_indent = Twips(170)
        r = seal.add_run("{{ seal }}")
        r.font.size = Pt(12)
    return b


def proxy_doc() -> Builder:
    """委托投票证: one page per 委托人; the rule of the profile, signatures, the committee's consent and seal."""
    b = Builder("委托投票证", page_numbers=False)
    b.ctl("{%p for x in proxies %}")
    b.ctl("{%p if not loop.first %}")
    brk = b.p("", style="Normal")
    brk.add_run().add_break(WD_BREAK.PAGE)
    b.ctl("{%p endif %}")
    b.title()
    b.blank()
    b.p("{{ x.text }}")
    b.table(
        [30, 48, 30, 48],
        ["委托人", "{{ x.principal }}", "受委托人", "{{ x.holder }}"],
        [["与委托人关系", "{{ x.relation }}", "委托投票职位", "{{ x.posts }}"]],
        nowrap=frozenset({1}),
    )
    b.p("", style="公文-表后空行")
    b.paragraphs("rules", var="rule")
    b.p("委托人（签字）：　　　　　　　受委托人（签字）：", before=14, keep_next=True)
    b.p("{{ date_text }}", align=WD_ALIGN_PARAGRAPH.RIGHT, keep_next=True)
    b.p("{{ consent }}", before=14, keep_next=True)
    b.p("{{ seal }}", align=WD_ALIGN_PARAGRAPH.RIGHT, keep_next=True)
    last = b.p("{{ date_text }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    last.paragraph_format.keep_with_next = False
    b.ctl("{%p endfor %}")
    return b


# ---- end before ----

# ---- templates: voting day and reporting upward: 计票单、清点报告、议程、报告单、花名册、备案表 (issue 14.2-3) ----
TALLY_BOXES = 20  # as pipeline.documents.dayof.TALLY_BOXES: 正字 boxes per row, five votes each


def landscape(b: Builder) -> None:
    """Turn a template's A4 page on its side; the GB/T 9704 margins stay on the same edges (the layout check reads
    the page size from the PDF, so its type area follows)."""
    from docx.enum.section import WD_ORIENT

    section = b.doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Twips(PAGE_H), Twips(PAGE_W)


def staff_notice() -> Builder:
    b = Builder("选举工作人员名单公告")
    notice_head(b)
    b.p("{{ intro }}")
    b.ctl("{%p for contest in contests %}")
    b.ctl("{%p if contest.heading %}")
    b.p("{{ contest.heading }}", style="公文-二级标题")
    b.ctl("{%p endif %}")
    b.ctl("{%p for m in contest.roles %}")
    b.p("{{ m.role }}：{{ m.names }}", first_chars=2)
    b.ctl("{%p endfor %}")
    b.ctl("{%p endfor %}")
    b.paragraphs("duties", keep_last=True)
    closing(b)
    b.signature()
    return b


def tally_sheet() -> Builder:
    """计票单: landscape, a row per candidate with 20 正字 boxes (the header counts the votes: 5, 10 … 100)."""
    # Compact margins (上25 下20, as the ballot; layoutcheck.type_area knows them): a form, not a 公文.
    b = Builder("计票单", compact=True)
    landscape(b)
    b.title()
    b.p("{{ subtitle }}", style="公文-文号")
    b.p("{{ seats_text }}", align=WD_ALIGN_PARAGRAPH.CENTER, first_chars=0)
    boxes = [""] * TALLY_BOXES
    b.table(
        [20, 26] + [8.5] * TALLY_BOXES + [27],
        ["序号", "姓名"] + [str(5 * (i + 1)) for i in range(TALLY_BOXES)] + ["得票数"],
        ["{%tr for r in rows %}", ["{{ r.no }}", "{{ r.name }}", *boxes, "{{ r.votes }}"], "{%tr endfor %}"]
        + [["合计", "", *boxes, "{{ total }}"]],
        row_height_mm=7.5,
        nowrap=frozenset({0, 1, TALLY_BOXES + 2}),
    )
    b.p("", style="公文-表后空行")
    b.p("{{ note }}", style="公文-说明", keep_next=True)
    b.ctl("{%p for pair in signers|batch(2) %}")
    b.p("{{ pair|join('　　　　　　　　') }}", style="公文-签名", align=WD_ALIGN_PARAGRAPH.LEFT, before=3)
    b.ctl("{%p endfor %}")
    return b


def ballot_count_report() -> Builder:
    b = Builder("选票清点报告")
    b.title()
    b.p("{{ subtitle }}", style="公文-文号")
    b.blank()
    b.p("{{ intro }}")
    b.table(
        [90, 66],
        ["项目", "张数"],
        ["{%tr for r in rows %}", ["{{ r[0] }}", "{{ r[1] }}"], "{%tr endfor %}"],
        text_style="公文-表格文字（四号）",
        head_style="公文-表格标题行（四号）",
        nowrap=frozenset({1}),
    )
    b.p("", style="公文-表后空行")
    b.p("{{ verdict }}", keep_next=True)
    b.ctl("{%p for s in signers %}")
    b.p("{{ s }}", style="公文-签名", keep_next=True, before=10)
    b.ctl("{%p endfor %}")
    last = b.p("{{ date_text }}", style="公文-签名", align=WD_ALIGN_PARAGRAPH.RIGHT)
    last.paragraph_format.keep_with_next = False
    return b


def agenda_doc() -> Builder:
    """选举大会议程: the meeting's facts, then a numbered table of items with time and who is in charge."""
    b = Builder("选举大会议程")
    b.title()
    b.ctl("{%p if subtitle %}")
    b.p("{{ subtitle }}", style="公文-文号")
    b.ctl("{%p endif %}")
    b.ctl("{%p for m in meta %}")
    b.p("{{ m }}", first_chars=2)
    b.ctl("{%p endfor %}")
    b.table(
        [12, 20, 92, 32],
        ["序号", "时间", "议程", "负责人"],
        ["{%tr for x in items %}", ["{{ x.no }}", "{{ x.time }}", "{{ x.item }}", "{{ x.by }}"], "{%tr endfor %}"],
        nowrap=frozenset({0, 1, 3}),
    )
    return b


def script_doc() -> Builder:
    """主持词: the chair's lines under the items of the 议程."""
    b = Builder("主持词")
    b.title()
    b.p("{{ subtitle }}", style="公文-文号")
    b.ctl("{%p for sec in sections %}")
    b.p("{{ sec.heading }}", style="公文-一级标题", keep_next=True)
    b.ctl("{%p for line in sec.lines %}")
    b.p("{{ line }}")
    b.ctl("{%p endfor %}")
    b.ctl("{%p endfor %}")
    return b


REPORT_PEOPLE = [
    (28, "职务", "{{ p.post }}"),
    (20, "姓名", "{{ p.name }}"),
    (11, "性别", "{{ p.gender }}"),
    (11, "年龄", "{{ p.age }}"),
    (22, "文化程度", "{{ p.education }}"),
    (26, "政治面貌", "{{ p.politics }}"),
    (18, "连任", "{{ p.incumbent }}"),
    (20, "得票数", "{{ p.votes }}"),
]
ROSTER_PEOPLE = [
    (10, "序号", "{{ p.no }}"),
    (26, "职务", "{{ p.post }}"),
    (18, "姓名", "{{ p.name }}"),
    (10, "性别", "{{ p.gender }}"),
    (14, "民族", "{{ p.ethnicity }}"),
    (24, "出生年月", "{{ p.birth }}"),
    (10, "年龄", "{{ p.age }}"),
    (20, "文化程度", "{{ p.education }}"),
    (24, "政治面貌", "{{ p.politics }}"),
    (16, "是否连任", "{{ p.incumbent }}"),
    (16, "得票数", "{{ p.votes }}"),
    (55, "工作单位及职务", "{{ p.workplace }}"),
]


def report_form() -> Builder:
    """选举结果报告单: one page, the figures as a 4-column form, then the elected."""
    b = Builder("选举结果报告单")
    b.title()
    b.p("{{ to }}", first_chars=0, align=WD_ALIGN_PARAGRAPH.LEFT)
    b.table(
        [36, 42, 36, 42],
        ["项目", "情况", "项目", "情况"],
        ["{%tr for r in rows %}", ["{{ r[0] }}", "{{ r[1] }}", "{{ r[2] }}", "{{ r[3] }}"], "{%tr endfor %}"],
        nowrap=frozenset({0, 2}),
    )
    b.p("当选人员", style="公文-表格标题行", keep_next=True, before=4, after=2)
    b.table(
        [w for w, _, _ in REPORT_PEOPLE],
        [h for _, h, _ in REPORT_PEOPLE],
        ["{%tr for p in people %}", [v for _, _, v in REPORT_PEOPLE], "{%tr endfor %}"],
        nowrap=frozenset({1, 2, 3, 7}),
    )
    b.p("", style="公文-表后空行")
    b.p("{{ reporter }}", style="公文-签名", keep_next=True)
    b.p("{{ contact }}", style="公文-签名", keep_next=True)
    last = b.p("{{ date_text }}", style="公文-签名", align=WD_ALIGN_PARAGRAPH.RIGHT)
    last.paragraph_format.keep_with_next = False
    return b


FILING_PEOPLE = [
    (12, "序号", "{{ p.no }}"),
    (34, "职务", "{{ p.post }}"),
    (22, "姓名", "{{ p.name }}"),
    (14, "性别", "{{ p.gender }}"),
    (14, "年龄", "{{ p.age }}"),
    (30, "政治面貌", "{{ p.politics }}"),
    (30, "文化程度", "{{ p.education }}"),
]


def filing_form() -> Builder:
    """备案表: one page, the unit's facts as a 4-column form, the elected, then both seals."""
    b = Builder("备案表")
    b.title()
    b.p("{{ to }}", first_chars=0, align=WD_ALIGN_PARAGRAPH.LEFT)
    b.table(
        [30, 48, 30, 48],
        ["项目", "情况", "项目", "情况"],
        ["{%tr for r in rows %}", ["{{ r[0] }}", "{{ r[1] }}", "{{ r[2] }}", "{{ r[3] }}"], "{%tr endfor %}"],
        nowrap=frozenset({0, 2}),
    )
    b.p("当选人员", style="公文-表格标题行", keep_next=True, before=4, after=2)
    b.table(
        [w for w, _, _ in FILING_PEOPLE],
        [h for _, h, _ in FILING_PEOPLE],
        ["{%tr for p in people %}", [v for _, _, v in FILING_PEOPLE], "{%tr endfor %}"],
        nowrap=frozenset({0, 2, 3, 4}),
    )
    b.p("", style="公文-表后空行")
    b.p("{{ statement }}", keep_next=True)
    b.p("{{ reporter }}", style="公文-签名", keep_next=True, before=6)
    b.p("{{ receiver }}", style="公文-签名", keep_next=True, before=6)
    last = b.p("{{ date_text }}", style="公文-签名", align=WD_ALIGN_PARAGRAPH.RIGHT)
    last.paragraph_format.keep_with_next = False
    return b


def roster_sheet() -> Builder:
    """当选人员花名册: landscape, one row per person (the same rows as 当选人员花名册.xlsx)."""
    b = Builder("当选人员花名册")
    landscape(b)
    b.title()
    b.table(
        [w for w, _, _ in ROSTER_PEOPLE],
        [h for _, h, _ in ROSTER_PEOPLE],
        ["{%tr for p in people %}", [v for _, _, v in ROSTER_PEOPLE], "{%tr endfor %}"],
        nowrap=frozenset({0, 2, 3, 4, 5, 6, 10}),
    )
    b.p("", style="公文-表后空行")
    b.p("{{ reporter }}", style="公文-签名", keep_next=True)
    last = b.p("{{ date_text }}", style="公文-签名", align=WD_ALIGN_PARAGRAPH.RIGHT)
    last.paragraph_format.keep_with_next = False
    return b


# ---- end dayof ----

# ---- templates: the other bodies of the 换届: 监督委员会、小组长、代表、楼栋长→小组长 (issue 14.4) ----
# ---- end bodies ----

# ---- templates: Party 公推直选 (issue 14.5) ----
PARTY_PERSON_COLUMNS = [16, 10, 12, 24, 22, 24, 26, 22]  # 156 mm: 姓名 … 工作单位及职务, then the last column


def recommendation_result() -> Builder:
    """公推推荐结果: every person recommended, both votes and shares, the weighted score, who became 预备人选."""
    b = Builder("公推推荐结果")
    notice_head(b)
    b.p("{{ intro }}")
    b.table(
        [12, 18, 22, 20, 22, 20, 20, 22],
        ["名次", "姓名", "党员推荐票", "得票率", "群众推荐票", "得票率", "综合得分", "预备人选"],
        [
            "{%tr for r in rows %}",
            [
                "{{ r.rank }}",
                "{{ r.name }}",
                "{{ r.members }}",
                "{{ r.members_share }}",
                "{{ r.masses }}",
                "{{ r.masses_share }}",
                "{{ r.score }}",
                "{{ r.result }}",
            ],
            "{%tr endfor %}",
        ],
        nowrap=frozenset({1, 2, 3, 4, 5, 6}),
    )
    b.p("", style="公文-表后空行")
    b.paragraphs("notes", keep_last=True)
    closing(b)
    b.signature()
    return b


def upward_document(title: str, sections: bool) -> Builder:
    """A 上行文 to the higher Party organisation (请示, 报告): 主送机关, 正文, 附件说明, 落款, 附注, then the 附件 名单."""
    b = Builder(title)
    b.title()
    b.doc_number()
    b.blank()
    b.p("{{ addressee }}：", first_chars=0)
    b.paragraphs("body")
    if sections:
        b.ctl("{%p for s in sections %}")
        b.p("{{ s.heading }}", style="公文-一级标题")
        b.p("{{ s.text }}")
        b.ctl("{%p endfor %}")
        b.p("{{ closing_text }}", keep_next=True)
    b.blank()
    b.p("附件：{{ attachment_title }}", keep_next=True)
    b.signature()
    b.ctl("{%p if note %}")
    b.p("{{ note }}")
    b.ctl("{%p endif %}")
    head = b.p("附件", style="公文-一级标题", first_chars=0)
    head.paragraph_format.page_break_before = True
    b.blank()
    b.title("attachment_lines")
    b.blank()
    b.table(
        PARTY_PERSON_COLUMNS,
        [f"{{{{ header[{i}] }}}}" for i in range(8)],
        [
            "{%tr for r in rows %}",
            [
                "{{ r.name }}",
                "{{ r.gender }}",
                "{{ r.ethnicity }}",
                "{{ r.birth }}",
                "{{ r.education }}",
                "{{ r.joined }}",
                "{{ r.workplace }}",
                "{{ r.extra }}",
            ],
            "{%tr endfor %}",
        ],
        nowrap=frozenset({0, 1, 2, 3, 4, 5}),
    )
    b.p("", style="公文-表后空行")
    b.paragraphs("attachment_notes")
    return b


# ---- end party ----


# ---- templates: 人大 选区 work (issue 14.6) ----
def districts_notice() -> Builder:
    """选区划分公告: 选区, the places each covers, seats and voters, in one table with a 合计 row."""
    b = Builder("选区划分公告")
    notice_head(b)
    b.p("{{ intro }}")
    b.table(
        [26, 82, 24, 24],
        ["选区", "选区范围", "应选代表名额", "选民数"],
        [
            "{%tr for d in districts %}",
            ["{{ d.name }}", "{{ d.covers }}", "{{ d.seats }}", "{{ d.voters }}"],
            "{%tr endfor %}",
            ["合计", "", "{{ total_seats }}", "{{ total_voters }}"],
        ],
        nowrap=frozenset({0, 2, 3}),
    )
    b.p("", style="公文-表后空行")
    b.paragraphs("notes", keep_last=True)
    closing(b)
    b.signature()
    return b


def supplementary_notice() -> Builder:
    """补充选民名单公告: the people added (补登) and taken off (除名) after the list was published."""
    b = Builder("补充选民名单公告")
    notice_head(b)
    b.p("{{ intro }}")
    b.ctl("{%p for s in sections %}")
    b.p("{{ s.heading }}", style="公文-二级标题")
    b.table(
        [40, 116],
        ["姓名", "原因"],
        ["{%tr for p in s.people %}", ["{{ p.name }}", "{{ p.reason }}"], "{%tr endfor %}"],
        nowrap=frozenset({0}),
    )
    b.p("", style="公文-表后空行")
    b.ctl("{%p endfor %}")
    b.paragraphs("notes", keep_last=True)
    closing(b)
    b.signature()
    return b


def registration_table() -> Builder:
    """选民登记情况表 by 选区: last registration, added, removed, suspended, registered elsewhere, registered."""
    b = Builder("选民登记情况表")
    notice_head(b)
    b.p("{{ intro }}")
    b.table(
        [24, 21, 18, 18, 24, 28, 23],
        ["选区", "上次登记", "新增", "除名", "被羁押停权", "外出异地登记", "本次登记"],
        [
            "{%tr for r in rows %}",
            [
                "{{ r.name }}",
                "{{ r.previous }}",
                "{{ r.added }}",
                "{{ r.removed }}",
                "{{ r.suspended }}",
                "{{ r.floating_out }}",
                "{{ r.registered }}",
            ],
            "{%tr endfor %}",
            [
                "合计",
                "{{ total.previous }}",
                "{{ total.added }}",
                "{{ total.removed }}",
                "{{ total.suspended }}",
                "{{ total.floating_out }}",
                "{{ total.registered }}",
            ],
        ],
        nowrap=frozenset({0}),
    )
    b.p("", style="公文-表后空行")
    b.paragraphs("notes", keep_last=True)
    b.signature()
    return b


# ---- end deputy ----


TEMPLATES = {
    "选举委员会成员公告.docx": committee_notice,
    "选民名单公告.docx": voter_list_notice,
    "候选人名单公告.docx": candidate_list_notice,
    "选票.docx": ballot,
    "选举结果公告.docx": results_notice,
    "选举无效公告.docx": invalid_notice,
    "当选证书.docx": certificate,
    "候选人竞争承诺书.docx": lambda: pledge("候选人竞争承诺书"),
    "当选履职承诺书.docx": lambda: pledge("当选履职承诺书", extra_lines=True),
    "严肃换届纪律承诺书.docx": lambda: pledge("严肃换届纪律承诺书"),
    "换届选举工作总结.docx": work_summary,
    # files: before
    "选举办法.docx": procedure_doc,
    "选举公告.docx": election_notice_doc,
    "选民证.docx": voter_card_doc,
    "委托投票证.docx": proxy_doc,
    # files: dayof
    "选举工作人员名单公告.docx": staff_notice,
    "计票单.docx": tally_sheet,
    "选票清点报告.docx": ballot_count_report,
    "选举大会议程.docx": agenda_doc,
    "主持词.docx": script_doc,
    "参会通知.docx": meeting_notice_doc,
    "选举结果报告单.docx": report_form,
    "当选人员花名册.docx": roster_sheet,
    "备案表.docx": filing_form,
    # files: bodies
    # files: party
    "公推推荐结果.docx": recommendation_result,
    "候选人预备人选请示.docx": lambda: upward_document("候选人预备人选请示", sections=False),
    "选举结果报告.docx": lambda: upward_document("选举结果报告", sections=True),
    # files: deputy
    "选区划分公告.docx": districts_notice,
    "补充选民名单公告.docx": supplementary_notice,
    "选民登记情况表.docx": registration_table,
}


def build_all() -> dict[str, bytes]:
    return {name: make().save(name) for name, make in TEMPLATES.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the committed templates")
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args(argv)
    built = build_all()
    if args.check:
        stale = []
        for name, data in built.items():
            path = os.path.join(args.out, name)
            if not os.path.exists(path) or Path(path).read_bytes() != data:
                stale.append(name)
        for name in stale:
            print(f"过期：templates/{name}（运行 python tools/make_templates.py 重新生成）")
        return 1 if stale else 0
    os.makedirs(args.out, exist_ok=True)
    for name, data in built.items():
        with open(os.path.join(args.out, name), "wb") as fh:
            fh.write(data)
        print(f"templates/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

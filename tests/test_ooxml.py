"""The OOXML we write is in schema order: the children of every property element follow the sequence of
ECMA-376 Part 1 (transitional) for its type, once each, in every template and every rendered sample document.

LibreOffice and python-docx accept children out of order; Word may report "unreadable content" and strict
validators reject the file (review 2026-12 §1 #10: a second w:tblLayout after w:tblLook in every table).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES
from helpers import election_of

from pipeline import records
from pipeline.render import TEMPLATES_DIR, render_record

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

_PPR_BASE = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
]
_RPR_BASE = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
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
]
# (parent tag, grandparent tag or None) -> the child sequence. Repeatable children are listed in REPEATABLE.
SEQUENCES: dict[tuple[str, str | None], list[str]] = {
    ("pPr", "p"): [*_PPR_BASE, "rPr", "sectPr", "pPrChange"],
    ("pPr", "style"): [*_PPR_BASE, "pPrChange"],
    ("pPr", "pPrDefault"): [*_PPR_BASE, "pPrChange"],
    ("rPr", "r"): [*_RPR_BASE, "rPrChange"],
    ("rPr", "style"): [*_RPR_BASE, "rPrChange"],
    ("rPr", "rPrDefault"): [*_RPR_BASE, "rPrChange"],
    ("rPr", "pPr"): ["ins", "del", "moveFrom", "moveTo", *_RPR_BASE, "rPrChange"],
    ("sectPr", None): [
        "headerReference",
        "footnotePr",
        "endnotePr",
        "type",
        "pgSz",
        "pgMar",
        "paperSrc",
        "pgBorders",
        "lnNumType",
        "pgNumType",
        "cols",
        "formProt",
        "vAlign",
        "noEndnote",
        "titlePg",
        "textDirection",
        "bidi",
        "rtlGutter",
        "docGrid",
        "printerSettings",
        "sectPrChange",
    ],
    ("tblPr", None): [
        "tblStyle",
        "tblpPr",
        "tblOverlap",
        "bidiVisual",
        "tblStyleRowBandSize",
        "tblStyleColBandSize",
        "tblW",
        "jc",
        "tblCellSpacing",
        "tblInd",
        "tblBorders",
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
        "tblCaption",
        "tblDescription",
        "tblPrChange",
    ],
    ("tcPr", None): [
        "cnfStyle",
        "tcW",
        "gridSpan",
        "hMerge",
        "vMerge",
        "tcBorders",
        "shd",
        "noWrap",
        "tcMar",
        "textDirection",
        "tcFitText",
        "vAlign",
        "hideMark",
        "headers",
        "cellIns",
        "cellDel",
        "cellMerge",
        "tcPrChange",
    ],
    ("tblBorders", None): ["top", "left", "start", "bottom", "right", "end", "insideH", "insideV"],
    ("tblCellMar", None): ["top", "left", "start", "bottom", "right", "end"],
    ("tcBorders", None): ["top", "left", "start", "bottom", "right", "end", "insideH", "insideV", "tl2br", "tr2bl"],
    ("pBdr", None): ["top", "left", "bottom", "right", "between", "bar"],
    ("pgBorders", None): ["top", "left", "bottom", "right"],
}
# left/start and right/end are alternatives of one place in the sequence.
SAME_PLACE = {("left", "start"), ("right", "end")}
REPEATABLE = {"headerReference": "footerReference"}
# CT_TrPr is a choice: any order, these names only.
TRPR = set(
    [
        "cnfStyle",
        "divId",
        "gridBefore",
        "gridAfter",
        "wBefore",
        "wAfter",
        "cantSplit",
        "trHeight",
        "tblHeader",
        "tblCellSpacing",
        "jc",
        "hidden",
        "ins",
        "del",
        "trPrChange",
    ]
)


CHECKED = [W + tag for tag in {tag for tag, _ in SEQUENCES} | {"trPr"}]


def _sequence(el) -> list[str] | None:
    tag = el.tag.removeprefix(W)
    parent = el.getparent()
    up = parent.tag.removeprefix(W) if parent is not None else None
    return SEQUENCES.get((tag, up)) or SEQUENCES.get((tag, None))


def _place(seq: list[str], name: str) -> int | None:
    name = REPEATABLE.get(name, name) if name not in seq else name
    if name == "footerReference":
        name = "headerReference"
    for a, b in SAME_PLACE:
        if name == b and a in seq:
            name = a
    return seq.index(name) if name in seq else None


def order_problems(xml: bytes, where: str) -> list[str]:
    """Every property element of `xml` whose children break the schema's sequence, as readable lines."""
    from lxml import etree

    root = etree.fromstring(xml)
    problems = []
    for el in root.iter(*CHECKED):
        tag = el.tag.removeprefix(W)
        children = [c.tag.removeprefix(W) for c in el if isinstance(c.tag, str) and c.tag.startswith(W)]
        if tag == "trPr":
            problems += [f"{where}: w:trPr 中不应有 w:{c}" for c in children if c not in TRPR]
            continue
        seq = _sequence(el)
        if seq is None:
            continue
        last = -1
        for child in children:
            place = _place(seq, child)
            if place is None:
                problems.append(f"{where}: w:{tag} 中不应有 w:{child}（子元素 {children}）")
            elif place < last or (place == last and child not in ("headerReference", "footerReference")):
                problems.append(f"{where}: w:{tag} 的子元素顺序或次数不合规范：{children}")
                break
            else:
                last = place
    return problems


_SEEN: set[bytes] = set()  # parts already checked (styles.xml is the same in every document of a kind)


def docx_problems(path: Path) -> list[str]:
    problems = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not (name.startswith("word/") and name.endswith(".xml")):
                continue
            data = zf.read(name)
            if data in _SEEN:
                continue
            found = order_problems(data, f"{path.name}:{name}")
            if not found:
                _SEEN.add(data)
            problems += found
    return problems


TEMPLATES = sorted(TEMPLATES_DIR.glob("*.docx"))


def test_the_checker_finds_the_reviewed_defect():
    # What the templates had before issue 13: python-docx's tblLayout, our own again after tblLook.
    xml = (
        b'<w:tbl xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:tblPr>'
        b'<w:tblW w:w="0" w:type="auto"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0"/>'
        b'<w:tblLayout w:type="fixed"/></w:tblPr></w:tbl>'
    )
    assert order_problems(xml, "t") == [
        "t: w:tblPr 的子元素顺序或次数不合规范：['tblW', 'tblLayout', 'tblLook', 'tblLayout']"
    ]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_elements_are_in_schema_order(path):
    assert docx_problems(path) == []


def test_rendered_sample_documents_are_in_schema_order(tmp_path):
    problems = []
    count = 0
    for sample in sorted(SAMPLES.glob("*.yaml")):
        record, _ = records.load(str(sample))
        report = render_record(election_of(record.data, record.file), tmp_path / sample.stem)
        for path in sorted((tmp_path / sample.stem).glob("*.docx")):
            count += 1
            problems += docx_problems(path)
        assert report.written
    assert count > 100
    assert problems == []

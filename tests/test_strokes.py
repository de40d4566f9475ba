"""Tests for pipeline.strokes (姓氏笔画 ordering, GF 3003-1999)."""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.strokes import CONVENTIONS, name_key, sort_names, stroke_info, unknown_chars

DATA_FILE = Path(__file__).resolve().parent.parent / "pipeline" / "data" / "strokes.tsv"


def _read_table() -> dict[str, str]:
    """Parse the data file directly (independently of the module's loader)."""
    table = {}
    for line in DATA_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line:
            continue
        ch, seq, _source = line.split("\t")
        table[ch] = seq
    return table


TABLE = _read_table()
KNOWN_CHARS = sorted(TABLE)


def _gb2312_hanzi() -> list[str]:
    chars = []
    for b1 in range(0xB0, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                chars.append(bytes([b1, b2]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


# --------------------------------------------------------------------- data


def test_data_file_loads_and_covers_gb2312():
    assert DATA_FILE.stat().st_size < 1_000_000
    assert len(TABLE) >= 6763
    gb = _gb2312_hanzi()
    assert len(gb) == 6763
    level1 = gb[:3755]  # rows 0xB0-0xD7 are level 1 (3,755 characters)
    assert level1[0] == "啊" and level1[-1] == "座"
    assert [ch for ch in level1 if ch not in TABLE] == []
    assert [ch for ch in gb if ch not in TABLE] == []
    assert all(re.fullmatch(r"[1-5]+", seq) for seq in TABLE.values())
    # The header's stated coverage matches the file.
    header = DATA_FILE.read_text(encoding="utf-8").splitlines()
    stated = next(line for line in header if line.startswith("# Entries:"))
    assert f"Entries: {len(TABLE)} " in stated
    assert "GB 2312: 6763/6763" in stated
    m = re.search(r"通用规范汉字表: (\d+)/8105", stated)
    assert m and int(m.group(1)) >= 8000


def test_module_agrees_with_data_file():
    for ch in KNOWN_CHARS[::97]:
        assert stroke_info(ch) == (len(TABLE[ch]), TABLE[ch])


@pytest.mark.parametrize(
    "ch, info",
    [
        ("丁", (2, "12")),
        # 卜 is 竖 点 and 刁 is 横折钩 提 (提 counts as 横).  Both sources agree;
        # the values "25"/"52" sometimes quoted are wrong, the order 丁 卜 刁 holds.
        ("卜", (2, "24")),
        ("刁", (2, "51")),
        ("于", (3, "112")),
        ("万", (3, "153")),
        ("马", (3, "551")),
        ("王", (4, "1121")),
        ("毛", (4, "3115")),
        ("文", (4, "4134")),
        ("方", (4, "4153")),
        ("尹", (4, "5113")),
        ("孔", (4, "5215")),
        # further spot checks against 现代汉语通用字笔顺规范
        ("一", (1, "1")),
        ("乙", (1, "5")),
        ("乃", (2, "53")),
        ("匕", (2, "35")),
        ("及", (3, "354")),
        ("小", (3, "234")),
        ("忄", (3, "442")),
        ("火", (4, "4334")),
        ("心", (4, "4544")),
        ("戈", (4, "1534")),
        ("必", (5, "45434")),
        ("母", (5, "55414")),
        ("凸", (5, "21251")),
        ("凹", (5, "25251")),
        ("出", (5, "52252")),
        ("田", (5, "25121")),
        ("贯", (8, "55212534")),
        ("欧", (8, "13453534")),
        ("富", (12, "445125125121")),
        # manual corrections made in tools/build_strokes.py
        ("炽", (9, "433425134")),
        ("皙", (13, "1234331232511")),
        ("膝", (15, "351112343424134")),
    ],
)
def test_stroke_info_known_facts(ch, info):
    assert stroke_info(ch) == info


def test_stroke_info_unknown_and_invalid():
    assert stroke_info("𠀀") is None  # CJK Extension B
    assert stroke_info("A") is None
    with pytest.raises(ValueError):
        stroke_info("王芳")
    with pytest.raises(ValueError):
        stroke_info("")


def test_stroke_info_nfkc_fallback():
    # U+2F00 KANGXI RADICAL ONE folds to 一 under NFKC.
    assert stroke_info("\u2f00") == (1, "1")


# ---------------------------------------------------------- official orders


@pytest.mark.parametrize(
    "expected",
    [["丁", "卜", "刁"], ["于", "万", "马"], ["王", "毛", "文", "方", "尹", "孔"]],
)
@pytest.mark.parametrize("convention", CONVENTIONS)
def test_official_orders_any_permutation(expected, convention):
    for perm in itertools.permutations(expected):
        assert sort_names(perm, convention) == expected


def test_conventions_tian_fu_vs_tian_dali():
    # 姓氏笔画: single given name first (its first given-name position is ○).
    assert sort_names(["田大利", "田富"]) == ["田富", "田大利"]
    assert sort_names(["田大利", "田富"], "surname") == ["田富", "田大利"]
    # 姓名笔画: 大 (3 strokes) < 富 (12 strokes).
    assert sort_names(["田富", "田大利"], "fullname") == ["田大利", "田富"]
    assert name_key("田富") < name_key("田大利")
    assert name_key("田大利", "fullname") < name_key("田富", "fullname")


# A realistic candidate list.  First characters and their strokes:
#   丁 2 (12) | 于 3 (112) < 马 3 (551) | 王 4 (1121) < 方 4 (4153)
#   | 田 5 (25121) < 司 5 (51251) [compound 司马] | 买 6 (544134) [·-name]
#   | 欧 8 (13453534) [compound 欧阳]
# Same surname 王: 王丽 (single given name) vs 王小红 (double):
#   surname convention  -> 王丽 first (○ before 小);
#   fullname convention -> 王小红 first (小 3 strokes < 丽 7 strokes).
CANDIDATES = ["欧阳少东", "王小红", "买买提·艾力", "田大利", "马丽", "方敏", "司马云", "丁伟", "王丽", "于海涛"]
EXPECTED_SURNAME = ["丁伟", "于海涛", "马丽", "王丽", "王小红", "方敏", "田大利", "司马云", "买买提·艾力", "欧阳少东"]
EXPECTED_FULLNAME = ["丁伟", "于海涛", "马丽", "王小红", "王丽", "方敏", "田大利", "司马云", "买买提·艾力", "欧阳少东"]


def test_realistic_candidate_list():
    assert sort_names(CANDIDATES) == EXPECTED_SURNAME
    assert sort_names(CANDIDATES, "fullname") == EXPECTED_FULLNAME
    assert sort_names(reversed(CANDIDATES)) == EXPECTED_SURNAME
    assert unknown_chars(CANDIDATES) == []


def test_compound_surnames_sort_consistently():
    names = ["诸葛亮", "端木赐", "上官婉儿", "司马光", "欧阳修"]
    # 上 3 < 司 5 < 欧 8 < 诸 10 < 端 14
    assert sort_names(names) == ["上官婉儿", "司马光", "欧阳修", "诸葛亮", "端木赐"]
    # 8-stroke surnames: 林 (1234...) < 欧 (1345...) < 罗 (2522...);
    # the 欧阳 names stay together and are ordered among themselves.
    mixed = ["罗兰", "欧阳明", "林立", "欧阳少东", "罗大为", "欧阳修", "林晓明"]
    assert sort_names(mixed) == ["林立", "林晓明", "欧阳明", "欧阳修", "欧阳少东", "罗兰", "罗大为"]
    assert sort_names(mixed, "fullname") == ["林立", "林晓明", "欧阳少东", "欧阳明", "欧阳修", "罗大为", "罗兰"]


def test_middle_dot_and_whitespace_ignored():
    for dot in "·‧・•":
        assert name_key(f"买买提{dot}艾力")[0] == name_key("买买提艾力")[0]
    assert name_key("王 芳")[0] == name_key("王芳")[0]
    assert name_key("王\u3000芳", "fullname")[0] == name_key("王芳", "fullname")[0]
    assert unknown_chars(["买买提·艾力", "王 芳", "阿依古丽\u200b"]) == []
    # Equal keys are broken by code points, never by input order.
    a, b = "王芳", "王 芳"
    assert sort_names([a, b]) == sort_names([b, a])


def test_surname_and_prefix_rules():
    assert sort_names(["王一鸣", "王一"], "fullname") == ["王一", "王一鸣"]
    assert sort_names(["王一鸣", "王一"]) == ["王一", "王一鸣"]
    assert sort_names(["王", "王芳", ""]) == ["", "王", "王芳"]
    # Same count and sequence (土/士 are both 121): next character decides.
    assert sort_names(["士大", "土木"]) == ["士大", "土木"]  # 大 3 < 木 4


def test_unknown_characters_reported_and_sorted_stably():
    names = ["王𠀀", "王Z", "王芳", "Alice", "王a", "𠀀", "王龙"]
    assert unknown_chars(names) == ["𠀀", "Z", "A", "l", "i", "c", "e", "a"]
    # 王 names first (known surname); among them known given names by strokes
    # (龙 5 < 芳 7), then unknown ones by code point (Z < a < 𠀀).  Names whose
    # first character is unknown come last, by code point (A < 𠀀).
    expected = ["王龙", "王芳", "王Z", "王a", "王𠀀", "Alice", "𠀀"]
    for convention in CONVENTIONS:
        for perm in itertools.islice(itertools.permutations(names), 0, None, 37):
            assert sort_names(perm, convention) == expected


def test_invalid_arguments():
    with pytest.raises(ValueError):
        sort_names(["王芳"], "pinyin")
    with pytest.raises(ValueError):
        name_key("王芳", "stroke")
    with pytest.raises(TypeError):
        sort_names("王芳")
    with pytest.raises(TypeError):
        unknown_chars("王芳")


# ------------------------------------------------------------ property tests
#
# Reference: an independently written pairwise comparator implementing the
# rules literally (per-character (strokes, sequence) comparison, unknown
# characters after known ones by code point, and the convention's padding:
# "surname" left-pads the given name with ○ so it is right-aligned,
# "fullname" right-pads with ○), then code points as the final tie-break.

_IGNORED = set("·‧・•") | {" ", "\u3000"}


def _ref_char(ch: str):
    seq = TABLE.get(ch)
    if seq is None:
        return (1, ord(ch), ())  # unknown: after all known characters
    return (0, len(seq), tuple(int(d) for d in seq))


def _ref_cmp_seq(xs, ys) -> int:
    for x, y in zip(xs, ys, strict=False):
        if x == y:
            continue
        if x is None:
            return -1
        if y is None:
            return 1
        return -1 if x < y else 1
    return 0


def _ref_compare(convention: str, a: str, b: str) -> int:
    ca = [_ref_char(c) for c in a if c not in _IGNORED]
    cb = [_ref_char(c) for c in b if c not in _IGNORED]
    if convention == "fullname":
        n = max(len(ca), len(cb))
        pa = ca + [None] * (n - len(ca))
        pb = cb + [None] * (n - len(cb))
    else:
        head_a, rest_a = ([ca[0]], ca[1:]) if ca else ([None], [])
        head_b, rest_b = ([cb[0]], cb[1:]) if cb else ([None], [])
        n = max(len(rest_a), len(rest_b))
        pa = head_a + [None] * (n - len(rest_a)) + rest_a
        pb = head_b + [None] * (n - len(rest_b)) + rest_b
    c = _ref_cmp_seq(pa, pb)
    if c:
        return c
    sa = "".join(ch for ch in a if ch not in _IGNORED)
    sb = "".join(ch for ch in b if ch not in _IGNORED)
    if sa != sb:
        return -1 if sa < sb else 1
    return (a > b) - (a < b)


def _ref_sort(names, convention):
    return sorted(names, key=functools.cmp_to_key(functools.partial(_ref_compare, convention)))


_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗丁卜刁于万") + ["欧阳", "司马", "诸葛", "上官", "端木"]
_table_char = st.sampled_from(KNOWN_CHARS)
_odd_char = st.sampled_from(["𠀀", "𪚥", "A", "z", "7", "·", " "])
_given = st.lists(st.one_of(_table_char, _table_char, _table_char, _odd_char), min_size=0, max_size=3)
_name = st.builds(
    lambda s, g: s + "".join(g),
    st.one_of(st.sampled_from(_SURNAMES), _table_char),
    _given,
)
_names = st.lists(_name, min_size=0, max_size=300)
_large_names = st.lists(_name, min_size=50, max_size=300)


@settings(max_examples=50, deadline=None)
@given(names=_large_names, convention=st.sampled_from(CONVENTIONS))
def test_property_matches_reference(names, convention):
    assert sort_names(names, convention) == _ref_sort(names, convention)


@settings(max_examples=40, deadline=None)
@given(names=_large_names, convention=st.sampled_from(CONVENTIONS), rnd=st.randoms(use_true_random=False))
def test_property_permutation_order_independent_idempotent(names, convention, rnd):
    result = sort_names(names, convention)
    assert Counter(result) == Counter(names)
    shuffled = list(names)
    rnd.shuffle(shuffled)
    assert sort_names(shuffled, convention) == result
    assert sort_names(result, convention) == result
    assert sort_names(reversed(result), convention) == result


@settings(max_examples=100, deadline=None)
@given(names=_names)
def test_property_conventions_agree_on_equal_length_names(names):
    # Both conventions coincide when all compared names have the same length.
    same = [n for n in names if len([c for c in n if c not in _IGNORED]) == 3]
    assert sort_names(same, "surname") == sort_names(same, "fullname")


@settings(max_examples=100, deadline=None)
@given(names=_names)
def test_property_unknown_chars(names):
    reported = unknown_chars(names)
    assert len(reported) == len(set(reported))
    expected = []
    for name in names:
        for ch in name:
            if ch not in _IGNORED and ch not in TABLE and ch not in expected:
                expected.append(ch)
    assert reported == expected

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

from pipeline.strokes import CONVENTIONS, name_key, sort_names, stroke_info, structure_class, unknown_chars

DATA_FILE = Path(__file__).resolve().parent.parent / "pipeline" / "data" / "strokes.tsv"
STRUCTURE_FILE = DATA_FILE.with_name("structure.tsv")


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


def _read_structure() -> dict[str, int]:
    table = {}
    for line in STRUCTURE_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line:
            continue
        ch, cls, _code = line.split("\t")
        table[ch] = int(cls)
    return table


STRUCTURE = _read_structure()
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
    # Only two-character names get the empty slot (issue 11): the four-character
    # 欧阳少东 compares with the three-character 欧阳 names by 少 (4) < 明 (8) < 修 (9).
    mixed = ["罗兰", "欧阳明", "林立", "欧阳少东", "罗大为", "欧阳修", "林晓明"]
    assert sort_names(mixed) == ["林立", "林晓明", "欧阳少东", "欧阳明", "欧阳修", "罗兰", "罗大为"]
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
    return (0, len(seq), tuple(int(d) for d in seq), STRUCTURE.get(ch, 0))


_END = "end"  # past the end of a name: before everything, even an empty slot


def _ref_cmp_seq(xs, ys) -> int:
    for x, y in zip(xs, ys, strict=False):
        if x == y:
            continue
        for lowest in (_END, None):
            if x == lowest:
                return -1
            if y == lowest:
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
        # "surname": a two-character name has an empty slot after the surname;
        # other lengths compare position by position, the shorter prefix first.
        sa_ = ca[:1] + [None] + ca[1:] if len(ca) == 2 else ca
        sb_ = cb[:1] + [None] + cb[1:] if len(cb) == 2 else cb
        n = max(len(sa_), len(sb_))
        pa = sa_ + [_END] * (n - len(sa_))
        pb = sb_ + [_END] * (n - len(sb_))
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


# ------------------------------------------------- issue 11: structure ties


def test_structure_file_covers_every_shared_sequence():
    by_seq: dict[str, list[str]] = {}
    for ch, seq in TABLE.items():
        by_seq.setdefault(seq, []).append(ch)
    shared = {ch for group in by_seq.values() if len(group) > 1 for ch in group}
    assert set(STRUCTURE) == shared
    assert set(STRUCTURE.values()) == {1, 2, 3}
    header = STRUCTURE_FILE.read_text(encoding="utf-8").splitlines()
    stated = next(line for line in header if line.startswith("# Entries:"))
    assert f"Entries: {len(STRUCTURE)} " in stated


@pytest.mark.parametrize(
    "first, second, seq",
    [("孔", "巴", "5215"), ("叶", "申", "25112"), ("次", "衣", "413534")],
)
def test_identical_sequences_ordered_by_structure(first, second, seq):
    assert stroke_info(first) == stroke_info(second) == (len(seq), seq)
    assert structure_class(first) == 1  # 左右
    assert structure_class(second) == 3  # 整体
    # Every name of the first surname precedes every name of the second, whatever
    # follows: structure decides, the names are not merged by the next character.
    names = [f"{second}一", f"{first}鑫", f"{second}丁丁", f"{first}鑫鑫", f"{first}一一"]
    for convention in CONVENTIONS:
        result = sort_names(names, convention)
        assert [n[0] for n in result] == [first] * 3 + [second] * 2


def test_structure_order_left_right_top_bottom_whole():
    # 旦 (上下) shares 25111 with 且 and 目 (整体 in the table).
    assert stroke_info("旦") == stroke_info("且") == stroke_info("目")
    assert [structure_class(c) for c in "旦且目"] == [2, 3, 3]
    assert sort_names(["目一", "旦鑫", "且一"])[0] == "旦鑫"
    # 仕 (左右) before 丘 (整体), both 32121.
    assert sort_names(["丘一", "仕鑫"]) == ["仕鑫", "丘一"]


def test_same_structure_or_no_structure_keeps_next_character():
    # 土 and 士 are both 整体: the next character still decides.
    assert structure_class("土") == structure_class("士") == 3
    assert sort_names(["士大", "土木"]) == ["士大", "土木"]
    # A sequence shared with no other character needs no structure.
    assert structure_class("王") is None
    assert structure_class("𠀀") is None
    with pytest.raises(ValueError):
        structure_class("孔巴")


# ------------------------------------- issue 11: the empty slot of 姓氏笔画


def test_empty_slot_only_for_two_character_names():
    names = ["马俊峰", "马和帕丽", "马兰", "马力强", "马克思木"]
    # 姓氏笔画: 马兰 (two characters) first; then the longer names by their second
    # character: 力 2 < 克 7 < 和 8 < 俊 9.
    assert sort_names(names) == ["马兰", "马力强", "马克思木", "马和帕丽", "马俊峰"]
    # 姓名笔画: the second characters compared directly: 力 2 < 兰 5 < 克 7 < 和 8 < 俊 9.
    assert sort_names(names, "fullname") == ["马力强", "马兰", "马克思木", "马和帕丽", "马俊峰"]
    # A four-character name is no longer put after every three-character one.
    assert name_key("马和帕丽") < name_key("马俊峰")
    # The empty slot still puts a two-character name before a longer one.
    assert sort_names(["田大利", "田富", "田大"]) == ["田大", "田富", "田大利"]


# ------------------------------------- issue 11: officially published lists

LISTS_DIR = Path(__file__).resolve().parent / "data" / "strokes"


def _published(path: Path) -> tuple[str, str, list[str]]:
    """(source, convention, names) of a list file: '# source:' and '# convention:' header lines."""
    header: dict[str, str] = {}
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            header[key.strip()] = value.strip()
        elif line.strip():
            names.append(line.strip())
    return header["source"], header["convention"], names


PUBLISHED = sorted(LISTS_DIR.glob("*.txt"))


def test_published_lists_are_there():
    assert len(PUBLISHED) >= 3
    for path in PUBLISHED:
        source, convention, names = _published(path)
        assert source.startswith("新华社") and convention in CONVENTIONS and len(names) >= 20


@pytest.mark.parametrize("path", PUBLISHED, ids=lambda p: p.stem)
def test_published_list_reproduced_by_huanjie_names(path, cli, tmp_path):
    _source, convention, names = _published(path)
    shuffled = list(reversed(names))
    shuffled = shuffled[1::2] + shuffled[::2]
    assert sort_names(shuffled, convention) == names
    infile = tmp_path / "names.txt"
    infile.write_text("\n".join(shuffled) + "\n", encoding="utf-8")
    run = cli("names", str(infile), "--convention", convention)
    assert run.exit_code == 0
    assert run.stdout.splitlines() == names
    assert run.stderr == ""

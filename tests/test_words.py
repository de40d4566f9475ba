"""The Chinese words of the domain live in `pipeline.words` only, and say what the documents print."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipeline import profile, starter, words
from pipeline.rules import completeness

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"


def test_the_kinds_and_their_aliases():
    assert list(words.KIND_NAMES) == [
        "village_committee",
        "residents_committee",
        "party_branch",
        "deputy",
        "building_leader",
        "supervisory_committee",
        "group_leader",
        "representative",
    ]
    assert words.KIND_ALIASES["村委会"] == "village_committee"
    assert words.KIND_ALIASES["居委会"] == "residents_committee"
    assert words.KIND_ALIASES["党支部"] == "party_branch"
    assert words.KIND_ALIASES["人大代表"] == "deputy"
    assert words.KIND_ALIASES["楼栋长"] == "building_leader"
    assert set(words.KIND_ALIASES.values()) == set(words.KIND_NAMES)
    # Every table keyed by kind knows every kind.
    for table in (words.KIND_SHORT, words.KIND_BODY, words.ASSEMBLY, words.SUPERVISORS):
        assert set(table) == set(words.KIND_NAMES)


def test_every_method_table_knows_every_method():
    methods = set(words.METHOD_NAMES)
    assert methods == {
        "all_voters",
        "household_representative",
        "resident_representative",
        "party_meeting",
        "villager_representative",
        "leaders_and_representatives",
    }
    for table in (words.METHOD_TEXT, words.ELECTOR, words.ELECTORATE):
        assert set(table) == methods


def test_every_round_table_knows_every_round_type():
    for table in (words.ROUND_NAMES, words.ROUND_TITLES, words.ROUND_ACTIONS, words.LATER_ROUND_ACTIONS):
        assert set(table) == {"first", "runoff", "revote"}
    assert set(words.VOID_ROUND) == {"first", "runoff", "revote"}


def test_the_old_names_are_the_one_table():
    assert starter.KINDS is words.KIND_NAMES
    assert starter.ALIASES is words.KIND_ALIASES
    assert profile.KIND_NAMES is words.KIND_NAMES


@pytest.mark.parametrize(
    ("fraction", "names", "expected"),
    [
        ("1/2", words.FRACTION_NAMES, "半数"),
        ("4/5", words.FRACTION_NAMES, "五分之四"),
        ("3/5", words.FRACTION_NAMES, "3/5"),
        ("1/2", words.RATIO_NAMES, "二分之一"),
        ("1", words.RATIO_NAMES, "一倍"),
    ],
)
def test_fraction_name(fraction, names, expected):
    from fractions import Fraction

    assert words.fraction_name(Fraction(fraction), names) == expected


def test_round_titles_in_rule_messages():
    assert completeness.round_title(1, {"type": "runoff"}) == "第 2 轮（另行选举）"
    assert completeness.round_title(0, {}) == "第 1 轮（首次选举）"


# Tables whose words are particular enough that a copy elsewhere would be a second vocabulary (the words of
# rounds, 另行选举 and 重新投票, are also ordinary words of messages and table headers).
OWN_WORDS = (
    words.KIND_NAMES,
    words.KIND_SHORT,
    words.KIND_BODY,
    words.ASSEMBLY,
    words.SUPERVISORS,
    words.METHOD_NAMES,
    words.METHOD_TEXT,
    words.STAGE_NAMES,
    words.FRACTION_NAMES,
    words.RATIO_NAMES,
)


def _constants(tree: ast.AST) -> list[ast.Constant]:
    """String constants of a module that are not docstrings and not pieces of an f-string."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            skip.add(id(body[0].value))
        if isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values)
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip]


def test_no_module_keeps_its_own_copy_of_the_words():
    own = {value for table in OWN_WORDS for value in table.values() if len(value) >= 4}
    copies = [
        f"{path.relative_to(PIPELINE)}:{node.lineno} {node.value}"
        for path in sorted(PIPELINE.rglob("*.py"))
        if path.name != "words.py"
        for node in _constants(ast.parse(path.read_text(encoding="utf-8")))
        if node.value in own
    ]
    assert copies == []

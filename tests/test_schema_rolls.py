"""The schema's fast path over long rolls (pipeline.schema._schema_errors) says exactly what jsonschema says."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from pipeline import records, schema

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "residents-yangguang.yaml"

GOOD = [
    "王建国",
    {"name": "李秀英"},
    {"name": "张伟", "sex": "男", "birth": "1972-05", "id_number": "11010119720501001X", "address": "幸福路1号"},
    {"name": "赵敏", "sex": "女", "birth": "1990-05-12", "household": "0012"},
]

# One bad voter each; the record's findings must be jsonschema's own, through the fast path or not.
BAD = [
    " 王建国",
    "3号",
    "",
    "王" * 41,
    "王\u202e国",
    12,
    None,
    True,
    {"sex": "男"},
    {"name": "张伟", "sex": "M"},
    {"name": "张伟", "birth": "1972/05"},
    {"name": "张伟", "birth": "1972-13"},
    {"name": "张伟", "id_number": ""},
    {"name": "张伟", "id_number": 110101197205010010},
    {"name": "张伟", "address": "路" * 201},
    {"name": "张伟", "household": "1" * 41},
    {"name": "张伟", "phone": "13800000000"},
    {"name": "张伟", "sex": True},
    ["张伟"],
]


def _record() -> dict:
    record, _ = records.load(str(SAMPLE))
    assert record is not None
    data = record.data
    data["electorate"]["groups"] = [
        {"name": "第一居民小组", "voters": list(GOOD) * 3},
        {"name": "第二居民小组", "voters": list(GOOD)},
    ]
    return data


def _full(data: dict) -> list[tuple]:
    return sorted(
        (tuple(map(str, e.absolute_path)), e.validator, e.message) for e in schema._validator().iter_errors(data)
    )


def _fast(data: dict) -> list[tuple]:
    return sorted((tuple(map(str, e.absolute_path)), e.validator, e.message) for e in schema._schema_errors(data))


def test_the_fast_path_is_on_for_the_roll():
    """If the schema of a voter grows a keyword the fast path does not know, it silently turns off: say so."""
    assert schema._roll_items() is not None
    reduced, stripped = schema._without_valid_rolls(_record())
    assert stripped == {("electorate", "groups", 0, "voters"), ("electorate", "groups", 1, "voters")}
    assert reduced["electorate"]["groups"][0] == {"name": "第一居民小组", "voters": []}


def test_valid_rolls_give_no_errors():
    assert _fast(_record()) == _full(_record()) == []


@pytest.mark.parametrize("voter", BAD, ids=repr)
def test_a_bad_voter_gives_jsonschemas_errors(voter):
    data = _record()
    data["electorate"]["groups"][1]["voters"].insert(2, copy.deepcopy(voter))
    full = _full(data)
    assert full, f"{voter!r} should be refused by the schema"
    assert _fast(data) == full
    reduced, stripped = schema._without_valid_rolls(data)
    assert stripped == {("electorate", "groups", 0, "voters")}  # the good roll is skipped, the bad one walked


def test_a_bad_group_beside_a_valid_roll_is_reported_on_the_full_data():
    data = _record()
    data["electorate"]["groups"][0]["name"] = ""
    data["electorate"]["groups"][0]["colour"] = "红"
    assert _fast(data) == _full(data)
    assert len(_full(data)) == 2


def test_rolls_inside_contests():
    data = _record()
    contest = {k: data.pop(k) for k in ("seats", "electorate", "candidates", "rounds") if k in data}
    data["contests"] = [contest, copy.deepcopy(contest)]
    data["contests"][1]["electorate"]["groups"][0]["voters"].append({"name": "张伟", "sex": "X"})
    assert _fast(data) == _full(data)
    _, stripped = schema._without_valid_rolls(data)
    assert ("contests", 0, "electorate", "groups", 0, "voters") in stripped
    assert ("contests", 1, "electorate", "groups", 0, "voters") not in stripped

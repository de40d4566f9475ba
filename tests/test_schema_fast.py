"""Issue 18 item 4: a valid record is known valid without jsonschema (`schema._valid`), and that is never wrong.

`_valid` is the record schema compiled into plain predicates that are sound: True only where jsonschema finds no
error. Checked on every sample and test record, and on a few thousand seeded mutations of them (a value of another
type, out of range, too long, with a control character, a key removed or added …): wherever `_valid` says True,
jsonschema has no error; and on the sample records it does say True, so the fast path is the one taken.
"""

from __future__ import annotations

import copy
import random

from conftest import ROOT, SAMPLES

from pipeline import records, schema


def _records() -> list[dict]:
    found = []
    for path in sorted(SAMPLES.rglob("*.yaml")) + sorted((ROOT / "tests" / "data").rglob("*.yaml")):
        try:
            record, _ = records.load(str(path))
        except Exception:  # noqa: BLE001 - unreadable files are the loader's business, not the schema's
            continue
        if record is not None and isinstance(record.data, dict):
            found.append(record.data)
    return found


def _errors(data) -> list:
    return list(schema._validator().iter_errors(data))


def test_the_fast_path_exists_and_takes_every_valid_sample():
    valid = schema._valid()
    assert valid is not None  # every keyword of the record schema is one it knows
    samples = [r for r in _records() if not _errors(r)]
    assert len(samples) >= 40
    assert all(valid(r) for r in samples)


def _leaves(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))


_REPLACEMENTS = [
    "",
    " ",
    "x" * 300,
    "王\x01五",
    "王\u202e五",
    " 王五",
    "2026/3/18",
    "2026-02-30",
    "1972-13",
    "某某",
    0,
    -1,
    1,
    3.0,
    2.5,
    10**9,
    True,
    False,
    None,
    [],
    {},
    ["甲"],
    {"x": 1},
]


def _mutate(data: dict, rng: random.Random) -> dict:
    out = copy.deepcopy(data)
    places = [p for p, _ in _leaves(out) if p]
    path = rng.choice(places)
    parent = out
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = rng.random()
    if action < 0.15 and isinstance(parent, dict):
        del parent[last]
    elif action < 0.25 and isinstance(parent, dict):
        parent[rng.choice(["extra", "备注", "name2", "Seats", "王\x01五", "\u202e甲", " 李四"])] = rng.choice(
            _REPLACEMENTS
        )
    elif action < 0.3 and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    else:
        parent[last] = copy.deepcopy(rng.choice(_REPLACEMENTS))
    return out


def test_wherever_the_fast_path_says_valid_jsonschema_finds_no_error():
    valid = schema._valid()
    assert valid is not None
    rng = random.Random(18)
    originals = _records()
    said_valid = found_invalid = 0
    for n in range(2500):
        data = _mutate(rng.choice(originals), rng)
        if n % 5 == 0:
            data = _mutate(data, rng)
        errors = _errors(data)
        if valid(data):
            said_valid += 1
            assert not errors, (errors[0].message, list(errors[0].absolute_path))
        elif errors:
            found_invalid += 1
    # Both kinds were exercised: mutations that stay valid and mutations jsonschema rejects.
    assert said_valid > 300 and found_invalid > 1000, (said_valid, found_invalid)


def test_an_invalid_record_still_gets_jsonschemas_findings():
    data = copy.deepcopy(next(r for r in _records() if not _errors(r)))
    data["unit"] = 7
    assert schema._valid()(data) is False
    assert [e.validator for e in schema._schema_errors(data)] == [e.validator for e in _errors(data)] != []

"""Issue 18 item 4: tablefit reads each table once (widths and keeping rows together share one read, and only
cells whose size was changed are read again); the documents stay byte-identical to the two-pass version.

The two-pass version is kept, frozen, in tests/data/tablefit_before.py (the module as it was before the change)
and used only here, as the reference: every part of every document of every sample record (the county sample
included) and of the stress records of test_layout_stress is fitted by both and must serialise to the same bytes.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
from pathlib import Path

import pytest
from conftest import SAMPLES
from helpers import election_of
from lxml import etree
from test_layout_stress import three_districts, village_stress

from pipeline import render, tablefit
from pipeline.check import check_file
from pipeline.documents import KINDS, Election, Waiting

_BEFORE = Path(__file__).parent / "data" / "tablefit_before.py"


def _reference():
    spec = importlib.util.spec_from_file_location("tablefit_before", _BEFORE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _render_all(election: Election) -> list[bytes]:
    out = []
    for kind in KINDS:
        try:
            instances = kind.build(election)
        except Waiting:
            continue
        compiled = render.compile_template(render.template_path(kind, None))
        out.extend(render.render_template(compiled, inst.context) for inst in instances)
    return out


def _elections() -> list[tuple[str, Election]]:
    found = []
    for path in sorted(SAMPLES.rglob("*.yaml")):
        result = check_file(str(path))
        if result.evaluated:
            found.append((str(path.relative_to(SAMPLES)), Election.from_check(result)))
    found.append(("village_stress", election_of(village_stress())))
    found.append(("three_districts", election_of(three_districts())))
    return found


def test_one_pass_fits_every_table_of_every_sample_as_the_two_passes_did(monkeypatch):
    before = _reference()
    real = tablefit.fit_tree
    compared = {"parts": 0, "tables": 0, "changed": 0}
    differing: list[str] = []

    def both(root):
        old = copy.deepcopy(root)
        old_changed = before.fit_tree(old)
        new_changed = real(root)
        compared["parts"] += 1
        compared["tables"] += sum(1 for _ in root.iter(f"{{{tablefit.W}}}tbl"))
        compared["changed"] += bool(new_changed)
        if new_changed != old_changed or etree.tostring(root) != etree.tostring(old):
            differing.append(etree.tostring(old, encoding="unicode")[:200])
        return new_changed

    monkeypatch.setattr(tablefit, "fit_tree", both)
    elections = _elections()
    assert len(elections) >= 40  # every sample record (samples/ and samples/county/) and the stress record
    digests = {}
    for name, election in elections:
        digests[name] = hashlib.sha256(b"".join(_render_all(election))).hexdigest()
    assert not differing, f"{len(differing)} parts differ, first: {differing[0]}"
    # Both paths really ran over many tables, with widths changed and rows kept together.
    assert compared["parts"] > 1000 and compared["tables"] > 900 and compared["changed"] > 400, compared
    assert len(set(digests.values())) == len(digests)


def test_the_rendered_documents_are_the_bytes_the_two_pass_fitting_gives(monkeypatch):
    """The whole document (zip included), not just the part: rendered with the reference, then without."""
    before = _reference()
    election = election_of(village_stress())
    new = _render_all(election)
    monkeypatch.setattr(tablefit, "fit_tree", before.fit_tree)
    old = _render_all(election)
    assert len(new) == len(old) > 30
    assert [hashlib.sha256(d).hexdigest() for d in new] == [hashlib.sha256(d).hexdigest() for d in old]


@pytest.mark.parametrize("size", [12.0, 16.0])
def test_a_cell_set_smaller_is_read_again_at_its_new_size(size):
    """The one read is refreshed for a shrunk cell: the height estimate sees the size the cell now has."""
    name = "热合曼·阿不都热依木买买提"  # too wide for its column even at the widest share: set smaller
    w = f'xmlns:w="{tablefit.W}"'
    cell = (
        '<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>{nw}</w:tcPr>'
        '<w:p><w:r><w:rPr><w:sz w:val="{sz}"/></w:rPr><w:t>{t}</w:t></w:r></w:p></w:tc>'
    )
    sz = int(size * 2)
    row = "<w:tr>" + "".join(
        cell.format(w=1800, nw="<w:noWrap/>" if i == 0 else "", sz=sz if i == 0 else 16, t=name if i == 0 else "甲")
        for i in range(5)
    )
    xml = (
        f"<w:document {w}><w:body><w:tbl><w:tblPr/><w:tblGrid>"
        + '<w:gridCol w:w="1800"/>' * 5
        + f"</w:tblGrid>{row}</w:tr>{row}</w:tr></w:tbl></w:body></w:document>"
    )
    before = _reference()
    new, old = etree.fromstring(xml), etree.fromstring(xml)
    table = tablefit._Table(next(new.iter(f"{{{tablefit.W}}}tbl")))
    assert tablefit._fit_widths(table) and before._fit_widths(next(old.iter(f"{{{tablefit.W}}}tbl")))
    # The height is estimated after the widths, at the size the shrunk cells now have (their line is 1.7 × the
    # size; the other cells, set at 8 pt, are lower), not at the size read before.
    assert tablefit._height(table) == before._height(next(old.iter(f"{{{tablefit.W}}}tbl")))
    new, old = etree.fromstring(xml), etree.fromstring(xml)
    assert tablefit.fit_tree(new) == before.fit_tree(old) is True
    assert etree.tostring(new) == etree.tostring(old)
    sizes = {el.get(f"{{{tablefit.W}}}val") for el in new.iter(f"{{{tablefit.W}}}sz")}
    assert str(sz) not in sizes and len(sizes) == 2  # the name's cells set smaller, the others unchanged

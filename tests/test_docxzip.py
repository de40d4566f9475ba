"""The zip writer behind rendering: valid, readable, deterministic, and reusing unchanged parts."""

from __future__ import annotations

import io
import zipfile

import docx
from conftest import ROOT

from pipeline import docxzip
from pipeline.render import compile_template, render_template


def test_members_round_trip_through_zipfile():
    members = [docxzip.Member.of("a.xml", b"<a/>" * 100), docxzip.Member.of("中文/名.xml", "内容".encode())]
    data = docxzip.build(members)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["a.xml", "中文/名.xml"]
        assert archive.read("a.xml") == b"<a/>" * 100
        assert archive.read("中文/名.xml").decode() == "内容"
    assert docxzip.build(members) == data


def test_rendered_docx_reuses_unchanged_parts_and_opens():
    compiled = compile_template(ROOT / "templates" / "当选证书.docx")
    assert "word/styles.xml" in compiled.members and "word/document.xml" not in compiled.members
    context = {name: "张三 & 李四 <x>" for name in compiled.variables}
    data = render_template(compiled, context, title="当选证书-张三")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        original = dict((i.filename, d) for i, d in compiled.entries)
        assert archive.read("word/styles.xml") == original["word/styles.xml"]
        assert "当选证书-张三" in archive.read("docProps/core.xml").decode()
    document = docx.Document(io.BytesIO(data))
    assert "张三 & 李四 <x>" in "".join(p.text for p in document.paragraphs)

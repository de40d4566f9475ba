"""Rendering: every sample into .docx files, opened again with python-docx and checked."""

from __future__ import annotations

import copy
import os
import re
import time
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import SAMPLES
from docx.oxml.ns import qn
from docx.shared import Twips
from helpers import checked, election_of

from pipeline import check, records, render, strokes
from pipeline.documents import KINDS, UnknownKind
from pipeline.render import DRAFT_MARK, TEMPLATES_DIR, DataMissing, TemplateProblem, render_record, render_summary
from pipeline.unitrecord import STAMP

SAMPLE_NAMES = sorted(p.stem for p in SAMPLES.glob("*.yaml"))


def load(name: str) -> dict:
    record, findings = records.load(str(SAMPLES / f"{name}.yaml"))
    assert record is not None, findings
    return record.data


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """Every sample rendered once: out/<sample>/*.docx."""
    root = tmp_path_factory.mktemp("render")
    for name in SAMPLE_NAMES:
        record, _ = records.load(str(SAMPLES / f"{name}.yaml"))
        render_record(election_of(record.data, f"{name}.yaml"), root / name)
    return root


def paragraphs(path: Path) -> list[str]:
    """The text of every paragraph, table cells included, in document order."""
    document = docx.Document(str(path))
    body = document.element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def text(path: Path) -> str:
    return "\n".join(paragraphs(path))


def xml_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels"))}


def in_order(haystack: str, needles: list[str]) -> bool:
    pos = 0
    for needle in needles:
        found = haystack.find(needle, pos)
        if found < 0:
            return False
        pos = found + len(needle)
    return True


# --------------------------------------------------------------------------------------------
# What gets written
# --------------------------------------------------------------------------------------------
def test_every_kind_is_rendered_for_some_sample(out):
    prefixes = {p.name.split("-")[0] + "-" + p.name.split("-")[1].removesuffix(".docx") for p in out.glob("*/*.docx")}
    for kind in KINDS:
        assert kind.prefix in prefixes, kind.prefix


def test_documents_waiting_for_data_are_skipped_with_the_field(tmp_path):
    report = render_record(election_of(load("party-qinghe-branch")), tmp_path)
    skipped = {s.kind: s for s in report.skipped}
    # … and, before the vote, the voting-day and reporting documents (issue 14.2-3).
    assert set(skipped) == {
        "results",
        "certificate",
        "winner_pledge",
        "summary",
        "staff",
        "ballot_count",
        "agenda",
        "script",
        "report_form",
        "roster",
    }
    assert skipped["results"].field == "rounds[].votes"
    assert skipped["results"].line == "跳过 选举结果公告：尚无计票结果（等待 rounds[].votes）。"
    # The documents written, and the unit record saying so (as batch writes it).
    assert sorted(os.listdir(tmp_path)) == sorted([STAMP, *(Path(w.path).name for w in report.written)])
    deputy = render_record(election_of(load("deputy-hewan-district7")), tmp_path / "d")
    assert [s.line for s in deputy.skipped] == [
        "跳过 严肃换届纪律承诺书：记录中没有列出签订纪律承诺书的人员（等待 documents.discipline_signers）。",
        "跳过 选民证：记录中没有选民名单，无法逐人制作选民证（等待 electorate.groups[].voters）。",
    ]


def test_file_names_sort_and_explain_themselves(out):
    names = sorted(p.name for p in (out / "village-liulin-runoff").glob("*.docx"))
    assert names[:4] == [
        "01-选举委员会成员公告.docx",
        "02-选民名单公告.docx",
        "03-初步候选人名单公告.docx",
        "03-正式候选人名单公告.docx",
    ]
    assert "05-选票-委员-第2轮另行选举.docx" in names
    assert "06-选举结果公告-第2轮另行选举.docx" in names
    assert "07-当选证书-吴海涛.docx" in names
    # 01–10 as before; the voting-day and reporting documents (21–39) follow them.
    assert [n for n in names if n < "11"][-1] == "10-换届选举工作总结.docx"
    assert names[-1] == "32-当选人员花名册.docx"
    assert {"11-选举办法.docx", "12-选举公告.docx", "14-委托投票证.docx"} <= set(names)
    for name in names:
        assert re.fullmatch(r"\d\d-[^/\\:*?\"<>|]+\.docx", name), name
    assert "05-选票-1号楼-楼栋长.docx" in os.listdir(out / "building-leaders-chenguang")


def test_only_renders_the_kinds_named(tmp_path):
    report = render_record(election_of(load("residents-yangguang")), tmp_path, only=["当选证书", "06"])
    assert {w.kind for w in report.written} == {"certificate", "results"}
    assert len(report.written) == 6 and not report.skipped


def test_only_on_a_document_without_its_data_is_an_error(tmp_path):
    with pytest.raises(DataMissing) as info:
        render_record(election_of(load("party-qinghe-branch")), tmp_path, only=["results"])
    assert info.value.field == "rounds[].votes"
    assert str(info.value) == "无法生成选举结果公告：尚无计票结果（需要记录中的 rounds[].votes）。"
    assert not list(tmp_path.iterdir())
    with pytest.raises(UnknownKind):
        render_record(election_of(load("party-qinghe-branch")), tmp_path, only=["海报"])


def test_rendering_again_replaces_the_files_and_gives_the_same_bytes(tmp_path):
    data = load("village-liulin-runoff")
    first = render_record(election_of(data), tmp_path, only=["results"])
    before = {w.path: Path(w.path).read_bytes() for w in first.written}
    render_record(election_of(data), tmp_path, only=["results"])
    assert {p: Path(p).read_bytes() for p in before} == before
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".~")]


# --------------------------------------------------------------------------------------------
# Layout and styles of every file
# --------------------------------------------------------------------------------------------
STYLE_FONTS = {
    "公文-标题": "方正小标宋简体",
    "公文-正文": "仿宋_GB2312",
    "公文-一级标题": "黑体",
    "公文-二级标题": "楷体_GB2312",
    "公文-三级标题": "仿宋_GB2312",
    "公文-四级标题": "仿宋_GB2312",
    "公文-落款": "仿宋_GB2312",
    "公文-名单": "仿宋_GB2312",
    "公文-表格文字": "仿宋_GB2312",
    "公文-表格标题行": "黑体",
    "公文-页码": "宋体",
}


def check_layout(path: Path) -> None:
    document = docx.Document(str(path))
    section = document.sections[0]
    # The 计票单 and the 当选人员花名册 are A4 landscape (issue 14.2-3); the margins stay on the same edges.
    landscape = path.name.startswith(("22-", "32-")) or path.name in ("计票单.docx", "当选人员花名册.docx")
    size = (Twips(16838), Twips(11906)) if landscape else (Twips(11906), Twips(16838))
    assert (section.page_width, section.page_height) == size, path.name
    assert (section.left_margin, section.right_margin) == (Twips(1587), Twips(1474)), path.name
    # not 公文: narrower (the ballots, 05 and the Party 委员会's 53, and the 计票单)
    if path.name.startswith(("05-", "22-", "53-")) or path.name in ("选票.docx", "计票单.docx"):
        assert (section.top_margin, section.bottom_margin) == (Twips(1417), Twips(1134))
    else:
        assert (section.top_margin, section.bottom_margin) == (Twips(2098), Twips(1984)), path.name
        grid = section._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:linePitch")) == "579"
    for name, east in STYLE_FONTS.items():
        style = document.styles[name]
        fonts = style.element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == east, (path.name, name)
        # GB/T 9704 §7.5: page numbers in 4号半角宋体 digits; other digits in Times New Roman.
        latin = "宋体" if name == "公文-页码" else "Times New Roman"
        assert fonts.get(qn("w:ascii")) == latin, (path.name, name)
        assert fonts.get(qn("w:hint")) == "eastAsia"
    assert document.styles["公文-标题"].font.size.pt == 22
    assert document.styles["公文-正文"].font.size.pt == 16
    body = document.styles["公文-正文"]
    assert body.paragraph_format.line_spacing.pt == pytest.approx(28.95)
    assert body.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    assert body.element.pPr.find(qn("w:ind")).get(qn("w:firstLine")) == "640"
    assert document.styles["公文-表格"].type == docx.enum.style.WD_STYLE_TYPE.TABLE
    for level in range(1, 5):
        style = document.styles[["", "公文-一级标题", "公文-二级标题", "公文-三级标题", "公文-四级标题"][level]]
        assert style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == str(level - 1)


def test_every_file_has_the_page_setup_and_styles(out):
    files = sorted(out.glob("*/*.docx"))
    assert len(files) > 100
    for path in files:
        check_layout(path)


def test_every_template_has_the_page_setup_and_styles():
    for path in sorted(TEMPLATES_DIR.glob("*.docx")):
        check_layout(path)
    assert (TEMPLATES_DIR / "fonts.conf").exists()


def test_page_numbers_in_the_standard_form(out):
    path = out / "residents-yangguang" / "06-选举结果公告.docx"
    document = docx.Document(str(path))
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in xml
        assert "".join(t.text for t in footer._element.iter(qn("w:t"))) == "— 1 —"
    assert section.footer.paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    assert section.even_page_footer.paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.LEFT
    # Certificates and ballots carry no page number.
    cert = docx.Document(str(out / "residents-yangguang" / "07-当选证书-王建国.docx"))
    assert "PAGE" not in cert.sections[0].footer._element.xml


def test_no_template_tags_are_left_anywhere(out):
    for path in sorted(out.glob("*/*.docx")):
        for name, xml in xml_parts(path).items():
            plain = re.sub(r"<[^>]+>", "", xml)
            for tag in ("{{", "}}", "{%", "%}", "{#", "#}"):
                assert tag not in plain, f"{path.name}:{name} contains {tag}"


# --------------------------------------------------------------------------------------------
# Key texts, in order
# --------------------------------------------------------------------------------------------
EXPECTED = [
    (
        "residents-yangguang",
        "01-选举委员会成员公告.docx",
        [
            "阳光社区居民选举委员会成员名单公告",
            "阳选委〔2026〕1号",
            "主　任：邓志华",
            "委　员：罗晓梅　唐建军　彭卫东　谢玉兰",
            "特此公告。",
            "阳光社区居民委员会",
            "2026年2月12日",
        ],
    ),
    (
        "residents-yangguang",
        "02-选民名单公告.docx",
        ["户代表名单公告", "阳选委〔2026〕2号", "共登记户代表1486户", "2026年2月26日"],
    ),
    (
        "residents-yangguang",
        "03-正式候选人名单公告.docx",
        [
            "正式候选人名单公告",
            "阳选委〔2026〕4号",
            "（一）主任（应选1名，正式候选人2名，差额1名）",
            "王建国",
            "1972年5月",
            "林美华",
            "（三）委员",
            "刘芳",
            "杨桂英",
            "何军",
            "陈晓东",
            "郭磊",
            "多于应选名额4名，实行差额选举",
            "2026年3月11日",
        ],
    ),
    (
        "residents-yangguang",
        "05-选票-委员.docx",
        [
            "选票",
            "（委员）",
            "应选委员3名　候选人5名",
            "刘芳",
            "杨桂英",
            "何军",
            "陈晓东",
            "郭磊",
            "另选人",
            "另选人",
            "另选人",
            "填写说明",
            "阳光社区居民选举委员会",
            "2026年3月18日",
        ],
    ),
    (
        "residents-yangguang",
        "06-选举结果公告.docx",
        [
            "结果公告",
            "阳选委〔2026〕5号",
            "2026年3月18日",
            "登记户数1486户",
            "参加投票的户代表1398户",
            "参选率94.08%",
            "共发出选票1400张，收回选票1398张，其中有效票1386张、无效票12张",
            "主任（应选1名）",
            "王建国",
            "1102",
            "当选",
            "林美华",
            "268",
            "刘芳",
            "1205",
            "郭磊",
            "330",
            "至少700票",
            "全部名额均已选出。",
            "特此公告。",
        ],
    ),
    (
        "residents-yangguang",
        "07-当选证书-王建国.docx",
        [
            "当 选 证 书",
            "王建国同志：",
            "你当选为阳光社区第十二届居民委员会主任。",
            "特发此证。",
            "东城街道办事处",
            "2026年3月18日",
        ],
    ),
    (
        "residents-yangguang",
        "10-换届选举工作总结.docx",
        [
            "工作总结",
            "一、基本情况",
            "参选率94.08%",
            "表1",
            "阳光社区",
            "1486",
            "1398",
            "94.08%",
            "表2",
            "性别",
            "女",
            "40.00%",
            "阳光社区居民选举委员会",
        ],
    ),
    (
        "village-liulin-runoff",
        "06-选举结果公告.docx",
        [
            "柳选委〔2026〕5号",
            "参选率93.43%",
            "吴海涛",
            "1050",
            "另行选举候选人",
            "田永福",
            "6",
            "另选他人",
            "委员尚缺1名，须另行选举，另行选举候选人为吴海涛、郑小燕",
        ],
    ),
    (
        "village-liulin-runoff",
        "06-选举结果公告-第2轮另行选举.docx",
        [
            "另行选举结果公告",
            "柳选委〔2026〕6号",
            "吴海涛",
            "1172",
            "当选",
            "郑小燕",
            "905",
            "至少706票",
            "委员孙丽娟、吴海涛、周文斌",
        ],
    ),
    (
        "village-liulin-runoff",
        "10-换届选举工作总结.docx",
        ["一、基本情况", "二、主要做法", "悬挂横幅12条", "三、存在问题", "四、下一步打算", "柳林村村民选举委员会"],
    ),
    (
        "party-qinghe-branch",
        "02-选民名单公告.docx",
        [
            "党员名单公告",
            "清支〔2026〕2号",
            "第一党小组（16人）",
            "第二党小组（15人）",
            "第三党小组（15人）",
            "另有2名党员",
        ],
    ),
    ("party-qinghe-branch", "05-选票-书记.docx", ["（书记）", "应选书记1名　候选人1名", "付建明", "另选人"]),
    (
        "building-leaders-chenguang",
        "06-选举结果公告.docx",
        [
            "晨光社区第三届楼栋长选举",
            "结果公告",
            "（一）1号楼",
            "王桂芝",
            "29",
            "（四）4号楼",
            "周建平",
            "22",
            "吴丽",
            "郑强",
        ],
    ),
    (
        "deputy-hewan-district7",
        "07-当选证书-李春梅.docx",
        ["李春梅同志：", "青石县第十九届人民代表大会代表", "青石县选举委员会"],
    ),
    (
        "deputy-hewan-district7",
        "03-正式候选人名单公告.docx",
        ["正式代表候选人名单公告", "河选〔2026〕8号", "第七选区", "（一）代表（应选2名，正式代表候选人3名，差额1名）"],
    ),
]


@pytest.mark.parametrize("sample,file,needles", EXPECTED, ids=[f"{s}/{f}" for s, f, _ in EXPECTED])
def test_key_texts_in_order(out, sample, file, needles):
    body = text(out / sample / file)
    assert in_order(body, needles), f"{file}: {needles} not in order in\n{body}"


def test_names_in_stroke_order_in_the_documents(out):
    data = load("residents-yangguang")
    names = [c["name"] for c in data["candidates"] if c["post"] == "委员"]
    ordered = strokes.sort_names(names)
    for file in ("03-正式候选人名单公告.docx", "05-选票-委员.docx"):
        body = paragraphs(out / "residents-yangguang" / file)
        seen = [p for p in body if p in names]
        assert seen == ordered, file


def test_candidate_list_is_a_table_with_the_basic_facts(out):
    document = docx.Document(str(out / "village-liulin-runoff" / "03-正式候选人名单公告.docx"))
    table = document.tables[2]
    assert [c.text for c in table.rows[0].cells] == [
        "姓名",
        "性别",
        "民族",
        "出生年月",
        "文化程度",
        "政治面貌",
        "工作单位及职务",
        "推荐方式",
    ]
    assert [r.cells[0].text for r in table.rows[1:]] == strokes.sort_names(
        ["孙丽娟", "周文斌", "吴海涛", "郑小燕", "马德胜"]
    )
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_results_table_merges_the_post_cells(out):
    document = docx.Document(str(out / "residents-yangguang" / "06-选举结果公告.docx"))
    table = document.tables[0]
    merges = [
        tc.tcPr.find(qn("w:vMerge")) for tc in table._tbl.iter(qn("w:tc")) if tc.tcPr.find(qn("w:vMerge")) is not None
    ]
    assert [m.get(qn("w:val")) for m in merges] == [
        "restart",
        "continue",
        "restart",
        "continue",
        "restart",
        "continue",
        "continue",
        "continue",
        "continue",
    ]
    # vMerge comes before vAlign, as the schema orders tcPr.
    for tc in table._tbl.iter(qn("w:tc")):
        tags = [child.tag for child in tc.tcPr]
        if qn("w:vMerge") in tags and qn("w:vAlign") in tags:
            assert tags.index(qn("w:vMerge")) < tags.index(qn("w:vAlign"))


def test_large_roll_is_names_in_columns_not_a_table_row_per_voter(tmp_path):
    data = load("party-qinghe-branch")
    base = data["electorate"]["groups"][0]["voters"]
    data["electorate"]["groups"] = [
        {"name": f"第{i + 1}组", "voters": [f"{n}{i}" for n in base] * 16} for i in range(12)
    ]
    data["electorate"]["registered"] = 12 * 16 * len(base)
    started = time.perf_counter()
    report = render_record(election_of(data), tmp_path, only=["voters"])
    assert time.perf_counter() - started < 5
    path = Path(report.written[0].path)
    document = docx.Document(str(path))
    assert not document.tables
    xml = xml_parts(path)["word/document.xml"]
    assert xml.count("<w:tab/>") >= 12 * 16 * len(base) * 4 // 5 - 12
    roll = [p for p in document.paragraphs if p.style.name == "公文-名单"]
    assert len(roll) == 12 * -(-16 * len(base) // 5)


# --------------------------------------------------------------------------------------------
# Escaping and strictness
# --------------------------------------------------------------------------------------------
def test_special_characters_come_out_intact(tmp_path):
    data = load("residents-yangguang")
    data["candidates"][0]["name"] = "张三 & 李四 <x>"
    data["candidates"][0]["workplace"] = "A&B <公司> \"甲\" '乙'"
    data["rounds"][0]["votes"]["主任"] = {"张三 & 李四 <x>": 1102, "林美华": 268}
    data["unit"]["short_name"] = "阳光&<社区>"
    report = render_record(election_of(data), tmp_path, only=["candidates_formal", "results", "certificate"])
    formal = text(tmp_path / "03-正式候选人名单公告.docx")
    assert "张三 & 李四 <x>" in formal
    assert "A&B <公司> \"甲\" '乙'" in formal
    assert "阳光&<社区>第十二届居民委员会换届选举" in formal
    results = text(tmp_path / "06-选举结果公告.docx")
    assert in_order(results, ["张三 & 李四 <x>", "1102", "当选"])
    names = [Path(w.path).name for w in report.written]
    assert "07-当选证书-张三 & 李四 _x_.docx" in names  # file names lose only what file systems forbid


def _custom_template(folder: Path, name: str, extra: str) -> Path:
    document = docx.Document(str(TEMPLATES_DIR / name))
    document.add_paragraph(extra)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    document.save(str(path))
    return path


def test_a_missing_top_level_variable_names_template_and_variable(tmp_path):
    _custom_template(tmp_path / "tpl", "选举委员会成员公告.docx", "联系人：{{ contact_person }}")
    with pytest.raises(TemplateProblem) as info:
        render_record(
            election_of(load("residents-yangguang")),
            tmp_path / "out",
            only=["committee"],
            templates_dir=tmp_path / "tpl",
        )
    assert info.value.template == "选举委员会成员公告.docx"
    assert info.value.variable == "contact_person"
    assert "模板“选举委员会成员公告.docx”使用了变量“contact_person”" in str(info.value)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_missing_nested_variable_names_its_full_path(tmp_path):
    _custom_template(
        tmp_path / "tpl",
        "候选人名单公告.docx",
        "{% for contest in contests %}{{ contest.posts[0].candidates[1].phone }}{% endfor %}",
    )
    with pytest.raises(TemplateProblem) as info:
        render_record(
            election_of(load("residents-yangguang")),
            tmp_path / "out",
            only=["candidates_formal"],
            templates_dir=tmp_path / "tpl",
        )
    assert info.value.variable == "contests[0].posts[0].candidates[1].phone"
    assert "候选人名单公告.docx" in str(info.value)


def test_a_missing_variable_in_a_branch_not_taken_is_still_an_error(tmp_path):
    _custom_template(tmp_path / "tpl", "当选证书.docx", "{% if false %}{{ seal_number }}{% endif %}")
    with pytest.raises(TemplateProblem) as info:
        render_record(
            election_of(load("residents-yangguang")),
            tmp_path / "out",
            only=["certificate"],
            templates_dir=tmp_path / "tpl",
        )
    assert info.value.variable == "seal_number"


def test_a_template_syntax_error_is_reported_in_chinese(tmp_path):
    _custom_template(tmp_path / "tpl", "当选证书.docx", "{% if name %}没有结束标签")
    with pytest.raises(TemplateProblem) as info:
        render_record(
            election_of(load("residents-yangguang")),
            tmp_path / "out",
            only=["certificate"],
            templates_dir=tmp_path / "tpl",
        )
    assert "模板“当选证书.docx”的标签写法有误" in str(info.value)


def test_custom_templates_replace_only_the_kinds_they_provide(tmp_path):
    _custom_template(tmp_path / "tpl", "当选证书.docx", "本证书由{{ issuer }}制发。")
    report = render_record(
        election_of(load("residents-yangguang")),
        tmp_path / "out",
        only=["certificate", "results"],
        templates_dir=tmp_path / "tpl",
    )
    assert len(report.written) == 6
    assert "本证书由东城街道办事处制发。" in text(tmp_path / "out" / "07-当选证书-王建国.docx")
    assert "本证书由" not in text(tmp_path / "out" / "06-选举结果公告.docx")
    with pytest.raises(TemplateProblem) as info:
        render_record(election_of(load("residents-yangguang")), tmp_path / "x", templates_dir=tmp_path / "nowhere")
    assert "模板文件夹" in str(info.value) and "不存在" in str(info.value)


def test_not_a_docx_template(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "当选证书.docx").write_bytes(b"not a zip")
    with pytest.raises(TemplateProblem) as info:
        render_record(
            election_of(load("residents-yangguang")), tmp_path / "out", only=["certificate"], templates_dir=folder
        )
    assert "不是有效的 Word 文档" in str(info.value)


# --------------------------------------------------------------------------------------------
# Compiled once
# --------------------------------------------------------------------------------------------
def test_each_template_is_compiled_once_per_process(tmp_path, monkeypatch):
    calls = []
    original = render._compile

    def counting(path, name):
        calls.append(name)
        return original(path, name)

    monkeypatch.setattr(render, "_compile", counting)
    monkeypatch.setattr(render, "_CACHE", {})
    data = load("village-liulin-runoff")
    render_record(election_of(data), tmp_path / "a")
    render_record(election_of(data), tmp_path / "b")
    assert sorted(calls) == sorted({k.template for k in KINDS})
    # An edited template is picked up.
    tpl = _custom_template(tmp_path / "tpl", "当选证书.docx", "第一版")
    render_record(election_of(data), tmp_path / "c", only=["certificate"], templates_dir=tmp_path / "tpl")
    render_record(election_of(data), tmp_path / "c", only=["certificate"], templates_dir=tmp_path / "tpl")
    assert calls.count("当选证书.docx") == 2
    _custom_template(tmp_path / "tpl", "当选证书.docx", "第二版：更长的一段文字")
    os.utime(tpl, ns=(time.time_ns(), time.time_ns() + 10**9))
    render_record(election_of(data), tmp_path / "d", only=["certificate"], templates_dir=tmp_path / "tpl")
    assert calls.count("当选证书.docx") == 3
    assert "第二版" in text(tmp_path / "d" / "07-当选证书-刘建华.docx")


def test_rendering_once_compiled_goes_back_neither_to_docxtpl_nor_to_compiling(tmp_path, monkeypatch):
    """What makes rendering fast (measured in bench/, not here): later documents only run the compiled Jinja."""
    election = election_of(load("residents-yangguang"))
    render_record(election, tmp_path / "first", only=["committee"])

    def refuse(*args, **kwargs):
        raise AssertionError("the template was loaded or compiled again")

    monkeypatch.setattr(render, "DocxTemplate", refuse)
    monkeypatch.setattr(render, "_compile", refuse)
    for n in range(20):
        report = render_record(election, tmp_path / str(n), only=["committee"])
        assert [Path(w.path).name for w in report.written] == ["01-选举委员会成员公告.docx"]


# --------------------------------------------------------------------------------------------
# Draft mode
# --------------------------------------------------------------------------------------------
def test_draft_marks_every_page(tmp_path):
    report = render_record(election_of(load("village-liulin-runoff")), tmp_path, draft=True)
    for written in report.written:
        parts = xml_parts(Path(written.path))
        document = parts["word/document.xml"]
        rels = parts["word/_rels/document.xml.rels"]
        for sect in re.findall(r"<w:sectPr.*?</w:sectPr>", document, flags=re.S):
            kinds = set(re.findall(r'<w:headerReference w:type="(\w+)"', sect))
            assert kinds == {"default", "first", "even"}, written.path
            for rid in re.findall(r'<w:headerReference w:type="\w+" r:id="(\w+)"', sect):
                target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
                part = "word/" + (target.group(1) or target.group(2))
                assert DRAFT_MARK in re.sub(r"<[^>]+>", "", parts[part]), (written.path, part)
        docx.Document(written.path)  # still opens
    clean = render_record(election_of(load("village-liulin-runoff")), tmp_path / "clean", only=["results"])
    assert all(DRAFT_MARK not in "".join(xml_parts(Path(w.path)).values()) for w in clean.written)


# --------------------------------------------------------------------------------------------
# Work summary of many records
# --------------------------------------------------------------------------------------------
def test_render_summary_of_many_records(tmp_path):
    chosen = [
        check.check_file(str(SAMPLES / f"{n}.yaml"))
        for n in ("village-liulin-runoff", "residents-yangguang", "building-leaders-chenguang")
    ]
    report = render_summary(chosen, tmp_path, author="青石县民政局")
    path = Path(report.written[0].path)
    assert path.name == "10-换届选举工作总结.docx"
    body = text(path)
    assert in_order(
        body,
        [
            "换届选举工作总结",
            "一、基本情况",
            "本次共有3个单位",
            "柳林村",
            "阳光社区",
            "晨光社区1号楼",
            "合计",
            "二、主要做法",
            "柳林村：",
            "青石县民政局",
        ],
    )
    with pytest.raises(DataMissing):
        render_summary([check.check_file(str(SAMPLES / "party-qinghe-branch.yaml"))], tmp_path)


def test_render_summary_takes_only_checked_records(tmp_path):
    record = records.load(str(SAMPLES / "village-liulin-runoff.yaml"))[0]
    for unchecked in (record, record.data):
        with pytest.raises(TypeError):
            render_summary([unchecked], tmp_path)
    assert not list(tmp_path.iterdir())
    # Elections and check results are both accepted and give the same document.
    one = render_summary([election_of(record.data)], tmp_path / "a")
    two = render_summary([checked(record.data)], tmp_path / "b")
    assert one.written[0].sha256 == two.written[0].sha256 and one.written[0].meta.genre == "总结"


def test_render_record_takes_only_an_evaluated_election(tmp_path):
    record = records.load(str(SAMPLES / "village-liulin-runoff.yaml"))[0]
    for unchecked in (record, record.data):
        with pytest.raises(TypeError):
            render_record(unchecked, tmp_path)
    assert not list(tmp_path.iterdir())


def test_render_writes_a_unit_record_matching_the_files_and_the_plan(tmp_path):
    import hashlib

    from pipeline import unitrecord
    from pipeline.documents.plan import plan

    election = election_of(load("village-liulin-runoff"), "柳林村.yaml")
    report = render_record(election, tmp_path, findings=checked(load("village-liulin-runoff")).findings)
    stamp = unitrecord.read(tmp_path)
    assert stamp is not None and stamp == report.record and stamp.format == unitrecord.FORMAT
    assert stamp.status == "ok" and stamp.rel == "柳林村.yaml" and stamp.key == ""
    files = sorted(p.name for p in tmp_path.glob("*.docx"))
    assert [d.name for d in stamp.documents] == [p.file_name for p in plan(election)]
    assert sorted(d.name for d in stamp.documents) == files
    for doc in stamp.documents:
        data = (tmp_path / doc.name).read_bytes()
        assert doc.sha256 == hashlib.sha256(data).hexdigest() and doc.size == len(data)
    metas = {p.file_name: p.meta for p in plan(election)}
    assert {d.name: d.meta for d in stamp.documents} == metas
    assert [(w.kind, w.meta) for w in report.written] == [(p.kind.key, p.meta) for p in plan(election)]
    assert [s.kind for s in stamp.skipped] == [s.kind for s in report.skipped]
    # --only adds to what an earlier render recorded instead of forgetting it.
    (tmp_path / "01-选举委员会成员公告.docx").unlink()
    render_record(election, tmp_path, only=["results"])
    again = unitrecord.read(tmp_path)
    assert [d.name for d in again.documents] == sorted(p.name for p in tmp_path.glob("*.docx"))
    assert "01-选举委员会成员公告.docx" not in [d.name for d in again.documents]
    # A draft is recorded as one.
    render_record(election, tmp_path / "draft", draft=True)
    assert unitrecord.read(tmp_path / "draft").status == "draft"


def test_list_templates_is_reexported():
    assert [i.key for i in render.list_templates()] == [k.key for k in KINDS]
    copy.deepcopy(render.list_templates("选票"))

"""Stress records through the automatic layout check (review 2026-12 §5, issue 13 item 5).

One village record carries every stress the review names at once: a 29-character committee name, signatory and
certificate issuer; four-character and ·-names (欧阳建华, 阿依古丽·买买提, 热合曼·阿不都热依木) with 维吾尔族 and
哈萨克族; 18 委员 candidates; a roll of 5,000 voters in 10 groups of 500; and a tie for the last 委员 seat decided
by a revote. A 人大 record has three 选区 (1, 3 and 2 seats) voting in their own places. Each record is rendered
with ``--check-layout`` (one LibreOffice conversion of all its documents) and every document must pass.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import yaml
from conftest import SAMPLES, run_cli
from docx.oxml.ns import qn
from docx.shared import Twips
from helpers import election_of
from lxml import etree

from pipeline.documents import find_kind
from pipeline.documents.common import split_title
from pipeline.documents.notices import roll_parts, voters
from pipeline.documents.plan import describe, file_name
from pipeline.render import TEMPLATES_DIR, render_record
from pipeline.tablefit import fit_tree, text_width

LONG = "青石县河湾镇柳林村第十二届村民委员会换届选举村民选举委员会"  # 29 characters
RENAMED = {
    "刘建华": "欧阳建华",
    "王秀兰": "阿依古丽·买买提",
    "孙丽娟": "迪丽娜尔·吐尔逊",
    "周文斌": "热合曼·阿不都热依木",
}
EXTRA = ["丁一平", "王二林", "石三金", "田四海", "白五洲", "冯六合", "朱七星", "任八方", "华九龙", "江天明"]
EXTRA += ["许地平", "司马小燕", "扎西多吉"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "明华建国平秀兰英芳军红文志海玉春丽德金林桂成永刚勇峰"


def roll(groups: int = 10, size: int = 500) -> list[dict]:
    """`groups` groups of `size` distinct voters each (one- and two-character given names)."""
    names = [s + g for s in SURNAMES for g in GIVEN]
    names += [s + a + b for s in SURNAMES for a in GIVEN for b in GIVEN if a != b]
    names = names[: groups * size]
    return [
        {"name": f"第{'一二三四五六七八九十'[i]}村民小组", "voters": names[i * size : (i + 1) * size]}
        for i in range(groups)
    ]


def village_stress() -> dict:
    data = yaml.safe_load((SAMPLES / "village-liulin-runoff.yaml").read_text(encoding="utf-8"))
    data["committee"]["name"] = LONG
    data["documents"] |= {"signatory": LONG, "certificate_issuer": LONG}
    data["seats"] = [{"post": "主任", "count": 1}, {"post": "副主任", "count": 1}, {"post": "委员", "count": 5}]
    for c in data["candidates"]:
        c["name"] = RENAMED.get(c["name"], c["name"])
    data["candidates"][4]["ethnicity"] = "维吾尔族"
    data["candidates"][5]["ethnicity"] = "哈萨克族"
    data["candidates"][2]["ethnicity"] = "维吾尔族"
    for name in EXTRA:
        data["candidates"].append(
            {
                "name": name,
                "gender": "男",
                "birth": "1970-01",
                "ethnicity": "汉族",
                "education": "高中",
                "politics": "群众",
                "nominated_by": "选民提名",
                "nomination_votes": 300,
                "post": "委员",
                "incumbent": False,
            }
        )
    data["electorate"] = {"registered": 5000, "women": 2450, "groups": roll()}
    first = {
        "type": "first",
        "date": "2026-04-18",
        "participants": 4600,
        "ballots": {"issued": 4610, "returned": 4600, "invalid": 20},
        "votes": {
            "主任": {"欧阳建华": 3100, "陈志强": 1400},
            "副主任": {"阿依古丽·买买提": 2900, "赵国庆": 1600},
            "委员": {
                "迪丽娜尔·吐尔逊": 3300,
                "热合曼·阿不都热依木": 3100,
                "吴海涛": 2900,
                "郑小燕": 2700,
                "马德胜": 2500,
                "司马小燕": 2500,
            }
            | {n: 100 + i for i, n in enumerate(EXTRA) if n != "司马小燕"},
        },
    }
    revote = {
        "type": "revote",
        "date": "2026-04-18",
        "posts": ["委员"],
        "seats": {"委员": 1},
        "participants": 4400,
        "ballots": {"issued": 4410, "returned": 4400, "invalid": 10},
        "votes": {"委员": {"马德胜": 2600, "司马小燕": 1700}},
    }
    data["rounds"] = [first, revote]
    data["documents"]["discipline_signers"] = ["杨德明", "许春兰", "欧阳建华", "热合曼·阿不都热依木"]
    return data


def three_districts() -> dict:
    """A 人大 record with three 选区 (1, 3 and 2 seats), each voting in its own place."""
    data = yaml.safe_load((SAMPLES / "deputy-hewan-district7.yaml").read_text(encoding="utf-8"))
    people = iter(["王志刚", "李春梅", "张德福", "赵永清", "钱学军", "孙桂兰", "周立新", "吴海燕", "郑国强"])
    sample = data["contests"][0]["candidates"][0]
    contests = []
    for number, seats, count, place in (
        (5, 1, 2, "第五选区五里村村委会"),
        (6, 3, 4, "第六选区河湾中学"),
        (7, 2, 3, None),
    ):
        names = [next(people) for _ in range(count)]
        contest = {
            "name": f"第{'五六七'[number - 5]}选区",
            "number": number,
            "seats": [{"post": "代表", "count": seats}],
            "electorate": {"registered": 1000 * seats, "women": 480 * seats},
            "candidates": [sample | {"name": n, "nominated_by": "选民十人以上联名推荐"} for n in names],
            "rounds": [
                {
                    "type": "first",
                    "date": "2026-11-20",
                    "participants": 900 * seats,
                    "ballots": {"issued": 900 * seats, "returned": 900 * seats, "invalid": 3},
                    "votes": {
                        "代表": {n: 450 * seats + (30 - i if i < seats else -300 - i) for i, n in enumerate(names)}
                    },
                }
            ],
        }
        if place:
            contest["place"] = place
        contests.append(contest)
    data["contests"] = contests
    data["documents"]["discipline_signers"] = ["潘志刚", "罗秀芝"]
    return data


def text_of(docx: Path) -> str:
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def render_checked(tmp_path: Path, name: str, data: dict, *more: str) -> tuple[Path, str]:
    source = tmp_path / f"{name}.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = tmp_path / name
    run = run_cli("render", str(source), "-o", str(out), "--check-layout", *more)
    assert run.exit_code == 0, run.stdout + run.stderr
    written = len(list(out.glob("*.docx")))
    assert re.search(rf"^版式检查：检查了 {written} 份文书，发现 0 个问题。$", run.stdout, re.M), (
        run.stdout + run.stderr
    )
    return out, run.stdout


def test_every_document_of_the_all_stresses_village_record_passes_the_layout_check(tmp_path):
    out, _ = render_checked(tmp_path, "village-stress", village_stress(), "--pdf")
    names = sorted(p.name for p in out.glob("*.docx"))
    assert "05-选票-委员-第2轮重新投票.docx" in names, names
    assert "07-当选证书-热合曼·阿不都热依木.docx" in names, names
    revote = text_of(out / "05-选票-委员-第2轮重新投票.docx")
    assert "马德胜" in revote and "司马小燕" in revote and "另选" not in revote
    roll_text = text_of(out / "02-选民名单公告.docx")
    assert "共登记选民5000人" in roll_text and "第十村民小组（500人）" in roll_text
    assert LONG in text_of(out / "07-当选证书-热合曼·阿不都热依木.docx")
    assert_every_roll_page_names_its_group(out / "02-选民名单公告.pdf", village_stress()["electorate"]["groups"])


def test_every_document_of_the_three_district_deputy_record_passes_the_layout_check(tmp_path):
    out, _ = render_checked(tmp_path, "deputy-three", three_districts())
    names = sorted(p.name for p in out.glob("*.docx"))
    assert {n for n in names if n.startswith("02-")} == {
        "02-选民名单公告-第五选区.docx",
        "02-选民名单公告-第六选区.docx",
        "02-选民名单公告-第七选区.docx",
    }
    assert "投票地点为第六选区河湾中学" in text_of(out / "02-选民名单公告-第六选区.docx")


HEADING = re.compile(r"^(第.{1,2}村民小组)(（续）|（500人）)$")


def pages_of(pdf: Path) -> list[list[list[str]]]:
    """The words of each line of each page (pdftotext -layout, split at spaces)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    return [[line.split() for line in page.splitlines() if line.strip()] for page in text.split("\f")]


def assert_every_roll_page_names_its_group(pdf: Path, groups: list[dict]) -> None:
    """Every page holding names of the roll opens with the heading of the group of its first name (（续） after
    that group's first page), and every name on the page belongs to the group of the heading above it."""
    group_of = {name: g["name"] for g in groups for name in g["voters"]}
    pages = [p for p in pages_of(pdf) if p]
    assert len(pages) > 40
    seen = {m.group(1) for words in pages[0] if (m := HEADING.match("".join(words)))}
    assert seen == {"第一村民小组"}
    checked = 0
    for number, lines in enumerate(pages[1:], start=2):
        if not any(words[0] in group_of for words in lines):
            continue  # the notes and the 落款 after the roll
        first = HEADING.match("".join(lines[0]))
        assert first, f"page {number} starts with {lines[0]!r}, not a group heading"
        current = first.group(1)
        assert (first.group(2) == "（续）") == (current in seen), f"page {number}: {lines[0]}"
        seen.add(current)
        for words in lines[1:]:
            heading = HEADING.match("".join(words))
            if heading:
                current = heading.group(1)
                assert heading.group(2) == "（500人）", f"page {number}: {words}"
                seen.add(current)
            for name in words:
                if name in group_of:
                    assert group_of[name] == current, f"page {number}: {name} listed under {current}"
                    checked += 1
    assert checked > 4000


def test_per_group_makes_one_voter_list_per_group_each_cut_into_pages_under_its_heading():
    data = village_stress()
    data["documents"]["voter_list"] = "per_group"
    notices = voters(election_of(data))
    assert [n.suffix for n in notices] == [g["name"] for g in data["electorate"]["groups"]]
    third = notices[2].context
    assert "".join(third["title_lines"]) == "柳林村第十二届村民委员会换届选举第三村民小组选民名单公告"
    assert third["doc_number"] == notices[0].context["doc_number"] == "柳选委〔2026〕2号"
    assert third["intro"].endswith("现将第三村民小组名单（500人）公告如下（以姓氏笔画为序）：")
    parts = third["groups"][0]["parts"]
    assert [p["heading"] for p in parts] == ["第三村民小组（500人）"] + ["第三村民小组（续）"] * (len(parts) - 1)
    assert [p["break_before"] for p in parts] == [False] + [True] * (len(parts) - 1)
    # 100 lines of 5 names: page 1 holds what is left after the head, every later page a heading and 21 lines.
    assert [len(p["lines"]) for p in parts[1:-1]] == [21] * (len(parts) - 2)
    assert sum(len(p["lines"]) for p in parts) == 100
    listed = [name for p in parts for line in p["lines"] for name in line.split("\t")]
    assert listed[:2] == ["丁文", "丁玉"]  # 姓氏笔画: 丁 (2 strokes) first
    assert sorted(listed) == sorted(data["electorate"]["groups"][2]["voters"])


def test_a_group_that_would_start_on_the_last_two_lines_of_a_page_starts_on_the_next():
    groups = [
        {"name": "一组", "heading": "一组（40人）", "lines": ["x"] * 8},
        {"name": "二组", "heading": "二组（5人）", "lines": ["y"]},
    ]
    roll_parts(groups, free=11)
    assert [(p["heading"], len(p["lines"]), p["break_before"]) for g in groups for p in g["parts"]] == [
        ("一组（40人）", 8, False),
        ("二组（5人）", 1, True),
    ]


# --- tables: 入党时间 kept on one line, long merged groups relabelled, tall tables allowed to split ---------------
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def tables_of(docx: Path) -> list[etree._Element]:
    root = etree.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))
    return list(root.iter(f"{W}tbl"))


def cell_text(tc: etree._Element) -> str:
    return "".join(t.text or "" for t in tc.iter(f"{W}t"))


def kept(tr: etree._Element) -> bool:
    return all(p.find(f"{W}pPr/{W}keepNext") is not None for p in tr.iter(f"{W}p"))


def test_the_date_of_joining_the_party_is_never_wrapped_in_its_cell(tmp_path):
    data = party_joined()
    render_record(election_of(data), tmp_path, only="candidates_initial", record_unit=False)
    (docx,) = tmp_path.glob("03-*.docx")
    for tbl in tables_of(docx):
        widths = [int(c.get(f"{W}w")) for c in tbl.find(f"{W}tblGrid")]
        rows = list(tbl.iter(f"{W}tr"))
        assert cell_text(rows[0].findall(f"{W}tc")[5]) == "入党时间"
        for tr in rows[1:]:
            tc = tr.findall(f"{W}tc")[5]
            assert re.fullmatch(r"\d{4}年\d{1,2}月", cell_text(tc)), cell_text(tc)
            assert tc.find(f"{W}tcPr/{W}noWrap") is not None
            assert text_width(cell_text(tc), 12) + 80 <= widths[5], (cell_text(tc), widths[5])


def party_joined() -> dict:
    data = yaml.safe_load((SAMPLES / "party-qinghe-branch.yaml").read_text(encoding="utf-8"))
    for c, joined in zip(
        data["candidates"], ("1995-06", "2002-07", "2008-05", "2013-06", "1990-07", "2010-12"), strict=False
    ):
        c["politics"], c["joined_party"] = "中共党员", joined
    return data


def test_a_merged_post_longer_than_six_rows_repeats_its_label_on_every_chunk_kept_together(tmp_path):
    render_record(election_of(village_stress()), tmp_path, only="results", record_unit=False)
    (table,) = [t for t in tables_of(tmp_path / "06-选举结果公告.docx") if "委员（应选5名）" in cell_text(t)]
    every = list(table.iter(f"{W}tr"))
    label = "委员（应选5名）"
    rows = every[[cell_text(tr.find(f"{W}tc")) for tr in every].index(label) :]
    assert len(rows) == 18
    starts = [i for i, tr in enumerate(rows) if cell_text(tr.find(f"{W}tc")) == label]
    assert starts == [0, 6, 12]  # 18 委员 candidates: three chunks of 6, each with the label
    for i in starts:
        assert rows[i].find(f"{W}tc/{W}tcPr/{W}vMerge").get(f"{W}val") == "restart"
        assert [kept(tr) for tr in rows[i : i + 6]] == [True] * 5 + [False]  # a page breaks only between chunks


CELL = (
    '<w:tc><w:tcPr><w:tcW w:w="4000" w:type="dxa"/></w:tcPr>'
    '<w:p><w:pPr><w:pStyle w:val="GwTableText"/></w:pPr><w:r><w:t>{}</w:t></w:r></w:p></w:tc>'
)


def xml_of(texts: list[str]) -> str:
    """A two-column table (header row + one row per text) as rendered templates have it."""
    head = "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" + CELL.format("工作单位") * 2 + "</w:tr>"
    body = "".join("<w:tr><w:trPr><w:cantSplit/></w:trPr>" + CELL.format(t) * 2 + "</w:tr>" for t in texts)
    grid = '<w:tblGrid><w:gridCol w:w="4000"/><w:gridCol w:w="4000"/></w:tblGrid>'
    return f'<w:document xmlns:w="{W[1:-1]}"><w:body><w:tbl><w:tblPr/>{grid}{head}{body}</w:tbl></w:body></w:document>'


def test_a_short_table_taller_than_a_third_of_the_page_may_split_with_its_header_kept_with_its_first_row():
    short = etree.fromstring(xml_of(["青石县河湾镇人民政府"] * 5))
    fit_tree(short)
    assert [kept(tr) for tr in short.iter(f"{W}tr")] == [True] * 5 + [False]  # small: moves to a page whole
    tall = etree.fromstring(xml_of(["青石县河湾镇人民政府党政综合办公室主任兼经济发展办公室副主任" * 3] * 5))
    fit_tree(tall)
    assert [kept(tr) for tr in tall.iter(f"{W}tr")] == [True] + [False] * 5  # tall: the header with row 1 only


# --- S3 of the review: titles broken after words, the committee's order in its intro, page numbers ----------------
def test_a_long_title_breaks_after_words_never_inside_one():
    assert split_title([LONG, "成员名单公告"]) == [
        "青石县河湾镇柳林村第十二届",
        "村民委员会换届选举村民选举委员会",
        "成员名单公告",
    ]
    assert split_title(["中共青石县河湾镇清河社区第三支部委员会换届选举工作小组", "成员名单公告"]) == [
        "中共青石县河湾镇清河社区",
        "第三支部委员会换届选举工作小组",
        "成员名单公告",
    ]


def test_the_committee_notice_states_the_order_in_its_intro_so_no_lone_closing_bracket_starts_a_line():
    ctx = election_of(village_stress())
    notice = find_kind("committee").build(ctx)[0].context
    assert notice["intro"].endswith("由以下5名成员组成（委员按姓氏笔画为序）。现予公告：")
    assert all("为序" not in role["names"] for role in notice["roles"])


def test_page_numbers_are_songti_digits_with_the_dash_7_mm_below_the_type_area():
    document = docx.Document(str(TEMPLATES_DIR / "选举结果公告.docx"))
    fonts = document.styles["公文-页码"].element.rPr.rFonts
    assert (fonts.get(qn("w:ascii")), fonts.get(qn("w:eastAsia"))) == ("宋体", "宋体")
    assert document.styles["公文-页码"].font.size.pt == 14
    # Measured in LibreOffice's PDF: the 一字线's stroke (the middle of its box) is 19.8 pt = 7.0 mm below the
    # type area's bottom (742.7 pt) with the footer at 1424 twips.
    assert document.sections[0].footer_distance == Twips(1424)


def test_a_kind_may_be_titled_per_election_kind_in_its_file_name_and_catalogue_title():
    kind = dataclasses.replace(find_kind("candidate_pledge"), titles={"party_branch": "候选人承诺书"})
    assert file_name(kind, "唐鹏", "party_branch") == "04-候选人承诺书-唐鹏.docx"
    assert file_name(kind, "唐鹏", "village_committee") == "04-候选人竞争承诺书-唐鹏.docx"
    meta = describe(
        kind, {"election_name": "中共白马村支部委员会换届选举", "name": "唐鹏"}, election_of(party_joined())
    )
    assert meta.title == "中共白马村支部委员会换届选举候选人承诺书（唐鹏）"
    assert find_kind("候选人承诺书").key == "candidate_pledge"

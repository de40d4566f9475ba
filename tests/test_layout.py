"""The page is right in the PDF: measured with pdftotext -bbox-layout on documents LibreOffice converted.

Stress record (review 2026-12 §5, cases 1 and 3): the village sample with a 29-character committee name,
signatory and certificate issuer, and candidates 欧阳建华, 司马小燕, 迪丽娜尔·吐尔逊 (维吾尔族) and
热合曼·阿不都热依木 (哈萨克族). Type area: x from 79.4 to 521.6 pt (GB/T 9704: 28 mm left, 156 mm wide).

Needs LibreOffice, poppler-utils and the 仿宋 face FandolFang (bash tools/system-deps.sh installs them); a
missing one FAILS with how to install it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import SAMPLES
from helpers import election_of
from lxml import etree

from pipeline import records
from pipeline.render import TEMPLATES_DIR, render_record

FONTS_CONF = TEMPLATES_DIR / "fonts.conf"
INSTALL = "bash tools/system-deps.sh（安装 LibreOffice、poppler-utils 和仿宋字体 FandolFang）"
RIGHT = 521.6  # pt: right edge of the type area (595.3 − 73.7)
LEFT = 79.4
LONG = "青石县河湾镇柳林村第十二届村民委员会换届选举村民选举委员会"  # 29 characters
NAMES = {"刘建华": "欧阳建华", "王秀兰": "司马小燕", "孙丽娟": "迪丽娜尔·吐尔逊", "周文斌": "热合曼·阿不都热依木"}
XHTML = "{http://www.w3.org/1999/xhtml}"


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(f"找不到 {name}，无法检查版面。请运行 {INSTALL}", pytrace=False)
    return found


def stress_text() -> str:
    text = (SAMPLES / "village-liulin-runoff.yaml").read_text(encoding="utf-8")
    text = text.replace("name: 柳林村村民选举委员会", f"name: {LONG}")
    text = text.replace("signatory: 柳林村村民选举委员会", f"signatory: {LONG}")
    text = text.replace("certificate_issuer: 河湾镇人民政府", f"certificate_issuer: {LONG}")
    for old, new in NAMES.items():
        text = text.replace(old, new)
    text = text.replace("ethnicity: 汉族, education: 大学本科", "ethnicity: 维吾尔族, education: 大学本科")
    return text.replace("ethnicity: 汉族, education: 中专", "ethnicity: 哈萨克族, education: 中专")


EXTRA = [
    "丁一平",
    "王二林",
    "石三金",
    "田四海",
    "白五洲",
    "冯六合",
    "朱七星",
    "任八方",
    "华九龙",
    "刘十全",
    "江天明",
    "许地平",
    "孙和平",
]


def many_text() -> str:
    """Review §5 stress case 2: the village sample with 18 委员 candidates for 3 seats."""
    text = (SAMPLES / "village-liulin-runoff.yaml").read_text(encoding="utf-8")
    extra = "".join(
        f"  - {{name: {name}, gender: 男, birth: 1970-01, ethnicity: 汉族, education: 高中, politics: 群众,\n"
        "     nominated_by: 选民提名, nomination_votes: 300, post: 委员, incumbent: false}\n"
        for name in EXTRA
    )
    at = text.index("\nrounds:")
    text = text[:at] + "\n" + extra.rstrip("\n") + text[at:]
    votes = "委员: {孙丽娟: 1420, 周文斌: 1188, 吴海涛: 1050, 郑小燕: 890, 马德胜: 760"
    return text.replace(votes, votes + "".join(f", {name}: {10 + i}" for i, name in enumerate(EXTRA)))


@dataclass
class Line:
    page: int
    text: str  # the words joined without spaces
    x_min: float
    x_max: float
    y_min: float


def lines(pdf: Path) -> list[Line]:
    out = subprocess.run([tool("pdftotext"), "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True))
    found = []
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        for line in page.iter(f"{XHTML}line"):
            words = list(line.iter(f"{XHTML}word"))
            found.append(
                Line(
                    number,
                    "".join(w.text or "" for w in words),
                    min(float(w.get("xMin")) for w in words),
                    max(float(w.get("xMax")) for w in words),
                    float(line.get("yMin")),
                )
            )
    return found


def words(pdf: Path) -> set[str]:
    out = subprocess.run([tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    return set(re.findall(r"<word [^>]*>([^<]*)</word>", out.decode("utf-8")))


def convert(files: list[Path], outdir: Path, profile: Path) -> None:
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF), HOME=str(profile))
    command = [tool("soffice"), "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile.as_uri()}"]
    command += ["--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    missing = [f.name for f in files if not (outdir / (f.stem + ".pdf")).exists()]
    assert not missing, f"LibreOffice did not convert {missing}:\n{result.stdout}\n{result.stderr}"


STRESS_DOCS = ["01-选举委员会成员公告", "03-正式候选人名单公告", "06-选举结果公告", "07-当选证书-热合曼·阿不都热依木"]
VILLAGE = SAMPLES / "village-liulin-runoff.yaml"
VILLAGE_DOCS = ["06-选举结果公告-第2轮另行选举"]
BUILDING = SAMPLES / "building-leaders-chenguang.yaml"
BUILDING_DOCS = ["06-选举结果公告"]
MANY_DOCS = ["03-正式候选人名单公告", "06-选举结果公告"]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    """The chosen documents as PDF, by name (a sample's documents prefixed with its file name), one soffice run."""
    root = tmp_path_factory.mktemp("layout")
    source = root / "stress.yaml"
    source.write_text(stress_text(), encoding="utf-8")
    many = root / "many.yaml"
    many.write_text(many_text(), encoding="utf-8")
    staged = root / "docx"
    staged.mkdir()
    chosen = {}
    samples = (
        (source, STRESS_DOCS, ""),
        (VILLAGE, VILLAGE_DOCS, "village-"),
        (BUILDING, BUILDING_DOCS, "building-"),
        (many, MANY_DOCS, "many-"),
    )
    for path, names, prefix in samples:
        record, _ = records.load(str(path))
        render_record(election_of(record.data, record.file), root / path.stem, record_unit=False)
        for name in names:
            target = staged / f"{prefix}{name}.docx"
            shutil.copy(root / path.stem / f"{name}.docx", target)
            chosen[target.stem] = target
    convert(list(chosen.values()), root / "pdf", root / "profile")
    return {name: root / "pdf" / f"{name}.pdf" for name in chosen}


def test_a_29_character_signatory_stays_in_the_type_area(pdfs):
    for name in ["03-正式候选人名单公告", "06-选举结果公告"]:
        found = lines(pdfs[name])
        (sign,) = [line for line in found if line.text == LONG]  # on one line (小三 when 三号 is too wide)
        assert sign.x_min >= LEFT and sign.x_max <= RIGHT + 0.5, (name, sign)
        # Nothing passes the right edge of the type area but a hanging stop or comma (as Word allows).
        over = [line for line in found if line.x_max > RIGHT + 0.5 and not line.text.endswith(("，", "。", "、"))]
        assert over == [], name


def test_the_date_sits_four_characters_from_the_right(pdfs):
    for name in STRESS_DOCS[:3]:
        (date,) = [line for line in lines(pdfs[name]) if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", line.text)]
        assert 62.0 <= RIGHT - date.x_max <= 66.0, (name, RIGHT - date.x_max)  # 右空四字 = 4 × 16 pt


def test_the_certificate_issuer_stays_inside_its_border(pdfs):
    found = lines(pdfs["07-当选证书-热合曼·阿不都热依木"])
    (issuer,) = [line for line in found if line.text == LONG]
    # The red border is drawn 24 pt outside the type area; the issuer keeps within the type area.
    assert issuer.x_min >= LEFT and issuer.x_max <= RIGHT + 0.5, issuer
    assert all(line.x_max <= RIGHT + 0.5 for line in found), [line for line in found if line.x_max > RIGHT + 0.5]


def test_names_and_ethnicity_are_never_broken_in_a_cell(pdfs):
    candidates = words(pdfs["03-正式候选人名单公告"])
    for value in ["欧阳建华", "司马小燕", "迪丽娜尔·吐尔逊", "热合曼·阿不都热依木", "维吾尔族", "哈萨克族"]:
        assert value in candidates, value
    results = words(pdfs["06-选举结果公告"])
    for value in ["欧阳建华", "司马小燕", "迪丽娜尔·吐尔逊", "热合曼·阿不都热依木"]:
        assert value in results, value


def test_a_split_table_takes_the_merged_post_label_with_its_rows(pdfs):
    found = lines(pdfs["06-选举结果公告"])
    (last_row,) = [line for line in found if line.text.startswith("田永福")]
    page = [line.text for line in found if line.page == last_row.page]
    assert "委员（应选3名）" in page
    assert {"职位", "姓名", "得票数", "结果"} <= set(page)  # the header row repeats


def test_no_page_holds_only_the_closing_lines(pdfs):
    for name in [*STRESS_DOCS[:3], *(f"village-{n}" for n in VILLAGE_DOCS), *(f"many-{n}" for n in MANY_DOCS)]:
        found = lines(pdfs[name])
        end = [line.text for line in found].index("特此公告。")
        body = [line.text for line in found[:end] if line.page == found[end].page]
        assert body, f"{name}: 第 {found[end].page} 页只有结束语和落款"
    # The 另行选举 notice keeps "全部名额均已选出。" on page 1, where there is room for it.
    (done,) = [
        line for line in lines(pdfs["village-06-选举结果公告-第2轮另行选举"]) if line.text == "全部名额均已选出。"
    ]
    assert done.page == 1


def test_two_title_lines_are_36_points_apart(pdfs):
    found = lines(pdfs["03-正式候选人名单公告"])
    (first,) = [line for line in found if line.text == "柳林村第十二届村民委员会换届选举"]
    (second,) = [line for line in found if line.text == "正式候选人名单公告"]
    assert 34.5 <= second.y_min - first.y_min <= 37.5  # 2号 at exactly 36 pt, not two 28.95 pt grid rows


def test_the_body_is_set_in_a_fangsong_face(pdfs):
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF))
    have = subprocess.run([tool("fc-list"), "FandolFang"], env=env, capture_output=True, text=True).stdout
    if not have.strip():
        pytest.fail(f"缺少仿宋字体 FandolFang，PDF 正文会以宋体代替。请运行 {INSTALL}", pytrace=False)
    out = subprocess.run([tool("pdffonts"), str(pdfs["03-正式候选人名单公告"])], capture_output=True, text=True)
    assert "FandolFang" in out.stdout, out.stdout


def test_table_cells_have_padding_above_and_below():
    checked = 0
    for path in sorted(TEMPLATES_DIR.glob("*.docx")):
        xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
        for table in re.findall(r"<w:tbl>.*?</w:tbl>", xml):
            if "<w:trHeight" in table:
                continue  # the ballot's rows have a set height (9 mm) that gives the air
            tblpr = re.search(r"<w:tblPr>.*?</w:tblPr>", table).group(0)
            margins = re.search(r"<w:tblCellMar>(.*?)</w:tblCellMar>", tblpr)
            assert margins, path.name
            for edge in ("top", "bottom"):
                width = re.search(rf'<w:{edge} w:w="(\d+)"', margins.group(1))
                assert width and int(width.group(1)) >= 40, (path.name, edge)
            checked += 1
    assert checked >= 4


def test_figures_lines_are_not_letter_spaced(pdfs):
    # Justified, "登记户数48户，参加投票的户代表41户，参选率" was spread letter by letter to fill the line
    # because "85.42%，" could not follow; pdftotext then saw one word per character.
    found = words(pdfs["building-06-选举结果公告"])
    assert "登记户数" in found and "登" not in found

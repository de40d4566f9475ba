"""`huanjie serve`'s pages through Starlette's TestClient: security, saving (comments, history, conflicts), findings."""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from starlette.testclient import TestClient

from pipeline.web.app import MAX_UPLOAD, create_app
from pipeline.web.workspace import CONFLICT_MESSAGE

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "residents-yangguang.yaml"
LOCAL = {"base_url": "http://127.0.0.1:8765", "client": ("127.0.0.1", 50000)}


class Page(HTMLParser):
    """The elements a test looks at: every tag's attributes in order, text per id, findings with their place."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: dict[str, str] = {}
        self.findings: list[dict[str, str]] = []  # {for, id, text, inside}: inside = name of the enclosing box
        self._open: list[tuple[str, dict[str, str]]] = []
        self._capture: list[tuple[str, str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag not in ("input", "br", "meta", "link", "img"):
            self._open.append((tag, attributes))
        if "id" in attributes or "finding" in attributes.get("class", ""):
            self._capture.append((tag, "", attributes))

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            self._open.pop()
        if self._capture and self._capture[-1][0] == tag:
            _, text, attributes = self._capture.pop()
            if "id" in attributes:
                self.text[attributes["id"]] = text
            if "finding" in attributes.get("class", "").split():
                inside = next((a.get("data-name", "") for _, a in reversed(self._open) if a.get("data-name")), "")
                self.findings.append(
                    {
                        "for": attributes.get("data-for", ""),
                        "id": attributes.get("data-id", ""),
                        "text": text,
                        "inside": inside,
                    }
                )

    def handle_data(self, data):
        self._capture = [(t, text + data, a) for t, text, a in self._capture]

    def attrs(self, **match: str) -> dict[str, str]:
        for _, attributes in self.tags:
            if all(attributes.get(k.replace("_", "-")) == v for k, v in match.items()):
                return attributes
        raise AssertionError(f"no element with {match}")

    def value(self, name: str) -> str:
        return self.attrs(name=name).get("value", "")


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    folder = tmp_path / "工作"
    folder.mkdir()
    shutil.copy(ROOT / "samples" / SAMPLE, folder / SAMPLE)
    return folder


@pytest.fixture()
def client(ws: Path) -> TestClient:
    return TestClient(create_app(ws), **LOCAL)


def form_of(client: TestClient, url: str) -> tuple[Page, dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, response.text[:500]
    page = Page(response.text)
    return page, {"csrf": page.value("csrf"), "hash": page.value("hash")}


# ---------------------------------------------------------------- the record form


def test_home_lists_every_sample_with_kind_unit_and_status():
    client = TestClient(create_app(ROOT / "samples"), **LOCAL)
    page = Page(client.get("/").text)
    listed = [a["data-rel"] for tag, a in page.tags if tag == "tr" and "data-rel" in a]
    expected = sorted(
        os.path.relpath(os.path.join(top, n), ROOT / "samples").replace(os.sep, "/")
        for top, _, names in os.walk(ROOT / "samples")
        for n in names
        if n.endswith((".yaml", ".yml"))
    )
    assert sorted(listed) == expected
    row = page.attrs(data_rel=SAMPLE)
    assert row["data-status"] == "clean"
    html = client.get("/").text
    assert "阳光社区居民委员会" in html and "居民委员会" in html
    assert page.attrs(id="new-kind") and page.attrs(id="new-name") and page.attrs(id="new-create")


def test_save_splices_only_the_changed_value_and_keeps_every_comment(client, ws):
    before = (ws / SAMPLE).read_text(encoding="utf-8")
    page, form = form_of(client, f"/record/{quote(SAMPLE)}")
    assert page.value("unit.name") == "阳光社区居民委员会"
    assert page.attrs(id="f-rounds-0-votes-主任-王建国")["value"] == "1102"
    response = client.post(
        f"/record/{quote(SAMPLE)}",
        data={**form, "unit.name": "阳光社区居民委员会（新）", "rounds.0.votes.主任.林美华": "270"},
    )
    assert response.status_code == 200
    assert Page(response.text).text["status"] == "已保存，校验无问题。"
    after = (ws / SAMPLE).read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [
        ("  name: 阳光社区居民委员会", "  name: 阳光社区居民委员会（新）"),
        ("      主任: {王建国: 1102, 林美华: 268}", "      主任: {王建国: 1102, 林美华: 270}"),
    ]
    assert [line for line in after.splitlines() if line.lstrip().startswith("#")] == [
        line for line in before.splitlines() if line.lstrip().startswith("#")
    ]


def test_a_tally_over_the_valid_ballots_is_shown_next_to_that_post_and_the_candidate(client):
    _, form = form_of(client, f"/record/{quote(SAMPLE)}")
    response = client.post(f"/record/{quote(SAMPLE)}", data={**form, "rounds.0.votes.主任.王建国": "1500"})
    page = Page(response.text)
    assert page.text["status"] == "已保存。校验发现 2 个错误、0 个警告，见下方。"
    by_id = {f["id"]: f for f in page.findings}
    assert by_id["BALLOT-VOTES"]["for"] == "rounds.0.votes.主任.王建国"
    assert "王建国 得 1500 票，多于有效票 1386 张" in by_id["BALLOT-VOTES"]["text"]
    assert by_id["BALLOT-MARKS"]["for"] == "rounds.0.votes.主任"
    assert by_id["BALLOT-MARKS"]["inside"] == "rounds.0.votes.主任"  # inside the post's tally box
    top = [a["data-id"] for tag, a in page.tags if tag == "li" and "data-id" in a]
    assert sorted(top) == ["BALLOT-MARKS", "BALLOT-VOTES"]


def test_the_finding_messages_and_ids_are_the_cli_s(client, ws):
    from pipeline.check import check_file

    _, form = form_of(client, f"/record/{quote(SAMPLE)}")
    page = Page(client.post(f"/record/{quote(SAMPLE)}", data={**form, "candidates.0.birth": "1972-13"}).text)
    cli = check_file(str(ws / SAMPLE))
    assert {f.id for f in cli.findings} == {f["id"] for f in page.findings}
    for finding in cli.findings:
        shown = next(f for f in page.findings if f["id"] == finding.id)
        assert finding.message in shown["text"]
        assert shown["for"] == re.sub(r"\[(\d+)\]", r".\1", finding.path)


def test_rows_are_added_and_removed_and_a_blank_row_is_ignored(client, ws):
    page, form = form_of(client, f"/record/{quote(SAMPLE)}")
    blank = {k: "" for _, a in page.tags if (k := a.get("name", "")).startswith("candidates.9.")}
    assert "candidates.9.name" in blank
    data = {
        **form,
        **blank,
        "candidates.8._remove": "1",
        "candidates.10.name": "张三 & 李四 <x>",
        "candidates.10.post": "委员",
        "candidates.10.gender": "男",
        "candidates.10.incumbent": "否",
    }
    response = client.post(f"/record/{quote(SAMPLE)}", data=data)
    assert response.status_code == 200
    text = (ws / SAMPLE).read_text(encoding="utf-8")
    assert "郭磊" not in text.split("rounds:")[0]
    assert "  - {name: 张三 & 李四 <x>, gender: 男, post: 委员, incumbent: false}\n" in text
    # escaped everywhere on the page, never raw
    assert "张三 &amp; 李四 &lt;x&gt;" in response.text and "<x>" not in response.text


def test_a_record_without_rounds_gets_its_first_round_from_the_form(client, ws):
    response = client.post("/new", data={"csrf": _csrf(client), "kind": "residents_committee", "name": "新社区"})
    assert response.status_code == 200 and response.url.path == "/record/新社区.yaml"
    page = Page(response.text)
    assert page.attrs(id="add-round") and page.attrs(name="rounds.0.ballots.issued")
    form = {"csrf": page.value("csrf"), "hash": page.value("hash")}
    client.post(
        f"/record/{quote('新社区.yaml')}", data={**form, "_action": "add-round", "rounds.0.ballots.issued": "1400"}
    )
    text = (ws / "新社区.yaml").read_text(encoding="utf-8")
    assert "rounds:\n  - type: first\n    date: 2026-04-18\n    ballots: {issued: 1400}\n" in text
    assert "# 居民委员会换届选举记录（样板）" in text


def _csrf(client: TestClient) -> str:
    return Page(client.get("/").text).value("csrf")


# ---------------------------------------------------------------- never lose work


def test_a_save_from_a_second_tab_is_refused_and_the_first_save_kept(client, ws):
    _, first = form_of(client, f"/record/{quote(SAMPLE)}")
    _, second = form_of(client, f"/record/{quote(SAMPLE)}")
    assert client.post(f"/record/{quote(SAMPLE)}", data={**first, "unit.short_name": "阳光A"}).status_code == 200
    response = client.post(f"/record/{quote(SAMPLE)}", data={**second, **_shown_values(client), "term": "第十三届"})
    assert response.status_code == 409
    assert Page(response.text).text["status"] == CONFLICT_MESSAGE
    notes = [p.removeprefix("您未保存的修改：") for p in re.findall(r'<p class="note">([^<]*)</p>', response.text)]
    assert notes == ["届次（term）＝“第十三届”，文件中现为“第十二届”。"]  # not 阳光A, which the other tab wrote
    assert "short_name: 阳光A\n" in (ws / SAMPLE).read_text(encoding="utf-8")


def _shown_values(client: TestClient) -> dict[str, str]:
    """Every text value the record form shows, as the second tab (opened before the first save) posts them."""
    page = Page(client.get(f"/record/{quote(SAMPLE)}").text)
    values = {
        a["name"]: a.get("value", "")
        for tag, a in page.tags
        if tag == "input" and a.get("name") and a.get("type") != "checkbox"
    }
    values["unit.short_name"] = "阳光社区"  # as the second tab still shows it
    return {k: v for k, v in values.items() if k not in ("csrf", "hash")}


def test_every_save_keeps_the_previous_version_and_it_can_be_restored(client, ws):
    original = (ws / SAMPLE).read_bytes()
    _, form = form_of(client, f"/record/{quote(SAMPLE)}")
    client.post(f"/record/{quote(SAMPLE)}", data={**form, "term": "第十三届"})
    kept = list((ws / ".huanjie-history" / SAMPLE).iterdir())
    assert [p.read_bytes() for p in kept] == [original]
    page, form = form_of(client, f"/record/{quote(SAMPLE)}/history")
    version = page.attrs(name="version")["value"]
    response = client.post(f"/record/{quote(SAMPLE)}/history", data={**form, "version": version})
    assert response.status_code == 200 and "已恢复到" in Page(response.text).text["status"]
    assert (ws / SAMPLE).read_bytes() == original
    assert len(list((ws / ".huanjie-history" / SAMPLE).iterdir())) == 2  # the 第十三届 version is kept too
    bad = client.post(f"/record/{quote(SAMPLE)}/history", data={**form, "version": "../../" + SAMPLE})
    assert bad.status_code == 404


def test_a_record_with_a_yaml_syntax_error_opens_in_the_raw_editor(client, ws):
    text = (ws / SAMPLE).read_text(encoding="utf-8").replace("  short_name: 阳光社区", "  short_name: [阳光社区", 1)
    (ws / SAMPLE).write_text(text, encoding="utf-8")
    response = client.get(f"/record/{quote(SAMPLE)}")
    page = Page(response.text)
    assert "raw-text" in page.text and page.text["raw-text"] == text
    error = page.text["raw-error"]
    assert error.startswith("记录无法读取：第 ") and page.attrs(id="raw-error")["data-id"] == "YAML-SYNTAX"
    fixed = text.replace("short_name: [阳光社区", "short_name: 阳光社区")
    form = {"csrf": page.value("csrf"), "hash": page.value("hash"), "text": fixed}
    response = client.post(f"/record/{quote(SAMPLE)}/raw", data=form)
    assert response.status_code == 200 and response.url.path == f"/record/{SAMPLE}"
    assert (ws / SAMPLE).read_text(encoding="utf-8") == fixed


# ---------------------------------------------------------------- safe by default


@pytest.mark.parametrize(
    "url",
    [
        "/files/../" + SAMPLE,
        "/files/%2e%2e/%2e%2e/etc/passwd",
        "/files/..%2f..%2fetc%2fpasswd",
        "/files//etc/passwd",
        "/files/%2Fetc%2Fpasswd",
        "/record/..%2F" + quote(SAMPLE),
        "/record/.huanjie-history/x.yaml",
        "/files/link/passwd",
        "/record/out.yaml",
    ],
)
def test_paths_outside_the_workspace_are_refused(client, ws, tmp_path, url):
    (tmp_path / "secret.yaml").write_text("kind: x\n", encoding="utf-8")
    (ws / "link").symlink_to("/etc")
    (ws / "out.yaml").symlink_to(tmp_path / "secret.yaml")
    response = client.get(url)
    assert response.status_code == 404
    assert "root:" not in response.text and "kind: x" not in response.text


def test_a_post_without_or_with_a_wrong_csrf_token_is_refused(client, ws):
    before = (ws / SAMPLE).read_bytes()
    _, form = form_of(client, f"/record/{quote(SAMPLE)}")
    for data in ({"hash": form["hash"]}, {**form, "csrf": "wrong"}):
        response = client.post(f"/record/{quote(SAMPLE)}", data={**data, "term": "第十三届"})
        assert response.status_code == 403
        assert "表单已过期或来源不明（缺少校验码），未处理。" in response.text
    other = TestClient(client.app, **LOCAL)  # another browser: its own cookie, the first one's token
    assert other.post(f"/record/{quote(SAMPLE)}", data={**form, "term": "第十三届"}).status_code == 403
    assert (ws / SAMPLE).read_bytes() == before


def test_a_request_from_another_computer_needs_the_token(ws):
    remote = {"base_url": "http://192.168.1.20:8765", "client": ("192.168.1.30", 50000)}
    loopback_only = TestClient(create_app(ws), **remote)
    response = loopback_only.get("/")
    assert response.status_code == 403 and "此页面只接受本机访问" in response.text
    rebinding = TestClient(create_app(ws), base_url="http://evil.example:8765", client=("127.0.0.1", 50000))
    assert rebinding.get("/").status_code == 403
    with_token = TestClient(create_app(ws, token="s3cret"), **remote)
    assert with_token.get("/").status_code == 403
    assert with_token.get("/?token=wrong").status_code == 403
    assert with_token.get("/?token=s3cret").status_code == 200
    assert with_token.get(f"/record/{quote(SAMPLE)}").status_code == 200  # the cookie carries it on


def test_every_answer_carries_the_security_headers(client):
    for url in ("/", f"/record/{quote(SAMPLE)}", "/static/app.js", "/files/nothing"):
        headers = client.get(url).headers
        assert headers["content-security-policy"].startswith("default-src 'self';")
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
    html = client.get(f"/record/{quote(SAMPLE)}").text
    assert "<script>" not in html and "onclick" not in html and "style=" not in html


def test_uploads_are_limited_in_size_and_type(client, ws):
    csrf = _csrf(client)
    big = client.post(
        "/upload", data={"csrf": csrf}, files={"record": ("大.yaml", b"a" * (MAX_UPLOAD + 10), "text/yaml")}
    )
    assert big.status_code == 413 and "超过 20 MB" in big.text
    wrong = client.post("/upload", data={"csrf": csrf}, files={"record": ("x.exe", b"MZ", "application/octet-stream")})
    assert wrong.status_code == 415
    sneaky = client.post(
        "/upload", data={"csrf": csrf}, files={"record": ("../../逃出.yaml", b"kind: x\n", "text/yaml")}
    )
    assert sneaky.status_code == 200 and (ws / "逃出.yaml").exists() and not (ws.parent / "逃出.yaml").exists()
    again = client.post("/upload", data={"csrf": csrf}, files={"record": (SAMPLE, b"kind: x\n", "text/yaml")})
    assert again.status_code == 409 and (ws / SAMPLE).read_bytes() != b"kind: x\n"
    page, form = form_of(client, f"/record/{quote(SAMPLE)}")
    fake = client.post(
        f"/record/{quote(SAMPLE)}/import",
        data={**form, "what": "voters"},
        files={"sheet": ("名单.xlsx", b"not a zip", "application/octet-stream")},
    )
    assert fake.status_code == 415 and "不是有效的 .xlsx 表格文件" in Page(fake.text).text["status"]
    exe = client.post(
        f"/record/{quote(SAMPLE)}/import",
        data={**form, "what": "voters"},
        files={"sheet": ("名单.exe", b"MZ", "application/octet-stream")},
    )
    assert exe.status_code == 415


def test_a_roll_imported_from_a_sheet_is_summarised_not_listed(client, ws, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "性别", "出生日期", "小组"])
    for i in range(300):
        sheet.append([f"选民{i:03d}", "男" if i % 2 else "女", "1980-01-01", f"第{i // 100 + 1}组"])
    book.save(tmp_path / "名单.xlsx")
    _, form = form_of(client, f"/record/{quote(SAMPLE)}")
    response = client.post(
        f"/record/{quote(SAMPLE)}/import",
        data={**form, "what": "voters"},
        files={"sheet": ("名单.xlsx", (tmp_path / "名单.xlsx").read_bytes(), "application/octet-stream")},
    )
    assert response.status_code == 200, response.text[:300]
    assert Page(response.text).text["status"].startswith("已导入选民名单（名单.xlsx）。")
    assert "3 个小组（第1组、第2组、第3组），共 300 名选民。" in response.text
    assert "选民150" not in response.text  # no row of the roll on the page
    assert "{name: 选民150, sex: 女, birth: 1980-01-01}" in (ws / SAMPLE).read_text(encoding="utf-8")


def test_documents_are_generated_and_downloaded(client, ws):
    page = Page(client.get(f"/record/{quote(SAMPLE)}/documents").text)
    form = {"csrf": page.value("csrf")}
    assert page.attrs(id="generate-all")
    row = page.attrs(data_kind="06")
    assert row["data-key"] == "results"
    response = client.post(f"/record/{quote(SAMPLE)}/generate", data={"csrf": form["csrf"], "kind": "results"})
    assert response.status_code == 200 and Page(response.text).text["status"].startswith("已生成 1 份文书")
    link = Page(response.text).attrs(**{"class": "docx"})["href"]
    download = client.get(link)
    assert download.status_code == 200 and download.content[:2] == b"PK"
    from io import BytesIO

    from docx import Document

    text = "\n".join(p.text for p in Document(BytesIO(download.content)).paragraphs)
    assert "王建国" in text and "选举结果公告" in text
    assert (ws / "residents-yangguang-文书" / "06-选举结果公告.docx").is_file()


def test_the_batch_page_runs_a_folder_and_reports_each_unit(client, ws):
    import time

    page = Page(client.get("/batch").text)
    assert page.attrs(id="batch-folder") and page.attrs(id="batch-go")
    response = client.post("/batch", data={"csrf": page.value("csrf"), "folder": "."})
    job = response.url.path
    for _ in range(600):
        progress = client.get(job + "/progress").json()
        if progress["finished"]:
            break
        time.sleep(0.1)
    assert progress["finished"] and progress["error"] == "" and progress["total"] == 1
    report = Page(client.get(job).text)
    rows = [a for tag, a in report.tags if tag == "tr" and "data-status" in a]
    assert [r["data-status"] for r in rows] == ["ok"]
    assert "共 1 个单位：1 个成功" in report.text["batch-progress"]
    workbook = client.get(report.attrs(id="batch-xlsx")["href"])
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    assert client.post("/batch", data={"csrf": page.value("csrf"), "folder": "../"}).status_code == 400


def test_many_changes_in_one_save_each_keep_their_comment(client, ws):
    text = (ws / SAMPLE).read_text(encoding="utf-8")
    text = text.replace("  short_name: 阳光社区\n", "  short_name: 阳光社区      # 公告用简称\n")
    text = text.replace("  election_day: 2026-03-18\n", "  # 选举日\n  election_day: 2026-03-18\n")
    (ws / SAMPLE).write_text(text, encoding="utf-8")
    _, form = form_of(client, f"/record/{quote(SAMPLE)}")
    data = {
        **form,
        "unit.short_name": "阳光",
        "schedule.reported_on": "2026-03-21",
        "documents.contact": "0730-1",
        "term": "第十三届",
        "rounds.0.ballots.invalid": "13",
        "rounds.0.votes.委员.郭磊": "331",
    }
    response = client.post(f"/record/{quote(SAMPLE)}", data=data)
    assert response.status_code == 200
    after = (ws / SAMPLE).read_text(encoding="utf-8")
    assert "  short_name: 阳光        # 公告用简称\n" in after
    assert "  # 选举日\n  election_day: 2026-03-18\n" in after
    assert "term: 第十三届\n" in after and "reported_on: 2026-03-21\n" in after and "contact: 0730-1\n" in after
    assert "    ballots: {issued: 1400, returned: 1398, invalid: 13}\n" in after
    assert "      委员: {刘芳: 1205, 陈晓东: 1010, 杨桂英: 876, 何军: 512, 郭磊: 331}\n" in after
    assert len(after.splitlines()) == len(text.splitlines())


def test_a_pdf_is_generated_and_previewed_as_page_images(client, ws):
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        pytest.fail("LibreOffice and poppler are needed: run `make sysdeps` (tools/system-deps.sh)")
    page = Page(client.get(f"/record/{quote(SAMPLE)}/documents").text)
    response = client.post(
        f"/record/{quote(SAMPLE)}/generate", data={"csrf": page.value("csrf"), "kind": "results", "pdf": "1"}
    )
    done = Page(response.text)
    assert done.text["status"] == "已生成 1 份文书，另有PDF、合订本和打印清单 2 个文件。"  # as render says it
    pdf = client.get(done.attrs(**{"class": "pdf"})["href"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    preview = Page(client.get(done.attrs(**{"class": "preview"})["href"]).text)
    images = [a["src"] for tag, a in preview.tags if tag == "img"]
    assert images and images[0].endswith("?page=1")
    image = client.get(images[0])
    assert image.status_code == 200 and image.headers["content-type"] == "image/png" and image.content[:4] == b"\x89PNG"
    assert client.get(images[0].replace("page=1", "page=99")).status_code == 404
    assert client.get("/preview/" + quote(SAMPLE)).status_code == 404  # only PDFs


def test_serve_prints_its_address_and_answers_there(ws):
    import subprocess
    import sys
    import urllib.request

    server = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "serve", str(ws), "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        line = server.stdout.readline()
        found = re.fullmatch(r"huanjie 网页已启动：(http://127\.0\.0\.1:\d+/)\n", line)
        assert found, line
        with urllib.request.urlopen(found.group(1), timeout=30) as answer:
            html = answer.read().decode("utf-8")
        assert SAMPLE in html and "阳光社区居民委员会" in html
    finally:
        server.terminate()
        server.wait(timeout=30)


class Browser(HTMLParser):
    """What a browser posts for the record form: every input's value, each select's chosen option, textareas."""

    def __init__(self, html: str):
        super().__init__()
        self.values: dict[str, str] = {}
        self._form = False
        self._select: str | None = None
        self._first: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = a.get("id") == "record-form"
        if not self._form:
            return
        if tag == "input" and a.get("name") and a.get("type") != "checkbox":
            self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select, self._first = a.get("name"), None
        elif tag == "option" and self._select:
            value = a.get("value")
            if self._first is None:
                self._first = value if value is not None else ""
                self.values[self._select] = self._first
            if "selected" in a:
                self.values[self._select] = value if value is not None else "\0text"
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.values[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data
        if self._select and self.values.get(self._select) == "\0text":
            self.values[self._select] = data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = False


SAMPLES = sorted(
    os.path.relpath(os.path.join(top, n), ROOT / "samples").replace(os.sep, "/")
    for top, _, names in os.walk(ROOT / "samples")
    for n in names
    if n.endswith((".yaml", ".yml"))
)


def test_saving_the_form_as_a_browser_posts_it_changes_nothing_in_any_sample(tmp_path):
    folder = tmp_path / "samples"
    shutil.copytree(ROOT / "samples", folder)
    client = TestClient(create_app(folder), **LOCAL)
    for rel in SAMPLES:
        before = (folder / rel).read_bytes()
        response = client.get(f"/record/{quote(rel)}")
        assert response.status_code == 200, rel
        values = Browser(response.text).values
        saved = client.post(f"/record/{quote(rel)}", data=values)
        assert saved.status_code == 200, (rel, saved.text[:300])
        assert Page(saved.text).text["status"] == "没有改动，未保存。已重新校验。", rel
        assert (folder / rel).read_bytes() == before, rel


def test_a_new_record_of_every_kind_opens_and_saves_unchanged(client, ws):
    from pipeline import starter

    for kind in starter.KINDS:
        created = client.post("/new", data={"csrf": _csrf(client), "kind": kind, "name": f"新-{kind}"})
        assert created.status_code == 200 and created.url.path == f"/record/新-{kind}.yaml", kind
        assert (ws / f"新-{kind}.yaml").read_text(encoding="utf-8") == starter.starter_text(kind)
        saved = client.post(created.url.path, data=Browser(created.text).values)
        assert Page(saved.text).text["status"] == "没有改动，未保存。已重新校验。", kind
    again = client.post(
        "/new", data={"csrf": _csrf(client), "kind": "village_committee", "name": "新-village_committee"}
    )
    assert again.status_code == 409 and "已存在，未覆盖" in again.text
    for bad in ("../外面", "a/b", ".隐藏"):
        refused = client.post("/new", data={"csrf": _csrf(client), "kind": "village_committee", "name": bad})
        assert refused.status_code == 400, bad
    assert not (ws.parent / "外面.yaml").exists()


def test_an_unexpected_failure_is_a_chinese_page_not_a_traceback(ws, monkeypatch):
    from pipeline.web import form as forms

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(forms, "build", broken)
    client = TestClient(create_app(ws), raise_server_exceptions=False, **LOCAL)
    response = client.get(f"/record/{quote(SAMPLE)}")
    assert response.status_code == 500
    assert "页面处理出错（RuntimeError），操作未完成，记录文件未被改动。" in response.text
    assert "Traceback" not in response.text and "boom" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_finding_on_one_voter_sits_at_the_roll_summary_with_its_line(client, ws, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "性别", "出生日期", "小组"])
    sheet.append(["甲", "男", "1980-01-01", "第1组"])
    sheet.append(["乙", "女", "2015-01-01", "第1组"])  # a child on the roll
    book.save(tmp_path / "名单.xlsx")
    _, form = form_of(client, f"/record/{quote(SAMPLE)}")
    response = client.post(
        f"/record/{quote(SAMPLE)}/import",
        data={**form, "what": "voters"},
        files={"sheet": ("名单.xlsx", (tmp_path / "名单.xlsx").read_bytes(), "application/octet-stream")},
    )
    page = Page(response.text)
    at_roll = [f for f in page.findings if f["for"] == "electorate.groups"]
    assert at_roll, page.findings
    line = next(n for n, text in enumerate((ws / SAMPLE).read_text(encoding="utf-8").splitlines(), 1) if "乙" in text)
    assert any("electorate.groups[0].voters[1]" in f["text"] and f"第 {line} 行" in f["text"] for f in at_roll), at_roll


def test_a_record_workbook_uploads_as_the_same_record_in_yaml(client, ws, tmp_path):
    from pipeline import records
    from pipeline.schema import field_title
    from pipeline.sheets import record as workbook

    original, _ = records.load(str(ws / SAMPLE))
    assert original is not None
    book = workbook.to_workbook(original.data, field_title)
    csrf = _csrf(client)
    response = client.post(
        "/upload", data={"csrf": csrf}, files={"record": ("阳光社区.xlsx", book, "application/octet-stream")}
    )
    assert response.status_code == 200 and response.url.path == "/record/阳光社区.yaml"
    stored, findings = records.load(str(ws / "阳光社区.yaml"))
    assert stored is not None and stored.data == original.data
    assert "阳光社区居民委员会" in response.text
    again = client.post(
        "/upload", data={"csrf": csrf}, files={"record": ("阳光社区.xlsx", book, "application/octet-stream")}
    )
    assert again.status_code == 409 and "已有 阳光社区.yaml，未覆盖" in again.text
    # A roll sheet is not a record: it is imported on the record page instead.
    roll = openpyxl.Workbook()
    sheet = roll.active
    assert sheet is not None
    sheet.append(["姓名", "小组"])
    sheet.append(["张三", "第一组"])
    roll.save(tmp_path / "名单.xlsx")
    refused = client.post(
        "/upload",
        data={"csrf": csrf},
        files={"record": ("名单.xlsx", (tmp_path / "名单.xlsx").read_bytes(), "application/octet-stream")},
    )
    assert refused.status_code == 415 and "不是 huanjie 的记录工作簿" in refused.text
    assert not (ws / "名单.yaml").exists()


# -- reading a saved record again: the parts already read come from the cache, with the same result --------------
def _read(text: str, cache=None):
    from pipeline import records

    record, findings = records.parse(text, "记录.yaml", cache)
    shown = [(f.id, f.message, f.line, f.column, f.path) for f in findings]
    if record is None:
        return None, shown
    return (record.data, dict(record.positions), dict(record.key_positions), record.damaged), shown


@pytest.mark.parametrize("sample", sorted(p.name for p in (ROOT / "samples").glob("*.yaml")))
def test_a_record_read_from_the_cache_equals_a_whole_read(sample):
    from pipeline import records

    text = (ROOT / "samples" / sample).read_text(encoding="utf-8")
    cache = records.ParseCache(split_above=0)  # every part that can be is cut again at its own fields
    assert cache.parse(text, "记录.yaml") is not None, "the samples are read part by part"
    assert _read(text, cache) == _read(text)
    # Lines added at the top move every part below; a changed value makes its part read again, the others not.
    first = text.index("\nunit:")
    moved = text[:first] + "\n# 新加的注释\n# 第二行\n" + text[first:]
    assert _read(moved, cache) == _read(moved)
    changed = moved.replace("\nterm:", "\nterm: 99\nold_term:", 1) if "\nterm:" in moved else moved + "extra: 1\n"
    assert _read(changed, cache) == _read(changed)


def test_a_big_part_is_cut_again_at_its_own_fields(monkeypatch):
    """`electorate:` holding a long roll: a new registered count re-reads that one line, not the roll."""
    from pipeline import records

    text = (ROOT / "samples" / SAMPLE).read_text(encoding="utf-8")
    roll = "".join(f"        - {{name: 居民{n:04d}, sex: 女, birth: 1980-01-01}}\n" for n in range(800))
    text = text.replace("\ncandidates:", f"\n  groups:\n    - name: 第一小组\n      voters:\n{roll}\ncandidates:", 1)
    cache = records.ParseCache()
    first, _ = records.parse(text, "记录.yaml", cache)
    assert first is not None and len(first.data["electorate"]["groups"][0]["voters"]) == 800
    read: list[str] = []
    events = records._events
    monkeypatch.setattr(records, "_events", lambda part: read.append(part) or events(part))
    registered = first.data["electorate"]["registered"]
    changed = text.replace(f"  registered: {registered}\n", f"  registered: {registered + 1}  # 补登一人\n", 1)
    from_cache = _read(changed, cache)
    assert len(read) == 1 and read[0].strip() == f"registered: {registered + 1}  # 补登一人", read[0][:200]
    assert from_cache == _read(changed)
    # A comment further left than the fields inside the part: it is read whole, as it reads in the whole text.
    left = changed.replace("  groups:\n", "# 选民名单\n  groups:\n", 1)
    assert _read(left, records.ParseCache()) == _read(left)


def test_the_cache_is_not_used_where_parts_would_read_otherwise_than_the_whole():
    from pipeline import records

    cache = records.ParseCache()
    cases = {
        "an alias to another part": "kind: x\nunit: &u {name: 甲}\nagain: *u\n",
        "a document end": "kind: x\nunit: 1\n...\nmore: 2\n",
        "a second document": "kind: x\nunit: 1\n---\nmore: 2\n",
        "a top-level key twice": "kind: x\nunit: 1\nkind: y\n",
        "an indented first key": "  kind: x\nunit: 1\nterm: 2\n",
        "a flow mapping at the root": "{kind: x,\nunit: 1,\nterm: 2}\n",
        "a quotation across a part": "kind: 'x\nunit: 1'\nterm: 2\n",
        "a line break YAML knows and Python does not": "kind: x\u2028\nunit: 1\nterm: 2\n",
        "a lone carriage return": "kind: x\runit: 1\nterm: 2\n",
        "a tab": "kind: x\nunit:\n\tname: 1\nterm: 2\n",
    }
    for case, text in cases.items():
        assert cache.parse(text, "记录.yaml") is None, case
        assert _read(text, cache) == _read(text), case


def test_a_save_reads_back_only_the_part_it_changed(client, ws, monkeypatch):
    """The unit's name changed: the roll and the candidates are not parsed again (a 5,000-voter roll is 600 KB)."""
    from pipeline import records

    _, form = form_of(client, f"/record/{quote(SAMPLE)}")
    read: list[str] = []
    events = records._events
    monkeypatch.setattr(records, "_events", lambda text: read.append(text) or events(text))
    answer = client.post(f"/record/{quote(SAMPLE)}", data={**form, "unit.name": "阳光第二社区居民委员会"})
    assert answer.status_code == 200, answer.text[:500]
    assert Page(answer.text).text["status"] == "已保存，校验无问题。"
    assert len(read) == 1 and read[0].startswith("unit:") and "electorate:" not in read[0], read
    assert Page(answer.text).value("unit.name") == "阳光第二社区居民委员会"
    whole, _ = records.parse((ws / SAMPLE).read_text(encoding="utf-8"), SAMPLE)
    assert whole is not None and client.app.state.pages.ws.load(SAMPLE).result.record.positions == whole.positions


def test_generating_the_roster_says_it_wrote_its_table_too_and_links_it(client, ws):
    page = Page(client.get(f"/record/{quote(SAMPLE)}/documents").text)
    response = client.post(f"/record/{quote(SAMPLE)}/generate", data={"csrf": page.value("csrf"), "kind": "roster"})
    done = Page(response.text)
    assert done.text["status"] == "已生成 1 份文书，另有花名册表格 1 个文件。"  # the words `huanjie render` says
    table = client.get(done.attrs(**{"class": "table"})["href"])
    assert table.status_code == 200 and table.content[:2] == b"PK"
    from io import BytesIO

    sheet = openpyxl.load_workbook(BytesIO(table.content)).active
    assert "王建国" in {str(c.value) for row in sheet.iter_rows() for c in row}


def test_a_document_waiting_for_data_names_the_fields_as_the_form_does(client, ws):
    text = (ws / SAMPLE).read_text(encoding="utf-8")
    text = text.replace("  adopted_by: 阳光社区居民代表会议\n", "")
    (ws / "筹备.yaml").write_text(text[: text.index("\nrounds:")] + "\n", encoding="utf-8")
    page = Page(client.get(f"/record/{quote('筹备.yaml')}/documents").text)
    waiting = {a["data-key"]: page.text.get(f"waiting-{a['data-key']}", "") for t, a in page.tags if "data-key" in a}
    assert waiting["results"] == "等待数据：投票结果 › 得票（尚无计票结果）"
    assert waiting["procedure"] == "等待数据：选举办法 › 通过选举办法的会议（记录中没有通过选举办法的会议）"
    assert not any("rounds" in text or "[]" in text for text in waiting.values()), waiting


# ---------------------------------------------------------------- rounds and contests


def test_a_runoff_round_is_added_from_the_form_for_the_seat_left_open(client, ws):
    """柳林村: the first round fills two of the three 委员 seats; the button adds the 另行选举 of the third, listing only
    the two candidates the first round sent to it; typing its figures gives back the sample's own lines."""
    sample = (ROOT / "samples" / "village-liulin-runoff.yaml").read_text(encoding="utf-8")
    start, end = sample.index("  - type: runoff"), sample.index("\ndocuments:")
    (ws / "柳林.yaml").write_text(sample[:start] + sample[end:], encoding="utf-8")
    url = f"/record/{quote('柳林.yaml')}"
    page, form = form_of(client, url)
    assert page.attrs(id="add-next-round")["value"] == "add-round"
    added = client.post(url, data={**form, "_action": "add-round"})
    assert added.status_code == 200 and Page(added.text).text["status"].startswith("已保存")
    text = (ws / "柳林.yaml").read_text(encoding="utf-8")
    assert "  - type: runoff\n    date: 2026-04-18\n    posts: [委员]\n    seats: {委员: 1}\n" in text
    page = Page(added.text)
    tallied = [a["name"] for _, a in page.tags if a.get("name", "").startswith("rounds.1.votes.")]
    assert tallied == ["rounds.1.votes.委员.吴海涛", "rounds.1.votes.委员.郑小燕"]
    assert page.attrs(id="f-rounds-1-type").get("name") == "rounds.1.type"
    figures = {
        "rounds.1.participants": "2116",
        "rounds.1.ballots.issued": "2120",
        "rounds.1.ballots.returned": "2116",
        "rounds.1.ballots.invalid": "9",
        "rounds.1.votes.委员.吴海涛": "1172",
        "rounds.1.votes.委员.郑小燕": "905",
    }
    saved = client.post(url, data={"csrf": page.value("csrf"), "hash": page.value("hash"), **figures})
    assert Page(saved.text).text["status"] == "已保存，校验无问题。"
    assert (ws / "柳林.yaml").read_text(encoding="utf-8") == sample


def test_enter_in_a_field_saves_rather_than_adding_a_round(client):
    """A browser submits a form on Enter with its first submit button: the save one, before the add-round ones."""
    page = Page(client.get(f"/record/{quote(SAMPLE)}").text)
    inside = False
    for tag, attributes in page.tags:
        inside = inside or attributes.get("id") == "record-form"
        if inside and tag == "button" and attributes.get("type", "submit") == "submit":
            assert "default-submit" in attributes.get("class", "") and "name" not in attributes
            break
    assert page.attrs(id="add-next-round")


CONTESTS = "community-baiyu-representatives.yaml"


@pytest.fixture()
def contests(client, ws):
    shutil.copy(ROOT / "samples" / CONTESTS, ws / CONTESTS)
    return f"/record/{quote(CONTESTS)}"


def test_each_contest_has_its_own_tables_and_tallies(client, ws, contests):
    page, form = form_of(client, contests)
    tables = [a["id"] for tag, a in page.tags if tag == "table" and a.get("id", "").startswith("table-")]
    assert tables == [f"table-contests-{i}-{part}" for part in ("seats", "candidates") for i in range(3)]
    assert page.value("contests.1.candidates.0.name") == "韩秀兰"
    assert page.value("contests.2.rounds.0.votes.居民代表.彭永红") == "22"
    assert page.value("contests.1.name") == "第二居民小组"
    assert not any(tag == "textarea" and a.get("name", "").startswith("contests") for tag, a in page.tags)
    before = (ws / CONTESTS).read_text(encoding="utf-8")
    response = client.post(contests, data={**form, "contests.1.rounds.0.votes.居民代表.曹德胜": "40"})
    after = (ws / CONTESTS).read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [
        (
            "          居民代表: {韩秀兰: 21, 林秀珍: 17, 曹德胜: 9}",
            "          居民代表: {韩秀兰: 21, 林秀珍: 17, 曹德胜: 40}",
        )
    ]
    placed = [f for f in Page(response.text).findings if f["inside"] == "contests.1.rounds.0.votes.居民代表"]
    assert placed, Page(response.text).findings
    assert all(f["inside"].startswith("contests.1.") for f in Page(response.text).findings if f["inside"])


def test_a_contest_without_rounds_gets_its_first_round_from_the_form(client, ws, contests):
    text = (ws / CONTESTS).read_text(encoding="utf-8")
    third = text.index("  - name: 第三居民小组")
    rounds = text.index("    rounds:", third)
    (ws / CONTESTS).write_text(text[:rounds] + text[text.index("\ndocuments:") :], encoding="utf-8")
    page, form = form_of(client, contests)
    assert page.attrs(id="add-round-contests-2")["value"] == "add-round:contests.2.rounds"
    assert page.attrs(id="add-next-round-contests-0")
    response = client.post(contests, data={**form, "contests.2.rounds.0.ballots.issued": "24"})
    assert response.status_code == 200 and Page(response.text).text["status"].startswith("已保存")
    after = (ws / CONTESTS).read_text(encoding="utf-8")
    assert "    rounds:\n      - type: first\n        date: 2026-03-22\n        ballots: {issued: 24}\n" in after
    assert after.count("type: first") == 3


def test_a_sheet_is_imported_into_the_contest_chosen(client, ws, contests, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "性别", "出生年月", "学历", "政治面貌", "职位", "提名方式"])
    book.active.append(["严国华", "男", "1975-06", "大专", "群众", "居民代表", "居民提名"])
    book.active.append(["包丽萍", "女", "1979-11", "高中", "群众", "居民代表", "居民提名"])
    book.save(tmp_path / "候选人.xlsx")
    page, form = form_of(client, contests)
    choices = [a.get("value") for tag, a in page.tags if tag == "option"][-3:]
    assert page.attrs(id="import-contest") and choices == ["1", "2", "3"]
    response = client.post(
        f"{contests}/import",
        data={**form, "what": "candidates", "contest": "2"},
        files={"sheet": ("候选人.xlsx", (tmp_path / "候选人.xlsx").read_bytes(), "application/octet-stream")},
    )
    assert response.status_code == 200, response.text[:300]
    status = Page(response.text).text["status"]
    assert status.startswith("已导入候选人名单到场次 2：第二居民小组（候选人.xlsx）。"), status
    from pipeline import records

    record, _ = records.load(str(ws / CONTESTS))
    assert record is not None
    names = [[c["name"] for c in contest["candidates"]] for contest in record.data["contests"]]
    assert names[1] == ["严国华", "包丽萍"] and names[0][0] == "唐志华" and names[2][0] == "彭永红"
    bad = client.post(
        f"{contests}/import",
        data={**form, "what": "candidates", "contest": "9"},
        files={"sheet": ("候选人.xlsx", (tmp_path / "候选人.xlsx").read_bytes(), "application/octet-stream")},
    )
    assert bad.status_code == 400 and Page(bad.text).text["status"] == "未导入：没有第 9 个场次。"


def test_a_tie_at_the_last_seat_adds_a_revote_of_that_post(client, ws):
    """副主任 tied at 700 votes each for one seat: the next round is a revote (重新投票) of 副主任 alone."""
    text = (
        (ws / SAMPLE)
        .read_text(encoding="utf-8")
        .replace("副主任: {张伟: 980, 黄丽: 390}", "副主任: {张伟: 700, 黄丽: 700}")
    )
    (ws / SAMPLE).write_text(text, encoding="utf-8")
    page, form = form_of(client, f"/record/{quote(SAMPLE)}")
    added = client.post(f"/record/{quote(SAMPLE)}", data={**form, "_action": "add-round"})
    assert added.status_code == 200, added.text[:300]
    after = (ws / SAMPLE).read_text(encoding="utf-8")
    assert after.endswith(text[text.index("\ndocuments:") :])
    assert "      委员: {刘芳: 1205, 陈晓东: 1010, 杨桂英: 876, 何军: 512, 郭磊: 330}\n  - type: revote\n" in after
    assert "  - type: revote\n    date: 2026-03-18\n    posts: [副主任]\n" in after
    tallied = [a["name"] for _, a in Page(added.text).tags if a.get("name", "").startswith("rounds.1.votes.")]
    assert tallied == ["rounds.1.votes.副主任.张伟", "rounds.1.votes.副主任.黄丽"]


def test_the_server_reads_the_workspace_as_it_starts_so_the_first_opening_is_from_the_cache(ws, monkeypatch):
    from pipeline import records

    shutil.copy(ROOT / "samples" / CONTESTS, ws / CONTESTS)
    app = create_app(ws, warm=True)
    app.state.warming.join(60)
    assert not app.state.warming.is_alive()
    read: list[str] = []
    events = records._events
    monkeypatch.setattr(records, "_events", lambda text: read.append(text) or events(text))
    client = TestClient(app, **LOCAL)
    assert Page(client.get(f"/record/{quote(SAMPLE)}").text).value("unit.name") == "阳光社区居民委员会"
    assert client.get("/").status_code == 200
    assert read == []  # nothing read again
    assert create_app(ws).state.warming is None  # the tests' apps, and any other caller's, only when asked

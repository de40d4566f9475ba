"""Never lose her work, in Chromium (issue 16, item 3): a broken record opens in the raw editor, a second tab's
save is refused, and the 批量 page shows its progress and then the report."""

from __future__ import annotations

import shutil

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from pipeline import records
from pipeline.web.workspace import CONFLICT_MESSAGE

from .conftest import ROOT, Server, screenshot
from .pages import Pages, choose

SAMPLE = ROOT / "samples" / "residents-yangguang.yaml"


def test_a_record_with_a_yaml_syntax_error_opens_in_the_raw_editor(browser, server: Server):
    text = SAMPLE.read_text(encoding="utf-8").replace("  short_name: 阳光社区\n", "  short_name: [阳光社区\n", 1)
    broken = server.workspace / "阳光社区.yaml"
    broken.write_text(text, encoding="utf-8")
    _, findings = records.load(str(broken))
    syntax = next(f for f in findings if f.id == "YAML-SYNTAX")
    page = Pages(browser, server.url)
    page.open(f"record/{broken.name}")
    editor = page.element("textarea#raw-text")
    assert editor.get_attribute("value") == text
    # The core's message, with the line and column it names.
    error = page.element("#raw-error").text.strip()
    assert error == f"记录无法读取：第 {syntax.line} 行第 {syntax.column} 列：{syntax.message}"
    # Mended in the editor and saved, the record opens as a form again.
    browser.execute_script("arguments[0].value = arguments[1];", editor, SAMPLE.read_text(encoding="utf-8"))
    page.click_and_wait("#save")
    assert broken.read_text(encoding="utf-8") == SAMPLE.read_text(encoding="utf-8")
    page.open(f"record/{broken.name}")
    assert page.value("unit.short_name") == "阳光社区"


def test_a_second_tab_saving_an_older_copy_is_refused(browser, server: Server):
    path = server.workspace / "阳光社区.yaml"
    shutil.copy(SAMPLE, path)
    page = Pages(browser, server.url)
    page.open(f"record/{path.name}")
    first = browser.current_window_handle
    browser.switch_to.new_window("tab")
    page.open(f"record/{path.name}")
    second = browser.current_window_handle

    browser.switch_to.window(first)
    page.fill("committee.chair", "罗晓梅")
    page.save()
    assert "chair: 罗晓梅" in path.read_text(encoding="utf-8")

    browser.switch_to.window(second)
    page.fill("committee.chair", "唐建军")
    page.save()
    assert (
        page.status()
        == CONFLICT_MESSAGE
        == "未保存：此记录已在其他窗口或程序中被修改过。请重新打开此页，核对后再填写您的修改。"
    )
    # What this tab had typed is listed, so nothing she entered is lost.
    notes = [p.text for p in page.elements("p.note")]
    assert any(
        n.startswith("您未保存的修改：") and "（committee.chair）＝“唐建军”，文件中现为“罗晓梅”。" in n for n in notes
    ), notes
    text = path.read_text(encoding="utf-8")
    assert "chair: 罗晓梅" in text and "唐建军" not in text.split("members")[0]


def test_the_batch_page_shows_progress_then_the_report(browser, server: Server):
    county = server.workspace / "青石县"
    shutil.copytree(ROOT / "samples" / "county" / "青石县", county)
    units = sorted(county.rglob("*.yaml"))
    page = Pages(browser, server.url)
    page.open("batch")
    choose(page.element("#batch-folder"), "青石县")
    page.click_and_wait("#batch-go")
    progress = page.element("#batch-progress")
    assert progress.is_displayed()
    assert "/batch/" in browser.current_url
    report = page.element("#batch-report", timeout=900)
    rows = report.find_elements(By.CSS_SELECTOR, "tbody tr[data-status]")
    assert len(rows) == len(units)
    failed = [r for r in rows if r.get_attribute("data-status") == "failed"]
    assert 0 < len(failed) < len(units)  # samples/county: 4 units hold errors on purpose, 3 make no documents
    screenshot(browser, "web-batch")
    # The filter: only the units that failed.
    choose(page.element("#batch-status"), "failed")
    shown = [r for r in rows if r.is_displayed()]
    assert shown == failed


CONTESTS = ROOT / "samples" / "community-baiyu-representatives.yaml"
RUNOFF = ROOT / "samples" / "village-liulin-runoff.yaml"


def test_each_contest_s_tally_runs_against_its_own_valid_ballots_and_enter_saves(browser, server: Server):
    """分场次: the running total under a contest's tally counts that contest's valid ballots (JS), and Enter in a
    field saves the form (the hidden first button), it does not add a round."""
    path = server.workspace / "白玉社区.yaml"
    shutil.copy(CONTESTS, path)
    page = Pages(browser, server.url)
    page.open(f"record/{path.name}")
    tally = page.element("#tally-contests-1-rounds-0-votes-居民代表")
    # 第二居民小组: 28 returned, 1 invalid, 2 seats: at most 54 marks.
    assert tally.find_element(By.CSS_SELECTOR, ".sum").text == "47"
    assert tally.find_element(By.CSS_SELECTOR, ".valid").text == "；有效票 27 张"
    page.fill("contests.1.rounds.0.votes.居民代表.曹德胜", 30)
    assert tally.find_element(By.CSS_SELECTOR, ".valid").text == "；有效票 27 张，超过上限 54 票，请核对"
    assert "over" in (tally.get_attribute("class") or "")
    other = page.element("#tally-contests-0-rounds-0-votes-居民代表")
    assert other.find_element(By.CSS_SELECTOR, ".valid").text == "；有效票 34 张"
    screenshot(browser, "web-contests", at=page.element("fieldset[data-name='contests.1.rounds']"))
    old = browser.find_element(By.TAG_NAME, "html")
    page.field("contests.1.rounds.0.votes.居民代表.曹德胜").send_keys("\n")
    page.wait(ec.staleness_of(old), message="回车后页面没有更新")
    assert page.status().startswith("已保存")
    saved = path.read_text(encoding="utf-8")
    assert "{韩秀兰: 21, 林秀珍: 17, 曹德胜: 30}" in saved and saved.count("- type:") == 3  # no round added


def test_a_runoff_round_is_added_with_one_click(browser, server: Server):
    text = RUNOFF.read_text(encoding="utf-8")
    path = server.workspace / "柳林村.yaml"
    path.write_text(text[: text.index("  - type: runoff")] + text[text.index("\ndocuments:") :], encoding="utf-8")
    page = Pages(browser, server.url)
    page.open(f"record/{path.name}")
    page.click_and_wait("#add-next-round")
    assert page.status() == "已保存，校验无问题。"
    assert page.value("rounds.1.type") == "runoff" and page.value("rounds.1.posts") == "委员"
    names = [e.get_attribute("name") for e in page.elements("#tally-rounds-1-votes-委员 input")]
    assert names == ["rounds.1.votes.委员.吴海涛", "rounds.1.votes.委员.郑小燕"]
    screenshot(browser, "web-runoff", at=page.element("fieldset[data-name='rounds.1']"))

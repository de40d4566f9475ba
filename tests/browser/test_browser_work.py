"""Never lose her work, in Chromium (issue 16, item 3): a broken record opens in the raw editor, a second tab's
save is refused, and the 批量 page shows its progress and then the report."""

from __future__ import annotations

import shutil

from conftest import ROOT, Server, screenshot
from pages import Pages
from selenium.webdriver.common.by import By

from pipeline import records

SAMPLE = ROOT / "samples" / "residents-yangguang.yaml"


def test_a_record_with_a_yaml_syntax_error_opens_in_the_raw_editor(browser, server: Server):
    text = SAMPLE.read_text(encoding="utf-8").replace("  short_name: 阳光社区\n", "  short_name: [阳光社区\n", 1)
    broken = server.workspace / "阳光社区.yaml"
    broken.write_text(text, encoding="utf-8")
    _, findings = records.load(str(broken))
    syntax = [f for f in findings if f.id == "YAML-SYNTAX"]
    assert syntax, [f.id for f in findings]
    page = Pages(browser, server.url)
    page.open(f"record/{broken.name}")
    editor = page.element("textarea")
    assert "/raw" in browser.current_url or editor.get_attribute("name")
    assert editor.get_attribute("value") == text
    body = browser.find_element(By.TAG_NAME, "body").text
    assert syntax[0].message in body
    assert f"第 {syntax[0].line} 行" in body
    # Mended in the editor and saved, the record opens as a form again.
    editor.clear()
    editor.send_keys(SAMPLE.read_text(encoding="utf-8"))
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
    status = page.status()
    assert "其他" in status or "已被" in status or "修改" in status, status
    text = path.read_text(encoding="utf-8")
    assert "chair: 罗晓梅" in text and "唐建军" not in text.split("members")[0]


def test_the_batch_page_shows_progress_then_the_report(browser, server: Server):
    county = server.workspace / "青石县"
    shutil.copytree(ROOT / "samples" / "county", county)
    units = sorted(p for p in county.rglob("*.yaml"))
    page = Pages(browser, server.url)
    page.open("batch")
    folder = page.element("#batch-folder")
    if folder.tag_name == "select":
        from pages import choose

        choose(folder, "青石县")
    else:
        folder.clear()
        folder.send_keys("青石县")
    page.element("#batch-go").click()
    progress = page.element("#batch-progress")
    assert progress.is_displayed()
    screenshot(browser, "web-batch-progress", full=False)
    report = page.element("#batch-report", timeout=900)
    rows = report.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == len(units)
    text = report.text
    for unit in ("阳光社区", "石桥村"):
        assert any(unit in r.text for r in rows) or unit not in " ".join(p.stem for p in units), unit
    assert "错误" in text
    screenshot(browser, "web-batch")
    assert units

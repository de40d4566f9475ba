"""A thin layer over Selenium for the huanjie pages: the element ids of the web contract (docs/design.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

WAIT = 60  # seconds: generous, the machine is shared; nothing here is a timing assertion


def field_id(name: str) -> str:
    """The id of the input whose name is the dotted record path: `f-` + the name with `.` → `-`."""
    return "f-" + name.replace(".", "-")


@dataclass(frozen=True)
class Shown:
    """One finding as the page shows it."""

    field: str
    id: str
    message: str


class Pages:
    def __init__(self, driver: WebDriver, base: str):
        self.driver = driver
        self.base = base

    # -- navigation -------------------------------------------------------------------------------------------
    def open(self, path: str = "") -> None:
        self.driver.get(self.base + path.lstrip("/"))

    def wait(self, condition, timeout: float = WAIT, message: str = ""):
        return WebDriverWait(self.driver, timeout).until(condition, message)

    def element(self, css: str, timeout: float = WAIT) -> WebElement:
        return self.wait(ec.presence_of_element_located((By.CSS_SELECTOR, css)), timeout, f"页面上没有 {css}")

    def elements(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def click_and_wait(self, css: str, timeout: float = WAIT) -> None:
        """Click a submit button and wait until the next page replaced this one."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.element(css).click()
        self.wait(ec.staleness_of(old), timeout, f"点击 {css} 后页面没有更新")
        self.element("body")

    # -- the record form --------------------------------------------------------------------------------------
    def field(self, name: str) -> WebElement:
        try:
            return self.driver.find_element(By.ID, field_id(name))
        except NoSuchElementException:
            raise AssertionError(
                f"记录表单中没有字段 {name}（id {field_id(name)}）；页面地址 {self.driver.current_url}"
            ) from None

    def has_field(self, name: str) -> bool:
        return bool(self.driver.find_elements(By.ID, field_id(name)))

    def fill(self, name: str, value: str | int) -> None:
        element = self.field(name)
        if element.tag_name == "select":
            choose(element, str(value))
            return
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.clear()
        element.send_keys(str(value))

    def value(self, name: str) -> str:
        return self.field(name).get_attribute("value") or ""

    def save(self) -> None:
        self.click_and_wait("#save")

    def status(self) -> str:
        return self.element("#status").text.strip()

    def findings(self) -> list[Shown]:
        """The findings shown next to their fields (p.finding), in page order."""
        out = []
        for p in self.elements("p.finding"):
            try:
                out.append(Shown(p.get_attribute("data-for") or "", p.get_attribute("data-id") or "", p.text.strip()))
            except StaleElementReferenceException:
                continue
        return out

    def listed(self) -> list[str]:
        """The ids in the list of findings at the top (ul#findings li)."""
        return [li.get_attribute("data-id") or "" for li in self.elements("#findings li")]

    def next_to(self, finding: WebElement) -> WebElement:
        """The input the finding is written next to (data-for → its id)."""
        return self.field(finding.get_attribute("data-for") or "")

    # -- forms on the pages -----------------------------------------------------------------------------------
    def new_record(self, kind: str, name: str) -> None:
        self.element("#new-form")
        choose(self.element("#new-kind"), kind)
        box = self.element("#new-name")
        box.clear()
        box.send_keys(name)
        self.click_and_wait("#new-create")

    def import_sheet(self, sheet: Path, what: str) -> None:
        self.element("#import-form")
        self.element("#import-file").send_keys(str(sheet))
        choose(self.element("#import-what"), what)
        self.click_and_wait("#import-go", timeout=180)


def choose(select: WebElement, wanted: str) -> None:
    """Pick the option whose value is `wanted`, or else whose text contains it."""
    menu = Select(select)
    for option in menu.options:
        if option.get_attribute("value") == wanted:
            menu.select_by_value(wanted)
            return
    for option in menu.options:
        if wanted in option.text:
            menu.select_by_visible_text(option.text)
            return
    shown = "、".join(f"{o.get_attribute('value')}={o.text}" for o in menu.options)
    raise AssertionError(f"选择框 {select.get_attribute('id')} 没有选项 {wanted}：{shown}")

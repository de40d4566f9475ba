"""Browser tests: `huanjie serve` in a subprocess, a headless Chromium driven by Selenium, screenshots.

Every test here is marked `browser`. Chromium and chromedriver come from Debian (`make sysdeps`, which
`make test` runs); when either is missing the tests fail and say how to install them, they never skip.
With HUANJIE_SCREENSHOTS=1 the tests write the screenshots of the README into docs/img/.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "img"
ADDRESS = re.compile(r"huanjie 网页已启动：(http://127\.0\.0\.1:\d+/)")
INSTALL = "apt-get install chromium chromium-driver（或 make sysdeps）"
STARTUP_SECONDS = 60


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
        if found:
            return found
    pytest.fail(f"浏览器测试需要 {' 或 '.join(names)}，但本机没有安装。请运行：{INSTALL}", pytrace=False)


@dataclass
class Server:
    """A running `huanjie serve` on a free port, its workspace and what it printed."""

    url: str
    workspace: Path
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)

    def record_url(self, rel: str, page: str = "") -> str:
        return self.url + "record/" + quote(rel) + (f"/{page}" if page else "")


def start_server(workspace: Path) -> Server:
    """`huanjie serve WORKSPACE --port 0` as a subprocess; returns once it printed its address."""
    command = [sys.executable, "-m", "pipeline.cli", "serve", str(workspace), "--port", "0"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, cwd=workspace, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8"
    )
    lines: queue.Queue[str | None] = queue.Queue()
    output: list[str] = []

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0.1))
        except queue.Empty:
            break
        if line is None:
            break
        match = ADDRESS.search(line)
        if match and _answers(match.group(1), deadline):
            return Server(match.group(1), workspace, process, output)
    process.kill()
    process.wait(10)
    pytest.fail(f"huanjie serve 没有打印地址行（{' '.join(command)}）。输出：\n{''.join(output)}", pytrace=False)


def _answers(url: str, deadline: float) -> bool:
    """Whether the server accepts connections before the deadline (the line may come just before it listens)."""
    host, port = url.split("//", 1)[1].rstrip("/").rsplit(":", 1)
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, int(port)), timeout=2):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def stop_server(server: Server) -> None:
    if server.process.poll() is not None:
        print(f"huanjie serve 已提前退出（退出码 {server.process.returncode}）")
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(10)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "工作区"
    folder.mkdir()
    return folder


@pytest.fixture
def server(workspace: Path) -> Iterator[Server]:
    running = start_server(workspace)
    yield running
    stop_server(running)
    print("huanjie serve 的输出：\n" + "".join(running.output))  # shown by pytest when the test failed


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "下载"
    folder.mkdir()
    return folder


@pytest.fixture
def browser(downloads: Path):
    """A headless Chromium (zh-CN, 1280×1600) that downloads into `downloads` without asking."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = _tool("chromium", "chromium-browser")
    driver_path = _tool("chromedriver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1600", "--lang=zh-CN"):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {
            "intl.accept_languages": "zh-CN,zh",
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "plugins.always_open_pdf_externally": True,
        },
    )
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver, name: str, full: bool = True, at=None) -> None:
    """docs/img/NAME.png of the page as shown, when HUANJIE_SCREENSHOTS=1 (the README's pictures).

    `full`: the whole page (up to 2,400 px high); `at`: an element scrolled near the top of a 1280×1100 view.
    """
    if os.environ.get("HUANJIE_SCREENSHOTS") != "1":
        return
    IMAGES.mkdir(parents=True, exist_ok=True)
    size = driver.get_window_size()
    if at is not None:
        driver.set_window_size(size["width"], 1100)
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -120);", at)
    elif full:
        height = driver.execute_script("return Math.min(document.body.scrollHeight + 40, 2400)")
        driver.set_window_size(size["width"], max(int(height) + 150, 400))
    try:
        driver.save_screenshot(str(IMAGES / f"{name}.png"))
    finally:
        driver.set_window_size(size["width"], size["height"])

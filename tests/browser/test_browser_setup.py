"""The browser tests never skip: a missing Chromium or chromedriver is a failure that says how to install it."""

from __future__ import annotations

import pytest

from .conftest import ADDRESS, _tool


def test_a_missing_browser_fails_with_the_install_line():
    with pytest.raises(pytest.fail.Exception) as failed:
        _tool("no-such-chromium-for-huanjie")
    assert str(failed.value) == (
        "浏览器测试需要 no-such-chromium-for-huanjie，但本机没有安装。"
        "请运行：apt-get install chromium chromium-driver（或 make sysdeps）"
    )


def test_the_debian_browser_and_driver_are_found():
    assert _tool("chromium", "chromium-browser").endswith(("chromium", "chromium-browser"))
    assert _tool("chromedriver").endswith("chromedriver")


def test_the_address_line_the_fixture_waits_for():
    match = ADDRESS.search("huanjie 网页已启动：http://127.0.0.1:43117/\n")
    assert match is not None and match.group(1) == "http://127.0.0.1:43117/"

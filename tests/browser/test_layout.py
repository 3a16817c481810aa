"""The layout every page shares: both languages, the navigation, keyboard use, the
friendly error pages; axe finds nothing serious or critical."""

from __future__ import annotations

from tests.browser.conftest import axe_violations, shot


def test_home_in_chinese_then_english(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("navigation", name="主导航").is_visible()
    shot(page, "home-zh")
    assert axe_violations(page) == []
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("navigation", name="Main navigation").is_visible()
    # the choice is remembered from page to page
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    shot(page, "home-en")
    assert axe_violations(page) == []


def test_the_keyboard_reaches_the_content_first(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#content"


def test_errors_are_friendly_pages_in_both_languages(page):
    response = page.goto("/organisations/51100000500002862F")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "未找到"
    assert page.get_by_role("link", name="返回首页").is_visible()
    shot(page, "not-found-zh")
    response = page.goto("/organisations/51100000500002862F?lang=en")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Not found"
    assert axe_violations(page) == []

"""The citizens' journey in a real browser, at the desktop and the phone width: search, a
facet, an organisation, the results' download; the notices, the statistics with their
charts drawn, the open data. Each page screenshotted; axe finds nothing serious."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.browser.conftest import axe_violations, shot


def test_search_facet_organisation_and_download(page):
    page.goto("/")
    box = page.get_by_label("名称、拼音、统一社会信用代码、法定代表人或住所")
    box.fill("协会")
    box.press("Enter")
    page.wait_for_url("**/search?*")
    assert page.get_by_role("heading", level=1).inner_text() == "检索社会组织"
    total = page.locator("ol.results > li").count()
    assert total == 20
    assert page.locator("ol.results em").first.inner_text() == "协会"  # the highlight
    shot(page, "portal-search")
    assert axe_violations(page) == []

    # a facet adds its filter to the URL; the conditions list shows it
    facets = page.get_by_role("complementary")
    facets.get_by_role("link", name="已注销", exact=True).click()
    page.wait_for_url("**status=deregistered*")
    args = parse_qs(urlsplit(page.url).query)
    assert args == {"q": ["协会"], "status": ["deregistered"]}
    badges = page.locator("ol.results .badge.bad")
    assert badges.count() >= 1
    assert all(text == "已注销" for text in badges.all_inner_texts())
    shot(page, "portal-search-facet")
    assert axe_violations(page) == []

    # the download: the same search, as CSV with the API's columns
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载这些结果（CSV）").click()
    download = download_info.value
    assert download.suggested_filename == "search-results.csv"
    body = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows and all(row["status"] == "deregistered" for row in rows)
    found = re.search(r"共找到 (\d+) 个", page.locator(".summary").inner_text())
    assert found and len(rows) == int(found.group(1))

    # an organisation's page from the results
    first = page.locator("ol.results h3 a").first
    name = first.inner_text()
    first.click()
    page.wait_for_url("**/organisations/*")
    assert page.get_by_role("heading", level=1).inner_text().startswith(name)
    assert page.get_by_role("heading", name="变更记录").is_visible()
    assert page.locator("ol.timeline li").count() >= 2  # registered, then deregistered
    shot(page, "portal-organisation")
    assert axe_violations(page) == []


def test_the_organisation_page_in_english(page):
    page.goto("/search?q=协会&lang=en")
    page.locator("ol.results h3 a").first.click()
    page.wait_for_url("**/organisations/*")
    assert page.get_by_role("heading", name="Registered particulars").is_visible()
    assert page.get_by_role("heading", name="Change history").is_visible()
    shot(page, "portal-organisation-en")
    assert axe_violations(page) == []


def test_home_suggests_names(page):
    page.goto("/")
    box = page.get_by_label("名称、拼音、统一社会信用代码、法定代表人或住所")
    box.press_sequentially("中国", delay=50)
    options = page.locator("#q-suggestions option")
    options.first.wait_for(state="attached")
    assert all(
        value.startswith("中国") for value in [o.get_attribute("value") for o in options.all()]
    )
    shot(page, "portal-home")
    assert axe_violations(page) == []


def test_notices(page):
    page.goto("/notices")
    assert page.get_by_role("heading", level=1).inner_text() == "公告"
    feed = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    assert feed.get_attribute("href") == "/api/v1/notices/feed.atom"
    notices = page.locator("ol.results > li")
    assert notices.count() >= 1
    page.get_by_role("link", name="公告期内").first.click()
    page.wait_for_url("**current=true*")
    shot(page, "portal-notices")
    assert axe_violations(page) == []
    printable = page.get_by_role("link", name="打印版").first
    href = printable.get_attribute("href")
    assert href.startswith("/documents/notices/")
    response = page.request.get(href)
    assert response.status == 200


def test_statistics_draw_every_chart(page):
    page.goto("/statistics")
    charts = page.locator("[data-chart]")
    assert charts.count() == 4
    for index in range(charts.count()):
        charts.nth(index).locator("canvas").wait_for(state="attached")
    assert page.locator("table").count() == 4  # a table beside each chart
    shot(page, "portal-statistics")
    assert axe_violations(page) == []


def test_open_data(page, site):
    from registry.exports.services import ExportService, export_directory, read_manifest
    from registry.extensions import db

    with site.app.app_context():
        folder = export_directory(site.app)
        if read_manifest(folder) is None:
            ExportService(db.session, site.clock, folder).run(["organisations"], ["csv"])
        db.session.remove()
    page.goto("/open-data")
    assert page.get_by_role("heading", level=1).inner_text() == "开放数据"
    link = page.get_by_role("link", name="organisations.csv")
    assert link.get_attribute("href") == "/api/v1/exports/organisations.csv"
    assert page.get_by_role("link", name="接口文档（OpenAPI）").get_attribute("href") == "/api/docs"
    assert page.locator('a[rel="license"]').get_attribute("href").startswith("https://")
    shot(page, "portal-open-data")
    assert axe_violations(page) == []

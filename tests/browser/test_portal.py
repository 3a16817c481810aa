"""The citizens' journey in a real browser, at the desktop and the phone width: search, a
facet, an organisation, the results' download; the notices, the statistics with their
charts drawn, drilled down to a province and a prefecture, the open data. Each page
screenshotted; axe finds nothing serious."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.browser.conftest import VIEWPORTS, axe_violations, shot


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

    # On a phone the facets start folded, so that the results begin on the first screen.
    facets = page.get_by_role("complementary")
    fold = facets.locator("details.fold")
    summary = page.locator(".results-area .summary").bounding_box()
    if page.viewport_name == "phone":
        assert fold.get_attribute("open") is None
        assert summary is not None and summary["y"] < VIEWPORTS["phone"]["height"]
        facets.get_by_role("heading", name="筛选").click()  # unfolds
    assert fold.get_attribute("open") is not None

    # a facet adds its filter to the URL; the conditions list shows it
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
    draw(page, 4)
    assert page.locator("table").count() == 4  # a table beside each chart
    shot(page, "portal-statistics")
    assert axe_violations(page) == []


def draw(page, count: int) -> None:
    """Wait for ECharts to draw every chart of the page."""
    charts = page.locator("[data-chart]")
    assert charts.count() == count
    for index in range(count):
        charts.nth(index).locator("canvas").wait_for(state="attached")


def busiest(page, prefecture_level: bool) -> dict:
    """The subdivision of the page with the most organisations: a province with
    prefectures (not a municipality), or a prefecture."""
    rows = page.evaluate(
        "JSON.parse(document.getElementById('statistics-data').textContent).by_subdivision"
    )
    if prefecture_level:
        rows = [r for r in rows if r["division_code"].endswith("00")]
    else:
        rows = [r for r in rows if r["division_code"][:2] not in ("11", "12", "31", "50")]
    return max(rows, key=lambda r: (r["count"], r["division_code"]))


def test_statistics_drill_down_to_a_province_and_a_prefecture(page):
    page.goto("/statistics")
    draw(page, 4)
    province = busiest(page, prefecture_level=False)
    assert province["count"] > 0
    page.get_by_role("link", name=province["name"], exact=True).click()
    page.wait_for_url(f"**/statistics?division={province['division_code']}")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == f"统计：{province['name']}"
    crumbs = page.get_by_role("navigation", name="行政区划层级")
    assert crumbs.get_by_role("link", name="全国").get_attribute("href") == "/statistics"
    json_link = page.get_by_role("link", name="JSON 数据")
    assert json_link.get_attribute("href") == f"/api/v1/stats?division={province['division_code']}"
    api = page.request.get(json_link.get_attribute("href")).json()
    assert api["total"] == province["count"]
    assert f"{province['count']:,} 个" in page.locator("main p").first.inner_text()
    charts = page.locator("[data-chart]").count()
    assert charts >= 2  # by kind and by prefecture; the years' charts when there are figures
    draw(page, charts)
    shot(page, "portal-statistics-province")
    assert axe_violations(page) == []

    prefecture = busiest(page, prefecture_level=True)
    page.get_by_role("link", name=prefecture["name"], exact=True).click()
    page.wait_for_url(f"**/statistics?division={prefecture['division_code']}")
    assert heading.inner_text() == f"统计：{prefecture['name']}"
    back = crumbs.get_by_role("link", name=province["name"])
    assert back.get_attribute("href") == f"/statistics?division={province['division_code']}"
    assert crumbs.locator('[aria-current="page"]').inner_text() == prefecture["name"]
    draw(page, page.locator("[data-chart]").count())
    shot(page, "portal-statistics-prefecture")
    assert axe_violations(page) == []

    # and back up the breadcrumb
    back.click()
    page.wait_for_url(f"**/statistics?division={province['division_code']}")
    assert heading.inner_text() == f"统计：{province['name']}"


def test_statistics_of_an_unknown_division(page):
    response = page.goto("/statistics?division=999999")
    assert response.status == 404
    assert "没有代码为 999999 的行政区划" in page.get_by_role("alert").inner_text()
    page.get_by_role("link", name="查看全国统计").click()
    page.wait_for_url("**/statistics")
    draw(page, 4)


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

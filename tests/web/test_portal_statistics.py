"""The statistics page by division: the API's figures for the same division, the breadcrumb
back up, the subdivisions' names linking one level down, the JSON link, both languages,
and a friendly 400 or 404 for a bad or unknown division."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.organisations.division_register import build_division_register
from tests.web import read
from tests.web.test_portal_pages import statistics_data

KINDS = ("social_group", "social_service_agency", "foundation")


@pytest.fixture
def register(session, clock) -> dict[str, Any]:
    return build_division_register(session, clock)


def page_and_api(client, division: str) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    response = client.get(f"/statistics?division={division}")
    assert response.status_code == 200, response.get_data(as_text=True)
    data = statistics_data(response.get_data(as_text=True))
    api = client.get(f"/api/v1/stats?division={division}").get_json()
    # the charts draw what the API answers for the same division
    assert {row["kind"]: row["count"] for row in data["by_kind"]} == api["by_kind"]
    assert [
        (row["division_code"], row["count"], *(row[kind] for kind in KINDS))
        for row in data["by_subdivision"]
    ] == [
        (row["division_code"], row["count"], *(row["by_kind"][kind] for kind in KINDS))
        for row in api["by_subdivision"]
    ]
    assert data["participation"] == api["inspections"]
    assert data["trusts_by_year"] == api["charity_trusts"]["by_year"]
    return response, data, api


def breadcrumb(html: str) -> str:
    found = re.search(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', html, re.S)
    assert found, "a breadcrumb"
    return found.group(1)


def test_the_national_page_links_each_province(client, register):
    response, data, _ = page_and_api(client, "100000")
    html = response.get_data(as_text=True)
    page = read(response)
    assert '<nav class="breadcrumb"' not in html  # nothing above the country
    assert page.link("JSON 数据") == "/api/v1/stats"
    assert page.link("江苏省") == "/statistics?division=320000"
    assert page.link("山东省") == "/statistics?division=370000"
    assert "按省份和类型（住所所在地）" in page.text
    assert "江苏省 320000 1 5 1 7" in page.text
    assert len(data["by_subdivision"]) == 34
    assert html.count("<table") == 4 and 'data-chart="by_subdivision"' in html
    # no argument and an empty one are the same national page
    empty = client.get("/statistics?division=")
    assert empty.status_code == 200 and read(empty).text == page.text


def test_a_province_page_drills_down_and_links_back(client, register):
    response, data, api = page_and_api(client, "320000")
    html = response.get_data(as_text=True)
    page = read(response)
    assert api["total"] == 7
    assert "统计：江苏省" in page.text and "住所在江苏省的登记在册社会组织 7 个。" in page.text
    crumbs = breadcrumb(html)
    assert 'href="/statistics"' in crumbs and '<span aria-current="page">江苏省</span>' in crumbs
    assert page.link("JSON 数据") == "/api/v1/stats?division=320000"
    assert page.link("南京市") == "/statistics?division=320100"
    assert page.link("苏州市") == "/statistics?division=320500"
    assert "南京市 320100 1 3 1 5" in page.text and "苏州市 320500 0 1 0 1" in page.text
    # f is domiciled at the province's own code: a row of its own, not linked
    assert "住所仅登记到江苏省本级 320000 0 1 0 1" in page.text
    # which figures go by domicile and which by authority, said on the page
    assert "按住所所在地统计" in page.text and "按登记管理机关统计" in page.text
    assert "年检参检率（江苏省的登记管理机关，按年度）" in page.text
    assert "2025 5 3 2 60.00 40.00" in page.text
    assert "慈善信托（江苏省的登记管理机关备案，按备案年度）" in page.text
    assert [row["year"] for row in data["trusts_by_year"]] == [2024, 2025]


def test_a_prefecture_page_has_the_full_breadcrumb(client, register):
    response, _, _ = page_and_api(client, "320100")
    html = response.get_data(as_text=True)
    page = read(response)
    crumbs = breadcrumb(html)
    assert re.findall(r'href="([^"]+)"', crumbs) == ["/statistics", "/statistics?division=320000"]
    assert '<span aria-current="page">南京市</span>' in crumbs
    assert page.link("玄武区") == "/statistics?division=320102"
    assert "玄武区 320102 1 1 1 3" in page.text and "秦淮区 320104 0 2 0 2" in page.text
    assert "住所仅登记到" not in page.text
    # the province's trust (filed at 320000) is not the prefecture's
    assert "2024 1 1 2,000.00" not in page.text and "2025 1 1 1,000.50" in page.text


def test_a_county_page_has_no_subdivisions(client, register):
    response, data, _ = page_and_api(client, "320102")
    html = response.get_data(as_text=True)
    assert data["by_subdivision"] == []
    assert 'data-chart="by_subdivision"' not in html and html.count("<table") == 3
    crumbs = breadcrumb(html)
    assert re.findall(r'href="([^"]+)"', crumbs) == [
        "/statistics",
        "/statistics?division=320000",
        "/statistics?division=320100",
    ]
    assert read(response).link("JSON 数据") == "/api/v1/stats?division=320102"


def test_a_municipality_marks_an_abolished_district(client, register):
    response, _, _ = page_and_api(client, "110000")
    page = read(response)
    assert page.link("东城区") == "/statistics?division=110101"
    assert "崇文区 （已撤销） 110103 1 0 0 1" in page.text
    assert "宣武区" not in page.text  # abolished, and nobody domiciled there


def test_the_division_page_in_english(client, register):
    response = client.get("/statistics?division=320000&lang=en")
    page = read(response)
    assert response.status_code == 200
    assert "Statistics: 江苏省" in page.text and "By subdivision and kind (domicile)" in page.text
    assert "7 registered organisations are domiciled in 江苏省." in page.text
    assert page.link("National") == "/statistics"
    assert "Domicile recorded as 江苏省 itself 320000 0 1 0 1" in page.text
    assert "Annual inspection participation (authorities within 江苏省, by year)" in page.text
    data = statistics_data(response.get_data(as_text=True))
    assert {row["label"] for row in data["by_kind"]} == {
        "Social group",
        "Social service agency",
        "Foundation",
    }


@pytest.mark.parametrize(
    ("division", "status", "zh", "en"),
    [
        ("32", 400, "行政区划代码应为六位数字", "A division code is six digits"),
        ("32000a", 400, "行政区划代码应为六位数字", "A division code is six digits"),
        ("3200001", 400, "行政区划代码应为六位数字", "A division code is six digits"),
        ("999999", 404, "没有代码为 999999 的行政区划", "no administrative division with the code"),
        ("320199", 404, "没有代码为 320199 的行政区划", "no administrative division with the code"),
    ],
)
def test_a_bad_division_is_a_friendly_page(client, session, division, status, zh, en):
    for lang, message in (("zh", zh), ("en", en)):
        response = client.get(f"/statistics?division={division}&lang={lang}")
        assert response.status_code == status, (division, lang)
        assert response.mimetype == "text/html"
        page = read(response)
        assert message in page.text
        assert page.link("查看全国统计" if lang == "zh" else "See the national") == "/statistics"
        assert "请求编号" not in page.text and "request id" not in page.text.lower()
        assert "echarts" not in response.get_data(as_text=True)

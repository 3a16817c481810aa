"""The home page, the notices, the statistics and the open-data page: the API's figures and
records, both languages, a friendly 400 for bad filters."""

from __future__ import annotations

import json
import re
from datetime import date

from registry.exports.services import ExportService
from registry.organisations.models import OrganisationKind
from registry.organisations.services import OrganisationService
from tests.charities.public_factories import charity, trust
from tests.deregistration.public_factories import build_trail
from tests.inspections.factories import report
from tests.organisations.factories import registration
from tests.web import Html, query_of, read


def documents(page: Html) -> list[str]:
    """The printable notices a page links to, in order, each once (title and print link)."""
    found = [h for h in page.hrefs("/documents/notices/") if not h.endswith(".pdf")]
    return list(dict.fromkeys(found))


def test_home_counts_search_box_and_latest_notices(client, session, clock):
    trail = build_trail(session, clock)  # 7 organisations, 4 notices (2 running today)
    charity(session, clock, name="南京市玄武区慈善助学服务中心")
    trust(session, "320102", "玄武区助学信托", filed_on=date(2025, 3, 1), amount="1000")
    session.commit()
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = read(response)
    counts = re.findall(r'<span class="n">([\d,]+)</span>', html)
    assert counts == ["8", "1", "1", "2"]  # organisations, charities, trusts, running notices
    # the search box: labelled, with suggestions from the API's suggest
    assert '<label for="q">' in html and 'list="q-suggestions"' in html
    assert 'data-suggest="/api/v1/search/suggest"' in html and "portal.js" in html
    # the latest notices, newest first, each linking to its printable document
    notices = trail["notices"]
    assert page.hrefs("/documents/notices/")[:2] == [
        f"/documents/notices/{notices['n4'].id}",
        f"/documents/notices/{notices['n3'].id}",
    ]
    assert query_of(page.link("公告期内的公告")) == {"current": ["true"]}
    assert "南京市玄武区慈善助学服务中心" in page.text  # among the recently founded


def test_home_in_english(client, session, clock):
    OrganisationService(session, clock).register(
        registration(name="南京市玄武区志愿者协会", kind=OrganisationKind.SOCIAL_GROUP)
    )
    session.commit()
    page = read(client.get("/?lang=en"))
    assert "Latest notices" in page.text and "Recently founded" in page.text
    assert "Charity trusts" in page.text and "南京市玄武区志愿者协会" in page.text


def test_notices_link_their_documents_and_the_feed(client, session, clock):
    trail = build_trail(session, clock)
    response = client.get("/notices")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = read(response)
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml" [^>]*href="/api/v1/notices/feed.atom"',
        html,
    )
    notices = trail["notices"]
    ids = [notices[k].id for k in ("n1", "n2", "n3", "n4")]
    assert documents(page) == [f"/documents/notices/{i}" for i in ids]
    assert "玄民公告〔2026〕1号" in page.text and "2026-04-29" in page.text
    assert f"/api/v1/notices/{ids[0]}" in page.hrefs("/api/v1/notices/")
    # each notice lists the organisations it names, linked to their pages
    assert f"/organisations/{trail['orgs']['a'].uscc}" in page.hrefs("/organisations/")
    assert "已于 2026-03-20 回应" in page.text


def test_notice_filters_stay_in_the_url(client, session, clock):
    trail = build_trail(session, clock)
    notices = trail["notices"]
    running = read(client.get("/notices?current=true"))
    shown = set(running.hrefs("/documents/notices/"))
    assert f"/documents/notices/{notices['n2'].id}" in shown
    assert f"/documents/notices/{notices['n1'].id}" not in shown
    kind = read(client.get("/notices?current=true&kind=decision"))
    assert documents(kind) == [f"/documents/notices/{notices['n4'].id}"]
    # the tabs keep the kind
    assert query_of(kind.link("已期满")) == {"kind": ["decision"], "current": ["false"]}


def test_notices_page_by_page(client, session, clock, monkeypatch):
    from registry.web import portal_pages

    monkeypatch.setattr(portal_pages, "NOTICES_PAGE", 3)
    trail = build_trail(session, clock)
    first = read(client.get("/notices"))
    following = first.link("下一页")
    second = read(client.get(following))
    last = documents(second)
    assert last == [f"/documents/notices/{trail['notices']['n4'].id}"]
    assert "下一页" not in second.text and second.link("第一页") == "/notices"


def test_bad_notice_filters_are_a_friendly_400(client, session):
    for query in ("kind=everything", "current=maybe", "after=-1", "after=99999999999"):
        response = client.get(f"/notices?{query}")
        assert response.status_code == 400, query
        page = read(response)
        assert "筛选条件有误" in page.text and "请求编号" not in page.text


def test_notices_in_english(client, session, clock):
    build_trail(session, clock)
    page = read(client.get("/notices?lang=en"))
    assert "Subscribe to the Atom feed" in page.text and "Printable version" in page.text
    assert "Dormant-organisation notice" in page.text


def statistics_data(html: str) -> dict:  # type: ignore[type-arg]
    found = re.search(r'<script type="application/json" id="statistics-data">(.*?)</script>', html)
    assert found, "the figures are embedded as JSON"
    return json.loads(found.group(1))


def test_statistics_embed_the_apis_figures_with_tables(client, session, clock):
    service = OrganisationService(session, clock)
    group = service.register(registration(kind=OrganisationKind.SOCIAL_GROUP))
    service.register(registration())
    service.register(
        registration(authority_code="370112", domicile_division_code="370112", name="济南某中心")
    )
    report(session, clock, group, 2025, date(2026, 4, 20))
    trust(session, "320102", "玄武区助学信托", filed_on=date(2025, 3, 1), amount="1000.50")
    session.commit()
    response = client.get("/statistics")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    data = statistics_data(html)
    api = client.get("/api/v1/stats").get_json()
    assert {row["kind"]: row["count"] for row in data["by_kind"]} == api["by_kind"]
    assert [(r["division_code"], r["count"]) for r in data["by_subdivision"] if r["count"]] == [
        (r["division_code"], r["count"]) for r in api["by_province"]
    ]
    assert data["participation"] == api["inspections"]
    assert data["trusts_by_year"] == api["charity_trusts"]["by_year"]
    # a chart container and a table for each chart, ECharts and its licence linked
    for name in ("by_kind", "by_subdivision", "participation", "trusts_by_year"):
        assert f'data-chart="{name}"' in html
    assert html.count("<table") == 4
    assert "/assets/vendor/echarts.min.js" in html
    assert "/assets/vendor/echarts.LICENSE.txt" in read(response).hrefs("/assets/vendor/")
    page = read(response)
    assert "社会团体 1" in page.text and "山东省 370000 0 1 0 1" in page.text
    assert "2025 1 1 1,000.50" in page.text


def test_statistics_in_english(client, session, clock):
    OrganisationService(session, clock).register(registration())
    session.commit()
    response = client.get("/statistics?lang=en")
    page = read(response)
    assert "By kind" in page.text and "Social service agency 1" in page.text
    data = statistics_data(response.get_data(as_text=True))
    assert data["by_kind"] == [
        {"kind": "social_service_agency", "label": "Social service agency", "count": 1}
    ]
    assert "按类型" in read(client.get("/statistics?lang=zh")).text


def test_open_data_without_an_export_points_at_the_apis_streams(
    client, session, tmp_path, monkeypatch
):
    monkeypatch.setenv("EXPORT_DIR", str(tmp_path))
    page = read(client.get("/open-data"))
    assert "批量文件尚未生成" in page.text
    assert "/api/v1/organisations?format=csv" in page.hrefs("/api/v1/organisations")
    assert "/api/docs" in page.hrefs("/api/docs")
    assert "https://creativecommons.org/licenses/by/4.0/" in page.hrefs("https://")


def test_open_data_lists_the_files_with_sizes_and_checksums(
    client, session, clock, tmp_path, monkeypatch
):
    monkeypatch.setenv("EXPORT_DIR", str(tmp_path))
    OrganisationService(session, clock).register(registration())
    session.commit()
    manifest = ExportService(session, clock, tmp_path).run(["organisations"], ["csv", "jsonl"])
    response = client.get("/open-data")
    assert response.status_code == 200
    page = read(response)
    files = manifest["datasets"][0]["files"]
    for file in files:
        assert f"/api/v1/exports/{file['path']}" in page.hrefs("/api/v1/exports/")
        assert file["sha256"] in page.text
    assert "uscc" in page.text and "统一社会信用代码" in page.text  # the dataset's fields
    assert manifest["feed_cursor"] in page.text
    english = read(client.get("/open-data?lang=en"))
    assert "Bulk downloads" in english.text and "Unified social credit code" in english.text
    assert "API documentation (OpenAPI)" in english.text

"""The results page and its download: the API's search, facets as links, every filter in
the URL, keyset pages, a friendly 400 for bad arguments, both languages."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from registry.organisations.models import OrganisationKind
from registry.organisations.public import ORGANISATION_FIELDS
from registry.organisations.services import OrganisationService
from search.backends.base import encode_after
from tests.charities.public_factories import trust
from tests.organisations.factories import foundation, registration
from tests.web import Html, query_of, read


@pytest.fixture
def register(session, clock):  # type: ignore[no-untyped-def]
    """Three agencies, two groups (one deregistered) and a foundation with 阳光 in the
    name, and one organisation without."""
    service = OrganisationService(session, clock)
    made = {
        "agency1": service.register(
            registration(name="南京市玄武区阳光养老服务中心", founded_on=date(2015, 3, 2))
        ),
        "agency2": service.register(
            registration(name="南京市玄武区阳光助残服务中心", founded_on=date(2019, 6, 1))
        ),
        "agency3": service.register(
            registration(name="南京市玄武区阳光&月亮儿童服务中心", founded_on=date(2021, 1, 5))
        ),
        "group1": service.register(
            registration(
                name="南京市玄武区阳光书法协会",
                kind=OrganisationKind.SOCIAL_GROUP,
                founded_on=date(2012, 9, 9),
            )
        ),
        "group2": service.register(
            registration(
                name="南京市玄武区阳光摄影协会",
                kind=OrganisationKind.SOCIAL_GROUP,
                founded_on=date(2010, 1, 1),
            )
        ),
        "fund": service.register(foundation(name="江苏省阳光教育基金会")),
        "other": service.register(registration(name="南京市玄武区夕阳红志愿者协会")),
    }
    service.deregister(made["group2"].uscc, on=date(2024, 1, 1), reason="自行解散")
    service.set_charity(made["fund"].uscc, date(2020, 5, 1), on=date(2020, 5, 1))
    session.commit()
    return made


def hit_names(page: Html) -> list[str]:
    return [text for href, text in page.links if href.startswith("/organisations/")]


def test_results_with_highlight_and_the_apis_field_labels(client, register):
    response = client.get("/search?q=阳光")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = read(response)
    assert len(hit_names(page)) == 6 and "南京市玄武区夕阳红志愿者协会" not in hit_names(page)
    assert "共找到 6 个社会组织" in page.text
    # the highlight alone is markup; everything else in a name is escaped
    assert "南京市玄武区<em>阳光</em>养老服务中心" in html
    assert "<em>阳光</em>&amp;月亮" in html
    # labels are the API's field descriptions
    assert "统一社会信用代码" in page.text and "法定代表人" in page.text
    # a removed organisation says when and why
    assert "2024-01-01：自行解散" in page.text
    assert page.fields["q"] == "阳光"


def test_a_facet_adds_its_filter_and_the_chosen_one_removes_it(client, register):
    page = read(client.get("/search?q=阳光"))
    add = page.link("社会团体")
    assert query_of(add) == {"q": ["阳光"], "kind": ["social_group"]}
    filtered = read(client.get(add))
    assert sorted(hit_names(filtered)) == sorted(
        ["南京市玄武区阳光摄影协会", "南京市玄武区阳光书法协会"]
    )
    # the chosen value links back to the search without it
    remove = filtered.link("社会团体 （取消）")
    assert query_of(remove) == {"q": ["阳光"]}
    # a second facet keeps the first
    both = read(client.get(filtered.link("已注销")))
    assert hit_names(both) == ["南京市玄武区阳光摄影协会"]
    # a new query keeps the filters in force (hidden fields of the form)
    assert both.fields["kind"] == "social_group" and both.fields["status"] == "deregistered"


def test_boolean_and_province_facets(client, register):
    page = read(client.get("/search?q=阳光"))
    charity = [href for href in page.hrefs("/search?") if "charity=" in href]
    assert sorted(query_of(h)["charity"][0] for h in charity) == ["false", "true"]
    only = read(client.get(next(h for h in charity if "charity=true" in h)))
    assert hit_names(only) == ["江苏省阳光教育基金会"]
    assert page.link("江苏省") == "/search?q=%E9%98%B3%E5%85%89&province=320000"
    # the list of conditions names each filter in force, with its removal link
    assert "慈善组织：是" in only.text


def test_keyset_pages_keep_every_filter(client, session, clock):
    service = OrganisationService(session, clock)
    for n in range(25):
        service.register(
            registration(name=f"南京市玄武区第{n}星光合唱协会", kind=OrganisationKind.SOCIAL_GROUP)
        )
    session.commit()
    first = read(client.get("/search?q=星光&kind=social_group"))
    assert len(hit_names(first)) == 20
    following = first.link("下一页")
    args = query_of(following)
    assert args["q"] == ["星光"] and args["kind"] == ["social_group"] and args["cursor"]
    second = read(client.get(following))
    assert len(hit_names(second)) == 5
    assert not set(hit_names(first)) & set(hit_names(second))
    assert query_of(second.link("第一页")) == {"q": ["星光"], "kind": ["social_group"]}
    # a page after the first shows no charity trusts and no "next"
    assert "下一页" not in second.text


def test_without_words_the_newest_organisations_come_first(client, register):
    page = read(client.get("/search"))
    names = hit_names(page)
    assert names[0] == "南京市玄武区阳光&月亮儿童服务中心"  # founded 2021, the newest
    assert names.index("南京市玄武区阳光助残服务中心") < names.index("南京市玄武区阳光养老服务中心")
    assert "最新成立的在前" in page.text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("q=阳光&kind=company", "kind"),
        ("q=阳光&charity=maybe", "charity"),
        ("q=阳光&cursor=not*a*cursor", "cursor"),
        ("q=阳光&cursor=Zm9v", "cursor"),  # base64 of "foo": not a search cursor
        ("q=" + "长" * 101, "q"),
        ("q=阳光&founded_from_year=2020&founded_to_year=2010", "founded_from_year"),
    ],
)
def test_bad_arguments_are_a_friendly_400(client, register, query, field):
    response = client.get(f"/search?{query}")
    assert response.status_code == 400
    page = read(response)
    assert "检索条件有误" in page.text and field in page.text
    assert "请求编号" not in page.text  # not the error page: the search form, kept filled in
    assert page.fields["q"] == query_of("/search?" + query)["q"][0]
    assert field == "q" or field not in page.fields  # a new search drops the refused value


def test_a_cursor_of_another_order_is_a_400_not_a_500(client, register):
    relevance_cursor = encode_after((1, 0, "51320102MJ0000000X"))
    response = client.get(f"/search?q=阳光&sort=name&cursor={relevance_cursor}")
    assert response.status_code == 400
    assert "翻页参数无效" in read(response).text


def test_both_languages(client, register):
    english = read(client.get("/search?q=阳光&lang=en"))
    assert "Search social organisations" in english.text
    assert "6 organisations found" in english.text
    assert "Kind" in english.text and "Social group" in english.text
    assert "Unified social credit code" in english.text
    assert english.link("Download these results (CSV)").startswith("/search.csv?")
    chinese = read(client.get("/search?q=阳光&lang=zh"))
    assert "检索社会组织" in chinese.text and "下载这些结果（CSV）" in chinese.text


def test_the_download_is_the_same_search_as_organisation_records(client, register):
    page = read(client.get("/search?q=阳光&kind=social_service_agency&sort=-founded_on"))
    link = page.link("下载这些结果（CSV）")
    assert query_of(link) == {
        "q": ["阳光"],
        "kind": ["social_service_agency"],
        "sort": ["-founded_on"],
    }
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert list(rows[0]) == [spec.name for spec in ORGANISATION_FIELDS]
    assert [row["name"] for row in rows] == hit_names(page)  # the page's order
    assert [row["name"] for row in rows] == [
        "南京市玄武区阳光&月亮儿童服务中心",
        "南京市玄武区阳光助残服务中心",
        "南京市玄武区阳光养老服务中心",
    ]
    assert rows[0]["registration_authority_code"] == "320102"


def test_the_download_crosses_search_pages(client, session, clock, monkeypatch):
    from registry.web import portal_search

    monkeypatch.setattr(portal_search, "CSV_PAGE", 2)
    monkeypatch.setattr(portal_search, "CSV_MAX_ROWS", 5)
    service = OrganisationService(session, clock)
    for n in range(7):
        service.register(registration(name=f"南京市玄武区第{n}晨曦读书会"))
    session.commit()
    body = client.get("/search.csv?q=晨曦").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 5 and len({row["uscc"] for row in rows}) == 5


def test_a_bad_download_is_a_friendly_400(client, register):
    response = client.get("/search.csv?q=阳光&status=gone")
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "检索条件有误" in read(response).text


def test_charity_trusts_named_by_the_words(client, register, session):
    trust(
        session,
        "320000",
        "江苏省阳光助学慈善信托",
        filed_on=date(2025, 3, 1),
        amount="1000000",
    )
    session.commit()
    page = read(client.get("/search?q=阳光"))
    assert "慈善信托（1）" in page.text
    assert "江苏省阳光助学慈善信托" in page.text and "上海国际信托有限公司" in page.text
    assert "慈善信托" not in read(client.get("/search?q=夕阳红")).text.split("筛选")[1]

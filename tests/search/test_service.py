"""Search through the API, kept in step with the register in the same transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete

from registry.organisations.models import OrganisationKind
from registry.organisations.services import OrganisationService
from search.models import SearchDocument
from tests.organisations.factories import registration


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [item["name"] for item in response.get_json()["items"]]


def test_a_registration_is_searchable_once_committed(client, session, clock):
    service = OrganisationService(session, clock)
    org = service.register(
        registration(name="连云港市海州区慈善总会", kind=OrganisationKind.SOCIAL_GROUP)
    )
    session.commit()
    response = client.get("/api/v1/search?q=慈善")
    assert response.status_code == 200
    body = response.get_json()
    assert names(response) == ["连云港市海州区慈善总会"]
    assert body["items"][0]["highlight"].count("<em>") == 1
    assert body["degraded"] is False and body["backend"] == "database"
    assert {f["value"] for f in body["facets"]["kind"]} == {"social_group"}
    assert client.get(f"/api/v1/search?q={org.uscc}").get_json()["exact"] is True
    assert client.get("/api/v1/search?q=lygshzqcszh").get_json()["total"] == 1


def test_the_api_counts_only_the_facets_asked_for(client, session, clock):
    service = OrganisationService(session, clock)
    service.register(registration(name="南京市玄武区计数协会", kind=OrganisationKind.SOCIAL_GROUP))
    session.commit()
    every = client.get("/api/v1/search?q=计数").get_json()["facets"]
    assert "county" in every and "authority" in every
    some = client.get("/api/v1/search?q=计数&facet=kind&facet=province&facet=kind").get_json()
    assert list(some["facets"]) == ["kind", "province"]
    assert some["facets"]["kind"] == every["kind"] == [{"value": "social_group", "count": 1}]
    none = client.get("/api/v1/search?q=计数&facet=kind&facets=false").get_json()
    assert none["facets"] == {} and none["total"] == 1
    wrong = client.get("/api/v1/search?q=计数&facet=colour")
    assert wrong.status_code == 422 and wrong.mimetype == "application/problem+json"
    assert wrong.get_json()["errors"][0]["field"].startswith("facet")


def test_changes_and_removals_follow(client, session, clock):
    service = OrganisationService(session, clock)
    org = service.register(registration(name="南京市玄武区阳光养老服务中心"))
    session.commit()
    service.record_change(
        org.uscc, {"name": "南京市玄武区夕阳红养老服务中心"}, effective_on=date(2020, 1, 1)
    )
    session.commit()
    assert names(client.get("/api/v1/search?q=阳光")) == []
    assert names(client.get("/api/v1/search?q=夕阳红")) == ["南京市玄武区夕阳红养老服务中心"]
    service.deregister(org.uscc, on=date(2024, 1, 1), reason="自行解散")
    session.commit()
    hit = client.get("/api/v1/search?q=夕阳红").get_json()["items"][0]
    assert hit["status"] == "deregistered"  # removed organisations stay findable


def test_a_rolled_back_change_never_reaches_the_index(client, session, clock):
    service = OrganisationService(session, clock)
    org = service.register(registration(name="南京市玄武区回滚测试协会", kind="social_group"))
    session.commit()
    service.record_change(org.uscc, {"name": "不该出现的名称协会"}, effective_on=date(2020, 1, 1))
    session.rollback()
    assert names(client.get("/api/v1/search?q=不该出现")) == []
    assert names(client.get("/api/v1/search?q=回滚测试")) == ["南京市玄武区回滚测试协会"]


def test_suggest_pages_and_bad_input(client, session, clock):
    service = OrganisationService(session, clock)
    for field in ("足球", "篮球", "围棋"):
        service.register(registration(name=f"南京市玄武区{field}协会", kind="social_group"))
    session.commit()
    suggested = client.get("/api/v1/search/suggest?q=南京市玄武").get_json()
    assert sorted(suggested["suggestions"]) == sorted(
        ["南京市玄武区足球协会", "南京市玄武区篮球协会", "南京市玄武区围棋协会"]
    )
    first = client.get("/api/v1/search?q=协会&limit=2").get_json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = client.get(first["next"]).get_json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    # a cursor of one sort order given to another: refused, not a 500
    other = client.get(f"/api/v1/search?q=协会&sort=name&cursor={first['next_cursor']}")
    assert other.status_code == 422, other.get_data(as_text=True)
    assert "cursor" in other.get_json()["errors"]
    for url in (
        "/api/v1/search?cursor=%%%",
        "/api/v1/search?cursor=bm90LWpzb24",
        "/api/v1/search?limit=1000",
        "/api/v1/search?q=" + "长" * 101,
        "/api/v1/search/suggest?q=",
    ):
        response = client.get(url)
        assert response.status_code == 422, url
        assert response.mimetype == "application/problem+json"


def test_a_dead_search_server_degrades_to_the_database(app, session, clock):
    from registry import create_app

    settings = app.extensions["registry.settings"].replace(
        search_backend="elasticsearch", elasticsearch_url="http://127.0.0.1:9"
    )
    degraded_app = create_app(settings, clock=clock)
    OrganisationService(session, clock).register(
        registration(name="降级测试协会", kind="social_group")
    )
    session.commit()
    body = degraded_app.test_client().get("/api/v1/search?q=降级").get_json()
    assert body["degraded"] is True
    assert [i["name"] for i in body["items"]] == ["降级测试协会"]
    suggest = degraded_app.test_client().get("/api/v1/search/suggest?q=降级").get_json()
    assert suggest == {"suggestions": ["降级测试协会"], "degraded": True}


def test_verify_finds_drift_and_reindex_repairs_it(app, session, clock):
    service = OrganisationService(session, clock)
    orgs = [service.register(registration()) for _ in range(3)]
    session.commit()
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["search", "verify"])
    assert clean.exit_code == 0, clean.output
    assert "no drift: register 3, index 3" in clean.output
    session.execute(delete(SearchDocument).where(SearchDocument.uscc == orgs[0].uscc))
    session.commit()
    drifted = runner.invoke(args=["search", "verify"])
    assert drifted.exit_code == 1
    assert f"missing {orgs[0].uscc}" in drifted.output
    rebuilt = runner.invoke(args=["search", "reindex"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert runner.invoke(args=["search", "verify"]).exit_code == 0

"""What every endpoint does: errors, validators, compression, CORS, bounds."""

from __future__ import annotations

import gzip

import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organisations?limit=0",
        "/api/v1/organisations?limit=99999999999999999999999",
        "/api/v1/organisations?kind=company",
        "/api/v1/organisations?founded_from=2020-13-01",
        "/api/v1/organisations?founded_from=2020-01-01&founded_to=2019-01-01",
        "/api/v1/organisations?cursor=not-a-cursor",
        "/api/v1/organisations?cursor=WzEsOTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5XQ",
        "/api/v1/organisations?division=32",
        "/api/v1/changes?since=99999999999999999999999",
        "/api/v1/changes?since=-1",
        "/api/v1/organisations/XYZ/changes?cursor=%%%",
    ],
)
def test_bad_input_is_a_422_problem_listing_the_fields(client, url):
    response = client.get(url)
    assert response.status_code in (404, 422), response.data
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == response.status_code
    if response.status_code == 422:
        assert body["errors"]
        assert body["detail"]


def test_unknown_things_are_404_problems(client):
    for url in (
        "/api/v1/organisations/51100000500002862F",
        "/api/v1/divisions/999999",
        "/api/v1/authorities/999999",
        "/api/v1/community-organisations/x",
        "/api/v1/no-such-thing",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.mimetype == "application/problem+json"


def test_etag_304_and_last_modified(client):
    first = client.get("/api/v1/divisions/320102")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get("/api/v1/divisions/320102", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    gzipped = client.get("/api/v1/divisions", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzipped.data).startswith(b'{"items"')
    revalidated = client.get(
        "/api/v1/divisions",
        headers={"Accept-Encoding": "gzip", "If-None-Match": gzipped.headers["ETag"]},
    )
    assert revalidated.status_code == 304


def test_last_modified_and_if_modified_since(client, session, clock):
    from registry.organisations.services import OrganisationService
    from tests.organisations.factories import registration

    org = OrganisationService(session, clock).register(registration())
    session.commit()
    response = client.get(f"/api/v1/organisations/{org.uscc}")
    assert response.last_modified is not None
    again = client.get(
        f"/api/v1/organisations/{org.uscc}",
        headers={"If-Modified-Since": response.headers["Last-Modified"]},
    )
    assert again.status_code == 304


def test_cors_on_public_get(client):
    response = client.get("/api/v1/stats", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/stats",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"


def test_request_id_on_api_responses_and_errors(client):
    ok = client.get("/api/v1/stats")
    bad = client.get("/api/v1/organisations?limit=0")
    assert ok.headers["X-Request-ID"] and bad.headers["X-Request-ID"]
    assert bad.get_json()["request_id"] == bad.headers["X-Request-ID"]


def test_docs_work_offline(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/docs/assets/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    asset = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["info"]["license"]["name"] == "CC BY 4.0"

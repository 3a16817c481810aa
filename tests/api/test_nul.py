"""U+0000 cannot be stored or compared in PostgreSQL text: the API refuses it anywhere in
a query or a JSON body with a 422 naming where, after the 401 for an officer route."""

from __future__ import annotations

from tests.accounts.factories import bearer, officer_with_token


def test_nul_in_a_query_is_a_422_naming_the_argument(client, session):
    for path in (
        "/api/v1/charities?q=%E6%85%88%00",
        "/api/v1/charity-trusts?trustee=a%00b&status=established",
        "/api/v1/search?q=%00",
    ):
        response = client.get(path)
        assert response.status_code == 422, path
        assert response.mimetype == "application/problem+json"
        errors = set(response.get_json()["errors"])
        assert errors <= {"q", "trustee"} and errors, path
    assert client.get("/api/v1/charities?q=%E6%85%88").status_code == 200


def test_nul_in_a_body_comes_after_who_is_asking(client, session):
    path = "/api/v1/officer/charity-trusts"
    body = {"name": "a\u0000b"}
    assert client.post(path, json=body).status_code == 401
    _officer, secret = officer_with_token(session, "clerk", "320102")
    session.commit()
    response = client.post(path, json=body, headers=bearer(secret))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"body": "contains U+0000"}

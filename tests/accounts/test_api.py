from __future__ import annotations

import uuid

from sqlalchemy import select

from registry.accounts.models import ApiToken, Officer
from registry.audit.models import AuditEvent
from tests.accounts.factories import PASSWORD, bearer, officer, officer_with_token, token_for

GOOD = "长江黄河1949-ok"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["detail"]
    return body


def test_me_answers_who_the_token_belongs_to(session, client):
    holder, token = officer_with_token(session, "reviewer", "320102", "rev.a")
    response = client.get("/api/v1/officer/me", headers=bearer(token))
    assert response.status_code == 200
    body = response.get_json()
    assert body["username"] == "rev.a" and body["role"] == "reviewer"
    assert body["authority_code"] == "320102" and body["authority_name"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "Authorization" in response.headers["Vary"]
    text = response.get_data(as_text=True)
    assert holder.password_hash not in text and "hash" not in text


def test_no_token_bad_token_and_wrong_scheme_are_401_problems(session, client):
    _holder, token = officer_with_token(session, "clerk", "320102")
    cases = [
        {},
        bearer("rgo_" + "A" * 40),
        bearer("nonsense"),
        {"Authorization": f"Basic {token}"},
        {"Authorization": "Bearer "},
    ]
    for headers in cases:
        response = client.get("/api/v1/officer/me", headers=headers)
        assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert token not in response.get_data(as_text=True)


def test_revoked_expired_and_deactivated_are_401(session, client, clock):
    holder = officer(session, "clerk", "320102")
    revoked, revoked_secret = token_for(session, holder)
    revoked.revoked_at = clock.now()
    _short, short_secret = token_for(session, holder, days=1)
    clock.advance(days=1)
    assert (
        "revoked"
        in assert_problem(client.get("/api/v1/officer/me", headers=bearer(revoked_secret)), 401)[
            "detail"
        ]
    )
    assert (
        "expired"
        in assert_problem(client.get("/api/v1/officer/me", headers=bearer(short_secret)), 401)[
            "detail"
        ]
    )
    _live, live_secret = token_for(session, holder)
    assert client.get("/api/v1/officer/me", headers=bearer(live_secret)).status_code == 200
    holder.is_active = False
    session.flush()
    assert_problem(client.get("/api/v1/officer/me", headers=bearer(live_secret)), 401)


def test_tokens_issue_list_and_revoke(session, client):
    holder, token = officer_with_token(session, "clerk", "320102")
    created = client.post(
        "/api/v1/officer/tokens",
        json={"name": "report intake script", "expires_in_days": 30},
        headers=bearer(token),
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    secret = body["token"]
    assert secret.startswith("rgo_") and body["prefix"] == secret[:12]
    assert body["state"] == "live" and body["officer"] == holder.username

    # The new token works; the list never shows a secret nor a hash.
    assert client.get("/api/v1/officer/me", headers=bearer(secret)).status_code == 200
    listed = client.get("/api/v1/officer/tokens", headers=bearer(secret))
    assert listed.status_code == 200
    items = listed.get_json()["items"]
    assert [i["name"] for i in items] == ["report intake script", "test token"]
    text = listed.get_data(as_text=True)
    stored = session.scalars(select(ApiToken.token_hash)).all()
    assert secret not in text and token not in text
    assert not any(h in text for h in stored)
    assert all("token" not in item for item in items)

    revoked = client.delete(f"/api/v1/officer/tokens/{body['id']}", headers=bearer(token))
    assert revoked.status_code == 204
    assert_problem(client.get("/api/v1/officer/me", headers=bearer(secret)), 401)
    states = {
        i["name"]: i["state"]
        for i in client.get("/api/v1/officer/tokens", headers=bearer(token)).get_json()["items"]
    }
    assert states == {"report intake script": "revoked", "test token": "live"}
    assert_problem(client.delete("/api/v1/officer/tokens/999999", headers=bearer(token)), 404)
    assert_problem(client.delete(f"/api/v1/officer/tokens/{2**70}", headers=bearer(token)), 404)


def test_token_creation_validates_its_input(session, client):
    _holder, token = officer_with_token(session, "clerk", "320102")
    for body in ({}, {"name": ""}, {"name": "x", "expires_in_days": 366}, {"name": "x" * 201}):
        response = client.post("/api/v1/officer/tokens", json=body, headers=bearer(token))
        problem = assert_problem(response, 422)
        assert problem["errors"]


def test_another_officers_token_cannot_be_revoked(session, client):
    _a, token_a = officer_with_token(session, "clerk", "320102")
    b, _token_b = officer_with_token(session, "clerk", "320102")
    [b_token] = session.scalars(select(ApiToken).where(ApiToken.officer_id == b.id)).all()
    assert_problem(
        client.delete(f"/api/v1/officer/tokens/{b_token.id}", headers=bearer(token_a)), 403
    )
    assert b_token.revoked_at is None


def test_admins_create_list_and_update_accounts(session, client):
    _admin, token = officer_with_token(session, "admin", "320100", "admin.city")
    created = client.post(
        "/api/v1/officer/accounts",
        json={
            "username": "zhao.lei",
            "full_name": "赵磊",
            "authority_code": "320102",
            "role": "clerk",
            "password": GOOD,
        },
        headers=bearer(token),
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["username"] == "zhao.lei" and "password" not in body
    assert GOOD not in created.get_data(as_text=True)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "account.create"))
    assert event.actor == "admin.city" and event.authority_code == "320100"

    duplicate = client.post(
        "/api/v1/officer/accounts",
        json={
            "username": "zhao.lei",
            "full_name": "赵磊",
            "authority_code": "320102",
            "role": "clerk",
            "password": GOOD,
        },
        headers=bearer(token),
    )
    assert assert_problem(duplicate, 422)["errors"][0]["field"] == "username"

    officer(session, "clerk", "440100", "far.away")
    page = client.get("/api/v1/officer/accounts?limit=1", headers=bearer(token))
    assert page.status_code == 200
    first = page.get_json()
    assert [i["username"] for i in first["items"]] == ["admin.city"]
    second = client.get(first["next"], headers=bearer(token)).get_json()
    assert [i["username"] for i in second["items"]] == ["zhao.lei"]
    assert second["next"] is None

    updated = client.patch(
        "/api/v1/officer/accounts/zhao.lei",
        json={"role": "reviewer", "is_active": False},
        headers=bearer(token),
    )
    assert updated.status_code == 200, updated.get_json()
    assert updated.get_json()["role"] == "reviewer"
    assert updated.get_json()["is_active"] is False
    assert_problem(
        client.patch("/api/v1/officer/accounts/zhao.lei", json={}, headers=bearer(token)), 422
    )
    assert_problem(
        client.patch(
            "/api/v1/officer/accounts/far.away", json={"is_active": False}, headers=bearer(token)
        ),
        403,
    )
    assert_problem(
        client.patch(
            "/api/v1/officer/accounts/no.body", json={"is_active": False}, headers=bearer(token)
        ),
        404,
    )


def test_account_endpoints_are_403_for_non_admins(session, client):
    _head, token = officer_with_token(session, "head", "320102")
    body = assert_problem(client.get("/api/v1/officer/accounts", headers=bearer(token)), 403)
    assert body["allowed_roles"] == ["admin"]
    assert_problem(
        client.post(
            "/api/v1/officer/accounts",
            json={
                "username": "sneaky",
                "full_name": "某人",
                "authority_code": "320102",
                "role": "admin",
                "password": GOOD,
            },
            headers=bearer(token),
        ),
        403,
    )
    assert session.scalar(select(Officer).where(Officer.username == "sneaky")) is None


def test_admin_outside_jurisdiction_is_403(session, client):
    _admin, token = officer_with_token(session, "admin", "320102")
    response = client.post(
        "/api/v1/officer/accounts",
        json={
            "username": "upward",
            "full_name": "某人",
            "authority_code": "320000",
            "role": "admin",
            "password": GOOD,
        },
        headers=bearer(token),
    )
    assert_problem(response, 403)


def test_short_password_is_a_422(session, client):
    _admin, token = officer_with_token(session, "admin", "320102")
    response = client.post(
        "/api/v1/officer/accounts",
        json={
            "username": "shorty",
            "full_name": "某人",
            "authority_code": "320102",
            "role": "clerk",
            "password": "123456789",
        },
        headers=bearer(token),
    )
    assert any(e["field"] == "password" for e in assert_problem(response, 422)["errors"])
    assert PASSWORD  # the factories' password is long enough for the policy


def test_the_officer_api_is_outside_the_open_data_rate_limits(app, tmp_path):
    from registry import create_app
    from registry.extensions import db

    limited = create_app(
        {
            "database_url": app.config["SQLALCHEMY_DATABASE_URI"],
            "testing": True,
            "instance_path": tmp_path,
            "secret_key": "test-secret",
            "rate_limit_enabled": True,
            "rate_limit_anonymous": "1/minute",
            # Its own counters: the SQLite and PostgreSQL runs may fall in one minute.
            "rate_limit_key_prefix": f"test-{uuid.uuid4().hex}",
        },
        clock=app.extensions["registry.clock"],
    )
    try:
        client = limited.test_client()
        for _ in range(3):
            response = client.get("/api/v1/officer/me")
            assert response.status_code == 401
            assert "RateLimit-Limit" not in response.headers
        assert client.get("/api/v1/divisions/100000").status_code == 200
        assert client.get("/api/v1/divisions/100000").status_code == 429
    finally:
        with limited.app_context():
            db.engine.dispose()

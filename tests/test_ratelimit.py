"""Rate limits: per IP without a key, per key with one, 429 as problem+json.

Each test builds its own app with tiny limits and a counter namespace of its own, on the
test database; the shared `app` runs without limits (testing turns them off).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from registry import create_app
from registry.apikeys.services import ApiKeyService
from registry.config import Settings
from registry.extensions import db
from tests.conftest import need_service

URL = "/api/v1/divisions/100000"


@pytest.fixture
def limited(app: Flask, session, tmp_path) -> Iterator[Callable[..., Flask]]:  # type: ignore[no-untyped-def]
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        config = {
            "database_url": app.config["SQLALCHEMY_DATABASE_URI"],
            "testing": True,
            "instance_path": tmp_path,
            "secret_key": "test-secret",
            "redis_url": None,
            "rate_limit_enabled": True,
            "rate_limit_anonymous": "3/minute;100/hour",
            "rate_limit_key": "5/minute",
            "rate_limit_partner": "8/minute",
            "rate_limit_key_prefix": f"test-{uuid.uuid4().hex}",
            **overrides,
        }
        limited_app = create_app(config, clock=app.extensions["registry.clock"])
        made.append(limited_app)
        return limited_app

    yield make
    for limited_app in made:
        with limited_app.app_context():
            db.engine.dispose()


def _rate_headers(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {k: v for k, v in response.headers.items() if k.startswith(("RateLimit", "Retry"))}


def _assert_too_many(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 429 and body["type"] == "/problems/too-many-requests"
    assert "X-API-Key" in body["detail"]
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert response.headers["RateLimit-Remaining"] == "0"
    assert response.headers["RateLimit-Reset"] == response.headers["Retry-After"]


def test_anonymous_clients_get_headers_then_429(limited):
    client = limited().test_client()
    for remaining in (2, 1, 0):
        response = client.get(URL)
        assert response.status_code == 200
        assert response.headers["RateLimit-Limit"] == "3"
        assert response.headers["RateLimit-Remaining"] == str(remaining)
        assert 0 < int(response.headers["RateLimit-Reset"]) <= 60
        assert response.headers["RateLimit-Policy"] == "3;w=60, 100;w=3600"
        assert "Retry-After" not in response.headers
    _assert_too_many(client.get(URL))
    # The budget is the client's across the whole API, not per endpoint.
    _assert_too_many(client.get("/api/v1/stats"))
    _assert_too_many(client.get("/api/v1/no-such-thing"))


def test_the_headers_name_the_limit_closest_to_running_out(limited):
    client = limited(rate_limit_anonymous="10/minute;2/hour").test_client()
    first = client.get(URL)
    assert (first.headers["RateLimit-Limit"], first.headers["RateLimit-Remaining"]) == ("2", "1")
    assert 60 < int(first.headers["RateLimit-Reset"]) <= 3600
    client.get(URL)
    third = client.get(URL)
    assert third.status_code == 429 and 60 < int(third.headers["Retry-After"]) <= 3600


def test_anonymous_clients_are_counted_by_ip_and_forwarded_for_is_not_trusted(limited):
    client = limited().test_client()
    for n in range(3):
        # A client cannot buy itself a fresh budget with a made-up X-Forwarded-For.
        forged = {"X-Forwarded-For": f"198.51.100.{n}"}
        assert client.get(URL, headers=forged).status_code == 200
    assert client.get(URL, headers={"X-Forwarded-For": "198.51.100.9"}).status_code == 429
    other = client.get(URL, environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert other.status_code == 200 and other.headers["RateLimit-Remaining"] == "2"


def test_behind_a_trusted_proxy_the_last_forwarded_hop_is_the_client(limited):
    client = limited(trusted_proxy=True).test_client()
    for _ in range(3):
        assert (
            client.get(URL, headers={"X-Forwarded-For": "1.1.1.1, 203.0.113.7"}).status_code == 200
        )
    limited_out = client.get(URL, headers={"X-Forwarded-For": "9.9.9.9, 203.0.113.7"})
    assert limited_out.status_code == 429  # the forged first hop changes nothing
    fresh = client.get(URL, headers={"X-Forwarded-For": "203.0.113.8"})
    assert fresh.status_code == 200


def test_a_valid_key_gets_its_tier_limits_counted_per_key(limited, session, clock):
    service = ApiKeyService(session, clock)
    _standard, secret = service.issue("portal")
    _partner, partner_secret = service.issue("ministry mirror", "partner")
    session.commit()
    client = limited().test_client()
    for n in range(5):
        # Counted by the key wherever it comes from.
        response = client.get(
            URL,
            headers={"X-API-Key": secret},
            environ_base={"REMOTE_ADDR": f"203.0.113.{n}"},
        )
        assert response.status_code == 200
        assert response.headers["RateLimit-Limit"] == "5"
        assert response.headers["RateLimit-Remaining"] == str(4 - n)
    _assert_too_many(client.get(URL, headers={"X-API-Key": secret}))
    # The key's budget is not the IP's.
    assert client.get(URL).headers["RateLimit-Remaining"] == "2"
    partner = client.get(URL, headers={"X-API-Key": partner_secret})
    assert partner.status_code == 200 and partner.headers["RateLimit-Limit"] == "8"


def test_a_bad_key_is_refused_not_downgraded(limited, session, clock):
    service = ApiKeyService(session, clock)
    revoked, revoked_secret = service.issue("old portal")
    service.revoke(revoked.prefix)
    _expired, expired_secret = service.issue("pilot", expires_at=clock.now() + timedelta(days=1))
    session.commit()
    clock.advance(days=2)
    client = limited(rate_limit_anonymous="10/minute").test_client()
    for secret in ("not-a-key", revoked_secret, expired_secret):
        response = client.get(URL, headers={"X-API-Key": secret})
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == 401
        assert "X-API-Key" in response.get_json()["detail"]
        assert response.headers["WWW-Authenticate"].lower().startswith("apikey")
        # Bad keys spend the IP's budget, so that guessing keys is limited too.
        assert response.headers["RateLimit-Limit"] == "10"
    assert client.get(URL).headers["RateLimit-Remaining"] == "6"


def test_bad_keys_are_refused_with_limits_off_too(limited):
    client = limited(rate_limit_enabled=False).test_client()
    assert client.get(URL, headers={"X-API-Key": "nope"}).status_code == 401
    for _ in range(5):
        response = client.get(URL)
        assert response.status_code == 200 and not _rate_headers(response)


def test_pages_health_docs_and_preflights_are_not_limited(limited):
    client = limited(rate_limit_anonymous="1/minute").test_client()
    for _ in range(3):
        for path in ("/", "/healthz", "/api/docs", "/api/docs/assets/swagger-ui.css"):
            response = client.get(path, headers={"X-API-Key": "ignored-off-the-api"})
            assert response.status_code == 200, path
            assert not _rate_headers(response), path
        preflight = client.options(
            URL,
            headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
        )
        assert preflight.status_code == 200
    assert client.get(URL).status_code == 200  # its one request is still there
    assert client.get(URL).status_code == 429


def test_the_results_download_spends_the_same_budget(limited):
    client = limited(rate_limit_anonymous="2/minute").test_client()
    assert client.get("/search?q=协会").status_code == 200  # the page itself: free
    download = client.get("/search.csv?q=协会")
    assert download.status_code == 200 and download.headers["RateLimit-Remaining"] == "1"
    assert client.get(URL).status_code == 200
    refused = client.get("/search.csv?q=协会")
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    assert "请求过于频繁" in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    english = client.get("/search.csv?q=协会&lang=en").get_data(as_text=True)
    assert "Too many requests" in english and "bulk downloads" in english


def test_cors_exposes_the_rate_limit_headers(limited):
    response = limited().test_client().get(URL, headers={"Origin": "https://example.org"})
    exposed = response.headers["Access-Control-Expose-Headers"]
    for header in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"):
        assert header in exposed


def test_redis_storage_is_shared_by_every_app(limited):
    url = os.environ.get("REDIS_URL")
    if not url:
        need_service("REDIS_URL is not set, so the Redis rate-limit storage is not tested")
    import redis

    prefix = f"test-{uuid.uuid4().hex}"
    # Two apps stand for two workers: they share the counters.
    first = limited(redis_url=url, rate_limit_key_prefix=prefix).test_client()
    second = limited(redis_url=url, rate_limit_key_prefix=prefix).test_client()
    connection = redis.Redis.from_url(url)
    try:
        assert first.get(URL).status_code == 200
        assert second.get(URL).headers["RateLimit-Remaining"] == "1"
        assert first.get(URL).status_code == 200
        _assert_too_many(second.get(URL))
        assert any(prefix in key.decode() for key in connection.scan_iter(f"*{prefix}*"))
    finally:
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)
        connection.close()


def test_limits_come_from_the_environment(tmp_path):
    env = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k"}
    assert Settings.from_env(env).rate_limit_enabled is None  # on, except in testing
    settings = Settings.from_env(
        {
            **env,
            "RATE_LIMIT_ENABLED": "0",
            "RATE_LIMIT_ANONYMOUS": "10/second",
            "RATE_LIMIT_KEY": "100/second",
            "TRUSTED_PROXY": "1",
        }
    )
    assert settings.rate_limit_enabled is False and settings.trusted_proxy is True
    assert (settings.rate_limit_anonymous, settings.rate_limit_key) == ("10/second", "100/second")
    assert Settings.from_env({**env, "RATE_LIMIT_ENABLED": "yes"}).rate_limit_enabled is True


def test_a_malformed_limit_fails_at_start(tmp_path):
    with pytest.raises(ValueError):
        create_app(
            {
                "database_url": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                "testing": True,
                "instance_path": tmp_path,
                "secret_key": "x",
                "rate_limit_anonymous": "sixty a minute",
            }
        )


def test_the_docs_describe_keys_and_limits(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    scheme = spec["components"]["securitySchemes"]["ApiKey"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert {} in spec["security"] and {"ApiKey": []} in spec["security"]
    description = spec["info"]["description"]
    for word in ("X-API-Key", "RateLimit-Limit", "RateLimit-Remaining", "Retry-After"):
        assert word in description
    problem = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert "application/problem+json" in problem

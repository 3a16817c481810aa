"""The statistics are kept a while once computed (registry.statistics): the API and the page
share them, a new day computes them afresh, Redis shares them between workers, and a cache
that cannot be reached costs nothing but the time."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from registry import create_app
from registry.extensions import db
from registry.organisations.services import OrganisationService
from tests.conftest import need_service
from tests.organisations.factories import registration


@pytest.fixture
def caching(app: Flask, tmp_path) -> Iterator[Callable[..., Flask]]:  # type: ignore[no-untyped-def]
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        config = {
            "database_url": app.config["SQLALCHEMY_DATABASE_URI"],
            "testing": True,
            "instance_path": tmp_path,
            "secret_key": "test-secret",
            "redis_url": None,
            "stats_cache_seconds": 60,
            **overrides,
        }
        made.append(create_app(config, clock=app.extensions["registry.clock"]))
        return made[-1]

    yield make
    for each in made:
        with each.app_context():
            db.engine.dispose()


def total(client) -> int:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/stats")
    assert response.status_code == 200
    return response.get_json()["total"]


def register(session, clock, name: str) -> None:  # type: ignore[no-untyped-def]
    OrganisationService(session, clock).register(registration(name=name, kind="social_group"))
    session.commit()


def test_the_figures_are_kept_until_the_next_day(caching, session, clock):
    client = caching().test_client()
    before = total(client)
    register(session, clock, "南京市玄武区缓存统计协会")
    assert total(client) == before  # kept: computed a moment ago
    page = client.get("/statistics").get_data(as_text=True)
    assert f"登记在册 {before} 个社会组织" in page  # the page draws the same figures
    fresh = total(caching(stats_cache_seconds=0).test_client())
    assert fresh == before + 1  # without the cache: the register as it is
    started = clock.now()
    try:
        clock.advance(days=1)
        assert total(client) == before + 1
    finally:
        clock.set(started)


def test_a_division_has_figures_of_its_own(caching, session, clock):
    client = caching().test_client()
    national = client.get("/api/v1/stats").get_json()
    province = client.get("/api/v1/stats?division=320000").get_json()
    assert province["division_code"] == "320000" and national["division_code"] == "100000"
    assert province["total"] <= national["total"]


def test_workers_share_the_figures_through_redis(caching, session, clock):
    url = os.environ.get("REDIS_URL")
    if not url:
        need_service("REDIS_URL is not set")
    prefix = f"test-{uuid.uuid4().hex}"
    first = caching(redis_url=url, rate_limit_key_prefix=prefix).test_client()
    before = total(first)
    register(session, clock, "南京市玄武区共享缓存协会")
    second = caching(redis_url=url, rate_limit_key_prefix=prefix).test_client()
    assert total(second) == before  # the first worker's figures
    elsewhere = caching(redis_url=url, rate_limit_key_prefix=f"{prefix}-other").test_client()
    assert total(elsewhere) == before + 1  # another deployment's namespace


def test_an_unreachable_cache_is_skipped(caching, session, clock):
    client = caching(redis_url="redis://127.0.0.1:9/0").test_client()
    before = total(client)
    register(session, clock, "南京市玄武区无缓存统计协会")
    assert total(client) == before + 1  # computed afresh each time, never an error
    assert client.get("/statistics").status_code == 200

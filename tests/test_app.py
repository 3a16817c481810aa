from __future__ import annotations

from datetime import date

import pytest

from registry.config import Settings
from registry.organisations.services import OrganisationService
from tests.organisations.factories import registration


def test_healthz_names_database_and_search(client, app):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"] == {
        "dialect": app.extensions["sqlalchemy"].engine.dialect.name,
        "ok": True,
    }
    assert body["search"]["backend"] == "database"


def test_every_response_has_a_request_id(client):
    response = client.get("/healthz")
    assert len(response.headers["X-Request-ID"]) == 32
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    hostile = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert hostile.headers["X-Request-ID"] != "<script>"


def test_missing_things_get_a_friendly_page_or_problem_json(client):
    page = client.get("/organisations/51100000500002862F")
    assert page.status_code == 404
    assert page.mimetype == "text/html"
    assert "未找到" in page.get_data(as_text=True)
    api = client.get("/api/v1/nothing-here")
    assert api.status_code == 404
    assert api.mimetype == "application/problem+json"
    assert api.get_json()["status"] == 404


def test_pages_show_chinese_records(client, session, clock):
    org = OrganisationService(session, clock).register(
        registration(name="南京市玄武区志愿者协会", kind="social_group")
    )
    OrganisationService(session, clock).record_change(
        org.uscc, {"legal_representative": "李华"}, effective_on=date(2019, 1, 1)
    )
    session.commit()
    home = client.get("/").get_data(as_text=True)
    assert "南京市玄武区志愿者协会" in home
    detail = client.get(f"/organisations/{org.uscc}").get_data(as_text=True)
    assert "李华" in detail and "王明" in detail and "社会团体" in detail


def test_secret_key_is_generated_once_and_kept(tmp_path):
    env = {"INSTANCE_PATH": str(tmp_path)}
    first = Settings.from_env(env)
    second = Settings.from_env(env)
    assert first.secret_key == second.secret_key and len(first.secret_key) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert first.database_url == f"sqlite:///{tmp_path / 'registry.sqlite3'}"


def test_settings_from_the_environment(tmp_path):
    settings = Settings.from_env(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "k",
            "DATABASE_URL": "postgresql+psycopg://127.0.0.1/x",
            "ELASTICSEARCH_URL": "http://127.0.0.1:9200",
            "REPORT_DUE_SOCIAL": "06-30",
        }
    )
    assert settings.search_backend == "elasticsearch"
    assert settings.report_due_social == (6, 30)
    with pytest.raises(ValueError):
        Settings.from_env({"INSTANCE_PATH": str(tmp_path), "REPORT_DUE_SOCIAL": "02-30"})
    with pytest.raises(TypeError, match="unknown settings"):
        settings.replace(no_such_setting=1)


def test_healthz_reports_redis_when_configured(app, session):
    import os

    from registry import create_app
    from tests.conftest import need_service

    url = os.environ.get("REDIS_URL")
    if not url:
        need_service("REDIS_URL is not set, so the Redis check does not run")
    settings = app.extensions["registry.settings"]
    with_redis = create_app(settings.replace(redis_url=url))
    assert with_redis.test_client().get("/healthz").get_json()["redis"] == {"ok": True}
    broken = create_app(settings.replace(redis_url="redis://127.0.0.1:1/0"))
    assert broken.test_client().get("/healthz").get_json()["redis"] == {"ok": False}

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from registry.apikeys.models import ApiKey, ApiKeyTier
from registry.apikeys.services import ApiKeyService, hash_secret
from registry.errors import InvalidRecord, NotFound


def test_issue_keeps_only_a_hash_of_the_secret(session, clock):
    key, secret = ApiKeyService(session, clock).issue("南京市数据开放平台", "partner")
    session.commit()
    stored = session.scalar(select(ApiKey).where(ApiKey.id == key.id))
    assert len(secret) == 40 and secret.isalnum()
    assert stored.key_hash == hash_secret(secret) and stored.key_hash != secret
    assert secret not in {stored.name, stored.key_hash}
    assert stored.prefix == secret[:8]
    assert stored.tier is ApiKeyTier.PARTNER
    assert stored.created_at is not None and stored.last_used_at is None


def test_verify_finds_the_key_and_records_its_use(session, clock):
    service = ApiKeyService(session, clock)
    key, secret = service.issue("researcher")
    assert service.verify(secret) is key
    assert key.last_used_at == clock.now()
    clock.advance(minutes=1)
    service.verify(secret)
    assert key.last_used_at == clock.now() - timedelta(minutes=1)  # not every request writes
    clock.advance(minutes=10)
    service.verify(secret)
    assert key.last_used_at == clock.now()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda s: s[:-1] + ("a" if s[-1] != "a" else "b"),  # right prefix, wrong secret
        lambda s: s.upper() if s.upper() != s else s.lower(),
        lambda s: s[:-1],
        lambda s: "",
        lambda s: s + "x",
        lambda s: "x" * 40,
    ],
)
def test_verify_refuses_anything_but_the_secret(session, clock, tamper):
    service = ApiKeyService(session, clock)
    _key, secret = service.issue("researcher")
    assert service.verify(tamper(secret)) is None


def test_revoked_and_expired_keys_no_longer_verify(session, clock):
    service = ApiKeyService(session, clock)
    revoked, revoked_secret = service.issue("old portal")
    expiring, expiring_secret = service.issue("pilot", expires_at=clock.now() + timedelta(days=7))
    session.commit()

    assert service.revoke(revoked.prefix) is revoked
    assert revoked.revoked_at == clock.now()
    assert service.verify(revoked_secret) is None

    assert service.verify(expiring_secret) is expiring
    clock.advance(days=7)
    assert service.verify(expiring_secret) is None
    assert not service.is_live(expiring)


def test_issue_and_revoke_refuse_nonsense(session, clock):
    service = ApiKeyService(session, clock)
    with pytest.raises(InvalidRecord):
        service.issue("  ")
    with pytest.raises(InvalidRecord):
        service.issue("x", tier="gold")
    with pytest.raises(InvalidRecord):
        service.issue("x", expires_at=clock.now())
    with pytest.raises(NotFound):
        service.revoke("nope1234")


def test_cli_create_prints_a_working_key_once(app, session, client):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["apikeys", "create", "Open data portal", "--tier", "partner"])
    assert created.exit_code == 0, created.output
    assert "shown only this once" in created.stderr
    secret = created.stdout.strip().splitlines()[-1]
    assert len(secret) == 40

    response = client.get("/api/v1/divisions/100000", headers={"X-API-Key": secret})
    assert response.status_code == 200
    [key] = ApiKeyService(session, app.extensions["registry.clock"]).all()
    assert key.tier is ApiKeyTier.PARTNER and key.last_used_at is not None

    listed = runner.invoke(args=["apikeys", "list"])
    assert listed.exit_code == 0
    assert key.prefix in listed.output and "partner" in listed.output
    assert secret not in listed.output and key.key_hash not in listed.output

    revoked = runner.invoke(args=["apikeys", "revoke", key.prefix])
    assert revoked.exit_code == 0, revoked.output
    assert "revoked" in runner.invoke(args=["apikeys", "list"]).output
    refused = client.get("/api/v1/divisions/100000", headers={"X-API-Key": secret})
    assert refused.status_code == 401


def test_cli_expiry_and_errors(app, session, clock):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["apikeys", "create", "pilot", "--expires-days", "30"])
    assert created.exit_code == 0, created.output
    [key] = ApiKeyService(session, clock).all()
    assert key.expires_at.replace(tzinfo=None) == (clock.now() + timedelta(days=30)).replace(
        tzinfo=None
    )
    assert runner.invoke(args=["apikeys", "revoke", "zzzzzzzz"]).exit_code == 1
    assert runner.invoke(args=["apikeys", "create", "x", "--tier", "gold"]).exit_code == 2

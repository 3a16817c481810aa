from __future__ import annotations

from registry.accounts.models import OfficerRole
from registry.accounts.services import AccountService
from registry.audit.models import AuditEvent
from tests.accounts.factories import PASSWORD, bearer, officer_with_token


def test_officer_with_token_makes_a_working_officer_and_token(session, clock, client):
    holder, token = officer_with_token(session, OfficerRole.REVIEWER, "320102")
    assert holder.id is not None and holder.authority.code == "320102"
    assert token.startswith("rgo_")
    service = AccountService(session, clock)
    assert service.verify_token(token) is holder
    assert service.authenticate(holder.username, PASSWORD) is holder
    assert session.query(AuditEvent).count() == 0  # factories write no audit events

    me = client.get("/api/v1/officer/me", headers=bearer(token))
    assert me.status_code == 200, me.get_json()
    assert me.get_json()["username"] == holder.username


def test_officer_with_token_takes_a_username(session):
    holder, _token = officer_with_token(session, "head", "320000", username="zhang.wei")
    assert holder.username == "zhang.wei" and holder.role is OfficerRole.HEAD

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from registry.accounts.models import ApiToken, Officer, OfficerRole
from registry.accounts.rules import Actor
from registry.accounts.services import (
    BAD_CREDENTIALS,
    AccountPolicy,
    AccountService,
    hash_token,
    password_hasher,
)
from registry.audit.models import AuditEvent
from registry.audit.services import verify
from registry.errors import Forbidden, InvalidRecord, NotFound, TooManyAttempts, Unauthenticated
from tests.accounts.factories import PASSWORD, actor, officer, token_for

CLI = Actor.system("cli")
GOOD = "长江黄河1949-ok"


def events(session, action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query))


@pytest.fixture
def service(session, clock) -> AccountService:
    return AccountService(session, clock)


# -- accounts ---------------------------------------------------------------------------


def test_create_officer_hashes_with_argon2id_and_audits_no_hash(session, service):
    created = service.create_officer(CLI, " Wang.Fang ", "王芳", "320102", "clerk", GOOD)
    assert created.username == "wang.fang"
    assert created.authority.code == "320102" and created.role is OfficerRole.CLERK
    assert created.password_hash.startswith("$argon2id$")
    assert GOOD not in created.password_hash
    assert password_hasher(fast=True).verify(created.password_hash, GOOD)

    [event] = events(session, "account.create")
    assert event.actor == "system:cli" and event.subject_key == "wang.fang"
    assert json.loads(event.after) == {
        "username": "wang.fang",
        "full_name": "王芳",
        "authority_code": "320102",
        "role": "clerk",
        "is_active": True,
    }
    assert "argon2" not in event.after and GOOD not in event.after
    assert verify(session).ok


def test_testing_hashes_cheaply_and_production_strongly(app):
    with app.app_context():
        assert AccountPolicy.current().fast_hashing is True
    assert AccountPolicy().fast_hashing is False
    strong = password_hasher(fast=False).hash(GOOD)
    assert "m=65536,t=3,p=4" in strong
    assert "m=8192,t=1,p=1" in password_hasher(fast=True).hash(GOOD)


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("password", {"password": "short1234"}),  # 9 characters
        ("password", {"password": "x" * 257}),
        ("password", {"username": "lihua.admin", "password": "LIHUA.ADMIN"}),
        ("username", {"username": "ab"}),
        ("username", {"username": "李华"}),
        ("username", {"username": "system:cli"}),
        ("username", {"username": "-dash"}),
        ("full_name", {"full_name": "  "}),
        ("role", {"role": "superuser"}),
        ("authority_code", {"authority_code": "999999"}),
    ],
)
def test_create_officer_refuses_bad_input_with_the_field(service, field, overrides):
    values = {
        "username": "lihua",
        "full_name": "李华",
        "authority_code": "320102",
        "role": "clerk",
        "password": GOOD,
        **overrides,
    }
    with pytest.raises(InvalidRecord) as refused:
        service.create_officer(CLI, **values)
    assert refused.value.details["errors"][0]["field"] == field


def test_password_of_exactly_ten_characters_is_enough(service):
    assert service.create_officer(CLI, "lihua", "李华", "320102", "clerk", "0123456789")


def test_usernames_are_unique(service):
    service.create_officer(CLI, "lihua", "李华", "320102", "clerk", GOOD)
    with pytest.raises(InvalidRecord, match="already taken") as refused:
        service.create_officer(CLI, "LiHua", "李华", "320000", "head", GOOD)
    assert refused.value.details["errors"] == [
        {"field": "username", "message": "the username 'lihua' is already taken"}
    ]


@pytest.mark.parametrize(
    ("admin_at", "target", "allowed"),
    [
        ("320102", "320102", True),  # own authority
        ("320100", "320102", True),  # a prefecture for its district
        ("320000", "320102", True),  # a province for a district
        ("100000", "440100", True),  # the ministry for anyone
        ("320102", "320100", False),  # a district not for its prefecture
        ("320102", "320104", False),  # nor for a sibling
        ("320000", "440000", False),  # a province not for another
    ],
)
def test_admins_create_accounts_within_their_jurisdiction(
    session, service, admin_at, target, allowed
):
    admin = actor(officer(session, "admin", admin_at))
    if allowed:
        assert service.create_officer(admin, "newbie", "新人", target, "clerk", GOOD)
    else:
        with pytest.raises(Forbidden, match="subordinate"):
            service.create_officer(admin, "newbie", "新人", target, "clerk", GOOD)


@pytest.mark.parametrize("role", ["clerk", "reviewer", "head"])
def test_only_admins_manage_accounts(session, service, role):
    someone = actor(officer(session, role, "320102"))
    with pytest.raises(Forbidden, match=r"may not account\.manage"):
        service.create_officer(someone, "newbie", "新人", "320102", "clerk", GOOD)
    with pytest.raises(Forbidden):
        service.list_officers(someone)


def test_update_officer_changes_role_and_activity_and_audits(session, service):
    admin = actor(officer(session, "admin", "320100"))
    clerk = officer(session, "clerk", "320102", "clerk.a")
    service.update_officer(admin, "clerk.a", role="reviewer", is_active=False)
    assert clerk.role is OfficerRole.REVIEWER and clerk.is_active is False
    [event] = events(session, "account.update")
    assert json.loads(event.before)["role"] == "clerk"
    assert json.loads(event.after) == {
        "username": "clerk.a",
        "full_name": "李华",
        "authority_code": "320102",
        "role": "reviewer",
        "is_active": False,
    }
    with pytest.raises(Unauthenticated, match="deactivated"):
        service.authenticate("clerk.a", PASSWORD)


def test_update_password_rehashes_unlocks_and_never_audits_it(session, service, clock):
    admin = actor(officer(session, "admin", "320102"))
    clerk = officer(session, "clerk", "320102", "clerk.b")
    clerk.failed_logins, clerk.locked_until = 5, clock.now() + timedelta(minutes=10)
    old_hash = clerk.password_hash
    service.update_officer(admin, "clerk.b", password=GOOD)
    assert clerk.password_hash != old_hash and clerk.locked_until is None
    assert service.authenticate("clerk.b", GOOD) is clerk
    [event] = events(session, "account.update")
    assert json.loads(event.after)["password_changed"] is True
    assert old_hash not in event.after and clerk.password_hash not in event.after
    with pytest.raises(InvalidRecord):
        service.update_officer(admin, "clerk.b", password="short")


def test_admins_cannot_lock_themselves_out_nor_reach_outside(session, service):
    admin_officer = officer(session, "admin", "320102", "admin.x")
    admin = actor(admin_officer)
    with pytest.raises(InvalidRecord, match="another admin"):
        service.update_officer(admin, "admin.x", is_active=False)
    with pytest.raises(InvalidRecord, match="another admin"):
        service.update_officer(admin, "admin.x", role="clerk")
    service.update_officer(admin, "admin.x", full_name="新名字")  # harmless changes are fine
    officer(session, "clerk", "320104", "sibling")
    with pytest.raises(Forbidden):
        service.update_officer(admin, "sibling", is_active=False)
    with pytest.raises(NotFound):
        service.update_officer(admin, "nobody", is_active=False)


def test_list_officers_sees_its_jurisdiction_only(session, service):
    officer(session, "clerk", "320102", "a.district")
    officer(session, "clerk", "320100", "b.city")
    officer(session, "clerk", "440100", "c.guangzhou")
    city_admin = actor(officer(session, "admin", "320100", "d.admin"))
    names = [o.username for o in service.list_officers(city_admin)]
    assert names == ["a.district", "b.city", "d.admin"]
    assert [o.username for o in service.list_officers(city_admin, after="a.district", limit=1)] == [
        "b.city"
    ]
    assert len(service.list_officers(CLI)) == 4


# -- signing in ------------------------------------------------------------------------


def test_authenticate_sets_last_login_and_resets_failures(session, service, clock):
    clerk = officer(session, "clerk", "320102", "clerk.c")
    clerk.failed_logins = 3
    assert service.authenticate(" CLERK.C ", PASSWORD) is clerk
    assert clerk.failed_logins == 0 and clerk.last_login_at == clock.now()


def test_unknown_user_and_wrong_password_get_the_same_message(session, service):
    officer(session, "clerk", "320102", "clerk.d")
    with pytest.raises(Unauthenticated) as unknown:
        service.authenticate("nobody", PASSWORD)
    with pytest.raises(Unauthenticated) as wrong:
        service.authenticate("clerk.d", "wrong password")
    assert unknown.value.message == wrong.value.message == BAD_CREDENTIALS
    assert [e.action for e in events(session)] == ["account.login_failed"]


def test_five_failures_lock_the_account_until_time_passes(session, service, clock):
    clerk = officer(session, "clerk", "320102", "clerk.e")
    for attempt in range(1, 5):
        with pytest.raises(Unauthenticated):
            service.authenticate("clerk.e", f"wrong {attempt}")
        assert clerk.failed_logins == attempt
    with pytest.raises(TooManyAttempts) as locked:
        service.authenticate("clerk.e", "wrong 5")
    assert locked.value.details["retry_after"] == 15 * 60
    assert "15" in locked.value.message
    assert [e.action for e in events(session)][-2:] == ["account.login_failed", "account.locked"]

    # Locked: even the right password is refused, without being checked or counted.
    clock.advance(minutes=14)
    with pytest.raises(TooManyAttempts) as still:
        service.authenticate("clerk.e", PASSWORD)
    assert still.value.details["retry_after"] == 60
    assert clerk.failed_logins == 5

    clock.advance(minutes=1)
    assert service.authenticate("clerk.e", PASSWORD) is clerk
    assert clerk.failed_logins == 0 and clerk.locked_until is None
    assert verify(session).ok


def test_after_a_lock_runs_out_a_failure_starts_a_fresh_count(session, service, clock):
    clerk = officer(session, "clerk", "320102", "clerk.f")
    clerk.failed_logins, clerk.locked_until = 5, clock.now() - timedelta(seconds=1)
    with pytest.raises(Unauthenticated):
        service.authenticate("clerk.f", "wrong again")
    assert clerk.failed_logins == 1 and clerk.locked_until is None


def test_lock_settings_are_configurable(session, clock):
    service = AccountService(session, clock, AccountPolicy(2, 1, fast_hashing=True))
    officer(session, "clerk", "320102", "clerk.g")
    with pytest.raises(Unauthenticated):
        service.authenticate("clerk.g", "wrong 1")
    with pytest.raises(TooManyAttempts) as locked:
        service.authenticate("clerk.g", "wrong 2")
    assert locked.value.details["retry_after"] == 60


def test_a_hash_with_old_parameters_is_upgraded_on_sign_in(session, service):
    clerk = officer(session, "clerk", "320102", "clerk.h")
    weak = password_hasher(fast=True)
    from argon2 import PasswordHasher

    clerk.password_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(
        PASSWORD
    )
    assert weak.check_needs_rehash(clerk.password_hash)
    service.authenticate("clerk.h", PASSWORD)
    assert not weak.check_needs_rehash(clerk.password_hash)
    assert weak.verify(clerk.password_hash, PASSWORD)


def test_a_corrupt_hash_is_a_failed_sign_in_not_a_crash(session, service):
    clerk = officer(session, "clerk", "320102", "clerk.i")
    clerk.password_hash = "not-a-hash"
    with pytest.raises(Unauthenticated):
        service.authenticate("clerk.i", PASSWORD)


# -- tokens ----------------------------------------------------------------------------


def test_issue_token_keeps_only_a_hash_and_verifies(session, service, clock):
    clerk = officer(session, "clerk", "320102")
    token, secret = service.issue_token(actor(clerk), "report intake")
    assert secret.startswith("rgo_") and len(secret) == 44 and secret[4:].isalnum()
    stored = session.scalar(select(ApiToken).where(ApiToken.id == token.id))
    assert stored.token_hash == hash_token(secret) and stored.prefix == secret[:12]
    assert secret not in (stored.name, stored.token_hash)
    assert stored.expires_at == clock.now() + timedelta(days=90)
    assert service.verify_token(secret) is clerk

    [event] = events(session, "token.issue")
    assert secret not in event.after and stored.token_hash not in event.after
    assert json.loads(event.after)["prefix"] == stored.prefix


@pytest.mark.parametrize("days", [0, 366, -1])
def test_token_lifetime_is_bounded(session, service, days):
    with pytest.raises(InvalidRecord):
        service.issue_token(actor(officer(session)), "x", days)


def test_token_expiry(session, service, clock):
    clerk = officer(session)
    _token, secret = service.issue_token(actor(clerk), "short-lived", 1)
    clock.advance(hours=23, minutes=59)
    assert service.verify_token(secret) is clerk
    clock.advance(minutes=1)
    with pytest.raises(Unauthenticated, match="expired"):
        service.verify_token(secret)


def test_revoked_tokens_and_inactive_officers_are_refused(session, service):
    clerk = officer(session)
    token, secret = service.issue_token(actor(clerk), "script")
    assert service.revoke_token(actor(clerk), token.id).revoked_at is not None
    with pytest.raises(Unauthenticated, match="revoked"):
        service.verify_token(secret)
    assert [e.action for e in events(session)] == ["token.issue", "token.revoke"]
    service.revoke_token(actor(clerk), token.id)  # twice: no second event
    assert len(events(session, "token.revoke")) == 1

    _other, other_secret = token_for(session, clerk)
    clerk.is_active = False
    with pytest.raises(Unauthenticated, match="deactivated"):
        service.verify_token(other_secret)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda s: s[:-1] + ("a" if s[-1] != "a" else "b"),
        lambda s: s.upper() if s.upper() != s else s.lower(),
        lambda s: s[:-1],
        lambda s: "",
        lambda s: "rgo_" + "x" * 40,
        lambda s: "Bearer " + s,
    ],
)
def test_verify_token_refuses_anything_but_the_secret(session, service, tamper):
    _token, secret = token_for(session, officer(session))
    with pytest.raises(Unauthenticated):
        service.verify_token(tamper(secret))


def test_last_used_is_touched_at_most_every_five_minutes(session, service, clock):
    token, secret = token_for(session, officer(session))
    service.verify_token(secret)
    first = clock.now()
    assert token.last_used_at == first
    clock.advance(minutes=4)
    service.verify_token(secret)
    assert token.last_used_at == first
    clock.advance(minutes=1)
    service.verify_token(secret)
    assert token.last_used_at == clock.now()


def test_revoking_others_tokens_needs_an_admin_within_reach(session, service):
    clerk = officer(session, "clerk", "320102")
    colleague = officer(session, "clerk", "320102")
    token, _secret = token_for(session, clerk)
    with pytest.raises(Forbidden):
        service.revoke_token(actor(colleague), token.id)
    sibling_admin = officer(session, "admin", "320104")
    with pytest.raises(Forbidden):
        service.revoke_token(actor(sibling_admin), token.id)
    city_admin = officer(session, "admin", "320100")
    assert service.revoke_token(actor(city_admin), token.id).revoked_at is not None
    [event] = events(session, "token.revoke")
    assert event.actor == city_admin.username
    with pytest.raises(NotFound):
        service.revoke_token(actor(clerk), 10**6)


def test_list_tokens_own_or_an_admins_view(session, service, clock):
    clerk = officer(session, "clerk", "320102", "clerk.j")
    first, _ = token_for(session, clerk)
    clock.advance(minutes=1)
    second, _ = token_for(session, clerk)
    assert service.list_tokens(actor(clerk)) == [second, first]
    admin = officer(session, "admin", "320102")
    assert service.list_tokens(actor(admin), "clerk.j") == [second, first]
    with pytest.raises(Forbidden):
        service.list_tokens(actor(officer(session, "clerk", "320102")), "clerk.j")


def test_only_the_cli_issues_tokens_for_someone_else(session, service):
    clerk = officer(session, "clerk", "320102")
    admin = officer(session, "admin", "320102")
    with pytest.raises(Forbidden):
        service.issue_token(actor(admin), "for you", for_officer=clerk)
    token, _secret = service.issue_token(CLI, "for you", for_officer=clerk)
    assert token.officer is clerk
    with pytest.raises(InvalidRecord):
        service.issue_token(CLI, "for nobody")


def test_actor_for(session, service):
    clerk = officer(session, "reviewer", "320102", "rev.k")
    assert service.actor_for(clerk) == Actor(
        "rev.k", OfficerRole.REVIEWER, "320102", clerk.id, clerk.authority_id
    )
    assert isinstance(session.get(Officer, clerk.id), Officer)

"""Factories for officers and their tokens.

They insert the rows directly (cheap argon2 hash, no audit event), so that a test of
another domain sees in the audit trail only the events its own actions wrote.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.models import ApiToken, Officer, OfficerRole
from registry.accounts.rules import Actor
from registry.accounts.services import (
    TOKEN_PREFIX_LENGTH,
    hash_token,
    new_token_secret,
    password_hasher,
)
from registry.authorities.models import RegistrationAuthority
from registry.clock import Clock, FixedClock

_serial = itertools.count(1)
#: every factory officer's password
PASSWORD = "correct horse battery"


def _now(clock: Clock | None) -> Clock:
    if clock is not None:
        return clock
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app.extensions["registry.clock"]
    from tests.conftest import TEST_NOW

    return FixedClock(TEST_NOW)


def officer(
    session: Session,
    role: OfficerRole | str = OfficerRole.CLERK,
    authority_code: str = "320102",
    username: str | None = None,
    *,
    full_name: str = "李华",
    password: str = PASSWORD,
    is_active: bool = True,
    clock: Clock | None = None,
) -> Officer:
    authority = session.scalar(
        select(RegistrationAuthority).where(RegistrationAuthority.code == authority_code)
    )
    if authority is None:
        raise LookupError(f"no registration authority {authority_code} in the test database")
    role = OfficerRole(role)
    record = Officer(
        username=username or f"{role.value}{next(_serial)}",
        full_name=full_name,
        authority=authority,
        role=role,
        password_hash=password_hasher(fast=True).hash(password),
        is_active=is_active,
        failed_logins=0,
        created_at=_now(clock).now(),
    )
    session.add(record)
    session.flush()
    return record


def token_for(
    session: Session, holder: Officer, *, days: int = 90, clock: Clock | None = None
) -> tuple[ApiToken, str]:
    secret = new_token_secret()
    now = _now(clock).now()
    token = ApiToken(
        officer=holder,
        name="test token",
        prefix=secret[:TOKEN_PREFIX_LENGTH],
        token_hash=hash_token(secret),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(token)
    session.flush()
    return token, secret


def officer_with_token(
    session: Session,
    role: OfficerRole | str,
    authority_code: str,
    username: str | None = None,
) -> tuple[Officer, str]:
    """An officer of `authority_code` and a live bearer token: send
    `{"Authorization": f"Bearer {token}"}`. Flushed, not committed."""
    holder = officer(session, role, authority_code, username)
    _token, secret = token_for(session, holder)
    return holder, secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def actor(holder: Officer) -> Actor:
    return Actor(
        holder.username, holder.role, holder.authority.code, holder.id, holder.authority_id
    )

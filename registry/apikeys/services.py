"""Issuing, verifying and revoking API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.apikeys.models import ApiKey, ApiKeyTier
from registry.clock import Clock
from registry.errors import InvalidRecord, NotFound

# Letters and digits only: a secret never starts with "-" (a CLI option) nor needs escaping.
ALPHABET = string.ascii_letters + string.digits
SECRET_LENGTH = 40  # ≈ 238 bits
PREFIX_LENGTH = 8
#: last_used_at is written at most this often, so that busy keys don't write on every request
TOUCH_INTERVAL = timedelta(minutes=5)


def hash_secret(secret: str) -> str:
    # A fast hash is right here: the secret is 238 random bits, so there is nothing to
    # brute-force that a slow password hash (argon2) would protect, and verifying runs on
    # every API request.
    return hashlib.sha256(secret.encode()).hexdigest()


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; the register writes them all in UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


class ApiKeyService:
    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    def issue(
        self,
        name: str,
        tier: ApiKeyTier | str = ApiKeyTier.STANDARD,
        expires_at: datetime | None = None,
    ) -> tuple[ApiKey, str]:
        """A new key and its secret; the secret is not stored and cannot be shown again."""
        name = name.strip()
        if not name or len(name) > 200:
            raise InvalidRecord("an API key needs a name of 1 to 200 characters")
        try:
            tier = ApiKeyTier(tier)
        except ValueError:
            raise InvalidRecord(f"unknown tier {tier!r}: standard or partner") from None
        now = self.clock.now()
        if expires_at is not None and _aware(expires_at) <= now:
            raise InvalidRecord("an API key cannot expire before it is issued")
        while True:
            secret = "".join(secrets.choice(ALPHABET) for _ in range(SECRET_LENGTH))
            prefix = secret[:PREFIX_LENGTH]
            taken = self.session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix))
            if taken is None:
                break
        key = ApiKey(
            name=name,
            prefix=prefix,
            key_hash=hash_secret(secret),
            tier=tier,
            created_at=now,
            expires_at=expires_at,
        )
        self.session.add(key)
        self.session.flush()
        return key, secret

    def verify(self, secret: str) -> ApiKey | None:
        """The live key with this secret, its use recorded; None for anything else."""
        if not secret or len(secret) != SECRET_LENGTH:
            return None
        key = self.session.scalar(select(ApiKey).where(ApiKey.prefix == secret[:PREFIX_LENGTH]))
        if key is None or not hmac.compare_digest(key.key_hash, hash_secret(secret)):
            return None
        if not self.is_live(key):
            return None
        now = self.clock.now()
        last_used = _aware(key.last_used_at)
        if last_used is None or now - last_used >= TOUCH_INTERVAL:
            key.last_used_at = now
        return key

    def revoke(self, prefix: str) -> ApiKey:
        key = self.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
        if key is None:
            raise NotFound(f"no API key with prefix {prefix!r}")
        if key.revoked_at is None:
            key.revoked_at = self.clock.now()
        return key

    def all(self) -> list[ApiKey]:
        return list(self.session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))

    def is_live(self, key: ApiKey) -> bool:
        expires_at = _aware(key.expires_at)
        return key.revoked_at is None and (expires_at is None or expires_at > self.clock.now())

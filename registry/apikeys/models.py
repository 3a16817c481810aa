from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db, enum_values


class ApiKeyTier(enum.StrEnum):
    STANDARD = "standard"
    #: institutions that mirror the register (other government portals, researchers)
    PARTNER = "partner"


class ApiKey(db.Model):
    """A client's key. Only a hash of the secret is kept: the secret is shown once."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: who holds it, e.g. "Nanjing open-data portal"
    name: Mapped[str] = mapped_column(String(200))
    #: the secret's first characters, so that officers can tell keys apart and revoke one
    prefix: Mapped[str] = mapped_column(String(8), unique=True)
    #: sha256 hex of the secret
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    tier: Mapped[ApiKeyTier] = mapped_column(
        Enum(ApiKeyTier, native_enum=False, length=16, values_callable=enum_values),
        default=ApiKeyTier.STANDARD,
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

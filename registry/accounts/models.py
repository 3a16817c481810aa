from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.authorities.models import RegistrationAuthority
from registry.extensions import db, enum_values


class OfficerRole(enum.StrEnum):
    CLERK = "clerk"  # receives reports, records facts
    REVIEWER = "reviewer"  # concludes inspections, records list grounds, rates
    HEAD = "head"  # approves decisions (the only role that approves a deregistration)
    ADMIN = "admin"  # manages accounts


class Officer(db.Model):
    """A registration officer of one authority. Never public."""

    __tablename__ = "officer"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(100))
    authority_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"), index=True)
    role: Mapped[OfficerRole] = mapped_column(
        Enum(OfficerRole, native_enum=False, length=16, values_callable=enum_values)
    )
    #: argon2id, with its parameters in the string
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: consecutive failed logins; the account locks for a while after too many
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    authority: Mapped[RegistrationAuthority] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Officer {self.username} {self.role.value}>"


class ApiToken(db.Model):
    """An officer's token for programmatic use: shown once, kept as a hash, with an expiry."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"), index=True)
    #: what it is for, e.g. "report intake script"
    name: Mapped[str] = mapped_column(String(200))
    #: the secret's first characters, so that a token can be told apart and revoked
    prefix: Mapped[str] = mapped_column(String(12), unique=True)
    #: sha256 hex of the secret (high-entropy secrets need no slow hash)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    officer: Mapped[Officer] = relationship(lazy="joined")

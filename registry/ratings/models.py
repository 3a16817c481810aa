from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import Officer
from registry.authorities.models import RegistrationAuthority
from registry.extensions import db
from registry.organisations.models import Organisation


class Rating(db.Model):
    """A rating (等级评估): 1A–5A from a score, valid 5 years."""

    __tablename__ = "rating"
    __table_args__ = (Index("ix_rating_org_rated", "organisation_id", "rated_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    grade: Mapped[str] = mapped_column(String(2))
    score: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    rated_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"))
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: a rating withdrawn before its term (e.g. the organisation was revoked)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship()
    authority: Mapped[RegistrationAuthority] = relationship()
    rated_by: Mapped[Officer | None] = relationship()

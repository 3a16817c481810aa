from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.authorities.models import RegistrationAuthority
from registry.divisions.models import AdministrativeDivision
from registry.extensions import db, enum_values


class FilingStatus(enum.StrEnum):
    ACTIVE = "active"  # 已备案
    WITHDRAWN = "withdrawn"  # 撤销备案


class CommunityOrganisation(db.Model):
    """A community organisation filing: no legal-person status, no credit code."""

    __tablename__ = "community_organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_number: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    #: the county-level civil-affairs department that keeps the filing
    authority_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"), index=True)
    #: the street office or township government that received it, when not the county
    street_office: Mapped[str | None] = mapped_column(String(100))
    division_code: Mapped[str] = mapped_column(
        ForeignKey("administrative_division.code"), index=True
    )
    person_in_charge: Mapped[str] = mapped_column(String(100))
    domicile: Mapped[str] = mapped_column(String(300))
    activity_scope: Mapped[str] = mapped_column(Text)
    filed_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[FilingStatus] = mapped_column(
        Enum(FilingStatus, native_enum=False, length=16, values_callable=enum_values),
        default=FilingStatus.ACTIVE,
    )
    status_date: Mapped[date | None] = mapped_column(Date)
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    authority: Mapped[RegistrationAuthority] = relationship(lazy="joined")
    division: Mapped[AdministrativeDivision] = relationship(lazy="joined")

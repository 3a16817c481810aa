from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import Officer
from registry.extensions import db, enum_values
from registry.organisations.models import Organisation


class ReportChannel(enum.StrEnum):
    COUNTER = "counter"  # received by a clerk
    API = "api"  # sent with an API token


class ReportStatus(enum.StrEnum):
    SUBMITTED = "submitted"  # waiting in the authority's review queue
    CONCLUDED = "concluded"


class Conclusion(enum.StrEnum):
    PASS = "pass"  # 合格
    BASIC_PASS = "basic_pass"  # 基本合格: minor problems, ordered to correct
    FAIL = "fail"  # 不合格


def _enum(cls: type[enum.Enum], length: int = 16) -> Enum:
    return Enum(cls, native_enum=False, length=length, values_callable=enum_values)


class AnnualReport(db.Model):
    """An organisation's annual report for one year (年度工作报告), and its inspection.

    The contents are for the officers; the public sees the year, the dates and the
    conclusion (inspections/public.py).
    """

    __tablename__ = "annual_report"
    __table_args__ = (
        UniqueConstraint("organisation_id", "year"),
        Index("ix_annual_report_year_status", "year", "status"),
        # the statistics count every report by year, joined to its organisation: the
        # three columns they read, in an index, spare them the reports' large rows
        Index("ix_annual_report_year_org_submitted", "year", "organisation_id", "submitted_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    year: Mapped[int] = mapped_column(Integer)
    submitted_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[ReportChannel] = mapped_column(_enum(ReportChannel))
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    # -- contents (DOMAIN.md: annual inspection) ---------------------------------
    compliance_statement: Mapped[str] = mapped_column(Text)
    registration_changes: Mapped[str | None] = mapped_column(Text)
    #: JSON list of {"title", "date", "description"}
    activities: Mapped[str] = mapped_column(Text)
    staff_count: Mapped[int] = mapped_column(Integer)
    volunteer_count: Mapped[int | None] = mapped_column(Integer)
    #: JSON list of {"name", "position"}: the organisation's officers (负责人)
    officers: Mapped[str] = mapped_column(Text)
    branch_count: Mapped[int] = mapped_column(Integer, default=0)
    income: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    expenditure: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    net_assets: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    donations_received: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=0)
    domestic_donations: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    foreign_donations: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    #: foundations: grants made and the auditor's opinion
    grants_made: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    audit_opinion: Mapped[str | None] = mapped_column(String(200))
    party_building: Mapped[str | None] = mapped_column(Text)

    # -- inspection -------------------------------------------------------------
    status: Mapped[ReportStatus] = mapped_column(
        _enum(ReportStatus), default=ReportStatus.SUBMITTED
    )
    conclusion: Mapped[Conclusion | None] = mapped_column(_enum(Conclusion))
    #: the published reasons of a basic pass or a fail
    conclusion_reasons: Mapped[str | None] = mapped_column(Text)
    concluded_on: Mapped[date | None] = mapped_column(Date)
    concluded_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    #: a correction order (责令整改) and its deadline; corrected_on when it was met
    correction_order: Mapped[str | None] = mapped_column(Text)
    correction_deadline: Mapped[date | None] = mapped_column(Date)
    corrected_on: Mapped[date | None] = mapped_column(Date)
    #: the reviewer's working notes: never public
    review_notes: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship()
    received_by: Mapped[Officer | None] = relationship(foreign_keys=[received_by_id])
    concluded_by: Mapped[Officer | None] = relationship(foreign_keys=[concluded_by_id])

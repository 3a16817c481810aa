from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import Officer
from registry.authorities.models import RegistrationAuthority
from registry.extensions import db, enum_values
from registry.organisations.models import Organisation


class CreditList(enum.StrEnum):
    ABNORMAL = "abnormal"  # 活动异常名录
    DISHONEST = "dishonest"  # 严重违法失信名单


class EntryGround(enum.StrEnum):
    """Why an organisation went onto a list (社会组织信用信息管理办法, 2018)."""

    # abnormal-activities list
    REPORT_NOT_FILED = "report_not_filed"  # automatic, the day after the due date
    RECTIFICATION_NOT_MET = "rectification_not_met"
    MINOR_PENALTY = "minor_penalty"  # a warning, or a fine under ¥50,000
    UNREACHABLE = "unreachable"  # two registered letters unanswered, 20–60 days apart
    # serious-dishonesty list
    ABNORMAL_TWO_YEARS = "abnormal_two_years"  # automatic
    REVOCATION = "revocation"
    MAJOR_FINE = "major_fine"  # ¥50,000 or more
    REPEATED_PENALTIES = "repeated_penalties"  # two or more warnings or fines in 3 years


class RemovalGround(enum.StrEnum):
    REMEDIED = "remedied"  # the organisation remedied (report filed, order met …)
    EXPIRED = "expired"  # 6 months (abnormal, no remedy owed) or 2 years (dishonest)
    ESCALATED = "escalated"  # moved onto the serious-dishonesty list
    DEREGISTERED = "deregistered"
    RESCINDED = "rescinded"  # entered in error, or overturned on review


class PenaltyKind(enum.StrEnum):
    WARNING = "warning"  # 警告
    FINE = "fine"  # 罚款


class ContactMethod(enum.StrEnum):
    LETTER = "letter"  # registered letter (挂号信)
    CALL = "call"
    VISIT = "visit"


def _enum(cls: type[enum.Enum], length: int = 32) -> Enum:
    return Enum(cls, native_enum=False, length=length, values_callable=enum_values)


class CreditListEntry(db.Model):
    """One stay of one organisation on one list: entered and (later) removed, each dated
    with its ground. Entries are public; `notes` is not."""

    __tablename__ = "credit_list_entry"
    __table_args__ = (
        # One automatic entry per organisation and missing report: `credit run` is idempotent.
        Index(
            "uq_credit_list_entry_report",
            "organisation_id",
            "report_year",
            unique=True,
            sqlite_where=db.text("ground = 'report_not_filed'"),
            postgresql_where=db.text("ground = 'report_not_filed'"),
        ),
        Index("ix_credit_list_entry_org_list", "organisation_id", "list_name", "entered_on"),
        Index("ix_credit_list_entry_list_entered", "list_name", "entered_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    list_name: Mapped[CreditList] = mapped_column(_enum(CreditList, 16))
    ground: Mapped[EntryGround] = mapped_column(_enum(EntryGround))
    #: the public statement of the ground, e.g. "未按规定报送2025年度工作报告"
    detail: Mapped[str] = mapped_column(Text)
    #: the year of the missing report (ground report_not_filed)
    report_year: Mapped[int | None] = mapped_column(Integer)
    penalty_id: Mapped[int | None] = mapped_column(ForeignKey("penalty.id"))
    #: whether the organisation owes a remedy; without one the entry lapses after 6 months
    remedy_owed: Mapped[bool] = mapped_column(Boolean, default=True)
    entered_on: Mapped[date] = mapped_column(Date)
    removed_on: Mapped[date | None] = mapped_column(Date)
    removal_ground: Mapped[RemovalGround | None] = mapped_column(_enum(RemovalGround))
    #: the deciding authority
    authority_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"))
    #: null when a scheduled job decided
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: officers' notes: never public
    notes: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship()
    authority: Mapped[RegistrationAuthority] = relationship()
    entered_by: Mapped[Officer | None] = relationship(foreign_keys=[entered_by_id])
    removed_by: Mapped[Officer | None] = relationship(foreign_keys=[removed_by_id])


class Penalty(db.Model):
    """An administrative penalty: a warning or a fine, a ground for the lists."""

    __tablename__ = "penalty"
    __table_args__ = (Index("ix_penalty_org_decided", "organisation_id", "decided_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    kind: Mapped[PenaltyKind] = mapped_column(_enum(PenaltyKind, 16))
    #: yuan; null for a warning
    amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    decided_on: Mapped[date] = mapped_column(Date)
    #: the decision's document number (处罚决定书文号)
    document_no: Mapped[str] = mapped_column(String(100))
    authority_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ContactAttempt(db.Model):
    """An attempt to reach an organisation at its domicile or its legal representative.
    Facts for the unreachable ground and the dormant-organisation procedure; not public."""

    __tablename__ = "contact_attempt"
    __table_args__ = (Index("ix_contact_attempt_org_on", "organisation_id", "attempted_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    method: Mapped[ContactMethod] = mapped_column(_enum(ContactMethod, 16))
    attempted_on: Mapped[date] = mapped_column(Date)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    #: e.g. the registered letter's tracking number
    reference: Mapped[str | None] = mapped_column(String(100))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    notes: Mapped[str | None] = mapped_column(Text)

"""Dormant ("zombie", 僵尸型) organisations: detected candidates, cases, public notices and
decisions (DOMAIN.md, "Dormant organisations")."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import Officer
from registry.authorities.models import RegistrationAuthority
from registry.extensions import db, enum_values
from registry.organisations.models import Organisation


class Criterion(enum.StrEnum):
    """Why an organisation is a dormant candidate (民发〔2021〕63号), each configurable."""

    MISSED_REPORTS = "missed_reports"  # missed the N most recent annual reports
    NO_ACTIVITY = "no_activity"  # no activity within 1 year of registration
    UNREACHABLE = "unreachable"  # two failed contact attempts 20–60 days apart
    LONG_ABNORMAL = "long_abnormal"  # on the abnormal-activities list for over M months


class CaseState(enum.StrEnum):
    CANDIDATE = "candidate"
    UNDER_REVIEW = "under_review"
    DISMISSED = "dismissed"  # closed: not dormant after all
    CONTACTING = "contacting"
    NOTICE_PUBLISHED = "notice_published"
    RESTORED = "restored"  # closed: the organisation came forward and remedied
    AWAITING_DECISION = "awaiting_decision"
    DEREGISTRATION_PROPOSED = "deregistration_proposed"  # waiting for the head's approval
    PRIOR_NOTICE_ISSUED = "prior_notice_issued"  # revocation: statement, defence, hearing
    HEARING_REQUESTED = "hearing_requested"
    REVOCATION_PROPOSED = "revocation_proposed"  # waiting for the head's approval
    DEREGISTERED = "deregistered"  # decision in effect; certificate and seals owed
    REVOKED = "revoked"  # decision in effect; certificate and seals owed
    CLOSED = "closed"  # certificate returned or declared void


class Transition(enum.StrEnum):
    REVIEW = "review"
    DISMISS = "dismiss"
    CONTACT = "contact"
    PUBLISH_NOTICE = "publish_notice"
    RESTORE = "restore"
    AWAIT_DECISION = "await_decision"
    PROPOSE_DEREGISTRATION = "propose_deregistration"
    ISSUE_PRIOR_NOTICE = "issue_prior_notice"
    REQUEST_HEARING = "request_hearing"
    PROPOSE_REVOCATION = "propose_revocation"
    APPROVE = "approve"
    REJECT = "reject"
    CLOSE = "close"


class NoticeKind(enum.StrEnum):
    DORMANT = "dormant"  # 公告: the organisations are named and may come forward
    PRIOR_NOTICE = "prior_notice"  # 事先告知 (revocation), served by public notice
    DECISION = "decision"  # 决定 served by public notice (the organisation is unreachable)


class DecisionKind(enum.StrEnum):
    SIMPLIFIED_DEREGISTRATION = "simplified_deregistration"  # 简易注销
    REVOCATION = "revocation"  # 撤销登记


class CertificateOutcome(enum.StrEnum):
    RETURNED = "returned"  # certificate and seals handed back
    VOID = "void"  # not returned within 7 days: declared void (公告作废)


def _enum(cls: type[enum.Enum], length: int = 32) -> Enum:
    return Enum(cls, native_enum=False, length=length, values_callable=enum_values)


class DormantCandidate(db.Model):
    """The latest detection's verdict on one organisation: which criteria it meets and the
    evidence of each. `dormant detect` replaces the rows of the authorities it covers in
    one set-based statement; organisations that meet no criterion have no row."""

    __tablename__ = "dormant_candidate"
    __table_args__ = (Index("ix_dormant_candidate_authority", "authority_id", "organisation_id"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"))
    detected_on: Mapped[date] = mapped_column(Date)
    missed_reports: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the report years missed, ascending, comma-separated ("2024,2025")
    missing_years: Mapped[str | None] = mapped_column(String(64))
    no_activity: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the end of the first year after registration, in which nothing happened
    inactive_until: Mapped[date | None] = mapped_column(Date)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    first_failed_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact_attempt.id"))
    second_failed_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact_attempt.id"))
    long_abnormal: Mapped[bool] = mapped_column(Boolean, default=False)
    abnormal_since: Mapped[date | None] = mapped_column(Date)
    abnormal_entry_id: Mapped[int | None] = mapped_column(ForeignKey("credit_list_entry.id"))

    organisation: Mapped[Organisation] = relationship()
    authority: Mapped[RegistrationAuthority] = relationship()

    @property
    def criteria(self) -> list[Criterion]:
        return [c for c in Criterion if getattr(self, c.value)]


class PublicNotice(db.Model):
    """A public notice (公告) of an authority: one notice lists many organisations and runs
    from its publication date to its end date."""

    __tablename__ = "public_notice"
    __table_args__ = (
        Index("ix_public_notice_published", "published_on", "id"),
        Index("ix_public_notice_authority", "authority_id", "published_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(_enum(NoticeKind, 16))
    authority_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"))
    #: the document number (文号), unique: "<authority>公告〔2026〕3号"
    number: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    #: the legal basis the notice cites
    basis: Mapped[str] = mapped_column(Text)
    published_on: Mapped[date] = mapped_column(Date)
    #: the last day to come forward, request a hearing, or the day service is complete
    ends_on: Mapped[date] = mapped_column(Date)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    authority: Mapped[RegistrationAuthority] = relationship(lazy="joined")
    published_by: Mapped[Officer | None] = relationship()
    listings: Mapped[list[NoticeListing]] = relationship(
        back_populates="notice", order_by="NoticeListing.id", cascade="all, delete-orphan"
    )


class NoticeListing(db.Model):
    """One organisation named in a notice, and its response if it came forward in time."""

    __tablename__ = "public_notice_listing"
    __table_args__ = (
        UniqueConstraint("notice_id", "organisation_id"),
        Index("ix_public_notice_listing_org", "organisation_id"),
        Index("ix_public_notice_listing_case", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("public_notice.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("dormant_case.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    #: when the organisation came forward (before the notice ended); public
    responded_on: Mapped[date | None] = mapped_column(Date)
    #: what it said or sent; officers' record, not public
    response: Mapped[str | None] = mapped_column(Text)
    response_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))

    notice: Mapped[PublicNotice] = relationship(back_populates="listings")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    case: Mapped[DormantCase] = relationship()


class DormantCase(db.Model):
    """The procedure for one dormant candidate, from review to closing. Its state changes
    only through services.CaseService, which records a CaseStep for each."""

    __tablename__ = "dormant_case"
    __table_args__ = (
        # One open case per organisation.
        Index(
            "uq_dormant_case_open",
            "organisation_id",
            unique=True,
            sqlite_where=text("closed_on IS NULL"),
            postgresql_where=text("closed_on IS NULL"),
        ),
        Index("ix_dormant_case_authority_state", "authority_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    authority_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"))
    state: Mapped[CaseState] = mapped_column(_enum(CaseState))
    #: the day of the latest transition: the clock of the next one
    state_since: Mapped[date] = mapped_column(Date)
    #: the criteria met when the case was opened, comma-separated
    criteria: Mapped[str] = mapped_column(String(200))
    #: the detection's evidence when the case was opened (missing years, contacts, entries)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    opened_on: Mapped[date] = mapped_column(Date)
    #: the officer who runs the case: opened it, or took it over; may not approve it
    case_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("public_notice.id"))
    prior_notice_id: Mapped[int | None] = mapped_column(ForeignKey("public_notice.id"))
    hearing_requested_on: Mapped[date | None] = mapped_column(Date)
    hearing_held_on: Mapped[date | None] = mapped_column(Date)
    #: simplified deregistration: why (consent, or cannot be found) and that no assets or
    #: debts are known
    simplified_ground: Mapped[str | None] = mapped_column(String(32))
    no_assets_or_debts: Mapped[bool | None] = mapped_column(Boolean)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    proposed_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    #: why the case ended: the reason of dismissal or restoration, or the decision's
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    authority: Mapped[RegistrationAuthority] = relationship()
    case_officer: Mapped[Officer | None] = relationship(foreign_keys=[case_officer_id])
    notice: Mapped[PublicNotice | None] = relationship(foreign_keys=[notice_id])
    prior_notice: Mapped[PublicNotice | None] = relationship(foreign_keys=[prior_notice_id])
    steps: Mapped[list[CaseStep]] = relationship(
        back_populates="case", order_by="CaseStep.id", cascade="all, delete-orphan"
    )
    decision: Mapped[DeregistrationDecision | None] = relationship(
        back_populates="case", uselist=False
    )


class CaseStep(db.Model):
    """One transition of a case: who, when, on what legal basis, with which documents."""

    __tablename__ = "dormant_case_step"
    __table_args__ = (Index("ix_dormant_case_step_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dormant_case.id"))
    transition: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    #: the day the step took effect
    taken_on: Mapped[date] = mapped_column(Date)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    #: the username, or "system:<job>" for a scheduled job
    actor: Mapped[str] = mapped_column(String(100))
    basis: Mapped[str] = mapped_column(Text)
    #: [{"kind": "notice", "number": "...", "id": 3}, ...]
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: the officer's reason or remark
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    case: Mapped[DormantCase] = relationship(back_populates="steps")


class DeregistrationDecision(db.Model):
    """A decision that ended a case: simplified deregistration or revocation of
    registration. Public, with the windows for review and lawsuit."""

    __tablename__ = "deregistration_decision"
    __table_args__ = (
        Index("ix_deregistration_decision_decided", "decided_on", "id"),
        Index("ix_deregistration_decision_authority", "authority_id", "decided_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dormant_case.id"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"))
    kind: Mapped[DecisionKind] = mapped_column(_enum(DecisionKind))
    #: the decision letter's number (决定书文号), unique
    number: Mapped[str] = mapped_column(String(100), unique=True)
    #: approved and in effect on this day
    decided_on: Mapped[date] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(Text)
    #: the public reason, as the organisation's status reason
    reason: Mapped[str] = mapped_column(Text)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    #: certificate and seals to be returned by this day, or declared void
    certificate_due_on: Mapped[date] = mapped_column(Date)
    certificate_outcome: Mapped[CertificateOutcome | None] = mapped_column(
        _enum(CertificateOutcome, 16)
    )
    certificate_outcome_on: Mapped[date | None] = mapped_column(Date)
    #: last day for administrative review (60 days) and for a lawsuit (6 months)
    review_until: Mapped[date] = mapped_column(Date)
    lawsuit_until: Mapped[date] = mapped_column(Date)
    #: the notice that served the decision when the organisation could not be reached
    served_by_notice_id: Mapped[int | None] = mapped_column(ForeignKey("public_notice.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    case: Mapped[DormantCase] = relationship(back_populates="decision")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    authority: Mapped[RegistrationAuthority] = relationship(lazy="joined")
    served_by_notice: Mapped[PublicNotice | None] = relationship()

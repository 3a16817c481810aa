"""Charity organisations and charity trusts (慈善法 2016, amended 2023; DOMAIN.md, "Charities
and charity trusts").

A charity is a registered organisation recognised as one: `Charity` holds its current
charity status, published as the `charities` dataset; the applications, qualifications,
losses of status and fundraising plans are its history. A charity trust is not an
organisation: it is filed (备案) by its trustee, and `CharityTrust` holds its current
state, `TrustFiling` every filing (establishment, change, termination), `TrustReport` the
trustee's yearly reports.
"""

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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import Officer
from registry.authorities.models import RegistrationAuthority
from registry.extensions import db, enum_values
from registry.organisations.models import Organisation


class CharityStatus(enum.StrEnum):
    RECOGNISED = "recognised"  # 慈善组织
    WITHDRAWN = "withdrawn"  # 取消慈善组织认定: still registered, no longer a charity
    CERTIFICATE_CANCELLED = "certificate_cancelled"  # 吊销登记证书


class ApplicationDecision(enum.StrEnum):
    RECOGNISED = "recognised"  # 予以认定
    REFUSED = "refused"  # 不予认定


class LossKind(enum.StrEnum):
    WITHDRAWN = "withdrawn"  # the recognition withdrawn
    CERTIFICATE_CANCELLED = "certificate_cancelled"  # the registration certificate cancelled


class FundraisingMethod(enum.StrEnum):
    """How a public fundraising is carried out (慈善法 第二十三条)."""

    PUBLIC_PLACE = "public_place"  # 在公共场所设置募捐箱
    EVENT = "event"  # 举办面向社会公众的义演、义赛、义卖、义展、义拍、慈善晚会等
    MEDIA = "media"  # 通过广播、电视、报刊等媒体发布募捐信息
    INTERNET = "internet"  # 通过民政部门指定的互联网公开募捐服务平台
    OTHER = "other"


class TrustStatus(enum.StrEnum):
    ESTABLISHED = "established"  # 已成立
    CHANGED = "changed"  # 已变更
    TERMINATED = "terminated"  # 已终止


class FilingKind(enum.StrEnum):
    ESTABLISHMENT = "establishment"  # 设立备案
    CHANGE = "change"  # 变更备案
    TERMINATION = "termination"  # 终止备案


class PartyRole(enum.StrEnum):
    TRUSTEE = "trustee"  # 受托人
    SETTLOR = "settlor"  # 委托人


class PartyKind(enum.StrEnum):
    CHARITY_ORGANISATION = "charity_organisation"  # a trustee: a charity of this register
    TRUST_COMPANY = "trust_company"  # a trustee: 信托公司, by its credit code and name
    ORGANISATION = "organisation"  # a settlor: any organisation, by credit code and name
    PERSON = "person"  # a settlor: a natural person, shown by name only


class CharitableField(enum.StrEnum):
    """The purposes of charitable activity (慈善法 第三条)."""

    POVERTY_RELIEF = "poverty_relief"  # 扶贫、济困
    CARE = "care"  # 扶老、救孤、恤病、助残、优抚
    DISASTER_RELIEF = "disaster_relief"  # 救助自然灾害、事故灾难和公共卫生事件等突发事件造成的损害
    EDUCATION = "education"  # 促进教育
    SCIENCE = "science"  # 科学
    CULTURE = "culture"  # 文化
    HEALTH = "health"  # 卫生
    SPORTS = "sports"  # 体育
    ENVIRONMENT = "environment"  # 防治污染和其他公害，保护和改善生态环境
    OTHER = "other"  # 符合慈善法规定的其他公益活动


def _enum(cls: type[enum.Enum], length: int = 32) -> Enum:
    return Enum(cls, native_enum=False, length=length, values_callable=enum_values)


# -- charity organisations -------------------------------------------------------------


class Charity(db.Model):
    """A registered organisation's charity status now: one row from its first recognition
    on, kept after a loss (the record stays public). Changed only by CharityService, which
    bumps `version` and publishes the `charities` record."""

    __tablename__ = "charity"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    status: Mapped[CharityStatus] = mapped_column(_enum(CharityStatus))
    recognised_on: Mapped[date] = mapped_column(Date, index=True)
    #: the recognition decision's document number
    recognition_document_no: Mapped[str | None] = mapped_column(String(100))
    #: holds the public-fundraising qualification now (公开募捐资格)
    public_fundraising: Mapped[bool] = mapped_column(Boolean, default=False)
    qualification_granted_on: Mapped[date | None] = mapped_column(Date)
    qualification_revoked_on: Mapped[date | None] = mapped_column(Date)
    lost_on: Mapped[date | None] = mapped_column(Date)
    loss_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class CharityApplication(db.Model):
    """An application for recognition as a charity (慈善组织认定申请) and its decision, due
    within 20 days (configurable) of the application."""

    __tablename__ = "charity_application"
    __table_args__ = (Index("ix_charity_application_org", "organisation_id", "applied_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    applied_on: Mapped[date] = mapped_column(Date)
    decision: Mapped[ApplicationDecision | None] = mapped_column(_enum(ApplicationDecision, 16))
    decided_on: Mapped[date | None] = mapped_column(Date)
    document_no: Mapped[str | None] = mapped_column(String(100))
    #: a refusal's reason, as the decision states it
    reason: Mapped[str | None] = mapped_column(Text)
    authority_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    notes: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship()
    authority: Mapped[RegistrationAuthority] = relationship()
    recorded_by: Mapped[Officer | None] = relationship(foreign_keys=[recorded_by_id])
    decided_by: Mapped[Officer | None] = relationship(foreign_keys=[decided_by_id])


class FundraisingQualification(db.Model):
    """One grant of the public-fundraising qualification (公开募捐资格), and its revocation."""

    __tablename__ = "fundraising_qualification"
    __table_args__ = (Index("ix_fundraising_qualification_org", "organisation_id", "granted_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    applied_on: Mapped[date | None] = mapped_column(Date)
    granted_on: Mapped[date] = mapped_column(Date)
    document_no: Mapped[str] = mapped_column(String(100))
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    authority_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship()
    authority: Mapped[RegistrationAuthority] = relationship()


class CharityLoss(db.Model):
    """A charity's loss of status: the recognition withdrawn, or its certificate cancelled
    (吊销), with the day and the reason."""

    __tablename__ = "charity_loss"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[LossKind] = mapped_column(_enum(LossKind))
    lost_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    document_no: Mapped[str | None] = mapped_column(String(100))
    authority_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    notes: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship()
    authority: Mapped[RegistrationAuthority] = relationship()


class FundraisingPlan(db.Model):
    """A public-fundraising plan filed (募捐方案备案), due 5 working days (configurable)
    before the fundraising starts; filed late, it is kept with the warning."""

    __tablename__ = "fundraising_plan"
    __table_args__ = (Index("ix_fundraising_plan_org_starts", "organisation_id", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    qualification_id: Mapped[int] = mapped_column(ForeignKey("fundraising_qualification.id"))
    purpose: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    area: Mapped[str] = mapped_column(String(300))
    method: Mapped[FundraisingMethod] = mapped_column(_enum(FundraisingMethod, 16))
    #: the person in charge of the fundraising (募捐活动负责人): a name, published
    person_in_charge: Mapped[str] = mapped_column(String(100))
    beneficiaries: Mapped[str] = mapped_column(Text)
    use_of_funds: Mapped[str] = mapped_column(Text)
    #: the budgeted cost of the fundraising, yuan (募捐成本)
    cost: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    filed_on: Mapped[date] = mapped_column(Date)
    #: working days from the filing day up to (not counting) the first day
    working_days_ahead: Mapped[int] = mapped_column(Integer)
    filed_late: Mapped[bool] = mapped_column(Boolean)
    authority_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship()
    authority: Mapped[RegistrationAuthority] = relationship()


# -- charity trusts ---------------------------------------------------------------------


class CharityTrust(db.Model):
    """A charity trust (慈善信托) as it stands after its latest filing."""

    __tablename__ = "charity_trust"
    __table_args__ = (Index("ix_charity_trust_authority_filed", "authority_id", "filed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the filing number (备案编号): authority code, year of filing, serial
    record_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    #: where it was filed: the civil-affairs department where the (lead) trustee is
    authority_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"))
    #: the trust contract was signed: the trust is established (成立日期)
    signed_on: Mapped[date] = mapped_column(Date)
    #: the establishment filing (备案日期)
    filed_on: Mapped[date] = mapped_column(Date, index=True)
    filed_late: Mapped[bool] = mapped_column(Boolean)
    #: the trust property now, yuan (信托财产总额)
    property_amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    #: the charitable purpose as the contract states it (信托目的)
    purpose: Mapped[str] = mapped_column(Text)
    #: the last day of its term; empty: no fixed term (永续)
    term_ends_on: Mapped[date | None] = mapped_column(Date)
    #: the supervisor (信托监察人), when there is one: a name, and an organisation's code
    supervisor_name: Mapped[str | None] = mapped_column(String(300))
    supervisor_uscc: Mapped[str | None] = mapped_column(String(18))
    status: Mapped[TrustStatus] = mapped_column(_enum(TrustStatus, 16))
    terminated_on: Mapped[date | None] = mapped_column(Date)
    termination_reason: Mapped[str | None] = mapped_column(Text)
    # The parties and fields as the public record lists them, kept in step by
    # public.summarise whenever they change, so that lists and bulk files read one row.
    field_list: Mapped[str] = mapped_column(Text, default="")
    trustee_list: Mapped[str] = mapped_column(Text, default="")
    trustee_uscc_list: Mapped[str] = mapped_column(Text, default="")
    settlor_list: Mapped[str] = mapped_column(Text, default="")
    #: name, trustees and settlors, simplified and lower-cased, for `q` (never public)
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    authority: Mapped[RegistrationAuthority] = relationship(lazy="joined")
    parties: Mapped[list[TrustParty]] = relationship(
        back_populates="trust",
        order_by="(TrustParty.role, TrustParty.position)",
        cascade="all, delete-orphan",
    )
    fields: Mapped[list[TrustField]] = relationship(
        cascade="all, delete-orphan", order_by="TrustField.field"
    )
    filings: Mapped[list[TrustFiling]] = relationship(
        back_populates="trust", order_by="(TrustFiling.filed_on, TrustFiling.id)"
    )
    reports: Mapped[list[TrustReport]] = relationship(
        back_populates="trust", order_by="TrustReport.year"
    )


class TrustField(db.Model):
    """One charitable field of a trust's purpose."""

    __tablename__ = "charity_trust_field"

    trust_id: Mapped[int] = mapped_column(ForeignKey("charity_trust.id"), primary_key=True)
    field: Mapped[CharitableField] = mapped_column(_enum(CharitableField), primary_key=True)


class TrustParty(db.Model):
    """A trustee or a settlor of a trust, as last filed. Persons are kept by name only."""

    __tablename__ = "charity_trust_party"
    __table_args__ = (
        Index("ix_charity_trust_party_uscc", "uscc"),
        Index("ix_charity_trust_party_trust", "trust_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trust_id: Mapped[int] = mapped_column(ForeignKey("charity_trust.id"))
    role: Mapped[PartyRole] = mapped_column(_enum(PartyRole, 16))
    kind: Mapped[PartyKind] = mapped_column(_enum(PartyKind))
    #: empty for a person
    uscc: Mapped[str | None] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(300))
    #: a trustee that is a charity of this register
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    trust: Mapped[CharityTrust] = relationship(back_populates="parties")
    organisation: Mapped[Organisation | None] = relationship()


class TrustFiling(db.Model):
    """One filing of a trust: establishment within 7 days of the contract, a change or the
    termination within 7 days of the event (configurable); late filings are kept with the
    warning."""

    __tablename__ = "charity_trust_filing"
    __table_args__ = (Index("ix_charity_trust_filing_trust", "trust_id", "filed_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trust_id: Mapped[int] = mapped_column(ForeignKey("charity_trust.id"))
    kind: Mapped[FilingKind] = mapped_column(_enum(FilingKind, 16))
    #: the contract signed, the change made, the trust terminated
    event_on: Mapped[date] = mapped_column(Date)
    filed_on: Mapped[date] = mapped_column(Date)
    days_after: Mapped[int] = mapped_column(Integer)
    filed_late: Mapped[bool] = mapped_column(Boolean)
    #: JSON list of {"field", "old", "new"}: what the filing changed (empty for establishment)
    changes: Mapped[str] = mapped_column(Text, default="[]")
    #: a reason or a description, as filed (public)
    summary: Mapped[str | None] = mapped_column(Text)
    authority_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    notes: Mapped[str | None] = mapped_column(Text)

    trust: Mapped[CharityTrust] = relationship(back_populates="filings")
    authority: Mapped[RegistrationAuthority] = relationship()


class TrustReport(db.Model):
    """The trustee's yearly report (年度报告) of a trust: income, grants made, balance."""

    __tablename__ = "charity_trust_report"
    __table_args__ = (UniqueConstraint("trust_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trust_id: Mapped[int] = mapped_column(ForeignKey("charity_trust.id"))
    year: Mapped[int] = mapped_column(Integer)
    income: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    grants_made: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    balance: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    submitted_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    trust: Mapped[CharityTrust] = relationship(back_populates="reports")

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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.authorities.models import RegistrationAuthority
from registry.divisions.models import AdministrativeDivision
from registry.extensions import db, enum_values


class OrganisationKind(enum.StrEnum):
    SOCIAL_GROUP = "social_group"  # 社会团体
    SOCIAL_SERVICE_AGENCY = "social_service_agency"  # 社会服务机构（民办非企业单位）
    FOUNDATION = "foundation"  # 基金会


class Fundraising(enum.StrEnum):
    PUBLIC = "public"  # 公募
    NON_PUBLIC = "non_public"  # 非公募


class OrganisationStatus(enum.StrEnum):
    ACTIVE = "active"  # 正常
    DEREGISTERED = "deregistered"  # 注销
    REVOKED = "revoked"  # 撤销登记
    CERTIFICATE_CANCELLED = "certificate_cancelled"  # 吊销登记证书


class ChangeType(enum.StrEnum):
    REGISTRATION = "registration"  # 成立登记
    CHANGE = "change"  # 变更登记
    STATUS = "status"  # 注销 / 撤销 / 吊销 / 恢复


def _enum(cls: type[enum.Enum], length: int = 32) -> Enum:
    return Enum(cls, native_enum=False, length=length, values_callable=enum_values)


class Organisation(db.Model):
    """A registered social organisation: social group, social service agency or foundation.

    Every registered field is changed through services.record_change, which writes a
    ChangeRecord, so that the organisation can be rebuilt as it stood on any past day.
    """

    __tablename__ = "organisation"
    __table_args__ = (
        # Two live organisations may not share a name under one authority; a removed
        # organisation's name may be taken again.
        Index(
            "uq_organisation_active_name",
            "authority_id",
            "name",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index("ix_organisation_kind_status", "kind", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    name_en: Mapped[str | None] = mapped_column(String(300))
    kind: Mapped[OrganisationKind] = mapped_column(_enum(OrganisationKind))
    fundraising: Mapped[Fundraising | None] = mapped_column(_enum(Fundraising, 16))
    authority_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"), index=True)
    supervisory_unit: Mapped[str | None] = mapped_column(String(200))
    legal_representative: Mapped[str] = mapped_column(String(100))
    registered_funds: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    founded_on: Mapped[date] = mapped_column(Date, index=True)
    domicile: Mapped[str] = mapped_column(String(300))
    domicile_division_code: Mapped[str] = mapped_column(
        ForeignKey("administrative_division.code"), index=True
    )
    business_scope: Mapped[str] = mapped_column(Text)
    certificate_issued_on: Mapped[date] = mapped_column(Date)
    certificate_valid_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[OrganisationStatus] = mapped_column(
        _enum(OrganisationStatus), default=OrganisationStatus.ACTIVE
    )
    status_date: Mapped[date | None] = mapped_column(Date)
    status_reason: Mapped[str | None] = mapped_column(Text)
    is_charity: Mapped[bool] = mapped_column(Boolean, default=False)
    charity_recognised_on: Mapped[date | None] = mapped_column(Date)
    # Flags from the officers' domains, kept here so that the public record, the feed, the
    # files and the index carry them; only credit/ and ratings/ services write them.
    abnormal_list: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    dishonest_list: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    #: an open dormant-organisation case, before its decision (deregistration/ writes it)
    deregistration_procedure: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    rating: Mapped[str | None] = mapped_column(String(2))
    rating_valid_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    #: bumped on every change; lets the search index and mirrors apply updates idempotently
    version: Mapped[int] = mapped_column(Integer, default=1)

    authority: Mapped[RegistrationAuthority] = relationship(lazy="joined")
    domicile_division: Mapped[AdministrativeDivision] = relationship()
    changes: Mapped[list[ChangeRecord]] = relationship(
        back_populates="organisation",
        order_by="(ChangeRecord.effective_on, ChangeRecord.id)",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.uscc} {self.name}>"


class ChangeRecord(db.Model):
    """One dated change of one registered field (变更登记), or a registration or status event."""

    __tablename__ = "change_record"
    __table_args__ = (Index("ix_change_record_org_effective", "organisation_id", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    change_type: Mapped[ChangeType] = mapped_column(_enum(ChangeType, 16))
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    effective_on: Mapped[date] = mapped_column(Date)
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("registration_authority.id"))
    basis: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship(back_populates="changes")
    approved_by: Mapped[RegistrationAuthority] = relationship(lazy="joined")


class PendingPublication(db.Model):
    """An organisation whose record changed by a set-based job (credit lists, rating
    expiry) and still awaits its change-feed entry, and so its search document.

    Jobs insert these rows in the transaction that changes the flags; a drain publishes
    the current record and deletes the row in one transaction, so nothing is lost between.
    """

    __tablename__ = "pending_publication"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

"""Registration services: every interface (CLI, API, pages) changes the register through these."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.authorities.models import RegistrationAuthority
from registry.authorities.services import AuthorityService
from registry.clock import Clock
from registry.divisions.services import DivisionService
from registry.errors import (
    DuplicateName,
    IllegalTransition,
    InvalidRecord,
    InvalidUscc,
    NotFound,
)
from registry.feed.models import FeedOperation
from registry.feed.services import FeedService
from registry.organisations import rules, uscc
from registry.organisations.models import (
    ChangeRecord,
    ChangeType,
    Fundraising,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from registry.organisations.public import organisation_record
from registry.public import plain

S = OrganisationStatus


@dataclass
class Registration:
    """What an officer enters to register an organisation (成立登记)."""

    name: str
    kind: OrganisationKind
    authority_code: str
    legal_representative: str
    registered_funds: Decimal
    domicile: str
    domicile_division_code: str
    business_scope: str
    founded_on: date
    fundraising: Fundraising | None = None
    name_en: str | None = None
    supervisory_unit: str | None = None
    certificate_valid_until: date | None = None
    #: an existing code, when a register kept elsewhere is migrated; otherwise generated
    uscc: str | None = None
    basis: str | None = None


@dataclass
class OrganisationState:
    """An organisation's public registered fields as they stood on one day."""

    uscc: str
    kind: str
    authority_code: str
    founded_on: date
    as_of: date
    fields: dict[str, Any] = field(default_factory=dict)


def registered_day(day: date | None, today: date, organisation: Organisation, name: str) -> date:
    """The day an officer's act on `organisation` takes effect: today when left out, never
    after today nor before the organisation was registered (InvalidRecord naming `name`)."""
    day = day or today
    if day > today:
        raise InvalidRecord(
            f"{name} {day.isoformat()} is after today ({today.isoformat()})",
            errors={name: "after today"},
        )
    if day < organisation.founded_on:
        raise InvalidRecord(
            f"{name} {day.isoformat()} is before {organisation.name} was registered "
            f"({organisation.founded_on.isoformat()})",
            errors={name: "before registration"},
        )
    return day


class OrganisationService:
    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.divisions = DivisionService(session)
        self.authorities = AuthorityService(session)
        self.feed = FeedService(session)

    # -- reading -------------------------------------------------------------

    def find_by_uscc(self, code: str) -> Organisation:
        normalised = (code or "").strip().upper()
        organisation = self.session.scalar(
            select(Organisation).where(Organisation.uscc == normalised)
        )
        if organisation is None:
            raise NotFound(f"no organisation with credit code {normalised}", uscc=normalised)
        return organisation

    def removal_details(self, codes: list[str]) -> dict[str, tuple[date | None, str | None]]:
        """The status date and reason of the removed organisations among `codes` (for
        search hits, which carry the status alone), in one query."""
        if not codes:
            return {}
        rows = self.session.execute(
            select(Organisation.uscc, Organisation.status_date, Organisation.status_reason).where(
                Organisation.uscc.in_(codes), Organisation.status != S.ACTIVE
            )
        )
        return {uscc: (day, reason) for uscc, day, reason in rows}

    def list_by_authority(
        self,
        authority_code: str,
        *,
        status: OrganisationStatus | None = None,
        after_id: int = 0,
        limit: int = 100,
    ) -> list[Organisation]:
        authority = self.authorities.get(authority_code)
        query = (
            select(Organisation)
            .where(Organisation.authority_id == authority.id, Organisation.id > after_id)
            .order_by(Organisation.id)
            .limit(max(1, min(limit, 1000)))
        )
        if status is not None:
            query = query.where(Organisation.status == status)
        return list(self.session.scalars(query))

    def as_of(self, code: str, day: date) -> OrganisationState | None:
        """The organisation as it stood at the end of `day`, rebuilt from its change records."""
        return self._as_of(self.find_by_uscc(code), day)

    def _as_of(self, organisation: Organisation, day: date) -> OrganisationState | None:
        current = {name: getattr(organisation, name) for name in rules.FIELD_TYPES}
        past = [
            rules.PastChange(c.id, c.change_type, c.field, c.old_value, c.new_value, c.effective_on)
            for c in organisation.changes
        ]
        state = rules.as_of(current, organisation.founded_on, past, day)
        if state is None:
            return None
        return OrganisationState(
            uscc=organisation.uscc,
            kind=organisation.kind.value,
            authority_code=organisation.authority.code,
            founded_on=organisation.founded_on,
            as_of=day,
            fields=state,
        )

    def public_record(self, code: str, as_of: date | None = None) -> dict[str, Any]:
        """The public record now, or as it stood at the end of `as_of` (then without
        updated_at and version, which belong to the present)."""
        organisation = self.find_by_uscc(code)
        record = organisation_record(organisation)
        if as_of is None:
            return record
        state = self._as_of(organisation, as_of)
        if state is None:
            raise NotFound(
                f"{organisation.name} was registered on {organisation.founded_on}, "
                f"after {as_of.isoformat()}",
                uscc=organisation.uscc,
            )
        record.update({name: plain(value) for name, value in state.fields.items()})
        del record["updated_at"], record["version"]
        return record

    def check_uscc(self, code: str, kind: str | None = None) -> uscc.UsccResult:
        return uscc.validate(code, kind=kind, division_status=self.divisions.status)

    # -- registering ---------------------------------------------------------

    def register(self, request: Registration) -> Organisation:
        authority = self.authorities.get(request.authority_code)
        kind = OrganisationKind(request.kind)
        if kind is OrganisationKind.FOUNDATION and not authority.may_register_foundations:
            raise InvalidRecord(
                f"{authority.name} cannot register foundations: only the ministry or a "
                "province registers them (基金会管理条例)",
                authority=authority.code,
            )
        fundraising = Fundraising(request.fundraising) if request.fundraising else None
        try:
            rules.check_fundraising(kind, fundraising)
        except ValueError as error:
            raise InvalidRecord(str(error)) from None
        values = self._coerce_all(
            {
                "name": request.name,
                "name_en": request.name_en,
                "supervisory_unit": request.supervisory_unit,
                "legal_representative": request.legal_representative,
                "registered_funds": request.registered_funds,
                "domicile": request.domicile,
                "domicile_division_code": request.domicile_division_code,
                "business_scope": request.business_scope,
                "certificate_valid_until": request.certificate_valid_until,
            }
        )
        self.divisions.get(values["domicile_division_code"])
        self._ensure_name_free(authority, values["name"])
        code = self._credit_code(request.uscc, kind, authority)
        now = self.clock.now()
        organisation = Organisation(
            uscc=code,
            kind=kind,
            fundraising=fundraising,
            authority=authority,
            founded_on=request.founded_on,
            certificate_issued_on=request.founded_on,
            status=S.ACTIVE,
            is_charity=False,
            created_at=now,
            updated_at=now,
            version=1,
            **values,
        )
        self.session.add(organisation)
        self.session.add(
            ChangeRecord(
                organisation=organisation,
                change_type=ChangeType.REGISTRATION,
                field="uscc",
                old_value=None,
                new_value=code,
                effective_on=request.founded_on,
                approved_by=authority,
                basis=request.basis or _REGULATION[kind],
                recorded_at=now,
            )
        )
        self.session.flush()
        self._publish(organisation, FeedOperation.CREATED)
        return organisation

    def record_change(
        self,
        code: str,
        changes: dict[str, Any],
        *,
        effective_on: date,
        basis: str | None = None,
        approved_by: str | None = None,
    ) -> list[ChangeRecord]:
        """A change of registration (变更登记): one record per field that really changed."""
        organisation = self.find_by_uscc(code)
        if organisation.status is not S.ACTIVE:
            raise IllegalTransition(
                f"{organisation.name} is {organisation.status.value}: only an active "
                "organisation's registration can be changed",
                status=organisation.status.value,
            )
        if effective_on < organisation.founded_on:
            raise InvalidRecord("a change cannot take effect before the organisation was founded")
        if not changes:
            raise InvalidRecord("no field to change")
        values = self._coerce_all(changes)
        if "fundraising" in values:
            try:
                rules.check_fundraising(organisation.kind, values["fundraising"])
            except ValueError as error:
                raise InvalidRecord(str(error)) from None
        if "domicile_division_code" in values:
            self.divisions.get(values["domicile_division_code"])
        if "name" in values and values["name"] != organisation.name:
            self._ensure_name_free(organisation.authority, values["name"])
        approver = self.authorities.get(approved_by) if approved_by else organisation.authority
        records = [
            self._write(organisation, ChangeType.CHANGE, name, value, effective_on, approver, basis)
            for name, value in values.items()
            if getattr(organisation, name) != value
        ]
        if records:
            self._touch(organisation)
            self.session.flush()
            self._publish(organisation, FeedOperation.UPDATED)
        return records

    # -- status --------------------------------------------------------------

    def deregister(
        self,
        code: str,
        *,
        on: date,
        reason: str,
        basis: str | None = None,
        approved_by: str | None = None,
    ) -> Organisation:
        """注销登记."""
        return self._transition(code, S.DEREGISTERED, on, reason, basis, approved_by)

    def revoke(
        self,
        code: str,
        *,
        on: date,
        reason: str,
        basis: str | None = None,
        approved_by: str | None = None,
    ) -> Organisation:
        """撤销登记: an administrative penalty."""
        return self._transition(code, S.REVOKED, on, reason, basis, approved_by)

    def cancel_certificate(
        self,
        code: str,
        *,
        on: date,
        reason: str,
        basis: str | None = None,
        approved_by: str | None = None,
    ) -> Organisation:
        """吊销登记证书: a charity's certificate cancelled."""
        organisation = self.find_by_uscc(code)
        if not organisation.is_charity:
            raise IllegalTransition(
                f"{organisation.name} is not a charity: only a charity's certificate is "
                "cancelled (吊销); other organisations are revoked",
                status=organisation.status.value,
                allowed=rules.allowed_next(organisation.status),
            )
        return self._transition(code, S.CERTIFICATE_CANCELLED, on, reason, basis, approved_by)

    def set_charity(
        self,
        code: str,
        recognised_on: date | None,
        *,
        on: date,
        basis: str | None = None,
        approved_by: str | None = None,
    ) -> Organisation:
        """The charity flag and its recognition date: set on recognition, cleared (None)
        when the recognition is withdrawn. Kept as status change records, so that the
        record rebuilt as of a day shows whether it was a charity then."""
        organisation = self.find_by_uscc(code)
        if recognised_on is not None and organisation.status is not S.ACTIVE:
            raise IllegalTransition(
                f"{organisation.name} is {organisation.status.value}: only an active "
                "organisation can be recognised as a charity",
                status=organisation.status.value,
            )
        if on < organisation.founded_on:
            raise InvalidRecord("a charity decision cannot take effect before the founding date")
        approver = self.authorities.get(approved_by) if approved_by else organisation.authority
        values = {"is_charity": recognised_on is not None, "charity_recognised_on": recognised_on}
        changed = [
            self._write(organisation, ChangeType.STATUS, name, value, on, approver, basis)
            for name, value in values.items()
            if getattr(organisation, name) != value
        ]
        if changed:
            self._touch(organisation)
            self.session.flush()
            self._publish(organisation, FeedOperation.UPDATED)
        return organisation

    def reinstate(
        self,
        code: str,
        *,
        on: date,
        reason: str,
        basis: str | None = None,
        approved_by: str | None = None,
    ) -> Organisation:
        """Undo a revocation or cancellation overturned on review or by a court."""
        return self._transition(code, S.ACTIVE, on, reason, basis, approved_by)

    def _transition(
        self,
        code: str,
        target: OrganisationStatus,
        on: date,
        reason: str,
        basis: str | None,
        approved_by: str | None,
    ) -> Organisation:
        organisation = self.find_by_uscc(code)
        current = organisation.status
        if not rules.may_transition(current, target):
            allowed = rules.allowed_next(current)
            raise IllegalTransition(
                f"{organisation.name} is {current.value} and cannot become {target.value}; "
                f"allowed next: {', '.join(allowed) or 'none'}",
                status=current.value,
                allowed=allowed,
            )
        if not (reason or "").strip():
            raise InvalidRecord("a reason is required for a change of status")
        if on < organisation.founded_on:
            raise InvalidRecord("a status change cannot take effect before the founding date")
        if organisation.status_date and on < organisation.status_date:
            raise InvalidRecord("a status change cannot take effect before the previous one")
        if target is S.ACTIVE:
            self._ensure_name_free(organisation.authority, organisation.name)
        approver = self.authorities.get(approved_by) if approved_by else organisation.authority
        for name, value in (
            ("status", target),
            ("status_date", on),
            ("status_reason", reason.strip()),
        ):
            self._write(organisation, ChangeType.STATUS, name, value, on, approver, basis)
        self._touch(organisation)
        self.session.flush()
        removed = target is not S.ACTIVE
        self._publish(organisation, FeedOperation.REMOVED if removed else FeedOperation.RESTORED)
        return organisation

    # -- helpers -------------------------------------------------------------

    def _write(
        self,
        organisation: Organisation,
        change_type: ChangeType,
        name: str,
        value: Any,
        effective_on: date,
        approver: RegistrationAuthority,
        basis: str | None,
    ) -> ChangeRecord:
        record = ChangeRecord(
            organisation=organisation,
            change_type=change_type,
            field=name,
            old_value=rules.encode(getattr(organisation, name)),
            new_value=rules.encode(value),
            effective_on=effective_on,
            approved_by=approver,
            basis=basis,
            recorded_at=self.clock.now(),
        )
        # A change dated in the future is recorded now and shown from its day on; the
        # current record already carries it, as the register does once it is approved.
        setattr(organisation, name, value)
        self.session.add(record)
        return record

    def _publish(self, organisation: Organisation, operation: FeedOperation) -> None:
        """Into the change feed (and so to mirrors and the search index), in this transaction."""
        self.feed.publish(
            "organisations",
            organisation.uscc,
            organisation.version,
            operation,
            organisation_record(organisation),
            self.clock.now(),
        )

    def _touch(self, organisation: Organisation) -> None:
        organisation.updated_at = self.clock.now()
        organisation.version = (organisation.version or 0) + 1

    def _coerce_all(self, values: dict[str, Any]) -> dict[str, Any]:
        coerced: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, value in values.items():
            try:
                coerced[name] = rules.coerce(name, value)
            except ValueError as error:
                errors[name] = str(error)
        if errors:
            raise InvalidRecord("; ".join(errors.values()), errors=errors)
        return coerced

    def _ensure_name_free(self, authority: RegistrationAuthority, name: str) -> None:
        taken = self.session.scalar(
            select(Organisation.uscc).where(
                Organisation.authority_id == authority.id,
                Organisation.name == name,
                Organisation.status == S.ACTIVE,
            )
        )
        if taken:
            raise DuplicateName(
                f"{authority.name} already has an active organisation named {name} ({taken})",
                name=name,
                uscc=taken,
            )

    def _credit_code(
        self, given: str | None, kind: OrganisationKind, authority: RegistrationAuthority
    ) -> str:
        if given:
            result = self.check_uscc(given, kind.value)
            if not result.valid:
                raise InvalidUscc("; ".join(result.errors), errors=result.errors)
            code = result.code
            if self.session.scalar(select(Organisation.id).where(Organisation.uscc == code)):
                raise InvalidUscc(f"credit code {code} is already in use", errors=["in use"])
            return code
        for _ in range(20):
            code = uscc.generate(authority.code, kind.value, secrets.randbelow(31**7))
            if not self.session.scalar(select(Organisation.id).where(Organisation.uscc == code)):
                return code
        raise RuntimeError("could not find a free credit code")  # 31**7 space: unreachable


_REGULATION = {
    OrganisationKind.SOCIAL_GROUP: "《社会团体登记管理条例》",
    OrganisationKind.SOCIAL_SERVICE_AGENCY: "《民办非企业单位登记管理暂行条例》",
    OrganisationKind.FOUNDATION: "《基金会管理条例》",
}

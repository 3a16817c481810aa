"""Charity trusts (慈善信托): filing, changes, the trustee's yearly reports, termination.

A trust is filed (备案) within 7 days of signing with the civil-affairs department where
its trustee is; changes and the termination are filed within 7 days too. Late filings are
kept, with a warning. Every write authorises the officer on the trust's authority, writes
one audit event and never commits; every filing bumps the trust's version and publishes
its record to the `charity-trusts` feed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.accounts.rules import Action, Actor, authorize
from registry.audit.services import AuditTrail
from registry.authorities.models import RegistrationAuthority
from registry.charities import rules
from registry.charities.models import (
    Charity,
    CharityStatus,
    CharityTrust,
    FilingKind,
    PartyKind,
    TrustFiling,
    TrustReport,
    TrustStatus,
)
from registry.charities.public import report_record, summarise, trust_record
from registry.charities.rules import DEFAULT_RULES, CharityRules
from registry.charities.trust_checks import (
    TEXT_LIMIT,
    _amount,
    _apply,
    _as_text,
    _audited,
    _code,
    _comparable,
    _current,
    _fields,
    _get,
    _kind,
    _last_filed,
    _not_before,
    _Party,
    _Problems,
    _report_year,
    _search_text,
    _settlors,
    _supervisor,
    _term,
    _text,
    _trustee_place,
)
from registry.clock import Clock
from registry.errors import IllegalTransition, InvalidRecord, NotFound
from registry.feed.models import FeedOperation
from registry.feed.services import FeedService
from registry.organisations.models import Organisation, OrganisationStatus

__all__ = ["CHANGEABLE", "DATASET", "Establishment", "Filed", "TrustService"]

DATASET = "charity-trusts"
TRUSTEE_KINDS = (PartyKind.CHARITY_ORGANISATION, PartyKind.TRUST_COMPANY)
#: what a change may file, in the order its changes are listed
CHANGEABLE = ("name", "property_amount", "purpose", "fields", "trustees", "settlors")
CHANGEABLE += ("supervisor_name", "supervisor_uscc", "term_ends_on")
K, Op = FilingKind, FeedOperation
#: per filing: the event it follows, what is filed, the feed operation, the audit action
_EVENTS = {
    K.ESTABLISHMENT: ("the contract was signed", "trusts are filed", Op.CREATED, "trust.file"),
    K.CHANGE: ("the change was made", "changes are filed", Op.UPDATED, "trust.change"),
    K.TERMINATION: (
        "the trust terminated",
        "terminations are filed",
        Op.REMOVED,
        "trust.terminate",
    ),
}


@dataclass
class Establishment:
    """What an establishment filing (设立备案) holds. Trustees are mappings (or objects) with
    kind (charity_organisation or trust_company), uscc and, for a trust company, name;
    settlors with kind (organisation or person), name and, for an organisation, uscc."""

    name: str
    signed_on: date
    property_amount: Decimal
    purpose: str
    fields: list[Any]
    trustees: list[Any]
    settlors: list[Any]
    supervisor_name: str | None = None
    supervisor_uscc: str | None = None
    term_ends_on: date | None = None
    filed_on: date | None = None
    summary: str | None = None
    notes: str | None = None
    #: where it is filed; an officer files with their own authority, a system actor names it
    authority_code: str | None = None


@dataclass(frozen=True)
class Filed:
    trust: CharityTrust
    filing: TrustFiling
    warnings: list[str] = field(default_factory=list)


class TrustService:
    def __init__(self, session: Session, clock: Clock, rules: CharityRules = DEFAULT_RULES):
        self.session = session
        self.clock = clock
        self.rules = rules
        self.audit = AuditTrail(session, clock)

    @classmethod
    def from_settings(cls, session: Session, clock: Clock, settings: Any) -> TrustService:
        return cls(session, clock, CharityRules.from_settings(settings))

    def get(self, record_no: str) -> CharityTrust:
        number = (record_no or "").strip().upper()
        trust = self.session.scalar(select(CharityTrust).where(CharityTrust.record_no == number))
        if trust is None:
            raise NotFound(f"no charity trust with filing number {number}", record_no=number)
        return trust

    # -- filings ----------------------------------------------------------------------

    def file(self, actor: Actor, filing: Establishment) -> Filed:
        """The establishment filing: the trust gets its filing number (备案编号)."""
        code = (filing.authority_code or actor.authority_code or "").strip()
        if not code:
            raise InvalidRecord(
                "a trust is filed with an authority: a system actor names it (authority_code)",
                errors={"authority_code": "required"},
            )
        authorize(actor, Action.TRUST_FILE, code)
        authority = self.session.scalar(
            select(RegistrationAuthority).where(RegistrationAuthority.code == code)
        )
        if authority is None:
            raise InvalidRecord(f"no authority {code}", errors={"authority_code": "unknown"})
        p = _Problems()
        signed_on = self._day(p, "signed_on", filing.signed_on, required=True)
        filed_on = self._day(p, "filed_on", filing.filed_on)
        _not_before(p, "filed_on", filed_on, signed_on, "the contract was signed")
        values = self._checked(p, vars(filing), signed_on, authority)
        _supervisor(p, values["supervisor_name"], values["supervisor_uscc"])
        summary = _text(p, "summary", filing.summary, TEXT_LIMIT, required=False)
        p.raise_any("the trust cannot be filed")
        assert signed_on and filed_on

        now = self.clock.now()
        trust = CharityTrust(
            record_no=self._next_record_no(authority, filed_on.year),
            authority=authority,
            signed_on=signed_on,
            filed_on=filed_on,
            filed_late=rules.trust_filed_late(signed_on, filed_on, self.rules),
            status=TrustStatus.ESTABLISHED,
            created_at=now,
            updated_at=now,
            version=1,
        )
        for key, value in values.items():
            _apply(trust, key, value)
        self.session.add(trust)
        return self._file(
            actor, trust, FilingKind.ESTABLISHMENT, signed_on, filed_on, [], summary, filing.notes
        )

    def change(
        self,
        actor: Actor,
        record_no: str,
        changed_on: date,
        changes: dict[str, Any],
        filed_on: date | None = None,
        summary: str | None = None,
        notes: str | None = None,
    ) -> Filed:
        """A change filing (变更备案): the values changed, each as {field, old, new}."""
        trust = self.get(record_no)
        authorize(actor, Action.TRUST_FILE, trust.authority.code)
        self._ensure_open(trust, "changed")
        p = _Problems()
        for key in changes:
            if key not in CHANGEABLE:
                p.add(key, f"not changeable; a change files {', '.join(CHANGEABLE)}")
        changed_on = self._day(p, "changed_on", changed_on, required=True)
        filed_on = self._day(p, "filed_on", filed_on)
        _not_before(p, "changed_on", changed_on, trust.signed_on, "the contract was signed")
        _not_before(p, "filed_on", filed_on, changed_on, "the change was made")
        _not_before(p, "filed_on", filed_on, _last_filed(trust), "the trust's last filing")
        new = self._checked(p, changes, trust.signed_on, trust.authority)
        _supervisor(
            p,
            new.get("supervisor_name", trust.supervisor_name),
            new.get("supervisor_uscc", trust.supervisor_uscc),
        )
        summary = _text(p, "summary", summary, TEXT_LIMIT, required=False)
        p.raise_any("the change cannot be filed")
        assert changed_on and filed_on

        listed = []
        for key, value in new.items():
            old = _current(trust, key)
            if _comparable(old) != _comparable(value):
                listed.append(
                    {"field": key, "old": _as_text(key, old), "new": _as_text(key, value)}
                )
        if not listed:
            raise InvalidRecord(
                "the change changes nothing: every value given is the one on file",
                errors={key: "unchanged" for key in changes} or {"changes": "none given"},
            )
        before = trust_record(trust)
        for entry in listed:
            _apply(trust, entry["field"], new[entry["field"]])
        trust.status = TrustStatus.CHANGED
        return self._file(
            actor, trust, FilingKind.CHANGE, changed_on, filed_on, listed, summary, notes, before
        )

    def terminate(
        self,
        actor: Actor,
        record_no: str,
        terminated_on: date,
        reason: str,
        filed_on: date | None = None,
        notes: str | None = None,
    ) -> Filed:
        """The termination filing (终止备案): the record stays public with its status."""
        trust = self.get(record_no)
        authorize(actor, Action.TRUST_FILE, trust.authority.code)
        self._ensure_open(trust, "terminated again")
        p = _Problems()
        terminated_on = self._day(p, "terminated_on", terminated_on, required=True)
        filed_on = self._day(p, "filed_on", filed_on)
        _not_before(p, "terminated_on", terminated_on, trust.signed_on, "the contract was signed")
        _not_before(p, "filed_on", filed_on, terminated_on, "the trust terminated")
        _not_before(p, "filed_on", filed_on, _last_filed(trust), "the trust's last filing")
        reason = _text(p, "reason", reason, TEXT_LIMIT)
        p.raise_any("the termination cannot be filed")
        assert terminated_on and filed_on

        before = trust_record(trust)
        trust.status = TrustStatus.TERMINATED
        trust.terminated_on = terminated_on
        trust.termination_reason = reason
        return self._file(
            actor, trust, FilingKind.TERMINATION, terminated_on, filed_on, [], reason, notes, before
        )

    # -- yearly reports ---------------------------------------------------------------

    def report(
        self,
        actor: Actor,
        record_no: str,
        year: int,
        income: Decimal,
        grants_made: Decimal,
        balance: Decimal,
        submitted_on: date | None = None,
    ) -> TrustReport:
        """The trustee's report (年度报告) on a year that has ended, one a year."""
        trust = self.get(record_no)
        authorize(actor, Action.TRUST_REPORT, trust.authority.code)
        p = _Problems()
        submitted_on = self._day(p, "submitted_on", submitted_on)
        _not_before(p, "submitted_on", submitted_on, trust.signed_on, "the contract was signed")
        if isinstance(year, bool) or not isinstance(year, int):
            p.add("year", "a year, such as 2025")
        elif submitted_on:
            _report_year(p, trust, year, submitted_on)
        amounts = {
            name: _amount(p, name, value, positive=False)
            for name, value in (
                ("income", income),
                ("grants_made", grants_made),
                ("balance", balance),
            )
        }
        p.raise_any("the report cannot be recorded")
        assert submitted_on
        if self.session.scalar(
            select(TrustReport.id).where(TrustReport.trust_id == trust.id, TrustReport.year == year)
        ):
            raise IllegalTransition(
                f"trust {trust.record_no} already has its report on {year}", year=year
            )
        report = TrustReport(
            trust=trust,
            year=year,
            submitted_on=submitted_on,
            recorded_by_id=actor.officer_id,
            recorded_at=self.clock.now(),
            **amounts,
        )
        self.session.add(report)
        self.session.flush()
        self.session.expire(trust, ["reports"])
        self.audit.record(
            actor,
            Action.TRUST_REPORT,
            "charity_trust_report",
            f"{trust.record_no}/{year}",
            None,
            report_record(report),
        )
        return report

    # -- helpers ----------------------------------------------------------------------

    def _day(self, p: _Problems, key: str, value: Any, required: bool = False) -> date | None:
        """A day of the request: today when left out (unless required), never after today."""
        today = self.clock.today()
        if value is None:
            if required:
                p.add(key, "required")
                return None
            return today
        if not isinstance(value, date):
            p.add(key, "a date")
            return None
        if value > today:
            p.add(key, f"{value.isoformat()} is after today ({today.isoformat()})")
        return value

    def _ensure_open(self, trust: CharityTrust, what: str) -> None:
        if trust.status is TrustStatus.TERMINATED:
            raise IllegalTransition(
                f"trust {trust.record_no} terminated on {trust.terminated_on}: it cannot be {what}",
                status=trust.status.value,
                allowed=[],
            )

    def _trustees(self, p: _Problems, items: Any, authority: RegistrationAuthority) -> list[_Party]:
        if not items:
            p.add("trustees", "at least one trustee: a charity organisation or a trust company")
            return []
        parties: list[_Party] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            key, label = f"trustees.{i}", f"trustee {i + 1}"
            kind = _kind(p, f"{key}.kind", _get(item, "kind"), TRUSTEE_KINDS)
            code = _code(p, f"{key}.uscc", label, _get(item, "uscc"), required=True)
            if code in seen:
                p.add(f"{key}.uscc", f"{label} is trustee {seen[code] + 1} again ({code})")
                continue
            if code:
                seen[code] = i
            if kind is PartyKind.CHARITY_ORGANISATION and code:
                organisation = self._charity(p, f"{key}.uscc", label, code)
                if organisation is not None:
                    parties.append(_Party(kind, code, organisation.name, organisation))
            elif kind is PartyKind.TRUST_COMPANY:
                name = _text(p, f"{key}.name", _get(item, "name"))
                if code and name:
                    parties.append(_Party(kind, code, name))
        _trustee_place(p, authority, parties)
        return parties

    def _charity(self, p: _Problems, key: str, label: str, code: str) -> Organisation | None:
        """A charity organisation trustee: a recognised, active charity of this register."""
        organisation = self.session.scalar(select(Organisation).where(Organisation.uscc == code))
        if organisation is None:
            p.add(
                key,
                f"{label} ({code}) is not an organisation of this register: a charity "
                "organisation trustee is a recognised charity registered here",
            )
            return None
        charity = self.session.get(Charity, organisation.id)
        if charity is None or charity.status is not CharityStatus.RECOGNISED:
            status = charity.status.value if charity else "never recognised"
            p.add(
                key, f"{label} {organisation.name} ({code}) is not a recognised charity ({status})"
            )
            return None
        if organisation.status is not OrganisationStatus.ACTIVE:
            p.add(
                key,
                f"{label} {organisation.name} ({code}) is {organisation.status.value}: "
                "a trustee is an active charity",
            )
            return None
        return organisation

    def _checked(
        self,
        p: _Problems,
        given: Mapping[str, Any],
        signed_on: date | None,
        authority: RegistrationAuthority,
    ) -> dict[str, Any]:
        """The values of CHANGEABLE that `given` holds, checked alike at filing and change."""
        checks = {
            "name": lambda v: _text(p, "name", v),
            "property_amount": lambda v: _amount(p, "property_amount", v, positive=True),
            "purpose": lambda v: _text(p, "purpose", v, TEXT_LIMIT),
            "fields": lambda v: _fields(p, v),
            "trustees": lambda v: self._trustees(p, v, authority),
            "settlors": lambda v: _settlors(p, v),
            "supervisor_name": lambda v: _text(p, "supervisor_name", v, required=False),
            "supervisor_uscc": lambda v: _code(p, "supervisor_uscc", "the supervisor", v),
            "term_ends_on": lambda v: _term(p, v, signed_on),
        }
        return {key: checks[key](given[key]) for key in CHANGEABLE if key in given}

    def _next_record_no(self, authority: RegistrationAuthority, year: int) -> str:
        filed = self.session.scalar(
            select(func.count())
            .select_from(CharityTrust)
            .where(
                CharityTrust.authority_id == authority.id,
                CharityTrust.filed_on >= date(year, 1, 1),
                CharityTrust.filed_on <= date(year, 12, 31),
            )
        )
        return rules.record_number(authority.code, year, (filed or 0) + 1)

    def _file(
        self,
        actor: Actor,
        trust: CharityTrust,
        kind: FilingKind,
        event_on: date,
        filed_on: date,
        changes: list[dict[str, Any]],
        summary: str | None,
        notes: str | None,
        before: dict[str, Any] | None = None,
    ) -> Filed:
        """The filing row, the new version published, one audit event, the late warning."""
        now = self.clock.now()
        late = rules.trust_filed_late(event_on, filed_on, self.rules)
        days = (filed_on - event_on).days
        summarise(trust)
        trust.search_text = _search_text(trust)
        if kind is not FilingKind.ESTABLISHMENT:
            trust.version += 1
            trust.updated_at = now
        filing = TrustFiling(
            trust=trust,
            kind=kind,
            event_on=event_on,
            filed_on=filed_on,
            days_after=days,
            filed_late=late,
            changes=json.dumps(changes, ensure_ascii=False),
            summary=summary,
            authority=trust.authority,
            recorded_by_id=actor.officer_id,
            recorded_at=now,
            notes=(notes or "").strip() or None,
        )
        self.session.add(filing)
        self.session.flush()
        # reloaded in their published order (fields by name, parties by role and position)
        self.session.expire(trust, ["fields", "parties", "filings"])
        event, what, operation, action = _EVENTS[kind]
        FeedService(self.session).publish(
            DATASET, trust.record_no, trust.version, operation, trust_record(trust), now
        )
        self.audit.record(actor, action, "charity_trust", trust.record_no, before, _audited(filing))
        warnings = []
        if late:
            due = rules.trust_filing_due_on(event_on, self.rules).isoformat()
            warnings.append(
                f"filed {days} days after {event} ({event_on.isoformat()}): {what} within "
                f"{self.rules.trust_filing_days} days, by {due}"
            )
        return Filed(trust, filing, warnings)

"""The public-fundraising qualification (公开募捐资格) and fundraising plans (募捐方案备案).

A part of CharityService (services.py), kept apart for its size. The helpers it shares
with recognition (_charity_of, _day, _touch, _publish) are CharityService's own; a loss of
status ends the qualification through _qualification and _end_qualification here. The
module-level helpers (_columns, _required, _choice) live here, as services.py imports this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from registry.accounts.rules import Action, Actor, authorize
from registry.audit.services import AuditTrail
from registry.charities import rules as charity_rules
from registry.charities.models import (
    Charity,
    CharityStatus,
    FundraisingMethod,
    FundraisingPlan,
    FundraisingQualification,
)
from registry.charities.public import plan_record
from registry.charities.rules import CharityRules
from registry.clock import Clock
from registry.errors import IllegalTransition, InvalidRecord
from registry.feed.models import FeedOperation
from registry.feed.services import FeedService

if TYPE_CHECKING:
    from registry.organisations.models import Organisation
    from registry.organisations.services import OrganisationService

#: the most a yuan amount of Numeric(16, 2) holds
MAX_AMOUNT = Decimal("1e14")
_TEXT_LIMITS = {
    "purpose": 20_000,
    "area": 300,
    "person_in_charge": 100,
    "beneficiaries": 20_000,
    "use_of_funds": 20_000,
}


@dataclass(frozen=True)
class Filed:
    plan: FundraisingPlan
    warnings: list[str] = field(default_factory=list)


class FundraisingSteps:
    session: Session
    clock: Clock
    rules: CharityRules
    audit: AuditTrail
    feed: FeedService
    organisations: OrganisationService

    if TYPE_CHECKING:
        # CharityService's own (services.py), shared with recognition and loss of status.
        def _charity_of(self, organisation: Organisation) -> Charity: ...

        def _day(self, day: date | None, organisation: Organisation, name: str) -> date: ...

        def _touch(self, charity: Charity) -> None: ...

        def _publish(self, charity: Charity, operation: FeedOperation) -> None: ...

    def plans_count(self, organisation_id: int) -> int:
        return self.session.scalar(
            select(func.count()).where(FundraisingPlan.organisation_id == organisation_id)
        )

    # -- the public-fundraising qualification -------------------------------------------

    def grant_qualification(
        self,
        actor: Actor,
        uscc: str,
        document_no: str,
        granted_on: date | None = None,
        applied_on: date | None = None,
    ) -> Charity:
        """Grant the public-fundraising qualification (公开募捐资格) to a recognised charity
        registered for a full year."""
        organisation = self.organisations.find_by_uscc(uscc)
        authorize(actor, Action.QUALIFICATION_DECIDE, organisation.authority.code)
        day = self._day(granted_on, organisation, "granted_on")
        if applied_on is not None:
            applied_on = self._day(applied_on, organisation, "applied_on")
            if applied_on > day:
                raise InvalidRecord(
                    f"applied_on {applied_on.isoformat()} is after granted_on {day.isoformat()}",
                    errors={"applied_on": "after granted_on"},
                )
        document_no = (document_no or "").strip()
        if not document_no:
            raise InvalidRecord(
                "the qualification decision's document number is required",
                errors={"document_no": "required"},
            )
        charity = self.session.get(Charity, organisation.id)
        is_charity = charity is not None and charity.status is CharityStatus.RECOGNISED
        refusal = charity_rules.qualification_refusal(
            organisation.founded_on,
            is_charity,
            bool(charity and charity.public_fundraising),
            day,
            self.rules,
        )
        if refusal:
            name = "granted_on" if is_charity and not charity.public_fundraising else "uscc"
            raise InvalidRecord(refusal, errors={name: refusal})
        assert charity is not None  # qualification_refusal refuses a non-charity
        if day < charity.recognised_on:
            raise InvalidRecord(
                f"granted_on {day.isoformat()} is before the recognition as a charity "
                f"({charity.recognised_on.isoformat()})",
                errors={"granted_on": "before the recognition"},
            )
        before = _columns(charity)
        qualification = FundraisingQualification(
            organisation=organisation,
            applied_on=applied_on,
            granted_on=day,
            document_no=document_no,
            authority=organisation.authority,
            granted_by_id=actor.officer_id,
            recorded_at=self.clock.now(),
        )
        self.session.add(qualification)
        charity.public_fundraising = True
        charity.qualification_granted_on = day
        charity.qualification_revoked_on = None
        return self._changed(
            actor,
            Action.QUALIFICATION_DECIDE,
            charity,
            before,
            FeedOperation.UPDATED,
            qualification=qualification,
        )

    def revoke_qualification(
        self, actor: Actor, uscc: str, reason: str, revoked_on: date | None = None
    ) -> Charity:
        organisation = self.organisations.find_by_uscc(uscc)
        authorize(actor, Action.QUALIFICATION_DECIDE, organisation.authority.code)
        charity = self._charity_of(organisation)
        qualification = self._qualification(organisation.id)
        if not charity.public_fundraising or qualification is None:
            raise IllegalTransition(
                f"{organisation.name} does not hold the public-fundraising qualification",
                status="not_held",
                allowed=[],
            )
        reason = _required(reason, "reason", "a revocation states its reason")
        day = self._day(revoked_on, organisation, "revoked_on")
        if day < qualification.granted_on:
            raise InvalidRecord(
                f"revoked_on {day.isoformat()} is before the grant "
                f"({qualification.granted_on.isoformat()})",
                errors={"revoked_on": "before the grant"},
            )
        before = _columns(charity)
        self._end_qualification(charity, qualification, day, reason, actor)
        return self._changed(
            actor,
            Action.QUALIFICATION_DECIDE,
            charity,
            before,
            FeedOperation.UPDATED,
            qualification=qualification,
        )

    # -- fundraising plans --------------------------------------------------------------

    def file_plan(
        self,
        actor: Actor,
        uscc: str,
        purpose: str,
        starts_on: date,
        ends_on: date,
        area: str,
        method: FundraisingMethod | str,
        person_in_charge: str,
        beneficiaries: str,
        use_of_funds: str,
        cost: Decimal | str | int,
        filed_on: date | None = None,
    ) -> Filed:
        """File a public-fundraising plan (募捐方案备案). One filed fewer than the required
        working days before its start is kept, with a warning."""
        organisation = self.organisations.find_by_uscc(uscc)
        authorize(actor, Action.PLAN_FILE, organisation.authority.code)
        day = self._day(filed_on, organisation, "filed_on")
        texts = {
            name: _required(value, name, f"{name} is required", _TEXT_LIMITS[name])
            for name, value in (
                ("purpose", purpose),
                ("area", area),
                ("person_in_charge", person_in_charge),
                ("beneficiaries", beneficiaries),
                ("use_of_funds", use_of_funds),
            )
        }
        method = _choice(FundraisingMethod, method, "method")
        if ends_on < starts_on:
            raise InvalidRecord(
                f"ends_on {ends_on.isoformat()} is before starts_on {starts_on.isoformat()}",
                errors={"ends_on": "before starts_on"},
            )
        cost = _cost(cost)
        charity = self.session.get(Charity, organisation.id)
        qualification = self._qualification(organisation.id, day)
        if (
            charity is None
            or charity.status is not CharityStatus.RECOGNISED
            or charity.recognised_on > day
            or qualification is None
        ):
            message = (
                f"{organisation.name} is not a recognised charity holding the public-"
                f"fundraising qualification on {day.isoformat()}: only such a charity files "
                "fundraising plans (慈善法：开展公开募捐，应当取得公开募捐资格)"
            )
            raise InvalidRecord(message, errors={"uscc": message})
        ahead = charity_rules.working_days_between(day, starts_on)
        late = charity_rules.plan_filed_late(day, starts_on, self.rules)
        plan = FundraisingPlan(
            organisation=organisation,
            qualification_id=qualification.id,
            starts_on=starts_on,
            ends_on=ends_on,
            method=method,
            cost=cost,
            filed_on=day,
            working_days_ahead=ahead,
            filed_late=late,
            authority=organisation.authority,
            recorded_by_id=actor.officer_id,
            recorded_at=self.clock.now(),
            **texts,
        )
        self.session.add(plan)
        self.session.flush()
        record = plan_record(plan)
        self.audit.record(actor, Action.PLAN_FILE, "fundraising_plan", plan.id, None, record)
        now = self.clock.now()
        self.feed.publish("fundraising-plans", str(plan.id), 1, FeedOperation.CREATED, record, now)
        # The charity's record counts its plans: a new plan is a new version of it.
        self._touch(charity)
        self.session.flush()
        self._publish(charity, FeedOperation.UPDATED)
        warnings = []
        if late:
            latest = charity_rules.latest_plan_filing_day(starts_on, self.rules)
            warnings.append(
                f"filed {_working_days(ahead)} before the start ({starts_on.isoformat()}): "
                f"plans are filed at least {_working_days(self.rules.plan_working_days)} "
                f"before; the last day in time was {latest.isoformat()}"
            )
        return Filed(plan, warnings)

    # -- helpers ------------------------------------------------------------------------

    def _qualification(
        self, organisation_id: int, on: date | None = None
    ) -> FundraisingQualification | None:
        """The qualification held on day `on` (granted by then, not revoked by then), or
        the one not revoked when `on` is None."""
        Q = FundraisingQualification
        held = (
            [Q.granted_on <= on, or_(Q.revoked_on.is_(None), Q.revoked_on > on)]
            if on
            else [Q.revoked_on.is_(None)]
        )
        return self.session.scalar(
            select(Q)
            .where(Q.organisation_id == organisation_id, *held)
            .order_by(Q.granted_on.desc(), Q.id.desc())
            .limit(1)
        )

    def _end_qualification(
        self,
        charity: Charity,
        qualification: FundraisingQualification,
        day: date,
        reason: str,
        actor: Actor,
    ) -> None:
        qualification.revoked_on = day
        qualification.revocation_reason = reason
        qualification.revoked_by_id = actor.officer_id
        charity.public_fundraising = False
        charity.qualification_revoked_on = day


def _choice(enum_cls: Any, value: Any, name: str) -> Any:
    try:
        return enum_cls(value)
    except ValueError:
        names = ", ".join(member.value for member in enum_cls)
        raise InvalidRecord(
            f"{name} must be one of {names}, not {value!r}", errors={name: f"one of {names}"}
        ) from None


def _required(value: str | None, name: str, message: str, limit: int = 20_000) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidRecord(message, errors={name: "required"})
    if len(text) > limit:
        raise InvalidRecord(
            f"{name} is {len(text)} characters long; at most {limit}",
            errors={name: f"at most {limit} characters"},
        )
    return text


def _cost(value: Decimal | str | int) -> Decimal:
    try:
        cost = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        cost = Decimal("NaN")
    if not cost.is_finite() or cost < 0 or cost >= MAX_AMOUNT:
        raise InvalidRecord(
            f"cost must be a number of yuan from 0, not {value!r}",
            errors={"cost": "a number of yuan, 0 or more"},
        )
    if cost != cost.quantize(Decimal("0.01")):
        raise InvalidRecord(
            f"cost {cost} has more than 2 decimal places (yuan and fen)",
            errors={"cost": "at most 2 decimal places"},
        )
    return cost.quantize(Decimal("0.01"))


def _working_days(count: int) -> str:
    return f"{count} working day{'' if count == 1 else 's'}"


def _columns(row: Any, **extra: Any) -> dict[str, Any]:
    """What the audit trail keeps of a row: every column (notes included), and `extra`."""
    return {**{c.key: getattr(row, c.key) for c in row.__table__.columns}, **extra}

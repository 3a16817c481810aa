"""Charity organisations: recognition, the public-fundraising qualification, loss of status
and fundraising plans (慈善法 2016, amended 2023).

Every write authorises its actor, writes one audit event in the caller's transaction,
publishes what the public sees of it to the change feed, and never commits. The
qualification and the plans are FundraisingSteps (fundraising.py), kept apart for size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.rules import Action, Actor, authorize, may, read_prefix
from registry.audit.services import AuditTrail
from registry.authorities.models import RegistrationAuthority
from registry.charities import rules as charity_rules
from registry.charities.activity import no_activity_years
from registry.charities.fundraising import MAX_AMOUNT as MAX_AMOUNT
from registry.charities.fundraising import Filed, FundraisingSteps, _choice, _columns, _required
from registry.charities.models import (
    ApplicationDecision,
    Charity,
    CharityApplication,
    CharityLoss,
    CharityStatus,
    LossKind,
)
from registry.charities.public import charity_record
from registry.charities.rules import DEFAULT_RULES, CharityRules
from registry.clock import Clock
from registry.errors import Forbidden, IllegalTransition, InvalidRecord, NotFound
from registry.feed.models import FeedOperation
from registry.feed.services import FeedService
from registry.inspections.rules import DEFAULT_DUES, DueDates
from registry.organisations.models import Organisation, OrganisationStatus
from registry.organisations.services import OrganisationService, registered_day
from registry.public import plain

__all__ = ["ApplicationView", "CharityService", "Decided", "Filed"]

#: the legal basis written with the organisation's charity flag on recognition
RECOGNITION_BASIS = "《中华人民共和国慈善法》第十条"
#: the basis of a certificate cancellation when the decision's number is not given
CANCELLATION_BASIS = "《中华人民共和国慈善法》吊销登记证书决定"
#: why a qualification ends with the charity status
QUALIFICATION_ENDS = "charity status withdrawn（慈善组织身份丧失，公开募捐资格随之撤销）"


@dataclass(frozen=True)
class Decided:
    application: CharityApplication
    charity: Charity | None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ApplicationView:
    """An application as the officers' list shows it (never its notes)."""

    id: int
    uscc: str
    name: str
    authority_code: str
    applied_on: date
    decision_due_on: date
    decision: str | None
    decided_on: date | None
    document_no: str | None
    reason: str | None
    days_taken: int | None
    late: bool

    def as_dict(self) -> dict[str, Any]:
        return {name: plain(getattr(self, name)) for name in self.__dataclass_fields__}


class CharityService(FundraisingSteps):
    def __init__(
        self,
        session: Session,
        clock: Clock,
        rules: CharityRules = DEFAULT_RULES,
        dues: DueDates = DEFAULT_DUES,
    ) -> None:
        self.session = session
        self.clock = clock
        self.rules = rules
        self.dues = dues
        self.audit = AuditTrail(session, clock)
        self.feed = FeedService(session)
        self.organisations = OrganisationService(session, clock)

    @classmethod
    def from_settings(cls, session: Session, clock: Clock, settings: Any) -> CharityService:
        return cls(
            session, clock, CharityRules.from_settings(settings), DueDates.from_settings(settings)
        )

    # -- reading ------------------------------------------------------------------------

    def charity(self, uscc: str) -> Charity:
        return self._charity_of(self.organisations.find_by_uscc(uscc))

    def record(self, charity: Charity) -> dict[str, Any]:
        """The public record, with the inactivity flag as of today and the plans count."""
        years: list[int] = []
        # As in the bulk listing: the flag concerns charities that still are charities.
        if (
            charity.status is CharityStatus.RECOGNISED
            and charity.organisation.status is OrganisationStatus.ACTIVE
        ):
            years = no_activity_years(
                self.session,
                charity.organisation_id,
                charity.recognised_on,
                self.clock.today(),
                self.dues,
                self.rules,
            )
        return charity_record(charity, years, self.plans_count(charity.organisation_id))

    def view(self, application: CharityApplication) -> ApplicationView:
        """One application as the officers' list shows it."""
        organisation = application.organisation
        return self._view(
            application, organisation.uscc, organisation.name, application.authority.code
        )

    def applications(
        self, actor: Actor, pending: bool | None = None, overdue: bool | None = None
    ) -> list[ApplicationView]:
        """Applications of the actor's authority and those below it, oldest first."""
        if not may(actor.role, Action.CHARITY_APPLICATION):
            role = actor.role.value if actor.role else "?"
            raise Forbidden(
                f"a {role} may not read charity applications; allowed roles: clerk, head, reviewer",
                allowed_roles=["clerk", "head", "reviewer"],
            )
        A = CharityApplication
        query = (
            select(A, Organisation.uscc, Organisation.name, RegistrationAuthority.code)
            .join(Organisation, A.organisation_id == Organisation.id)
            .join(RegistrationAuthority, A.authority_id == RegistrationAuthority.id)
            .order_by(A.applied_on, A.id)
        )
        prefix = "" if actor.is_system else read_prefix(actor.authority_code or "")
        if prefix:
            query = query.where(RegistrationAuthority.code.startswith(prefix, autoescape=True))
        if pending is not None:
            query = query.where(A.decision.is_(None) if pending else A.decision.is_not(None))
        views = [self._view(row[0], *row[1:]) for row in self.session.execute(query)]
        if overdue is not None:
            views = [view for view in views if view.late is overdue]
        return views

    # -- recognition --------------------------------------------------------------------

    def apply(
        self,
        actor: Actor,
        uscc: str,
        applied_on: date | None = None,
        notes: str | None = None,
    ) -> CharityApplication:
        """Record an application for recognition as a charity (慈善组织认定申请)."""
        organisation = self.organisations.find_by_uscc(uscc)
        authorize(actor, Action.CHARITY_APPLICATION, organisation.authority.code)
        day = self._day(applied_on, organisation, "applied_on")
        self._ensure_active(organisation, "apply for recognition as a charity")
        charity = self.session.get(Charity, organisation.id)
        if charity is not None and charity.status is CharityStatus.RECOGNISED:
            raise InvalidRecord(
                f"{organisation.name} is a recognised charity since "
                f"{charity.recognised_on.isoformat()}: it cannot apply again",
                errors={"uscc": "already a recognised charity"},
            )
        pending = self.session.scalar(
            select(CharityApplication).where(
                CharityApplication.organisation_id == organisation.id,
                CharityApplication.decision.is_(None),
            )
        )
        if pending is not None:
            raise InvalidRecord(
                f"{organisation.name} has a pending application ({pending.id}, applied on "
                f"{pending.applied_on.isoformat()}): one application is decided at a time",
                errors={"uscc": f"application {pending.id} is pending"},
                application=pending.id,
            )
        application = CharityApplication(
            organisation=organisation,
            applied_on=day,
            authority=organisation.authority,
            recorded_by_id=actor.officer_id,
            recorded_at=self.clock.now(),
            notes=(notes or "").strip() or None,
        )
        self.session.add(application)
        self.session.flush()
        self.audit.record(
            actor,
            Action.CHARITY_APPLICATION,
            "charity_application",
            application.id,
            None,
            _columns(application),
        )
        return application

    def decide(
        self,
        actor: Actor,
        application_id: int,
        decision: ApplicationDecision | str,
        decided_on: date | None = None,
        document_no: str | None = None,
        reason: str | None = None,
    ) -> Decided:
        """Recognise (予以认定) or refuse (不予认定) a pending application. A decision past
        the limit is recorded, with a warning."""
        application = self.session.get(CharityApplication, application_id)
        if application is None:
            raise NotFound(f"no charity application {application_id}", application=application_id)
        organisation = application.organisation
        authorize(actor, Action.CHARITY_DECIDE, organisation.authority.code)
        if application.decision is not None:
            raise IllegalTransition(
                f"application {application.id} was decided on "
                f"{application.decided_on.isoformat() if application.decided_on else '?'} "
                f"({application.decision.value}); only a pending application is decided",
                status=application.decision.value,
                allowed=[],
            )
        decision = _choice(ApplicationDecision, decision, "decision")
        day = self._day(decided_on, organisation, "decided_on")
        if day < application.applied_on:
            raise InvalidRecord(
                f"decided_on {day.isoformat()} is before the application "
                f"({application.applied_on.isoformat()})",
                errors={"decided_on": "before the application"},
            )
        document_no = (document_no or "").strip() or None
        reason = (reason or "").strip() or None
        recognised = decision is ApplicationDecision.RECOGNISED
        if recognised and not document_no:
            raise InvalidRecord(
                "a recognition needs the decision's document number (认定决定文号)",
                errors={"document_no": "required for a recognition"},
            )
        if not recognised and not reason:
            raise InvalidRecord(
                "a refusal states its reason (不予认定的理由)",
                errors={"reason": "required for a refusal"},
            )
        if recognised:
            self._ensure_active(organisation, "be recognised as a charity")
        before = _columns(application)
        application.decision = decision
        application.decided_on = day
        application.document_no = document_no
        application.reason = reason
        application.decided_by_id = actor.officer_id
        charity = None
        if recognised:
            self.organisations.set_charity(
                organisation.uscc,
                day,
                on=day,
                basis=f"{RECOGNITION_BASIS} {document_no}",
            )
            charity, operation = self._recognise(organisation, day, document_no)
        self.session.flush()
        after = _columns(application)
        if charity is not None:
            after["charity"] = _columns(charity)
        self.audit.record(
            actor, Action.CHARITY_DECIDE, "charity_application", application.id, before, after
        )
        if charity is not None:
            self._publish(charity, operation)
        return Decided(application, charity, self._lateness(application))

    # -- loss of status -----------------------------------------------------------------

    def withdraw(
        self,
        actor: Actor,
        uscc: str,
        reason: str,
        document_no: str | None = None,
        on: date | None = None,
    ) -> Charity:
        """取消慈善组织认定: the organisation stays registered, no longer a charity."""
        organisation, charity, day, reason = self._losing(actor, uscc, reason, on)
        before = _columns(charity)
        self.organisations.set_charity(
            organisation.uscc, None, on=day, basis=(document_no or "").strip() or None
        )
        return self._lose(actor, charity, LossKind.WITHDRAWN, day, reason, document_no, before)

    def cancel_certificate(
        self,
        actor: Actor,
        uscc: str,
        reason: str,
        document_no: str | None = None,
        on: date | None = None,
    ) -> Charity:
        """吊销登记证书: the organisation's status shows the cancellation; it keeps its
        charity flag, as the record of what it was."""
        organisation, charity, day, reason = self._losing(actor, uscc, reason, on)
        before = _columns(charity)
        self.organisations.cancel_certificate(
            organisation.uscc,
            on=day,
            reason=reason,
            basis=(document_no or "").strip() or CANCELLATION_BASIS,
        )
        return self._lose(
            actor, charity, LossKind.CERTIFICATE_CANCELLED, day, reason, document_no, before
        )

    # -- helpers ------------------------------------------------------------------------

    def _charity_of(self, organisation: Organisation) -> Charity:
        charity = self.session.get(Charity, organisation.id)
        if charity is None:
            raise NotFound(
                f"{organisation.name} ({organisation.uscc}) was never recognised as a charity",
                uscc=organisation.uscc,
            )
        return charity

    def _day(self, day: date | None, organisation: Organisation, name: str) -> date:
        return registered_day(day, self.clock.today(), organisation, name)

    def _ensure_active(self, organisation: Organisation, what: str) -> None:
        if organisation.status is not OrganisationStatus.ACTIVE:
            raise IllegalTransition(
                f"{organisation.name} is {organisation.status.value}: only an active "
                f"organisation may {what}",
                status=organisation.status.value,
                allowed=[],
            )

    def _recognise(
        self, organisation: Organisation, day: date, document_no: str | None
    ) -> tuple[Charity, FeedOperation]:
        charity = self.session.get(Charity, organisation.id)
        if charity is None:
            charity = Charity(
                organisation=organisation,
                status=CharityStatus.RECOGNISED,
                recognised_on=day,
                recognition_document_no=document_no,
                public_fundraising=False,
                updated_at=self.clock.now(),
                version=1,
            )
            self.session.add(charity)
            return charity, FeedOperation.CREATED
        # Recognised again after a withdrawal: the earlier loss stays in CharityLoss.
        charity.status = CharityStatus.RECOGNISED
        charity.recognised_on = day
        charity.recognition_document_no = document_no
        charity.lost_on = None
        charity.loss_reason = None
        self._touch(charity)
        return charity, FeedOperation.RESTORED

    def _lateness(self, application: CharityApplication) -> list[str]:
        applied, decided = application.applied_on, application.decided_on
        if not charity_rules.decision_late(applied, decided, self.clock.today(), self.rules):
            return []
        due = charity_rules.decision_due_on(applied, self.rules)
        return [
            f"decided {(decided - applied).days} days after the application "
            f"({applied.isoformat()}): past the {self.rules.recognition_days}-day limit, "
            f"due {due.isoformat()}"
        ]

    def _view(
        self, application: CharityApplication, uscc: str, name: str, code: str
    ) -> ApplicationView:
        applied, decided = application.applied_on, application.decided_on
        return ApplicationView(
            id=application.id,
            uscc=uscc,
            name=name,
            authority_code=code,
            applied_on=applied,
            decision_due_on=charity_rules.decision_due_on(applied, self.rules),
            decision=application.decision.value if application.decision else None,
            decided_on=decided,
            document_no=application.document_no,
            reason=application.reason,
            days_taken=(decided - applied).days if decided else None,
            late=charity_rules.decision_late(applied, decided, self.clock.today(), self.rules),
        )

    def _losing(
        self, actor: Actor, uscc: str, reason: str, on: date | None
    ) -> tuple[Organisation, Charity, date, str]:
        """What a withdrawal and a cancellation check first: who, which charity, when, why."""
        organisation = self.organisations.find_by_uscc(uscc)
        authorize(actor, Action.CHARITY_WITHDRAW, organisation.authority.code)
        charity = self._charity_of(organisation)
        if charity.status is not CharityStatus.RECOGNISED:
            raise IllegalTransition(
                f"{organisation.name} is no longer a charity ({charity.status.value} on "
                f"{charity.lost_on.isoformat() if charity.lost_on else '?'})",
                status=charity.status.value,
                allowed=[],
            )
        reason = _required(reason, "reason", "the decision states its reason")
        day = self._day(on, organisation, "on")
        if day < charity.recognised_on:
            raise InvalidRecord(
                f"on {day.isoformat()} is before the recognition "
                f"({charity.recognised_on.isoformat()})",
                errors={"on": "before the recognition"},
            )
        return organisation, charity, day, reason

    def _lose(
        self,
        actor: Actor,
        charity: Charity,
        kind: LossKind,
        day: date,
        reason: str,
        document_no: str | None,
        before: dict[str, Any],
    ) -> Charity:
        organisation = charity.organisation
        loss = CharityLoss(
            organisation=organisation,
            kind=kind,
            lost_on=day,
            reason=reason,
            document_no=(document_no or "").strip() or None,
            authority=organisation.authority,
            recorded_by_id=actor.officer_id,
            recorded_at=self.clock.now(),
        )
        self.session.add(loss)
        qualification = self._qualification(organisation.id)
        if qualification is not None:
            self._end_qualification(charity, qualification, day, QUALIFICATION_ENDS, actor)
        charity.public_fundraising = False
        charity.status = CharityStatus(kind.value)
        charity.lost_on = day
        charity.loss_reason = reason
        return self._changed(
            actor, Action.CHARITY_WITHDRAW, charity, before, FeedOperation.REMOVED, loss=loss
        )

    def _changed(
        self,
        actor: Actor,
        action: Action,
        charity: Charity,
        before: dict[str, Any],
        operation: FeedOperation,
        **beside: Any,
    ) -> Charity:
        """The charity's new version: audited with the records written `beside` it (their
        columns as flushed) and published to the feed."""
        self._touch(charity)
        self.session.flush()
        after = _columns(charity, **{name: _columns(row) for name, row in beside.items()})
        self.audit.record(actor, action, "charity", charity.organisation.uscc, before, after)
        self._publish(charity, operation)
        return charity

    def _touch(self, charity: Charity) -> None:
        charity.updated_at = self.clock.now()
        charity.version = (charity.version or 0) + 1

    def _publish(self, charity: Charity, operation: FeedOperation) -> None:
        self.feed.publish(
            "charities",
            charity.organisation.uscc,
            charity.version,
            operation,
            self.record(charity),
            self.clock.now(),
        )

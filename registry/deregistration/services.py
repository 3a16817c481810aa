"""The dormant-organisation procedure: detection, cases, public notices and decisions.

Every mutating method authorises its actor, records each transition as a CaseStep (who,
when, the legal basis, the documents), writes audit events in the caller's transaction,
and never commits. A case changes state only through `move` and `publish_notice`; the
state machine and the clock's conditions are in rules.py. A decision's effects on the
register go through the registry's own domain methods: OrganisationService.deregister or
revoke (change records, the change feed's tombstone with the reason, and so the search
index) and CreditService (the serious-dishonesty list after revocation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.rules import Action, Actor, authorize, authorize_read, read_prefix
from registry.audit.services import AuditTrail
from registry.authorities.models import RegistrationAuthority
from registry.clock import Clock
from registry.credit.services import CreditService
from registry.deregistration import rules
from registry.deregistration.decisions import DecisionSteps
from registry.deregistration.detection import Detection, evidence
from registry.deregistration.models import (
    CaseState,
    CaseStep,
    CertificateOutcome,
    DormantCandidate,
    DormantCase,
    Transition,
)
from registry.deregistration.notices import NoticeSteps
from registry.deregistration.records import (
    case_audit,
    missing_years,
    officer_documents,
    parse_certificate,
    parse_transition,
)
from registry.errors import Clauses, Forbidden, IllegalTransition, InvalidRecord, NotFound, Text
from registry.inspections.models import AnnualReport
from registry.inspections.rules import DEFAULT_DUES, DueDates
from registry.organisations.models import Organisation, OrganisationStatus
from registry.organisations.publication import publish
from registry.organisations.services import OrganisationService

S = CaseState
T = Transition


class CaseService(NoticeSteps, DecisionSteps):
    def __init__(
        self,
        session: Session,
        clock: Clock,
        dormant_rules: rules.DormantRules = rules.DEFAULT_RULES,
        dues: DueDates = DEFAULT_DUES,
    ) -> None:
        self.session = session
        self.clock = clock
        self.rules = dormant_rules
        self.dues = dues
        self.audit = AuditTrail(session, clock)
        self.organisations = OrganisationService(session, clock)
        self.credit = CreditService(session, clock, dues)

    @classmethod
    def from_settings(cls, session: Session, clock: Clock, settings: Any) -> CaseService:
        return cls(
            session,
            clock,
            rules.DormantRules.from_settings(settings),
            DueDates.from_settings(settings),
        )

    # -- detection -----------------------------------------------------------------------

    def detect(self, actor: Actor, on: date | None = None) -> Any:
        """Run detection for the actor's own authority (a scheduled job: every authority)
        and record it. Returns the DetectionSummary."""
        on = self._day(on, "on")
        authority_ids: list[int] | None = None
        if not actor.is_system:
            authorize(actor, Action.DORMANT_DETECT, actor.authority_code or "")
            authority_ids = [self.organisations.authorities.get(actor.authority_code or "").id]
        summary = Detection(self.session, self.rules, self.dues)(on, authority_ids)
        self.audit.record(
            actor,
            Action.DORMANT_DETECT,
            "dormant_detection",
            on.isoformat(),
            None,
            summary.as_dict(),
        )
        return summary

    def candidate(self, actor: Actor, uscc: str) -> DormantCandidate:
        organisation = self.organisations.find_by_uscc(uscc)
        authorize_read(actor, organisation.authority.code)
        found = self.session.get(DormantCandidate, organisation.id)
        if found is None:
            raise NotFound(
                f"{organisation.name} is not a detected dormant candidate", uscc=organisation.uscc
            )
        return found

    # -- reading cases -------------------------------------------------------------------

    def get(self, case_id: int) -> DormantCase:
        case = self.session.get(DormantCase, case_id)
        if case is None:
            raise NotFound(Text("no dormant-organisation case {case}", case=case_id), case=case_id)
        return case

    def read(self, actor: Actor, case_id: int) -> DormantCase:
        case = self.get(case_id)
        authorize_read(actor, case.authority.code)
        return case

    def cases(
        self,
        actor: Actor,
        *,
        state: CaseState | None = None,
        open_only: bool = False,
        after_id: int = 0,
        limit: int = 100,
    ) -> list[DormantCase]:
        """The cases of the actor's authority and those below it, oldest first."""
        query = (
            select(DormantCase)
            .join(RegistrationAuthority, RegistrationAuthority.id == DormantCase.authority_id)
            .where(DormantCase.id > after_id)
            .order_by(DormantCase.id)
            .limit(max(1, min(limit, 1000)))
        )
        prefix = "" if actor.is_system else read_prefix(actor.authority_code or "")
        if prefix:
            query = query.where(RegistrationAuthority.code.startswith(prefix))
        if state is not None:
            query = query.where(DormantCase.state == S(state))
        if open_only:
            query = query.where(DormantCase.closed_on.is_(None))
        return list(self.session.scalars(query))

    # -- opening -------------------------------------------------------------------------

    def open(
        self, actor: Actor, usccs: Sequence[str], on: date | None = None, note: str | None = None
    ) -> list[DormantCase]:
        """Open a case for each detected candidate named; all or none. A candidate with an
        open case, or not detected, is refused with the reason per code."""
        on = self._day(on, "on")
        codes = list(dict.fromkeys((c or "").strip().upper() for c in usccs))
        if not codes:
            raise InvalidRecord(
                Text("name at least one organisation"), errors={"usccs": Text("empty")}
            )
        if len(codes) > 1000:
            raise InvalidRecord(
                Text("at most 1000 organisations at once"), errors={"usccs": Text("too many")}
            )
        organisations = {o.uscc: o for o in self._organisations(codes)}
        missing = [c for c in codes if c not in organisations]
        if missing:
            raise NotFound(
                Text("no organisation with credit code {codes}", codes=missing), usccs=missing
            )
        for organisation in organisations.values():
            authorize(actor, Action.CASE_OPEN, organisation.authority.code)
        ids = [o.id for o in organisations.values()]
        candidates = {
            c.organisation_id: c
            for c in self.session.scalars(
                select(DormantCandidate).where(DormantCandidate.organisation_id.in_(ids))
            )
        }
        open_cases = {
            c.organisation_id: c
            for c in self.session.scalars(
                select(DormantCase).where(
                    DormantCase.organisation_id.in_(ids), DormantCase.closed_on.is_(None)
                )
            )
        }
        errors: dict[str, str] = {}
        for code, organisation in organisations.items():
            if organisation.status is not OrganisationStatus.ACTIVE:
                errors[code] = Text("{status}, not active", status=organisation.status.value)
            elif organisation.id in open_cases:
                existing = open_cases[organisation.id]
                errors[code] = Text(
                    "case {case} is open ({state})", case=existing.id, state=existing.state.value
                )
            elif organisation.id not in candidates:
                errors[code] = Text("not a detected candidate (run detection first)")
            elif on < organisation.founded_on:
                errors[code] = Text("before its registration")
        if errors:
            conflict = any("is open" in e or "not active" in e for e in errors.values())
            error_cls = IllegalTransition if conflict else InvalidRecord
            raise error_cls(
                Text(
                    "no case was opened: {problems}",
                    problems=Clauses(
                        Text("{code}: {problem}", code=c, problem=e) for c, e in errors.items()
                    ),
                ),
                errors=errors,
            )
        now = self.clock.now()
        opened = []
        for code in codes:
            organisation = organisations[code]
            candidate = candidates[organisation.id]
            case = DormantCase(
                organisation=organisation,
                authority_id=organisation.authority_id,
                state=S.CANDIDATE,
                state_since=on,
                criteria=",".join(c.value for c in candidate.criteria),
                evidence=evidence(self.session, candidate, self.rules),
                opened_on=on,
                case_officer_id=actor.officer_id,
                created_at=now,
                updated_at=now,
                version=1,
            )
            self.session.add(case)
            self.session.flush()
            self._step(case, actor, "open", None, S.CANDIDATE, on, rules.BASIS[T.REVIEW], note)
            self.audit.record(
                actor, Action.CASE_OPEN, "dormant_case", case.id, None, case_audit(case)
            )
            self._flag(organisation)
            opened.append(case)
        return opened

    # -- moving --------------------------------------------------------------------------

    def move(
        self,
        actor: Actor,
        case_id: int,
        transition: Transition | str,
        on: date | None = None,
        *,
        basis: str | None = None,
        note: str | None = None,
        documents: Sequence[dict[str, Any]] | None = None,
        hearing_held_on: date | None = None,
        simplified_ground: str | None = None,
        no_assets_or_debts: bool | None = None,
        certificate: CertificateOutcome | str | None = None,
        serve_by_notice: bool = False,
    ) -> DormantCase:
        """Take one step of a case. 409 when the case's state does not allow it (naming
        the state and the allowed steps); 422 when the clock or the record does not; 403
        when the actor may not."""
        transition = parse_transition(transition)
        if transition in rules.BY_NOTICE:
            self.publish_notice(
                actor, rules.BY_NOTICE[transition], [case_id], on, basis=basis, note=note
            )
            return self.get(case_id)
        case = self.get(case_id)
        action = (
            Action.DECISION_APPROVE if transition in (T.APPROVE, T.REJECT) else Action.CASE_MOVE
        )
        authorize(actor, action, case.authority.code)
        self._check_state(case, transition)
        on = self._day(on, "on", case.organisation)
        outcome = parse_certificate(certificate) if transition is T.CLOSE else None
        facts = self._facts(case, outcome)
        if transition is T.PROPOSE_DEREGISTRATION:
            facts = replace(
                facts, simplified_ground=simplified_ground, no_assets_or_debts=no_assets_or_debts
            )
        if transition is T.PROPOSE_REVOCATION and hearing_held_on is not None:
            if case.hearing_requested_on is None or hearing_held_on < case.hearing_requested_on:
                raise InvalidRecord(
                    Text("a hearing is held after it was requested"),
                    errors={"hearing_held_on": Text("before the request, or none was requested")},
                )
            if hearing_held_on > on:
                raise InvalidRecord(
                    Text("hearing_held_on is after the step's day"),
                    errors={"hearing_held_on": Text("later")},
                )
            facts = replace(facts, hearing_held_on=hearing_held_on)
        refused = rules.refusal(transition, facts, on, self.rules)
        if refused:
            raise InvalidRecord(refused, transition=transition.value, state=case.state.value)
        if transition is T.APPROVE:
            reason = rules.approver_refusal(
                actor.officer_id, case.case_officer_id, case.proposed_by_id
            )
            if reason:
                raise Forbidden(reason, action=Action.DECISION_APPROVE.value)
        if transition in (T.DISMISS, T.RESTORE, T.REJECT) and not (note or "").strip():
            raise InvalidRecord(
                Text("a reason is required to {transition} a case", transition=transition.value),
                errors={"note": Text("required")},
            )
        before = case_audit(case)
        source = case.state
        goal = rules.target(transition, source)
        made: list[dict[str, Any]] = []
        if transition is T.REQUEST_HEARING:
            case.hearing_requested_on = on
        elif transition in (T.PROPOSE_DEREGISTRATION, T.PROPOSE_REVOCATION):
            case.proposed_by_id = actor.officer_id
            case.proposed_on = on
            if transition is T.PROPOSE_DEREGISTRATION:
                case.simplified_ground = simplified_ground
                case.no_assets_or_debts = no_assets_or_debts
            else:
                case.hearing_held_on = facts.hearing_held_on
        elif transition is T.REJECT:
            case.proposed_by_id = None
            case.proposed_on = None
        elif transition is T.APPROVE:
            made = self._decide(case, actor, on, basis, serve_by_notice)
        elif transition is T.CLOSE:
            decision = case.decision
            assert decision is not None  # a decided case has its decision
            decision.certificate_outcome = outcome
            decision.certificate_outcome_on = on
        if goal in rules.TERMINAL:
            case.closed_on = on
            if transition is not T.CLOSE:
                case.outcome_reason = note.strip() if note else None
        case.state = goal
        self._step(
            case,
            actor,
            transition.value,
            source,
            goal,
            on,
            basis or rules.BASIS[transition],
            note,
            [*made, *(officer_documents(documents))],
        )
        self.audit.record(
            actor, action, "dormant_case", case.id, before, {**case_audit(case), "step": transition}
        )
        self._flag(case.organisation)
        return case

    # -- helpers -------------------------------------------------------------------------

    def _step(
        self,
        case: DormantCase,
        actor: Actor,
        transition: str,
        source: CaseState | None,
        goal: CaseState,
        on: date,
        basis: str,
        note: str | None,
        documents: list[dict[str, Any]] | None = None,
    ) -> None:
        case.state_since = on
        case.updated_at = self.clock.now()
        case.version = (case.version or 0) + 1
        self.session.add(
            CaseStep(
                case=case,
                transition=transition,
                from_state=source.value if source else None,
                to_state=goal.value,
                taken_on=on,
                officer_id=actor.officer_id,
                actor=actor.username,
                basis=basis,
                documents=documents or [],
                note=(note or "").strip() or None,
                recorded_at=self.clock.now(),
            )
        )
        self.session.flush()

    def _flag(self, organisation: Organisation) -> None:
        """Keep the organisation's "under a deregistration procedure" flag with its cases;
        publish the record when the flag changes (a removed organisation's tombstone
        already carries it)."""
        states = self.session.scalars(
            select(DormantCase.state).where(
                DormantCase.organisation_id == organisation.id, DormantCase.closed_on.is_(None)
            )
        )
        flag = rules.flagged(states)
        if organisation.deregistration_procedure == flag:
            return
        organisation.deregistration_procedure = flag
        organisation.updated_at = self.clock.now()
        organisation.version = (organisation.version or 0) + 1
        self.session.flush()
        publish(self.session, self.clock, organisation)

    def _check_state(self, case: DormantCase, transition: Transition) -> None:
        if not rules.may_leave(transition, case.state):
            allowed = rules.allowed_next(case.state)
            raise IllegalTransition(
                Text(
                    "case {case} is {state}: it cannot {transition}; allowed next: {transitions}",
                    case=case.id,
                    state=case.state.value,
                    transition=transition.value,
                    transitions=allowed or Text("none (the case is closed)"),
                ),
                status=case.state.value,
                allowed=allowed,
            )

    def _facts(
        self, case: DormantCase, outcome: CertificateOutcome | None = None
    ) -> rules.CaseFacts:
        years = missing_years(case)
        return rules.CaseFacts(
            state=case.state,
            state_since=case.state_since,
            notice_ends_on=case.notice.ends_on if case.notice else None,
            prior_notice_on=case.prior_notice.published_on if case.prior_notice else None,
            hearing_requested_on=case.hearing_requested_on,
            hearing_held_on=case.hearing_held_on,
            decided_on=case.decision.decided_on if case.decision else None,
            still_missing_years=self._still_missing(case, years) if years else (),
            simplified_ground=case.simplified_ground,
            no_assets_or_debts=case.no_assets_or_debts,
            certificate_outcome=outcome,
        )

    def _still_missing(self, case: DormantCase, years: Sequence[int]) -> tuple[int, ...]:
        filed = set(
            self.session.scalars(
                select(AnnualReport.year).where(
                    AnnualReport.organisation_id == case.organisation_id,
                    AnnualReport.year.in_(list(years)),
                )
            )
        )
        return tuple(y for y in years if y not in filed)

    def _day(self, day: date | None, name: str, organisation: Organisation | None = None) -> date:
        today = self.clock.today()
        day = day or today
        if day > today:
            raise InvalidRecord(
                Text("{field} {day} is after today ({today})", field=name, day=day, today=today),
                errors={name: Text("after today")},
            )
        if organisation is not None and day < organisation.founded_on:
            raise InvalidRecord(
                Text(
                    "{field} {day} is before the organisation was registered", field=name, day=day
                ),
                errors={name: Text("before registration")},
            )
        return day

    def _organisations(self, codes: Sequence[str]) -> list[Organisation]:
        return list(self.session.scalars(select(Organisation).where(Organisation.uscc.in_(codes))))

"""The credit lists: the daily job and the officers' operations.

Every mutating method authorises its actor, writes one audit event in the caller's
transaction, and never commits. The daily job is set-based (job.py) and queues the
organisations it changes for publication; an officer's operation changes one
organisation and publishes it directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.rules import Action, Actor, authorize
from registry.audit.services import AuditTrail
from registry.clock import Clock
from registry.credit import queries, rules
from registry.credit.job import DailyRun, RunSummary
from registry.credit.models import (
    ContactAttempt,
    ContactMethod,
    CreditList,
    CreditListEntry,
    EntryGround,
    Penalty,
    PenaltyKind,
    RemovalGround,
)
from registry.credit.public import entry_record
from registry.errors import IllegalTransition, InvalidRecord, NotFound
from registry.inspections.rules import DEFAULT_DUES, DueDates
from registry.organisations.models import Organisation, OrganisationStatus
from registry.organisations.publication import publish
from registry.organisations.services import registered_day
from registry.public import plain

__all__ = ["CreditService", "RunSummary"]

E = CreditListEntry
G = EntryGround
RUN_ACTOR = Actor.system("credit-run")
#: the first report year the job lists, unless the settings say otherwise
FIRST_REPORT_YEAR = 2017


@dataclass(frozen=True)
class PenaltyRecorded:
    penalty: Penalty
    entry: CreditListEntry


class CreditService:
    def __init__(
        self,
        session: Session,
        clock: Clock,
        dues: DueDates = DEFAULT_DUES,
        first_report_year: int = FIRST_REPORT_YEAR,
    ) -> None:
        self.session = session
        self.clock = clock
        self.dues = dues
        self.first_report_year = first_report_year
        self.audit = AuditTrail(session, clock)

    @classmethod
    def from_settings(cls, session: Session, clock: Clock, settings: Any) -> CreditService:
        return cls(
            session,
            clock,
            DueDates.from_settings(settings),
            getattr(settings, "credit_first_report_year", FIRST_REPORT_YEAR),
        )

    # -- the daily job ----------------------------------------------------------------

    def run(self, on: date | None = None) -> RunSummary:
        """The daily job for `on` (today by default): automatic entries, remedies, lapses,
        escalations, flags, ratings that ran out; one audit event with the counts.

        Idempotent: a second run on the same day changes nothing. Every date written comes
        from the rules, not from the run's day, so a late run writes what daily runs would
        have. The caller commits, then drains the publications (publication.drain_all).
        """
        today = self.clock.today()
        on = on or today
        if on > today:
            raise InvalidRecord(
                f"a credit run cannot be dated after today ({today.isoformat()}): "
                f"{on.isoformat()} was asked",
                errors={"on": "after today"},
            )
        self.session.flush()
        summary = DailyRun(self.session, self.clock.now(), self.dues, self.first_report_year)(on)
        self.audit.record(
            RUN_ACTOR, "credit.run", "credit_run", on.isoformat(), None, summary.as_dict()
        )
        self.session.expire_all()  # the run changed rows behind the identity map
        return summary

    # -- reading ----------------------------------------------------------------------

    def get(self, entry_id: int) -> CreditListEntry:
        entry = self.session.get(E, entry_id)
        if entry is None:
            raise NotFound(f"no credit-list entry {entry_id}", entry=entry_id)
        return entry

    def open_entries(self, organisation: Organisation) -> list[CreditListEntry]:
        return list(
            self.session.scalars(
                select(E)
                .where(E.organisation_id == organisation.id, E.removed_on.is_(None))
                .order_by(E.entered_on, E.id)
            )
        )

    # -- officers ---------------------------------------------------------------------

    def enter(
        self,
        actor: Actor,
        uscc: str,
        ground: EntryGround | str,
        detail: str | None = None,
        entered_on: date | None = None,
        notes: str | None = None,
    ) -> CreditListEntry:
        """An officer enters an abnormal ground: rectification_not_met, unreachable or
        minor_penalty (a penalty is better recorded with record_penalty)."""
        organisation = self._organisation(uscc)
        authorize(actor, Action.CREDIT_ENTER, organisation.authority.code)
        ground = _choice(EntryGround, ground, "ground", rules.OFFICER_GROUNDS)
        on = self._day(entered_on, organisation, "entered_on")
        self._ensure_active(organisation)
        if ground is not G.MINOR_PENALTY:
            for entry in self.open_entries(organisation):
                if entry.ground is ground:
                    raise InvalidRecord(
                        f"{organisation.name} is already on the abnormal list for {ground.value} "
                        f"since {entry.entered_on.isoformat()} (entry {entry.id})",
                        errors={"ground": "already entered"},
                        entry=entry.id,
                    )
        if ground is G.UNREACHABLE:
            reason = self._unreachable_refusal(organisation, on)
            if reason:
                raise InvalidRecord(reason, errors={"ground": reason})
        entry = self._add(organisation, ground, detail, on, actor, notes=notes)
        self.audit.record(
            actor, Action.CREDIT_ENTER, "credit_list_entry", entry.id, None, _audited(entry)
        )
        self._refresh(organisation)
        return entry

    def remove(
        self,
        actor: Actor,
        entry_id: int,
        ground: RemovalGround | str,
        on: date | None = None,
        notes: str | None = None,
    ) -> CreditListEntry:
        """An officer records a remedy (grounds that owe one, other than a missing report)
        or rescinds an entry (entered in error, or overturned on review)."""
        entry = self.get(entry_id)
        organisation = entry.organisation
        authorize(actor, Action.CREDIT_REMOVE, organisation.authority.code)
        removal = _choice(
            RemovalGround,
            ground,
            "ground",
            frozenset({RemovalGround.REMEDIED, RemovalGround.RESCINDED}),
        )
        if entry.removed_on is not None:
            raise IllegalTransition(
                f"entry {entry.id} was removed on {entry.removed_on.isoformat()} "
                f"({plain(entry.removal_ground)})",
                status="removed",
                allowed=[],
            )
        day = self._day(on, organisation, "on")
        reason = rules.removal_refusal(entry.ground, removal, entry.entered_on, day)
        if reason:
            raise InvalidRecord(reason, errors={"ground": reason})
        before = _audited(entry)
        entry.removed_on = day
        entry.removal_ground = removal
        entry.removed_by_id = actor.officer_id
        if notes:
            entry.notes = f"{entry.notes}\n{notes}" if entry.notes else notes
        self.session.flush()
        self.audit.record(
            actor, Action.CREDIT_REMOVE, "credit_list_entry", entry.id, before, _audited(entry)
        )
        self._refresh(organisation)
        return entry

    def record_penalty(
        self,
        actor: Actor,
        uscc: str,
        kind: PenaltyKind | str,
        amount: Decimal | str | int | None,
        decided_on: date,
        document_no: str,
    ) -> PenaltyRecorded:
        """A warning or a fine, and the entry it makes: a minor penalty on the abnormal list,
        or a major fine or repeated penalties on the serious-dishonesty list."""
        organisation = self._organisation(uscc)
        authorize(actor, Action.PENALTY_RECORD, organisation.authority.code)
        kind = _choice(PenaltyKind, kind, "kind")
        amount = _amount(amount)
        reason = rules.penalty_refusal(kind, amount)
        if reason:
            raise InvalidRecord(reason, errors={"amount": reason})
        document_no = (document_no or "").strip()
        if not document_no:
            raise InvalidRecord(
                "the penalty decision's document number (处罚决定书文号) is required",
                errors={"document_no": "required"},
            )
        day = self._day(decided_on, organisation, "decided_on")
        self._ensure_active(organisation)
        earlier = list(
            self.session.execute(
                select(Penalty.decided_on, Penalty.document_no).where(
                    Penalty.organisation_id == organisation.id
                )
            )
        )
        if any(row.document_no == document_no for row in earlier):
            raise InvalidRecord(
                f"penalty {document_no} is already recorded for {organisation.name}",
                errors={"document_no": "already recorded"},
            )
        outcome = rules.penalty_ground(kind, amount, day, [row.decided_on for row in earlier])
        penalty = Penalty(
            organisation_id=organisation.id,
            kind=kind,
            amount=amount if kind is PenaltyKind.FINE else None,
            decided_on=day,
            document_no=document_no,
            authority_id=organisation.authority_id,
            recorded_by_id=actor.officer_id,
            recorded_at=self.clock.now(),
        )
        self.session.add(penalty)
        self.session.flush()
        detail = f"{rules.DETAILS[outcome.ground]}（{document_no}）"
        entry = self._add(organisation, outcome.ground, detail, day, actor, penalty=penalty)
        self.audit.record(
            actor,
            Action.PENALTY_RECORD,
            "penalty",
            penalty.id,
            None,
            {**_penalty(penalty), "entry": _audited(entry)},
        )
        self._refresh(organisation)
        return PenaltyRecorded(penalty, entry)

    def record_contact(
        self,
        actor: Actor,
        uscc: str,
        method: ContactMethod | str,
        attempted_on: date,
        succeeded: bool,
        reference: str | None = None,
        notes: str | None = None,
    ) -> ContactAttempt:
        """An attempt to reach the organisation: facts for the unreachable ground."""
        organisation = self._organisation(uscc)
        authorize(actor, Action.CONTACT_RECORD, organisation.authority.code)
        method = _choice(ContactMethod, method, "method")
        day = self._day(attempted_on, organisation, "attempted_on")
        attempt = ContactAttempt(
            organisation_id=organisation.id,
            method=method,
            attempted_on=day,
            succeeded=bool(succeeded),
            reference=(reference or "").strip() or None,
            recorded_by_id=actor.officer_id,
            recorded_at=self.clock.now(),
            notes=notes,
        )
        self.session.add(attempt)
        self.session.flush()
        self.audit.record(
            actor, Action.CONTACT_RECORD, "contact_attempt", attempt.id, None, contact(attempt)
        )
        return attempt

    # -- for the deregistration procedure ---------------------------------------------

    def enter_revocation(
        self, actor: Actor, uscc: str, on: date, detail: str | None = None
    ) -> CreditListEntry:
        """Revocation of registration puts the organisation on the serious-dishonesty list
        on the decision's day; the entry stays until it is deregistered."""
        organisation = self._organisation(uscc)
        authorize(actor, Action.CREDIT_ENTER, organisation.authority.code)
        day = self._day(on, organisation, "on")
        for entry in self.open_entries(organisation):
            if entry.ground is G.REVOCATION:
                raise InvalidRecord(
                    f"{organisation.name} is already listed for revocation (entry {entry.id})",
                    errors={"ground": "already entered"},
                    entry=entry.id,
                )
        entry = self._add(organisation, G.REVOCATION, detail, day, actor)
        self.audit.record(
            actor, Action.CREDIT_ENTER, "credit_list_entry", entry.id, None, _audited(entry)
        )
        self._refresh(organisation)
        return entry

    def remove_on_deregistration(self, actor: Actor, uscc: str, on: date) -> list[CreditListEntry]:
        """Deregistration takes a revoked organisation off the serious-dishonesty list
        (`credit run` does the same for any organisation deregistered without this call)."""
        organisation = self._organisation(uscc)
        authorize(actor, Action.CREDIT_REMOVE, organisation.authority.code)
        day = self._day(on, organisation, "on")
        removed = []
        for entry in self.open_entries(organisation):
            if rules.deregistration_removal(entry.ground, day, day) and day >= entry.entered_on:
                entry.removed_on = day
                entry.removal_ground = RemovalGround.DEREGISTERED
                entry.removed_by_id = actor.officer_id
                removed.append(entry)
        if removed:
            self.session.flush()
            self.audit.record(
                actor,
                Action.CREDIT_REMOVE,
                "organisation",
                organisation.uscc,
                None,
                {"deregistered_on": day, "removed": [_audited(e) for e in removed]},
            )
            self._refresh(organisation)
        return removed

    # -- helpers ----------------------------------------------------------------------

    def _organisation(self, uscc: str) -> Organisation:
        code = (uscc or "").strip().upper()
        organisation = self.session.scalar(select(Organisation).where(Organisation.uscc == code))
        if organisation is None:
            raise NotFound(f"no organisation with credit code {code}", uscc=code)
        return organisation

    def _day(self, day: date | None, organisation: Organisation, name: str) -> date:
        return registered_day(day, self.clock.today(), organisation, name)

    def _ensure_active(self, organisation: Organisation) -> None:
        if organisation.status is not OrganisationStatus.ACTIVE:
            raise IllegalTransition(
                f"{organisation.name} is {organisation.status.value}: grounds are entered "
                "for active organisations only",
                status=organisation.status.value,
                allowed=[],
            )

    def _unreachable_refusal(self, organisation: Organisation, on: date) -> str | None:
        attempts = self.session.execute(
            select(
                ContactAttempt.method, ContactAttempt.attempted_on, ContactAttempt.succeeded
            ).where(ContactAttempt.organisation_id == organisation.id)
        ).all()
        letters = [
            (a.attempted_on, a.succeeded) for a in attempts if a.method is ContactMethod.LETTER
        ]
        return rules.unreachable_refusal(
            letters, [(a.attempted_on, a.succeeded) for a in attempts], on
        )

    def _add(
        self,
        organisation: Organisation,
        ground: EntryGround,
        detail: str | None,
        on: date,
        actor: Actor,
        *,
        penalty: Penalty | None = None,
        notes: str | None = None,
    ) -> CreditListEntry:
        entry = E(
            organisation=organisation,
            list_name=rules.list_of(ground),
            ground=ground,
            detail=(detail or "").strip() or rules.DETAILS[ground],
            penalty_id=penalty.id if penalty else None,
            remedy_owed=rules.remedy_owed(ground),
            entered_on=on,
            authority_id=organisation.authority_id,
            entered_by_id=actor.officer_id,
            recorded_at=self.clock.now(),
            notes=notes,
        )
        self.session.add(entry)
        self.session.flush()
        return entry

    def _refresh(self, organisation: Organisation) -> None:
        """Set the organisation's flags from its open entries; publish it if they changed."""
        today = self.clock.today()
        flags = {}
        for list_name, attribute in (
            (CreditList.ABNORMAL, "abnormal_list"),
            (CreditList.DISHONEST, "dishonest_list"),
        ):
            flags[attribute] = bool(
                self.session.scalar(
                    select(queries.on_list(list_name, today)).where(
                        Organisation.id == organisation.id
                    )
                )
            )
        if all(getattr(organisation, name) == value for name, value in flags.items()):
            return
        for name, value in flags.items():
            setattr(organisation, name, value)
        organisation.updated_at = self.clock.now()
        organisation.version = (organisation.version or 0) + 1
        self.session.flush()
        publish(self.session, self.clock, organisation)


def _choice(enum_cls: Any, value: Any, name: str, allowed: frozenset[Any] | None = None) -> Any:
    choices = allowed or frozenset(enum_cls)
    try:
        member = enum_cls(value)
    except ValueError:
        member = None
    if member is None or member not in choices:
        names = ", ".join(sorted(c.value for c in choices))
        raise InvalidRecord(
            f"{name} must be one of {names}, not {value!r}", errors={name: f"one of {names}"}
        )
    return member


def _amount(value: Decimal | str | int | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidRecord(
            f"amount must be a number of yuan, not {value!r}", errors={"amount": "a number"}
        ) from None
    if not amount.is_finite() or amount >= Decimal("1e14"):
        raise InvalidRecord("amount is out of range", errors={"amount": "out of range"})
    return amount.quantize(Decimal("0.01"))


def _audited(entry: CreditListEntry) -> dict[str, Any]:
    """What the audit trail keeps of an entry: the public record and the internals."""
    return {
        **entry_record(entry),
        "remedy_owed": entry.remedy_owed,
        "penalty_id": entry.penalty_id,
        "entered_by_id": entry.entered_by_id,
        "removed_by_id": entry.removed_by_id,
        "notes": entry.notes,
    }


def _penalty(penalty: Penalty) -> dict[str, Any]:
    return {
        "id": penalty.id,
        "kind": penalty.kind,
        "amount": penalty.amount,
        "decided_on": penalty.decided_on,
        "document_no": penalty.document_no,
    }


def penalty_view(penalty: Penalty, uscc: str) -> dict[str, Any]:
    """A penalty as the officers' API shows it."""
    return {key: plain(value) for key, value in {**_penalty(penalty), "uscc": uscc}.items()}


def contact(attempt: ContactAttempt) -> dict[str, Any]:
    """A contact attempt as the officers' API and the audit trail show it (not public)."""
    return {
        "id": attempt.id,
        "method": plain(attempt.method),
        "attempted_on": plain(attempt.attempted_on),
        "succeeded": attempt.succeeded,
        "reference": attempt.reference,
    }

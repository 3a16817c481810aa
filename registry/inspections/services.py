"""Annual reports and their inspection: every interface (API, workspace, CLI) goes through
InspectionService. It never commits: the caller's transaction holds the change and its
audit event together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.accounts.rules import (
    OFFICERS,
    Action,
    Actor,
    authorize,
    authorize_read,
    read_prefix,
)
from registry.audit.services import AuditTrail
from registry.authorities.models import RegistrationAuthority as RA
from registry.clock import Clock
from registry.errors import (
    Clauses,
    DomainError,
    Forbidden,
    IllegalTransition,
    InvalidRecord,
    NotFound,
    Text,
)
from registry.inspections import queries, rules
from registry.inspections.contents import check_contents
from registry.inspections.models import AnnualReport, Conclusion, ReportChannel, ReportStatus
from registry.inspections.rules import DEFAULT_DUES, DueDates
from registry.inspections.stats import participation
from registry.organisations.models import Organisation
from registry.organisations.models import Organisation as O

SUBJECT = "annual_report"
#: the largest id a BIGINT holds; a larger one names no report
MAX_ID = 2**63 - 1


class DuplicateReport(DomainError):
    http_status = 409
    slug = "duplicate-report"
    title = "The organisation has already reported for that year"


@dataclass(frozen=True)
class OverdueOrganisation:
    """An organisation obliged to report for a year, past the due date, with no report."""

    organisation_id: int
    uscc: str
    name: str
    kind: str
    is_charity: bool
    authority_code: str
    year: int
    due_on: date


def _status(value: ReportStatus | str) -> ReportStatus:
    try:
        return ReportStatus(value)
    except ValueError:
        allowed = ", ".join(s.value for s in ReportStatus)
        raise InvalidRecord(
            f"status must be one of {allowed}", errors={"status": f"one of {allowed}"}
        ) from None


def _text(value: str | None, name: str) -> str | None:
    """Free text as stored: stripped, None when blank; NUL characters refused (PostgreSQL
    cannot store them)."""
    if value is None:
        return None
    if "\x00" in value:
        raise InvalidRecord(
            Text("{field} must not contain NUL characters", field=name),
            errors={name: Text("must not contain NUL characters")},
        )
    return value.strip() or None


def _fields(errors: dict[str, str]) -> Clauses:
    """The message of several fields' errors: "field: what is wrong; …"."""
    return Clauses(Text("{field}: {problem}", field=k, problem=v) for k, v in errors.items())


def _reader(actor: Actor) -> None:
    """Reports are read by the officers who handle them; admins manage accounts only."""
    if not actor.is_system and actor.role not in OFFICERS:
        role = actor.role.value if actor.role else "?"
        raise Forbidden(
            f"a {role} may not read annual reports; allowed roles: clerk, head, reviewer",
            allowed_roles=sorted(r.value for r in OFFICERS),
        )


def _prefix(actor: Actor) -> str:
    _reader(actor)
    return "" if actor.is_system else read_prefix(actor.authority_code or "")


def _in_jurisdiction(query: Any, actor: Actor) -> Any:
    prefix = _prefix(actor)
    if prefix:
        query = query.where(RA.code.startswith(prefix, autoescape=True))
    return query


class InspectionService:
    def __init__(self, session: Session, clock: Clock, dues: DueDates = DEFAULT_DUES) -> None:
        self.session = session
        self.clock = clock
        self.dues = dues
        self.audit = AuditTrail(session, clock)

    # -- facts of a report ----------------------------------------------------------

    def due_on(self, report: AnnualReport) -> date:
        org = report.organisation
        return rules.due_date(report.year, org.kind, org.is_charity, self.dues)

    def is_late(self, report: AnnualReport) -> bool:
        return rules.is_late(report.submitted_on, self.due_on(report))

    def next_steps(self, report: AnnualReport) -> list[str]:
        return rules.next_steps(
            report.status,
            report.conclusion,
            report.correction_deadline,
            report.corrected_on,
        )

    def is_correction_overdue(self, report: AnnualReport) -> bool:
        return rules.is_correction_overdue(
            report.correction_deadline, report.corrected_on, self.clock.today()
        )

    # -- reading --------------------------------------------------------------------

    def get(self, report_id: int, *, for_update: bool = False) -> AnnualReport:
        if not 0 < report_id <= MAX_ID:
            raise NotFound(Text("no annual report {report}", report=report_id), report_id=report_id)
        query = select(AnnualReport).where(AnnualReport.id == report_id)
        if for_update:
            query = query.with_for_update()
        report = self.session.scalar(query)
        if report is None:
            raise NotFound(Text("no annual report {report}", report=report_id), report_id=report_id)
        return report

    def read(self, actor: Actor, report_id: int) -> AnnualReport:
        """The whole report, for an officer who may read its authority's records."""
        _reader(actor)
        report = self.get(report_id)
        authorize_read(actor, report.organisation.authority.code)
        return report

    def queue(
        self,
        actor: Actor,
        year: int | None = None,
        status: ReportStatus | str = ReportStatus.SUBMITTED,
        *,
        after: tuple[date, int] | None = None,
        limit: int = 100,
    ) -> list[AnnualReport]:
        """Reports in the actor's jurisdiction (theirs and their subordinates'), oldest
        first: by default those waiting for a conclusion."""
        query = (
            select(AnnualReport)
            .join(O, AnnualReport.organisation_id == O.id)
            .join(RA, O.authority_id == RA.id)
            .where(AnnualReport.status == _status(status))
        )
        query = _in_jurisdiction(query, actor)
        if year is not None:
            query = query.where(AnnualReport.year == year)
        if after is not None:
            day, last_id = after
            query = query.where(
                (AnnualReport.submitted_on > day)
                | ((AnnualReport.submitted_on == day) & (AnnualReport.id > last_id))
            )
        query = query.order_by(AnnualReport.submitted_on, AnnualReport.id).limit(limit)
        return list(self.session.scalars(query))

    def overdue(
        self,
        actor: Actor,
        year: int,
        today: date | None = None,
        *,
        after_id: int = 0,
        limit: int = 100,
    ) -> list[OverdueOrganisation]:
        """Organisations of the actor's jurisdiction obliged to report for `year` that
        have not, with the due date passed (queries.overdue), in registration order."""
        today = today or self.clock.today()
        due = queries.due_date(year, self.dues)
        query = (
            select(O.id, O.uscc, O.name, O.kind, O.is_charity, RA.code, due)
            .join(RA, O.authority_id == RA.id)
            .where(queries.overdue(year, today, self.dues), O.id > after_id)
        )
        query = _in_jurisdiction(query, actor).order_by(O.id).limit(limit)
        return [
            OverdueOrganisation(
                id_, uscc, name, getattr(kind, "value", kind), bool(charity), code, year, due_on
            )
            for id_, uscc, name, kind, charity, code, due_on in self.session.execute(query)
        ]

    def participation(self, year: int, division: str | None = None) -> dict[str, Any]:
        """Obliged, filed, on time and the rate per authority, with rollups."""
        return participation(self.session, year, self.dues, division)

    # -- acting ---------------------------------------------------------------------

    def submit(
        self,
        actor: Actor,
        uscc: str,
        year: int,
        contents: dict[str, Any],
        submitted_on: date | None = None,
        *,
        channel: ReportChannel | str,
    ) -> AnnualReport:
        """Receive an organisation's annual report for `year` (one per year)."""
        organisation = self._organisation(uscc)
        authorize(actor, Action.REPORT_SUBMIT, organisation.authority.code)
        today = self.clock.today()
        submitted_on = submitted_on or today
        self._check_year(organisation, year, submitted_on, today)
        if self._existing(organisation.id, year) is not None:
            raise self._duplicate(organisation, year)
        values, errors = check_contents(contents, organisation.kind)
        if errors:
            raise InvalidRecord(
                f"the report is incomplete or invalid: {', '.join(errors)}", errors=errors
            )
        report = AnnualReport(
            organisation=organisation,
            year=year,
            submitted_on=submitted_on,
            channel=ReportChannel(channel),
            received_by_id=actor.officer_id,
            recorded_at=self.clock.now(),
            status=ReportStatus.SUBMITTED,
            **values,
        )
        try:
            with self.session.begin_nested():
                self.session.add(report)
                self.session.flush()
        except IntegrityError:
            # Another clerk received the same year's report a moment before.
            raise self._duplicate(organisation, year) from None
        self._record(
            actor,
            "report.submit",
            report,
            None,
            {
                "submitted_on": submitted_on,
                "channel": report.channel,
                "due_on": self.due_on(report),
                "late": self.is_late(report),
            },
        )
        return report

    def conclude(
        self,
        actor: Actor,
        report_id: int,
        conclusion: Conclusion | str,
        reasons: str | None,
        concluded_on: date | None = None,
        *,
        review_notes: str | None = None,
    ) -> AnnualReport:
        """Pass, basic pass or fail a submitted report; the last two say why."""
        report = self.get(report_id, for_update=True)
        authorize(actor, Action.REPORT_CONCLUDE, report.organisation.authority.code)
        self._require_step(report, "conclude")
        try:
            conclusion = Conclusion(conclusion)
        except ValueError:
            allowed = [c.value for c in Conclusion]
            raise InvalidRecord(
                Text("conclusion must be one of {conclusions}", conclusions=allowed),
                errors={"conclusion": Text("one of {conclusions}", conclusions=allowed)},
            ) from None
        reasons = _text(reasons, "reasons")
        review_notes = _text(review_notes, "review_notes")
        today = self.clock.today()
        concluded_on = concluded_on or today
        errors: dict[str, str] = {}
        if rules.needs_reasons(conclusion) and reasons is None:
            errors["reasons"] = Text("required for a {conclusion}", conclusion=conclusion.value)
        if concluded_on > today:
            errors["concluded_on"] = Text("cannot be in the future")
        elif concluded_on < report.submitted_on:
            errors["concluded_on"] = Text(
                "before the report was received ({day})", day=report.submitted_on
            )
        if errors:
            raise InvalidRecord(_fields(errors), errors=errors)
        before = self._inspection(report)
        report.status = ReportStatus.CONCLUDED
        report.conclusion = conclusion
        report.conclusion_reasons = reasons
        report.concluded_on = concluded_on
        report.concluded_by_id = actor.officer_id
        if review_notes is not None:
            report.review_notes = review_notes
        self.session.flush()
        self._record(actor, "report.conclude", report, before, self._inspection(report))
        return report

    def order_correction(
        self, actor: Actor, report_id: int, order: str, deadline: date
    ) -> AnnualReport:
        """Order the organisation to correct (责令整改) by `deadline`, after a basic pass
        or a fail."""
        report = self.get(report_id, for_update=True)
        authorize(actor, Action.REPORT_ORDER_CORRECTION, report.organisation.authority.code)
        self._require_step(report, "order_correction")
        errors: dict[str, str] = {}
        order = _text(order, "order") or ""
        if not order:
            errors["order"] = Text("required: what must be corrected")
        if deadline <= self.clock.today():
            errors["deadline"] = Text("must be after today ({today})", today=self.clock.today())
        if errors:
            raise InvalidRecord(_fields(errors), errors=errors)
        before = self._inspection(report)
        report.correction_order = order
        report.correction_deadline = deadline
        self.session.flush()
        self._record(actor, "report.order_correction", report, before, self._inspection(report))
        return report

    def record_correction(self, actor: Actor, report_id: int, corrected_on: date) -> AnnualReport:
        """Record that the organisation met the correction order, on `corrected_on`."""
        report = self.get(report_id, for_update=True)
        authorize(actor, Action.REPORT_RECORD_CORRECTION, report.organisation.authority.code)
        self._require_step(report, "record_correction")
        if corrected_on > self.clock.today():
            raise InvalidRecord(
                Text("corrected_on cannot be in the future"),
                errors={"corrected_on": Text("cannot be in the future")},
            )
        if report.concluded_on is not None and corrected_on < report.concluded_on:
            raise InvalidRecord(
                Text("corrected_on is before the conclusion ({day})", day=report.concluded_on),
                errors={"corrected_on": Text("on or after {day}", day=report.concluded_on)},
            )
        before = self._inspection(report)
        report.corrected_on = corrected_on
        self.session.flush()
        self._record(actor, "report.record_correction", report, before, self._inspection(report))
        return report

    # -- helpers --------------------------------------------------------------------

    def _organisation(self, uscc: str) -> Organisation:
        code = (uscc or "").strip().upper()
        organisation = None
        if len(code) == 18 and code.isascii() and code.isalnum():
            organisation = self.session.scalar(select(O).where(O.uscc == code))
        if organisation is None:
            raise NotFound(f"no organisation with credit code {code}", uscc=code)
        return organisation

    def _existing(self, organisation_id: int, year: int) -> int | None:
        return self.session.scalar(
            select(AnnualReport.id).where(
                AnnualReport.organisation_id == organisation_id, AnnualReport.year == year
            )
        )

    def _duplicate(self, organisation: Organisation, year: int) -> DuplicateReport:
        return DuplicateReport(
            f"{organisation.name} has already reported for {year}",
            uscc=organisation.uscc,
            year=year,
            report_id=self._existing(organisation.id, year),
        )

    def _check_year(
        self, organisation: Organisation, year: int, submitted_on: date, today: date
    ) -> None:
        errors: dict[str, str] = {}
        if year >= today.year:
            errors["year"] = f"{year} has not ended: the last year to report on is {today.year - 1}"
        elif year < organisation.founded_on.year:
            errors["year"] = (
                f"{organisation.name} was registered on {organisation.founded_on}, after {year}"
            )
        elif not rules.is_obliged(
            year,
            kind=organisation.kind,
            is_charity=organisation.is_charity,
            founded_on=organisation.founded_on,
            status=organisation.status,
            status_date=organisation.status_date,
            dues=self.dues,
        ):
            errors["year"] = self._not_obliged_reason(organisation, year)
        if submitted_on > today:
            errors["submitted_on"] = "cannot be in the future"
        elif submitted_on <= date(year, 12, 31):
            errors["submitted_on"] = f"a report for {year} is received after the year ends"
        if errors:
            raise InvalidRecord("; ".join(errors.values()), errors=errors)

    def _not_obliged_reason(self, organisation: Organisation, year: int) -> str:
        if rules.is_exempt(organisation.kind, organisation.founded_on, year):
            return (
                f"an agency registered on {organisation.founded_on}, less than 6 months before "
                f"the end of {year}, does not report for {year}"
            )
        return (
            f"{organisation.name} was {organisation.status.value} on "
            f"{organisation.status_date}, before its report for {year} was due"
        )

    def _require_step(self, report: AnnualReport, step: str) -> None:
        allowed = self.next_steps(report)
        if step not in allowed:
            state = report.conclusion.value if report.conclusion else report.status.value
            doing = step.replace("_", " ")
            raise IllegalTransition(
                Text(
                    "cannot {step} a report that is {report_state}; allowed: {steps}",
                    step=doing,
                    report_state=state,
                    steps=allowed,
                )
                if allowed
                else Text(
                    "cannot {step} a report that is {report_state}; nothing more to do",
                    step=doing,
                    report_state=state,
                ),
                status=report.status.value,
                conclusion=report.conclusion.value if report.conclusion else None,
                allowed=allowed,
            )

    @staticmethod
    def _inspection(report: AnnualReport) -> dict[str, Any]:
        return {
            "status": report.status,
            "conclusion": report.conclusion,
            "conclusion_reasons": report.conclusion_reasons,
            "concluded_on": report.concluded_on,
            "correction_order": report.correction_order,
            "correction_deadline": report.correction_deadline,
            "corrected_on": report.corrected_on,
        }

    def _record(
        self,
        actor: Actor,
        action: str,
        report: AnnualReport,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        key = f"{report.organisation.uscc}/{report.year}"
        self.audit.record(actor, action, SUBJECT, key, before=before, after=after)

"""Detection: the batch run that lists dormant candidates with the criteria each meets.

One run replaces the candidate rows of the authorities it covers: a DELETE, then one
INSERT … SELECT over the register (queries.candidates), never a loop over organisations
in Python. The rows are the latest verdict, not a history: the audit trail keeps each
run's summary, and a case keeps the evidence it was opened with (`evidence`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import case, delete, func, insert, or_, select, text
from sqlalchemy.orm import Session, joinedload

from registry.authorities.models import RegistrationAuthority
from registry.credit.models import ContactAttempt, CreditListEntry
from registry.deregistration import queries
from registry.deregistration.models import Criterion, DormantCandidate
from registry.deregistration.rules import DormantRules
from registry.inspections.rules import DueDates
from registry.organisations.models import Organisation

DC = DormantCandidate
RA = RegistrationAuthority

#: candidate rows written in one run past which PostgreSQL is asked to refresh the
#: table's statistics (the listings page through it by index)
ANALYZE_AFTER = 5000


@dataclass(frozen=True)
class DetectionSummary:
    """What one run found: candidates in all, and per criterion."""

    on: date
    #: authorities covered
    authorities: int
    candidates: int
    by_criterion: dict[str, int]
    seconds: float
    #: seconds each step took, for the CLI and the benchmark (not audited)
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["on"] = self.on.isoformat()
        del values["timings"]
        return values

    def lines(self) -> list[str]:
        per = ", ".join(f"{name} {count}" for name, count in self.by_criterion.items())
        return [
            f"dormant detection for {self.on.isoformat()}: {self.authorities} authorities, "
            f"{self.candidates} candidates in {self.seconds:.2f} s",
            f"by criterion: {per}",
        ]


class _Stopwatch:
    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self.started = self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.last, 3)
        self.last = now

    @property
    def total(self) -> float:
        return round(time.perf_counter() - self.started, 3)


class Detection:
    """Runs the criteria of `rules` over the register, set-based. The caller commits."""

    def __init__(self, session: Session, rules: DormantRules, dues: DueDates) -> None:
        self.session = session
        self.rules = rules
        self.dues = dues

    def __call__(self, on: date, authority_ids: Sequence[int] | None = None) -> DetectionSummary:
        """Replace the candidate rows of `authority_ids` (every authority when None) with
        the organisations registered with them that meet a criterion on `on`."""
        timings: dict[str, float] = {}
        step = _Stopwatch(timings)
        ids = None if authority_ids is None else sorted(set(authority_ids))
        scope = None if ids is None else Organisation.authority_id.in_(ids)
        self.session.execute(_delete(ids), execution_options={"synchronize_session": False})
        step("delete")
        if ids != []:
            with self._without_jit():
                self.session.execute(
                    insert(DC).from_select(
                        queries.CANDIDATE_COLUMNS,
                        queries.candidates(on, self.rules, self.dues, scope),
                    ),
                    execution_options={"synchronize_session": False},
                )
        step("insert")
        total, by_criterion = self._counts(ids)
        step("count")
        if total > ANALYZE_AFTER and self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("ANALYZE dormant_candidate"))
            step("analyze")
        authorities = (
            self.session.scalar(select(func.count()).select_from(RA)) if ids is None else len(ids)
        )
        return DetectionSummary(
            on=on,
            authorities=int(authorities or 0),
            candidates=total,
            by_criterion=by_criterion,
            seconds=step.total,
            timings=timings,
        )

    @contextmanager
    def _without_jit(self) -> Iterator[None]:
        """PostgreSQL's JIT compiles the statement's many expressions for seconds (half of
        the run at a million organisations) to save far less: off for this statement,
        then back to what it was."""
        if self.session.get_bind().dialect.name != "postgresql":
            yield
            return
        before = self.session.scalar(text("SELECT current_setting('jit')"))
        self.session.execute(text("SELECT set_config('jit', 'off', true)"))
        yield
        self.session.execute(text("SELECT set_config('jit', :value, true)"), {"value": before})

    def _counts(self, ids: list[int] | None) -> tuple[int, dict[str, int]]:
        columns = [func.count()] + [
            func.coalesce(func.sum(case((getattr(DC, c.value).is_(True), 1), else_=0)), 0)
            for c in Criterion
        ]
        query = select(*columns).select_from(DC)
        if ids is not None:
            query = query.where(DC.authority_id.in_(ids))
        total, *per = self.session.execute(query).one()
        return int(total), {c.value: int(n) for c, n in zip(Criterion, per, strict=True)}


def _delete(ids: list[int] | None) -> Any:
    """The rows of the authorities in scope, and those of their organisations filed under
    another authority by an earlier run (an organisation that moved): the organisation is
    the key of the row the run writes."""
    if ids is None:
        return delete(DC)
    moved = DC.organisation_id.in_(
        select(Organisation.id).where(Organisation.authority_id.in_(ids))
    )
    return delete(DC).where(or_(DC.authority_id.in_(ids), moved))


# -- reading the candidates -------------------------------------------------------------


def evidence(session: Session, candidate: DormantCandidate, rules: DormantRules) -> dict:
    """The evidence of each criterion the candidate meets, JSON-ready (dates in ISO form),
    with the criterion's wording under the settings `rules` (kept with a case, so that
    later changes of the settings do not rewrite why it was opened)."""
    found: dict[str, dict[str, Any]] = {}
    if candidate.missed_reports:
        years = [int(y) for y in (candidate.missing_years or "").split(",") if y]
        found[Criterion.MISSED_REPORTS] = {"years": years}
    if candidate.no_activity:
        found[Criterion.NO_ACTIVITY] = {
            "registered_on": _iso(candidate.organisation.founded_on),
            "inactive_until": _iso(candidate.inactive_until),
        }
    if candidate.unreachable:
        ids = [candidate.first_failed_contact_id, candidate.second_failed_contact_id]
        attempts = {
            a.id: a
            for a in session.scalars(select(ContactAttempt).where(ContactAttempt.id.in_(ids)))
        }
        found[Criterion.UNREACHABLE] = {
            "contacts": [_contact(attempts[i]) for i in ids if i in attempts]
        }
    if candidate.long_abnormal and candidate.abnormal_entry_id is not None:
        entry = session.get(CreditListEntry, candidate.abnormal_entry_id)
        found[Criterion.LONG_ABNORMAL] = {
            "entry_id": candidate.abnormal_entry_id,
            "entered_on": _iso(candidate.abnormal_since),
            "ground": str(entry.ground) if entry else None,
        }
    for criterion, facts in found.items():
        facts["label"] = rules.criterion_label(Criterion(criterion))
    return {str(c): facts for c, facts in found.items()}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _contact(attempt: ContactAttempt) -> dict[str, Any]:
    return {
        "id": attempt.id,
        "method": str(attempt.method),
        "attempted_on": attempt.attempted_on.isoformat(),
        "reference": attempt.reference,
    }


def candidate_rows(
    session: Session,
    *,
    authority_prefix: str,
    criterion: Criterion | None,
    after_id: int,
    limit: int,
) -> list[DormantCandidate]:
    """A page of candidates in organisation order, after `after_id`: those of the
    authorities whose code starts with `authority_prefix` ('' for all, see
    accounts.rules.read_prefix), meeting `criterion` when one is given."""
    query = (
        select(DC)
        .options(joinedload(DC.organisation), joinedload(DC.authority))
        .where(DC.organisation_id > after_id)
        .order_by(DC.organisation_id)
        .limit(limit)
    )
    if authority_prefix:
        query = query.where(DC.authority_id.in_(_authorities(authority_prefix)))
    if criterion is not None:
        query = query.where(getattr(DC, Criterion(criterion).value).is_(True))
    return list(session.scalars(query).unique())


def _authorities(prefix: str) -> Any:
    return select(RA.id).where(RA.code.startswith(prefix, autoescape=True))


def authority_ids(session: Session, prefix: str) -> list[int]:
    """The ids of the authorities whose code starts with `prefix` ('' for all)."""
    return list(session.scalars(_authorities(prefix).order_by(RA.id)))

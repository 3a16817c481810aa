"""Reading the public trail in bulk: notices, decisions and the at-risk list, filtered,
keyset-paged or streamed.

One query shape per list serves the API, its CSV / JSON Lines streams and the bulk files:
the columns are labelled with the public field names, in field order. An authority filter
is a prefix of authority codes, as the division filters are: a province's code lists its
own notices and those of its cities and counties; 100000 lists them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    String,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from registry.authorities.models import RegistrationAuthority
from registry.deregistration.models import (
    Criterion,
    DeregistrationDecision,
    DormantCandidate,
    DormantCase,
    NoticeListing,
    PublicNotice,
)
from registry.deregistration.public import (
    AT_RISK_FIELDS,
    DECISION_FIELDS,
    DETECTED,
    NOTICE_LISTING_FIELDS,
    PUBLIC_STAGE,
    at_risk_record,
    decision_record,
    decision_record_from_row,
    internal_states,
    notice_listing_record_from_row,
    notice_record,
    notice_record_from_row,
)
from registry.deregistration.rules import DEFAULT_RULES, IN_PROCEDURE, DormantRules
from registry.errors import NotFound
from registry.organisations.listing import division_prefix
from registry.organisations.models import Organisation

N = PublicNotice
L = NoticeListing
D = DeregistrationDecision
C = DormantCase
DC = DormantCandidate
O = Organisation  # noqa: E741  (short names keep the queries readable)
RA = RegistrationAuthority

#: the largest id an INTEGER column holds (PostgreSQL's is 32-bit and refuses a larger
#: parameter with an error): larger ids name no row, and cursors past it end the list
LARGEST_ID = 2**31 - 1


def _authority(query: Select[Any], code: str | None) -> Select[Any]:
    prefix = division_prefix(code) if code else ""
    return query.where(RA.code.startswith(prefix, autoescape=True)) if prefix else query


# -- notices ----------------------------------------------------------------------------------

_NOTICE_COLUMNS: dict[str, ColumnElement[Any]] = {
    "id": N.id,
    "kind": N.kind,
    "number": N.number,
    "title": N.title,
    "authority_code": RA.code,
    "authority_name": RA.name,
    "basis": N.basis,
    "published_on": N.published_on,
    "ends_on": N.ends_on,
}


@dataclass(frozen=True)
class NoticeFilter:
    authority: str | None = None
    kind: str | None = None
    #: True: the period runs today; False: it has ended; None: both
    current: bool | None = None
    published_from: date | None = None
    published_to: date | None = None
    #: only the notices naming this organisation (its credit code)
    uscc: str | None = None


def _notices(filters: NoticeFilter, today: date, query: Select[Any]) -> Select[Any]:
    query = _authority(query, filters.authority)
    if filters.kind:
        query = query.where(N.kind == filters.kind)
    if filters.current is True:
        query = query.where(N.ends_on >= today)
    elif filters.current is False:
        query = query.where(N.ends_on < today)
    if filters.published_from:
        query = query.where(N.published_on >= filters.published_from)
    if filters.published_to:
        query = query.where(N.published_on <= filters.published_to)
    if filters.uscc:
        named = aliased(O)
        query = query.where(
            select(L.id)
            .join(named, L.organisation_id == named.id)
            .where(L.notice_id == N.id, named.uscc == filters.uscc.strip().upper())
            .exists()
        )
    return query


def notice_listing_rows() -> Select[Any]:
    """One row per notice and organisation named, as NOTICE_LISTING_FIELDS, in notice order;
    a notice naming none still has its row (the organisation's columns empty)."""
    columns: dict[str, ColumnElement[Any]] = {
        **_NOTICE_COLUMNS,
        "notice_id": N.id,
        "uscc": O.uscc,
        "name": O.name,
        "status": O.status,
        "responded_on": L.responded_on,
    }
    return (
        select(*(columns[spec.name].label(spec.name) for spec in NOTICE_LISTING_FIELDS))
        .join_from(N, RA, N.authority_id == RA.id)
        .outerjoin(L, L.notice_id == N.id)
        .outerjoin(O, L.organisation_id == O.id)
        .order_by(N.id, L.id)
    )


class NoticeList:
    """The public notices: pages of whole notices, or streams of notice × organisation rows."""

    def __init__(self, session: Session, today: date) -> None:
        self.session = session
        self.today = today

    def get(self, notice_id: int) -> dict[str, Any]:
        notice = self.session.get(N, notice_id) if 0 < notice_id <= LARGEST_ID else None
        if notice is None:
            raise NotFound(f"no public notice {notice_id}", id=notice_id)
        return notice_record(notice, self.today)

    def page(
        self, filters: NoticeFilter, after: int = 0, limit: int = 100
    ) -> tuple[list[dict[str, Any]], int | None]:
        """A page of notices in publication order (by id), and the id to continue after."""
        base = select(*(c.label(name) for name, c in _NOTICE_COLUMNS.items())).join_from(
            N, RA, N.authority_id == RA.id
        )
        after = min(after, LARGEST_ID)
        query = _notices(filters, self.today, base).where(N.id > after).order_by(N.id)
        rows = self.session.execute(query.limit(limit + 1)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        return self._records(rows), (rows[-1].id if more and rows else None)

    def newest(self, filters: NoticeFilter, limit: int = 50) -> list[dict[str, Any]]:
        """The latest notices, newest first (the Atom feed)."""
        base = select(*(c.label(name) for name, c in _NOTICE_COLUMNS.items())).join_from(
            N, RA, N.authority_id == RA.id
        )
        query = _notices(filters, self.today, base).order_by(N.published_on.desc(), N.id.desc())
        return self._records(self.session.execute(query.limit(limit)).all())

    def _records(self, rows: list[Any]) -> list[dict[str, Any]]:
        """The notices with the organisations each names: one query for the whole page."""
        named: dict[int, list[dict[str, Any]]] = {row.id: [] for row in rows}
        if named:
            listed = self.session.execute(
                select(
                    L.notice_id,
                    O.uscc.label("uscc"),
                    O.name.label("name"),
                    O.status.label("status"),
                    L.responded_on.label("responded_on"),
                )
                .join(O, L.organisation_id == O.id)
                .where(L.notice_id.in_(list(named)))
                .order_by(L.notice_id, L.id)
            )
            for row in listed:
                named[row.notice_id].append(dict(row._mapping))
        return [
            notice_record_from_row(dict(row._mapping), named[row.id], self.today) for row in rows
        ]

    def stream(self, filters: NoticeFilter) -> Iterator[dict[str, Any]]:
        """Every matching notice × organisation row (NOTICE_LISTING_FIELDS)."""
        query = _notices(filters, self.today, notice_listing_rows())
        for row in self.session.execute(query.execution_options(yield_per=1000)):
            yield notice_listing_record_from_row(dict(row._mapping))


# -- decisions --------------------------------------------------------------------------------

ServedBy = aliased(PublicNotice)


def decision_rows() -> Select[Any]:
    """Every decision, its columns named and ordered as DECISION_FIELDS, oldest first."""
    columns: dict[str, ColumnElement[Any]] = {
        "id": D.id,
        "kind": D.kind,
        "number": D.number,
        "uscc": O.uscc,
        "name": O.name,
        "authority_code": RA.code,
        "authority_name": RA.name,
        "decided_on": D.decided_on,
        "reason": D.reason,
        "basis": D.basis,
        "certificate_due_on": D.certificate_due_on,
        "certificate_outcome": D.certificate_outcome,
        "certificate_outcome_on": D.certificate_outcome_on,
        "review_until": D.review_until,
        "lawsuit_until": D.lawsuit_until,
        "served_by_notice": ServedBy.number,
    }
    return (
        select(*(columns[spec.name].label(spec.name) for spec in DECISION_FIELDS))
        .join_from(D, O, D.organisation_id == O.id)
        .join(RA, D.authority_id == RA.id)
        .outerjoin(ServedBy, D.served_by_notice_id == ServedBy.id)
        .order_by(D.id)
    )


@dataclass(frozen=True)
class DecisionFilter:
    authority: str | None = None
    kind: str | None = None
    decided_from: date | None = None
    decided_to: date | None = None
    uscc: str | None = None


def _decisions(filters: DecisionFilter) -> Select[Any]:
    query = _authority(decision_rows(), filters.authority)
    if filters.kind:
        query = query.where(D.kind == filters.kind)
    if filters.decided_from:
        query = query.where(D.decided_on >= filters.decided_from)
    if filters.decided_to:
        query = query.where(D.decided_on <= filters.decided_to)
    if filters.uscc:
        query = query.where(O.uscc == filters.uscc.strip().upper())
    return query


class DecisionList:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, decision_id: int) -> dict[str, Any]:
        decision = self.session.get(D, decision_id) if 0 < decision_id <= LARGEST_ID else None
        if decision is None:
            raise NotFound(f"no deregistration decision {decision_id}", id=decision_id)
        return decision_record(decision)

    def page(
        self, filters: DecisionFilter, after: int = 0, limit: int = 100
    ) -> tuple[list[dict[str, Any]], int | None]:
        after = min(after, LARGEST_ID)
        rows = self.session.execute(_decisions(filters).where(D.id > after).limit(limit + 1)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        records = [decision_record_from_row(dict(row._mapping)) for row in rows]
        return records, (rows[-1].id if more and rows else None)

    def stream(self, filters: DecisionFilter) -> Iterator[dict[str, Any]]:
        result = self.session.execute(_decisions(filters).execution_options(yield_per=1000))
        for row in result:
            yield decision_record_from_row(dict(row._mapping))


# -- the at-risk list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AtRiskFilter:
    authority: str | None = None
    #: a public stage (public.STAGE_LABELS)
    state: str | None = None
    criterion: str | None = None


def _criteria_text(row_criteria: ColumnElement[Any], criterion: str) -> ColumnElement[bool]:
    """`criterion` is one of a comma-separated list's names."""
    return (literal(",") + row_criteria + literal(",")).contains(f",{criterion},", autoescape=True)


def _open_cases(filters: AtRiskFilter) -> Select[Any]:
    """Organisations with an open case before a decision took effect."""
    notice, prior = aliased(PublicNotice), aliased(PublicNotice)
    states = sorted(IN_PROCEDURE)
    if filters.state:  # `detected` stands for no case state: an empty IN, no row
        states = [s for s in states if s in internal_states(filters.state)]
    stage = case(
        {state.value: public for state, public in PUBLIC_STAGE.items()},
        value=type_coerce(C.state, String),
        else_="under_review",
    )
    query = (
        select(
            C.organisation_id.label("organisation_id"),
            O.uscc.label("uscc"),
            O.name.label("name"),
            type_coerce(O.kind, String).label("kind"),
            RA.code.label("authority_code"),
            RA.name.label("authority_name"),
            literal("case", String).label("source"),
            stage.label("state"),
            C.opened_on.label("opened_on"),
            C.criteria.label("criteria"),
            func.coalesce(prior.number, notice.number).label("notice_number"),
            # The dates of the same notice as the number's.
            case((prior.id.is_not(None), prior.ends_on), else_=notice.ends_on).label(
                "notice_ends_on"
            ),
        )
        .join_from(C, O, C.organisation_id == O.id)
        .join(RA, C.authority_id == RA.id)
        .outerjoin(notice, C.notice_id == notice.id)
        .outerjoin(prior, C.prior_notice_id == prior.id)
        .where(C.closed_on.is_(None), type_coerce(C.state, String).in_([s.value for s in states]))
    )
    if filters.criterion:
        query = query.where(_criteria_text(C.criteria, filters.criterion))
    return _authority(query, filters.authority)


def _candidates(filters: AtRiskFilter) -> Select[Any] | None:
    """Detected candidates with no open case."""
    if filters.state and filters.state != DETECTED:
        return None
    met = [
        case((getattr(DC, criterion.value).is_(True), literal(f"{criterion.value},")), else_="")
        for criterion in Criterion
    ]
    joined = met[0]
    for part in met[1:]:
        joined = joined + part
    open_case = exists().where(C.organisation_id == DC.organisation_id, C.closed_on.is_(None))
    query = (
        select(
            DC.organisation_id.label("organisation_id"),
            O.uscc.label("uscc"),
            O.name.label("name"),
            type_coerce(O.kind, String).label("kind"),
            RA.code.label("authority_code"),
            RA.name.label("authority_name"),
            literal("candidate", String).label("source"),
            literal(DETECTED, String).label("state"),
            DC.detected_on.label("opened_on"),
            func.rtrim(joined, ",", type_=String).label("criteria"),
            cast(null(), String).label("notice_number"),
            cast(null(), Date).label("notice_ends_on"),
        )
        .join_from(DC, O, DC.organisation_id == O.id)
        .join(RA, DC.authority_id == RA.id)
        .where(~open_case)
    )
    if filters.criterion:
        query = query.where(getattr(DC, Criterion(filters.criterion).value).is_(True))
    return _authority(query, filters.authority)


def at_risk_query(
    filters: AtRiskFilter | None = None,
    *,
    include_candidates: bool = False,
    with_id: bool = False,
) -> Select[Any]:
    """The at-risk list as one statement (a UNION of open cases and, when asked, candidates
    without a case), its columns named and ordered as AT_RISK_FIELDS, by organisation; an
    organisation has at most one open case, so the organisation's id is a unique key."""
    filters = filters or AtRiskFilter()
    cases = _open_cases(filters)
    candidates = _candidates(filters) if include_candidates else None
    rows = (union_all(cases, candidates) if candidates is not None else cases).subquery("at_risk")
    columns = [rows.c[spec.name] for spec in AT_RISK_FIELDS]
    if with_id:
        columns.append(rows.c.organisation_id)
    return select(*columns).order_by(rows.c.organisation_id)


class AtRiskList:
    def __init__(self, session: Session, rules: DormantRules = DEFAULT_RULES) -> None:
        self.session = session
        self.include_candidates = rules.at_risk_includes_candidates

    def _query(self, filters: AtRiskFilter, *, with_id: bool = False) -> Select[Any]:
        return at_risk_query(filters, include_candidates=self.include_candidates, with_id=with_id)

    def page(
        self, filters: AtRiskFilter, after: int = 0, limit: int = 100
    ) -> tuple[list[dict[str, Any]], int | None]:
        """A page by organisation, and the organisation id to continue after."""
        query = self._query(filters, with_id=True)
        key = query.selected_columns.organisation_id
        after = min(after, LARGEST_ID)
        rows = self.session.execute(query.where(key > after).limit(limit + 1)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        records = [at_risk_record(dict(row._mapping)) for row in rows]
        return records, (rows[-1].organisation_id if more and rows else None)

    def stream(self, filters: AtRiskFilter) -> Iterator[dict[str, Any]]:
        result = self.session.execute(self._query(filters).execution_options(yield_per=1000))
        for row in result:
            yield at_risk_record(dict(row._mapping))

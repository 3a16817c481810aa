"""Reading charities, fundraising plans, charity trusts and their reports in bulk: filtered,
keyset-paged, or streamed; the same queries make the bulk files.

Each query's columns are labelled with the public field names, in field order. A charity's
`no_activity_years` is computed in the query, as of the day asked, with the rule of
rules.inactivity_years and rules.report_shows_activity (activity.py is the same rule for one
charity).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    extract,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from registry.accounts.rules import read_prefix
from registry.authorities.models import RegistrationAuthority
from registry.charities import rules
from registry.charities.models import (
    Charity,
    CharityStatus,
    CharityTrust,
    FundraisingPlan,
    TrustReport,
)
from registry.charities.public import (
    CHARITY_FIELDS,
    PLAN_FIELDS,
    TRUST_FIELDS,
    TRUST_REPORT_FIELDS,
    charity_record_from_row,
    trust_record_from_row,
)
from registry.inspections.models import AnnualReport
from registry.inspections.rules import DEFAULT_DUES, DueDates
from registry.organisations.models import Organisation, OrganisationStatus
from registry.public import labelled, public_record

C = Charity
O = Organisation  # noqa: E741
RA = RegistrationAuthority
T = CharityTrust
P = FundraisingPlan
AR = AnnualReport


def normalise(text: str) -> str:
    """What `q` and the trusts' search text are compared as: NFKC, simplified, lower case."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return " ".join(_t2s().convert(folded).split())


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def _like_all(column: ColumnElement[str], q: str) -> ColumnElement[bool]:
    """Every word of `q` appears in `column`, in any order."""
    words = normalise(q).split()
    return and_(*(column.contains(word, autoescape=True) for word in words))


def _within(code_column: ColumnElement[str], authority: str) -> ColumnElement[bool]:
    """The authority and those below it (a province: every authority of the province)."""
    prefix = read_prefix(authority)
    return code_column.startswith(prefix, autoescape=True) if prefix else literal(True)


# -- charities ------------------------------------------------------------------------


def _reports_with_activity(years: list[int]) -> ColumnElement[int]:
    """How many of the organisation's reports for `years` record charitable activity.

    A correlated count, probed through the (organisation_id, year) key row by row: an
    EXISTS here lets PostgreSQL hash every report of each year instead (about 70 ms a
    year at 100,000 organisations, whatever the page size)."""
    return (
        select(func.count())
        .where(
            AR.organisation_id == O.id,
            AR.year.in_(years),
            or_(AR.activities.not_in(["[]", ""]), func.coalesce(AR.grants_made, 0) > 0),
        )
        .correlate(O)
        .scalar_subquery()
    )


def no_activity_column(
    today: date,
    dues: DueDates = DEFAULT_DUES,
    charity_rules: rules.CharityRules = rules.DEFAULT_RULES,
) -> ColumnElement[Any]:
    """The years without charitable activity on record, comma-separated, or NULL: only for
    recognised charities of active organisations recognised before the first such year."""
    years = rules.inactivity_years(today, date(1, 1, 1), dues, charity_rules)
    if not years:
        return cast(literal(None), String)
    flagged = and_(
        C.status == CharityStatus.RECOGNISED,
        O.status == OrganisationStatus.ACTIVE,
        extract("year", C.recognised_on) <= years[0],
        _reports_with_activity(years) == 0,
    )
    return case((flagged, literal(",".join(map(str, years)))), else_=cast(literal(None), String))


def _plans_count() -> ColumnElement[int]:
    return (
        select(func.count())
        .where(P.organisation_id == C.organisation_id)
        .correlate(C)
        .scalar_subquery()
    )


def charity_rows(
    today: date | None = None,
    dues: DueDates = DEFAULT_DUES,
    charity_rules: rules.CharityRules = rules.DEFAULT_RULES,
) -> Select[Any]:
    """Every charity, its columns named and ordered as CHARITY_FIELDS, by organisation id."""
    from registry.clock import SystemClock

    columns: dict[str, ColumnElement[Any]] = {
        "uscc": O.uscc,
        "name": O.name,
        "kind": O.kind,
        "registration_authority_code": RA.code,
        "organisation_status": O.status,
        "charity_status": C.status,
        "recognised_on": C.recognised_on,
        "recognition_document_no": C.recognition_document_no,
        "public_fundraising": C.public_fundraising,
        "qualification_granted_on": C.qualification_granted_on,
        "qualification_revoked_on": C.qualification_revoked_on,
        "lost_on": C.lost_on,
        "loss_reason": C.loss_reason,
        "no_activity_years": no_activity_column(
            today or SystemClock().today(), dues, charity_rules
        ),
        "fundraising_plans": _plans_count(),
        "updated_at": C.updated_at,
        "version": C.version,
    }
    return (
        select(*labelled(CHARITY_FIELDS, columns), C.organisation_id.label("_key"))
        .join_from(C, O, C.organisation_id == O.id)
        .join(RA, O.authority_id == RA.id)
        .order_by(C.organisation_id)
    )


def charity_dataset_rows() -> Select[Any]:
    """The bulk file's query: the fields alone."""
    query = charity_rows()
    return query.with_only_columns(*list(query.selected_columns)[:-1])


@dataclass(frozen=True)
class CharityFilter:
    authority: str | None = None
    status: str | None = None
    public_fundraising: bool | None = None
    #: True: flagged for no charitable activity in the last two years
    no_activity: bool | None = None
    q: str | None = None
    recognised_year: int | None = None


class CharityListing:
    def __init__(
        self,
        session: Session,
        today: date,
        dues: DueDates = DEFAULT_DUES,
        charity_rules: rules.CharityRules = rules.DEFAULT_RULES,
    ) -> None:
        self.session = session
        self.today = today
        self.dues = dues
        self.rules = charity_rules

    def _query(self, filters: CharityFilter) -> Select[Any]:
        query = charity_rows(self.today, self.dues, self.rules)
        if filters.authority:
            query = query.where(_within(RA.code, filters.authority))
        if filters.status:
            query = query.where(C.status == filters.status)
        if filters.public_fundraising is not None:
            query = query.where(C.public_fundraising.is_(filters.public_fundraising))
        if filters.no_activity is not None:
            flag = no_activity_column(self.today, self.dues, self.rules)
            query = query.where(flag.is_not(None) if filters.no_activity else flag.is_(None))
        if filters.q:
            query = query.where(_like_all(O.name, filters.q))
        if filters.recognised_year:
            query = query.where(extract("year", C.recognised_on) == filters.recognised_year)
        return query

    def page(
        self, filters: CharityFilter, after: int = 0, limit: int = 100
    ) -> tuple[list[dict[str, Any]], int | None]:
        query = self._query(filters).where(C.organisation_id > after).limit(limit + 1)
        rows = self.session.execute(query).all()
        more = len(rows) > limit
        rows = rows[:limit]
        records = [charity_record_from_row(dict(row._mapping)) for row in rows]
        return records, (rows[-1]._key if more and rows else None)

    def stream(self, filters: CharityFilter) -> Iterator[dict[str, Any]]:
        result = self.session.execute(self._query(filters).execution_options(yield_per=1000))
        for row in result:
            yield charity_record_from_row(dict(row._mapping))

    def one(self, uscc: str) -> dict[str, Any] | None:
        row = self.session.execute(
            charity_rows(self.today, self.dues, self.rules).where(O.uscc == uscc.strip().upper())
        ).first()
        return charity_record_from_row(dict(row._mapping)) if row else None


# -- fundraising plans ----------------------------------------------------------------


def plan_rows() -> Select[Any]:
    columns: dict[str, ColumnElement[Any]] = {
        **{spec.name: getattr(P, spec.name) for spec in PLAN_FIELDS if hasattr(P, spec.name)},
        "uscc": O.uscc,
        "name": O.name,
        "authority_code": RA.code,
    }
    return (
        select(*labelled(PLAN_FIELDS, columns))
        .join_from(P, O, P.organisation_id == O.id)
        .join(RA, P.authority_id == RA.id)
        .order_by(P.id)
    )


@dataclass(frozen=True)
class PlanFilter:
    uscc: str | None = None
    authority: str | None = None
    #: plans running on this day
    running_on: date | None = None
    method: str | None = None
    filed_late: bool | None = None
    starts_from: date | None = None
    starts_to: date | None = None


class PlanListing:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _query(self, filters: PlanFilter) -> Select[Any]:
        query = plan_rows()
        if filters.uscc:
            query = query.where(O.uscc == filters.uscc.strip().upper())
        if filters.authority:
            query = query.where(_within(RA.code, filters.authority))
        if filters.running_on:
            query = query.where(P.starts_on <= filters.running_on, P.ends_on >= filters.running_on)
        if filters.method:
            query = query.where(P.method == filters.method)
        if filters.filed_late is not None:
            query = query.where(P.filed_late.is_(filters.filed_late))
        if filters.starts_from:
            query = query.where(P.starts_on >= filters.starts_from)
        if filters.starts_to:
            query = query.where(P.starts_on <= filters.starts_to)
        return query

    def page(
        self, filters: PlanFilter, after: int = 0, limit: int = 100
    ) -> tuple[list[dict[str, Any]], int | None]:
        rows = self.session.execute(self._query(filters).where(P.id > after).limit(limit + 1))
        found = rows.all()
        more = len(found) > limit
        found = found[:limit]
        records = [public_record(PLAN_FIELDS, dict(row._mapping)) for row in found]
        return records, (found[-1].id if more and found else None)

    def stream(self, filters: PlanFilter) -> Iterator[dict[str, Any]]:
        result = self.session.execute(self._query(filters).execution_options(yield_per=1000))
        for row in result:
            yield public_record(PLAN_FIELDS, dict(row._mapping))


# -- charity trusts -------------------------------------------------------------------


def trust_rows() -> Select[Any]:
    columns: dict[str, ColumnElement[Any]] = {
        **{spec.name: getattr(T, spec.name) for spec in TRUST_FIELDS if spec.name in T.__table__.c},
        "authority_code": RA.code,
        "authority": RA.name,
        "fields": T.field_list,
        "trustees": T.trustee_list,
        "trustee_usccs": T.trustee_uscc_list,
        "settlors": T.settlor_list,
        "supervisor": case(
            (
                T.supervisor_uscc.is_not(None),
                T.supervisor_name + " (" + T.supervisor_uscc + ")",
            ),
            else_=T.supervisor_name,
        ),
    }
    return (
        select(*labelled(TRUST_FIELDS, columns), T.id.label("_key"))
        .join_from(T, RA, T.authority_id == RA.id)
        .order_by(T.id)
    )


def trust_dataset_rows() -> Select[Any]:
    query = trust_rows()
    return query.with_only_columns(*list(query.selected_columns)[:-1])


@dataclass(frozen=True)
class TrustFilter:
    #: a trustee's credit code, or words of a trustee's name
    trustee: str | None = None
    #: one charitable field
    field: str | None = None
    authority: str | None = None
    #: year of the establishment filing
    year: int | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    status: str | None = None
    #: words of the trust's name, a trustee's or a settlor's name, or a code
    q: str | None = None


def _trustee(value: str) -> ColumnElement[bool]:
    code = value.strip().upper()
    if len(code) == 18 and code.isalnum():
        return T.trustee_uscc_list.contains(code, autoescape=True)
    return _like_all(func.lower(T.trustee_list), value)


class TrustListing:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _query(self, filters: TrustFilter) -> Select[Any]:
        query = trust_rows()
        if filters.trustee:
            query = query.where(_trustee(filters.trustee))
        if filters.field:
            # field_list is sorted and comma-separated: match whole values only
            query = query.where(
                ("," + T.field_list + ",").contains(f",{filters.field},", autoescape=True)
            )
        if filters.authority:
            query = query.where(_within(RA.code, filters.authority))
        if filters.year:
            query = query.where(extract("year", T.filed_on) == filters.year)
        if filters.min_amount is not None:
            query = query.where(T.property_amount >= filters.min_amount)
        if filters.max_amount is not None:
            query = query.where(T.property_amount <= filters.max_amount)
        if filters.status:
            query = query.where(T.status == filters.status)
        if filters.q:
            query = query.where(_like_all(T.search_text, filters.q))
        return query

    def page(
        self, filters: TrustFilter, after: int = 0, limit: int = 100
    ) -> tuple[list[dict[str, Any]], int | None]:
        query = self._query(filters).where(T.id > after).limit(limit + 1)
        rows = self.session.execute(query).all()
        more = len(rows) > limit
        rows = rows[:limit]
        records = [trust_record_from_row(dict(row._mapping)) for row in rows]
        return records, (rows[-1]._key if more and rows else None)

    def stream(self, filters: TrustFilter) -> Iterator[dict[str, Any]]:
        result = self.session.execute(self._query(filters).execution_options(yield_per=1000))
        for row in result:
            yield trust_record_from_row(dict(row._mapping))

    def search(self, q: str, limit: int = 5) -> tuple[list[dict[str, Any]], int]:
        """The trusts `q` finds (by name, trustee or settlor), newest filing first, and
        how many it finds in all: for the register-wide search."""
        query = self._query(TrustFilter(q=q))
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.execute(
            query.order_by(None).order_by(T.filed_on.desc(), T.id.desc()).limit(limit)
        ).all()
        return [trust_record_from_row(dict(row._mapping)) for row in rows], total


def report_rows() -> Select[Any]:
    R = TrustReport
    columns: dict[str, ColumnElement[Any]] = {
        "record_no": T.record_no,
        "year": R.year,
        "income": R.income,
        "grants_made": R.grants_made,
        "balance": R.balance,
        "submitted_on": R.submitted_on,
    }
    return (
        select(*labelled(TRUST_REPORT_FIELDS, columns))
        .join_from(R, T, R.trust_id == T.id)
        .order_by(R.id)
    )


# -- one record ------------------------------------------------------------------------


def charity_detail(listing: CharityListing, uscc: str) -> dict[str, Any] | None:
    """The charity's record with its qualifications, losses of status and the trusts of
    which it is a trustee; None when the organisation was never recognised."""
    from registry.charities.models import CharityLoss, FundraisingQualification, TrustParty

    record = listing.one(uscc)
    if record is None:
        return None
    session = listing.session
    organisation_id = session.scalar(select(O.id).where(O.uscc == record["uscc"]))
    Q, L = FundraisingQualification, CharityLoss
    qualifications = session.scalars(
        select(Q).where(Q.organisation_id == organisation_id).order_by(Q.granted_on, Q.id)
    )
    losses = session.scalars(
        select(L).where(L.organisation_id == organisation_id).order_by(L.lost_on, L.id)
    )
    trusts = session.execute(
        select(T.record_no, T.name, T.status, T.property_amount)
        .where(
            T.id.in_(
                select(TrustParty.trust_id).where(TrustParty.organisation_id == organisation_id)
            )
        )
        .order_by(T.filed_on, T.id)
    )
    return {
        **record,
        "qualifications": [
            public_record(_QUALIFICATION, {c: getattr(q, c) for c in _QUALIFICATION_NAMES})
            for q in qualifications
        ],
        "losses": [
            public_record(_LOSS, {c: getattr(loss, c) for c in _LOSS_NAMES}) for loss in losses
        ],
        "trusts": [public_record(_TRUST_REF, dict(row._mapping)) for row in trusts],
    }


def _specs(*names: str) -> tuple[Any, ...]:
    from registry.public import FieldSpec

    return tuple(FieldSpec(name, "string", name, name) for name in names)


_QUALIFICATION_NAMES = ("granted_on", "document_no", "revoked_on", "revocation_reason")
_LOSS_NAMES = ("kind", "lost_on", "reason", "document_no")
_QUALIFICATION = _specs(*_QUALIFICATION_NAMES)
_LOSS = _specs(*_LOSS_NAMES)
_TRUST_REF = _specs("record_no", "name", "status", "property_amount")


def find_trust(session: Session, record_no: str) -> CharityTrust | None:
    from sqlalchemy.orm import selectinload

    return session.scalar(
        select(T)
        .where(T.record_no == record_no.strip())
        .options(selectinload(T.parties), selectinload(T.filings), selectinload(T.reports))
    )


@dataclass(frozen=True)
class ReportFilter:
    record_no: str | None = None
    year: int | None = None


class ReportListing:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _query(self, filters: ReportFilter) -> Select[Any]:
        query = report_rows().add_columns(TrustReport.id.label("_key"))
        if filters.record_no:
            query = query.where(T.record_no == filters.record_no)
        if filters.year:
            query = query.where(TrustReport.year == filters.year)
        return query

    def page(
        self, filters: ReportFilter, after: int = 0, limit: int = 100
    ) -> tuple[list[dict[str, Any]], int | None]:
        query = self._query(filters).where(TrustReport.id > after).limit(limit + 1)
        rows = self.session.execute(query).all()
        more = len(rows) > limit
        rows = rows[:limit]
        records = [public_record(TRUST_REPORT_FIELDS, dict(row._mapping)) for row in rows]
        return records, (rows[-1]._key if more and rows else None)

    def stream(self, filters: ReportFilter) -> Iterator[dict[str, Any]]:
        result = self.session.execute(self._query(filters).execution_options(yield_per=1000))
        for row in result:
            yield public_record(TRUST_REPORT_FIELDS, dict(row._mapping))

"""Reading ratings in bulk: filtered, keyset-paged by id, or streamed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from registry.authorities.models import RegistrationAuthority
from registry.organisations.models import Organisation
from registry.ratings.models import Rating
from registry.ratings.public import RATING_FIELDS, rating_record_from_row

O = Organisation  # noqa: E741
RA = RegistrationAuthority


def rating_rows() -> Select[Any]:
    """Every rating, its columns named and ordered as RATING_FIELDS, oldest first."""
    columns = {
        "id": Rating.id,
        "uscc": O.uscc,
        "name": O.name,
        "grade": Rating.grade,
        "rated_on": Rating.rated_on,
        "valid_until": Rating.valid_until,
        "withdrawn_on": Rating.withdrawn_on,
        "withdrawal_reason": Rating.withdrawal_reason,
        "authority_code": RA.code,
    }
    return (
        select(*(columns[spec.name].label(spec.name) for spec in RATING_FIELDS))
        .join_from(Rating, O, Rating.organisation_id == O.id)
        .join(RA, Rating.authority_id == RA.id)
        .order_by(Rating.id)
    )


def in_force(day: date) -> ColumnElement[bool]:
    """Ratings in force on `day` (rules.current_rating's condition)."""
    return and_(
        Rating.rated_on <= day,
        Rating.valid_until >= day,
        or_(Rating.withdrawn_on.is_(None), Rating.withdrawn_on > day),
    )


@dataclass(frozen=True)
class RatingFilter:
    grade: str | None = None
    #: True: in force today; False: ran out or withdrawn; None: both
    current: bool | None = None
    uscc: str | None = None
    authority: str | None = None


class RatingListing:
    def __init__(self, session: Session, today: date) -> None:
        self.session = session
        self.today = today

    def _query(self, filters: RatingFilter) -> Select[Any]:
        query = rating_rows()
        if filters.grade:
            query = query.where(Rating.grade == filters.grade.upper())
        if filters.current is True:
            query = query.where(in_force(self.today))
        elif filters.current is False:
            query = query.where(~in_force(self.today))
        if filters.uscc:
            query = query.where(O.uscc == filters.uscc.strip().upper())
        if filters.authority:
            query = query.where(RA.code == filters.authority)
        return query

    def page(
        self, filters: RatingFilter, after: int = 0, limit: int = 100
    ) -> tuple[list[dict[str, Any]], int | None]:
        rows = self.session.execute(
            self._query(filters).where(Rating.id > after).limit(limit + 1)
        ).all()
        more = len(rows) > limit
        rows = rows[:limit]
        records = [rating_record_from_row(dict(row._mapping)) for row in rows]
        return records, (rows[-1].id if more and rows else None)

    def stream(self, filters: RatingFilter) -> Iterator[dict[str, Any]]:
        result = self.session.execute(self._query(filters).execution_options(yield_per=1000))
        for row in result:
            yield rating_record_from_row(dict(row._mapping))

"""Ratings: rating an organisation and withdrawing a rating.

The organisation's record carries its rating in force (`rating`, `rating_valid_until`),
published with it; `credit run` clears ratings whose term is over, set-based.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.rules import Action, Actor, authorize
from registry.audit.services import AuditTrail
from registry.clock import Clock
from registry.credit import queries as credit_queries
from registry.credit.models import CreditList, Penalty
from registry.errors import IllegalTransition, InvalidRecord, NotFound
from registry.inspections import rules as inspection_rules
from registry.inspections.models import AnnualReport
from registry.inspections.rules import DEFAULT_DUES, DueDates
from registry.organisations.models import Organisation, OrganisationStatus
from registry.organisations.publication import publish
from registry.ratings import rules
from registry.ratings.models import Rating
from registry.ratings.public import rating_record


class RatingService:
    def __init__(
        self,
        session: Session,
        clock: Clock,
        bands: Sequence[tuple[str, int]] = rules.DEFAULT_BANDS,
        *,
        max_score: int = 1000,
        valid_years: int = rules.VALID_YEARS,
        dues: DueDates = DEFAULT_DUES,
    ) -> None:
        self.session = session
        self.clock = clock
        self.bands = tuple(bands)
        self.max_score = max_score
        self.valid_years = valid_years
        self.dues = dues
        self.audit = AuditTrail(session, clock)

    @classmethod
    def from_settings(cls, session: Session, clock: Clock, settings: Any) -> RatingService:
        return cls(
            session,
            clock,
            getattr(settings, "rating_bands", rules.DEFAULT_BANDS),
            max_score=getattr(settings, "rating_max_score", 1000),
            valid_years=getattr(settings, "rating_valid_years", rules.VALID_YEARS),
            dues=DueDates.from_settings(settings),
        )

    def get(self, rating_id: int) -> Rating:
        rating = self.session.get(Rating, rating_id)
        if rating is None:
            raise NotFound(f"no rating {rating_id}", rating=rating_id)
        return rating

    def rate(
        self,
        actor: Actor,
        uscc: str,
        score: Decimal | int | float | str,
        rated_on: date | None = None,
    ) -> Rating:
        """Rate an organisation: its grade from the score bands, valid 5 years; refused
        (422, naming each rule broken) when it is not eligible."""
        organisation = self._organisation(uscc)
        authorize(actor, Action.RATING_RECORD, organisation.authority.code)
        score = self._score(score)
        today = self.clock.today()
        day = rated_on or today
        if day > today:
            raise InvalidRecord(
                f"rated_on {day.isoformat()} is after today ({today.isoformat()})",
                errors={"rated_on": "after today"},
            )
        grade = rules.grade_for(score, self.bands)
        if grade is None:
            lowest_grade, lowest = min(self.bands, key=lambda band: band[1])
            raise InvalidRecord(
                f"a score of {score} is below {lowest}, the lowest band ({lowest_grade}): "
                "not rated",
                errors={"score": f"below {lowest}"},
            )
        refused = rules.refusals(self.facts(organisation, day))
        if refused:
            raise InvalidRecord(
                f"{organisation.name} cannot be rated: "
                + "; ".join(f"{r.reason} ({r.rule})" for r in refused),
                errors={r.rule: r.reason for r in refused},
            )
        rating = Rating(
            organisation=organisation,
            grade=grade,
            score=score,
            rated_on=day,
            valid_until=rules.valid_until(day, self.valid_years),
            authority_id=organisation.authority_id,
            rated_by_id=actor.officer_id,
            recorded_at=self.clock.now(),
        )
        self.session.add(rating)
        self.session.flush()
        self.audit.record(actor, Action.RATING_RECORD, "rating", rating.id, None, _audited(rating))
        self._refresh(organisation)
        return rating

    def withdraw(
        self, actor: Actor, rating_id: int, on: date | None = None, reason: str = ""
    ) -> Rating:
        """Withdraw a rating before its term (e.g. the organisation was revoked)."""
        rating = self.get(rating_id)
        organisation = rating.organisation
        authorize(actor, Action.RATING_WITHDRAW, organisation.authority.code)
        if rating.withdrawn_on is not None:
            raise IllegalTransition(
                f"rating {rating.id} was withdrawn on {rating.withdrawn_on.isoformat()}",
                status="withdrawn",
                allowed=[],
            )
        reason = (reason or "").strip()
        if not reason:
            raise InvalidRecord(
                "a reason is required to withdraw a rating", errors={"reason": "required"}
            )
        today = self.clock.today()
        day = on or today
        if day > today or day < rating.rated_on:
            raise InvalidRecord(
                f"the withdrawal day must be between the rating ({rating.rated_on.isoformat()}) "
                f"and today ({today.isoformat()})",
                errors={"on": "out of range"},
            )
        if day > rating.valid_until:
            raise IllegalTransition(
                f"rating {rating.id} ran out on {rating.valid_until.isoformat()}",
                status="expired",
                allowed=[],
            )
        before = _audited(rating)
        rating.withdrawn_on = day
        rating.withdrawal_reason = reason
        self.session.flush()
        self.audit.record(
            actor, Action.RATING_WITHDRAW, "rating", rating.id, before, _audited(rating)
        )
        self._refresh(organisation)
        return rating

    # -- eligibility ------------------------------------------------------------------

    def facts(self, organisation: Organisation, day: date) -> rules.Facts:
        """What the eligibility rules need, read from the register as of `day`."""
        year = inspection_rules.latest_due_year(
            day, organisation.kind, organisation.is_charity, self.dues
        )
        reports = {
            report.year: report
            for report in self.session.scalars(
                select(AnnualReport).where(
                    AnnualReport.organisation_id == organisation.id,
                    AnnualReport.year.in_([year, year - 1]),
                    AnnualReport.submitted_on <= day,
                )
            )
        }

        def inspection(y: int) -> rules.Inspection:
            report = reports.get(y)
            concluded = report is not None and report.concluded_on and report.concluded_on <= day
            return rules.Inspection(
                year=y,
                obliged=inspection_rules.is_obliged(
                    y,
                    kind=organisation.kind,
                    is_charity=organisation.is_charity,
                    founded_on=organisation.founded_on,
                    status=organisation.status,
                    status_date=organisation.status_date,
                    dues=self.dues,
                ),
                filed=report is not None,
                conclusion=report.conclusion.value if concluded and report.conclusion else None,
            )

        penalties = self.session.scalars(
            select(Penalty.decided_on).where(
                Penalty.organisation_id == organisation.id, Penalty.decided_on <= day
            )
        ).all()
        lists = [
            list_name.value
            for list_name in CreditList
            if self.session.scalar(
                select(credit_queries.on_list(list_name, day)).where(
                    Organisation.id == organisation.id
                )
            )
        ]
        return rules.Facts(
            rated_on=day,
            founded_on=organisation.founded_on,
            active=organisation.status is OrganisationStatus.ACTIVE,
            last_inspection=inspection(year),
            previous_inspection=inspection(year - 1),
            penalties=penalties,
            lists=lists,
        )

    # -- helpers ----------------------------------------------------------------------

    def _organisation(self, uscc: str) -> Organisation:
        code = (uscc or "").strip().upper()
        organisation = self.session.scalar(select(Organisation).where(Organisation.uscc == code))
        if organisation is None:
            raise NotFound(f"no organisation with credit code {code}", uscc=code)
        return organisation

    def _score(self, value: Decimal | int | float | str) -> Decimal:
        try:
            score = Decimal(str(value))
        except InvalidOperation:
            score = None
        if score is None or not score.is_finite() or not 0 <= score <= self.max_score:
            raise InvalidRecord(
                f"score must be a number from 0 to {self.max_score}, not {value!r}",
                errors={"score": f"0 to {self.max_score}"},
            )
        return score.quantize(Decimal("0.1"))

    def _refresh(self, organisation: Organisation) -> None:
        """Put the rating in force today on the organisation's record; publish it if changed."""
        ratings = self.session.execute(
            select(Rating.grade, Rating.rated_on, Rating.valid_until, Rating.withdrawn_on).where(
                Rating.organisation_id == organisation.id
            )
        ).all()
        current = rules.current_rating([tuple(r) for r in ratings], self.clock.today())
        grade, until = current if current else (None, None)
        if (organisation.rating, organisation.rating_valid_until) == (grade, until):
            return
        organisation.rating = grade
        organisation.rating_valid_until = until
        organisation.updated_at = self.clock.now()
        organisation.version = (organisation.version or 0) + 1
        self.session.flush()
        publish(self.session, self.clock, organisation)


def _audited(rating: Rating) -> dict[str, Any]:
    return {**rating_record(rating), "score": rating.score, "rated_by_id": rating.rated_by_id}

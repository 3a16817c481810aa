"""Officers: credit-list grounds and removals, penalties, contact attempts and ratings.

Reviewers and heads act on their own authority's organisations; clerks record contact
attempts. Every write is audited by the service and committed here.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.auth import current_actor, officer_responses
from openapi.resources.credit.schemas import EntrySchema, RatingSchema
from openapi.resources.officer_credit.schemas import (
    ENTRY_ID_PARAM,
    RATING_ID_PARAM,
    ContactCreateSchema,
    ContactSchema,
    EntryCreateSchema,
    PenaltyCreateSchema,
    PenaltyRecordedSchema,
    RatingCreateSchema,
    RemovalSchema,
    WithdrawalSchema,
)
from openapi.resources.organisations.schemas import USCC_PARAM
from registry import context
from registry.credit.public import entry_record
from registry.credit.services import CreditService, contact, penalty_view
from registry.extensions import db
from registry.ratings.public import rating_record
from registry.ratings.services import RatingService

bp = Blueprint(
    "officer_credit",
    __name__,
    url_prefix="/api/v1/officer",
    description="Officers: credit lists, penalties, contact attempts and ratings",
)


_ERRORS = {
    401: "No valid officer token",
    403: "Not this officer's role or authority",
    404: "No such organisation or record",
    422: "Refused: the message names the rule",
}


def _document(errors: tuple[int, ...] = (401, 403, 404, 422)):  # type: ignore[no-untyped-def]
    return officer_responses(bp, _ERRORS, errors)


def _credit() -> CreditService:
    return CreditService.from_settings(db.session, context.clock(), context.settings())


def _ratings() -> RatingService:
    return RatingService.from_settings(db.session, context.clock(), context.settings())


@bp.route("/organisations/<string:uscc>/credit-entries", parameters=[USCC_PARAM])
class CreditEntries(MethodView):
    @bp.arguments(EntryCreateSchema)
    @bp.response(201, EntrySchema)
    @bp.alt_response(409, description="The organisation is not active")
    @_document()
    def post(self, body: dict[str, Any], uscc: str):  # type: ignore[no-untyped-def]
        """Enter an abnormal-list ground: rectification order not met, unreachable, or a minor
        penalty. Reviewer or head of the organisation's authority."""
        entry = _credit().enter(current_actor(), uscc, **body)
        db.session.commit()
        return entry_record(entry)


@bp.route("/credit-entries/<int:entry_id>/removal", parameters=[ENTRY_ID_PARAM])
class CreditEntryRemoval(MethodView):
    @bp.arguments(RemovalSchema)
    @bp.response(200, EntrySchema)
    @bp.alt_response(409, description="Already removed")
    @_document()
    def post(self, body: dict[str, Any], entry_id: int):  # type: ignore[no-untyped-def]
        """Take an entry off its list: remedied, or rescinded. Reviewer or head of the
        organisation's authority."""
        entry = _credit().remove(current_actor(), entry_id, **body)
        db.session.commit()
        return entry_record(entry)


@bp.route("/organisations/<string:uscc>/penalties", parameters=[USCC_PARAM])
class Penalties(MethodView):
    @bp.arguments(PenaltyCreateSchema)
    @bp.response(201, PenaltyRecordedSchema)
    @bp.alt_response(409, description="The organisation is not active")
    @_document()
    def post(self, body: dict[str, Any], uscc: str):  # type: ignore[no-untyped-def]
        """Record a warning or a fine, and the entry it makes: a minor penalty onto the
        abnormal list; a fine of ¥50,000 or more, or a second penalty within 3 years, onto
        the serious-dishonesty list. Reviewer or head."""
        recorded = _credit().record_penalty(current_actor(), uscc, **{"amount": None, **body})
        db.session.commit()
        organisation = recorded.entry.organisation
        return {
            "penalty": penalty_view(recorded.penalty, organisation.uscc),
            "entry": entry_record(recorded.entry),
        }


@bp.route("/organisations/<string:uscc>/contacts", parameters=[USCC_PARAM])
class Contacts(MethodView):
    @bp.arguments(ContactCreateSchema)
    @bp.response(201, ContactSchema)
    @_document()
    def post(self, body: dict[str, Any], uscc: str):  # type: ignore[no-untyped-def]
        """Record an attempt to reach the organisation (letter, call, visit). Any officer
        of its authority: clerk, reviewer or head."""
        attempt = _credit().record_contact(current_actor(), uscc, **body)
        db.session.commit()
        return {**contact(attempt), "uscc": uscc.strip().upper()}


@bp.route("/organisations/<string:uscc>/ratings", parameters=[USCC_PARAM])
class OrganisationRatings(MethodView):
    @bp.arguments(RatingCreateSchema)
    @bp.response(201, RatingSchema)
    @_document()
    def post(self, body: dict[str, Any], uscc: str):  # type: ignore[no-untyped-def]
        """Rate the organisation: its grade from the score bands, valid 5 years; refused
        (422, each rule named) unless eligible. Reviewer or head."""
        rating = _ratings().rate(current_actor(), uscc, **body)
        db.session.commit()
        return rating_record(rating)


@bp.route("/ratings/<int:rating_id>/withdrawal", parameters=[RATING_ID_PARAM])
class RatingWithdrawal(MethodView):
    @bp.arguments(WithdrawalSchema)
    @bp.response(200, RatingSchema)
    @bp.alt_response(409, description="Already withdrawn or ran out")
    @_document()
    def post(self, body: dict[str, Any], rating_id: int):  # type: ignore[no-untyped-def]
        """Withdraw a rating before its term, with the reason. Reviewer or head."""
        rating = _ratings().withdraw(current_actor(), rating_id, **body)
        db.session.commit()
        return rating_record(rating)

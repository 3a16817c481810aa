"""/api/v1/charities, /api/v1/fundraising-plans, /api/v1/charity-trusts and the trusts'
yearly reports: public, keyset-paged, or streamed whole as CSV / JSON Lines."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.fields import STREAMED
from openapi.pagination import listed
from openapi.resources.charities.schemas import (
    RECORD_NO_PARAM,
    CharityArgs,
    CharityDetailSchema,
    CharityPageSchema,
    CharityPlanArgs,
    PlanArgs,
    PlanPageSchema,
    TrustArgs,
    TrustDetailSchema,
    TrustPageSchema,
    TrustReportArgs,
    TrustReportPageSchema,
)
from openapi.resources.organisations.schemas import USCC_PARAM
from registry import context
from registry.charities.listing import (
    CharityFilter,
    CharityListing,
    PlanFilter,
    PlanListing,
    ReportFilter,
    ReportListing,
    TrustFilter,
    TrustListing,
    charity_detail,
    find_trust,
)
from registry.charities.public import (
    CHARITY_FIELDS,
    PLAN_FIELDS,
    TRUST_FIELDS,
    TRUST_REPORT_FIELDS,
    trust_detail,
)
from registry.charities.rules import CharityRules
from registry.errors import NotFound
from registry.extensions import db
from registry.inspections.rules import DueDates

bp = Blueprint(
    "charities",
    __name__,
    url_prefix="/api/v1",
    description="Charity organisations, fundraising plans and charity trusts (慈善组织、慈善信托)",
)


def _charities() -> CharityListing:
    settings = context.settings()
    return CharityListing(
        db.session,
        context.clock().today(),
        DueDates.from_settings(settings),
        CharityRules.from_settings(settings),
    )


def _not_a_charity(uscc: str) -> NotFound:
    code = uscc.strip().upper()
    return NotFound(f"no charity with credit code {code}", uscc=code)


@bp.route("/charities")
class Charities(MethodView):
    @bp.arguments(CharityArgs, location="query", as_kwargs=True)
    @bp.response(200, CharityPageSchema)
    @bp.doc(**STREAMED)
    def get(self, cursor: str | None, limit: int, format: str, **args: Any):
        """Organisations recognised as charities (慈善组织), current and past, with the
        public-fundraising qualification, a loss of status and the flag for two years
        without charitable activity; keyset-paged, or streamed whole."""
        filters = CharityFilter(**args)
        listing = _charities()
        return listed(listing, filters, format, CHARITY_FIELDS, "charities", cursor, limit)


@bp.route("/charities/<string:uscc>", parameters=[USCC_PARAM])
class CharityDetail(MethodView):
    @bp.response(200, CharityDetailSchema)
    @bp.alt_response(404, description="The organisation was never recognised as a charity")
    def get(self, uscc: str):
        """One charity: its record, every grant of the qualification, losses of status and
        the trusts of which it is a trustee."""
        record = charity_detail(_charities(), uscc)
        if record is None:
            raise _not_a_charity(uscc)
        return record


@bp.route("/charities/<string:uscc>/fundraising-plans", parameters=[USCC_PARAM])
class CharityPlans(MethodView):
    @bp.arguments(CharityPlanArgs, location="query", as_kwargs=True)
    @bp.response(200, PlanPageSchema)
    @bp.alt_response(404, description="The organisation was never recognised as a charity")
    @bp.doc(**STREAMED)
    def get(self, uscc: str, cursor: str | None, limit: int, format: str):
        """The charity's fundraising plans (募捐方案备案), in filing order."""
        if _charities().one(uscc) is None:
            raise _not_a_charity(uscc)
        filters = PlanFilter(uscc=uscc)
        listing = PlanListing(db.session)
        return listed(listing, filters, format, PLAN_FIELDS, "fundraising-plans", cursor, limit)


@bp.route("/fundraising-plans")
class Plans(MethodView):
    @bp.arguments(PlanArgs, location="query", as_kwargs=True)
    @bp.response(200, PlanPageSchema)
    @bp.doc(**STREAMED)
    def get(self, cursor: str | None, limit: int, format: str, **args: Any):
        """Every public-fundraising plan filed, with whether it was filed in time."""
        filters = PlanFilter(**args)
        listing = PlanListing(db.session)
        return listed(listing, filters, format, PLAN_FIELDS, "fundraising-plans", cursor, limit)


@bp.route("/charity-trusts")
class Trusts(MethodView):
    @bp.arguments(TrustArgs, location="query", as_kwargs=True)
    @bp.response(200, TrustPageSchema)
    @bp.doc(**STREAMED)
    def get(self, cursor: str | None, limit: int, format: str, **args: Any):
        """Charity trusts (慈善信托) as they stand after their latest filing, terminated ones
        included; filter by trustee, field, authority, year of filing and property."""
        filters = TrustFilter(**args)
        listing = TrustListing(db.session)
        return listed(listing, filters, format, TRUST_FIELDS, "charity-trusts", cursor, limit)


@bp.route("/charity-trusts/<string:record_no>", parameters=[RECORD_NO_PARAM])
class TrustDetail(MethodView):
    @bp.response(200, TrustDetailSchema)
    @bp.alt_response(404, description="No trust of that filing number")
    def get(self, record_no: str):
        """One trust: its record, parties, every filing and the yearly reports."""
        trust = find_trust(db.session, record_no)
        if trust is None:
            raise NotFound(f"no charity trust filed as {record_no.strip()}", record_no=record_no)
        return trust_detail(trust)


@bp.route("/charity-trust-reports")
class TrustReports(MethodView):
    @bp.arguments(TrustReportArgs, location="query", as_kwargs=True)
    @bp.response(200, TrustReportPageSchema)
    @bp.doc(**STREAMED)
    def get(self, cursor: str | None, limit: int, format: str, **args: Any):
        """The trustees' yearly reports: income, grants made, balance."""
        filters = ReportFilter(**args)
        listing = ReportListing(db.session)
        return listed(
            listing, filters, format, TRUST_REPORT_FIELDS, "charity-trust-reports", cursor, limit
        )

"""Officers: charity-trust filings (establishment, change, termination) and yearly reports.

Any officer (clerk, reviewer, head) of the authority where the trust is filed may file
for it. Every write is audited by the service and committed here.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.auth import current_actor, officer_responses
from openapi.resources.charities.schemas import RECORD_NO_PARAM, TrustReportSchema
from openapi.resources.officer_trusts.schemas import (
    OfficerTrustFiledSchema,
    TrustChangeSchema,
    TrustCreateSchema,
    TrustReportCreateSchema,
    TrustTerminationSchema,
)
from registry import context
from registry.charities.public import report_record, trust_detail
from registry.charities.trusts import Establishment, Filed, TrustService
from registry.extensions import db

bp = Blueprint(
    "officer_trusts",
    __name__,
    url_prefix="/api/v1/officer",
    description="Officers: charity trusts filed (慈善信托备案), changed, reported on, terminated",
)


_ERRORS = {
    401: "No valid officer token",
    403: "Not this officer's role or authority",
    404: "No such charity trust",
    409: "The trust is terminated, or the year is already reported",
    422: "Refused: the message names the rule, `errors` every field",
}


def _document(errors: tuple[int, ...] = (401, 403, 404, 409, 422)):  # type: ignore[no-untyped-def]
    return officer_responses(bp, _ERRORS, errors)


def _trusts() -> TrustService:
    return TrustService.from_settings(db.session, context.clock(), context.settings())


def _filed(filed: Filed) -> dict[str, Any]:
    return {"trust": trust_detail(filed.trust), "warnings": filed.warnings}


@bp.route("/charity-trusts")
class Trusts(MethodView):
    @bp.arguments(TrustCreateSchema)
    @bp.response(201, OfficerTrustFiledSchema)
    @_document((401, 403, 422))
    def post(self, body: dict[str, Any]):  # type: ignore[no-untyped-def]
        """File a charity trust (设立备案) with the officer's authority: where its charity
        trustee is registered, or, with trust companies only, where the trust company is.
        A filing more than 7 days after the contract is kept, with a warning."""
        filed = _trusts().file(current_actor(), Establishment(**body))
        db.session.commit()
        return _filed(filed)


@bp.route("/charity-trusts/<string:record_no>/changes", parameters=[RECORD_NO_PARAM])
class TrustChanges(MethodView):
    @bp.arguments(TrustChangeSchema)
    @bp.response(200, OfficerTrustFiledSchema)
    @_document()
    def post(self, body: dict[str, Any], record_no: str):  # type: ignore[no-untyped-def]
        """File a change (变更备案): the values given replace those on file; each change is
        kept as {field, old, new}."""
        filed = _trusts().change(current_actor(), record_no, **body)
        db.session.commit()
        return _filed(filed)


@bp.route("/charity-trusts/<string:record_no>/reports", parameters=[RECORD_NO_PARAM])
class TrustReports(MethodView):
    @bp.arguments(TrustReportCreateSchema)
    @bp.response(201, TrustReportSchema)
    @_document()
    def post(self, body: dict[str, Any], record_no: str):  # type: ignore[no-untyped-def]
        """Record the trustee's yearly report on a year that has ended (年度报告), one a
        year."""
        report = _trusts().report(current_actor(), record_no, **body)
        db.session.commit()
        return report_record(report)


@bp.route("/charity-trusts/<string:record_no>/termination", parameters=[RECORD_NO_PARAM])
class TrustTermination(MethodView):
    @bp.arguments(TrustTerminationSchema)
    @bp.response(200, OfficerTrustFiledSchema)
    @_document()
    def post(self, body: dict[str, Any], record_no: str):  # type: ignore[no-untyped-def]
        """File the termination (终止备案): the record stays public, terminated."""
        filed = _trusts().terminate(current_actor(), record_no, **body)
        db.session.commit()
        return _filed(filed)

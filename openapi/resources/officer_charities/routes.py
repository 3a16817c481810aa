"""Officers: charity recognition, the public-fundraising qualification, loss of charity
status and fundraising plans.

Clerks record applications and file plans; reviewers and heads decide applications and
qualifications; the head alone withdraws a recognition or cancels a certificate. Every
write is audited by the service and committed here.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.auth import current_actor, officer_responses
from openapi.resources.charities.schemas import CharitySchema
from openapi.resources.officer_charities.schemas import (
    APPLICATION_ID_PARAM,
    CharityApplicationArgs,
    CharityApplicationCreateSchema,
    CharityApplicationListSchema,
    CharityApplicationSchema,
    CharityDecidedSchema,
    CharityDecisionCreateSchema,
    CharityLossCreateSchema,
    FundraisingPlanCreateSchema,
    FundraisingPlanFiledSchema,
    QualificationGrantSchema,
    QualificationRevocationSchema,
)
from openapi.resources.organisations.schemas import USCC_PARAM
from registry import context
from registry.charities.public import plan_record
from registry.charities.services import CharityService
from registry.extensions import db

bp = Blueprint(
    "officer_charities",
    __name__,
    url_prefix="/api/v1/officer",
    description="Officers: charity recognition, public-fundraising qualifications, loss of "
    "charity status and fundraising plans (慈善组织)",
)


_ERRORS = {
    401: "No valid officer token",
    403: "Not this officer's role or authority",
    404: "No such organisation, charity or application",
    409: "Not allowed from the current status: the details name it",
    422: "Refused: the message names the rule",
}


def _document(errors: tuple[int, ...] = (401, 403, 404, 422)):  # type: ignore[no-untyped-def]
    return officer_responses(bp, _ERRORS, errors)


def _charities() -> CharityService:
    return CharityService.from_settings(db.session, context.clock(), context.settings())


@bp.route("/organisations/<string:uscc>/charity-applications", parameters=[USCC_PARAM])
class CharityApplications(MethodView):
    @bp.arguments(CharityApplicationCreateSchema)
    @bp.response(201, CharityApplicationSchema)
    @_document((401, 403, 404, 409, 422))
    def post(self, body: dict[str, Any], uscc: str):  # type: ignore[no-untyped-def]
        """Record an application for recognition as a charity (慈善组织认定申请): the
        decision is due within 20 days. 409 when the organisation is not active; 422 when
        it is a charity already or has an application pending. Any officer of its
        authority."""
        service = _charities()
        application = service.apply(current_actor(), uscc, **body)
        db.session.commit()
        return service.view(application).as_dict()


@bp.route("/charity-applications")
class ApplicationList(MethodView):
    @bp.arguments(CharityApplicationArgs, location="query", as_kwargs=True)
    @bp.response(200, CharityApplicationListSchema)
    @_document((401, 403, 422))
    def get(self, pending: bool | None = None, overdue: bool | None = None):  # type: ignore[no-untyped-def]
        """Applications of the officer's authority and those below it, oldest first, with
        the decision's due day and whether it is (or was) late. Any officer."""
        views = _charities().applications(current_actor(), pending=pending, overdue=overdue)
        return {"items": [view.as_dict() for view in views]}


@bp.route("/charity-applications/<int:application_id>/decision", parameters=[APPLICATION_ID_PARAM])
class ApplicationDecision(MethodView):
    @bp.arguments(CharityDecisionCreateSchema)
    @bp.response(200, CharityDecidedSchema)
    @_document((401, 403, 404, 409, 422))
    def post(self, body: dict[str, Any], application_id: int):  # type: ignore[no-untyped-def]
        """Decide a pending application: recognised (needs the document number) or refused
        (needs the reason). Past the 20-day limit the decision is recorded with a warning;
        409 when already decided. Reviewer or head."""
        service = _charities()
        decided = service.decide(current_actor(), application_id, **body)
        db.session.commit()
        return {
            "application": service.view(decided.application).as_dict(),
            "charity": service.record(decided.charity) if decided.charity else None,
            "warnings": decided.warnings,
        }


@bp.route("/organisations/<string:uscc>/fundraising-qualification", parameters=[USCC_PARAM])
class Qualification(MethodView):
    @bp.arguments(QualificationGrantSchema)
    @bp.response(201, CharitySchema)
    @_document()
    def post(self, body: dict[str, Any], uscc: str):  # type: ignore[no-untyped-def]
        """Grant the public-fundraising qualification (公开募捐资格): a recognised charity
        registered for a full year, not holding it already. Reviewer or head."""
        service = _charities()
        charity = service.grant_qualification(current_actor(), uscc, **body)
        db.session.commit()
        return service.record(charity)


@bp.route(
    "/organisations/<string:uscc>/fundraising-qualification/revocation", parameters=[USCC_PARAM]
)
class QualificationRevocation(MethodView):
    @bp.arguments(QualificationRevocationSchema)
    @bp.response(200, CharitySchema)
    @_document((401, 403, 404, 409, 422))
    def post(self, body: dict[str, Any], uscc: str):  # type: ignore[no-untyped-def]
        """Revoke the public-fundraising qualification, with the reason; 409 when it is not
        held. Reviewer or head."""
        service = _charities()
        charity = service.revoke_qualification(current_actor(), uscc, **body)
        db.session.commit()
        return service.record(charity)


@bp.route("/organisations/<string:uscc>/charity-withdrawal", parameters=[USCC_PARAM])
class Withdrawal(MethodView):
    @bp.arguments(CharityLossCreateSchema)
    @bp.response(200, CharitySchema)
    @_document((401, 403, 404, 409, 422))
    def post(self, body: dict[str, Any], uscc: str):  # type: ignore[no-untyped-def]
        """Withdraw the recognition (取消慈善组织认定): the organisation stays registered, no
        longer a charity; a qualification it holds is revoked the same day. 409 unless it
        is a recognised charity. The authority's head alone."""
        service = _charities()
        charity = service.withdraw(current_actor(), uscc, **body)
        db.session.commit()
        return service.record(charity)


@bp.route("/organisations/<string:uscc>/certificate-cancellation", parameters=[USCC_PARAM])
class CertificateCancellation(MethodView):
    @bp.arguments(CharityLossCreateSchema)
    @bp.response(200, CharitySchema)
    @_document((401, 403, 404, 409, 422))
    def post(self, body: dict[str, Any], uscc: str):  # type: ignore[no-untyped-def]
        """Cancel the charity's registration certificate (吊销登记证书): its registration
        status shows the cancellation; a qualification it holds is revoked the same day.
        409 unless it is a recognised charity of an active organisation. The authority's
        head alone."""
        service = _charities()
        charity = service.cancel_certificate(current_actor(), uscc, **body)
        db.session.commit()
        return service.record(charity)


@bp.route("/organisations/<string:uscc>/fundraising-plans", parameters=[USCC_PARAM])
class FundraisingPlans(MethodView):
    @bp.arguments(FundraisingPlanCreateSchema)
    @bp.response(201, FundraisingPlanFiledSchema)
    @_document()
    def post(self, body: dict[str, Any], uscc: str):  # type: ignore[no-untyped-def]
        """File a public-fundraising plan (募捐方案备案): the charity must hold the
        qualification on the filing day. A plan filed fewer than 5 working days (the
        State Council's calendar) before its start is kept, with a warning. Any officer."""
        filed = _charities().file_plan(current_actor(), uscc, **body)
        db.session.commit()
        return {"plan": plan_record(filed.plan), "warnings": filed.warnings}

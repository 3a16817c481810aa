"""Officers: receiving annual reports, the review queue, conclusions and corrections."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from openapi.auth import OFFICER_ONLY, current_actor
from openapi.pagination import bounded_int, decode_cursor, encode_cursor, link_header, next_link
from openapi.resources.inspections.routes import inspections
from openapi.resources.officer_reports.schemas import (
    REPORT_ID_PARAM,
    OverdueArgs,
    OverdueOrganisationPageSchema,
    ReportConclusionSchema,
    ReportCorrectionOrderSchema,
    ReportCorrectionSchema,
    ReportDetailSchema,
    ReportQueueArgs,
    ReportQueuePageSchema,
    ReportSubmitSchema,
)
from openapi.resources.organisations.schemas import USCC_PARAM
from registry import context
from registry.extensions import db
from registry.inspections.contents import contents_of
from registry.inspections.models import AnnualReport, ReportChannel
from registry.inspections.services import InspectionService
from registry.public import plain

bp = Blueprint(
    "officer_reports",
    __name__,
    url_prefix="/api/v1/officer",
    description="Officers: annual reports and the annual inspection (年检)",
)


def summary(service: InspectionService, report: AnnualReport) -> dict[str, Any]:
    org = report.organisation
    return {
        "id": report.id,
        "uscc": org.uscc,
        "name": org.name,
        "registration_authority_code": org.authority.code,
        "year": report.year,
        "submitted_on": report.submitted_on,
        "due_on": service.due_on(report),
        "late": service.is_late(report),
        "channel": report.channel.value,
        "status": report.status.value,
        "conclusion": report.conclusion.value if report.conclusion else None,
        "concluded_on": report.concluded_on,
        "correction_deadline": report.correction_deadline,
        "corrected_on": report.corrected_on,
        "correction_overdue": service.is_correction_overdue(report),
        "next_steps": service.next_steps(report),
    }


def detail(service: InspectionService, report: AnnualReport) -> dict[str, Any]:
    return {
        **summary(service, report),
        "received_by": report.received_by.username if report.received_by else None,
        "recorded_at": plain(report.recorded_at),
        "conclusion_reasons": report.conclusion_reasons,
        "concluded_by": report.concluded_by.username if report.concluded_by else None,
        "correction_order": report.correction_order,
        "review_notes": report.review_notes,
        "contents": contents_of(report),
    }


def _done(service: InspectionService, report: AnnualReport) -> dict[str, Any]:
    db.session.commit()
    return detail(service, report)


@bp.route("/organisations/<string:uscc>/reports", parameters=[USCC_PARAM])
class Reports(MethodView):
    @bp.arguments(ReportSubmitSchema)
    @bp.response(201, ReportDetailSchema)
    @bp.alt_response(401, description="No valid officer token")
    @bp.alt_response(403, description="Not a clerk, reviewer or head of its authority")
    @bp.alt_response(404, description="No organisation with this code")
    @bp.alt_response(409, description="It has already reported for that year")
    @bp.doc(**OFFICER_ONLY)
    def post(self, body: dict[str, Any], uscc: str):
        """Receive an annual report (年度工作报告). Clerk, reviewer or head of the
        organisation's authority. The year must be one the organisation is obliged to
        report for; lateness is worked out from the due date."""
        actor = current_actor()
        service = inspections()
        report = service.submit(
            actor,
            uscc,
            body["year"],
            body["contents"],
            body.get("submitted_on"),
            channel=ReportChannel.API,
        )
        return _done(service, report)


@bp.route("/reports")
class Queue(MethodView):
    @bp.arguments(ReportQueueArgs, location="query", as_kwargs=True)
    @bp.response(200, ReportQueuePageSchema)
    @bp.alt_response(401, description="No valid officer token")
    @bp.doc(**OFFICER_ONLY)
    def get(self, cursor: str | None, limit: int, status: str, year: int | None = None):
        """The review queue: reports of the officer's authority and those below it,
        oldest first; by default those waiting for a conclusion. Any officer."""
        actor = current_actor()
        service = inspections()
        after = None
        if cursor:
            day, last_id = decode_cursor(cursor, date.fromisoformat, bounded_int)
            after = (day, last_id)
        reports = service.queue(actor, year, status, after=after, limit=limit + 1)
        more = len(reports) > limit
        reports = reports[:limit]
        last = reports[-1] if more and reports else None
        next_cursor = encode_cursor(last.submitted_on, last.id) if last else None
        url = next_link(next_cursor)
        body = {
            "items": [summary(service, r) for r in reports],
            "next": url,
            "next_cursor": next_cursor,
            "limit": limit,
        }
        return body, 200, link_header(url)


@bp.route("/reports/<int:report_id>", parameters=[REPORT_ID_PARAM])
class Report(MethodView):
    @bp.response(200, ReportDetailSchema)
    @bp.alt_response(401, description="No valid officer token")
    @bp.alt_response(403, description="Outside the officer's jurisdiction")
    @bp.alt_response(404, description="No such report")
    @bp.doc(**OFFICER_ONLY)
    def get(self, report_id: int):
        """One report in full: contents, review, notes. Officers of its authority and
        of the authorities above it."""
        actor = current_actor()
        service = inspections()
        return detail(service, service.read(actor, report_id))


@bp.route("/reports/<int:report_id>/conclusion", parameters=[REPORT_ID_PARAM])
class Conclusion(MethodView):
    @bp.arguments(ReportConclusionSchema)
    @bp.response(200, ReportDetailSchema)
    @bp.alt_response(401, description="No valid officer token")
    @bp.alt_response(403, description="Not a reviewer or head of its authority")
    @bp.alt_response(404, description="No such report")
    @bp.alt_response(409, description="Already concluded")
    @bp.doc(**OFFICER_ONLY)
    def post(self, body: dict[str, Any], report_id: int):
        """Conclude the inspection: pass, basic_pass or fail (the last two with reasons,
        which are published). Reviewer or head of the organisation's authority."""
        actor = current_actor()
        service = inspections()
        report = service.conclude(
            actor,
            report_id,
            body["conclusion"],
            body.get("reasons"),
            body.get("concluded_on"),
            review_notes=body.get("review_notes"),
        )
        return _done(service, report)


@bp.route("/reports/<int:report_id>/correction-order", parameters=[REPORT_ID_PARAM])
class CorrectionOrder(MethodView):
    @bp.arguments(ReportCorrectionOrderSchema)
    @bp.response(200, ReportDetailSchema)
    @bp.alt_response(401, description="No valid officer token")
    @bp.alt_response(403, description="Not a reviewer or head of its authority")
    @bp.alt_response(404, description="No such report")
    @bp.alt_response(409, description="Not a basic pass or a fail, or already ordered")
    @bp.doc(**OFFICER_ONLY)
    def post(self, body: dict[str, Any], report_id: int):
        """Order a correction (责令整改) after a basic pass or a fail, with a deadline
        after today. Reviewer or head of the organisation's authority."""
        actor = current_actor()
        service = inspections()
        report = service.order_correction(actor, report_id, body["order"], body["deadline"])
        return _done(service, report)


@bp.route("/reports/<int:report_id>/correction", parameters=[REPORT_ID_PARAM])
class Correction(MethodView):
    @bp.arguments(ReportCorrectionSchema)
    @bp.response(200, ReportDetailSchema)
    @bp.alt_response(401, description="No valid officer token")
    @bp.alt_response(403, description="Not an officer of its authority")
    @bp.alt_response(404, description="No such report")
    @bp.alt_response(409, description="No correction was ordered, or it is already recorded")
    @bp.doc(**OFFICER_ONLY)
    def post(self, body: dict[str, Any], report_id: int):
        """Record that the ordered correction was made. Clerk, reviewer or head of the
        organisation's authority."""
        actor = current_actor()
        service = inspections()
        corrected_on = body.get("corrected_on") or context.clock().today()
        report = service.record_correction(actor, report_id, corrected_on)
        return _done(service, report)


@bp.route("/overdue")
class Overdue(MethodView):
    @bp.arguments(OverdueArgs, location="query", as_kwargs=True)
    @bp.response(200, OverdueOrganisationPageSchema)
    @bp.alt_response(401, description="No valid officer token")
    @bp.doc(**OFFICER_ONLY)
    def get(self, cursor: str | None, limit: int, year: int | None = None):
        """Organisations of the officer's jurisdiction obliged to report for the year,
        past the due date, with no report. Any officer."""
        actor = current_actor()
        service = inspections()
        year = year or context.clock().today().year - 1
        after = decode_cursor(cursor, bounded_int)[0] if cursor else 0
        rows = service.overdue(actor, year, after_id=after, limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1].organisation_id) if more and rows else None
        url = next_link(next_cursor)
        items = [
            {
                "uscc": row.uscc,
                "name": row.name,
                "kind": row.kind,
                "is_charity": row.is_charity,
                "registration_authority_code": row.authority_code,
                "year": row.year,
                "due_on": row.due_on,
            }
            for row in rows
        ]
        body = {"items": items, "next": url, "next_cursor": next_cursor, "limit": limit}
        return body, 200, link_header(url)

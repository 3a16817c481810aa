"""Officers: the dormant-organisation procedure — candidates, cases, notices, decisions.

Reviewers and heads of the organisation's authority open and move cases and publish
notices; any officer records a response to a notice; a head who did not run the case
approves or rejects its decision. Every write is audited by the service, committed here.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from openapi.auth import current_actor, officer_responses
from openapi.pagination import bounded_int, decode_cursor, encode_cursor, link_header, next_link
from openapi.resources.notices.schemas import NoticeSchema
from openapi.resources.officer_dormant.schemas import (
    CASE_ID_PARAM,
    NOTICE_ID_PARAM,
    CandidateArgs,
    CandidatePageSchema,
    CaseArgs,
    CaseListSchema,
    CaseOpenSchema,
    CasePageSchema,
    CaseSchema,
    DetectionRunSchema,
    DetectionSummarySchema,
    NoticeCreateSchema,
    ResponseCreateSchema,
    ResponseSchema,
    TransitionSchema,
)
from registry import context
from registry.accounts.rules import read_prefix
from registry.deregistration.detection import candidate_rows, evidence
from registry.deregistration.models import Criterion, DormantCase
from registry.deregistration.public import notice_record
from registry.deregistration.records import case_view
from registry.deregistration.services import CaseService
from registry.extensions import db

bp = Blueprint(
    "officer_dormant",
    __name__,
    url_prefix="/api/v1/officer",
    description="Officers: dormant organisations — candidates, cases, notices and decisions",
)

_ERRORS = {
    401: "No valid officer token",
    403: "Not this officer's role or authority",
    404: "No such organisation, case or notice",
    409: "The case's state does not allow it: the problem names the state and the allowed steps",
    422: "Refused: the message names the rule (or the clock's condition)",
}


def _document(errors: tuple[int, ...] = (401, 403, 404, 409, 422)):  # type: ignore[no-untyped-def]
    return officer_responses(bp, _ERRORS, errors)


def _cases() -> CaseService:
    return CaseService.from_settings(db.session, context.clock(), context.settings())


@bp.route("/dormant-candidates")
class Candidates(MethodView):
    @bp.arguments(CandidateArgs, location="query", as_kwargs=True)
    @bp.response(200, CandidatePageSchema)
    @_document((401,))
    def get(self, cursor: str | None, limit: int, criterion: str | None = None):
        """The latest detection's candidates of the officer's authority and those below it,
        with the criteria each meets and the evidence. Any officer."""
        actor = current_actor()
        service = _cases()
        after = decode_cursor(cursor, bounded_int)[0] if cursor else 0
        rows = candidate_rows(
            db.session,
            authority_prefix=read_prefix(actor.authority_code or ""),
            criterion=Criterion(criterion) if criterion else None,
            after_id=after,
            limit=limit + 1,
        )
        more = len(rows) > limit
        rows = rows[:limit]
        open_cases = dict(
            db.session.execute(
                select(DormantCase.organisation_id, DormantCase.id).where(
                    DormantCase.organisation_id.in_([r.organisation_id for r in rows]),
                    DormantCase.closed_on.is_(None),
                )
            ).all()
        )
        items = [
            {
                "uscc": row.organisation.uscc,
                "name": row.organisation.name,
                "registration_authority_code": row.authority.code,
                "detected_on": row.detected_on,
                "criteria": [c.value for c in row.criteria],
                "evidence": evidence(db.session, row, service.rules),
                "open_case_id": open_cases.get(row.organisation_id),
            }
            for row in rows
        ]
        next_cursor = encode_cursor(rows[-1].organisation_id) if more and rows else None
        url = next_link(next_cursor)
        body = {"items": items, "next": url, "next_cursor": next_cursor, "limit": limit}
        return body, 200, link_header(url)


@bp.route("/dormant-candidates/detection")
class DetectionRun(MethodView):
    @bp.arguments(DetectionRunSchema)
    @bp.response(200, DetectionSummarySchema)
    @_document((401, 403, 422))
    def post(self, body: dict[str, Any]):
        """Run detection now for the officer's own authority (the daily job runs it for
        all). Reviewer or head."""
        summary = _cases().detect(current_actor(), body.get("on"))
        db.session.commit()
        return {**summary.as_dict(), "on": summary.on}


@bp.route("/dormant-cases")
class Cases(MethodView):
    @bp.arguments(CaseArgs, location="query", as_kwargs=True)
    @bp.response(200, CasePageSchema)
    @_document((401,))
    def get(self, cursor: str | None, limit: int, state: str | None = None, open: bool = False):
        """Cases of the officer's authority and those below it, oldest first. Any officer."""
        after = decode_cursor(cursor, bounded_int)[0] if cursor else 0
        cases = _cases().cases(
            current_actor(), state=state, open_only=open, after_id=after, limit=limit + 1
        )
        more = len(cases) > limit
        cases = cases[:limit]
        next_cursor = encode_cursor(cases[-1].id) if more and cases else None
        url = next_link(next_cursor)
        body = {
            "items": [case_view(c) for c in cases],
            "next": url,
            "next_cursor": next_cursor,
            "limit": limit,
        }
        return body, 200, link_header(url)

    @bp.arguments(CaseOpenSchema)
    @bp.response(201, CaseListSchema)
    @_document()
    def post(self, body: dict[str, Any]):
        """Open a case for each of the named candidates (one for many): all or none.
        Reviewer or head of their authority."""
        cases = _cases().open(current_actor(), body["usccs"], body.get("on"), body.get("note"))
        db.session.commit()
        return {"items": [case_view(c) for c in cases]}


@bp.route("/dormant-cases/<int:case_id>", parameters=[CASE_ID_PARAM])
class Case(MethodView):
    @bp.response(200, CaseSchema)
    @_document((401, 403, 404))
    def get(self, case_id: int):
        """A case with its steps (who, when, basis, documents) and its allowed next steps."""
        return case_view(_cases().read(current_actor(), case_id))


@bp.route("/dormant-cases/<int:case_id>/transitions", parameters=[CASE_ID_PARAM])
class CaseTransitions(MethodView):
    @bp.arguments(TransitionSchema)
    @bp.response(200, CaseSchema)
    @_document()
    def post(self, body: dict[str, Any], case_id: int):
        """Move the case one step. A step its state does not allow is refused with 409
        naming the state and the allowed steps; approve and reject are for a head who did
        not run the case; the others for a reviewer or head of its authority."""
        case = _cases().move(current_actor(), case_id, **body)
        db.session.commit()
        return case_view(case)


@bp.route("/notices")
class Notices(MethodView):
    @bp.arguments(NoticeCreateSchema)
    @bp.response(201, NoticeSchema)
    @_document()
    def post(self, body: dict[str, Any]):
        """Publish one public notice (or prior notice) naming the organisations of many
        cases of the officer's authority; each case takes its step. All or none. Reviewer
        or head."""
        kind = body.pop("kind")
        case_ids = body.pop("case_ids")
        published_on = body.pop("published_on")
        notice = _cases().publish_notice(current_actor(), kind, case_ids, published_on, **body)
        db.session.commit()
        return notice_record(notice, context.clock().today())


@bp.route("/notices/<int:notice_id>/responses", parameters=[NOTICE_ID_PARAM])
class NoticeResponses(MethodView):
    @bp.arguments(ResponseCreateSchema)
    @bp.response(201, ResponseSchema)
    @_document()
    def post(self, body: dict[str, Any], notice_id: int):
        """Record that an organisation named in the notice came forward before its end.
        Any officer of the notice's authority."""
        listing = _cases().record_response(current_actor(), notice_id, **body)
        db.session.commit()
        return {
            "notice_id": notice_id,
            "uscc": listing.organisation.uscc,
            "responded_on": listing.responded_on,
            "response": listing.response,
        }

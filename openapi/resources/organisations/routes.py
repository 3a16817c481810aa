"""/api/v1/organisations: the register, filtered and paged; one record; its history."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from openapi.conventions import set_last_modified
from openapi.fields import STREAMED, stream
from openapi.pagination import bounded_int, decode_cursor, encode_cursor, link_header, next_link
from openapi.resources.organisations.schemas import (
    USCC_PARAM,
    AsOfArgs,
    ChangeArgs,
    ChangePageSchema,
    OrganisationArgs,
    OrganisationDetailSchema,
    OrganisationPageSchema,
)
from registry import context
from registry.extensions import db
from registry.organisations.listing import SORT_TYPES, OrganisationFilter, OrganisationListing
from registry.organisations.models import ChangeRecord
from registry.organisations.public import ORGANISATION_FIELDS, change_record, organisation_record

bp = Blueprint(
    "organisations",
    __name__,
    url_prefix="/api/v1/organisations",
    description="Registered social organisations (社会组织)",
)

_FILTERS = (
    "kind",
    "status",
    "division",
    "authority",
    "founded_from",
    "founded_to",
    "updated_since",
    "charity",
)


@bp.route("")
class Organisations(MethodView):
    @bp.arguments(OrganisationArgs, location="query", as_kwargs=True)
    @bp.response(200, OrganisationPageSchema)
    @bp.doc(**STREAMED)
    def get(self, cursor: str | None, limit: int, format: str, sort: str, **args: Any):
        """List organisations, filtered; keyset-paged, or streamed whole as CSV / JSON Lines."""
        filters = OrganisationFilter(**{k: args.get(k) for k in _FILTERS})
        listing = OrganisationListing(db.session)
        if format != "json":
            return stream(
                format, ORGANISATION_FIELDS, listing.stream(filters, sort), "organisations"
            )
        after = None
        if cursor:
            value, last_id = decode_cursor(cursor, SORT_TYPES[sort.lstrip("-")], bounded_int)
            after = (value, last_id)
        page = listing.page(filters, sort, after, limit)
        set_last_modified(page.last_modified)
        next_cursor = encode_cursor(*page.last) if page.last else None
        url = next_link(next_cursor)
        body = {"items": page.records, "next": url, "next_cursor": next_cursor, "limit": limit}
        return body, 200, link_header(url)


@bp.route("/<string:uscc>", parameters=[USCC_PARAM])
class OrganisationDetail(MethodView):
    @bp.arguments(AsOfArgs, location="query", as_kwargs=True)
    @bp.response(200, OrganisationDetailSchema)
    @bp.alt_response(404, description="No organisation with this code")
    def get(self, uscc: str, as_of=None):  # type: ignore[no-untyped-def]
        """One organisation's full public record, now or as it stood on a past day."""
        service = context.organisations()
        if as_of is None:
            organisation = service.find_by_uscc(uscc)
            set_last_modified(organisation.updated_at)
            return {**organisation_record(organisation), "as_of": None}
        record = service.public_record(uscc, as_of)
        return {**record, "updated_at": None, "version": None, "as_of": as_of.isoformat()}


@bp.route("/<string:uscc>/changes", parameters=[USCC_PARAM])
class OrganisationChanges(MethodView):
    @bp.arguments(ChangeArgs, location="query", as_kwargs=True)
    @bp.response(200, ChangePageSchema)
    @bp.alt_response(404, description="No organisation with this code")
    def get(self, uscc: str, cursor: str | None, limit: int):
        """Its change history (变更登记), oldest first: registration, changes, status."""
        organisation = context.organisations().find_by_uscc(uscc)
        after = decode_cursor(cursor, bounded_int)[0] if cursor else 0
        rows = db.session.scalars(
            select(ChangeRecord)
            .where(ChangeRecord.organisation_id == organisation.id, ChangeRecord.id > after)
            .order_by(ChangeRecord.id)
            .limit(limit + 1)
        ).all()
        more = len(rows) > limit
        rows = rows[:limit]
        set_last_modified(organisation.updated_at)
        next_cursor = encode_cursor(rows[-1].id) if more else None
        url = next_link(next_cursor)
        body = {
            "items": [change_record(c, organisation.uscc) for c in rows],
            "next": url,
            "next_cursor": next_cursor,
            "limit": limit,
        }
        return body, 200, link_header(url)

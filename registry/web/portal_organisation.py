"""One organisation's page: its public record and everything the public lists say of it,
read through the listings the API serves them from."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import render_template

from registry import context
from registry.charities.listing import CharityListing, charity_detail
from registry.charities.public import CHARITY_FIELDS
from registry.charities.rules import CharityRules
from registry.credit.listing import EntryFilter, EntryListing
from registry.credit.public import ENTRY_FIELDS
from registry.deregistration.listing import DecisionFilter, DecisionList, NoticeFilter, NoticeList
from registry.extensions import db
from registry.inspections.listing import InspectionFilter, InspectionListing
from registry.inspections.public import INSPECTION_FIELDS
from registry.inspections.rules import DueDates
from registry.organisations.public import (
    CHANGE_FIELDS,
    ORGANISATION_FIELDS,
    change_record,
    organisation_record,
)
from registry.ratings.listing import RatingFilter, RatingListing
from registry.ratings.public import RATING_FIELDS

#: the notices naming the organisation shown, newest first (the API lists them all)
NOTICES_SHOWN = 100


def organisation_page(uscc: str) -> dict[str, Any]:
    """The record (404 when no organisation has the code) and its public trail."""
    organisation = context.organisations().find_by_uscc(uscc)
    code = organisation.uscc
    settings = context.settings()
    today = context.clock().today()
    dues = DueDates.from_settings(settings)
    inspections: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for report in InspectionListing(db.session, dues).stream(InspectionFilter(uscc=code)):
        inspections[report["year"]].append(report)
    charities = CharityListing(db.session, today, dues, CharityRules.from_settings(settings))
    return {
        "record": organisation_record(organisation),
        "changes": [change_record(change, code) for change in organisation.changes],
        "inspections": dict(sorted(inspections.items(), reverse=True)),
        "credit_entries": list(EntryListing(db.session).stream(EntryFilter(uscc=code))),
        "ratings": list(RatingListing(db.session, today).stream(RatingFilter(uscc=code))),
        "charity": charity_detail(charities, code),
        "notices": NoticeList(db.session, today).newest(NoticeFilter(uscc=code), NOTICES_SHOWN),
        "decisions": list(DecisionList(db.session).stream(DecisionFilter(uscc=code))),
    }


def organisation(code: str):  # type: ignore[no-untyped-def]
    page = organisation_page(code)
    return render_template(
        "portal/organisation.html",
        **page,
        fields=ORGANISATION_FIELDS,
        specs={spec.name: spec for spec in ORGANISATION_FIELDS},
        change_specs={spec.name: spec for spec in CHANGE_FIELDS},
        inspection_specs={spec.name: spec for spec in INSPECTION_FIELDS},
        entry_specs={spec.name: spec for spec in ENTRY_FIELDS},
        rating_specs={spec.name: spec for spec in RATING_FIELDS},
        charity_specs={spec.name: spec for spec in CHARITY_FIELDS},
    )

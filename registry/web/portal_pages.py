"""The home page, the notices, the statistics and the open-data page: each reads what the
matching API resource reads (/api/v1/notices, /api/v1/stats, /api/v1/exports)."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _

from registry import context
from registry.deregistration.listing import NoticeFilter, NoticeList
from registry.exports.datasets import PUBLISHER, licence_info
from registry.exports.services import export_directory, export_licence, read_manifest
from registry.extensions import db
from registry.organisations.listing import OrganisationFilter, OrganisationListing
from registry.web.portal_queries import headline_counts
from registry.web.portal_statistics import BadDivision, division_asked, statistics_figures

NOTICES_PAGE = 20
LATEST_NOTICES = 5
NEWEST_ORGANISATIONS = 10
#: the largest notice id a cursor may carry (the tables' ids are 32-bit)
LARGEST_ID = 2**31 - 1


def index():  # type: ignore[no-untyped-def]
    today = context.clock().today()
    latest = NoticeList(db.session, today).newest(NoticeFilter(), LATEST_NOTICES)
    newest = OrganisationListing(db.session).page(
        OrganisationFilter(), "-founded_on", limit=NEWEST_ORGANISATIONS
    )
    return render_template(
        "portal/index.html",
        counts=headline_counts(db.session, today),
        notices=latest,
        newest=newest.records,
    )


def _notice_filter(args: Any) -> tuple[NoticeFilter, int, dict[str, str], dict[str, str]]:
    """kind, current and the cursor (the last notice id shown), checked as the API does."""
    kind = args.get("kind", "").strip() or None
    current_arg = args.get("current", "").strip().lower() or None
    cursor = args.get("after", "").strip() or None
    errors: dict[str, str] = {}
    if kind is not None and kind not in ("dormant", "prior_notice", "decision"):
        errors["kind"] = _("公告类别无效")
    if current_arg is not None and current_arg not in ("true", "false"):
        errors["current"] = _("请选择在公告期内或已期满")
    after = 0
    if cursor is not None:
        if not cursor.isdigit() or int(cursor) > LARGEST_ID:
            errors["after"] = _("翻页参数无效，请从第一页重新开始。")
        else:
            after = int(cursor)
    current = None if current_arg is None else current_arg == "true"
    params = {k: v for k, v in (("kind", kind), ("current", current_arg)) if v is not None}
    return NoticeFilter(kind=kind, current=current), after, params, errors


def notices():  # type: ignore[no-untyped-def]
    filters, after, params, errors = _notice_filter(request.args)
    if errors:
        html = render_template(
            "portal/notices.html", notices=[], errors=errors, params=params, next_url=None
        )
        return html, 400
    listing = NoticeList(db.session, context.clock().today())
    records, last = listing.page(filters, after, NOTICES_PAGE)
    next_url = url_for("portal.notices", **params, after=last) if last else None
    return render_template(
        "portal/notices.html",
        notices=records,
        errors={},
        params=params,
        next_url=next_url,
        first_page=after == 0,
    )


def statistics():  # type: ignore[no-untyped-def]
    """The charts' figures, from the functions /api/v1/stats answers with: nationally, or
    within the division of `?division=`; a bad or unknown code is a friendly 400 or 404."""
    try:
        code = division_asked(request.args.get("division"))
    except BadDivision as bad:
        html = render_template("portal/statistics.html", problem=bad.message)
        return html, bad.status
    return render_template("portal/statistics.html", problem=None, **statistics_figures(code))


def open_data():  # type: ignore[no-untyped-def]
    manifest = read_manifest(export_directory(current_app))
    if manifest is not None:
        for dataset in manifest["datasets"]:
            for file in dataset["files"]:
                file["url"] = url_for("exports.ExportFile", filename=file["path"])
    licence = manifest["licence"] if manifest else licence_info(export_licence())
    return render_template(
        "portal/open_data.html", manifest=manifest, licence=licence, publisher=PUBLISHER
    )

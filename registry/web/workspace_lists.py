"""The dashboard's piles in full, a page at a time, each from the service that lists it:
the review queue (InspectionService.queue, oldest first), the organisations that have
not filed a year's report (InspectionService.overdue, optionally only those past the due
date) and the pending charity applications (CharityService.applications).

The dormant candidates' list is the candidates page, and the cases' the cases list
(workspace_case_list.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from registry.web.workspace import bp, charities, current_actor, inspections
from registry.web.workspace_paging import after_day_id, after_id, day_id, page_of

#: rows per page
PAGE = 50
#: how many past years the unfiled list offers
YEARS = 10


@bp.get("/reports")
@login_required
def review_queue() -> Any:
    service = inspections()
    rows = service.queue(current_actor(), after=after_day_id(), limit=PAGE + 1)
    page = page_of(rows, PAGE, lambda report: day_id(report.submitted_on, report.id))
    return render_template("workspace/queue.html", page=page)


def _year(today: date) -> int:
    """The `year` argument: one of the last YEARS years, by default the last."""
    raw = request.args.get("year", "").strip()
    if not raw:
        return today.year - 1
    if not raw.isdigit() or not today.year - YEARS <= int(raw) < today.year:
        abort(
            400,
            description=_(
                "年度无效：请选择 %(first)s 至 %(last)s 年。",
                first=today.year - YEARS,
                last=today.year - 1,
            ),
        )
    return int(raw)


@bp.get("/reports/unfiled")
@login_required
def unfiled() -> Any:
    service = inspections()
    today = service.clock.today()
    year = _year(today)
    past_due = request.args.get("overdue") == "1"
    # Every organisation obliged to report for `year` that has not: the service's overdue
    # list as it will stand once every due date of the year has passed (as the dashboard).
    as_of = today if past_due else date(year + 2, 1, 1)
    rows = service.overdue(current_actor(), year, as_of, after_id=after_id(), limit=PAGE + 1)
    page = page_of(rows, PAGE, lambda row: row.organisation_id)
    args = {"year": year, **({"overdue": "1"} if past_due else {})}
    return render_template(
        "workspace/unfiled.html",
        page=page,
        year=year,
        years=range(today.year - 1, today.year - YEARS - 1, -1),
        past_due=past_due,
        args=args,
        today=today,
    )


@bp.get("/applications")
@login_required
def applications() -> Any:
    views = charities().applications(current_actor(), pending=True)
    after = after_id()
    # The service lists them all, oldest first: the page starts after the one named.
    start = next((i + 1 for i, view in enumerate(views) if view.id == after), 0)
    page = page_of(views[start : start + PAGE + 1], PAGE, lambda view: view.id)
    return render_template("workspace/applications.html", page=page)

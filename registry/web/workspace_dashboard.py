"""The dashboard: what waits for the signed-in officer's authority and those below it.

Each pile comes from the service the officers' API lists it with: the reports not yet
filed (InspectionService.overdue), the review queue (InspectionService.queue), the
dormant candidates (detection.candidate_rows), the open cases (CaseService.cases), the
pending charity applications (CharityService.applications). A pile is counted up to
COUNT_CAP rows; past that the page says "more than".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import render_template
from flask_login import login_required

from registry import context
from registry.accounts.rules import OFFICERS, Actor, read_prefix
from registry.deregistration.detection import candidate_rows
from registry.deregistration.rules import PROPOSED
from registry.extensions import db
from registry.web.workspace import bp, cases, charities, current_actor, inspections
from registry.web.workspace_candidates import open_case_ids

#: rows shown of each pile
FIRST_ROWS = 5
#: rows counted at most of each pile
COUNT_CAP = 500


@dataclass(frozen=True)
class Pile:
    """The first rows of a list, and how many it holds (at least, when `more`)."""

    rows: list[Any]
    count: int
    more: bool


def pile(rows: list[Any], *, capped: bool = False) -> Pile:
    """A pile of `rows` (fetched up to COUNT_CAP + 1); `capped` when they were picked out
    of a list that reached the cap, so that more may exist."""
    return Pile(rows[:FIRST_ROWS], min(len(rows), COUNT_CAP), capped or len(rows) > COUNT_CAP)


def dashboard(actor: Actor) -> dict[str, Any]:
    """Every pile of the actor's jurisdiction."""
    today = context.clock().today()
    year = today.year - 1
    # Every organisation obliged to report for `year` that has not: the service's
    # overdue list as it will stand once every due date of the year has passed.
    unfiled = inspections().overdue(actor, year, date(year + 2, 1, 1), limit=COUNT_CAP + 1)
    candidates = candidate_rows(
        db.session,
        authority_prefix=read_prefix(actor.authority_code or ""),
        criterion=None,
        after_id=0,
        limit=COUNT_CAP + 1,
    )
    open_cases = cases().cases(actor, open_only=True, limit=COUNT_CAP + 1)
    return {
        "year": year,
        "today": today,
        "unfiled": pile(unfiled),
        "overdue": pile(
            [row for row in unfiled if row.due_on < today], capped=len(unfiled) > COUNT_CAP
        ),
        "queue": pile(inspections().queue(actor, limit=COUNT_CAP + 1)),
        "candidates": pile(candidates),
        "candidate_cases": open_case_ids(candidates[:FIRST_ROWS]),
        "cases": pile(open_cases),
        "proposed": pile(
            [case for case in open_cases if case.state in PROPOSED],
            capped=len(open_cases) > COUNT_CAP,
        ),
        "applications": pile(charities().applications(actor, pending=True)),
    }


@bp.get("/")
@login_required
def home() -> Any:
    actor = current_actor()
    # Administrators manage accounts: the register's work is not theirs to see.
    board = dashboard(actor) if actor.role in OFFICERS else None
    return render_template("workspace/home.html", board=board)

"""`flask dormant ...`: the dormant-organisation procedure's commands.

flask --app wsgi dormant detect [--authority CODE] [--on YYYY-MM-DD] [--list] [--limit N]
flask --app wsgi dormant sweep [--on YYYY-MM-DD]
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select, text

from registry.accounts.rules import Actor, read_prefix
from registry.audit.services import AuditTrail
from registry.authorities.models import RegistrationAuthority
from registry.deregistration.detection import (
    Detection,
    authority_ids,
    candidate_rows,
    evidence,
)
from registry.deregistration.models import Criterion, DormantCandidate
from registry.deregistration.rules import DormantRules
from registry.extensions import db
from registry.inspections.rules import DueDates

dormant_cli = AppGroup("dormant", help="Dormant organisations: detection and cases.")

DETECT = Actor.system("dormant-detect")


@dormant_cli.command("detect")
@click.option(
    "--authority",
    "code",
    help="Only this registration authority (its code) and the authorities below it.",
)
@click.option(
    "--on",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day of detection (default today); never after today.",
)
@click.option("--list", "show", is_flag=True, help="List the candidates found.")
@click.option(
    "--limit", default=50, show_default=True, type=click.IntRange(1), help="Candidates listed."
)
@with_appcontext
def detect(code: str | None, day: datetime | None, show: bool, limit: int) -> None:
    """List the dormant candidates with the criteria each meets, replacing the previous
    detection's list for the authorities covered; one audit event with the counts."""
    settings = current_app.extensions["registry.settings"]
    clock = current_app.extensions["registry.clock"]
    today = clock.today()
    on = day.date() if day else today
    if on > today:
        raise click.ClickException(
            f"detection cannot be dated after today ({today.isoformat()}): {on.isoformat()}"
        )
    prefix = ""
    if code:
        code = code.strip()
        if db.session.scalar(select(RegistrationAuthority.id).filter_by(code=code)) is None:
            raise click.ClickException(f"no registration authority has the code {code!r}")
        prefix = read_prefix(code)
    rules = DormantRules.from_settings(settings)
    session = db.session
    if session.get_bind().dialect.name == "sqlite":
        # Without statistics SQLite may plan the criteria's lookups badly (a freshly
        # loaded register); 0x10002 analyses only the tables that need it.
        session.execute(text("PRAGMA optimize=0x10002"))
        session.commit()
    # The ministry covers every authority: no list of ids.
    scope = authority_ids(session, prefix) if prefix else None
    summary = Detection(session, rules, DueDates.from_settings(settings))(on, scope)
    AuditTrail(session, clock).record(
        DETECT,
        "dormant.detect",
        "dormant_detection",
        on.isoformat(),
        after={**summary.as_dict(), "authority": code},
    )
    session.commit()
    for line in summary.lines():
        click.echo(line)
    if show:
        rows = candidate_rows(
            session, authority_prefix=prefix, criterion=None, after_id=0, limit=limit
        )
        for candidate in rows:
            click.echo(_line(candidate, evidence(session, candidate, rules)))
        if len(rows) < summary.candidates:
            click.echo(f"… {summary.candidates - len(rows)} more (--limit)")


def _line(candidate: DormantCandidate, found: dict[str, Any]) -> str:
    org = candidate.organisation
    criteria = ",".join(c.value for c in candidate.criteria)
    return f"{org.uscc}  {org.name}  {criteria}  {_short(found)}"


def _short(found: dict[str, Any]) -> str:
    """The evidence in a few words per criterion."""
    parts = []
    if missed := found.get(Criterion.MISSED_REPORTS):
        parts.append("missed " + ",".join(str(y) for y in missed["years"]))
    if quiet := found.get(Criterion.NO_ACTIVITY):
        parts.append(f"inactive {quiet['registered_on']}..{quiet['inactive_until']}")
    if unreachable := found.get(Criterion.UNREACHABLE):
        tries = " & ".join(f"{c['method']} {c['attempted_on']}" for c in unreachable["contacts"])
        parts.append(f"unreachable {tries}")
    if abnormal := found.get(Criterion.LONG_ABNORMAL):
        parts.append(f"abnormal since {abnormal['entered_on']} ({abnormal['ground']})")
    return "; ".join(parts)


@dormant_cli.command("sweep")
@click.option(
    "--on",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day of the sweep (default today); never after today.",
)
@with_appcontext
def sweep(day: datetime | None) -> None:
    """The procedure's daily step: restore the cases whose organisation filed the reports
    it had missed before a decision took effect; declare void the certificates not returned
    within 7 days of a decision, closing those cases. Each step is audited."""
    from registry.deregistration.services import CaseService
    from registry.errors import DomainError

    settings = current_app.extensions["registry.settings"]
    clock = current_app.extensions["registry.clock"]
    service = CaseService.from_settings(db.session, clock, settings)
    try:
        summary = service.sweep(day.date() if day else None)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(
        f"dormant sweep for {summary.on.isoformat()}: {summary.restored} cases restored, "
        f"{summary.certificates_void} certificates declared void"
    )

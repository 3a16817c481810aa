"""`flask --app wsgi audit ...`: check the audit trail's hash chain."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select

from registry import context
from registry.audit.models import AuditEvent
from registry.audit.services import GENESIS, verify
from registry.extensions import db
from registry.public import plain

audit_cli = AppGroup("audit", help="The audit trail of officers' actions.")


@audit_cli.command("verify")
@click.option(
    "--anchor",
    "anchor_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A file keeping the head (id and hash) seen last time: compared, then moved on. "
    "The chain alone cannot tell that its last events were deleted; the anchor can.",
)
def verify_command(anchor_path: Path | None) -> None:
    """Walk the chain; exit 1, listing the problems, if any event was edited, inserted or
    deleted."""
    report = verify(db.session)
    head = db.session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    head_id, head_hash = (head.id, head.hash) if head else (0, GENESIS)
    problems = list(report.problems)

    anchor = _read_anchor(anchor_path, problems) if anchor_path else None
    if anchor is not None:
        problems += _compare(anchor, head_id)

    click.echo(f"checked {report.checked} events, head {head_hash}")
    if problems:
        for problem in problems:
            click.echo(f"PROBLEM: {problem}", err=True)
        click.echo(f"audit trail NOT intact: {len(problems)} problem(s)", err=True)
        raise SystemExit(1)
    if anchor_path is not None:
        _write_anchor(anchor_path, head_id, head_hash, report.checked)
        click.echo(f"anchor {anchor_path} now at event {head_id}")


def _read_anchor(path: Path, problems: list[str]) -> dict[str, Any] | None:
    if not path.exists():
        return None  # the first run: nothing to compare yet; it is written below
    try:
        anchor = json.loads(path.read_text())
        anchor_id, anchor_hash = int(anchor["id"]), str(anchor["hash"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        problems.append(f"the anchor file {path} cannot be read: {error}")
        return None
    return {"id": anchor_id, "hash": anchor_hash}


def _compare(anchor: dict[str, Any], head_id: int) -> list[str]:
    """The anchored event must still be there, unchanged: the chain from it to the head is
    checked by the walk, so nothing before the head can have gone missing since."""
    if anchor["id"] == 0:
        return []
    stored = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.id == anchor["id"]))
    if stored is None:
        return [
            f"the anchored head, event {anchor['id']}, is gone (the trail now ends at event "
            f"{head_id}): events at the end of the trail were deleted"
        ]
    if stored != anchor["hash"]:
        return [
            f"the anchored head, event {anchor['id']}, has hash {stored}, not the "
            f"{anchor['hash']} recorded: the trail was rewritten"
        ]
    return []


def _write_anchor(path: Path, head_id: int, head_hash: str, checked: int) -> None:
    body = {
        "id": head_id,
        "hash": head_hash,
        "checked": checked,
        "verified_at": plain(context.clock().now()),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(body, indent=2) + "\n")
    os.replace(tmp, path)

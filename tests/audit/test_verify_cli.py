from __future__ import annotations

import json

from sqlalchemy import text

from registry.accounts.rules import Actor
from registry.audit.services import AuditTrail


def write_events(session, clock, count: int = 4) -> list[int]:
    trail = AuditTrail(session, clock)
    ids = []
    for n in range(count):
        clock.advance(minutes=1)
        event = trail.record(
            Actor.system("test"), "account.update", "officer", f"user{n}", after={"n": n}
        )
        ids.append(event.id)
    session.commit()
    return ids


def test_a_clean_chain_passes(app, session, clock):
    ids = write_events(session, clock)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    head = session.execute(text("SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1")).scalar()
    assert result.stdout.strip() == f"checked {len(ids)} events, head {head}"


def test_an_empty_trail_passes(app, session):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("checked 0 events, head " + "0" * 64)


def test_an_event_edited_by_sql_is_found(app, session, clock):
    ids = write_events(session, clock)
    session.execute(
        text("UPDATE audit_event SET after = :after WHERE id = :id"),
        {"after": '{"n":99}', "id": ids[1]},
    )
    session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"event {ids[1]}: its contents do not match its hash (edited)" in result.stderr


def test_a_deleted_middle_event_is_found(app, session, clock):
    ids = write_events(session, clock)
    session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[2]})
    session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"event {ids[3]}: its predecessor's hash does not match" in result.stderr
    assert f"checked {len(ids) - 1} events" in result.stdout


def test_a_deleted_last_event_is_found_with_the_anchor(app, session, clock, tmp_path):
    ids = write_events(session, clock)
    anchor = tmp_path / "audit-anchor.json"
    runner = app.test_cli_runner()
    first = runner.invoke(args=["audit", "verify", "--anchor", str(anchor)])
    assert first.exit_code == 0, first.output
    saved = json.loads(anchor.read_text())
    assert saved["id"] == ids[-1] and len(saved["hash"]) == 64

    # More events move the anchor on.
    ids += write_events(session, clock, 2)
    assert runner.invoke(args=["audit", "verify", "--anchor", str(anchor)]).exit_code == 0
    assert json.loads(anchor.read_text())["id"] == ids[-1]

    session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[-1]})
    session.commit()
    # The chain alone cannot tell ...
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    # ... the anchor can.
    result = runner.invoke(args=["audit", "verify", "--anchor", str(anchor)])
    assert result.exit_code == 1
    assert f"event {ids[-1]}, is gone" in result.stderr
    assert json.loads(anchor.read_text())["id"] == ids[-1]  # not moved on a failure


def test_a_rewritten_anchored_event_and_an_unreadable_anchor(app, session, clock, tmp_path):
    write_events(session, clock)
    anchor = tmp_path / "anchor.json"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "verify", "--anchor", str(anchor)]).exit_code == 0
    saved = json.loads(anchor.read_text())
    anchor.write_text(json.dumps({**saved, "hash": "f" * 64}))
    result = runner.invoke(args=["audit", "verify", "--anchor", str(anchor)])
    assert result.exit_code == 1 and "rewritten" in result.stderr

    anchor.write_text("not json")
    result = runner.invoke(args=["audit", "verify", "--anchor", str(anchor)])
    assert result.exit_code == 1 and "cannot be read" in result.stderr

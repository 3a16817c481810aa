"""`flask dormant detect`: the run, its audit event, its listing and its errors."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.deregistration.models import DormantCandidate
from tests.deregistration.factories import organisation, report
from tests.deregistration.test_detection import dormant


def _invoke(app, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["dormant", "detect", *args])


def test_detect_prints_the_counts_and_audits_the_run(app, session, clock):
    dormant(session, clock, "320102")
    dormant(session, clock, "320104")
    filing = organisation(session, clock)
    for year in (2024, 2025):
        report(session, filing, year, date(year + 1, 4, 1))
    session.commit()
    result = _invoke(app, "--on", "2026-06-15")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("dormant detection for 2026-06-15: ")
    assert " authorities, 2 candidates in " in lines[0]
    assert lines[1] == (
        "by criterion: missed_reports 2, no_activity 2, unreachable 2, long_abnormal 2"
    )
    assert len(lines) == 2
    (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "dormant.detect"))
    assert (event.actor, event.subject_type, event.subject_key) == (
        "system:dormant-detect",
        "dormant_detection",
        "2026-06-15",
    )
    after = json.loads(event.after)
    assert after["candidates"] == 2 and after["authority"] is None
    assert after["by_criterion"]["unreachable"] == 2
    assert len(session.scalars(select(DormantCandidate)).all()) == 2


def test_detect_for_an_authority_lists_its_candidates(app, session, clock):
    here = dormant(session, clock, "320102")
    there = dormant(session, clock, "320104")
    session.commit()
    result = _invoke(app, "--authority", "320102", "--list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("dormant detection for 2026-06-15: 1 authorities, 1 candidates")
    assert lines[2] == (
        f"{here.uscc}  {here.name}  missed_reports,no_activity,unreachable,long_abnormal  "
        "missed 2024,2025; inactive 2015-03-02..2016-03-02; "
        "unreachable letter 2026-03-01 & visit 2026-04-10; "
        "abnormal since 2024-06-01 (unreachable)"
    )
    assert there.uscc not in result.output
    rows = session.scalars(select(DormantCandidate)).all()
    assert [r.organisation_id for r in rows] == [here.id]
    (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "dormant.detect"))
    assert json.loads(event.after)["authority"] == "320102"


def test_a_prefecture_covers_its_districts_and_the_listing_is_limited(app, session, clock):
    orgs = [dormant(session, clock, code) for code in ("320102", "320104", "320104")]
    session.commit()
    result = _invoke(app, "--authority", "320100", "--list", "--limit", "2")
    assert result.exit_code == 0, result.output
    assert " 3 candidates " in result.output.splitlines()[0]
    assert sum(o.uscc in result.output for o in orgs) == 2
    assert result.output.splitlines()[-1] == "… 1 more (--limit)"


def test_an_unknown_authority_is_refused_without_a_traceback(app, session):
    result = _invoke(app, "--authority", "999999")
    assert result.exit_code == 1
    assert "no registration authority has the code '999999'" in result.output
    assert "Traceback" not in result.output
    assert session.scalars(select(AuditEvent)).all() == []


def test_a_day_after_today_is_refused(app, session):
    result = _invoke(app, "--on", "2026-06-16")
    assert result.exit_code == 1
    assert "cannot be dated after today (2026-06-15)" in result.output


def test_the_ministry_covers_every_authority(app, session, clock):
    orgs = [dormant(session, clock, code) for code in ("320102", "110101")]
    session.commit()
    result = _invoke(app, "--authority", "100000", "--list")
    assert result.exit_code == 0, result.output
    assert " 2 candidates " in result.output.splitlines()[0]
    assert all(o.uscc in result.output for o in orgs)

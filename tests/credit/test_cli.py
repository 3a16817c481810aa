"""`flask credit run` and `flask search sync` draining the publications."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from registry.credit.models import EntryGround
from registry.organisations.models import Organisation, PendingPublication
from search.models import SearchDocument
from tests.credit.factories import entry, organisation


def test_credit_run_reports_and_publishes(app, session, clock):
    org = organisation(session, clock, founded_on=date(2026, 1, 5))
    entry(session, org, EntryGround.MINOR_PENALTY, date(2026, 5, 1))
    session.commit()
    result = app.test_cli_runner().invoke(args=["credit", "run", "--on", "2026-06-15"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "credit run for 2026-06-15",
        "entered: none",
        "removed: none",
        "abnormal list: +1 −0; dishonest list: +0 −0; ratings expired: 0",
        "organisations queued for publication: 1",
        "published 1 organisations",
    ]
    assert session.scalar(select(func.count()).select_from(PendingPublication)) == 0
    document = session.scalar(select(SearchDocument).where(SearchDocument.uscc == org.uscc))
    assert document.abnormal_list is True


def test_credit_run_refuses_a_day_after_today(app, session):
    result = app.test_cli_runner().invoke(args=["credit", "run", "--on", "2026-06-16"])
    assert result.exit_code == 1
    assert "cannot be dated after today" in result.output


def test_search_sync_publishes_what_the_jobs_queued(app, session, clock):
    from registry.credit.services import CreditService

    org = organisation(session, clock, founded_on=date(2026, 1, 5))
    entry(session, org, EntryGround.UNREACHABLE, date(2026, 5, 1))
    CreditService(session, clock).run()
    session.commit()
    assert session.get(Organisation, org.id).abnormal_list is True
    result = app.test_cli_runner().invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "published 1 organisations queued by set-based jobs" in result.output
    document = session.scalar(select(SearchDocument).where(SearchDocument.uscc == org.uscc))
    assert document.abnormal_list is True

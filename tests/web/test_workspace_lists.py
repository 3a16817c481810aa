"""The dashboard's piles in full: the review queue, the reports not filed, the pending
charity applications, each a page at a time from its service, linked from the dashboard."""

from __future__ import annotations

import re
from datetime import date

import pytest

from registry.accounts.rules import Actor
from registry.charities.services import CharityService
from registry.deregistration.services import CaseService
from tests.accounts.factories import actor, officer
from tests.accounts.test_workspace import sign_in
from tests.credit.factories import organisation
from tests.web.test_workspace_dashboard import dormant, filed


@pytest.fixture
def reviewer(session):  # type: ignore[no-untyped-def]
    return officer(session, "reviewer", "320102", "rev.lists")


def get(client, url: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def next_link(html: str) -> str | None:
    found = re.search(r'href="([^"]+)" rel="next"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_review_queue_in_full_a_page_at_a_time(session, client, clock, reviewer, monkeypatch):
    from registry.web import workspace_lists

    monkeypatch.setattr(workspace_lists, "PAGE", 2)
    queued = [filed(session, clock, name=f"南京市玄武区排队{n}号服务中心")[1] for n in range(3)]
    elsewhere = filed(
        session,
        clock,
        name="南京市秦淮区排队服务中心",
        authority_code="320104",
        domicile_division_code="320104",
    )[0]
    session.commit()
    sign_in(client, "rev.lists")
    first = get(client, "/workspace/reports")
    shown = re.findall(r'href="/workspace/reports/(\d+)"', first)
    assert shown == [str(r.id) for r in queued[:2]]
    assert elsewhere.name not in first
    following = next_link(first)
    assert following and following.startswith("/workspace/reports?after=2026-04-20.")
    second = get(client, following)
    assert re.findall(r'href="/workspace/reports/(\d+)"', second) == [str(queued[2].id)]
    assert next_link(second) is None and 'href="/workspace/reports">' in second
    for bad in ("2026-04-20", "2026-13-01.3", "x.1", "2026-04-20.-1"):
        response = client.get(f"/workspace/reports?after={bad}")
        assert response.status_code == 400, bad
        assert "翻页参数无效" in response.get_data(as_text=True)


def test_the_unfiled_reports_of_a_year_and_those_past_due(
    session, client, clock, reviewer, monkeypatch
):
    from registry.web import workspace_lists

    quiet = [dormant(session, clock, name=f"南京市玄武区未报{n}号服务中心") for n in range(3)]
    session.commit()
    sign_in(client, "rev.lists")
    html = get(client, "/workspace/reports/unfiled")
    assert "2025年度报告：应报未报" in html and all(o.uscc in html for o in quiet)
    assert '<option value="2025" selected>' in html
    # The 2025 reports were due on 31 May 2026: past due on 15 June.
    overdue = get(client, "/workspace/reports/unfiled?year=2025&overdue=1")
    assert all(o.uscc in overdue for o in quiet) and "已逾期" in overdue
    assert 'id="overdue" checked' in overdue
    monkeypatch.setattr(workspace_lists, "PAGE", 2)
    first = get(client, "/workspace/reports/unfiled?year=2024")
    assert [o.uscc in first for o in quiet] == [True, True, False]
    following = next_link(first)
    assert following and "year=2024" in following
    assert quiet[2].uscc in get(client, following)
    for bad in ("1999", "2026", "last"):
        response = client.get(f"/workspace/reports/unfiled?year={bad}")
        assert response.status_code == 400 and "年度无效" in response.get_data(as_text=True)


def test_the_pending_applications_in_full(session, client, clock, reviewer, monkeypatch):
    from registry.web import workspace_lists

    monkeypatch.setattr(workspace_lists, "PAGE", 2)
    charities = CharityService(session, clock)
    applicants = [
        organisation(session, clock, name=f"南京市玄武区申请{n}号服务中心") for n in range(3)
    ]
    for n, org in enumerate(applicants):
        charities.apply(actor(reviewer), org.uscc, date(2026, 6, 1 + n))
    session.commit()
    sign_in(client, "rev.lists")
    first = get(client, "/workspace/applications")
    assert [o.name in first for o in applicants] == [True, True, False]
    second = get(client, next_link(first) or "")
    assert [o.name in second for o in applicants] == [False, False, True]
    assert next_link(second) is None


def test_an_administrator_may_not_read_the_applications(session, client):
    officer(session, "admin", "320102", "admin.lists")
    sign_in(client, "admin.lists")
    response = client.get("/workspace/applications")
    assert response.status_code == 403 and "无权访问" in response.get_data(as_text=True)
    assert client.get("/workspace/reports").status_code == 403


def test_the_dashboard_links_each_pile_in_full(session, client, clock, reviewer):
    filed(session, clock)
    quiet = dormant(session, clock)
    cases = CaseService(session, clock)
    cases.detect(Actor.system("tests"), date(2026, 6, 15))
    cases.open(actor(reviewer), [quiet.uscc], date(2026, 6, 15))
    session.commit()
    sign_in(client, "rev.lists")
    html = get(client, "/workspace/")
    assert 'href="/workspace/reports">查看全部待审查的年度报告</a>' in html
    assert 'href="/workspace/reports/unfiled?year=2025">查看全部应报未报的社会组织</a>' in html
    assert 'href="/workspace/reports/unfiled?year=2025&amp;overdue=1"' in html
    assert 'href="/workspace/cases">查看全部办理中的案件</a>' in html
    assert 'href="/workspace/cases?state=awaiting_decision"' in html
    assert 'href="/workspace/cases">案件办理</a>' in html


def test_the_lists_in_english(session, client, clock, reviewer):
    filed(session, clock)
    session.commit()
    sign_in(client, "rev.lists")
    html = get(client, "/workspace/reports?lang=en")
    assert "Reports waiting for review" in html and "待审查" not in html
    html = get(client, "/workspace/reports/unfiled?lang=en")
    assert "Only those past the due date" in html and "应报未报" not in html
    html = get(client, "/workspace/applications?lang=en")
    assert "Charity applications waiting for a decision" in html

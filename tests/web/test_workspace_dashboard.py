"""The workspace's dashboard: the piles of work of the officer's jurisdiction, each from
the service the officers' API lists it with."""

from __future__ import annotations

from datetime import date

from registry.accounts.rules import Actor
from registry.charities.services import CharityService
from registry.deregistration.services import CaseService
from tests.accounts.factories import actor, officer
from tests.accounts.test_workspace import sign_in
from tests.credit.factories import organisation, report

TODAY = date(2026, 6, 15)
SYSTEM = Actor.system("tests")


def dormant(session, clock, **overrides):  # type: ignore[no-untyped-def]
    """An agency that filed every report up to 2023 and none since: a dormant candidate."""
    org = organisation(session, clock, **overrides)
    for year in range(2015, 2024):
        report(session, org, year, date(year + 1, 4, 1), "pass")
    return org


def filed(session, clock, **overrides):  # type: ignore[no-untyped-def]
    """An agency whose 2025 report waits in the review queue."""
    org = organisation(session, clock, **overrides)
    for year in range(2015, 2025):
        report(session, org, year, date(year + 1, 4, 1), "pass")
    return org, report(session, org, 2025, date(2026, 4, 20))


def test_the_dashboard_shows_each_pile_of_the_authority(session, client, clock):
    reviewer = officer(session, "reviewer", "320102", "rev.board")
    waiting, queued = filed(session, clock, name="南京市玄武区待审养老服务中心")
    quiet = dormant(session, clock, name="南京市玄武区沉寂文化服务中心")
    second = dormant(session, clock, name="南京市玄武区另一沉寂服务中心")
    elsewhere = dormant(
        session,
        clock,
        name="南京市秦淮区沉寂服务中心",
        authority_code="320104",
        domicile_division_code="320104",
    )
    cases = CaseService(session, clock)
    cases.detect(SYSTEM, TODAY)
    (case,) = cases.open(actor(reviewer), [second.uscc], TODAY)
    applicant = organisation(session, clock, name="南京市玄武区申请慈善服务中心")
    CharityService(session, clock).apply(actor(reviewer), applicant.uscc, date(2026, 6, 1))
    session.commit()

    assert sign_in(client, "rev.board").status_code == 302
    response = client.get("/workspace/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # The review queue links to the report's review screen.
    assert f'href="/workspace/reports/{queued.id}"' in html and waiting.name in html
    # Unfiled 2025 reports, past their due date (31 May 2026): the dormant ones.
    assert "2025年度报告：应报未报" in html and quiet.uscc in html
    assert "已逾期" in html
    # The candidates, one with its case; the open case links to the case screen.
    assert quiet.name in html and f'href="/workspace/cases/{case.id}"' in html
    assert 'href="/workspace/candidates"' in html
    # The pending charity application, with its decision's due day.
    assert applicant.name in html and "待决定的慈善组织认定申请" in html
    # Nothing of another authority's.
    assert elsewhere.name not in html and elsewhere.uscc not in html


def test_the_counts_cover_more_than_the_first_rows(session, client, clock):
    officer(session, "clerk", "320102", "clerk.board")
    orgs = [dormant(session, clock) for _ in range(7)]
    CaseService(session, clock).detect(SYSTEM, TODAY)
    session.commit()
    sign_in(client, "clerk.board")
    html = client.get("/workspace/").get_data(as_text=True)
    shown = [org for org in orgs if org.uscc in html]
    assert len(shown) == 5  # the first rows of each pile (the same five in two piles)
    assert '<span class="n">7</span> 僵尸型社会组织候选' in html
    assert '<span class="n">7</span> 逾期未报送年度报告' in html


def test_a_higher_authority_sees_its_subordinates_work(session, client, clock):
    officer(session, "head", "320100", "head.city")
    district = dormant(session, clock, name="南京市玄武区下级沉寂服务中心")
    CaseService(session, clock).detect(SYSTEM, TODAY)
    session.commit()
    sign_in(client, "head.city")
    assert district.name in client.get("/workspace/").get_data(as_text=True)


def test_an_administrator_sees_no_register_work(session, client, clock):
    officer(session, "admin", "320102", "admin.board")
    dormant(session, clock, name="南京市玄武区管理员不见服务中心")
    CaseService(session, clock).detect(SYSTEM, TODAY)
    session.commit()
    sign_in(client, "admin.board")
    html = client.get("/workspace/").get_data(as_text=True)
    assert "管理员负责管理账户" in html and "管理员不见" not in html


def test_the_dashboard_in_english(session, client):
    officer(session, "reviewer", "320102", "rev.en", full_name="陈静")
    sign_in(client, "rev.en")
    html = client.get("/workspace/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Signed in as 陈静 (rev.en), reviewer of" in html
    assert "Reports waiting for review" in html and "待审查" not in html


def test_past_the_cap_the_count_says_more(session, client, clock, monkeypatch):
    from registry.web import workspace_dashboard

    monkeypatch.setattr(workspace_dashboard, "COUNT_CAP", 3)
    officer(session, "reviewer", "320102", "rev.cap")
    for _ in range(5):
        dormant(session, clock)
    CaseService(session, clock).detect(SYSTEM, TODAY)
    session.commit()
    sign_in(client, "rev.cap")
    html = client.get("/workspace/").get_data(as_text=True)
    assert '<span class="n">3+</span> 僵尸型社会组织候选' in html
    # picked out of a list that reached the cap: there may be more
    assert '<span class="n">3+</span> 逾期未报送年度报告' in html

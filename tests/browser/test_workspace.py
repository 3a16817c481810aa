"""The officers' workspace in a real browser, at the desktop and at the phone width: sign
in, review a report and order its correction, open a case for a candidate, find it among
all the open cases and name it in a notice, read the notice's page, then take the case to
its decision (moving the seeded clock past the notice). Every screen is kept as a
screenshot, and axe finds nothing serious or critical on it.

The two widths share the seeded register, so each takes the work of its own authority.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import exists, func, select

from tests.browser.conftest import PASSWORD, axe_violations, shot
from tests.conftest import TEST_NOW

#: which authority's work each width takes (see _work)
TURN = {"desktop": 0, "phone": 1}


@dataclass(frozen=True)
class Work:
    code: str
    reviewer: str
    head: str
    report_id: int
    uscc: str
    name: str


def _work(site, viewport: str) -> Work:  # type: ignore[no-untyped-def]
    """An authority with a report waiting for review and an active candidate without an
    open case, and a reviewer and a head of it."""
    from registry.authorities.models import RegistrationAuthority as RA
    from registry.deregistration.models import DormantCandidate as DC
    from registry.deregistration.models import DormantCase
    from registry.extensions import db
    from registry.inspections.models import AnnualReport, ReportStatus
    from registry.organisations.models import Organisation as O
    from registry.organisations.models import OrganisationStatus
    from tests.accounts.factories import officer

    with site.app.app_context():
        free = (
            select(DC.authority_id, func.min(DC.organisation_id).label("organisation_id"))
            .join(O, O.id == DC.organisation_id)
            .where(
                O.status == OrganisationStatus.ACTIVE,
                ~exists().where(
                    DormantCase.organisation_id == DC.organisation_id,
                    DormantCase.closed_on.is_(None),
                ),
            )
            .group_by(DC.authority_id)
            .subquery()
        )
        waiting = (
            select(O.authority_id, func.min(AnnualReport.id).label("report_id"))
            .join(O, O.id == AnnualReport.organisation_id)
            .where(AnnualReport.status == ReportStatus.SUBMITTED)
            .group_by(O.authority_id)
            .subquery()
        )
        rows = db.session.execute(
            select(RA.code, waiting.c.report_id, free.c.organisation_id)
            .join(free, free.c.authority_id == RA.id)
            .join(waiting, waiting.c.authority_id == RA.id)
            .order_by(RA.code)
        ).all()
        assert len(rows) > max(TURN.values()), "the seeded register has too little work"
        code, report_id, organisation_id = rows[TURN[viewport]]
        organisation = db.session.get(O, organisation_id)
        reviewer = officer(db.session, "reviewer", code, f"rev.{viewport}", password=PASSWORD)
        head = officer(db.session, "head", code, f"head.{viewport}", password=PASSWORD)
        work = Work(
            code,
            reviewer.username,
            head.username,
            report_id,
            organisation.uscc,
            organisation.name,
        )
        db.session.commit()
        db.session.remove()
    return work


def sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/workspace/login")
    page.get_by_label("用户名 Username").fill(username)
    page.get_by_label("密码 Password").fill(PASSWORD)
    page.get_by_role("button", name="登录 Sign in").click()
    page.wait_for_url("**/workspace/")


def clean(page, name: str) -> None:  # type: ignore[no-untyped-def]
    shot(page, name)
    assert axe_violations(page) == []


@pytest.fixture
def work(page, site):  # type: ignore[no-untyped-def]
    return _work(site, page.viewport_name)


def test_review_open_publish_and_decide(page, site, work):
    page.goto("/workspace/login")
    clean(page, "workspace-login")
    sign_in(page, work.reviewer)
    assert page.get_by_role("heading", level=1).inner_text() == "待办事项"
    assert page.get_by_role("heading", name="待审查的年度报告").is_visible()
    clean(page, "workspace-home")
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", level=1).inner_text() == "To do"
    assert page.get_by_role("navigation", name="Workspace navigation").is_visible()
    clean(page, "workspace-home-en")
    page.get_by_role("link", name="中文").click()  # remembered: back to Chinese

    # Review a report: a basic pass needs its reasons; what was typed stays.
    page.goto(f"/workspace/reports/{work.report_id}")
    page.get_by_label("基本合格", exact=True).check()
    page.get_by_label("审查意见（仅供内部，不公开）").fill("年度财务报表附注不全")
    page.get_by_role("button", name="提交年检结论").click()
    error = page.locator("#reasons-error")
    assert "须写明原因" in error.inner_text()
    assert page.get_by_label("审查意见（仅供内部，不公开）").input_value() == "年度财务报表附注不全"
    assert page.get_by_label("基本合格", exact=True).is_checked()
    clean(page, "workspace-report-error")
    page.get_by_label("基本合格、不合格的原因").fill("财务报表附注不全，责令补正")
    page.get_by_role("button", name="提交年检结论").click()
    assert "年检结论：基本合格" in page.get_by_role("status").first.inner_text()
    clean(page, "workspace-report-done")

    # Order the correction: without a deadline it is a field error, the order kept.
    page.get_by_label("整改事项").fill("补正年度财务报表附注")
    page.get_by_role("button", name="责令整改", exact=True).click()
    assert "请填写整改期限" in page.locator("#order-deadline-error").inner_text()
    assert page.get_by_label("整改事项").input_value() == "补正年度财务报表附注"
    clean(page, "workspace-correction-error")
    page.get_by_label("责令整改期限").fill((TEST_NOW + timedelta(days=30)).date().isoformat())
    page.get_by_role("button", name="责令整改", exact=True).click()
    assert "已责令整改" in page.get_by_role("status").first.inner_text()
    assert "整改期内" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="记录整改完成").is_visible()
    clean(page, "workspace-correction-ordered")

    # Open a case for a candidate of the authority.
    page.get_by_role("link", name="僵尸型社会组织候选名单").click()
    page.get_by_label(work.name, exact=True).check()
    clean(page, "workspace-candidates")
    page.get_by_role("button", name="为选择的组织立案").click()
    assert "已立案 1 件" in page.get_by_role("status").first.inner_text()

    # Review and contact it on the case screen.
    page.get_by_role("status").first.get_by_role("link").click()
    assert "待核查" in page.locator("main").inner_text()
    page.get_by_role("button", name="开始核查").click()
    contact = page.locator("form", has=page.get_by_role("heading", name="记录联系"))
    contact.get_by_label("文书类别，如“挂号信回执”").fill("挂号信回执")
    contact.get_by_label("文书编号").fill("XA20260615")
    contact.get_by_role("button", name="记录联系").click()
    assert "已办理：记录联系" in page.get_by_role("status").first.inner_text()
    clean(page, "workspace-case-contacting")
    case_url = page.url

    # The dashboard's open cases in full: the case is there, being contacted.
    nav = page.get_by_role("navigation", name="工作台导航")
    nav.get_by_role("link", name="待办事项").click()
    page.get_by_role("link", name="查看全部办理中的案件").click()
    assert page.get_by_role("heading", name="办理中的全部案件").is_visible()
    page.get_by_label("案件状态").select_option("contacting")
    page.get_by_role("button", name="筛选").click()
    assert work.name in page.locator("main").inner_text()
    clean(page, "workspace-cases-contacting")

    # Name it in a public notice from the candidates page.
    page.get_by_role("link", name="僵尸型社会组织候选名单").click()
    page.get_by_label(work.name, exact=True).check()
    page.get_by_role("button", name="发布公告").click()
    status = page.get_by_role("status").first
    assert "已发布公告，列明 1 个社会组织" in status.inner_text()
    notice_number = status.get_by_role("link").inner_text()
    clean(page, "workspace-notice-published")

    # The notice's page, from the case's timeline: the organisation, its case, no
    # response yet, and the form to record one while the notice runs.
    page.goto(case_url)
    page.get_by_role("region", name="办理经过").get_by_role("link", name=notice_number).click()
    assert page.get_by_role("heading", name="公告所列社会组织").is_visible()
    named = page.get_by_role("row").filter(has_text=work.name)
    assert "未回应" in named.inner_text()
    assert page.get_by_role("button", name="记录回应").is_visible()
    clean(page, "workspace-notice")

    try:
        # The notice runs 60 days, its first the day of publication.
        site.clock.set(TEST_NOW + timedelta(days=60))
        page.goto(case_url)
        assert notice_number in page.locator("main").inner_text()
        page.get_by_role("button", name="公告期满，待决定").click()
        propose = page.locator("form", has=page.get_by_role("heading", name="拟简易注销"))
        propose.get_by_role("button", name="拟简易注销").click()
        assert "请选择简易注销的理由" in propose.inner_text()  # typed nothing: a field error
        propose = page.locator("form", has=page.get_by_role("heading", name="拟简易注销"))
        propose.get_by_label("无法找到该组织").check()
        propose.get_by_role("button", name="拟简易注销").click()
        # No assets or debts not confirmed: the service refuses, the choice stays.
        assert page.get_by_role("alert").is_visible()
        propose = page.locator("form", has=page.get_by_role("heading", name="拟简易注销"))
        assert propose.get_by_label("无法找到该组织").is_checked()
        clean(page, "workspace-case-refused")
        propose.get_by_label("未发现资产、债务").check()
        propose.get_by_role("button", name="拟简易注销").click()
        assert "拟简易注销，待负责人批准" in page.locator("main").inner_text()
        assert page.get_by_role("button", name="批准决定").count() == 0  # the head's step
        clean(page, "workspace-case-proposed")

        # The head, who did not run the case, approves it.
        page.get_by_role("button", name="退出登录").click()
        sign_in(page, work.head)
        page.goto(case_url)
        page.get_by_role("button", name="批准决定").click()
        assert "已注销，待缴回证书印章" in page.locator("main").inner_text()
        clean(page, "workspace-case-decided")
        page.get_by_role("link", name="注销决定").first.click()
        assert work.name in page.locator("body").inner_text()
        shot(page, "workspace-decision-letter")
    finally:
        site.clock.set(TEST_NOW)

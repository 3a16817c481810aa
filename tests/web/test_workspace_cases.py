"""The case screen: the record and its timeline, only the steps the state allows and the
officer may take, and the service's refusals shown on the page with the form kept."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from registry.accounts.rules import Actor
from registry.audit.models import AuditEvent
from registry.deregistration.models import CaseState
from registry.deregistration.services import CaseService
from tests.accounts.factories import actor, officer
from tests.accounts.test_workspace import csrf_token, sign_in
from tests.web.test_workspace_dashboard import dormant

TODAY = date(2026, 6, 15)
SYSTEM = Actor.system("tests")


@pytest.fixture
def staff(session):  # type: ignore[no-untyped-def]
    return {
        "reviewer": officer(session, "reviewer", "320102", "rev.case"),
        "head": officer(session, "head", "320102", "head.case"),
        "clerk": officer(session, "clerk", "320102", "clerk.case"),
        "other": officer(session, "reviewer", "320104", "rev.other"),
        "city": officer(session, "head", "320100", "head.city.case"),
    }


@pytest.fixture
def case(session, clock, staff):  # type: ignore[no-untyped-def]
    org = dormant(session, clock, name="南京市玄武区案件文化服务中心")
    service = CaseService(session, clock)
    service.detect(SYSTEM, TODAY)
    (opened,) = service.open(actor(staff["reviewer"]), [org.uscc], TODAY)
    session.commit()
    return opened


def to_proposed(session, clock, staff, case):  # type: ignore[no-untyped-def]
    """Through a notice that has run its course to a proposed simplified deregistration."""
    service = CaseService(session, clock)
    reviewer = actor(staff["reviewer"])
    service.move(reviewer, case.id, "review", TODAY)
    service.move(reviewer, case.id, "contact", TODAY)
    notice = service.publish_notice(reviewer, "dormant", [case.id], TODAY)
    after = notice.ends_on + timedelta(days=1)
    clock.set(datetime(after.year, after.month, after.day, 2, 0, tzinfo=UTC))
    service.move(reviewer, case.id, "await_decision", after)
    service.move(
        reviewer,
        case.id,
        "propose_deregistration",
        after,
        simplified_ground="not_found",
        no_assets_or_debts=True,
    )
    session.commit()
    return notice


def page(client, case_id: int) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/workspace/cases/{case_id}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def sign_out(client) -> None:  # type: ignore[no-untyped-def]
    home = client.get("/workspace/").get_data(as_text=True)
    assert (
        client.post("/workspace/logout", data={"csrf_token": csrf_token(home)}).status_code == 302
    )


def steps_offered(html: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="step" value="([a-z_]+)">', html)


def take(client, case_id: int, step: str, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_token(page(client, case_id))
    data = {"step": step, "csrf_token": token}
    data.update({f"{step}-{name}": value for name, value in fields.items()})
    return client.post(f"/workspace/cases/{case_id}", data=data)


def test_the_reviewer_sees_the_record_the_timeline_and_the_allowed_steps(
    session, client, staff, case
):
    sign_in(client, "rev.case")
    html = page(client, case.id)
    assert f"案件 {case.id}：南京市玄武区案件文化服务中心" in html
    assert "待核查" in html and "未参加年检（2024、2025）" in html
    assert "立案" in html and "民发〔2021〕63号" in html  # the opening step, with its basis
    assert steps_offered(html) == ["review", "dismiss"]
    assert "批准决定" not in html


def test_taking_a_step_commits_audits_and_says_so(session, client, staff, case):
    sign_in(client, "rev.case")
    response = take(client, case.id, "review", note="已调取档案")
    assert response.status_code == 302
    session.expire_all()
    assert case.state is CaseState.UNDER_REVIEW
    assert case.steps[-1].actor == "rev.case" and case.steps[-1].note == "已调取档案"
    moved = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.move")).one()
    assert moved.actor == "rev.case"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已办理：开始核查" in html
    assert steps_offered(html) == ["dismiss", "contact"]


def test_a_dismissal_without_a_reason_is_a_field_error_with_the_day_kept(
    session, client, staff, case
):
    sign_in(client, "rev.case")
    response = take(client, case.id, "dismiss", on="2026-06-14", note=" ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="dismiss-note-error">请写明理由' in html
    assert 'id="dismiss-on"' in html and 'value="2026-06-14"' in html
    # the other step's form is blank and valid
    assert 'id="review-on"' in html and 'id="review-note-error"' not in html
    session.refresh(case)
    assert case.state is CaseState.CANDIDATE


def test_the_clocks_refusal_is_a_message_with_the_form_kept(session, client, clock, staff, case):
    service = CaseService(session, clock)
    reviewer = actor(staff["reviewer"])
    service.move(reviewer, case.id, "review", TODAY)
    service.move(reviewer, case.id, "contact", TODAY)
    notice = service.publish_notice(reviewer, "dormant", [case.id], TODAY)
    session.commit()
    sign_in(client, "rev.case")
    html = page(client, case.id)
    assert f'href="/documents/notices/{notice.id}"' in html and notice.number in html
    response = take(client, case.id, "await_decision", note="公告期已满")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and "未能办理" in html
    assert f"公告期至 {notice.ends_on.isoformat()} 届满" in html  # the service's, in Chinese
    assert "公告期已满</textarea>" in html
    session.refresh(case)
    assert case.state is CaseState.NOTICE_PUBLISHED


def test_a_stale_form_gets_the_states_409_on_the_page(session, client, staff, case):
    sign_in(client, "rev.case")
    token = csrf_token(page(client, case.id))
    first = client.post(f"/workspace/cases/{case.id}", data={"step": "review", "csrf_token": token})
    assert first.status_code == 302
    again = client.post(
        f"/workspace/cases/{case.id}",
        data={"step": "review", "csrf_token": token, "review-note": "再次核查"},
    )
    assert again.status_code == 409
    html = again.get_data(as_text=True)
    assert "不能办理“开始核查”；现在可以办理：排除、记录联系" in html
    unknown = client.post(
        f"/workspace/cases/{case.id}", data={"step": "teleport", "csrf_token": token}
    )
    assert unknown.status_code == 422 and "未知的办理步骤" in unknown.get_data(as_text=True)


def test_a_clerk_sees_no_step_and_is_refused_one(session, client, staff, case):
    sign_in(client, "clerk.case")
    html = page(client, case.id)
    assert steps_offered(html) == []
    assert "须由本机关的审核员或负责人办理" in html
    response = client.post(
        f"/workspace/cases/{case.id}", data={"step": "review", "csrf_token": csrf_token(html)}
    )
    assert response.status_code == 403
    assert "办事员无权办理此事项（case.move）" in response.get_data(as_text=True)
    session.refresh(case)
    assert case.state is CaseState.CANDIDATE


def test_approval_is_offered_to_a_head_who_did_not_run_the_case(
    session, client, clock, staff, case
):
    notice = to_proposed(session, clock, staff, case)
    sign_in(client, "clerk.case")
    assert steps_offered(page(client, case.id)) == []
    sign_out(client)
    sign_in(client, "rev.case")
    assert steps_offered(page(client, case.id)) == ["restore"]
    sign_out(client)

    sign_in(client, "head.case")
    html = page(client, case.id)
    assert steps_offered(html) == ["restore", "approve", "reject"]
    assert "拟简易注销，待负责人批准" in html and "无法找到该组织" in html
    response = take(client, case.id, "approve")
    assert response.status_code == 302
    session.expire_all()
    assert case.state is CaseState.DEREGISTERED and case.decision is not None
    html = page(client, case.id)
    assert f'href="/documents/decisions/{case.decision.id}"' in html
    assert f'href="/documents/notices/{notice.id}"' in html
    assert steps_offered(html) == ["close"]
    assert "已注销，待缴回证书印章" in html


def test_the_head_who_proposed_may_not_approve(session, client, clock, staff, case):
    to_proposed(session, clock, staff, case)
    case.proposed_by_id = staff["head"].id  # as if the head had proposed it
    session.commit()
    sign_in(client, "head.case")
    html = page(client, case.id)
    assert steps_offered(html) == ["restore", "reject"]
    assert "未承办本案、未提请该决定的负责人" in html


def test_another_authority_gets_a_friendly_403_and_a_higher_one_reads_only(
    session, client, staff, case
):
    sign_in(client, "rev.other")
    response = client.get(f"/workspace/cases/{case.id}")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "无权访问" in html and "南京市玄武区案件文化服务中心" not in html
    assert client.get("/workspace/cases/999999").status_code == 404
    sign_out(client)
    sign_in(client, "head.city.case")
    html = page(client, case.id)
    assert "南京市玄武区案件文化服务中心" in html and steps_offered(html) == []


def test_without_the_csrf_token_no_step_is_taken(session, client, staff, case):
    sign_in(client, "rev.case")
    response = client.post(f"/workspace/cases/{case.id}", data={"step": "review"})
    assert response.status_code == 400
    session.refresh(case)
    assert case.state is CaseState.CANDIDATE


def test_the_case_in_english(session, client, staff, case):
    sign_in(client, "rev.case")
    html = client.get(f"/workspace/cases/{case.id}?lang=en").get_data(as_text=True)
    assert "Case " in html and "Start the review" in html and "Missed annual reports" in html
    assert "Timeline" in html and "待核查" not in html

"""The report review screen: the report in full, and concluding its inspection through
InspectionService.conclude with the signed-in officer as the actor."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.inspections.models import Conclusion, ReportStatus
from tests.accounts.factories import officer
from tests.accounts.test_workspace import csrf_token, sign_in
from tests.inspections.factories import organisation, report


@pytest.fixture
def received(session, clock):  # type: ignore[no-untyped-def]
    org = organisation(session, clock, name="南京市玄武区审查养老服务中心")
    filed = report(session, clock, org)
    session.commit()
    return filed


def page_of(client, report_id: int, lang: str = ""):  # type: ignore[no-untyped-def]
    response = client.get(f"/workspace/reports/{report_id}{lang}")
    return response, response.get_data(as_text=True)


def conclude(client, report_id: int, **fields: str):  # type: ignore[no-untyped-def]
    _, html = page_of(client, report_id)
    return client.post(
        f"/workspace/reports/{report_id}", data={"csrf_token": csrf_token(html), **fields}
    )


def test_the_reviewer_sees_the_report_in_full_and_the_form(session, client, received):
    officer(session, "reviewer", "320102", "rev.report")
    sign_in(client, "rev.report")
    response, html = page_of(client, received.id)
    assert response.status_code == 200
    assert "南京市玄武区审查养老服务中心" in html and "2025年度工作报告" in html
    # The contents: statement, officers, activities, finances.
    assert "本年度遵守宪法" in html and "赵敏" in html and "秘书长" in html
    assert "重阳节敬老活动" in html and "1,250,000.50" in html and "-3,500.25" in html
    # The public fields are labelled as the API describes them.
    assert "年度报告报送日期" in html and "报送截止日期" in html
    assert re.search(r'<input[^>]*name="conclusion"[^>]*type="radio" value="basic_pass"', html)
    assert 'name="csrf_token"' in html
    english = page_of(client, received.id, "?lang=en")[1]
    assert "Day the annual report was received" in english and "Basic pass" in english


def test_a_basic_pass_without_reasons_keeps_what_was_typed(session, client, received):
    officer(session, "reviewer", "320102", "rev.typed")
    sign_in(client, "rev.typed")
    response = conclude(
        client,
        received.id,
        conclusion="basic_pass",
        reasons="  ",
        concluded_on="2026-06-10",
        review_notes="财务报表附注不全",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # The error sits next to its field, which says it is invalid.
    error = re.search(r'<p class="field-error" id="reasons-error">([^<]+)</p>', html)
    assert error and "须写明原因" in error.group(1)
    assert re.search(
        r'<textarea aria-describedby="reasons-hint reasons-error" aria-invalid="true"', html
    )
    # Nothing typed is lost.
    assert re.search(r'checked[^>]*value="basic_pass"|value="basic_pass"[^>]*checked', html)
    assert 'value="2026-06-10"' in html and "财务报表附注不全</textarea>" in html
    session.refresh(received)
    assert received.status is ReportStatus.SUBMITTED


def test_a_bad_date_and_a_missing_conclusion_are_field_errors(session, client, received):
    officer(session, "reviewer", "320102", "rev.date")
    sign_in(client, "rev.date")
    response = conclude(client, received.id, concluded_on="2026-13-40", reasons="理由")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="concluded_on-error">请按“年-月-日”填写日期' in html
    assert 'value="2026-13-40"' in html
    assert "请选择年检结论" in html and "理由</textarea>" in html


def test_the_services_refusal_lands_next_to_its_field(session, client, received):
    officer(session, "reviewer", "320102", "rev.future")
    sign_in(client, "rev.future")
    response = conclude(client, received.id, conclusion="pass", concluded_on="2026-07-01")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="concluded_on-error">不能晚于今天' in html
    assert 'role="alert"' in html and "未能办理" in html
    assert 'value="2026-07-01"' in html


def test_concluding_commits_audits_and_redirects_with_a_message(session, client, received):
    reviewer = officer(session, "reviewer", "320102", "rev.done")
    sign_in(client, "rev.done")
    response = conclude(
        client, received.id, conclusion="fail", reasons="未按规定使用资金", review_notes="复核"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/workspace/reports/{received.id}"
    session.expire_all()
    assert received.conclusion is Conclusion.FAIL
    assert received.conclusion_reasons == "未按规定使用资金"
    assert received.concluded_by_id == reviewer.id and received.review_notes == "复核"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "report.conclude")).one()
    assert event.actor == "rev.done"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已作出2025年度年检结论：不合格" in html
    assert 'name="conclusion"' not in html  # concluded: no form any more
    # Concluding again (a stale page) is refused by the service, and said so.
    again = client.post(
        f"/workspace/reports/{received.id}",
        data={"csrf_token": csrf_token(html), "conclusion": "pass"},
    )
    assert again.status_code == 409
    assert "该报告的状态为“不合格”，不能作出年检结论" in again.get_data(as_text=True)


def test_a_clerk_sees_no_form_and_may_not_conclude(session, client, received):
    officer(session, "clerk", "320102", "clerk.report")
    sign_in(client, "clerk.report")
    response, html = page_of(client, received.id)
    assert response.status_code == 200 and "赵敏" in html
    assert 'name="conclusion"' not in html and "由本机关的审核员或负责人作出" in html
    refused = client.post(
        f"/workspace/reports/{received.id}",
        data={"csrf_token": csrf_token(html), "conclusion": "pass"},
    )
    assert refused.status_code == 403
    assert "办事员无权办理此事项（report.conclude）" in refused.get_data(as_text=True)
    session.refresh(received)
    assert received.status is ReportStatus.SUBMITTED


def test_another_authoritys_report_is_a_friendly_403_and_an_unknown_one_a_404(
    session, client, received
):
    officer(session, "reviewer", "320104", "rev.qinhuai")
    sign_in(client, "rev.qinhuai")
    response, html = page_of(client, received.id)
    assert response.status_code == 403
    assert "无权访问" in html and "赵敏" not in html
    missing, html = page_of(client, 999_999)
    assert missing.status_code == 404 and "未找到" in html


def test_without_the_csrf_token_nothing_is_concluded(session, client, received):
    officer(session, "reviewer", "320102", "rev.csrf")
    sign_in(client, "rev.csrf")
    response = client.post(f"/workspace/reports/{received.id}", data={"conclusion": "pass"})
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)
    session.refresh(received)
    assert received.status is ReportStatus.SUBMITTED


def test_signed_out_the_screen_asks_for_a_sign_in(session, client, received):
    response = client.get(f"/workspace/reports/{received.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/workspace/login")

"""The report screen after a basic pass or a fail: ordering a correction (what, by when)
and recording that it was met, each offered only when the report's next steps allow it
and through InspectionService with the signed-in officer as the actor."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.inspections.services import InspectionService
from tests.accounts.factories import actor, officer
from tests.accounts.test_workspace import csrf_token, sign_in
from tests.inspections.factories import organisation, report


@pytest.fixture
def staff(session):  # type: ignore[no-untyped-def]
    return {
        "reviewer": officer(session, "reviewer", "320102", "rev.fix"),
        "clerk": officer(session, "clerk", "320102", "clerk.fix"),
        "other": officer(session, "reviewer", "320104", "rev.fix.other"),
        "city": officer(session, "head", "320100", "head.fix.city"),
    }


@pytest.fixture
def failed(session, clock, staff):  # type: ignore[no-untyped-def]
    """A 2025 report concluded basic pass on 10 June 2026."""
    org = organisation(session, clock, name="南京市玄武区整改养老服务中心")
    filed = report(session, clock, org)
    InspectionService(session, clock).conclude(
        actor(staff["reviewer"]), filed.id, "basic_pass", "财务报表附注不全", date(2026, 6, 10)
    )
    session.commit()
    return filed


def page(client, report_id: int, query: str = "") -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/workspace/reports/{report_id}{query}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def order(client, report_id: int, **fields: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf_token(page(client, report_id))}
    data.update({f"order-{k}": v for k, v in fields.items()})
    return client.post(f"/workspace/reports/{report_id}/correction-order", data=data)


def corrected(client, report_id: int, **fields: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf_token(page(client, report_id))}
    data.update({f"corrected-{k}": v for k, v in fields.items()})
    return client.post(f"/workspace/reports/{report_id}/correction", data=data)


def forms_on(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="/workspace/reports/\d+(/[a-z-]+)?"', html)


def test_after_a_basic_pass_the_order_form_alone_is_offered(session, client, staff, failed):
    sign_in(client, "rev.fix")
    html = page(client, failed.id)
    assert forms_on(html) == ["/correction-order"]
    assert 'name="order-order"' in html and 'name="order-deadline"' in html
    assert 'name="corrected-corrected_on"' not in html and 'name="conclusion"' not in html
    assert "责令整改期限" in html  # the deadline labelled as the API describes it


def test_ordering_a_correction_commits_audits_and_says_so(session, client, staff, failed):
    sign_in(client, "rev.fix")
    response = order(client, failed.id, order="补正财务报表附注", deadline="2026-07-15")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/workspace/reports/{failed.id}"
    session.expire_all()
    assert failed.correction_order == "补正财务报表附注"
    assert failed.correction_deadline == date(2026, 7, 15)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "report.order_correction")
    ).one()
    assert event.actor == "rev.fix"
    html = page(client, failed.id)
    assert "已责令整改，整改期限：2026-07-15。" in html
    assert "补正财务报表附注" in html and "整改期内" in html
    # Now the correction may be recorded, and no second order given.
    assert forms_on(html) == ["/correction"]


def test_a_missing_order_and_deadline_are_field_errors(session, client, staff, failed):
    sign_in(client, "rev.fix")
    response = order(client, failed.id, order="  ", deadline="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="order-order-error">请写明须整改的事项' in html
    assert 'id="order-deadline-error">请填写整改期限' in html
    bad_day = order(client, failed.id, order="补正附注", deadline="2026-02-30")
    html = bad_day.get_data(as_text=True)
    assert bad_day.status_code == 422
    assert 'id="order-deadline-error">请按“年-月-日”填写日期' in html
    assert 'value="2026-02-30"' in html and "补正附注</textarea>" in html
    session.refresh(failed)
    assert failed.correction_deadline is None


def test_the_services_refusal_of_a_past_deadline_sits_by_its_field(session, client, staff, failed):
    sign_in(client, "rev.fix")
    response = order(client, failed.id, order="补正财务报表附注", deadline="2026-06-15")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html
    error = re.search(r'<p class="field-error" id="order-deadline-error">([^<]+)</p>', html)
    assert error and "2026-06-15" in error.group(1)  # "after today (2026-06-15)"
    assert 'value="2026-06-15"' in html and "补正财务报表附注</textarea>" in html
    session.refresh(failed)
    assert failed.correction_deadline is None


def test_a_clerk_records_the_correction_but_may_not_order_one(
    session, client, clock, staff, failed
):
    sign_in(client, "clerk.fix")
    html = page(client, failed.id)
    assert forms_on(html) == [] and "责令整改由本机关的审核员或负责人作出" in html
    refused = order(client, failed.id, order="补正", deadline="2026-07-15")
    assert refused.status_code == 403
    InspectionService(session, clock).order_correction(
        actor(staff["reviewer"]), failed.id, "补正财务报表附注", date(2026, 6, 20)
    )
    session.commit()
    # Past the deadline the order shows as overdue.
    clock.set(datetime(2026, 6, 25, 2, 0, tzinfo=UTC))
    html = page(client, failed.id)
    assert "逾期未整改" in html and forms_on(html) == ["/correction"]
    response = corrected(client, failed.id, corrected_on="2026-06-24")
    assert response.status_code == 302
    session.expire_all()
    assert failed.corrected_on == date(2026, 6, 24)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "report.record_correction")
    ).one()
    assert event.actor == "clerk.fix"
    html = page(client, failed.id)
    assert "已记录整改完成：2026-06-24。" in html and "已整改" in html
    assert "逾期未整改" not in html and forms_on(html) == []


def test_a_correction_before_the_conclusion_is_refused_with_the_day_kept(
    session, client, clock, staff, failed
):
    InspectionService(session, clock).order_correction(
        actor(staff["reviewer"]), failed.id, "补正财务报表附注", date(2026, 7, 15)
    )
    session.commit()
    sign_in(client, "clerk.fix")
    response = corrected(client, failed.id, corrected_on="2026-06-01")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html
    assert re.search(r'id="corrected-corrected_on-error">[^<]*2026-06-10', html)
    assert 'value="2026-06-01"' in html
    session.refresh(failed)
    assert failed.corrected_on is None


def test_a_stale_order_is_refused_by_the_service(session, client, clock, staff, failed):
    sign_in(client, "rev.fix")
    token = csrf_token(page(client, failed.id))
    InspectionService(session, clock).order_correction(
        actor(staff["reviewer"]), failed.id, "补正", date(2026, 7, 15)
    )
    session.commit()
    again = client.post(
        f"/workspace/reports/{failed.id}/correction-order",
        data={"csrf_token": token, "order-order": "再次责令", "order-deadline": "2026-08-01"},
    )
    assert again.status_code == 409
    html = again.get_data(as_text=True)
    # the section says why, above the correction's next step
    section = html[html.index('id="correction"') :]
    assert 'role="alert"' in section and 'name="corrected-corrected_on"' in section
    session.refresh(failed)
    assert failed.correction_order == "补正"


def test_another_authority_gets_403_and_a_higher_one_reads_only(session, client, staff, failed):
    sign_in(client, "rev.fix.other")
    response = client.get(f"/workspace/reports/{failed.id}")
    assert response.status_code == 403
    home = client.get("/workspace/").get_data(as_text=True)
    refused = client.post(
        f"/workspace/reports/{failed.id}/correction-order",
        data={
            "csrf_token": csrf_token(home),
            "order-order": "补正",
            "order-deadline": "2026-07-15",
        },
    )
    assert refused.status_code == 403
    assert (
        client.post(
            "/workspace/reports/999999/correction",
            data={"csrf_token": csrf_token(home)},
        ).status_code
        == 404
    )
    client.post("/workspace/logout", data={"csrf_token": csrf_token(home)})
    sign_in(client, "head.fix.city")
    html = page(client, failed.id)
    assert "南京市玄武区整改养老服务中心" in html and forms_on(html) == []
    session.refresh(failed)
    assert failed.correction_deadline is None


def test_the_correction_in_english(session, client, staff, failed):
    sign_in(client, "rev.fix")
    html = page(client, failed.id, "?lang=en")
    assert "Order a correction" in html and "What must be corrected" in html
    assert "Deadline of the order to correct" in html and "整改事项" not in html


def test_without_the_csrf_token_nothing_is_ordered(session, client, staff, failed):
    sign_in(client, "rev.fix")
    response = client.post(
        f"/workspace/reports/{failed.id}/correction-order",
        data={"order-order": "补正", "order-deadline": "2026-07-15"},
    )
    assert response.status_code == 400
    session.refresh(failed)
    assert failed.correction_deadline is None

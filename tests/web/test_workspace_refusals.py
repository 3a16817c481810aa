"""A service's refusal on the officers' pages speaks the page's language: Chinese by
default (from the refusals catalogue, the register's words as their labels), the API's
English on ?lang=en; field errors next to their fields likewise."""

from __future__ import annotations

import html as entities
from datetime import UTC, date, datetime, timedelta

import pytest

from registry.deregistration.services import CaseService
from registry.inspections.services import InspectionService
from tests.accounts.factories import actor, officer
from tests.accounts.test_workspace import csrf_token, sign_in
from tests.inspections.factories import organisation, report
from tests.web.test_workspace_cases import to_proposed
from tests.web.test_workspace_dashboard import dormant

TODAY = date(2026, 6, 15)


def text(response) -> str:  # type: ignore[no-untyped-def]
    """The page's text as a reader sees it (entities such as &#39; decoded)."""
    return entities.unescape(response.get_data(as_text=True))


def post(client, path: str, lang: str = "", **fields):  # type: ignore[no-untyped-def]
    """Send a page's form as the browser would: the page first, for its CSRF token."""
    page = client.get(path + lang).get_data(as_text=True)
    return client.post(path + lang, data={"csrf_token": csrf_token(page), **fields})


@pytest.fixture
def staff(session):  # type: ignore[no-untyped-def]
    return {
        "reviewer": officer(session, "reviewer", "320102", "rev.refusal"),
        "head": officer(session, "head", "320102", "head.refusal"),
        "clerk": officer(session, "clerk", "320102", "clerk.refusal"),
        "other": officer(session, "reviewer", "320104", "rev.refusal.other"),
    }


def opened(session, clock, who, name: str, code: str = "320102", on: date = TODAY):  # type: ignore[no-untyped-def]
    """A case opened by `who` for a new dormant organisation of authority `code`."""
    org = dormant(session, clock, name=name, authority_code=code)
    service = CaseService(session, clock)
    service.detect(actor(who), on)
    (case,) = service.open(actor(who), [org.uscc], on)
    return case


def contacting(session, clock, who, name: str, code: str = "320102", on: date = TODAY):  # type: ignore[no-untyped-def]
    """A case being contacted: one that a dormant notice may name."""
    case = opened(session, clock, who, name, code, on)
    service = CaseService(session, clock)
    service.move(actor(who), case.id, "review", on)
    service.move(actor(who), case.id, "contact", on)
    return case


# -- reports ------------------------------------------------------------------------------


@pytest.fixture
def failed(session, clock, staff):  # type: ignore[no-untyped-def]
    org = organisation(session, clock, name="南京市玄武区拒绝养老服务中心")
    filed = report(session, clock, org)
    InspectionService(session, clock).conclude(
        actor(staff["reviewer"]), filed.id, "fail", "未按规定使用资金"
    )
    session.commit()
    return filed


def test_concluding_a_concluded_report_is_refused_in_the_pages_language(
    session, client, staff, failed
):
    sign_in(client, "rev.refusal")
    path = f"/workspace/reports/{failed.id}"
    response = post(client, path, conclusion="pass")
    assert response.status_code == 409
    page = text(response)
    assert 'role="alert"' in page and "未能办理" in page
    assert "该报告的状态为“不合格”，不能作出年检结论；现在可以办理：责令整改" in page
    assert "cannot conclude" not in page

    response = post(client, path, "?lang=en", conclusion="pass")
    assert response.status_code == 409
    page = text(response)
    assert "cannot conclude a report that is fail; allowed: order_correction" in page
    assert "不能作出年检结论" not in page


def test_a_conclusion_dated_in_the_future_is_said_by_its_field(session, client, clock, staff):
    filed = report(session, clock, organisation(session, clock, name="南京市玄武区未来服务中心"))
    session.commit()
    sign_in(client, "rev.refusal")
    path = f"/workspace/reports/{filed.id}"
    response = post(client, path, conclusion="pass", concluded_on="2026-07-01")
    assert response.status_code == 422
    page = text(response)
    assert 'id="concluded_on-error">不能晚于今天</p>' in page
    assert "年检结论日期：不能晚于今天" in page
    assert 'value="2026-07-01"' in page

    response = post(client, path, "?lang=en", conclusion="pass", concluded_on="2026-07-01")
    assert response.status_code == 422
    page = text(response)
    assert 'id="concluded_on-error">cannot be in the future</p>' in page
    assert "concluded_on: cannot be in the future" in page


def test_a_clerks_refusal_names_the_role_and_the_roles_allowed(session, client, clock, staff):
    filed = report(session, clock, organisation(session, clock, name="南京市玄武区角色服务中心"))
    session.commit()
    sign_in(client, "clerk.refusal")
    path = f"/workspace/reports/{filed.id}"
    response = post(client, path, conclusion="pass")
    assert response.status_code == 403
    assert "办事员无权办理此事项（report.conclude）；可以办理的角色：负责人、审核员" in text(
        response
    )
    response = post(client, path, "?lang=en", conclusion="pass")
    assert "a clerk may not report.conclude; allowed roles: head, reviewer" in text(response)


# -- cases --------------------------------------------------------------------------------


def test_a_step_the_state_no_longer_allows_is_refused_in_the_pages_language(
    session, client, clock, staff
):
    case = opened(session, clock, staff["reviewer"], "南京市玄武区过时服务中心")
    session.commit()
    sign_in(client, "rev.refusal")
    path = f"/workspace/cases/{case.id}"
    page = client.get(path).get_data(as_text=True)
    # Meanwhile the case was taken under review: the form on the page is stale.
    CaseService(session, clock).move(actor(staff["reviewer"]), case.id, "review", TODAY)
    session.commit()
    response = client.post(path, data={"step": "review", "csrf_token": csrf_token(page)})
    assert response.status_code == 409
    said = text(response)
    assert (
        f"案件 {case.id} 当前为“核查中”，不能办理“开始核查”；现在可以办理：排除、记录联系" in said
    )

    response = post(client, path, "?lang=en", step="review")
    assert response.status_code == 409
    said = text(response)
    assert f"case {case.id} is under_review: it cannot review; allowed next: dismiss, contact" in (
        said
    )


def test_the_head_who_proposed_may_not_approve_said_in_the_pages_language(
    session, client, clock, staff
):
    case = opened(session, clock, staff["reviewer"], "南京市玄武区批准服务中心")
    session.commit()
    to_proposed(session, clock, {"reviewer": staff["reviewer"]}, case)
    case.proposed_by_id = staff["head"].id  # as if the head had proposed it
    session.commit()
    sign_in(client, "head.refusal")
    path = f"/workspace/cases/{case.id}"
    # The page does not offer the approval; a form sent all the same is refused.
    response = post(client, path, step="approve")
    assert response.status_code == 403
    assert "批准决定的负责人不能是承办本案或提请该决定的工作人员" in text(response)

    response = post(client, path, "?lang=en", step="approve")
    assert response.status_code == 403
    assert (
        "the head who approves a decision may not be the officer who ran the case or proposed "
        "the decision"
    ) in text(response)
    session.refresh(case)
    assert case.decision is None


def test_a_clocks_refusal_names_its_day(session, client, clock, staff):
    case = contacting(session, clock, staff["reviewer"], "南京市玄武区公告期服务中心")
    notice = CaseService(session, clock).publish_notice(
        actor(staff["reviewer"]), "dormant", [case.id], TODAY
    )
    session.commit()
    sign_in(client, "rev.refusal")
    path = f"/workspace/cases/{case.id}"
    ends = notice.ends_on.isoformat()
    response = post(client, path, step="await_decision")
    assert response.status_code == 422
    assert f"公告期至 {ends} 届满；案件自次日起方可进入下一步" in text(response)
    response = post(client, path, "?lang=en", step="await_decision")
    assert f"the public notice runs until {ends}; the case may move on from the day after" in (
        text(response)
    )


# -- one notice for many cases --------------------------------------------------------------


def test_one_notice_for_cases_of_two_states_is_refused_in_the_pages_language(
    session, client, clock, staff
):
    ready = contacting(session, clock, staff["reviewer"], "南京市玄武区联系中服务中心")
    early = opened(session, clock, staff["reviewer"], "南京市玄武区待核查服务中心")
    session.commit()
    sign_in(client, "rev.refusal")
    ids = [str(ready.id), str(early.id)]
    response = post(client, "/workspace/notices", **{"notice-case_ids": ids})
    assert response.status_code == 409
    assert (
        f"未能发布僵尸型社会组织公告：案件 {early.id} 当前为“待核查”，现在可以办理：开始核查、排除"
        in text(response)
    )

    response = post(client, "/workspace/notices", "?lang=en", **{"notice-case_ids": ids})
    assert response.status_code == 409
    assert f"dormant notice: case {early.id} is candidate, allowed next: review, dismiss" in (
        text(response)
    )


def test_one_notice_for_cases_of_two_authorities_is_refused_in_the_pages_language(
    session, client, clock, staff
):
    ours = contacting(session, clock, staff["reviewer"], "南京市玄武区本机关服务中心")
    theirs = contacting(session, clock, staff["other"], "南京市秦淮区他机关服务中心", "320104")
    session.commit()
    sign_in(client, "rev.refusal")
    ids = [str(ours.id), str(theirs.id)]
    response = post(client, "/workspace/notices", **{"notice-case_ids": ids})
    assert response.status_code == 403
    assert "该记录由登记管理机关 320104 登记；320102 的工作人员只能办理本机关登记的记录" in (
        text(response)
    )
    response = post(client, "/workspace/notices", "?lang=en", **{"notice-case_ids": ids})
    assert response.status_code == 403
    assert (
        "the record is registered with authority 320104; officers of 320102 act only on "
        "their own authority's records"
    ) in text(response)


def test_opening_a_case_already_open_names_the_case_and_its_state(session, client, clock, staff):
    case = opened(session, clock, staff["reviewer"], "南京市玄武区已立案服务中心")
    session.commit()
    uscc = case.organisation.uscc
    sign_in(client, "rev.refusal")
    response = post(client, "/workspace/candidates", **{"open-usccs": [uscc]})
    assert response.status_code == 409
    assert f"未立案：{uscc}：已有未结案件 {case.id}（待核查）" in text(response)
    response = post(client, "/workspace/candidates", "?lang=en", **{"open-usccs": [uscc]})
    assert f"no case was opened: {uscc}: case {case.id} is open (candidate)" in text(response)


# -- responses to a notice ----------------------------------------------------------------


def test_a_response_outside_the_notices_period_is_refused_in_the_pages_language(
    session, client, clock, staff
):
    earlier = TODAY - timedelta(days=10)
    clock.set(datetime(earlier.year, earlier.month, earlier.day, 2, 0, tzinfo=UTC))
    who = staff["reviewer"]
    case = contacting(session, clock, who, "南京市玄武区回应服务中心", on=earlier)
    notice = CaseService(session, clock).publish_notice(actor(who), "dormant", [case.id], earlier)
    session.commit()
    clock.set(datetime(2026, 6, 15, 2, 0, tzinfo=UTC))
    sign_in(client, "rev.refusal")
    path = f"/workspace/notices/{notice.id}"
    fields = {
        "uscc": case.organisation.uscc,
        "responded_on": "2026-06-01",
        "response": "来函说明情况",
    }
    period = (notice.published_on.isoformat(), notice.ends_on.isoformat())
    response = post(client, path, **fields)
    assert response.status_code == 422
    page = text(response)
    assert (
        f"回应须在公告发布之日（{period[0]}）至公告期届满之日（{period[1]}）之间记录，"
        "2026-06-01 不在公告期内"
    ) in page
    assert 'id="responded_on-error">不在公告期内</p>' in page

    response = post(client, path, "?lang=en", **fields)
    assert response.status_code == 422
    page = text(response)
    assert (
        f"a response is recorded between the notice's publication ({period[0]}) and its end "
        f"({period[1]}), not on 2026-06-01"
    ) in page
    assert 'id="responded_on-error">outside the notice\'s period</p>' in page

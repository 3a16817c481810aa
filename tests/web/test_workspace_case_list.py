"""The cases list: the jurisdiction's cases a page at a time, filtered by state (the open
ones, those awaiting a head's approval, one state), and one prior notice (事先告知) for
the ticked cases awaiting their decision, through CaseService.publish_notice."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from registry.accounts.rules import Actor
from registry.audit.models import AuditEvent
from registry.deregistration.models import CaseState, NoticeKind, PublicNotice
from registry.deregistration.services import CaseService
from tests.accounts.factories import actor, officer
from tests.accounts.test_workspace import csrf_token, sign_in
from tests.web.test_workspace_dashboard import dormant

TODAY = date(2026, 6, 15)
SYSTEM = Actor.system("tests")


@pytest.fixture
def staff(session):  # type: ignore[no-untyped-def]
    return {
        "reviewer": officer(session, "reviewer", "320102", "rev.list"),
        "clerk": officer(session, "clerk", "320102", "clerk.list"),
        "other": officer(session, "reviewer", "320104", "rev.list.other"),
        "city": officer(session, "head", "320100", "head.list.city"),
    }


@pytest.fixture
def awaiting(session, clock, staff):  # type: ignore[no-untyped-def]
    """Three cases of 320102 and one of 320104 whose notice ran its course: each awaits
    its decision; the clock is the day after the notice ended."""
    orgs = [dormant(session, clock, name=f"南京市玄武区待决{n}号服务中心") for n in range(3)]
    theirs = dormant(
        session,
        clock,
        name="南京市秦淮区待决服务中心",
        authority_code="320104",
        domicile_division_code="320104",
    )
    service = CaseService(session, clock)
    service.detect(SYSTEM, TODAY)
    opened = []
    for who, group in ((staff["reviewer"], orgs), (staff["other"], [theirs])):
        cases = service.open(actor(who), [o.uscc for o in group], TODAY)
        for case in cases:
            service.move(actor(who), case.id, "review", TODAY)
            service.move(actor(who), case.id, "contact", TODAY)
        notice = service.publish_notice(actor(who), "dormant", [c.id for c in cases], TODAY)
        opened += cases
    after = notice.ends_on + timedelta(days=1)
    clock.set(datetime(after.year, after.month, after.day, 2, 0, tzinfo=UTC))
    for case in opened:
        who = staff["other"] if case.organisation_id == theirs.id else staff["reviewer"]
        service.move(actor(who), case.id, "await_decision", after)
    session.commit()
    return opened


def listing(client, query: str = "?state=awaiting_decision"):  # type: ignore[no-untyped-def]
    response = client.get(f"/workspace/cases{query}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def picks(html: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="notice-case_ids" value="(\d+)"', html)


def checked(html: str) -> list[str]:
    return re.findall(
        r'<input type="checkbox" name="notice-case_ids" value="(\d+)" id="[^"]+" checked>', html
    )


def listed(html: str) -> list[str]:
    return re.findall(r'<td><a href="/workspace/cases/(\d+)">', html)


def publish(client, case_ids, state="awaiting_decision", **fields):  # type: ignore[no-untyped-def]
    token = csrf_token(listing(client, f"?state={state}"))
    data = {"csrf_token": token, "notice-case_ids": case_ids}
    data.update({f"notice-{k}": v for k, v in fields.items()})
    return client.post(f"/workspace/cases?state={state}", data=data)


def test_the_cases_awaiting_a_decision_can_be_ticked(session, client, staff, awaiting):
    sign_in(client, "rev.list")
    html = listing(client)
    ours = [str(c.id) for c in awaiting[:3]]
    assert picks(html) == ours and listed(html) == ours  # nothing of 320104's
    assert "发布事先告知公告" in html and 'name="notice-days"' not in html
    assert f'<label for="case-{awaiting[0].id}">南京市玄武区待决0号服务中心</label>' in html


def test_one_prior_notice_names_the_ticked_cases(session, client, clock, staff, awaiting):
    sign_in(client, "rev.list")
    chosen = [awaiting[0], awaiting[2]]
    response = publish(client, [str(c.id) for c in chosen], note="拟撤销登记")
    assert response.status_code == 302
    assert response.headers["Location"] == "/workspace/cases?state=awaiting_decision"
    notice = session.scalars(
        select(PublicNotice).where(PublicNotice.kind == NoticeKind.PRIOR_NOTICE)
    ).one()
    assert [x.case_id for x in notice.listings] == [c.id for c in chosen]
    session.expire_all()
    assert [c.state for c in chosen] == [CaseState.PRIOR_NOTICE_ISSUED] * 2
    assert awaiting[1].state is CaseState.AWAITING_DECISION
    assert all(c.prior_notice_id == notice.id for c in chosen)
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "notice.publish", AuditEvent.subject_key == str(notice.id)
        )
    ).one()
    assert event.actor == "rev.list"
    html = listing(client)
    assert "已发布事先告知公告，列明 2 个社会组织" in html
    assert f'<a href="/workspace/notices/{notice.id}">{notice.number}</a>' in html
    assert picks(html) == [str(awaiting[1].id)]


def test_nothing_ticked_is_a_field_error_with_the_typing_kept(session, client, staff, awaiting):
    sign_in(client, "rev.list")
    response = publish(client, [], title="事先告知", published_on="2026-08-01")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="notice-case_ids-error">请至少选择一个案件' in html
    assert 'value="事先告知"' in html and 'value="2026-08-01"' in html


def test_a_refusal_publishes_nothing_and_keeps_the_selection(
    session, client, clock, staff, awaiting
):
    sign_in(client, "rev.list")
    before = len(session.scalars(select(PublicNotice)).all())
    # Dated before the cases' last step: the service refuses, and says which case.
    response = publish(
        client, [str(awaiting[0].id), str(awaiting[1].id)], published_on="2026-06-16"
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and str(awaiting[0].id) in html
    assert checked(html) == [str(awaiting[0].id), str(awaiting[1].id)]
    assert 'value="2026-06-16"' in html
    # A day after today is refused next to its field.
    later = publish(client, [str(awaiting[1].id)], published_on="2030-01-01")
    assert later.status_code == 422
    html = later.get_data(as_text=True)
    assert re.search(r'<p class="field-error" id="notice-published_on-error">[^<]+</p>', html)
    assert checked(html) == [str(awaiting[1].id)]
    session.expire_all()
    assert len(session.scalars(select(PublicNotice)).all()) == before
    assert all(c.state is CaseState.AWAITING_DECISION for c in awaiting)


def test_another_authoritys_case_is_refused_by_the_service(session, client, staff, awaiting):
    sign_in(client, "rev.list")
    response = publish(client, [str(awaiting[0].id), str(awaiting[3].id)])
    assert response.status_code == 403
    assert checked(response.get_data(as_text=True)) == [str(awaiting[0].id)]
    session.expire_all()
    assert awaiting[0].state is CaseState.AWAITING_DECISION


def test_a_clerk_and_a_higher_authority_see_the_cases_but_tick_none(
    session, client, staff, awaiting
):
    sign_in(client, "clerk.list")
    html = listing(client)
    assert picks(html) == [] and "公告由本机关的审核员或负责人发布" in html
    refused = publish(client, [str(awaiting[0].id)])
    assert refused.status_code == 403
    home = client.get("/workspace/").get_data(as_text=True)
    client.post("/workspace/logout", data={"csrf_token": csrf_token(home)})
    sign_in(client, "head.list.city")
    html = listing(client)
    assert picks(html) == [] and len(listed(html)) == 4
    assert "下级机关的案件由其自行公告" in html
    session.expire_all()
    assert all(c.state is CaseState.AWAITING_DECISION for c in awaiting)


def test_the_filter_lists_open_proposed_and_one_state_a_page_at_a_time(
    session, client, clock, staff, awaiting, monkeypatch
):
    from registry.web import workspace_case_list

    service = CaseService(session, clock)
    service.move(
        actor(staff["reviewer"]),
        awaiting[1].id,
        "propose_deregistration",
        simplified_ground="not_found",
        no_assets_or_debts=True,
    )
    session.commit()
    sign_in(client, "rev.list")
    ours = [str(c.id) for c in awaiting[:3]]
    assert listed(listing(client, "")) == ours  # every open case by default
    assert listed(listing(client, "?state=proposed")) == [str(awaiting[1].id)]
    assert listed(listing(client, "?state=dismissed")) == []
    monkeypatch.setattr(workspace_case_list, "PAGE", 2)
    first = listing(client, "?state=open")
    assert listed(first) == ours[:2]
    following = re.search(r'href="(/workspace/cases\?[^"]+)" rel="next"', first)
    assert following and "state=open" in following.group(1)
    second = listing(
        client, following.group(1).replace("&amp;", "&").removeprefix("/workspace/cases")
    )
    assert listed(second) == ours[2:]
    assert client.get("/workspace/cases?state=zombie").status_code == 400
    assert client.get("/workspace/cases?after=-1").status_code == 400


def test_a_notice_cannot_be_posted_for_a_state_without_one(session, client, staff, awaiting):
    sign_in(client, "rev.list")
    response = publish(client, [str(awaiting[0].id)], state="open")
    assert response.status_code == 422
    assert "该状态的案件不以公告办理下一步" in response.get_data(as_text=True)


def test_the_cases_in_english(session, client, staff, awaiting):
    sign_in(client, "rev.list")
    html = listing(client, "?state=awaiting_decision&lang=en")
    assert "Issue the prior notice" in html and "Case state" in html
    assert "发布事先告知公告" not in html


def test_without_the_csrf_token_nothing_is_published(session, client, staff, awaiting):
    sign_in(client, "rev.list")
    before = len(session.scalars(select(PublicNotice)).all())
    response = client.post(
        "/workspace/cases?state=awaiting_decision",
        data={"notice-case_ids": [str(awaiting[0].id)]},
    )
    assert response.status_code == 400
    assert len(session.scalars(select(PublicNotice)).all()) == before

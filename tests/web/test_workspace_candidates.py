"""The candidates page: open cases for the selected candidates, and publish one notice
naming the organisations of the selected cases; all or none, the selection kept."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from registry.accounts.rules import Actor
from registry.audit.models import AuditEvent
from registry.deregistration.models import CaseState, DormantCase, PublicNotice
from registry.deregistration.services import CaseService
from tests.accounts.factories import actor, officer
from tests.accounts.test_workspace import csrf_token, sign_in
from tests.web.test_workspace_dashboard import dormant

TODAY = date(2026, 6, 15)
SYSTEM = Actor.system("tests")


@pytest.fixture
def reviewer(session):  # type: ignore[no-untyped-def]
    return officer(session, "reviewer", "320102", "rev.pick")


@pytest.fixture
def detected(session, clock):  # type: ignore[no-untyped-def]
    orgs = [dormant(session, clock, name=f"南京市玄武区候选{n}号服务中心") for n in range(3)]
    CaseService(session, clock).detect(SYSTEM, TODAY)
    session.commit()
    return orgs


def page(client) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/workspace/candidates")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def picks(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="checkbox" name="{name}" value="([^"]+)"', html)


def checked(html: str, name: str) -> list[str]:
    return re.findall(
        rf'<input type="checkbox" name="{name}" value="([^"]+)" id="[^"]+" checked>', html
    )


def open_cases(client, usccs, **fields):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf_token(page(client)), "open-usccs": usccs}
    data.update({f"open-{k}": v for k, v in fields.items()})
    return client.post("/workspace/candidates", data=data)


def publish(client, case_ids, **fields):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf_token(page(client)), "notice-case_ids": case_ids}
    data.update({f"notice-{k}": v for k, v in fields.items()})
    return client.post("/workspace/notices", data=data)


def contacting(session, clock, reviewer, orgs):  # type: ignore[no-untyped-def]
    service = CaseService(session, clock)
    cases = service.open(actor(reviewer), [o.uscc for o in orgs], TODAY)
    for case in cases:
        service.move(actor(reviewer), case.id, "review", TODAY)
        service.move(actor(reviewer), case.id, "contact", TODAY)
    session.commit()
    return cases


def test_the_candidates_of_the_authority_can_be_picked(session, client, reviewer, detected):
    sign_in(client, "rev.pick")
    html = page(client)
    assert picks(html, "open-usccs") == [o.uscc for o in detected]
    assert f'<label for="pick-{detected[0].uscc}">{detected[0].name}</label>' in html
    assert "未参加年检" in html


def test_opening_cases_for_the_selected(session, client, reviewer, detected):
    sign_in(client, "rev.pick")
    chosen = [detected[0].uscc, detected[2].uscc]
    response = open_cases(client, chosen, note="专项清理")
    assert response.status_code == 302
    opened = session.scalars(select(DormantCase).order_by(DormantCase.id)).all()
    assert [c.organisation.uscc for c in opened] == chosen
    assert all(c.case_officer_id == reviewer.id for c in opened)
    audited = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.open")).all()
    assert {e.actor for e in audited} == {"rev.pick"} and len(audited) == 2
    html = page(client)
    assert "已立案 2 件" in html
    assert f'<a href="/workspace/cases/{opened[0].id}">案件 {opened[0].id}</a>' in html
    # Candidates with an open case are no longer offered.
    assert picks(html, "open-usccs") == [detected[1].uscc]


def test_nothing_selected_is_a_field_error_with_the_note_kept(session, client, reviewer, detected):
    sign_in(client, "rev.pick")
    response = open_cases(client, [], note="专项清理", on="2026-06-01")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="open-usccs-error">请至少选择一个候选组织' in html
    assert "专项清理</textarea>" in html and 'value="2026-06-01"' in html


def test_a_refusal_opens_nothing_and_keeps_the_selection(
    session, client, clock, reviewer, detected
):
    sign_in(client, "rev.pick")
    token = csrf_token(page(client))
    # Meanwhile another reviewer opened a case for the first one.
    (taken,) = CaseService(session, clock).open(actor(reviewer), [detected[0].uscc], TODAY)
    session.commit()
    response = client.post(
        "/workspace/candidates",
        data={"csrf_token": token, "open-usccs": [detected[0].uscc, detected[1].uscc]},
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert f"未立案：{detected[0].uscc}：已有未结案件 {taken.id}" in html
    assert checked(html, "open-usccs") == [detected[1].uscc]
    assert session.scalars(select(DormantCase)).all() == [taken]


def test_a_clerk_may_pick_nothing(session, client, detected):
    officer(session, "clerk", "320102", "clerk.pick")
    sign_in(client, "clerk.pick")
    html = page(client)
    assert picks(html, "open-usccs") == [] and "本页没有可由您立案的候选组织" in html
    response = open_cases(client, [detected[0].uscc])
    assert response.status_code == 403
    assert "办事员无权办理此事项（case.open）" in response.get_data(as_text=True)


def test_a_higher_authority_sees_but_may_not_open(session, client, detected):
    officer(session, "head", "320100", "head.pick")
    sign_in(client, "head.pick")
    html = page(client)
    assert detected[0].name in html and picks(html, "open-usccs") == []
    assert "不由本机关立案" in html


def test_one_notice_names_the_selected_cases(session, client, clock, reviewer, detected):
    cases = contacting(session, clock, reviewer, detected[:2])
    sign_in(client, "rev.pick")
    html = page(client)
    assert picks(html, "notice-case_ids") == [str(c.id) for c in cases]
    response = publish(client, [str(c.id) for c in cases], days="30", title="")
    assert response.status_code == 302
    notice = session.scalars(select(PublicNotice)).one()
    assert notice.ends_on == TODAY + timedelta(days=29)
    assert [x.case_id for x in notice.listings] == [c.id for c in cases]
    session.expire_all()
    assert all(c.state is CaseState.NOTICE_PUBLISHED for c in cases)
    published = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "notice.publish")
    ).one()
    assert published.actor == "rev.pick"
    html = page(client)
    assert "已发布公告，列明 2 个社会组织" in html
    assert f'<a href="/documents/notices/{notice.id}">{notice.number}</a>' in html
    assert picks(html, "notice-case_ids") == []


def test_a_bad_period_is_a_field_error_with_the_selection_kept(
    session, client, clock, reviewer, detected
):
    cases = contacting(session, clock, reviewer, detected[:2])
    sign_in(client, "rev.pick")
    response = publish(client, [str(cases[1].id)], days="0", note="批量公告")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="notice-days-error">公告期为1至366日' in html
    assert checked(html, "notice-case_ids") == [str(cases[1].id)]
    assert "批量公告</textarea>" in html
    assert session.scalars(select(PublicNotice)).all() == []


def test_a_case_not_being_contacted_is_refused_by_the_service(
    session, client, clock, reviewer, detected
):
    (ready,) = contacting(session, clock, reviewer, detected[:1])
    (early,) = CaseService(session, clock).open(actor(reviewer), [detected[1].uscc], TODAY)
    session.commit()
    sign_in(client, "rev.pick")
    response = publish(client, [str(ready.id), str(early.id)])
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert f"案件 {early.id} 当前为“待核查”" in html
    assert checked(html, "notice-case_ids") == [str(ready.id)]
    assert session.scalars(select(PublicNotice)).all() == []


def test_without_the_csrf_token_nothing_is_written(session, client, clock, reviewer, detected):
    (case,) = contacting(session, clock, reviewer, detected[:1])
    sign_in(client, "rev.pick")
    refused = client.post("/workspace/notices", data={"notice-case_ids": [str(case.id)]})
    assert refused.status_code == 400
    refused = client.post("/workspace/candidates", data={"open-usccs": [detected[1].uscc]})
    assert refused.status_code == 400
    assert session.scalars(select(PublicNotice)).all() == []
    assert len(session.scalars(select(DormantCase)).all()) == 1


def test_the_page_in_english(session, client, reviewer, detected):
    sign_in(client, "rev.pick")
    html = client.get("/workspace/candidates?lang=en").get_data(as_text=True)
    assert "Dormant candidates" in html and "Open cases for the selected organisations" in html
    assert "Missed annual reports" in html and "候选名单" not in html

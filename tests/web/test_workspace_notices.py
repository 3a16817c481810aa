"""The notices in the workspace: the jurisdiction's list, newest first, and a page per
notice with the organisations it names, their cases and responses, and the form that
records a response through CaseService.record_response while the notice runs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from registry.accounts.rules import Actor
from registry.audit.models import AuditEvent
from registry.deregistration.models import NoticeListing
from registry.deregistration.services import CaseService
from tests.accounts.factories import actor, officer
from tests.accounts.test_workspace import csrf_token, sign_in
from tests.web.test_workspace_dashboard import dormant

TODAY = date(2026, 6, 15)
SYSTEM = Actor.system("tests")


@pytest.fixture
def staff(session):  # type: ignore[no-untyped-def]
    return {
        "reviewer": officer(session, "reviewer", "320102", "rev.notice"),
        "clerk": officer(session, "clerk", "320102", "clerk.notice"),
        "other": officer(session, "reviewer", "320104", "rev.notice.other"),
        "city": officer(session, "head", "320100", "head.notice.city"),
    }


def published(session, clock, reviewer, names, on=TODAY):  # type: ignore[no-untyped-def]
    """One dormant notice naming a new organisation per name, published `on`."""
    orgs = [dormant(session, clock, name=name) for name in names]
    service = CaseService(session, clock)
    service.detect(SYSTEM, on)
    who = actor(reviewer)
    opened = service.open(who, [o.uscc for o in orgs], on)
    for case in opened:
        service.move(who, case.id, "review", on)
        service.move(who, case.id, "contact", on)
    notice = service.publish_notice(who, "dormant", [c.id for c in opened], on)
    session.commit()
    return notice, orgs, opened


@pytest.fixture
def notice(session, clock, staff):  # type: ignore[no-untyped-def]
    return published(
        session,
        clock,
        staff["reviewer"],
        ["南京市玄武区公告甲服务中心", "南京市玄武区公告乙服务中心"],
    )


def page(client, notice_id: int, query: str = "") -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/workspace/notices/{notice_id}{query}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def respond(client, notice_id: int, **fields: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf_token(page(client, notice_id)), **fields}
    return client.post(f"/workspace/notices/{notice_id}", data=data)


def options(html: str) -> list[str]:
    return re.findall(r'<option value="([0-9A-Z]{18})"', html)


def test_the_notice_page_names_the_organisations_and_their_cases(session, client, staff, notice):
    record, orgs, cases = notice
    sign_in(client, "rev.notice")
    html = page(client, record.id)
    assert record.number in html and record.title in html
    assert "僵尸型社会组织公告" in html and "公告期内" in html
    assert record.published_on.isoformat() in html and record.ends_on.isoformat() in html
    for org, case in zip(orgs, cases, strict=True):
        assert org.name in html and f'href="/workspace/cases/{case.id}"' in html
    assert html.count("未回应") == 2
    assert options(html) == [o.uscc for o in orgs]
    assert f'href="/documents/notices/{record.id}"' in html
    # A row's link picks its organisation in the form.
    picked = page(client, record.id, f"?uscc={orgs[1].uscc}")
    assert re.search(rf'<option selected value="{orgs[1].uscc}"', picked)


def test_recording_a_response_commits_audits_and_says_so(session, client, staff, notice):
    record, orgs, _cases = notice
    sign_in(client, "clerk.notice")
    response = respond(
        client,
        record.id,
        uscc=orgs[0].uscc,
        responded_on="2026-06-15",
        response="法定代表人来电，承诺补报年度报告",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/workspace/notices/{record.id}"
    listing = session.scalars(
        select(NoticeListing).where(NoticeListing.organisation_id == orgs[0].id)
    ).one()
    session.refresh(listing)
    assert listing.responded_on == TODAY and listing.response == "法定代表人来电，承诺补报年度报告"
    assert listing.response_recorded_by_id == staff["clerk"].id
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "notice.response")).one()
    assert event.actor == "clerk.notice"
    html = page(client, record.id)
    assert f"已记录{orgs[0].name}的回应（2026-06-15）。" in html
    assert "已回应" in html and "法定代表人来电" in html
    assert options(html) == [orgs[1].uscc]  # the one that responded is not offered again


def test_missing_choices_are_field_errors_with_the_typing_kept(session, client, staff, notice):
    record, _orgs, _cases = notice
    sign_in(client, "rev.notice")
    response = respond(client, record.id, uscc="", responded_on="2026-06-40", response="来函")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="uscc-error">请选择作出回应的社会组织' in html
    assert 'id="responded_on-error">请按“年-月-日”填写日期' in html
    assert 'value="2026-06-40"' in html and "来函</textarea>" in html
    blank = respond(client, record.id, uscc=_orgs[0].uscc, response=" ")
    assert blank.status_code == 422
    assert 'id="response-error">请写明该组织的陈述或提交的材料' in blank.get_data(as_text=True)
    assert (
        session.scalars(select(AuditEvent).where(AuditEvent.action == "notice.response")).all()
        == []
    )


def test_a_day_outside_the_period_is_the_services_refusal_by_its_field(
    session, client, clock, staff
):
    # A notice published ten days ago: a response dated before it is refused.
    earlier = TODAY - timedelta(days=10)
    clock.set(datetime(earlier.year, earlier.month, earlier.day, 2, 0, tzinfo=UTC))
    record, orgs, _cases = published(
        session, clock, staff["reviewer"], ["南京市玄武区公告丙服务中心"], earlier
    )
    clock.set(datetime(2026, 6, 15, 2, 0, tzinfo=UTC))
    sign_in(client, "rev.notice")
    response = respond(
        client, record.id, uscc=orgs[0].uscc, responded_on="2026-06-01", response="来函说明情况"
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and earlier.isoformat() in html
    assert re.search(r'<p class="field-error" id="responded_on-error">[^<]+</p>', html)
    assert 'value="2026-06-01"' in html and "来函说明情况</textarea>" in html
    assert re.search(rf'<option selected value="{orgs[0].uscc}"', html)
    session.expire_all()
    assert record.listings[0].responded_on is None


def test_after_its_end_the_notice_takes_no_response(session, client, clock, staff, notice):
    record, _orgs, _cases = notice
    after = record.ends_on + timedelta(days=1)
    clock.set(datetime(after.year, after.month, after.day, 2, 0, tzinfo=UTC))
    sign_in(client, "rev.notice")
    html = page(client, record.id)
    assert "公告期已满，不再记录回应" in html and 'name="response"' not in html
    assert "已期满" in html


def test_another_authority_gets_403_and_a_higher_one_reads_only(session, client, staff, notice):
    record, orgs, _cases = notice
    sign_in(client, "rev.notice.other")
    response = client.get(f"/workspace/notices/{record.id}")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "无权访问" in html and orgs[0].name not in html
    home = client.get("/workspace/").get_data(as_text=True)
    refused = client.post(
        f"/workspace/notices/{record.id}",
        data={"csrf_token": csrf_token(home), "uscc": orgs[0].uscc, "response": "来函"},
    )
    assert refused.status_code == 403
    missing = client.get("/workspace/notices/999999")
    assert missing.status_code == 404
    assert "没有编号为 999999 的公告" in missing.get_data(as_text=True)
    assert client.get(f"/workspace/notices/{2**40}").status_code == 404
    english = client.get("/workspace/notices/999999?lang=en").get_data(as_text=True)
    assert "no public notice 999999" in english
    client.get("/workspace/notices/999999?lang=zh")  # the cookie back to Chinese
    # Its list does not show another authority's notices.
    assert record.number not in client.get("/workspace/notices").get_data(as_text=True)
    client.post("/workspace/logout", data={"csrf_token": csrf_token(home)})
    sign_in(client, "head.notice.city")
    html = page(client, record.id)
    assert orgs[0].name in html and 'name="response"' not in html
    assert "回应由发布公告的登记管理机关记录" in html
    session.expire_all()
    assert all(x.responded_on is None for x in record.listings)


def test_the_list_shows_the_newest_first_a_page_at_a_time(
    session, client, clock, staff, monkeypatch
):
    from registry.web import workspace_notices

    monkeypatch.setattr(workspace_notices, "PAGE", 2)
    made = []
    for n, day in enumerate([date(2026, 6, 1), date(2026, 6, 10), date(2026, 6, 5)]):
        clock.set(datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC))
        made.append(
            published(session, clock, staff["reviewer"], [f"南京市玄武区列表{n}号服务中心"], day)[0]
        )
    clock.set(datetime(2026, 6, 15, 2, 0, tzinfo=UTC))
    sign_in(client, "rev.notice")
    first = client.get("/workspace/notices").get_data(as_text=True)
    shown = re.findall(r'<a href="/workspace/notices/(\d+)">', first)
    assert shown == [str(made[1].id), str(made[2].id)]
    assert "1 / 0" in first  # one organisation named, none responded
    following = re.search(r'href="(/workspace/notices\?after=[^"]+)" rel="next"', first)
    assert following
    second = client.get(following.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert re.findall(r'<a href="/workspace/notices/(\d+)">', second) == [str(made[0].id)]
    assert 'rel="next"' not in second and "第一页" in second
    bad = client.get("/workspace/notices?after=yesterday")
    assert bad.status_code == 400 and "翻页参数无效" in bad.get_data(as_text=True)


def test_the_navigation_and_the_case_link_to_the_notice(session, client, staff, notice):
    record, _orgs, cases = notice
    sign_in(client, "rev.notice")
    home = client.get("/workspace/").get_data(as_text=True)
    assert 'href="/workspace/notices">公告管理</a>' in home
    case_page = client.get(f"/workspace/cases/{cases[0].id}").get_data(as_text=True)
    assert f'<a href="/workspace/notices/{record.id}">{record.number}</a>' in case_page


def test_the_notice_in_english(session, client, staff, notice):
    record, _orgs, _cases = notice
    sign_in(client, "rev.notice")
    html = page(client, record.id, "?lang=en")
    assert '<html lang="en">' in html and "Record a response" in html
    assert "Organisations named in the notice" in html and "未回应" not in html
    listing = client.get("/workspace/notices?lang=en").get_data(as_text=True)
    assert "Notices" in listing and "公告管理" not in listing


def test_without_the_csrf_token_no_response_is_recorded(session, client, staff, notice):
    record, orgs, _cases = notice
    sign_in(client, "rev.notice")
    response = client.post(
        f"/workspace/notices/{record.id}", data={"uscc": orgs[0].uscc, "response": "来函"}
    )
    assert response.status_code == 400
    session.expire_all()
    assert all(x.responded_on is None for x in record.listings)

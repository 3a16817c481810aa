"""One organisation's page: every public field with the API's name and label, its change
history, inspections, credit lists, ratings, charity and trusts, the notices and decisions
naming it; a friendly 404 in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from registry.organisations.models import OrganisationKind
from registry.organisations.public import ORGANISATION_FIELDS
from registry.organisations.services import OrganisationService
from registry.ratings.models import Rating
from tests.charities.public_factories import charity, trust
from tests.credit.factories import entry, report
from tests.deregistration.public_factories import build_trail
from tests.organisations.factories import registration
from tests.web import read


def between(text: str, start: str, end: str) -> str:
    """The part of a page's text from `start` to the next `end`."""
    first = text.index(start)
    return text[first : text.index(end, first + len(start))]


def rating(session, org, grade: str, rated_on: date, valid_until: date) -> Rating:  # type: ignore[no-untyped-def]
    row = Rating(
        organisation_id=org.id,
        grade=grade,
        score=Decimal("800"),
        rated_on=rated_on,
        valid_until=valid_until,
        authority_id=org.authority_id,
        recorded_at=datetime(2020, 1, 1, tzinfo=UTC),
    )
    session.add(row)
    session.flush()
    return row


def test_every_public_field_with_its_api_name_and_label(client, session, clock):
    service = OrganisationService(session, clock)
    org = service.register(
        registration(
            name="南京市玄武区志愿者协会",
            kind=OrganisationKind.SOCIAL_GROUP,
            supervisory_unit="南京市玄武区团委",
            registered_funds=Decimal("30000"),
        )
    )
    session.commit()
    response = client.get(f"/organisations/{org.uscc}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = read(response)
    for spec in ORGANISATION_FIELDS:
        assert f">{spec.name}</code>" in html, spec.name
        assert spec.description_zh.split("：")[0] in page.text, spec.name
    assert "社会团体" in page.text and "正常" in page.text
    assert "30,000.00 元" in page.text and "南京市玄武区团委" in page.text
    assert page.link("JSON 数据") == f"/api/v1/organisations/{org.uscc}"


def test_the_same_page_in_english(client, session, clock):
    org = OrganisationService(session, clock).register(
        registration(name="南京市玄武区志愿者协会", kind=OrganisationKind.SOCIAL_GROUP)
    )
    session.commit()
    page = read(client.get(f"/organisations/{org.uscc}?lang=en"))
    assert page.text.count("Unified social credit code") >= 1
    assert "Social group" in page.text and "Active" in page.text
    assert "Legal representative" in page.text and "CNY 30,000.00" in page.text
    assert "Change history" in page.text and "Annual inspections" in page.text


def test_the_change_history_is_a_timeline(client, session, clock):
    service = OrganisationService(session, clock)
    org = service.register(registration(name="南京市玄武区助学服务中心"))
    service.record_change(
        org.uscc, {"legal_representative": "李华"}, effective_on=date(2019, 1, 1), basis="换届"
    )
    service.deregister(org.uscc, on=date(2024, 1, 1), reason="自行解散")
    session.commit()
    page = read(client.get(f"/organisations/{org.uscc}"))
    timeline = between(page.text, "变更记录", "年度检查")
    assert timeline.index("2015-03-02 · 成立登记") < timeline.index("2019-01-01 · 变更登记")
    assert "法定代表人： 王明 → 李华" in timeline and "依据：换届" in timeline
    assert "2024-01-01 · 状态变更 · 登记状态： 正常 → 已注销" in timeline
    assert "状态变更原因： — → 自行解散" in timeline
    assert "登记状态：已注销（2024-01-01）。 自行解散" in page.text
    assert page.link("JSON 数据") == f"/api/v1/organisations/{org.uscc}"
    assert f"/api/v1/organisations/{org.uscc}/changes" in page.hrefs("/api/v1/")


def test_inspections_credit_lists_and_ratings(client, session, clock):
    org = OrganisationService(session, clock).register(registration(name="南京市玄武区敬老院"))
    report(session, org, 2024, date(2025, 4, 1), "pass", date(2025, 6, 1))
    report(session, org, 2025, date(2026, 6, 2))  # late, under review
    entry(session, org, "report_not_filed", date(2025, 6, 1), report_year=2024)
    entry(
        session,
        org,
        "minor_penalty",
        date(2023, 2, 1),
        removed_on=date(2023, 8, 1),
        removal_ground="expired",
    )
    rating(session, org, "4A", date(2024, 5, 1), date(2029, 4, 30))
    session.commit()
    page = read(client.get(f"/organisations/{org.uscc}"))
    inspections = between(page.text, "年检结果（按年度）", "信用记录")
    assert inspections.index("2025") < inspections.index("2024")  # newest year first
    assert "合格" in inspections and "审查中" in inspections
    credit = between(page.text, "信用记录", "评估日期")
    assert "活动异常名录 未按规定报送年度工作报告" in credit
    assert "2023-08-01 期满移出" in credit
    ratings = between(page.text, "评估日期", "慈善组织")
    assert "4A 2024-05-01 2029-04-30" in ratings


def test_charity_status_and_its_trusts(client, session, clock):
    org = charity(session, clock, public_fundraising=True, name="南京市玄武区慈善助学服务中心")
    trust(
        session,
        "320102",
        "玄武区慈善助学信托",
        filed_on=date(2025, 3, 1),
        amount="200000",
        trustees=(org,),
    )
    session.commit()
    page = read(client.get(f"/organisations/{org.uscc}"))
    part = between(page.text, "慈善组织状态", "担任受托人的慈善信托")
    assert "已认定" in part and "2020-05-01" in part and "是否具有公开募捐资格" in part
    assert "玄武区慈善助学信托" in page.text and "200,000.00 元" in page.text
    assert f"/api/v1/charities/{org.uscc}" in page.hrefs("/api/v1/charities/")
    # an organisation never recognised says so
    other = OrganisationService(session, clock).register(registration())
    session.commit()
    assert "未被认定为慈善组织。" in read(client.get(f"/organisations/{other.uscc}")).text


def test_notices_and_decisions_naming_it(client, session, clock):
    trail = build_trail(session, clock)
    named_twice = trail["orgs"]["b"]
    page = read(client.get(f"/organisations/{named_twice.uscc}"))
    notices = trail["notices"]
    documents = page.hrefs("/documents/")
    # newest first: the prior notice of June, then the notice of March
    assert documents == [
        f"/documents/notices/{notices['n3'].id}",
        f"/documents/notices/{notices['n1'].id}",
    ]
    assert "撤销登记事先告知" in page.text and "处于注销或撤销登记程序中" in page.text
    # The same list in the API, and a feed of it to follow.
    assert page.hrefs("/api/v1/notices") == [
        f"/api/v1/notices/feed.atom?uscc={named_twice.uscc}",
        f"/api/v1/notices?uscc={named_twice.uscc}",
    ]
    revoked = trail["orgs"]["d"]
    page = read(client.get(f"/organisations/{revoked.uscc}"))
    decision = trail["decisions"]["d"]
    assert f"/documents/decisions/{decision.id}" in page.hrefs("/documents/")
    assert "撤销登记决定书 历民罚〔2026〕4号" in page.text
    assert "决定书公告送达" in page.text  # the notice that served it


def test_an_unknown_code_is_a_friendly_404_in_both_languages(client):
    response = client.get("/organisations/51100000500002862F")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "未找到" in read(response).text
    english = client.get("/organisations/51100000500002862F?lang=en")
    assert english.status_code == 404 and "Not found" in read(english).text

"""Printable documents: the HTML print view and the PDF of notices and decision letters.

The rows are inserted directly (the case service is tested on its own); PDFs are made
once per kind and database, as WeasyPrint takes a fraction of a second each.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from registry.accounts.models import Officer, OfficerRole
from registry.authorities.models import RegistrationAuthority
from registry.deregistration import documents
from registry.deregistration.models import (
    CaseState,
    CertificateOutcome,
    Criterion,
    DecisionKind,
    DeregistrationDecision,
    DormantCase,
    NoticeKind,
    NoticeListing,
    PublicNotice,
)
from registry.deregistration.rules import (
    BASIS,
    DEFAULT_RULES,
    Transition,
    certificate_due_on,
    lawsuit_until,
    notice_ends_on,
    review_until,
)
from registry.organisations.models import Organisation
from tests.accounts.factories import officer
from tests.credit.factories import organisation

CREATED = datetime(2026, 5, 1, tzinfo=UTC)
PUBLISHED = date(2026, 5, 4)
DECIDED = date(2026, 6, 15)


def compact(text: str) -> str:
    """Text without whitespace: table cells wrap names over lines."""
    return re.sub(r"\s+", "", text)


def pdf_facts(data: bytes) -> tuple[str, set[str], int]:
    """The PDF's text, the names of its fonts and its page count."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    fonts: set[str] = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return compact(text), fonts, len(reader.pages)


@dataclass
class Record:
    authority: RegistrationAuthority
    clerk: Officer
    head: Officer
    orgs: list[Organisation]
    cases: list[DormantCase]


def _case(session, org: Organisation, state: CaseState, criteria: str, clerk) -> DormantCase:
    case = DormantCase(
        organisation_id=org.id,
        authority_id=org.authority_id,
        state=state,
        state_since=PUBLISHED,
        criteria=criteria,
        evidence={},
        opened_on=date(2026, 4, 1),
        case_officer_id=clerk.id,
        created_at=CREATED,
        updated_at=CREATED,
    )
    session.add(case)
    session.flush()
    return case


def _record(session, clock, count: int, state: CaseState) -> Record:
    clerk = officer(session, OfficerRole.CLERK, "320102")
    head = officer(session, OfficerRole.HEAD, "320102")
    orgs = [
        organisation(
            session,
            clock,
            legal_representative=f"赵{n}",
            domicile=f"南京市玄武区珠江路{n}号",
        )
        for n in range(count)
    ]
    criteria = ["missed_reports,unreachable", "no_activity", "long_abnormal"]
    cases = [_case(session, o, state, criteria[i % 3], clerk) for i, o in enumerate(orgs)]
    return Record(orgs[0].authority, clerk, head, orgs, cases)


def _notice(session, record: Record, kind: NoticeKind, number: str, **extra) -> PublicNotice:
    published_on = extra.pop("published_on", PUBLISHED)
    notice = PublicNotice(
        kind=kind,
        authority_id=record.authority.id,
        number=number,
        title=extra.pop("title", "关于拟注销部分“僵尸型”社会组织的公告"),
        basis=extra.pop("basis", BASIS[Transition.PUBLISH_NOTICE]),
        published_on=published_on,
        ends_on=extra.pop("ends_on", notice_ends_on(published_on, 60)),
        published_by_id=record.clerk.id,
        created_at=CREATED,
    )
    notice.listings = [
        NoticeListing(case_id=case.id, organisation_id=case.organisation_id)
        for case in record.cases
    ]
    session.add(notice)
    session.flush()
    return notice


def _decision(session, record: Record, case: DormantCase, kind: DecisionKind, number: str, **extra):
    decision = DeregistrationDecision(
        case_id=case.id,
        organisation_id=case.organisation_id,
        authority_id=record.authority.id,
        kind=kind,
        number=number,
        decided_on=DECIDED,
        basis="《民办非企业单位登记管理暂行条例》第二十五条",
        reason="连续两年未参加年度检查，且通过住所和法定代表人均无法取得联系",
        proposed_by_id=record.clerk.id,
        approved_by_id=record.head.id,
        certificate_due_on=certificate_due_on(DECIDED),
        review_until=review_until(DECIDED),
        lawsuit_until=lawsuit_until(DECIDED),
        created_at=CREATED,
        **extra,
    )
    session.add(decision)
    session.flush()
    return decision


@pytest.fixture
def dormant_notice(session, clock):
    record = _record(session, clock, 30, CaseState.NOTICE_PUBLISHED)
    notice = _notice(session, record, NoticeKind.DORMANT, "玄民社告〔2026〕3号")
    session.commit()
    return record, notice


@pytest.fixture
def prior_notice(session, clock):
    record = _record(session, clock, 3, CaseState.PRIOR_NOTICE_ISSUED)
    notice = _notice(
        session,
        record,
        NoticeKind.PRIOR_NOTICE,
        "玄民罚告〔2026〕7号",
        title="关于拟撤销部分社会组织登记的行政处罚事先告知书",
        basis=BASIS[Transition.ISSUE_PRIOR_NOTICE],
        published_on=date(2026, 6, 1),
        ends_on=notice_ends_on(date(2026, 6, 1), 60),
    )
    session.commit()
    return record, notice


@pytest.fixture
def revocation(session, clock):
    record = _record(session, clock, 1, CaseState.REVOKED)
    served = _notice(
        session,
        record,
        NoticeKind.DECISION,
        "玄民决告〔2026〕2号",
        title="关于公告送达撤销登记决定书的公告",
        basis="《中华人民共和国行政处罚法》第六十一条",
        published_on=DECIDED,
        ends_on=notice_ends_on(DECIDED, 60),
    )
    decision = _decision(
        session,
        record,
        record.cases[0],
        DecisionKind.REVOCATION,
        "玄民撤字〔2026〕9号",
        served_by_notice_id=served.id,
    )
    session.commit()
    return record, served, decision


# -- the date helper and the builders --------------------------------------------------------


def test_chinese_dates_have_no_leading_zeros():
    assert documents.chinese_date(date(2026, 6, 5)) == "2026年6月5日"
    assert documents.chinese_date(date(2026, 12, 31)) == "2026年12月31日"


# -- the HTML print view ---------------------------------------------------------------------


def test_a_dormant_notice_names_every_organisation_with_its_criteria(client, dormant_notice):
    record, notice = dormant_notice
    response = client.get(f"/documents/notices/{notice.id}")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert record.authority.name in html
    assert "玄民社告〔2026〕3号" in html
    assert notice.title in html
    assert notice.basis in html
    assert "2026年5月4日" in html  # published
    assert "2026年7月2日" in html  # the 60th day, the day of publication the first
    assert "60日" in html
    for org in record.orgs:
        assert org.uscc in html and org.name in html
        assert org.legal_representative in html and org.domicile in html
    assert DEFAULT_RULES.criterion_label(Criterion.MISSED_REPORTS) in html
    assert "成立登记后12个月内未开展活动" in html
    assert "被列入活动异常名录满12个月" in html
    # A print view: no site navigation, the PDF one link away, public caching.
    assert "返回首页" not in html and "/workspace" not in html
    assert f'href="/documents/notices/{notice.id}.pdf"' in html
    assert "public" in response.headers["Cache-Control"]

    again = client.get(
        f"/documents/notices/{notice.id}", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""


def test_a_prior_notice_states_the_hearing_right_and_its_last_day(client, prior_notice):
    record, notice = prior_notice
    html = client.get(f"/documents/notices/{notice.id}").get_data(as_text=True)
    assert "行政处罚事先告知书" in html and "玄民罚告〔2026〕7号" in html
    assert "陈述、申辩" in html and "听证" in html
    # Published 1 June; 5 days, that day not counted: 6 June is the last day.
    assert "5日内，即最迟于2026年6月6日" in html
    assert "2026年7月30日" in html  # the notice's own end differs, so it is shown too
    assert "撤销登记" in html and "《民办非企业单位登记管理暂行条例》" in html
    for org in record.orgs:
        assert org.uscc in html and org.name in html


def test_a_decision_letter_states_certificate_day_and_the_windows(client, revocation):
    record, served, decision = revocation
    response = client.get(f"/documents/decisions/{decision.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    org = record.orgs[0]
    assert "撤销登记决定书" in html and "玄民撤字〔2026〕9号" in html
    assert record.authority.name in html and f"{org.name}：" in html
    assert org.uscc in html and org.legal_representative in html and org.domicile in html
    assert decision.basis in html and decision.reason in html
    assert "2026年6月15日" in html  # decided
    assert "7日内，即最迟于2026年6月22日" in html  # certificate and seals
    assert "公告作废" in html
    assert "60日内（2026年8月14日前）" in html  # administrative review
    assert "6个月内（2026年12月15日前）" in html  # lawsuit
    assert served.number in html  # served by public notice


def test_a_notice_serving_decisions_lists_each_decision(client, revocation, session):
    _, served, decision = revocation
    decision.certificate_outcome = CertificateOutcome.VOID
    decision.certificate_outcome_on = date(2026, 6, 23)
    session.commit()
    html = client.get(f"/documents/notices/{served.id}").get_data(as_text=True)
    assert "决定书送达公告" in html and served.number in html
    assert f"撤销登记（{decision.number}，2026年6月15日作出）" in html
    assert "申请行政复议截止：2026年8月14日" in html
    assert "提起行政诉讼截止：2026年12月15日" in html
    assert "2026年8月13日，视为送达" in html
    # The letter itself now records that the certificate was declared void.
    letter = client.get(f"/documents/decisions/{decision.id}").get_data(as_text=True)
    assert "登记证书、印章已公告作废" in letter and "2026年6月23日" in letter


def test_simplified_deregistration_letter(client, session, clock):
    record = _record(session, clock, 1, CaseState.DEREGISTERED)
    decision = _decision(
        session,
        record,
        record.cases[0],
        DecisionKind.SIMPLIFIED_DEREGISTRATION,
        "玄民注字〔2026〕4号",
    )
    session.commit()
    html = client.get(f"/documents/decisions/{decision.id}").get_data(as_text=True)
    assert "简易注销决定书" in html and "准予你单位简易注销登记" in html
    assert "以公告方式送达" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/documents/notices/999999",
        "/documents/notices/999999.pdf",
        "/documents/decisions/999999",
        "/documents/decisions/999999.pdf",
        "/documents/notices/99999999999999999999999",
        "/documents/decisions/0.pdf",
    ],
)
def test_unknown_documents_are_the_friendly_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "未找到" in response.get_data(as_text=True)


def test_a_notice_dated_after_today_is_not_public_yet(client, session, clock):
    record = _record(session, clock, 1, CaseState.NOTICE_PUBLISHED)
    later = _notice(
        session, record, NoticeKind.DORMANT, "玄民社告〔2026〕9号", published_on=date(2026, 7, 1)
    )
    session.commit()
    assert client.get(f"/documents/notices/{later.id}").status_code == 404
    clock.set(datetime(2026, 7, 1, 2, 0, tzinfo=UTC))
    assert client.get(f"/documents/notices/{later.id}").status_code == 200


# -- the PDF ---------------------------------------------------------------------------------


def test_the_notice_pdf_embeds_a_cjk_font_and_names_everyone(client, dormant_notice):
    record, notice = dormant_notice
    response = client.get(f"/documents/notices/{notice.id}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert f'filename="notice-{notice.id}.pdf"' in disposition
    assert "filename*=UTF-8''" in disposition and "%E3%80%942026%E3%80%95" in disposition
    text, fonts, pages = pdf_facts(response.data)
    assert "关于拟注销部分“僵尸型”社会组织的公告" in text
    assert compact(record.authority.name) in text
    assert "玄民社告〔2026〕3号" in text
    assert "2026年7月2日" in text
    for org in record.orgs:
        assert org.uscc in text and compact(org.name) in text
    assert any(re.search(r"Noto-?(Sans|Serif)-?CJK", name) for name in fonts), fonts
    assert pages >= 2  # thirty organisations run over a page

    again = client.get(
        f"/documents/notices/{notice.id}.pdf",
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304


def test_the_prior_notice_pdf_states_the_hearing_deadline(client, prior_notice):
    _, notice = prior_notice
    response = client.get(f"/documents/notices/{notice.id}.pdf")
    assert response.status_code == 200
    text, fonts, _pages = pdf_facts(response.data)
    assert "行政处罚事先告知书" in text and "2026年6月6日" in text
    assert any("CJK" in name for name in fonts), fonts


def test_the_decision_pdf(client, revocation):
    record, _served, decision = revocation
    response = client.get(f"/documents/decisions/{decision.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert f'filename="decision-{decision.id}.pdf"' in response.headers["Content-Disposition"]
    text, fonts, _pages = pdf_facts(response.data)
    assert "撤销登记决定书" in text
    assert compact(record.authority.name) in text
    assert "2026年6月22日" in text and "2026年8月14日" in text and "2026年12月15日" in text
    assert any("CJK" in name for name in fonts), fonts


def test_without_a_cjk_font_the_pdf_is_a_clear_503(client, revocation, monkeypatch):
    _, _served, decision = revocation
    monkeypatch.setattr(documents, "cjk_font_installed", lambda: False)
    page = client.get(f"/documents/decisions/{decision.id}.pdf")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert "Chinese font" in page.get_data(as_text=True)
    problem = client.get(
        f"/documents/decisions/{decision.id}.pdf", headers={"Accept": "application/json"}
    )
    assert problem.status_code == 503
    assert problem.mimetype == "application/problem+json"
    assert problem.get_json()["type"].endswith("/cjk-font-missing")
    # The print view does not need the server's fonts.
    assert client.get(f"/documents/decisions/{decision.id}").status_code == 200


def test_the_authority_is_the_one_of_the_notice(session, dormant_notice):
    _, notice = dormant_notice
    doc = documents.notice_document(session, notice.id, DEFAULT_RULES, PUBLISHED)
    expected = session.scalar(
        select(RegistrationAuthority.name).where(RegistrationAuthority.id == notice.authority_id)
    )
    assert doc.authority_name == expected
    assert doc.template == "notice.html" and doc.filename == "玄民社告〔2026〕3号.pdf"
    assert len(doc.organisations) == 30

"""TrustService after the establishment filing: changes, yearly reports, termination,
and the authority, audit and feed of every filing (test_trusts.py: establishment)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.charities.models import FilingKind, TrustStatus
from registry.charities.public import trust_record
from registry.charities.trusts import TrustService
from registry.errors import Forbidden, IllegalTransition, InvalidRecord, NotFound
from registry.feed.models import FeedEntry
from tests.accounts.factories import actor, officer
from tests.charities.trust_factories import (
    charity,
    charity_trustee,
    company_code,
    file_trust,
    person,
    refused,
    trust_company,
)

d = date
QINHUAI = {"authority_code": "320104", "domicile_division_code": "320104"}


@pytest.fixture
def service(session, clock) -> TrustService:
    """The trusts' service (conftest's `service` is the charities')."""
    return TrustService(session, clock)


# -- changes ---------------------------------------------------------------------------------


def test_changes_are_kept_in_order_with_old_and_new(session, clock, clerk, service):
    trust = file_trust(session, clock, clerk, signed_on=d(2026, 6, 1), filed_on=d(2026, 6, 3)).trust
    number = trust.record_no
    first = service.change(
        clerk,
        number,
        d(2026, 6, 10),
        {
            "property_amount": Decimal("1500000.50"),
            "fields": ["education", "health"],
            "purpose": trust.purpose,  # unchanged: not listed
        },
        filed_on=d(2026, 6, 11),
        summary="追加信托财产",
    )
    assert first.warnings == []
    company = company_code(31)
    before = trust_record(trust)
    second = service.change(
        clerk,
        f" {number} ",
        d(2026, 6, 12),
        {
            "name": "玄武助学慈善信托",
            "trustees": [trust_company("紫金信托有限责任公司", company)],
            "settlors": [person("张明"), person("王芳")],
            "term_ends_on": d(2030, 12, 31),
        },
        filed_on=d(2026, 6, 14),
    )
    assert second.trust is trust
    filings = trust.filings
    assert [f.kind for f in filings] == [
        FilingKind.ESTABLISHMENT,
        FilingKind.CHANGE,
        FilingKind.CHANGE,
    ]
    assert json.loads(filings[1].changes) == [
        {"field": "property_amount", "old": "1000000.00", "new": "1500000.50"},
        {"field": "fields", "old": "education,poverty_relief", "new": "education,health"},
    ]
    assert filings[1].summary == "追加信托财产"
    assert json.loads(filings[2].changes) == [
        {"field": "name", "old": before["name"], "new": "玄武助学慈善信托"},
        {
            "field": "trustees",
            "old": before["trustees"],
            "new": f"紫金信托有限责任公司 ({company})",
        },
        {"field": "settlors", "old": "张明", "new": "张明; 王芳"},
        {"field": "term_ends_on", "old": None, "new": "2030-12-31"},
    ]
    assert (filings[2].event_on, filings[2].filed_on, filings[2].days_after) == (
        d(2026, 6, 12),
        d(2026, 6, 14),
        2,
    )
    record = trust_record(trust)
    assert (record["status"], record["version"], record["property_amount"]) == (
        "changed",
        3,
        1500000.5,
    )
    assert record["fields"] == "education,health"
    assert record["trustees"] == f"紫金信托有限责任公司 ({company})"
    assert record["settlors"] == "张明; 王芳"
    assert "玄武助学慈善信托" in trust.search_text and "王芳" in trust.search_text
    assert company.lower() in trust.search_text


def test_change_lists_the_old_values_as_filed(session, clock, clerk, service):
    filed = file_trust(session, clock, clerk, name="甲慈善信托", property_amount=Decimal("500"))
    old_trustees = trust_record(filed.trust)["trustees"]
    company = company_code(41)
    changed = service.change(
        clerk,
        filed.trust.record_no,
        d(2026, 6, 15),
        {"name": "乙慈善信托", "trustees": [trust_company("丙信托有限责任公司", company)]},
    )
    assert json.loads(changed.filing.changes) == [
        {"field": "name", "old": "甲慈善信托", "new": "乙慈善信托"},
        {"field": "trustees", "old": old_trustees, "new": f"丙信托有限责任公司 ({company})"},
    ]


@pytest.mark.parametrize(("changed", "late"), [(d(2026, 6, 8), False), (d(2026, 6, 7), True)])
def test_a_change_is_filed_within_seven_days(session, clock, clerk, service, changed, late):
    trust = file_trust(session, clock, clerk, signed_on=d(2026, 5, 1), filed_on=d(2026, 5, 5)).trust
    filed = service.change(clerk, trust.record_no, changed, {"purpose": "资助乡村教师"})
    assert filed.filing.filed_late is late
    assert filed.trust.filed_late is False  # the establishment's lateness stays as it was
    assert filed.warnings == (
        [
            "filed 8 days after the change was made (2026-06-07): changes are filed within "
            "7 days, by 2026-06-14"
        ]
        if late
        else []
    )


def test_change_refusals(session, clock, clerk, service):
    elsewhere = charity(session, clock, **QINHUAI)
    trust = file_trust(session, clock, clerk, signed_on=d(2026, 6, 1)).trust
    number = trust.record_no
    with pytest.raises(InvalidRecord) as excinfo:
        service.change(clerk, number, d(2026, 6, 2), {"property_amount": Decimal("1000000.00")})
    assert refused(excinfo) == {"property_amount": "unchanged"}
    assert "changes nothing" in str(excinfo.value)
    with pytest.raises(InvalidRecord) as excinfo:
        service.change(clerk, number, d(2026, 6, 2), {})
    assert refused(excinfo) == {"changes": "none given"}
    with pytest.raises(InvalidRecord) as excinfo:
        service.change(clerk, number, d(2026, 6, 2), {"name": "新名"}, filed_on=d(2026, 6, 10))
    assert refused(excinfo) == {
        "filed_on": "2026-06-10 is before the trust's last filing (2026-06-15)"
    }
    with pytest.raises(InvalidRecord) as excinfo:
        service.change(
            clerk,
            number,
            d(2026, 5, 30),
            {
                "status": "terminated",
                "trustees": [charity_trustee(elsewhere)],
                "settlors": [],
                "property_amount": Decimal("-1"),
                "supervisor_uscc": company_code(),
            },
            filed_on=d(2026, 6, 16),
        )
    errors = refused(excinfo)
    assert errors["status"].startswith("not changeable; a change files name, property_amount")
    assert errors["changed_on"] == "2026-05-30 is before the contract was signed (2026-06-01)"
    assert errors["filed_on"] == "2026-06-16 is after today (2026-06-15)"
    assert errors["trustees"].startswith(
        "file with the civil-affairs department where the trustee is: 320104 "
    )
    assert errors["settlors"] == "at least one settlor: an organisation or a person"
    assert errors["property_amount"] == "must be more than 0"
    assert errors["supervisor_name"] == "required with supervisor_uscc"
    assert trust.version == 1 and len(trust.filings) == 1


def test_unknown_trust(service, clerk):
    with pytest.raises(NotFound) as excinfo:
        service.change(clerk, "320102202699999", d(2026, 6, 1), {"name": "某信托"})
    assert excinfo.value.http_status == 404
    assert excinfo.value.details == {"record_no": "320102202699999"}


# -- yearly reports ----------------------------------------------------------------------------


def test_yearly_reports(session, clock, clerk, service):
    trust = file_trust(session, clock, clerk, signed_on=d(2024, 3, 1), filed_on=d(2024, 3, 5)).trust
    number = trust.record_no
    report = service.report(
        clerk, number, 2024, Decimal("120000.00"), Decimal("80000"), Decimal("1040000.00")
    )
    assert (report.year, report.submitted_on, report.grants_made) == (
        2024,
        d(2026, 6, 15),
        Decimal("80000.00"),
    )
    service.report(clerk, number, 2025, "0", "0", "1040000", submitted_on=d(2026, 1, 20))
    assert [r.year for r in trust.reports] == [2024, 2025]
    with pytest.raises(IllegalTransition) as excinfo:
        service.report(clerk, number, 2024, Decimal("1"), Decimal("1"), Decimal("1"))
    assert excinfo.value.http_status == 409
    assert excinfo.value.details == {"year": 2024}
    for year, message in (
        (2026, "a year is reported once it has ended: on 2026-06-15 the latest is 2025"),
        (2023, "the trust was established in 2024, after 2023"),
    ):
        with pytest.raises(InvalidRecord) as excinfo:
            service.report(clerk, number, year, Decimal("1"), Decimal("1"), Decimal("1"))
        assert refused(excinfo) == {"year": message}
    with pytest.raises(InvalidRecord) as excinfo:
        service.report(
            clerk, number, 2025, Decimal("-1"), Decimal("0.001"), 2.5, submitted_on=d(2027, 1, 1)
        )
    assert refused(excinfo) == {
        "submitted_on": "2027-01-01 is after today (2026-06-15)",
        "income": "must not be negative",
        "grants_made": "at most two decimal places (fen)",
        "balance": "an exact number of yuan (a decimal or text), required",
    }


def test_no_report_after_the_year_of_termination(session, clock, clerk, service):
    trust = file_trust(session, clock, clerk, signed_on=d(2023, 3, 1), filed_on=d(2023, 3, 3)).trust
    service.terminate(
        clerk, trust.record_no, d(2024, 6, 30), "信托期限届满", filed_on=d(2024, 7, 2)
    )
    assert service.report(clerk, trust.record_no, 2024, 0, 0, 0).year == 2024
    with pytest.raises(InvalidRecord) as excinfo:
        service.report(clerk, trust.record_no, 2025, 0, 0, 0)
    assert refused(excinfo) == {
        "year": "the trust terminated on 2024-06-30: no report on a later year"
    }


# -- termination -----------------------------------------------------------------------------


def test_termination(session, clock, clerk, service):
    trust = file_trust(session, clock, clerk, signed_on=d(2026, 1, 5), filed_on=d(2026, 1, 8)).trust
    filed = service.terminate(
        clerk, trust.record_no, d(2026, 6, 10), "信托目的已经实现", notes="受托人来函"
    )
    assert filed.warnings == []
    assert (trust.status, trust.terminated_on, trust.termination_reason) == (
        TrustStatus.TERMINATED,
        d(2026, 6, 10),
        "信托目的已经实现",
    )
    assert (filed.filing.kind, filed.filing.summary, filed.filing.notes) == (
        FilingKind.TERMINATION,
        "信托目的已经实现",
        "受托人来函",
    )
    record = trust_record(trust)
    assert (record["status"], record["terminated_on"], record["version"]) == (
        "terminated",
        "2026-06-10",
        2,
    )
    with pytest.raises(IllegalTransition) as excinfo:
        service.terminate(clerk, trust.record_no, d(2026, 6, 11), "再次终止")
    assert excinfo.value.http_status == 409
    with pytest.raises(IllegalTransition):
        service.change(clerk, trust.record_no, d(2026, 6, 11), {"name": "新名称"})


@pytest.mark.parametrize(("ended", "late"), [(d(2026, 6, 8), False), (d(2026, 6, 7), True)])
def test_a_termination_is_filed_within_seven_days(session, clock, clerk, service, ended, late):
    trust = file_trust(session, clock, clerk, signed_on=d(2026, 5, 1), filed_on=d(2026, 5, 5)).trust
    filed = service.terminate(clerk, trust.record_no, ended, "信托财产用尽")
    assert filed.filing.filed_late is late
    assert filed.warnings == (
        [
            "filed 8 days after the trust terminated (2026-06-07): terminations are filed "
            "within 7 days, by 2026-06-14"
        ]
        if late
        else []
    )


def test_termination_refusals(session, clock, clerk, service):
    trust = file_trust(session, clock, clerk, signed_on=d(2026, 6, 1)).trust
    with pytest.raises(InvalidRecord) as excinfo:
        service.terminate(clerk, trust.record_no, d(2026, 5, 31), "  ", filed_on=d(2026, 5, 30))
    assert refused(excinfo) == {
        "terminated_on": "2026-05-31 is before the contract was signed (2026-06-01)",
        "filed_on": "2026-05-30 is before the trust terminated (2026-05-31)",
        "reason": "required",
    }
    assert trust.status is TrustStatus.ESTABLISHED


# -- authority, audit, feed ----------------------------------------------------------------------


def test_another_authoritys_officer_is_refused(session, clock, clerk, service):
    number = file_trust(session, clock, clerk).trust.record_no
    other = actor(officer(session, "head", "320104"))
    for attempt in (
        lambda: service.change(other, number, d(2026, 6, 12), {"name": "别处改名"}),
        lambda: service.report(other, number, 2025, 0, 0, 0),
        lambda: service.terminate(other, number, d(2026, 6, 12), "别处终止"),
    ):
        with pytest.raises(Forbidden) as excinfo:
            attempt()
        assert excinfo.value.http_status == 403
        assert "registered with authority 320102" in str(excinfo.value)


def test_every_filing_is_audited_and_published(session, clock, clerk, service):
    trust = file_trust(session, clock, clerk, signed_on=d(2024, 1, 5), filed_on=d(2024, 1, 8)).trust
    number = trust.record_no
    service.change(clerk, number, d(2026, 6, 1), {"property_amount": Decimal("2000000")})
    service.report(clerk, number, 2025, 0, 0, Decimal("2000000"))
    service.terminate(clerk, number, d(2026, 6, 10), "信托目的已经实现")
    entries = session.scalars(
        select(FeedEntry).where(FeedEntry.dataset == "charity-trusts").order_by(FeedEntry.id)
    ).all()
    assert [(e.key, e.version, e.operation.value) for e in entries] == [
        (number, 1, "created"),
        (number, 2, "updated"),
        (number, 3, "removed"),
    ]
    records = [json.loads(e.record) for e in entries]
    assert [r["status"] for r in records] == ["established", "changed", "terminated"]
    assert records[1]["property_amount"] == 2000000.0
    assert records[2] == trust_record(trust)
    assert all("search_text" not in r and "notes" not in r for r in records)
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type.in_(["charity_trust", "charity_trust_report"]))
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.subject_key, e.actor) for e in events] == [
        ("trust.file", number, clerk.username),
        ("trust.change", number, clerk.username),
        ("trust.report", f"{number}/2025", clerk.username),
        ("trust.terminate", number, clerk.username),
    ]
    assert json.loads(events[1].before)["property_amount"] == 1000000.0
    changed = json.loads(events[1].after)
    assert changed["filing"]["changes"] == [
        {"field": "property_amount", "old": "1000000.00", "new": "2000000.00"}
    ]
    assert json.loads(events[2].after)["balance"] == 2000000.0


def test_get_normalises_the_number(session, clock, clerk, service):
    trust = file_trust(session, clock, clerk).trust
    assert service.get(f"  {trust.record_no}\n") is trust
    with pytest.raises(NotFound):
        service.get("320102202600002")

from __future__ import annotations

from datetime import date

import pytest

from registry.community.models import FilingStatus
from registry.community.services import CommunityService, Filing
from registry.errors import DuplicateName, IllegalTransition, InvalidRecord


def filing(**overrides) -> Filing:  # type: ignore[no-untyped-def]
    values = {
        "name": "玄武门社区广场舞队",
        "authority_code": "320102",
        "division_code": "320102",
        "person_in_charge": "陈芳",
        "domicile": "玄武门街道百子亭社区",
        "activity_scope": "组织社区居民开展文体活动",
        "filed_on": date(2024, 4, 10),
        "street_office": "玄武门街道办事处",
    }
    values.update(overrides)
    return Filing(**values)


def test_filing_gets_a_number_per_county_and_year(session, clock):
    service = CommunityService(session, clock)
    first = service.file(filing())
    second = service.file(filing(name="百子亭社区志愿者服务队"))
    assert first.filing_number == "社备32010220240001"
    assert second.filing_number == "社备32010220240002"
    assert first.status is FilingStatus.ACTIVE
    assert first.street_office == "玄武门街道办事处"


def test_only_county_departments_keep_filings(session, clock):
    with pytest.raises(InvalidRecord, match="county-level"):
        CommunityService(session, clock).file(filing(authority_code="320100"))


def test_filing_checks_territory_names_and_fields(session, clock):
    service = CommunityService(session, clock)
    with pytest.raises(InvalidRecord, match="outside"):
        service.file(filing(division_code="110101"))
    with pytest.raises(InvalidRecord, match="person_in_charge"):
        service.file(filing(person_in_charge=""))
    service.file(filing())
    with pytest.raises(DuplicateName):
        service.file(filing())


def test_withdrawal(session, clock):
    service = CommunityService(session, clock)
    record = service.file(filing())
    service.withdraw(record.filing_number, on=date(2025, 1, 1), reason="长期未开展活动")
    assert record.status is FilingStatus.WITHDRAWN
    assert record.version == 2
    with pytest.raises(IllegalTransition):
        service.withdraw(record.filing_number, on=date(2025, 2, 1), reason="again")

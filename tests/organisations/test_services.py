from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from registry.errors import (
    DuplicateName,
    IllegalTransition,
    InvalidRecord,
    InvalidUscc,
    NotFound,
    UnknownDivision,
)
from registry.organisations import uscc
from registry.organisations.models import (
    ChangeRecord,
    ChangeType,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from registry.organisations.services import OrganisationService
from tests.organisations.factories import foundation, registration


@pytest.fixture
def service(session, clock) -> OrganisationService:
    return OrganisationService(session, clock)


def test_register_generates_a_valid_code_under_the_authority(service):
    org = service.register(registration())
    result = service.check_uscc(org.uscc, "social_service_agency")
    assert result.valid, result.errors
    assert org.uscc[:8] == "52320102"  # civil affairs, agency, 南京市玄武区
    assert org.status is OrganisationStatus.ACTIVE
    assert org.authority.name == "南京市玄武区民政局"
    [record] = org.changes
    assert record.change_type is ChangeType.REGISTRATION
    assert record.new_value == org.uscc
    assert record.effective_on == org.founded_on
    assert "民办非企业单位" in record.basis


def test_codes_of_many_registrations_are_unique(service):
    codes = {service.register(registration()).uscc for _ in range(50)}
    assert len(codes) == 50


def test_an_existing_code_is_checked_and_kept(service):
    org = service.register(
        registration(
            kind=OrganisationKind.SOCIAL_GROUP,
            authority_code="100000",
            name="中国自动化学会",
            uscc=" 51100000500002862f ",
            domicile_division_code="110108",
        )
    )
    assert org.uscc == "51100000500002862F"


def test_a_wrong_code_is_refused_with_the_position(service):
    with pytest.raises(InvalidUscc, match="position 18 should be F, found J"):
        service.register(
            registration(
                kind=OrganisationKind.SOCIAL_GROUP,
                authority_code="100000",
                uscc="51100000500002862J",
                domicile_division_code="110108",
            )
        )


def test_a_code_of_another_kind_is_refused(service):
    with pytest.raises(InvalidUscc, match="position 2"):
        service.register(
            registration(
                uscc="51100000500002862F", authority_code="100000", domicile_division_code="110108"
            )
        )


def test_a_code_under_an_abolished_division_is_valid_with_a_warning(service):
    code17 = "51" + "371202" + "MJD12345"  # 莱芜市莱城区, abolished in 2019
    code17 += uscc.organisation_code_check(code17[8:16])
    code = code17 + uscc.check_character_18(code17)
    result = service.check_uscc(code)
    assert result.valid
    assert any("371202" in w for w in result.warnings)
    org = service.register(
        registration(
            kind=OrganisationKind.SOCIAL_GROUP,
            uscc=code,
            name="莱芜市老年书画协会",
            authority_code="370116",
            domicile_division_code="370116",
        )
    )
    assert org.uscc == code


def test_duplicate_name_under_one_authority_is_refused(service):
    service.register(registration(name="南京市玄武区慈善协会"))
    with pytest.raises(DuplicateName, match="南京市玄武区慈善协会"):
        service.register(registration(name="南京市玄武区慈善协会"))
    # the same name under another authority is another organisation
    service.register(registration(name="南京市玄武区慈善协会", authority_code="320100"))


def test_a_removed_organisation_frees_its_name(service):
    org = service.register(registration(name="南京市玄武区书法协会"))
    service.deregister(org.uscc, on=date(2020, 1, 2), reason="自行解散")
    again = service.register(registration(name="南京市玄武区书法协会"))
    assert again.uscc != org.uscc


def test_foundations_only_at_the_ministry_or_a_province(service):
    with pytest.raises(InvalidRecord, match="only the ministry or a province"):
        service.register(foundation(authority_code="320102"))
    org = service.register(foundation())
    assert org.uscc[1] == "3"


def test_fundraising_is_for_foundations(service):
    with pytest.raises(InvalidRecord, match="public-fundraising or non-public"):
        service.register(foundation(fundraising=None))
    with pytest.raises(InvalidRecord, match="only foundations"):
        service.register(registration(fundraising="public"))


def test_unknown_division_and_authority(service):
    with pytest.raises(UnknownDivision, match="999999"):
        service.register(registration(domicile_division_code="999999"))
    with pytest.raises(NotFound, match="authority"):
        service.register(registration(authority_code="999999"))


def test_field_errors_are_all_listed(service):
    with pytest.raises(InvalidRecord) as caught:
        service.register(registration(name=" ", registered_funds="lots"))
    assert set(caught.value.details["errors"]) == {"name", "registered_funds"}


def test_find_by_uscc_normalises_and_reports_absence(service):
    org = service.register(registration())
    assert service.find_by_uscc(org.uscc.lower()).id == org.id
    with pytest.raises(NotFound):
        service.find_by_uscc("51100000500002862F")


def test_a_change_writes_one_record_per_changed_field(service, clock):
    org = service.register(registration())
    clock.advance(days=1)
    records = service.record_change(
        org.uscc,
        {
            "legal_representative": "李华",
            "registered_funds": "50000",
            "domicile": org.domicile,
        },  # unchanged: no record
        effective_on=date(2018, 1, 1),
        basis="理事会决议",
    )
    assert sorted(r.field for r in records) == ["legal_representative", "registered_funds"]
    funds = next(r for r in records if r.field == "registered_funds")
    assert (funds.old_value, funds.new_value) == ("30000.00", "50000.00")
    assert org.registered_funds == Decimal("50000.00")
    assert org.version == 2
    assert org.updated_at == clock.now()


def test_a_change_cannot_predate_founding_or_be_empty(service):
    org = service.register(registration())
    with pytest.raises(InvalidRecord, match="before the organisation was founded"):
        service.record_change(org.uscc, {"name": "新名称"}, effective_on=date(2000, 1, 1))
    with pytest.raises(InvalidRecord, match="cannot be changed"):
        service.record_change(org.uscc, {"kind": "foundation"}, effective_on=date(2020, 1, 1))


def test_as_of_rebuilds_the_organisation_on_past_days(service):
    org = service.register(
        registration(name="南京市玄武区阳光养老服务中心", founded_on=date(2012, 4, 1))
    )
    service.record_change(org.uscc, {"legal_representative": "李华"}, effective_on=date(2015, 6, 1))
    service.record_change(
        org.uscc,
        {
            "name": "南京市玄武区夕阳红养老服务中心",
            "domicile": "南京市玄武区北京东路9号",
            "domicile_division_code": "320102",
        },
        effective_on=date(2018, 9, 1),
    )
    service.record_change(org.uscc, {"legal_representative": "张伟"}, effective_on=date(2019, 3, 1))
    service.revoke(org.uscc, on=date(2022, 7, 1), reason="连续两年未参加年度检查")

    assert service.as_of(org.uscc, date(2012, 3, 31)) is None
    first = service.as_of(org.uscc, date(2012, 4, 1)).fields
    assert first["name"] == "南京市玄武区阳光养老服务中心"
    assert first["legal_representative"] == "王明"
    assert first["domicile"] == "南京市玄武区中山路1号"
    assert first["status"] is OrganisationStatus.ACTIVE
    assert service.as_of(org.uscc, date(2015, 6, 1)).fields["legal_representative"] == "李华"
    mid = service.as_of(org.uscc, date(2018, 12, 31)).fields
    assert (mid["name"], mid["legal_representative"]) == ("南京市玄武区夕阳红养老服务中心", "李华")
    assert mid["domicile"] == "南京市玄武区北京东路9号"
    before_revocation = service.as_of(org.uscc, date(2022, 6, 30)).fields
    assert before_revocation["status"] is OrganisationStatus.ACTIVE
    assert before_revocation["status_reason"] is None
    after = service.as_of(org.uscc, date(2023, 1, 1)).fields
    assert after["status"] is OrganisationStatus.REVOKED
    assert after["status_date"] == date(2022, 7, 1)
    assert after["legal_representative"] == "张伟"


def test_deregistration_is_final(service):
    org = service.register(registration())
    service.deregister(
        org.uscc,
        on=date(2021, 1, 5),
        reason="完成宗旨，自行解散",
        basis="《民办非企业单位登记管理暂行条例》第十五条",
    )
    assert org.status is OrganisationStatus.DEREGISTERED
    assert org.status_date == date(2021, 1, 5)
    fields = {r.field for r in org.changes if r.change_type is ChangeType.STATUS}
    assert fields == {"status", "status_date", "status_reason"}
    with pytest.raises(IllegalTransition) as caught:
        service.revoke(org.uscc, on=date(2021, 2, 1), reason="x")
    assert caught.value.details == {"status": "deregistered", "allowed": []}
    with pytest.raises(IllegalTransition, match="only an active"):
        service.record_change(org.uscc, {"name": "新名称"}, effective_on=date(2021, 3, 1))


def test_revocation_can_be_reinstated_on_review(service):
    org = service.register(registration())
    service.revoke(org.uscc, on=date(2021, 1, 5), reason="连续两年未参加年检")
    with pytest.raises(IllegalTransition) as caught:
        service.deregister(org.uscc, on=date(2021, 2, 1), reason="x")
    assert caught.value.details["allowed"] == ["active"]
    service.reinstate(org.uscc, on=date(2021, 3, 1), reason="行政复议决定撤销原处罚")
    assert org.status is OrganisationStatus.ACTIVE


def test_status_changes_need_a_reason_and_a_sane_date(service):
    org = service.register(registration())
    with pytest.raises(InvalidRecord, match="reason"):
        service.deregister(org.uscc, on=date(2021, 1, 5), reason="  ")
    with pytest.raises(InvalidRecord, match="founding"):
        service.deregister(org.uscc, on=date(2001, 1, 5), reason="自行解散")


def test_only_a_charity_certificate_is_cancelled(service):
    org = service.register(registration())
    with pytest.raises(IllegalTransition, match="not a charity"):
        service.cancel_certificate(org.uscc, on=date(2021, 1, 5), reason="违法募捐")


def test_list_by_authority_pages_by_id(service):
    made = [service.register(registration()).id for _ in range(5)]
    other = service.register(registration(authority_code="320100"))
    first = service.list_by_authority("320102", limit=3)
    assert [o.id for o in first] == made[:3]
    rest = service.list_by_authority("320102", after_id=first[-1].id)
    assert [o.id for o in rest] == made[3:]
    assert other.id not in [o.id for o in first + rest]


def test_each_test_starts_from_an_empty_register(session):
    # tests above created organisations; the rolled-back transaction removed them
    assert session.scalars(select(Organisation)).all() == []
    assert session.scalars(select(ChangeRecord)).all() == []

"""TrustService: the establishment filing of charity trusts (test_trust_filings.py:
changes, yearly reports, termination, audit and feed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from registry.accounts.rules import Actor
from registry.charities.models import FilingKind, PartyRole
from registry.charities.public import trust_record
from registry.charities.trusts import TrustService
from registry.errors import Forbidden, InvalidRecord
from registry.organisations.services import OrganisationService
from tests.accounts.factories import actor, officer
from tests.charities.trust_factories import (
    authority_name,
    charity,
    charity_trustee,
    company_code,
    establishment,
    file_trust,
    organisation,
    person,
    refused,
    settlor_organisation,
    trust_company,
)

d = date
QINHUAI = {"authority_code": "320104", "domicile_division_code": "320104"}


@pytest.fixture
def service(session, clock) -> TrustService:
    """The trusts' service (conftest's `service` is the charities')."""
    return TrustService(session, clock)


# -- establishment ---------------------------------------------------------------------------


def test_a_charity_and_a_trust_company_file_a_trust(session, clock, clerk):
    foundation = charity(session, clock, name="南京市玄武区仁爱慈善基金会")
    company = company_code(7)
    sponsor = company_code(8)
    filed = file_trust(
        session,
        clock,
        clerk,
        name="玄武仁爱助學慈善信託",
        trustees=[
            # the register's name wins over the one sent
            {**charity_trustee(foundation), "name": "别的名字"},
            trust_company("紫金ABC信托有限责任公司", company.lower()),
        ],
        settlors=[person("陳國強"), settlor_organisation("南京新街口实业有限公司", sponsor)],
        supervisor_name="江苏某律师事务所",
        term_ends_on=d(2036, 6, 9),
        filed_on=d(2026, 6, 15),
        summary="设立备案",
        notes="内部备注",
    )
    trust = filed.trust
    assert filed.warnings == []
    record = trust_record(trust)
    assert record == {
        **record,
        "record_no": "320102202600001",
        "name": "玄武仁爱助學慈善信託",
        "authority_code": "320102",
        "authority": authority_name(session, "320102"),
        "signed_on": "2026-06-10",
        "filed_on": "2026-06-15",
        "filed_late": False,
        "property_amount": 1000000.0,
        "fields": "education,poverty_relief",
        "trustees": f"南京市玄武区仁爱慈善基金会 ({foundation.uscc}); "
        f"紫金ABC信托有限责任公司 ({company})",
        "trustee_usccs": f"{foundation.uscc},{company}",
        "settlors": "陳國強; 南京新街口实业有限公司",
        "supervisor": "江苏某律师事务所",
        "term_ends_on": "2036-06-09",
        "status": "established",
        "version": 1,
    }
    trustees = [p for p in trust.parties if p.role is PartyRole.TRUSTEE]
    assert [p.organisation_id for p in trustees] == [foundation.id, None]
    settlors = [p for p in trust.parties if p.role is PartyRole.SETTLOR]
    assert [(p.kind.value, p.uscc) for p in settlors] == [
        ("person", None),
        ("organisation", sponsor),
    ]
    # simplified and lower-cased: the name, each party's name and code
    assert "玄武仁爱助学慈善信托" in trust.search_text
    assert "陈国强" in trust.search_text and "紫金abc信托" in trust.search_text
    assert company.lower() in trust.search_text and foundation.uscc.lower() in trust.search_text
    [filing] = trust.filings
    assert (filing.kind, filing.event_on, filing.days_after, filing.filed_late) == (
        FilingKind.ESTABLISHMENT,
        d(2026, 6, 10),
        5,
        False,
    )
    assert (filing.changes, filing.summary, filing.notes) == ("[]", "设立备案", "内部备注")


def test_filed_on_defaults_to_today(session, clock, clerk):
    trust = file_trust(session, clock, clerk).trust
    assert trust.filed_on == d(2026, 6, 15)
    assert trust.filings[0].recorded_by_id == clerk.officer_id


@pytest.mark.parametrize(("signed", "late"), [(d(2026, 6, 8), False), (d(2026, 6, 7), True)])
def test_establishment_within_seven_days(session, clock, clerk, signed, late):
    filed = file_trust(session, clock, clerk, signed_on=signed)
    assert filed.trust.filed_late is late
    assert filed.filing.filed_late is late
    assert filed.filing.days_after == (8 if late else 7)
    if late:
        assert filed.warnings == [
            "filed 8 days after the contract was signed (2026-06-07): trusts are filed within "
            "7 days, by 2026-06-14"
        ]
    else:
        assert filed.warnings == []


def test_the_late_warning_names_the_days_and_the_due_day(session, clock, clerk):
    filed = file_trust(session, clock, clerk, signed_on=d(2026, 6, 1), filed_on=d(2026, 6, 10))
    assert filed.warnings == [
        "filed 9 days after the contract was signed (2026-06-01): trusts are filed within "
        "7 days, by 2026-06-08"
    ]


def test_record_numbers_count_per_authority_and_year(session, clock, clerk):
    qinhuai = actor(officer(session, "clerk", "320104"))
    first = file_trust(session, clock, clerk).trust
    second = file_trust(session, clock, clerk).trust
    elsewhere = file_trust(session, clock, qinhuai).trust
    last_year = file_trust(
        session, clock, clerk, signed_on=d(2025, 12, 20), filed_on=d(2025, 12, 26)
    ).trust
    third = file_trust(session, clock, clerk).trust
    assert [t.record_no for t in (first, second, elsewhere, last_year, third)] == [
        "320102202600001",
        "320102202600002",
        "320104202600001",
        "320102202500001",
        "320102202600003",
    ]
    assert elsewhere.authority.code == "320104"


def test_a_trust_company_trustee_alone_files_with_the_officers_authority(session, clock):
    qinhuai = actor(officer(session, "reviewer", "320104"))
    trust = file_trust(session, clock, qinhuai, trustees=[trust_company()]).trust
    assert trust.authority.code == "320104"


def test_a_system_actor_names_the_authority(session, clock, service):
    system = Actor.system("import")
    with pytest.raises(InvalidRecord) as excinfo:
        service.file(system, establishment())
    assert refused(excinfo) == {"authority_code": "required"}
    filed = service.file(system, establishment(authority_code="320104"))
    assert filed.trust.record_no == "320104202600001"


def test_a_charity_trustee_files_where_it_is_registered(session, clock, clerk, service):
    elsewhere = charity(session, clock, **QINHUAI)
    with pytest.raises(InvalidRecord) as excinfo:
        service.file(clerk, establishment(trustees=[charity_trustee(elsewhere), trust_company()]))
    assert refused(excinfo) == {
        "trustees": "file with the civil-affairs department where the trustee is: 320104 "
        f"{authority_name(session, '320104')} (not 320102 {authority_name(session, '320102')})"
    }
    assert "file with the civil-affairs department where the trustee is" in str(excinfo.value)
    # with a charity of its own authority among the trustees, it may file
    here = charity(session, clock)
    filed = service.file(
        clerk, establishment(trustees=[charity_trustee(elsewhere), charity_trustee(here)])
    )
    assert filed.trust.authority.code == "320102"


def test_a_charity_trustee_must_be_a_recognised_active_charity(session, clock, clerk, service):
    plain = organisation(session, clock, name="南京市玄武区普通社区服务中心")
    withdrawn = charity(session, clock, status="withdrawn")
    gone = charity(session, clock)
    OrganisationService(session, clock).deregister(gone.uscc, on=d(2026, 1, 5), reason="自行解散")
    unknown = company_code(99)
    trustees = [charity_trustee(o) for o in (plain, withdrawn, gone)]
    trustees.append({"kind": "charity_organisation", "uscc": unknown})
    with pytest.raises(InvalidRecord) as excinfo:
        service.file(clerk, establishment(trustees=trustees))
    errors = refused(excinfo)
    assert errors["trustees.0.uscc"] == (
        f"trustee 1 南京市玄武区普通社区服务中心 ({plain.uscc}) is not a recognised charity "
        "(never recognised)"
    )
    assert errors["trustees.1.uscc"].endswith("is not a recognised charity (withdrawn)")
    assert errors["trustees.2.uscc"].endswith("is deregistered: a trustee is an active charity")
    assert errors["trustees.3.uscc"].startswith(
        f"trustee 4 ({unknown}) is not an organisation of this register"
    )


def test_bad_codes_name_the_party_and_the_position(session, clock, clerk, service):
    good = company_code(5)
    broken = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(InvalidRecord) as excinfo:
        service.file(
            clerk,
            establishment(
                trustees=[trust_company(), trust_company(code=broken)],
                settlors=[person(), settlor_organisation(code="91320000ABC")],
                supervisor_name="某监察人",
                supervisor_uscc="91320000MA1XXXXXXO",
            ),
        )
    errors = refused(excinfo)
    assert errors["trustees.1.uscc"] == (
        f"trustee 2's credit code {broken} is not valid: position 18 should be {good[17]}, "
        f"found {broken[17]}"
    )
    assert errors["settlors.1.uscc"] == (
        "settlor 2's credit code 91320000ABC is not valid: must be 18 characters, found 11"
    )
    assert "position 18: 'O' is not allowed" in errors["supervisor_uscc"]
    assert "trustees.0.uscc" not in errors


def test_party_refusals_all_at_once(session, clock, clerk, service):
    code = company_code()
    with pytest.raises(InvalidRecord) as excinfo:
        service.file(
            clerk,
            establishment(
                trustees=[
                    trust_company(code=code),
                    {"kind": "trust_company", "uscc": code, "name": "重复信托"},
                    {"kind": "trust_company", "uscc": company_code()},
                    {"kind": "person", "uscc": company_code(), "name": "某人"},
                ],
                settlors=[
                    {"kind": "person", "name": "李四", "uscc": company_code()},
                    {"kind": "organisation", "name": "无码公司"},
                    {"kind": "charity_organisation", "name": "某基金会"},
                ],
                supervisor_uscc=company_code(),
            ),
        )
    assert refused(excinfo) == {
        "trustees.1.uscc": f"trustee 2 is trustee 1 again ({code})",
        "trustees.2.name": "required",
        "trustees.3.kind": "one of charity_organisation, trust_company",
        "settlors.0.uscc": "settlor 1 is a person: persons are filed by name only",
        "settlors.1.uscc": "settlor 2's credit code is required",
        "settlors.2.kind": "one of organisation, person",
        "supervisor_name": "required with supervisor_uscc",
    }


def test_at_least_one_trustee_and_one_settlor(session, clock, clerk, service):
    with pytest.raises(InvalidRecord) as excinfo:
        service.file(clerk, establishment(trustees=[], settlors=[], fields=[]))
    assert refused(excinfo) == {
        "fields": "at least one charitable field",
        "trustees": "at least one trustee: a charity organisation or a trust company",
        "settlors": "at least one settlor: an organisation or a person",
    }


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("0"), "must be more than 0"),
        (Decimal("-5"), "must be more than 0"),
        (Decimal("1.005"), "at most two decimal places (fen)"),
        (Decimal(10**16), "out of range: at most 9999999999999999.99 yuan"),
        (1.5, "an exact number of yuan (a decimal or text), required"),
        ("ten", "a number of yuan, not 'ten'"),
    ],
)
def test_the_property_amount(session, clock, clerk, service, amount, message):
    with pytest.raises(InvalidRecord) as excinfo:
        service.file(clerk, establishment(property_amount=amount))
    assert refused(excinfo) == {"property_amount": message}


def test_amounts_are_kept_to_the_fen(session, clock, clerk):
    largest = file_trust(session, clock, clerk, property_amount="9999999999999999.99").trust
    trust = file_trust(session, clock, clerk, property_amount="123456789012.34").trust
    session.expire_all()
    assert trust.property_amount == Decimal("123456789012.34")
    if session.get_bind().dialect.name == "postgresql":  # SQLite keeps numbers as doubles
        assert largest.property_amount == Decimal("9999999999999999.99")


def test_dates(session, clock, clerk, service):
    with pytest.raises(InvalidRecord) as excinfo:
        service.file(clerk, establishment(signed_on=d(2026, 6, 16), term_ends_on=d(2026, 6, 16)))
    assert refused(excinfo) == {
        "signed_on": "2026-06-16 is after today (2026-06-15)",
        "filed_on": "2026-06-15 is before the contract was signed (2026-06-16)",
        "term_ends_on": "must be after the contract was signed (2026-06-16)",
    }
    with pytest.raises(InvalidRecord) as excinfo:
        service.file(clerk, establishment(filed_on=d(2026, 6, 20)))
    assert refused(excinfo) == {"filed_on": "2026-06-20 is after today (2026-06-15)"}


def test_fields_are_charitable_fields_without_repeats(session, clock, clerk, service):
    with pytest.raises(InvalidRecord) as excinfo:
        service.file(clerk, establishment(fields=["education", "banking", "education"]))
    errors = refused(excinfo)
    assert errors["fields.1"].startswith("one of poverty_relief, care")
    assert errors["fields.2"] == "education is listed twice"


def test_only_officers_file(session, clock, service):
    admin = actor(officer(session, "admin", "320102"))
    with pytest.raises(Forbidden) as excinfo:
        service.file(admin, establishment())
    assert excinfo.value.http_status == 403
    head = actor(officer(session, "head", "320102"))
    with pytest.raises(Forbidden):
        service.file(head, establishment(authority_code="320104"))
    assert service.file(head, establishment()).trust.record_no == "320102202600001"

"""The charities' rows of the authorisation matrix (tests/test_authorisation_matrix.py):
each prepares a record of the target authority and a valid body."""

from __future__ import annotations

from datetime import date

from registry.accounts.rules import Action, Actor
from registry.charities.services import CharityService
from tests.charities import trust_factories
from tests.charities.factories import charity as _charity_fact
from tests.charities.factories import organisation

SYSTEM = Actor.system("test-setup")
OWN = "320100"


def _charity(session, clock, authority: str, qualified: bool = False) -> str:
    row = _charity_fact(
        session,
        clock,
        qualified_on=date(2021, 6, 1) if qualified else None,
        authority_code=authority,
        domicile_division_code=authority if authority != OWN else "320102",
    )
    return row.organisation.uscc


def apply_charity(session, clock, authority):
    uscc = organisation(
        session,
        clock,
        authority_code=authority,
        domicile_division_code=authority if authority != OWN else "320102",
    ).uscc
    return f"/api/v1/officer/organisations/{uscc}/charity-applications", {}


def decide_charity(session, clock, authority):
    uscc = organisation(
        session,
        clock,
        authority_code=authority,
        domicile_division_code=authority if authority != OWN else "320102",
    ).uscc
    application = CharityService(session, clock).apply(SYSTEM, uscc, date(2026, 6, 1))
    body = {"decision": "recognised", "document_no": "慈认1号"}
    return f"/api/v1/officer/charity-applications/{application.id}/decision", body


def grant_qualification(session, clock, authority):
    uscc = _charity(session, clock, authority)
    return f"/api/v1/officer/organisations/{uscc}/fundraising-qualification", {
        "document_no": "募1号"
    }


def revoke_qualification(session, clock, authority):
    uscc = _charity(session, clock, authority, qualified=True)
    path = f"/api/v1/officer/organisations/{uscc}/fundraising-qualification/revocation"
    return path, {"reason": "违规开展公开募捐"}


def withdraw_charity(session, clock, authority):
    uscc = _charity(session, clock, authority)
    return f"/api/v1/officer/organisations/{uscc}/charity-withdrawal", {"reason": "自愿申请"}


def cancel_certificate(session, clock, authority):
    uscc = _charity(session, clock, authority)
    return f"/api/v1/officer/organisations/{uscc}/certificate-cancellation", {"reason": "违法"}


def file_plan(session, clock, authority):
    uscc = _charity(session, clock, authority, qualified=True)
    body = {
        "purpose": "助学",
        "starts_on": "2026-07-01",
        "ends_on": "2026-07-31",
        "area": "南京市",
        "method": "internet",
        "person_in_charge": "张敏",
        "beneficiaries": "困难家庭儿童",
        "use_of_funds": "发放助学金",
        "cost": 1000,
    }
    return f"/api/v1/officer/organisations/{uscc}/fundraising-plans", body


#: (method, rule, action, prepare)
CHARITY_ENDPOINTS = [
    (
        "POST",
        "/api/v1/officer/organisations/<string:uscc>/charity-applications",
        Action.CHARITY_APPLICATION,
        apply_charity,
    ),
    (
        "POST",
        "/api/v1/officer/charity-applications/<int:application_id>/decision",
        Action.CHARITY_DECIDE,
        decide_charity,
    ),
    (
        "POST",
        "/api/v1/officer/organisations/<string:uscc>/fundraising-qualification",
        Action.QUALIFICATION_DECIDE,
        grant_qualification,
    ),
    (
        "POST",
        "/api/v1/officer/organisations/<string:uscc>/fundraising-qualification/revocation",
        Action.QUALIFICATION_DECIDE,
        revoke_qualification,
    ),
    (
        "POST",
        "/api/v1/officer/organisations/<string:uscc>/charity-withdrawal",
        Action.CHARITY_WITHDRAW,
        withdraw_charity,
    ),
    (
        "POST",
        "/api/v1/officer/organisations/<string:uscc>/certificate-cancellation",
        Action.CHARITY_WITHDRAW,
        cancel_certificate,
    ),
    (
        "POST",
        "/api/v1/officer/organisations/<string:uscc>/fundraising-plans",
        Action.PLAN_FILE,
        file_plan,
    ),
]


# -- charity trusts -----------------------------------------------------------------------


def _place(authority: str) -> dict[str, str]:
    return {
        "authority_code": authority,
        "domicile_division_code": authority if authority != OWN else "320102",
    }


def file_trust(session, clock, authority):
    """The trustee is a charity of `authority`: elsewhere than the officer's own, the trust
    is filed in the wrong place (422), once the role allowed the officer to file at all."""
    trustee = trust_factories.charity(session, clock, **_place(authority))
    body = {
        "name": f"{trustee.name}慈善信托",
        "signed_on": "2026-06-10",
        "property_amount": "1000000.00",
        "purpose": "资助困难家庭学生完成学业",
        "fields": ["education"],
        "trustees": [{"kind": "charity_organisation", "uscc": trustee.uscc}],
        "settlors": [{"kind": "person", "name": "张明"}],
    }
    return "/api/v1/officer/charity-trusts", body


def _trust(session, clock, authority: str) -> str:
    trustee = trust_factories.charity(session, clock, **_place(authority))
    filed = trust_factories.file_trust(
        session,
        clock,
        SYSTEM,
        trustees=[trust_factories.charity_trustee(trustee)],
        authority_code=authority,
    )
    return filed.trust.record_no


def change_trust(session, clock, authority):
    number = _trust(session, clock, authority)
    body = {"changed_on": "2026-06-12", "changes": {"property_amount": "2000000.00"}}
    return f"/api/v1/officer/charity-trusts/{number}/changes", body


def report_trust(session, clock, authority):
    trustee = trust_factories.charity(session, clock, **_place(authority))
    filed = trust_factories.file_trust(
        session,
        clock,
        SYSTEM,
        signed_on=date(2025, 3, 1),
        filed_on=date(2025, 3, 5),
        trustees=[trust_factories.charity_trustee(trustee)],
        authority_code=authority,
    )
    body = {"year": 2025, "income": "10.00", "grants_made": "5.00", "balance": "1000005.00"}
    return f"/api/v1/officer/charity-trusts/{filed.trust.record_no}/reports", body


def terminate_trust(session, clock, authority):
    number = _trust(session, clock, authority)
    body = {"terminated_on": "2026-06-14", "reason": "信托目的已实现"}
    return f"/api/v1/officer/charity-trusts/{number}/termination", body


#: (method, rule, action, prepare, status when the role may but the place is not its own)
TRUST_ENDPOINTS = [
    ("POST", "/api/v1/officer/charity-trusts", Action.TRUST_FILE, file_trust, 422),
    (
        "POST",
        "/api/v1/officer/charity-trusts/<string:record_no>/changes",
        Action.TRUST_FILE,
        change_trust,
        403,
    ),
    (
        "POST",
        "/api/v1/officer/charity-trusts/<string:record_no>/reports",
        Action.TRUST_REPORT,
        report_trust,
        403,
    ),
    (
        "POST",
        "/api/v1/officer/charity-trusts/<string:record_no>/termination",
        Action.TRUST_FILE,
        terminate_trust,
        403,
    ),
]

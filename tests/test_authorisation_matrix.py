"""Every mutating officer endpoint × every role × own, subordinate and foreign records.

An officer of Nanjing (320100) acts on organisations registered with Nanjing itself, with
Xuanwu district below it (320102), and with Wuxi (320200). The rules (DOMAIN.md, issue 5):
acting needs the role and the organisation on the officer's own authority; anything else
is 403 problem+json and changes nothing. Each request carries a valid body, so that an
allowed request succeeds (2xx) and a refused one is refused for who and where, not for
what it sent. A test also checks that the table covers every mutating route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from registry.accounts.models import OfficerRole
from registry.accounts.rules import PERMISSIONS, Action, Actor
from registry.audit.models import AuditEvent
from registry.credit.services import CreditService
from registry.deregistration.services import CaseService
from registry.inspections.services import InspectionService
from registry.organisations.services import OrganisationService
from registry.ratings.models import Rating
from tests.accounts.factories import bearer, officer, officer_with_token, token_for
from tests.charities.matrix import CHARITY_ENDPOINTS, TRUST_ENDPOINTS
from tests.credit.factories import report
from tests.organisations.factories import registration

SYSTEM = Actor.system("test-setup")
OWN, BELOW, OTHER = "320100", "320102", "320200"
WHERE = {"own": OWN, "below": BELOW, "other": OTHER}
ROLES = [role.value for role in OfficerRole]


@dataclass(frozen=True)
class Endpoint:
    method: str
    rule: str
    action: Action | None
    #: (session, clock, target authority code) -> (path, json body)
    prepare: Callable[[Any, Any, str], tuple[str, dict[str, Any] | None]]
    #: the answer when the role may act but the record is not the officer's authority's:
    #: 403, except where the place is part of what is filed (a trust's trustee), a 422
    elsewhere: int = 403


def _organisation(session, clock, authority: str, **overrides: Any) -> str:
    request = registration(
        authority_code=authority,
        domicile_division_code=authority if authority != OWN else "320102",
        founded_on=date(2015, 3, 2),
        **overrides,
    )
    return OrganisationService(session, clock).register(request).uscc


def _contents() -> dict[str, Any]:
    return {
        "compliance_statement": "遵守法律法规和章程",
        "activities": [{"title": "社区助老", "date": "2025-05-01"}],
        "staff_count": 3,
        "officers": [{"name": "王明", "position": "理事长"}],
        "finances": {
            "income": "100000.00",
            "expenditure": "80000.00",
            "net_assets": "50000.00",
            "donations_received": "0",
        },
    }


def _report(session, clock, authority: str, conclusion: str | None = None) -> int:
    code = _organisation(session, clock, authority)
    service = InspectionService(session, clock)
    report = service.submit(SYSTEM, code, 2025, _contents(), date(2026, 5, 2), channel="counter")
    if conclusion:
        service.conclude(SYSTEM, report.id, conclusion, "财务制度不健全", date(2026, 6, 1))
    return report.id


def submit_report(session, clock, authority):
    code = _organisation(session, clock, authority)
    return f"/api/v1/officer/organisations/{code}/reports", {"year": 2025, "contents": _contents()}


def conclude(session, clock, authority):
    report = _report(session, clock, authority)
    return f"/api/v1/officer/reports/{report}/conclusion", {"conclusion": "pass"}


def order_correction(session, clock, authority):
    report = _report(session, clock, authority, "basic_pass")
    body = {"order": "限期健全财务制度", "deadline": "2026-08-31"}
    return f"/api/v1/officer/reports/{report}/correction-order", body


def record_correction(session, clock, authority):
    report = _report(session, clock, authority, "basic_pass")
    InspectionService(session, clock).order_correction(
        SYSTEM, report, "限期健全财务制度", date(2026, 8, 31)
    )
    return f"/api/v1/officer/reports/{report}/correction", {"corrected_on": "2026-06-10"}


def enter_ground(session, clock, authority):
    code = _organisation(session, clock, authority)
    body = {"ground": "rectification_not_met", "entered_on": "2026-06-01"}
    return f"/api/v1/officer/organisations/{code}/credit-entries", body


def remove_entry(session, clock, authority):
    code = _organisation(session, clock, authority)
    entry = CreditService(session, clock).enter(
        SYSTEM, code, "rectification_not_met", None, date(2026, 6, 1)
    )
    return f"/api/v1/officer/credit-entries/{entry.id}/removal", {"ground": "remedied"}


def record_penalty(session, clock, authority):
    code = _organisation(session, clock, authority)
    body = {"kind": "warning", "decided_on": "2026-06-01", "document_no": "宁民罚〔2026〕1号"}
    return f"/api/v1/officer/organisations/{code}/penalties", body


def record_contact(session, clock, authority):
    code = _organisation(session, clock, authority)
    body = {"method": "letter", "attempted_on": "2026-06-01", "succeeded": False}
    return f"/api/v1/officer/organisations/{code}/contacts", body


def rate(session, clock, authority):
    code = _organisation(session, clock, authority)
    service = InspectionService(session, clock)
    for year in (2024, 2025):
        report = service.submit(
            SYSTEM, code, year, _contents(), date(year + 1, 4, 2), channel="counter"
        )
        service.conclude(SYSTEM, report.id, "pass", None, date(year + 1, 5, 2))
    return f"/api/v1/officer/organisations/{code}/ratings", {"score": "912.5"}


def withdraw_rating(session, clock, authority):
    code = _organisation(session, clock, authority)
    organisation = OrganisationService(session, clock).find_by_uscc(code)
    rating = Rating(
        organisation_id=organisation.id,
        grade="4A",
        score=Decimal("850.0"),
        rated_on=date(2024, 1, 5),
        valid_until=date(2029, 1, 4),
        authority_id=organisation.authority_id,
        recorded_at=datetime(2024, 1, 5, tzinfo=UTC),
    )
    session.add(rating)
    session.flush()
    return f"/api/v1/officer/ratings/{rating.id}/withdrawal", {"reason": "评估结论被撤销"}


def _dormant_case(session, clock, authority: str, *steps: str) -> Any:
    """A case of an organisation of `authority` that filed nothing for 2024 and 2025,
    opened on 1 April 2026 by the scheduled job and taken through `steps` on that day."""
    code = _organisation(session, clock, authority)
    organisation = OrganisationService(session, clock).find_by_uscc(code)
    for year in range(2015, 2024):
        report(session, organisation, year, date(year + 1, 4, 1))
    service = CaseService(session, clock)
    service.detect(SYSTEM)
    (case,) = service.open(SYSTEM, [code], date(2026, 4, 1))
    for step in steps:
        service.move(SYSTEM, case.id, step, date(2026, 4, 1))
    return case


def detect(session, clock, authority):
    return "/api/v1/officer/dormant-candidates/detection", {}


def open_case(session, clock, authority):
    code = _organisation(session, clock, authority)
    organisation = OrganisationService(session, clock).find_by_uscc(code)
    for year in range(2015, 2024):
        report(session, organisation, year, date(year + 1, 4, 1))
    CaseService(session, clock).detect(SYSTEM)
    return "/api/v1/officer/dormant-cases", {"usccs": [code]}


def move_case(session, clock, authority):
    case = _dormant_case(session, clock, authority)
    return f"/api/v1/officer/dormant-cases/{case.id}/transitions", {"transition": "review"}


def approve_decision(session, clock, authority):
    case = _dormant_case(session, clock, authority, "review", "contact", "publish_notice")
    service = CaseService(session, clock)
    service.move(SYSTEM, case.id, "await_decision")
    service.move(
        SYSTEM,
        case.id,
        "propose_deregistration",
        simplified_ground="not_found",
        no_assets_or_debts=True,
    )
    return f"/api/v1/officer/dormant-cases/{case.id}/transitions", {"transition": "approve"}


def publish_notice(session, clock, authority):
    case = _dormant_case(session, clock, authority, "review", "contact")
    return "/api/v1/officer/notices", {"kind": "dormant", "case_ids": [case.id]}


def record_response(session, clock, authority):
    case = _dormant_case(session, clock, authority, "review", "contact")
    notice = CaseService(session, clock).publish_notice(SYSTEM, "dormant", [case.id])
    body = {"uscc": case.organisation.uscc, "response": "来函说明情况"}
    return f"/api/v1/officer/notices/{notice.id}/responses", body


def create_account(session, clock, authority):
    body = {
        "username": f"new-{authority}",
        "full_name": "新同事",
        "authority_code": authority,
        "role": "clerk",
        "password": "a-long-enough-password",
    }
    return "/api/v1/officer/accounts", body


def update_account(session, clock, authority):
    target = officer(session, "clerk", authority, username=f"target-{authority}")
    return f"/api/v1/officer/accounts/{target.username}", {"role": "reviewer"}


def revoke_token(session, clock, authority):
    holder = officer(session, "clerk", authority, username=f"holder-{authority}")
    token, _secret = token_for(session, holder)
    return f"/api/v1/officer/tokens/{token.id}", None


ENDPOINTS = [
    Endpoint(
        "POST",
        "/api/v1/officer/organisations/<string:uscc>/reports",
        Action.REPORT_SUBMIT,
        submit_report,
    ),
    Endpoint(
        "POST",
        "/api/v1/officer/reports/<int:report_id>/conclusion",
        Action.REPORT_CONCLUDE,
        conclude,
    ),
    Endpoint(
        "POST",
        "/api/v1/officer/reports/<int:report_id>/correction-order",
        Action.REPORT_ORDER_CORRECTION,
        order_correction,
    ),
    Endpoint(
        "POST",
        "/api/v1/officer/reports/<int:report_id>/correction",
        Action.REPORT_RECORD_CORRECTION,
        record_correction,
    ),
    Endpoint(
        "POST",
        "/api/v1/officer/organisations/<string:uscc>/credit-entries",
        Action.CREDIT_ENTER,
        enter_ground,
    ),
    Endpoint(
        "POST",
        "/api/v1/officer/credit-entries/<int:entry_id>/removal",
        Action.CREDIT_REMOVE,
        remove_entry,
    ),
    Endpoint(
        "POST",
        "/api/v1/officer/organisations/<string:uscc>/penalties",
        Action.PENALTY_RECORD,
        record_penalty,
    ),
    Endpoint(
        "POST",
        "/api/v1/officer/organisations/<string:uscc>/contacts",
        Action.CONTACT_RECORD,
        record_contact,
    ),
    Endpoint(
        "POST", "/api/v1/officer/organisations/<string:uscc>/ratings", Action.RATING_RECORD, rate
    ),
    Endpoint(
        "POST",
        "/api/v1/officer/ratings/<int:rating_id>/withdrawal",
        Action.RATING_WITHDRAW,
        withdraw_rating,
    ),
    # Detection runs on the officer's own authority, wherever the matrix points.
    Endpoint("POST", "/api/v1/officer/dormant-candidates/detection", Action.DORMANT_DETECT, detect),
    Endpoint("POST", "/api/v1/officer/dormant-cases", Action.CASE_OPEN, open_case),
    Endpoint(
        "POST",
        "/api/v1/officer/dormant-cases/<int:case_id>/transitions",
        Action.CASE_MOVE,
        move_case,
    ),
    Endpoint(
        "POST",
        "/api/v1/officer/dormant-cases/<int:case_id>/transitions",
        Action.DECISION_APPROVE,
        approve_decision,
    ),
    Endpoint("POST", "/api/v1/officer/notices", Action.NOTICE_PUBLISH, publish_notice),
    Endpoint(
        "POST",
        "/api/v1/officer/notices/<int:notice_id>/responses",
        Action.NOTICE_RESPONSE,
        record_response,
    ),
    Endpoint("POST", "/api/v1/officer/accounts", Action.ACCOUNT_MANAGE, create_account),
    Endpoint(
        "PATCH", "/api/v1/officer/accounts/<string:username>", Action.ACCOUNT_MANAGE, update_account
    ),
    # Another officer's token: only an admin above or at that officer's authority.
    Endpoint(
        "DELETE", "/api/v1/officer/tokens/<int:token_id>", Action.ACCOUNT_MANAGE, revoke_token
    ),
]
ENDPOINTS += [Endpoint(*row) for row in (*CHARITY_ENDPOINTS, *TRUST_ENDPOINTS)]
#: mutating routes every officer may use on their own behalf, tested in tests/accounts
SELF_SERVICE = {("POST", "/api/v1/officer/tokens")}


def expected_allowed(endpoint: Endpoint, role: str, where: str) -> bool:
    allowed_roles = PERMISSIONS[endpoint.action]
    if endpoint.action is Action.ACCOUNT_MANAGE:
        # Admins manage the accounts of their own authority and of those below it.
        return OfficerRole(role) in allowed_roles and where in ("own", "below")
    if endpoint.action is Action.DORMANT_DETECT:
        return OfficerRole(role) in allowed_roles
    return OfficerRole(role) in allowed_roles and where == "own"


def test_the_table_covers_every_mutating_officer_route(app):
    mutating = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/officer")
        for method in rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
    }
    covered = {(e.method, e.rule) for e in ENDPOINTS} | SELF_SERVICE
    assert mutating == covered, (
        f"not in the matrix: {mutating - covered}; stale: {covered - mutating}"
    )


@pytest.mark.parametrize("where", list(WHERE))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "endpoint",
    ENDPOINTS,
    ids=lambda e: f"{e.method} {e.rule.split('officer/')[1]} {e.action.value if e.action else ''}",
)
def test_authorisation_matrix(client, session, clock, endpoint, role, where):
    path, body = endpoint.prepare(session, clock, WHERE[where])
    _holder, secret = officer_with_token(session, role, OWN, username=f"acting-{role}")
    session.commit()
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    response = client.open(path, method=endpoint.method, json=body, headers=bearer(secret))
    if expected_allowed(endpoint, role, where):
        assert 200 <= response.status_code < 300, (response.status_code, response.get_json())
        assert session.scalar(select(func.count()).select_from(AuditEvent)) > events
    elif endpoint.elsewhere != 403 and OfficerRole(role) in PERMISSIONS[endpoint.action]:
        assert response.status_code == endpoint.elsewhere, response.get_json()
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
    else:
        assert response.status_code == 403, (response.status_code, response.get_json())
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["type"].endswith("/forbidden")
        # Refused: nothing written, not even an audit event.
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_no_token_is_401_on_every_officer_route(client, session):
    for endpoint in ENDPOINTS:
        path = endpoint.rule.replace("<string:uscc>", "51100000500002862F")
        ids = ("report_id", "entry_id", "rating_id", "token_id", "case_id", "notice_id")
        for name in (*ids, "application_id"):
            path = path.replace(f"<int:{name}>", "1")
        path = path.replace("<string:record_no>", "320100202600001")
        path = path.replace("<string:username>", "someone")
        response = client.open(path, method=endpoint.method, json={})
        assert response.status_code == 401, (path, response.status_code)
        assert response.mimetype == "application/problem+json"

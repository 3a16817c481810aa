"""Factories for the public trail of the dormant-organisation procedure: notices, cases,
decisions and candidates inserted as facts (the procedure that writes them is the services'),
each private field carrying MARKER so that a test can look for it in every public answer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.authorities.models import RegistrationAuthority
from registry.clock import Clock
from registry.deregistration import rules
from registry.deregistration.models import (
    CaseState,
    CaseStep,
    CertificateOutcome,
    DecisionKind,
    DeregistrationDecision,
    DormantCandidate,
    DormantCase,
    NoticeKind,
    NoticeListing,
    PublicNotice,
)
from registry.organisations.models import Organisation
from registry.organisations.services import OrganisationService
from tests.accounts.factories import officer
from tests.credit.factories import organisation

d = date
S = CaseState
#: written into every private field; no public answer may carry it
MARKER = "内部记录MARKER7"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
OPENED_ON = date(2026, 1, 10)


def _authority(session: Session, code: str) -> RegistrationAuthority:
    return session.scalars(
        select(RegistrationAuthority).where(RegistrationAuthority.code == code)
    ).one()


def notice(
    session: Session,
    kind: NoticeKind,
    authority: str,
    number: str,
    published_on: date,
    ends_on: date,
    named: list[tuple[Organisation, date | None]],
    cases: dict[int, DormantCase] | None = None,
) -> PublicNotice:
    """A notice naming `named` (organisation, day it responded), each listing on the
    organisation's case in `cases` (by organisation id)."""
    row = PublicNotice(
        kind=kind,
        authority_id=_authority(session, authority).id,
        number=number,
        title=f"关于{number}的公告",
        basis="《民政部关于开展“僵尸型”社会组织专项整治行动的通知》（民发〔2021〕63号）",
        published_on=published_on,
        ends_on=ends_on,
        created_at=NOW,
    )
    session.add(row)
    session.flush()
    for org, responded_on in named:
        case_ = (cases or {}).get(org.id) or dormant_case(session, org, S.CLOSED, closed=True)
        session.add(
            NoticeListing(
                notice_id=row.id,
                case_id=case_.id,
                organisation_id=org.id,
                responded_on=responded_on,
                response=f"已补报年报{MARKER}" if responded_on else None,
            )
        )
    session.flush()
    return row


def dormant_case(
    session: Session,
    org: Organisation,
    state: CaseState,
    *,
    criteria: str = "missed_reports",
    opened_on: date = OPENED_ON,
    closed: bool = False,
    case_officer_id: int | None = None,
) -> DormantCase:
    row = DormantCase(
        organisation_id=org.id,
        authority_id=org.authority_id,
        state=state,
        state_since=opened_on,
        criteria=criteria,
        evidence={"missing_years": [2024, 2025], "contacts": [f"挂号信{MARKER}"]},
        opened_on=opened_on,
        case_officer_id=case_officer_id,
        closed_on=opened_on + timedelta(days=60) if closed else None,
        outcome_reason=f"结案理由{MARKER}" if closed else None,
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(row)
    session.flush()
    session.add(
        CaseStep(
            case_id=row.id,
            transition="review",
            from_state="candidate",
            to_state=state.value,
            taken_on=opened_on,
            officer_id=case_officer_id,
            actor="reviewer1",
            basis="民发〔2021〕63号",
            documents=[],
            note=f"电话无人接听{MARKER}",
            recorded_at=NOW,
        )
    )
    session.flush()
    return row


def decision(
    session: Session,
    case_: DormantCase,
    kind: DecisionKind,
    number: str,
    decided_on: date,
    *,
    served_by: PublicNotice | None = None,
    outcome: CertificateOutcome | None = None,
) -> DeregistrationDecision:
    row = DeregistrationDecision(
        case_id=case_.id,
        organisation_id=case_.organisation_id,
        authority_id=case_.authority_id,
        kind=kind,
        number=number,
        decided_on=decided_on,
        basis="《社会组织登记管理条例》",
        reason="连续两年未参加年度检查",
        certificate_due_on=rules.certificate_due_on(decided_on),
        certificate_outcome=outcome,
        certificate_outcome_on=decided_on + timedelta(days=3) if outcome else None,
        review_until=rules.review_until(decided_on),
        lawsuit_until=rules.lawsuit_until(decided_on),
        served_by_notice_id=served_by.id if served_by else None,
        created_at=NOW,
    )
    session.add(row)
    session.flush()
    return row


def candidate(session: Session, org: Organisation, **criteria: Any) -> DormantCandidate:
    row = DormantCandidate(
        organisation_id=org.id,
        authority_id=org.authority_id,
        detected_on=d(2026, 6, 1),
        missing_years="2024,2025" if criteria.get("missed_reports") else None,
        **criteria,
    )
    session.add(row)
    session.flush()
    return row


def build_trail(session: Session, clock: Clock) -> dict[str, Any]:
    """Four notices, two decisions, three open cases, two candidates (one with a case).

    Today (the test clock) is 15 June 2026: n2 and n4 run, n1 and n3 have ended."""
    reviewer = officer(session, "reviewer", "320102", full_name="赵审核")
    orgs = {
        "a": organisation(session, clock, name="南京市玄武区甲青少年服务中心"),
        "b": organisation(session, clock, name="南京市玄武区乙养老服务中心"),
        "c": organisation(
            session,
            clock,
            name="南京市秦淮区丙文化服务中心",
            authority_code="320104",
            domicile_division_code="320104",
        ),
        "d": organisation(
            session,
            clock,
            name="济南市历城区丁社会工作服务中心",
            authority_code="370112",
            domicile_division_code="370112",
        ),
        "e": organisation(session, clock, name="南京市玄武区戊助残服务中心"),
        "f": organisation(session, clock, name="南京市玄武区己科普服务中心"),
        "h": organisation(session, clock, name="南京市玄武区庚体育服务中心"),
    }
    a, b, c, dd, e, f, h = (orgs[k] for k in "abcdefh")
    by = reviewer.id
    cases = {
        "a": dormant_case(session, a, S.RESTORED, closed=True, case_officer_id=by),
        "b": dormant_case(session, b, S.PRIOR_NOTICE_ISSUED, criteria="missed_reports,unreachable"),
        "c": dormant_case(session, c, S.NOTICE_PUBLISHED, opened_on=d(2026, 5, 1)),
        "d": dormant_case(session, dd, S.REVOKED, criteria="unreachable"),
        "f": dormant_case(session, f, S.UNDER_REVIEW, criteria="no_activity", case_officer_id=by),
        "h": dormant_case(session, h, S.CLOSED, closed=True),
    }
    by_org = {case_.organisation_id: case_ for case_ in cases.values()}
    n1 = notice(
        session,
        NoticeKind.DORMANT,
        "320102",
        "玄民公告〔2026〕1号",
        d(2026, 3, 1),
        d(2026, 4, 29),
        [(a, d(2026, 3, 20)), (b, None), (h, None)],
        by_org,
    )
    n2 = notice(
        session,
        NoticeKind.DORMANT,
        "320104",
        "秦民公告〔2026〕2号",
        d(2026, 5, 20),
        d(2026, 7, 18),
        [(c, None)],
        by_org,
    )
    n3 = notice(
        session,
        NoticeKind.PRIOR_NOTICE,
        "320102",
        "玄民告〔2026〕3号",
        d(2026, 6, 1),
        d(2026, 6, 6),
        [(b, None)],
        by_org,
    )
    n4 = notice(
        session,
        NoticeKind.DECISION,
        "370112",
        "历民公告〔2026〕4号",
        d(2026, 6, 10),
        d(2026, 8, 8),
        [(dd, None)],
        by_org,
    )
    cases["a"].notice_id = n1.id
    cases["b"].notice_id, cases["b"].prior_notice_id = n1.id, n3.id
    cases["c"].notice_id = n2.id
    for key in ("b", "c", "f"):
        orgs[key].deregistration_procedure = True
    service = OrganisationService(session, clock)
    service.deregister(h.uscc, on=d(2026, 2, 1), reason="简易注销：连续两年未参加年度检查")
    service.revoke(dd.uscc, on=d(2026, 6, 10), reason="撤销登记：无法取得联系且未参加年检")
    decisions = {
        "h": decision(
            session,
            cases["h"],
            DecisionKind.SIMPLIFIED_DEREGISTRATION,
            "玄民注〔2026〕1号",
            d(2026, 2, 1),
            outcome=CertificateOutcome.RETURNED,
        ),
        "d": decision(
            session,
            cases["d"],
            DecisionKind.REVOCATION,
            "历民罚〔2026〕4号",
            d(2026, 6, 10),
            served_by=n4,
        ),
    }
    candidates = {
        "e": candidate(session, e, missed_reports=True, long_abnormal=True),
        "f": candidate(session, f, no_activity=True),
    }
    session.commit()
    return {
        "orgs": orgs,
        "cases": cases,
        "notices": {"n1": n1, "n2": n2, "n3": n3, "n4": n4},
        "decisions": decisions,
        "candidates": candidates,
        "officer": reviewer,
    }


def publish_candidates(app: Any, monkeypatch: Any) -> None:
    """The app's settings with at_risk_includes_candidates on, for this test only."""
    settings = app.extensions["registry.settings"]
    monkeypatch.setitem(
        app.extensions, "registry.settings", settings.replace(at_risk_includes_candidates=True)
    )

"""Demo data for the dormant-organisation procedure, after the reports and credit lists.

Detection runs over the seeded register. In the authority with the most candidates, a
procedure that started five months ago has run its course: a notice, then simplified
deregistrations and revocations (one notice served them), the certificates returned or
declared void; a few candidates were dismissed on review. In the next authority a notice
published ten days ago is still running, so that the at-risk list and the current notices
have something to show. Everything goes through CaseService, as officers' work would.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.rules import Actor
from registry.clock import Clock
from registry.demo.summary import SeedSummary
from registry.deregistration.models import DormantCandidate
from registry.deregistration.services import CaseService
from registry.organisations.models import Organisation

DEMO = Actor.system("demo")
#: candidates taken through the whole procedure, and named in the running notice
FINISHED, RUNNING = 12, 10


def seed_dormant(
    session: Session, clock: Clock, summary: SeedSummary, settings: Any = None, commit: bool = True
) -> SeedSummary:
    service = (
        CaseService.from_settings(session, clock, settings)
        if settings
        else CaseService(session, clock)
    )
    today = clock.today()
    detection = service.detect(DEMO, today)
    summary.dormant_candidates = detection.candidates
    rows = session.execute(
        select(DormantCandidate.authority_id, Organisation.uscc, Organisation.founded_on)
        .join(Organisation, Organisation.id == DormantCandidate.organisation_id)
        .order_by(DormantCandidate.organisation_id)
    ).all()
    started = today - timedelta(days=150)
    by_authority: dict[int, list[str]] = {}
    for authority_id, uscc, founded_on in rows:
        if founded_on < started:
            by_authority.setdefault(authority_id, []).append(uscc)
    ranked = [a for a, _ in Counter({a: len(c) for a, c in by_authority.items()}).most_common(2)]
    if ranked:
        _finished(service, by_authority[ranked[0]][:FINISHED], started, summary)
    if len(ranked) > 1:
        _running(service, by_authority[ranked[1]][:RUNNING], today - timedelta(days=20), summary)
    if commit:
        session.commit()
    else:
        session.flush()
    return summary


def _opened(service: CaseService, codes: list[str], on: Any, summary: SeedSummary) -> list[int]:
    cases = service.open(DEMO, codes, on)
    summary.dormant_cases += len(cases)
    return [case.id for case in cases]


def _finished(service: CaseService, codes: list[str], on: Any, summary: SeedSummary) -> None:
    ids = _opened(service, codes, on, summary)
    day = timedelta(days=1)
    dismissed, noticed = ids[:2], ids[2:]
    for case_id in ids:
        service.move(DEMO, case_id, "review", on)
    for case_id in dismissed:
        service.move(DEMO, case_id, "dismiss", on + day, note="核实后仍在正常开展活动")
    for case_id in noticed:
        service.move(DEMO, case_id, "contact", on + day)
    if not noticed:
        return
    notice = service.publish_notice(DEMO, "dormant", noticed, on + 10 * day)
    summary.notices += 1
    after = notice.ends_on + day
    for case_id in noticed:
        service.move(DEMO, case_id, "await_decision", after)
    revoked, simplified = noticed[:3], noticed[3:]
    for case_id in simplified:
        service.move(
            DEMO,
            case_id,
            "propose_deregistration",
            after + 2 * day,
            simplified_ground="not_found",
            no_assets_or_debts=True,
        )
        service.move(DEMO, case_id, "approve", after + 5 * day)
    if revoked:
        service.publish_notice(DEMO, "prior_notice", revoked, after + 2 * day)
        summary.notices += 1
        for case_id in revoked:
            service.move(DEMO, case_id, "propose_revocation", after + 10 * day)
            service.move(DEMO, case_id, "approve", after + 12 * day, serve_by_notice=True)
        summary.notices += len(revoked)
    summary.decisions += len(noticed)
    for n, case_id in enumerate(noticed):
        service.move(
            DEMO, case_id, "close", after + 25 * day, certificate="returned" if n % 3 else "void"
        )


def _running(service: CaseService, codes: list[str], on: Any, summary: SeedSummary) -> None:
    ids = _opened(service, codes, on, summary)
    for case_id in ids:
        service.move(DEMO, case_id, "review", on)
        service.move(DEMO, case_id, "contact", on + timedelta(days=2))
    if ids:
        service.publish_notice(DEMO, "dormant", ids, on + timedelta(days=10))
        summary.notices += 1

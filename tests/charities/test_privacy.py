"""Officers' notes on applications, losses of status and trust filings, and pending or
refused applications, never reach the public; settlors who are persons are names only."""

from __future__ import annotations

from datetime import date

from registry.accounts.rules import Actor
from registry.charities.services import CharityService
from registry.charities.trusts import TrustService
from tests.charities import trust_factories

MARKER = "机密MARKER"
SYSTEM = Actor.system("test")


def test_notes_and_applications_stay_with_the_officers(client, session, clock):
    charities = CharityService(session, clock)
    trusts = TrustService(session, clock)
    trustee = trust_factories.charity(session, clock, name="南京市保密测试慈善会")
    applicant = trust_factories.organisation(session, clock, name=f"南京市申请中{MARKER}服务中心")
    charities.apply(SYSTEM, applicant.uscc, date(2026, 6, 1), notes=MARKER)
    refused = trust_factories.organisation(session, clock)
    application = charities.apply(SYSTEM, refused.uscc, date(2026, 6, 1), notes=MARKER)
    charities.decide(SYSTEM, application.id, "refused", reason=f"材料不全{MARKER}")
    filed = trusts.file(
        SYSTEM,
        trust_factories.establishment(
            trustees=[trust_factories.charity_trustee(trustee)],
            settlors=[trust_factories.person("赵六")],
            notes=MARKER,
            authority_code=trustee.authority.code,
        ),
    )
    number = filed.trust.record_no
    trusts.change(SYSTEM, number, date(2026, 6, 12), {"purpose": "助学"}, notes=MARKER)
    session.commit()

    paths = [
        "/api/v1/charities",
        "/api/v1/charities?format=csv",
        f"/api/v1/charities/{trustee.uscc}",
        "/api/v1/charity-trusts",
        "/api/v1/charity-trusts?format=jsonl",
        f"/api/v1/charity-trusts/{number}",
        "/api/v1/changes?dataset=charity-trusts",
        "/api/v1/changes?dataset=charities",
        "/api/v1/search?q=赵六",
        "/api/v1/stats",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert MARKER not in body, path
        assert refused.uscc not in body and applicant.uscc not in body, path
    detail = client.get(f"/api/v1/charity-trusts/{number}").get_json()
    assert [p for p in detail["parties"] if p["kind"] == "person"] == [
        {"role": "settlor", "kind": "person", "name": "赵六", "uscc": None}
    ]

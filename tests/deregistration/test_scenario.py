"""End to end, over simulated time, through the officers' and the public API.

500 organisations of one authority; 40 filed nothing for 2024 and 2025; 3 more are
unreachable and 2 showed no activity after registering. Detection finds them, by
criterion; 10 of the 40 are dismissed on review; one notice names the other 30; 5 come
forward, file and are restored; 20 are deregistered by the simplified procedure and 5
revoked after a prior notice, one of them after a hearing. Everything shows in the public
API, the change feed, the search results and the bulk files; every illegal step tried is
refused.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert

from registry.accounts.models import OfficerRole
from registry.credit.models import ContactAttempt, ContactMethod
from registry.exports.services import ExportService
from registry.inspections.models import AnnualReport, ReportChannel, ReportStatus
from registry.organisations.services import OrganisationService
from tests.accounts.factories import bearer, officer_with_token
from tests.inspections.factories import contents
from tests.organisations.factories import registration

START = date(2026, 6, 15)
API = "/api/v1/officer"


def _set(clock, day: date) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC))


def _reports(session, organisation_ids: list[int], years: range) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {
            "organisation_id": org_id,
            "year": year,
            "submitted_on": date(year + 1, 4, 1),
            "channel": ReportChannel.COUNTER,
            "recorded_at": datetime(year + 1, 4, 1, tzinfo=UTC),
            "compliance_statement": "遵守法律法规和章程",
            "activities": "[]",
            "staff_count": 3,
            "officers": "[]",
            "branch_count": 0,
            "income": Decimal("100000"),
            "expenditure": Decimal("90000"),
            "net_assets": Decimal("50000"),
            "donations_received": Decimal("0"),
            "status": ReportStatus.SUBMITTED,
        }
        for org_id in organisation_ids
        for year in years
    ]
    session.execute(insert(AnnualReport), rows)


class Officers:
    def __init__(self, client, session) -> None:  # type: ignore[no-untyped-def]
        self.client = client
        self.tokens = {
            name: officer_with_token(session, role, "320102")[1]
            for name, role in (
                ("reviewer", OfficerRole.REVIEWER),
                ("clerk", OfficerRole.CLERK),
                ("head", OfficerRole.HEAD),
                ("head2", OfficerRole.HEAD),
            )
        }
        session.commit()

    def post(self, who: str, path: str, body: dict, status: int = 200):  # type: ignore[no-untyped-def]
        response = self.client.post(API + path, json=body, headers=bearer(self.tokens[who]))
        assert response.status_code == status, response.get_json()
        return response.get_json()

    def get(self, who: str, path: str):  # type: ignore[no-untyped-def]
        response = self.client.get(API + path, headers=bearer(self.tokens[who]))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def move(self, case_id: int, transition: str, who: str = "reviewer", status: int = 200, **body):  # type: ignore[no-untyped-def]
        return self.post(
            who, f"/dormant-cases/{case_id}/transitions", {"transition": transition, **body}, status
        )


def _all(client, path: str) -> list[dict]:  # type: ignore[no-untyped-def]
    items, url = [], path
    while url:
        page = client.get(url).get_json()
        items += page["items"]
        url = page["next"]
    return items


def test_dormant_organisations_end_to_end(client, session, clock, tmp_path):
    _set(clock, date(2026, 1, 5))
    service = OrganisationService(session, clock)
    founded = [date(2015 + i % 6, 1 + i % 12, 1 + i % 28) for i in range(500)]
    orgs = [service.register(registration(founded_on=day)) for day in founded]
    dormant = orgs[:40]
    unreachable = orgs[40:43]
    _reports(session, [o.id for o in orgs[40:]], range(2020, 2026))
    _reports(session, [o.id for o in dormant], range(2020, 2024))
    # Registered in 2025 and never heard of since: no activity in the first year.
    inactive = [service.register(registration(founded_on=date(2025, 3, 1))) for _ in range(2)]
    for org in unreachable:
        for day in (date(2026, 3, 2), date(2026, 4, 1)):
            session.add(
                ContactAttempt(
                    organisation_id=org.id,
                    method=ContactMethod.LETTER,
                    attempted_on=day,
                    succeeded=False,
                    reference="XA123",
                    recorded_at=datetime(2026, 4, 1, tzinfo=UTC),
                )
            )
    session.commit()
    _set(clock, START)
    officers = Officers(client, session)

    # -- detection --------------------------------------------------------------------------
    summary = officers.post("reviewer", "/dormant-candidates/detection", {})
    assert summary["by_criterion"]["missed_reports"] == 40
    assert summary["by_criterion"]["unreachable"] == 3
    assert summary["by_criterion"]["no_activity"] == 2
    by = {}
    for criterion in ("missed_reports", "unreachable", "no_activity", "long_abnormal"):
        found = _paged(officers, f"/dormant-candidates?criterion={criterion}&limit=17")
        by[criterion] = {c["uscc"] for c in found}
    assert by["missed_reports"] == {o.uscc for o in dormant}
    assert by["unreachable"] == {o.uscc for o in unreachable}
    assert by["no_activity"] == {o.uscc for o in inactive}
    assert by["long_abnormal"] == set()
    one = _paged(officers, "/dormant-candidates?criterion=missed_reports")[0]
    assert one["evidence"]["missed_reports"]["years"] == [2024, 2025]

    # -- cases ---------------------------------------------------------------------------------
    opened = officers.post("reviewer", "/dormant-cases", {"usccs": [o.uscc for o in dormant]}, 201)[
        "items"
    ]
    cases = {c["uscc"]: c["id"] for c in opened}
    ids = [cases[o.uscc] for o in dormant]
    refused = officers.post("reviewer", "/dormant-cases", {"usccs": [dormant[0].uscc]}, 409)
    assert "is open" in refused["detail"]
    for case_id in ids:
        officers.move(case_id, "review")
    for case_id in ids[30:]:
        officers.move(case_id, "dismiss", note="核实后仍在正常开展活动")
    for case_id in ids[:30]:
        officers.move(case_id, "contact")
    # Illegal: a dismissed case moves no more; a case under no notice cannot await a decision.
    problem = officers.move(ids[35], "contact", status=409)
    assert problem["current_status"] == "dismissed" and problem["allowed"] == []
    problem = officers.move(ids[0], "await_decision", status=409)
    assert problem["current_status"] == "contacting"
    assert set(problem["allowed"]) == {"dismiss", "publish_notice", "restore"}

    notice = officers.post("reviewer", "/notices", {"kind": "dormant", "case_ids": ids[:30]}, 201)
    assert notice["ends_on"] == (START + timedelta(days=59)).isoformat()
    assert len(notice["organisations"]) == 30
    at_risk = _all(client, "/api/v1/at-risk?limit=11")
    assert {row["uscc"] for row in at_risk} == {o.uscc for o in dormant[:30]}
    public = client.get(f"/api/v1/organisations/{dormant[0].uscc}").get_json()
    assert public["deregistration_procedure"] is True
    problem = officers.move(ids[0], "await_decision", status=422)
    assert "runs until" in problem["detail"]

    # -- 5 come forward within the notice's period, file and are restored ---------------------
    _set(clock, START + timedelta(days=20))
    for org in dormant[:5]:
        officers.post(
            "clerk",
            f"/notices/{notice['id']}/responses",
            {"uscc": org.uscc, "response": "来函说明并补报年度工作报告"},
            201,
        )
        problem = officers.move(cases[org.uscc], "restore", note="已补报", status=422)
        assert "2024, 2025" in problem["detail"]
        for year in (2024, 2025):
            officers.post(
                "clerk",
                f"/organisations/{org.uscc}/reports",
                {"year": year, "contents": contents()},
                201,
            )
        restored = officers.move(cases[org.uscc], "restore", note="已补报年度工作报告")
        assert restored["state"] == "restored" and restored["allowed_next"] == []

    # -- the notice ends; 20 simplified deregistrations ---------------------------------------
    day = START + timedelta(days=60)
    _set(clock, day)
    for case_id in ids[5:30]:
        officers.move(case_id, "await_decision")
    simplified, revoked = ids[5:25], ids[25:30]
    problem = officers.move(simplified[0], "propose_deregistration", status=422)
    assert "consent" in problem["detail"]
    for case_id in simplified:
        officers.move(
            case_id,
            "propose_deregistration",
            who="head" if case_id == simplified[0] else "reviewer",
            simplified_ground="not_found",
            no_assets_or_debts=True,
        )
    officers.move(simplified[1], "approve", who="reviewer", status=403)
    problem = officers.move(simplified[0], "approve", who="head", status=403)
    assert "proposed" in problem["detail"]
    officers.move(simplified[0], "approve", who="head2")
    for case_id in simplified[1:]:
        decided = officers.move(case_id, "approve", who="head")
        assert decided["state"] == "deregistered"
        assert decided["decision"]["review_until"] == (day + timedelta(days=60)).isoformat()
    officers.move(simplified[0], "approve", who="head2", status=409)

    # -- 5 revocations after one prior notice; one asks for a hearing --------------------------
    prior = officers.post(
        "reviewer", "/notices", {"kind": "prior_notice", "case_ids": revoked}, 201
    )
    assert prior["ends_on"] == (day + timedelta(days=5)).isoformat()
    officers.move(revoked[0], "propose_revocation", status=422)  # the hearing window is open
    _set(clock, day + timedelta(days=3))
    officers.move(revoked[0], "request_hearing")
    _set(clock, day + timedelta(days=6))
    officers.move(revoked[1], "request_hearing", status=422)  # too late
    officers.move(revoked[0], "propose_revocation", status=422)  # hearing not yet held
    officers.move(
        revoked[0], "propose_revocation", hearing_held_on=(day + timedelta(days=6)).isoformat()
    )
    for case_id in revoked[1:]:
        officers.move(case_id, "propose_revocation")
    for case_id in revoked:
        decided = officers.move(case_id, "approve", who="head", serve_by_notice=True)
        assert decided["state"] == "revoked"

    # -- certificates: returned, or void after 7 days -----------------------------------------
    decided_on = day + timedelta(days=6)
    officers.move(revoked[0], "close", certificate="void", status=422)
    _set(clock, decided_on + timedelta(days=8))
    for case_id in simplified + revoked:
        officers.move(case_id, "close", certificate="returned" if case_id % 2 else "void")
    officers.move(simplified[0], "restore", note="太迟", status=409)
    # A deregistered organisation gets no new case.
    refused = officers.post("reviewer", "/dormant-cases", {"usccs": [dormant[5].uscc]}, 409)
    assert "deregistered" in refused["detail"]
    session.commit()

    # -- the public trail ---------------------------------------------------------------------
    notices = _all(client, "/api/v1/notices?limit=3")
    kinds = sorted(n["kind"] for n in notices)
    assert kinds == ["decision"] * 5 + ["dormant", "prior_notice"]
    dormant_notice = next(n for n in notices if n["kind"] == "dormant")
    responded = {o["uscc"] for o in dormant_notice["organisations"] if o["responded_on"]}
    assert responded == {o.uscc for o in dormant[:5]}
    decisions = _all(client, "/api/v1/decisions?limit=7")
    assert (
        sorted(d["kind"] for d in decisions)
        == ["revocation"] * 5 + ["simplified_deregistration"] * 20
    )
    assert _all(client, "/api/v1/at-risk") == []

    removed = {o.uscc: o for o in dormant[5:30]}
    for uscc, org in removed.items():
        record = client.get(f"/api/v1/organisations/{uscc}").get_json()
        expected = "revoked" if cases[uscc] in revoked else "deregistered"
        assert record["status"] == expected
        assert record["status_reason"].startswith(
            "撤销登记" if expected == "revoked" else "简易注销"
        )
        assert record["deregistration_procedure"] is False
        assert record["dishonest_list"] is (expected == "revoked")
        hits = client.get("/api/v1/search", query_string={"q": org.name}).get_json()["items"]
        found = [
            (h["uscc"], h["status"], h["status_date"], h["status_reason"])
            for h in hits
            if h["uscc"] == uscc
        ]
        assert found == [(uscc, expected, record["status_date"], record["status_reason"])]
    for org in dormant[:5]:
        record = client.get(f"/api/v1/organisations/{org.uscc}").get_json()
        assert record["status"] == "active" and record["deregistration_procedure"] is False

    feed, since = [], "0"
    while True:
        page = client.get(f"/api/v1/changes?since={since}&limit=1000").get_json()
        feed += page["items"]
        if not page["items"]:
            break
        since = page["next_cursor"]
    tombstones = {e["key"]: e for e in feed if e["operation"] == "removed"}
    assert set(tombstones) == set(removed)
    for uscc, entry in tombstones.items():
        assert (
            entry["record"]["status_reason"]
            == client.get(f"/api/v1/organisations/{uscc}").get_json()["status_reason"]
        )

    ExportService(session, clock, tmp_path).run(["organisations", "decisions", "notices"])
    exported = [
        json.loads(line)
        for line in (tmp_path / "organisations.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    statuses = {r["uscc"]: r["status"] for r in exported}
    assert sum(1 for u in removed if statuses[u] == "deregistered") == 20
    assert sum(1 for u in removed if statuses[u] == "revoked") == 5
    lines = (tmp_path / "decisions.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 25


def _paged(officers: Officers, path: str) -> list[dict]:
    items, url = [], API + path if not path.startswith(API) else path
    while url:
        page = officers.client.get(url, headers=bearer(officers.tokens["reviewer"])).get_json()
        items += page["items"]
        url = page["next"]
    return items

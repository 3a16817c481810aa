"""A researcher's mirror: one full export plus the change feed equals the register."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from registry.community.services import CommunityService, Filing
from registry.demo.seed import seed_register
from registry.exports.services import ExportService
from registry.organisations.models import OrganisationKind
from registry.organisations.services import OrganisationService
from tests.organisations.factories import registration

DATASETS = {"organisations": "uscc", "community-organisations": "filing_number"}


class Mirror:
    """What a mirror keeps: each record by key, with its version."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, dict]] = {name: {} for name in DATASETS}
        self.cursor = "0"

    def load_export(self, directory: Path) -> None:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        for name, key in DATASETS.items():
            lines = (directory / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
            for record in map(json.loads, lines):
                self.records[name][record[key]] = record
        self.cursor = str(manifest["feed_cursor"])

    def follow(self, client) -> int:  # type: ignore[no-untyped-def]
        applied = 0
        while True:
            page = client.get(f"/api/v1/changes?since={self.cursor}&limit=7").get_json()
            for entry in page["items"]:
                held = self.records[entry["dataset"]].get(entry["key"])
                if held is None or held["version"] < entry["version"]:
                    self.records[entry["dataset"]][entry["key"]] = entry["record"]
                    applied += 1
            if page["next_cursor"] == self.cursor:
                return applied
            self.cursor = page["next_cursor"]


def register_now(client) -> dict[str, dict[str, dict]]:  # type: ignore[no-untyped-def]
    out: dict[str, dict[str, dict]] = {}
    for name, key in DATASETS.items():
        lines = client.get(f"/api/v1/{name}?format=jsonl").get_data(as_text=True).splitlines()
        out[name] = {r[key]: r for r in map(json.loads, lines)}
    return out


def test_export_plus_feed_mirrors_the_register_exactly(client, session, clock, tmp_path):
    seed_register(session, clock, organisations=120, community=30, seed=11, commit=False)
    session.commit()
    ExportService(session, clock, tmp_path).run(formats=("jsonl",))

    mirror = Mirror()
    mirror.load_export(tmp_path)
    assert mirror.follow(client) == 0  # the export already holds everything
    assert mirror.records == register_now(client)

    # A day of changes: registrations, edits, deregistrations, revocations, a filing.
    clock.advance(days=1)
    service = OrganisationService(session, clock)
    live = [u for u, r in mirror.records["organisations"].items() if r["status"] == "active"]
    new = service.register(registration(kind=OrganisationKind.SOCIAL_GROUP))
    service.record_change(
        new.uscc, {"legal_representative": "赵敏"}, effective_on=date(2026, 6, 16)
    )
    service.record_change(
        live[0],
        {"domicile": "新住所1号", "business_scope": "新的业务范围"},
        effective_on=date(2026, 6, 16),
    )
    service.deregister(live[1], on=date(2026, 6, 16), reason="自行解散")
    service.revoke(live[2], on=date(2026, 6, 16), reason="连续两年未参加年度检查")
    filing = CommunityService(session, clock).file(
        Filing(
            name="镜像测试社区合唱队",
            authority_code="320102",
            division_code="320102",
            person_in_charge="陈芳",
            domicile="百子亭社区",
            activity_scope="合唱",
            filed_on=date(2026, 6, 16),
        )
    )
    CommunityService(session, clock).withdraw(
        filing.filing_number, on=date(2026, 6, 16), reason="并入其他队伍"
    )
    session.commit()

    applied = mirror.follow(client)
    # registration + its edit, an edit, a deregistration, a revocation, a filing + withdrawal
    assert applied == 7
    now = register_now(client)
    assert mirror.records == now
    assert now["organisations"][live[1]]["status"] == "deregistered"
    assert now["organisations"][live[2]]["status_reason"] == "连续两年未参加年度检查"
    assert mirror.follow(client) == 0

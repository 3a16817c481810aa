"""Two simulated years of a register of 1,000 organisations, the jobs run every day.

Organisations fall into groups that behave differently (on time, late, never, missing for
years, recovering, penalised, exempt, removed). The expected lists, escalations, removals
and participation rates are worked out here from the groups' definitions and DOMAIN.md,
independently of the rules module, and compared with what the daily jobs produced.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from registry.accounts.rules import Actor
from registry.authorities.models import RegistrationAuthority
from registry.credit.models import CreditListEntry
from registry.credit.services import CreditService
from registry.inspections.models import AnnualReport
from registry.inspections.rules import DueDates
from registry.inspections.services import InspectionService
from registry.organisations import uscc
from registry.organisations.models import Organisation
from registry.organisations.publication import drain

START = date(2024, 1, 1)
END = date(2025, 12, 31)
AUTHORITIES = ("320102", "320104", "320700")
GROUPS = (
    "on_time",
    "late",
    "never",
    "chronic",
    "recovers",
    "penalised",
    "exempt",
    "removed",
)
# 1,000 organisations: 125 of each group, spread over three authorities.
PER_GROUP = 125
SYSTEM = Actor.system("simulation")


@dataclass(frozen=True)
class Org:
    id: int
    group: str
    kind: str
    authority: str
    founded_on: date

    @property
    def early(self) -> bool:
        return self.kind == "foundation"


def due(year: int, org: Org) -> date:
    # DOMAIN.md: 31 March for foundations (and charities; none here), else 31 May.
    return date(year + 1, 3, 31) if org.early else date(year + 1, 5, 31)


def plan_register() -> list[Org]:
    orgs = []
    for n in range(PER_GROUP * len(GROUPS)):
        group = GROUPS[n % len(GROUPS)]
        authority = AUTHORITIES[n % 3]
        # Foundations are registered by a province; here one in 25 is a foundation,
        # filed with the province's authority.
        kind = ("foundation", "social_group", "social_service_agency")[
            0 if n % 25 == 0 else 1 + n % 2
        ]
        if kind == "foundation":
            authority = "320000"
        founded = date(2012, 1, 1) + timedelta(days=(n * 37) % 3000)
        if group == "exempt":
            # Agencies registered in the second half of 2024 owe no 2024 report.
            kind, authority = "social_service_agency", AUTHORITIES[n % 3]
            founded = date(2024, 7, 1) + timedelta(days=n % 150)
        orgs.append(Org(n + 1, group, kind, authority, founded))
    return orgs


def reports_filed(org: Org) -> dict[int, date]:
    """The day each year's report is filed; years before 2022 are all filed on time."""
    filed = {year: due(year, org) - timedelta(days=30) for year in range(org.founded_on.year, 2022)}
    on_time = {
        year: due(year, org) - timedelta(days=10 + org.id % 40) for year in (2022, 2023, 2024)
    }
    if org.group in ("on_time", "penalised", "removed"):
        filed.update(on_time)
    elif org.group == "late":
        filed.update(on_time)
        filed[2023] = due(2023, org) + timedelta(days=5 + org.id % 90)
        filed[2024] = due(2024, org) + timedelta(days=1 + org.id % 60)
    elif org.group == "never":
        filed[2022] = on_time[2022]
    elif org.group == "chronic":
        pass  # nothing from 2022 on
    elif org.group == "recovers":
        filed[2022] = on_time[2022]
        filed[2023] = date(2024, 9, 15)
        filed[2024] = on_time[2024]
    elif org.group == "exempt":
        filed = {}
    if org.group == "removed":
        del filed[2024]  # deregistered before the 2024 report fell due
    return {year: day for year, day in filed.items() if year >= org.founded_on.year}


REMOVED_ON = date(2025, 3, 1)
PENALTY_ON = date(2024, 3, 10)


@pytest.fixture
def register(session):
    authorities = dict(
        session.execute(
            select(RegistrationAuthority.code, RegistrationAuthority.id).where(
                RegistrationAuthority.code.in_((*AUTHORITIES, "320000"))
            )
        ).all()
    )
    now = datetime(2024, 1, 1, tzinfo=UTC)
    orgs = plan_register()
    rows = []
    for org in orgs:
        rows.append(
            {
                "id": 900_000 + org.id,
                "uscc": uscc.generate(org.authority, org.kind, 700_000 + org.id),
                "name": f"模拟第{org.id}号社会组织",
                "kind": org.kind,
                "fundraising": "non_public" if org.kind == "foundation" else None,
                "authority_id": authorities[org.authority],
                "legal_representative": "李华",
                "registered_funds": Decimal("30000.00"),
                "founded_on": org.founded_on,
                "domicile": "南京市玄武区中山路1号",
                "domicile_division_code": "320102",
                "business_scope": "公益服务",
                "certificate_issued_on": org.founded_on,
                # The removed group is deregistered during the run (REMOVED_ON).
                "status": "active",
                "status_date": None,
                "status_reason": None,
                "is_charity": False,
                "abnormal_list": False,
                "dishonest_list": False,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
    session.execute(insert(Organisation), rows)
    history = [
        report_row(900_000 + org.id, year, day)
        for org in orgs
        for year, day in reports_filed(org).items()
        if day < START
    ]
    session.execute(insert(AnnualReport), history)
    session.flush()
    return orgs


def report_row(organisation_id: int, year: int, day: date) -> dict:
    return {
        "organisation_id": organisation_id,
        "year": year,
        "submitted_on": day,
        "channel": "counter",
        "recorded_at": datetime(day.year, day.month, day.day, tzinfo=UTC),
        "compliance_statement": "遵守法律法规和章程",
        "activities": "[]",
        "staff_count": 3,
        "officers": "[]",
        "branch_count": 0,
        "income": Decimal("100000.00"),
        "expenditure": Decimal("90000.00"),
        "net_assets": Decimal("50000.00"),
        "donations_received": Decimal("0.00"),
        "status": "submitted",
    }


def code_of(org: Org) -> str:
    return uscc.generate(org.authority, org.kind, 700_000 + org.id)


def contents(org: Org) -> dict:
    finances = {
        "income": "120000.00",
        "expenditure": "98000.50",
        "net_assets": "45000.00",
        "donations_received": "0",
    }
    if org.kind == "foundation":
        finances.update(grants_made="60000.00", audit_opinion="标准无保留意见")
    return {
        "compliance_statement": "本年度遵守宪法、法律法规和章程",
        "activities": [{"title": "社区服务", "date": "2024-05-01", "description": "志愿服务"}],
        "staff_count": 4,
        "officers": [{"name": "李华", "position": "理事长"}],
        "finances": finances,
    }


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)  # 10:00 in Beijing


@dataclass(frozen=True)
class Stay:
    list_name: str
    ground: str
    report_year: int | None
    entered_on: date
    removed_on: date | None = None
    removal_ground: str | None = None


def expected_stays(org: Org) -> set[Stay]:
    """What DOMAIN.md says each group's lists hold at the end of 2025."""
    ab, rnf = "abnormal", "report_not_filed"
    filed = reports_filed(org)
    entered = {year: due(year, org) + timedelta(days=1) for year in (2022, 2023, 2024)}
    if org.group == "late":
        return {Stay(ab, rnf, y, entered[y], filed[y], "remedied") for y in (2023, 2024)}
    if org.group == "never":
        return {Stay(ab, rnf, y, entered[y]) for y in (2023, 2024)}
    if org.group == "chronic":
        # On the abnormal list since the 2022 report fell due: two years later, onto the
        # serious-dishonesty list; the abnormal entries stay until remedied.
        escalated = entered[2022].replace(year=entered[2022].year + 2)
        return {Stay(ab, rnf, y, entered[y]) for y in (2022, 2023, 2024)} | {
            Stay("dishonest", "abnormal_two_years", None, escalated)
        }
    if org.group == "recovers":
        return {Stay(ab, rnf, 2023, entered[2023], date(2024, 9, 15), "remedied")}
    if org.group == "penalised":
        # A warning owes no remedy: off the list six months after it went on.
        return {Stay(ab, "minor_penalty", None, PENALTY_ON, date(2024, 9, 10), "expired")}
    return set()


def test_two_years_of_daily_jobs(session, clock, register):
    from registry.organisations.services import OrganisationService

    orgs = register
    dues = DueDates()
    inspections = InspectionService(session, clock, dues)
    credit = CreditService(session, clock, dues)
    registry = OrganisationService(session, clock)
    filings: dict[date, list[tuple[Org, int]]] = {}
    for org in orgs:
        for year, day in reports_filed(org).items():
            if START <= day <= END:
                filings.setdefault(day, []).append((org, year))

    day = START
    runs = 0
    while day <= END:
        clock.set(at(day))
        for org, year in filings.get(day, []):
            inspections.submit(SYSTEM, code_of(org), year, contents(org), day, channel="counter")
        if day == PENALTY_ON:
            for org in orgs:
                if org.group == "penalised":
                    credit.record_penalty(
                        SYSTEM, code_of(org), "warning", None, day, f"宁民罚〔2024〕{org.id}号"
                    )
        if day == REMOVED_ON:
            for org in orgs:
                if org.group == "removed":
                    registry.deregister(code_of(org), on=day, reason="决议解散")
        credit.run(day)
        runs += 1
        while drain(session, clock, batch=1000):
            pass
        session.commit()
        day += timedelta(days=1)
    assert runs == 731

    # -- the lists are exactly what the rules say ----------------------------------------
    ids = {900_000 + org.id: org for org in orgs}
    found: dict[int, set[Stay]] = {org.id: set() for org in orgs}
    for entry in session.scalars(
        select(CreditListEntry).where(CreditListEntry.organisation_id.in_(ids))
    ):
        found[ids[entry.organisation_id].id].add(
            Stay(
                entry.list_name.value,
                entry.ground.value,
                entry.report_year,
                entry.entered_on,
                entry.removed_on,
                entry.removal_ground.value if entry.removal_ground else None,
            )
        )
    wrong = {
        (org.id, org.group): (found[org.id], expected_stays(org))
        for org in orgs
        if found[org.id] != expected_stays(org)
    }
    assert not wrong, f"{len(wrong)} organisations differ, e.g. {next(iter(wrong.items()))}"
    # Every group really happened (the assertions above are not vacuous).
    kinds = Counter(stay.ground for stays in found.values() for stay in stays)
    assert kinds["report_not_filed"] == 125 * 2 * 2 + 125 * 3 + 125
    assert kinds["abnormal_two_years"] == 125
    assert kinds["minor_penalty"] == 125

    # -- the flags follow the lists, in the register and in the search index --------------
    flags = {
        row.id: (row.abnormal_list, row.dishonest_list)
        for row in session.execute(
            select(Organisation.id, Organisation.abnormal_list, Organisation.dishonest_list).where(
                Organisation.id.in_(ids)
            )
        )
    }
    for organisation_id, org in ids.items():
        expected = (org.group in ("never", "chronic"), org.group == "chronic")
        assert flags[organisation_id] == expected, (org, flags[organisation_id])
    from search.models import SearchDocument

    query = select(SearchDocument.uscc, SearchDocument.abnormal_list).where(
        SearchDocument.uscc.in_([code_of(org) for org in orgs])
    )
    indexed = {uscc: flag for uscc, flag in session.execute(query).all()}
    on_list = {code_of(org) for org in orgs if org.group in ("never", "chronic")}
    assert {code for code, flag in indexed.items() if flag} == on_list

    # -- participation rates per authority and year ---------------------------------------
    for year, not_obliged, filed_groups in (
        (2023, {"exempt"}, {"on_time", "late", "recovers", "penalised", "removed"}),
        (2024, {"exempt", "removed"}, {"on_time", "late", "recovers", "penalised"}),
    ):
        figures = inspections.participation(year, "320000")
        by_code = {row["authority_code"]: row for row in figures["authorities"]}
        for authority in (*AUTHORITIES, "320000"):
            mine = [o for o in orgs if o.authority == authority and o.group not in not_obliged]
            filed = [o for o in mine if o.group in filed_groups]
            on_time = [o for o in filed if reports_filed(o)[year] <= due(year, o)]
            row = by_code[authority]
            assert (row["obliged"], row["filed"], row["on_time"]) == (
                len(mine),
                len(filed),
                len(on_time),
            ), (year, authority)
            assert row["rate"] == round(100 * len(filed) / len(mine), 2)
        nanjing = next(p for p in figures["prefectures"] if p["division_code"] == "320100")
        mine = [o for o in orgs if o.authority in ("320102", "320104")]
        assert nanjing["obliged"] == sum(o.group not in not_obliged for o in mine)

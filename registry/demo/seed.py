"""A realistic, deterministic demo register, loaded in bulk.

RegisterGenerator is pure: places and a seed in, row dicts out, the same rows for the same
seed and day. seed_register loads them with explicit ids and Core executemany, batch by
batch: going through OrganisationService for 100,000 organisations would take minutes.
Its rows are what the services would have written, change records included, so that
as_of() rebuilds every seeded organisation's past.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from registry.authorities.models import RegistrationAuthority
from registry.authorities.services import load_authorities
from registry.clock import Clock
from registry.community.models import CommunityOrganisation, FilingStatus
from registry.community.services import filing_number
from registry.demo import names as vocab
from registry.demo.feed import feed_rows
from registry.demo.names import Place, build_places
from registry.demo.summary import SeedSummary
from registry.divisions.models import AdministrativeDivision, DivisionLevel
from registry.divisions.services import DivisionRow, load_divisions
from registry.feed.services import FeedService
from registry.organisations import uscc
from registry.organisations.models import (
    ChangeRecord,
    ChangeType,
    Fundraising,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from registry.organisations.rules import encode
from registry.organisations.services import _REGULATION as REGULATION

K = OrganisationKind
L = DivisionLevel
S = OrganisationStatus

KIND_WEIGHTS = {K.SOCIAL_GROUP: 45, K.SOCIAL_SERVICE_AGENCY: 53, K.FOUNDATION: 2}
LEVEL_WEIGHTS = {L.NATIONAL: 2, L.PROVINCE: 15, L.PREFECTURE: 35, L.COUNTY: 48}
#: only the ministry and the provinces register foundations (基金会管理条例)
FOUNDATION_LEVEL_WEIGHTS = {L.NATIONAL: 2, L.PROVINCE: 15}
CHANGE_WEIGHTS = {
    "legal_representative": 35,
    "domicile": 25,
    "registered_funds": 15,
    "business_scope": 10,
    "name": 10,
    "supervisory_unit": 5,
}
YEARS = 30
CERTIFICATE_YEARS = 5
CHARITY_LAW = date(2016, 9, 1)  # 慈善法 in force: recognition starts
CHARITY_LAW_TEXT = "《中华人民共和国慈善法》"
#: codes issued before this carry the old organisation code (5…), later ones MJ…
NEW_CODES_FROM = date(2016, 1, 1)


def _ladder(*wan: int) -> tuple[Decimal, ...]:
    return tuple(Decimal(w * 10_000).quantize(Decimal("0.01")) for w in wan)


#: registered funds in 万元 steps, within the legal minimums
FUNDS = {
    "group_national": _ladder(10, 20, 30, 50, 100, 200, 300),
    "group_local": _ladder(3, 5, 10, 20, 30, 50, 100),
    "agency": _ladder(3, 5, 10, 20, 30, 50, 80, 100, 150, 200),
    "public_national": _ladder(800, 1000, 2000, 5000, 10000),
    "public_local": _ladder(400, 500, 800, 1000, 2000),
    "non_public": _ladder(200, 300, 500, 1000, 2000, 5000),
}


@dataclass(slots=True)
class OrganisationPlan:
    """One organisation: its row and change records (oldest first), without ids."""

    place: Place
    kind: OrganisationKind
    fundraising: Fundraising | None
    #: the registered fields as they stand while the history is written
    values: dict[str, Any] = field(default_factory=dict)
    changes: list[dict[str, Any]] = field(default_factory=list)
    #: the vocabulary entry its name came from, so that a new name stays in the field
    name_field: tuple[Any, ...] = ()
    #: 1 + the events after registration, as OrganisationService._touch counts them
    version: int = 1
    row: dict[str, Any] = field(default_factory=dict)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


_CHARSET_VALUE = {c: i for i, c in enumerate(uscc.CHARSET)}


def _serial(body: str) -> int:
    """The uscc.generate() serial whose positions 9–16 are exactly `body`."""
    serial = 0
    for char in body:
        serial = serial * 31 + _CHARSET_VALUE[char]
    return serial


Weighted = tuple[tuple[Any, ...], tuple[int, ...]]


def _weighted(weights: Mapping[Any, int]) -> Weighted:
    return tuple(weights), tuple(accumulate(weights.values()))


def _pick(rng: random.Random, weighted: Weighted) -> Any:
    return rng.choices(weighted[0], cum_weights=weighted[1])[0]


class RegisterGenerator:
    """Rows of a plausible register; the same seed and day give the same rows."""

    def __init__(
        self,
        places: Iterable[Place],
        *,
        seed: int,
        today: date,
        now: datetime,
        taken_codes: Iterable[str] = (),
        taken_names: Iterable[str] = (),
        taken_filings: Iterable[str] = (),
        taken_filing_names: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.seed, self.today, self.now = seed, today, now
        self.codes = set(taken_codes)
        self.names = set(taken_names)
        self.filing_numbers = set(taken_filings)
        self.filing_names = {(code, name) for code, name in taken_filing_names}
        self.by_level: dict[DivisionLevel, list[Place]] = defaultdict(list)
        for place in sorted(places, key=lambda p: p.code):
            self.by_level[place.level].append(place)
        missing = [level.value for level in LEVEL_WEIGHTS if not self.by_level[level]]
        if missing:
            raise ValueError(f"no registration authority at level {', '.join(missing)}")
        self.span = (today - _add_years(today, -YEARS)).days
        self._kinds = _weighted(KIND_WEIGHTS)
        self._levels = _weighted(LEVEL_WEIGHTS)
        self._foundation_levels = _weighted(FOUNDATION_LEVEL_WEIGHTS)
        self._fields = _weighted(CHANGE_WEIGHTS)

    # -- organisations -------------------------------------------------------------

    def organisations(self, count: int) -> Iterator[OrganisationPlan]:
        rng = random.Random(f"organisations:{self.seed}")
        for _ in range(count):
            yield self._organisation(rng)

    def _organisation(self, rng: random.Random) -> OrganisationPlan:
        kind = _pick(rng, self._kinds)
        fundraising = None
        if kind is K.FOUNDATION:
            level = _pick(rng, self._foundation_levels)
            fundraising = Fundraising.PUBLIC if rng.random() < 0.25 else Fundraising.NON_PUBLIC
        else:
            level = _pick(rng, self._levels)
        place = rng.choice(self.by_level[level])
        # More registrations in recent years, as the register grew.
        founded = self.today - timedelta(days=int(self.span * rng.random() ** 1.4))
        plan = OrganisationPlan(place, kind, fundraising)
        composed = self._unique_name(rng, plan)
        plan.name_field = composed.field
        county, where = rng.choice(place.counties)
        plan.values = {
            "name": composed.name,
            "name_en": composed.name_en,
            "supervisory_unit": self._supervisor(rng, plan, composed.key),
            "legal_representative": vocab.person_name(rng),
            "registered_funds": self._funds(rng, plan),
            "domicile": vocab.address(rng, where),
            "domicile_division_code": county,
            "business_scope": composed.business_scope,
        }
        code = self._code(rng, place.code, kind, founded)
        regulation = REGULATION[kind]
        self._event(plan, ChangeType.REGISTRATION, founded, regulation, uscc=(None, code))

        status, status_date, reason, end = S.ACTIVE, None, None, self.today
        roll = rng.random()
        if roll < 0.08 and founded < self.today:
            status = S.DEREGISTERED if roll < 0.06 else S.REVOKED
            revoked = status is S.REVOKED
            # Revocation follows two years of missed inspections, where the age allows.
            earliest = min(founded + timedelta(days=730 if revoked else 1), self.today)
            status_date = earliest + timedelta(days=rng.randint(0, (self.today - earliest).days))
            reason = rng.choice(
                vocab.REVOCATION_REASONS if revoked else vocab.DEREGISTRATION_REASONS
            )
            end = status_date

        last_event = founded
        # Changes fall after founding and strictly before any change of status.
        room = (end - founded).days - (status is not S.ACTIVE)
        if room > 0 and rng.random() < 0.30:
            wanted = rng.choices((1, 2, 3), (5, 3, 2))[0]
            for offset in sorted(rng.sample(range(1, room + 1), min(wanted, room))):
                last_event = founded + timedelta(days=offset)
                self._change(rng, plan, last_event)

        # Only the current certificate is kept: issued on the last registration event,
        # renewed every five years while the organisation lasts.
        issued = last_event
        while _add_years(issued, CERTIFICATE_YEARS) <= end:
            issued = _add_years(issued, CERTIFICATE_YEARS)

        recognised = None
        charity_from = max(founded, CHARITY_LAW)
        odds = 0.2 if kind is K.FOUNDATION else 0.006
        if status is S.ACTIVE and charity_from < self.today and rng.random() < odds:
            recognised = charity_from + timedelta(
                days=rng.randint(1, (self.today - charity_from).days)
            )
            charity = {"is_charity": (False, True), "charity_recognised_on": (None, recognised)}
            self._event(plan, ChangeType.STATUS, recognised, CHARITY_LAW_TEXT, **charity)
            plan.changes.sort(key=lambda c: c["effective_on"])  # stable: registration first

        if status is not S.ACTIVE:  # as OrganisationService._transition writes it
            transition = {
                "status": (S.ACTIVE, status),
                "status_date": (None, status_date),
                "status_reason": (None, reason),
            }
            self._event(plan, ChangeType.STATUS, status_date, regulation, **transition)

        plan.row = {
            "uscc": code,
            "kind": kind,
            "fundraising": fundraising,
            "authority_id": place.authority_id,
            **plan.values,
            "founded_on": founded,
            "certificate_issued_on": issued,
            "certificate_valid_until": _add_years(issued, CERTIFICATE_YEARS),
            "status": status,
            "status_date": status_date,
            "status_reason": reason,
            "is_charity": recognised is not None,
            "charity_recognised_on": recognised,
            "abnormal_list": False,
            "dishonest_list": False,
            "created_at": self.now,
            "updated_at": self.now,
            "version": plan.version,
        }
        return plan

    def _event(
        self,
        plan: OrganisationPlan,
        change_type: ChangeType,
        on: date,
        basis: str | None,
        **fields: tuple[Any, Any],
    ) -> None:
        """One dated event: a change record per field (old, new), as the services write."""
        for name, (old, new) in fields.items():
            plan.changes.append(
                {
                    "change_type": change_type,
                    "field": name,
                    "old_value": encode(old),
                    "new_value": encode(new),
                    "effective_on": on,
                    "approved_by_id": plan.place.authority_id,
                    "basis": basis,
                    "recorded_at": self.now,
                }
            )
        if fields and change_type is not ChangeType.REGISTRATION:
            plan.version += 1  # as _touch() does

    def _change(self, rng: random.Random, plan: OrganisationPlan, on: date) -> None:
        """One change of registration (变更登记), as OrganisationService.record_change."""
        values = plan.values
        target = _pick(rng, self._fields)
        new: dict[str, Any] = {}
        if target == "domicile":
            county, where = rng.choice(plan.place.counties)
            new = {"domicile": vocab.address(rng, where), "domicile_division_code": county}
        elif target == "registered_funds":
            higher = [f for f in self._ladder(plan) if f > values["registered_funds"]]
            if higher:
                new = {"registered_funds": rng.choice(higher)}
        elif target == "business_scope":
            extra = rng.choice(vocab.AGENCY_EXTRAS)
            if extra not in values["business_scope"]:
                new = {"business_scope": f"{values['business_scope']}；{extra}"}
        elif target == "name":
            renamed = self._unique_name(rng, plan, plan.name_field)
            new = {"name": renamed.name, "name_en": renamed.name_en}
        elif target == "supervisory_unit" and values["supervisory_unit"] is not None:
            new = {"supervisory_unit": None}  # decoupled, or registered directly since
        if not new:
            new = {"legal_representative": vocab.person_name(rng)}
        changed = {n: (values[n], v) for n, v in new.items() if values[n] != v}
        self._event(plan, ChangeType.CHANGE, on, REGULATION[plan.kind], **changed)
        values.update(new)

    # -- names and registered facts ------------------------------------------------

    def _unique_name(
        self, rng: random.Random, plan: OrganisationPlan, field: tuple[Any, ...] | None = None
    ) -> vocab.Composed:
        region = plan.place.region
        for attempt in range(12):
            # A new name stays in its field while the field has names left.
            composed = self._compose(rng, plan, field if attempt < 6 else None)
            if composed.name not in self.names:
                break
        else:
            # Still taken: number it after the region, as 南京市第二社会福利院.
            rest, n = composed.name.removeprefix(region), 2
            while region + vocab.ordinal(n) + rest in self.names:
                n += 1
            composed = composed._replace(name=region + vocab.ordinal(n) + rest, name_en=None)
        self.names.add(composed.name)
        return composed

    def _compose(
        self, rng: random.Random, plan: OrganisationPlan, field: tuple[Any, ...] | None
    ) -> vocab.Composed:
        place = plan.place
        national = place.level is L.NATIONAL
        if field is None:
            english = place.region_en is not None and rng.random() < (0.5 if national else 0.15)
        else:  # a new name keeps to the field, and to English if it had an English name
            english = plan.values["name_en"] is not None
        region_en = place.region_en if english else None
        if plan.kind is K.SOCIAL_GROUP:
            return vocab.social_group_name(rng, place.region, region_en, field)
        if plan.kind is K.SOCIAL_SERVICE_AGENCY:
            return vocab.agency_name(rng, place.region, field)
        province = "11" if national else place.code[:2]  # the ministry sits in Beijing
        public = plan.fundraising is Fundraising.PUBLIC
        return vocab.foundation_name(rng, place.region, region_en, province, public, field)

    def _supervisor(
        self, rng: random.Random, plan: OrganisationPlan, key: str | None
    ) -> str | None:
        # Decoupled trade associations have none; since 2013 many others register directly.
        if key is None or rng.random() < (0.35 if plan.kind is K.FOUNDATION else 0.3):
            return None
        return vocab.supervisor(key, plan.place.form, plan.place.region)

    def _ladder(self, plan: OrganisationPlan) -> tuple[Decimal, ...]:
        national = plan.place.level is L.NATIONAL
        if plan.kind is K.SOCIAL_GROUP:
            return FUNDS["group_national" if national else "group_local"]
        if plan.kind is K.SOCIAL_SERVICE_AGENCY:
            return FUNDS["agency"]
        if plan.fundraising is Fundraising.PUBLIC:
            return FUNDS["public_national" if national else "public_local"]
        return FUNDS["non_public"]

    def _funds(self, rng: random.Random, plan: OrganisationPlan) -> Decimal:
        ladder = self._ladder(plan)
        return ladder[int(len(ladder) * rng.random() ** 1.7)]  # mostly the smaller sums

    def _code(
        self, rng: random.Random, division: str, kind: OrganisationKind, founded: date
    ) -> str:
        while True:
            new = founded >= NEW_CODES_FROM
            body = f"MJ{rng.randrange(10**6):06d}" if new else f"5{rng.randrange(10**7):07d}"
            code = uscc.generate(division, kind.value, _serial(body))
            if code not in self.codes:
                self.codes.add(code)
                return code

    # -- community filings ---------------------------------------------------------

    def filings(self, count: int) -> Iterator[dict[str, Any]]:
        """Community filings with county departments, numbered per county and year."""
        rng = random.Random(f"community:{self.seed}")
        counties = self.by_level[L.COUNTY]
        serials: dict[tuple[str, int], int] = defaultdict(int)
        for _ in range(count):
            place = rng.choice(counties)
            filed_on = self.today - timedelta(days=int(3650 * rng.random() ** 1.2))
            name, office, local, scope, community = self._filing_name(rng, place)
            key, number = (place.code, filed_on.year), ""
            while not number or number in self.filing_numbers:
                serials[key] += 1
                number = filing_number(place.code, filed_on.year, serials[key])
            self.filing_numbers.add(number)
            status, status_date, reason = FilingStatus.ACTIVE, None, None
            if rng.random() < 0.03 and filed_on < self.today:
                status = FilingStatus.WITHDRAWN
                status_date = filed_on + timedelta(
                    days=rng.randint(1, (self.today - filed_on).days)
                )
                reason = rng.choice(vocab.WITHDRAWAL_REASONS)
            yield {
                "filing_number": number,
                "name": name,
                "authority_id": place.authority_id,
                "street_office": office,
                "division_code": place.code,
                "person_in_charge": vocab.person_name(rng),
                "domicile": vocab.community_seat(rng, place.counties[0][1], local, community),
                "activity_scope": scope,
                "filed_on": filed_on,
                "status": status,
                "status_date": status_date,
                "status_reason": reason,
                "created_at": self.now,
                "updated_at": self.now,
                "version": 2 if reason else 1,
            }

    def _filing_name(
        self, rng: random.Random, place: Place
    ) -> tuple[str, str | None, str, str, str]:
        """Name, street office, its locality, activities and community, unique per county."""
        office, local = vocab.street_office(rng, rural=place.region.endswith(("县", "旗")))
        for attempt in range(8):
            name, scope, community = vocab.community_name(rng, local if attempt % 2 else "")
            if (place.code, name) not in self.filing_names:
                break
        base, n = name.removeprefix(local), 2
        while (place.code, name) in self.filing_names:
            name = f"{local}{vocab.ordinal(n)}{base}"
            n += 1
        self.filing_names.add((place.code, name))
        return name, office, local, scope, community


# -- loading -------------------------------------------------------------------------


#: called with a stage ("organisations", "community filings") and the rows just loaded:
#: 0 when the stage starts
Progress = Callable[[str, int], None]


def ensure_divisions(session: Session) -> bool:
    """Load divisions and authorities into a register without them; True when it did."""
    if session.scalar(select(func.count()).select_from(RegistrationAuthority)):
        return False
    load_divisions(session)  # idempotent: keeps any divisions already there
    load_authorities(session)
    session.commit()
    return True


def load_places(session: Session) -> list[Place]:
    division = AdministrativeDivision
    rows = session.execute(
        select(
            division.code,
            division.name,
            division.level,
            division.parent_code,
            division.abolished_on,
        )
    )
    authorities = select(RegistrationAuthority.code, RegistrationAuthority.id)
    return build_places(
        [DivisionRow(*row) for row in rows], dict(session.execute(authorities).all())
    )


def seed_if_empty(session: Session, clock: Clock, **options: Any) -> SeedSummary | None:
    """Seed only a register without organisations; None, doing nothing, otherwise."""
    if session.scalar(select(Organisation.id).limit(1)) is not None:
        return None
    return seed_register(session, clock, **options)


def seed_register(
    session: Session,
    clock: Clock,
    *,
    organisations: int,
    community: int | None = None,
    seed: int = 1,
    batch_size: int = 5000,
    progress: Progress | None = None,
    commit: bool = True,
) -> SeedSummary:
    """Add `organisations` organisations and `community` filings (default: half as many).

    Commits after every batch, so that a large seed neither holds one huge transaction
    nor loses everything when interrupted; commit=False leaves that to the caller.
    """
    started = time.perf_counter()
    community = organisations // 2 if community is None else community
    ensure_divisions(session)
    filing_names = select(RegistrationAuthority.code, CommunityOrganisation.name).join(
        RegistrationAuthority, CommunityOrganisation.authority_id == RegistrationAuthority.id
    )
    generator = RegisterGenerator(
        load_places(session),
        seed=seed,
        today=clock.today(),
        now=clock.now(),
        taken_codes=session.scalars(select(Organisation.uscc)),
        taken_names=session.scalars(select(Organisation.name)),
        taken_filings=session.scalars(select(CommunityOrganisation.filing_number)),
        taken_filing_names=session.execute(filing_names).tuples(),
    )
    orgs: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    filings: list[dict[str, Any]] = []
    batches = {
        "organisations": ((Organisation.__table__, orgs), (ChangeRecord.__table__, changes)),
        "community filings": ((CommunityOrganisation.__table__, filings),),
    }

    authorities = {
        i: (code, name)
        for i, code, name in session.execute(
            select(RegistrationAuthority.id, RegistrationAuthority.code, RegistrationAuthority.name)
        )
    }
    feed = FeedService(session)

    def flush(stage: str) -> None:
        tables = batches[stage]
        count = len(tables[0][1])
        feed.publish_many(feed_rows(stage, tables[0][1], authorities, clock.now()))
        for table, rows in tables:
            if rows:
                session.execute(insert(table), rows)
            rows.clear()
        if commit:
            session.commit()
        if progress is not None:
            progress(stage, count)

    summary = SeedSummary()
    summary.first_id = org_id = _next_id(session, Organisation.id)
    change_id = _next_id(session, ChangeRecord.id)
    flush("organisations")  # starts the stage's progress
    for plan in generator.organisations(organisations):
        plan.row["id"] = org_id
        for change in plan.changes:
            change["id"] = change_id
            change["organisation_id"] = org_id
            change_id += 1
        org_id += 1
        orgs.append(plan.row)
        changes.extend(plan.changes)
        summary.add(plan)
        if len(orgs) >= batch_size:
            flush("organisations")
    flush("organisations")

    first_filing = _next_id(session, CommunityOrganisation.id)
    flush("community filings")
    for filing_id, filing in enumerate(generator.filings(community), first_filing):
        filing["id"] = filing_id
        filings.append(filing)
        summary.community += 1
        summary.withdrawn += filing["status"] is FilingStatus.WITHDRAWN
        if len(filings) >= batch_size:
            flush("community filings")
    flush("community filings")

    _bump_sequences(session, ("organisation", "change_record", "community_organisation"))
    if commit:
        session.commit()
    summary.seconds = time.perf_counter() - started
    return summary


def _next_id(session: Session, column: Any) -> int:
    return (session.scalar(select(func.max(column))) or 0) + 1


def _bump_sequences(session: Session, tables: Iterable[str]) -> None:
    """Explicit ids leave PostgreSQL's sequences behind: move them past the new rows."""
    if session.get_bind().dialect.name == "postgresql":
        for table in tables:
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            session.execute(text(f"SELECT setval({sequence}, max(id)) FROM {table}"))

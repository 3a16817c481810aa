"""Demo data for charities and charity trusts, after the register and its inspections.

The seeded register already marks some organisations as charities (with their change
records); here each gets its charity record, in bulk, and some of those registered for a
year the public-fundraising qualification. A few dozen charities then file fundraising
plans and act as trustees of charity trusts, through CharityService and TrustService as
officers' work would: filings on time and late, changes, yearly reports and
terminations. Three organisations have applications pending, one past its limit.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from registry.accounts.rules import Actor
from registry.charities import rules
from registry.charities.listing import charity_rows
from registry.charities.models import (
    CharitableField,
    Charity,
    CharityStatus,
    FundraisingMethod,
    FundraisingQualification,
)
from registry.charities.public import CHARITY_FIELDS
from registry.charities.services import CharityService
from registry.charities.trusts import Establishment, TrustService
from registry.clock import Clock
from registry.demo.summary import SeedSummary
from registry.feed.models import FeedOperation
from registry.feed.services import FeedService
from registry.organisations.models import Organisation, OrganisationStatus
from registry.organisations.uscc import check_character_18, organisation_code_check

DEMO = Actor.system("demo")
O = Organisation  # noqa: E741
#: charities that file plans, and trusts made
PLANS, TRUSTS = 12, 30
SETTLORS = ("王建国", "李秀英", "张伟", "刘芳", "陈静", "杨洋", "赵磊", "黄丽")
FIELDS = list(CharitableField)
PURPOSES = {
    CharitableField.POVERTY_RELIEF: "帮扶困难群众，助力乡村振兴",
    CharitableField.CARE: "关爱孤寡老人和困境儿童",
    CharitableField.DISASTER_RELIEF: "救助自然灾害受灾群众",
    CharitableField.EDUCATION: "资助家庭经济困难学生完成学业",
    CharitableField.SCIENCE: "支持青年科技人才开展研究",
    CharitableField.CULTURE: "保护和传承非物质文化遗产",
    CharitableField.HEALTH: "资助大病患者医疗救治",
    CharitableField.SPORTS: "支持青少年体育事业发展",
    CharitableField.ENVIRONMENT: "保护和改善生态环境",
    CharitableField.OTHER: "开展其他公益活动",
}


def trust_company_code(serial: int) -> str:
    """A valid credit code of a trust company (issuer 9, market regulation)."""
    body = f"{31_000_000 + serial:08d}"
    first17 = f"91310000{body}{organisation_code_check(body)}"
    return first17 + check_character_18(first17)


TRUST_COMPANIES = [
    (trust_company_code(i), name)
    for i, name in enumerate(("华东国际信托有限公司", "长江信托有限责任公司", "中原信托有限公司"))
]


def seed_charities(
    session: Session,
    clock: Clock,
    summary: SeedSummary,
    settings: Any = None,
    *,
    seed: int = 1,
    commit: bool = True,
) -> SeedSummary:
    rng = random.Random(seed)
    today = clock.today()
    charity_rules = rules.CharityRules.from_settings(settings) if settings else rules.DEFAULT_RULES
    _charity_rows(session, clock, rng, today, charity_rules)
    charities = (
        CharityService.from_settings(session, clock, settings)
        if settings
        else CharityService(session, clock)
    )
    trusts = (
        TrustService.from_settings(session, clock, settings)
        if settings
        else TrustService(session, clock)
    )
    live = session.execute(
        select(O.uscc, Charity.qualification_granted_on)
        .join(Charity, Charity.organisation_id == O.id)
        .where(O.status == OrganisationStatus.ACTIVE, Charity.status == CharityStatus.RECOGNISED)
        .order_by(O.id)
    ).all()
    qualified = [(uscc, granted) for uscc, granted in live if granted is not None]
    summary.plans = _plans(charities, rng, today, qualified[:PLANS])
    summary.charity_trusts, summary.trust_property = _trusts(
        session, trusts, rng, today, [uscc for uscc, *_ in live]
    )
    _applications(session, charities, today)
    summary.qualified = len(qualified)
    if commit:
        session.commit()
    return summary


def _charity_rows(
    session: Session,
    clock: Clock,
    rng: random.Random,
    today: date,
    charity_rules: rules.CharityRules,
) -> None:
    """A charity record for every organisation the seed marked as a charity; the
    qualification for about two in five of those eligible. Published to the feed."""
    marked = session.execute(
        select(O.id, O.founded_on, O.charity_recognised_on, O.status)
        .where(O.is_charity.is_(True))
        .where(~select(Charity.organisation_id).where(Charity.organisation_id == O.id).exists())
        .order_by(O.id)
    ).all()
    if not marked:
        return
    now = clock.now()
    authorities = dict(
        session.execute(select(O.id, O.authority_id).where(O.is_charity.is_(True))).all()
    )
    rows, grants = [], []
    for serial, (org_id, founded, recognised, status) in enumerate(marked, 1):
        eligible = max(rules.qualification_eligible_on(founded, charity_rules), recognised)
        granted = None
        if status is OrganisationStatus.ACTIVE and eligible < today and rng.random() < 0.4:
            granted = eligible + timedelta(days=rng.randint(0, min(400, (today - eligible).days)))
            grants.append(
                {
                    "organisation_id": org_id,
                    "granted_on": granted,
                    "document_no": f"民募字〔{granted.year}〕{serial}号",
                    "authority_id": authorities[org_id],
                    "recorded_at": now,
                }
            )
        rows.append(
            {
                "organisation_id": org_id,
                "status": CharityStatus.RECOGNISED,
                "recognised_on": recognised,
                "recognition_document_no": f"民认字〔{recognised.year}〕{serial}号",
                "public_fundraising": granted is not None,
                "qualification_granted_on": granted,
                "updated_at": now,
                "version": 1,
            }
        )
    session.execute(insert(Charity), rows)
    if grants:
        session.execute(insert(FundraisingQualification), grants)
    ids = [row["organisation_id"] for row in rows]
    records = session.execute(charity_rows(today).where(Charity.organisation_id.in_(ids))).all()
    FeedService(session).publish_many(
        {
            "dataset": "charities",
            "key": row.uscc,
            "version": 1,
            "operation": FeedOperation.CREATED,
            "record": {spec.name: _plain(getattr(row, spec.name)) for spec in CHARITY_FIELDS},
            "at": now,
        }
        for row in records
    )
    session.flush()


def _plain(value: Any) -> Any:
    from registry.public import plain

    return plain(value)


def _plans(
    service: CharityService, rng: random.Random, today: date, qualified: list[tuple[str, date]]
) -> int:
    for uscc, granted in qualified:
        filed = granted + timedelta(days=rng.randint(0, (today - granted).days))
        # mostly two weeks ahead; one in four only a few days ahead: late
        ahead = rng.choice((14, 14, 21, 3))
        starts = filed + timedelta(days=ahead)
        field = rng.choice(FIELDS)
        service.file_plan(
            DEMO,
            uscc,
            purpose=PURPOSES[field],
            starts_on=starts,
            ends_on=starts + timedelta(days=rng.choice((30, 90, 180))),
            area=rng.choice(("本市行政区域内", "全省", "全国（互联网）")),
            method=rng.choice(list(FundraisingMethod)).value,
            person_in_charge=rng.choice(SETTLORS),
            beneficiaries=rng.choice(("困难家庭学生", "孤寡老人", "受灾群众", "大病患者")),
            use_of_funds="全部用于" + PURPOSES[field],
            cost=Decimal(rng.randint(0, 500_000)) / 100,
            filed_on=filed,
        )
    return len(qualified)


def _trusts(
    session: Session,
    service: TrustService,
    rng: random.Random,
    today: date,
    trustees: list[str],
) -> tuple[int, Decimal]:
    total = Decimal(0)
    made = 0
    for uscc in rng.sample(trustees, min(TRUSTS, len(trustees))):
        organisation = session.scalar(select(O).where(O.uscc == uscc))
        assert organisation is not None
        earliest = max(organisation.charity_recognised_on or today, date(2017, 1, 1))
        if (today - earliest).days < 40:
            continue
        signed = earliest + timedelta(days=rng.randint(0, (today - earliest).days - 30))
        filed = signed + timedelta(days=rng.choice((1, 3, 5, 7, 7, 12)))
        fields = rng.sample(FIELDS, rng.choice((1, 1, 2)))
        amount = Decimal(rng.choice((100_000, 500_000, 1_000_000, 3_000_000, 20_000_000)))
        amount += Decimal(rng.randint(0, 99)) / 100
        parties = [{"kind": "charity_organisation", "uscc": uscc}]
        if rng.random() < 0.3:
            code, name = rng.choice(TRUST_COMPANIES)
            parties.append({"kind": "trust_company", "uscc": code, "name": name})
        settlors = [{"kind": "person", "name": s} for s in rng.sample(SETTLORS, rng.randint(1, 3))]
        filed_trust = service.file(
            DEMO,
            Establishment(
                name=f"{organisation.name[:20]}{PURPOSES[fields[0]][2:6]}慈善信托",
                signed_on=signed,
                filed_on=filed,
                property_amount=amount,
                purpose=PURPOSES[fields[0]],
                fields=[f.value for f in fields],
                trustees=parties,
                settlors=settlors,
                supervisor_name=rng.choice((None, "江苏某会计师事务所")),
                term_ends_on=rng.choice((None, rules.add_years(signed, 10))),
                authority_code=organisation.authority.code,
            ),
        )
        trust = filed_trust.trust
        made += 1
        balance = amount
        for year in range(signed.year, today.year):
            submitted = date(year + 1, 3, rng.randint(1, 28))
            if submitted > today:
                break
            income = (balance * Decimal("0.03")).quantize(Decimal("0.01"))
            grants = (balance * Decimal("0.08")).quantize(Decimal("0.01"))
            balance = balance + income - grants
            service.report(DEMO, trust.record_no, year, income, grants, balance, submitted)
        roll = rng.random()
        last = max(filed, date(today.year, 3, 28) if today.month > 3 else filed)
        if roll < 0.2 and (today - last).days > 20:
            changed = last + timedelta(days=rng.randint(1, (today - last).days - 10))
            more = (amount * Decimal("1.5")).quantize(Decimal("0.01"))
            service.change(
                DEMO,
                trust.record_no,
                changed,
                {"property_amount": more},
                filed_on=changed + timedelta(days=rng.choice((2, 6, 9))),
                summary="委托人追加信托财产",
            )
        elif roll < 0.3 and (today - last).days > 20:
            ended = last + timedelta(days=rng.randint(1, (today - last).days - 10))
            service.terminate(
                DEMO,
                trust.record_no,
                ended,
                "信托财产已全部用于慈善目的",
                filed_on=ended + timedelta(days=3),
            )
        total += trust.property_amount
    return made, total


def _applications(session: Session, service: CharityService, today: date) -> None:
    """Three active organisations registered for a year have applied; one waits past the
    20-day limit."""
    candidates = session.scalars(
        select(O.uscc)
        .where(
            O.status == OrganisationStatus.ACTIVE,
            O.is_charity.is_(False),
            O.founded_on < today - timedelta(days=400),
        )
        .order_by(O.id)
        .limit(3)
    ).all()
    for days, uscc in zip((3, 12, 30), candidates, strict=False):
        service.apply(DEMO, uscc, today - timedelta(days=days))

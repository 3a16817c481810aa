"""What a seeded organisation's annual reports say: its people, its money, its work.

ReportWriter draws from the organisation's random.Random, so that demo/reports.py stays
deterministic for a seed; the contents are what inspections/contents.py checks for.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from registry.demo import names as vocab
from registry.inspections.models import ReportChannel, ReportStatus
from registry.organisations.models import Fundraising, OrganisationKind, OrganisationStatus

K = OrganisationKind

# fmt: off
COMPLIANCE = (
    "本单位{year}年度遵守宪法、法律、法规和国家政策，遵守社会道德风尚，按照章程规定的宗旨和"
    "业务范围开展活动，未发现违法违规行为。",
    "{year}年度，本单位严格遵守{regulation}等法律法规和本单位章程，依法依规开展活动，"
    "内部管理规范，财务收支合法合规。",
    "本单位认真贯彻落实党和国家的方针政策，{year}年度严格执行{regulation}和章程，"
    "按时换届，民主决策，无违反法律法规的情况。",
    "{year}年度本单位各项活动均在章程规定的业务范围内开展，遵守{regulation}及有关规定，"
    "接受登记管理机关和业务主管单位的监督管理。",
)
#: (title, description, lowest and highest figure) by kind; {n} is the figure
ACTIVITIES: dict[OrganisationKind, tuple[tuple[str, str, int, int], ...]] = {
    K.SOCIAL_GROUP: (
        ("召开会员代表大会", "审议年度工作报告和财务报告，{n}名会员代表出席", 30, 300),
        ("召开理事会会议", "研究年度工作计划和会员发展工作，{n}名理事参加", 7, 35),
        ("举办学术年会", "围绕行业热点开展学术交流，收到论文{n}篇", 10, 200),
        ("开展会员业务培训", "邀请专家授课，培训会员{n}人次", 20, 500),
        ("组织调研走访", "走访会员单位{n}家，形成调研报告", 5, 60),
        ("举办专题研讨会", "{n}名专家学者和会员代表参加研讨", 15, 150),
        ("开展科普宣传活动", "发放宣传资料{n}份，接受群众咨询", 200, 5000),
        ("编印会刊", "全年编印会刊{n}期，免费寄送会员", 2, 12),
        ("开展行业自律检查", "检查会员单位{n}家，督促规范经营", 5, 80),
        ("表彰优秀会员", "表彰先进集体和个人{n}名", 5, 60),
        ("参与团体标准制定", "牵头起草团体标准，{n}家会员单位参与", 3, 30),
        ("开展公益慈善活动", "组织会员捐款捐物，惠及困难群众{n}人", 20, 1000),
    ),
    K.SOCIAL_SERVICE_AGENCY: (
        ("承接政府购买服务项目", "完成项目服务{n}人次，通过第三方评估", 100, 5000),
        ("开展志愿服务活动", "组织志愿者{n}人次参与社区服务", 20, 800),
        ("开展员工业务培训", "组织员工{n}人次参加岗位技能培训", 10, 200),
        ("开展安全应急演练", "组织消防和应急疏散演练，{n}人参加", 10, 300),
        ("举办家长开放日", "邀请服务对象家属{n}人参观交流", 20, 300),
        ("开展社区公益讲座", "举办健康、法律等主题讲座，{n}人参加", 20, 300),
        ("开展节日慰问活动", "走访慰问困难服务对象{n}户", 10, 200),
        ("举办成果展示活动", "展示服务成果，接待来访{n}人次", 50, 2000),
        ("召开理事会会议", "审议年度工作报告和财务预决算，{n}名理事出席", 3, 15),
        ("开展服务质量评估", "发放满意度调查问卷{n}份", 50, 1000),
    ),
    K.FOUNDATION: (
        ("召开理事会会议", "审议年度工作报告、财务报告和资助计划，{n}名理事出席", 5, 25),
        ("实施公益资助项目", "资助项目{n}个，按协议拨付资金并跟踪评估", 2, 60),
        ("举办助学金发放仪式", "资助家庭经济困难学生{n}名", 10, 800),
        ("开展救灾捐赠", "向受灾地区捐赠款物，惠及群众{n}人", 100, 20000),
        ("开展项目评估", "委托第三方机构评估资助项目{n}个", 1, 20),
        ("发布年度公益报告", "向社会公开年度资助和财务情况，阅读{n}次", 500, 50000),
        ("举办公益论坛", "{n}名公益从业者和捐赠人参加", 30, 400),
        ("开展志愿者培训", "培训项目志愿者{n}人", 10, 300),
    ),
}
#: a public-fundraising foundation's extra activity
FUNDRAISING_ACTIVITY = (
    "开展公开募捐活动", "通过互联网募捐信息平台募集善款，{n}人次参与捐赠", 200, 100_000,
)
AUDIT_OPINIONS = ("标准无保留意见", "带强调事项段的无保留意见", "保留意见")
#: what registration_changes calls a changed field
FIELD_LABELS = {
    "name": "名称", "legal_representative": "法定代表人", "domicile": "住所",
    "registered_funds": "注册资金", "business_scope": "业务范围",
    "supervisory_unit": "业务主管单位",
}
FUNDS_LABEL = {K.SOCIAL_GROUP: "注册资金", K.SOCIAL_SERVICE_AGENCY: "开办资金",
               K.FOUNDATION: "原始基金"}
#: (mu, sigma) of the natural log of a year's income ÷ registered funds
INCOME_SCALE = {"group": (-0.4, 1.0), "agency": (1.0, 0.9), "public": (0.3, 1.0),
                "non_public": (-0.8, 1.1)}
EXECUTIVES = ("主任", "院长", "校长", "总干事")
PARTY_UNIT = "社会组织综合党委"
# fmt: on

REGULATION = {
    K.SOCIAL_GROUP: "《社会团体登记管理条例》",
    K.SOCIAL_SERVICE_AGENCY: "《民办非企业单位登记管理暂行条例》",
    K.FOUNDATION: "《基金会管理条例》",
}


@dataclass(frozen=True, slots=True)
class Registered:
    """An organisation's registered facts, as the seed left them."""

    id: int
    uscc: str
    kind: OrganisationKind
    fundraising: Fundraising | None
    is_charity: bool
    founded_on: date
    status: OrganisationStatus
    status_date: date | None
    status_reason: str | None
    registered_funds: Decimal
    legal_representative: str
    supervisory_unit: str | None
    authority_id: int
    #: changes of registration: (field, old value, effective on), oldest first
    changes: tuple[tuple[str, str | None, date], ...] = ()


#: "MM-DD" of each day of a common year: activities never fall on 29 February
_MONTH_DAYS = tuple(
    (date(2023, 1, 1) + timedelta(days=day)).strftime("%m-%d") for day in range(365)
)


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


class ReportWriter:
    """An organisation's reports, year after year: its people, its money, its work."""

    def __init__(self, rng: random.Random, org: Registered, now: Any) -> None:
        self.rng, self.org, self.now = rng, org, now
        kind = org.kind
        self.funds = float(org.registered_funds)
        scale = (
            "group"
            if kind is K.SOCIAL_GROUP
            else "agency"
            if kind is K.SOCIAL_SERVICE_AGENCY
            else "public"
            if org.fundraising is Fundraising.PUBLIC
            else "non_public"
        )
        mu, sigma = INCOME_SCALE[scale]
        self.income = self.funds * math.exp(rng.gauss(mu, sigma))
        self.net_assets = self.funds * (rng.uniform(1.0, 2.0) if org.founded_on.year < 2017 else 1)
        self.donor = kind is K.FOUNDATION or rng.random() < (
            0.25 if kind is K.SOCIAL_GROUP else 0.15
        )
        if kind is K.SOCIAL_GROUP:
            self.staff = rng.randint(0, 3) + (self.funds >= 500_000) * rng.randint(1, 8)
        elif kind is K.SOCIAL_SERVICE_AGENCY:
            self.staff = max(2, min(400, int(self.income / rng.uniform(60e3, 120e3))))
        else:
            public = org.fundraising is Fundraising.PUBLIC
            self.staff = rng.randint(2, 12) + public * rng.randint(0, 20)
        self.volunteers = int(math.exp(rng.gauss(3.5, 1.0))) if rng.random() < 0.5 else None
        self.branches = rng.randint(1, 8) if kind is K.SOCIAL_GROUP and rng.random() < 0.2 else 0
        self.channel_online = rng.random() < 0.7
        self.party = self._party()
        self.leader_title = "会长" if kind is K.SOCIAL_GROUP and rng.random() < 0.6 else "理事长"
        self.executive = rng.choice(EXECUTIVES)
        self.boards: dict[int, list[tuple[str, str]]] = {}
        self.officers: dict[tuple[int, str], str] = {}
        self.programmes: dict[int, list[tuple[str, float]]] = {}
        self.activities = ACTIVITIES[kind] + (
            (FUNDRAISING_ACTIVITY,) if org.fundraising is Fundraising.PUBLIC else ()
        )
        self.compliance = COMPLIANCE[rng.randrange(len(COMPLIANCE))].replace(
            "{regulation}", REGULATION[kind]
        )
        self.changes = self._changes() if org.changes else {}
        #: (year of the change, the legal representative it replaced), oldest first
        self.representatives = [
            (on.year, old)
            for name, old, on in org.changes
            if name == "legal_representative" and old
        ]
        #: what every report of the organisation shares, until a year says otherwise
        self.base: dict[str, Any] = {
            "organisation_id": org.id,
            "channel": ReportChannel.COUNTER,
            "received_by_id": None,
            "recorded_at": now,
            "staff_count": self.staff,
            "volunteer_count": self.volunteers,
            "branch_count": self.branches,
            "party_building": self.party,
            "status": ReportStatus.SUBMITTED,
            "conclusion": None,
            "conclusion_reasons": None,
            "concluded_on": None,
            "concluded_by_id": None,
            "correction_order": None,
            "correction_deadline": None,
            "corrected_on": None,
            "review_notes": None,
        }

    def _party(self) -> str | None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.45:
            return f"已单独建立党支部，现有党员{rng.randint(3, 30)}名，按期开展“三会一课”。"
        if roll < 0.7:
            return f"与其他社会组织建立联合党支部，现有党员{rng.randint(1, 6)}名。"
        if roll < 0.9:
            unit = self.org.supervisory_unit or PARTY_UNIT
            return f"暂无正式党员，由{unit}选派党建工作指导员指导开展党建工作。"
        return None

    def finances(self, year: int, dormant_from: int | None) -> dict[str, Decimal | None]:
        rng, org = self.rng, self.org
        income = self.income * 1.05 ** (year - 2017) * math.exp(rng.gauss(0, 0.25))
        if dormant_from is not None and year >= dormant_from - 1:
            income *= 0.3  # winding down
        expenditure = income * rng.uniform(0.75, 1.12)
        self.net_assets += income - expenditure
        donations = 0.0
        if org.kind is K.FOUNDATION:
            donations = income * rng.uniform(0.75, 0.98)
        elif self.donor:
            donations = income * rng.uniform(0.0, 0.3)
        foreign = None
        if donations and rng.random() < (0.08 if org.kind is K.FOUNDATION else 0.02):
            foreign = donations * rng.uniform(0.05, 0.4)
        values: dict[str, Decimal | None] = {
            "income": _money(income),
            "expenditure": _money(expenditure),
            "net_assets": _money(self.net_assets),
            "donations_received": _money(donations),
            "domestic_donations": _money(donations - (foreign or 0)) if donations else None,
            "foreign_donations": _money(foreign) if foreign else None,
            "grants_made": None,
            "audit_opinion": None,
        }
        if org.kind is K.FOUNDATION:
            values["grants_made"] = _money(expenditure * rng.uniform(0.65, 0.92))
            values["audit_opinion"] = rng.choices(AUDIT_OPINIONS, (88, 9, 3))[0]
        return values

    def row(
        self,
        year: int,
        submitted: date,
        finances: dict[str, Decimal | None],
        dormant_from: int | None,
    ) -> dict[str, Any]:
        winding_down = dormant_from is not None and year >= dormant_from - 1
        row = self.base.copy()
        row["year"] = year
        row["submitted_on"] = submitted
        if self.channel_online and year >= 2019:
            row["channel"] = ReportChannel.API
        row["compliance_statement"] = self.compliance.replace("{year}", str(year))
        row["registration_changes"] = self.changes.get(year)
        row["activities"] = self._activities(year, winding_down)
        if self.staff > 2:
            row["staff_count"] = self.staff + int(self.rng.random() * 3) - 1
        row["officers"] = self._officers(year)
        if year < 2018:
            row["party_building"] = None
        row.update(finances)
        return row

    def _changes(self) -> dict[int, str]:
        """registration_changes by year: what changed, and when."""
        labels = FIELD_LABELS | {"registered_funds": FUNDS_LABEL[self.org.kind]}
        done: dict[int, list[str]] = {}
        for name, _, on in self.org.changes:
            if name in labels:
                done.setdefault(on.year, []).append(f"{on.month}月{on.day}日变更{labels[name]}")
        return {year: "；".join(texts) for year, texts in done.items()}

    def _activities(self, year: int, winding_down: bool) -> str:
        """The year's activities, as JSON: the term's programme (an organisation keeps to
        its own), one dropped now and then, the figures varying; one or none while winding
        down. Written out by hand, as json.dumps(ensure_ascii=False) writes it: the
        vocabulary needs no escaping, and half a million json.dumps calls take seconds."""
        term = (year - self.org.founded_on.year) // 5
        programme = self.programmes.get(term)
        if programme is None:
            programme = self.programmes[term] = self._programme()
        random = self.rng.random
        if winding_down:
            programme = programme[: int(random() * 2)]
        elif len(programme) > 2 and random() < 0.4:
            drop = int(random() * len(programme))
            programme = programme[:drop] + programme[drop + 1 :]
        return (
            "["
            + ", ".join(
                template % (year, max(1, round(n * (0.7 + 0.6 * random()))))
                for template, n in programme
            )
            + "]"
        )

    def _programme(self) -> list[tuple[str, float]]:
        """A term's activities: (a JSON object with %d for the year and the figure, the
        usual figure), in date order."""
        rng = self.rng
        random = rng.random
        chosen = rng.sample(self.activities, min(len(self.activities), 2 + int(random() * 5)))
        days = sorted(int(random() * 365) for _ in chosen)
        return [
            (
                f'{{"title": "{title}", "date": "%d-{_MONTH_DAYS[day]}", '
                f'"description": "{text.replace("{n}", "%d")}"}}',
                low * (high / low) ** random(),  # as likely ten as a hundred
            )
            for (title, text, low, high), day in zip(chosen, days, strict=True)
        ]

    def _representative(self, year: int) -> str:
        """The legal representative at the end of `year`, from the change records: the
        one the first later change replaced, or today's."""
        for on_year, old in self.representatives:
            if on_year > year:
                return old
        return self.org.legal_representative

    def _officers(self, year: int) -> str:
        """The legal representative and a board elected for five-year terms."""
        term = (year - self.org.founded_on.year) // 5
        leader = self._representative(year)
        cached = self.officers.get((term, leader))
        if cached is not None:
            return cached
        board = self.boards.get(term)
        if board is None:
            board = self.boards[term] = self._elect(self.boards.get(term - 1))
        people = [{"name": leader, "position": self.leader_title}]
        people += [{"name": name, "position": position} for position, name in board]
        text = self.officers[(term, leader)] = json.dumps(people, ensure_ascii=False)
        return text

    def _elect(self, previous: list[tuple[str, str]] | None) -> list[tuple[str, str]]:
        """A term's board: most members stay on at an election, one or two are new."""
        if previous is None:
            return self._board()
        board = list(previous)
        for _ in range(1 + (self.rng.random() < 0.5)):
            seat = int(self.rng.random() * len(board))
            board[seat] = (board[seat][0], vocab.person_name(self.rng))
        return board

    def _board(self) -> list[tuple[str, str]]:
        rng, kind = self.rng, self.org.kind
        deputy = "副会长" if self.leader_title == "会长" else "副理事长"
        if kind is K.SOCIAL_GROUP:
            positions = [deputy] * rng.randint(1, 3) + ["秘书长", "监事"]
        elif kind is K.SOCIAL_SERVICE_AGENCY:
            positions = [deputy] * (rng.random() < 0.4) + [self.executive, "监事"]
        else:
            positions = [deputy] * rng.randint(1, 2) + ["秘书长", rng.choice(("监事", "监事长"))]
        return [(position, vocab.person_name(rng)) for position in positions]

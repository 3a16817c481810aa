"""What a seed run made, counted as it goes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from registry.organisations.models import ChangeType
from registry.organisations.models import OrganisationStatus as S

if TYPE_CHECKING:
    from registry.demo.seed import OrganisationPlan


@dataclass
class SeedSummary:
    organisations: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    change_records: int = 0
    changed: int = 0
    deregistered: int = 0
    revoked: int = 0
    charities: int = 0
    community: int = 0
    withdrawn: int = 0
    #: the first seeded organisation's id: the seeded ones are the next `organisations`
    first_id: int = 0
    # -- the officers' domains (demo/inspections.py) --
    #: obliged report years whose due date has passed, and the reports filed for them
    obliged: int = 0
    filed: int = 0
    reports: int = 0
    late: int = 0
    #: reports still in the review queue, and the conclusions given
    in_review: int = 0
    conclusions: dict[str, int] = field(default_factory=dict)
    penalties: int = 0
    list_entries: int = 0
    #: seeded organisations on each list now
    abnormal: int = 0
    dishonest: int = 0
    ratings: int = 0
    #: ratings in force now
    rated: int = 0
    #: organisations republished with their flags and ratings
    published: int = 0
    # -- the dormant-organisation procedure (demo/dormant.py) --
    dormant_candidates: int = 0
    dormant_cases: int = 0
    notices: int = 0
    decisions: int = 0
    # -- charities and charity trusts (demo/charities.py) --
    qualified: int = 0
    plans: int = 0
    charity_trusts: int = 0
    trust_property: Decimal = Decimal(0)
    seconds: float = 0.0

    @property
    def participation(self) -> float | None:
        """参检率 over every seeded year whose report was due: filed ÷ obliged."""
        return self.filed / self.obliged if self.obliged else None

    def add(self, plan: OrganisationPlan) -> None:
        row = plan.row
        self.organisations += 1
        self.by_kind[row["kind"].value] = self.by_kind.get(row["kind"].value, 0) + 1
        self.change_records += len(plan.changes)
        self.changed += any(c["change_type"] is ChangeType.CHANGE for c in plan.changes)
        self.deregistered += row["status"] is S.DEREGISTERED
        self.revoked += row["status"] is S.REVOKED
        self.charities += row["is_charity"]

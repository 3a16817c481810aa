"""What an annual report holds, checked field by field: pure functions, no database.

`check_contents` takes the contents as a client sends them (a mapping, amounts as exact
decimals: Decimal, int or text) and returns the model's column values, or every problem
at once, by field path ("finances.income": "required").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from registry.organisations.models import OrganisationKind

#: Numeric(16, 2): fourteen digits before the point
MAX_AMOUNT = Decimal("99999999999999.99")
MAX_TEXT = 20_000
MAX_ITEMS = 500

TOP_LEVEL = frozenset(
    {
        "compliance_statement",
        "registration_changes",
        "activities",
        "staff_count",
        "volunteer_count",
        "officers",
        "branch_count",
        "finances",
        "party_building",
    }
)
FINANCES = frozenset(
    {
        "income",
        "expenditure",
        "net_assets",
        "donations_received",
        "domestic_donations",
        "foreign_donations",
        "grants_made",
        "audit_opinion",
    }
)
#: amounts that cannot be negative; net assets can
NON_NEGATIVE = (
    "income",
    "expenditure",
    "donations_received",
    "domestic_donations",
    "foreign_donations",
    "grants_made",
)


@dataclass
class _Checker:
    errors: dict[str, str] = field(default_factory=dict)

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    def text(
        self,
        data: Mapping[str, Any],
        name: str,
        path: str,
        *,
        required: bool,
        limit: int = MAX_TEXT,
    ) -> str | None:
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(path, "required")
            return None
        if not isinstance(value, str):
            self.fail(path, "must be text")
            return None
        if "\x00" in value:
            self.fail(path, "must not contain NUL characters")
            return None
        if len(value) > limit:
            self.fail(path, f"at most {limit} characters")
            return None
        return value.strip()

    def count(self, data: Mapping[str, Any], name: str, path: str, *, required: bool) -> int | None:
        value = data.get(name)
        if value is None:
            if required:
                self.fail(path, "required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, "must be a whole number")
            return None
        if not 0 <= value <= 10_000_000:
            self.fail(path, "must be between 0 and 10000000")
            return None
        return value

    def amount(
        self, data: Mapping[str, Any], name: str, path: str, *, required: bool, signed: bool
    ) -> Decimal | None:
        value = data.get(name)
        if value is None or value == "":
            if required:
                self.fail(path, "required")
            return None
        if isinstance(value, bool) or not isinstance(value, Decimal | int | str | float):
            self.fail(path, 'must be an amount in yuan, e.g. "1234.50"')
            return None
        try:
            # A float is read as it prints (1234.5 → 1234.5), never as its binary value.
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.fail(path, f"not an amount: {value!r}")
            return None
        if not number.is_finite():
            self.fail(path, "must be a finite amount")
            return None
        exponent = number.as_tuple().exponent
        if (
            isinstance(exponent, int)
            and exponent < -2
            and number != number.quantize(Decimal("0.01"))
        ):
            self.fail(path, "at most two decimals (fen)")
            return None
        if not signed and number < 0:
            self.fail(path, "cannot be negative")
            return None
        if abs(number) > MAX_AMOUNT:
            self.fail(path, f"at most {MAX_AMOUNT} yuan")
            return None
        return number.quantize(Decimal("0.01"))

    def items(
        self,
        data: Mapping[str, Any],
        name: str,
        required_keys: tuple[str, ...],
        optional_keys: tuple[str, ...],
        *,
        at_least: int,
    ) -> list[dict[str, Any]] | None:
        value = data.get(name)
        if value is None:
            self.fail(name, "required")
            return None
        if not isinstance(value, list):
            self.fail(name, "must be a list")
            return None
        if len(value) < at_least:
            self.fail(name, f"at least {at_least} required")
            return None
        if len(value) > MAX_ITEMS:
            self.fail(name, f"at most {MAX_ITEMS} entries")
            return None
        known = set(required_keys) | set(optional_keys)
        cleaned: list[dict[str, Any]] = []
        for index, item in enumerate(value):
            where = f"{name}[{index}]"
            if not isinstance(item, Mapping):
                self.fail(where, "must be an object")
                continue
            for key in sorted(set(item) - known):
                self.fail(f"{where}.{key}", "unknown field")
            entry: dict[str, Any] = {}
            for key in required_keys:
                entry[key] = self.text(item, key, f"{where}.{key}", required=True, limit=500)
            for key in optional_keys:
                if key == "date":
                    entry[key] = self.day(item, key, f"{where}.{key}")
                else:
                    entry[key] = self.text(item, key, f"{where}.{key}", required=False)
            cleaned.append(entry)
        return cleaned

    def day(self, data: Mapping[str, Any], name: str, path: str) -> str | None:
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            self.fail(path, "must be a date, YYYY-MM-DD")
            return None


def check_contents(
    contents: Mapping[str, Any] | None, kind: OrganisationKind | str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The report's column values, and the problems found (empty when it is valid).

    Required of every report: compliance statement, activities (a list, maybe empty),
    staff count, officers (at least one), and finances: income, expenditure, net assets
    and donations received. Foundations also give grants made and the audit opinion.
    """
    check = _Checker()
    if not isinstance(contents, Mapping):
        check.fail("contents", "must be an object")
        return {}, check.errors
    for name in sorted(set(contents) - TOP_LEVEL):
        check.fail(name, "unknown field")
    foundation = OrganisationKind(kind) is OrganisationKind.FOUNDATION
    values: dict[str, Any] = {
        "compliance_statement": check.text(
            contents, "compliance_statement", "compliance_statement", required=True
        ),
        "registration_changes": check.text(
            contents, "registration_changes", "registration_changes", required=False
        ),
        "staff_count": check.count(contents, "staff_count", "staff_count", required=True),
        "volunteer_count": check.count(
            contents, "volunteer_count", "volunteer_count", required=False
        ),
        "branch_count": check.count(contents, "branch_count", "branch_count", required=False) or 0,
        "party_building": check.text(contents, "party_building", "party_building", required=False),
    }
    activities = check.items(
        contents, "activities", ("title",), ("date", "description"), at_least=0
    )
    officers = check.items(contents, "officers", ("name", "position"), (), at_least=1)
    values["activities"] = json.dumps(activities or [], ensure_ascii=False)
    values["officers"] = json.dumps(officers or [], ensure_ascii=False)

    finances = contents.get("finances")
    if not isinstance(finances, Mapping):
        check.fail("finances", "required" if finances is None else "must be an object")
        finances = {}
    for name in sorted(set(finances) - FINANCES):
        check.fail(f"finances.{name}", "unknown field")
    for name in ("income", "expenditure", "net_assets", "donations_received"):
        values[name] = check.amount(
            finances, name, f"finances.{name}", required=True, signed=name not in NON_NEGATIVE
        )
    for name in ("domestic_donations", "foreign_donations"):
        values[name] = check.amount(
            finances, name, f"finances.{name}", required=False, signed=False
        )
    values["grants_made"] = check.amount(
        finances, "grants_made", "finances.grants_made", required=foundation, signed=False
    )
    values["audit_opinion"] = check.text(
        finances, "audit_opinion", "finances.audit_opinion", required=foundation, limit=200
    )
    return values, dict(sorted(check.errors.items()))


def contents_of(report: Any) -> dict[str, Any]:
    """A stored report's contents in the shape check_contents takes them."""
    return {
        "compliance_statement": report.compliance_statement,
        "registration_changes": report.registration_changes,
        "activities": [
            {**item, "date": date.fromisoformat(item["date"]) if item.get("date") else None}
            for item in json.loads(report.activities or "[]")
        ],
        "staff_count": report.staff_count,
        "volunteer_count": report.volunteer_count,
        "officers": json.loads(report.officers or "[]"),
        "branch_count": report.branch_count,
        "finances": {
            "income": report.income,
            "expenditure": report.expenditure,
            "net_assets": report.net_assets,
            "donations_received": report.donations_received,
            "domestic_donations": report.domestic_donations,
            "foreign_donations": report.foreign_donations,
            "grants_made": report.grants_made,
            "audit_opinion": report.audit_opinion,
        },
        "party_building": report.party_building,
    }

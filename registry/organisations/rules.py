"""Pure rules of registration: allowed status transitions, field values, rebuilding the past.

Nothing here touches the database or the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from registry.organisations.models import (
    ChangeType,
    Fundraising,
    OrganisationKind,
    OrganisationStatus,
)

S = OrganisationStatus

#: status → the statuses it may move to. Deregistration is final; a revocation or a
#: certificate cancellation can be undone by an administrative review or a court.
TRANSITIONS: Mapping[OrganisationStatus, frozenset[OrganisationStatus]] = {
    S.ACTIVE: frozenset({S.DEREGISTERED, S.REVOKED, S.CERTIFICATE_CANCELLED}),
    S.REVOKED: frozenset({S.ACTIVE}),
    S.CERTIFICATE_CANCELLED: frozenset({S.ACTIVE}),
    S.DEREGISTERED: frozenset(),
}


def allowed_next(status: OrganisationStatus) -> list[str]:
    return sorted(s.value for s in TRANSITIONS[status])


def may_transition(current: OrganisationStatus, target: OrganisationStatus) -> bool:
    return target in TRANSITIONS[current]


#: registered fields an officer changes through a change of registration (变更登记),
#: with the type their values take
CHANGEABLE_FIELDS: Mapping[str, type] = {
    "name": str,
    "name_en": str,
    "supervisory_unit": str,
    "legal_representative": str,
    "registered_funds": Decimal,
    "domicile": str,
    "domicile_division_code": str,
    "business_scope": str,
    "certificate_issued_on": date,
    "certificate_valid_until": date,
    "fundraising": Fundraising,
}

#: fields written by status events and charity decisions, also rebuilt as of a date
STATUS_FIELDS: Mapping[str, type] = {
    "status": OrganisationStatus,
    "status_date": date,
    "status_reason": str,
    "is_charity": bool,
    "charity_recognised_on": date,
}

FIELD_TYPES: Mapping[str, type] = {**CHANGEABLE_FIELDS, **STATUS_FIELDS}

REQUIRED_FIELDS = frozenset(
    {
        "name",
        "legal_representative",
        "registered_funds",
        "domicile",
        "domicile_division_code",
        "business_scope",
        "certificate_issued_on",
    }
)


def encode(value: Any) -> str | None:
    """A field value as the text kept in a change record."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.01")), "f")
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


def decode(field: str, text: str | None) -> Any:
    if text is None:
        return None
    kind = FIELD_TYPES[field]
    if kind is bool:
        return text == "true"
    if kind is date:
        return date.fromisoformat(text)
    if kind is Decimal:
        return Decimal(text)
    if kind is str:
        return text
    return kind(text)


def coerce(field: str, value: Any) -> Any:
    """Check and convert a proposed value; raise ValueError with a plain message."""
    if field not in CHANGEABLE_FIELDS:
        raise ValueError(f"{field} cannot be changed by a change of registration")
    if value is None or (isinstance(value, str) and not value.strip()):
        if field in REQUIRED_FIELDS:
            raise ValueError(f"{field} is required")
        return None
    kind = CHANGEABLE_FIELDS[field]
    if kind is str:
        if not isinstance(value, str):
            raise ValueError(f"{field} must be text")
        return value.strip()
    if kind is date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"{field} must be a date (YYYY-MM-DD), found {value!r}") from None
    if kind is Decimal:
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"{field} must be an amount in yuan, found {value!r}") from None
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e14"):
            raise ValueError(f"{field} must be between 0 and 99,999,999,999,999.99 yuan")
        return amount.quantize(Decimal("0.01"))
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(m.value for m in kind)
        raise ValueError(f"{field} must be one of {choices}, found {value!r}") from None


def check_fundraising(kind: OrganisationKind, fundraising: Fundraising | None) -> None:
    if kind is OrganisationKind.FOUNDATION and fundraising is None:
        raise ValueError("a foundation must be public-fundraising or non-public-fundraising")
    if kind is not OrganisationKind.FOUNDATION and fundraising is not None:
        raise ValueError("only foundations are public- or non-public-fundraising")


@dataclass(frozen=True)
class PastChange:
    """What as_of needs of a change record."""

    id: int
    change_type: ChangeType
    field: str
    old_value: str | None
    new_value: str | None
    effective_on: date


def as_of(
    current: Mapping[str, Any], founded_on: date, changes: Iterable[PastChange], day: date
) -> dict[str, Any] | None:
    """The registered fields as they stood at the end of `day`.

    Starts from the current values and undoes, newest first, every change that took
    effect after that day. None when the organisation was not yet registered.
    """
    if day < founded_on:
        return None
    state = dict(current)
    later = [
        c for c in changes if c.effective_on > day and c.change_type is not ChangeType.REGISTRATION
    ]
    for change in sorted(later, key=lambda c: (c.effective_on, c.id), reverse=True):
        if change.field in FIELD_TYPES:
            state[change.field] = decode(change.field, change.old_value)
    return state

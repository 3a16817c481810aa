"""The checks of charity trust filings and reports, and the values they file.

Plain functions over the request and the loaded trust, none of them querying the database:
each check adds its problems, by field, to a `_Problems` that the service raises together.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from registry.authorities.models import RegistrationAuthority
from registry.charities.listing import normalise
from registry.charities.models import (
    CharitableField,
    CharityTrust,
    PartyKind,
    PartyRole,
    TrustField,
    TrustFiling,
    TrustParty,
)
from registry.charities.public import trust_record
from registry.errors import InvalidRecord
from registry.organisations import uscc
from registry.organisations.models import Organisation

#: Numeric(18, 2): sixteen digits of yuan
AMOUNT_LIMIT = Decimal(10**16)
CENT = Decimal("0.01")
NAME_LIMIT = 300
TEXT_LIMIT = 2000
SETTLOR_KINDS = (PartyKind.ORGANISATION, PartyKind.PERSON)


@dataclass(frozen=True)
class _Party:
    kind: PartyKind
    uscc: str | None
    name: str
    organisation: Organisation | None = None

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.kind.value, self.uscc, self.name)


class _Problems:
    """Every problem of a request, by field, raised together."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, message)

    def raise_any(self, what: str) -> None:
        if self.errors:
            listed = "; ".join(f"{key}: {message}" for key, message in self.errors.items())
            raise InvalidRecord(f"{what}: {listed}", errors=dict(self.errors))


# -- checks --------------------------------------------------------------------------------


def _get(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


def _text(
    p: _Problems, key: str, value: Any, limit: int = NAME_LIMIT, required: bool = True
) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        p.add(key, "text")
    elif not text:
        if required:
            p.add(key, "required")
    elif len(text) > limit:
        p.add(key, f"at most {limit} characters")
    return text or None


def _amount(p: _Problems, key: str, value: Any, *, positive: bool) -> Decimal | None:
    """Yuan, exact to the fen: a Decimal, an integer or text, never a float."""
    if value is None or isinstance(value, bool | float):
        p.add(key, "an exact number of yuan (a decimal or text), required")
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        p.add(key, f"a number of yuan, not {value!r}")
        return None
    if not amount.is_finite() or not -AMOUNT_LIMIT < amount < AMOUNT_LIMIT:
        p.add(key, f"out of range: at most {AMOUNT_LIMIT - CENT} yuan")
    elif amount != amount.quantize(CENT):
        p.add(key, "at most two decimal places (fen)")
    elif positive and amount <= 0:
        p.add(key, "must be more than 0")
    elif amount < 0:
        p.add(key, "must not be negative")
    else:
        return amount.quantize(CENT)
    return None


def _fields(p: _Problems, values: Any) -> list[CharitableField]:
    if not values or isinstance(values, str):
        p.add("fields", "at least one charitable field")
        return []
    names = ", ".join(f.value for f in CharitableField)
    found: list[CharitableField] = []
    for i, value in enumerate(values):
        try:
            member = CharitableField(value)
        except ValueError:
            p.add(f"fields.{i}", f"one of {names}")
            continue
        if member in found:
            p.add(f"fields.{i}", f"{member.value} is listed twice")
        found.append(member)
    return found


def _kind(p: _Problems, key: str, value: Any, allowed: tuple[PartyKind, ...]) -> PartyKind | None:
    try:
        kind = PartyKind(value)
    except ValueError:
        kind = None
    if kind not in allowed:
        p.add(key, f"one of {', '.join(k.value for k in allowed)}")
        return None
    return kind


def _code(p: _Problems, key: str, label: str, value: Any, required: bool = False) -> str | None:
    """A credit code of any issuer, normalised; its problems named by position."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            p.add(key, f"{label}'s credit code is required")
        return None
    if not isinstance(value, str):
        p.add(key, "text")
        return None
    code, problems = uscc.check_any(value)
    if problems:
        p.add(key, f"{label}'s credit code {code} is not valid: {'; '.join(problems)}")
        return None
    return code


def _settlors(p: _Problems, items: Any) -> list[_Party]:
    if not items:
        p.add("settlors", "at least one settlor: an organisation or a person")
        return []
    parties = []
    for i, item in enumerate(items):
        key, label = f"settlors.{i}", f"settlor {i + 1}"
        kind = _kind(p, f"{key}.kind", _get(item, "kind"), SETTLOR_KINDS)
        name = _text(p, f"{key}.name", _get(item, "name"))
        code = None
        if kind is PartyKind.PERSON:
            if _get(item, "uscc") not in (None, ""):
                p.add(f"{key}.uscc", f"{label} is a person: persons are filed by name only")
        elif kind is PartyKind.ORGANISATION:
            code = _code(p, f"{key}.uscc", label, _get(item, "uscc"), required=True)
        if kind and name and (kind is PartyKind.PERSON or code):
            parties.append(_Party(kind, code, name))
    return parties


def _term(p: _Problems, value: Any, signed_on: date | None) -> date | None:
    if value is None:
        return None
    if not isinstance(value, date):
        p.add("term_ends_on", "a date")
        return None
    if signed_on and value <= signed_on:
        p.add("term_ends_on", f"must be after the contract was signed ({signed_on.isoformat()})")
    return value


def _supervisor(p: _Problems, name: str | None, code: str | None) -> None:
    if code and not name:
        p.add("supervisor_name", "required with supervisor_uscc")


def _not_before(p: _Problems, key: str, day: date | None, start: date | None, what: str) -> None:
    if day and start and day < start:
        p.add(key, f"{day.isoformat()} is before {what} ({start.isoformat()})")


def _last_filed(trust: CharityTrust) -> date | None:
    """Filings are kept in the order they were filed: none is dated before the last."""
    return max((f.filed_on for f in trust.filings), default=None)


def _trustee_place(p: _Problems, authority: RegistrationAuthority, trustees: list[_Party]) -> None:
    """Filed where the trustee is: with a charity trustee, its registration authority; with
    trust companies only, the officer's authority is taken as the trustee's place."""
    charities = [t.organisation for t in trustees if t.organisation is not None]
    if charities and authority.id not in {o.authority_id for o in charities}:
        places = sorted({(o.authority.code, o.authority.name) for o in charities})
        where = " or ".join(f"{code} {name}" for code, name in places)
        p.add(
            "trustees",
            f"file with the civil-affairs department where the trustee is: {where} "
            f"(not {authority.code} {authority.name})",
        )


def _report_year(p: _Problems, trust: CharityTrust, year: int, submitted_on: date) -> None:
    if year >= submitted_on.year:
        p.add(
            "year",
            f"a year is reported once it has ended: on {submitted_on.isoformat()} the latest "
            f"is {submitted_on.year - 1}",
        )
    elif year < trust.signed_on.year:
        p.add("year", f"the trust was established in {trust.signed_on.year}, after {year}")
    elif trust.terminated_on and year > trust.terminated_on.year:
        p.add(
            "year",
            f"the trust terminated on {trust.terminated_on.isoformat()}: no report on a later year",
        )


# -- values ----------------------------------------------------------------------------------


def _apply(trust: CharityTrust, key: str, value: Any) -> None:
    if key == "fields":
        for row in [row for row in trust.fields if row.field not in value]:
            trust.fields.remove(row)
        held = {row.field for row in trust.fields}
        trust.fields.extend(TrustField(field=f) for f in value if f not in held)
    elif key in ("trustees", "settlors"):
        _set_parties(trust, PartyRole.TRUSTEE if key == "trustees" else PartyRole.SETTLOR, value)
    else:
        setattr(trust, key, value)


def _set_parties(trust: CharityTrust, role: PartyRole, parties: list[_Party]) -> None:
    for old in [x for x in trust.parties if x.role is role]:
        trust.parties.remove(old)
    for position, party in enumerate(parties):
        trust.parties.append(
            TrustParty(
                role=role,
                kind=party.kind,
                uscc=party.uscc,
                name=party.name,
                organisation=party.organisation,
                position=position,
            )
        )


def _party_of(row: TrustParty) -> _Party:
    return _Party(row.kind, row.uscc, row.name, row.organisation)


def _current(trust: CharityTrust, key: str) -> Any:
    if key == "fields":
        return [row.field for row in trust.fields]
    if key in ("trustees", "settlors"):
        role = PartyRole.TRUSTEE if key == "trustees" else PartyRole.SETTLOR
        rows = sorted((x for x in trust.parties if x.role is role), key=lambda x: x.position)
        return [_party_of(row) for row in rows]
    return getattr(trust, key)


def _comparable(value: Any) -> Any:
    if isinstance(value, list):
        items = [x.key if isinstance(x, _Party) else x.value for x in value]
        # the fields are a set; the parties' order is filed (the first trustee leads)
        return items if value and isinstance(value[0], _Party) else sorted(items)
    return value


def _as_text(key: str, value: Any) -> str | None:
    """A changed value as the filing lists it: as the trust's public record shows it."""
    if value is None:
        return None
    if key == "fields":
        return ",".join(sorted(f.value for f in value))
    if key == "trustees":
        return "; ".join(f"{x.name} ({x.uscc})" if x.uscc else x.name for x in value)
    if key == "settlors":
        return "; ".join(x.name for x in value)
    if isinstance(value, Decimal):
        return format(value.quantize(CENT), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _search_text(trust: CharityTrust) -> str:
    words = [trust.name]
    for party in trust.parties:
        words += [party.name, party.uscc or ""]
    return normalise(" ".join(words))


def _audited(filing: TrustFiling) -> dict[str, Any]:
    """What the audit trail keeps: the public record, the settlors' codes, the filing."""
    trust = filing.trust
    return {
        **trust_record(trust),
        "settlor_usccs": [x.uscc for x in trust.parties if x.role is PartyRole.SETTLOR],
        "filing": {
            "kind": filing.kind.value,
            "event_on": filing.event_on.isoformat(),
            "filed_on": filing.filed_on.isoformat(),
            "days_after": filing.days_after,
            "filed_late": filing.filed_late,
            "changes": json.loads(filing.changes),
            "summary": filing.summary,
            "notes": filing.notes,
        },
    }

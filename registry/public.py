"""What the public sees of a record: field names, types and descriptions, shared by the API,
the bulk files, the change feed and the pages, so that a field has one name everywhere."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

FieldType = Literal["string", "integer", "number", "boolean", "date", "datetime"]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: FieldType
    description: str
    description_zh: str
    nullable: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "nullable": self.nullable,
            "description": self.description,
            "description_zh": self.description_zh,
        }


#: never published, whatever a later model adds: identity numbers, private contacts,
#: officers' notes, secrets
FORBIDDEN = re.compile(
    r"(id_?card|id_?number|identity|passport|phone|mobile|email|note|password|token|secret|hash)",
    re.IGNORECASE,
)


def plain(value: Any) -> Any:
    """A value as JSON carries it: dates as ISO text, amounts as numbers, enums by value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        # SQLite hands back naive datetimes; the register writes them all in UTC.
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def public_record(specs: tuple[FieldSpec, ...], row: Any, **derived: Any) -> dict[str, Any]:
    """The record in `specs`' field order: values from `row` (a mapping of column values),
    then the `derived` ones (joined names), all as JSON carries them."""
    values = {spec.name: row.get(spec.name) for spec in specs}
    values.update(derived)
    return {key: plain(value) for key, value in values.items()}


def text(value: Any) -> str:
    """A value as a CSV cell carries it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.01")), "f")
    if isinstance(value, float):
        return format(Decimal(str(value)).quantize(Decimal("0.01")), "f")
    return str(plain(value))


def labelled(fields: tuple[FieldSpec, ...], columns: Mapping[str, Any]) -> list[Any]:
    """One column per field, labelled with its name, in field order (for the queries of
    the lists and the bulk files); a field without a column is a KeyError here."""
    return [columns[spec.name].label(spec.name) for spec in fields]

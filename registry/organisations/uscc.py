"""Unified social credit codes (统一社会信用代码, GB 32100-2015) of social organisations.

Pure functions: no database, no Flask. Division codes are checked through an optional
callback so that callers decide where the register of divisions lives.

Layout of the 18 characters::

    5 1 100000 50000286 2 F
    | |   |       |     | +- pos 18: check character over pos 1-17 (mod 31)
    | |   |       |     +--- pos 17: organisation-code check over pos 9-16 (GB 11714, mod 11)
    | |   |       +--------- pos 9-16: organisation code body
    | |   +----------------- pos 3-8: GB/T 2260 division of the registering authority
    | +--------------------- pos 2: organisation type
    +----------------------- pos 1: registration authority (5 = civil affairs)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from registry import errors

__all__ = [
    "CHARSET",
    "KIND_TYPE_CODES",
    "NATIONAL_DIVISION",
    "SERIAL_LIMIT",
    "TYPE_NAMES",
    "InvalidUscc",
    "UsccParts",
    "UsccResult",
    "check_any",
    "check_character_18",
    "generate",
    "organisation_code_check",
    "parse",
    "validate",
]

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FORBIDDEN_LETTERS = "IOSVZ"
CIVIL_AFFAIRS = "5"
NATIONAL_DIVISION = "100000"
KIND_TYPE_CODES = {"social_group": "1", "social_service_agency": "2", "foundation": "3"}
OTHER_TYPE_CODE = "9"
TYPE_NAMES = {
    "1": "social_group",
    "2": "social_service_agency",
    "3": "foundation",
    OTHER_TYPE_CODE: "other",
}
#: generate() accepts serials in range(SERIAL_LIMIT): eight base-31 digits
SERIAL_LIMIT = 31**8

_TYPE_LABELS = {
    "1": "social group",
    "2": "social service agency",
    "3": "foundation",
    OTHER_TYPE_CODE: "other",
}
_TYPE_PHRASES = {
    "1": "a social group",
    "2": "a social service agency",
    "3": "a foundation",
    OTHER_TYPE_CODE: "of another type",
}
_KIND_CODES = {**KIND_TYPE_CODES, "other": OTHER_TYPE_CODE}

# GB 11714 values the full alphabet (A=10 ... Z=35), unlike the 31-character set.
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_WEIGHTS_17 = (3, 7, 9, 10, 5, 8, 4, 2)
_WEIGHTS_18 = tuple(pow(3, i, 31) for i in range(17))
# Per-position char -> weight * value tables: summing dict lookups through map() keeps
# validate() fast enough for bulk imports of a million codes.
_TABLE_17 = tuple({c: w * v for v, c in enumerate(_ALNUM)} for w in _WEIGHTS_17)
_TABLE_18 = tuple({c: w * v for v, c in enumerate(CHARSET)} for w in _WEIGHTS_18)
# Indexed by sum mod 11: r = 11 - m, with r = 11 -> 0 and r = 10 -> X.
_CHECK_17 = "0X987654321"
_PAIRS = tuple(a + b for a in CHARSET for b in CHARSET)
_PAIR_COUNT = len(_PAIRS)
_lookup = dict.__getitem__


@dataclass(frozen=True, slots=True)
class UsccParts:
    """The fields of a valid code."""

    authority_code: str
    type_code: str
    #: "social_group", "social_service_agency", "foundation" or "other"
    type_name: str
    division_code: str
    #: positions 9-17: the GB 11714 organisation code including its own check character
    organisation_code: str
    organisation_code_check: str
    check_character: str

    def as_dict(self) -> dict[str, str]:
        return {
            "authority_code": self.authority_code,
            "type_code": self.type_code,
            "type_name": self.type_name,
            "division_code": self.division_code,
            "organisation_code": self.organisation_code,
            "organisation_code_check": self.organisation_code_check,
            "check_character": self.check_character,
        }


@dataclass(frozen=True, slots=True)
class UsccResult:
    """Outcome of validate(); parts is set only when the code is valid."""

    code: str
    valid: bool
    errors: list[str]
    warnings: list[str]
    parts: UsccParts | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "valid": self.valid,
            "errors": list(self.errors),
            "warnings": list(self.warnings),
            "parts": self.parts.as_dict() if self.parts is not None else None,
        }


class InvalidUscc(errors.InvalidUscc, ValueError):
    """Raised by parse(); a ValueError, and the register's domain error for the web layer."""

    def __init__(self, result: UsccResult) -> None:
        message = f"invalid unified social credit code {result.code!r}: " + "; ".join(result.errors)
        super().__init__(message, code=result.code, errors=list(result.errors))
        self.result = result


def check_character_18(first17: str) -> str:
    """Position 18 for the given positions 1-17 (all from CHARSET)."""
    if len(first17) != 17 or first17.strip(CHARSET):
        raise ValueError(f"need 17 characters from {CHARSET}, got {first17!r}")
    return CHARSET[-sum(map(_lookup, _TABLE_18, first17)) % 31]


def organisation_code_check(eight: str) -> str:
    """Position 17: the GB 11714 check character over positions 9-16."""
    if len(eight) != 8 or eight.strip(_ALNUM):
        raise ValueError(f"need 8 characters from 0-9 and A-Z, got {eight!r}")
    return _CHECK_17[sum(map(_lookup, _TABLE_17, eight)) % 11]


def check_any(code: str) -> tuple[str, list[str]]:
    """A code of any issuer (a trust company's starts with 9, market regulation): the
    normalised code and the problems with its length, characters and two check
    characters; the issuer, type and division are not checked."""
    normalised = unicodedata.normalize("NFKC", code or "").strip().upper()
    if len(normalised) != 18:
        return normalised, [f"must be 18 characters, found {len(normalised)}"]
    problems = [_charset_error(i, c) for i, c in enumerate(normalised, 1) if c not in CHARSET]
    if problems:
        return normalised, problems
    body = normalised[8:16]
    if not body.strip(_ALNUM):
        expected = organisation_code_check(body)
        if normalised[16] != expected:
            problems.append(f"position 17 should be {expected}, found {normalised[16]}")
    expected = check_character_18(normalised[:17])
    if normalised[17] != expected:
        problems.append(f"position 18 should be {expected}, found {normalised[17]}")
    return normalised, problems


def _type_code_for(kind: str) -> str:
    try:
        return _KIND_CODES[kind]
    except KeyError:
        raise ValueError(
            f"unknown organisation kind {kind!r}; expected one of {', '.join(_KIND_CODES)}"
        ) from None


def _charset_error(position: int, char: str) -> str:
    if char in FORBIDDEN_LETTERS:
        why = "the letters I, O, S, V and Z are never used"
    else:
        why = "only digits and capital letters other than I, O, S, V and Z are used"
    return f"position {position}: {char!r} is not allowed ({why})"


def validate(
    code: str,
    *,
    kind: str | None = None,
    division_status: Callable[[str], str | None] | None = None,
) -> UsccResult:
    """Check a code and report every problem found, each naming its position.

    kind, when given, must agree with position 2. division_status, when given, is asked
    about positions 3-8 (except the national 100000) and answers "current", "abolished"
    (a warning only: a code is kept for life) or None for unknown (an error).
    When the length is wrong only the characters are checked, since positions shift.
    """
    expected_type = _type_code_for(kind) if kind is not None else None
    normalised = unicodedata.normalize("NFKC", code).strip().upper()
    errors: list[str] = []
    warnings: list[str] = []

    length = len(normalised)
    if length != 18:
        errors.append(f"must be 18 characters, found {length}")
    in_charset = not normalised.strip(CHARSET)
    if not in_charset:
        for position, char in enumerate(normalised, 1):
            if char not in _TABLE_18[0]:
                errors.append(_charset_error(position, char))
    if length != 18:
        return UsccResult(normalised, False, errors, warnings, None)

    authority = normalised[0]
    if authority != CIVIL_AFFAIRS:
        errors.append(f"position 1 should be {CIVIL_AFFAIRS} (civil affairs), found {authority}")

    type_code = normalised[1]
    if type_code not in TYPE_NAMES:
        errors.append(
            "position 2 should be 1 (social group), 2 (social service agency), "
            f"3 (foundation) or 9 (other), found {type_code}"
        )
    elif expected_type is not None and type_code != expected_type:
        errors.append(
            f"position 2 is {type_code} ({_TYPE_LABELS[type_code]}) but the organisation "
            f"is {_TYPE_PHRASES[expected_type]} ({expected_type})"
        )

    division = normalised[2:8]
    if not (division.isascii() and division.isdigit()):
        errors.append(
            f"positions 3–8 should be a 6-digit division code (GB/T 2260), found {division}"
        )
    elif division != NATIONAL_DIVISION and division_status is not None:
        status = division_status(division)
        if status == "abolished":
            warnings.append(
                f"positions 3–8: division {division} has been abolished since; "
                "the code stays valid for life"
            )
        elif status != "current":
            errors.append(f"positions 3–8: unknown division code {division}")

    body = normalised[8:16]
    if not body.strip(_ALNUM):
        expected = _CHECK_17[sum(map(_lookup, _TABLE_17, body)) % 11]
        if normalised[16] != expected:
            errors.append(f"position 17 should be {expected}, found {normalised[16]}")

    first17 = normalised[:17]
    if in_charset or not first17.strip(CHARSET):
        expected = CHARSET[-sum(map(_lookup, _TABLE_18, first17)) % 31]
        if normalised[17] != expected:
            errors.append(f"position 18 should be {expected}, found {normalised[17]}")

    if errors:
        return UsccResult(normalised, False, errors, warnings, None)
    parts = UsccParts(
        authority,
        type_code,
        TYPE_NAMES[type_code],
        division,
        normalised[8:17],
        normalised[16],
        normalised[17],
    )
    return UsccResult(normalised, True, errors, warnings, parts)


def parse(
    code: str,
    *,
    kind: str | None = None,
    division_status: Callable[[str], str | None] | None = None,
) -> UsccParts:
    """The parts of a valid code; raises InvalidUscc (a ValueError) otherwise."""
    result = validate(code, kind=kind, division_status=division_status)
    if result.parts is None:
        raise InvalidUscc(result)
    return result.parts


def generate(division_code: str, kind: str, serial: int) -> str:
    """A valid code for the serial; distinct serials give distinct codes.

    Positions 9-16 are the serial as eight base-31 digits over CHARSET, so serials run
    from 0 to SERIAL_LIMIT - 1 (31**8 - 1) and every generated character is in CHARSET.
    """
    type_code = _type_code_for(kind)
    if not (
        isinstance(division_code, str)
        and len(division_code) == 6
        and division_code.isascii()
        and division_code.isdigit()
    ):
        raise ValueError(f"division code must be 6 digits, got {division_code!r}")
    if isinstance(serial, bool) or not isinstance(serial, int):
        raise TypeError(f"serial must be an int, got {type(serial).__name__}")
    if not 0 <= serial < SERIAL_LIMIT:
        raise ValueError(f"serial must be in 0..{SERIAL_LIMIT - 1}, got {serial}")

    rest, d = divmod(serial, _PAIR_COUNT)
    rest, c = divmod(rest, _PAIR_COUNT)
    a, b = divmod(rest, _PAIR_COUNT)
    body = _PAIRS[a] + _PAIRS[b] + _PAIRS[c] + _PAIRS[d]
    first17 = (
        CIVIL_AFFAIRS
        + type_code
        + division_code
        + body
        + _CHECK_17[sum(map(_lookup, _TABLE_17, body)) % 11]
    )
    return first17 + CHARSET[-sum(map(_lookup, _TABLE_18, first17)) % 31]

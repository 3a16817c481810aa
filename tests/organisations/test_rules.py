from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from registry.organisations import rules
from registry.organisations.models import ChangeType, OrganisationStatus

S = OrganisationStatus


def test_transitions():
    assert rules.may_transition(S.ACTIVE, S.REVOKED)
    assert not rules.may_transition(S.DEREGISTERED, S.ACTIVE)
    assert rules.allowed_next(S.ACTIVE) == ["certificate_cancelled", "deregistered", "revoked"]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("registered_funds", "30000", Decimal("30000.00")),
        ("certificate_valid_until", "2030-01-31", date(2030, 1, 31)),
        ("supervisory_unit", "", None),
        ("name", " 某某协会 ", "某某协会"),
    ],
)
def test_coerce_accepts(field, value, expected):
    assert rules.coerce(field, value) == expected


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("registered_funds", "-1", "between 0"),
        ("registered_funds", "NaN", "between 0"),
        ("registered_funds", "1e20", "between 0"),
        ("certificate_valid_until", "2030-02-30", "YYYY-MM-DD"),
        ("name", None, "required"),
        ("fundraising", "sometimes", "one of public, non_public"),
        ("uscc", "x", "cannot be changed"),
    ],
)
def test_coerce_refuses_with_a_message(field, value, message):
    with pytest.raises(ValueError, match=message):
        rules.coerce(field, value)


def test_encode_decode_round_trip():
    for field, value in [
        ("registered_funds", Decimal("12.50")),
        ("status", S.REVOKED),
        ("is_charity", True),
        ("status_date", date(2020, 2, 29)),
        ("name", "名称"),
        ("status_reason", None),
    ]:
        assert rules.decode(field, rules.encode(value)) == value


def test_as_of_undoes_later_changes_newest_first():
    changes = [
        rules.PastChange(1, ChangeType.REGISTRATION, "uscc", None, "X", date(2010, 1, 1)),
        rules.PastChange(2, ChangeType.CHANGE, "name", "甲", "乙", date(2012, 1, 1)),
        rules.PastChange(3, ChangeType.CHANGE, "name", "乙", "丙", date(2012, 1, 1)),
        rules.PastChange(4, ChangeType.CHANGE, "name", "丙", "丁", date(2015, 1, 1)),
    ]
    current = {"name": "丁"}
    assert rules.as_of(current, date(2010, 1, 1), changes, date(2009, 12, 31)) is None
    assert rules.as_of(current, date(2010, 1, 1), changes, date(2011, 1, 1)) == {"name": "甲"}
    assert rules.as_of(current, date(2010, 1, 1), changes, date(2012, 1, 1)) == {"name": "丙"}
    assert rules.as_of(current, date(2010, 1, 1), changes, date(2020, 1, 1)) == {"name": "丁"}

"""Factories for the organisations domain: valid defaults, any field overridden."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from registry.organisations.models import OrganisationKind
from registry.organisations.services import Registration

_serial = itertools.count(1)


def registration(**overrides: Any) -> Registration:
    n = next(_serial)
    values: dict[str, Any] = {
        "name": f"南京市玄武区第{n}社区养老服务中心",
        "kind": OrganisationKind.SOCIAL_SERVICE_AGENCY,
        "authority_code": "320102",
        "legal_representative": "王明",
        "registered_funds": Decimal("30000"),
        "domicile": "南京市玄武区中山路1号",
        "domicile_division_code": "320102",
        "business_scope": "为老年人提供日间照料、助餐和康复服务",
        "founded_on": date(2015, 3, 2),
    }
    values.update(overrides)
    return Registration(**values)


def foundation(**overrides: Any) -> Registration:
    n = next(_serial)
    values: dict[str, Any] = {
        "name": f"江苏省第{n}教育发展基金会",
        "kind": OrganisationKind.FOUNDATION,
        "fundraising": "non_public",
        "authority_code": "320000",
        "registered_funds": Decimal("4000000"),
        "domicile_division_code": "320102",
    }
    values.update(overrides)
    return registration(**values)

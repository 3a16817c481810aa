"""The statistics page's figures, nationally or within one division: the same functions
/api/v1/stats answers with, shaped for the charts and their tables."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from registry import context
from registry.charities.stats import trust_stats
from registry.errors import NotFound
from registry.extensions import db
from registry.inspections.rules import DueDates
from registry.inspections.stats import yearly_national
from registry.organisations.listing import division_prefix
from registry.organisations.models import OrganisationKind
from registry.organisations.stats import register_stats, subdivision_stats
from registry.web.portal_labels import KIND

NATIONAL = "100000"
_CODE = re.compile(r"[0-9]{6}")


class BadDivision(Exception):
    """The division asked for cannot be shown: the status and what to tell the reader."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def division_asked(value: str | None) -> str:
    """The `division` argument as a code of the table (100000 when absent), or BadDivision:
    400 when it is not six digits, 404 when no division has it."""
    code = (value or "").strip() or NATIONAL
    if not _CODE.fullmatch(code):
        raise BadDivision(400, _("行政区划代码应为六位数字，例如 320000。"))
    try:
        context.divisions().find(code)
    except NotFound:
        raise BadDivision(404, _("没有代码为 %(code)s 的行政区划。", code=code)) from None
    return code


def statistics_figures(code: str) -> dict[str, Any]:
    """The page's figures for the division `code` (checked by division_asked): the charts'
    data, embedded as JSON, and what the headings and the breadcrumb need."""
    prefix = division_prefix(code)
    dues = DueDates.from_settings(context.settings())
    scope = subdivision_stats(db.session, code)
    register = register_stats(db.session, prefix)
    kinds = [kind.value for kind in OrganisationKind]
    path = [] if code == NATIONAL else context.divisions().path(code)
    data = {
        "by_kind": [
            {"kind": kind, "label": _(KIND.get(kind, kind)), "count": count}
            for kind, count in register["by_kind"].items()
        ],
        "by_subdivision": [
            {
                "division_code": row["division_code"],
                "name": row["name"],
                "abolished": row["abolished_on"] is not None,
                "count": row["count"],
                **row["by_kind"],
            }
            for row in scope["by_subdivision"]
        ],
        "participation": yearly_national(db.session, context.clock().today(), dues, prefix),
        "trusts_by_year": trust_stats(db.session, prefix)["by_year"],
    }
    return {
        "data": data,
        "total": register["total"],
        "division": {
            "code": code,
            "name": scope["division_name"],
            "level": scope["division_level"],
            "national": code == NATIONAL,
        },
        "breadcrumb": [(d.code, d.name) for d in path],
        "kinds": [(kind, _(KIND.get(kind, kind))) for kind in kinds],
        "at_division_level": scope["at_division_level"],
    }

"""The statistics page's figures, nationally or within one division: the same functions
/api/v1/stats answers with, shaped for the charts and their tables."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from registry import context
from registry.errors import NotFound
from registry.organisations.models import OrganisationKind
from registry.statistics import NATIONAL, figures
from registry.web.portal_labels import KIND

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
    """The page's figures for the division `code` (checked by division_asked), from the
    same body /api/v1/stats answers: the charts' data, embedded as JSON, and what the
    headings and the breadcrumb need."""
    body = figures(code)
    kinds = [kind.value for kind in OrganisationKind]
    path = [] if code == NATIONAL else context.divisions().path(code)
    data = {
        "by_kind": [
            {"kind": kind, "label": _(KIND.get(kind, kind)), "count": count}
            for kind, count in body["by_kind"].items()
        ],
        "by_subdivision": [
            {
                "division_code": row["division_code"],
                "name": row["name"],
                "abolished": row["abolished_on"] is not None,
                "count": row["count"],
                **row["by_kind"],
            }
            for row in body["by_subdivision"]
        ],
        "participation": body["inspections"],
        "trusts_by_year": body["charity_trusts"]["by_year"],
    }
    return {
        "data": data,
        "total": body["total"],
        "division": {
            "code": code,
            "name": body["division_name"],
            "level": body["division_level"],
            "national": code == NATIONAL,
        },
        "breadcrumb": [(d.code, d.name) for d in path],
        "kinds": [(kind, _(KIND.get(kind, kind))) for kind in kinds],
        "at_division_level": body["at_division_level"],
    }

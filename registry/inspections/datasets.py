"""The inspections bulk dataset: every annual report's public record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from registry.exports.datasets import Dataset, register
from registry.inspections.listing import inspection_query
from registry.inspections.public import INSPECTION_FIELDS
from registry.inspections.rules import DEFAULT_DUES, DueDates


def _dues() -> DueDates:
    """The app's due dates when there is an app (exports run in one), else the defaults."""
    from flask import current_app, has_app_context

    if has_app_context() and "registry.settings" in current_app.extensions:
        return DueDates.from_settings(current_app.extensions["registry.settings"])
    return DEFAULT_DUES


def _inspections() -> Select[Any]:
    return inspection_query(_dues())


register(
    Dataset(
        "inspections",
        "Annual inspections",
        "社会组织年检结果",
        "Every annual report received: the year, when it was received and due, whether it "
        "was late, the inspection's conclusion with its reasons, and any order to correct.",
        INSPECTION_FIELDS,
        _inspections,
        "/api/v1/inspections",
    )
)

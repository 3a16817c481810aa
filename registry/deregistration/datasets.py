"""The public trail's bulk datasets: notices, decisions and the at-risk list.

`notices` has one row per notice and organisation named, the notice's columns repeated:
a flat table whose every column is typed (each organisation's `responded_on` a date),
filterable and joinable on `uscc` with the organisations dataset, as CSV and Parquet
readers expect. The organisations joined into one text cell would need a second parser,
lose the per-organisation dates, and break at a name holding the separator.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from registry.deregistration.listing import at_risk_query, decision_rows, notice_listing_rows
from registry.deregistration.public import AT_RISK_FIELDS, DECISION_FIELDS, NOTICE_LISTING_FIELDS
from registry.deregistration.rules import DEFAULT_RULES, DormantRules
from registry.exports.datasets import Dataset, register


def _rules() -> DormantRules:
    """The app's settings when there is an app (exports run in one), else the defaults."""
    from flask import current_app, has_app_context

    if has_app_context() and "registry.settings" in current_app.extensions:
        return DormantRules.from_settings(current_app.extensions["registry.settings"])
    return DEFAULT_RULES


def _at_risk() -> Select[Any]:
    # The bulk file lists what /api/v1/at-risk lists under the same settings.
    return at_risk_query(include_candidates=_rules().at_risk_includes_candidates)


register(
    Dataset(
        "notices",
        "Public notices of the dormant-organisation procedure",
        "僵尸型社会组织公告、撤销登记事先告知及决定书公告",
        "One row per notice and organisation named: dormant-organisation notices, prior "
        "notices of revocation and decisions served by public notice, with their periods, "
        "and the day each organisation came forward, if it did.",
        NOTICE_LISTING_FIELDS,
        notice_listing_rows,
        "/api/v1/notices",
    )
)
register(
    Dataset(
        "decisions",
        "Deregistration and revocation decisions",
        "简易注销和撤销登记决定",
        "Every decision ending a dormant-organisation case, with its reason and basis, the "
        "certificate's return or voiding, and the windows for review and lawsuit.",
        DECISION_FIELDS,
        decision_rows,
        "/api/v1/decisions",
    )
)
register(
    Dataset(
        "at-risk",
        "Organisations at risk of deregistration",
        "处于注销或撤销登记程序中的社会组织",
        "Organisations with an open dormant-organisation case before any decision (and, "
        "where the authorities publish them, detected candidates), with the stage, the "
        "criteria met and the latest notice.",
        AT_RISK_FIELDS,
        _at_risk,
        "/api/v1/at-risk",
    )
)

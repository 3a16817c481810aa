"""The charities' bulk datasets: charities, fundraising plans, charity trusts and the
trusts' yearly reports."""

from __future__ import annotations

from registry.charities.listing import (
    charity_dataset_rows,
    plan_rows,
    report_rows,
    trust_dataset_rows,
)
from registry.charities.public import (
    CHARITY_FIELDS,
    PLAN_FIELDS,
    TRUST_FIELDS,
    TRUST_REPORT_FIELDS,
)
from registry.exports.datasets import Dataset, register

register(
    Dataset(
        "charities",
        "Charity organisations",
        "慈善组织",
        "Every organisation recognised as a charity, with its recognition, its "
        "public-fundraising qualification, a loss of status with its reason, and the flag for "
        "two years without charitable activity on record (as of the export's day).",
        CHARITY_FIELDS,
        charity_dataset_rows,
        "/api/v1/charities",
    )
)
register(
    Dataset(
        "fundraising-plans",
        "Fundraising plans",
        "公开募捐方案备案",
        "Every public-fundraising plan filed, with its dates, area, method, beneficiaries, "
        "use of funds and cost, and whether it was filed in time.",
        PLAN_FIELDS,
        plan_rows,
        "/api/v1/fundraising-plans",
    )
)
register(
    Dataset(
        "charity-trusts",
        "Charity trusts",
        "慈善信托备案信息",
        "Every charity trust filed, as it stands after its latest filing: trustees, settlors "
        "(persons by name only), supervisor, property, purpose, fields, term and status.",
        TRUST_FIELDS,
        trust_dataset_rows,
        "/api/v1/charity-trusts",
    )
)
register(
    Dataset(
        "charity-trust-reports",
        "Charity trusts' yearly reports",
        "慈善信托年度报告",
        "The trustees' yearly reports: income, grants made and the balance at the year's end.",
        TRUST_REPORT_FIELDS,
        report_rows,
        "/api/v1/charity-trust-reports",
    )
)

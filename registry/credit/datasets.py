"""The credit bulk datasets: every credit-list entry and every rating."""

from __future__ import annotations

from registry.credit.listing import entry_rows
from registry.credit.public import ENTRY_FIELDS
from registry.exports.datasets import Dataset, register
from registry.ratings.listing import rating_rows
from registry.ratings.public import RATING_FIELDS

register(
    Dataset(
        "credit-list-entries",
        "Credit-list entries",
        "活动异常名录和严重违法失信名单列入、移出信息",
        "Every entry onto the abnormal-activities list and the serious-dishonesty list, "
        "current and past, with its ground and dates, and its removal's date and ground.",
        ENTRY_FIELDS,
        entry_rows,
        "/api/v1/credit-list-entries",
    )
)
register(
    Dataset(
        "ratings",
        "Ratings",
        "社会组织评估等级",
        "Every rating (1A–5A) with its date and term, withdrawn ratings included.",
        RATING_FIELDS,
        rating_rows,
        "/api/v1/ratings",
    )
)

"""How the portal shows the API's fields: a label from each FieldSpec, and values by kind.

Value labels are Chinese source strings, translated at render time through the portal
catalogue (translations/en/LC_MESSAGES/portal.po), as the templates' own strings are.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import g
from flask_babel import gettext as _

from registry.public import FieldSpec
from registry.web.labels import CONCLUSION as CONCLUSION
from registry.web.labels import DECISION_KIND as DECISION_KIND
from registry.web.labels import KIND as KIND

STATUS = {
    "active": "正常",
    "deregistered": "已注销",
    "revoked": "已撤销登记",
    "certificate_cancelled": "已吊销登记证书",
}
FUNDRAISING = {"public": "公募", "non_public": "非公募"}
CHANGE_TYPE = {"registration": "成立登记", "change": "变更登记", "status": "状态变更"}
CREDIT_LIST = {"abnormal": "活动异常名录", "dishonest": "严重违法失信名单"}
GROUND = {
    "report_not_filed": "未按规定报送年度工作报告",
    "rectification_not_met": "未按要求整改",
    "minor_penalty": "受到警告或者较小数额罚款",
    "unreachable": "通过登记的住所无法取得联系",
    "abnormal_two_years": "列入活动异常名录满2年",
    "revocation": "被撤销登记或者吊销登记证书",
    "major_fine": "受到较大数额罚款",
    "repeated_penalties": "多次受到警告或者罚款",
}
REMOVAL_GROUND = {
    "remedied": "已履行义务",
    "expired": "期满移出",
    "escalated": "转入严重违法失信名单",
    "deregistered": "已注销",
    "rescinded": "撤销列入决定",
}
CHARITY_STATUS = {
    "recognised": "已认定",
    "withdrawn": "已取消认定",
    "certificate_cancelled": "已吊销登记证书",
}
TRUST_STATUS = {"established": "已成立", "changed": "已变更", "terminated": "已终止"}
NOTICE_KIND = {
    "dormant": "僵尸型社会组织公告",
    "prior_notice": "撤销登记事先告知",
    "decision": "决定书公告送达",
}
CERTIFICATE_OUTCOME = {"returned": "已缴回", "void": "已公告作废"}
LOSS_KIND = {"withdrawn": "取消认定", "certificate_cancelled": "吊销登记证书"}
FIELD = {
    "poverty_relief": "扶贫济困",
    "care": "扶老救孤恤病助残",
    "disaster_relief": "救灾",
    "education": "教育",
    "science": "科学",
    "culture": "文化",
    "health": "卫生",
    "sports": "体育",
    "environment": "环境保护",
    "other": "其他公益活动",
}

#: field name → its values' labels, wherever the field appears
VALUES: dict[str, dict[str, str]] = {
    "kind": KIND,
    "status": STATUS,
    "organisation_status": STATUS,
    "fundraising": FUNDRAISING,
    "change_type": CHANGE_TYPE,
    "conclusion": CONCLUSION,
    "list": CREDIT_LIST,
    "ground": GROUND,
    "removal_ground": REMOVAL_GROUND,
    "charity_status": CHARITY_STATUS,
    "certificate_outcome": CERTIFICATE_OUTCOME,
}

#: English labels where the spec's description lists values instead of naming the field
EN_LABELS = {
    "kind": "Kind",
    "status": "Registration status",
    "organisation_status": "Registration status",
    "fundraising": "Fundraising (foundations)",
    "change_type": "Kind of entry",
    "conclusion": "Conclusion",
    "list": "List",
    "ground": "Ground",
    "removal_ground": "Ground of removal",
    "charity_status": "Charity status",
    "fields": "Charitable fields",
    "no_activity_years": "Years without charitable activity on record",
}
_ASIDE = re.compile(r"\s*\([^)]*\)")
_UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")

#: fields shown as amounts of yuan
AMOUNTS = frozenset({"registered_funds", "property_amount", "income", "grants_made", "balance"})


def english() -> bool:
    return g.get("lang", "zh") == "en"


def field_label(spec: FieldSpec) -> str:
    """The spec's description as a label: the Chinese up to its colon (the rest lists
    values), the English without its parenthetical asides."""
    if not english():
        return spec.description_zh.split("：")[0]
    if spec.name in EN_LABELS:
        return EN_LABELS[spec.name]
    return _ASIDE.sub("", spec.description).split("; ")[0]


def value_label(field: str, value: Any) -> str:
    """One value of `field` as the page shows it, in the page's language."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    labels = VALUES.get(field)
    if labels is not None and str(value) in labels:
        return _(labels[str(value)])
    if field in AMOUNTS:
        return amount(value)
    if field == "fields":
        return "、".join(_(FIELD.get(v, v)) for v in str(value).split(",") if v)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and _UTC_TIME.match(value):
        return value[:16].replace("T", " ") + " UTC"  # a record's datetime, as plain() writes
    return str(value)


def amount(value: Any) -> str:
    number = Decimal(str(value)).quantize(Decimal("0.01"))
    return _("%(amount)s 元", amount=f"{number:,}")


def label_of(table: dict[str, str], value: Any) -> str:
    """A value's label from one of the tables above (the value itself when unknown)."""
    if value is None:
        return "—"
    return _(table[str(value)]) if str(value) in table else str(value)


def template_helpers() -> dict[str, Any]:
    return {
        "field_label": field_label,
        "value_label": value_label,
        "label_of": label_of,
        "amount": amount,
        "KIND": KIND,
        "STATUS": STATUS,
        "CONCLUSION": CONCLUSION,
        "CREDIT_LIST": CREDIT_LIST,
        "GROUND": GROUND,
        "REMOVAL_GROUND": REMOVAL_GROUND,
        "CHARITY_STATUS": CHARITY_STATUS,
        "TRUST_STATUS": TRUST_STATUS,
        "NOTICE_KIND": NOTICE_KIND,
        "DECISION_KIND": DECISION_KIND,
        "CERTIFICATE_OUTCOME": CERTIFICATE_OUTCOME,
        "CHANGE_TYPE": CHANGE_TYPE,
        "LOSS_KIND": LOSS_KIND,
    }

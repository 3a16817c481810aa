"""What the workspace calls the API's values: Chinese source strings, translated when the
page renders (translations/en/LC_MESSAGES/workspace.po), as the templates' own are.

Keys are the API's values (CaseState, Transition, Criterion …), so that a page and the
API name the same thing the same way; the templates show the value's label and, where an
officer may need it to talk to the API, the value itself.
"""

from __future__ import annotations

from registry.deregistration.models import CaseState, Criterion, Transition
from registry.web.labels import CONCLUSION as CONCLUSION
from registry.web.labels import DECISION_KIND as DECISION_KIND
from registry.web.labels import KIND as KIND

S = CaseState
T = Transition

CASE_STATE = {
    S.CANDIDATE: "待核查",
    S.UNDER_REVIEW: "核查中",
    S.DISMISSED: "已排除",
    S.CONTACTING: "联系中",
    S.NOTICE_PUBLISHED: "公告期内",
    S.RESTORED: "已恢复正常",
    S.AWAITING_DECISION: "待作出决定",
    S.DEREGISTRATION_PROPOSED: "拟简易注销，待负责人批准",
    S.PRIOR_NOTICE_ISSUED: "已事先告知拟撤销登记",
    S.HEARING_REQUESTED: "已申请听证",
    S.REVOCATION_PROPOSED: "拟撤销登记，待负责人批准",
    S.DEREGISTERED: "已注销，待缴回证书印章",
    S.REVOKED: "已撤销登记，待缴回证书印章",
    S.CLOSED: "已结案",
}

#: each step's name (a button's words) and what it does, in one line
TRANSITION = {
    T.REVIEW: ("开始核查", "确认立案，进入核查。"),
    T.DISMISS: ("排除", "核实后不属于僵尸型社会组织，结案（须说明理由）。"),
    T.CONTACT: ("记录联系", "已尝试联系该组织（信函、电话、走访）。"),
    T.PUBLISH_NOTICE: ("发布公告", "发布仅列明本组织的公告（多个组织请在候选名单页一并公告）。"),
    T.RESTORE: ("恢复正常", "该组织已主动联系并补报年度报告，结案（须说明理由）。"),
    T.AWAIT_DECISION: ("公告期满，待决定", "公告期满后，进入作出决定阶段。"),
    T.PROPOSE_DEREGISTRATION: ("拟简易注销", "该组织同意或无法找到，且无已知资产债务。"),
    T.ISSUE_PRIOR_NOTICE: ("发布事先告知公告", "拟撤销登记：告知陈述、申辩和申请听证的权利。"),
    T.REQUEST_HEARING: ("记录听证申请", "该组织在期限内申请了听证。"),
    T.PROPOSE_REVOCATION: ("拟撤销登记", "申辩期满或听证后，提请负责人批准撤销登记。"),
    T.APPROVE: ("批准决定", "负责人批准拟作出的决定，决定即时生效。"),
    T.REJECT: ("退回", "不批准拟作出的决定，退回待决定（须说明理由）。"),
    T.CLOSE: ("结案", "登记证书、印章已缴回或已公告作废。"),
}

CRITERION = {
    Criterion.MISSED_REPORTS: "未参加年检",
    Criterion.NO_ACTIVITY: "成立后未开展活动",
    Criterion.UNREACHABLE: "无法取得联系",
    Criterion.LONG_ABNORMAL: "长期列入活动异常名录",
}

REPORT_STATUS = {"submitted": "待审查", "concluded": "已作出结论"}
NEXT_STEP = {
    "conclude": "作出年检结论",
    "order_correction": "责令整改",
    "record_correction": "记录整改完成",
}
DOCUMENT_KIND = {
    "dormant": "僵尸型社会组织公告",
    "prior_notice": "事先告知公告",
    "decision_notice": "决定送达公告",
    "decision": "决定书",
}
SIMPLIFIED_GROUND = {"consent": "该组织同意注销", "not_found": "无法找到该组织"}
CERTIFICATE = {"returned": "已缴回", "void": "逾期未缴回，公告作废"}

#: the report's contents as the API names them (ReportContentsSchema), with their labels
CONTENTS = {
    "compliance_statement": "遵守法律法规情况",
    "registration_changes": "登记事项变更情况",
    "activities": "开展活动情况",
    "staff_count": "专职工作人员数",
    "volunteer_count": "志愿者人数",
    "officers": "主要负责人",
    "branch_count": "分支机构数",
    "party_building": "党建工作情况",
}
FINANCES = {
    "income": "本年收入（元）",
    "expenditure": "本年支出（元）",
    "net_assets": "年末净资产（元）",
    "donations_received": "接受捐赠（元）",
    "domestic_donations": "其中：境内捐赠（元）",
    "foreign_donations": "其中：境外捐赠（元）",
    "grants_made": "资助支出（元）",
    "audit_opinion": "审计意见",
}

#: every label above, for the test that each has its English
ALL = (
    list(CASE_STATE.values())
    + [text for pair in TRANSITION.values() for text in pair]
    + list(CRITERION.values())
    + list(CONCLUSION.values())
    + list(REPORT_STATUS.values())
    + list(NEXT_STEP.values())
    + list(KIND.values())
    + list(DOCUMENT_KIND.values())
    + list(SIMPLIFIED_GROUND.values())
    + list(CERTIFICATE.values())
    + list(DECISION_KIND.values())
    + list(CONTENTS.values())
    + list(FINANCES.values())
)

"""Labels of the API's values that the portal and the workspace both show: Chinese source
strings, translated when a page renders (each part's catalogue carries them)."""

from __future__ import annotations

KIND = {"social_group": "社会团体", "social_service_agency": "社会服务机构", "foundation": "基金会"}
CONCLUSION = {"pass": "合格", "basic_pass": "基本合格", "fail": "不合格"}
DECISION_KIND = {"simplified_deregistration": "简易注销", "revocation": "撤销登记"}
